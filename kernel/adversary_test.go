package kernel_test

import (
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
