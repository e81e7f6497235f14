package winio

import (
	"context"
	"errors"
	"io"
	"math"
	"net"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/winsim/winsim/kernel"
	"github.com/winsim/winsim/pipe"
)

// This file is go-winio's named-pipe API (github.com/Microsoft/go-winio, pipe.go) over
// winsim's named-pipe file system, with go-winio's behaviour:
//
//   - The listener's first instance is created with SYNCHRONIZE access alone, which
//     leaves it disconnected (pipe.CreateNamedPipeFile), so a client cannot connect
//     until Accept creates an instance with read/write access and connects it: a dial
//     with a short timeout before Accept times out. Accepts are served one at a time.
//   - Every instance rejects remote clients, reads in byte mode, and is overlapped.
//   - A client opens the pipe with FILE_FLAG_OVERLAPPED, SECURITY_SQOS_PRESENT and the
//     impersonation level asked for, and waits while every instance is busy; DialPipe
//     gives up after its timeout (2 s if none is given) with ErrTimeout, DialPipeContext
//     when its context ends, with the context's error.
//   - A message-type pipe's connection treats ERROR_MORE_DATA as success, a zero-length
//     message as the end of the stream for good, drops zero-length writes, and has
//     CloseWrite (flush, then a zero-length message); a byte-type pipe's has none.
//
// Where go-winio polls every 10 ms for a busy pipe, the dial here waits in
// WaitNamedPipe, which returns as soon as an instance listens.

// PipeConn is the connection a pipe listener's Accept and the dials return.
type PipeConn interface {
	net.Conn
	// Disconnect disconnects the client from the server end (DisconnectNamedPipe):
	// what is still queued either way is discarded.
	Disconnect() error
	// Flush waits until the other end has read everything written (FlushFileBuffers).
	Flush() error
}

var (
	// ErrPipeListenerClosed is what Accept returns once the listener is closed. It is
	// net.ErrClosed, as in go-winio.
	ErrPipeListenerClosed = net.ErrClosed

	errPipeWriteClosed = errors.New("pipe has been closed for write")
)

// defaultDialTimeout is DialPipe's timeout when none is given (go-winio, DialPipe).
const defaultDialTimeout = 2 * time.Second

// win32Pipe is a connection over a pipe end of a byte-type pipe.
type win32Pipe struct {
	*win32File
	path string
}

var _ PipeConn = (*win32Pipe)(nil)

// win32MessageBytePipe is a connection over a pipe end of a message-type pipe.
type win32MessageBytePipe struct {
	win32Pipe
	// writeClosed is set once CloseWrite has sent its zero-length message.
	writeClosed atomic.Bool
	// readEOF latches the end of the stream once a zero-length message has been read.
	readEOF atomic.Bool
}

type pipeAddress string

// Network implements net.Addr: "pipe".
func (pipeAddress) Network() string { return "pipe" }

// String implements net.Addr: the pipe's path as given.
func (s pipeAddress) String() string { return string(s) }

// LocalAddr implements net.Conn: the pipe's path.
func (f *win32Pipe) LocalAddr() net.Addr { return pipeAddress(f.path) }

// RemoteAddr implements net.Conn: the pipe's path.
func (f *win32Pipe) RemoteAddr() net.Addr { return pipeAddress(f.path) }

// SetDeadline implements net.Conn: it sets both deadlines.
func (f *win32Pipe) SetDeadline(t time.Time) error {
	if err := f.SetReadDeadline(t); err != nil {
		return err
	}
	return f.SetWriteDeadline(t)
}

// Disconnect implements PipeConn (DisconnectNamedPipe). On a client end it fails with
// ERROR_INVALID_FUNCTION; after Close with ERROR_INVALID_HANDLE.
func (f *win32Pipe) Disconnect() error {
	if !f.ops.enter() {
		return winError(kernel.ERROR_INVALID_HANDLE) // go-winio disconnects handle 0 after Close
	}
	defer f.ops.leave()
	return winError(pipe.DisconnectNamedPipe(f.p, f.handle))
}

// CloseWrite ends the write side: it flushes, then sends a zero-length message, which
// the other end reads as io.EOF. Later Writes, and a second CloseWrite, fail.
func (f *win32MessageBytePipe) CloseWrite() error {
	if f.writeClosed.Load() {
		return errPipeWriteClosed
	}
	if err := f.win32File.Flush(); err != nil {
		return err
	}
	if _, err := f.win32File.Write(nil); err != nil {
		return err
	}
	f.writeClosed.Store(true)
	return nil
}

// Write writes b as one message; an empty b sends nothing.
func (f *win32MessageBytePipe) Write(b []byte) (int, error) {
	if f.writeClosed.Load() {
		return 0, errPipeWriteClosed
	}
	if len(b) == 0 {
		return 0, nil
	}
	return f.win32File.Write(b)
}

// Read reads from the pipe. In message read mode a message longer than b comes over
// several Reads (ERROR_MORE_DATA is success); a zero-length message is io.EOF, for
// this and every later Read.
func (f *win32MessageBytePipe) Read(b []byte) (int, error) {
	if f.readEOF.Load() {
		return 0, io.EOF
	}
	n, err := f.win32File.Read(b)
	if err == io.EOF {
		f.readEOF.Store(true)
	} else if err == errMoreData {
		err = nil
	}
	return n, err
}

// PipeImpLevel is the impersonation level a client allows the server (the
// SECURITY_SQOS_PRESENT flags of its CreateFile).
type PipeImpLevel uint32

// Impersonation levels, as CreateFile's SECURITY_* flags.
const (
	PipeImpLevelAnonymous      = PipeImpLevel(kernel.SECURITY_ANONYMOUS)
	PipeImpLevelIdentification = PipeImpLevel(kernel.SECURITY_IDENTIFICATION)
	PipeImpLevelImpersonation  = PipeImpLevel(kernel.SECURITY_IMPERSONATION)
	PipeImpLevelDelegation     = PipeImpLevel(kernel.SECURITY_DELEGATION)
)

// DialPipe connects to the named pipe path (\\.\pipe\name, or \\HOST\pipe\name),
// waiting while every instance is busy, for at most *timeout (2 s when timeout is nil;
// the machine's clock measures it); then it fails with ErrTimeout. Other failures are
// an *os.PathError: ERROR_FILE_NOT_FOUND at once when no pipe has the name,
// ERROR_ACCESS_DENIED when the pipe's descriptor refuses GENERIC_READ|GENERIC_WRITE.
func (c *Caller) DialPipe(path string, timeout *time.Duration) (net.Conn, error) {
	d := defaultDialTimeout
	if timeout != nil {
		d = *timeout
	}
	if c.p == nil {
		return nil, noProcess(path)
	}
	return c.dial(context.Background(), path, uint32(kernel.GENERIC_READ|kernel.GENERIC_WRITE), PipeImpLevelAnonymous, c.p.Machine().Clock().Now().Add(d))
}

// DialPipeContext is DialPipe that waits until ctx ends, and then returns ctx's error.
func (c *Caller) DialPipeContext(ctx context.Context, path string) (net.Conn, error) {
	return c.DialPipeAccess(ctx, path, uint32(kernel.GENERIC_READ|kernel.GENERIC_WRITE))
}

// DialPipeAccess is DialPipeContext asking for access (GENERIC_READ for a client that
// only reads, for example).
func (c *Caller) DialPipeAccess(ctx context.Context, path string, access uint32) (net.Conn, error) {
	return c.DialPipeAccessImpLevel(ctx, path, access, PipeImpLevelAnonymous)
}

// DialPipeAccessImpLevel is DialPipeAccess allowing the server impersonation at
// impLevel (ImpersonateNamedPipeClient).
func (c *Caller) DialPipeAccessImpLevel(ctx context.Context, path string, access uint32, impLevel PipeImpLevel) (net.Conn, error) {
	if c.p == nil {
		return nil, noProcess(path)
	}
	if ctx == nil {
		ctx = context.Background() // go-winio would crash; waiting without end is what nil can mean
	}
	return c.dial(ctx, path, access, impLevel, time.Time{})
}

// dial opens path until it succeeds, fails otherwise than with ERROR_PIPE_BUSY, ctx
// ends, or deadline (if not zero) passes on the machine's clock.
func (c *Caller) dial(ctx context.Context, path string, access uint32, level PipeImpLevel, deadline time.Time) (net.Conn, error) {
	p := c.p
	clock := p.Machine().Clock()
	for {
		// As go-winio's dial loop, which looks at its context before each try: a
		// timeout already passed fails before the first open.
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if !deadline.IsZero() && !clock.Now().Before(deadline) {
			return nil, ErrTimeout
		}
		h, err := p.CreateFile(path, kernel.Access(access), 0, nil, kernel.OPEN_EXISTING,
			kernel.FILE_FLAG_OVERLAPPED|kernel.SECURITY_SQOS_PRESENT|uint32(level))
		if err == nil {
			return clientConn(p, h, path)
		}
		if !errors.Is(err, kernel.ERROR_PIPE_BUSY) {
			return nil, &os.PathError{Op: "open", Path: path, Err: winError(err)}
		}
		wait := pipe.NMPWAIT_WAIT_FOREVER
		if !deadline.IsZero() {
			wait = waitMillis(deadline.Sub(clock.Now()))
		}
		// Wait for an instance to listen; whatever the wait reports, the next open
		// says what is true then (the pipe may be gone, or another client faster).
		if err := pipe.WaitNamedPipe(ctx, p, path, wait); err != nil && ctx.Err() != nil {
			return nil, ctx.Err()
		}
	}
}

// waitMillis is d as a WaitNamedPipe timeout: rounded up, at least 1 ms, and short of
// NMPWAIT_WAIT_FOREVER.
func waitMillis(d time.Duration) uint32 {
	ms := (d + time.Millisecond - 1) / time.Millisecond
	switch {
	case ms < 1:
		return 1
	case ms >= math.MaxUint32:
		return math.MaxUint32 - 1
	}
	return uint32(ms)
}

// clientConn wraps h, a client end just opened, in the connection its pipe's type
// calls for. The client keeps byte read mode, as in go-winio.
func clientConn(p *kernel.Process, h kernel.Handle, path string) (net.Conn, error) {
	flags, _, _, _, err := pipe.GetNamedPipeInfo(p, h)
	if err != nil {
		_ = p.CloseHandle(h)
		return nil, winError(err)
	}
	f := newWin32File(p, h)
	if flags&pipe.PIPE_TYPE_MESSAGE != 0 {
		return &win32MessageBytePipe{win32Pipe: win32Pipe{win32File: f, path: path}}, nil
	}
	return &win32Pipe{win32File: f, path: path}, nil
}

// PipeConfig configures a pipe listener.
type PipeConfig struct {
	// SecurityDescriptor is the pipe's security descriptor in SDDL; empty gives the
	// named-pipe default (full control to SYSTEM, administrators and the owner, read to
	// Everyone and anonymous).
	SecurityDescriptor string
	// MessageMode makes the pipe message-type. Either way it is read in byte mode;
	// only message-type connections have CloseWrite.
	MessageMode bool
	// InputBufferSize is the quota of the clients' writes, in bytes.
	InputBufferSize int32
	// OutputBufferSize is the quota of the server's writes, in bytes.
	OutputBufferSize int32
}

// win32PipeListener is the listener ListenPipe returns.
//
// Lifetime: ListenPipe creates the pipe with the first instance, firstHandle, which
// keeps the name alive while no connection exists; Close ends an Accept in progress,
// and closes firstHandle once none is in progress. Connections accepted stay open.
type win32PipeListener struct {
	// Immutable after creation.
	p           *kernel.Process
	firstHandle kernel.Handle
	path        string
	config      PipeConfig
	// ctx is cancelled when Close starts; Accept's ConnectNamedPipe waits with it.
	ctx    context.Context
	cancel context.CancelFunc
	// accepting holds one token: the Accept serving now has it, and Close takes it for
	// good. Accepts are served one at a time, as go-winio's listener routine does.
	accepting chan struct{}
	closeOnce sync.Once
}

var _ net.Listener = (*win32PipeListener)(nil)

// ListenPipe creates the named pipe path (\\.\pipe\name), which must not exist, and
// returns a listener for it. Until Accept is called no client can connect: a dial
// waits, and times out if its timeout is shorter than the wait.
//
// Errors: *SddlConversionError for a malformed SecurityDescriptor; an *os.PathError
// for the creation, with ERROR_ACCESS_DENIED when the pipe exists, ERROR_INVALID_NAME
// for a name that is not a local pipe name.
func (c *Caller) ListenPipe(path string, cfg *PipeConfig) (net.Listener, error) {
	if cfg == nil {
		cfg = &PipeConfig{}
	}
	if c.p == nil {
		return nil, noProcess(path)
	}
	var sa *kernel.SecurityAttributes
	if cfg.SecurityDescriptor != "" {
		sd, err := c.p.Machine().ParseSDDL(cfg.SecurityDescriptor)
		if err != nil {
			return nil, &SddlConversionError{Sddl: cfg.SecurityDescriptor, Err: winError(err)}
		}
		sa = &kernel.SecurityAttributes{SecurityDescriptor: sd}
	}
	h, err := makeServerPipeHandle(c.p, path, sa, cfg, true)
	if err != nil {
		return nil, err
	}
	l := &win32PipeListener{p: c.p, firstHandle: h, path: path, config: *cfg, accepting: make(chan struct{}, 1)}
	l.ctx, l.cancel = context.WithCancel(context.Background())
	l.accepting <- struct{}{}
	return l, nil
}

// makeServerPipeHandle creates an instance of the listener's pipe as go-winio does
// (NtCreateNamedPipeFile): the first with FILE_CREATE and SYNCHRONIZE alone, which
// leaves it disconnected, later ones with FILE_OPEN and read/write access, listening.
func makeServerPipeHandle(p *kernel.Process, path string, sa *kernel.SecurityAttributes, c *PipeConfig, first bool) (kernel.Handle, error) {
	params := pipe.NamedPipeFileParams{
		Access:        kernel.GENERIC_READ | kernel.GENERIC_WRITE | kernel.SYNCHRONIZE,
		ShareAccess:   kernel.FILE_SHARE_READ | kernel.FILE_SHARE_WRITE,
		Disposition:   pipe.FILE_OPEN,
		MessageType:   c.MessageMode,
		RejectRemote:  true,
		MaxInstances:  math.MaxUint32,
		InboundQuota:  uint32(c.InputBufferSize),
		OutboundQuota: uint32(c.OutputBufferSize),
	}
	if first {
		params.Access = kernel.SYNCHRONIZE
		params.Disposition = pipe.FILE_CREATE
		params.Security = sa
	}
	h, err := pipe.CreateNamedPipeFile(p, path, &params)
	if err != nil {
		return 0, &os.PathError{Op: "open", Path: path, Err: winError(err)}
	}
	return h, nil
}

// Accept waits for a client and returns its connection: it creates an instance,
// connects it (ConnectNamedPipe) and wraps it. A client that connected and closed
// before the connection was made (ERROR_NO_DATA) is skipped. Once the listener is
// closed, or when Close ends the wait, it fails with ErrPipeListenerClosed.
func (l *win32PipeListener) Accept() (net.Conn, error) {
	select {
	case <-l.accepting:
	case <-l.ctx.Done():
		return nil, ErrPipeListenerClosed
	}
	defer func() { l.accepting <- struct{}{} }()
	for {
		if l.ctx.Err() != nil {
			return nil, ErrPipeListenerClosed
		}
		h, err := makeServerPipeHandle(l.p, l.path, nil, &l.config, false)
		if err != nil {
			return nil, err
		}
		err = pipe.ConnectNamedPipe(l.ctx, l.p, h)
		switch {
		case err == nil || errors.Is(err, kernel.ERROR_PIPE_CONNECTED):
			f := newWin32File(l.p, h)
			if l.config.MessageMode {
				return &win32MessageBytePipe{win32Pipe: win32Pipe{win32File: f, path: l.path}}, nil
			}
			return &win32Pipe{win32File: f, path: l.path}, nil
		case errors.Is(err, kernel.ERROR_NO_DATA):
			_ = l.p.CloseHandle(h)
			continue
		}
		_ = l.p.CloseHandle(h)
		if l.ctx.Err() != nil {
			return nil, ErrPipeListenerClosed
		}
		return nil, winError(err)
	}
}

// Close closes the listener: an Accept in progress ends with ErrPipeListenerClosed,
// later ones fail at once, and the pipe's first instance is closed (the name goes once
// no accepted connection holds it). It returns nil, however often it is called.
func (l *win32PipeListener) Close() error {
	l.closeOnce.Do(func() {
		l.cancel()
		<-l.accepting // wait for the Accept in progress; keep the token for good
		_ = l.p.CloseHandle(l.firstHandle)
	})
	return nil
}

// Addr implements net.Listener: the pipe's path.
func (l *win32PipeListener) Addr() net.Addr { return pipeAddress(l.path) }

// SddlConversionError is the error of a security descriptor in SDDL that cannot be
// converted.
type SddlConversionError struct {
	Sddl string
	Err  error
}

func (e *SddlConversionError) Error() string { return "convert " + e.Sddl + ": " + e.Err.Error() }

func (e *SddlConversionError) Unwrap() error { return e.Err }
