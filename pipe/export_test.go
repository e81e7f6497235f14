package pipe

import "github.com/winsim/winsim/kernel"

// This file gives the self-check's tests (check_test.go) ways to break a pipe
// instance's state, which no public call can. Each returns a function that restores it.

func endOf(o *kernel.Object) *end { return o.Body().(*end) }

// SetEndClosed sets the closed flag of the pipe end o.
func SetEndClosed(o *kernel.Object, closed bool) (restore func()) {
	e := endOf(o)
	e.inst.mu.Lock()
	defer e.inst.mu.Unlock()
	was := e.closed
	e.closed = closed
	return func() {
		e.inst.mu.Lock()
		defer e.inst.mu.Unlock()
		e.closed = was
	}
}

// DetachClient clears the client end of the instance o (an end) belongs to.
func DetachClient(o *kernel.Object) (restore func()) {
	in := endOf(o).inst
	in.mu.Lock()
	defer in.mu.Unlock()
	was := in.client
	in.client = nil
	return func() {
		in.mu.Lock()
		defer in.mu.Unlock()
		in.client = was
	}
}

// Unlisten takes the instance o belongs to off its pipe's listening queue.
func Unlisten(o *kernel.Object) (restore func()) {
	in := endOf(o).inst
	in.fcb.mu.Lock()
	defer in.fcb.mu.Unlock()
	in.fcb.removeListenerLocked(in)
	return func() {
		in.fcb.mu.Lock()
		defer in.fcb.mu.Unlock()
		in.fcb.listeners = append(in.fcb.listeners, in)
	}
}

// CorruptUnread adds delta to the unread-byte count of what the end o writes.
func CorruptUnread(o *kernel.Object, delta int) (restore func()) {
	e := endOf(o)
	e.inst.mu.Lock()
	defer e.inst.mu.Unlock()
	e.writeBuf().unread += delta
	return func() {
		e.inst.mu.Lock()
		defer e.inst.mu.Unlock()
		e.writeBuf().unread -= delta
	}
}

// HandOver reports handOverLocked's decision for a write of n bytes into a buffer with
// the given quota that found waiting reads pending and left left of them, with unread
// bytes still queued after it.
func HandOver(quota, unread, waiting, left, n int) bool {
	b := &buffer{quota: quota, unread: unread}
	b.readers.n = left
	return b.handOverLocked(waiting, n)
}

// HandOverMin is handOverMin.
const HandOverMin = handOverMin
