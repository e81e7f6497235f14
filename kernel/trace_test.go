package kernel_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"testing/synctest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/winsim/winsim/kernel"
	"github.com/winsim/winsim/kerneltest"
)

// recorder collects trace events.
type recorder struct {
	mu  sync.Mutex
	evs []kernel.TraceEvent
}

func (r *recorder) record(ev kernel.TraceEvent) {
	r.mu.Lock()
	r.evs = append(r.evs, ev)
	r.mu.Unlock()
}

func (r *recorder) take() []kernel.TraceEvent {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.evs
	r.evs = nil
	return out
}

// line is the part of an event a test compares.
func line(ev kernel.TraceEvent) string {
	s := ev.Kind.String()
	if ev.PID != 0 {
		s += fmt.Sprintf(" pid=%d", ev.PID)
	}
	if ev.Handle != 0 {
		s += fmt.Sprintf(" h=%#x", uintptr(ev.Handle))
	}
	if ev.Type != "" {
		s += " " + ev.Type
	}
	if ev.Name != "" {
		s += " " + ev.Name
	}
	return s
}

func lines(evs []kernel.TraceEvent) []string {
	out := make([]string, len(evs))
	for i, ev := range evs {
		out[i] = line(ev)
	}
	return out
}

// Every state change emits one typed trace event, in order (DESIGN.md "Seeing inside";
// the events follow the object manager's own steps: object created and named, handle
// opened, duplicated, inherited and closed, object deleted at its last reference,
// process created and exited, wait satisfied).
func TestTraceEventSequenceForASmallScenario(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		n := kerneltest.NewNetwork(t)
		rec := &recorder{}
		cancel := n.Subscribe(rec.record)
		defer cancel()
		m := kerneltest.AddMachine(t, n, "TRACE", "WORKGROUP")
		assert.True(t, m.Tracing())
		assert.Equal(t, []string{"process-created pid=4 Process System", "machine-added"}, lines(rec.take())[1:])

		p := kerneltest.NewProcess(t, m, "p.exe")
		rec.take()
		ev, err := p.CreateEvent(&kernel.SecurityAttributes{InheritHandle: true}, false, false, "ready")
		require.NoError(t, err)
		hChild, child, err := p.CreateProcess("c.exe", true, nil)
		require.NoError(t, err)
		dup, err := p.DuplicateHandle(kernel.CurrentProcess, ev, hChild, kernel.SYNCHRONIZE, false, 0)
		require.NoError(t, err)
		pid, cpid := p.PID(), child.PID()
		evs := rec.take()
		objID := evs[0].Object
		assert.Equal(t, []string{
			"object-created Event",
			`object-named Event \Sessions\1\BaseNamedObjects\ready`,
			fmt.Sprintf(`handle-opened pid=%d h=0x4 Event \Sessions\1\BaseNamedObjects\ready`, pid),
			"object-created Process",
			fmt.Sprintf(`handle-inherited pid=%d h=0x4 Event \Sessions\1\BaseNamedObjects\ready`, cpid),
			fmt.Sprintf("process-created pid=%d Process c.exe", cpid),
			fmt.Sprintf("handle-opened pid=%d h=0x8 Process", pid),
			fmt.Sprintf(`handle-duplicated pid=%d h=%#x Event \Sessions\1\BaseNamedObjects\ready`, cpid, uintptr(dup)),
		}, lines(evs))
		for _, e := range evs {
			assert.Equal(t, "TRACE", e.Machine)
			assert.NotZero(t, e.Seq)
		}
		assert.Equal(t, kernel.EVENT_ALL_ACCESS, evs[2].Access)
		assert.Equal(t, kernel.SYNCHRONIZE, evs[7].Access)
		assert.Equal(t, objID, evs[7].Object)

		// A wait satisfied while blocked, then one satisfied at once.
		done := make(chan struct{})
		go func() {
			_, _ = child.WaitForSingleObject(context.Background(), dup, kernel.INFINITE)
			close(done)
		}()
		synctest.Wait()
		require.NoError(t, p.SetEvent(ev))
		<-done
		require.NoError(t, p.SetEvent(ev))
		_, err = p.WaitForMultipleObjects(context.Background(), []kernel.Handle{hChild, ev}, false, 0)
		require.NoError(t, err)
		assert.Equal(t, []string{
			fmt.Sprintf("wait-satisfied pid=%d h=%#x", cpid, uintptr(dup)),
			fmt.Sprintf("wait-satisfied pid=%d h=0x4", pid),
		}, lines(rec.take()))

		// The child exits: its handles close, then it is signalled.
		child.Terminate(0)
		assert.Equal(t, []string{
			fmt.Sprintf(`handle-closed pid=%d h=0x4 Event \Sessions\1\BaseNamedObjects\ready`, cpid),
			fmt.Sprintf(`handle-closed pid=%d h=%#x Event \Sessions\1\BaseNamedObjects\ready`, cpid, uintptr(dup)),
			fmt.Sprintf("process-exited pid=%d Process c.exe", cpid),
		}, lines(rec.take()))

		// The last handles go: the objects are deleted.
		require.NoError(t, p.CloseHandle(hChild))
		require.NoError(t, p.CloseHandle(ev))
		assert.Equal(t, []string{
			fmt.Sprintf("handle-closed pid=%d h=0x8 Process", pid),
			"object-deleted Process",
			fmt.Sprintf(`handle-closed pid=%d h=0x4 Event \Sessions\1\BaseNamedObjects\ready`, pid),
			`object-deleted Event \Sessions\1\BaseNamedObjects\ready`,
		}, lines(rec.take()))

		m.Emit(kernel.TraceEvent{Kind: kernel.EvDevice, PID: pid, Type: "File", Detail: "message queued 3 bytes"})
		evs = rec.take()
		require.Len(t, evs, 1)
		assert.Contains(t, evs[0].String(), "device pid=")
		assert.Contains(t, evs[0].String(), "message queued 3 bytes")

		cancel()
		cancel() // idempotent
		assert.False(t, m.Tracing())
		p.Terminate(0)
		assert.Empty(t, rec.take(), "no events after cancel")
	})
}

// Trace events print as one line for logs; kinds have names.
func TestTraceEventString(t *testing.T) {
	ev := kernel.TraceEvent{Seq: 3, Machine: "M", Kind: kernel.EvHandleOpened, PID: 8, Handle: 4, Object: 2, Type: "Event", Name: "x", Access: kernel.SYNCHRONIZE, Detail: "d"}
	assert.Equal(t, `#3 M handle-opened pid=8 handle=0x4 obj=2 type=Event name="x" access=0x100000 d`, ev.String())
	assert.Equal(t, "#0  machine-removed", kernel.TraceEvent{Kind: kernel.EvMachineRemoved}.String())
	assert.Equal(t, "TraceKind(99)", kernel.TraceKind(99).String())
	assert.Equal(t, "TraceKind(0)", kernel.TraceKind(0).String())
}

// The census lists every live object with its handle and pointer counts, and every
// process, exited ones whose object lives included, with its handle table: handle,
// object, access and flags (what WinObj and handle.exe show).
func TestCensusListsObjectsAndHandleTables(t *testing.T) {
	m := kerneltest.NewMachine(t)
	p := kerneltest.NewProcess(t, m, "p.exe")
	defer p.Terminate(0)
	ev, err := p.CreateEvent(&kernel.SecurityAttributes{InheritHandle: true}, true, false, "seen")
	require.NoError(t, err)
	require.NoError(t, p.SetHandleInformation(ev, kernel.HANDLE_FLAG_PROTECT_FROM_CLOSE, kernel.HANDLE_FLAG_PROTECT_FROM_CLOSE))
	f := newFile(t, p, &rwFile{}, kernel.FILE_GENERIC_READ)
	hChild, child, err := p.CreateProcess("c.exe", false, nil)
	require.NoError(t, err)
	child.ExitProcess(5)

	c := m.Census()
	assert.Equal(t, m.Name(), c.Machine)
	assert.Equal(t, "WORKGROUP", c.Domain)
	byType := map[string][]kernel.ObjectInfo{}
	for _, o := range c.Objects {
		byType[o.Type] = append(byType[o.Type], o)
	}
	require.Len(t, byType["Event"], 1)
	e := byType["Event"][0]
	assert.Equal(t, `\Sessions\1\BaseNamedObjects\seen`, e.Name)
	assert.Equal(t, int64(1), e.Handles)
	assert.Equal(t, int64(1), e.Pointers)
	assert.Equal(t, "manual-reset", e.Detail)
	require.Len(t, byType["File"], 1)
	assert.Equal(t, "queued 0", byType["File"][0].Detail, "the body's Describer adds the detail")
	assert.Len(t, byType["Process"], 3, "System, p and the exited child")

	var pi, ci kernel.ProcessInfo
	for _, x := range c.Processes {
		switch x.PID {
		case p.PID():
			pi = x
		case child.PID():
			ci = x
		}
	}
	assert.Equal(t, "p.exe", pi.Name)
	assert.Equal(t, kernel.ProcessRunning, pi.State)
	assert.Equal(t, kernel.STILL_ACTIVE, pi.ExitCode)
	require.Len(t, pi.Handles, 3)
	assert.Equal(t, kernel.HandleView{Handle: ev, ObjectID: e.ID, Type: "Event", Name: e.Name, Granted: kernel.EVENT_ALL_ACCESS, Inherit: true, Protect: true}, pi.Handles[0])
	assert.Equal(t, f, pi.Handles[1].Handle)
	assert.Equal(t, kernel.FILE_GENERIC_READ, pi.Handles[1].Granted)
	assert.Equal(t, hChild, pi.Handles[2].Handle)
	assert.Equal(t, "Process", pi.Handles[2].Type)
	assert.Equal(t, kernel.ProcessExited, ci.State)
	assert.Equal(t, uint32(5), ci.ExitCode)
	assert.Equal(t, p.PID(), ci.ParentPID)
	assert.Empty(t, ci.Handles)

	require.NoError(t, p.SetHandleInformation(ev, kernel.HANDLE_FLAG_PROTECT_FROM_CLOSE, 0))
	for _, h := range []kernel.Handle{ev, f, hChild} {
		require.NoError(t, p.CloseHandle(h))
	}
}

// fakeTB records what RequireNoLeaks reports instead of failing the real test.
type fakeTB struct {
	testing.TB
	failed bool
	msg    string
}

func (f *fakeTB) Helper() {}
func (f *fakeTB) Fatalf(format string, args ...any) {
	f.failed = true
	f.msg = fmt.Sprintf(format, args...)
}

// kerneltest.RequireNoLeaks fails a test that leaves handles or objects behind, naming
// each one; a machine whose processes closed what they opened passes.
func TestRequireNoLeaksNamesWhatLeaked(t *testing.T) {
	m := kerneltest.NewMachine(t)
	p := kerneltest.NewProcess(t, m, "leaky.exe")
	defer p.Terminate(0)

	clean := &fakeTB{TB: t}
	kerneltest.RequireNoLeaks(clean, m)
	assert.False(t, clean.failed, "a running process holding nothing is not a leak: %s", clean.msg)

	ev, err := p.CreateEvent(nil, true, false, "leaked")
	require.NoError(t, err)
	orphan := m.NewObject(kernel.FileType, &rwFile{})
	orphan.SetName(`\Device\Mailslot\orphan`)
	hChild, child, err := p.CreateProcess("child.exe", false, nil)
	require.NoError(t, err)
	child.Terminate(0)

	tb := &fakeTB{TB: t}
	kerneltest.RequireNoLeaks(tb, m)
	require.True(t, tb.failed)
	assert.Contains(t, tb.msg, m.Name())
	assert.Contains(t, tb.msg, fmt.Sprintf(`handle pid %d (leaky.exe) 0x4 -> Event object`, p.PID()))
	assert.Contains(t, tb.msg, `\Sessions\1\BaseNamedObjects\leaked`)
	assert.Contains(t, tb.msg, fmt.Sprintf(`handle pid %d (leaky.exe) 0x8 -> Process object`, p.PID()))
	assert.Contains(t, tb.msg, `Event \Sessions\1\BaseNamedObjects\leaked (manual-reset) handles=1 pointers=1`)
	assert.Contains(t, tb.msg, `File \Device\Mailslot\orphan (queued 0) handles=0 pointers=1`, "an object with only a pointer reference leaks too")
	assert.Len(t, m.Leaks(), strings.Count(tb.msg, "\n\t"))

	orphan.DecRef()
	require.NoError(t, p.CloseHandle(ev))
	require.NoError(t, p.CloseHandle(hChild))
	clean = &fakeTB{TB: t}
	kerneltest.RequireNoLeaks(clean, m)
	assert.False(t, clean.failed, clean.msg)
}
