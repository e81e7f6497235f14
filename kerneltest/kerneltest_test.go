package kerneltest_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/winsim/winsim/kernel"
	"github.com/winsim/winsim/kerneltest"
)

// fakeTB records what a harness reports instead of failing the real test.
type fakeTB struct {
	testing.TB
	fatal    string
	cleanups []func()
}

func (f *fakeTB) Helper() {}
func (f *fakeTB) Fatalf(format string, args ...any) {
	f.fatal = fmt.Sprintf(format, args...)
}
func (f *fakeTB) Cleanup(fn func()) { f.cleanups = append(f.cleanups, fn) }
func (f *fakeTB) runCleanups() {
	for i := len(f.cleanups) - 1; i >= 0; i-- {
		f.cleanups[i]()
	}
}

// RequireNoLeaks names every handle a process still holds and every object beyond
// the live processes' own.
func TestRequireNoLeaksNamesLeftoverHandlesAndObjects(t *testing.T) {
	f := &fakeTB{TB: t}
	m := kerneltest.NewMachine(f)
	p := kerneltest.NewProcess(f, m, "leaky.exe")
	_, err := p.CreateEvent(nil, true, false, `Global\forgotten`)
	require.NoError(t, err)
	kerneltest.RequireNoLeaks(f, m)
	assert.Contains(t, f.fatal, "leaked")
	assert.Contains(t, f.fatal, "handle pid 8 (leaky.exe) 0x4 -> Event")
	assert.Contains(t, f.fatal, `\BaseNamedObjects\forgotten`)
	assert.True(t, strings.Contains(f.fatal, "object ") && strings.Contains(f.fatal, "handles=1 pointers=1"))

	// Once the process exits (closing its handles) the machine is clean.
	f.fatal = ""
	p.Terminate(0)
	kerneltest.RequireNoLeaks(f, m)
	assert.Empty(t, f.fatal)
	f.runCleanups()
	assert.Empty(t, f.fatal, "the network's own cleanup check passes too")
}

// NewNetwork's cleanup checks every machine and then closes the network, ending the
// processes still running.
func TestNewNetworkCleanupChecksThenCloses(t *testing.T) {
	f := &fakeTB{TB: t}
	n := kerneltest.NewNetwork(f)
	a := kerneltest.AddMachine(f, n, "", "LAB")
	b := kerneltest.AddMachine(f, n, "NAMED", "LAB", func(m *kernel.Machine) error { return nil })
	assert.NotEqual(t, a.Name(), b.Name())
	assert.Equal(t, "NAMED", b.Name())
	p := kerneltest.NewProcess(f, b, "idle.exe")
	f.runCleanups()
	assert.Empty(t, f.fatal)
	assert.Equal(t, kernel.ProcessExited, p.State(), "closing the network ends its processes")
	assert.Empty(t, n.Machines())
}

// AddMachine reports an installer's failure and a bad machine name.
func TestAddMachineReportsFailures(t *testing.T) {
	f := &fakeTB{TB: t}
	n := kerneltest.NewNetwork(f)
	kerneltest.AddMachine(f, n, "OK", "LAB", func(*kernel.Machine) error { return kernel.ERROR_NOT_SUPPORTED })
	assert.Contains(t, f.fatal, "install on OK")
	f.fatal = ""
	kerneltest.AddMachine(f, n, `BAD\NAME`, "LAB")
	assert.Contains(t, f.fatal, "AddMachine")
	f.runCleanups()
}

// brokenBody is an object body whose own invariant check always fails.
type brokenBody struct{ kernel.NoOps }

func (brokenBody) CheckInvariants(r *kernel.InvariantReport) {
	r.Breach(kernel.Named("broken body"), "its rule", "kept", "broken")
}

// NewNetwork's cleanup runs the kernel's self-check and names each breach.
func TestNewNetworkCleanupRunsSelfCheck(t *testing.T) {
	f := &fakeTB{TB: t}
	m := kerneltest.NewMachine(f)
	p := kerneltest.NewProcess(f, m, "app.exe")
	o := m.NewObject(kernel.FileType, brokenBody{})
	h, err := p.NewHandle(o, kernel.FILE_ALL_ACCESS, false)
	require.NoError(t, err)
	o.DecRef()
	kerneltest.RequireCheck(f, m.Network())
	assert.Equal(t, "kerneltest: self-check failed:\n\tkernel check: "+m.Name()+": broken body: its rule: expected kept, found broken", f.fatal)
	require.NoError(t, p.CloseHandle(h))
	f.fatal = ""
	f.runCleanups()
	assert.Empty(t, f.fatal)
}

// AllocsPerBlockedCall runs the call until it blocks each time, unblocks it, and reports
// the allocations per run: none for a completion-port wait once warm. Every call did
// block (each unblock found it pending), and an error from the call fails the test.
func TestAllocsPerBlockedCall(t *testing.T) {
	m := kerneltest.NewMachine(t)
	p := kerneltest.NewProcess(t, m, "a.exe")
	defer p.Terminate(0)
	port, err := p.CreateIoCompletionPort(kernel.InvalidHandle, 0, 0, 0)
	require.NoError(t, err)
	defer p.CloseHandle(port)
	ctx := context.Background()
	calls, blocked := 0, 0
	allocs := kerneltest.AllocsPerBlockedCall(t, p, 50, func() error {
		calls++
		_, err := p.GetQueuedCompletionStatus(ctx, port, kernel.INFINITE)
		return err
	}, func() {
		if p.PendingRequests() == 1 {
			blocked++
		}
		_ = p.PostQueuedCompletionStatus(port, 1, 2, nil)
	})
	assert.Zero(t, allocs)
	assert.Equal(t, 51, calls, "AllocsPerRun's warm-up run and 50 more")
	assert.Equal(t, calls, blocked, "every call was pending when it was unblocked")

	f := &fakeTB{TB: t}
	kerneltest.AllocsPerBlockedCall(f, p, 1, func() error {
		_, err := p.GetQueuedCompletionStatus(ctx, port, kernel.INFINITE)
		if err == nil {
			err = kernel.ERROR_GEN_FAILURE
		}
		return err
	}, func() { _ = p.PostQueuedCompletionStatus(port, 1, 2, nil) })
	assert.Contains(t, f.fatal, "the blocked call failed")
}
