package pipe

import (
	"context"

	"github.com/winsim/winsim/kernel"
)

// This file holds the calls that look at messages rather than streams: PeekNamedPipe,
// TransactNamedPipe and CallNamedPipe. The byte/message rules themselves live with the
// data queue (buffer.go: readLocked, peekLocked).

// PeekNamedPipe copies what is queued for the end h into buf without consuming it
// (PeekNamedPipe). It returns the bytes copied, the bytes available in the pipe (blocked
// writes included, windows-facts.md NP-73), and the bytes left in the head message after the
// copy. On a message-type pipe the copy stops at the end of the head message, whatever
// the read mode (NP-66, NP-67); on a byte-type pipe the message length is 0, so
// leftThisMessage is 0 minus the bytes copied, wrapped as a DWORD (0xFFFFFFFC after
// copying 4, NP-65). A nil or empty buf just reports the counts (NP-63, NP-64). An empty
// message shows as 0/0/0 (NP-76). It works on anonymous pipes (AP-8). It needs
// FILE_READ_DATA.
//
// Errors: ERROR_BAD_PIPE on a server that is listening or disconnected (NP-62, NP-69);
// ERROR_PIPE_NOT_CONNECTED on a client cut off by DisconnectNamedPipe (NP-69);
// ERROR_BROKEN_PIPE once the other end has closed and nothing is left (NP-70);
// ERROR_INVALID_FUNCTION on a file that is not a pipe.
func PeekNamedPipe(p *kernel.Process, h kernel.Handle, buf []byte) (read, avail, leftThisMessage uint32, err error) {
	c, e, err := callEnd(context.Background(), p, h, kernel.FILE_READ_DATA)
	if err != nil {
		return 0, 0, 0, err
	}
	defer c.Object.DecRef()
	in := e.inst
	b := e.readBuf()
	in.mu.Lock()
	switch e.stateLocked() {
	case stateConnected:
	case stateClosing:
		if b.emptyLocked() {
			err = kernel.ERROR_BROKEN_PIPE
		}
	case stateDisconnected:
		err = kernel.ERROR_BAD_PIPE // NT: STATUS_INVALID_PIPE_STATE
		if !e.server {
			err = kernel.ERROR_PIPE_NOT_CONNECTED
		}
	case stateListening:
		err = kernel.ERROR_BAD_PIPE
	default:
		err = kernel.ERROR_BROKEN_PIPE
	}
	if err != nil {
		in.mu.Unlock()
		e.ioFailed()
		return 0, 0, 0, err
	}
	n, av, msgLen := b.peekLocked(buf)
	in.mu.Unlock()
	e.ioDone()
	return uint32(n), uint32(av), uint32(msgLen) - uint32(n), nil
}

// TransactNamedPipe writes in as one message to the other end of h and waits for one
// message back, which it reads into out (TransactNamedPipe without OVERLAPPED). The pipe
// must be message-type and h in message read mode. The request never waits for quota:
// it is queued whole, behind any blocked write (windows-facts.md NP-117). A reply longer than
// out gives ERROR_MORE_DATA with len(out) bytes; the rest stays in the pipe for ReadFile
// (NP-118). Empty requests and replies are messages like any other (NP-120). It needs
// FILE_READ_DATA and FILE_WRITE_DATA.
//
// Errors: ERROR_BAD_PIPE on a byte-type pipe (NP-113), in byte read mode (NP-114), or when
// not connected (listening, closing, a disconnected server; NP-98); ERROR_PIPE_BUSY when
// data is already waiting to be read on h (NP-116); ERROR_PIPE_NOT_CONNECTED on a client
// cut off by DisconnectNamedPipe; ERROR_BROKEN_PIPE or ERROR_PIPE_NOT_CONNECTED if the
// other end closes or disconnects while waiting for the reply; an error matching
// ERROR_OPERATION_ABORTED when ctx is done or p exits, in which case the request stays
// in the pipe (NP-122).
func TransactNamedPipe(ctx context.Context, p *kernel.Process, h kernel.Handle, in, out []byte) (int, error) {
	return TransactNamedPipeOverlapped(ctx, p, h, in, out, nil)
}

// TransactNamedPipeOverlapped is TransactNamedPipe with an OVERLAPPED: on a handle
// opened with FILE_FLAG_OVERLAPPED, waiting for the reply returns ERROR_IO_PENDING and
// the reply's count and status arrive through ov.
func TransactNamedPipeOverlapped(ctx context.Context, p *kernel.Process, h kernel.Handle, in, out []byte, ov *kernel.Overlapped) (int, error) {
	c, e, err := callEndOverlapped(ctx, p, h, kernel.FILE_READ_DATA|kernel.FILE_WRITE_DATA, ov)
	if err != nil {
		return 0, err
	}
	return c.Finish(e.transact(c, in, out))
}

func (e *end) transact(c kernel.Call, in, out []byte) (int, error) {
	var err error
	inst := e.inst
	rb, wb := e.readBuf(), e.writeBuf()
	inst.mu.Lock()
	switch st := e.stateLocked(); {
	case st == stateDisconnected && !e.server:
		err = kernel.ERROR_PIPE_NOT_CONNECTED
	case st != stateConnected:
		err = kernel.ERROR_BAD_PIPE // NT: STATUS_INVALID_PIPE_STATE
	case !inst.fcb.message || !e.msgRead:
		err = kernel.ERROR_BAD_PIPE // NT: STATUS_INVALID_READ_MODE
	case !rb.emptyLocked():
		err = kernel.ERROR_PIPE_BUSY
	}
	if err != nil {
		inst.mu.Unlock()
		e.ioFailed()
		return 0, err
	}
	var wl wakeList
	// The request: queued like a write, but never blocked (Wine's pipe_end_transceive).
	seq := wb.appendLocked(in)
	wb.serveReadersLocked(&wl)
	if r := wb.tailLocked(seq); r != nil {
		if wb.unread <= wb.quota {
			wb.settleRecordLocked(r, &wl)
		} else if r.src != nil {
			r.src = append([]byte(nil), r.src[:r.rem]...)
		}
	}
	inst.traceIO(e, "transact request", len(in))
	r := c.NewRequest(&e.reqs)
	r.Buf, r.Flags = out, reqRead|reqMsgMode
	if err := e.pend(r); err != nil {
		// The process is exiting; the request message stays in the pipe (windows-facts.md NP-122).
		inst.mu.Unlock()
		wl.run()
		return 0, err
	}
	rb.readers.push(r)
	inst.mu.Unlock()
	wl.run()
	return 0, r
}

// CallNamedPipe connects to the message-type pipe name, sends in as one message, reads
// one reply message into out and closes its handle (CallNamedPipe). If no instance is
// free it waits for one with WaitNamedPipe(timeout) and tries once more (timeout may be
// NMPWAIT_USE_DEFAULT_WAIT, NMPWAIT_NOWAIT or NMPWAIT_WAIT_FOREVER). A reply longer than
// out gives ERROR_MORE_DATA with len(out) bytes; the rest is discarded with the handle.
//
// Errors: those of CreateFile and WaitNamedPipe (ERROR_FILE_NOT_FOUND,
// ERROR_SEM_TIMEOUT, ERROR_PIPE_BUSY, ...), ERROR_INVALID_PARAMETER for a byte-type pipe
// (it cannot be put in message read mode), and those of TransactNamedPipe.
func CallNamedPipe(ctx context.Context, p *kernel.Process, name string, in, out []byte, timeout uint32) (int, error) {
	h, err := p.CreateFile(name, kernel.GENERIC_READ|kernel.GENERIC_WRITE, 0, nil, kernel.OPEN_EXISTING, 0)
	if err != nil {
		if err := WaitNamedPipe(ctx, p, name, timeout); err != nil {
			return 0, err
		}
		if h, err = p.CreateFile(name, kernel.GENERIC_READ|kernel.GENERIC_WRITE, 0, nil, kernel.OPEN_EXISTING, 0); err != nil {
			return 0, err
		}
	}
	defer p.CloseHandle(h)
	mode := PIPE_READMODE_MESSAGE
	if err := SetNamedPipeHandleState(p, h, &mode, nil, nil); err != nil {
		return 0, err
	}
	return TransactNamedPipe(ctx, p, h, in, out)
}
