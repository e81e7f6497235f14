//go:build !windows

package pipeservice_test

import (
	"strconv"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/winsim/winsim"
	"github.com/winsim/winsim/examples/pipeservice"
	"github.com/winsim/winsim/kernel"
	"github.com/winsim/winsim/kerneltest"
	"github.com/winsim/winsim/windows"
)

// This file is the winsim side of the tests: the machine the service's calls act on. On
// Windows they act on the test's own process; here a test makes a machine (checked, when the
// test ends, for leaked handles and objects and by the kernel's self-check), starts a process
// on it and makes it the default process of package windows, whose package-level functions
// the service calls.

var seq atomic.Uint64

// serviceProcess makes a machine with the pipe and mailslot file systems and a process on
// it, service.exe, and makes that process the one package windows' functions act as until
// the test ends. It also returns a pipe and a mailslot name no other test uses. Tests that
// call it must not run in parallel.
func serviceProcess(t *testing.T) (p *kernel.Process, pipe, slot string) {
	t.Helper()
	m := kerneltest.NewMachine(t, winsim.Install)
	p = kerneltest.NewProcess(t, m, "service.exe")
	t.Cleanup(windows.SetDefaultProcess(p))
	n := strconv.FormatUint(seq.Add(1), 10)
	return p, `\\.\pipe\pipeservice-test-` + n, `\\.\mailslot\pipeservice-test-` + n
}

// running is a Server whose Serve runs on its own goroutine.
type running struct {
	stop windows.Handle
	done chan error
}

// serve runs srv.Serve with a fresh stop event.
func serve(t *testing.T, srv *pipeservice.Server) *running {
	t.Helper()
	stop, err := windows.CreateEvent(nil, 1, 0, nil)
	require.NoError(t, err)
	r := &running{stop: stop, done: make(chan error, 1)}
	go func() { r.done <- srv.Serve(stop) }()
	return r
}

// shutdown signals the stop event, as a service's control handler does, and returns what
// Serve returned.
func (r *running) shutdown(t *testing.T) error {
	t.Helper()
	require.NoError(t, windows.SetEvent(r.stop))
	err := <-r.done
	require.NoError(t, windows.CloseHandle(r.stop))
	return err
}

// stopClean shuts the service down, which must go without error, and checks that m then
// holds nothing the service made: no handle, object or pending request (kerneltest).
func (r *running) stopClean(t *testing.T, m *kernel.Machine) {
	t.Helper()
	assert.NoError(t, r.shutdown(t))
	kerneltest.RequireNoLeaks(t, m)
}

// start makes a server for cfg and runs it.
func start(t *testing.T, cfg pipeservice.Config) *running {
	t.Helper()
	srv, err := pipeservice.New(cfg)
	require.NoError(t, err)
	return serve(t, srv)
}

// dial is pipeservice.Dial that must succeed.
func dial(t *testing.T, pipe string, timeout uint32) *pipeservice.Client {
	t.Helper()
	c, err := pipeservice.Dial(pipe, timeout)
	require.NoError(t, err)
	return c
}

// dialed is what a Dial on another goroutine returned.
type dialed struct {
	c   *pipeservice.Client
	err error
}

// dialAsync runs Dial on another goroutine; the channel gets its result.
func dialAsync(pipe string, timeout uint32) <-chan dialed {
	ch := make(chan dialed, 1)
	go func() {
		c, err := pipeservice.Dial(pipe, timeout)
		ch <- dialed{c, err}
	}()
	return ch
}

// ask sends req on c, which must succeed, and returns the reply.
func ask(t *testing.T, c *pipeservice.Client, req string) string {
	t.Helper()
	reply, err := c.Request(req)
	require.NoError(t, err)
	return reply
}
