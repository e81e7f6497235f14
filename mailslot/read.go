package mailslot

import (
	"time"

	"github.com/winsim/winsim/kernel"
)

// This file implements reading a mailslot on the kernel's I/O requests
// (kernel/request.go): a ReadFile that finds the queue empty is a kernel.Request queued
// on the mailslot, completed by the next message to arrive, by the read timeout
// (ERROR_SEM_TIMEOUT), by the mailslot closing (ERROR_HANDLE_EOF), or cancelled
// (CancelIo, a context, process exit).

// reqTake marks a read for Server.ReadMessage: it takes the message itself, which it
// finds in the request's Buf at completion.
const reqTake uint32 = 1

// read is ReadFile on the server: one whole message, oldest first, waiting up to the
// read timeout for one to arrive (ERROR_SEM_TIMEOUT after it; at once for timeout 0).
// It returns a pending request when it must wait. A read that finds a message does not
// allocate.
//
// Errors: ERROR_INSUFFICIENT_BUFFER when buf is smaller than the oldest message, which
// stays queued (STATUS_BUFFER_TOO_SMALL; Wine dlls/kernel32/tests/mailslot.c);
// ERROR_HANDLE_EOF once the mailslot has closed (unverified; see close).
func (ms *mailslot) read(c kernel.Call, buf []byte) (int, error) {
	n, _, err := ms.start(c, buf, 0)
	return n, err
}

// take is read for Server.ReadMessage: it returns a private copy of the message. The
// call ends through c.Finish.
func (ms *mailslot) take(c kernel.Call) ([]byte, error) {
	_, m, err := ms.start(c, nil, reqTake)
	if r, ok := err.(*kernel.Request); ok {
		if _, err := c.Finish(0, r); err != nil {
			return nil, err
		}
		return r.Buf, nil
	}
	c.Finish(0, nil)
	return m, err
}

// start reads a message at once if it can (into buf, or for a take as a private copy),
// or pends a request for it and returns that as its error.
func (ms *mailslot) start(c kernel.Call, buf []byte, flags uint32) (n int, msg []byte, err error) {
	timeout := ms.readTimeout()
	ms.mu.Lock()
	if ms.closed.Load() {
		ms.mu.Unlock()
		return 0, nil, kernel.ERROR_HANDLE_EOF
	}
	if m, ok := ms.q.peek(); ok {
		switch {
		case flags&reqTake != 0:
			msg = append([]byte(nil), m...) // m may be shared with other queues
			n = len(m)
		case len(m) > len(buf):
			ms.mu.Unlock()
			return 0, nil, kernel.ERROR_INSUFFICIENT_BUFFER
		default:
			n = copy(buf, m)
		}
		ms.q.pop()
		ms.mu.Unlock()
		ms.traceRead(c.Process.PID(), c.Handle, c.Object, n)
		return n, msg, nil
	}
	if timeout == 0 {
		ms.mu.Unlock()
		return 0, nil, kernel.ERROR_SEM_TIMEOUT
	}
	cache := &ms.reqs
	if flags&reqTake != 0 {
		cache = nil // take reads the request's Buf after completion
	}
	r := c.NewRequest(cache)
	r.Buf, r.Flags = buf, flags
	r.Timeout, r.TimeoutErr = timeout, kernel.ERROR_SEM_TIMEOUT
	if err := r.Pend(ms); err != nil {
		ms.mu.Unlock()
		return 0, nil, err
	}
	ms.readers = append(ms.readers, r)
	ms.mu.Unlock()
	return 0, nil, r
}

// serveReadersLocked hands queued messages to pending reads, oldest first, and returns
// done with the reads it completed appended (to notify after unlocking). A read whose
// buffer is too small for the oldest message fails with ERROR_INSUFFICIENT_BUFFER and
// leaves it queued. Preconditions: ms.mu is held.
func (ms *mailslot) serveReadersLocked(done []*kernel.Request) []*kernel.Request {
	for len(ms.readers) > 0 {
		m, ok := ms.q.peek()
		if !ok {
			break
		}
		r := ms.readers[0]
		// Moved down rather than resliced, so the slice keeps its array for the next
		// read that waits (there are seldom more than a few).
		last := copy(ms.readers, ms.readers[1:])
		ms.readers[last] = nil
		ms.readers = ms.readers[:last]
		switch {
		case r.Flags&reqTake != 0:
			r.Buf = append([]byte(nil), m...)
			ms.q.pop()
			r.SetResult(len(m), nil)
		case len(m) > len(r.Buf):
			r.SetResult(0, kernel.ERROR_INSUFFICIENT_BUFFER)
		default:
			n := copy(r.Buf, m)
			ms.q.pop()
			r.SetResult(n, nil)
		}
		done = append(done, r)
	}
	return done
}

// notifyAll notifies completed requests. Preconditions: ms.mu is not held.
func (ms *mailslot) notifyAll(done []*kernel.Request) {
	for _, r := range done {
		if r.Err() == nil {
			n := len(r.Buf)
			if r.Flags&reqTake == 0 {
				n = r.N()
			}
			ms.traceRead(r.Process().PID(), r.Handle(), r.Object(), n)
		}
		r.Notify()
	}
}

// CancelRequest implements kernel.RequestOwner.
func (ms *mailslot) CancelRequest(r *kernel.Request, err error) {
	ms.mu.Lock()
	if r.Done() {
		ms.mu.Unlock()
		return
	}
	for i, q := range ms.readers {
		if q == r {
			ms.readers = append(ms.readers[:i], ms.readers[i+1:]...)
			r.SetResult(0, err)
			ms.mu.Unlock()
			r.Notify()
			return
		}
	}
	ms.mu.Unlock()
}

// readTimeout returns the wait a read starts with. A read already waiting keeps the
// timeout it started with: ReactOS msfs rw.c arms each pending read's timer from the
// timeout current when the read was issued, and Wine server/mailslot.c sets each read's
// timeout when it queues it (implementations, unverified on Windows).
func (ms *mailslot) readTimeout() time.Duration { return kernel.Millis(ms.timeout.Load()) }
