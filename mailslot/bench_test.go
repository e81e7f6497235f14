package mailslot

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/winsim/winsim/kernel"
	"github.com/winsim/winsim/kerneltest"
)

// localPair is a server and a client of one local mailslot, for the allocation checks and
// benchmarks.
func localPair(tb testing.TB) (p *kernel.Process, h kernel.Handle, q *kernel.Process, c kernel.Handle) {
	tb.Helper()
	m := newMachine(tb)
	p = newProc(tb, m, "server.exe")
	q = newProc(tb, m, "client.exe")
	return p, create(tb, p, testName, 0, 0), q, open(tb, q, testName)
}

// broadcastDomain builds n machines of one domain, each with a server of \\.\mailslot\x,
// and a broadcasting client on the first. It returns the writer, its handle and every
// server's mailslot.
func broadcastDomain(tb testing.TB, n int) (*kernel.Process, kernel.Handle, []*mailslot) {
	tb.Helper()
	net := kerneltest.NewNetwork(tb)
	var slots []*mailslot
	var writer *kernel.Process
	for i := range n {
		m := kerneltest.AddMachine(tb, net, fmt.Sprintf("M%d", i), "CORP", Install)
		p := newProc(tb, m, "server.exe")
		slots = append(slots, slotOf(tb, p, create(tb, p, `\\.\mailslot\x`, 0, 0)))
		if i == 0 {
			writer = p
		}
	}
	return writer, open(tb, writer, `\\*\mailslot\x`), slots
}

// emptyQueues consumes every queued message, keeping each ring's capacity (what readers
// draining as fast as messages come would leave).
func emptyQueues(slots []*mailslot) {
	for _, ms := range slots {
		ms.mu.Lock()
		for ms.q.len() > 0 {
			ms.q.pop()
		}
		ms.mu.Unlock()
	}
}

// The issue: steady-state local write+read allocates at most once (the message). The
// read's fast path does not allocate; only Block, when it has to wait, does.
func TestLocalWriteReadAllocatesOnlyTheMessage(t *testing.T) {
	p, h, q, c := localPair(t)
	msg, buf := make([]byte, 64), make([]byte, 64)
	ctx := context.Background()
	allocs := testing.AllocsPerRun(1000, func() {
		if _, err := q.WriteFile(ctx, c, msg); err != nil {
			panic(err)
		}
		if _, err := p.ReadFile(ctx, h, buf); err != nil {
			panic(err)
		}
	})
	assert.LessOrEqual(t, allocs, 1.0)
}

// The issue: a broadcast stores the payload once; bytes allocated per broadcast do not
// grow with the number of servers (the queues' rings are warm, as in steady state).
func TestBroadcastAllocationDoesNotGrowWithServers(t *testing.T) {
	msg := make([]byte, 64)
	ctx := context.Background()
	perBroadcast := map[int]float64{}
	for _, n := range []int{1, 10, 100} {
		w, c, slots := broadcastDomain(t, n)
		for range 16 { // warm the rings and the member pool
			_, err := w.WriteFile(ctx, c, msg)
			require.NoError(t, err)
		}
		emptyQueues(slots)
		perBroadcast[n] = testing.AllocsPerRun(8, func() {
			if _, err := w.WriteFile(ctx, c, msg); err != nil {
				panic(err)
			}
		})
		emptyQueues(slots)
	}
	assert.Equal(t, perBroadcast[1], perBroadcast[10], "allocations per broadcast: %v", perBroadcast)
	assert.Equal(t, perBroadcast[1], perBroadcast[100], "allocations per broadcast: %v", perBroadcast)
	assert.LessOrEqual(t, perBroadcast[100], 1.0, "only the payload")
}

// BenchmarkLocalWriteRead is one 64-byte WriteFile on a local client and the ReadFile
// that takes it on the server.
func BenchmarkLocalWriteRead(b *testing.B) {
	p, h, q, c := localPair(b)
	msg, buf := make([]byte, 64), make([]byte, 64)
	ctx := context.Background()
	b.ReportAllocs()
	b.SetBytes(64)
	for b.Loop() {
		if _, err := q.WriteFile(ctx, c, msg); err != nil {
			b.Fatal(err)
		}
		if _, err := p.ReadFile(ctx, h, buf); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBroadcast is one 64-byte WriteFile to \\*\mailslot\x in a domain of N machines,
// each with a server (the queues are emptied every 64 broadcasts, off the clock).
func BenchmarkBroadcast(b *testing.B) {
	for _, n := range []int{1, 10, 100, 1000} {
		b.Run(fmt.Sprintf("servers=%d", n), func(b *testing.B) {
			w, c, slots := broadcastDomain(b, n)
			msg := make([]byte, 64)
			ctx := context.Background()
			for range 64 {
				_, _ = w.WriteFile(ctx, c, msg)
			}
			emptyQueues(slots)
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				if _, err := w.WriteFile(ctx, c, msg); err != nil {
					b.Fatal(err)
				}
				if i++; i%64 == 0 {
					b.StopTimer()
					emptyQueues(slots)
					b.StartTimer()
				}
			}
			b.StopTimer()
			emptyQueues(slots)
		})
	}
}
