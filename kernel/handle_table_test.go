package kernel_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/winsim/winsim/kernel"
	"github.com/winsim/winsim/kerneltest"
)

// Handle values are multiples of 4 starting at 4, and the lowest freed value is reused
// first (NT handle tables; Wine server/handle.c alloc_entry).
func TestHandleValuesAreMultiplesOfFourAndLowestFreeIsReused(t *testing.T) {
	m := kerneltest.NewMachine(t)
	p := kerneltest.NewProcess(t, m, "a.exe")
	defer p.Terminate(0)
	var hs []kernel.Handle
	for i := 0; i < 4; i++ {
		h, err := p.CreateEvent(nil, false, false, "")
		require.NoError(t, err)
		hs = append(hs, h)
	}
	assert.Equal(t, []kernel.Handle{4, 8, 12, 16}, hs)
	require.NoError(t, p.CloseHandle(8))
	require.NoError(t, p.CloseHandle(4))
	h, err := p.CreateEvent(nil, false, false, "")
	require.NoError(t, err)
	assert.Equal(t, kernel.Handle(4), h)
	h2, err := p.CreateEvent(nil, false, false, "")
	require.NoError(t, err)
	assert.Equal(t, kernel.Handle(8), h2)
	for _, h := range []kernel.Handle{4, 8, 12, 16} {
		require.NoError(t, p.CloseHandle(h))
	}
}

// CloseHandle on a closed or never-opened handle fails with ERROR_INVALID_HANDLE
// (MS docs CloseHandle; NT STATUS_INVALID_HANDLE).
func TestCloseHandleTwiceFailsWithInvalidHandle(t *testing.T) {
	m := kerneltest.NewMachine(t)
	p := kerneltest.NewProcess(t, m, "a.exe")
	defer p.Terminate(0)
	h, err := p.CreateEvent(nil, true, false, "")
	require.NoError(t, err)
	require.NoError(t, p.CloseHandle(h))
	assert.ErrorIs(t, p.CloseHandle(h), kernel.ERROR_INVALID_HANDLE)
	assert.ErrorIs(t, p.CloseHandle(0), kernel.ERROR_INVALID_HANDLE)
	assert.ErrorIs(t, p.CloseHandle(0x1000), kernel.ERROR_INVALID_HANDLE)
}

// A handle with HANDLE_FLAG_PROTECT_FROM_CLOSE cannot be closed (NT
// STATUS_HANDLE_NOT_CLOSABLE → ERROR_INVALID_HANDLE, windows-facts.md DOC-9);
// clearing the flag allows it; process exit closes it regardless.
func TestCloseHandleProtectedFails(t *testing.T) {
	m := kerneltest.NewMachine(t)
	p := kerneltest.NewProcess(t, m, "a.exe")
	h, err := p.CreateEvent(nil, true, false, "")
	require.NoError(t, err)
	require.NoError(t, p.SetHandleInformation(h, kernel.HANDLE_FLAG_PROTECT_FROM_CLOSE, kernel.HANDLE_FLAG_PROTECT_FROM_CLOSE))
	flags, err := p.GetHandleInformation(h)
	require.NoError(t, err)
	assert.Equal(t, kernel.HANDLE_FLAG_PROTECT_FROM_CLOSE, flags)
	assert.ErrorIs(t, p.CloseHandle(h), kernel.ERROR_INVALID_HANDLE)
	require.NoError(t, p.SetHandleInformation(h, kernel.HANDLE_FLAG_PROTECT_FROM_CLOSE, 0))
	assert.NoError(t, p.CloseHandle(h))

	h, err = p.CreateEvent(nil, true, false, "")
	require.NoError(t, err)
	require.NoError(t, p.SetHandleInformation(h, kernel.HANDLE_FLAG_PROTECT_FROM_CLOSE, kernel.HANDLE_FLAG_PROTECT_FROM_CLOSE))
	p.Terminate(0)
	assert.Equal(t, 0, p.HandleCount())
}

// NT ignores the two low bits of a handle value: they are tag bits applications may use
// (ntdef.h OBJ_HANDLE_TAGBITS, "Low order two bits of a handle are ignored by the system
// and available for use by application code as tag bits").
func TestHandleTagBitsAreIgnored(t *testing.T) {
	m := kerneltest.NewMachine(t)
	p := kerneltest.NewProcess(t, m, "a.exe")
	defer p.Terminate(0)
	h := newEvent(t, p, true, false)
	require.Equal(t, kernel.Handle(4), h)
	for _, tagged := range []kernel.Handle{5, 6, 7} {
		flags, err := p.GetHandleInformation(tagged)
		assert.NoError(t, err, "handle %#x", tagged)
		assert.Equal(t, uint32(0), flags)
	}
	assert.NoError(t, p.SetEvent(h|3))
	assert.NoError(t, p.CloseHandle(h|2))
	assert.ErrorIs(t, p.CloseHandle(h), kernel.ERROR_INVALID_HANDLE)
}

// Handle values are private to their process: the same value in another process's table
// refers to nothing, or to whatever that process holds there (MS docs "Kernel Objects":
// "Handles to kernel objects are process-specific"; "Object Handles").
func TestHandleValuesArePrivateToTheirProcess(t *testing.T) {
	m := kerneltest.NewMachine(t)
	a := kerneltest.NewProcess(t, m, "a.exe")
	defer a.Terminate(0)
	b := kerneltest.NewProcess(t, m, "b.exe")
	defer b.Terminate(0)
	ha := newEvent(t, a, true, false)
	assert.ErrorIs(t, b.SetEvent(ha), kernel.ERROR_INVALID_HANDLE)
	assert.ErrorIs(t, b.CloseHandle(ha), kernel.ERROR_INVALID_HANDLE)
	hb := newEvent(t, b, true, false)
	require.Equal(t, ha, hb, "both tables start at 4")
	assert.NotSame(t, objectOf(t, a, ha), objectOf(t, b, hb))
	require.NoError(t, a.CloseHandle(ha))
	require.NoError(t, b.CloseHandle(hb))
}

// Closing the GetCurrentProcess() pseudo-handle has no effect and is not an error (MS docs
// GetCurrentProcess: "Calling the CloseHandle function with a pseudo handle has no
// effect").
func TestCloseHandleOnCurrentProcessPseudoHandleHasNoEffect(t *testing.T) {
	m := kerneltest.NewMachine(t)
	p := kerneltest.NewProcess(t, m, "a.exe")
	defer p.Terminate(0)
	assert.NoError(t, p.CloseHandle(kernel.CurrentProcess))
	assert.NoError(t, p.CloseHandle(kernel.CurrentThread))
	assert.Equal(t, kernel.ProcessRunning, p.State())
	pid, err := p.GetProcessId(kernel.CurrentProcess)
	require.NoError(t, err)
	assert.Equal(t, p.PID(), pid, "the pseudo-handle still means this process")
}

// Get/SetHandleInformation read and change HANDLE_FLAG_INHERIT and
// HANDLE_FLAG_PROTECT_FROM_CLOSE; only the bits selected by dwMask change (MS docs
// SetHandleInformation, GetHandleInformation; Wine dlls/kernel32/tests/process.c
// test_DuplicateHandle reads them back). A bad handle gives ERROR_INVALID_HANDLE.
func TestSetHandleInformationChangesOnlyMaskedFlags(t *testing.T) {
	m := kerneltest.NewMachine(t)
	p := kerneltest.NewProcess(t, m, "a.exe")
	defer p.Terminate(0)
	h, err := p.CreateEvent(&kernel.SecurityAttributes{InheritHandle: true}, true, false, "")
	require.NoError(t, err)
	flags, err := p.GetHandleInformation(h)
	require.NoError(t, err)
	assert.Equal(t, kernel.HANDLE_FLAG_INHERIT, flags, "bInheritHandle sets the flag")

	const both = kernel.HANDLE_FLAG_INHERIT | kernel.HANDLE_FLAG_PROTECT_FROM_CLOSE
	require.NoError(t, p.SetHandleInformation(h, kernel.HANDLE_FLAG_PROTECT_FROM_CLOSE, both))
	flags, _ = p.GetHandleInformation(h)
	assert.Equal(t, both, flags, "the mask selects PROTECT only; INHERIT was already set")
	require.NoError(t, p.SetHandleInformation(h, kernel.HANDLE_FLAG_INHERIT, 0))
	flags, _ = p.GetHandleInformation(h)
	assert.Equal(t, kernel.HANDLE_FLAG_PROTECT_FROM_CLOSE, flags)
	require.NoError(t, p.SetHandleInformation(h, 0xFFFFFFFF, 0xFFFFFFFC))
	flags, _ = p.GetHandleInformation(h)
	assert.Equal(t, uint32(0), flags, "bits other than the two flags are ignored")

	info := p.Handles()
	require.Len(t, info, 1)
	assert.Equal(t, h, info[0].Handle)
	assert.Equal(t, kernel.EVENT_ALL_ACCESS, info[0].Granted)
	assert.Equal(t, uint32(0), info[0].Attrs)

	require.NoError(t, p.CloseHandle(h))
	_, err = p.GetHandleInformation(h)
	assert.ErrorIs(t, err, kernel.ERROR_INVALID_HANDLE)
	assert.ErrorIs(t, p.SetHandleInformation(h, both, 0), kernel.ERROR_INVALID_HANDLE)
	_, err = p.GetHandleInformation(0)
	assert.ErrorIs(t, err, kernel.ERROR_INVALID_HANDLE)
	assert.ErrorIs(t, p.SetHandleInformation(0, both, 0), kernel.ERROR_INVALID_HANDLE)
}

// Every call checks its handle in this order: the handle must be valid
// (ERROR_INVALID_HANDLE), its object must be of the type the call works on (NT
// STATUS_OBJECT_TYPE_MISMATCH → ERROR_INVALID_HANDLE), and only then must it grant the
// access the call needs (ERROR_ACCESS_DENIED). Source: Wine dlls/ntdll/tests/om.c
// test_type_mismatch: NtReleaseSemaphore on an event handle opened with no access at all
// fails with STATUS_OBJECT_TYPE_MISMATCH, not STATUS_ACCESS_DENIED.
func TestHandleChecksValidityThenTypeThenAccess(t *testing.T) {
	m := kerneltest.NewMachine(t)
	p := kerneltest.NewProcess(t, m, "a.exe")
	defer p.Terminate(0)
	ctx := context.Background()
	ev := newEvent(t, p, true, false)
	noAccess, err := p.DuplicateHandle(kernel.CurrentProcess, ev, kernel.CurrentProcess, 0, false, 0)
	require.NoError(t, err)
	require.Equal(t, kernel.Access(0), grantedOf(t, p, noAccess))

	// Wrong type wins over missing access.
	_, err = p.ReadFile(ctx, noAccess, make([]byte, 1))
	assert.ErrorIs(t, err, kernel.ERROR_INVALID_HANDLE)
	_, err = p.GetProcessId(noAccess)
	assert.ErrorIs(t, err, kernel.ERROR_INVALID_HANDLE)
	_, err = p.DuplicateHandle(noAccess, ev, kernel.CurrentProcess, 0, false, kernel.DUPLICATE_SAME_ACCESS)
	assert.ErrorIs(t, err, kernel.ERROR_INVALID_HANDLE)
	// Right type, missing access.
	assert.ErrorIs(t, p.SetEvent(noAccess), kernel.ERROR_ACCESS_DENIED)
	r, err := p.WaitForSingleObject(ctx, noAccess, 0)
	assert.ErrorIs(t, err, kernel.ERROR_ACCESS_DENIED)
	assert.Equal(t, kernel.WAIT_FAILED, r)
	// Invalid wins over everything.
	require.NoError(t, p.CloseHandle(noAccess))
	assert.ErrorIs(t, p.SetEvent(noAccess), kernel.ERROR_INVALID_HANDLE)
	_, err = p.ReadFile(ctx, noAccess, make([]byte, 1))
	assert.ErrorIs(t, err, kernel.ERROR_INVALID_HANDLE)

	o, granted, err := p.Reference(ev, kernel.EVENT_MODIFY_STATE, kernel.EventType)
	require.NoError(t, err)
	assert.Equal(t, kernel.EVENT_ALL_ACCESS, granted)
	assert.Same(t, kernel.EventType, o.Type())
	o.DecRef()
	require.NoError(t, p.CloseHandle(ev))
}
