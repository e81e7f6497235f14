package pipe_test

import (
	"bytes"
	"context"
	"testing"
	"testing/synctest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/winsim/winsim/kernel"
	"github.com/winsim/winsim/pipe"
)

// asyncFlush calls FlushFileBuffers on another goroutine.
func asyncFlush(ctx context.Context, p *kernel.Process, h kernel.Handle) <-chan result {
	return async(func() result { return result{err: p.FlushFileBuffers(ctx, h)} })
}

// drain reads exactly n bytes from h.
func drain(t testing.TB, p *kernel.Process, h kernel.Handle, n int) []byte {
	t.Helper()
	var out []byte
	buf := make([]byte, 4096)
	for len(out) < n {
		k, err := p.ReadFile(bg, h, buf[:min(len(buf), n-len(out))])
		require.NoError(t, err)
		out = append(out, buf[:k]...)
	}
	return out
}

// The quota rules of dlls/kernel32/tests/pipe.c test_blocking_rw (docs/windows-facts.md#np-quota), with the
// server's nOutBufferSize Q = 5000:
//   - with a read of 1000 pending, a write of 4000 completes at once; the read gets 1000
//     and 3000 stay (NP-72);
//   - a write of Q on top pends, and its bytes are visible at once: 8000 (NP-73);
//   - it completes once the unread bytes up to its end are <= Q; a 1-byte write behind it
//     waits for one more byte to be read; a write of Q+2000 waits until 2000 bytes of it
//     are read (NP-74).
func TestWriteQuotaRules(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newMachine(t)
		p := newProc(t, m, "a.exe")
		const Q = 5000
		srv, cli, _ := pair(t, p, bytePipe, Q, 6000)
		rd := asyncRead(p, cli, 1000)
		requirePending(t, rd)
		n, err := p.WriteFile(bg, srv, make([]byte, 4000))
		require.NoError(t, err)
		assert.Equal(t, 4000, n)
		res := requireDone(t, rd)
		assert.NoError(t, res.err)
		assert.Equal(t, 1000, res.n)
		_, avail, _, err := pipe.PeekNamedPipe(p, cli, nil)
		require.NoError(t, err)
		assert.Equal(t, uint32(3000), avail)

		w1 := asyncWrite(p, srv, make([]byte, Q))
		requirePending(t, w1)
		_, avail, _, err = pipe.PeekNamedPipe(p, cli, nil)
		require.NoError(t, err)
		assert.Equal(t, uint32(3000+Q), avail)
		w2 := asyncWrite(p, srv, []byte{1})
		requirePending(t, w2)
		drain(t, p, cli, 3000)
		res = requireDone(t, w1)
		assert.NoError(t, res.err)
		assert.Equal(t, Q, res.n)
		requirePending(t, w2)
		drain(t, p, cli, 1)
		assert.Equal(t, 1, requireDone(t, w2).n)
		drain(t, p, cli, Q)

		big := make([]byte, Q+2000)
		for i := range big {
			big[i] = byte(i)
		}
		w3 := asyncWrite(p, srv, big)
		requirePending(t, w3)
		got := drain(t, p, cli, 1999)
		requirePending(t, w3)
		got = append(got, drain(t, p, cli, 1)...)
		res = requireDone(t, w3)
		assert.NoError(t, res.err)
		assert.Equal(t, Q+2000, res.n)
		got = append(got, drain(t, p, cli, Q)...)
		assert.True(t, bytes.Equal(big, got), "the rest was kept after the writer returned")
	})
}

// A zero-length write never blocks, even with the pipe full and writes pending, and
// leaves them pending (windows-facts.md NP-75).
func TestZeroLengthWriteNeverBlocks(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newMachine(t)
		p := newProc(t, m, "a.exe")
		for _, mode := range []uint32{bytePipe, msgPipe} {
			srv, cli, _ := pair(t, p, mode, 10, 10)
			w := asyncWrite(p, srv, make([]byte, 20))
			requirePending(t, w)
			n, err := p.WriteFile(bg, srv, nil)
			assert.NoError(t, err)
			assert.Zero(t, n)
			requirePending(t, w)
			drain(t, p, cli, 20)
			assert.NoError(t, requireDone(t, w).err)
		}
	})
}

// A client's writes are limited by the server's nInBufferSize and the server's by its
// nOutBufferSize (docs/windows-facts.md#np-quota setup, windows-facts.md NP-86).
func TestQuotaPerDirection(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newMachine(t)
		p := newProc(t, m, "a.exe")
		srv, cli, _ := pair(t, p, bytePipe, 3, 6)
		n, err := p.WriteFile(bg, cli, make([]byte, 6))
		require.NoError(t, err, "6 bytes fit the in quota")
		assert.Equal(t, 6, n)
		n, err = p.WriteFile(bg, srv, make([]byte, 3))
		require.NoError(t, err, "3 bytes fit the out quota")
		assert.Equal(t, 3, n)
		w := asyncWrite(p, srv, []byte{1})
		requirePending(t, w)
		drain(t, p, cli, 1)
		assert.NoError(t, requireDone(t, w).err)
	})
}

// FlushFileBuffers returns at once when the other end has read everything (windows-facts.md NP-100) and otherwise waits until it has, blocked writes included (NP-101).
func TestFlushWaitsUntilPeerReadEverything(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newMachine(t)
		p := newProc(t, m, "a.exe")
		srv, cli, _ := pair(t, p, bytePipe, 8, 8)
		require.NoError(t, p.FlushFileBuffers(bg, srv))
		write(t, p, srv, "12345")
		w := asyncWrite(p, srv, []byte("6789abcd"))
		requirePending(t, w)
		f := asyncFlush(bg, p, srv)
		requirePending(t, f)
		drain(t, p, cli, 12)
		requirePending(t, f)
		assert.NoError(t, requireDone(t, w).err)
		drain(t, p, cli, 1)
		assert.NoError(t, requireDone(t, f).err)
	})
}

// A blocked FlushFileBuffers fails with ERROR_BROKEN_PIPE when the other end closes and
// with ERROR_PIPE_NOT_CONNECTED when the server disconnects (windows-facts.md NP-102); it gives
// up when its context is done.
func TestFlushEndsWithPeerCloseOrDisconnect(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newMachine(t)
		p := newProc(t, m, "a.exe")
		srv, cli, _ := pair(t, p, bytePipe, 64, 64)
		write(t, p, cli, "x")
		f := asyncFlush(bg, p, cli)
		requirePending(t, f)
		require.NoError(t, p.CloseHandle(srv))
		assert.ErrorIs(t, requireDone(t, f).err, kernel.ERROR_BROKEN_PIPE)
		require.NoError(t, p.CloseHandle(cli))

		srv, cli, _ = pair(t, p, bytePipe, 64, 64)
		write(t, p, srv, "x")
		f = asyncFlush(bg, p, srv)
		requirePending(t, f)
		require.NoError(t, p.CloseHandle(cli))
		assert.ErrorIs(t, requireDone(t, f).err, kernel.ERROR_BROKEN_PIPE)
		require.NoError(t, p.CloseHandle(srv))

		for _, flusher := range []string{"client", "server"} {
			srv, cli, _ = pair(t, p, bytePipe, 64, 64)
			h := cli
			if flusher == "server" {
				h = srv
			}
			write(t, p, h, "x")
			f = asyncFlush(bg, p, h)
			requirePending(t, f)
			require.NoError(t, pipe.DisconnectNamedPipe(p, srv))
			assert.ErrorIs(t, requireDone(t, f).err, kernel.ERROR_PIPE_NOT_CONNECTED, flusher)
			require.NoError(t, p.CloseHandle(cli))
			require.NoError(t, p.CloseHandle(srv))
		}

		srv, cli, _ = pair(t, p, bytePipe, 64, 64)
		write(t, p, srv, "x")
		ctx, cancel := context.WithCancel(bg)
		f = asyncFlush(ctx, p, srv)
		requirePending(t, f)
		cancel()
		assert.ErrorIs(t, requireDone(t, f).err, kernel.ERROR_OPERATION_ABORTED)
		s, err := read(p, cli, 8)
		require.NoError(t, err)
		assert.Equal(t, "x", s, "the data stays")
	})
}

// FlushFileBuffers succeeds where nothing can be read any more: on a server whose client
// closed (windows-facts.md NP-103), on a listening or disconnected server and on a client whose
// server closed (windows-facts.md NP-98); a client cut off by DisconnectNamedPipe gets
// ERROR_PIPE_NOT_CONNECTED (NP-98).
func TestFlushInEachState(t *testing.T) {
	m := newMachine(t)
	p := newProc(t, m, "a.exe")
	name := uniqueName(t)
	srv := server(t, p, name, duplex, bytePipe, 1, 64, 64)
	assert.NoError(t, p.FlushFileBuffers(bg, srv), "listening")
	cli := client(t, p, name, rw)
	write(t, p, srv, "unread")
	require.NoError(t, p.CloseHandle(cli))
	assert.NoError(t, p.FlushFileBuffers(bg, srv), "closing")
	require.NoError(t, pipe.DisconnectNamedPipe(p, srv))
	assert.NoError(t, p.FlushFileBuffers(bg, srv), "disconnected")
	require.NoError(t, p.CloseHandle(srv))

	srv, cli, _ = pair(t, p, bytePipe, 64, 64)
	write(t, p, cli, "unread")
	require.NoError(t, pipe.DisconnectNamedPipe(p, srv))
	assert.ErrorIs(t, p.FlushFileBuffers(bg, cli), kernel.ERROR_PIPE_NOT_CONNECTED)
	require.NoError(t, p.CloseHandle(srv))
	assert.ErrorIs(t, p.FlushFileBuffers(bg, cli), kernel.ERROR_PIPE_NOT_CONNECTED, "still, after the server closed")

	srv, cli2, _ := pair(t, p, bytePipe, 64, 64)
	write(t, p, cli2, "unread")
	require.NoError(t, p.CloseHandle(srv))
	assert.NoError(t, p.FlushFileBuffers(bg, cli2), "client of a closed server")
}

// PIPE_NOWAIT, for both pipe types with 512-byte buffers (dlls/kernel32/tests/pipe.c
// test_nowait, docs/windows-facts.md#np-nowait):
//   - a read of an empty pipe fails with ERROR_NO_DATA (NP-104); with data it reads (NP-105);
//   - a write that does not fit returns TRUE with 0 written and queues nothing (NP-106);
//   - pending reads count: read(32768) pending takes a 513-byte write whole (NP-107);
//     read(1) pending and 513 bytes: 1 to the read, 512 queued (NP-108);
//   - read(1) pending and 514 bytes: a byte pipe writes 1, a message pipe 0 and leaves
//     the read pending (NP-109);
//   - a write of exactly the quota fits (NP-110).
func TestNoWaitMode(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newMachine(t)
		p := newProc(t, m, "a.exe")
		for _, typ := range []uint32{pipe.PIPE_TYPE_BYTE, pipe.PIPE_TYPE_MESSAGE} {
			srv, cli, _ := pair(t, p, typ|pipe.PIPE_NOWAIT, 512, 512)
			assert.Equal(t, pipe.PIPE_NOWAIT, handleState(t, p, srv), "windows-facts.md NP-112")
			assert.Zero(t, handleState(t, p, cli))

			_, err := read(p, srv, 32)
			assert.ErrorIs(t, err, kernel.ERROR_NO_DATA)
			write(t, p, cli, "12345")
			s, err := read(p, srv, 32)
			assert.NoError(t, err)
			assert.Equal(t, "12345", s)

			n, err := p.WriteFile(bg, srv, make([]byte, 513))
			assert.NoError(t, err)
			assert.Zero(t, n)
			_, avail, _, err := pipe.PeekNamedPipe(p, cli, nil)
			require.NoError(t, err)
			assert.Zero(t, avail)

			rd := asyncRead(p, cli, 32768)
			requirePending(t, rd)
			n, err = p.WriteFile(bg, srv, make([]byte, 513))
			assert.NoError(t, err)
			assert.Equal(t, 513, n)
			assert.Equal(t, 513, requireDone(t, rd).n)

			rd = asyncRead(p, cli, 1)
			requirePending(t, rd)
			n, err = p.WriteFile(bg, srv, make([]byte, 513))
			assert.NoError(t, err)
			assert.Equal(t, 513, n)
			assert.Equal(t, 1, requireDone(t, rd).n)
			assert.Len(t, drain(t, p, cli, 512), 512)

			rd = asyncRead(p, cli, 1)
			requirePending(t, rd)
			n, err = p.WriteFile(bg, srv, make([]byte, 514))
			assert.NoError(t, err)
			if typ == pipe.PIPE_TYPE_BYTE {
				assert.Equal(t, 1, n)
				assert.Equal(t, 1, requireDone(t, rd).n)
			} else {
				assert.Zero(t, n, "a message is written whole or not at all")
				requirePending(t, rd)
				write(t, p, srv, "m")
				assert.Equal(t, 1, requireDone(t, rd).n)
			}
			_, avail, _, err = pipe.PeekNamedPipe(p, cli, nil)
			require.NoError(t, err)
			assert.Zero(t, avail)

			n, err = p.WriteFile(bg, srv, make([]byte, 512))
			assert.NoError(t, err)
			assert.Equal(t, 512, n)
			require.NoError(t, p.CloseHandle(cli))
			require.NoError(t, p.CloseHandle(srv))
		}
	})
}

// A client switched to PIPE_NOWAIT reads ERROR_NO_DATA on an empty pipe, and back in
// PIPE_WAIT it blocks (windows-facts.md NP-112, SetNamedPipeHandleState).
func TestClientNoWaitMode(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newMachine(t)
		p := newProc(t, m, "a.exe")
		srv, cli, _ := pair(t, p, bytePipe, 64, 64)
		setMode(t, p, cli, pipe.PIPE_NOWAIT)
		assert.Equal(t, pipe.PIPE_NOWAIT, handleState(t, p, cli))
		_, err := read(p, cli, 8)
		assert.ErrorIs(t, err, kernel.ERROR_NO_DATA)
		setMode(t, p, cli, pipe.PIPE_WAIT)
		rd := asyncRead(p, cli, 8)
		requirePending(t, rd)
		write(t, p, srv, "w")
		assert.Equal(t, "w", requireDone(t, rd).s)
	})
}
