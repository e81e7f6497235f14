package pipe

import (
	"context"

	"github.com/winsim/winsim/kernel"
)

// callServer is callEnd for the calls only a server end takes (ConnectNamedPipe,
// DisconnectNamedPipe): a client end gives ERROR_INVALID_FUNCTION (windows-facts.md NP-37;
// NPFS answers both FSCTLs on a client with STATUS_ILLEGAL_FUNCTION).
// The caller must drop c.Object's reference.
func callServer(ctx context.Context, p *kernel.Process, h kernel.Handle) (kernel.Call, *end, error) {
	return callServerOverlapped(ctx, p, h, nil)
}

func callServerOverlapped(ctx context.Context, p *kernel.Process, h kernel.Handle, ov *kernel.Overlapped) (kernel.Call, *end, error) {
	c, e, err := callEndOverlapped(ctx, p, h, 0, ov)
	if err == nil && !e.server {
		// Finish releases everything the call holds: the file and, given an
		// OVERLAPPED, its event.
		_, err = c.Finish(0, kernel.ERROR_INVALID_FUNCTION)
		return kernel.Call{}, nil, err
	}
	return c, e, err
}

// ConnectNamedPipe waits for a client to connect to the server end h
// (ConnectNamedPipe without OVERLAPPED). A new instance is already listening, so a
// client may have connected before the call; then it fails with ERROR_PIPE_CONNECTED,
// which means success (windows-facts.md NP-36). If that client has already closed its end it
// fails with ERROR_NO_DATA (NP-40). A disconnected instance starts listening again (NP-43),
// which wakes WaitNamedPipe callers (NP-33). In PIPE_NOWAIT mode it does not wait: it
// fails with ERROR_PIPE_LISTENING and the instance stays listening (NP-111). Under the
// adversarial mode a wait on an instance that was already listening may end with
// ERROR_PIPE_CONNECTED, as if the client had come first (docs/adversarial.md).
//
// Blocking honours ctx and the exit of p (an error matching ERROR_OPERATION_ABORTED;
// the instance keeps listening). A DisconnectNamedPipe from another goroutine ends the
// wait with ERROR_PIPE_NOT_CONNECTED, and the server end's last handle closing with
// ERROR_BROKEN_PIPE (NT's NPFS completes the listen with STATUS_PIPE_DISCONNECTED and
// STATUS_PIPE_BROKEN).
//
// Other errors: ERROR_INVALID_FUNCTION on a client end or a file that is not a pipe
// (NP-37); the handle errors of kernel.Process.CallFor.
func ConnectNamedPipe(ctx context.Context, p *kernel.Process, h kernel.Handle) error {
	return ConnectNamedPipeOverlapped(ctx, p, h, nil)
}

// ConnectNamedPipeOverlapped is ConnectNamedPipe with an OVERLAPPED: on a server end
// created with FILE_FLAG_OVERLAPPED a connect that has to wait returns
// ERROR_IO_PENDING and completes through ov when a client connects (Wine
// dlls/kernel32/tests/pipe.c test_overlapped). CancelIo and CancelIoEx cancel it with
// ERROR_OPERATION_ABORTED.
func ConnectNamedPipeOverlapped(ctx context.Context, p *kernel.Process, h kernel.Handle, ov *kernel.Overlapped) error {
	c, e, err := callServerOverlapped(ctx, p, h, ov)
	if err != nil {
		return err
	}
	_, err = c.Finish(0, e.connect(c))
	return err
}

// connect is ConnectNamedPipe's work; it returns a pending request when it must wait.
func (e *end) connect(c kernel.Call) error {
	in := e.inst
	fcb := in.fcb
	var wl wakeList
	var err error
	fcb.mu.Lock()
	in.mu.Lock()
	listening := in.state == stateListening
	switch in.state {
	case stateConnected:
		err = kernel.ERROR_PIPE_CONNECTED
	case stateClosing:
		err = kernel.ERROR_NO_DATA
	case stateClosed:
		err = kernel.ERROR_BROKEN_PIPE
	case stateDisconnected:
		in.advanceLocked(stateListening)
		fcb.addListenerLocked(in, &wl)
	}
	if err != nil {
		in.mu.Unlock()
		fcb.mu.Unlock()
		wl.run()
		e.ioFailed()
		return err
	}
	if in.m.Tracing() {
		in.trace(e, "listening")
	}
	if e.nowait {
		in.mu.Unlock()
		fcb.mu.Unlock()
		wl.run()
		e.ioFailed()
		return kernel.ERROR_PIPE_LISTENING
	}
	r := c.NewRequest(&e.reqs)
	r.Flags = reqConnect
	if listening && !c.Async() && in.m.Network().AdversaryOn() && e.adversaryChooses(kernel.OutcomePipeConnected, c.Process) {
		// The call waits either way, so it may as well have begun after its client
		// arrived: the adversary answers it as such (adversary.go).
		r.Flags |= reqLateConnect
	}
	if err := e.pend(r); err != nil {
		in.mu.Unlock()
		fcb.mu.Unlock()
		wl.run()
		return err
	}
	in.connects.push(r)
	in.mu.Unlock()
	fcb.mu.Unlock()
	wl.run()
	return r
}

// DisconnectNamedPipe disconnects the server end h from its client
// (DisconnectNamedPipe). Everything queued in either direction is discarded (windows-facts.md NP-41); the client's handle stays open but every call on it fails with
// ERROR_PIPE_NOT_CONNECTED from now on (NP-95, NP-98); blocked reads, writes and flushes
// on both ends fail with ERROR_PIPE_NOT_CONNECTED (NP-102). Both ends become unsignalled
// (NP-95, NP-147). The instance accepts no client until ConnectNamedPipe (NP-29). A server
// whose client closed is disconnected the same way (NP-43). A listening server stops
// listening, and a ConnectNamedPipe waiting on it fails with ERROR_PIPE_NOT_CONNECTED
// (NT's NPFS; see docs/pipes.md).
//
// Errors: ERROR_PIPE_NOT_CONNECTED when already disconnected (NP-42);
// ERROR_INVALID_FUNCTION on a client end or a file that is not a pipe.
func DisconnectNamedPipe(p *kernel.Process, h kernel.Handle) error {
	c, e, err := callServer(context.Background(), p, h)
	if err != nil {
		return err
	}
	defer c.Object.DecRef()
	in := e.inst
	fcb := in.fcb
	var wl wakeList
	var cut *end
	fcb.mu.Lock()
	in.mu.Lock()
	switch in.state {
	case stateDisconnected:
		err = kernel.ERROR_PIPE_NOT_CONNECTED
	case stateClosed:
		err = kernel.ERROR_BROKEN_PIPE
	default:
		cut = in.disconnectLocked(&wl)
	}
	in.mu.Unlock()
	fcb.mu.Unlock()
	wl.run()
	if err != nil {
		return err
	}
	// Wine's pipe_end_disconnect: both file objects are reset.
	e.ioFailed()
	if cut != nil {
		cut.ioFailed()
	}
	in.trace(e, "disconnected")
	return nil
}
