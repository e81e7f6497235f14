package pipe_test

import (
	"context"
	"strconv"
	"sync/atomic"
	"testing"
	"testing/synctest"

	"github.com/stretchr/testify/require"

	"github.com/winsim/winsim/kernel"
	"github.com/winsim/winsim/kerneltest"
	"github.com/winsim/winsim/pipe"
)

var pipeSeq atomic.Uint64

// uniqueName returns a pipe name no other test uses (go-winio's tests share one name;
// we do not).
func uniqueName(t testing.TB) string {
	return `\\.\pipe\winsim-test-` + strconv.FormatUint(pipeSeq.Add(1), 10)
}

// newMachine returns a machine with the pipe file system, checked for leaks when the
// test ends.
func newMachine(t testing.TB) *kernel.Machine {
	t.Helper()
	return kerneltest.NewMachine(t, pipe.Install)
}

// newProc starts a driven process on m that is terminated when the test ends, before
// the leak check.
func newProc(t testing.TB, m *kernel.Machine, name string) *kernel.Process {
	t.Helper()
	p := kerneltest.NewProcess(t, m, name)
	t.Cleanup(func() { p.Terminate(0) })
	return p
}

var bg = context.Background()

// server creates a named pipe instance and fails the test on error.
func server(t testing.TB, p *kernel.Process, name string, openMode, pipeMode, maxInst, out, in uint32) kernel.Handle {
	t.Helper()
	h, err := pipe.CreateNamedPipe(p, name, openMode, pipeMode, maxInst, out, in, 0, nil)
	require.NoError(t, err)
	return h
}

// client opens name with access and fails the test on error.
func client(t testing.TB, p *kernel.Process, name string, access kernel.Access) kernel.Handle {
	t.Helper()
	h, err := p.CreateFile(name, access, 0, nil, kernel.OPEN_EXISTING, 0)
	require.NoError(t, err)
	return h
}

const rw = kernel.GENERIC_READ | kernel.GENERIC_WRITE

// write writes b and requires success with every byte written.
func write(t testing.TB, p *kernel.Process, h kernel.Handle, b string) {
	t.Helper()
	n, err := p.WriteFile(bg, h, []byte(b))
	require.NoError(t, err)
	require.Equal(t, len(b), n)
}

// read reads with a buffer of size and returns what came and the error.
func read(p *kernel.Process, h kernel.Handle, size int) (string, error) {
	buf := make([]byte, size)
	n, err := p.ReadFile(bg, h, buf)
	return string(buf[:n]), err
}

// pair returns a connected server and client of a new duplex pipe.
func pair(t testing.TB, p *kernel.Process, pipeMode, out, in uint32) (srv, cli kernel.Handle, name string) {
	t.Helper()
	name = uniqueName(t)
	srv = server(t, p, name, pipe.PIPE_ACCESS_DUPLEX, pipeMode, 1, out, in)
	cli = client(t, p, name, rw)
	return srv, cli, name
}

// result is what a call made on another goroutine returned.
type result struct {
	n   int
	s   string
	err error
}

// async runs f on a new goroutine and delivers its result.
func async(f func() result) <-chan result {
	ch := make(chan result, 1)
	go func() { ch <- f() }()
	return ch
}

// asyncRead reads size bytes from h on another goroutine.
func asyncRead(p *kernel.Process, h kernel.Handle, size int) <-chan result {
	return async(func() result {
		s, err := read(p, h, size)
		return result{n: len(s), s: s, err: err}
	})
}

// asyncWrite writes b to h on another goroutine.
func asyncWrite(p *kernel.Process, h kernel.Handle, b []byte) <-chan result {
	return async(func() result {
		n, err := p.WriteFile(bg, h, b)
		return result{n: n, err: err}
	})
}

// requirePending waits until every goroutine of the bubble is blocked and requires that
// ch has not delivered. Preconditions: inside a synctest bubble.
func requirePending(t testing.TB, ch <-chan result) {
	t.Helper()
	synctest.Wait()
	select {
	case r := <-ch:
		t.Fatalf("call completed while it should block: n=%d %q err=%v", r.n, r.s, r.err)
	default:
	}
}

// requireDone waits until every goroutine of the bubble is blocked and returns what ch
// delivered, failing if it has not. Preconditions: inside a synctest bubble.
func requireDone(t testing.TB, ch <-chan result) result {
	t.Helper()
	synctest.Wait()
	select {
	case r := <-ch:
		return r
	default:
		t.Fatal("call still blocked")
		return result{}
	}
}
