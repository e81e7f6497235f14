package kernel_test

import (
	"context"
	"sync"
	"testing"
	"testing/synctest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/winsim/winsim/kernel"
)

// The self-check (Machine.Check, Network.Check) verifies the object manager's
// invariants as NT keeps them: an object's handle count is the number of handle-table
// entries naming it and its pointer count covers every handle and internal reference
// (MS docs, "Life Cycle of an Object"; Wine server/handle.c keeps the same pair); a
// temporary named object leaves the namespace with its last handle (MS docs, "Object
// Names"); a process that has exited holds no handles (MS docs, "Terminating a
// Process": its handles are closed). Each test below breaks one of them through an
// internal hook (export_test.go) and asserts the exact report.

// checkMachine is a machine and a process, closed when the test ends.
func checkMachine(t *testing.T) (*kernel.Network, *kernel.Machine, *kernel.Process) {
	t.Helper()
	n := kernel.NewNetwork()
	t.Cleanup(n.Close)
	m, err := n.AddMachine("CHECK", "WORKGROUP")
	require.NoError(t, err)
	p, err := m.NewProcess("app.exe", nil)
	require.NoError(t, err)
	return n, m, p
}

// requireBreaches asserts that err reports exactly want (Machine, Subject, What,
// Expected, Found).
func requireBreaches(t *testing.T, err error, want ...kernel.Breach) {
	t.Helper()
	got := kernel.Breaches(err)
	var gotv []kernel.Breach
	for _, b := range got {
		gotv = append(gotv, *b)
	}
	assert.Equal(t, want, gotv, "%v", err)
}

func TestCheckCleanMachine(t *testing.T) {
	synctest.Test(t, testCheckCleanMachine)
}

func testCheckCleanMachine(t *testing.T) {
	n, m, p := checkMachine(t)
	ev := newEvent(t, p, true, false)
	_, err := p.CreateEvent(nil, false, false, "named")
	require.NoError(t, err)
	dup, err := p.DuplicateHandle(kernel.CurrentProcess, ev, kernel.CurrentProcess, 0, false, kernel.DUPLICATE_SAME_ACCESS)
	require.NoError(t, err)
	f := newFile(t, p, &rwFile{timeout: -1}, kernel.FILE_ALL_ACCESS)
	ch, child, err := p.CreateProcess("child.exe", false, nil)
	require.NoError(t, err)
	require.NoError(t, m.Check())
	require.NoError(t, n.Check())

	// A blocked read (a pending request) and a blocked wait are live waiters.
	var wg sync.WaitGroup
	ctx, cancel := context.WithCancel(context.Background())
	wg.Add(2)
	go func() { defer wg.Done(); _, _ = p.ReadFile(ctx, f, make([]byte, 4)) }()
	go func() { defer wg.Done(); _, _ = p.WaitForSingleObject(ctx, ev, kernel.INFINITE) }()
	synctest.Wait()
	assert.NoError(t, m.Check())
	cancel()
	wg.Wait()

	child.Terminate(0)
	require.NoError(t, p.CloseHandle(ch))
	require.NoError(t, p.CloseHandle(dup))
	p.Terminate(0)
	assert.NoError(t, n.Check())
	assert.Empty(t, m.Leaks())
}

func TestCheckHandleCountDiffersFromTables(t *testing.T) {
	_, m, p := checkMachine(t)
	ev := newEvent(t, p, true, false)
	o := objectOf(t, p, ev)
	defer kernel.CorruptHandleCount(o, 2)()
	requireBreaches(t, m.Check(), kernel.Breach{
		Machine: "CHECK", Subject: o.String(), What: "handle count",
		Expected: "1 (handle-table entries naming it)", Found: "3",
	}, kernel.Breach{
		Machine: "CHECK", Subject: o.String(), What: "pointer count",
		Expected: ">= 3 (3 handles + 0 internal references; a listed object has one)", Found: "1",
	})
}

func TestCheckPointerCountBelowReferences(t *testing.T) {
	_, m, p := checkMachine(t)
	ev := newEvent(t, p, true, false)
	o := objectOf(t, p, ev)
	defer kernel.CorruptPointerCount(o, -3)()
	requireBreaches(t, m.Check(), kernel.Breach{
		Machine: "CHECK", Subject: o.String(), What: "pointer count",
		Expected: ">= 1 (1 handles + 0 internal references; a listed object has one)", Found: "-2",
	})
}

func TestCheckPointerCountCoversInternalReferences(t *testing.T) {
	_, m, p := checkMachine(t)
	// A running process's object is held by the process table as well as by handles.
	defer kernel.CorruptPointerCount(p.Object(), -1)()
	requireBreaches(t, m.Check(), kernel.Breach{
		Machine: "CHECK", Subject: p.Object().String(), What: "pointer count",
		Expected: ">= 1 (0 handles + 1 internal references; a listed object has one)", Found: "0",
	})
}

func TestCheckPendingRequestReferenceCounted(t *testing.T) {
	_, m, p := checkMachine(t)
	f := newFile(t, p, &testFile{}, kernel.FILE_ALL_ACCESS)
	o := objectOf(t, p, f)
	defer kernel.ListRequest(p, o, false)()
	require.NoError(t, m.Check(), "a pending request's reference is counted")
	defer kernel.CorruptPointerCount(o, -1)()
	requireBreaches(t, m.Check(), kernel.Breach{
		Machine: "CHECK", Subject: o.String(), What: "pointer count",
		Expected: ">= 2 (1 handles + 1 internal references; a listed object has one)", Found: "1",
	})
}

func TestCheckDeletedObjectInTable(t *testing.T) {
	_, m, p := checkMachine(t)
	ev := newEvent(t, p, true, false)
	o := objectOf(t, p, ev)
	defer kernel.Unlist(o)()
	requireBreaches(t, m.Check(), kernel.Breach{
		Machine: "CHECK", Subject: "process 8 (app.exe)", What: "handle 0x4 names a deleted object",
		Expected: "a live object", Found: o.String(),
	})
}

func TestCheckDeletedObjectInDirectory(t *testing.T) {
	_, m, p := checkMachine(t)
	h, err := p.CreateEvent(nil, true, false, "gone")
	require.NoError(t, err)
	o := objectOf(t, p, h)
	defer kernel.Unlist(o)()
	requireBreaches(t, m.Check(),
		kernel.Breach{Machine: "CHECK", Subject: "process 8 (app.exe)", What: "handle 0x4 names a deleted object", Expected: "a live object", Found: o.String()},
		kernel.Breach{Machine: "CHECK", Subject: o.String(), What: `directory entry \Sessions\1\BaseNamedObjects\gone names a deleted object`, Expected: "a live object", Found: "a deleted one"},
	)
}

func TestCheckNamedObjectWithoutHandles(t *testing.T) {
	_, m, p := checkMachine(t)
	o := m.NewObject(kernel.EventType, kernel.NoOps{})
	defer o.DecRef()
	restore, err := kernel.LinkWithoutHandle(m, "orphan", o)
	require.NoError(t, err)
	defer restore()
	_ = p
	requireBreaches(t, m.Check(), kernel.Breach{
		Machine: "CHECK", Subject: o.String(), What: "named temporary object without handles",
		Expected: ">= 1 handle", Found: "0",
	})
}

func TestCheckLinkedObjectNotInDirectory(t *testing.T) {
	_, m, p := checkMachine(t)
	h, err := p.CreateEvent(nil, true, false, "x")
	require.NoError(t, err)
	o := objectOf(t, p, h)
	ev := newEvent(t, p, true, false)
	o2 := objectOf(t, p, ev)
	o2.SetName(o.Name()) // o2 claims o's name
	defer kernel.SetLinked(o2, true)()
	requireBreaches(t, m.Check(), kernel.Breach{
		Machine: "CHECK", Subject: o2.String(), What: "namespace entry of a linked object",
		Expected: "the object itself", Found: o.String(),
	})
}

func TestCheckExitedProcessHoldsHandles(t *testing.T) {
	_, m, p := checkMachine(t)
	q, err := m.NewProcess("other.exe", nil)
	require.NoError(t, err)
	ev := newEvent(t, q, true, false)
	o := objectOf(t, q, ev)
	_, err = q.OpenProcess(kernel.PROCESS_ALL_ACCESS, false, p.PID()) // keeps p's object, and p in the process table
	require.NoError(t, err)
	p.Terminate(0)
	_, restore := kernel.InjectHandle(p, o)
	defer restore()
	requireBreaches(t, m.Check(), kernel.Breach{
		Machine: "CHECK", Subject: "process 8 (app.exe)", What: "handles held by an exited process",
		Expected: "0", Found: "1",
	})
	q.Terminate(0)
}

func TestCheckExitedProcessHasPendingRequests(t *testing.T) {
	_, m, p := checkMachine(t)
	q, err := m.NewProcess("other.exe", nil)
	require.NoError(t, err)
	defer q.Terminate(0)
	_, err = q.OpenProcess(kernel.PROCESS_ALL_ACCESS, false, p.PID())
	require.NoError(t, err)
	p.Terminate(0)
	defer kernel.ListRequest(p, nil, false)()
	requireBreaches(t, m.Check(), kernel.Breach{
		Machine: "CHECK", Subject: "process 8 (app.exe)", What: "pending requests of an exited process",
		Expected: "0", Found: "1",
	})
}

func TestCheckCompletedRequestOnPendingList(t *testing.T) {
	_, m, p := checkMachine(t)
	defer kernel.ListRequest(p, nil, true)()
	requireBreaches(t, m.Check(), kernel.Breach{
		Machine: "CHECK", Subject: "process 8 (app.exe)", What: "completed requests on the pending list",
		Expected: "0", Found: "1",
	})
}

func TestCheckWaitQueues(t *testing.T) {
	_, m, p := checkMachine(t)
	q, err := m.NewProcess("gone.exe", nil)
	require.NoError(t, err)
	q.Terminate(0)
	ev := newEvent(t, p, true, false)
	o := objectOf(t, p, ev)
	defer kernel.QueueWait(o, p, true, false)()
	defer kernel.QueueWait(o, p, false, true)()
	defer kernel.QueueWait(o, q, false, false)()
	requireBreaches(t, m.Check(),
		kernel.Breach{Machine: "CHECK", Subject: o.String(), What: "wait queue holds a satisfied wait", Expected: "only pending waits", Found: "a satisfied one"},
		kernel.Breach{Machine: "CHECK", Subject: o.String(), What: "wait queue holds a wait for other objects", Expected: "waits that name this object", Found: "one that does not"},
		kernel.Breach{Machine: "CHECK", Subject: o.String(), What: "wait queue holds a wait of an exited process", Expected: "waits of live processes", Found: "one of process 12 (gone.exe)"},
	)
}

// checkedFile is a body whose own invariants fail as the test sets them: a file
// system's hook.
type checkedFile struct {
	testFile
	queued []*kernel.Request
}

func (f *checkedFile) CheckInvariants(r *kernel.InvariantReport) {
	r.Breach(kernel.Named("checked file"), "its own rule", "kept", "broken")
	for _, q := range f.queued {
		r.Waiter(kernel.Named("checked file"), "read queue", q)
	}
}

func TestCheckRunsBodyHooks(t *testing.T) {
	_, m, p := checkMachine(t)
	q, err := m.NewProcess("gone.exe", nil)
	require.NoError(t, err)
	q.Terminate(0)
	f := &checkedFile{queued: []*kernel.Request{kernel.NewPendingRequest(p), kernel.NewDoneRequest(p), kernel.NewPendingRequest(q)}}
	newFile(t, p, f, kernel.FILE_ALL_ACCESS)
	requireBreaches(t, m.Check(),
		kernel.Breach{Machine: "CHECK", Subject: "checked file", What: "its own rule", Expected: "kept", Found: "broken"},
		kernel.Breach{Machine: "CHECK", Subject: "checked file", What: "read queue holds a completed request", Expected: "only pending requests", Found: "a completed one"},
		kernel.Breach{Machine: "CHECK", Subject: "checked file", What: "read queue holds a request of an exited process", Expected: "requests of live processes", Found: "one of process 12 (gone.exe)"},
	)
}

// TestCheckNetworkCountsRemoteHandles: a handle in one machine's process to an object
// of another machine counts for that object.
func TestCheckNetworkCountsRemoteHandles(t *testing.T) {
	n, m, p := checkMachine(t)
	m2, err := n.AddMachine("OTHER", "WORKGROUP")
	require.NoError(t, err)
	o := m2.NewObject(kernel.FileType, &testFile{})
	h, err := p.NewHandle(o, kernel.FILE_ALL_ACCESS, false)
	require.NoError(t, err)
	o.DecRef()
	require.NoError(t, n.Check())
	require.NoError(t, m2.Check())
	defer kernel.CorruptHandleCount(o, 1)()
	requireBreaches(t, n.Check(),
		kernel.Breach{Machine: "OTHER", Subject: o.String(), What: "handle count", Expected: "1 (handle-table entries naming it)", Found: "2"},
		kernel.Breach{Machine: "OTHER", Subject: o.String(), What: "pointer count", Expected: ">= 2 (2 handles + 0 internal references; a listed object has one)", Found: "1"},
	)
	assert.NoError(t, m.Check(), "m's own objects are sound")
	_ = h
}

// TestCheckConcurrentWithCalls runs Check while other goroutines create, duplicate,
// wait on and close handles: it must be race-free (the race detector) and, once they
// are done, report nothing.
func TestCheckConcurrentWithCalls(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		n, m, p := checkMachine(t)
		var wg sync.WaitGroup
		for g := 0; g < 4; g++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; i < 50; i++ {
					h, err := p.CreateEvent(nil, false, false, "shared")
					if err != nil && h == 0 {
						continue
					}
					d, err := p.DuplicateHandle(kernel.CurrentProcess, h, kernel.CurrentProcess, 0, true, kernel.DUPLICATE_SAME_ACCESS)
					_, _ = p.WaitForSingleObject(context.Background(), h, 0)
					_ = p.CloseHandle(h)
					if err == nil {
						_ = p.CloseHandle(d)
					}
				}
			}()
		}
		for i := 0; i < 20; i++ {
			_ = n.Check() // may see a call half done; must not race or deadlock
		}
		wg.Wait()
		assert.NoError(t, m.Check())
	})
}

// BenchmarkCheck measures one self-check of a network with three machines, each with
// ten processes holding ten handles apiece (to events, some named, and duplicates).
func BenchmarkCheck(b *testing.B) {
	n := kernel.NewNetwork()
	defer n.Close()
	for _, name := range []string{"A", "B", "C"} {
		m, err := n.AddMachine(name, "WORKGROUP")
		require.NoError(b, err)
		for i := 0; i < 10; i++ {
			p, err := m.NewProcess("app.exe", nil)
			require.NoError(b, err)
			for j := 0; j < 5; j++ {
				ev, err := p.CreateEvent(nil, true, false, []string{"", "x", "y"}[j%3])
				if err != nil && ev == 0 {
					b.Fatal(err)
				}
				_, err = p.DuplicateHandle(kernel.CurrentProcess, ev, kernel.CurrentProcess, 0, false, kernel.DUPLICATE_SAME_ACCESS)
				require.NoError(b, err)
			}
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := n.Check(); err != nil {
			b.Fatal(err)
		}
	}
}

// A blocked WaitForSingleObject holds a pointer reference on the object it waits for;
// the self-check counts it.
func TestCheckCountsWaitReferences(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		_, m, p := checkMachine(t)
		ev := newEvent(t, p, true, false)
		o := objectOf(t, p, ev)
		done := make(chan struct{})
		go func() {
			defer close(done)
			_, _ = p.WaitForSingleObject(context.Background(), ev, kernel.INFINITE)
		}()
		synctest.Wait()
		require.NoError(t, m.Check())
		restore := kernel.CorruptPointerCount(o, -1)
		requireBreaches(t, m.Check(), kernel.Breach{
			Machine: "CHECK", Subject: o.String(), What: "pointer count",
			Expected: ">= 2 (1 handles + 1 internal references; a listed object has one)", Found: "1",
		})
		restore()
		require.NoError(t, p.SetEvent(ev))
		<-done
		assert.NoError(t, m.Check())
		p.Terminate(0)
	})
}
