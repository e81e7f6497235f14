package kernel

import "strconv"

// This file implements the process exit cycle. Every way a process ends —
// ExitProcess, TerminateProcess, its main function returning, its machine being
// removed — goes through exit, in these stages:
//
//  1. Exit requested: running → exiting. The first exit code wins. The process's
//     context is cancelled. Its pending I/O requests are
//     cancelled and completed (ERROR_OPERATION_ABORTED; request.go), and it can pend
//     no new ones, so every blocked call of it has its result and no request of it
//     holds a reference.
//  2. Handles closed: every handle still in the table is closed, in handle order,
//     through the one close path (closeEntry), so the other ends of its pipes and the
//     servers of its mailslots see it go. The table refuses new handles from now on.
//  3. Exited and reaped: exiting → exited, and the exit code becomes visible. The
//     process table's reference is dropped: the process object lives on while handles
//     to it exist; when the last goes, Delete frees the PID.
//  4. Signalled: the process object is signalled, releasing
//     WaitForSingleObject/WaitForMultipleObjects, then Wait. Whoever it wakes finds
//     no reference of the exit left, so Machine.Leaks is exact at that moment.

func (p *Process) exit(code uint32) {
	p.mu.Lock()
	if p.state != ProcessRunning {
		p.mu.Unlock()
		return
	}
	p.state = ProcessExiting
	p.exitCode = code
	p.mu.Unlock()
	p.cancel()
	p.abortWaits()

	// Windows' order: the process's pending I/O is cancelled and completed first
	// (so a call blocked at exit reports ERROR_OPERATION_ABORTED and no request of it
	// holds a reference any more), then its handles are closed, then the process
	// object is signalled.
	p.reqMu.Lock()
	p.reqClosed = true
	p.reqMu.Unlock()
	p.cancelPendingRequests(nil, &AbortError{Cause: ErrProcessExiting})

	for _, e := range p.handles.closeAll() {
		p.closeEntry(e.Handle, e.Object)
	}

	p.mu.Lock()
	p.state = ProcessExited
	p.mu.Unlock()
	m := p.machine
	m.emit(TraceEvent{Kind: EvProcessExited, PID: p.pid, Object: p.obj.id, Type: "Process", Name: p.name, Detail: "exit code " + strconv.Itoa(int(code))})

	// Reaped before it is signalled, so that whoever the signal wakes (a wait on a
	// process handle, Wait) finds no reference of the exit's own left: Leaks is exact
	// at once. Without handles the object is deleted here, and then no one can be
	// waiting on it (a wait holds a handle and a reference).
	p.obj.DecRef() // the process table's "running" reference
	m.LockDispatcher()
	p.signaled = true
	m.WaitTestLocked(p)
	m.UnlockDispatcher()
	close(p.exited)
}
