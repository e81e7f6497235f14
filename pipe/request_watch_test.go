package pipe_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/winsim/winsim/kernel"
)

// testWatcher is a kernel.RequestWatcher that ends when told to.
type testWatcher struct {
	context.Context // for Deadline, Value; Done and Err are its own
	mu              sync.Mutex
	ended           bool
	reqs            map[*kernel.Request]bool
	watched         chan struct{} // receives a value per WatchRequest
	unwatched       int
}

func newTestWatcher() *testWatcher {
	return &testWatcher{Context: context.Background(), reqs: map[*kernel.Request]bool{}, watched: make(chan struct{}, 8)}
}

func (w *testWatcher) Err() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.ended {
		return context.Canceled
	}
	return nil
}

func (w *testWatcher) WatchRequest(r *kernel.Request) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.watched <- struct{}{}
	if w.ended {
		return false
	}
	w.reqs[r] = true
	return true
}

func (w *testWatcher) UnwatchRequest(r *kernel.Request) {
	w.mu.Lock()
	defer w.mu.Unlock()
	delete(w.reqs, r)
	w.unwatched++
}

func (w *testWatcher) end() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.ended = true
	for r := range w.reqs {
		r.Abort(context.Canceled)
	}
}

// A call issued with a kernel.RequestWatcher registers its pending request with it and
// ends, consuming nothing, when the watcher aborts it: the error matches
// ERROR_OPERATION_ABORTED and the cause, as a cancelled context's does: it is the
// cancellation of a pending read, which completes with STATUS_CANCELLED and takes no
// data (Wine dlls/ntdll/tests/pipe.c test_cancelio). A watcher already done aborts the call at once. A call that
// completes normally is unwatched before it returns.
func TestRequestWatcherEndsBlockedCalls(t *testing.T) {
	m := newMachine(t)
	p := newProc(t, m, "w.exe")
	srv, cli, _ := pair(t, p, bytePipe, 16, 16)

	w := newTestWatcher()
	done := make(chan error, 1)
	go func() {
		_, err := p.ReadFile(w, cli, make([]byte, 4))
		done <- err
	}()
	<-w.watched
	w.end()
	err := <-done
	assert.ErrorIs(t, err, kernel.ERROR_OPERATION_ABORTED)
	assert.ErrorIs(t, err, context.Canceled)
	assert.Equal(t, 1, w.unwatched)

	_, err = p.ReadFile(w, cli, make([]byte, 4))
	assert.ErrorIs(t, err, kernel.ERROR_OPERATION_ABORTED, "a watcher already done aborts at once")

	write(t, p, srv, "data")
	got, err := read(p, cli, 4)
	require.NoError(t, err)
	assert.Equal(t, "data", got, "the aborted reads took nothing")

	live := newTestWatcher()
	go func() {
		_, err := p.ReadFile(live, cli, make([]byte, 4))
		done <- err
	}()
	<-live.watched
	write(t, p, srv, "more")
	select {
	case err := <-done:
		assert.NoError(t, err)
	case <-time.After(10 * time.Second):
		t.Fatal("the read did not complete")
	}
	assert.Equal(t, 1, live.unwatched)
	assert.Empty(t, live.reqs)
	assert.False(t, errors.Is(live.Err(), context.Canceled))
}
