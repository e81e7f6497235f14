package kernel_test

import (
	"context"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/winsim/winsim/kernel"
)

// The benchmarks measure the handle table and the calls built on it. Run them with
// `go test -run '^$' -bench . -benchmem ./kernel/`. BenchmarkHandleLookup and
// BenchmarkMapLookupBaseline look up the same pseudo-random sequence of 100,000 open
// handles, so their ns/op compare the table with a plain Go map in the same run.

const lookupHandles = 100_000

// benchMachine returns a machine on its own network, closed when b ends, and a process.
func benchMachine(b *testing.B) (*kernel.Machine, *kernel.Process) {
	b.Helper()
	n := kernel.NewNetwork()
	b.Cleanup(n.Close)
	m, err := n.AddMachine("BENCH", "WORKGROUP")
	require.NoError(b, err)
	p, err := m.NewProcess("bench.exe", nil)
	require.NoError(b, err)
	return m, p
}

// lookupOrder is the pseudo-random order in which both lookup benchmarks visit the
// handles 4, 8, …, 4*lookupHandles.
func lookupOrder() []kernel.Handle {
	r := rand.New(rand.NewPCG(1, 2))
	order := make([]kernel.Handle, 1<<16)
	for i := range order {
		order[i] = kernel.Handle(r.IntN(lookupHandles)+1) * 4
	}
	return order
}

func openEvents(b testing.TB, p *kernel.Process, n int, inherit bool) []kernel.Handle {
	hs := make([]kernel.Handle, n)
	sa := &kernel.SecurityAttributes{InheritHandle: inherit}
	for i := range hs {
		h, err := p.CreateEvent(sa, true, false, "")
		require.NoError(b, err)
		hs[i] = h
	}
	return hs
}

var sinkFlags uint32
var sinkObj *kernel.Object

// BenchmarkHandleLookup looks handles up in a table holding 100,000 handles: through
// GetHandleInformation (a read of the entry) and through Reference+DecRef (what every
// call does to reach its object).
func BenchmarkHandleLookup(b *testing.B) {
	_, p := benchMachine(b)
	openEvents(b, p, lookupHandles, false)
	defer p.Terminate(0)
	order := lookupOrder()
	mask := len(order) - 1

	b.Run("GetHandleInformation", func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			f, err := p.GetHandleInformation(order[i&mask])
			if err != nil {
				b.Fatal(err)
			}
			sinkFlags += f
			i++
		}
	})
	b.Run("ReferenceDecRef", func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			o, _, err := p.Reference(order[i&mask], kernel.SYNCHRONIZE, kernel.EventType)
			if err != nil {
				b.Fatal(err)
			}
			sinkObj = o
			o.DecRef()
			i++
		}
	})
}

type mapEntry struct {
	obj     *kernel.Object
	granted kernel.Access
	attrs   uint32
}

// BenchmarkMapLookupBaseline is the yardstick for BenchmarkHandleLookup: the same
// lookups in a map[uintptr]*T of 100,000 entries.
func BenchmarkMapLookupBaseline(b *testing.B) {
	table := make(map[uintptr]*mapEntry, lookupHandles)
	for i := 1; i <= lookupHandles; i++ {
		table[uintptr(i*4)] = &mapEntry{attrs: uint32(i & 1)}
	}
	order := lookupOrder()
	mask := len(order) - 1
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		e := table[uintptr(order[i&mask])]
		if e == nil {
			b.Fatal("missing")
		}
		sinkFlags += e.attrs
		i++
	}
}

// BenchmarkCreateEventCloseHandle opens and closes an unnamed event: object creation,
// handle insertion, last-handle close and deletion.
func BenchmarkCreateEventCloseHandle(b *testing.B) {
	_, p := benchMachine(b)
	defer p.Terminate(0)
	b.ReportAllocs()
	for b.Loop() {
		h, err := p.CreateEvent(nil, false, false, "")
		if err != nil {
			b.Fatal(err)
		}
		if err := p.CloseHandle(h); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCloseHandle closes handles obtained by DuplicateHandle (the object keeps
// another handle, so this is the close path alone). Duplicates are made in batches with
// the timer stopped.
func BenchmarkCloseHandle(b *testing.B) {
	_, p := benchMachine(b)
	defer p.Terminate(0)
	ev := openEvents(b, p, 1, false)[0]
	const batch = 4096
	dups := make([]kernel.Handle, 0, batch)
	b.ReportAllocs()
	b.ResetTimer()
	for done := 0; done < b.N; {
		b.StopTimer()
		dups = dups[:0]
		for range min(batch, b.N-done) {
			d, err := p.DuplicateHandle(kernel.CurrentProcess, ev, kernel.CurrentProcess, 0, false, kernel.DUPLICATE_SAME_ACCESS)
			if err != nil {
				b.Fatal(err)
			}
			dups = append(dups, d)
		}
		b.StartTimer()
		for _, d := range dups {
			if err := p.CloseHandle(d); err != nil {
				b.Fatal(err)
			}
		}
		done += len(dups)
	}
}

// BenchmarkDuplicateHandleAcrossProcesses moves a handle back and forth between two
// processes with DUPLICATE_CLOSE_SOURCE: every op is one cross-process DuplicateHandle
// (reference both process handles, copy the entry into the other table, close the
// source).
func BenchmarkDuplicateHandleAcrossProcesses(b *testing.B) {
	_, a := benchMachine(b)
	defer a.Terminate(0)
	hB, procB, err := a.CreateProcess("b.exe", false, nil)
	require.NoError(b, err)
	defer procB.Terminate(0)
	h := openEvents(b, a, 1, false)[0]
	inA := true
	b.ReportAllocs()
	for b.Loop() {
		const opts = kernel.DUPLICATE_SAME_ACCESS | kernel.DUPLICATE_CLOSE_SOURCE
		if inA {
			h, err = a.DuplicateHandle(kernel.CurrentProcess, h, hB, 0, false, opts)
		} else {
			h, err = a.DuplicateHandle(hB, h, kernel.CurrentProcess, 0, false, opts)
		}
		if err != nil {
			b.Fatal(err)
		}
		inA = !inA
	}
}

// BenchmarkCreateProcessExit10000Handles creates a child that inherits 10,000 handles
// and terminates it, which closes all of them through the one close path.
func BenchmarkCreateProcessExit10000Handles(b *testing.B) {
	_, parent := benchMachine(b)
	defer parent.Terminate(0)
	openEvents(b, parent, 10_000, true)
	b.ReportAllocs()
	for b.Loop() {
		h, child, err := parent.CreateProcess("child.exe", true, nil)
		if err != nil {
			b.Fatal(err)
		}
		if child.HandleCount() != 10_000 {
			b.Fatalf("child holds %d handles", child.HandleCount())
		}
		child.Terminate(0)
		if err := parent.CloseHandle(h); err != nil {
			b.Fatal(err)
		}
	}
}

// Looking a handle up and closing a handle do not allocate: the table hands out entries
// by value and the close path builds nothing when nobody traces (the handle table's hot paths stay allocation-free;
// checked here with testing.AllocsPerRun, not timed).
func TestHandleLookupAndCloseDoNotAllocate(t *testing.T) {
	n := kernel.NewNetwork()
	defer n.Close()
	m, err := n.AddMachine("ALLOCS", "WORKGROUP")
	require.NoError(t, err)
	p, err := m.NewProcess("a.exe", nil)
	require.NoError(t, err)
	defer p.Terminate(0)
	ev := openEvents(t, p, 1, false)[0]

	lookups := testing.AllocsPerRun(1000, func() {
		o, _, err := p.Reference(ev, kernel.SYNCHRONIZE, kernel.EventType)
		if err == nil {
			o.DecRef()
		}
		_, _ = p.GetHandleInformation(ev)
	})
	assert.Zero(t, lookups)

	const runs = 1000
	dups := make([]kernel.Handle, runs+1) // AllocsPerRun runs the function once more to warm up
	for i := range dups {
		dups[i], err = p.DuplicateHandle(kernel.CurrentProcess, ev, kernel.CurrentProcess, 0, false, kernel.DUPLICATE_SAME_ACCESS)
		require.NoError(t, err)
	}
	next := 0
	closes := testing.AllocsPerRun(runs, func() {
		_ = p.CloseHandle(dups[next])
		next++
	})
	assert.Zero(t, closes)
	assert.Equal(t, runs+1, next)
	assert.Equal(t, 1, p.HandleCount())
}

// A wait that blocks allocates nothing once warm: the process keeps its waitBlock for
// the next wait. Two processes hand the turn back and forth through two auto-reset
// events, so every WaitForSingleObject blocks until the other side's SetEvent (the
// dispatcher's wait path; checked with testing.AllocsPerRun, not timed).
func TestBlockingWaitDoesNotAllocate(t *testing.T) {
	n := kernel.NewNetwork()
	defer n.Close()
	m, err := n.AddMachine("ALLOCS", "WORKGROUP")
	require.NoError(t, err)
	p, err := m.NewProcess("a.exe", nil)
	require.NoError(t, err)
	defer p.Terminate(0)
	q, err := m.NewProcess("b.exe", nil)
	require.NoError(t, err)
	defer q.Terminate(0)
	ping, err := p.CreateEvent(nil, false, false, "ping")
	require.NoError(t, err)
	pong, err := p.CreateEvent(nil, false, false, "pong")
	require.NoError(t, err)
	qping, err := q.OpenEvent(kernel.EVENT_ALL_ACCESS, false, "ping")
	require.NoError(t, err)
	qpong, err := q.OpenEvent(kernel.EVENT_ALL_ACCESS, false, "pong")
	require.NoError(t, err)
	ctx := context.Background()
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			if _, err := q.WaitForSingleObject(ctx, qping, kernel.INFINITE); err != nil {
				return
			}
			select {
			case <-stop:
				return
			default:
			}
			_ = q.SetEvent(qpong)
		}
	}()
	allocs := testing.AllocsPerRun(1000, func() {
		_ = p.SetEvent(ping)
		_, _ = p.WaitForSingleObject(ctx, pong, kernel.INFINITE)
	})
	close(stop)
	_ = p.SetEvent(ping)
	<-done
	assert.Zero(t, allocs)
}
