package kernel_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/winsim/winsim/kernel"
	"github.com/winsim/winsim/kerneltest"
)

// DuplicateHandle with DUPLICATE_SAME_ACCESS gives a second handle to the same object
// with the source's access; the duplicate has HANDLE_FLAG_INHERIT exactly when
// bInheritHandle is set (windows-facts.md HD-3; Wine dlls/kernel32/tests/process.c
// test_DuplicateHandle).
func TestDuplicateHandleSameAccessSharesTheObject(t *testing.T) {
	m := kerneltest.NewMachine(t)
	p := kerneltest.NewProcess(t, m, "a.exe")
	defer p.Terminate(0)
	ctx := context.Background()
	ev := newEvent(t, p, true, false)
	dup, err := p.DuplicateHandle(kernel.CurrentProcess, ev, kernel.CurrentProcess, 0, true, kernel.DUPLICATE_SAME_ACCESS)
	require.NoError(t, err)
	assert.NotEqual(t, ev, dup)
	assert.Same(t, objectOf(t, p, ev), objectOf(t, p, dup))
	assert.Equal(t, kernel.EVENT_ALL_ACCESS, grantedOf(t, p, dup))
	flags, err := p.GetHandleInformation(dup)
	require.NoError(t, err)
	assert.Equal(t, kernel.HANDLE_FLAG_INHERIT, flags)
	assert.Equal(t, int64(2), objectOf(t, p, ev).HandleCount())

	require.NoError(t, p.SetEvent(dup))
	r, err := p.WaitForSingleObject(ctx, ev, 0)
	require.NoError(t, err)
	assert.Equal(t, kernel.WAIT_OBJECT_0, r, "signalling through one handle is seen through the other")

	require.NoError(t, p.CloseHandle(ev))
	require.NoError(t, p.CloseHandle(dup))
}

// Duplicating the GetCurrentProcess() pseudo-handle gives a real handle to the process,
// even with DUPLICATE_CLOSE_SOURCE, with flags from bInheritHandle (MS docs
// DuplicateHandle: a pseudo-handle source is converted to a real handle; Wine
// dlls/kernel32/tests/process.c test_DuplicateHandle).
func TestDuplicateHandleOfPseudoHandleGivesRealHandle(t *testing.T) {
	m := kerneltest.NewMachine(t)
	p := kerneltest.NewProcess(t, m, "a.exe")
	defer p.Terminate(0)
	for _, inherit := range []bool{false, true} {
		h, err := p.DuplicateHandle(kernel.CurrentProcess, kernel.CurrentProcess, kernel.CurrentProcess, 0, inherit,
			kernel.DUPLICATE_SAME_ACCESS|kernel.DUPLICATE_CLOSE_SOURCE)
		require.NoError(t, err)
		assert.NotEqual(t, kernel.CurrentProcess, h)
		flags, err := p.GetHandleInformation(h)
		require.NoError(t, err)
		want := uint32(0)
		if inherit {
			want = kernel.HANDLE_FLAG_INHERIT
		}
		assert.Equal(t, want, flags)
		pid, err := p.GetProcessId(h)
		require.NoError(t, err)
		assert.Equal(t, p.PID(), pid)
		assert.Equal(t, kernel.PROCESS_ALL_ACCESS, grantedOf(t, p, h))
		require.NoError(t, p.CloseHandle(h))
	}
	assert.Equal(t, kernel.ProcessRunning, p.State(), "closing the pseudo-handle source did nothing")
}

// Within one process, DUPLICATE_CLOSE_SOURCE gives back the source's own handle value,
// even when a lower value is free: the entry is reused, not reallocated (Wine
// dlls/kernel32/tests/process.c test_DuplicateHandle: "f == out", including after
// closing a lower handle "to test if DuplicateHandle allocates first free handle").
func TestDuplicateHandleCloseSourceInSameProcessKeepsTheValue(t *testing.T) {
	m := kerneltest.NewMachine(t)
	p := kerneltest.NewProcess(t, m, "a.exe")
	defer p.Terminate(0)
	body := &testFile{}
	low := newFile(t, p, &testFile{}, kernel.FILE_ALL_ACCESS)
	f := newFile(t, p, body, kernel.FILE_GENERIC_WRITE)
	require.NoError(t, p.CloseHandle(low), "a lower value is free now")

	out, err := p.DuplicateHandle(kernel.CurrentProcess, f, kernel.CurrentProcess, 0, true,
		kernel.DUPLICATE_SAME_ACCESS|kernel.DUPLICATE_CLOSE_SOURCE)
	require.NoError(t, err)
	assert.Equal(t, f, out)
	flags, err := p.GetHandleInformation(out)
	require.NoError(t, err)
	assert.Equal(t, kernel.HANDLE_FLAG_INHERIT, flags)
	assert.Equal(t, kernel.FILE_GENERIC_WRITE, grantedOf(t, p, out))
	assert.Equal(t, 1, p.HandleCount())
	closes, _ := body.counts()
	assert.Equal(t, 0, closes, "the object never lost its last handle")

	out, err = p.DuplicateHandle(kernel.CurrentProcess, out, kernel.CurrentProcess, kernel.FILE_WRITE_DATA, false,
		kernel.DUPLICATE_CLOSE_SOURCE)
	require.NoError(t, err)
	assert.Equal(t, f, out, "narrower access also reuses the entry")
	assert.Equal(t, kernel.FILE_WRITE_DATA, grantedOf(t, p, out))
	flags, _ = p.GetHandleInformation(out)
	assert.Equal(t, uint32(0), flags)

	require.NoError(t, p.CloseHandle(out))
	closes, deletes := body.counts()
	assert.Equal(t, 1, closes)
	assert.Equal(t, 1, deletes)
}

// DUPLICATE_CLOSE_SOURCE on a handle protected from close still duplicates it, to a new
// value, and leaves the source open and protected; the duplicate does not inherit the
// protection (Wine dlls/kernel32/tests/process.c test_DuplicateHandle: "f != out", then
// SetHandleInformation on f still succeeds).
func TestDuplicateHandleCloseSourceOfProtectedHandleLeavesTheSource(t *testing.T) {
	m := kerneltest.NewMachine(t)
	p := kerneltest.NewProcess(t, m, "a.exe")
	defer p.Terminate(0)
	f := newFile(t, p, &testFile{}, kernel.FILE_GENERIC_WRITE)
	require.NoError(t, p.SetHandleInformation(f, kernel.HANDLE_FLAG_PROTECT_FROM_CLOSE, kernel.HANDLE_FLAG_PROTECT_FROM_CLOSE))

	out, err := p.DuplicateHandle(kernel.CurrentProcess, f, kernel.CurrentProcess, 0, true,
		kernel.DUPLICATE_SAME_ACCESS|kernel.DUPLICATE_CLOSE_SOURCE)
	require.NoError(t, err)
	assert.NotEqual(t, f, out)
	flags, err := p.GetHandleInformation(out)
	require.NoError(t, err)
	assert.Equal(t, kernel.HANDLE_FLAG_INHERIT, flags)
	flags, err = p.GetHandleInformation(f)
	require.NoError(t, err, "the protected source is still open")
	assert.Equal(t, kernel.HANDLE_FLAG_PROTECT_FROM_CLOSE, flags)
	assert.Same(t, objectOf(t, p, f), objectOf(t, p, out))

	require.NoError(t, p.SetHandleInformation(f, kernel.HANDLE_FLAG_PROTECT_FROM_CLOSE, 0))
	require.NoError(t, p.CloseHandle(f))
	require.NoError(t, p.CloseHandle(out))
}

// DUPLICATE_CLOSE_SOURCE closes the source handle "regardless of any error status
// returned" (MS docs DuplicateHandle, dwOptions): an invalid target process handle, or a
// request for more access than a file handle had, still closes the source.
func TestDuplicateHandleCloseSourceClosesEvenWhenTheDuplicateFails(t *testing.T) {
	m := kerneltest.NewMachine(t)
	p := kerneltest.NewProcess(t, m, "a.exe")
	defer p.Terminate(0)

	body := &testFile{}
	f := newFile(t, p, body, kernel.FILE_GENERIC_READ)
	_, err := p.DuplicateHandle(kernel.CurrentProcess, f, 0x400, 0, false,
		kernel.DUPLICATE_SAME_ACCESS|kernel.DUPLICATE_CLOSE_SOURCE)
	assert.ErrorIs(t, err, kernel.ERROR_INVALID_HANDLE)
	_, err = p.GetHandleInformation(f)
	assert.ErrorIs(t, err, kernel.ERROR_INVALID_HANDLE, "the source was closed anyway")
	closes, deletes := body.counts()
	assert.Equal(t, 1, closes)
	assert.Equal(t, 1, deletes)

	body = &testFile{}
	f = newFile(t, p, body, kernel.FILE_GENERIC_READ)
	_, err = p.DuplicateHandle(kernel.CurrentProcess, f, kernel.CurrentProcess, kernel.GENERIC_WRITE, false,
		kernel.DUPLICATE_CLOSE_SOURCE)
	assert.ErrorIs(t, err, kernel.ERROR_ACCESS_DENIED)
	_, err = p.GetHandleInformation(f)
	assert.ErrorIs(t, err, kernel.ERROR_INVALID_HANDLE, "the source was closed anyway")
	closes, _ = body.counts()
	assert.Equal(t, 1, closes)
	assert.Equal(t, 0, p.HandleCount())
}

// A duplicate may ask for less access than the source; it then grants only that (MS docs
// DuplicateHandle, dwDesiredAccess; "Synchronization Object Security and Access
// Rights"). A file handle cannot be duplicated to more access than it had ("a file
// handle created with the GENERIC_READ access right cannot be duplicated so that it has
// both the GENERIC_READ and GENERIC_WRITE access right", MS docs DuplicateHandle).
func TestDuplicateHandleNarrowerAccess(t *testing.T) {
	m := kerneltest.NewMachine(t)
	p := kerneltest.NewProcess(t, m, "a.exe")
	defer p.Terminate(0)
	ctx := context.Background()
	ev := newEvent(t, p, true, true)
	syncOnly, err := p.DuplicateHandle(kernel.CurrentProcess, ev, kernel.CurrentProcess, kernel.SYNCHRONIZE, false, 0)
	require.NoError(t, err)
	assert.Equal(t, kernel.SYNCHRONIZE, grantedOf(t, p, syncOnly))
	r, err := p.WaitForSingleObject(ctx, syncOnly, 0)
	require.NoError(t, err)
	assert.Equal(t, kernel.WAIT_OBJECT_0, r)
	assert.ErrorIs(t, p.SetEvent(syncOnly), kernel.ERROR_ACCESS_DENIED)
	assert.ErrorIs(t, p.ResetEvent(syncOnly), kernel.ERROR_ACCESS_DENIED)

	generic, err := p.DuplicateHandle(kernel.CurrentProcess, ev, kernel.CurrentProcess, kernel.GENERIC_WRITE, false, 0)
	require.NoError(t, err)
	assert.Equal(t, kernel.STANDARD_RIGHTS_WRITE|kernel.EVENT_MODIFY_STATE, grantedOf(t, p, generic), "generic rights are mapped")

	rd := newFile(t, p, &testFile{}, kernel.FILE_GENERIC_READ)
	_, err = p.DuplicateHandle(kernel.CurrentProcess, rd, kernel.CurrentProcess, kernel.GENERIC_READ|kernel.GENERIC_WRITE, false, 0)
	assert.ErrorIs(t, err, kernel.ERROR_ACCESS_DENIED)
	_, err = p.DuplicateHandle(kernel.CurrentProcess, ev, kernel.CurrentProcess, 0x00000100, false, 0)
	assert.ErrorIs(t, err, kernel.ERROR_ACCESS_DENIED, "a right events do not define")

	for _, h := range []kernel.Handle{ev, syncOnly, generic, rd} {
		require.NoError(t, p.CloseHandle(h))
	}
}

// DuplicateHandle copies a handle into another process's table, where it gets that
// table's lowest free value and refers to the same object. A child can pull a handle out
// of its parent with DUPLICATE_CLOSE_SOURCE, closing the parent's copy (windows-facts.md HD-7;
// MS docs DuplicateHandle).
func TestDuplicateHandleAcrossProcesses(t *testing.T) {
	m := kerneltest.NewMachine(t)
	parent := kerneltest.NewProcess(t, m, "parent.exe")
	defer parent.Terminate(0)
	hChild, child, err := parent.CreateProcess("child.exe", false, nil)
	require.NoError(t, err)
	defer child.Terminate(0)

	ev := newEvent(t, parent, false, false)
	pad := newEvent(t, child, false, false) // the child's 4 is taken
	inChild, err := parent.DuplicateHandle(kernel.CurrentProcess, ev, hChild, 0, false, kernel.DUPLICATE_SAME_ACCESS)
	require.NoError(t, err)
	assert.Equal(t, kernel.Handle(8), inChild)
	assert.Same(t, objectOf(t, parent, ev), objectOf(t, child, inChild))
	assert.Equal(t, 2, child.HandleCount())
	assert.Equal(t, int64(2), objectOf(t, parent, ev).HandleCount(), "one handle in each table")

	// The child pulls another handle from its parent and closes the parent's copy.
	hParent, err := child.OpenProcess(kernel.PROCESS_DUP_HANDLE, false, parent.PID())
	require.NoError(t, err)
	ev2 := newEvent(t, parent, false, false)
	pulled, err := child.DuplicateHandle(hParent, ev2, kernel.CurrentProcess, 0, false,
		kernel.DUPLICATE_SAME_ACCESS|kernel.DUPLICATE_CLOSE_SOURCE)
	require.NoError(t, err)
	_, err = parent.GetHandleInformation(ev2)
	assert.ErrorIs(t, err, kernel.ERROR_INVALID_HANDLE, "the parent's copy is closed")
	assert.NoError(t, child.SetEvent(pulled))

	for _, h := range []kernel.Handle{pad, inChild, hParent, pulled} {
		require.NoError(t, child.CloseHandle(h))
	}
	require.NoError(t, parent.CloseHandle(ev))
	require.NoError(t, parent.CloseHandle(hChild))
}

// Both process handles need PROCESS_DUP_HANDLE (MS docs DuplicateHandle:
// hSourceProcessHandle/hTargetProcessHandle "must have the PROCESS_DUP_HANDLE access
// right").
func TestDuplicateHandleNeedsProcessDupHandle(t *testing.T) {
	m := kerneltest.NewMachine(t)
	a := kerneltest.NewProcess(t, m, "a.exe")
	defer a.Terminate(0)
	b := kerneltest.NewProcess(t, m, "b.exe")
	defer b.Terminate(0)
	hb, err := a.OpenProcess(kernel.SYNCHRONIZE|kernel.PROCESS_QUERY_INFORMATION, false, b.PID())
	require.NoError(t, err)
	ev := newEvent(t, a, false, false)
	_, err = a.DuplicateHandle(kernel.CurrentProcess, ev, hb, 0, false, kernel.DUPLICATE_SAME_ACCESS)
	assert.ErrorIs(t, err, kernel.ERROR_ACCESS_DENIED)
	_, err = a.DuplicateHandle(hb, 4, kernel.CurrentProcess, 0, false, kernel.DUPLICATE_SAME_ACCESS)
	assert.ErrorIs(t, err, kernel.ERROR_ACCESS_DENIED)
	assert.Equal(t, 0, b.HandleCount())
	require.NoError(t, a.CloseHandle(hb))
	require.NoError(t, a.CloseHandle(ev))
}

// A process that has exited has no handle table: duplicating into it fails with
// ERROR_ACCESS_DENIED (NT STATUS_PROCESS_IS_TERMINATING, which RtlNtStatusToDosError
// maps to ERROR_ACCESS_DENIED; Wine server/handle.c alloc_handle_entry), and a
// DUPLICATE_CLOSE_SOURCE source is closed anyway (MS docs DuplicateHandle).
func TestDuplicateHandleIntoExitedProcessFails(t *testing.T) {
	m := kerneltest.NewMachine(t)
	p := kerneltest.NewProcess(t, m, "a.exe")
	defer p.Terminate(0)
	hChild, child, err := p.CreateProcess("child.exe", false, nil)
	require.NoError(t, err)
	require.NoError(t, p.TerminateProcess(hChild, 3))
	require.Equal(t, kernel.ProcessExited, child.State())

	ev := newEvent(t, p, false, false)
	_, err = p.DuplicateHandle(kernel.CurrentProcess, ev, hChild, 0, false, kernel.DUPLICATE_SAME_ACCESS)
	assert.ErrorIs(t, err, kernel.ERROR_ACCESS_DENIED)
	assert.Equal(t, int64(1), objectOf(t, p, ev).HandleCount(), "no handle was left behind")
	_, err = p.DuplicateHandle(kernel.CurrentProcess, ev, hChild, 0, false,
		kernel.DUPLICATE_SAME_ACCESS|kernel.DUPLICATE_CLOSE_SOURCE)
	assert.ErrorIs(t, err, kernel.ERROR_ACCESS_DENIED)
	_, err = p.GetHandleInformation(ev)
	assert.ErrorIs(t, err, kernel.ERROR_INVALID_HANDLE, "the source was closed anyway")
	assert.Equal(t, 0, child.HandleCount())
	require.NoError(t, p.CloseHandle(hChild))
}

// Bad DuplicateHandle requests fail with the Win32 error and change nothing: an unknown
// option bit (ERROR_INVALID_PARAMETER), an invalid source handle, a source "process"
// handle that is not a process.
func TestDuplicateHandleBadRequests(t *testing.T) {
	m := kerneltest.NewMachine(t)
	p := kerneltest.NewProcess(t, m, "a.exe")
	defer p.Terminate(0)
	ev := newEvent(t, p, false, false)
	_, err := p.DuplicateHandle(kernel.CurrentProcess, ev, kernel.CurrentProcess, 0, false, 0x100)
	assert.ErrorIs(t, err, kernel.ERROR_INVALID_PARAMETER)
	_, err = p.DuplicateHandle(kernel.CurrentProcess, 0x1000, kernel.CurrentProcess, 0, false, kernel.DUPLICATE_SAME_ACCESS)
	assert.ErrorIs(t, err, kernel.ERROR_INVALID_HANDLE)
	_, err = p.DuplicateHandle(kernel.CurrentProcess, 0x1000, kernel.CurrentProcess, 0, false, kernel.DUPLICATE_CLOSE_SOURCE)
	assert.ErrorIs(t, err, kernel.ERROR_INVALID_HANDLE)
	_, err = p.DuplicateHandle(ev, ev, kernel.CurrentProcess, 0, false, kernel.DUPLICATE_SAME_ACCESS)
	assert.ErrorIs(t, err, kernel.ERROR_INVALID_HANDLE)
	_, err = p.DuplicateHandle(kernel.CurrentProcess, ev, ev, 0, false, kernel.DUPLICATE_SAME_ACCESS)
	assert.ErrorIs(t, err, kernel.ERROR_INVALID_HANDLE)
	assert.Equal(t, 1, p.HandleCount())
	require.NoError(t, p.CloseHandle(ev))
}
