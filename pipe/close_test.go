package pipe_test

import (
	"context"
	"errors"
	"testing"
	"testing/synctest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/winsim/winsim/kernel"
	"github.com/winsim/winsim/pipe"
)

// The server writes 12 bytes and closes: the client reads them (a zero-size read first
// succeeds with 0), then ReadFile and PeekNamedPipe fail with ERROR_BROKEN_PIPE and
// WriteFile with ERROR_NO_DATA (windows-facts.md NP-90, test_CloseHandle).
func TestServerCloseClientReadsThenBrokenPipe(t *testing.T) {
	m := newMachine(t)
	p := newProc(t, m, "a.exe")
	srv, cli, _ := pair(t, p, bytePipe, 1024, 1024)
	write(t, p, srv, "Hello World\x00")
	require.NoError(t, p.CloseHandle(srv))
	s, err := read(p, cli, 0)
	assert.NoError(t, err)
	assert.Empty(t, s)
	_, avail, _, err := pipe.PeekNamedPipe(p, cli, nil)
	require.NoError(t, err)
	assert.Equal(t, uint32(12), avail)
	s, err = read(p, cli, 32)
	assert.NoError(t, err)
	assert.Equal(t, "Hello World\x00", s)
	_, err = read(p, cli, 32)
	assert.ErrorIs(t, err, kernel.ERROR_BROKEN_PIPE)
	_, _, _, err = pipe.PeekNamedPipe(p, cli, nil)
	assert.ErrorIs(t, err, kernel.ERROR_BROKEN_PIPE)
	_, err = p.WriteFile(bg, cli, []byte("x"))
	assert.ErrorIs(t, err, kernel.ERROR_NO_DATA)
	// The surviving end's state can still be read and set (windows-facts.md NP-81).
	assert.Zero(t, handleState(t, p, cli))
	setMode(t, p, cli, pipe.PIPE_READMODE_BYTE|pipe.PIPE_WAIT)
}

// The server writes an empty message and closes: the client's read returns it (TRUE, 0),
// the next fails with ERROR_BROKEN_PIPE (windows-facts.md NP-91).
func TestServerCloseAfterEmptyMessage(t *testing.T) {
	m := newMachine(t)
	p := newProc(t, m, "a.exe")
	srv, cli, _ := pair(t, p, pipe.PIPE_TYPE_MESSAGE, 1024, 1024)
	_, err := p.WriteFile(bg, srv, nil)
	require.NoError(t, err)
	require.NoError(t, p.CloseHandle(srv))
	s, err := read(p, cli, 32)
	assert.NoError(t, err)
	assert.Empty(t, s)
	_, err = read(p, cli, 0)
	assert.ErrorIs(t, err, kernel.ERROR_BROKEN_PIPE)
	_, err = p.WriteFile(bg, cli, []byte("x"))
	assert.ErrorIs(t, err, kernel.ERROR_NO_DATA)
}

// The client writes 12 bytes and closes; a message-read-mode server's zero-size read
// gives ERROR_MORE_DATA (Win8+), peek shows 12, a read returns them, and then
// ERROR_BROKEN_PIPE, ERROR_BROKEN_PIPE for peek and ERROR_NO_DATA for writes (windows-facts.md NP-92); an empty message is delivered before the end the same way (NP-93).
func TestClientCloseServerReadsThenBrokenPipe(t *testing.T) {
	m := newMachine(t)
	p := newProc(t, m, "a.exe")
	srv, cli, _ := pair(t, p, msgPipe, 1024, 1024)
	write(t, p, cli, "Hello World\x00")
	require.NoError(t, p.CloseHandle(cli))
	_, err := read(p, srv, 0)
	assert.ErrorIs(t, err, kernel.ERROR_MORE_DATA)
	_, avail, _, err := pipe.PeekNamedPipe(p, srv, nil)
	require.NoError(t, err)
	assert.Equal(t, uint32(12), avail)
	s, err := read(p, srv, 32)
	assert.NoError(t, err)
	assert.Equal(t, "Hello World\x00", s)
	_, err = read(p, srv, 32)
	assert.ErrorIs(t, err, kernel.ERROR_BROKEN_PIPE)
	_, _, _, err = pipe.PeekNamedPipe(p, srv, nil)
	assert.ErrorIs(t, err, kernel.ERROR_BROKEN_PIPE)
	_, err = p.WriteFile(bg, srv, []byte("x"))
	assert.ErrorIs(t, err, kernel.ERROR_NO_DATA)
	require.NoError(t, p.CloseHandle(srv))

	srv, cli, _ = pair(t, p, msgPipe, 1024, 1024)
	_, err = p.WriteFile(bg, cli, nil)
	require.NoError(t, err)
	require.NoError(t, p.CloseHandle(cli))
	s, err = read(p, srv, 32)
	assert.NoError(t, err)
	assert.Empty(t, s)
	_, err = read(p, srv, 32)
	assert.ErrorIs(t, err, kernel.ERROR_BROKEN_PIPE)
	_, err = p.WriteFile(bg, srv, []byte("x"))
	assert.ErrorIs(t, err, kernel.ERROR_NO_DATA)
}

// After DisconnectNamedPipe with data queued both ways, reads and writes on both ends
// fail with ERROR_PIPE_NOT_CONNECTED and the data is gone (windows-facts.md NP-95); the client
// stays disconnected after the server closes (NP-98).
func TestDisconnectEveryCallIsNotConnected(t *testing.T) {
	m := newMachine(t)
	p := newProc(t, m, "a.exe")
	srv, cli, _ := pair(t, p, bytePipe, 1024, 1024)
	write(t, p, srv, "to client")
	write(t, p, cli, "to server")
	require.NoError(t, pipe.DisconnectNamedPipe(p, srv))
	for _, h := range []kernel.Handle{cli, srv} {
		_, err := p.WriteFile(bg, h, []byte("x"))
		assert.ErrorIs(t, err, kernel.ERROR_PIPE_NOT_CONNECTED)
		_, err = read(p, h, 32)
		assert.ErrorIs(t, err, kernel.ERROR_PIPE_NOT_CONNECTED)
	}
	require.NoError(t, p.CloseHandle(srv))
	_, err := read(p, cli, 32)
	assert.ErrorIs(t, err, kernel.ERROR_PIPE_NOT_CONNECTED)
	_, _, _, err = pipe.PeekNamedPipe(p, cli, nil)
	assert.ErrorIs(t, err, kernel.ERROR_PIPE_NOT_CONNECTED)
}

// stateCase is one row of the NT state matrix: an end in a state and what each call
// gives there.
type stateCase struct {
	name                        string
	setup                       func(t *testing.T, p *kernel.Process) (h kernel.Handle, cleanup []kernel.Handle)
	read, write, peek, transact error
	flush, connect, info        error
}

// The state matrix of ntdll/tests/pipe.c test_pipe_state and test_pipe_with_data_state,
// in Win32 terms (windows-facts.md NP-98): for every end in every state, what ReadFile of an
// empty pipe, WriteFile, PeekNamedPipe, TransactNamedPipe, FlushFileBuffers,
// ConnectNamedPipe and GetNamedPipeInfo return.
func TestStateMatrix(t *testing.T) {
	msg := func(t *testing.T, p *kernel.Process) (kernel.Handle, kernel.Handle, string) {
		return pair(t, p, msgPipe, 1024, 1024)
	}
	cases := []stateCase{
		{
			name: "server listening",
			setup: func(t *testing.T, p *kernel.Process) (kernel.Handle, []kernel.Handle) {
				h := server(t, p, uniqueName(t), duplex, msgPipe, 1, 1024, 1024)
				return h, []kernel.Handle{h}
			},
			read: kernel.ERROR_PIPE_LISTENING, write: kernel.ERROR_PIPE_LISTENING, peek: kernel.ERROR_BAD_PIPE,
			transact: kernel.ERROR_BAD_PIPE, connect: pendingConnect,
		},
		{
			name: "server connected",
			setup: func(t *testing.T, p *kernel.Process) (kernel.Handle, []kernel.Handle) {
				s, c, _ := msg(t, p)
				return s, []kernel.Handle{s, c}
			},
			read: pendingRead, connect: kernel.ERROR_PIPE_CONNECTED, transact: pendingRead,
		},
		{
			name: "client connected",
			setup: func(t *testing.T, p *kernel.Process) (kernel.Handle, []kernel.Handle) {
				s, c, _ := msg(t, p)
				setMode(t, p, c, pipe.PIPE_READMODE_MESSAGE)
				return c, []kernel.Handle{s, c}
			},
			read: pendingRead, connect: kernel.ERROR_INVALID_FUNCTION, transact: pendingRead,
		},
		{
			name: "server whose client closed",
			setup: func(t *testing.T, p *kernel.Process) (kernel.Handle, []kernel.Handle) {
				s, c, _ := msg(t, p)
				require.NoError(t, p.CloseHandle(c))
				return s, []kernel.Handle{s}
			},
			read: kernel.ERROR_BROKEN_PIPE, write: kernel.ERROR_NO_DATA, peek: kernel.ERROR_BROKEN_PIPE,
			transact: kernel.ERROR_BAD_PIPE, connect: kernel.ERROR_NO_DATA,
		},
		{
			name: "client whose server closed",
			setup: func(t *testing.T, p *kernel.Process) (kernel.Handle, []kernel.Handle) {
				s, c, _ := msg(t, p)
				setMode(t, p, c, pipe.PIPE_READMODE_MESSAGE)
				require.NoError(t, p.CloseHandle(s))
				return c, []kernel.Handle{c}
			},
			read: kernel.ERROR_BROKEN_PIPE, write: kernel.ERROR_NO_DATA, peek: kernel.ERROR_BROKEN_PIPE,
			transact: kernel.ERROR_BAD_PIPE, connect: kernel.ERROR_INVALID_FUNCTION,
		},
		{
			name: "server disconnected",
			setup: func(t *testing.T, p *kernel.Process) (kernel.Handle, []kernel.Handle) {
				s, c, _ := msg(t, p)
				require.NoError(t, pipe.DisconnectNamedPipe(p, s))
				return s, []kernel.Handle{s, c}
			},
			read: kernel.ERROR_PIPE_NOT_CONNECTED, write: kernel.ERROR_PIPE_NOT_CONNECTED, peek: kernel.ERROR_BAD_PIPE,
			transact: kernel.ERROR_BAD_PIPE, connect: pendingConnect,
		},
		{
			name: "client disconnected",
			setup: func(t *testing.T, p *kernel.Process) (kernel.Handle, []kernel.Handle) {
				s, c, _ := msg(t, p)
				require.NoError(t, pipe.DisconnectNamedPipe(p, s))
				return c, []kernel.Handle{s, c}
			},
			read: kernel.ERROR_PIPE_NOT_CONNECTED, write: kernel.ERROR_PIPE_NOT_CONNECTED, peek: kernel.ERROR_PIPE_NOT_CONNECTED,
			transact: kernel.ERROR_PIPE_NOT_CONNECTED, flush: kernel.ERROR_PIPE_NOT_CONNECTED,
			connect: kernel.ERROR_INVALID_FUNCTION, info: kernel.ERROR_PIPE_NOT_CONNECTED,
		},
		{
			name: "client disconnected, then server closed",
			setup: func(t *testing.T, p *kernel.Process) (kernel.Handle, []kernel.Handle) {
				s, c, _ := msg(t, p)
				require.NoError(t, pipe.DisconnectNamedPipe(p, s))
				require.NoError(t, p.CloseHandle(s))
				return c, []kernel.Handle{c}
			},
			read: kernel.ERROR_PIPE_NOT_CONNECTED, write: kernel.ERROR_PIPE_NOT_CONNECTED, peek: kernel.ERROR_PIPE_NOT_CONNECTED,
			transact: kernel.ERROR_PIPE_NOT_CONNECTED, flush: kernel.ERROR_PIPE_NOT_CONNECTED,
			connect: kernel.ERROR_INVALID_FUNCTION, info: kernel.ERROR_PIPE_NOT_CONNECTED,
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				m := newMachine(t)
				p := newProc(t, m, "a.exe")
				h, cleanup := c.setup(t, p)
				ctx, cancel := context.WithCancel(bg)
				defer cancel()
				check := func(what string, want error, run func(ctx context.Context) error) {
					ch := async(func() result { return result{err: run(ctx)} })
					if want == pendingRead || want == pendingConnect {
						requirePending(t, ch)
						cancel()
						assert.ErrorIs(t, requireDone(t, ch).err, kernel.ERROR_OPERATION_ABORTED, what)
						ctx, cancel = context.WithCancel(bg)
						return
					}
					res := requireDone(t, ch)
					if want == nil {
						assert.NoError(t, res.err, what)
					} else {
						assert.ErrorIs(t, res.err, want, what)
					}
				}
				check("ReadFile", c.read, func(ctx context.Context) error {
					_, err := p.ReadFile(ctx, h, make([]byte, 8))
					return err
				})
				check("PeekNamedPipe", c.peek, func(context.Context) error {
					_, _, _, err := pipe.PeekNamedPipe(p, h, nil)
					return err
				})
				check("FlushFileBuffers", c.flush, func(ctx context.Context) error { return p.FlushFileBuffers(ctx, h) })
				check("GetNamedPipeInfo", c.info, func(context.Context) error {
					_, _, _, _, err := pipe.GetNamedPipeInfo(p, h)
					return err
				})
				// Those that change the state last: a transaction and a write queue
				// data, a ConnectNamedPipe makes a disconnected server listen.
				check("TransactNamedPipe", c.transact, func(ctx context.Context) error {
					_, err := pipe.TransactNamedPipe(ctx, p, h, []byte("q"), make([]byte, 8))
					return err
				})
				check("WriteFile", c.write, func(ctx context.Context) error {
					_, err := p.WriteFile(ctx, h, []byte("w"))
					return err
				})
				check("ConnectNamedPipe", c.connect, func(ctx context.Context) error { return pipe.ConnectNamedPipe(ctx, p, h) })
				for _, x := range cleanup {
					require.NoError(t, p.CloseHandle(x))
				}
			})
		})
	}
}

// Markers in the state matrix for calls that block in that state.
var (
	pendingRead    = errors.New("blocks until data")
	pendingConnect = errors.New("blocks until a client")
)

// Blocked calls are woken when the other end closes or the server disconnects, with
// Windows' error: ERROR_BROKEN_PIPE for a close, ERROR_PIPE_NOT_CONNECTED for a
// disconnect (docs/windows-facts.md#state-table "pending operations", windows-facts.md NP-146); a blocked write's unread bytes
// are withdrawn.
func TestBlockedCallsWokenByCloseAndDisconnect(t *testing.T) {
	type ender func(t *testing.T, p *kernel.Process, srv, cli kernel.Handle) []kernel.Handle
	closeServer := func(t *testing.T, p *kernel.Process, srv, cli kernel.Handle) []kernel.Handle {
		require.NoError(t, p.CloseHandle(srv))
		return []kernel.Handle{cli}
	}
	closeClient := func(t *testing.T, p *kernel.Process, srv, cli kernel.Handle) []kernel.Handle {
		require.NoError(t, p.CloseHandle(cli))
		return []kernel.Handle{srv}
	}
	disconnect := func(t *testing.T, p *kernel.Process, srv, cli kernel.Handle) []kernel.Handle {
		require.NoError(t, pipe.DisconnectNamedPipe(p, srv))
		return []kernel.Handle{srv, cli}
	}
	for _, c := range []struct {
		name    string
		end     ender
		blocked string // "server" or "client"
		write   bool
		want    error
	}{
		{"client read, server closes", closeServer, "client", false, kernel.ERROR_BROKEN_PIPE},
		{"client write, server closes", closeServer, "client", true, kernel.ERROR_BROKEN_PIPE},
		{"server read, client closes", closeClient, "server", false, kernel.ERROR_BROKEN_PIPE},
		{"server write, client closes", closeClient, "server", true, kernel.ERROR_BROKEN_PIPE},
		{"client read, server disconnects", disconnect, "client", false, kernel.ERROR_PIPE_NOT_CONNECTED},
		{"client write, server disconnects", disconnect, "client", true, kernel.ERROR_PIPE_NOT_CONNECTED},
		{"server read, server disconnects", disconnect, "server", false, kernel.ERROR_PIPE_NOT_CONNECTED},
		{"server write, server disconnects", disconnect, "server", true, kernel.ERROR_PIPE_NOT_CONNECTED},
	} {
		t.Run(c.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				m := newMachine(t)
				p := newProc(t, m, "a.exe")
				srv, cli, _ := pair(t, p, bytePipe, 4, 4)
				h := cli
				if c.blocked == "server" {
					h = srv
				}
				var ch <-chan result
				if c.write {
					ch = asyncWrite(p, h, []byte("0123456789"))
				} else {
					ch = asyncRead(p, h, 8)
				}
				requirePending(t, ch)
				rest := c.end(t, p, srv, cli)
				res := requireDone(t, ch)
				assert.ErrorIs(t, res.err, c.want)
				assert.Zero(t, res.n)
				for _, x := range rest {
					if _, avail, _, err := pipe.PeekNamedPipe(p, x, nil); err == nil {
						assert.Zero(t, avail, "a withdrawn write leaves nothing")
					}
					require.NoError(t, p.CloseHandle(x))
				}
			})
		})
	}
}

// Closing the last handle of an end fails that end's own blocked calls with
// ERROR_BROKEN_PIPE (NT cleanup); closing one of two handles does nothing (the file
// object lives on, windows-facts.md HD-3, HD-4).
func TestClosingOwnLastHandleEndsBlockedCalls(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newMachine(t)
		p := newProc(t, m, "a.exe")
		srv, cli, _ := pair(t, p, bytePipe, 64, 64)
		dup, err := p.DuplicateHandle(kernel.CurrentProcess, cli, kernel.CurrentProcess, 0, false, kernel.DUPLICATE_SAME_ACCESS)
		require.NoError(t, err)
		rd := asyncRead(p, cli, 8)
		requirePending(t, rd)
		require.NoError(t, p.CloseHandle(cli))
		requirePending(t, rd)
		write(t, p, srv, "still")
		assert.Equal(t, "still", requireDone(t, rd).s)
		rd = asyncRead(p, dup, 8)
		requirePending(t, rd)
		require.NoError(t, p.CloseHandle(dup))
		assert.ErrorIs(t, requireDone(t, rd).err, kernel.ERROR_BROKEN_PIPE)
		require.NoError(t, p.CloseHandle(srv))
	})
}

// Data written before a close is never lost: many messages queued, then the writer
// closes; the reader gets every one, in order, before ERROR_BROKEN_PIPE.
func TestNothingWrittenBeforeCloseIsLost(t *testing.T) {
	m := newMachine(t)
	p := newProc(t, m, "a.exe")
	srv, cli, _ := pair(t, p, msgPipe, 1<<20, 1<<20)
	var want []string
	for i := range 100 {
		s := string(rune('a'+i%26)) + string(make([]byte, i))
		want = append(want, s)
		write(t, p, cli, s)
	}
	require.NoError(t, p.CloseHandle(cli))
	for _, w := range want {
		s, err := read(p, srv, 200)
		require.NoError(t, err)
		assert.Equal(t, w, s)
	}
	_, err := read(p, srv, 200)
	assert.ErrorIs(t, err, kernel.ERROR_BROKEN_PIPE)
}

// A process that exits closes its pipe handles: the other end sees ERROR_BROKEN_PIPE
// after the data, exactly as after CloseHandle (docs/windows-facts.md#np-close; MS docs, the pipe lives
// until the last handle or the process owning it ends).
func TestProcessExitClosesPipeEnds(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newMachine(t)
		srvP := newProc(t, m, "server.exe")
		name := uniqueName(t)
		srv := server(t, srvP, name, duplex, msgPipe, 1, 1024, 1024)
		cliP := newProc(t, m, "client.exe")
		cli := client(t, cliP, name, rw)
		write(t, cliP, cli, "last words")
		rd := asyncRead(cliP, cli, 8)
		requirePending(t, rd)
		cliP.Terminate(3)
		// Its own blocked read ends too: abandoned by the exit, or failed by the close
		// of its handle, whichever comes first; nobody is left to see which.
		err := requireDone(t, rd).err
		assert.True(t, errors.Is(err, kernel.ERROR_OPERATION_ABORTED) || errors.Is(err, kernel.ERROR_BROKEN_PIPE), "%v", err)
		s, err := read(srvP, srv, 32)
		require.NoError(t, err)
		assert.Equal(t, "last words", s)
		_, err = read(srvP, srv, 32)
		assert.ErrorIs(t, err, kernel.ERROR_BROKEN_PIPE)
		assert.ErrorIs(t, pipe.ConnectNamedPipe(bg, srvP, srv), kernel.ERROR_NO_DATA)

		cliP2 := newProc(t, m, "client2.exe")
		require.NoError(t, pipe.DisconnectNamedPipe(srvP, srv))
		conn := asyncConnect(bg, srvP, srv)
		requirePending(t, conn)
		cli = client(t, cliP2, name, rw)
		require.NoError(t, requireDone(t, conn).err)
		rd = asyncRead(cliP2, cli, 8)
		requirePending(t, rd)
		srvP.Terminate(0)
		assert.ErrorIs(t, requireDone(t, rd).err, kernel.ERROR_BROKEN_PIPE)
		_, err = cliP2.WriteFile(bg, cli, []byte("x"))
		assert.ErrorIs(t, err, kernel.ERROR_NO_DATA)
		require.NoError(t, cliP2.CloseHandle(cli))
	})
}

// A child that inherited a client handle has a large write blocked; the parent reads 10
// bytes of it; when the child is terminated the rest of the write is gone: the parent's
// next read blocks until a new write (windows-facts.md NP-132, HD-6, test_overlapped_transport).
func TestTerminatedWriterTakesItsBlockedWriteAlong(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newMachine(t)
		parent := newProc(t, m, "parent.exe")
		name := uniqueName(t)
		srv := server(t, parent, name, duplex, bytePipe, 1, 100, 100)
		cli, err := parent.CreateFile(name, rw, 0, &kernel.SecurityAttributes{InheritHandle: true}, kernel.OPEN_EXISTING, 0)
		require.NoError(t, err)
		started := make(chan struct{})
		hChild, child, err := parent.CreateProcess("child.exe", true, func(ctx context.Context, c *kernel.Process) uint32 {
			close(started)
			_, err := c.WriteFile(ctx, cli, make([]byte, 10000))
			if err != nil {
				return 1
			}
			return 0
		})
		require.NoError(t, err)
		<-started
		synctest.Wait()
		s, err := read(parent, srv, 10)
		require.NoError(t, err)
		assert.Len(t, s, 10)
		child.Terminate(9)
		synctest.Wait()
		rd := asyncRead(parent, srv, 8)
		requirePending(t, rd)
		write(t, parent, cli, "1")
		res := requireDone(t, rd)
		assert.NoError(t, res.err)
		assert.Equal(t, "1", res.s)
		for _, h := range []kernel.Handle{hChild, cli, srv} {
			require.NoError(t, parent.CloseHandle(h))
		}
	})
}

// A blocked write that is cancelled reports 0 bytes with ERROR_OPERATION_ABORTED and
// takes all its unread bytes out of the pipe, even ones the reader had seen; a write
// queued behind it becomes the head (windows-facts.md NP-130).
func TestCancelledWriteIsWithdrawn(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newMachine(t)
		p := newProc(t, m, "a.exe")
		srv, cli, _ := pair(t, p, bytePipe, 10, 10)
		ctx, cancel := context.WithCancel(bg)
		big := async(func() result {
			n, err := p.WriteFile(ctx, cli, make([]byte, 100))
			return result{n: n, err: err}
		})
		requirePending(t, big)
		small := asyncWrite(p, cli, []byte("Z"))
		requirePending(t, small)
		drain(t, p, srv, 10)
		_, avail, _, err := pipe.PeekNamedPipe(p, srv, nil)
		require.NoError(t, err)
		assert.Equal(t, uint32(91), avail)
		cancel()
		res := requireDone(t, big)
		assert.ErrorIs(t, res.err, kernel.ERROR_OPERATION_ABORTED)
		assert.ErrorIs(t, res.err, context.Canceled)
		assert.Zero(t, res.n)
		assert.Equal(t, 1, requireDone(t, small).n, "the write behind now fits")
		data, avail, _ := peek(t, p, srv, 8)
		assert.Equal(t, "Z", data)
		assert.Equal(t, uint32(1), avail)
	})
}

// A cancelled blocked read fails with ERROR_OPERATION_ABORTED and 0 bytes and consumes
// nothing; another read pending on the same end is unaffected and gets the next data
// (windows-facts.md NP-128, NP-131: CancelIoEx of one read).
func TestCancelledReadConsumesNothing(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newMachine(t)
		p := newProc(t, m, "a.exe")
		srv, cli, _ := pair(t, p, bytePipe, 64, 64)
		other := asyncRead(p, cli, 1)
		requirePending(t, other)
		ctx, cancel := context.WithCancel(bg)
		rd := async(func() result {
			buf := make([]byte, 8)
			n, err := p.ReadFile(ctx, cli, buf)
			return result{n: n, err: err}
		})
		requirePending(t, rd)
		cancel()
		res := requireDone(t, rd)
		assert.ErrorIs(t, res.err, kernel.ERROR_OPERATION_ABORTED)
		var errno kernel.Errno
		assert.True(t, errors.As(res.err, &errno))
		assert.Equal(t, kernel.ERROR_OPERATION_ABORTED, errno)
		assert.Zero(t, res.n)
		requirePending(t, other)
		write(t, p, srv, "Xlater")
		assert.Equal(t, "X", requireDone(t, other).s)
		s, err := read(p, cli, 8)
		require.NoError(t, err)
		assert.Equal(t, "later", s)
	})
}

// A blocked read or write cancelled through a context with a cause reports the same
// error as every other cancelled blocking call (FlushFileBuffers, ConnectNamedPipe and
// the kernel's waits, all through the kernel's I/O requests): one matching
// ERROR_OPERATION_ABORTED (windows-facts.md NP-128, NP-130) and the context's error,
// context.Canceled, not the cause given to the cancel function. The server holds 4
// unread bytes the client wrote before the blocked write, so the flush waits on them
// and not only on the blocked write (whose cancellation withdraws its bytes and would
// let a flush waiting only on it complete, as NPFS completes a flush once the queue is
// empty).
func TestCancelledReadAndWriteReportTheContextError(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newMachine(t)
		p := newProc(t, m, "a.exe")
		_, cli, _ := pair(t, p, bytePipe, 4, 4)
		write(t, p, cli, "full")
		cause := errors.New("caller's reason")
		ctx, cancel := context.WithCancelCause(bg)
		rd := async(func() result {
			n, err := p.ReadFile(ctx, cli, make([]byte, 8))
			return result{n: n, err: err}
		})
		wr := async(func() result {
			n, err := p.WriteFile(ctx, cli, make([]byte, 100))
			return result{n: n, err: err}
		})
		requirePending(t, rd)
		requirePending(t, wr)
		fl := async(func() result { return result{err: p.FlushFileBuffers(ctx, cli)} })
		requirePending(t, fl)
		cancel(cause)
		for _, ch := range []<-chan result{rd, wr, fl} {
			res := requireDone(t, ch)
			assert.ErrorIs(t, res.err, kernel.ERROR_OPERATION_ABORTED)
			assert.ErrorIs(t, res.err, context.Canceled)
			assert.Zero(t, res.n)
		}
	})
}
