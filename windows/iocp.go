package windows

import "github.com/winsim/winsim/kernel"

// This file holds I/O completion ports.

// CreateIoCompletionPort creates a completion port (filehandle InvalidHandle, cphandle 0),
// associates the file filehandle with a new port (cphandle 0) or with cphandle, passing key with
// each of its packets, and returns the port (CreateIoCompletionPort). threadcnt is recorded;
// winsim has no threads to limit. A file already associated with a port gives
// ERROR_INVALID_PARAMETER.
func (c *Caller) CreateIoCompletionPort(filehandle Handle, cphandle Handle, key uintptr, threadcnt uint32) (handle Handle, err error) {
	p, _ := c.proc()
	h, err := p.CreateIoCompletionPort(kernel.Handle(filehandle), kernel.Handle(cphandle), key, threadcnt)
	if err != nil {
		return 0, errnoOf(err)
	}
	return Handle(h), nil
}

// GetQueuedCompletionStatus dequeues the oldest packet of the port cphandle, waiting up to timeout
// milliseconds (INFINITE: no limit), and stores its byte count, key and OVERLAPPED
// (GetQueuedCompletionStatus). The OVERLAPPED is the very pointer the operation was started with.
// The packet of a failed operation comes with that operation's error and a non-nil *overlapped;
// no packet in time gives WAIT_TIMEOUT and *overlapped nil.
func (c *Caller) GetQueuedCompletionStatus(cphandle Handle, qty *uint32, key *uintptr, overlapped **Overlapped, timeout uint32) (err error) {
	p, ctx := c.proc()
	st, err := p.GetQueuedCompletionStatus(ctx, kernel.Handle(cphandle), timeout)
	store(qty, uint32(st.Bytes))
	store(key, st.Key)
	store(overlapped, fromKernel(st.Overlapped))
	return errnoOf(err)
}

// PostQueuedCompletionStatus queues a packet of the caller's making to the port cphandle
// (PostQueuedCompletionStatus).
func (c *Caller) PostQueuedCompletionStatus(cphandle Handle, qty uint32, key uintptr, overlapped *Overlapped) (err error) {
	p, _ := c.proc()
	var ko *kernel.Overlapped
	if overlapped != nil {
		ko = overlapped.toKernel()
	}
	return errnoOf(p.PostQueuedCompletionStatus(kernel.Handle(cphandle), qty, key, ko))
}
