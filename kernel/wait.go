package kernel

import (
	"errors"
	"strconv"
	"time"
)

// This file implements blocking. There are two kinds of waiting, as in NT:
//
//  1. Dispatcher waits (WaitForSingleObject, WaitForMultipleObjects) on dispatcher
//     objects (events, processes, and any body that implements Signaler). A waiter
//     queues a wait block on every object it waits for; whoever changes an object's
//     signal state does so under the network's dispatcher lock and then satisfies the
//     queued wait blocks in FIFO order (NT's KiWaitTest), consuming the signal of an
//     auto-reset object for exactly one waiter. Waits never spin or retry.
//
//  2. I/O waits (ReadFile on an empty mailslot, ConnectNamedPipe, ...) are I/O
//     requests (request.go): the file system queues a Request on its object and
//     completes it; the caller waits for that request alone.
//
// Every wait honours the Win32 timeout (read from the machine's clock), the caller's
// context.Context and the exit of the calling process. Nothing waits forever that the
// caller cannot cancel.

// INFINITE is the Win32 "no timeout" value.
const INFINITE uint32 = 0xFFFFFFFF

// Wait results (WAIT_*).
const (
	WAIT_OBJECT_0    uint32 = 0x00000000
	WAIT_ABANDONED_0 uint32 = 0x00000080
	WAIT_TIMEOUT_    uint32 = 0x00000102 // the WAIT_TIMEOUT result; the Errno of the same value is WAIT_TIMEOUT
	WAIT_FAILED      uint32 = 0xFFFFFFFF
)

// MAXIMUM_WAIT_OBJECTS is the most handles one WaitForMultipleObjects takes.
const MAXIMUM_WAIT_OBJECTS = 64

// Millis converts a Win32 millisecond timeout to a duration; INFINITE gives -1.
func Millis(ms uint32) time.Duration {
	if ms == INFINITE {
		return -1
	}
	return time.Duration(ms) * time.Millisecond
}

// ErrProcessExiting is the cause of an AbortError when the calling process exits.
var ErrProcessExiting = errors.New("kernel: the calling process is exiting")

// An AbortError reports a blocking call given up because its context was done or its
// process exited: what Windows reports as ERROR_OPERATION_ABORTED for cancelled I/O.
// errors.Is matches it with ERROR_OPERATION_ABORTED and with its cause
// (context.Canceled, context.DeadlineExceeded); errors.As finds an Errno of
// ERROR_OPERATION_ABORTED in it. Every blocking call in winsim reports cancellation
// with it.
type AbortError struct{ Cause error }

func (e *AbortError) Error() string {
	return ERROR_OPERATION_ABORTED.Error() + " (" + e.Cause.Error() + ")"
}

// Is matches ERROR_OPERATION_ABORTED, as a kernel.Errno or as another package's error that
// carries the code (windows.ERROR_OPERATION_ABORTED; see Errno.Is).
func (e *AbortError) Is(target error) bool {
	return ERROR_OPERATION_ABORTED.Is(target) || target == ERROR_OPERATION_ABORTED
}

// Unwrap returns the cause: the context's error, or ErrProcessExiting.
func (e *AbortError) Unwrap() error { return e.Cause }

// As sets an *Errno target to ERROR_OPERATION_ABORTED.
func (e *AbortError) As(target any) bool {
	if p, ok := target.(*Errno); ok {
		*p = ERROR_OPERATION_ABORTED
		return true
	}
	return false
}

// Signaler is the capability of dispatcher objects: objects WaitForSingleObject and
// WaitForMultipleObjects can wait on. Bodies embed a DispatchHeader and change their
// state only between Machine.LockDispatcher and Machine.UnlockDispatcher, calling
// Machine.WaitTestLocked after a change that may satisfy waiters.
type Signaler interface {
	Header() *DispatchHeader
	// Signaled reports whether a wait is satisfied now.
	// Preconditions: the network's dispatcher lock is held.
	Signaled() bool
	// Acquire consumes the signal for one satisfied wait (an auto-reset event resets).
	// Preconditions: the network's dispatcher lock is held.
	Acquire()
}

// DispatchHeader is the wait list of a dispatcher object (NT's DISPATCHER_HEADER).
// Its zero value is ready to use. It is protected by the network's dispatcher lock.
type DispatchHeader struct {
	waiters []*waitBlock
}

// waitBlock is one WaitFor*Object call's registration. It is protected by the
// network's dispatcher lock.
type waitBlock struct {
	objs    []Signaler
	refs    []*Object // the waiter's references on the objects of objs, in order
	all     bool
	result  int           // -1 while pending, waitAborted once the process's exit ended it, else the satisfied index
	done    chan struct{} // buffered (1): receives one token when the wait is satisfied
	proc    *Process      // the waiting process, for the self-check
	pid     uint32        // the waiting process, for traces
	handles []Handle      // a copy of the caller's handles, for traces
	// Links in proc.blockedWaits while the wait is blocked.
	blockedLink ilink[waitBlock]
}

// A process keeps one spare waitBlock (Process.spareWait), with its slices and channel,
// so that a wait that blocks allocates nothing when the process's waits do not overlap.
// It is kept per process, not in a global pool, because a channel made inside a
// testing/synctest bubble may be used only in that bubble, and a process belongs to the
// bubble that created it (as RequestCache does for requests).
//
// Lifetime: a waitBlock is taken by a waiting call, queued on its objects' headers
// under the dispatcher lock, and dequeued (by satisfaction or by the waiter) before the
// call returns; only then, with no header naming it and its token drained, is it kept
// as the spare again.

// takeWaitBlock returns p's spare waitBlock, or a new one, empty, for a wait by p.
func (p *Process) takeWaitBlock() *waitBlock {
	wb := p.spareWait.Swap(nil)
	if wb == nil {
		wb = &waitBlock{done: make(chan struct{}, 1)}
	}
	wb.proc, wb.pid = p, p.pid
	return wb
}

// waitAborted is the result of a wait its process's exit ended.
const waitAborted = -2

// blockLocked enters wb in p's list of blocked waits, which abortWaits walks.
// Preconditions: the dispatcher lock is held; wb is not on the list.
func (p *Process) blockLocked(wb *waitBlock) { p.blockedWaits.pushBack(&wb.blockedLink, wb) }

// unblockLocked takes wb off p's list of blocked waits, if it is on it.
// Preconditions: the dispatcher lock is held.
func (p *Process) unblockLocked(wb *waitBlock) { p.blockedWaits.remove(&wb.blockedLink) }

// abortWaits ends p's blocked dispatcher waits as its exit begins, and makes its later
// waits fail at once: each gets ERROR_OPERATION_ABORTED, as Windows ends an exiting
// process's threads. One mechanism wakes a wait, its block's token, whoever ends it.
func (p *Process) abortWaits() {
	m := p.machine
	m.LockDispatcher()
	defer m.UnlockDispatcher()
	p.waitsAborted = true
	for wb := range p.blockedWaits.all() {
		wb.result = waitAborted
		dequeueLocked(wb)
		p.unblockLocked(wb) // before the token: the waiter may then reuse wb
		wb.done <- struct{}{}
	}
}

// finishWait ends a wait's use of wb: it drops the waiter's references on the objects
// and keeps wb as p's spare. Preconditions: wb is on no header's queue and holds no
// token (waitOn receives every token sent to it).
func (p *Process) finishWait(wb *waitBlock) {
	for i, o := range wb.refs {
		o.DecRef()
		// Cleared one by one: a wait names few objects, and a loop costs less than a
		// call to clear them.
		wb.refs[i], wb.objs[i] = nil, nil
	}
	wb.refs, wb.objs, wb.proc = wb.refs[:0], wb.objs[:0], nil
	p.spareWait.Store(wb)
}

// LockDispatcher takes the dispatcher lock (NT's dispatcher database lock), shared by
// every machine of the network.
// Lock order: it is taken after any object lock and before nothing but the leaves
// (WaitTestLocked traces under it); see Machine.
func (m *Machine) LockDispatcher() { m.network.dispatcherMu.Lock() }

// UnlockDispatcher releases the dispatcher lock.
func (m *Machine) UnlockDispatcher() { m.network.dispatcherMu.Unlock() }

// WaitTestLocked satisfies, in FIFO order, the waits queued on s that its new state
// allows (NT's KiWaitTest). Preconditions: the dispatcher lock is held.
func (m *Machine) WaitTestLocked(s Signaler) {
	h := s.Header()
	for i := 0; i < len(h.waiters) && s.Signaled(); {
		wb := h.waiters[i]
		idx := -1
		if wb.all {
			if allSignaled(wb.objs) {
				for _, o := range wb.objs {
					o.Acquire()
				}
				idx = 0
			}
		} else {
			for j, o := range wb.objs {
				if o == s {
					idx = j
					break
				}
			}
			s.Acquire()
		}
		if idx < 0 {
			i++
			continue
		}
		// Traced before the token is sent: once it is, the waiter may return and its
		// next wait take wb again (takeWaitBlock), without the dispatcher lock.
		m.emitWaitSatisfied(wb.pid, wb.handles, wb.all, idx)
		m.satisfyLocked(wb, idx) // removes wb from h.waiters; do not advance i
	}
}

// emitWaitSatisfied records that a wait of process pid on handles was satisfied, by the
// object at index idx for a wait-any.
func (m *Machine) emitWaitSatisfied(pid uint32, handles []Handle, all bool, idx int) {
	if !m.Tracing() {
		return
	}
	ev := TraceEvent{Kind: EvWaitSatisfied, PID: pid}
	if all {
		ev.Detail = "all " + strconv.Itoa(len(handles))
	} else {
		ev.Handle = handles[idx]
		ev.Detail = "index " + strconv.Itoa(idx)
	}
	m.emit(ev)
}

func allSignaled(objs []Signaler) bool {
	for _, o := range objs {
		if !o.Signaled() {
			return false
		}
	}
	return true
}

// Preconditions: the dispatcher lock is held.
// It takes wb off every queue and off its process's blocked waits before it sends the
// token, so that the waiter, once it has the token, needs no lock (waitOn).
func (m *Machine) satisfyLocked(wb *waitBlock, idx int) {
	wb.result = idx
	dequeueLocked(wb)
	wb.proc.unblockLocked(wb)
	wb.done <- struct{}{}
}

// Preconditions: the dispatcher lock is held.
func dequeueLocked(wb *waitBlock) {
	for _, o := range wb.objs {
		h := o.Header()
		for i, w := range h.waiters {
			if w == wb {
				h.waiters = append(h.waiters[:i], h.waiters[i+1:]...)
				break
			}
		}
	}
}

// alwaysSignaled stands for a waitable object whose body does not implement Signaler
// (a file object with no I/O in flight is signaled on NT).
type alwaysSignaled struct{ h DispatchHeader }

func (a *alwaysSignaled) Header() *DispatchHeader { return &a.h }
func (a *alwaysSignaled) Signaled() bool          { return true }
func (a *alwaysSignaled) Acquire()                {}
