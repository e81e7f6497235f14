package kernel_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/winsim/winsim/kernel"
	"github.com/winsim/winsim/kerneltest"
)

// An alertable wait that starts with APCs queued runs them all, oldest first, and returns
// WAIT_IO_COMPLETION without sleeping, even though the object it waits for is already
// signalled, and leaves that object as it was for the next wait: MS docs "Using Waitable
// Timers with an Asynchronous Procedure Call" (an entry in the APC queue when an
// alertable function is called: the thread is not put to sleep, the routine is called,
// the function returns WAIT_IO_COMPLETION once the queue is empty) and "Alertable I/O"
// (entering the alertable state, the kernel first empties the APC queue); Wine
// dlls/kernel32/tests/sync.c test_alertable_wait (every queued APC runs in the one wait,
// which does not take the semaphore, and the next wait does). A wait that is not
// alertable takes the object and leaves the APCs queued.
func TestAlertableWaitRunsQueuedAPCsBeforeTestingObjects(t *testing.T) {
	m := kerneltest.NewMachine(t)
	p := kerneltest.NewProcess(t, m, "a.exe")
	t.Cleanup(func() { p.Terminate(0) })
	ctx := context.Background()
	ev, err := p.CreateEvent(nil, false, true, "") // auto-reset, signalled
	require.NoError(t, err)
	var ran []uintptr
	queue := func(id uintptr) {
		t.Helper()
		require.NoError(t, p.QueueUserAPC(func(param uintptr) { ran = append(ran, param) }, id))
	}

	queue(1)
	queue(2)
	r, err := p.WaitForSingleObjectEx(ctx, ev, kernel.INFINITE, true)
	require.NoError(t, err)
	assert.Equal(t, uint32(kernel.WAIT_IO_COMPLETION), r)
	assert.Equal(t, []uintptr{1, 2}, ran, "both APCs, in the order queued, in the one wait")

	queue(3)
	r, err = p.WaitForSingleObjectEx(ctx, ev, 0, false)
	require.NoError(t, err)
	assert.Equal(t, uint32(kernel.WAIT_OBJECT_0), r, "the event was left signalled; a non-alertable wait takes it")
	assert.Equal(t, []uintptr{1, 2}, ran, "and leaves the APC queued")

	r, err = p.WaitForMultipleObjectsEx(ctx, []kernel.Handle{ev}, false, 0, true)
	require.NoError(t, err)
	assert.Equal(t, uint32(kernel.WAIT_IO_COMPLETION), r, "an alertable wait with nothing signalled runs it")
	assert.Equal(t, []uintptr{1, 2, 3}, ran)

	// SleepEx(0, TRUE): WAIT_IO_COMPLETION with an APC queued, 0 without (Wine
	// dlls/ntdll/tests/sync.c test_delayexecution).
	queue(4)
	r, err = p.SleepEx(ctx, 0, true)
	require.NoError(t, err)
	assert.Equal(t, uint32(kernel.WAIT_IO_COMPLETION), r)
	assert.Equal(t, []uintptr{1, 2, 3, 4}, ran)
	r, err = p.SleepEx(ctx, 0, true)
	require.NoError(t, err)
	assert.Zero(t, r)
	require.NoError(t, p.CloseHandle(ev))
}
