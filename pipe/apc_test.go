package pipe_test

import (
	"testing"
	"testing/synctest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/winsim/winsim/kernel"
)

// ReadFileEx succeeds when the read is queued, pending or not; its completion routine
// never runs inside ReadFileEx or inside the peer's WriteFile, only in an alertable wait,
// which then returns WAIT_IO_COMPLETION; it runs exactly once, with error code 0, the
// count and the same OVERLAPPED (Wine dlls/kernel32/tests/pipe.c serverThreadMain5,
// test_readfileex_pending; windows-facts.md NP-126).
func TestReadFileExRoutineRunsOnlyInAnAlertableWait(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newMachine(t)
		p := newProc(t, m, "a.exe")
		srv, cli := overlappedPair(t, p, bytePipe, 64, 64)
		type call struct {
			code, n uint32
			ov      *kernel.Overlapped
		}
		var calls []call
		routine := func(code, n uint32, ov *kernel.Overlapped) { calls = append(calls, call{code, n, ov}) }
		ov := &kernel.Overlapped{}
		buf := make([]byte, 8)
		require.NoError(t, p.ReadFileEx(bg, srv, buf, ov, routine))
		write(t, p, cli, "abc")
		assert.Empty(t, calls, "not inside the peer's WriteFile")
		r, err := p.WaitForSingleObjectEx(bg, srv, 0, false)
		require.NoError(t, err)
		assert.Equal(t, kernel.WAIT_OBJECT_0, r, "a non-alertable wait runs nothing")
		assert.Empty(t, calls)
		r, err = p.SleepEx(bg, kernel.INFINITE, true)
		require.NoError(t, err)
		assert.Equal(t, uint32(kernel.WAIT_IO_COMPLETION), r)
		require.Equal(t, []call{{0, 3, ov}}, calls)
		assert.Equal(t, "abc", string(buf[:3]))

		// Completed at once: still queued, still run only by an alertable wait.
		write(t, p, cli, "de")
		ov2 := &kernel.Overlapped{}
		require.NoError(t, p.ReadFileEx(bg, srv, buf, ov2, routine))
		assert.Len(t, calls, 1)
		r, err = p.SleepEx(bg, 0, true)
		require.NoError(t, err)
		assert.Equal(t, uint32(kernel.WAIT_IO_COMPLETION), r)
		assert.Equal(t, call{0, 2, ov2}, calls[1])

		// Nothing queued: an alertable sleep just sleeps.
		r, err = p.SleepEx(bg, 10, true)
		require.NoError(t, err)
		assert.Zero(t, r)
	})
}

// A WriteFileEx that has to wait for the reader still succeeds, and its routine runs in
// the alertable wait after the reader has drained enough (Wine dlls/kernel32/tests/pipe.c
// test_readfileex_pending; windows-facts.md NP-127).
func TestWriteFileExThatWaitsCompletesAfterTheReaderDrains(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newMachine(t)
		p := newProc(t, m, "a.exe")
		srv, cli := overlappedPair(t, p, bytePipe, 4, 4)
		var got []uint32
		routine := func(code, n uint32, _ *kernel.Overlapped) { got = append(got, code, n) }
		require.NoError(t, p.WriteFileEx(bg, srv, []byte("0123456789"), &kernel.Overlapped{}, routine))
		r, err := p.SleepEx(bg, 0, true)
		require.NoError(t, err)
		assert.Zero(t, r, "the write is still pending")
		s, err := read(p, cli, 16)
		require.NoError(t, err)
		assert.Equal(t, "0123456789", s)
		r, err = p.SleepEx(bg, kernel.INFINITE, true)
		require.NoError(t, err)
		assert.Equal(t, uint32(kernel.WAIT_IO_COMPLETION), r)
		assert.Equal(t, []uint32{0, 10}, got)
	})
}

// GetOverlappedResultEx with alertable set runs a queued user APC and reports
// WAIT_IO_COMPLETION; without it, WAIT_TIMEOUT (Wine dlls/kernel32/tests/pipe.c
// test_GetOverlappedResultEx; windows-facts.md NP-125).
func TestGetOverlappedResultExAlertable(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newMachine(t)
		p := newProc(t, m, "a.exe")
		srv, cli := overlappedPair(t, p, bytePipe, 4, 4)
		ov := &kernel.Overlapped{HEvent: newEvent(t, p, false)}
		_, err := p.WriteFileOverlapped(bg, cli, make([]byte, 10), ov)
		require.ErrorIs(t, err, kernel.ERROR_IO_PENDING)
		ran := 0
		require.NoError(t, p.QueueUserAPC(func(uintptr) { ran++ }, 0))
		_, err = p.GetOverlappedResultEx(bg, cli, ov, 0, true)
		assert.ErrorIs(t, err, kernel.ERROR_IO_INCOMPLETE, "timeout 0 runs no APC")
		assert.Zero(t, ran)
		_, err = p.GetOverlappedResultEx(bg, cli, ov, 10, false)
		assert.ErrorIs(t, err, kernel.WAIT_TIMEOUT)
		assert.Zero(t, ran)
		_, err = p.GetOverlappedResultEx(bg, cli, ov, 10, true)
		assert.ErrorIs(t, err, kernel.WAIT_IO_COMPLETION)
		assert.Equal(t, 1, ran)
		require.NoError(t, p.CancelIo(cli))
		_ = srv
	})
}

// ReadFileEx on a handle associated with a completion port fails with
// ERROR_INVALID_PARAMETER (Wine dlls/ntdll/tests/pipe.c
// test_async_cancel_on_handle_close; windows-facts.md NP-136).
func TestReadFileExOnAPortBoundHandleIsInvalid(t *testing.T) {
	m := newMachine(t)
	p := newProc(t, m, "a.exe")
	srv, _ := overlappedPair(t, p, bytePipe, 64, 64)
	port, err := p.CreateIoCompletionPort(srv, 0, 1, 0)
	require.NoError(t, err)
	defer p.CloseHandle(port)
	err = p.ReadFileEx(bg, srv, make([]byte, 4), &kernel.Overlapped{}, func(uint32, uint32, *kernel.Overlapped) {})
	assert.ErrorIs(t, err, kernel.ERROR_INVALID_PARAMETER)
}
