package pipe_test

import (
	"context"
	"sync/atomic"
	"testing"
	"testing/synctest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/winsim/winsim/kernel"
)

// testWatcher is a kernel.RequestWatcher of one process's calls that ends when told to.
type testWatcher struct {
	context.Context // for Deadline, Done, Value; Err is its own
	p               *kernel.Process
	ended           atomic.Bool
	aborted         int // requests its end found
}

func newTestWatcher(p *kernel.Process) *testWatcher {
	return &testWatcher{Context: context.Background(), p: p}
}

func (w *testWatcher) Err() error {
	if w.ended.Load() {
		return context.Canceled
	}
	return nil
}

func (w *testWatcher) AbortsItsRequests() {}

// end ends w as the contract says: Err first, then the abort.
func (w *testWatcher) end() {
	w.ended.Store(true)
	w.aborted, _ = w.p.AbortRequests(w, context.Canceled)
}

// A call issued with a kernel.RequestWatcher is found among its process's pending
// requests when the watcher ends, and ends consuming nothing: the error matches
// ERROR_OPERATION_ABORTED and the cause, as a cancelled context's does, for it is the
// cancellation of a pending read, which completes with STATUS_CANCELLED and takes no
// data (Wine dlls/ntdll/tests/pipe.c test_cancelio). A call issued with a watcher that
// has already ended aborts itself once its request is pending. A call that completes
// normally leaves nothing for a later end to find, and calls with other contexts are
// left alone.
func TestRequestWatcherEndsBlockedCalls(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newMachine(t)
		p := newProc(t, m, "w.exe")
		srv, cli, _ := pair(t, p, bytePipe, 16, 16)

		w := newTestWatcher(p)
		done := make(chan error, 1)
		go func() {
			_, err := p.ReadFile(w, cli, make([]byte, 4))
			done <- err
		}()
		other := make(chan error, 1)
		go func() {
			_, err := p.ReadFile(context.Background(), srv, make([]byte, 4))
			other <- err
		}()
		synctest.Wait()
		require.Equal(t, 2, p.PendingRequests())
		w.end()
		err := <-done
		assert.ErrorIs(t, err, kernel.ERROR_OPERATION_ABORTED)
		assert.ErrorIs(t, err, context.Canceled)
		assert.Equal(t, 1, w.aborted, "only the call issued with it")
		assert.Equal(t, 1, p.PendingRequests(), "the other read still waits")

		_, err = p.ReadFile(w, cli, make([]byte, 4))
		assert.ErrorIs(t, err, kernel.ERROR_OPERATION_ABORTED, "a watcher already ended aborts the call itself")

		write(t, p, srv, "data")
		got, err := read(p, cli, 4)
		require.NoError(t, err)
		assert.Equal(t, "data", got, "the aborted reads took nothing")

		live := newTestWatcher(p)
		go func() {
			_, err := p.ReadFile(live, cli, make([]byte, 4))
			done <- err
		}()
		synctest.Wait()
		write(t, p, srv, "more")
		assert.NoError(t, <-done)
		live.end()
		assert.Zero(t, live.aborted, "a completed call is not found")

		write(t, p, cli, "srv!")
		assert.NoError(t, <-other)
	})
}
