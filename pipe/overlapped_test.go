package pipe_test

import (
	"context"
	"runtime"
	"testing"
	"testing/synctest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/winsim/winsim/kernel"
	"github.com/winsim/winsim/pipe"
)

// overlappedPair returns a connected pair whose server end was created with
// FILE_FLAG_OVERLAPPED and whose client end was opened with it.
func overlappedPair(t testing.TB, p *kernel.Process, pipeMode, out, in uint32) (srv, cli kernel.Handle) {
	t.Helper()
	name := uniqueName(t)
	srv = server(t, p, name, pipe.PIPE_ACCESS_DUPLEX|pipe.FILE_FLAG_OVERLAPPED, pipeMode, 1, out, in)
	cli, err := p.CreateFile(name, rw, 0, nil, kernel.OPEN_EXISTING, kernel.FILE_FLAG_OVERLAPPED)
	require.NoError(t, err)
	return srv, cli
}

// newEvent creates a manual-reset event, initially as given.
func newEvent(t testing.TB, p *kernel.Process, signaled bool) kernel.Handle {
	t.Helper()
	h, err := p.CreateEvent(nil, true, signaled, "")
	require.NoError(t, err)
	return h
}

// signaled reports whether h is signalled now.
func signaled(t testing.TB, p *kernel.Process, h kernel.Handle) bool {
	t.Helper()
	r, err := p.WaitForSingleObject(bg, h, 0)
	require.NoError(t, err)
	return r == kernel.WAIT_OBJECT_0
}

// An overlapped read on an empty pipe returns ERROR_IO_PENDING with 0 bytes and leaves
// its event reset; GetOverlappedResult without waiting says ERROR_IO_INCOMPLETE; a write
// completes it: the event is signalled and GetOverlappedResult gives the bytes (Wine
// dlls/kernel32/tests/pipe.c _overlapped_read_async, serverThreadMain3; MS docs
// GetOverlappedResult).
func TestOverlappedReadPendsAndCompletesThroughItsEvent(t *testing.T) {
	m := newMachine(t)
	p := newProc(t, m, "a.exe")
	srv, cli := overlappedPair(t, p, bytePipe, 64, 64)
	ev := newEvent(t, p, true) // set: the call must reset it
	ov := &kernel.Overlapped{HEvent: ev}
	buf := make([]byte, 16)

	n, err := p.ReadFileOverlapped(bg, srv, buf, ov)
	assert.ErrorIs(t, err, kernel.ERROR_IO_PENDING)
	assert.Zero(t, n)
	assert.False(t, signaled(t, p, ev), "the event is reset while the read is pending")
	assert.False(t, kernel.HasOverlappedIoCompleted(ov))
	_, err = p.GetOverlappedResult(bg, srv, ov, false)
	assert.ErrorIs(t, err, kernel.ERROR_IO_INCOMPLETE)
	assert.Equal(t, 1, p.PendingRequests())

	write(t, p, cli, "hello")
	assert.True(t, signaled(t, p, ev))
	assert.True(t, kernel.HasOverlappedIoCompleted(ov))
	n, err = p.GetOverlappedResult(bg, srv, ov, true)
	require.NoError(t, err)
	assert.Equal(t, 5, n)
	assert.Equal(t, "hello", string(buf[:n]))
	assert.Zero(t, p.PendingRequests())
}

// An overlapped read that can complete at once returns its bytes, fills in the
// OVERLAPPED and sets the event (Wine dlls/ntdll/tests/pipe.c read_pipe_test).
func TestOverlappedReadThatCompletesAtOnce(t *testing.T) {
	m := newMachine(t)
	p := newProc(t, m, "a.exe")
	srv, cli := overlappedPair(t, p, bytePipe, 64, 64)
	write(t, p, cli, "abc")
	ev := newEvent(t, p, false)
	ov := &kernel.Overlapped{HEvent: ev}
	buf := make([]byte, 16)
	n, err := p.ReadFileOverlapped(bg, srv, buf, ov)
	require.NoError(t, err)
	assert.Equal(t, 3, n)
	assert.True(t, signaled(t, p, ev))
	got, err := p.GetOverlappedResult(bg, srv, ov, false)
	require.NoError(t, err)
	assert.Equal(t, 3, got)
}

// An overlapped read that fails at once (the writer has closed) still resets its event
// and reports the error directly (Wine dlls/ntdll/tests/pipe.c read_pipe_test).
func TestOverlappedReadThatFailsAtOnceResetsItsEvent(t *testing.T) {
	m := newMachine(t)
	p := newProc(t, m, "a.exe")
	srv, cli := overlappedPair(t, p, bytePipe, 64, 64)
	require.NoError(t, p.CloseHandle(cli))
	ev := newEvent(t, p, true)
	_, err := p.ReadFileOverlapped(bg, srv, make([]byte, 4), &kernel.Overlapped{HEvent: ev})
	assert.ErrorIs(t, err, kernel.ERROR_BROKEN_PIPE)
	assert.False(t, signaled(t, p, ev))
}

// A pending overlapped read fails with ERROR_BROKEN_PIPE and 0 bytes, its event
// signalled, when the writer closes its handle (Wine dlls/ntdll/tests/pipe.c
// read_pipe_test).
func TestPendingOverlappedReadFailsWhenTheWriterCloses(t *testing.T) {
	m := newMachine(t)
	p := newProc(t, m, "a.exe")
	srv, cli := overlappedPair(t, p, bytePipe, 64, 64)
	ev := newEvent(t, p, false)
	ov := &kernel.Overlapped{HEvent: ev}
	_, err := p.ReadFileOverlapped(bg, srv, make([]byte, 4), ov)
	require.ErrorIs(t, err, kernel.ERROR_IO_PENDING)
	require.NoError(t, p.CloseHandle(cli))
	assert.True(t, signaled(t, p, ev))
	n, err := p.GetOverlappedResult(bg, srv, ov, false)
	assert.ErrorIs(t, err, kernel.ERROR_BROKEN_PIPE)
	assert.Zero(t, n)
}

// ReadFile without an OVERLAPPED on a handle opened with FILE_FLAG_OVERLAPPED still
// blocks until data arrives (Wine dlls/kernel32/tests/pipe.c test_overlapped,
// overlapped_server: "This should block").
func TestSynchronousReadOnAnOverlappedHandleBlocks(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newMachine(t)
		p := newProc(t, m, "a.exe")
		srv, cli := overlappedPair(t, p, bytePipe, 64, 64)
		ch := asyncRead(p, srv, 8)
		requirePending(t, ch)
		write(t, p, cli, "x")
		res := requireDone(t, ch)
		require.NoError(t, res.err)
		assert.Equal(t, "x", res.s)
	})
}

// On a handle not opened with FILE_FLAG_OVERLAPPED, ReadFile given an OVERLAPPED does
// not return until the read is complete (MS docs ReadFile), and reports the result
// through it as well: the count in InternalHigh, the status in Internal, and its event,
// reset while the read waits, set by its completion (MS docs OVERLAPPED, hEvent).
func TestOverlappedOnASynchronousHandleBlocks(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newMachine(t)
		p := newProc(t, m, "a.exe")
		srv, cli, _ := pair(t, p, bytePipe, 64, 64)
		ev, err := p.CreateEvent(nil, true, true, "")
		require.NoError(t, err)
		ov := &kernel.Overlapped{HEvent: ev}
		ch := async(func() result {
			buf := make([]byte, 8)
			n, err := p.ReadFileOverlapped(bg, cli, buf, ov)
			return result{n: n, err: err, s: string(buf[:n])}
		})
		requirePending(t, ch)
		assert.False(t, signaled(t, p, ev), "the event is reset while the read waits")
		write(t, p, srv, "hello")
		res := requireDone(t, ch)
		require.NoError(t, res.err, "the call blocked and succeeded; no ERROR_IO_PENDING")
		assert.Equal(t, "hello", res.s)
		assert.Equal(t, uintptr(5), ov.InternalHigh)
		assert.Equal(t, uintptr(0), ov.Internal)
		assert.True(t, signaled(t, p, ev), "its completion set the event")
		require.NoError(t, p.CloseHandle(ev))
	})
}

// CancelIoEx(h, &ov) cancels exactly that read: it fails with ERROR_OPERATION_ABORTED
// and 0 bytes while the read queued before it still receives the next byte; cancelling
// the same OVERLAPPED again gives ERROR_NOT_FOUND (Wine dlls/kernel32/tests/pipe.c
// test_blocking_rw).
func TestCancelIoExCancelsOneReadAndOnlyOnce(t *testing.T) {
	m := newMachine(t)
	p := newProc(t, m, "a.exe")
	srv, cli := overlappedPair(t, p, bytePipe, 64, 64)
	ov1 := &kernel.Overlapped{HEvent: newEvent(t, p, false)}
	ov2 := &kernel.Overlapped{HEvent: newEvent(t, p, false)}
	buf1, buf2 := make([]byte, 1), make([]byte, 1)
	_, err := p.ReadFileOverlapped(bg, srv, buf1, ov1)
	require.ErrorIs(t, err, kernel.ERROR_IO_PENDING)
	_, err = p.ReadFileOverlapped(bg, srv, buf2, ov2)
	require.ErrorIs(t, err, kernel.ERROR_IO_PENDING)

	require.NoError(t, p.CancelIoEx(srv, ov2))
	n, err := p.GetOverlappedResult(bg, srv, ov2, false)
	assert.ErrorIs(t, err, kernel.ERROR_OPERATION_ABORTED)
	assert.Zero(t, n)
	assert.ErrorIs(t, p.CancelIoEx(srv, ov2), kernel.ERROR_NOT_FOUND)

	write(t, p, cli, "z")
	n, err = p.GetOverlappedResult(bg, srv, ov1, true)
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	assert.Equal(t, "z", string(buf1))
	// Nothing pending: CancelIoEx(h, NULL) says ERROR_NOT_FOUND, CancelIo succeeds
	// (Wine dlls/ntdll/tests/pipe.c test_cancelio).
	assert.ErrorIs(t, p.CancelIoEx(srv, nil), kernel.ERROR_NOT_FOUND)
	assert.NoError(t, p.CancelIo(srv))
}

// Cancelling a pending write removes all of its unread bytes from the pipe, even those
// the reader could already see, and reports 0 bytes; a write queued behind it becomes
// the head (Wine dlls/kernel32/tests/pipe.c test_blocking_rw).
func TestCancelledOverlappedWriteTakesItsBytesOut(t *testing.T) {
	m := newMachine(t)
	p := newProc(t, m, "a.exe")
	srv, cli := overlappedPair(t, p, bytePipe, 4, 4)
	ov1 := &kernel.Overlapped{HEvent: newEvent(t, p, false)}
	ov2 := &kernel.Overlapped{HEvent: newEvent(t, p, false)}
	_, err := p.WriteFileOverlapped(bg, cli, make([]byte, 10), ov1)
	require.ErrorIs(t, err, kernel.ERROR_IO_PENDING)
	_, err = p.WriteFileOverlapped(bg, cli, []byte("y"), ov2)
	require.ErrorIs(t, err, kernel.ERROR_IO_PENDING)
	_, avail, _, err := pipe.PeekNamedPipe(p, srv, nil)
	require.NoError(t, err)
	require.Equal(t, uint32(11), avail)

	require.NoError(t, p.CancelIoEx(cli, ov1))
	n, err := p.GetOverlappedResult(bg, cli, ov1, false)
	assert.ErrorIs(t, err, kernel.ERROR_OPERATION_ABORTED)
	assert.Zero(t, n)
	_, avail, _, err = pipe.PeekNamedPipe(p, srv, nil)
	require.NoError(t, err)
	assert.Equal(t, uint32(1), avail, "only the write queued behind it is left")
	n, err = p.GetOverlappedResult(bg, cli, ov2, false)
	require.NoError(t, err, "the second write now fits and has completed")
	assert.Equal(t, 1, n)
}

// An overlapped ConnectNamedPipe pends, resetting the server handle; CancelIo then
// signals its event and GetOverlappedResult gives ERROR_OPERATION_ABORTED (Wine
// dlls/kernel32/tests/pipe.c test_overlapped, create_overlapped_pipe).
func TestOverlappedConnectCancelledByCancelIo(t *testing.T) {
	m := newMachine(t)
	p := newProc(t, m, "a.exe")
	name := uniqueName(t)
	srv := server(t, p, name, pipe.PIPE_ACCESS_DUPLEX|pipe.FILE_FLAG_OVERLAPPED, bytePipe, 1, 64, 64)
	ev := newEvent(t, p, false)
	ov := &kernel.Overlapped{HEvent: ev}
	err := pipe.ConnectNamedPipeOverlapped(bg, p, srv, ov)
	require.ErrorIs(t, err, kernel.ERROR_IO_PENDING)
	assert.False(t, signaled(t, p, srv), "a pending connect resets the server handle")
	require.NoError(t, p.CancelIo(srv))
	assert.True(t, signaled(t, p, ev))
	_, err = p.GetOverlappedResult(bg, srv, ov, false)
	assert.ErrorIs(t, err, kernel.ERROR_OPERATION_ABORTED)
}

// An overlapped ConnectNamedPipe completes when a client connects: its event is
// signalled, the server handle stays unsignalled because an event was given, and the
// new client handle is signalled (Wine dlls/kernel32/tests/pipe.c
// create_overlapped_pipe, test_signaled).
func TestOverlappedConnectCompletesWhenAClientConnects(t *testing.T) {
	m := newMachine(t)
	p := newProc(t, m, "a.exe")
	name := uniqueName(t)
	srv := server(t, p, name, pipe.PIPE_ACCESS_DUPLEX|pipe.FILE_FLAG_OVERLAPPED, bytePipe, 1, 64, 64)
	require.NoError(t, pipe.DisconnectNamedPipe(p, srv)) // not listening until ConnectNamedPipe
	ev := newEvent(t, p, false)
	ov := &kernel.Overlapped{HEvent: ev}
	require.ErrorIs(t, pipe.ConnectNamedPipeOverlapped(bg, p, srv, ov), kernel.ERROR_IO_PENDING)
	cli := client(t, p, name, rw)
	assert.True(t, signaled(t, p, ev))
	assert.False(t, signaled(t, p, srv))
	assert.True(t, signaled(t, p, cli))
	_, err := p.GetOverlappedResult(bg, srv, ov, false)
	assert.NoError(t, err)
}

// With no event in the OVERLAPPED, GetOverlappedResult waits on the file handle, which
// the completion signals (MS docs GetOverlappedResult: "If hEvent is NULL, the system
// uses the state of the hFile handle").
func TestGetOverlappedResultWaitsOnTheHandleWithoutAnEvent(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newMachine(t)
		p := newProc(t, m, "a.exe")
		srv, cli := overlappedPair(t, p, bytePipe, 64, 64)
		ov := &kernel.Overlapped{}
		_, err := p.ReadFileOverlapped(bg, srv, make([]byte, 8), ov)
		require.ErrorIs(t, err, kernel.ERROR_IO_PENDING)
		ch := async(func() result {
			n, err := p.GetOverlappedResult(bg, srv, ov, true)
			return result{n: n, err: err}
		})
		requirePending(t, ch)
		write(t, p, cli, "data")
		res := requireDone(t, ch)
		require.NoError(t, res.err)
		assert.Equal(t, 4, res.n)
	})
}

// GetOverlappedResultEx with a timeout on a pending operation gives WAIT_TIMEOUT after
// it, ERROR_IO_INCOMPLETE for timeout 0 (Wine dlls/kernel32/tests/pipe.c
// test_GetOverlappedResultEx).
func TestGetOverlappedResultExTimeout(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newMachine(t)
		p := newProc(t, m, "a.exe")
		srv, cli := overlappedPair(t, p, bytePipe, 4, 4)
		ov := &kernel.Overlapped{HEvent: newEvent(t, p, false)}
		_, err := p.WriteFileOverlapped(bg, cli, make([]byte, 10), ov)
		require.ErrorIs(t, err, kernel.ERROR_IO_PENDING)
		_, err = p.GetOverlappedResultEx(bg, cli, ov, 0, false)
		assert.ErrorIs(t, err, kernel.ERROR_IO_INCOMPLETE)
		_, err = p.GetOverlappedResultEx(bg, cli, ov, 10, false)
		assert.ErrorIs(t, err, kernel.WAIT_TIMEOUT)
		require.NoError(t, p.CancelIo(cli))
		_ = srv
	})
}

// With the handle bound to a completion port, an overlapped read that completes at once
// queues a packet with the key and OVERLAPPED; with FILE_SKIP_COMPLETION_PORT_ON_SUCCESS
// it queues none; a read that fails at once never does; a pending read's completion
// does (Wine dlls/kernel32/tests/pipe.c serverThreadMain4, dlls/ntdll/tests/pipe.c
// test_completion).
func TestCompletionPortPackets(t *testing.T) {
	m := newMachine(t)
	p := newProc(t, m, "a.exe")
	srv, cli := overlappedPair(t, p, bytePipe, 64, 64)
	port, err := p.CreateIoCompletionPort(srv, 0, 42, 0)
	require.NoError(t, err)
	defer p.CloseHandle(port)

	write(t, p, cli, "ab")
	ov := &kernel.Overlapped{}
	n, err := p.ReadFileOverlapped(bg, srv, make([]byte, 8), ov)
	require.NoError(t, err)
	require.Equal(t, 2, n)
	st, err := p.GetQueuedCompletionStatus(bg, port, 0)
	require.NoError(t, err)
	assert.Equal(t, kernel.CompletionStatus{Bytes: 2, Key: 42, Overlapped: ov}, st)

	// Pending, then completed by a write.
	ov2 := &kernel.Overlapped{}
	_, err = p.ReadFileOverlapped(bg, srv, make([]byte, 8), ov2)
	require.ErrorIs(t, err, kernel.ERROR_IO_PENDING)
	_, err = p.GetQueuedCompletionStatus(bg, port, 0)
	assert.ErrorIs(t, err, kernel.WAIT_TIMEOUT, "nothing queued while pending")
	write(t, p, cli, "xyz")
	st, err = p.GetQueuedCompletionStatus(bg, port, kernel.INFINITE)
	require.NoError(t, err)
	assert.Equal(t, kernel.CompletionStatus{Bytes: 3, Key: 42, Overlapped: ov2}, st)

	// FILE_SKIP_COMPLETION_PORT_ON_SUCCESS: an at-once success queues nothing.
	require.NoError(t, p.SetFileCompletionNotificationModes(srv, uint8(kernel.FILE_SKIP_COMPLETION_PORT_ON_SUCCESS)))
	write(t, p, cli, "q")
	_, err = p.ReadFileOverlapped(bg, srv, make([]byte, 8), &kernel.Overlapped{})
	require.NoError(t, err)
	_, err = p.GetQueuedCompletionStatus(bg, port, 0)
	assert.ErrorIs(t, err, kernel.WAIT_TIMEOUT)

	// An immediate failure queues nothing either.
	require.NoError(t, p.CloseHandle(cli))
	_, err = p.ReadFileOverlapped(bg, srv, make([]byte, 8), &kernel.Overlapped{})
	require.ErrorIs(t, err, kernel.ERROR_BROKEN_PIPE)
	_, err = p.GetQueuedCompletionStatus(bg, port, 0)
	assert.ErrorIs(t, err, kernel.WAIT_TIMEOUT)

	// A file is associated with one port only.
	_, err = p.CreateIoCompletionPort(srv, 0, 1, 0)
	assert.ErrorIs(t, err, kernel.ERROR_INVALID_PARAMETER)
}

// On a handle bound to a completion port and set to FILE_SKIP_COMPLETION_PORT_ON_SUCCESS,
// a partial message read is not a success the flag skips: as on Windows 8 and later it
// reports ERROR_IO_PENDING, with STATUS_BUFFER_OVERFLOW and the count already in the
// OVERLAPPED, and queues a packet; the read of the rest succeeds at once and queues
// none. Without the flag the partial read returns ERROR_MORE_DATA at once and queues its
// packet (Wine dlls/ntdll/tests/pipe.c test_completion; windows-facts.md NP-134,
// NP-135).
func TestSkipCompletionPortOnSuccessPartialReadPends(t *testing.T) {
	for _, skip := range []bool{true, false} {
		m := newMachine(t)
		p := newProc(t, m, "a.exe")
		srv, cli := overlappedPair(t, p, msgPipe, 64, 64)
		port, err := p.CreateIoCompletionPort(srv, 0, 7, 0)
		require.NoError(t, err)
		if skip {
			require.NoError(t, p.SetFileCompletionNotificationModes(srv, uint8(kernel.FILE_SKIP_COMPLETION_PORT_ON_SUCCESS)))
		}
		write(t, p, cli, "testdata")
		ov := &kernel.Overlapped{HEvent: newEvent(t, p, true)}
		buf := make([]byte, 1)
		n, err := p.ReadFileOverlapped(bg, srv, buf, ov)
		if skip {
			assert.ErrorIs(t, err, kernel.ERROR_IO_PENDING)
			assert.Zero(t, n)
		} else {
			assert.ErrorIs(t, err, kernel.ERROR_MORE_DATA)
			assert.Equal(t, 1, n)
		}
		assert.True(t, kernel.HasOverlappedIoCompleted(ov), "skip=%v", skip)
		assert.Equal(t, uintptr(kernel.STATUS_BUFFER_OVERFLOW), ov.Internal)
		assert.Equal(t, uintptr(1), ov.InternalHigh)
		assert.True(t, signaled(t, p, ov.HEvent), "the event is set")
		st, err := p.GetQueuedCompletionStatus(bg, port, 0)
		assert.ErrorIs(t, err, kernel.ERROR_MORE_DATA)
		assert.Equal(t, kernel.CompletionStatus{Bytes: 1, Key: 7, Overlapped: ov}, st)
		n, err = p.GetOverlappedResult(bg, srv, ov, false)
		assert.ErrorIs(t, err, kernel.ERROR_MORE_DATA)
		assert.Equal(t, 1, n)
		assert.Equal(t, "t", string(buf))

		rest := make([]byte, 16)
		n, err = p.ReadFileOverlapped(bg, srv, rest, &kernel.Overlapped{})
		require.NoError(t, err)
		assert.Equal(t, "estdata", string(rest[:n]))
		_, err = p.GetQueuedCompletionStatus(bg, port, 0)
		if skip {
			assert.ErrorIs(t, err, kernel.WAIT_TIMEOUT, "an at-once success queues nothing")
		} else {
			assert.NoError(t, err, "without the flag every completion queues a packet")
		}
		require.NoError(t, p.CloseHandle(port))
	}
}

// A process exits with an overlapped read pending on a handle bound to a completion
// port another process also holds: the port receives a packet with
// ERROR_OPERATION_ABORTED, 0 bytes and the original key (Wine
// dlls/kernel32/tests/pipe.c test_exit_process_async).
func TestExitCompletesPendingOverlappedReadToThePort(t *testing.T) {
	m := newMachine(t)
	parent := newProc(t, m, "parent.exe")
	child := newProc(t, m, "child.exe")
	srv, cli := overlappedPair(t, child, bytePipe, 64, 64)
	port, err := child.CreateIoCompletionPort(srv, 0, 7, 0)
	require.NoError(t, err)
	hChild, err := parent.OpenProcess(kernel.PROCESS_DUP_HANDLE, false, child.PID())
	require.NoError(t, err)
	parentPort, err := parent.DuplicateHandle(hChild, port, kernel.CurrentProcess, 0, false, kernel.DUPLICATE_SAME_ACCESS)
	require.NoError(t, err)
	require.NoError(t, parent.CloseHandle(hChild))

	ov := &kernel.Overlapped{}
	_, err = child.ReadFileOverlapped(bg, srv, make([]byte, 8), ov)
	require.ErrorIs(t, err, kernel.ERROR_IO_PENDING)
	_ = cli
	child.Terminate(0)
	_, err = child.Wait(bg)
	require.NoError(t, err)

	st, err := parent.GetQueuedCompletionStatus(bg, parentPort, 0)
	assert.ErrorIs(t, err, kernel.ERROR_OPERATION_ABORTED)
	assert.Equal(t, kernel.CompletionStatus{Bytes: 0, Key: 7, Overlapped: ov}, st)
	require.NoError(t, parent.CloseHandle(parentPort))
}

// Process exit in Windows' order: a call blocked at exit reports
// ERROR_OPERATION_ABORTED, never the broken pipe its own handle close would cause, and
// when the wait on the process returns no reference of its calls is left: Leaks is
// exact at that moment (MS docs "Terminating a Process": outstanding I/O is cancelled,
// then handles are closed; Wine dlls/kernel32/tests/pipe.c test_overlapped_transport).
func TestExitCancelsBlockedCallsBeforeClosingHandles(t *testing.T) {
	for i := 0; i < 50; i++ {
		m := newMachine(t)
		p, err := m.NewProcess("blocked.exe", nil)
		require.NoError(t, err)
		_, cli, _ := pair(t, p, bytePipe, 4, 4)
		results := make(chan error, 2)
		go func() { _, err := p.ReadFile(context.Background(), cli, make([]byte, 8)); results <- err }()
		go func() { _, err := p.WriteFile(context.Background(), cli, make([]byte, 100)); results <- err }()
		for p.PendingRequests() < 2 {
			runtime.Gosched() // until the read and the write are queued
		}
		p.Terminate(0)
		_, err = p.Wait(context.Background())
		require.NoError(t, err)
		assert.Empty(t, m.Leaks(), "round %d: nothing is held once the wait returns", i)
		for j := 0; j < 2; j++ {
			err := <-results
			{
				assert.ErrorIs(t, err, kernel.ERROR_OPERATION_ABORTED, "round %d", i)
				assert.NotErrorIs(t, err, kernel.ERROR_BROKEN_PIPE)
			}
		}
	}
}

// The same exactness for a call given an Overlapped on a handle not opened for overlapped
// I/O, which blocks as Windows has it (MS docs ReadFile: "If hFile was not opened with
// FILE_FLAG_OVERLAPPED ... the function does not return until the read operation is
// complete"): its completion, here by the exit, reports the result through the
// Overlapped and sets its event, and drops the call's references to the file and the
// event then, not when its goroutine next runs. With one P the goroutine has not run
// when Wait returns.
func TestExitLeavesNothingOfSyncCallWithOverlapped(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	m := newMachine(t)
	p, err := m.NewProcess("blocked.exe", nil)
	require.NoError(t, err)
	_, cli, _ := pair(t, p, bytePipe, 4, 4)
	ev, err := p.CreateEvent(nil, true, false, "")
	require.NoError(t, err)
	ov := &kernel.Overlapped{HEvent: ev}
	results := make(chan error, 1)
	go func() { _, err := p.ReadFileOverlapped(context.Background(), cli, make([]byte, 8), ov); results <- err }()
	for p.PendingRequests() < 1 {
		runtime.Gosched() // until the read is queued
	}
	p.Terminate(0)
	_, err = p.Wait(context.Background())
	require.NoError(t, err)
	assert.Empty(t, m.Leaks(), "nothing is held once the wait returns")
	assert.ErrorIs(t, <-results, kernel.ERROR_OPERATION_ABORTED)
	assert.True(t, kernel.HasOverlappedIoCompleted(ov))
	assert.Equal(t, uintptr(kernel.STATUS_CANCELLED), ov.Internal, "the status is the cancellation's")
}

// A flush completes when the reader has drained what was written; a close or
// disconnect that comes later does not change its result (issue found by an adversarial
// run: the flush reported ERROR_BROKEN_PIPE after the client had read everything).
func TestFlushThatCompletedStaysCompleted(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		for _, disconnect := range []bool{false, true} {
			m := newMachine(t)
			p := newProc(t, m, "a.exe")
			srv, cli, _ := pair(t, p, bytePipe, 64, 64)
			write(t, p, srv, "reply")
			fl := async(func() result { return result{err: p.FlushFileBuffers(bg, srv)} })
			synctest.Wait()
			s, err := read(p, cli, 5)
			require.NoError(t, err)
			require.Equal(t, "reply", s)
			// The flusher has not run yet when the connection goes away.
			if disconnect {
				require.NoError(t, pipe.DisconnectNamedPipe(p, srv))
			} else {
				require.NoError(t, p.CloseHandle(cli))
			}
			res := requireDone(t, fl)
			assert.NoError(t, res.err, "disconnect=%v", disconnect)
			if disconnect {
				require.NoError(t, p.CloseHandle(cli))
			}
			require.NoError(t, p.CloseHandle(srv))
		}
	})
}

// WaitNamedPipe is a request too: pending while it waits (PendingRequests counts it),
// ended by its timeout on the machine's clock with ERROR_SEM_TIMEOUT (Wine
// dlls/kernel32/tests/pipe.c test_CreateNamedPipe: WaitNamedPipe on a busy pipe times
// out).
func TestWaitNamedPipeIsARequestWithATimeout(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newMachine(t)
		p := newProc(t, m, "a.exe")
		name := uniqueName(t)
		srv := server(t, p, name, pipe.PIPE_ACCESS_DUPLEX, bytePipe, 1, 64, 64)
		_ = client(t, p, name, rw) // the only instance is taken
		ch := async(func() result { return result{err: pipe.WaitNamedPipe(bg, p, name, 250)} })
		requirePending(t, ch)
		assert.Equal(t, 1, p.PendingRequests())
		res := <-ch
		assert.ErrorIs(t, res.err, kernel.ERROR_SEM_TIMEOUT)
		assert.Zero(t, p.PendingRequests())
		_ = srv
	})
}

// Closing one of two handles to a pipe end does not end a call blocked through the
// other: only the last handle's close (NT's cleanup of the file object) does (MS docs
// CloseHandle: the object stays while handles to it remain; Wine
// dlls/kernel32/tests/pipe.c test_CloseHandle closes the last handle).
func TestClosingOneOfTwoHandlesLeavesABlockedReadAlone(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newMachine(t)
		p := newProc(t, m, "a.exe")
		srv, cli, _ := pair(t, p, bytePipe, 64, 64)
		dup, err := p.DuplicateHandle(kernel.CurrentProcess, srv, kernel.CurrentProcess, 0, false, kernel.DUPLICATE_SAME_ACCESS)
		require.NoError(t, err)
		ch := asyncRead(p, dup, 8)
		requirePending(t, ch)
		require.NoError(t, p.CloseHandle(srv))
		requirePending(t, ch)
		write(t, p, cli, "still")
		res := requireDone(t, ch)
		require.NoError(t, res.err)
		assert.Equal(t, "still", res.s)
		require.NoError(t, p.CloseHandle(dup))
	})
}

// An overlapped message read into a short buffer completes with ERROR_MORE_DATA and the
// count, reported through GetOverlappedResult; the rest of the message stays for the
// next read (Wine dlls/kernel32/tests/pipe.c test_overlapped_transport;
// windows-facts.md NP-52, NP-132).
func TestPendingOverlappedMessageReadReportsMoreData(t *testing.T) {
	m := newMachine(t)
	p := newProc(t, m, "a.exe")
	srv, cli := overlappedPair(t, p, msgPipe, 64, 64)
	ov := &kernel.Overlapped{HEvent: newEvent(t, p, false)}
	buf := make([]byte, 4)
	_, err := p.ReadFileOverlapped(bg, srv, buf, ov)
	require.ErrorIs(t, err, kernel.ERROR_IO_PENDING)
	write(t, p, cli, "0123456789")
	n, err := p.GetOverlappedResult(bg, srv, ov, true)
	assert.ErrorIs(t, err, kernel.ERROR_MORE_DATA)
	assert.Equal(t, 4, n)
	assert.Equal(t, "0123", string(buf))
	s, err := read(p, srv, 16)
	require.NoError(t, err)
	assert.Equal(t, "456789", s)
}

// With FILE_SKIP_SET_EVENT_ON_HANDLE the completion of a pending read with no event
// leaves the handle unsignalled; without it the handle is signalled (Wine
// dlls/ntdll/tests/pipe.c test_completion; windows-facts.md NP-144).
func TestSkipSetEventOnHandle(t *testing.T) {
	for _, skip := range []bool{false, true} {
		m := newMachine(t)
		p := newProc(t, m, "a.exe")
		srv, cli := overlappedPair(t, p, bytePipe, 64, 64)
		if skip {
			require.NoError(t, p.SetFileCompletionNotificationModes(srv, uint8(kernel.FILE_SKIP_SET_EVENT_ON_HANDLE)))
		}
		ov := &kernel.Overlapped{}
		_, err := p.ReadFileOverlapped(bg, srv, make([]byte, 4), ov)
		require.ErrorIs(t, err, kernel.ERROR_IO_PENDING)
		require.False(t, signaled(t, p, srv), "a pending read resets the handle")
		write(t, p, cli, "x")
		require.True(t, kernel.HasOverlappedIoCompleted(ov))
		assert.Equal(t, !skip, signaled(t, p, srv), "skip=%v", skip)
	}
}
