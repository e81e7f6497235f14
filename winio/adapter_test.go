package winio

import (
	"context"
	"io"
	"net"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/net/nettest"

	"github.com/winsim/winsim/kernel"
	"github.com/winsim/winsim/pipe"
	"github.com/winsim/winsim/windows"
)

// The net.Conn conformance suite of golang.org/x/net (nettest.TestConn, as net's own
// pipe_test.go runs it) over a client and server connection, for byte and message
// pipes with and without buffers. Its timeout checks need ErrTimeout to be a net.Error
// with Timeout() (go-winio file.go, timeoutError).
func TestConnConformance(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  PipeConfig
	}{
		{"Byte", PipeConfig{}},
		{"ByteBuffered", PipeConfig{InputBufferSize: 4096, OutputBufferSize: 4096}},
		{"Message", PipeConfig{MessageMode: true}},
		{"MessageBuffered", PipeConfig{MessageMode: true, InputBufferSize: 4096, OutputBufferSize: 4096}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bindTest(t)
			nettest.TestConn(t, func() (c1, c2 net.Conn, stop func(), err error) {
				path := uniquePipe()
				l, err := ListenPipe(path, &tc.cfg)
				if err != nil {
					return nil, nil, nil, err
				}
				ch := accept(l)
				c, err := DialPipe(path, nil)
				s := <-ch
				_ = l.Close()
				if err != nil {
					return nil, nil, nil, err
				}
				return s, c, func() { _ = c.Close(); _ = s.Close() }, nil
			})
		})
	}
}

// What each end sees once one end is closed, for both pipe types and either end
// closing. The closer: Read and Write fail with ErrFileClosed (go-winio file.go,
// prepareIO), except a message connection's empty Write, which returns before any I/O
// (pipe.go, win32MessageBytePipe.Write); setting deadlines still succeeds
// (deadlineHandler.set does not look at the handle); Disconnect and Flush reach handle 0
// (ERROR_INVALID_HANDLE). The other end reads io.EOF, also with an empty buffer, from
// ERROR_BROKEN_PIPE, and its writes fail with a bare ERROR_NO_DATA (dlls/kernel32/tests/
// pipe.c, test_CloseHandle).
func TestConnCloseRules(t *testing.T) {
	for _, message := range []bool{false, true} {
		for _, serverCloses := range []bool{true, false} {
			name := map[bool]string{false: "Byte", true: "Message"}[message] +
				map[bool]string{true: "/ServerCloses", false: "/ClientCloses"}[serverCloses]
			t.Run(name, func(t *testing.T) {
				bindTest(t)
				c, s, _ := connect(t, caller(), caller(), uniquePipe(), &PipeConfig{MessageMode: message, InputBufferSize: 64, OutputBufferSize: 64})
				closer, other := c, s
				if serverCloses {
					closer, other = s, c
				}
				require.NoError(t, closer.Close())

				_, err := closer.Read(make([]byte, 8))
				assert.Same(t, ErrFileClosed, err)
				_, err = closer.Read(nil)
				assert.Same(t, ErrFileClosed, err)
				_, err = closer.Write([]byte("x"))
				assert.Same(t, ErrFileClosed, err)
				n, err := closer.Write(nil)
				assert.Zero(t, n)
				if message {
					assert.NoError(t, err, "a message connection drops an empty write before any I/O")
				} else {
					assert.Same(t, ErrFileClosed, err)
				}
				assert.NoError(t, closer.SetDeadline(time.Now()))
				assert.NoError(t, closer.SetReadDeadline(time.Time{}))
				assert.NoError(t, closer.SetWriteDeadline(time.Time{}))
				assert.Equal(t, windows.ERROR_INVALID_HANDLE, closer.(PipeConn).Disconnect())
				assert.Equal(t, windows.ERROR_INVALID_HANDLE, closer.(PipeConn).Flush())

				_, err = other.Read(make([]byte, 8))
				assert.Equal(t, io.EOF, err)
				_, err = other.Read(nil)
				assert.Equal(t, io.EOF, err, "a zero-size read sees ERROR_BROKEN_PIPE too")
				_, err = other.Write([]byte("x"))
				assert.Equal(t, windows.ERROR_NO_DATA, err, "bare, as go-winio returns Win32 errors")
				assert.NoError(t, other.Close())
			})
		}
	}
}

// After the server writes and closes, the client still reads everything queued and
// only then io.EOF (dlls/kernel32/tests/pipe.c, test_CloseHandle: ReadFile returns the
// 12 queued bytes, then ERROR_BROKEN_PIPE).
func TestConnReadsQueuedDataBeforeEOF(t *testing.T) {
	bindTest(t)
	c, s, _ := connect(t, caller(), caller(), uniquePipe(), &PipeConfig{OutputBufferSize: 64})
	_, err := s.Write([]byte("hello, world"))
	require.NoError(t, err)
	require.NoError(t, s.Close())
	got, err := io.ReadAll(c)
	assert.NoError(t, err)
	assert.Equal(t, "hello, world", string(got))
}

// Disconnect (DisconnectNamedPipe) discards what is queued; afterwards reads and writes
// on both ends fail with ERROR_PIPE_NOT_CONNECTED, which go-winio returns bare, not as
// io.EOF (dlls/kernel32/tests/pipe.c, test_DisconnectNamedPipe; go-winio file.go, Read
// maps only ERROR_BROKEN_PIPE). A second Disconnect fails with ERROR_PIPE_NOT_CONNECTED;
// a client cannot disconnect (ERROR_INVALID_FUNCTION).
func TestConnDisconnect(t *testing.T) {
	bindTest(t)
	c, s, _ := connect(t, caller(), caller(), uniquePipe(), &PipeConfig{InputBufferSize: 64, OutputBufferSize: 64})
	_, err := s.Write([]byte("discarded"))
	require.NoError(t, err)
	_, err = c.Write([]byte("discarded too"))
	require.NoError(t, err)
	assert.Equal(t, windows.ERROR_INVALID_FUNCTION, c.(PipeConn).Disconnect())

	require.NoError(t, s.(PipeConn).Disconnect())
	for _, end := range []net.Conn{c, s} {
		n, err := end.Read(make([]byte, 16))
		assert.Zero(t, n, "the queued data was discarded")
		assert.Equal(t, windows.ERROR_PIPE_NOT_CONNECTED, err)
		_, err = end.Write([]byte("x"))
		assert.Equal(t, windows.ERROR_PIPE_NOT_CONNECTED, err)
	}
	assert.Equal(t, windows.ERROR_PIPE_NOT_CONNECTED, s.(PipeConn).Disconnect())
}

// What Accept and DialPipe return are PipeConns, and both addresses are the pipe's path
// on network "pipe" (go-winio pipe.go, pipeAddress).
func TestConnsArePipeConns(t *testing.T) {
	bindTest(t)
	for _, message := range []bool{false, true} {
		path := uniquePipe()
		c, s, _ := connect(t, caller(), caller(), path, &PipeConfig{MessageMode: message})
		for _, conn := range []net.Conn{c, s} {
			_, ok := conn.(PipeConn)
			assert.True(t, ok, "%T is a PipeConn", conn)
			assert.Equal(t, "pipe", conn.LocalAddr().Network())
			assert.Equal(t, "pipe", conn.RemoteAddr().Network())
			assert.Equal(t, path, conn.LocalAddr().String())
			assert.Equal(t, path, conn.RemoteAddr().String())
		}
	}
}

// A zero-size Read is ReadFile with a zero-size buffer, as in go-winio (file.go, Read):
// it waits until data is queued, then returns 0 bytes without error and without
// consuming it (dlls/kernel32/tests/pipe.c, test_readfileex_pending).
func TestConnZeroSizeReadWaitsForData(t *testing.T) {
	bindTest(t)
	c, s, _ := connect(t, caller(), caller(), uniquePipe(), &PipeConfig{InputBufferSize: 64})
	done := make(chan error, 1)
	go func() {
		n, err := s.Read(nil)
		if n != 0 {
			err = io.ErrShortBuffer
		}
		done <- err
	}()
	_, err := c.Write([]byte("kept"))
	require.NoError(t, err)
	assert.NoError(t, <-done)
	b := make([]byte, 8)
	n, err := s.Read(b)
	require.NoError(t, err)
	assert.Equal(t, "kept", string(b[:n]), "the zero-size read consumed nothing")
}

// On a byte pipe an empty Write is WriteFile of nothing, a no-op that succeeds and
// queues nothing (dlls/kernel32/tests/pipe.c, test_blocking_rw: "zero-length write,
// byte pipe").
func TestByteConnEmptyWriteSendsNothing(t *testing.T) {
	bindTest(t)
	c, s, _ := connect(t, caller(), caller(), uniquePipe(), &PipeConfig{InputBufferSize: 64})
	n, err := c.Write(nil)
	assert.Zero(t, n)
	require.NoError(t, err)
	_, err = c.Write([]byte("x"))
	require.NoError(t, err)
	b := make([]byte, 4)
	n, err = s.Read(b)
	require.NoError(t, err, "the first read is x, not an end of stream")
	assert.Equal(t, "x", string(b[:n]))
}

// After CloseWrite on a message pipe the other direction stays open: the closer still
// reads what the other end writes (go-winio pipe.go, CloseWrite only sends an empty
// message).
func TestMessageConnCloseWriteLeavesReadOpen(t *testing.T) {
	bindTest(t)
	c, s, _ := connect(t, caller(), caller(), uniquePipe(), &PipeConfig{MessageMode: true, InputBufferSize: 64, OutputBufferSize: 64})
	closed := make(chan error, 1)
	go func() { closed <- c.(interface{ CloseWrite() error }).CloseWrite() }()
	_, err := s.Read(make([]byte, 8))
	require.Equal(t, io.EOF, err)
	require.NoError(t, <-closed)
	_, err = s.Write([]byte("response"))
	require.NoError(t, err)
	b := make([]byte, 16)
	n, err := c.Read(b)
	require.NoError(t, err)
	assert.Equal(t, "response", string(b[:n]))
}

// A Win32 server sees CloseWrite as what it is, a zero-length message: ReadFile
// succeeds with 0 bytes, even in byte read mode (dlls/kernel32/tests/pipe.c,
// test_blocking_rw "simple pass of empty message"). The dialled connection is a
// message connection because GetNamedPipeInfo reports PIPE_TYPE_MESSAGE (go-winio
// pipe.go, DialPipeAccessImpLevel), whoever created the pipe.
func TestMessageConnCloseWriteIsAnEmptyMessage(t *testing.T) {
	p := bindTest(t)
	path := uniquePipe()
	h, err := pipe.CreateNamedPipe(p, path, pipe.PIPE_ACCESS_DUPLEX, pipe.PIPE_TYPE_MESSAGE|pipe.PIPE_READMODE_BYTE, 1, 64, 64, 0, nil)
	require.NoError(t, err)
	defer p.CloseHandle(h)
	c, err := DialPipe(path, nil)
	require.NoError(t, err)
	defer c.Close()
	_, err = c.Write([]byte("abc"))
	require.NoError(t, err)
	closed := make(chan error, 1)
	go func() { closed <- c.(interface{ CloseWrite() error }).CloseWrite() }()
	b := make([]byte, 16)
	n, err := p.ReadFile(context.Background(), h, b)
	require.NoError(t, err)
	assert.Equal(t, "abc", string(b[:n]))
	require.NoError(t, <-closed)
	n, err = p.ReadFile(context.Background(), h, b)
	assert.NoError(t, err)
	assert.Zero(t, n, "the empty message")
}

// A client that asked for GENERIC_READ alone reads, but its writes fail with a bare
// ERROR_ACCESS_DENIED: the handle lacks FILE_WRITE_DATA (Microsoft, "Named Pipe
// Security and Access Rights").
func TestDialPipeAccessReadOnly(t *testing.T) {
	bindTest(t)
	path := uniquePipe()
	l, err := ListenPipe(path, &PipeConfig{OutputBufferSize: 64})
	require.NoError(t, err)
	defer l.Close()
	ch := accept(l)
	c, err := DialPipeAccess(context.Background(), path, uint32(kernel.GENERIC_READ))
	require.NoError(t, err)
	defer c.Close()
	s := <-ch
	require.NotNil(t, s)
	defer s.Close()

	_, err = c.Write([]byte("x"))
	assert.Equal(t, windows.ERROR_ACCESS_DENIED, err)
	_, err = s.Write([]byte("ok"))
	require.NoError(t, err)
	b := make([]byte, 4)
	n, err := c.Read(b)
	require.NoError(t, err)
	assert.Equal(t, "ok", string(b[:n]))
}
