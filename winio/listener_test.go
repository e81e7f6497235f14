package winio

import (
	"context"
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
	"github.com/winsim/winsim/windows"
)

// Closing a listener nobody called Accept on returns at once, leaves the process no
// handle, and frees the name for a new ListenPipe (go-winio issue #281, Close hanging
// without Accept; Microsoft, CreateNamedPipeW: the pipe goes with its last instance).
// A Close that ends a waiting Accept returns only after it, and likewise leaves nothing.
func TestListenerCloseReleasesEverything(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := bindTest(t)
		path := uniquePipe()
		l, err := ListenPipe(path, nil)
		require.NoError(t, err)
		require.NoError(t, l.Close())
		assert.Zero(t, p.HandleCount())

		l, err = ListenPipe(path, nil)
		require.NoError(t, err, "the name was released")
		ch := accept(l)
		synctest.Wait()
		require.NoError(t, l.Close())
		assert.Nil(t, <-ch)
		assert.Zero(t, p.HandleCount(), "the Accept's instance is closed too")
	})
}

// Bad input gets a Win32 error, never a panic: a path that is not a pipe name
// (ERROR_INVALID_NAME, in an *os.PathError as go-winio's makeServerPipeHandle returns
// it), an existing name (ERROR_ACCESS_DENIED, which is fs.ErrPermission), malformed
// SDDL (*SddlConversionError, go-winio sd.go), a Caller of no process. Well-formed
// SDDL is accepted.
func TestListenPipeBadInput(t *testing.T) {
	p := bindTest(t)
	_, err := ListenPipe("not a pipe", nil)
	var pe *os.PathError
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "open", pe.Op)
	assert.Equal(t, "not a pipe", pe.Path)
	assert.ErrorIs(t, err, windows.ERROR_INVALID_NAME)

	path := uniquePipe()
	l, err := ListenPipe(path, nil)
	require.NoError(t, err)
	_, err = ListenPipe(path, nil)
	assert.ErrorIs(t, err, fs.ErrPermission)
	require.NoError(t, l.Close())

	for _, sddl := range []string{"garbage", "D:(A;;GA;;;WD", "O:BAO:SY", "X:BA"} {
		_, err = ListenPipe(path, &PipeConfig{SecurityDescriptor: sddl})
		var se *SddlConversionError
		assert.ErrorAs(t, err, &se, "%q", sddl)
	}
	_, err = On(nil).ListenPipe(path, nil)
	require.ErrorAs(t, err, &pe)
	assert.ErrorIs(t, err, windows.ERROR_INVALID_PARAMETER)
	assert.Zero(t, p.HandleCount())

	// A user may not make Administrators the owner (ERROR_INVALID_OWNER, as
	// SeAssignSecurity's owner check gives it: Forshaw, "Windows Security Internals",
	// listing 6-6); the group is free.
	_, err = ListenPipe(path, &PipeConfig{SecurityDescriptor: "O:BAG:SYD:P(A;;GA;;;SY)(A;;GRGW;;;WD)"})
	assert.ErrorIs(t, err, windows.ERROR_INVALID_OWNER)
	l, err = ListenPipe(path, &PipeConfig{SecurityDescriptor: "G:SYD:P(A;;GA;;;SY)(A;;GRGW;;;WD)"})
	require.NoError(t, err)
	require.NoError(t, l.Close())
}

// Between Accepts no instance listens either: the accepted instance is connected and
// the first is disconnected, so a client gets ERROR_PIPE_BUSY until the next Accept
// (go-winio pipe.go, makeServerPipeHandle creates one instance per Accept;
// dlls/kernel32/tests/pipe.c, test_CreateNamedPipe: a pipe with no listening instance
// is busy).
func TestListenerBusyBetweenAccepts(t *testing.T) {
	p := bindTest(t)
	path := uniquePipe()
	_, _, l := connect(t, caller(), caller(), path, nil)
	_, err := p.CreateFile(path, kernel.GENERIC_READ|kernel.GENERIC_WRITE, 0, nil, kernel.OPEN_EXISTING, 0)
	assert.ErrorIs(t, err, windows.ERROR_PIPE_BUSY)

	ch := accept(l)
	c, err := DialPipe(path, nil)
	require.NoError(t, err, "the next Accept lets the next client in")
	s := <-ch
	require.NotNil(t, s)
	require.NoError(t, c.Close())
	require.NoError(t, s.Close())
}

// Accepted connections outlive the listener: Close closes only the first instance
// (go-winio pipe.go, listenerRoutine). While a connection holds the pipe a new client
// finds it busy; once the last one closes the name is gone.
func TestListenerCloseLeavesConnections(t *testing.T) {
	bindTest(t)
	path := uniquePipe()
	c, s, l := connect(t, caller(), caller(), path, &PipeConfig{InputBufferSize: 64, OutputBufferSize: 64})
	require.NoError(t, l.Close())
	_, err := c.Write([]byte("still here"))
	require.NoError(t, err)
	b := make([]byte, 16)
	n, err := s.Read(b)
	require.NoError(t, err)
	assert.Equal(t, "still here", string(b[:n]))

	timeout := time.Millisecond
	_, err = DialPipe(path, &timeout)
	assert.Same(t, ErrTimeout, err, "the only instance is connected")
	require.NoError(t, c.Close())
	require.NoError(t, s.Close())
	_, err = DialPipe(path, nil)
	assert.ErrorIs(t, err, windows.ERROR_FILE_NOT_FOUND)
}

// The listener's calls are its process's: the process exiting ends a waiting Accept
// with ERROR_OPERATION_ABORTED, bare (Microsoft, "Terminating a Process": pending I/O
// is cancelled), and Close afterwards returns nil.
func TestListenerProcessExitEndsAccept(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := bindTest(t)
		l, err := ListenPipe(uniquePipe(), nil)
		require.NoError(t, err)
		accepted := make(chan error, 1)
		go func() {
			c, err := l.Accept()
			if c != nil {
				_ = c.Close()
			}
			accepted <- err
		}()
		synctest.Wait()
		p.Terminate(1)
		assert.Equal(t, windows.ERROR_OPERATION_ABORTED, <-accepted)
		assert.NoError(t, l.Close())
	})
}

// Several goroutines may wait in Accept (net.Listener allows it); go-winio serves them
// one at a time (pipe.go, listenerRoutine). Each client reaches exactly one accepted
// connection, and Close ends the Accepts still waiting with ErrPipeListenerClosed.
func TestListenerConcurrentAccepts(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		bindTest(t)
		path := uniquePipe()
		l, err := ListenPipe(path, &PipeConfig{InputBufferSize: 64, OutputBufferSize: 64})
		require.NoError(t, err)
		const waiters = 4
		type result struct {
			c   net.Conn
			err error
		}
		accepted := make(chan result, waiters)
		for range waiters {
			go func() {
				c, err := l.Accept()
				accepted <- result{c, err}
			}()
		}
		synctest.Wait()
		var clients, conns []net.Conn
		for range 2 {
			c, err := DialPipe(path, nil)
			require.NoError(t, err)
			clients = append(clients, c)
			r := <-accepted
			require.NoError(t, r.err)
			conns = append(conns, r.c)
		}
		synctest.Wait()
		require.Empty(t, accepted, "no third Accept returned")
		require.NoError(t, l.Close())
		for range waiters - 2 {
			assert.Equal(t, ErrPipeListenerClosed, (<-accepted).err)
		}
		for i, c := range clients {
			_, err := c.Write([]byte{byte('a' + i)})
			require.NoError(t, err)
		}
		got := map[string]bool{}
		for _, c := range conns {
			b := make([]byte, 4)
			n, err := c.Read(b)
			require.NoError(t, err)
			got[string(b[:n])] = true
		}
		assert.Equal(t, map[string]bool{"a": true, "b": true}, got)
		for _, c := range append(clients, conns...) {
			require.NoError(t, c.Close())
		}
	})
}

// busyPipe creates a one-instance pipe with a client connected, so that a dial meets
// ERROR_PIPE_BUSY. It returns the server's handle.
func busyPipe(t *testing.T, p *kernel.Process, path string) kernel.Handle {
	t.Helper()
	srv, err := pipe.CreateNamedPipe(p, path, pipe.PIPE_ACCESS_DUPLEX, pipe.PIPE_TYPE_BYTE, 1, 64, 64, 0, nil)
	require.NoError(t, err)
	cli, err := p.CreateFile(path, kernel.GENERIC_READ|kernel.GENERIC_WRITE, 0, nil, kernel.OPEN_EXISTING, 0)
	require.NoError(t, err)
	t.Cleanup(func() { _ = p.CloseHandle(cli); _ = p.CloseHandle(srv) })
	return srv
}

// On a busy pipe DialPipe waits, on the machine's clock, exactly its timeout and then
// fails with ErrTimeout (go-winio pipe.go, DialPipe). A dial waiting connects as soon as
// an instance listens again, here the busy one after DisconnectNamedPipe and
// ConnectNamedPipe (dlls/kernel32/tests/pipe.c, test_wait_pipe: the wait is woken by
// ConnectNamedPipe).
func TestDialPipeBusy(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := bindTest(t)
		path := uniquePipe()
		srv := busyPipe(t, p, path)
		start := time.Now()
		timeout := 300 * time.Millisecond
		c, err := DialPipe(path, &timeout)
		assert.Nil(t, c)
		assert.Same(t, ErrTimeout, err)
		assert.Equal(t, timeout, time.Since(start))

		start = time.Now()
		type dialResult struct {
			c   net.Conn
			err error
		}
		dialed := make(chan dialResult, 1)
		go func() {
			c, err := DialPipeContext(context.Background(), path)
			dialed <- dialResult{c, err}
		}()
		time.Sleep(time.Second)
		synctest.Wait()
		require.Empty(t, dialed)
		require.NoError(t, pipe.DisconnectNamedPipe(p, srv))
		connected := make(chan error, 1)
		go func() { connected <- pipe.ConnectNamedPipe(context.Background(), p, srv) }()
		r := <-dialed
		require.NoError(t, r.err)
		require.NoError(t, <-connected)
		assert.Equal(t, time.Second, time.Since(start))
		_, err = r.c.Write([]byte("hi"))
		require.NoError(t, err)
		b := make([]byte, 4)
		n, err := p.ReadFile(context.Background(), srv, b)
		require.NoError(t, err)
		assert.Equal(t, "hi", string(b[:n]))
		require.NoError(t, r.c.Close())
	})
}

// DialPipeContext with a context already done dials nothing, even where an instance
// listens, and returns the context's error unconverted (go-winio pipe.go, tryDialPipe
// checks ctx first).
func TestDialPipeContextAlreadyDone(t *testing.T) {
	p := bindTest(t)
	path := uniquePipe()
	srv, err := pipe.CreateNamedPipe(p, path, pipe.PIPE_ACCESS_DUPLEX, pipe.PIPE_TYPE_BYTE, 1, 64, 64, 0, nil)
	require.NoError(t, err)
	defer p.CloseHandle(srv)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = DialPipeContext(ctx, path)
	assert.Equal(t, context.Canceled, err)
	_, err = p.CreateFile(path, kernel.GENERIC_READ|kernel.GENERIC_WRITE, 0, nil, kernel.OPEN_EXISTING, 0)
	assert.NoError(t, err, "the instance is still listening: nothing took it")
}

// Errors other than ERROR_PIPE_BUSY come back at once in an *os.PathError{Op: "open"}
// (go-winio pipe.go, tryDialPipe): no such pipe (ERROR_FILE_NOT_FOUND, which is
// fs.ErrNotExist), an unknown host (ERROR_BAD_NETPATH; Microsoft, CreateFileW on
// \\server\pipe\name).
func TestDialPipeOtherErrorsAtOnce(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		bindTest(t)
		start := time.Now()
		path := uniquePipe()
		_, err := DialPipe(path, nil)
		var pe *os.PathError
		require.ErrorAs(t, err, &pe)
		assert.Equal(t, "open", pe.Op)
		assert.Equal(t, path, pe.Path)
		assert.ErrorIs(t, err, fs.ErrNotExist)
		_, err = DialPipe(`\\NOWHERE\pipe\x`, nil)
		require.ErrorAs(t, err, &pe)
		assert.ErrorIs(t, err, windows.ERROR_BAD_NETPATH)
		assert.Equal(t, start, time.Now(), "nothing waited")
	})
}
