package pipe_test

// Tests of the net.Conn / net.Listener adapters (conn.go, listener.go, deadline.go):
// the shared net.Conn conformance suite, the close rules, and the pipe-specific calls.
// Deadline, listener and dial tests are in deadline_adapter_test.go and
// listener_adapter_test.go.

import (
	"errors"
	"io"
	"net"
	"strconv"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/net/nettest"

	"github.com/winsim/winsim/kernel"
	"github.com/winsim/winsim/kerneltest"
	"github.com/winsim/winsim/pipe"
)

var adSeq atomic.Uint64

// adName returns a pipe name no other test uses.
func adName() string { return `\\.\pipe\winsim-adapter-` + strconv.FormatUint(adSeq.Add(1), 10) }

// adEnv is a machine with a server process and a client process (possibly on a second
// machine). When the test ends it asserts that both processes hold no handle, which
// proves every listener and conn closed what it opened, and then ends them.
type adEnv struct {
	srvM, cliM *kernel.Machine
	srv, cli   *kernel.Process
	// prefix is what the client puts before the pipe's name: `\\.\pipe\` locally,
	// `\\SRV\pipe\` from another machine.
	remote bool
}

// newAdEnv returns one machine with a server and a client process.
func newAdEnv(t testing.TB) *adEnv {
	t.Helper()
	m := kerneltest.NewMachine(t, pipe.Install)
	e := &adEnv{srvM: m, cliM: m}
	e.srv = adProcess(t, m, "server.exe")
	e.cli = adProcess(t, m, "client.exe")
	return e
}

// newRemoteAdEnv returns two machines on one network, the server on SRV and the client
// on CLI.
func newRemoteAdEnv(t testing.TB) *adEnv {
	t.Helper()
	n := kerneltest.NewNetwork(t)
	e := &adEnv{remote: true}
	e.srvM = kerneltest.AddMachine(t, n, "SRV", "WORKGROUP", pipe.Install)
	e.cliM = kerneltest.AddMachine(t, n, "CLI", "WORKGROUP", pipe.Install)
	e.srv = adProcess(t, e.srvM, "server.exe")
	e.cli = adProcess(t, e.cliM, "client.exe")
	return e
}

// adProcess starts a driven process that must hold no handle when the test ends.
func adProcess(t testing.TB, m *kernel.Machine, name string) *kernel.Process {
	t.Helper()
	p := kerneltest.NewProcess(t, m, name)
	t.Cleanup(func() {
		if !t.Failed() {
			assert.Zero(t, p.HandleCount(), "%s leaked handles: %v", name, p.Handles())
		}
		p.Terminate(0)
	})
	return p
}

// dialName is the name the client dials for a pipe the server listens on as name.
func (e *adEnv) dialName(name string) string {
	if e.remote {
		return `\\` + e.srvM.Name() + name[len(`\\.`):]
	}
	return name
}

type acceptResult struct {
	c   net.Conn
	err error
}

// connect listens on a new name with cfg, dials it and accepts, returning the server's
// and the client's conn and the listener. It reports errors instead of failing, for
// nettest's MakePipe.
func (e *adEnv) connect(cfg *pipe.PipeConfig) (sc, cc net.Conn, l net.Listener, err error) {
	name := adName()
	l, err = pipe.ListenPipe(e.srv, name, cfg)
	if err != nil {
		return nil, nil, nil, err
	}
	accepted := make(chan acceptResult, 1)
	go func() {
		c, err := l.Accept()
		accepted <- acceptResult{c, err}
	}()
	cc, err = pipe.DialPipe(e.cli, e.dialName(name), nil)
	if err != nil {
		l.Close()
		r := <-accepted
		if r.c != nil {
			r.c.Close()
		}
		return nil, nil, nil, err
	}
	r := <-accepted
	if r.err != nil {
		cc.Close()
		l.Close()
		return nil, nil, nil, r.err
	}
	return r.c, cc, l, nil
}

// mustConnect is connect for the test goroutine; the conns and the listener are closed
// when the test ends (closing twice is harmless).
func (e *adEnv) mustConnect(t testing.TB, cfg *pipe.PipeConfig) (sc, cc net.Conn, l net.Listener) {
	t.Helper()
	sc, cc, l, err := e.connect(cfg)
	require.NoError(t, err)
	t.Cleanup(func() {
		sc.Close()
		cc.Close()
		l.Close()
	})
	return sc, cc, l
}

// TestConnConformance runs the shared net.Conn conformance suite of golang.org/x/net
// over a pipe pair, the way net/pipe_test.go runs it over net.Pipe: byte and message
// pipes, with and without buffers, and a client on another machine. Both directions are
// exercised, since the suite writes and reads on both conns.
func TestConnConformance(t *testing.T) {
	cases := []struct {
		name   string
		remote bool
		cfg    *pipe.PipeConfig
	}{
		{"Byte", false, nil},
		{"ByteBuffered", false, &pipe.PipeConfig{InputBufferSize: 4096, OutputBufferSize: 4096}},
		{"Message", false, &pipe.PipeConfig{MessageMode: true}},
		{"MessageBuffered", false, &pipe.PipeConfig{MessageMode: true, InputBufferSize: 4096, OutputBufferSize: 4096}},
		{"Remote", true, &pipe.PipeConfig{AcceptRemoteClients: true, InputBufferSize: 512, OutputBufferSize: 512}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newAdEnv(t)
			if tc.remote {
				e = newRemoteAdEnv(t)
			}
			nettest.TestConn(t, func() (c1, c2 net.Conn, stop func(), err error) {
				sc, cc, l, err := e.connect(tc.cfg)
				if err != nil {
					return nil, nil, nil, err
				}
				stop = func() {
					sc.Close()
					cc.Close()
					l.Close()
				}
				return sc, cc, stop, nil
			})
		})
	}
}

// TestConnCloseRules is the table of net's TestPipeCloseError for pipes, for both pipe
// types and with either end closing. The closer's calls fail with net.ErrClosed. The
// other end reads io.EOF (Windows: ERROR_BROKEN_PIPE once nothing is queued, windows-facts.md NP-90; dlls/kernel32/tests/pipe.c test_CloseHandle) and its writes fail with
// ERROR_NO_DATA (NP-90, NP-98), which errors.As finds under a *net.OpError.
func TestConnCloseRules(t *testing.T) {
	for _, message := range []bool{false, true} {
		for _, serverCloses := range []bool{true, false} {
			name := "Byte"
			if message {
				name = "Message"
			}
			if serverCloses {
				name += "/ServerCloses"
			} else {
				name += "/ClientCloses"
			}
			t.Run(name, func(t *testing.T) {
				e := newAdEnv(t)
				sc, cc, _ := e.mustConnect(t, &pipe.PipeConfig{MessageMode: message})
				closer, other := cc, sc
				if serverCloses {
					closer, other = sc, cc
				}
				require.NoError(t, closer.Close())

				buf := make([]byte, 8)
				_, err := closer.Read(buf)
				assertOpErr(t, err, "read", net.ErrClosed)
				_, err = closer.Read(nil)
				assertOpErr(t, err, "read", net.ErrClosed)
				_, err = closer.Write([]byte("x"))
				assertOpErr(t, err, "write", net.ErrClosed)
				_, err = closer.Write(nil)
				assertOpErr(t, err, "write", net.ErrClosed)
				assertOpErr(t, closer.SetDeadline(time.Time{}), "set", net.ErrClosed)
				assertOpErr(t, closer.SetReadDeadline(time.Time{}), "set", net.ErrClosed)
				assertOpErr(t, closer.SetWriteDeadline(time.Time{}), "set", net.ErrClosed)
				pc := closer.(pipe.PipeConn)
				assertOpErr(t, pc.Flush(), "flush", net.ErrClosed)
				assertOpErr(t, pc.Disconnect(), "disconnect", net.ErrClosed)
				assertOpErr(t, pc.CloseWrite(), "close", net.ErrClosed)
				assertOpErr(t, closer.Close(), "close", net.ErrClosed)

				_, err = other.Read(buf)
				assert.Equal(t, io.EOF, err, "the other end reads io.EOF, bare")
				_, err = other.Read(nil)
				assert.Equal(t, io.EOF, err, "a zero-length read also sees the end")
				_, err = other.Write([]byte("x"))
				assertOpErr(t, err, "write", kernel.ERROR_NO_DATA)
				var errno kernel.Errno
				require.ErrorAs(t, err, &errno)
				assert.Equal(t, kernel.ERROR_NO_DATA, errno)
				assert.NoError(t, other.SetDeadline(time.Time{}), "the other end is still open")
				assert.NoError(t, other.Close())
			})
		}
	}
}

// assertOpErr asserts that err is a *net.OpError for op on network "pipe" that matches
// target.
func assertOpErr(t *testing.T, err error, op string, target error) {
	t.Helper()
	var oe *net.OpError
	if assert.ErrorAs(t, err, &oe) {
		assert.Equal(t, op, oe.Op)
		assert.Equal(t, "pipe", oe.Net)
	}
	assert.ErrorIs(t, err, target)
}

// TestConnReadsQueuedDataBeforeEOF: after the server writes and closes, the client
// still reads everything, and only then io.EOF (windows-facts.md NP-90: ReadFile returns the
// 12 queued bytes, then ERROR_BROKEN_PIPE; test_CloseHandle).
func TestConnReadsQueuedDataBeforeEOF(t *testing.T) {
	e := newAdEnv(t)
	sc, cc, _ := e.mustConnect(t, &pipe.PipeConfig{OutputBufferSize: 64})
	_, err := sc.Write([]byte("hello, world"))
	require.NoError(t, err)
	require.NoError(t, sc.Close())
	got, err := io.ReadAll(cc)
	assert.NoError(t, err, "ReadAll stops at io.EOF")
	assert.Equal(t, "hello, world", string(got))
}

// TestConnDisconnectEndsBothStreams: DisconnectNamedPipe discards what is queued and
// leaves the client's calls failing with ERROR_PIPE_NOT_CONNECTED (windows-facts.md NP-41, NP-95; test_DisconnectNamedPipe), which the client reads as io.EOF and gets,
// wrapped, from Write; the server reads io.EOF too. A second Disconnect fails with
// ERROR_PIPE_NOT_CONNECTED (NP-42); a client cannot disconnect (ERROR_INVALID_FUNCTION,
// as for every server-only call on a client end, NP-37).
func TestConnDisconnectEndsBothStreams(t *testing.T) {
	e := newAdEnv(t)
	sc, cc, _ := e.mustConnect(t, &pipe.PipeConfig{InputBufferSize: 64, OutputBufferSize: 64})
	_, err := sc.Write([]byte("discarded"))
	require.NoError(t, err)
	assertOpErr(t, cc.(pipe.PipeConn).Disconnect(), "disconnect", kernel.ERROR_INVALID_FUNCTION)

	require.NoError(t, sc.(pipe.PipeConn).Disconnect())
	n, err := cc.Read(make([]byte, 16))
	assert.Zero(t, n, "the queued data was discarded")
	assert.Equal(t, io.EOF, err)
	_, err = cc.Write([]byte("x"))
	assertOpErr(t, err, "write", kernel.ERROR_PIPE_NOT_CONNECTED)
	_, err = sc.Read(make([]byte, 16))
	assert.Equal(t, io.EOF, err)
	assertOpErr(t, sc.(pipe.PipeConn).Disconnect(), "disconnect", kernel.ERROR_PIPE_NOT_CONNECTED)
}

// TestConnsArePipeConns: what Accept and every Dial return implements PipeConn, and both
// addresses are the pipe's name on network "pipe", as in go-winio.
func TestConnsArePipeConns(t *testing.T) {
	for _, message := range []bool{false, true} {
		e := newAdEnv(t)
		sc, cc, l := e.mustConnect(t, &pipe.PipeConfig{MessageMode: message})
		for _, c := range []net.Conn{sc, cc} {
			_, ok := c.(pipe.PipeConn)
			assert.True(t, ok, "%T is a PipeConn", c)
			assert.Equal(t, "pipe", c.LocalAddr().Network())
			assert.Equal(t, "pipe", c.RemoteAddr().Network())
			assert.Equal(t, l.Addr().String(), c.LocalAddr().String())
			assert.Equal(t, l.Addr().String(), c.RemoteAddr().String())
		}
		assert.Equal(t, "pipe", l.Addr().Network())
	}
}

// TestConnReadOfNothingReturnsAtOnce: a zero-length Read does not wait for data (as
// io.Reader allows), although ReadFile with a zero-size buffer would (windows-facts.md NP-59).
func TestConnReadOfNothingReturnsAtOnce(t *testing.T) {
	e := newAdEnv(t)
	_, cc, _ := e.mustConnect(t, nil)
	n, err := cc.Read(nil)
	assert.Zero(t, n)
	assert.NoError(t, err)
}

// TestByteConnCloseWriteIsUnsupported: a byte-type pipe has no half-close, and a
// zero-length write on it sends nothing (windows-facts.md NP-76), so CloseWrite fails with an
// error matching errors.ErrUnsupported and the conn stays usable both ways.
func TestByteConnCloseWriteIsUnsupported(t *testing.T) {
	e := newAdEnv(t)
	sc, cc, _ := e.mustConnect(t, &pipe.PipeConfig{InputBufferSize: 64})
	err := cc.(pipe.PipeConn).CloseWrite()
	assertOpErr(t, err, "close", errors.ErrUnsupported)
	_, err = cc.Write([]byte("still open"))
	require.NoError(t, err)
	buf := make([]byte, 32)
	n, err := sc.Read(buf)
	require.NoError(t, err)
	assert.Equal(t, "still open", string(buf[:n]))
}

// TestMessageConnCloseWriteIsHalfClose: on a message pipe CloseWrite flushes (it waits
// for the reader, windows-facts.md NP-101) and sends a zero-length message, which is delivered
// as a read of 0 bytes (windows-facts.md NP-76; test_blocking_rw), so the other end reads
// everything written before it and then io.EOF, for good. The other direction stays
// open. Writes after CloseWrite, and a second CloseWrite, fail with ErrWriteClosed
// (go-winio: "pipe has been closed for write").
func TestMessageConnCloseWriteIsHalfClose(t *testing.T) {
	e := newAdEnv(t)
	sc, cc, _ := e.mustConnect(t, &pipe.PipeConfig{MessageMode: true, InputBufferSize: 64, OutputBufferSize: 64})
	_, err := cc.Write([]byte("request"))
	require.NoError(t, err)
	closed := make(chan error, 1)
	go func() { closed <- cc.(pipe.PipeConn).CloseWrite() }()

	got, err := io.ReadAll(sc)
	require.NoError(t, err)
	assert.Equal(t, "request", string(got))
	require.NoError(t, <-closed)
	n, err := sc.Read(make([]byte, 8))
	assert.Zero(t, n)
	assert.Equal(t, io.EOF, err, "the end of stream is sticky")

	_, err = sc.Write([]byte("response"))
	require.NoError(t, err, "the other direction is still open")
	buf := make([]byte, 32)
	n, err = cc.Read(buf)
	require.NoError(t, err)
	assert.Equal(t, "response", string(buf[:n]))

	_, err = cc.Write([]byte("late"))
	assertOpErr(t, err, "write", pipe.ErrWriteClosed)
	assertOpErr(t, cc.(pipe.PipeConn).CloseWrite(), "close", pipe.ErrWriteClosed)
}

// TestMessageConnCloseWriteReadsAsEmptyMessageToWin32: a Win32 reader on the other end
// sees CloseWrite as what it is, a zero-length message: ReadFile succeeds with 0 bytes,
// even in byte read mode (windows-facts.md NP-76, NP-93).
func TestMessageConnCloseWriteReadsAsEmptyMessageToWin32(t *testing.T) {
	e := newAdEnv(t)
	name := adName()
	h, err := pipe.CreateNamedPipe(e.srv, name, pipe.PIPE_ACCESS_DUPLEX, pipe.PIPE_TYPE_MESSAGE|pipe.PIPE_READMODE_BYTE, 1, 64, 64, 0, nil)
	require.NoError(t, err)
	defer e.srv.CloseHandle(h)
	cc, err := pipe.DialPipe(e.cli, name, nil)
	require.NoError(t, err)
	defer cc.Close()
	_, err = cc.Write([]byte("abc"))
	require.NoError(t, err)
	closed := make(chan error, 1)
	go func() { closed <- cc.(pipe.PipeConn).CloseWrite() }()

	buf := make([]byte, 16)
	n, err := e.srv.ReadFile(bg, h, buf)
	require.NoError(t, err)
	assert.Equal(t, "abc", string(buf[:n]))
	require.NoError(t, <-closed)
	n, err = e.srv.ReadFile(bg, h, buf)
	assert.NoError(t, err)
	assert.Zero(t, n, "the empty message")
}

// TestMessageConnLongMessageReadsAsStream: a message longer than the Read buffer comes
// in pieces without error; ReadFile reports ERROR_MORE_DATA for all but the last
// (windows-facts.md NP-52), which the conn treats as success, as go-winio does.
func TestMessageConnLongMessageReadsAsStream(t *testing.T) {
	e := newAdEnv(t)
	sc, cc, _ := e.mustConnect(t, &pipe.PipeConfig{MessageMode: true, InputBufferSize: 64})
	_, err := cc.Write([]byte("0123456789"))
	require.NoError(t, err)
	var parts []string
	buf := make([]byte, 4)
	for _, want := range []int{4, 4, 2} {
		n, err := sc.Read(buf)
		require.NoError(t, err)
		require.Equal(t, want, n)
		parts = append(parts, string(buf[:n]))
	}
	assert.Equal(t, []string{"0123", "4567", "89"}, parts)
}

// TestMessageConnReadsStopAtMessageBoundaries: both ends read in message read mode, so
// one Read never returns parts of two messages (windows-facts.md NP-55, NP-56; test_CreateNamedPipe
// reads 11 then 10 bytes with a 32-byte buffer). This keeps CloseWrite's empty message
// from being merged into the data before it (go-winio issue #42).
func TestMessageConnReadsStopAtMessageBoundaries(t *testing.T) {
	e := newAdEnv(t)
	sc, cc, _ := e.mustConnect(t, &pipe.PipeConfig{MessageMode: true, InputBufferSize: 64, OutputBufferSize: 64})
	for _, pair := range [][2]net.Conn{{cc, sc}, {sc, cc}} {
		w, r := pair[0], pair[1]
		_, err := w.Write([]byte("hello world"))
		require.NoError(t, err)
		_, err = w.Write([]byte("0123456789"))
		require.NoError(t, err)
		buf := make([]byte, 32)
		n, err := r.Read(buf)
		require.NoError(t, err)
		assert.Equal(t, "hello world", string(buf[:n]))
		n, err = r.Read(buf)
		require.NoError(t, err)
		assert.Equal(t, "0123456789", string(buf[:n]))
	}
}

// TestMessageConnEmptyWriteSendsNothing: a zero-length Write on a message conn sends no
// message (it would read as the end of the stream); go-winio drops it too.
func TestMessageConnEmptyWriteSendsNothing(t *testing.T) {
	e := newAdEnv(t)
	sc, cc, _ := e.mustConnect(t, &pipe.PipeConfig{MessageMode: true, InputBufferSize: 64})
	n, err := cc.Write(nil)
	assert.Zero(t, n)
	require.NoError(t, err)
	_, err = cc.Write([]byte("x"))
	require.NoError(t, err)
	buf := make([]byte, 4)
	n, err = sc.Read(buf)
	require.NoError(t, err, "the first message read is x, not an empty one")
	assert.Equal(t, "x", string(buf[:n]))
}

// TestDialPipeAccessReadOnly: a client that asked for GENERIC_READ alone can read but
// not write; WriteFile fails with ERROR_ACCESS_DENIED (the handle lacks FILE_WRITE_DATA).
func TestDialPipeAccessReadOnly(t *testing.T) {
	e := newAdEnv(t)
	name := adName()
	l, err := pipe.ListenPipe(e.srv, name, &pipe.PipeConfig{OutputBufferSize: 64})
	require.NoError(t, err)
	defer l.Close()
	cc, err := pipe.DialPipeAccess(bg, e.cli, name, uint32(kernel.GENERIC_READ))
	require.NoError(t, err)
	defer cc.Close()
	sc, err := l.Accept()
	require.NoError(t, err)
	defer sc.Close()

	_, err = cc.Write([]byte("x"))
	assertOpErr(t, err, "write", kernel.ERROR_ACCESS_DENIED)
	_, err = sc.Write([]byte("ok"))
	require.NoError(t, err)
	buf := make([]byte, 4)
	n, err := cc.Read(buf)
	require.NoError(t, err)
	assert.Equal(t, "ok", string(buf[:n]))
}

// TestConnProcessExitEndsCalls: a conn's calls are its process's, so the process
// exiting ends a blocked Read with an error matching ERROR_OPERATION_ABORTED (Windows
// cancels an exiting thread's I/O; windows-facts.md NP-132, NP-133). The exit closed the handle,
// so Close just retires the conn, and the other end reads io.EOF.
func TestConnProcessExitEndsCalls(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := newAdEnv(t)
		doomed, err := e.srvM.NewProcess("doomed.exe", nil)
		require.NoError(t, err)
		e.srv = doomed
		sc, cc, l, err := e.connect(nil)
		require.NoError(t, err)
		defer cc.Close()
		read := make(chan error, 1)
		go func() {
			_, err := sc.Read(make([]byte, 8))
			read <- err
		}()
		synctest.Wait()
		doomed.Terminate(1)
		err = <-read
		assertOpErr(t, err, "read", kernel.ERROR_OPERATION_ABORTED)
		assert.NoError(t, sc.Close())
		assert.NoError(t, l.Close())
		_, err = cc.Read(make([]byte, 8))
		assert.Equal(t, io.EOF, err)
	})
}
