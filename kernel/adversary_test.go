package kernel_test

import (
	"strconv"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/winsim/winsim/kernel"
)

// The adversarial mode's choices are a function of the seed and of each key's history,
// so the same seed replays the same run and another seed makes other choices; off, or
// at probability 0, it chooses nothing; a key gets the outcome at most MaxInARow times
// in a row, so a client that retries as Windows asks (Microsoft, WaitNamedPipe: a
// subsequent CreateFile "can fail, because the instance was ... opened by another
// client") always gets through.
func TestAdversaryChoicesAreReproducible(t *testing.T) {
	choices := func(seed uint64, p float64) []bool {
		n := kernel.NewNetwork()
		defer n.Close()
		require.NoError(t, n.SetAdversary(kernel.Adversary{Seed: seed, PipeBusy: p}))
		var out []bool
		for i := range 64 {
			key := "client.exe"
			if i%2 == 1 {
				key = "other.exe"
			}
			out = append(out, n.AdversaryChooses(kernel.OutcomePipeBusy, "ALPHA", key, "svc"))
		}
		return out
	}
	a, b := choices(7, 0.5), choices(7, 0.5)
	assert.Equal(t, a, b, "the same seed makes the same choices")
	assert.NotEqual(t, a, choices(8, 0.5), "another seed makes other choices")
	assert.Contains(t, a, true)
	assert.Contains(t, a, false)
	assert.NotContains(t, choices(7, 0), true, "probability 0 injects nothing")

	always := choices(7, 1)
	run := 0
	for i := 0; i < len(always); i += 2 { // one key's decisions
		if always[i] {
			run++
			assert.LessOrEqual(t, run, 3, "at most MaxInARow (3) in a row")
		} else {
			run = 0
		}
	}
	assert.Contains(t, always, false, "probability 1 still lets a retrying client through")

	n := kernel.NewNetwork()
	defer n.Close()
	assert.False(t, n.AdversaryChooses(kernel.OutcomePipeBusy, "x"), "off by default")
	assert.ErrorIs(t, n.SetAdversary(kernel.Adversary{PipeBusy: 1.5}), kernel.ERROR_INVALID_PARAMETER)
	assert.ErrorIs(t, n.SetAdversary(kernel.Adversary{PipeBusy: -0.1}), kernel.ERROR_INVALID_PARAMETER)
	assert.ErrorIs(t, n.SetAdversary(kernel.Adversary{MaxInARow: -1}), kernel.ERROR_INVALID_PARAMETER)
	require.NoError(t, n.SetAdversary(kernel.Adversary{Seed: 1, PipeBusy: 0.25}))
	assert.Equal(t, kernel.Adversary{Seed: 1, PipeBusy: 0.25, MaxInARow: 3}, n.Adversary())
}

// Every outcome has its own probability and its own decisions: one outcome's choices do
// not change another's, AdversaryDraw's value is as reproducible as its decision, a
// setting that can inject nothing turns the mode off, and every probability is
// checked.
func TestAdversaryOutcomesAreIndependent(t *testing.T) {
	outcomes := []string{kernel.OutcomePipeBusy, kernel.OutcomeShortRead, kernel.OutcomePartialWrite, kernel.OutcomePipeConnected}
	draws := func(a kernel.Adversary, outcome string) []uint64 {
		n := kernel.NewNetwork()
		defer n.Close()
		require.NoError(t, n.SetAdversary(a))
		var out []uint64
		for range 32 {
			x, ok := n.AdversaryDraw(outcome, "ALPHA", "p.exe", "svc", "server")
			if !ok {
				x = 0
			}
			out = append(out, x)
			// Another outcome's decisions in between do not disturb this one's.
			n.AdversaryChooses(kernel.OutcomePipeBusy, "ALPHA", "p.exe", "svc", "server")
		}
		return out
	}
	all := kernel.Adversary{Seed: 9, PipeBusy: 0.5, ShortRead: 0.5, PartialWrite: 0.5, PipeConnected: 0.5}
	for _, o := range outcomes[1:] {
		only := kernel.Adversary{Seed: 9}
		switch o {
		case kernel.OutcomeShortRead:
			only.ShortRead = 0.5
		case kernel.OutcomePartialWrite:
			only.PartialWrite = 0.5
		case kernel.OutcomePipeConnected:
			only.PipeConnected = 0.5
		}
		a := draws(all, o)
		assert.Equal(t, a, draws(only, o), "%s: the other outcomes' settings change nothing", o)
		assert.Contains(t, a, uint64(0), o)
		assert.NotEqual(t, make([]uint64, len(a)), a, "%s is injected at 0.5", o)
		off := kernel.Adversary{Seed: 9, PipeBusy: 1}
		assert.Equal(t, make([]uint64, len(a)), draws(off, o), "%s at probability 0 is never injected", o)
	}
	assert.NotEqual(t, draws(all, kernel.OutcomeShortRead), draws(all, kernel.OutcomePartialWrite), "outcomes decide apart")

	n := kernel.NewNetwork()
	defer n.Close()
	assert.False(t, n.AdversaryOn())
	require.NoError(t, n.SetAdversary(kernel.Adversary{Seed: 3, ShortRead: 0.1}))
	assert.True(t, n.AdversaryOn())
	require.NoError(t, n.SetAdversary(kernel.Adversary{Seed: 3}))
	assert.False(t, n.AdversaryOn(), "a setting that injects nothing is off")
	assert.Equal(t, kernel.Adversary{}, n.Adversary())
	var none *kernel.Network
	assert.False(t, none.AdversaryOn(), "a nil network has no adversary")
	for _, bad := range []kernel.Adversary{{ShortRead: 2}, {PartialWrite: -1}, {PipeConnected: 1.01}} {
		assert.ErrorIs(t, n.SetAdversary(bad), kernel.ERROR_INVALID_PARAMETER, "%+v", bad)
	}
}

// The counts are winsim's own (Windows has none; docs/reliability.md reports what the
// stress test's run injected): per outcome, how many decisions were asked and how many
// injected.
// At probability 1 a key gets the outcome MaxInARow times, then one refusal (counted as
// capped), and again; at probability 0 nothing is counted, nor with the mode off;
// SetAdversary restarts the counts with the choices, so that the same seed replays the
// same counts.
func TestAdversaryCountsCountEachDecision(t *testing.T) {
	n := kernel.NewNetwork()
	defer n.Close()
	assert.Equal(t, kernel.AdversaryCounts{}, n.AdversaryCounts(), "off: nothing counted")
	n.AdversaryChooses(kernel.OutcomePipeBusy, "x")
	assert.Equal(t, kernel.AdversaryCounts{}, n.AdversaryCounts(), "off: a decision is not counted")

	require.NoError(t, n.SetAdversary(kernel.Adversary{Seed: 1, PipeBusy: 1, PipeConnected: 1, MaxInARow: 2}))
	for range 7 { // one key: yes, yes, capped, yes, yes, capped, yes
		n.AdversaryChooses(kernel.OutcomePipeBusy, "ALPHA", "client.exe", "svc")
	}
	for range 2 { // another key, its own run
		n.AdversaryChooses(kernel.OutcomePipeBusy, "ALPHA", "other.exe", "svc")
	}
	n.AdversaryChooses(kernel.OutcomePipeConnected, "ALPHA", "server.exe", "svc", "server")
	for range 5 { // probability 0: not counted
		n.AdversaryChooses(kernel.OutcomeShortRead, "ALPHA", "client.exe", "svc", "client")
		n.AdversaryDraw(kernel.OutcomePartialWrite, "ALPHA", "client.exe", "svc", "client")
	}
	n.AdversaryChooses("no-such-outcome", "ALPHA")
	want := kernel.AdversaryCounts{
		PipeBusy:      kernel.OutcomeCounts{Asked: 9, Injected: 7, Capped: 2},
		PipeConnected: kernel.OutcomeCounts{Asked: 1, Injected: 1},
	}
	assert.Equal(t, want, n.AdversaryCounts())
	assert.Equal(t, uint64(10), want.Asked())
	assert.Equal(t, uint64(8), want.Injected())

	// With the default MaxInARow (3) a key gets 3 in a row, then a refusal.
	require.NoError(t, n.SetAdversary(kernel.Adversary{Seed: 1, ShortRead: 1}))
	assert.Equal(t, kernel.AdversaryCounts{}, n.AdversaryCounts(), "SetAdversary restarts the counts")
	for range 8 {
		n.AdversaryChooses(kernel.OutcomeShortRead, "ALPHA", "p.exe", "svc", "server")
	}
	assert.Equal(t, kernel.AdversaryCounts{ShortRead: kernel.OutcomeCounts{Asked: 8, Injected: 6, Capped: 2}}, n.AdversaryCounts())

	// Between 0 and 1 the counts agree with the choices handed out, and replay with
	// the seed.
	run := func() (kernel.AdversaryCounts, uint64) {
		require.NoError(t, n.SetAdversary(kernel.Adversary{Seed: 5, PartialWrite: 0.5}))
		var yes uint64
		for i := range 100 {
			if n.AdversaryChooses(kernel.OutcomePartialWrite, "ALPHA", "p.exe", strconv.Itoa(i%3)) {
				yes++
			}
		}
		return n.AdversaryCounts(), yes
	}
	c, yes := run()
	assert.Equal(t, uint64(100), c.PartialWrite.Asked)
	assert.Equal(t, yes, c.PartialWrite.Injected)
	assert.Less(t, c.PartialWrite.Injected, uint64(100))
	assert.NotZero(t, c.PartialWrite.Injected)
	again, _ := run()
	assert.Equal(t, c, again, "the same seed gives the same counts")

	require.NoError(t, n.SetAdversary(kernel.Adversary{}))
	assert.Equal(t, kernel.AdversaryCounts{}, n.AdversaryCounts(), "turning the mode off discards the counts")
}

// Decisions asked from many goroutines at once are each counted once.
func TestAdversaryCountsUnderConcurrency(t *testing.T) {
	n := kernel.NewNetwork()
	defer n.Close()
	require.NoError(t, n.SetAdversary(kernel.Adversary{Seed: 2, PipeBusy: 1, MaxInARow: 1}))
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 50 { // each goroutine its own key: yes, capped, yes, capped ...
				n.AdversaryChooses(kernel.OutcomePipeBusy, "ALPHA", strconv.Itoa(g))
				_ = n.AdversaryCounts()
			}
		}()
	}
	wg.Wait()
	assert.Equal(t, kernel.AdversaryCounts{PipeBusy: kernel.OutcomeCounts{Asked: 200, Injected: 100, Capped: 100}}, n.AdversaryCounts())
}
