package pipe

import (
	"context"
	"errors"
	"math"
	"net"
	"os"
	"sync"
	"time"

	"github.com/winsim/winsim/kernel"
)

// This file holds the net.Listener adapter (ListenPipe) and the dialers (DialPipe,
// DialPipeContext, DialPipeAccess), shaped like go-winio's so that code written against
// github.com/Microsoft/go-winio ports by changing the import and passing the process
// that makes the calls. docs/pipe-adapters.md lists what differs.
//
// The listener starts no goroutine. Accept blocks in ConnectNamedPipe itself, with a
// context that Close cancels, so Close never waits on a connect that cannot complete
// (go-winio issues #281, #357, #85) and leaves nothing running behind it.
//
// Instances and clients: a new instance is listening from its creation, and a client's
// CreateFile takes the instance that has been listening longest (windows-facts.md NP-25, NP-31).
// The listener keeps a queue of listening instances in creation order, never empty
// between Accepts (the backlog of go-winio PR #291, so a client dialling between two
// Accepts is not told ERROR_PIPE_BUSY). Accept takes the oldest, creates a successor
// first if it was the last, and waits on it in ConnectNamedPipe; since the instance it
// waits on is always the one that has listened longest, the next client comes to it and
// never to an instance nobody is waiting on.

// defaultDialTimeout is DialPipe's timeout when none is given (go-winio's 2 s).
const defaultDialTimeout = 2 * time.Second

// PipeConfig configures ListenPipe. Its zero value (and a nil *PipeConfig) is a
// byte-type pipe with 0-byte buffers that refuses remote clients, as go-winio's is.
type PipeConfig struct {
	// SecurityDescriptor is the pipe's security descriptor in SDDL form (go-winio's
	// field), as kernel.Machine.ParseSDDL reads it; "" gives the named-pipe default
	// (docs/security.md). Clients whose token it does not grant the access they dial
	// with fail with ERROR_ACCESS_DENIED.
	SecurityDescriptor string

	// MessageMode makes the pipe message-type (PIPE_TYPE_MESSAGE). Both ends read in
	// message read mode and present the messages as a byte stream; the practical
	// effect, as in go-winio, is that CloseWrite works (a zero-length message ends the
	// other end's stream).
	MessageMode bool

	// InputBufferSize and OutputBufferSize are the pipe's quotas in bytes
	// (CreateNamedPipe's nInBufferSize and nOutBufferSize): how much a client, or
	// the server, may write before its Write waits for the reader. 0, the default,
	// makes every Write wait until the reader has taken it. Negative sizes are
	// refused with ERROR_INVALID_PARAMETER.
	InputBufferSize  int32
	OutputBufferSize int32

	// AcceptRemoteClients lets processes on other machines of the network connect
	// through \\HOST\pipe\name. go-winio always refuses them
	// (PIPE_REJECT_REMOTE_CLIENTS), and so does the zero value; a refused client's
	// dial fails with ERROR_ACCESS_DENIED.
	AcceptRemoteClients bool
}

// ListenPipe creates a listener on the named pipe name (\\.\pipe\name), whose
// instances belong to process p: every call the listener and its connections make is
// made by p, and p's exit ends them. The pipe must not already exist: the first
// instance is created with FILE_FLAG_FIRST_PIPE_INSTANCE, so an existing pipe gives
// ERROR_ACCESS_DENIED. cfg nil means the zero PipeConfig.
//
// Accept returns a PipeConn. Closing the listener closes the instances nobody has
// accepted (their clients' reads see io.EOF) and ends a blocked Accept with an error
// matching net.ErrClosed; accepted connections live on until closed.
//
// Errors are *os.PathError{Op: "open"} around the kernel.Errno CreateNamedPipe gave
// (ERROR_INVALID_NAME, ERROR_ACCESS_DENIED, ...), as in go-winio; a nil p or a negative
// buffer size gives ERROR_INVALID_PARAMETER, and so does a SecurityDescriptor that
// does not parse (whatever SDDL error the parser reports; go-winio returns that error
// itself).
func ListenPipe(p *kernel.Process, name string, cfg *PipeConfig) (net.Listener, error) {
	if cfg == nil {
		cfg = &PipeConfig{}
	}
	if p == nil || cfg.InputBufferSize < 0 || cfg.OutputBufferSize < 0 {
		return nil, &os.PathError{Op: "open", Path: name, Err: kernel.ERROR_INVALID_PARAMETER}
	}
	var sa *kernel.SecurityAttributes
	if cfg.SecurityDescriptor != "" {
		sd, err := p.Machine().ParseSDDL(cfg.SecurityDescriptor)
		if err != nil {
			return nil, &os.PathError{Op: "open", Path: name, Err: kernel.ERROR_INVALID_PARAMETER}
		}
		sa = &kernel.SecurityAttributes{SecurityDescriptor: sd}
	}
	l := &listener{p: p, name: name, cfg: *cfg, sa: sa, sem: make(chan struct{}, 1)}
	l.ctx, l.cancel = context.WithCancelCause(context.Background())
	h, err := l.newInstance(true)
	if err != nil {
		l.cancel(nil)
		return nil, err
	}
	l.ready = append(l.ready, h)
	return l, nil
}

// listener is ListenPipe's net.Listener.
//
// Lifetime: made by ListenPipe with one listening instance; each Accept hands one
// instance to a conn and keeps at least one more listening. Close closes the instances
// still in the queue once any Accept in progress has returned. A listener must not be
// copied.
type listener struct {
	// Immutable after creation.
	p    *kernel.Process
	name string
	cfg  PipeConfig
	sa   *kernel.SecurityAttributes // the parsed SecurityDescriptor, or nil
	// ctx is cancelled with cause net.ErrClosed by Close; Accept waits with it.
	ctx    context.Context
	cancel context.CancelCauseFunc
	// sem admits one Accept at a time; Close takes it for good.
	sem chan struct{}

	mu sync.Mutex
	// ready holds the handles of listening instances nobody waits on yet, oldest first.
	// Guarded by mu, and touched only by the holder of sem (Accept, Close).
	// +checklocks:mu
	ready []kernel.Handle
	// +checklocks:mu
	closed bool
}

var _ net.Listener = (*listener)(nil)

// pipeMode is the CreateNamedPipe pipe mode the configuration asks for.
func (l *listener) pipeMode() uint32 {
	mode := PIPE_TYPE_BYTE | PIPE_READMODE_BYTE | PIPE_WAIT
	if l.cfg.MessageMode {
		mode = PIPE_TYPE_MESSAGE | PIPE_READMODE_MESSAGE | PIPE_WAIT
	}
	if !l.cfg.AcceptRemoteClients {
		mode |= PIPE_REJECT_REMOTE_CLIENTS
	}
	return mode
}

// newInstance creates one more listening instance; first reserves the name.
func (l *listener) newInstance(first bool) (kernel.Handle, error) {
	open := PIPE_ACCESS_DUPLEX
	if first {
		open |= FILE_FLAG_FIRST_PIPE_INSTANCE
	}
	h, err := CreateNamedPipe(l.p, l.name, open, l.pipeMode(), PIPE_UNLIMITED_INSTANCES,
		uint32(l.cfg.OutputBufferSize), uint32(l.cfg.InputBufferSize), uint32(DefaultTimeout/time.Millisecond), l.sa)
	if err != nil {
		return 0, &os.PathError{Op: "open", Path: l.name, Err: err}
	}
	return h, nil
}

// Addr implements net.Listener: the pipe name.
func (l *listener) Addr() net.Addr { return pipeAddr(l.name) }

func (l *listener) opErr(op string, err error) error {
	return &net.OpError{Op: op, Net: "pipe", Addr: pipeAddr(l.name), Err: err}
}

// Accept implements net.Listener: it waits for a client and returns its connection, a
// PipeConn. A client that connected and closed again before being accepted is passed
// over (ERROR_NO_DATA; go-winio does the same); one that connected before Accept was
// called is accepted at once (ERROR_PIPE_CONNECTED is success, windows-facts.md NP-36, NP-40).
//
// Errors, in a *net.OpError: net.ErrClosed once Close has been called, also for an
// Accept blocked at the time; otherwise what the pipe calls reported, for example an
// error matching ERROR_OPERATION_ABORTED when the listener's process exits.
func (l *listener) Accept() (net.Conn, error) {
	select {
	case l.sem <- struct{}{}:
	case <-l.ctx.Done():
		return nil, l.opErr("accept", net.ErrClosed)
	}
	defer func() { <-l.sem }()
	for {
		if l.ctx.Err() != nil {
			return nil, l.opErr("accept", net.ErrClosed)
		}
		h, err := l.take()
		if err != nil {
			return nil, l.opErr("accept", err)
		}
		err = ConnectNamedPipe(l.ctx, l.p, h)
		switch {
		case err == nil || errors.Is(err, kernel.ERROR_PIPE_CONNECTED):
			return newConn(l.p, h, l.name, l.cfg.MessageMode), nil
		case errors.Is(err, kernel.ERROR_NO_DATA):
			// The client came and went. Re-listening would put this instance behind
			// the others, so take the next one instead (windows-facts.md NP-31).
			_ = l.p.CloseHandle(h)
			continue
		}
		_ = l.p.CloseHandle(h)
		if l.ctx.Err() != nil {
			return nil, l.opErr("accept", net.ErrClosed)
		}
		if l.p.State() != kernel.ProcessRunning {
			err = exitErr(err)
		}
		return nil, l.opErr("accept", err)
	}
}

// take removes the oldest listening instance from the queue and returns it, creating
// its successor first when it is the last, so that an instance is listening while the
// caller waits and after it returns. If the successor cannot be created (say the
// process is exiting), the caller still gets the instance; a listener that has none
// left creates one.
// Preconditions: the caller holds l.sem.
func (l *listener) take() (kernel.Handle, error) {
	l.mu.Lock()
	n := len(l.ready)
	l.mu.Unlock()
	if n <= 1 {
		if h, err := l.newInstance(false); err == nil {
			l.mu.Lock()
			l.ready = append(l.ready, h)
			l.mu.Unlock()
		} else if n == 0 {
			return 0, err
		}
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	h := l.ready[0]
	l.ready = l.ready[1:]
	return h, nil
}

// Close implements net.Listener. It ends a blocked Accept (with net.ErrClosed), waits
// for it to return, and closes every instance not accepted. It never waits for a
// client. A second Close fails with net.ErrClosed. After the process has exited (which
// closed the instances) it just retires the listener.
func (l *listener) Close() error {
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return l.opErr("close", net.ErrClosed)
	}
	l.closed = true
	l.mu.Unlock()
	l.cancel(net.ErrClosed)
	l.sem <- struct{}{} // an Accept in progress returns promptly; hold sem for good
	l.mu.Lock()
	ready := l.ready
	l.ready = nil
	l.mu.Unlock()
	var first error
	for _, h := range ready {
		if err := l.p.CloseHandle(h); err != nil && first == nil && l.p.State() == kernel.ProcessRunning {
			first = l.opErr("close", err)
		}
	}
	return first
}

// DialPipe connects to the named pipe name (\\.\pipe\name, or \\HOST\pipe\name on
// another machine) as process p, and returns a PipeConn. While every instance is busy
// it waits, with WaitNamedPipe, for one to listen, for at most timeout (nil: 2 s, as in
// go-winio) on p's machine clock; then it fails with ErrTimeout. Other errors come at
// once, in an *os.PathError{Op: "open"} (ERROR_FILE_NOT_FOUND when no such pipe,
// ERROR_ACCESS_DENIED for a remote client the pipe refuses, ERROR_BAD_NETPATH for an
// unknown host, ...).
func DialPipe(p *kernel.Process, name string, timeout *time.Duration) (net.Conn, error) {
	d := defaultDialTimeout
	if timeout != nil {
		d = *timeout
	}
	if p == nil {
		return nil, &os.PathError{Op: "open", Path: name, Err: kernel.ERROR_INVALID_PARAMETER}
	}
	return dial(context.Background(), p, name, uint32(kernel.GENERIC_READ|kernel.GENERIC_WRITE), PipeImpLevelAnonymous, p.Machine().Clock().Now().Add(d))
}

// DialPipeContext is DialPipe bounded by ctx rather than a timeout: when ctx ends
// first it returns ctx.Err() (context.DeadlineExceeded or context.Canceled), as go-winio
// does.
func DialPipeContext(ctx context.Context, p *kernel.Process, name string) (net.Conn, error) {
	return DialPipeAccess(ctx, p, name, uint32(kernel.GENERIC_READ|kernel.GENERIC_WRITE))
}

// DialPipeAccess is DialPipeContext with the access mask to open the pipe with (for
// example kernel.GENERIC_READ alone, for a pipe whose server only writes).
func DialPipeAccess(ctx context.Context, p *kernel.Process, name string, access uint32) (net.Conn, error) {
	return DialPipeAccessImpLevel(ctx, p, name, access, PipeImpLevelAnonymous)
}

// PipeImpLevel is the impersonation level a dialling client lets the server have
// (go-winio's type): the SECURITY_* value passed with SECURITY_SQOS_PRESENT.
type PipeImpLevel uint32

// Impersonation levels for DialPipeAccessImpLevel. The other dialers use
// PipeImpLevelAnonymous, as go-winio's do.
const (
	PipeImpLevelAnonymous      = PipeImpLevel(kernel.SECURITY_ANONYMOUS)
	PipeImpLevelIdentification = PipeImpLevel(kernel.SECURITY_IDENTIFICATION)
	PipeImpLevelImpersonation  = PipeImpLevel(kernel.SECURITY_IMPERSONATION)
	PipeImpLevelDelegation     = PipeImpLevel(kernel.SECURITY_DELEGATION)
)

// DialPipeAccessImpLevel is DialPipeAccess with the impersonation level the server
// gets (ImpersonateNamedPipeClient).
func DialPipeAccessImpLevel(ctx context.Context, p *kernel.Process, name string, access uint32, level PipeImpLevel) (net.Conn, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	if p == nil {
		return nil, &os.PathError{Op: "open", Path: name, Err: kernel.ERROR_INVALID_PARAMETER}
	}
	return dial(ctx, p, name, access, level, time.Time{})
}

// dial is the dial loop: CreateFile; while it reports ERROR_PIPE_BUSY, WaitNamedPipe
// until deadline (on p's machine clock; zero: none) or ctx ends, and try again.
func dial(ctx context.Context, p *kernel.Process, name string, access uint32, level PipeImpLevel, deadline time.Time) (net.Conn, error) {
	clock := p.Machine().Clock()
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		h, err := p.CreateFile(name, kernel.Access(access), 0, nil, kernel.OPEN_EXISTING, kernel.SECURITY_SQOS_PRESENT|uint32(level))
		if err == nil {
			return clientConn(p, h, name)
		}
		if !errors.Is(err, kernel.ERROR_PIPE_BUSY) {
			return nil, &os.PathError{Op: "open", Path: name, Err: err}
		}
		wait := NMPWAIT_WAIT_FOREVER
		if !deadline.IsZero() {
			left := deadline.Sub(clock.Now())
			if left <= 0 {
				return nil, ErrTimeout
			}
			wait = waitMillis(left)
		}
		err = WaitNamedPipe(ctx, p, name, wait)
		switch {
		case err == nil, errors.Is(err, kernel.ERROR_FILE_NOT_FOUND):
			// An instance listens, or the pipe went away: CreateFile says which.
		case errors.Is(err, kernel.ERROR_SEM_TIMEOUT):
			if !deadline.IsZero() && !clock.Now().Before(deadline) {
				return nil, ErrTimeout
			}
		case ctx.Err() != nil:
			return nil, ctx.Err()
		default:
			return nil, &os.PathError{Op: "open", Path: name, Err: err}
		}
	}
}

// waitMillis converts what is left of a dial's timeout to a WaitNamedPipe timeout:
// rounded up to whole milliseconds, at least 1 (0 would mean the pipe's default) and
// short of NMPWAIT_WAIT_FOREVER.
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

// clientConn wraps a client end just opened: a message-type pipe is switched to
// message read mode (a CreateFile client starts in byte read mode, windows-facts.md NP-48), so
// its Reads never run a message into the next one; if the handle lacks the access to
// switch (FILE_WRITE_ATTRIBUTES, windows-facts.md NP-83), it stays in byte read mode, where an
// empty message still reads as one (NP-76).
func clientConn(p *kernel.Process, h kernel.Handle, name string) (net.Conn, error) {
	flags, _, _, _, err := GetNamedPipeInfo(p, h)
	if err != nil {
		_ = p.CloseHandle(h)
		return nil, &os.PathError{Op: "open", Path: name, Err: err}
	}
	message := flags&PIPE_TYPE_MESSAGE != 0
	if message {
		mode := PIPE_READMODE_MESSAGE
		_ = SetNamedPipeHandleState(p, h, &mode, nil, nil)
	}
	return newConn(p, h, name, message), nil
}
