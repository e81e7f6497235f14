package pipe

import "github.com/winsim/winsim/kernel"

// This file holds the pipe's part of the kernel's I/O requests (kernel/request.go):
// every pipe operation that cannot finish at once — a ReadFile on an empty pipe, a
// WriteFile that does not fit, a FlushFileBuffers with unread data, a ConnectNamedPipe,
// TransactNamedPipe's wait for the reply — is a kernel.Request queued under the
// instance lock (NT: an IRP in the NPFS queues; Wine: an async on read_q/write_q):
//
//   - reads on their buffer's readers, a pending write on its record (record.w),
//     flushes on the flushing end's write buffer, connects on the instance;
//   - completed by whoever changes the pipe (a writer, a reader, a disconnect, a
//     close), which unqueues the request and sets its result under the lock and adds it
//     to a wakeList, which notifies it after the lock is released;
//   - or cancelled through end.CancelRequest (CancelIo, a context, process exit),
//     which unqueues it if it has not completed (the completion wins, as a completed
//     IRP does on NT); a cancelled write takes its unread bytes out of the pipe (Wine
//     dlls/kernel32/tests/pipe.c test_blocking_rw; docs/io.md).
//
// Synchronous requests come from the end's RequestCache, so blocking reads and writes
// allocate nothing in steady state, and no goroutine or timer is started per operation.

// Request kinds, in kernel.Request.Flags; reqMsgMode marks a read in message read mode,
// reqLateConnect a ConnectNamedPipe the adversarial mode answers as if its client had
// come first (adversary.go).
const (
	reqRead uint32 = 1 + iota
	reqWrite
	reqFlush
	reqConnect
	reqKindMask    uint32 = 0xF
	reqMsgMode     uint32 = 0x10
	reqLateConnect uint32 = 0x20
)

// completeLocked records r's result and schedules its notification.
// Preconditions: the instance's mu is held; r has just been unqueued.
func completeLocked(r *kernel.Request, n int, err error, wl *wakeList) {
	r.SetResult(n, err)
	wl.addReq(r)
}

// pend enters r, made for c, as pending on e; the caller queues it under the same
// lock. It fails as kernel.Request.Pend does.
// Preconditions: the instance's mu is held.
func (e *end) pend(r *kernel.Request) error {
	if err := r.Pend(e); err != nil {
		return err
	}
	e.ioPending()
	return nil
}

// CancelRequest implements kernel.RequestOwner: r, pended on e, is unqueued and
// completed with err unless it completed first.
func (e *end) CancelRequest(r *kernel.Request, err error) {
	in := e.inst
	var wl wakeList
	in.mu.Lock()
	if r.Done() {
		in.mu.Unlock()
		return
	}
	found := false
	switch r.Flags & reqKindMask {
	case reqRead:
		found = e.readBuf().readers.remove(r)
	case reqWrite:
		b := e.writeBuf()
		found = b.cancelWriteLocked(r, &wl)
		in.noteDrainedLocked(b, &wl)
	case reqFlush:
		found = e.writeBuf().flushes.remove(r)
	case reqConnect:
		found = in.connects.remove(r) // the instance keeps listening
	}
	if found {
		completeLocked(r, 0, err, &wl)
	}
	in.mu.Unlock()
	wl.run()
}

// wakeList collects the notifications a locked section owes, to deliver after
// unlocking. It lives on the stack of the call that owns the lock.
type wakeList struct {
	reqs  [4]*kernel.Request
	nreqs int
	extra []*kernel.Request
}

func (wl *wakeList) addReq(r *kernel.Request) {
	if wl.nreqs < len(wl.reqs) {
		wl.reqs[wl.nreqs] = r
		wl.nreqs++
		return
	}
	wl.extra = append(wl.extra, r)
}

// run delivers the notifications. Preconditions: no pipe lock is held.
func (wl *wakeList) run() {
	for i := 0; i < wl.nreqs; i++ {
		notify(wl.reqs[i])
	}
	for _, r := range wl.extra {
		notify(r)
	}
}

// notify signals the end's file object if the completed request succeeded and its
// completion signals the file (kernel.Request.SignalsFile), then notifies the request.
func notify(r *kernel.Request) {
	if e, ok := r.Owner().(*end); ok && r.SignalsFile() {
		e.ioFinished(r.Err())
	}
	r.Notify()
}

// errMoreData marks a read that returned part of a message.
var errMoreData error = kernel.ERROR_MORE_DATA

// AbortError is the kernel's: a blocking pipe call given up because its context was
// done or its process exited (ERROR_OPERATION_ABORTED). Every blocking call in winsim
// reports cancellation with the same type.
type AbortError = kernel.AbortError

// reqQueue is a growable FIFO ring of pending requests. Its zero value is empty.
type reqQueue struct {
	buf  []*kernel.Request
	head int
	n    int
}

func (q *reqQueue) at(i int) *kernel.Request { return q.buf[(q.head+i)&(len(q.buf)-1)] }

func (q *reqQueue) push(r *kernel.Request) {
	if q.n == len(q.buf) {
		nb := make([]*kernel.Request, max(4, 2*len(q.buf)))
		for i := 0; i < q.n; i++ {
			nb[i] = q.at(i)
		}
		q.buf, q.head = nb, 0
	}
	q.buf[(q.head+q.n)&(len(q.buf)-1)] = r
	q.n++
}

func (q *reqQueue) pop() *kernel.Request {
	r := q.buf[q.head]
	q.buf[q.head] = nil
	q.head = (q.head + 1) & (len(q.buf) - 1)
	q.n--
	return r
}

// remove takes r out of the queue wherever it is; it reports whether r was there.
func (q *reqQueue) remove(r *kernel.Request) bool {
	if q.n > 0 && q.buf[q.head] == r {
		q.pop() // the common case: cancellation walks requests oldest first
		return true
	}
	for i := 1; i < q.n; i++ {
		if q.at(i) == r {
			for j := i; j < q.n-1; j++ {
				q.buf[(q.head+j)&(len(q.buf)-1)] = q.at(j + 1)
			}
			q.buf[(q.head+q.n-1)&(len(q.buf)-1)] = nil
			q.n--
			return true
		}
	}
	return false
}

// failAllLocked completes every queued request with err.
func (q *reqQueue) failAllLocked(err error, wl *wakeList) {
	for q.n > 0 {
		completeLocked(q.pop(), 0, err, wl)
	}
}
