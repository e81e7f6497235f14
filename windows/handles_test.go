package windows_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/winsim/winsim/windows"
)

// newEvent makes an unnamed manual-reset event through the facade.
func newEvent(t *testing.T, c *windows.Caller) windows.Handle {
	t.Helper()
	h, err := c.CreateEvent(nil, 1, 0, nil)
	require.NoError(t, err)
	return h
}

// TestCloseHandleFailures checks CloseHandle's errors: a closed handle, a value never handed out
// and one protected with HANDLE_FLAG_PROTECT_FROM_CLOSE all give ERROR_INVALID_HANDLE, and the
// pseudo-handle of the current process closes as a no-op (MS docs CloseHandle,
// SetHandleInformation, GetCurrentProcess).
func TestCloseHandleFailures(t *testing.T) {
	c := windows.On(newProc(t, newMachine(t), "app.exe"))
	closed := newEvent(t, c)
	require.NoError(t, c.CloseHandle(closed))
	protected := newEvent(t, c)
	require.NoError(t, c.SetHandleInformation(protected, windows.HANDLE_FLAG_PROTECT_FROM_CLOSE, windows.HANDLE_FLAG_PROTECT_FROM_CLOSE))

	for _, tc := range []struct {
		name string
		h    windows.Handle
		want error
	}{
		{"closed", closed, windows.ERROR_INVALID_HANDLE},
		{"never issued", windows.Handle(0x7ff0), windows.ERROR_INVALID_HANDLE},
		{"protected from close", protected, windows.ERROR_INVALID_HANDLE},
		{"current process pseudo-handle", c.CurrentProcess(), nil},
	} {
		err := c.CloseHandle(tc.h)
		if tc.want == nil {
			assert.NoError(t, err, tc.name)
		} else {
			assert.Equal(t, tc.want, err, tc.name) // an Errno value, comparable with ==, as x/sys returns
		}
	}
	var flags uint32
	require.NoError(t, c.GetHandleInformation(protected, &flags))
	assert.Equal(t, uint32(windows.HANDLE_FLAG_PROTECT_FROM_CLOSE), flags)
	require.NoError(t, c.SetHandleInformation(protected, windows.HANDLE_FLAG_PROTECT_FROM_CLOSE, 0))
	assert.NoError(t, c.CloseHandle(protected))
}

// TestDuplicateHandleAcrossProcesses checks DuplicateHandle between two processes: the copy is a
// value in the target's table that works there (the same event), DUPLICATE_CLOSE_SOURCE closes the
// source, and a nil lpTargetHandle still succeeds (MS docs DuplicateHandle).
func TestDuplicateHandleAcrossProcesses(t *testing.T) {
	m := newMachine(t)
	a, b := newProc(t, m, "a.exe"), newProc(t, m, "b.exe")
	ca, cb := windows.On(a), windows.On(b)
	ev := newEvent(t, ca)
	hb, err := ca.OpenProcess(windows.PROCESS_DUP_HANDLE, false, b.PID())
	require.NoError(t, err)
	defer ca.CloseHandle(hb)

	var inB windows.Handle
	require.NoError(t, ca.DuplicateHandle(ca.CurrentProcess(), ev, hb, &inB, 0, false, windows.DUPLICATE_SAME_ACCESS))
	require.NoError(t, cb.SetEvent(inB), "the copy works in b")
	got, err := ca.WaitForSingleObject(ev, 0)
	require.NoError(t, err)
	assert.Equal(t, uint32(windows.WAIT_OBJECT_0), got, "same event")

	require.NoError(t, ca.DuplicateHandle(ca.CurrentProcess(), ev, hb, nil, 0, false, windows.DUPLICATE_SAME_ACCESS|windows.DUPLICATE_CLOSE_SOURCE))
	assert.Equal(t, windows.ERROR_INVALID_HANDLE, ca.CloseHandle(ev), "DUPLICATE_CLOSE_SOURCE closed the source")
	assert.Equal(t, 2, b.HandleCount(), "b holds inB and the copy whose value was not returned")
	require.NoError(t, cb.CloseHandle(inB))
}
