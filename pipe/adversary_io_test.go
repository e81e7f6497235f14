package pipe_test

import (
	"bytes"
	"errors"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/winsim/winsim/kernel"
	"github.com/winsim/winsim/kerneltest"
	"github.com/winsim/winsim/pipe"
)

// This file tests the adversarial mode's read, write and connect outcomes
// (docs/adversarial.md): each happens under a seed, the same seed makes the same
// choices, code that handles them as Windows asks passes under many seeds, and no byte
// is lost, duplicated or reordered.

// alphaMachine returns a machine named ALPHA on a network of its own. Reproducibility
// tests use it: a choice's key names the caller's machine, so a run repeated on a
// machine of another name makes other choices.
func alphaMachine(t testing.TB) *kernel.Machine {
	t.Helper()
	return kerneltest.AddMachine(t, kerneltest.NewNetwork(t), "ALPHA", "WORKGROUP", pipe.Install)
}

// advName is the adversarial tests' pipe: one name, because a choice's key names the
// pipe (each test has a machine of its own).
const advName = `\\.\pipe\adversary`

// advPair returns a connected server and client of a new duplex pipe named advName;
// flags is 0 or FILE_FLAG_OVERLAPPED, for both ends.
func advPair(t testing.TB, p *kernel.Process, pipeMode, out, in, flags uint32) (srv, cli kernel.Handle) {
	t.Helper()
	srv = server(t, p, advName, pipe.PIPE_ACCESS_DUPLEX|flags, pipeMode, 1, out, in)
	cli, err := p.CreateFile(advName, rw, 0, nil, kernel.OPEN_EXISTING, flags)
	require.NoError(t, err)
	return srv, cli
}

// setAdversary turns the adversarial mode of m's network on with a.
func setAdversary(t testing.TB, m *kernel.Machine, a kernel.Adversary) {
	t.Helper()
	require.NoError(t, m.Network().SetAdversary(a))
}

// pattern returns n bytes that differ from their neighbours, starting at from.
func pattern(from, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte((from + i) * 7)
	}
	return b
}

// readFull reads exactly len(buf) bytes from h, looping as a byte-mode reader must, and
// returns the count each ReadFile gave.
func readFull(t testing.TB, p *kernel.Process, h kernel.Handle, buf []byte) []int {
	t.Helper()
	var counts []int
	for got := 0; got < len(buf); {
		n, err := p.ReadFile(bg, h, buf[got:])
		require.NoError(t, err)
		require.Positive(t, n, "a successful byte-mode read returns at least one byte")
		counts = append(counts, n)
		got += n
	}
	return counts
}

// A byte-mode read may return fewer bytes than it asked for and than are queued
// (Microsoft, "Named Pipe Type, Read, and Wait Modes": a byte-type pipe keeps no
// write boundaries and a read completes when what is available has been read; Wine
// dlls/kernel32/tests/pipe.c test_CreateNamedPipe reads one write in pieces,
// windows-facts.md NP-51). Under OutcomeShortRead each read returns at least one
// byte, the rest stays queued in order, and after MaxInARow short reads the next one
// takes everything.
func TestAdversaryShortRead(t *testing.T) {
	m := alphaMachine(t)
	setAdversary(t, m, kernel.Adversary{Seed: 5, ShortRead: 1})
	p := newProc(t, m, "reader.exe")
	srv, cli := advPair(t, p, bytePipe, 256, 256, 0)
	msg := pattern(0, 100)
	_, err := p.WriteFile(bg, cli, msg)
	require.NoError(t, err)

	buf := make([]byte, 200)
	var got []byte
	for i := range 3 {
		n, err := p.ReadFile(bg, srv, buf)
		require.NoError(t, err, "a short byte-mode read is a success")
		require.GreaterOrEqual(t, n, 1, "read %d", i)
		require.Less(t, n, 100-len(got), "read %d returns less than is queued", i)
		got = append(got, buf[:n]...)
		_, avail, _, err := pipe.PeekNamedPipe(p, srv, nil)
		require.NoError(t, err)
		assert.Equal(t, uint32(100-len(got)), avail, "the rest stays queued")
	}
	n, err := p.ReadFile(bg, srv, buf)
	require.NoError(t, err)
	assert.Equal(t, 100-len(got), n, "after MaxInARow (3) short reads the read takes all")
	got = append(got, buf[:n]...)
	assert.Equal(t, msg, got, "nothing lost, duplicated or reordered")

	// A read of one byte, or of a pipe holding one byte, cannot be shorter.
	write(t, p, cli, "xy")
	readsBack(t, p, srv, 1, "x")
	readsBack(t, p, srv, 16, "y")
}

// The same seed gives the same short reads, another seed others; the counts are a
// function of the seed and the calls, not of timing.
func TestAdversaryShortReadsAreReproducible(t *testing.T) {
	counts := func(seed uint64) []int {
		m := alphaMachine(t)
		setAdversary(t, m, kernel.Adversary{Seed: seed, ShortRead: 0.5})
		p := newProc(t, m, "reader.exe")
		r, w, err := pipe.CreatePipe(p, nil, 0)
		require.NoError(t, err)
		var all []int
		for i := range 16 {
			msg := pattern(i, 64)
			_, err := p.WriteFile(bg, w, msg)
			require.NoError(t, err)
			buf := make([]byte, 64)
			all = append(all, readFull(t, p, r, buf)...)
			require.Equal(t, msg, buf)
		}
		return all
	}
	a := counts(11)
	assert.Equal(t, a, counts(11), "the same seed makes the same choices")
	assert.NotEqual(t, a, counts(12), "another seed makes others")
	assert.Greater(t, len(a), 16, "some reads were short")
}

// Message-type pipes are never shortened: a message-mode read gets the whole message
// (or, with a short buffer, ERROR_MORE_DATA and the rest later, NP-52), and a
// byte-mode read of a message pipe reads across messages as without the mode (NP-54).
func TestAdversaryNeverSplitsMessages(t *testing.T) {
	m := alphaMachine(t)
	setAdversary(t, m, kernel.Adversary{Seed: 1, ShortRead: 1})
	p := newProc(t, m, "reader.exe")
	srv, cli := advPair(t, p, msgPipe, 1024, 1024, 0)
	for i := range 8 {
		msg := pattern(i, 50)
		_, err := p.WriteFile(bg, cli, msg)
		require.NoError(t, err)
		buf := make([]byte, 64)
		n, err := p.ReadFile(bg, srv, buf)
		require.NoError(t, err)
		assert.Equal(t, msg, buf[:n], "message %d arrives whole", i)
	}
	write(t, p, cli, "0123456789")
	s, err := read(p, srv, 4)
	assert.ErrorIs(t, err, kernel.ERROR_MORE_DATA)
	assert.Equal(t, "0123", s)
	readsBack(t, p, srv, 64, "456789")

	mode := uint32(pipe.PIPE_READMODE_BYTE)
	require.NoError(t, pipe.SetNamedPipeHandleState(p, srv, &mode, nil, nil))
	write(t, p, cli, "abc")
	write(t, p, cli, "defg")
	readsBack(t, p, srv, 64, "abcdefg", "a byte-mode read of a message pipe is not shortened")
}

// A short read reports the same count everywhere: the synchronous caller, and for an
// overlapped read (served later by a write, or at once) the OVERLAPPED's
// InternalHigh, GetOverlappedResult and the completion packet (Wine
// dlls/ntdll/tests/pipe.c test_completion: the packet carries the I/O's count).
func TestAdversaryShortReadCountsAgree(t *testing.T) {
	m := alphaMachine(t)
	setAdversary(t, m, kernel.Adversary{Seed: 2, ShortRead: 1})
	p := newProc(t, m, "reader.exe")
	srv, cli := advPair(t, p, bytePipe, 256, 256, pipe.FILE_FLAG_OVERLAPPED)
	port, err := p.CreateIoCompletionPort(srv, 0, 7, 0)
	require.NoError(t, err)
	defer p.CloseHandle(port)
	check := func(what string, ov *kernel.Overlapped, buf []byte, n int, want []byte) {
		t.Helper()
		got, err := p.GetOverlappedResult(bg, srv, ov, true)
		require.NoError(t, err, what)
		assert.Equal(t, n, got, what+": GetOverlappedResult")
		assert.Equal(t, uintptr(n), ov.InternalHigh, what+": InternalHigh")
		assert.Equal(t, uintptr(kernel.STATUS_SUCCESS), ov.Internal, what+": Internal")
		st, err := p.GetQueuedCompletionStatus(bg, port, 0)
		require.NoError(t, err, what)
		assert.Equal(t, n, st.Bytes, what+": the packet's count")
		assert.Same(t, ov, st.Overlapped)
		assert.Equal(t, want[:n], buf[:n], what+": the bytes")
	}

	// Pending, then served by a write.
	ov := &kernel.Overlapped{}
	buf := make([]byte, 64)
	_, err = p.ReadFileOverlapped(bg, srv, buf, ov)
	require.ErrorIs(t, err, kernel.ERROR_IO_PENDING)
	msg := pattern(0, 40)
	_, err = p.WriteFileOverlapped(bg, cli, msg, &kernel.Overlapped{})
	require.NoError(t, err)
	n, err := p.GetOverlappedResult(bg, srv, ov, true)
	require.NoError(t, err)
	require.Less(t, n, 40, "the pending read was shortened")
	check("pending read", ov, buf, n, msg)
	more := pattern(40, 40)
	_, err = p.WriteFileOverlapped(bg, cli, more, &kernel.Overlapped{})
	require.NoError(t, err)
	rest := append(msg[n:], more...)

	// At once, from what is queued.
	ov2 := &kernel.Overlapped{}
	buf2 := make([]byte, 64)
	n2, err := p.ReadFileOverlapped(bg, srv, buf2, ov2)
	require.NoError(t, err, "the data is there: the read completes at once")
	require.Less(t, n2, len(rest), "the immediate read was shortened")
	check("immediate read", ov2, buf2, n2, rest)
}

// A reader that loops, as byte-mode readers must, gets every byte in order whatever
// the seed, from writers whose writes block on the quota and from pending reads served
// by writes; the adversary's choices change only how the stream is cut.
func TestAdversaryLoopingReaderGetsEverything(t *testing.T) {
	const total = 6000
	for seed := range uint64(40) {
		m := alphaMachine(t)
		setAdversary(t, m, kernel.Adversary{Seed: seed, ShortRead: 0.6})
		p := newProc(t, m, "peer.exe")
		srv, cli := advPair(t, p, bytePipe, 128, 128, 0)
		want := pattern(int(seed), total)
		done := make(chan error, 1)
		go func() {
			for off, size := 0, 1; off < total; off, size = off+size, size%97+13 {
				end := min(off+size, total)
				n, err := p.WriteFile(bg, cli, want[off:end])
				if err == nil && n != end-off {
					err = errors.New("a blocking write was not taken whole")
				}
				if err != nil {
					done <- err
					return
				}
				size = end - off
			}
			done <- nil
		}()
		got := make([]byte, total)
		counts := readFull(t, p, srv, got)
		require.NoError(t, <-done)
		require.True(t, bytes.Equal(want, got), "seed %d: the stream arrives whole and in order", seed)
		_, avail, _, err := pipe.PeekNamedPipe(p, srv, nil)
		require.NoError(t, err)
		require.Zero(t, avail, "seed %d: nothing duplicated", seed)
		require.Greater(t, len(counts), 1)
		require.NoError(t, p.CloseHandle(cli))
		require.NoError(t, p.CloseHandle(srv))
	}
}

// readsBack reads h with a buffer of size and requires success with want.
func readsBack(t testing.TB, p *kernel.Process, h kernel.Handle, size int, want string, msgAndArgs ...any) {
	t.Helper()
	s, err := read(p, h, size)
	require.NoError(t, err, msgAndArgs...)
	assert.Equal(t, want, s, msgAndArgs...)
}

// setNoWait puts h in PIPE_NOWAIT mode with the given read mode.
func setNoWait(t testing.TB, p *kernel.Process, h kernel.Handle, readMode uint32) {
	t.Helper()
	mode := readMode | pipe.PIPE_NOWAIT
	require.NoError(t, pipe.SetNamedPipeHandleState(p, h, &mode, nil, nil))
}

// A PIPE_NOWAIT write that does not fit succeeds at once with only what pending reads
// take, and with nothing queued: 0 bytes when no read waits (Wine
// dlls/kernel32/tests/pipe.c test_nowait: "Windows doesn't seem to do partial writes
// ('write == 0' always)"; windows-facts.md NP-106, NP-109). The buffer sizes are
// advisory (Microsoft, CreateNamedPipe), so under OutcomePartialWrite a write that
// would fit is answered that way, at most MaxInARow times in a row.
func TestAdversaryPartialWriteByte(t *testing.T) {
	m := alphaMachine(t)
	setAdversary(t, m, kernel.Adversary{Seed: 4, PartialWrite: 1})
	p := newProc(t, m, "writer.exe")
	srv, cli := advPair(t, p, bytePipe, 256, 256, pipe.FILE_FLAG_OVERLAPPED)
	setNoWait(t, p, cli, pipe.PIPE_READMODE_BYTE)

	for i := range 3 {
		n, err := p.WriteFile(bg, cli, []byte("0123456789"))
		require.NoError(t, err, "a write that does not fit succeeds")
		assert.Zero(t, n, "write %d: nothing taken", i)
		_, avail, _, err := pipe.PeekNamedPipe(p, srv, nil)
		require.NoError(t, err)
		assert.Zero(t, avail, "write %d: nothing queued", i)
	}
	n, err := p.WriteFile(bg, cli, []byte("0123456789"))
	require.NoError(t, err)
	assert.Equal(t, 10, n, "after MaxInARow (3) the write goes through")
	readsBack(t, p, srv, 64, "0123456789")

	// With a 4-byte read waiting, the write gives it 4 bytes and takes no more.
	ov := &kernel.Overlapped{}
	buf := make([]byte, 4)
	_, err = p.ReadFileOverlapped(bg, srv, buf, ov)
	require.ErrorIs(t, err, kernel.ERROR_IO_PENDING)
	n, err = p.WriteFile(bg, cli, []byte("abcdefghij"))
	require.NoError(t, err)
	assert.Equal(t, 4, n, "a partial write: what the pending read took")
	got, err := p.GetOverlappedResult(bg, srv, ov, false)
	require.NoError(t, err)
	assert.Equal(t, "abcd", string(buf[:got]))
	_, avail, _, err := pipe.PeekNamedPipe(p, srv, nil)
	require.NoError(t, err)
	assert.Zero(t, avail, "the rest was not written")

	// A write the pending reads take whole is never cut (NP-107).
	_, err = p.ReadFileOverlapped(bg, srv, make([]byte, 64), ov)
	require.ErrorIs(t, err, kernel.ERROR_IO_PENDING)
	n, err = p.WriteFile(bg, cli, []byte("klm"))
	require.NoError(t, err)
	assert.Equal(t, 3, n)

	// A blocking (PIPE_WAIT) handle's writes are never cut.
	for range 5 {
		n, err := p.WriteFile(bg, srv, []byte("wait"))
		require.NoError(t, err)
		assert.Equal(t, 4, n)
	}
}

// On a message-type pipe a PIPE_NOWAIT message is written whole or not at all: under
// OutcomePartialWrite the write succeeds with 0 bytes, nothing is queued, and a read
// waiting for a message stays pending (windows-facts.md NP-109); the retried write
// delivers the message whole.
func TestAdversaryPartialWriteMessage(t *testing.T) {
	m := alphaMachine(t)
	setAdversary(t, m, kernel.Adversary{Seed: 4, PartialWrite: 1, MaxInARow: 1})
	p := newProc(t, m, "writer.exe")
	srv, cli := advPair(t, p, msgPipe, 256, 256, pipe.FILE_FLAG_OVERLAPPED)
	setNoWait(t, p, cli, pipe.PIPE_READMODE_MESSAGE)
	ov := &kernel.Overlapped{}
	buf := make([]byte, 4)
	_, err := p.ReadFileOverlapped(bg, srv, buf, ov)
	require.ErrorIs(t, err, kernel.ERROR_IO_PENDING)

	n, err := p.WriteFile(bg, cli, []byte("message"))
	require.NoError(t, err)
	assert.Zero(t, n, "all or nothing: nothing")
	assert.False(t, kernel.HasOverlappedIoCompleted(ov), "the read still waits")
	_, avail, _, err := pipe.PeekNamedPipe(p, srv, nil)
	require.NoError(t, err)
	assert.Zero(t, avail)

	n, err = p.WriteFile(bg, cli, []byte("message"))
	require.NoError(t, err)
	assert.Equal(t, 7, n, "MaxInARow 1: the retry goes through")
	got, err := p.GetOverlappedResult(bg, srv, ov, false)
	assert.ErrorIs(t, err, kernel.ERROR_MORE_DATA)
	assert.Equal(t, "mess", string(buf[:got]))
	readsBack(t, p, srv, 64, "age", "the message arrived once, whole")
}

// A PIPE_NOWAIT writer that handles partial writes (retrying the rest, waiting a
// little when nothing was taken) delivers the whole stream in order under any seed,
// to a reader that loops over short reads; and the same seed gives the same writes.
func TestAdversaryNoWaitWriterAndLoopingReader(t *testing.T) {
	const total = 3000
	run := func(seed uint64) (writes []int) {
		synctest.Test(t, func(t *testing.T) {
			m := alphaMachine(t)
			setAdversary(t, m, kernel.Adversary{Seed: seed, PartialWrite: 0.5, ShortRead: 0.5})
			p := newProc(t, m, "peer.exe")
			srv, cli := advPair(t, p, bytePipe, 64, 64, 0)
			setNoWait(t, p, cli, pipe.PIPE_READMODE_BYTE)
			want := pattern(int(seed), total)
			got := make([]byte, total)
			done := make(chan struct{})
			go func() {
				defer close(done)
				readFull(t, p, srv, got)
			}()
			synctest.Wait() // the reader is blocked before the first write
			for off := 0; off < total; {
				n, err := p.WriteFile(bg, cli, want[off:min(off+50, total)])
				require.NoError(t, err)
				writes = append(writes, n)
				off += n
				if n == 0 {
					time.Sleep(time.Millisecond) // the pipe is full: let the reader drain it
				}
				synctest.Wait()
			}
			<-done
			require.True(t, bytes.Equal(want, got), "seed %d: whole and in order", seed)
			_, avail, _, err := pipe.PeekNamedPipe(p, srv, nil)
			require.NoError(t, err)
			require.Zero(t, avail, "seed %d: nothing duplicated", seed)
		})
		return writes
	}
	partial := 0
	for seed := range uint64(24) {
		w := run(seed)
		for _, n := range w {
			if n < 50 {
				partial++
			}
		}
		if seed < 2 {
			assert.Equal(t, w, run(seed), "seed %d: the same writes again", seed)
		}
	}
	assert.Positive(t, partial, "some writes were partial")
}

// A ConnectNamedPipe that waits for its client may return ERROR_PIPE_CONNECTED when
// the client arrives: the server thread may have called it just after the client
// connected, since a new instance listens from its creation (windows-facts.md NP-31,
// NP-36; Microsoft, ConnectNamedPipe: success means a client "connects after the
// function is called"). Under OutcomePipeConnected that is the answer; the
// connection works as any other. A disconnected instance listens only once
// ConnectNamedPipe is called, and an overlapped ConnectNamedPipe has already reported
// ERROR_IO_PENDING, so neither is ever answered so.
func TestAdversaryPipeConnected(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := alphaMachine(t)
		setAdversary(t, m, kernel.Adversary{Seed: 1, PipeConnected: 1})
		p := newProc(t, m, "server.exe")
		name := advName
		srv := server(t, p, name, duplex, bytePipe, 1, 64, 64)
		ch := async(func() result { return result{err: pipe.ConnectNamedPipe(bg, p, srv)} })
		requirePending(t, ch)
		cli := client(t, p, name, rw)
		assert.ErrorIs(t, requireDone(t, ch).err, kernel.ERROR_PIPE_CONNECTED)
		assert.False(t, signaled(t, p, srv), "reset, as after a ConnectNamedPipe that found its client there (NP-39)")
		write(t, p, cli, "hello")
		readsBack(t, p, srv, 16, "hello", "connected")

		require.NoError(t, pipe.DisconnectNamedPipe(p, srv))
		require.NoError(t, p.CloseHandle(cli))
		ch = async(func() result { return result{err: pipe.ConnectNamedPipe(bg, p, srv)} })
		requirePending(t, ch)
		cli = client(t, p, name, rw)
		assert.NoError(t, requireDone(t, ch).err, "a disconnected instance listens only from the call")
		require.NoError(t, p.CloseHandle(cli))
		require.NoError(t, p.CloseHandle(srv))

		osrv := server(t, p, name, duplex|pipe.FILE_FLAG_OVERLAPPED, bytePipe, 1, 64, 64)
		ov := &kernel.Overlapped{}
		require.ErrorIs(t, pipe.ConnectNamedPipeOverlapped(bg, p, osrv, ov), kernel.ERROR_IO_PENDING)
		cli = client(t, p, name, rw)
		_, err := p.GetOverlappedResult(bg, osrv, ov, true)
		assert.NoError(t, err, "an overlapped connect completes with success")
		require.NoError(t, p.CloseHandle(cli))
		require.NoError(t, p.CloseHandle(osrv))
	})
}

// serveOnce creates an instance of name, waits for a client with ConnectNamedPipe while
// a client opens the pipe, and returns the connect's result.
func serveOnce(t *testing.T, p *kernel.Process, name string) error {
	srv := server(t, p, name, duplex, bytePipe, 1, 64, 64)
	ch := async(func() result { return result{err: pipe.ConnectNamedPipe(bg, p, srv)} })
	requirePending(t, ch)
	cli := client(t, p, name, rw)
	err := requireDone(t, ch).err
	require.NoError(t, p.CloseHandle(cli))
	require.NoError(t, p.CloseHandle(srv))
	return err
}

// The same seed answers the same ConnectNamedPipe calls with ERROR_PIPE_CONNECTED;
// a server that treats it as success (Microsoft's "Multithreaded Pipe Server" example
// does) connects every client under every seed.
func TestAdversaryPipeConnectedIsReproducible(t *testing.T) {
	outcomes := func(seed uint64) (out []bool) {
		synctest.Test(t, func(t *testing.T) {
			m := alphaMachine(t)
			setAdversary(t, m, kernel.Adversary{Seed: seed, PipeConnected: 0.5})
			p := newProc(t, m, "server.exe")
			name := advName
			for range 16 {
				err := serveOnce(t, p, name)
				if err != nil {
					require.ErrorIs(t, err, kernel.ERROR_PIPE_CONNECTED, "treated as success, it is the only other answer")
				}
				out = append(out, err != nil)
			}
		})
		return out
	}
	a := outcomes(21)
	assert.Equal(t, a, outcomes(21), "the same seed makes the same choices")
	assert.NotEqual(t, a, outcomes(22))
	assert.Contains(t, a, true)
	assert.Contains(t, a, false)
	for seed := range uint64(20) {
		outcomes(seed)
	}
}
