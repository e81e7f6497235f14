package pipe

import (
	"context"
	"runtime"
	"sync/atomic"

	"github.com/winsim/winsim/kernel"
)

// An end is the body of a pipe end's file object: the server end of an instance (which
// CreateNamedPipe, or CreatePipe for the read end, returns) or a client end (which
// CreateFile, or CreatePipe for the write end, returns). It is analogous to an NPFS file
// object with its CCB and end (Wine: struct pipe_end).
//
// Lifetime: created with its kernel object by CreateNamedPipe, CreatePipe or CreateFile,
// which hand the caller the only handle. Handles (duplicated, inherited) hold handle and
// pointer references; a blocked call holds a pointer reference through its kernel.Call.
// Close runs at the last handle close (NT cleanup): the other end sees the close, the
// instance's bookkeeping is updated and blocked calls on this end fail. Delete has
// nothing left to do. Ends must not be copied.
type end struct {
	// Immutable after creation.
	inst   *instance
	server bool
	obj    *kernel.Object
	// remote is set on a client end opened from another machine, whose name is host.
	remote bool
	host   string

	// Protected by inst.mu.
	//
	// msgRead is the read mode (PIPE_READMODE_MESSAGE); nowait the completion mode
	// (PIPE_NOWAIT).
	msgRead bool
	nowait  bool
	// state is a client end's view (connected, closing, disconnected); server ends use
	// inst.state.
	state instState
	// closed is set once the end's last handle has closed.
	closed bool
	// maxCollection and collectTimeout are the remote client's
	// SetNamedPipeHandleState parameters.
	maxCollection, collectTimeout uint32

	// sig is the file object's signal state (NT's FILE_OBJECT Event): reset when a
	// call starts I/O that fails or blocks, set when I/O completes. Accessed
	// atomically; changed to signalled under the dispatcher lock.
	sig atomic.Bool
	// hdr is protected by the machine's dispatcher lock.
	hdr kernel.DispatchHeader

	// reqs keeps the end's spare synchronous requests.
	reqs kernel.RequestCache
}

var (
	_ kernel.Ops         = (*end)(nil)
	_ kernel.Reader      = (*end)(nil)
	_ kernel.Writer      = (*end)(nil)
	_ kernel.Flusher     = (*end)(nil)
	_ kernel.Signaler    = (*end)(nil)
	_ kernel.Describer   = (*end)(nil)
	_ kernel.DeviceTyper = (*end)(nil)
)

// DeviceType implements kernel.DeviceTyper: every end of a named or anonymous pipe, local or
// remote, belongs to the named-pipe file system (GetFileType gives FILE_TYPE_PIPE for "a named
// pipe, or an anonymous pipe", MS docs GetFileType).
func (*end) DeviceType() kernel.DeviceType { return kernel.FILE_DEVICE_NAMED_PIPE }

// fromObject returns the pipe end o is, or an error for a file object of another kind
// (a mailslot, the pipe device itself): the file systems reject pipe FSCTLs there with
// STATUS_INVALID_DEVICE_REQUEST / STATUS_ILLEGAL_FUNCTION, ERROR_INVALID_FUNCTION.
func fromObject(o *kernel.Object) (*end, error) {
	if o.Type() != kernel.FileType {
		return nil, kernel.ERROR_INVALID_HANDLE
	}
	e, ok := o.Body().(*end)
	if !ok {
		return nil, kernel.ERROR_INVALID_FUNCTION
	}
	return e, nil
}

// callEnd references h for a pipe call needing want access (p.CallFor: handle valid,
// then access, then a file object) and returns the call and its end. The caller must
// drop c.Object's reference.
func callEnd(ctx context.Context, p *kernel.Process, h kernel.Handle, want kernel.Access) (kernel.Call, *end, error) {
	return callEndOverlapped(ctx, p, h, want, nil)
}

// callEndOverlapped is callEnd for a call given an OVERLAPPED; the caller ends it with
// c.Finish.
func callEndOverlapped(ctx context.Context, p *kernel.Process, h kernel.Handle, want kernel.Access, ov *kernel.Overlapped) (kernel.Call, *end, error) {
	c, err := p.CallForOverlapped(ctx, h, want, ov)
	if err != nil {
		return kernel.Call{}, nil, err
	}
	e, err := fromObject(c.Object)
	if err != nil {
		_, err = c.Finish(0, err)
		return kernel.Call{}, nil, err
	}
	return c, e, nil
}

func (e *end) readBuf() *buffer {
	if e.server {
		return &e.inst.toServer
	}
	return &e.inst.toClient
}

func (e *end) writeBuf() *buffer {
	if e.server {
		return &e.inst.toClient
	}
	return &e.inst.toServer
}

// stateLocked is the end's state: the instance's for a server end, its own for a client.
// Preconditions: inst.mu is held.
func (e *end) stateLocked() instState {
	if e.closed {
		return stateClosed
	}
	if e.server {
		return e.inst.state
	}
	return e.state
}

// canRead and canWrite say whether the pipe's direction lets this end read or write.
func (e *end) canRead() bool {
	d := e.inst.fcb.direction
	if e.server {
		return d&PIPE_ACCESS_INBOUND != 0
	}
	return d&PIPE_ACCESS_OUTBOUND != 0
}

func (e *end) canWrite() bool {
	d := e.inst.fcb.direction
	if e.server {
		return d&PIPE_ACCESS_OUTBOUND != 0
	}
	return d&PIPE_ACCESS_INBOUND != 0
}

// readStateErrLocked is what ReadFile (and PeekNamedPipe's data path) gives in the end's
// current state, or nil when data can be read (docs/windows-facts.md#state-table, NP-98).
// Preconditions: inst.mu is held.
func (e *end) readStateErrLocked(b *buffer) error {
	switch e.stateLocked() {
	case stateConnected:
		return nil
	case stateClosing:
		if b.emptyLocked() {
			return kernel.ERROR_BROKEN_PIPE
		}
		return nil
	case stateListening:
		return kernel.ERROR_PIPE_LISTENING
	case stateDisconnected:
		return kernel.ERROR_PIPE_NOT_CONNECTED
	}
	return kernel.ERROR_BROKEN_PIPE // the end is being closed under the call
}

// writeStateErrLocked is what WriteFile gives in the end's current state, or nil.
// Preconditions: inst.mu is held.
func (e *end) writeStateErrLocked() error {
	switch e.stateLocked() {
	case stateConnected:
		return nil
	case stateClosing:
		return kernel.ERROR_NO_DATA
	case stateListening:
		return kernel.ERROR_PIPE_LISTENING
	case stateDisconnected:
		return kernel.ERROR_PIPE_NOT_CONNECTED
	}
	return kernel.ERROR_BROKEN_PIPE
}

// Read implements kernel.Reader: ReadFile on a pipe end.
//
// It returns what is queued, up to len(p), without waiting to fill p (windows-facts.md AP-3, NP-50, NP-51); in message read mode one message or the next part of one, with
// ERROR_MORE_DATA while it is unfinished (NP-52 to NP-56). On an empty pipe it blocks until data
// arrives, the other end closes (ERROR_BROKEN_PIPE, once everything queued is read), the
// server disconnects (ERROR_PIPE_NOT_CONNECTED), c.Ctx is done or the caller's process
// exits (an *AbortError); in PIPE_NOWAIT mode it fails at once with ERROR_NO_DATA (NP-104).
// A listening server gets ERROR_PIPE_LISTENING (NP-94). The adversarial mode may make a
// byte-type pipe's read return less than is queued (adversary.go).
func (e *end) Read(c kernel.Call, p []byte) (int, error) {
	if !e.canRead() {
		return 0, kernel.ERROR_ACCESS_DENIED
	}
	in := e.inst
	b := e.readBuf()
	in.mu.Lock()
	if err := e.readStateErrLocked(b); err != nil {
		in.mu.Unlock()
		e.ioFailed()
		return 0, err
	}
	if !b.emptyLocked() {
		var wl wakeList
		if b.net.AdversaryOn() {
			p = b.adversaryShortLocked(e, c.Process, p)
		}
		n, more := b.readLocked(p, e.msgRead, &wl)
		in.noteDrainedLocked(b, &wl)
		in.traceIO(e, "read", n)
		in.mu.Unlock()
		wl.run()
		e.ioDone()
		if more {
			return n, kernel.ERROR_MORE_DATA
		}
		return n, nil
	}
	if e.nowait {
		in.mu.Unlock()
		e.ioFailed()
		return 0, kernel.ERROR_NO_DATA
	}
	r := c.NewRequest(&e.reqs)
	r.Buf, r.Flags = p, reqRead
	if e.msgRead {
		r.Flags |= reqMsgMode
	}
	if err := e.pend(r); err != nil {
		in.mu.Unlock()
		return 0, err
	}
	b.readers.push(r)
	in.mu.Unlock()
	return 0, r
}

// Write implements kernel.Writer: WriteFile on a pipe end.
//
// The data goes first to reads blocked on the other end, then into the pipe. A write
// whose end would lie beyond the reader's quota (nInBufferSize for client writes,
// nOutBufferSize for server writes) blocks until the reader has taken enough; its bytes
// are visible to the reader meanwhile (windows-facts.md NP-72 to NP-74). A zero-length write is a
// no-op on a byte-type pipe and an empty message on a message-type pipe, and never blocks
// (NP-75, NP-76). In PIPE_NOWAIT mode a write that does not fit returns at once: on a byte
// pipe with the bytes pending reads took, on a message pipe with 0 (NP-106 to NP-110).
//
// Errors: ERROR_NO_DATA once the reader has closed, ERROR_PIPE_NOT_CONNECTED after a
// disconnect, ERROR_PIPE_LISTENING on a listening server, ERROR_BROKEN_PIPE if the
// reader closes while the write is blocked, an *AbortError on cancellation (the write's
// unread bytes are withdrawn and 0 is reported, windows-facts.md NP-130, NP-132).
// The adversarial mode may answer a PIPE_NOWAIT write as one that does not fit
// (adversary.go).
func (e *end) Write(c kernel.Call, p []byte) (int, error) {
	if !e.canWrite() {
		return 0, kernel.ERROR_ACCESS_DENIED
	}
	in := e.inst
	b := e.writeBuf()
	in.mu.Lock()
	if err := e.writeStateErrLocked(); err != nil {
		in.mu.Unlock()
		e.ioFailed()
		return 0, err
	}
	if len(p) == 0 && !b.message {
		in.mu.Unlock()
		e.ioDone()
		return 0, nil
	}
	if e.nowait && b.message && len(p) > 0 {
		if rest := len(p) - min(b.readerCapacityLocked(), len(p)); rest+b.unread > b.quota ||
			(rest > 0 && b.net.AdversaryOn() && e.adversaryChooses(kernel.OutcomePartialWrite, c.Process)) {
			// A message is accepted whole or not at all (windows-facts.md NP-109).
			in.mu.Unlock()
			e.ioDone()
			return 0, nil
		}
	}
	var wl wakeList
	seq := b.appendLocked(p)
	waiting := b.readers.n
	b.serveReadersLocked(&wl)
	n := len(p)
	handOver := b.handOverLocked(waiting, n)
	if r := b.tailLocked(seq); r != nil {
		fits := b.unread <= b.quota || len(p) == 0
		if e.nowait && fits && len(p) > 0 && !b.message && b.net.AdversaryOn() && e.adversaryChooses(kernel.OutcomePartialWrite, c.Process) {
			fits = false // as if the quota could not take it (adversary.go)
		}
		switch {
		case fits:
			b.settleRecordLocked(r, &wl)
		case e.nowait:
			// Byte pipe: only what pending reads took is written (windows-facts.md NP-109).
			n = len(p) - r.rem
			b.unread -= r.rem
			*r = record{}
			b.recs.n--
		default:
			req := c.NewRequest(&e.reqs)
			req.Buf, req.Flags = p, reqWrite
			r.w = req
			b.npend++
			if err := e.pend(req); err != nil {
				// The process is exiting: the write is withdrawn, bytes that pending
				// reads took included, as a cancelled write is.
				b.cancelWriteLocked(req, &wl)
				in.noteDrainedLocked(b, &wl)
				in.mu.Unlock()
				wl.run()
				return 0, err
			}
			in.traceIO(e, "write blocked", len(p))
			in.mu.Unlock()
			wl.run()
			return 0, req
		}
	}
	in.traceIO(e, "write", n)
	in.mu.Unlock()
	wl.run()
	e.ioDone()
	if handOver {
		in.handOver(b)
	}
	return n, nil
}

// handOver yields to the readers a write completed (buffer.handOverLocked) until one
// of them has asked again, at most twice. One runtime.Gosched is not enough: the Go
// scheduler now and then takes a goroutine from its global queue, where Gosched put the
// writer, before the one the write woke, so the writer gets the processor straight back.
// With one yield a fifth of the writes of BenchmarkThroughput through a 1 MiB pipe still
// went through the ring; with up to two, none did with one P and under 1 % with two.
func (in *instance) handOver(b *buffer) {
	for range 2 {
		runtime.Gosched()
		in.mu.Lock()
		back := b.readers.n > 0
		in.mu.Unlock()
		if back {
			return
		}
	}
}

// Flush implements kernel.Flusher: FlushFileBuffers on a pipe end. It waits until the
// other end has read everything this end wrote, blocked writes included (windows-facts.md NP-100, NP-101). It returns at once where nothing can be read any more: on a server that is
// listening, disconnected or whose client closed, and on a client whose server closed
// (NP-98, NP-103). A client cut off by DisconnectNamedPipe gets ERROR_PIPE_NOT_CONNECTED.
// A blocked flush fails with ERROR_BROKEN_PIPE when the other end closes and with
// ERROR_PIPE_NOT_CONNECTED when the server disconnects (NP-102).
func (e *end) Flush(c kernel.Call) error {
	in := e.inst
	b := e.writeBuf()
	in.mu.Lock()
	switch e.stateLocked() {
	case stateConnected:
	case stateDisconnected:
		in.mu.Unlock()
		if e.server {
			return nil
		}
		e.ioFailed()
		return kernel.ERROR_PIPE_NOT_CONNECTED
	case stateClosed:
		in.mu.Unlock()
		return kernel.ERROR_BROKEN_PIPE
	default: // listening, closing
		in.mu.Unlock()
		return nil
	}
	if b.emptyLocked() {
		in.mu.Unlock()
		return nil
	}
	// The flush completes when the reader has drained b (noteDrainedLocked), and
	// fails if the connection breaks first (breakLocked).
	r := c.NewRequest(&e.reqs)
	r.Flags = reqFlush
	if err := e.pend(r); err != nil {
		in.mu.Unlock()
		return err
	}
	b.flushes.push(r)
	in.mu.Unlock()
	return r
}

// Close implements kernel.Ops: the end's last handle is closed (NT cleanup).
func (e *end) Close(o *kernel.Object, by *kernel.Process) {
	var wl wakeList
	in := e.inst
	if e.server {
		fcb := in.fcb
		fcb.lockForClose()
		fcb.mu.Lock()
		in.mu.Lock()
		e.closed = true
		in.serverClosedLocked(&wl)
		in.mu.Unlock()
		fcb.instanceClosedLocked(&wl)
		fcb.mu.Unlock()
		fcb.unlockForClose()
	} else {
		in.mu.Lock()
		e.closed = true
		if in.client == e {
			in.clientClosedLocked(&wl)
		} else {
			in.orphanedClientClosedLocked(e, &wl)
		}
		in.mu.Unlock()
	}
	wl.run()
	in.trace(e, "closed")
}

// Delete implements kernel.Ops; Close did the work.
func (e *end) Delete(*kernel.Object) {}

// Header implements kernel.Signaler.
func (e *end) Header() *kernel.DispatchHeader { return &e.hdr }

// Signaled implements kernel.Signaler: a pipe end is signalled unless its last I/O
// failed or is still blocked, or the server disconnected (windows-facts.md NP-141 to NP-147).
func (e *end) Signaled() bool { return e.sig.Load() }

// Acquire implements kernel.Signaler: a file object is a notification (manual-reset)
// event; waiting does not reset it.
func (e *end) Acquire() {}

// ioDone marks an I/O that completed: the file object is signalled.
func (e *end) ioDone() {
	if e.sig.Load() {
		return
	}
	if !e.sig.Swap(true) {
		m := e.obj.Machine()
		m.LockDispatcher()
		m.WaitTestLocked(e)
		m.UnlockDispatcher()
	}
}

// ioFailed marks an I/O that failed at once: NT leaves the file object reset (windows-facts.md NP-145, NP-95).
func (e *end) ioFailed() { e.sig.Store(false) }

// ioPending marks an I/O that blocks: the file object is reset until it completes
// (windows-facts.md NP-143, NP-144).
func (e *end) ioPending() { e.sig.Store(false) }

// ioFinished marks the end of blocked I/O with its result. ERROR_MORE_DATA is a warning
// (STATUS_BUFFER_OVERFLOW), so the I/O completed.
func (e *end) ioFinished(err error) {
	if err == nil || err == errMoreData {
		e.ioDone()
	}
}

// Describe implements kernel.Describer for views: which end and its state.
func (e *end) Describe() string {
	in := e.inst
	in.mu.Lock()
	defer in.mu.Unlock()
	s := "client "
	if e.server {
		s = "server "
	}
	s += e.stateLocked().String()
	if in.fcb.anonymous {
		s = "anonymous " + s
	}
	if e.remote {
		s += " from " + e.host
	}
	return s
}
