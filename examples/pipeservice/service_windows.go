package pipeservice

// service_windows.go is the service as a Windows program writes it, against
// golang.org/x/sys/windows. service_other.go is the same file with the import line changed to
// winsim's package windows, written by go generate (see doc.go): edit service_windows.go only.

import (
	"errors"
	"fmt"
	"unsafe"

	"golang.org/x/sys/windows"
)

// kernel32.dll functions golang.org/x/sys/windows does not declare, loaded by hand as Windows
// programs load them.
var (
	modkernel32         = windows.NewLazySystemDLL("kernel32.dll")
	procWaitNamedPipeW  = modkernel32.NewProc("WaitNamedPipeW")
	procCreateMailslotW = modkernel32.NewProc("CreateMailslotW")
)

// waitNamedPipe is WaitNamedPipeW: it waits up to timeout milliseconds until an instance of
// the pipe name is listening. As with every procedure called through Call, the BOOL result
// says whether it failed and the last error says why.
func waitNamedPipe(name *uint16, timeout uint32) error {
	r1, _, err := procWaitNamedPipeW.Call(uintptr(unsafe.Pointer(name)), uintptr(timeout))
	if r1 == 0 {
		return err
	}
	return nil
}

// createMailslot is CreateMailslotW: it creates the mailslot name and returns its read
// handle, or InvalidHandle and the last error.
func createMailslot(name *uint16, maxMessageSize uint32, readTimeout uint32, sa *windows.SecurityAttributes) (windows.Handle, error) {
	r1, _, err := procCreateMailslotW.Call(uintptr(unsafe.Pointer(name)), uintptr(maxMessageSize), uintptr(readTimeout), uintptr(unsafe.Pointer(sa)))
	if h := windows.Handle(r1); h != windows.InvalidHandle {
		return h, nil
	}
	return windows.InvalidHandle, err
}

// A Server is the service: Config.Instances instances of one message-type named pipe, all
// opened for overlapped I/O and driven by one goroutine (Serve), which waits for any of their
// operations to complete with WaitForMultipleObjects, as Microsoft's "Named Pipe Server Using
// Overlapped I/O" describes. Each client sends requests, one message each, and gets one reply
// message for each (see answer).
type Server struct {
	cfg       Config
	instances []*instance
	slot      windows.Handle // the announcement mailslot's client handle; 0 for none
	served    uint64         // requests answered; only Serve's goroutine touches it
}

// An instance's state is the operation it has under way.
type state int

const (
	connecting state = iota // ConnectNamedPipe: waiting for a client
	reading                 // ReadFile: waiting for (the rest of) a request
	writing                 // WriteFile: sending the reply
)

// An instance is one pipe instance and the one overlapped operation it has under way. While
// Serve runs, every instance has exactly one operation started: either through ov (pending, or
// completed with its result in ov and its event set) or, when it never went through ov, with
// its result in early and its event set by the server.
type instance struct {
	pipe  windows.Handle
	ov    windows.Overlapped // ov.HEvent is the instance's own manual-reset event
	state state

	// inOV is set while an operation started through ov has not been released: ov, buf and
	// reply then belong to the system until it completes. When it is not set, the last
	// operation's result is early: a ConnectNamedPipe that found its client already there
	// (ERROR_PIPE_CONNECTED), or a call that failed at once, neither of which writes ov or
	// sets its event.
	inOV  bool
	early error

	buf     [readChunk]byte // the read buffer; it must stay put while a read is pending
	request []byte          // the request read so far
	tooLong bool            // the request passed MaxRequest; the rest is read and dropped
	reply   []byte          // the reply being written; it must stay put while the write is pending
}

// New creates the service's pipe instances and announces the service. Clients may connect as
// soon as New returns, since a new instance listens from its creation (Wine's kernel32 pipe.c
// test_CreateNamedPipe); they are served once Serve runs. Serve must then be called: it
// releases everything New made.
func New(cfg Config) (*Server, error) {
	if err := cfg.check(); err != nil {
		return nil, err
	}
	name, err := windows.UTF16PtrFromString(cfg.Pipe)
	if err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg}
	for range cfg.Instances {
		in, err := s.newInstance(name)
		if err != nil {
			return nil, errors.Join(err, s.release())
		}
		s.instances = append(s.instances, in)
	}
	if cfg.Announce != "" {
		if err := s.openAnnouncements(); err != nil {
			return nil, errors.Join(err, s.release())
		}
		if err := s.announce(true); err != nil {
			// Nobody heard the service come up: close the mailslot before release, which
			// would announce it going down.
			err = errors.Join(err, windows.CloseHandle(s.slot))
			s.slot = 0
			return nil, errors.Join(err, s.release())
		}
	}
	return s, nil
}

// newInstance creates one pipe instance.
func (s *Server) newInstance(name *uint16) (*instance, error) {
	h, err := windows.CreateNamedPipe(name,
		windows.PIPE_ACCESS_DUPLEX|windows.FILE_FLAG_OVERLAPPED,
		windows.PIPE_TYPE_MESSAGE|windows.PIPE_READMODE_MESSAGE|windows.PIPE_WAIT,
		uint32(s.cfg.Instances), pipeBuffer, pipeBuffer, 0, nil)
	if err != nil {
		return nil, fmt.Errorf("pipeservice: CreateNamedPipe %s: %w", s.cfg.Pipe, err)
	}
	// Overlapped I/O wants a manual-reset event: the call resets it when it starts and the
	// system sets it when the operation completes (Microsoft's "Synchronization and
	// Overlapped Input and Output").
	ev, err := windows.CreateEvent(nil, 1, 0, nil)
	if err != nil {
		windows.CloseHandle(h)
		return nil, fmt.Errorf("pipeservice: CreateEvent: %w", err)
	}
	in := &instance{pipe: h}
	in.ov.HEvent = ev
	return in, nil
}

// openAnnouncements opens the announcement mailslot for writing. A mailslot client must
// share reading (Microsoft's CreateFileW page, "Mailslots").
func (s *Server) openAnnouncements() error {
	name, err := windows.UTF16PtrFromString(s.cfg.Announce)
	if err != nil {
		return err
	}
	h, err := windows.CreateFile(name, windows.GENERIC_WRITE, windows.FILE_SHARE_READ, nil, windows.OPEN_EXISTING, 0, 0)
	if err != nil {
		return fmt.Errorf("pipeservice: open mailslot %s: %w", s.cfg.Announce, err)
	}
	s.slot = h
	return nil
}

// announce writes one announcement: the service is up, or going down. A write to a domain's
// mailslots is a datagram: it succeeds whether or not anyone hears it.
func (s *Server) announce(up bool) error {
	a := Announcement{Up: up, Name: s.cfg.Name, Pipe: s.cfg.Pipe, PID: windows.GetCurrentProcessId()}
	if err := windows.WriteFile(s.slot, []byte(a.String()), nil, nil); err != nil {
		return fmt.Errorf("pipeservice: announce to %s: %w", s.cfg.Announce, err)
	}
	return nil
}

// Serve answers clients until the event stop is signalled (a service's control handler calls
// SetEvent on it), then cancels what is under way, closes every handle New made, announces
// that the service is going down, and returns nil. An error that leaves the service unable
// to go on ends it the same way, and Serve returns that error. The caller owns stop.
func (s *Server) Serve(stop windows.Handle) error {
	// The stop event comes first: WaitForMultipleObjects reports the lowest index signalled,
	// so a stop is seen however busy the instances are.
	handles := make([]windows.Handle, 0, 1+len(s.instances))
	handles = append(handles, stop)
	for _, in := range s.instances {
		if err := s.connect(in); err != nil {
			return errors.Join(err, s.release())
		}
		handles = append(handles, in.ov.HEvent)
	}
	for {
		ev, err := windows.WaitForMultipleObjects(handles, false, windows.INFINITE)
		if err != nil {
			return errors.Join(fmt.Errorf("pipeservice: WaitForMultipleObjects: %w", err), s.release())
		}
		i := int(ev - windows.WAIT_OBJECT_0)
		if i < 0 || i >= len(handles) {
			return errors.Join(fmt.Errorf("pipeservice: WaitForMultipleObjects returned %#x", ev), s.release())
		}
		if i == 0 {
			return s.release()
		}
		if err := s.step(s.instances[i-1]); err != nil {
			return errors.Join(err, s.release())
		}
	}
}

// connect starts listening for the instance's next client.
func (s *Server) connect(in *instance) error {
	in.state = connecting
	in.request, in.tooLong = in.request[:0], false
	return s.started(in, windows.ConnectNamedPipe(in.pipe, &in.ov))
}

// read starts reading (more of) a request.
func (s *Server) read(in *instance) error {
	in.state = reading
	// The count is taken from GetOverlappedResult, never from this call: with an
	// OVERLAPPED, a read that ends with ERROR_MORE_DATA stores 0 through the count pointer
	// (Wine's kernel32 pipe.c test_ReadFile, which runs on Windows).
	return s.started(in, windows.ReadFile(in.pipe, in.buf[:], nil, &in.ov))
}

// write starts sending the reply.
func (s *Server) write(in *instance) error {
	in.state = writing
	return s.started(in, windows.WriteFile(in.pipe, in.reply, nil, &in.ov))
}

// started records how an overlapped call began. ERROR_IO_PENDING is no failure: the operation
// goes on, and its result arrives in ov. A call that completed at once (nil, or ERROR_MORE_DATA
// for a read that got part of a message) has also put its result in ov and set the event. A
// ConnectNamedPipe that finds a client already connected returns ERROR_PIPE_CONNECTED, which
// is success, but writes nothing to ov and leaves the event reset (Wine's kernel32 pipe.c
// test_overlapped_error); a call that fails at once does the same. For those two the result
// is kept here and the event set by hand, so the loop comes round to the instance like any
// other completion.
func (s *Server) started(in *instance, err error) error {
	switch err {
	case nil, windows.ERROR_IO_PENDING, windows.ERROR_MORE_DATA:
		in.inOV, in.early = true, nil
		return nil
	}
	in.inOV, in.early = false, err
	if err := windows.SetEvent(in.ov.HEvent); err != nil {
		return fmt.Errorf("pipeservice: SetEvent: %w", err)
	}
	return nil
}

// step takes the result of the instance's operation, which has completed, and starts the
// next one.
func (s *Server) step(in *instance) error {
	var n uint32
	err := in.early
	if in.inOV {
		err = windows.GetOverlappedResult(in.pipe, &in.ov, &n, false)
		if err == windows.ERROR_IO_INCOMPLETE {
			// Only a completion sets the event of an operation that went through ov.
			return fmt.Errorf("pipeservice: instance's event set while its operation is pending")
		}
		in.inOV = false
	}
	switch in.state {
	case connecting:
		switch err {
		case nil, windows.ERROR_PIPE_CONNECTED:
			return s.read(in)
		case windows.ERROR_NO_DATA:
			// The client connected and closed before the connect was made (Wine's kernel32
			// pipe.c test_nowait): end that conversation and listen again.
			return s.reconnect(in)
		}
		return fmt.Errorf("pipeservice: ConnectNamedPipe: %w", err)
	case reading:
		switch err {
		case windows.ERROR_MORE_DATA:
			// The request is longer than the buffer: this is a piece of it, and the next
			// read continues it (Microsoft's "Named Pipe Type, Read, and Wait Modes").
			in.take(n)
			return s.read(in)
		case nil:
			in.take(n)
			in.reply = s.answer(in)
			return s.write(in)
		}
		// ERROR_BROKEN_PIPE: the client closed its end. Any other error ends the
		// conversation too; the instance serves the next client.
		return s.reconnect(in)
	case writing:
		if err == nil {
			in.request, in.tooLong = in.request[:0], false
			return s.read(in)
		}
		return s.reconnect(in)
	}
	return fmt.Errorf("pipeservice: instance in unknown state %d", in.state)
}

// take adds the n bytes just read to the request, unless it is already too long.
func (in *instance) take(n uint32) {
	if in.tooLong || len(in.request)+int(n) > MaxRequest {
		in.tooLong, in.request = true, in.request[:0]
		return
	}
	in.request = append(in.request, in.buf[:n]...)
}

// answer is the reply to the request the instance has read.
func (s *Server) answer(in *instance) []byte {
	if in.tooLong {
		return []byte(ReplyTooLong)
	}
	r := answer(in.request, s.served)
	s.served++
	return r
}

// reconnect ends the instance's conversation with DisconnectNamedPipe, after which the
// instance can listen again with ConnectNamedPipe (Wine's ntdll pipe.c pipe_for_each_state).
func (s *Server) reconnect(in *instance) error {
	if err := windows.DisconnectNamedPipe(in.pipe); err != nil && err != windows.ERROR_PIPE_NOT_CONNECTED {
		return fmt.Errorf("pipeservice: DisconnectNamedPipe: %w", err)
	}
	return s.connect(in)
}

// release ends every instance's operation and closes everything New made, announcing first
// that the service is going down.
func (s *Server) release() error {
	var errs []error
	for _, in := range s.instances {
		errs = append(errs, in.close())
	}
	s.instances = nil
	if s.slot != 0 {
		errs = append(errs, s.announce(false), windows.CloseHandle(s.slot))
		s.slot = 0
	}
	return errors.Join(errs...)
}

// close cancels the instance's operation, waits until the system is done with its OVERLAPPED
// and buffers, and closes the pipe and the event. Memory given to an overlapped call must stay
// valid until the operation completes, cancelled or not (Microsoft's CancelIoEx page), hence
// the wait. A client still connected then finds the pipe broken.
func (in *instance) close() error {
	if in.inOV {
		// ERROR_NOT_FOUND: the operation had already completed; nothing to cancel.
		if err := windows.CancelIoEx(in.pipe, &in.ov); err != nil && err != windows.ERROR_NOT_FOUND {
			return fmt.Errorf("pipeservice: CancelIoEx: %w", err)
		}
		var n uint32
		_ = windows.GetOverlappedResult(in.pipe, &in.ov, &n, true) // its result no longer matters
		in.inOV = false
	}
	return errors.Join(windows.CloseHandle(in.pipe), windows.CloseHandle(in.ov.HEvent))
}

// A Client is one connection to the service, as Microsoft's "Named Pipe Client" describes it:
// a pipe handle in message read mode, one request message and one reply message at a time.
type Client struct {
	pipe windows.Handle

	// Waits is how many times Dial found every instance of the pipe busy and waited with
	// WaitNamedPipe before it got one.
	Waits int
}

// Dial opens the service's pipe (\\.\pipe\name, or \\server\pipe\name on another machine).
// When every instance is busy, CreateFile fails with ERROR_PIPE_BUSY; Dial then waits with
// WaitNamedPipe, up to timeout milliseconds (WaitForever; 0 for the server's default), and
// tries again. A successful wait does not reserve the instance, so another client may take it
// first and Dial waits again (Microsoft's WaitNamedPipeW page). A wait that times out fails
// with ERROR_SEM_TIMEOUT; a pipe nobody serves fails at once with ERROR_FILE_NOT_FOUND.
func Dial(pipe string, timeout uint32) (*Client, error) {
	name, err := windows.UTF16PtrFromString(pipe)
	if err != nil {
		return nil, err
	}
	c := &Client{}
	for {
		h, err := windows.CreateFile(name, windows.GENERIC_READ|windows.GENERIC_WRITE, 0, nil, windows.OPEN_EXISTING, 0, 0)
		if err == nil {
			c.pipe = h
			break
		}
		if err != windows.ERROR_PIPE_BUSY {
			return nil, fmt.Errorf("pipeservice: open %s: %w", pipe, err)
		}
		c.Waits++
		if err := waitNamedPipe(name, timeout); err != nil {
			return nil, fmt.Errorf("pipeservice: wait for %s: %w", pipe, err)
		}
	}
	// A client end starts in byte read mode (Microsoft's "Named Pipe Client"); the replies
	// are messages.
	mode := uint32(windows.PIPE_READMODE_MESSAGE)
	if err := windows.SetNamedPipeHandleState(c.pipe, &mode, nil, nil); err != nil {
		windows.CloseHandle(c.pipe)
		return nil, fmt.Errorf("pipeservice: SetNamedPipeHandleState: %w", err)
	}
	return c, nil
}

// Request sends one request and returns the service's reply. A reply longer than the read
// buffer comes in pieces, each read but the last failing with ERROR_MORE_DATA.
func (c *Client) Request(request string) (string, error) {
	if err := windows.WriteFile(c.pipe, []byte(request), nil, nil); err != nil {
		return "", fmt.Errorf("pipeservice: send request: %w", err)
	}
	var reply []byte
	buf := make([]byte, readChunk)
	for {
		var n uint32
		err := windows.ReadFile(c.pipe, buf, &n, nil)
		reply = append(reply, buf[:n]...)
		switch err {
		case nil:
			return string(reply), nil
		case windows.ERROR_MORE_DATA:
			continue
		}
		return "", fmt.Errorf("pipeservice: read reply: %w", err)
	}
}

// Close closes the connection; the server's instance then serves another client.
func (c *Client) Close() error { return windows.CloseHandle(c.pipe) }

// A Listener hears the service's announcements on a mailslot it creates.
type Listener struct {
	slot windows.Handle
}

// Listen creates the mailslot name (\\.\mailslot\name) and returns a Listener whose Next waits
// up to readTimeout milliseconds for an announcement (WaitForever; 0 does not wait).
func Listen(name string, readTimeout uint32) (*Listener, error) {
	p, err := windows.UTF16PtrFromString(name)
	if err != nil {
		return nil, err
	}
	h, err := createMailslot(p, MaxAnnouncement, readTimeout, nil)
	if err != nil {
		return nil, fmt.Errorf("pipeservice: CreateMailslot %s: %w", name, err)
	}
	return &Listener{slot: h}, nil
}

// Next reads the next announcement. Each ReadFile of a mailslot returns one whole message;
// with none there when the read timeout passes it fails with ERROR_SEM_TIMEOUT (Wine's
// kernel32 mailslot.c mailslot_test).
func (l *Listener) Next() (Announcement, error) {
	var buf [MaxAnnouncement]byte
	var n uint32
	if err := windows.ReadFile(l.slot, buf[:], &n, nil); err != nil {
		return Announcement{}, fmt.Errorf("pipeservice: read announcement: %w", err)
	}
	return parseAnnouncement(buf[:n])
}

// Close closes the mailslot; it is gone once no handle to it is open.
func (l *Listener) Close() error { return windows.CloseHandle(l.slot) }
