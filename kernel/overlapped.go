package kernel

import (
	"context"
	"errors"
	"sync/atomic"
	"unsafe"
)

// This file implements overlapped I/O: the OVERLAPPED structure, issuing calls with
// one, reporting their completion through it (status and count, event, completion
// port) and GetOverlappedResult.

// Overlapped is Win32's OVERLAPPED, with golang.org/x/sys/windows' field names so a
// facade can pass one through unchanged. As on Windows the operation's status (an
// NTSTATUS) and byte count live in it: Internal is STATUS_PENDING while the operation
// is pending and its final status after (HasOverlappedIoCompleted reads it), and
// InternalHigh is the count. winsim writes Internal atomically, and the count before
// the final status, so another goroutine may poll with HasOverlappedIoCompleted and,
// once it reports true, read InternalHigh; read the fields otherwise only after the
// completion was reported (GetOverlappedResult, the event, a port).
// An Overlapped must stay unchanged and alive until its operation completes (as on
// Windows, where the kernel writes into it).
type Overlapped struct {
	Internal     uintptr
	InternalHigh uintptr
	Offset       uint32
	OffsetHigh   uint32
	HEvent       Handle
}

// NTSTATUS values winsim stores in Overlapped.Internal.
const (
	STATUS_SUCCESS         uint32 = 0x00000000
	STATUS_PENDING         uint32 = 0x00000103
	STATUS_TIMEOUT         uint32 = 0x00000102
	STATUS_BUFFER_OVERFLOW uint32 = 0x80000005
	STATUS_CANCELLED       uint32 = 0xC0000120
)

// ntStatusOf is the NTSTATUS a request's error is reported with; errnoOf maps back
// (RtlNtStatusToDosError). Codes without an entry travel as FACILITY_NTWIN32 statuses
// (0xC007xxxx), which map back to the same code as on Windows.
var ntStatusTable = [...]struct {
	status uint32
	errno  Errno
}{
	{STATUS_BUFFER_OVERFLOW, ERROR_MORE_DATA},
	{STATUS_CANCELLED, ERROR_OPERATION_ABORTED},
	{STATUS_TIMEOUT, WAIT_TIMEOUT},
	{0xC0000008, ERROR_INVALID_HANDLE},      // STATUS_INVALID_HANDLE
	{0xC000000D, ERROR_INVALID_PARAMETER},   // STATUS_INVALID_PARAMETER
	{0xC0000010, ERROR_INVALID_FUNCTION},    // STATUS_INVALID_DEVICE_REQUEST
	{0xC0000011, ERROR_HANDLE_EOF},          // STATUS_END_OF_FILE
	{0xC0000022, ERROR_ACCESS_DENIED},       // STATUS_ACCESS_DENIED
	{0xC0000023, ERROR_INSUFFICIENT_BUFFER}, // STATUS_BUFFER_TOO_SMALL
	{0xC0000034, ERROR_FILE_NOT_FOUND},      // STATUS_OBJECT_NAME_NOT_FOUND
	{0xC00000B0, ERROR_PIPE_NOT_CONNECTED},  // STATUS_PIPE_DISCONNECTED
	{0xC00000B1, ERROR_NO_DATA},             // STATUS_PIPE_CLOSING
	{0xC00000B2, ERROR_PIPE_CONNECTED},      // STATUS_PIPE_CONNECTED
	{0xC00000B3, ERROR_PIPE_LISTENING},      // STATUS_PIPE_LISTENING
	{0xC00000B5, ERROR_SEM_TIMEOUT},         // STATUS_IO_TIMEOUT
	{0xC000014B, ERROR_BROKEN_PIPE},         // STATUS_PIPE_BROKEN
	{0xC0000225, ERROR_NOT_FOUND},           // STATUS_NOT_FOUND
}

func ntStatusOf(err error) uint32 {
	if err == nil {
		return STATUS_SUCCESS
	}
	var e Errno
	if !errors.As(err, &e) {
		e = ERROR_GEN_FAILURE
	}
	if e == ERROR_SUCCESS {
		return STATUS_SUCCESS
	}
	for _, t := range ntStatusTable {
		if t.errno == e {
			return t.status
		}
	}
	return 0xC0070000 | uint32(e)&0xFFFF
}

func errnoOf(status uint32) error {
	if status == STATUS_SUCCESS {
		return nil
	}
	for _, t := range ntStatusTable {
		if t.status == status {
			return t.errno
		}
	}
	if status&0xFFFF0000 == 0xC0070000 {
		return Errno(status & 0xFFFF)
	}
	return ERROR_GEN_FAILURE
}

func (ov *Overlapped) internal() *uintptr { return (*uintptr)(unsafe.Pointer(&ov.Internal)) }

// setResult writes the status and count, the count first: a reader whose atomic load
// of Internal sees the final status sees the count (a plain store suffices for it).
func (ov *Overlapped) setResult(n int, err error) {
	ov.InternalHigh = uintptr(n)
	atomic.StoreUintptr(ov.internal(), uintptr(ntStatusOf(err)))
}

// setPending marks ov's operation pending: Internal STATUS_PENDING, count 0. An
// overlapped call that finishes at once never shows it (its caller is the only one who
// knows of the operation until the call returns), so Request.Pend, not the issue, does
// it for the operations that pend.
func (ov *Overlapped) setPending() {
	ov.InternalHigh = 0
	atomic.StoreUintptr(ov.internal(), uintptr(STATUS_PENDING))
}

// HasOverlappedIoCompleted reports whether the operation ov was issued with is no
// longer pending (the HasOverlappedIoCompleted macro: Internal != STATUS_PENDING).
func HasOverlappedIoCompleted(ov *Overlapped) bool {
	return uint32(atomic.LoadUintptr(ov.internal())) != STATUS_PENDING
}

// File I/O modes kept on a file object (SetFileCompletionNotificationModes and the
// FILE_FLAG_OVERLAPPED of its open).
const (
	FILE_SKIP_COMPLETION_PORT_ON_SUCCESS uint32 = 0x1
	FILE_SKIP_SET_EVENT_ON_HANDLE        uint32 = 0x2
	fileModeOverlapped                   uint32 = 0x80000000
)

// SetOverlapped marks the file object as opened with FILE_FLAG_OVERLAPPED: calls given
// an Overlapped may return ERROR_IO_PENDING. File systems call it from their create
// paths; CreateFile does it for the objects devices open.
func (o *Object) SetOverlapped() { o.ioMode.Or(fileModeOverlapped) }

// IsOverlapped reports whether the file object was opened with FILE_FLAG_OVERLAPPED.
func (o *Object) IsOverlapped() bool { return o.ioMode.Load()&fileModeOverlapped != 0 }

// withOverlapped prepares c for an overlapped call: it checks and references the
// event, resets it and marks ov pending (NT resets the event when the I/O starts, even
// one that then fails at once; a call rejected for a bad handle never gets here).
// On a file object not opened with FILE_FLAG_OVERLAPPED the call still runs
// synchronously and only reports through ov.
func (p *Process) withOverlapped(c *Call, ov *Overlapped) error {
	if ov == nil {
		return nil
	}
	if ov.HEvent != 0 {
		ev, _, err := p.Reference(ov.HEvent&^1, EVENT_MODIFY_STATE, EventType)
		if err != nil {
			return err
		}
		c.event = ev
		m := ev.machine
		m.LockDispatcher()
		ev.body.(*event).signaled = false
		m.UnlockDispatcher()
	}
	c.Overlapped = ov
	c.async = c.Object.IsOverlapped()
	if !c.async {
		// The call blocks with ov pending (an overlapped call pends in Request.Pend).
		ov.setPending()
	}
	return nil
}

// finishOverlappedAtOnce reports an overlapped call that did not pend: a success
// (including ERROR_MORE_DATA, a warning) fills in ov, sets the event and queues a
// packet to the file's port unless FILE_SKIP_COMPLETION_PORT_ON_SUCCESS; a failure
// only leaves the event reset (NT writes no status and queues nothing for an error
// returned at once: Wine dlls/ntdll/tests/pipe.c test_completion).
//
// A warning is not a success the flag skips: on a file bound to a port and set to
// skip, ERROR_MORE_DATA (a partial message read) queues its packet all the same, and
// the call reports ERROR_IO_PENDING, its result only through ov and the packet, as
// Windows 8 and later do (test_completion; windows-facts.md NP-135). It reports
// whether the call must so report.
func (c Call) finishOverlappedAtOnce(n int, err error) (pends bool) {
	ov := c.Overlapped
	if err != nil && !errors.Is(err, ERROR_MORE_DATA) {
		ov.setResult(0, err)
		return false
	}
	ov.setResult(n, err)
	if c.routine != nil {
		queueRoutine(c.Process, c.routine, n, err, ov)
		return false
	}
	if c.event != nil {
		signalEvent(c.event)
	}
	if !c.async {
		return false
	}
	if c.Object.ioMode.Load()&FILE_SKIP_COMPLETION_PORT_ON_SUCCESS != 0 {
		if err == nil || c.Object.port.Load() == nil {
			return false
		}
		pends = true
	}
	c.Object.postToPort(n, ov, err, c.Overlapped.HEvent)
	return pends
}

// signalOverlapped reports a pended request's completion, whose status and count
// SetResult put into its Overlapped, as its call asked: its APC, then its event, whose
// reference it drops. The file system signals the file object itself, between
// SetResult and Notify (only when there is no event, Request.SignalsFile). Notify runs
// it for every request given an Overlapped, a synchronous call's (syncOverlapped) too.
func (r *Request) signalOverlapped() {
	if r.routine != nil {
		queueRoutine(r.process, r.routine, r.result.n, r.result.err, r.ov)
	}
	if r.event != nil {
		signalEvent(r.event)
		r.event.DecRef()
	}
}

// postCompletion queues an overlapped request's completion to its file's completion
// port, if it has one, and drops the request's reference on the file.
func (r *Request) postCompletion() {
	if r.file != nil {
		r.file.postToPort(r.result.n, r.ov, r.result.err, r.ov.HEvent)
		r.file.DecRef()
	}
}

func signalEvent(ev *Object) {
	m := ev.machine
	m.LockDispatcher()
	ev.body.(*event).signaled = true
	m.WaitTestLocked(ev.body.(*event))
	m.UnlockDispatcher()
}

// GetOverlappedResult returns the result of the overlapped operation ov was issued
// with on h (GetOverlappedResult). While it is pending: with wait false,
// ERROR_IO_INCOMPLETE; with wait true it waits on ov's event, or on h itself when ov
// has none, for the completion.
func (p *Process) GetOverlappedResult(ctx context.Context, h Handle, ov *Overlapped, wait bool) (int, error) {
	timeout := uint32(0)
	if wait {
		timeout = INFINITE
	}
	return p.GetOverlappedResultEx(ctx, h, ov, timeout, false)
}

// GetOverlappedResultEx is GetOverlappedResult with a timeout in milliseconds
// (GetOverlappedResultEx): timeout 0 on a pending operation gives ERROR_IO_INCOMPLETE,
// a timeout that passes WAIT_TIMEOUT (Wine dlls/kernel32/tests/pipe.c
// test_GetOverlappedResultEx). With alertable set, queued APCs run during the wait and
// it returns WAIT_IO_COMPLETION.
func (p *Process) GetOverlappedResultEx(ctx context.Context, h Handle, ov *Overlapped, timeout uint32, alertable bool) (int, error) {
	if ov == nil {
		return 0, ERROR_INVALID_PARAMETER
	}
	if !HasOverlappedIoCompleted(ov) {
		if timeout == 0 {
			return 0, ERROR_IO_INCOMPLETE
		}
		w := ov.HEvent &^ 1
		if w == 0 {
			w = h
		}
		res, err := p.WaitForSingleObjectEx(ctx, w, timeout, alertable)
		if err != nil {
			return 0, err
		}
		switch res {
		case WAIT_TIMEOUT_:
			return 0, WAIT_TIMEOUT
		case uint32(WAIT_IO_COMPLETION):
			return 0, WAIT_IO_COMPLETION
		}
		if !HasOverlappedIoCompleted(ov) {
			// The event was set by something else; the operation is still pending.
			return 0, ERROR_IO_INCOMPLETE
		}
	}
	status := uint32(atomic.LoadUintptr(ov.internal()))
	return int(ov.InternalHigh), errnoOf(status)
}
