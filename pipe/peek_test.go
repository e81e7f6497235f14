package pipe_test

import (
	"testing"
	"testing/synctest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/winsim/winsim/kernel"
	"github.com/winsim/winsim/pipe"
)

// peek calls PeekNamedPipe with a buffer of size and returns the copied data and counts.
func peek(t testing.TB, p *kernel.Process, h kernel.Handle, size int) (data string, avail, left uint32) {
	t.Helper()
	buf := make([]byte, size)
	n, avail, left, err := pipe.PeekNamedPipe(p, h, buf)
	require.NoError(t, err)
	return string(buf[:n]), avail, left
}

// PeekNamedPipe on a server still listening fails with ERROR_BAD_PIPE (windows-facts.md NP-62).
func TestPeekListeningServerIsBadPipe(t *testing.T) {
	m := newMachine(t)
	p := newProc(t, m, "a.exe")
	srv := server(t, p, uniqueName(t), duplex, bytePipe, 1, 0, 0)
	_, _, _, err := pipe.PeekNamedPipe(p, srv, nil)
	assert.ErrorIs(t, err, kernel.ERROR_BAD_PIPE)
}

// Without a buffer, peek reports the bytes available and 0 left in the message for a
// byte pipe, the message's length for a message pipe (windows-facts.md NP-63, NP-64).
func TestPeekWithoutBuffer(t *testing.T) {
	m := newMachine(t)
	p := newProc(t, m, "a.exe")
	for _, c := range []struct {
		mode uint32
		left uint32
	}{{bytePipe, 0}, {msgPipe, 11}} {
		srv, cli, _ := pair(t, p, c.mode, 1024, 1024)
		write(t, p, srv, "Hello World")
		for _, buf := range [][]byte{nil, {}} {
			n, avail, left, err := pipe.PeekNamedPipe(p, cli, buf)
			require.NoError(t, err)
			assert.Equal(t, []uint32{0, 11, c.left}, []uint32{n, avail, left})
		}
	}
}

// Peeking 4 of 10 bytes copies 4; the bytes left in the message are 6 in a message pipe
// and 0-4 = 0xFFFFFFFC in a byte pipe, whose message length is 0 (windows-facts.md NP-65).
func TestPeekLeftThisMessageArithmetic(t *testing.T) {
	m := newMachine(t)
	p := newProc(t, m, "a.exe")
	for _, c := range []struct {
		mode uint32
		left uint32
	}{{bytePipe, 0xFFFFFFFC}, {msgPipe, 6}} {
		srv, cli, _ := pair(t, p, c.mode, 1024, 1024)
		write(t, p, srv, "0123456789")
		data, avail, left := peek(t, p, cli, 4)
		assert.Equal(t, "0123", data)
		assert.Equal(t, uint32(10), avail)
		assert.Equal(t, c.left, left)
	}
}

// With two writes (11 + 10) queued, a 32-byte peek copies 21 bytes of a byte pipe
// (left = (DWORD)-21) but stops at the first message of a message pipe (11, left 0);
// both report 21 available (windows-facts.md NP-66). Peek does not consume (NP-68).
func TestPeekStopsAtMessageBoundaryOnlyInMessagePipes(t *testing.T) {
	m := newMachine(t)
	p := newProc(t, m, "a.exe")
	for _, c := range []struct {
		mode uint32
		data string
		left uint32
	}{{bytePipe, "Bit Bucket\x00More bits\x00", 0xFFFFFFEB}, {msgPipe, "Bit Bucket\x00", 0}} {
		srv, cli, _ := pair(t, p, c.mode, 1024, 1024)
		write(t, p, srv, "Bit Bucket\x00")
		write(t, p, srv, "More bits\x00")
		data, avail, left := peek(t, p, cli, 32)
		assert.Equal(t, c.data, data)
		assert.Equal(t, uint32(21), avail)
		assert.Equal(t, c.left, left)
		s, err := read(p, cli, 32)
		require.NoError(t, err)
		assert.Equal(t, "Bit Bucket\x00More bits\x00", s, "the client reads in byte mode")
	}
}

// Whether peek stops at a message boundary depends on the pipe type, not the reader's
// read mode: a byte-read-mode client of a message pipe peeks one message (windows-facts.md NP-67).
func TestPeekFollowsPipeTypeNotReadMode(t *testing.T) {
	m := newMachine(t)
	p := newProc(t, m, "a.exe")
	srv, cli, _ := pair(t, p, msgPipe, 1024, 1024)
	require.Zero(t, handleState(t, p, cli))
	write(t, p, srv, "first")
	write(t, p, srv, "second")
	data, avail, left := peek(t, p, cli, 32)
	assert.Equal(t, "first", data)
	assert.Equal(t, uint32(11), avail)
	assert.Zero(t, left)
	// A peek buffer shorter than the message gives a truncated, successful result
	// (windows-facts.md NP-71).
	data, _, left = peek(t, p, cli, 2)
	assert.Equal(t, "fi", data)
	assert.Equal(t, uint32(3), left)
}

// After DisconnectNamedPipe, peek on the client fails with ERROR_PIPE_NOT_CONNECTED and
// on the server with ERROR_BAD_PIPE (windows-facts.md NP-69).
func TestPeekAfterDisconnect(t *testing.T) {
	m := newMachine(t)
	p := newProc(t, m, "a.exe")
	srv, cli, _ := pair(t, p, bytePipe, 1024, 1024)
	write(t, p, srv, "data")
	require.NoError(t, pipe.DisconnectNamedPipe(p, srv))
	_, _, _, err := pipe.PeekNamedPipe(p, cli, nil)
	assert.ErrorIs(t, err, kernel.ERROR_PIPE_NOT_CONNECTED)
	_, _, _, err = pipe.PeekNamedPipe(p, srv, nil)
	assert.ErrorIs(t, err, kernel.ERROR_BAD_PIPE)
}

// After the other end closed, peek still reports queued data; once it is read, peek
// fails with ERROR_BROKEN_PIPE (windows-facts.md NP-70, test_CloseHandle).
func TestPeekAfterPeerClosed(t *testing.T) {
	m := newMachine(t)
	p := newProc(t, m, "a.exe")
	srv, cli, _ := pair(t, p, bytePipe, 1024, 1024)
	write(t, p, srv, "Hello World\x00")
	require.NoError(t, p.CloseHandle(srv))
	data, avail, _ := peek(t, p, cli, 32)
	assert.Equal(t, "Hello World\x00", data)
	assert.Equal(t, uint32(12), avail)
	_, err := read(p, cli, 32)
	require.NoError(t, err)
	_, _, _, err = pipe.PeekNamedPipe(p, cli, nil)
	assert.ErrorIs(t, err, kernel.ERROR_BROKEN_PIPE)
}

// The bytes of a write blocked on the quota are visible to peek at once (windows-facts.md NP-73), in a byte pipe as data too.
func TestPeekSeesBlockedWrites(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newMachine(t)
		p := newProc(t, m, "a.exe")
		srv, cli, _ := pair(t, p, bytePipe, 4, 4)
		write(t, p, srv, "abc")
		wr := asyncWrite(p, srv, []byte("defgh"))
		requirePending(t, wr)
		data, avail, _ := peek(t, p, cli, 32)
		assert.Equal(t, "abcdefgh", data)
		assert.Equal(t, uint32(8), avail)
		s, err := read(p, cli, 32)
		require.NoError(t, err)
		assert.Equal(t, "abcdefgh", s, "read straight out of the blocked write")
		res := requireDone(t, wr)
		assert.NoError(t, res.err)
		assert.Equal(t, 5, res.n)
	})
}
