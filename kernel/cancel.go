package kernel

// This file implements the Win32 cancellation calls. Every cause of cancellation (these
// calls, a context, a timeout, process exit) ends in the same place: the pending
// request's owner completes it (RequestOwner.CancelRequest), with
// ERROR_OPERATION_ABORTED here.
//
// winsim has no threads, so the unit CancelIo works on is the calling process: it
// cancels the process's pending requests on the file (Windows: the calling thread's;
// docs/deviations.md).

// CancelIo cancels every pending I/O request the calling process issued on the file
// object h refers to (CancelIo). Each completes with ERROR_OPERATION_ABORTED. With
// nothing pending it still succeeds (Wine dlls/ntdll/tests/pipe.c test_cancelio).
func (p *Process) CancelIo(h Handle) error {
	o, _, err := p.Reference(h, 0, FileType)
	if err != nil {
		return err
	}
	defer o.DecRef()
	p.cancelPendingRequests(func(r *Request) bool { return r.file == o }, ERROR_OPERATION_ABORTED)
	return nil
}

// CancelIoEx cancels the calling process's pending I/O on the file object h refers
// to: the one request issued with ov, or with ov nil every one (CancelIoEx). When
// nothing matched it fails with ERROR_NOT_FOUND, as it does for an OVERLAPPED whose
// operation was already cancelled (Wine dlls/kernel32/tests/pipe.c test_blocking_rw;
// dlls/ntdll/tests/pipe.c test_cancelio).
func (p *Process) CancelIoEx(h Handle, ov *Overlapped) error {
	o, _, err := p.Reference(h, 0, FileType)
	if err != nil {
		return err
	}
	defer o.DecRef()
	n := p.cancelPendingRequests(func(r *Request) bool {
		return r.file == o && (ov == nil || r.ov == ov)
	}, ERROR_OPERATION_ABORTED)
	if n == 0 {
		return ERROR_NOT_FOUND
	}
	return nil
}

// PendingRequests reports how many I/O requests of p are pending (for views and tests).
func (p *Process) PendingRequests() int {
	p.reqMu.Lock()
	defer p.reqMu.Unlock()
	n := 0
	for range p.pending.all() {
		n++
	}
	return n
}
