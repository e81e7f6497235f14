package winio

import (
	"context"
	"errors"
	"io"
	"net"
	"os"
	"strconv"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/winsim/winsim/kernel"
	"github.com/winsim/winsim/kerneltest"
	"github.com/winsim/winsim/pipe"
	"github.com/winsim/winsim/windows"
)

// These tests check what winsim adds around go-winio's API (processes, machines,
// virtual time, exits) and go-winio's behaviour in cases its own pipe_test.go does not
// reach; winio_port_test.go is that file, ported.

var pipeSeq atomic.Uint64

func uniquePipe() string { return `\\.\pipe\winio-` + strconv.FormatUint(pipeSeq.Add(1), 10) }

// accept runs l.Accept in a goroutine.
func accept(l net.Listener) <-chan net.Conn {
	ch := make(chan net.Conn, 1)
	go func() {
		c, err := l.Accept()
		if err != nil {
			c = nil
		}
		ch <- c
	}()
	return ch
}

// connect returns a connected client and server of a new listener on path.
func connect(t *testing.T, cli, srv *Caller, path string, cfg *PipeConfig) (c, s net.Conn, l net.Listener) {
	t.Helper()
	l, err := srv.ListenPipe(path, cfg)
	require.NoError(t, err)
	t.Cleanup(func() { _ = l.Close() })
	ch := accept(l)
	timeout := 5 * time.Second
	c, err = cli.DialPipe(path, &timeout)
	require.NoError(t, err)
	s = <-ch
	require.NotNil(t, s)
	t.Cleanup(func() { _ = c.Close(); _ = s.Close() })
	return c, s, l
}

// Until Accept runs, the listener's only instance is disconnected and a client waits:
// go-winio creates it without read/write access for that (pipe.go,
// makeServerPipeHandle). A client waiting in DialPipeContext connects as soon as Accept
// creates a listening instance.
func TestListenerClientsWaitUntilAccept(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := bindTest(t)
		path := uniquePipe()
		l, err := ListenPipe(path, nil)
		require.NoError(t, err)
		defer l.Close()

		_, err = p.CreateFile(path, kernel.GENERIC_READ|kernel.GENERIC_WRITE, 0, nil, kernel.OPEN_EXISTING, 0)
		assert.ErrorIs(t, err, kernel.ERROR_PIPE_BUSY, "no instance listens before Accept")

		type dialResult struct {
			c   net.Conn
			err error
		}
		dialed := make(chan dialResult, 1)
		go func() {
			c, err := DialPipeContext(context.Background(), path)
			dialed <- dialResult{c, err}
		}()
		time.Sleep(time.Hour)
		synctest.Wait()
		require.Empty(t, dialed, "the client still waits an hour later")

		// The client stays connected until Accept returns: one that leaves first is
		// skipped (ERROR_NO_DATA), and Accept would wait for the next.
		s, err := l.Accept()
		require.NoError(t, err)
		d := <-dialed
		require.NoError(t, d.err)
		require.NoError(t, d.c.Close())
		require.NoError(t, s.Close())
	})
}

// Two processes, each with its own Caller: the server learns the client's process ID
// through the connection's handle (Fd) and the pipe package, as a go-winio program
// would through x/sys/windows (Microsoft, GetNamedPipeClientProcessId).
func TestTwoProcessesAndFd(t *testing.T) {
	m := kerneltest.NewMachine(t, pipe.Install)
	srvP := kerneltest.NewProcess(t, m, "server.exe")
	cliP := kerneltest.NewProcess(t, m, "client.exe")
	defer srvP.Terminate(0)
	defer cliP.Terminate(0)
	c, s, _ := connect(t, On(cliP), On(srvP), uniquePipe(), &PipeConfig{InputBufferSize: 64, OutputBufferSize: 64})

	fd := s.(interface{ Fd() uintptr }).Fd()
	pid, err := pipe.GetNamedPipeClientProcessId(srvP, kernel.Handle(fd))
	require.NoError(t, err)
	assert.Equal(t, cliP.PID(), pid)

	_, err = c.Write([]byte("ping"))
	require.NoError(t, err)
	b := make([]byte, 8)
	n, err := s.Read(b)
	require.NoError(t, err)
	assert.Equal(t, "ping", string(b[:n]))

	require.NoError(t, s.Close())
	assert.Zero(t, s.(interface{ Fd() uintptr }).Fd(), "go-winio's Fd is 0 after Close")
}

// go-winio's listener always rejects remote clients (pipe.go, makeServerPipeHandle:
// FILE_PIPE_REJECT_REMOTE_CLIENTS): a client on another machine gets
// ERROR_ACCESS_DENIED (Microsoft, CreateNamedPipeW, PIPE_REJECT_REMOTE_CLIENTS).
func TestRemoteClientsAreRejected(t *testing.T) {
	n := kerneltest.NewNetwork(t)
	alpha := kerneltest.AddMachine(t, n, "ALPHA", "CORP", pipe.Install)
	beta := kerneltest.AddMachine(t, n, "BETA", "CORP", pipe.Install)
	srv := kerneltest.NewProcess(t, alpha, "server.exe")
	cli := kerneltest.NewProcess(t, beta, "client.exe")
	defer srv.Terminate(0)
	defer cli.Terminate(0)

	l, err := On(srv).ListenPipe(`\\.\pipe\remote`, nil)
	require.NoError(t, err)
	defer l.Close()
	go func() {
		if c, err := l.Accept(); err == nil {
			_ = c.Close()
		}
	}()
	timeout := time.Second
	_, err = On(cli).DialPipe(`\\ALPHA\pipe\remote`, &timeout)
	var pe *os.PathError
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "open", pe.Op)
	assert.ErrorIs(t, err, kernel.ERROR_ACCESS_DENIED)
	require.NoError(t, l.Close())
}

// Deadlines follow the machine's clock; inside a synctest bubble they are exact. An
// operation running when its deadline passes, or started after, fails with ErrTimeout,
// which is a net.Error with Timeout() and matches os.ErrDeadlineExceeded; clearing the
// deadline lets the next one wait again (go-winio file.go, deadlineHandler).
func TestDeadlinesOnVirtualTime(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		bindTest(t)
		c, s, _ := connect(t, caller(), caller(), uniquePipe(), &PipeConfig{InputBufferSize: 4, OutputBufferSize: 4})
		start := time.Now()
		require.NoError(t, c.SetReadDeadline(start.Add(3*time.Second)))
		_, err := c.Read(make([]byte, 1))
		assert.Same(t, ErrTimeout, err)
		assert.Equal(t, 3*time.Second, time.Since(start), "the read waited exactly until the deadline")
		var ne net.Error
		require.ErrorAs(t, err, &ne)
		assert.True(t, ne.Timeout())
		assert.ErrorIs(t, err, os.ErrDeadlineExceeded)

		_, err = c.Read(make([]byte, 1))
		assert.Same(t, ErrTimeout, err, "a read after the deadline fails at once")
		require.NoError(t, c.SetReadDeadline(time.Time{}))
		_, err = s.Write([]byte("x"))
		require.NoError(t, err)
		n, err := c.Read(make([]byte, 1))
		assert.NoError(t, err)
		assert.Equal(t, 1, n)

		// A write blocked on a full quota: the deadline ends it, with what it wrote.
		require.NoError(t, c.SetWriteDeadline(time.Now().Add(time.Second)))
		n, err = c.Write(make([]byte, 100))
		assert.Same(t, ErrTimeout, err)
		assert.Less(t, n, 100)
	})
}

// Close returns nil, also the second time; an operation in flight when Close comes,
// and one started after, fails with ErrFileClosed (go-winio file.go, closeHandle and
// asyncIO). The other end then reads io.EOF.
func TestCloseEndsOperations(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		bindTest(t)
		c, s, _ := connect(t, caller(), caller(), uniquePipe(), nil)
		done := make(chan error, 1)
		go func() {
			_, err := c.Read(make([]byte, 1))
			done <- err
		}()
		synctest.Wait()
		assert.NoError(t, c.Close())
		assert.Same(t, ErrFileClosed, <-done)
		assert.NoError(t, c.Close())
		_, err := c.Write([]byte("x"))
		assert.Same(t, ErrFileClosed, err)
		_, err = c.Read(make([]byte, 1))
		assert.Same(t, ErrFileClosed, err)
		assert.ErrorIs(t, c.(PipeConn).Flush(), kernel.ERROR_INVALID_HANDLE)

		_, err = s.Read(make([]byte, 1))
		assert.Equal(t, io.EOF, err, "ERROR_BROKEN_PIPE is io.EOF")
	})
}

// Only message-type connections have CloseWrite (go-winio pipe.go: win32Pipe has none).
// CloseWrite flushes and sends a zero-length message; the reader sees io.EOF for good;
// writing after it, or closing again, fails.
func TestCloseWriteOnlyOnMessagePipes(t *testing.T) {
	bindTest(t)
	type closeWriter interface{ CloseWrite() error }
	c, _, _ := connect(t, caller(), caller(), uniquePipe(), nil)
	_, ok := c.(closeWriter)
	assert.False(t, ok, "a byte-type pipe's connection has no CloseWrite")

	c, s, _ := connect(t, caller(), caller(), uniquePipe(), &PipeConfig{MessageMode: true, InputBufferSize: 64, OutputBufferSize: 64})
	n, err := c.Write(nil)
	assert.NoError(t, err, "a zero-length write sends nothing")
	assert.Zero(t, n)
	_, err = c.Write([]byte("last"))
	require.NoError(t, err)
	done := make(chan error, 1)
	go func() { done <- c.(closeWriter).CloseWrite() }()
	b := make([]byte, 2)
	n, err = s.Read(b)
	require.NoError(t, err)
	assert.Equal(t, "la", string(b[:n]), "the server reads in byte mode")
	n, err = s.Read(b)
	require.NoError(t, err)
	assert.Equal(t, "st", string(b[:n]))
	require.NoError(t, <-done)
	_, err = s.Read(b)
	assert.Equal(t, io.EOF, err)
	_, err = s.Read(b)
	assert.Equal(t, io.EOF, err, "the end of the stream is sticky")
	_, err = c.Write([]byte("more"))
	assert.EqualError(t, err, "pipe has been closed for write")
	assert.EqualError(t, c.(closeWriter).CloseWrite(), "pipe has been closed for write")
}

// Listener errors: a second ListenPipe of a name fails (FILE_CREATE of an existing
// pipe, ERROR_ACCESS_DENIED, in an *os.PathError); a malformed descriptor is an
// *SddlConversionError; Close is idempotent and returns nil; Accept after Close is
// ErrPipeListenerClosed (go-winio pipe.go, ListenPipe and Accept).
func TestListenerErrors(t *testing.T) {
	bindTest(t)
	path := uniquePipe()
	l, err := ListenPipe(path, nil)
	require.NoError(t, err)
	_, err = ListenPipe(path, nil)
	var pe *os.PathError
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, path, pe.Path)
	assert.ErrorIs(t, err, kernel.ERROR_ACCESS_DENIED)

	_, err = ListenPipe(uniquePipe(), &PipeConfig{SecurityDescriptor: "D:(A;;;;;nobody)"})
	var se *SddlConversionError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, "D:(A;;;;;nobody)", se.Sddl)

	assert.NoError(t, l.Close())
	assert.NoError(t, l.Close())
	_, err = l.Accept()
	assert.Equal(t, ErrPipeListenerClosed, err, "bare, as go-winio returns it")
	assert.Equal(t, "pipe", l.Addr().Network())
	assert.Equal(t, path, l.Addr().String())

	_, err = DialPipe(path, nil)
	assert.ErrorIs(t, err, kernel.ERROR_FILE_NOT_FOUND, "the name went with the listener")
}

// A process that exits while a connection's Read waits: the read ends with
// ERROR_OPERATION_ABORTED (Microsoft, "Terminating a Process": pending I/O is
// cancelled), and the machine holds nothing of it afterwards.
func TestExitEndsBlockedRead(t *testing.T) {
	m := kerneltest.NewMachine(t, pipe.Install)
	srv := kerneltest.NewProcess(t, m, "server.exe")
	cli := kerneltest.NewProcess(t, m, "client.exe")
	defer srv.Terminate(0)
	c, s, _ := connect(t, On(cli), On(srv), uniquePipe(), nil)
	done := make(chan error, 1)
	go func() {
		_, err := c.Read(make([]byte, 1))
		done <- err
	}()
	for {
		_, _, _, err := pipe.PeekNamedPipe(srv, kernel.Handle(s.(interface{ Fd() uintptr }).Fd()), nil)
		require.NoError(t, err)
		if cli.State() == kernel.ProcessRunning {
			break
		}
	}
	time.Sleep(10 * time.Millisecond)
	cli.Terminate(1)
	cli.Wait(context.Background())
	err := <-done
	assert.ErrorIs(t, err, kernel.ERROR_OPERATION_ABORTED)
	_, err = s.Read(make([]byte, 1))
	assert.Equal(t, io.EOF, err, "the client's end closed with its process")
	assert.NoError(t, c.Close(), "Close of a connection whose process exited")
}

// NewOpenFile wraps any file handle of the process, here an anonymous pipe's ends,
// and refuses what is not one (ERROR_INVALID_HANDLE). A Caller of no process fails.
func TestNewOpenFile(t *testing.T) {
	p := bindTest(t)
	r, w, err := pipe.CreatePipe(p, nil, 0)
	require.NoError(t, err)
	rf, err := NewOpenFile(r)
	require.NoError(t, err)
	wf, err := MakeOpenFile(w)
	require.NoError(t, err)
	wrote := make(chan struct{})
	go func() { _, _ = wf.Write([]byte("anon")); _ = wf.Close(); close(wrote) }()
	b, err := io.ReadAll(rf)
	<-wrote
	require.NoError(t, err)
	assert.Equal(t, "anon", string(b))
	require.NoError(t, rf.Close())

	_, err = NewOpenFile(kernel.Handle(0x1234))
	assert.ErrorIs(t, err, kernel.ERROR_INVALID_HANDLE)
	//lint:ignore SA1012 a nil context is the bad input under test
	_, err = DialPipeContext(nil, uniquePipe()) //nolint:staticcheck
	assert.ErrorIs(t, err, kernel.ERROR_FILE_NOT_FOUND, "a nil context is no context, not a crash")
	_, err = On(nil).DialPipe(uniquePipe(), nil)
	assert.ErrorIs(t, err, kernel.ERROR_INVALID_PARAMETER)
	assert.True(t, errors.Is(err, kernel.ERROR_INVALID_PARAMETER))
}

// A blocked Read ends with ErrTimeout or ErrFileClosed whichever of a deadline and Close
// comes first, however the two race with the read starting and with each other (go-winio
// file.go, asyncIO: a cancelled operation reports the timeout or the close). Two reads
// block at once, so both of an opContext's ways to hold a request are raced.
func TestDeadlineAndCloseRaceBlockedReads(t *testing.T) {
	bindTest(t)
	for i := range 200 {
		c, _, _ := connect(t, caller(), caller(), uniquePipe(), nil)
		errs := make(chan error, 2)
		for range 2 {
			go func() {
				_, err := c.Read(make([]byte, 1))
				errs <- err
			}()
		}
		if i%2 == 0 {
			time.Sleep(time.Duration(i%7) * time.Microsecond)
		}
		go func() { _ = c.SetReadDeadline(aLongTimeAgo) }()
		if i%3 == 0 {
			_ = c.Close()
		}
		for range 2 {
			err := <-errs
			if err != ErrTimeout && err != ErrFileClosed {
				t.Fatalf("round %d: read ended with %v", i, err)
			}
		}
		_ = c.Close()
	}
}

// A timeout of zero fails before any open, even when an instance is free: go-winio's
// DialPipe makes a context with that deadline and its dial loop looks at the context
// before each try (pipe.go, tryDialPipe).
func TestDialZeroTimeoutFailsAtOnce(t *testing.T) {
	bindTest(t)
	path := uniquePipe()
	l, err := ListenPipe(path, nil)
	require.NoError(t, err)
	defer l.Close()
	got := accept(l)
	zero := time.Duration(0)
	_, err = DialPipe(path, &zero)
	assert.Same(t, ErrTimeout, err)
	c, err := DialPipe(path, nil)
	require.NoError(t, err, "the instance Accept made was free all along")
	// Take the connection before the client closes: a client that closes before
	// Accept's ConnectNamedPipe gets there leaves an instance in the closing state,
	// which ConnectNamedPipe answers with ERROR_NO_DATA (docs/windows-facts.md NP-40:
	// Wine kernel32/tests/pipe.c test_nowait), and Accept then skips it and waits for
	// another client, as go-winio's listener does.
	s := <-got
	require.NotNil(t, s)
	require.NoError(t, c.Close())
	require.NoError(t, s.Close())
}

// Win32 errors come back as windows.Errno values, bare, as go-winio returns
// x/sys/windows' Errno: callers compare them with ==, switch on them and type-assert
// them (go-winio pipe.go: `err != windows.ERROR_PIPE_BUSY`); errors.Is also matches the
// kernel's code.
func TestWin32ErrorsAreWindowsErrnos(t *testing.T) {
	bindTest(t)
	c, s, _ := connect(t, caller(), caller(), uniquePipe(), nil)
	require.NoError(t, s.(PipeConn).Disconnect())
	_, err := c.Read(make([]byte, 1))
	assert.Equal(t, windows.ERROR_PIPE_NOT_CONNECTED, err, "go-winio does not turn a disconnect into io.EOF")
	_, ok := err.(windows.Errno)
	assert.True(t, ok)
	assert.ErrorIs(t, err, kernel.ERROR_PIPE_NOT_CONNECTED)

	_, err = DialPipe(uniquePipe(), nil)
	var pe *os.PathError
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, windows.ERROR_FILE_NOT_FOUND, pe.Err)
}
