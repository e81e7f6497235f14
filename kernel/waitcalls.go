package kernel

import (
	"context"
	"time"
)

// WaitForSingleObject waits until the object h refers to is signalled, timeoutMs
// passes (INFINITE: never), ctx is done or p exits (WaitForSingleObject). It returns
// WAIT_OBJECT_0 or WAIT_TIMEOUT_ with a nil error, or WAIT_FAILED with the error
// (ERROR_INVALID_HANDLE, ERROR_ACCESS_DENIED without SYNCHRONIZE, or one matching
// ERROR_OPERATION_ABORTED on cancellation).
func (p *Process) WaitForSingleObject(ctx context.Context, h Handle, timeoutMs uint32) (uint32, error) {
	return p.WaitForMultipleObjectsEx(ctx, []Handle{h}, false, timeoutMs, false)
}

// WaitForSingleObjectEx is WaitForSingleObject with an alertable flag
// (WaitForSingleObjectEx): an alertable wait runs the process's queued APCs and then
// returns WAIT_IO_COMPLETION (apc.go).
func (p *Process) WaitForSingleObjectEx(ctx context.Context, h Handle, timeoutMs uint32, alertable bool) (uint32, error) {
	return p.WaitForMultipleObjectsEx(ctx, []Handle{h}, false, timeoutMs, alertable)
}

// WaitForMultipleObjectsEx is WaitForMultipleObjects with an alertable flag
// (WaitForMultipleObjectsEx), as WaitForSingleObjectEx.
func (p *Process) WaitForMultipleObjectsEx(ctx context.Context, handles []Handle, waitAll bool, timeoutMs uint32, alertable bool) (uint32, error) {
	return p.waitForMultipleObjects(ctx, handles, waitAll, timeoutMs, alertable)
}

// WaitForMultipleObjects waits for one (waitAll false) or all (waitAll true) of the
// objects the handles refer to (WaitForMultipleObjects). Wait-any returns
// WAIT_OBJECT_0+i for the lowest signalled index; wait-all returns WAIT_OBJECT_0 once
// every object is signalled at the same moment, consuming every auto-reset signal
// together. 0 or more than MAXIMUM_WAIT_OBJECTS handles, or the same object twice in
// a wait-all, give ERROR_INVALID_PARAMETER (MS docs).
func (p *Process) WaitForMultipleObjects(ctx context.Context, handles []Handle, waitAll bool, timeoutMs uint32) (uint32, error) {
	return p.waitForMultipleObjects(ctx, handles, waitAll, timeoutMs, false)
}

func (p *Process) waitForMultipleObjects(ctx context.Context, handles []Handle, waitAll bool, timeoutMs uint32, alertable bool) (uint32, error) {
	if len(handles) == 0 || len(handles) > MAXIMUM_WAIT_OBJECTS {
		return WAIT_FAILED, ERROR_INVALID_PARAMETER
	}
	// The wait block is built in place: the objects are referenced into it, and it is
	// queued only if the wait blocks. Every return gives it back (finishWait). N.B. no
	// defer here or in waitOn: their many returns would make the defers heap-kept.
	wb := p.takeWaitBlock()
	res, err := p.waitOn(ctx, wb, handles, waitAll, timeoutMs, alertable)
	p.finishWait(wb)
	return res, err
}

// waitOn is waitForMultipleObjects' wait on wb, a wait block just taken.
func (p *Process) waitOn(ctx context.Context, wb *waitBlock, handles []Handle, waitAll bool, timeoutMs uint32, alertable bool) (uint32, error) {
	for _, h := range handles {
		o, _, err := p.Reference(h, SYNCHRONIZE, nil)
		if err != nil {
			return WAIT_FAILED, err
		}
		s, ok := o.body.(Signaler)
		if !ok {
			s = &alwaysSignaled{}
		}
		if waitAll {
			for _, prev := range wb.refs {
				if prev == o {
					o.DecRef()
					return WAIT_FAILED, ERROR_INVALID_PARAMETER
				}
			}
		}
		wb.refs = append(wb.refs, o)
		wb.objs = append(wb.objs, s)
	}
	sigs := wb.objs
	m := p.machine
	// An alertable wait delivers APCs already queued before it looks at the objects,
	// which it leaves as they are (MS docs "Alertable I/O" and "Using Waitable Timers
	// with an Asynchronous Procedure Call": the APC queue is emptied first and the
	// thread is not put to sleep).
	if alertable && p.runAPCs() {
		return uint32(WAIT_IO_COMPLETION), nil
	}

	m.LockDispatcher()
	if waitAll {
		if allSignaled(sigs) {
			for _, s := range sigs {
				s.Acquire()
			}
			m.emitWaitSatisfied(p.pid, handles, true, 0)
			m.UnlockDispatcher()
			return WAIT_OBJECT_0, nil
		}
	} else {
		for i, s := range sigs {
			if s.Signaled() {
				s.Acquire()
				m.emitWaitSatisfied(p.pid, handles, false, i)
				m.UnlockDispatcher()
				return WAIT_OBJECT_0 + uint32(i), nil
			}
		}
	}
	if timeoutMs == 0 {
		m.UnlockDispatcher()
		return WAIT_TIMEOUT_, nil
	}
	if p.waitsAborted {
		// The process is exiting: its calls give up (see abortWaits).
		m.UnlockDispatcher()
		return WAIT_FAILED, &AbortError{Cause: ErrProcessExiting}
	}
	wb.handles = append(wb.handles[:0], handles...)
	wb.all, wb.result = waitAll, -1
	for _, s := range wb.objs {
		h := s.Header()
		h.waiters = append(h.waiters, wb)
	}
	p.blockLocked(wb)
	m.UnlockDispatcher()

	woken, why := p.block(ctx, wb, timeoutMs, alertable)
	if !woken {
		// The timeout, ctx or an APC ended the wait: it takes itself off its queues,
		// unless a satisfaction (or the exit) came first, which wins; its token was
		// then sent, under the lock, and is taken here so that wb is clean for reuse.
		m.LockDispatcher()
		satisfied := wb.result != -1
		if !satisfied {
			p.unblockLocked(wb)
			dequeueLocked(wb)
		}
		m.UnlockDispatcher()
		if satisfied {
			<-wb.done
		}
	}
	// Whoever sends wb its token (a satisfaction, or the process's exit) sets
	// wb.result and takes wb off every queue and off p.blockedWaits first, under the
	// dispatcher lock, so a wait woken by its token reads the result without the lock.
	switch res := wb.result; {
	case res >= 0:
		return WAIT_OBJECT_0 + uint32(res), nil
	case res == waitAborted:
		return WAIT_FAILED, &AbortError{Cause: ErrProcessExiting}
	}
	if why != nil {
		return WAIT_FAILED, why
	}
	if alertable && p.runAPCs() {
		return uint32(WAIT_IO_COMPLETION), nil
	}
	return WAIT_TIMEOUT_, nil
}

// block waits, with wb queued, for wb's token, the timeout (INFINITE: none), ctx or
// (alertable) an APC. woken reports the token; why is the abort of a ctx that ended.
func (p *Process) block(ctx context.Context, wb *waitBlock, timeoutMs uint32, alertable bool) (woken bool, why error) {
	var ctxDone <-chan struct{}
	if ctx != nil {
		ctxDone = ctx.Done()
	}
	if timeoutMs == INFINITE && ctxDone == nil && !alertable {
		// Only a satisfaction or the process's exit can end the wait, and both send
		// the wait block its token: a plain receive, which costs less than a select.
		<-wb.done
		return true, nil
	}
	var timerC <-chan time.Time
	var t Timer
	if timeoutMs != INFINITE {
		t = p.machine.clock.NewTimer(Millis(timeoutMs))
		timerC = t.C()
	}
	var apc <-chan struct{}
	if alertable {
		apc = p.apcWake
	}
	for {
		select {
		case <-wb.done:
			woken = true
		case <-timerC:
		case <-apc:
			if !p.apcsQueued() {
				continue // a stale wake-up: another wait ran them
			}
		case <-ctxDone:
			why = &AbortError{Cause: ctx.Err()}
		}
		break
	}
	if t != nil {
		t.Stop()
	}
	return woken, why
}
