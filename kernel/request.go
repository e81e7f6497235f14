package kernel

import (
	"sync/atomic"
	"time"
)

// This file implements I/O requests: the one kernel mechanism for every operation
// that cannot finish at once (NT's IRP; Wine's async). A pipe read on an empty pipe, a
// write that does not fit, a ConnectNamedPipe, a flush, a mailslot read, a
// GetQueuedCompletionStatus: each is a Request queued on the object that will
// complete it. The cycle of one:
//
//  1. Made: Call.NewRequest takes the file system's cached request (synchronous
//     calls) or a new one (overlapped calls, which outlive the call) and binds it to
//     the calling process, handle and file object.
//  2. Pended: under its own lock, the file system calls Request.Pend, which enters
//     the request in its process's list of pending requests (refused once the process
//     is exiting), and queues the request on its object. It returns the request as
//     the operation's error; Call.Finish sees it and owns the call's reference on the
//     file object from then on: the request holds it until completion.
//  3. Completed, exactly once, by whoever changes the object (a writer, a reader, a
//     disconnect, a cancel): under the file system's lock it unqueues the request and
//     calls SetResult, which also takes the request off its process's list; after
//     unlocking it calls Notify, which reports the completion as the call asked (wake
//     the synchronous caller; or fill in the Overlapped, set its event, queue a packet
//     to the file's completion port) and drops the request's file reference.
//  4. Or cancelled: CancelIo, CancelIoEx, the caller's context, a timeout, process
//     exit all call the owner's CancelRequest, which completes the request as in 3 if
//     it is still queued and does nothing if it completed first (a completed IRP is
//     not cancelled).
//
// A synchronous call is "pend, then wait for this request" (Call.Finish). No goroutine
// and no timer (beyond a Win32 timeout's) is started per request, and a synchronous
// request is reused through its file system's RequestCache, so blocking I/O allocates
// nothing in steady state.
//
// Process exit (process_exit.go) cancels and completes every pending request of the
// process before it closes the process's handles: when a wait on the process returns,
// no request of it holds a reference, and a call blocked at exit reports
// ERROR_OPERATION_ABORTED rather than what its own handles' closing would cause.
//
// Lock order: a file system's own locks → Process.reqMu (Pend and SetResult take it
// under the file system's lock; cancellation never calls CancelRequest holding it).

// RequestOwner is the object a request is queued on: the file system's part of
// cancellation (NT's cancel routine).
type RequestOwner interface {
	// CancelRequest completes r with err (SetResult, then Notify after unlocking) if
	// r is still queued, and does nothing if r has already completed. It is called
	// without kernel locks held.
	CancelRequest(r *Request, err error)
}

// Request is one pending I/O operation. See the top of this file for its cycle.
// Requests must not be copied.
type Request struct {
	_ noCopy
	// Buf is the operation's buffer (a read's destination, a write's source), set
	// by the file system before Pend and immutable while the request is queued.
	Buf []byte
	// Flags is the file system's: a mode fixed when the operation was issued (a
	// pipe read's read mode). Immutable while queued.
	Flags uint32
	// Timeout, if >= 0 when pended, is the Win32 timeout after which the request is
	// cancelled with TimeoutErr (a mailslot read timeout, WaitNamedPipe's wait). -1
	// (the value NewRequest sets) means none.
	Timeout    time.Duration
	TimeoutErr error

	// Bound by NewRequest; immutable while queued.
	process *Process
	file    *Object // the file object; nil for requests on non-file objects (a port wait)
	handle  Handle
	ov      *Overlapped
	cache   *RequestCache
	owner   RequestOwner
	// event is the Overlapped's event, referenced at issue; nil for none.
	event *Object
	// routine is a ReadFileEx/WriteFileEx completion routine, queued as an APC.
	routine CompletionRoutine
	// watcher is the call's context when it is a RequestWatcher (synchronous requests
	// only): Process.AbortRequests matches it.
	watcher RequestWatcher
	// pins counts cancellers holding r between picking it off its process's list and
	// calling its owner; a pinned request is not reused (RequestCache.put).
	pins atomic.Int32
	// alertable is set for an alertable wait on a completion port
	// (GetQueuedCompletionStatusEx): an APC queued for the process ends it with
	// WAIT_IO_COMPLETION. Immutable while queued.
	alertable bool
	// syncOverlapped is set for the request of a synchronous call given an Overlapped
	// (on a handle not opened for overlapped I/O a call blocks despite one): its
	// completion reports through the Overlapped as an overlapped request's does, APC
	// and event included but no port packet, and wakes its waiter as a synchronous
	// request's does. Either way the request's references end at its completion.
	syncOverlapped bool

	// Written by SetResult (under the owner's lock), read after Notify's wake-up or
	// by Notify itself.
	result requestResult
	done   atomic.Bool   // SetResult ran
	wake   chan struct{} // synchronous requests: one value at completion. Capacity 1.

	timer Timer // an overlapped request's Win32 timeout

	// Links in process.pending, protected by process.reqMu.
	pendingLink ilink[Request]
}

// RequestCache keeps a file system's spare synchronous requests: one per kind of
// operation an object serves at a time (a pipe end's read and write). Requests are
// cached per object, not in a global pool, because a request's wake channel made
// inside a testing/synctest bubble may be used only in that bubble, and an object
// belongs to the bubble that created it. Its zero value is empty.
type RequestCache struct{ spare [2]atomic.Pointer[Request] }

func (rc *RequestCache) get() *Request {
	for i := range rc.spare {
		if r := rc.spare[i].Swap(nil); r != nil {
			return r
		}
	}
	return &Request{wake: make(chan struct{}, 1)}
}

func (rc *RequestCache) put(r *Request) {
	if r.pins.Load() != 0 {
		return // a canceller still looks at it: let it go
	}
	wake := r.wake
	*r = Request{wake: wake}
	for i := range rc.spare {
		if rc.spare[i].CompareAndSwap(nil, r) {
			return
		}
	}
}

// NewRequest returns a request for the operation c serves, bound to c's process,
// handle and file object: from cache for a synchronous call, a new one for an
// overlapped call (it outlives the call). cache may be nil (no reuse).
func (c Call) NewRequest(cache *RequestCache) *Request {
	var r *Request
	switch {
	case c.async && cache != nil:
		// An overlapped request lives until its completion, not until the call
		// returns; it goes back to the cache at Notify.
		r = cache.get()
		r.cache = cache
		r.ov, r.event, r.routine = c.Overlapped, c.event, c.routine
	case c.async:
		r = &Request{ov: c.Overlapped, event: c.event, routine: c.routine}
	case cache == nil:
		r = &Request{wake: make(chan struct{}, 1)}
	default:
		r = cache.get()
		r.cache = cache
	}
	if !c.async {
		if w, ok := c.Ctx.(RequestWatcher); ok {
			r.watcher = w
		}
		if c.Overlapped != nil {
			// The request takes over the call's event reference, as an overlapped
			// one does (syncOverlapped).
			r.ov, r.event, r.routine, r.syncOverlapped = c.Overlapped, c.event, c.routine, true
		}
	}
	r.process, r.file, r.handle = c.Process, c.Object, c.Handle
	r.Timeout = -1
	return r
}

// Pend enters r in its process's pending requests, with owner as the object it is
// queued on. The caller queues r on owner under the same lock, and returns r from the
// operation (a *Request is the error "pending"), so that Call.Finish waits for it or
// reports ERROR_IO_PENDING. From then on r holds its call's reference on the object,
// until Notify. Pend fails with an *AbortError once the process has begun exiting (its
// pending requests have been, or are being, cancelled): the caller must then not queue
// r and returns that error. A request must not be pended with Timeout 0: the file
// system answers such a call at once.
//
// Preconditions: the owner's lock is held; r is fresh from NewRequest.
func (r *Request) Pend(owner RequestOwner) error {
	r.owner = owner
	if r.ov != nil {
		r.ov.setPending()
	}
	if p := r.process; p != nil {
		p.reqMu.Lock()
		if p.reqClosed {
			p.reqMu.Unlock()
			return &AbortError{Cause: ErrProcessExiting}
		}
		p.listLocked(r)
		p.reqMu.Unlock()
	}
	if !r.waited() && r.Timeout > 0 {
		r.timer = r.clock().AfterFunc(r.Timeout, func() { r.cancel(r.TimeoutErr) })
	}
	return nil
}

// listLocked appends r to p's pending requests. Appended: cancellation walks requests
// in the order they were issued, which is the order file systems queue them in, so each
// is found at its queue's head (process exit with n pending requests is linear).
// Preconditions: p.reqMu is held.
func (p *Process) listLocked(r *Request) { p.pending.pushBack(&r.pendingLink, r) }

// Error implements error: a *Request returned from an operation means "pending".
func (r *Request) Error() string { return ERROR_IO_PENDING.Error() }

// Is makes a pending request match ERROR_IO_PENDING.
func (r *Request) Is(target error) bool { return target == ERROR_IO_PENDING }

// Owner returns the object r is queued on.
func (r *Request) Owner() RequestOwner { return r.owner }

// Handle returns the handle value r was issued through.
func (r *Request) Handle() Handle { return r.handle }

// Object returns the object r was issued on (its file object), or nil.
func (r *Request) Object() *Object { return r.file }

// Process returns the process that issued r.
func (r *Request) Process() *Process { return r.process }

// SignalsFile reports whether r's completion signals its file object: only when the
// call was synchronous or gave no event of its own, and the file is not set to
// FILE_SKIP_SET_EVENT_ON_HANDLE (Wine dlls/ntdll/tests/pipe.c test_completion). The
// file system, which keeps the file object's signal state, asks it at completion.
func (r *Request) SignalsFile() bool {
	return (r.waited() || r.event == nil) && (r.file == nil || !r.file.SkipSetEventOnHandle())
}

// N returns r's result count. Preconditions: r has completed (Done).
func (r *Request) N() int { return r.result.n }

// Err returns r's result error. Preconditions: r has completed (Done).
func (r *Request) Err() error { return r.result.err }

// Done reports whether r has completed.
func (r *Request) Done() bool { return r.done.Load() }

// SetResult records r's result and takes it off its process's pending list; an
// overlapped request's status and count go into its Overlapped at once, so that
// whatever the completion then signals (its event, the file object, a port) is seen
// only after the result: a waiter woken through the file object must not find the
// operation still pending. Call Notify after releasing the owner's lock.
//
// Preconditions: the owner's lock is held; r was queued and has just been unqueued.
func (r *Request) SetResult(n int, err error) {
	r.result.n, r.result.err = n, err
	if r.ov != nil {
		r.ov.setResult(n, err)
	}
	r.unlist()
	r.done.Store(true)
}

// setPacket records a port wait's packet (completion_port.go).
func (r *Request) setPacket(n int, key uintptr, ov *Overlapped, err error) {
	r.result.key, r.result.ov, r.result.packet = key, ov, true
	r.SetResult(n, err)
}

func (r *Request) unlist() {
	p := r.process
	if p == nil {
		return
	}
	p.reqMu.Lock()
	p.pending.remove(&r.pendingLink)
	p.reqMu.Unlock()
}

// waited reports whether a caller waits for r: a synchronous call's request, given an
// Overlapped or not. The others are overlapped requests, which outlive their call.
func (r *Request) waited() bool { return r.ov == nil || r.syncOverlapped }

// Notify reports r's completion as its call asked. Preconditions: SetResult ran; no
// file-system lock is held.
func (r *Request) Notify() {
	if r.timer != nil {
		r.timer.Stop()
	}
	if r.ov != nil {
		r.signalOverlapped()
	}
	if r.waited() {
		file := r.file
		r.wake <- struct{}{}
		// The request's hold on the object ends with its completion (the waiter no
		// longer touches it); its reference must not outlive the completion, or a
		// process's exit would leave references behind until its goroutines ran.
		if file != nil {
			file.DecRef()
		}
		return
	}
	r.postCompletion()
	// Nobody refers to an overlapped request after its completion (its results are
	// in the Overlapped), unless a stale timer callback might still run: only then is
	// it not reused.
	if r.cache != nil && r.timer == nil {
		r.cache.put(r)
	}
}

// cancel asks r's owner to complete r with err.
func (r *Request) cancel(err error) {
	if r.done.Load() {
		return
	}
	r.owner.CancelRequest(r, err)
}

// Finish ends the operation a file system ran for c, given its result: a pending
// request (the operation returned one as its error) is waited for, or for an
// overlapped call left pending with ERROR_IO_PENDING; an overlapped call that
// finished at once has its Overlapped filled in and its completion reported. It
// releases c's references (for a pending request, at its completion). Every Win32
// call that runs file-system operations returns through it.
func (c Call) Finish(n int, err error) (int, error) {
	if r, ok := err.(*Request); ok {
		res := c.await(r)
		return res.n, res.err
	}
	if c.Overlapped != nil && c.finishOverlappedAtOnce(n, err) {
		n, err = 0, ERROR_IO_PENDING
	}
	if c.event != nil {
		c.event.DecRef()
	}
	if c.Object != nil {
		c.Object.DecRef()
	}
	return n, err
}

// await waits for a synchronous request, or leaves an overlapped one pending. The
// pended request holds c's references (object and event) and drops them at
// completion.
func (c Call) await(r *Request) requestResult {
	if c.async {
		// r may already have completed and been reused: look no further at it.
		return requestResult{err: ERROR_IO_PENDING}
	}
	if r.watcher != nil && r.Timeout < 0 && !r.alertable {
		return r.awaitWatched(r.watcher)
	}
	var ctxDone <-chan struct{}
	if c.Ctx != nil {
		ctxDone = c.Ctx.Done()
	}
	if ctxDone == nil && r.Timeout < 0 && !r.alertable {
		// Nothing but the request's end can wake the call (a process exit cancels
		// the request too): a plain receive, which costs less than a select.
		<-r.wake
		return r.finishAwait()
	}
	var timerC <-chan time.Time
	if r.Timeout >= 0 {
		t := r.clock().NewTimer(r.Timeout)
		defer t.Stop()
		timerC = t.C()
	}
	var apc <-chan struct{}
	if r.alertable {
		apc = c.Process.apcWake
	}
	for {
		select {
		case <-r.wake:
		case <-ctxDone:
			r.cancel(&AbortError{Cause: c.Ctx.Err()})
			<-r.wake
		case <-timerC:
			r.cancel(r.TimeoutErr)
			<-r.wake
		case <-apc:
			if !c.Process.apcsQueued() {
				continue // a stale wake-up: another wait ran them
			}
			r.cancel(WAIT_IO_COMPLETION)
			<-r.wake
		}
		return r.finishAwait()
	}
}

// finishAwait takes a woken synchronous request's result and gives the request back to
// its cache.
func (r *Request) finishAwait() requestResult {
	res := r.result
	if r.cache != nil {
		r.cache.put(r)
	}
	return res
}

// requestResult is what a completed request reports: its count and status and, for a
// wait on a completion port (completion_port.go), the packet it received, if any.
type requestResult struct {
	n      int
	err    error
	packet bool        // a port wait received a packet (rather than timing out or being cancelled)
	key    uintptr     // the packet's completion key
	ov     *Overlapped // and OVERLAPPED pointer
}

func (r *Request) clock() Clock {
	if r.file != nil {
		return r.file.machine.clock
	}
	return r.process.machine.clock
}

// cancelPendingRequests cancels, with err, every pending request of p that match
// selects (all when match is nil), and reports how many it found.
func (p *Process) cancelPendingRequests(match func(*Request) bool, err error) int {
	found := 0
	var skip map[*Request]bool
	for {
		p.reqMu.Lock()
		var r *Request
		for q := range p.pending.all() {
			if !skip[q] && (match == nil || match(q)) {
				r = q
				break
			}
		}
		if r != nil {
			r.pins.Add(1)
		}
		p.reqMu.Unlock()
		if r == nil {
			return found
		}
		found++
		r.cancel(err)
		if !r.done.Load() {
			// Its owner did not complete it (it was completing elsewhere and is
			// about to leave the list): do not pick it again.
			if skip == nil {
				skip = make(map[*Request]bool)
			}
			skip[r] = true
		}
		r.pins.Add(-1)
	}
}
