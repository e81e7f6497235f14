package pipe_test

// Tests of ListenPipe's listener and of the DialPipe family. Waiting is tested in
// testing/synctest bubbles: a Close or Accept that hung would deadlock the bubble,
// which fails the test instead of hanging it.

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"net"
	"os"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/winsim/winsim/kernel"
	"github.com/winsim/winsim/pipe"
)

// assertPathErr asserts that err is an *os.PathError{Op: "open"} for name matching
// target, the way go-winio reports a failed open.
func assertPathErr(t *testing.T, err error, name string, target error) {
	t.Helper()
	var pe *os.PathError
	if assert.ErrorAs(t, err, &pe) {
		assert.Equal(t, "open", pe.Op)
		assert.Equal(t, name, pe.Path)
	}
	assert.ErrorIs(t, err, target)
}

// echoOnce reads one chunk from c and writes it back.
func echoOnce(c net.Conn) error {
	buf := make([]byte, 64)
	n, err := c.Read(buf)
	if err != nil {
		return err
	}
	_, err = c.Write(buf[:n])
	return err
}

// roundTrip writes msg on c and requires it back.
func roundTrip(t *testing.T, c net.Conn, msg string) {
	t.Helper()
	_, err := c.Write([]byte(msg))
	require.NoError(t, err)
	buf := make([]byte, 64)
	n, err := c.Read(buf)
	require.NoError(t, err)
	assert.Equal(t, msg, string(buf[:n]))
}

// TestListenerCloseWithoutAcceptReturns: closing a listener nobody ever called Accept
// on returns at once and releases its instance (go-winio issue #281: Close hangs if
// nobody calls Accept). The pipe name is free again afterwards (windows-facts.md NP-22).
func TestListenerCloseWithoutAcceptReturns(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := newAdEnv(t)
		name := adName()
		l, err := pipe.ListenPipe(e.srv, name, nil)
		require.NoError(t, err)
		require.NoError(t, l.Close())
		assert.Zero(t, e.srv.HandleCount())
		l2, err := pipe.ListenPipe(e.srv, name, nil)
		require.NoError(t, err, "the name was released")
		require.NoError(t, l2.Close())
	})
}

// TestListenerCloseEndsBlockedAccept: Close ends an Accept waiting for a client, which
// returns an error matching net.ErrClosed, and Close returns only after it (go-winio
// issues #357 and #85: Close hangs on a ConnectNamedPipe that never completes).
func TestListenerCloseEndsBlockedAccept(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := newAdEnv(t)
		l, err := pipe.ListenPipe(e.srv, adName(), nil)
		require.NoError(t, err)
		accepted := make(chan error, 1)
		go func() {
			c, err := l.Accept()
			if c != nil {
				c.Close()
			}
			accepted <- err
		}()
		synctest.Wait()
		require.NoError(t, l.Close())
		// The Accept goroutine reports after Accept returns, which may be just after
		// Close returns: let the bubble settle instead of racing it.
		synctest.Wait()
		select {
		case err := <-accepted:
			assertOpErr(t, err, "accept", net.ErrClosed)
			assert.ErrorIs(t, err, pipe.ErrPipeListenerClosed)
		default:
			t.Fatal("the blocked Accept did not end when the listener closed")
		}
		assert.Zero(t, e.srv.HandleCount())
	})
}

// TestListenerAfterClose: Accept after Close fails with net.ErrClosed at once, and so
// does a second Close, as net's listeners do.
func TestListenerAfterClose(t *testing.T) {
	e := newAdEnv(t)
	l, err := pipe.ListenPipe(e.srv, adName(), nil)
	require.NoError(t, err)
	require.NoError(t, l.Close())
	_, err = l.Accept()
	assertOpErr(t, err, "accept", net.ErrClosed)
	assertOpErr(t, l.Close(), "close", net.ErrClosed)
}

// TestListenPipeExistingNameIsAccessDenied: the pipe must not already exist, as
// go-winio's doc says; the first instance is created with FILE_FLAG_FIRST_PIPE_INSTANCE,
// which fails with ERROR_ACCESS_DENIED on an existing pipe (windows-facts.md NP-15, MS docs for
// CreateNamedPipe).
func TestListenPipeExistingNameIsAccessDenied(t *testing.T) {
	e := newAdEnv(t)
	name := adName()
	l, err := pipe.ListenPipe(e.srv, name, nil)
	require.NoError(t, err)
	defer l.Close()
	_, err = pipe.ListenPipe(e.srv, name, nil)
	assertPathErr(t, err, name, kernel.ERROR_ACCESS_DENIED)
	assert.ErrorIs(t, err, fs.ErrPermission)
}

// TestListenPipeBadInput: bad arguments get Win32 errors in an *os.PathError, never a
// panic: a name that is not a pipe name (ERROR_INVALID_NAME, windows-facts.md NP-2), a
// negative buffer size, a malformed SDDL string or a nil process
// (ERROR_INVALID_PARAMETER).
func TestListenPipeBadInput(t *testing.T) {
	e := newAdEnv(t)
	name := adName()
	_, err := pipe.ListenPipe(e.srv, "not a pipe", nil)
	assertPathErr(t, err, "not a pipe", kernel.ERROR_INVALID_NAME)
	_, err = pipe.ListenPipe(e.srv, name, &pipe.PipeConfig{InputBufferSize: -1})
	assertPathErr(t, err, name, kernel.ERROR_INVALID_PARAMETER)
	_, err = pipe.ListenPipe(e.srv, name, &pipe.PipeConfig{OutputBufferSize: -1})
	assertPathErr(t, err, name, kernel.ERROR_INVALID_PARAMETER)
	for _, sddl := range []string{"garbage", "D:(A;;GA;;;WD", "O:BAO:SY", "X:BA"} {
		_, err = pipe.ListenPipe(e.srv, name, &pipe.PipeConfig{SecurityDescriptor: sddl})
		assertPathErr(t, err, name, kernel.ERROR_INVALID_PARAMETER)
	}
	_, err = pipe.ListenPipe(nil, name, nil)
	assertPathErr(t, err, name, kernel.ERROR_INVALID_PARAMETER)
	assert.Zero(t, e.srv.HandleCount())

	// Well-formed SDDL is accepted (and not enforced, docs/deviations.md).
	l, err := pipe.ListenPipe(e.srv, name, &pipe.PipeConfig{SecurityDescriptor: "O:BAG:SYD:P(A;;GA;;;SY)(A;;GRGW;;;WD)"})
	require.NoError(t, err)
	require.NoError(t, l.Close())
}

// TestListenerKeepsAnInstanceListening: between Accepts an instance is listening, so a
// client's plain CreateFile succeeds instead of failing with ERROR_PIPE_BUSY (windows-facts.md NP-25, NP-27; go-winio PR #291 asks for this backlog), and the next Accept returns
// that client at once (ConnectNamedPipe's ERROR_PIPE_CONNECTED is success, NP-36).
func TestListenerKeepsAnInstanceListening(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := newAdEnv(t)
		name := adName()
		l, err := pipe.ListenPipe(e.srv, name, &pipe.PipeConfig{InputBufferSize: 64, OutputBufferSize: 64})
		require.NoError(t, err)
		defer l.Close()
		start := time.Now()
		var clients []kernel.Handle
		for i := range 3 {
			h, err := e.cli.CreateFile(name, kernel.GENERIC_READ|kernel.GENERIC_WRITE, 0, nil, kernel.OPEN_EXISTING, 0)
			require.NoError(t, err, "client %d found an instance listening", i)
			clients = append(clients, h)
			c, err := l.Accept()
			require.NoError(t, err)
			// The accepted conn is the client that just connected.
			msg := []byte{'0' + byte(i)}
			_, err = e.cli.WriteFile(bg, h, msg)
			require.NoError(t, err)
			buf := make([]byte, 4)
			n, err := c.Read(buf)
			require.NoError(t, err)
			assert.Equal(t, msg, buf[:n])
			require.NoError(t, c.Close())
		}
		assert.Equal(t, start, time.Now(), "nothing waited")
		for _, h := range clients {
			require.NoError(t, e.cli.CloseHandle(h))
		}
	})
}

// TestListenerAcceptsClientsInArrivalOrder: clients that connect while nobody accepts
// are accepted in the order they came, each on its own instance: a client takes the
// instance that has been listening longest (windows-facts.md NP-31), and Accept takes
// instances oldest first.
func TestListenerAcceptsClientsInArrivalOrder(t *testing.T) {
	e := newAdEnv(t)
	name := adName()
	l, err := pipe.ListenPipe(e.srv, name, &pipe.PipeConfig{InputBufferSize: 64})
	require.NoError(t, err)
	defer l.Close()
	first, err := pipe.DialPipe(e.cli, name, nil)
	require.NoError(t, err)
	defer first.Close()
	a, err := l.Accept()
	require.NoError(t, err)
	defer a.Close()
	second, err := pipe.DialPipe(e.cli, name, nil)
	require.NoError(t, err, "the backlog instance took the second client")
	defer second.Close()
	_, err = second.Write([]byte("second"))
	require.NoError(t, err)
	_, err = first.Write([]byte("first"))
	require.NoError(t, err)
	b, err := l.Accept()
	require.NoError(t, err)
	defer b.Close()
	buf := make([]byte, 16)
	n, err := a.Read(buf)
	require.NoError(t, err)
	assert.Equal(t, "first", string(buf[:n]))
	n, err = b.Read(buf)
	require.NoError(t, err)
	assert.Equal(t, "second", string(buf[:n]))
}

// TestListenerSkipsClientThatLeft: a client that connected and closed before Accept is
// passed over (ConnectNamedPipe fails with ERROR_NO_DATA, windows-facts.md NP-40; go-winio
// retries), and Accept returns the next client.
func TestListenerSkipsClientThatLeft(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := newAdEnv(t)
		name := adName()
		l, err := pipe.ListenPipe(e.srv, name, &pipe.PipeConfig{InputBufferSize: 64, OutputBufferSize: 64})
		require.NoError(t, err)
		defer l.Close()
		h, err := e.cli.CreateFile(name, kernel.GENERIC_READ|kernel.GENERIC_WRITE, 0, nil, kernel.OPEN_EXISTING, 0)
		require.NoError(t, err)
		require.NoError(t, e.cli.CloseHandle(h))

		accepted := make(chan acceptResult, 1)
		go func() {
			c, err := l.Accept()
			accepted <- acceptResult{c, err}
		}()
		synctest.Wait()
		cc, err := pipe.DialPipe(e.cli, name, nil)
		require.NoError(t, err)
		defer cc.Close()
		r := <-accepted
		require.NoError(t, r.err)
		defer r.c.Close()
		done := make(chan error, 1)
		go func() { done <- echoOnce(r.c) }()
		roundTrip(t, cc, "hello")
		assert.NoError(t, <-done)
	})
}

// TestListenerCloseDropsUnacceptedClients: closing the listener closes the instances
// not accepted, so a client connected to one reads io.EOF (the server's handle closed,
// windows-facts.md NP-90); an accepted conn lives on.
func TestListenerCloseDropsUnacceptedClients(t *testing.T) {
	e := newAdEnv(t)
	name := adName()
	l, err := pipe.ListenPipe(e.srv, name, &pipe.PipeConfig{InputBufferSize: 64, OutputBufferSize: 64})
	require.NoError(t, err)
	first, err := pipe.DialPipe(e.cli, name, nil)
	require.NoError(t, err)
	defer first.Close()
	sc, err := l.Accept()
	require.NoError(t, err)
	defer sc.Close()
	waiting, err := pipe.DialPipe(e.cli, name, nil)
	require.NoError(t, err)
	defer waiting.Close()

	require.NoError(t, l.Close())
	_, err = waiting.Read(make([]byte, 8))
	assert.Equal(t, io.EOF, err)
	done := make(chan error, 1)
	go func() { done <- echoOnce(sc) }()
	roundTrip(t, first, "still here")
	assert.NoError(t, <-done)
}

// TestListenerProcessExitEndsAccept: the listener's calls are its process's, so the
// process exiting ends a blocked Accept with an error matching ERROR_OPERATION_ABORTED
// (Windows ends a thread's I/O when it exits; windows-facts.md NP-132, NP-133), and Close then
// returns without error: the exit already closed the instances.
func TestListenerProcessExitEndsAccept(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := newAdEnv(t)
		p, err := e.srvM.NewProcess("doomed.exe", nil)
		require.NoError(t, err)
		l, err := pipe.ListenPipe(p, adName(), nil)
		require.NoError(t, err)
		accepted := make(chan error, 1)
		go func() {
			_, err := l.Accept()
			accepted <- err
		}()
		synctest.Wait()
		p.Terminate(1)
		err = <-accepted
		assertOpErr(t, err, "accept", kernel.ERROR_OPERATION_ABORTED)
		assert.NoError(t, l.Close())
	})
}

// busyPipe creates a pipe of one instance with a client connected, so that dialling it
// meets ERROR_PIPE_BUSY (windows-facts.md NP-27). It returns the server and client handles.
func busyPipe(t *testing.T, e *adEnv, name string) (srv, cli kernel.Handle) {
	t.Helper()
	srv, err := pipe.CreateNamedPipe(e.srv, name, pipe.PIPE_ACCESS_DUPLEX, pipe.PIPE_TYPE_BYTE, 1, 64, 64, 0, nil)
	require.NoError(t, err)
	cli, err = e.cli.CreateFile(name, kernel.GENERIC_READ|kernel.GENERIC_WRITE, 0, nil, kernel.OPEN_EXISTING, 0)
	require.NoError(t, err)
	t.Cleanup(func() {
		e.cli.CloseHandle(cli)
		e.srv.CloseHandle(srv)
	})
	return srv, cli
}

// TestDialPipeBusyTimesOut: while every instance is busy DialPipe waits, and fails with
// ErrTimeout when its timeout passes: exactly then, on the machine's clock (go-winio's
// DialPipe; WaitNamedPipe times out with ERROR_SEM_TIMEOUT, windows-facts.md NP-26). A nil
// timeout is 2 s, as in go-winio.
func TestDialPipeBusyTimesOut(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := newAdEnv(t)
		name := adName()
		busyPipe(t, e, name)
		start := time.Now()
		timeout := 300 * time.Millisecond
		c, err := pipe.DialPipe(e.cli, name, &timeout)
		assert.Nil(t, c)
		assert.ErrorIs(t, err, pipe.ErrTimeout)
		assert.ErrorIs(t, err, os.ErrDeadlineExceeded)
		var ne net.Error
		require.ErrorAs(t, err, &ne)
		assert.True(t, ne.Timeout())
		assert.Equal(t, timeout, time.Since(start))

		start = time.Now()
		_, err = pipe.DialPipe(e.cli, name, nil)
		assert.ErrorIs(t, err, pipe.ErrTimeout)
		assert.Equal(t, 2*time.Second, time.Since(start))
	})
}

// TestDialPipeBusyWaitsForAnInstance: a DialPipe waiting on a busy pipe connects as soon
// as an instance listens: a new one, or the busy one after DisconnectNamedPipe and
// ConnectNamedPipe (WaitNamedPipe is woken by both, windows-facts.md NP-33; test_wait_pipe).
func TestDialPipeBusyWaitsForAnInstance(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := newAdEnv(t)
		name := adName()
		srv, _ := busyPipe(t, e, name)
		start := time.Now()
		type dialResult struct {
			c   net.Conn
			err error
		}
		dialed := make(chan dialResult, 1)
		go func() {
			c, err := pipe.DialPipe(e.cli, name, nil)
			dialed <- dialResult{c, err}
		}()
		synctest.Wait()
		time.Sleep(time.Second)
		require.NoError(t, pipe.DisconnectNamedPipe(e.srv, srv))
		connected := make(chan error, 1)
		go func() { connected <- pipe.ConnectNamedPipe(bg, e.srv, srv) }()
		r := <-dialed
		require.NoError(t, r.err)
		defer r.c.Close()
		require.NoError(t, <-connected)
		assert.Equal(t, time.Second, time.Since(start))
		_, err := r.c.Write([]byte("hi"))
		require.NoError(t, err)
		buf := make([]byte, 4)
		n, err := e.srv.ReadFile(bg, srv, buf)
		require.NoError(t, err)
		assert.Equal(t, "hi", string(buf[:n]))
	})
}

// TestDialPipeContext: DialPipeContext waits on a busy pipe until its context ends and
// returns the context's error, unconverted, as go-winio does; a context already done
// dials nothing.
func TestDialPipeContext(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := newAdEnv(t)
		name := adName()
		busyPipe(t, e, name)
		start := time.Now()
		ctx, cancel := context.WithTimeout(bg, 5*time.Second)
		defer cancel()
		_, err := pipe.DialPipeContext(ctx, e.cli, name)
		assert.Equal(t, context.DeadlineExceeded, err)
		assert.Equal(t, 5*time.Second, time.Since(start))

		ctx, cancel = context.WithCancel(bg)
		go func() {
			time.Sleep(time.Second)
			cancel()
		}()
		_, err = pipe.DialPipeContext(ctx, e.cli, name)
		assert.Equal(t, context.Canceled, err)

		l, err := pipe.ListenPipe(e.srv, adName(), nil)
		require.NoError(t, err)
		defer l.Close()
		_, err = pipe.DialPipeContext(ctx, e.cli, l.Addr().String())
		assert.Equal(t, context.Canceled, err)
	})
}

// TestDialPipeOtherErrorsAtOnce: errors other than ERROR_PIPE_BUSY are returned at once
// in an *os.PathError{Op: "open"}, as go-winio does (it does not retry
// ERROR_FILE_NOT_FOUND either, issue #93): no such pipe (ERROR_FILE_NOT_FOUND, windows-facts.md NP-5), an unknown host (ERROR_BAD_NETPATH), and a nil process
// (ERROR_INVALID_PARAMETER).
func TestDialPipeOtherErrorsAtOnce(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := newAdEnv(t)
		start := time.Now()
		name := adName()
		_, err := pipe.DialPipe(e.cli, name, nil)
		assertPathErr(t, err, name, kernel.ERROR_FILE_NOT_FOUND)
		assert.ErrorIs(t, err, fs.ErrNotExist)
		_, err = pipe.DialPipeContext(bg, e.cli, name)
		assertPathErr(t, err, name, kernel.ERROR_FILE_NOT_FOUND)
		_, err = pipe.DialPipe(e.cli, `\\NOWHERE\pipe\x`, nil)
		assertPathErr(t, err, `\\NOWHERE\pipe\x`, kernel.ERROR_BAD_NETPATH)
		_, err = pipe.DialPipe(nil, name, nil)
		assertPathErr(t, err, name, kernel.ERROR_INVALID_PARAMETER)
		_, err = pipe.DialPipeAccess(bg, nil, name, 0)
		assertPathErr(t, err, name, kernel.ERROR_INVALID_PARAMETER)
		assert.Equal(t, start, time.Now(), "nothing waited")
	})
}

// TestDialPipeRemoteClients: by default the listener refuses clients on other machines,
// as go-winio's does (PIPE_REJECT_REMOTE_CLIENTS, windows-facts.md DOC-6; the open fails with
// ERROR_ACCESS_DENIED); with AcceptRemoteClients a client on another machine dials
// \\HOST\pipe\name and talks to it.
func TestDialPipeRemoteClients(t *testing.T) {
	e := newRemoteAdEnv(t)
	name := adName()
	l, err := pipe.ListenPipe(e.srv, name, nil)
	require.NoError(t, err)
	_, err = pipe.DialPipe(e.cli, e.dialName(name), nil)
	assertPathErr(t, err, e.dialName(name), kernel.ERROR_ACCESS_DENIED)
	require.NoError(t, l.Close())

	l, err = pipe.ListenPipe(e.srv, name, &pipe.PipeConfig{AcceptRemoteClients: true, InputBufferSize: 64})
	require.NoError(t, err)
	defer l.Close()
	cc, err := pipe.DialPipe(e.cli, e.dialName(name), nil)
	require.NoError(t, err)
	defer cc.Close()
	assert.Equal(t, `\\SRV\pipe\`+name[len(`\\.\pipe\`):], cc.RemoteAddr().String())
	sc, err := l.Accept()
	require.NoError(t, err)
	defer sc.Close()
	done := make(chan error, 1)
	go func() { done <- echoOnce(sc) }()
	roundTrip(t, cc, "across the network")
	assert.NoError(t, <-done)
}

// TestDialPipeMessageModeFromPipeType: a dialled conn is a message conn when the pipe is
// message-type, as go-winio decides from GetNamedPipeInfo's PIPE_TYPE_MESSAGE (windows-facts.md NP-82), whoever created the pipe: here a plain CreateNamedPipe.
func TestDialPipeMessageModeFromPipeType(t *testing.T) {
	e := newAdEnv(t)
	for _, tc := range []struct {
		mode    uint32
		message bool
	}{{pipe.PIPE_TYPE_BYTE, false}, {pipe.PIPE_TYPE_MESSAGE, true}} {
		name := adName()
		h, err := pipe.CreateNamedPipe(e.srv, name, pipe.PIPE_ACCESS_DUPLEX, tc.mode, 1, 64, 64, 0, nil)
		require.NoError(t, err)
		cc, err := pipe.DialPipe(e.cli, name, nil)
		require.NoError(t, err)
		err = cc.(pipe.PipeConn).CloseWrite()
		if tc.message {
			assert.NoError(t, err, "CloseWrite works on a message pipe")
		} else {
			assert.ErrorIs(t, err, errors.ErrUnsupported)
		}
		require.NoError(t, cc.Close())
		require.NoError(t, e.srv.CloseHandle(h))
	}
}

// TestListenerConcurrentAccepts: several goroutines may wait in Accept at once (as
// net.Listener allows); each client is accepted by exactly one of them, and Close ends
// those still waiting with net.ErrClosed, whether they were in ConnectNamedPipe or
// waiting for their turn.
func TestListenerConcurrentAccepts(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := newAdEnv(t)
		name := adName()
		l, err := pipe.ListenPipe(e.srv, name, &pipe.PipeConfig{InputBufferSize: 64, OutputBufferSize: 64})
		require.NoError(t, err)
		const waiters = 4
		accepted := make(chan acceptResult, waiters)
		for range waiters {
			go func() {
				c, err := l.Accept()
				accepted <- acceptResult{c, err}
			}()
		}
		synctest.Wait()
		var clients []net.Conn
		for range 2 {
			c, err := pipe.DialPipe(e.cli, name, nil)
			require.NoError(t, err)
			clients = append(clients, c)
		}
		var conns []net.Conn
		for range 2 {
			r := <-accepted
			require.NoError(t, r.err)
			conns = append(conns, r.c)
		}
		synctest.Wait()
		select {
		case r := <-accepted:
			t.Fatalf("a third Accept returned with only two clients: %v", r.err)
		default:
		}
		require.NoError(t, l.Close())
		for range waiters - 2 {
			r := <-accepted
			assertOpErr(t, r.err, "accept", net.ErrClosed)
		}
		// Each client reached its own accepted conn.
		for i, c := range clients {
			_, err := c.Write([]byte{byte('a' + i)})
			require.NoError(t, err)
		}
		got := map[string]bool{}
		for _, c := range conns {
			buf := make([]byte, 4)
			n, err := c.Read(buf)
			require.NoError(t, err)
			got[string(buf[:n])] = true
		}
		assert.Equal(t, map[string]bool{"a": true, "b": true}, got)
		for _, c := range append(clients, conns...) {
			require.NoError(t, c.Close())
		}
	})
}
