package pipe_test

import (
	"context"
	"testing"
	"testing/synctest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/winsim/winsim/kernel"
	"github.com/winsim/winsim/pipe"
)

// asyncTransact calls TransactNamedPipe on another goroutine.
func asyncTransact(ctx context.Context, p *kernel.Process, h kernel.Handle, in string, outSize int) <-chan result {
	return async(func() result {
		out := make([]byte, outSize)
		n, err := pipe.TransactNamedPipe(ctx, p, h, []byte(in), out)
		return result{n: n, s: string(out[:n]), err: err}
	})
}

// msgPair returns a message pipe with both ends in message read mode.
func msgPair(t testing.TB, p *kernel.Process, out, in uint32) (srv, cli kernel.Handle) {
	t.Helper()
	srv, cli, _ = pair(t, p, msgPipe, out, in)
	setMode(t, p, cli, pipe.PIPE_READMODE_MESSAGE)
	return srv, cli
}

// TransactNamedPipe needs a message pipe (ERROR_BAD_PIPE on a byte pipe, windows-facts.md NP-113) and a caller in message read mode (ERROR_BAD_PIPE, NP-114).
func TestTransactNeedsMessagePipeAndReadMode(t *testing.T) {
	m := newMachine(t)
	p := newProc(t, m, "a.exe")
	srv, cli, _ := pair(t, p, bytePipe, 1024, 1024)
	_, err := pipe.TransactNamedPipe(bg, p, cli, []byte("abc"), make([]byte, 8))
	assert.ErrorIs(t, err, kernel.ERROR_BAD_PIPE)
	_, err = pipe.TransactNamedPipe(bg, p, srv, []byte("abc"), make([]byte, 8))
	assert.ErrorIs(t, err, kernel.ERROR_BAD_PIPE)
	msrv, mcli, _ := pair(t, p, msgPipe, 1024, 1024)
	_, err = pipe.TransactNamedPipe(bg, p, mcli, []byte("abc"), make([]byte, 8))
	assert.ErrorIs(t, err, kernel.ERROR_BAD_PIPE, "the client is in byte read mode")
	_, avail, _, err := pipe.PeekNamedPipe(p, msrv, nil)
	require.NoError(t, err)
	assert.Zero(t, avail, "nothing was sent")
}

// A transaction writes its request and waits for the reply, both ways round (windows-facts.md NP-115, test_transact).
func TestTransactRoundTrip(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newMachine(t)
		p := newProc(t, m, "a.exe")
		srv, cli := msgPair(t, p, 5000, 6000)
		for _, dir := range [][2]kernel.Handle{{cli, srv}, {srv, cli}} {
			caller, callee := dir[0], dir[1]
			tr := asyncTransact(bg, p, caller, "abc", 100)
			requirePending(t, tr)
			write(t, p, callee, "test")
			res := requireDone(t, tr)
			assert.NoError(t, res.err)
			assert.Equal(t, "test", res.s)
			s, err := read(p, callee, 100)
			require.NoError(t, err)
			assert.Equal(t, "abc", s)
		}
	})
}

// A transaction with data already waiting for the caller fails with ERROR_PIPE_BUSY and
// leaves the data (windows-facts.md NP-116).
func TestTransactWithUnreadDataIsPipeBusy(t *testing.T) {
	m := newMachine(t)
	p := newProc(t, m, "a.exe")
	srv, cli := msgPair(t, p, 1024, 1024)
	write(t, p, srv, "unread")
	_, err := pipe.TransactNamedPipe(bg, p, cli, []byte("abc"), make([]byte, 8))
	assert.ErrorIs(t, err, kernel.ERROR_PIPE_BUSY)
	s, err := read(p, cli, 8)
	require.NoError(t, err)
	assert.Equal(t, "unread", s)
	_, avail, _, err := pipe.PeekNamedPipe(p, srv, nil)
	require.NoError(t, err)
	assert.Zero(t, avail)
}

// A transaction does not wait for the caller's earlier blocked write: its request queues
// behind it and the callee reads the big message first (windows-facts.md NP-117).
func TestTransactQueuesBehindBlockedWrite(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newMachine(t)
		p := newProc(t, m, "a.exe")
		srv, cli := msgPair(t, p, 100, 100)
		big := make([]byte, 300)
		w := asyncWrite(p, cli, big)
		requirePending(t, w)
		tr := asyncTransact(bg, p, cli, "rq", 16)
		requirePending(t, tr)
		s, err := read(p, srv, 1000)
		require.NoError(t, err)
		assert.Len(t, s, 300)
		assert.Equal(t, 300, requireDone(t, w).n)
		s, err = read(p, srv, 1000)
		require.NoError(t, err)
		assert.Equal(t, "rq", s)
		write(t, p, srv, "ok")
		assert.Equal(t, "ok", requireDone(t, tr).s)
	})
}

// A reply longer than the read buffer gives ERROR_MORE_DATA with what fits; the rest is
// read with ReadFile (windows-facts.md NP-118).
func TestTransactShortReplyBufferIsMoreData(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newMachine(t)
		p := newProc(t, m, "a.exe")
		srv, cli := msgPair(t, p, 1024, 1024)
		tr := asyncTransact(bg, p, cli, "abc", 6)
		requirePending(t, tr)
		write(t, p, srv, "0123456789")
		res := requireDone(t, tr)
		assert.ErrorIs(t, res.err, kernel.ERROR_MORE_DATA)
		assert.Equal(t, "012345", res.s)
		s, err := read(p, cli, 16)
		require.NoError(t, err)
		assert.Equal(t, "6789", s)
	})
}

// A read already pending on the callee is satisfied by the transaction's request while
// the transaction waits (windows-facts.md NP-119).
func TestTransactSatisfiesPendingReadOfCallee(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newMachine(t)
		p := newProc(t, m, "a.exe")
		srv, cli := msgPair(t, p, 1024, 1024)
		rd := asyncRead(p, srv, 16)
		requirePending(t, rd)
		tr := asyncTransact(bg, p, cli, "hello", 16)
		assert.Equal(t, "hello", requireDone(t, rd).s)
		requirePending(t, tr)
		write(t, p, srv, "bye")
		assert.Equal(t, "bye", requireDone(t, tr).s)
	})
}

// Empty messages work both ways: a transaction reading 0 bytes completes on an empty
// reply; an empty request is a message the callee reads as 0 bytes (windows-facts.md NP-120).
func TestTransactEmptyMessages(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newMachine(t)
		p := newProc(t, m, "a.exe")
		srv, cli := msgPair(t, p, 1024, 1024)
		tr := asyncTransact(bg, p, cli, "12345", 0)
		requirePending(t, tr)
		_, err := p.WriteFile(bg, srv, nil)
		require.NoError(t, err)
		res := requireDone(t, tr)
		assert.NoError(t, res.err)
		assert.Zero(t, res.n)
		s, err := read(p, srv, 8)
		require.NoError(t, err)
		assert.Equal(t, "12345", s)

		tr = asyncTransact(bg, p, cli, "", 0)
		requirePending(t, tr)
		s, err = read(p, srv, 8)
		require.NoError(t, err)
		assert.Empty(t, s)
		requirePending(t, tr)
		_, err = p.WriteFile(bg, srv, []byte{})
		require.NoError(t, err)
		assert.NoError(t, requireDone(t, tr).err)
	})
}

// A transaction can be answered by another transaction: the first completes with the
// second's request, the second with the caller's next write (windows-facts.md NP-121).
func TestTransactAnsweredByTransact(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newMachine(t)
		p := newProc(t, m, "a.exe")
		srv, cli := msgPair(t, p, 1024, 1024)
		t1 := asyncTransact(bg, p, cli, "ask", 16)
		requirePending(t, t1)
		s, err := read(p, srv, 16)
		require.NoError(t, err)
		require.Equal(t, "ask", s)
		t2 := asyncTransact(bg, p, srv, "answer+ask", 16)
		assert.Equal(t, "answer+ask", requireDone(t, t1).s)
		requirePending(t, t2)
		write(t, p, cli, "answer")
		assert.Equal(t, "answer", requireDone(t, t2).s)
	})
}

// A cancelled transaction fails with ERROR_OPERATION_ABORTED, and its request stays in
// the pipe for the callee (windows-facts.md NP-122).
func TestTransactCancelledKeepsRequest(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newMachine(t)
		p := newProc(t, m, "a.exe")
		srv, cli := msgPair(t, p, 1024, 1024)
		ctx, cancel := context.WithCancel(bg)
		tr := asyncTransact(ctx, p, cli, "request", 16)
		requirePending(t, tr)
		cancel()
		assert.ErrorIs(t, requireDone(t, tr).err, kernel.ERROR_OPERATION_ABORTED)
		s, err := read(p, srv, 16)
		require.NoError(t, err)
		assert.Equal(t, "request", s)
	})
}

// A transaction's request never waits for quota: it is queued whole even when it is
// larger than the pipe's buffer (Wine's pipe_end_transceive: "transaction never blocks
// on write").
func TestTransactRequestIgnoresQuota(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newMachine(t)
		p := newProc(t, m, "a.exe")
		srv, cli := msgPair(t, p, 8, 8)
		req := string(make([]byte, 100))
		tr := asyncTransact(bg, p, cli, req, 16)
		requirePending(t, tr)
		_, avail, _, err := pipe.PeekNamedPipe(p, srv, nil)
		require.NoError(t, err)
		assert.Equal(t, uint32(100), avail)
		s, err := read(p, srv, 200)
		require.NoError(t, err)
		assert.Len(t, s, 100)
		write(t, p, srv, "r")
		assert.Equal(t, "r", requireDone(t, tr).s)
	})
}

// CallNamedPipe connects, sends one message, reads the reply and closes (CallNamedPipe;
// Wine kernelbase CallNamedPipeW: CreateFile, else WaitNamedPipe and once more,
// message read mode, TransactNamedPipe, CloseHandle).
func TestCallNamedPipe(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newMachine(t)
		srvP := newProc(t, m, "server.exe")
		cliP := newProc(t, m, "client.exe")
		name := uniqueName(t)
		srv := server(t, srvP, name, duplex, msgPipe, 1, 1024, 1024)
		call := func(in string, outSize int, timeout uint32) <-chan result {
			return async(func() result {
				out := make([]byte, outSize)
				n, err := pipe.CallNamedPipe(bg, cliP, name, []byte(in), out, timeout)
				return result{n: n, s: string(out[:n]), err: err}
			})
		}
		serve := func(reply string) {
			synctest.Wait() // the caller has connected and waits for the reply
			s, err := read(srvP, srv, 64)
			require.NoError(t, err)
			require.Equal(t, "question", s)
			write(t, srvP, srv, reply)
			_, err = read(srvP, srv, 64)
			require.ErrorIs(t, err, kernel.ERROR_BROKEN_PIPE, "CallNamedPipe closed its handle")
			require.NoError(t, pipe.DisconnectNamedPipe(srvP, srv))
		}
		c := call("question", 64, pipe.NMPWAIT_NOWAIT)
		serve("answer")
		res := requireDone(t, c)
		assert.NoError(t, res.err)
		assert.Equal(t, "answer", res.s)

		// A reply longer than the buffer: ERROR_MORE_DATA, the rest discarded.
		conn := asyncConnect(bg, srvP, srv)
		c = call("question", 3, pipe.NMPWAIT_NOWAIT)
		require.NoError(t, requireDone(t, conn).err)
		serve("a long answer")
		res = requireDone(t, c)
		assert.ErrorIs(t, res.err, kernel.ERROR_MORE_DATA)
		assert.Equal(t, "a l", res.s)

		// Busy: it waits for the instance (WaitNamedPipe) and tries again.
		c = call("question", 64, pipe.NMPWAIT_WAIT_FOREVER)
		requirePending(t, c)
		conn = asyncConnect(bg, srvP, srv)
		require.NoError(t, requireDone(t, conn).err)
		serve("later")
		assert.Equal(t, "later", requireDone(t, c).s)

		// Busy with a timeout: ERROR_SEM_TIMEOUT.
		_, err := pipe.CallNamedPipe(bg, cliP, name, []byte("q"), nil, 20)
		assert.ErrorIs(t, err, kernel.ERROR_SEM_TIMEOUT)
		require.NoError(t, srvP.CloseHandle(srv))

		_, err = pipe.CallNamedPipe(bg, cliP, name, []byte("q"), nil, 20)
		assert.ErrorIs(t, err, kernel.ERROR_FILE_NOT_FOUND)
		bsrv := server(t, srvP, name, duplex, bytePipe, 1, 1024, 1024)
		_, err = pipe.CallNamedPipe(bg, cliP, name, []byte("q"), nil, 20)
		assert.ErrorIs(t, err, kernel.ERROR_INVALID_PARAMETER, "a byte pipe cannot be read in message mode (windows-facts.md NP-35)")
		require.NoError(t, srvP.CloseHandle(bsrv))
	})
}
