package kernel_test

import (
	"context"
	"runtime"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/winsim/winsim/kernel"
	"github.com/winsim/winsim/kerneltest"
)

// newPort returns a process of a new machine and a new completion port of it; the
// process ends (closing the port) when the test does.
func newPort(t testing.TB) (*kernel.Process, kernel.Handle) {
	t.Helper()
	m := kerneltest.NewMachine(t)
	p := kerneltest.NewProcess(t, m, "a.exe")
	t.Cleanup(func() { p.Terminate(0) })
	port, err := p.CreateIoCompletionPort(kernel.InvalidHandle, 0, 0, 0)
	require.NoError(t, err)
	return p, port
}

// PostQueuedCompletionStatus queues a packet that GetQueuedCompletionStatus returns
// unchanged, oldest first; an empty port gives WAIT_TIMEOUT after the timeout, exactly
// on the clock; closing the port's last handle ends a waiting call with
// ERROR_ABANDONED_WAIT_0 (MS docs PostQueuedCompletionStatus, GetQueuedCompletionStatus).
func TestCompletionPortPostWaitTimeoutAndClose(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p, port := newPort(t)
		ov := &kernel.Overlapped{}
		require.NoError(t, p.PostQueuedCompletionStatus(port, 5, 9, ov))
		require.NoError(t, p.PostQueuedCompletionStatus(port, 6, 10, nil))
		st, err := p.GetQueuedCompletionStatus(context.Background(), port, 0)
		require.NoError(t, err)
		assert.Equal(t, kernel.CompletionStatus{Bytes: 5, Key: 9, Overlapped: ov}, st)
		st, err = p.GetQueuedCompletionStatus(context.Background(), port, 0)
		require.NoError(t, err)
		assert.Equal(t, kernel.CompletionStatus{Bytes: 6, Key: 10}, st)

		start := time.Now()
		_, err = p.GetQueuedCompletionStatus(context.Background(), port, 250)
		assert.ErrorIs(t, err, kernel.WAIT_TIMEOUT)
		assert.Equal(t, 250*time.Millisecond, time.Since(start))

		done := make(chan error, 1)
		go func() {
			_, err := p.GetQueuedCompletionStatus(context.Background(), port, kernel.INFINITE)
			done <- err
		}()
		synctest.Wait()
		assert.Equal(t, 1, p.PendingRequests())
		require.NoError(t, p.CloseHandle(port))
		assert.ErrorIs(t, <-done, kernel.ERROR_ABANDONED_WAIT_0)
		assert.Zero(t, p.PendingRequests())
	})
}

// A waiting GetQueuedCompletionStatus is released by a packet posted later, and gives
// up with ERROR_OPERATION_ABORTED when its context is done.
func TestCompletionPortWaitWakesAndCancels(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p, port := newPort(t)
		got := make(chan kernel.CompletionStatus, 1)
		go func() {
			st, err := p.GetQueuedCompletionStatus(context.Background(), port, kernel.INFINITE)
			assert.NoError(t, err)
			got <- st
		}()
		synctest.Wait()
		require.NoError(t, p.PostQueuedCompletionStatus(port, 1, 2, nil))
		assert.Equal(t, kernel.CompletionStatus{Bytes: 1, Key: 2}, <-got)

		ctx, cancel := context.WithCancel(context.Background())
		errc := make(chan error, 1)
		go func() {
			_, err := p.GetQueuedCompletionStatus(ctx, port, kernel.INFINITE)
			errc <- err
		}()
		synctest.Wait()
		cancel()
		err := <-errc
		assert.ErrorIs(t, err, kernel.ERROR_OPERATION_ABORTED)
		assert.ErrorIs(t, err, context.Canceled)
	})
}

// Bad arguments get Win32 errors: an existing port with no file, a bad handle, flags
// SetFileCompletionNotificationModes does not know.
func TestCompletionPortBadInput(t *testing.T) {
	p, port := newPort(t)
	_, err := p.CreateIoCompletionPort(kernel.InvalidHandle, port, 0, 0)
	assert.ErrorIs(t, err, kernel.ERROR_INVALID_PARAMETER)
	_, err = p.CreateIoCompletionPort(0x1234, 0, 0, 0)
	assert.ErrorIs(t, err, kernel.ERROR_INVALID_HANDLE)
	_, err = p.GetQueuedCompletionStatus(context.Background(), 0x1234, 0)
	assert.ErrorIs(t, err, kernel.ERROR_INVALID_HANDLE)
	f := newFile(t, p, &testFile{}, kernel.FILE_ALL_ACCESS)
	defer p.CloseHandle(f)
	assert.ErrorIs(t, p.SetFileCompletionNotificationModes(f, 0x80), kernel.ERROR_INVALID_PARAMETER)
	_, err = p.GetOverlappedResult(context.Background(), f, nil, false)
	assert.ErrorIs(t, err, kernel.ERROR_INVALID_PARAMETER)
}

// GetQueuedCompletionStatusEx takes every queued packet up to the slice's length in one
// call, each with its status in Internal (MS docs GetQueuedCompletionStatusEx).
func TestGetQueuedCompletionStatusExTakesSeveral(t *testing.T) {
	p, port := newPort(t)
	for k := uintptr(1); k <= 3; k++ {
		require.NoError(t, p.PostQueuedCompletionStatus(port, uint32(k*10), k, nil))
	}
	entries := make([]kernel.OverlappedEntry, 2)
	n, err := p.GetQueuedCompletionStatusEx(context.Background(), port, entries, 0, false)
	require.NoError(t, err)
	require.Equal(t, 2, n)
	assert.Equal(t, kernel.OverlappedEntry{CompletionKey: 1, NumberOfBytesTransferred: 10}, entries[0])
	assert.Equal(t, kernel.OverlappedEntry{CompletionKey: 2, NumberOfBytesTransferred: 20}, entries[1])
	n, err = p.GetQueuedCompletionStatusEx(context.Background(), port, entries, 0, false)
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	_, err = p.GetQueuedCompletionStatusEx(context.Background(), port, entries, 0, false)
	assert.ErrorIs(t, err, kernel.WAIT_TIMEOUT)
	_, err = p.GetQueuedCompletionStatusEx(context.Background(), port, nil, 0, false)
	assert.ErrorIs(t, err, kernel.ERROR_INVALID_PARAMETER)
}

// A GetQueuedCompletionStatusEx that had to wait returns, with the packet that ended its
// wait, the packets queued behind it, up to the slice's length (MS docs
// GetQueuedCompletionStatusEx: it retrieves multiple completion port entries at once).
// With one P the waiter runs only once the three posts are done.
func TestGetQueuedCompletionStatusExThatWaitedTakesSeveral(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	synctest.Test(t, func(t *testing.T) {
		p, port := newPort(t)
		entries := make([]kernel.OverlappedEntry, 4)
		type got struct {
			n   int
			err error
		}
		done := make(chan got, 1)
		go func() {
			n, err := p.GetQueuedCompletionStatusEx(context.Background(), port, entries, kernel.INFINITE, false)
			done <- got{n, err}
		}()
		synctest.Wait() // the call waits on the empty port
		for k := uintptr(1); k <= 3; k++ {
			require.NoError(t, p.PostQueuedCompletionStatus(port, uint32(k), k, nil))
		}
		res := <-done
		require.NoError(t, res.err)
		require.Equal(t, 3, res.n)
		for i, e := range entries[:3] {
			assert.Equal(t, uintptr(i+1), e.CompletionKey, "entry %d in the order queued", i)
		}
	})
}

// Packets come off a port in the order they were queued (MS docs "I/O Completion
// Ports": packets are dequeued first in, first out), however posting and dequeuing
// interleave: here the backlog grows by one packet a round, so the port's queue both
// empties and grows past its storage, and is compacted, along the way.
func TestCompletionPortQueueStaysFIFO(t *testing.T) {
	p, port := newPort(t)
	posted, next := uintptr(0), uintptr(0)
	take := func(n int) {
		t.Helper()
		for range n {
			st, err := p.GetQueuedCompletionStatus(context.Background(), port, 0)
			require.NoError(t, err)
			require.Equal(t, next, st.Key, "packet %d", next)
			next++
		}
	}
	for round := 1; round <= 60; round++ {
		for range round%7 + 1 {
			require.NoError(t, p.PostQueuedCompletionStatus(port, 0, posted, nil))
			posted++
		}
		take(round % 7) // one fewer than posted: the backlog grows
		if round%20 == 0 {
			take(int(posted - next)) // and sometimes empties
		}
	}
	take(int(posted - next))
	assert.Equal(t, posted, next)
	_, err := p.GetQueuedCompletionStatus(context.Background(), port, 0)
	assert.ErrorIs(t, err, kernel.WAIT_TIMEOUT)
}

// A port drained as fast as it is filled allocates nothing once warm, whether
// GetQueuedCompletionStatus finds its packet queued or waits for it: go-winio-shaped
// servers make this call for every operation.
func TestCompletionPortSteadyStateAllocatesNothing(t *testing.T) {
	p, port := newPort(t)
	ctx := context.Background()
	queued := testing.AllocsPerRun(100, func() {
		_ = p.PostQueuedCompletionStatus(port, 1, 2, nil)
		_, _ = p.GetQueuedCompletionStatus(ctx, port, 0)
	})
	assert.Zero(t, queued, "a packet already queued")

	waited := kerneltest.AllocsPerBlockedCall(t, p, 100, func() error {
		_, err := p.GetQueuedCompletionStatus(ctx, port, kernel.INFINITE)
		return err
	}, func() { _ = p.PostQueuedCompletionStatus(port, 1, 2, nil) })
	assert.Zero(t, waited, "a wait for a packet")
}
