package kernel_test

import (
	"context"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/winsim/winsim/kernel"
	"github.com/winsim/winsim/kerneltest"
)

type waitResult struct {
	r   uint32
	err error
	at  time.Duration
}

// WaitForSingleObject on a non-signalled object returns WAIT_TIMEOUT once the timeout has
// passed, and not before; with INFINITE it waits until the object is signalled (MS docs
// WaitForSingleObject). Time here is the synctest bubble's, which the machine's real
// clock follows.
func TestWaitForSingleObjectTimeoutAndInfinite(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := kerneltest.NewMachine(t)
		p := kerneltest.NewProcess(t, m, "a.exe")
		defer p.Terminate(0)
		ctx := context.Background()
		ev := newEvent(t, p, true, false)

		start := time.Now()
		r, err := p.WaitForSingleObject(ctx, ev, 250)
		require.NoError(t, err)
		assert.Equal(t, kernel.WAIT_TIMEOUT_, r)
		assert.Equal(t, 250*time.Millisecond, time.Since(start))
		assert.Equal(t, uint32(258), kernel.WAIT_TIMEOUT_)

		done := make(chan waitResult, 1)
		start = time.Now()
		go func() {
			r, err := p.WaitForSingleObject(ctx, ev, kernel.INFINITE)
			done <- waitResult{r, err, time.Since(start)}
		}()
		time.Sleep(time.Hour) // bubble time: an INFINITE wait outlasts any timeout
		synctest.Wait()
		assert.Empty(t, done, "INFINITE never times out")
		require.NoError(t, p.SetEvent(ev))
		res := <-done
		assert.NoError(t, res.err)
		assert.Equal(t, kernel.WAIT_OBJECT_0, res.r)
		assert.Equal(t, time.Hour, res.at)
		require.NoError(t, p.CloseHandle(ev))
	})
}

// Wait-any returns WAIT_OBJECT_0+i for the signalled object with the smallest index and
// changes the state of that object only; wait-all returns WAIT_OBJECT_0 once every
// object is signalled, and only then resets the auto-reset ones, all together (MS docs
// WaitForMultipleObjects, Return value and Remarks).
func TestWaitForMultipleObjectsAnyAndAll(t *testing.T) {
	m := kerneltest.NewMachine(t)
	p := kerneltest.NewProcess(t, m, "a.exe")
	defer p.Terminate(0)
	ctx := context.Background()
	a := newEvent(t, p, false, false)
	b := newEvent(t, p, false, true)
	c := newEvent(t, p, false, true)
	hs := []kernel.Handle{a, b, c}

	r, err := p.WaitForMultipleObjects(ctx, hs, false, 0)
	require.NoError(t, err)
	assert.Equal(t, kernel.WAIT_OBJECT_0+1, r, "b is the lowest signalled index")
	assert.Equal(t, kernel.WAIT_TIMEOUT_, poll(t, p, b), "b was consumed")
	assert.Equal(t, kernel.WAIT_OBJECT_0, poll(t, p, c), "c was not touched")
	require.NoError(t, p.SetEvent(c))

	r, err = p.WaitForMultipleObjects(ctx, hs, true, 0)
	require.NoError(t, err)
	assert.Equal(t, kernel.WAIT_TIMEOUT_, r, "a and b are not signalled")
	assert.Equal(t, kernel.WAIT_OBJECT_0, poll(t, p, c), "a wait-all that is not satisfied consumes nothing")
	require.NoError(t, p.SetEvent(c))

	for _, h := range hs {
		require.NoError(t, p.SetEvent(h))
	}
	r, err = p.WaitForMultipleObjects(ctx, hs, true, 0)
	require.NoError(t, err)
	assert.Equal(t, kernel.WAIT_OBJECT_0, r)
	for _, h := range hs {
		assert.Equal(t, kernel.WAIT_TIMEOUT_, poll(t, p, h), "every auto-reset event was consumed")
	}
	for _, h := range hs {
		require.NoError(t, p.CloseHandle(h))
	}
}

// A blocked wait-all is satisfied when the last of its objects is signalled; a blocked
// wait-any by the first, reporting its index (MS docs WaitForMultipleObjects).
func TestWaitForMultipleObjectsBlocksUntilSatisfied(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := kerneltest.NewMachine(t)
		p := kerneltest.NewProcess(t, m, "a.exe")
		defer p.Terminate(0)
		ctx := context.Background()
		a := newEvent(t, p, false, false)
		b := newEvent(t, p, true, false)
		hChild, child, err := p.CreateProcess("child.exe", false, nil)
		require.NoError(t, err)

		all := make(chan waitResult, 1)
		anyOf := make(chan waitResult, 1)
		go func() {
			r, err := p.WaitForMultipleObjects(ctx, []kernel.Handle{a, b, hChild}, true, kernel.INFINITE)
			all <- waitResult{r: r, err: err}
		}()
		go func() {
			r, err := p.WaitForMultipleObjects(ctx, []kernel.Handle{b, hChild}, false, 10_000)
			anyOf <- waitResult{r: r, err: err}
		}()
		synctest.Wait()
		require.NoError(t, p.SetEvent(a))
		child.Terminate(0)
		synctest.Wait()
		res := <-anyOf
		require.NoError(t, res.err)
		assert.Equal(t, kernel.WAIT_OBJECT_0+1, res.r, "the process handle at index 1 was signalled")
		assert.Empty(t, all, "b is still missing")
		require.NoError(t, p.SetEvent(b))
		synctest.Wait()
		res = <-all
		require.NoError(t, res.err)
		assert.Equal(t, kernel.WAIT_OBJECT_0, res.r)
		assert.Equal(t, kernel.WAIT_TIMEOUT_, poll(t, p, a), "the wait-all consumed a")
		for _, h := range []kernel.Handle{a, b, hChild} {
			require.NoError(t, p.CloseHandle(h))
		}
	})
}

// nCount must be 1 to MAXIMUM_WAIT_OBJECTS (64); otherwise the wait fails with
// ERROR_INVALID_PARAMETER. 64 handles work (MS docs WaitForMultipleObjects; Wine
// dlls/kernel32/tests/sync.c test_WaitForMultipleObjects waits on MAXIMUM_WAIT_OBJECTS
// events).
func TestWaitForMultipleObjectsCountLimits(t *testing.T) {
	m := kerneltest.NewMachine(t)
	p := kerneltest.NewProcess(t, m, "a.exe")
	defer p.Terminate(0)
	ctx := context.Background()
	hs := make([]kernel.Handle, kernel.MAXIMUM_WAIT_OBJECTS+1)
	for i := range hs {
		hs[i] = newEvent(t, p, false, false)
	}
	require.NoError(t, p.SetEvent(hs[63]))
	r, err := p.WaitForMultipleObjects(ctx, hs[:64], false, 0)
	require.NoError(t, err)
	assert.Equal(t, kernel.WAIT_OBJECT_0+63, r)

	r, err = p.WaitForMultipleObjects(ctx, hs, false, 0)
	assert.ErrorIs(t, err, kernel.ERROR_INVALID_PARAMETER)
	assert.Equal(t, kernel.WAIT_FAILED, r)
	r, err = p.WaitForMultipleObjects(ctx, nil, false, 0)
	assert.ErrorIs(t, err, kernel.ERROR_INVALID_PARAMETER)
	assert.Equal(t, kernel.WAIT_FAILED, r)
	for _, h := range hs {
		require.NoError(t, p.CloseHandle(h))
	}
}

// A wait-all may not name the same object twice, even through two different handles:
// NtWaitForMultipleObjects fails with STATUS_INVALID_PARAMETER_MIX, ERROR_INVALID_PARAMETER.
// A wait-any may name an object several times and reports the lowest index (MS docs
// WaitForMultipleObjects: the array "may not contain multiple copies of the same
// handle"; NT's wait service checks duplicates only for WaitAll).
func TestWaitForMultipleObjectsDuplicates(t *testing.T) {
	m := kerneltest.NewMachine(t)
	p := kerneltest.NewProcess(t, m, "a.exe")
	defer p.Terminate(0)
	ctx := context.Background()
	ev := newEvent(t, p, false, true)
	dup, err := p.DuplicateHandle(kernel.CurrentProcess, ev, kernel.CurrentProcess, 0, false, kernel.DUPLICATE_SAME_ACCESS)
	require.NoError(t, err)
	other := newEvent(t, p, false, false)

	r, err := p.WaitForMultipleObjects(ctx, []kernel.Handle{ev, ev}, true, 0)
	assert.ErrorIs(t, err, kernel.ERROR_INVALID_PARAMETER)
	assert.Equal(t, kernel.WAIT_FAILED, r)
	r, err = p.WaitForMultipleObjects(ctx, []kernel.Handle{ev, other, dup}, true, 0)
	assert.ErrorIs(t, err, kernel.ERROR_INVALID_PARAMETER, "two handles to one object are duplicates too")
	assert.Equal(t, kernel.WAIT_FAILED, r)
	assert.Equal(t, kernel.WAIT_OBJECT_0, poll(t, p, ev), "the failed waits consumed nothing")
	require.NoError(t, p.SetEvent(ev))

	r, err = p.WaitForMultipleObjects(ctx, []kernel.Handle{other, ev, dup, ev}, false, 0)
	require.NoError(t, err)
	assert.Equal(t, kernel.WAIT_OBJECT_0+1, r)
	assert.Equal(t, kernel.WAIT_TIMEOUT_, poll(t, p, ev), "one signal, consumed once")
	for _, h := range []kernel.Handle{ev, dup, other} {
		require.NoError(t, p.CloseHandle(h))
	}
}

// A blocked wait-any naming an auto-reset event twice is satisfied once by one SetEvent,
// with the lowest index, and consumes the signal once.
func TestWaitForMultipleObjectsBlockedWaitAnyWithDuplicates(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := kerneltest.NewMachine(t)
		p := kerneltest.NewProcess(t, m, "a.exe")
		defer p.Terminate(0)
		ev := newEvent(t, p, false, false)
		other := newEvent(t, p, false, false)
		done := make(chan waitResult, 1)
		go func() {
			r, err := p.WaitForMultipleObjects(context.Background(), []kernel.Handle{other, ev, ev}, false, kernel.INFINITE)
			done <- waitResult{r: r, err: err}
		}()
		synctest.Wait()
		require.NoError(t, p.SetEvent(ev))
		res := <-done
		require.NoError(t, res.err)
		assert.Equal(t, kernel.WAIT_OBJECT_0+1, res.r)
		assert.Equal(t, kernel.WAIT_TIMEOUT_, poll(t, p, ev))
		require.NoError(t, p.CloseHandle(ev))
		require.NoError(t, p.CloseHandle(other))
	})
}

// A bad handle anywhere in the array fails the whole wait with WAIT_FAILED and the
// error (MS docs WaitForMultipleObjects: "If the function fails, the return value is
// WAIT_FAILED").
func TestWaitFailsWithTheHandleError(t *testing.T) {
	m := kerneltest.NewMachine(t)
	p := kerneltest.NewProcess(t, m, "a.exe")
	defer p.Terminate(0)
	ctx := context.Background()
	ev := newEvent(t, p, true, true)
	r, err := p.WaitForMultipleObjects(ctx, []kernel.Handle{ev, 0x4000}, false, 0)
	assert.ErrorIs(t, err, kernel.ERROR_INVALID_HANDLE)
	assert.Equal(t, kernel.WAIT_FAILED, r)
	r, err = p.WaitForSingleObject(ctx, 0, kernel.INFINITE)
	assert.ErrorIs(t, err, kernel.ERROR_INVALID_HANDLE)
	assert.Equal(t, kernel.WAIT_FAILED, r)
	r, err = p.WaitForSingleObject(ctx, kernel.CurrentThread, kernel.INFINITE)
	assert.ErrorIs(t, err, kernel.ERROR_INVALID_HANDLE, "winsim has no thread objects")
	assert.Equal(t, kernel.WAIT_FAILED, r)
	require.NoError(t, p.CloseHandle(ev))
}

// Every blocking wait also takes a context: cancelling it, or its deadline passing, ends
// the wait with WAIT_FAILED and an error matching ERROR_OPERATION_ABORTED and the
// context's error (winsim's rule for blocking calls; ERROR_OPERATION_ABORTED is what
// Windows reports for cancelled I/O, facts error table).
func TestWaitHonoursContextCancellation(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := kerneltest.NewMachine(t)
		p := kerneltest.NewProcess(t, m, "a.exe")
		defer p.Terminate(0)
		ev := newEvent(t, p, true, false)

		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan waitResult, 1)
		go func() {
			r, err := p.WaitForSingleObject(ctx, ev, kernel.INFINITE)
			done <- waitResult{r: r, err: err}
		}()
		synctest.Wait()
		cancel()
		res := <-done
		assert.Equal(t, kernel.WAIT_FAILED, res.r)
		assert.ErrorIs(t, res.err, kernel.ERROR_OPERATION_ABORTED)
		assert.ErrorIs(t, res.err, context.Canceled)
		assert.Contains(t, res.err.Error(), kernel.ERROR_OPERATION_ABORTED.Error())

		dctx, dcancel := context.WithTimeout(context.Background(), time.Second)
		defer dcancel()
		r, err := p.WaitForSingleObject(dctx, ev, 5000)
		assert.Equal(t, kernel.WAIT_FAILED, r)
		assert.ErrorIs(t, err, kernel.ERROR_OPERATION_ABORTED)
		assert.ErrorIs(t, err, context.DeadlineExceeded)

		r, err = p.WaitForSingleObject(dctx, ev, 0)
		require.NoError(t, err, "a wait that need not block ignores the done context")
		assert.Equal(t, kernel.WAIT_TIMEOUT_, r)
		require.NoError(t, p.CloseHandle(ev))
	})
}

// Waiting on a file object whose driver keeps no signal state succeeds at once: a file
// object with no I/O in flight is signalled (windows-facts.md NP-141: a new pipe handle is
// signalled).
func TestWaitOnFileObjectIsSignalled(t *testing.T) {
	m := kerneltest.NewMachine(t)
	p := kerneltest.NewProcess(t, m, "a.exe")
	defer p.Terminate(0)
	f := newFile(t, p, &testFile{}, kernel.FILE_ALL_ACCESS)
	assert.Equal(t, kernel.WAIT_OBJECT_0, poll(t, p, f))
	r, err := p.WaitForMultipleObjects(context.Background(), []kernel.Handle{f}, true, 0)
	require.NoError(t, err)
	assert.Equal(t, kernel.WAIT_OBJECT_0, r)
	require.NoError(t, p.CloseHandle(f))
}

// I/O waits (a pended kernel.Request) honour the request's timeout on the machine's
// clock, wake when the object completes the request, and give up with an error matching
// ERROR_OPERATION_ABORTED when the context is done or the calling process exits (facts
// §1 #7: an empty mailslot read times out with ERROR_SEM_TIMEOUT; facts error table:
// cancelled I/O is ERROR_OPERATION_ABORTED).
func TestBlockingReadTimesOutWakesAndAborts(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := kerneltest.NewMachine(t)
		p := kerneltest.NewProcess(t, m, "a.exe")
		defer p.Terminate(0)
		body := &rwFile{timeout: 100 * time.Millisecond}
		f := newFile(t, p, body, kernel.FILE_ALL_ACCESS)
		buf := make([]byte, 8)

		start := time.Now()
		_, err := p.ReadFile(context.Background(), f, buf)
		assert.ErrorIs(t, err, kernel.ERROR_SEM_TIMEOUT)
		assert.Equal(t, 100*time.Millisecond, time.Since(start))

		body.timeout = -1
		done := make(chan waitResult, 1)
		go func() {
			n, err := p.ReadFile(context.Background(), f, buf)
			done <- waitResult{r: uint32(n), err: err}
		}()
		synctest.Wait()
		assert.Empty(t, done)
		_, err = p.WriteFile(context.Background(), f, []byte("abc"))
		require.NoError(t, err)
		res := <-done
		require.NoError(t, res.err)
		assert.Equal(t, uint32(3), res.r)

		ctx, cancel := context.WithCancel(context.Background())
		go func() {
			_, err := p.ReadFile(ctx, f, buf)
			done <- waitResult{err: err}
		}()
		synctest.Wait()
		cancel()
		res = <-done
		assert.ErrorIs(t, res.err, kernel.ERROR_OPERATION_ABORTED)
		assert.ErrorIs(t, res.err, context.Canceled)

		reader := kerneltest.NewProcess(t, m, "reader.exe")
		rf, err := p.DuplicateHandle(kernel.CurrentProcess, f, kernel.CurrentProcess, 0, false, kernel.DUPLICATE_SAME_ACCESS)
		require.NoError(t, err)
		hReader, err := p.OpenProcess(kernel.PROCESS_DUP_HANDLE, false, reader.PID())
		require.NoError(t, err)
		inReader, err := p.DuplicateHandle(kernel.CurrentProcess, rf, hReader, 0, false, kernel.DUPLICATE_SAME_ACCESS|kernel.DUPLICATE_CLOSE_SOURCE)
		require.NoError(t, err)
		go func() {
			_, err := reader.ReadFile(context.Background(), inReader, buf)
			done <- waitResult{err: err}
		}()
		synctest.Wait()
		reader.Terminate(1)
		res = <-done
		assert.ErrorIs(t, res.err, kernel.ERROR_OPERATION_ABORTED, "the reader's process exited")
		require.NoError(t, p.CloseHandle(hReader))
		require.NoError(t, p.CloseHandle(f))
	})
}

// Millis converts a Win32 millisecond timeout; INFINITE means no timeout.
func TestMillis(t *testing.T) {
	assert.Equal(t, time.Duration(-1), kernel.Millis(kernel.INFINITE))
	assert.Equal(t, 1500*time.Millisecond, kernel.Millis(1500))
	assert.Equal(t, time.Duration(0), kernel.Millis(0))
}

// SleepEx sleeps the time asked on the machine's clock and returns 0 (MS docs SleepEx);
// a sleep with no limit ends when the process exits, as its thread would, and when the
// caller's ctx ends, both with an error matching ERROR_OPERATION_ABORTED; a process
// already exiting sleeps no more.
func TestSleepExEndsByTimeExitOrContext(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := kerneltest.NewMachine(t)
		p := kerneltest.NewProcess(t, m, "a.exe")
		defer p.Terminate(0)
		start := time.Now()
		r, err := p.SleepEx(context.Background(), 250, false)
		require.NoError(t, err)
		assert.Zero(t, r)
		assert.Equal(t, 250*time.Millisecond, time.Since(start))

		ctx, cancel := context.WithCancel(context.Background())
		byCtx := make(chan error, 1)
		go func() { _, err := p.SleepEx(ctx, kernel.INFINITE, true); byCtx <- err }()
		synctest.Wait()
		assert.Empty(t, byCtx, "asleep")
		cancel()
		assert.ErrorIs(t, <-byCtx, kernel.ERROR_OPERATION_ABORTED)

		child, err := m.NewProcess("child.exe", nil)
		require.NoError(t, err)
		byExit := make(chan error, 1)
		go func() { _, err := child.SleepEx(context.Background(), kernel.INFINITE, false); byExit <- err }()
		synctest.Wait()
		assert.Empty(t, byExit, "asleep")
		child.Terminate(0)
		assert.ErrorIs(t, <-byExit, kernel.ERROR_OPERATION_ABORTED)
		_, err = child.SleepEx(context.Background(), kernel.INFINITE, false)
		assert.ErrorIs(t, err, kernel.ERROR_OPERATION_ABORTED, "an exited process does not sleep")
	})
}
