package pipe_test

import (
	"context"
	"errors"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/winsim/winsim/kernel"
	"github.com/winsim/winsim/pipe"
)

// asyncConnect calls ConnectNamedPipe on another goroutine.
func asyncConnect(ctx context.Context, p *kernel.Process, h kernel.Handle) <-chan result {
	return async(func() result { return result{err: pipe.ConnectNamedPipe(ctx, p, h)} })
}

// asyncWait calls WaitNamedPipe on another goroutine.
func asyncWait(ctx context.Context, p *kernel.Process, name string, timeout uint32) <-chan result {
	return async(func() result { return result{err: pipe.WaitNamedPipe(ctx, p, name, timeout)} })
}

// isConnected reports whether the server end h has (or had, until a disconnect) a
// client, through PeekNamedPipe, which fails with ERROR_BAD_PIPE on a listening or
// disconnected server.
func isConnected(t testing.TB, p *kernel.Process, h kernel.Handle) bool {
	t.Helper()
	_, _, _, err := pipe.PeekNamedPipe(p, h, nil)
	return !errors.Is(err, kernel.ERROR_BAD_PIPE)
}

// A new instance is already listening: WaitNamedPipe succeeds and a client connects
// without ConnectNamedPipe (windows-facts.md NP-25); ConnectNamedPipe then fails with
// ERROR_PIPE_CONNECTED, which means success (windows-facts.md NP-36).
func TestNewInstanceListensBeforeConnectNamedPipe(t *testing.T) {
	m := newMachine(t)
	p := newProc(t, m, "a.exe")
	name := uniqueName(t)
	h := server(t, p, name, duplex, bytePipe, 1, 1024, 1024)
	require.NoError(t, pipe.WaitNamedPipe(bg, p, name, 2000))
	c := client(t, p, name, rw)
	assert.ErrorIs(t, pipe.ConnectNamedPipe(bg, p, h), kernel.ERROR_PIPE_CONNECTED)
	assert.ErrorIs(t, pipe.ConnectNamedPipe(bg, p, h), kernel.ERROR_PIPE_CONNECTED, "and again")
	assert.ErrorIs(t, pipe.ConnectNamedPipe(bg, p, c), kernel.ERROR_INVALID_FUNCTION, "a client cannot listen (NP-37)")
	require.NoError(t, p.CloseHandle(c))
	require.NoError(t, p.CloseHandle(h))
}

// With the only instance connected, WaitNamedPipe times out with ERROR_SEM_TIMEOUT after
// its timeout (windows-facts.md NP-26, NP-33), and another client gets ERROR_PIPE_BUSY (NP-27), also
// after the first client closed (NP-28) and after DisconnectNamedPipe until ConnectNamedPipe
// (NP-29).
func TestBusyInstanceUntilConnectNamedPipe(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newMachine(t)
		p := newProc(t, m, "a.exe")
		name := uniqueName(t)
		h := server(t, p, name, duplex, bytePipe, 1, 1024, 1024)
		c := client(t, p, name, rw)
		start := time.Now()
		assert.ErrorIs(t, pipe.WaitNamedPipe(bg, p, name, 100), kernel.ERROR_SEM_TIMEOUT)
		assert.Equal(t, 100*time.Millisecond, time.Since(start), "virtual time")
		assert.ErrorIs(t, pipe.WaitNamedPipe(bg, p, name, 1), kernel.ERROR_SEM_TIMEOUT)
		_, err := p.CreateFile(name, rw, 0, nil, kernel.OPEN_EXISTING, 0)
		assert.ErrorIs(t, err, kernel.ERROR_PIPE_BUSY)
		require.NoError(t, p.CloseHandle(c))
		_, err = p.CreateFile(name, rw, 0, nil, kernel.OPEN_EXISTING, 0)
		assert.ErrorIs(t, err, kernel.ERROR_PIPE_BUSY)
		require.NoError(t, pipe.DisconnectNamedPipe(p, h))
		_, err = p.CreateFile(name, rw, 0, nil, kernel.OPEN_EXISTING, 0)
		assert.ErrorIs(t, err, kernel.ERROR_PIPE_BUSY)

		conn := asyncConnect(bg, p, h)
		requirePending(t, conn)
		c = client(t, p, name, rw)
		res := requireDone(t, conn)
		assert.NoError(t, res.err)
		require.NoError(t, p.CloseHandle(c))
		require.NoError(t, p.CloseHandle(h))
	})
}

// Clients are given instances in the order the instances began listening, creation
// included, not in the order ConnectNamedPipe was called (windows-facts.md NP-31, NP-32,
// dlls/kernel32/tests/pipe.c test_multiple_instances).
func TestClientsGetInstancesInListeningOrder(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newMachine(t)
		p := newProc(t, m, "a.exe")
		name := uniqueName(t)
		var s [4]kernel.Handle
		for i := range s {
			s[i] = server(t, p, name, duplex, bytePipe, 4, 1024, 1024)
		}
		connected := func() (out []int) {
			for i, h := range s {
				if isConnected(t, p, h) {
					out = append(out, i)
				}
			}
			return out
		}
		c2 := asyncConnect(bg, p, s[2])
		requirePending(t, c2)
		c := client(t, p, name, rw)
		assert.Equal(t, []int{0}, connected(), "the first client goes to s0, not to s2")
		require.NoError(t, p.CloseHandle(c))
		c = client(t, p, name, rw)
		assert.Equal(t, []int{1}, connected()[1:], "the next goes to s1")
		requirePending(t, c2)
		c3 := client(t, p, name, rw)
		assert.NoError(t, requireDone(t, c2).err, "then s2, completing its ConnectNamedPipe")

		// s0 and s2 re-listen, s2 first; s3 has listened since its creation.
		require.NoError(t, pipe.DisconnectNamedPipe(p, s[0]))
		require.NoError(t, pipe.DisconnectNamedPipe(p, s[2]))
		c2 = asyncConnect(bg, p, s[2])
		requirePending(t, c2)
		c0 := asyncConnect(bg, p, s[0])
		requirePending(t, c0)
		var order []int
		var clients []kernel.Handle
		for range 3 {
			before := connected()
			clients = append(clients, client(t, p, name, rw))
			after := connected()
			for _, i := range after {
				if !contains(before, i) {
					order = append(order, i)
				}
			}
		}
		assert.Equal(t, []int{3, 2, 0}, order)
		assert.NoError(t, requireDone(t, c2).err)
		assert.NoError(t, requireDone(t, c0).err)
		require.NoError(t, pipe.DisconnectNamedPipe(p, s[0]))
		_, err := p.CreateFile(name, rw, 0, nil, kernel.OPEN_EXISTING, 0)
		assert.ErrorIs(t, err, kernel.ERROR_PIPE_BUSY)
		for _, h := range append(clients, c, c3, s[0], s[1], s[2], s[3]) {
			require.NoError(t, p.CloseHandle(h))
		}
	})
}

func contains(s []int, v int) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// A blocked WaitNamedPipe returns TRUE when a new instance is created and when a
// disconnected instance calls ConnectNamedPipe (windows-facts.md NP-33, test_wait_pipe).
func TestWaitNamedPipeWokenByNewInstanceAndByConnect(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newMachine(t)
		p := newProc(t, m, "a.exe")
		name := uniqueName(t)
		h := server(t, p, name, duplex, bytePipe, 2, 1024, 1024)
		c := client(t, p, name, rw)
		w := asyncWait(bg, p, name, 1000)
		requirePending(t, w)
		h2 := server(t, p, name, duplex, bytePipe, 2, 1024, 1024)
		assert.NoError(t, requireDone(t, w).err)
		c2 := client(t, p, name, rw)

		require.NoError(t, pipe.DisconnectNamedPipe(p, h))
		w = asyncWait(bg, p, name, 1000)
		requirePending(t, w) // disconnected is not listening
		conn := asyncConnect(bg, p, h)
		assert.NoError(t, requireDone(t, w).err)
		requirePending(t, conn)
		c3 := client(t, p, name, rw)
		assert.NoError(t, requireDone(t, conn).err)
		for _, x := range []kernel.Handle{c, c2, c3, h, h2} {
			require.NoError(t, p.CloseHandle(x))
		}
	})
}

// NMPWAIT_USE_DEFAULT_WAIT waits the pipe's default timeout, 50 ms when it was created
// with 0 (windows-facts.md DOC-4, MS docs CreateNamedPipeW); NMPWAIT_WAIT_FOREVER waits until an instance is
// free (MS docs WaitNamedPipeW).
func TestWaitNamedPipeDefaultAndForever(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newMachine(t)
		p := newProc(t, m, "a.exe")
		for _, c := range []struct {
			created uint32
			want    time.Duration
		}{{0, 50 * time.Millisecond}, {300, 300 * time.Millisecond}} {
			name := uniqueName(t)
			h, err := pipe.CreateNamedPipe(p, name, duplex, bytePipe, 1, 0, 0, c.created, nil)
			require.NoError(t, err)
			cl := client(t, p, name, rw)
			start := time.Now()
			assert.ErrorIs(t, pipe.WaitNamedPipe(bg, p, name, pipe.NMPWAIT_USE_DEFAULT_WAIT), kernel.ERROR_SEM_TIMEOUT)
			assert.Equal(t, c.want, time.Since(start))

			w := asyncWait(bg, p, name, pipe.NMPWAIT_WAIT_FOREVER)
			time.Sleep(time.Hour) // virtual: nothing else can happen meanwhile
			requirePending(t, w)
			require.NoError(t, pipe.DisconnectNamedPipe(p, h))
			require.NoError(t, p.CloseHandle(cl))
			requirePending(t, w)
			conn := asyncConnect(bg, p, h)
			assert.NoError(t, requireDone(t, w).err)
			cl = client(t, p, name, rw)
			assert.NoError(t, requireDone(t, conn).err)
			require.NoError(t, p.CloseHandle(cl))
			require.NoError(t, p.CloseHandle(h))
		}
	})
}

// WaitNamedPipe fails with ERROR_FILE_NOT_FOUND when the pipe's last instance closes
// while it waits (unverified on Windows: chosen because the name no longer exists,
// which WaitNamedPipe reports as ERROR_FILE_NOT_FOUND, windows-facts.md NP-1), and gives up when
// its context is done.
func TestWaitNamedPipeEndsWhenPipeGoesOrContextDone(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newMachine(t)
		p := newProc(t, m, "a.exe")
		name := uniqueName(t)
		h := server(t, p, name, duplex, bytePipe, 1, 0, 0)
		c := client(t, p, name, rw)
		w := asyncWait(bg, p, name, pipe.NMPWAIT_WAIT_FOREVER)
		requirePending(t, w)
		require.NoError(t, p.CloseHandle(h))
		assert.ErrorIs(t, requireDone(t, w).err, kernel.ERROR_FILE_NOT_FOUND)
		require.NoError(t, p.CloseHandle(c))

		h = server(t, p, name, duplex, bytePipe, 1, 0, 0)
		c = client(t, p, name, rw)
		ctx, cancel := context.WithCancel(bg)
		w = asyncWait(ctx, p, name, pipe.NMPWAIT_WAIT_FOREVER)
		requirePending(t, w)
		cancel()
		err := requireDone(t, w).err
		assert.ErrorIs(t, err, kernel.ERROR_OPERATION_ABORTED)
		assert.ErrorIs(t, err, context.Canceled)
		require.NoError(t, p.CloseHandle(c))
		require.NoError(t, p.CloseHandle(h))
	})
}

// A synchronous ConnectNamedPipe blocks until a client connects, also on a handle
// created with FILE_FLAG_OVERLAPPED (windows-facts.md NP-45).
func TestConnectNamedPipeBlocksUntilClient(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newMachine(t)
		p := newProc(t, m, "a.exe")
		name := uniqueName(t)
		h, err := pipe.CreateNamedPipe(p, name, duplex|pipe.FILE_FLAG_OVERLAPPED, bytePipe, 1, 0, 0, 0, nil)
		require.NoError(t, err)
		conn := asyncConnect(bg, p, h)
		requirePending(t, conn)
		time.Sleep(time.Hour)
		requirePending(t, conn)
		c := client(t, p, name, rw)
		assert.NoError(t, requireDone(t, conn).err)
		require.NoError(t, p.CloseHandle(c))
		require.NoError(t, p.CloseHandle(h))
	})
}

// ConnectNamedPipe after the client connected and closed fails with ERROR_NO_DATA, in
// blocking and PIPE_NOWAIT mode (windows-facts.md NP-40, NP-111); DisconnectNamedPipe then
// succeeds and the next ConnectNamedPipe listens again and a new client connects (NP-43,
// windows-facts.md NP-99).
func TestConnectNamedPipeAfterClientLeftIsNoData(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newMachine(t)
		p := newProc(t, m, "a.exe")
		for _, mode := range []uint32{pipe.PIPE_WAIT, pipe.PIPE_NOWAIT} {
			name := uniqueName(t)
			h := server(t, p, name, duplex, bytePipe|mode, 1, 0, 0)
			c := client(t, p, name, rw)
			require.NoError(t, p.CloseHandle(c))
			assert.ErrorIs(t, pipe.ConnectNamedPipe(bg, p, h), kernel.ERROR_NO_DATA)
			require.NoError(t, pipe.DisconnectNamedPipe(p, h))
			if mode == pipe.PIPE_NOWAIT {
				assert.ErrorIs(t, pipe.ConnectNamedPipe(bg, p, h), kernel.ERROR_PIPE_LISTENING)
				c = client(t, p, name, rw)
			} else {
				conn := asyncConnect(bg, p, h)
				requirePending(t, conn)
				c = client(t, p, name, rw)
				assert.NoError(t, requireDone(t, conn).err)
			}
			require.NoError(t, p.CloseHandle(c))
			require.NoError(t, p.CloseHandle(h))
		}
	})
}

// In PIPE_NOWAIT mode ConnectNamedPipe does not wait: ERROR_PIPE_LISTENING, and the
// instance listens (windows-facts.md NP-111).
func TestConnectNamedPipeNoWaitIsPipeListening(t *testing.T) {
	m := newMachine(t)
	p := newProc(t, m, "a.exe")
	name := uniqueName(t)
	h := server(t, p, name, duplex, bytePipe|pipe.PIPE_NOWAIT, 1, 512, 512)
	assert.ErrorIs(t, pipe.ConnectNamedPipe(bg, p, h), kernel.ERROR_PIPE_LISTENING)
	c := client(t, p, name, rw)
	assert.ErrorIs(t, pipe.ConnectNamedPipe(bg, p, h), kernel.ERROR_PIPE_CONNECTED)
	require.NoError(t, p.CloseHandle(c))
	require.NoError(t, p.CloseHandle(h))
}

// DisconnectNamedPipe discards unread data in both directions (windows-facts.md NP-41); a second
// one fails with ERROR_PIPE_NOT_CONNECTED (NP-42); on a client it is ERROR_INVALID_FUNCTION.
func TestDisconnectNamedPipeDiscardsDataAndTwiceIsNotConnected(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newMachine(t)
		p := newProc(t, m, "a.exe")
		h, c, name := pair(t, p, bytePipe, 1024, 1024)
		write(t, p, c, "to server")
		write(t, p, h, "to client")
		assert.ErrorIs(t, pipe.DisconnectNamedPipe(p, c), kernel.ERROR_INVALID_FUNCTION)
		require.NoError(t, pipe.DisconnectNamedPipe(p, h))
		assert.ErrorIs(t, pipe.DisconnectNamedPipe(p, h), kernel.ERROR_PIPE_NOT_CONNECTED)
		require.NoError(t, p.CloseHandle(c))
		// Re-listen and connect a new client: nothing of the old data is left.
		conn := asyncConnect(bg, p, h)
		requirePending(t, conn)
		c2 := client(t, p, name, rw)
		require.NoError(t, requireDone(t, conn).err)
		for _, x := range []kernel.Handle{h, c2} {
			_, avail, _, err := pipe.PeekNamedPipe(p, x, nil)
			require.NoError(t, err)
			assert.Zero(t, avail)
		}
		require.NoError(t, p.CloseHandle(c2))
		require.NoError(t, p.CloseHandle(h))
	})
}

// DisconnectNamedPipe on a listening server stops it listening and fails a blocked
// ConnectNamedPipe with ERROR_PIPE_NOT_CONNECTED (ReactOS's npfs implementation,
// unverified on Windows: NpSetDisconnectedPipeState completes listens with STATUS_PIPE_DISCONNECTED; see
// docs/pipes.md for why this is not Wine's ERROR_PIPE_LISTENING, windows-facts.md NP-44).
func TestDisconnectNamedPipeWhileListening(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newMachine(t)
		p := newProc(t, m, "a.exe")
		name := uniqueName(t)
		h := server(t, p, name, duplex, bytePipe, 1, 0, 0)
		conn := asyncConnect(bg, p, h)
		requirePending(t, conn)
		require.NoError(t, pipe.DisconnectNamedPipe(p, h))
		assert.ErrorIs(t, requireDone(t, conn).err, kernel.ERROR_PIPE_NOT_CONNECTED)
		_, err := p.CreateFile(name, rw, 0, nil, kernel.OPEN_EXISTING, 0)
		assert.ErrorIs(t, err, kernel.ERROR_PIPE_BUSY)
		require.NoError(t, p.CloseHandle(h))
	})
}

// A blocked ConnectNamedPipe gives up when its context is done or its process exits
// (ERROR_OPERATION_ABORTED; a synchronous connect cancelled by CancelSynchronousIo fails
// so, windows-facts.md NP-138, and a cancelled overlapped one with the same code, windows-facts.md NP-47), and
// the instance keeps listening; closing the server end's last handle under it ends it
// with ERROR_BROKEN_PIPE (an overlapped one's event is signalled then, windows-facts.md NP-34).
func TestConnectNamedPipeCancellation(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newMachine(t)
		p := newProc(t, m, "a.exe")
		name := uniqueName(t)
		h := server(t, p, name, duplex, bytePipe, 1, 0, 0)
		ctx, cancel := context.WithCancel(bg)
		conn := asyncConnect(ctx, p, h)
		requirePending(t, conn)
		cancel()
		err := requireDone(t, conn).err
		assert.ErrorIs(t, err, kernel.ERROR_OPERATION_ABORTED)
		assert.ErrorIs(t, err, context.Canceled)
		c := client(t, p, name, rw)
		require.NoError(t, p.CloseHandle(c))
		require.NoError(t, p.CloseHandle(h))

		h = server(t, p, name, duplex, bytePipe, 1, 0, 0)
		conn = asyncConnect(bg, p, h)
		requirePending(t, conn)
		require.NoError(t, p.CloseHandle(h))
		assert.ErrorIs(t, requireDone(t, conn).err, kernel.ERROR_BROKEN_PIPE)

		q := newProc(t, m, "q.exe")
		h = server(t, q, name, duplex, bytePipe, 1, 0, 0)
		conn = asyncConnect(bg, q, h)
		requirePending(t, conn)
		q.Terminate(1)
		assert.ErrorIs(t, requireDone(t, conn).err, kernel.ERROR_OPERATION_ABORTED)
		assert.ErrorIs(t, pipe.WaitNamedPipe(bg, p, name, 0), kernel.ERROR_FILE_NOT_FOUND, "exit closed the instance")
	})
}

// A client that connects and leaves while ConnectNamedPipe waits still completes it
// with success: the connection happened.
func TestConnectNamedPipeSucceedsEvenIfClientLeftAgain(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newMachine(t)
		p := newProc(t, m, "a.exe")
		q := newProc(t, m, "q.exe")
		name := uniqueName(t)
		h := server(t, p, name, duplex, bytePipe, 1, 0, 0)
		conn := asyncConnect(bg, p, h)
		requirePending(t, conn)
		// Connect and close without letting the server goroutine run in between.
		c := client(t, q, name, rw)
		require.NoError(t, q.CloseHandle(c))
		assert.NoError(t, requireDone(t, conn).err)
		assert.ErrorIs(t, pipe.ConnectNamedPipe(bg, p, h), kernel.ERROR_NO_DATA)
		require.NoError(t, p.CloseHandle(h))
	})
}

// ConnectNamedPipe on a client end fails with ERROR_INVALID_FUNCTION (Wine
// dlls/kernel32/tests/pipe.c test_CreateNamedPipe: "ConnectNamedPipe(client)"), also
// given an OVERLAPPED with an event, and the failed call keeps no reference to the
// event: once its handle closes the event is gone. The call-sequence fuzzer found the
// event kept alive with no handle, on an anonymous pipe's write end.
func TestConnectNamedPipeOnClientWithEventReleasesIt(t *testing.T) {
	m := newMachine(t)
	p := newProc(t, m, "a.exe")
	name := uniqueName(t)
	srv := server(t, p, name, duplex, bytePipe, 1, 64, 64)
	c := client(t, p, name, rw)
	r, w, err := pipe.CreatePipe(p, nil, 0)
	require.NoError(t, err)
	for _, h := range []kernel.Handle{c, w} {
		ev := newEvent(t, p, false)
		ov := &kernel.Overlapped{HEvent: ev}
		assert.ErrorIs(t, pipe.ConnectNamedPipeOverlapped(bg, p, h, ov), kernel.ERROR_INVALID_FUNCTION)
		require.NoError(t, p.CloseHandle(ev))
		assert.NoError(t, m.Check())
	}
	for _, h := range []kernel.Handle{c, srv, r, w} {
		require.NoError(t, p.CloseHandle(h))
	}
	assert.Empty(t, m.Leaks())
}
