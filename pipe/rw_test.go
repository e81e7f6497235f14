package pipe_test

import (
	"testing"
	"testing/synctest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/winsim/winsim/kernel"
	"github.com/winsim/winsim/pipe"
)

// handleState returns GetNamedPipeHandleState's state for h.
func handleState(t testing.TB, p *kernel.Process, h kernel.Handle) uint32 {
	t.Helper()
	var st uint32
	require.NoError(t, pipe.GetNamedPipeHandleState(p, h, &st, nil, nil, nil, nil))
	return st
}

// setMode calls SetNamedPipeHandleState with mode and requires success.
func setMode(t testing.TB, p *kernel.Process, h kernel.Handle, mode uint32) {
	t.Helper()
	require.NoError(t, pipe.SetNamedPipeHandleState(p, h, &mode, nil, nil))
}

// A client opened with CreateFile reads in byte mode even on a message pipe, so its
// reads cross message boundaries: 11 + 10 bytes come back as 21 (windows-facts.md NP-48, NP-54;
// dlls/kernel32/tests/pipe.c test_CreateNamedPipe).
func TestClientReadsMessagePipeInByteMode(t *testing.T) {
	m := newMachine(t)
	p := newProc(t, m, "a.exe")
	srv, cli, _ := pair(t, p, msgPipe, 1024, 1024)
	assert.Zero(t, handleState(t, p, cli))
	write(t, p, srv, "Bit Bucket\x00")
	write(t, p, srv, "More bits\x00")
	s, err := read(p, cli, 32)
	require.NoError(t, err)
	assert.Equal(t, "Bit Bucket\x00More bits\x00", s)
	write(t, p, srv, "Bit Bucket\x00")
	write(t, p, srv, "More bits\x00")
	s, err = read(p, cli, 15)
	require.NoError(t, err, "a short byte-mode read is no error")
	assert.Equal(t, "Bit Bucket\x00More", s)
	s, err = read(p, cli, 15)
	require.NoError(t, err)
	assert.Equal(t, " bits\x00", s)
}

// A message pipe created without PIPE_READMODE_MESSAGE is in byte read mode: state 0
// (windows-facts.md NP-49, test_NamedPipeHandleState).
func TestMessagePipeWithoutReadModeIsByteMode(t *testing.T) {
	m := newMachine(t)
	p := newProc(t, m, "a.exe")
	srv := server(t, p, uniqueName(t), duplex, pipe.PIPE_TYPE_MESSAGE, 1, 0, 0)
	assert.Zero(t, handleState(t, p, srv))
}

// Data goes both ways, and a byte-mode read returns as soon as some data is there, in
// pieces of any size (windows-facts.md NP-50, NP-51).
func TestByteModeReadsBothWaysAndPartially(t *testing.T) {
	m := newMachine(t)
	p := newProc(t, m, "a.exe")
	srv, cli, _ := pair(t, p, bytePipe, 1024, 1024)
	write(t, p, cli, "0123456789")
	s, err := read(p, srv, 4)
	require.NoError(t, err)
	assert.Equal(t, "0123", s)
	s, err = read(p, srv, 28)
	require.NoError(t, err)
	assert.Equal(t, "456789", s)
	write(t, p, srv, "0123456789")
	for _, want := range []string{"0123", "4567", "89"} {
		s, err = read(p, cli, 4)
		require.NoError(t, err)
		assert.Equal(t, want, s)
	}
}

// In message read mode a buffer shorter than the message gives ERROR_MORE_DATA with the
// bytes that fit, and the next read continues the message (windows-facts.md NP-52,
// test_CreateNamedPipe, test_ReadFile).
func TestMessageReadModeShortBufferIsMoreData(t *testing.T) {
	m := newMachine(t)
	p := newProc(t, m, "a.exe")
	srv, cli, _ := pair(t, p, msgPipe, 1024, 1024)
	write(t, p, cli, "Bit Bucket\x00")
	s, err := read(p, srv, 4)
	assert.ErrorIs(t, err, kernel.ERROR_MORE_DATA)
	assert.Equal(t, "Bit ", s)
	s, err = read(p, srv, 32)
	assert.NoError(t, err)
	assert.Equal(t, "Bucket\x00", s)

	write(t, p, cli, "Bit Bucket\x00")
	for _, want := range []string{"Bit ", "Buck"} {
		s, err = read(p, srv, 4)
		assert.ErrorIs(t, err, kernel.ERROR_MORE_DATA)
		assert.Equal(t, want, s)
	}
	s, err = read(p, srv, 4)
	assert.NoError(t, err)
	assert.Equal(t, "et\x00", s)

	big := make([]byte, 512)
	for i := range big {
		big[i] = byte(i)
	}
	write(t, p, cli, string(big))
	var got []byte
	for {
		s, err := read(p, srv, 1)
		got = append(got, s...)
		if err == nil {
			break
		}
		require.ErrorIs(t, err, kernel.ERROR_MORE_DATA)
	}
	assert.Equal(t, big, got)
}

// The unread rest of a message belongs to the pipe, not to the reader: a read from
// another goroutine continues it and then starts the next message (windows-facts.md NP-53).
func TestMessageRemainderIsPipeState(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newMachine(t)
		p := newProc(t, m, "a.exe")
		srv, cli, _ := pair(t, p, msgPipe, 1024, 1024)
		write(t, p, cli, "Bit Bucket\x00")
		write(t, p, cli, "More bits\x00")
		s, err := read(p, srv, 4)
		require.ErrorIs(t, err, kernel.ERROR_MORE_DATA)
		assert.Equal(t, "Bit ", s)
		res := requireDone(t, asyncRead(p, srv, 4))
		assert.ErrorIs(t, res.err, kernel.ERROR_MORE_DATA)
		assert.Equal(t, "Buck", res.s)
		res = requireDone(t, asyncRead(p, srv, 32))
		assert.NoError(t, res.err)
		assert.Equal(t, "et\x00", res.s)
		res = requireDone(t, asyncRead(p, srv, 32))
		assert.NoError(t, res.err)
		assert.Equal(t, "More bits\x00", res.s)
	})
}

// A message-read-mode reader gets one message per read (windows-facts.md NP-55), and a client
// switched to message read mode does too (NP-56).
func TestMessageReadModeOneMessagePerRead(t *testing.T) {
	m := newMachine(t)
	p := newProc(t, m, "a.exe")
	srv, cli, _ := pair(t, p, msgPipe, 1024, 1024)
	write(t, p, cli, "Bit Bucket\x00")
	write(t, p, cli, "More bits\x00")
	for _, want := range []string{"Bit Bucket\x00", "More bits\x00"} {
		s, err := read(p, srv, 32)
		require.NoError(t, err)
		assert.Equal(t, want, s)
	}
	setMode(t, p, cli, pipe.PIPE_READMODE_MESSAGE)
	assert.Equal(t, pipe.PIPE_READMODE_MESSAGE, handleState(t, p, cli))
	write(t, p, srv, "Bit Bucket\x00")
	write(t, p, srv, "More bits\x00")
	for _, want := range []string{"Bit Bucket\x00", "More bits\x00"} {
		s, err := read(p, cli, 32)
		require.NoError(t, err)
		assert.Equal(t, want, s)
	}
}

// The read mode can change between the parts of a message: what is left stays in the
// pipe, and a byte-mode read then crosses into the next message (windows-facts.md NP-61).
func TestReadModeChangeBetweenPartialReads(t *testing.T) {
	m := newMachine(t)
	p := newProc(t, m, "a.exe")
	srv, cli, _ := pair(t, p, msgPipe, 1024, 1024)
	write(t, p, cli, "Bit Bucket\x00")
	write(t, p, cli, "More bits\x00")
	s, err := read(p, srv, 4)
	require.ErrorIs(t, err, kernel.ERROR_MORE_DATA)
	assert.Equal(t, "Bit ", s)
	setMode(t, p, srv, pipe.PIPE_READMODE_BYTE)
	s, err = read(p, srv, 11)
	require.NoError(t, err)
	assert.Equal(t, "Bucket\x00More", s)
	setMode(t, p, srv, pipe.PIPE_READMODE_MESSAGE)
	s, err = read(p, srv, 32)
	require.NoError(t, err)
	assert.Equal(t, " bits\x00", s)
}

// A zero-size read in message read mode reports ERROR_MORE_DATA with 0 bytes and does
// not consume the message, whether the message was there (Win8+, windows-facts.md NP-92) or
// arrived while the read was pending; a second pending read then receives it (NP-60).
func TestZeroSizeMessageModeReadDoesNotConsume(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newMachine(t)
		p := newProc(t, m, "a.exe")
		srv, cli, _ := pair(t, p, msgPipe, 1024, 1024)
		write(t, p, cli, "abc")
		s, err := read(p, srv, 0)
		assert.ErrorIs(t, err, kernel.ERROR_MORE_DATA)
		assert.Empty(t, s)
		s, err = read(p, srv, 8)
		require.NoError(t, err)
		assert.Equal(t, "abc", s)

		r0 := asyncRead(p, srv, 0)
		requirePending(t, r0)
		r1 := asyncRead(p, srv, 8)
		requirePending(t, r1)
		write(t, p, cli, "x")
		res := requireDone(t, r0)
		assert.ErrorIs(t, res.err, kernel.ERROR_MORE_DATA)
		assert.Zero(t, res.n)
		res = requireDone(t, r1)
		assert.NoError(t, res.err)
		assert.Equal(t, "x", res.s)
	})
}

// A zero-length write on a message pipe is a message: it wakes exactly one pending read,
// which completes with 0 bytes; a byte-read-mode reader must read it explicitly too;
// peek shows it as 0/0/0 (windows-facts.md NP-76, test_blocking_rw).
func TestZeroLengthMessageWakesOneRead(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newMachine(t)
		p := newProc(t, m, "a.exe")
		srv, cli, _ := pair(t, p, pipe.PIPE_TYPE_MESSAGE, 1024, 1024) // both ends byte read mode
		r1 := asyncRead(p, cli, 8)
		requirePending(t, r1)
		r2 := asyncRead(p, cli, 8)
		requirePending(t, r2)
		n, err := p.WriteFile(bg, srv, nil)
		require.NoError(t, err)
		assert.Zero(t, n)
		res := requireDone(t, r1)
		assert.NoError(t, res.err)
		assert.Zero(t, res.n)
		requirePending(t, r2)
		write(t, p, srv, "go")
		assert.Equal(t, "go", requireDone(t, r2).s)

		// Queued with nothing waiting: peek 0/0/0, and a byte-mode read returns it.
		_, err = p.WriteFile(bg, srv, []byte{})
		require.NoError(t, err)
		got, avail, left, err := pipe.PeekNamedPipe(p, cli, make([]byte, 8))
		require.NoError(t, err)
		assert.Equal(t, []uint32{0, 0, 0}, []uint32{got, avail, left})
		s, err := read(p, cli, 8)
		assert.NoError(t, err)
		assert.Empty(t, s)
		r3 := asyncRead(p, cli, 8)
		requirePending(t, r3) // the empty message was consumed
		write(t, p, srv, "z")
		assert.Equal(t, "z", requireDone(t, r3).s)
	})
}

// A byte-mode read copies across messages but stops once it has what was there; an
// empty message after the data is left for the next read, an empty message before data
// is passed over (Wine's message_queue_read, which runs on Windows' tests).
func TestByteModeReadAndEmptyMessages(t *testing.T) {
	m := newMachine(t)
	p := newProc(t, m, "a.exe")
	srv, cli, _ := pair(t, p, pipe.PIPE_TYPE_MESSAGE, 1024, 1024)
	write(t, p, srv, "abc")
	_, err := p.WriteFile(bg, srv, nil)
	require.NoError(t, err)
	s, err := read(p, cli, 32)
	require.NoError(t, err)
	assert.Equal(t, "abc", s)
	s, err = read(p, cli, 32)
	require.NoError(t, err)
	assert.Empty(t, s, "the empty message is read on its own")
	_, err = p.WriteFile(bg, srv, nil)
	require.NoError(t, err)
	write(t, p, srv, "def")
	s, err = read(p, cli, 32)
	require.NoError(t, err)
	assert.Equal(t, "def", s)
	_, avail, _, err := pipe.PeekNamedPipe(p, cli, nil)
	require.NoError(t, err)
	assert.Zero(t, avail)
}

// A byte-type pipe cannot be read in message mode: PIPE_READMODE_MESSAGE is refused on
// either end with ERROR_INVALID_PARAMETER, byte mode is accepted (windows-facts.md NP-77); a
// message pipe can switch either end both ways (NP-78).
func TestReadModeRulesByPipeType(t *testing.T) {
	m := newMachine(t)
	p := newProc(t, m, "a.exe")
	srv, cli, _ := pair(t, p, bytePipe, 1024, 1024)
	msg := pipe.PIPE_READMODE_MESSAGE
	assert.ErrorIs(t, pipe.SetNamedPipeHandleState(p, srv, &msg, nil, nil), kernel.ERROR_INVALID_PARAMETER)
	assert.ErrorIs(t, pipe.SetNamedPipeHandleState(p, cli, &msg, nil, nil), kernel.ERROR_INVALID_PARAMETER)
	setMode(t, p, cli, pipe.PIPE_READMODE_BYTE)
	assert.Zero(t, handleState(t, p, srv))

	msrv, mcli, _ := pair(t, p, msgPipe, 1024, 1024)
	setMode(t, p, msrv, pipe.PIPE_READMODE_BYTE)
	setMode(t, p, mcli, pipe.PIPE_READMODE_MESSAGE)
	setMode(t, p, mcli, pipe.PIPE_READMODE_BYTE)
	assert.Zero(t, handleState(t, p, msrv))
	assert.Zero(t, handleState(t, p, mcli))
	bad := uint32(4)
	assert.ErrorIs(t, pipe.SetNamedPipeHandleState(p, mcli, &bad, nil, nil), kernel.ERROR_INVALID_PARAMETER)
}

// A message-type pipe keeps the boundaries of what a byte-mode writer wrote: every
// WriteFile is one message; a byte-type pipe keeps none.
func TestWritesAreMessagesOnlyOnMessagePipes(t *testing.T) {
	m := newMachine(t)
	p := newProc(t, m, "a.exe")
	srv, cli, _ := pair(t, p, pipe.PIPE_TYPE_MESSAGE, 1024, 1024)
	setMode(t, p, srv, pipe.PIPE_READMODE_MESSAGE)
	write(t, p, cli, "one")
	write(t, p, cli, "two")
	s, err := read(p, srv, 32)
	require.NoError(t, err)
	assert.Equal(t, "one", s)

	bsrv, bcli, _ := pair(t, p, bytePipe, 1024, 1024)
	write(t, p, bcli, "one")
	write(t, p, bcli, "two")
	s, err = read(p, bsrv, 32)
	require.NoError(t, err)
	assert.Equal(t, "onetwo", s)
	_ = srv
}

// A listening server can neither read nor write: ERROR_PIPE_LISTENING (windows-facts.md NP-94).
func TestListeningServerReadWriteIsPipeListening(t *testing.T) {
	m := newMachine(t)
	p := newProc(t, m, "a.exe")
	srv := server(t, p, uniqueName(t), duplex, bytePipe, 1, 0, 0)
	_, err := p.WriteFile(bg, srv, []byte("x"))
	assert.ErrorIs(t, err, kernel.ERROR_PIPE_LISTENING)
	_, err = read(p, srv, 4)
	assert.ErrorIs(t, err, kernel.ERROR_PIPE_LISTENING)
}

// The direction is enforced through access: the server of an inbound pipe cannot write
// and its client cannot read, and the reverse for outbound pipes (windows-facts.md NP-18, NP-19).
func TestDirectionLimitsReadsAndWrites(t *testing.T) {
	m := newMachine(t)
	p := newProc(t, m, "a.exe")
	name := uniqueName(t)
	srv := server(t, p, name, inbound, bytePipe, 1, 64, 64)
	cli := client(t, p, name, kernel.GENERIC_WRITE)
	_, err := p.WriteFile(bg, srv, []byte("x"))
	assert.ErrorIs(t, err, kernel.ERROR_ACCESS_DENIED)
	write(t, p, cli, "in")
	s, err := read(p, srv, 8)
	require.NoError(t, err)
	assert.Equal(t, "in", s)

	name = uniqueName(t)
	osrv := server(t, p, name, outbound, bytePipe, 1, 64, 64)
	ocli := client(t, p, name, kernel.GENERIC_READ|kernel.FILE_APPEND_DATA)
	_, err = p.WriteFile(bg, ocli, []byte("x"))
	assert.ErrorIs(t, err, kernel.ERROR_ACCESS_DENIED, "append access does not make an outbound client a writer")
	write(t, p, osrv, "out")
	s, err = read(p, ocli, 8)
	require.NoError(t, err)
	assert.Equal(t, "out", s)
}
