package stress_test

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/winsim/winsim/internal/reliability"
	"github.com/winsim/winsim/kernel"
	"github.com/winsim/winsim/kerneltest"
	"github.com/winsim/winsim/mailslot"
	"github.com/winsim/winsim/pipe"
)

// TestRemoveMachineMidTrafficLosesNothingElsewhere: a machine taken off the network in
// the middle of traffic ends its own processes (their blocked calls abort) and takes
// its remote clients with it, but the machines that stay lose nothing: every message
// sent on them, over pipes (acknowledged one by one) and to local mailslots, arrives
// once and in order. Remote mailslot datagrams from the removed machine may be lost
// (MS docs, "About Mailslots": delivery across the network is not guaranteed).
func TestRemoveMachineMidTrafficLosesNothingElsewhere(t *testing.T) {
	rec := reliability.Report(t) // first: the record is written after the cleanup's checks
	fig := &reliability.Removal{}
	rec.Removal = fig
	const perSender = 2000
	n := kerneltest.NewNetwork(t)
	a := kerneltest.AddMachine(t, n, "STAYA", "LAB", pipe.Install, mailslot.Install)
	b := kerneltest.AddMachine(t, n, "STAYB", "LAB", pipe.Install, mailslot.Install)
	c := kerneltest.AddMachine(t, n, "GOES", "LAB", pipe.Install, mailslot.Install)
	var procs []*kernel.Process
	var mu sync.Mutex
	newProc := func(m *kernel.Machine, name string) *kernel.Process {
		p, err := m.NewProcess(name, nil)
		require.NoError(t, err)
		mu.Lock()
		procs = append(procs, p)
		mu.Unlock()
		return p
	}
	defer func() {
		for _, p := range procs {
			p.Terminate(0)
		}
	}()
	ctx, stop := context.WithCancel(context.Background())
	defer stop()

	srv := newProc(a, "server.exe")
	pipes := newLedger()
	var served sync.WaitGroup
	for i := 0; i < 4; i++ {
		h, err := pipe.CreateNamedPipe(srv, pipeName, pipe.PIPE_ACCESS_DUPLEX, pipe.PIPE_TYPE_MESSAGE|pipe.PIPE_READMODE_MESSAGE, pipe.PIPE_UNLIMITED_INSTANCES, 4096, 4096, 0, nil)
		require.NoError(t, err)
		served.Add(1)
		go func() { defer served.Done(); serve(ctx, srv, h, pipes, false) }()
	}
	reader := newProc(b, "reader.exe")
	slot, err := mailslot.CreateMailslot(reader, slotName, 0, 50, nil)
	require.NoError(t, err)
	slots := newLedger()

	type sender struct {
		id     uint32
		m      *kernel.Machine
		mslot  bool
		target string
		sent   atomic.Uint64
		err    error
	}
	senders := []*sender{
		{id: 1, m: a, target: pipeName},
		{id: 2, m: a, target: pipeName},
		{id: 3, m: c, target: `\\STAYA\pipe\stress`},
		{id: 4, m: c, target: `\\STAYA\pipe\stress`},
		{id: 5, m: b, mslot: true, target: slotName},
		{id: 6, m: c, mslot: true, target: `\\STAYB\mailslot\stress`},
	}
	var wg sync.WaitGroup
	for _, s := range senders {
		p := newProc(s.m, "sender"+strconv.Itoa(int(s.id))+".exe")
		helper := newProc(s.m, "helper.exe")
		count := perSender
		if s.m == c {
			count = 1 << 30 // still sending when its machine goes
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			if s.mslot {
				s.err = sendSlot(p, s.target, s.id, count, &s.sent)
			} else {
				s.err = sendPipe(p, helper, s.target, s.id, count, &s.sent, false)
			}
		}()
	}
	var writersDone atomic.Bool
	readDone := readSlot(reader, slot, slots, &writersDone, func(sender uint32) bool { return sender == 5 },
		func(where string, err error) { t.Errorf("%s: %v", where, err) })
	// Remove GOES once its senders are under way.
	for senders[2].sent.Load() < perSender/10 || senders[3].sent.Load() < perSender/10 {
		time.Sleep(100 * time.Microsecond)
	}
	require.NoError(t, n.RemoveMachine("GOES"))
	wg.Wait()
	writersDone.Store(true)
	<-readDone
	stop()
	served.Wait()

	for _, f := range append(pipes.failures(), slots.failures()...) {
		t.Error(f)
	}
	pipes.count(&fig.Ledger)
	slots.count(&fig.Ledger)
	for _, s := range senders {
		switch {
		case s.m != c:
			assert.NoError(t, s.err, "sender %d on a machine that stays", s.id)
			l, sent, received := pipes, &fig.PipeSent, &fig.PipeReceived
			if s.mslot {
				l, sent, received = slots, &fig.SlotSent, &fig.SlotReceived
			}
			assert.Equal(t, uint64(perSender), l.lastOf(s.id), "sender %d: nothing lost", s.id)
			*sent += s.sent.Load()
			*received += l.received(s.id)
			fig.Lost += missing(s.sent.Load(), l.received(s.id))
		case s.mslot:
			fig.RemovedSent += s.sent.Load()
			assert.LessOrEqual(t, slots.lastOf(s.id), s.sent.Load())
		default:
			fig.RemovedSent += s.sent.Load()
			fig.RemovedSenders++
			if assert.Error(t, s.err, "sender %d was on the removed machine", s.id) {
				fig.RemovedCutOff++
			}
		}
	}
	for _, p := range procs {
		if p.Machine() == c {
			assert.Equal(t, kernel.ProcessExited, p.State())
		}
		p.Terminate(0)
	}
	err = n.Check()
	fig.CheckPassed = err == nil
	require.NoError(t, err)
}

// TestDiscoveryCompletesUnderLoss: a client finds every server of its domain by
// broadcasting a request to \\*\mailslot\ and collecting the replies the servers write
// to its own mailslot, retrying while some are missing. With 30% of remote deliveries
// lost (requests and replies alike), the procedure completes within a bounded number of
// retries (50), for every seed tried. (Which delivery a fate falls on depends on the order
// the servers' goroutines run in, so the count is not a function of the seed alone.)
// Broadcasts go to every machine of the domain and may be lost (MS docs, "About
// Mailslots": "Mailslots ... can broadcast messages within a domain"; datagrams are not
// guaranteed).
func TestDiscoveryCompletesUnderLoss(t *testing.T) {
	fig := &reliability.Discovery{Seeds: 20, Servers: discoveryServers, Loss: discoveryLoss, Limit: discoveryLimit}
	reliability.Report(t).Discovery = fig
	for seed := uint64(1); seed <= uint64(fig.Seeds); seed++ {
		n, faults := discover(t, seed)
		fig.Most, fig.Broadcasts = max(fig.Most, n), fig.Broadcasts+n
		fig.Faults.Decided += faults.Decided
		fig.Faults.Lost += faults.Lost
		fig.Faults.Partitioned += faults.Partitioned
		fig.Faults.Duplicated += faults.Duplicated
		fig.Faults.Delayed += faults.Delayed
	}
	t.Logf("discovery of %d servers under %.0f%% loss: %d seeds, %.1f broadcasts on average, at most %d; %d of %d deliveries lost",
		discoveryServers, discoveryLoss*100, fig.Seeds, float64(fig.Broadcasts)/float64(fig.Seeds), fig.Most, fig.Faults.Lost, fig.Faults.Decided)
}

// The discovery procedure's sizes: servers, the loss of remote deliveries, and the most
// broadcasts one discovery may take.
const (
	discoveryServers = 4
	discoveryLoss    = 0.3
	discoveryLimit   = 50
)

// discover runs one discovery and returns the broadcasts it took and the faults the
// network injected.
func discover(t *testing.T, seed uint64) (broadcasts int, faults kernel.FaultCounts) {
	synctest.Test(t, func(t *testing.T) {
		n := kerneltest.NewNetwork(t)
		client := kerneltest.AddMachine(t, n, "CLIENT", "LAB", mailslot.Install)
		var servers []string
		for i := 0; i < discoveryServers; i++ {
			servers = append(servers, kerneltest.AddMachine(t, n, "SRV"+strconv.Itoa(i), "LAB", mailslot.Install).Name())
		}
		require.NoError(t, n.SetFaults(kernel.Faults{Seed: seed, Loss: discoveryLoss}))
		var wg sync.WaitGroup
		var procs []*kernel.Process
		for _, name := range servers {
			p := kerneltest.NewProcess(t, n.Machine(name), "server.exe")
			procs = append(procs, p)
			in, err := mailslot.CreateMailslot(p, `\\.\mailslot\discover`, 0, mailslot.MAILSLOT_WAIT_FOREVER, nil)
			require.NoError(t, err)
			out, err := p.CreateFile(`\\CLIENT\mailslot\replies`, kernel.GENERIC_WRITE, kernel.FILE_SHARE_READ, nil, kernel.OPEN_EXISTING, 0)
			require.NoError(t, err)
			wg.Add(1)
			go func() {
				defer wg.Done()
				buf := make([]byte, 64)
				for {
					if _, err := p.ReadFile(context.Background(), in, buf); err != nil {
						return // the test ends the process
					}
					_, _ = p.WriteFile(context.Background(), out, []byte(name))
				}
			}()
		}
		cp := kerneltest.NewProcess(t, client, "client.exe")
		procs = append(procs, cp)
		replies, err := mailslot.CreateMailslot(cp, `\\.\mailslot\replies`, 0, 100, nil)
		require.NoError(t, err)
		bc, err := cp.CreateFile(`\\*\mailslot\discover`, kernel.GENERIC_WRITE, kernel.FILE_SHARE_READ, nil, kernel.OPEN_EXISTING, 0)
		require.NoError(t, err)
		found := map[string]bool{}
		buf := make([]byte, 64)
		for len(found) < len(servers) {
			require.Less(t, broadcasts, discoveryLimit, "discovery did not complete; found %v", found)
			broadcasts++
			_, err := cp.WriteFile(context.Background(), bc, []byte("who is there?"))
			require.NoError(t, err)
			for {
				n, err := cp.ReadFile(context.Background(), replies, buf)
				if errors.Is(err, kernel.ERROR_SEM_TIMEOUT) {
					break // a round without more replies: broadcast again
				}
				require.NoError(t, err)
				found[string(buf[:n])] = true
			}
		}
		for _, p := range procs {
			p.Terminate(0)
		}
		wg.Wait()
		faults = n.FaultCounts()
	})
	return broadcasts, faults
}
