package kernel_test

import (
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
// STATUS_HANDLE_NOT_CLOSABLE → ERROR_INVALID_HANDLE, facts neighbours §5.2 table);
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
