package pipe

import "github.com/winsim/winsim/kernel"

// This file implements the pending operations of pipe I/O: a ReadFile blocked on an
// empty pipe or a WriteFile blocked on a full one (NT: an IRP queued in the NPFS data
// queue; Wine: an async on read_q/write_q). The cycle of one:
//
//  1. Issued: the caller takes its end's spare op (or a new one) and queues it under the instance lock
//     (a pending read on the buffer's readers, a pending write on its record).
//  2. Completed: whoever changes the pipe (a writer, a reader, a disconnect, a close)
//     fills in n and err under the lock and adds the op to a wakeList, which signals it
//     after the lock is released.
//  3. Or abandoned: the caller's ctx is done or its process exits; the caller takes the
//     lock, and if the op has not completed it unqueues it (a pending write takes its
//     unread bytes with it) and reports an error matching ERROR_OPERATION_ABORTED.
//  4. Kept by the caller as its end's spare once it has its result.
//
// Ops are the only per-operation state; they are reused, so blocking reads and writes
// allocate nothing in steady state, and no goroutine or timer is started per operation.

// op is one pending read or write.
type op struct {
	// buf is the read's destination; set before queuing, immutable while queued.
	buf []byte
	// msgMode is the read's read mode, fixed when it was issued.
	msgMode bool

	// Protected by the instance's mu.
	done bool
	n    int
	err  error

	// wake receives one value when the op completes. Capacity 1.
	wake chan struct{}
}

// getOp returns an op for a blocking call on e: e's spare for this kind of call, or a
// new one. Ops are kept per end, not in a global pool, because the wake channel of an op
// made inside a testing/synctest bubble may be used only in that bubble; an end, and so
// its ops, belongs to the bubble that created it.
func (e *end) getOp(write bool) *op {
	if o := e.spare[b2i(write)].Swap(nil); o != nil {
		return o
	}
	return &op{wake: make(chan struct{}, 1)}
}

// putOp keeps o as e's spare. Preconditions: o is completed and its wake-up consumed.
func (e *end) putOp(o *op, write bool) {
	*o = op{wake: o.wake}
	e.spare[b2i(write)].CompareAndSwap(nil, o)
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// completeLocked records o's result and schedules its wake-up.
// Preconditions: the instance's mu is held; o is queued and not yet completed.
func (o *op) completeLocked(n int, err error, wl *wakeList) {
	o.done, o.n, o.err = true, n, err
	wl.addOp(o)
}

// wakeList collects the wake-ups a locked section owes, to deliver after unlocking.
// It lives on the stack of the call that owns the lock.
type wakeList struct {
	ops   [4]*op
	nops  int
	extra []*op
	qs    [3]*kernel.WaitQueue
	nqs   int
}

func (wl *wakeList) addOp(o *op) {
	if wl.nops < len(wl.ops) {
		wl.ops[wl.nops] = o
		wl.nops++
		return
	}
	wl.extra = append(wl.extra, o)
}

// addQueue schedules q.Notify; each queue is notified once.
func (wl *wakeList) addQueue(q *kernel.WaitQueue) {
	for i := 0; i < wl.nqs; i++ {
		if wl.qs[i] == q {
			return
		}
	}
	if wl.nqs < len(wl.qs) {
		wl.qs[wl.nqs] = q
		wl.nqs++
		return
	}
	q.Notify() // more than we track: notifying early is only an extra wake-up
}

// run delivers the wake-ups. Preconditions: no pipe lock is held.
func (wl *wakeList) run() {
	for i := 0; i < wl.nops; i++ {
		wl.ops[i].wake <- struct{}{}
	}
	for _, o := range wl.extra {
		o.wake <- struct{}{}
	}
	for i := 0; i < wl.nqs; i++ {
		wl.qs[i].Notify()
	}
}

// errMoreData marks a read that returned part of a message.
var errMoreData error = kernel.ERROR_MORE_DATA

// AbortError is the kernel's: a blocking pipe call given up because its context was
// done or its process exited (ERROR_OPERATION_ABORTED). Every blocking call in winsim
// reports cancellation with the same type.
type AbortError = kernel.AbortError

// waitOp sleeps until o, queued on b (as a write if write is set, else as a read),
// completes, c.Ctx is done or c.Process exits. On cancellation it unqueues o, unless o
// completed first (the completion wins, as a completed IRP does on NT); a pending write
// takes its unread bytes out of the pipe (windows-facts.md NP-130, NP-132). It consumes o's
// wake-up either way and returns o's result; the caller still owns o.
//
// It is kernel.Call.Block's cancellation with a different wake-up, on purpose: Block
// allocates a waiter per call, registers it on a WaitQueue and re-runs a try function
// on every Notify, while an op is completed directly, result included, by whoever
// changes the pipe, so a blocking read or write costs no allocation and no retry.
// Cancellation is reported as Block reports it: a kernel.AbortError whose cause is
// the context's error (context.Canceled, context.DeadlineExceeded) or
// kernel.ErrProcessExiting.
func (in *instance) waitOp(c kernel.Call, o *op, b *buffer, write bool) (int, error) {
	var ctxDone <-chan struct{}
	if c.Ctx != nil {
		ctxDone = c.Ctx.Done()
	}
	var dying <-chan struct{}
	if c.Process != nil {
		dying = c.Process.Done()
	}
	var cause error
	select {
	case <-o.wake:
		return o.n, o.err
	case <-ctxDone:
		cause = c.Ctx.Err()
	case <-dying:
		cause = kernel.ErrProcessExiting
	}
	var wl wakeList
	in.mu.Lock()
	if o.done {
		in.mu.Unlock()
		<-o.wake
		return o.n, o.err
	}
	if write {
		b.cancelWriteLocked(o, &wl)
		in.noteDrainedLocked(b, &wl)
	} else {
		b.readers.remove(o)
	}
	o.done = true
	in.mu.Unlock()
	wl.run()
	return 0, &AbortError{Cause: cause}
}
