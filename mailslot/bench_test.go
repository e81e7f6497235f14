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

// A domainServer is one server of broadcastDomain: its process, its mailslot handle
// and the mailslot.
type domainServer struct {
	p    *kernel.Process
	h    kernel.Handle
	slot *mailslot
}

// broadcastDomain builds n machines of one domain, each with a server of \\.\mailslot\x,
// and a broadcasting client in the first machine's server process. It returns the
// client's handle and the servers, the first of which is the writer.
func broadcastDomain(tb testing.TB, n int) (kernel.Handle, []domainServer) {
	tb.Helper()
	net := kerneltest.NewNetwork(tb)
	var srv []domainServer
	for i := range n {
		m := kerneltest.AddMachine(tb, net, fmt.Sprintf("M%d", i), "CORP", Install)
		p := newProc(tb, m, "server.exe")
		h := create(tb, p, `\\.\mailslot\x`, 0, 0)
		srv = append(srv, domainServer{p: p, h: h, slot: slotOf(tb, p, h)})
	}
	return open(tb, srv[0].p, `\\*\mailslot\x`), srv
}

// emptyQueues consumes every queued message, keeping each ring's capacity (what readers
// draining as fast as messages come would leave).
func emptyQueues(srv []domainServer) {
	for _, s := range srv {
		ms := s.slot
		ms.mu.Lock()
		for ms.q.len() > 0 {
			ms.q.pop()
		}
		ms.mu.Unlock()
	}
}

// Steady-state local writes and reads allocate nothing: the queue reuses the array of a
// message once it has been read for the next local write, whether the read finds the
// message queued or waits for it, and for messages of a few sizes in turn.
func TestLocalWriteReadAllocatesNothing(t *testing.T) {
	p, h, q, c := localPair(t)
	small, large, buf := make([]byte, 64), make([]byte, 300), make([]byte, 400)
	ctx := context.Background()
	writeRead := func(msg []byte) {
		if _, err := q.WriteFile(ctx, c, msg); err != nil {
			panic(err)
		}
		if _, err := p.ReadFile(ctx, h, buf); err != nil {
			panic(err)
		}
	}
	assert.Zero(t, testing.AllocsPerRun(1000, func() { writeRead(small) }), "queued, one size")
	assert.Zero(t, testing.AllocsPerRun(1000, func() { writeRead(small); writeRead(large) }), "queued, two sizes")

	// A mailslot whose reads wait; the write comes once the read is blocked.
	h = create(t, p, `\\.\mailslot\waits`, 0, MAILSLOT_WAIT_FOREVER)
	c = open(t, q, `\\.\mailslot\waits`)
	waited := kerneltest.AllocsPerBlockedCall(t, p, 1000, func() error {
		_, err := p.ReadFile(ctx, h, buf)
		return err
	}, func() { _, _ = q.WriteFile(ctx, c, small) })
	assert.Zero(t, waited, "a read that waits")
}

// A reused array never shows through: queued messages keep their contents while the
// arrays of those already read are written again, and a broadcast payload, which every
// receiving queue shares, is never reused by one of them.
func TestQueueReuseKeepsMessagesIntact(t *testing.T) {
	p, h, q, c := localPair(t)
	ctx := context.Background()
	read := func(want string) {
		t.Helper()
		buf := make([]byte, 16)
		n, err := p.ReadFile(ctx, h, buf)
		require.NoError(t, err)
		assert.Equal(t, want, string(buf[:n]))
	}
	write := func(msg string) {
		t.Helper()
		_, err := q.WriteFile(ctx, c, []byte(msg))
		require.NoError(t, err)
	}
	write("one")
	write("two")
	read("one")
	write("three") // may take one's array
	write("four")
	read("two")
	read("three")
	write("five")
	read("four")
	read("five")

	bc, srv := broadcastDomain(t, 2)
	_, err := srv[0].p.WriteFile(ctx, bc, []byte("shared"))
	require.NoError(t, err)
	buf := make([]byte, 16)
	n, err := srv[0].p.ReadFile(ctx, srv[0].h, buf)
	require.NoError(t, err)
	require.Equal(t, "shared", string(buf[:n]))
	lc := open(t, srv[0].p, `\\.\mailslot\x`)
	for range 8 { // local writes to the first server, which has read the shared payload
		_, err := srv[0].p.WriteFile(ctx, lc, []byte("XXXXXX"))
		require.NoError(t, err)
		_, err = srv[0].p.ReadFile(ctx, srv[0].h, buf)
		require.NoError(t, err)
	}
	n, err = srv[1].p.ReadFile(ctx, srv[1].h, buf)
	require.NoError(t, err)
	assert.Equal(t, "shared", string(buf[:n]), "the second machine's copy")
}

// The issue: a broadcast stores the payload once; bytes allocated per broadcast do not
// grow with the number of servers (the queues' rings are warm, as in steady state).
func TestBroadcastAllocationDoesNotGrowWithServers(t *testing.T) {
	msg := make([]byte, 64)
	ctx := context.Background()
	perBroadcast := map[int]float64{}
	for _, n := range []int{1, 10, 100} {
		c, srv := broadcastDomain(t, n)
		w := srv[0].p
		for range 16 { // warm the rings and the member pool
			_, err := w.WriteFile(ctx, c, msg)
			require.NoError(t, err)
		}
		emptyQueues(srv)
		perBroadcast[n] = testing.AllocsPerRun(8, func() {
			if _, err := w.WriteFile(ctx, c, msg); err != nil {
				panic(err)
			}
		})
		emptyQueues(srv)
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
			c, srv := broadcastDomain(b, n)
			w := srv[0].p
			msg := make([]byte, 64)
			ctx := context.Background()
			for range 64 {
				_, _ = w.WriteFile(ctx, c, msg)
			}
			emptyQueues(srv)
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				if _, err := w.WriteFile(ctx, c, msg); err != nil {
					b.Fatal(err)
				}
				if i++; i%64 == 0 {
					b.StopTimer()
					emptyQueues(srv)
					b.StartTimer()
				}
			}
			b.StopTimer()
			emptyQueues(srv)
		})
	}
}
