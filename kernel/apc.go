package kernel

import (
	"context"
	"errors"
)

// This file implements asynchronous procedure calls: the completion routines of
// ReadFileEx and WriteFileEx and QueueUserAPC's functions. winsim has no threads, so
// APCs are queued per process (Windows queues them per thread) and run in whichever
// goroutine of the process next makes an alertable wait (SleepEx,
// WaitForSingleObjectEx, WaitForMultipleObjectsEx or GetOverlappedResultEx with
// alertable set), which then returns WAIT_IO_COMPLETION. They never run inside the call
// that queued them (Wine dlls/kernel32/tests/pipe.c test_readfileex_pending: the
// completion routine runs only in an alertable wait). See docs/deviations.md.

// CompletionRoutine is a ReadFileEx/WriteFileEx completion routine
// (LPOVERLAPPED_COMPLETION_ROUTINE): the operation's Win32 error code (0 for success),
// its byte count and its OVERLAPPED.
type CompletionRoutine func(errorCode, bytes uint32, ov *Overlapped)

// queueAPC queues f to run in p's next alertable wait and wakes one that is waiting.
func (p *Process) queueAPC(f func()) {
	p.apcMu.Lock()
	p.apcs = append(p.apcs, f)
	p.apcMu.Unlock()
	select {
	case p.apcWake <- struct{}{}:
	default:
	}
}

// apcsQueued reports whether an APC is queued for p.
func (p *Process) apcsQueued() bool {
	p.apcMu.Lock()
	defer p.apcMu.Unlock()
	return len(p.apcs) > 0
}

// runAPCs runs the queued APCs, oldest first, including any they queue, and reports
// whether it ran one.
func (p *Process) runAPCs() bool {
	ran := false
	for {
		p.apcMu.Lock()
		if len(p.apcs) == 0 {
			p.apcMu.Unlock()
			return ran
		}
		f := p.apcs[0]
		p.apcs[0] = nil
		p.apcs = p.apcs[1:]
		p.apcMu.Unlock()
		f()
		ran = true
	}
}

// QueueUserAPC queues fn(param) to run in the process's next alertable wait
// (QueueUserAPC, with the process standing for the thread).
func (p *Process) QueueUserAPC(fn func(param uintptr), param uintptr) error {
	if fn == nil {
		return ERROR_INVALID_PARAMETER
	}
	if p.State() != ProcessRunning {
		return ERROR_INVALID_HANDLE
	}
	p.queueAPC(func() { fn(param) })
	return nil
}

// SleepEx waits ms milliseconds (INFINITE: no limit) on the machine's clock (SleepEx).
// With alertable set it returns WAIT_IO_COMPLETION as soon as it has run queued APCs,
// and 0 when the time passed. ctx being done or the process exiting ends it with an
// error matching ERROR_OPERATION_ABORTED.
func (p *Process) SleepEx(ctx context.Context, ms uint32, alertable bool) (uint32, error) {
	// A sleep is a dispatcher wait on no objects: it blocks, times out, runs APCs and
	// ends at the process's exit exactly as a wait does (waitcalls.go).
	wb := p.takeWaitBlock()
	res, err := p.waitOn(ctx, wb, nil, false, ms, alertable)
	p.finishWait(wb)
	if err == nil && res == WAIT_TIMEOUT_ {
		return 0, nil
	}
	return res, err
}

// ReadFileEx starts an overlapped read whose completion is reported by routine, run in
// the process's next alertable wait once the read has completed (ReadFileEx), even when
// it completed at once. ov.HEvent is not used. A read that fails at once returns its
// error and queues nothing. The handle must have been opened with
// FILE_FLAG_OVERLAPPED, and must not be associated with a completion port
// (ERROR_INVALID_PARAMETER; Wine dlls/ntdll/tests/pipe.c
// test_async_cancel_on_handle_close).
func (p *Process) ReadFileEx(ctx context.Context, h Handle, buf []byte, ov *Overlapped, routine CompletionRoutine) error {
	o, granted, err := p.Reference(h, FILE_READ_DATA, FileType)
	if err != nil {
		return err
	}
	rd, ok := o.body.(Reader)
	return Call{Ctx: ctx, Process: p, Object: o, Handle: h, Granted: granted}.runEx(ok, ov, routine,
		func(c Call) (int, error) { return rd.Read(c, buf) })
}

// WriteFileEx is ReadFileEx for a write (WriteFileEx).
func (p *Process) WriteFileEx(ctx context.Context, h Handle, buf []byte, ov *Overlapped, routine CompletionRoutine) error {
	o, granted, err := p.referenceForWrite(h)
	if err != nil {
		return err
	}
	w, ok := o.body.(Writer)
	return Call{Ctx: ctx, Process: p, Object: o, Handle: h, Granted: granted}.runEx(ok, ov, routine,
		func(c Call) (int, error) { return w.Write(c, buf) })
}

// runEx runs op, the file system's read or write, for ReadFileEx or WriteFileEx:
// ERROR_INVALID_FUNCTION when the file has no such operation (supported false), else
// op with the completion routine attached, and the Ex calls' result.
func (c Call) runEx(supported bool, ov *Overlapped, routine CompletionRoutine, op func(Call) (int, error)) error {
	if !supported {
		_, err := c.Finish(0, ERROR_INVALID_FUNCTION)
		return err
	}
	if err := c.withRoutine(ov, routine); err != nil {
		_, err := c.Finish(0, err)
		return err
	}
	_, err := c.Finish(op(c))
	return exErr(err)
}

// exErr is what ReadFileEx and WriteFileEx report: success once the operation is
// queued, pending or not (Wine dlls/kernel32/tests/pipe.c serverThreadMain5); a
// partial message read is a success whose routine gets ERROR_MORE_DATA.
func exErr(err error) error {
	if err == ERROR_IO_PENDING || err == ERROR_MORE_DATA {
		return nil
	}
	return err
}

// withRoutine prepares c for a ReadFileEx/WriteFileEx call.
func (c *Call) withRoutine(ov *Overlapped, routine CompletionRoutine) error {
	if ov == nil || routine == nil {
		return ERROR_INVALID_PARAMETER
	}
	if !c.Object.IsOverlapped() || c.Object.port.Load() != nil {
		return ERROR_INVALID_PARAMETER
	}
	c.Overlapped, c.async, c.routine = ov, true, routine
	return nil
}

// queueRoutine queues a completion routine for a completed operation.
func queueRoutine(p *Process, routine CompletionRoutine, n int, err error, ov *Overlapped) {
	code := uint32(0)
	if err != nil {
		var e Errno
		if errors.As(err, &e) {
			code = uint32(e)
		} else {
			code = uint32(ERROR_GEN_FAILURE)
		}
	}
	p.queueAPC(func() { routine(code, uint32(n), ov) })
}
