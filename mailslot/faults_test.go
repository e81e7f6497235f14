package mailslot

import (
	"fmt"
	"math"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/winsim/winsim/kernel"
	"github.com/winsim/winsim/kerneltest"
)

// The fault injection the issue asks for is winsim's own (Windows has none); these tests
// check its contract: off by default, deterministic from its seed, never applied to local
// delivery, on the machine clock, and leaving no timer behind.

// Off by default: no injector, every delivery one immediate copy.
func TestFaultsOffByDefault(t *testing.T) {
	n := kerneltest.NewNetwork(t)
	a := kerneltest.AddMachine(t, n, "ALPHA", "CORP")
	b := kerneltest.AddMachine(t, n, "BETA", "CORP")
	assert.Nil(t, n.Injector())
	assert.Equal(t, kernel.Faults{}, n.Faults())
	assert.Equal(t, kernel.Delivery{Copies: 1}, n.DecideDelivery(a, b))
	assert.False(t, n.Partitioned("ALPHA", "BETA"))
	n.Heal("ALPHA", "BETA")
	n.HealAll()
	assert.Nil(t, n.Injector(), "healing creates nothing")
}

// SetFaults refuses probabilities outside [0, 1], NaN and a negative MaxDelay, and keeps
// the old configuration; Faults reports what was set.
func TestSetFaultsValidates(t *testing.T) {
	n := kerneltest.NewNetwork(t)
	good := kernel.Faults{Seed: 1, Loss: 0.5, Duplicate: 1, Delay: 0, MaxDelay: time.Second}
	require.NoError(t, n.SetFaults(good))
	for _, f := range []kernel.Faults{
		{Loss: -0.1}, {Loss: 1.1}, {Loss: math.NaN()}, {Duplicate: 2}, {Delay: -1}, {Delay: math.Inf(1)}, {MaxDelay: -time.Millisecond},
	} {
		assert.ErrorIs(t, n.SetFaults(f), kernel.ERROR_INVALID_PARAMETER, "%+v", f)
	}
	assert.Equal(t, good, n.Faults())
	require.NoError(t, n.SetFaults(kernel.Faults{}))
	assert.Equal(t, kernel.Faults{}, n.Faults())
}

// A partition cuts both directions between two machines, for remote and broadcast
// writes alike, until healed; other machines are unaffected.
func TestPartitionCutsBothWaysUntilHealed(t *testing.T) {
	f := newDomain(t, [][2]string{{"ALPHA", "CORP"}, {"BETA", "CORP"}, {"GAMMA", "CORP"}}, `\\.\mailslot\x`, "ALPHA", "BETA", "GAMMA")
	require.NoError(t, f.n.Partition("alpha", "BETA"))
	assert.True(t, f.n.Partitioned("beta", "ALPHA"))
	fromA := open(t, f.p["ALPHA"], `\\*\mailslot\x`)
	fromB := open(t, f.p["BETA"], `\\*\mailslot\x`)
	aToB := open(t, f.p["ALPHA"], `\\BETA\mailslot\x`)
	write(t, f.p["ALPHA"], fromA, "a")
	write(t, f.p["BETA"], fromB, "b")
	write(t, f.p["ALPHA"], aToB, "direct")
	assert.Equal(t, map[string][]string{"ALPHA": {"a"}, "BETA": {"b"}, "GAMMA": {"a", "b"}}, f.received(t))

	f.n.Heal("BETA", "ALPHA")
	assert.False(t, f.n.Partitioned("ALPHA", "BETA"))
	write(t, f.p["ALPHA"], aToB, "direct")
	assert.Equal(t, map[string][]string{"ALPHA": nil, "BETA": {"direct"}, "GAMMA": nil}, f.received(t))

	require.NoError(t, f.n.Partition("ALPHA", "GAMMA"))
	require.NoError(t, f.n.Partition("BETA", "GAMMA"))
	f.n.HealAll()
	write(t, f.p["ALPHA"], fromA, "all")
	assert.Equal(t, map[string][]string{"ALPHA": {"all"}, "BETA": {"all"}, "GAMMA": {"all"}}, f.received(t))

	assert.ErrorIs(t, f.n.Partition("ALPHA", "alpha"), kernel.ERROR_INVALID_PARAMETER)
	assert.ErrorIs(t, f.n.Partition("ALPHA", "bad*name"), kernel.ERROR_INVALID_COMPUTERNAME)
}

// Loss 1 loses every delivery between machines, but local delivery is never faulted: a
// local client's write and the writer's own machine's copy of a broadcast arrive.
func TestLossNeverTouchesLocalDelivery(t *testing.T) {
	f := newDomain(t, [][2]string{{"ALPHA", "CORP"}, {"BETA", "CORP"}}, `\\.\mailslot\x`, "ALPHA", "BETA")
	require.NoError(t, f.n.SetFaults(kernel.Faults{Seed: 3, Loss: 1}))
	assert.Equal(t, kernel.Delivery{Copies: 1}, f.n.DecideDelivery(f.m["ALPHA"], f.m["ALPHA"]))
	assert.Equal(t, kernel.Delivery{}, f.n.DecideDelivery(f.m["ALPHA"], f.m["BETA"]))
	write(t, f.p["ALPHA"], open(t, f.p["ALPHA"], `\\*\mailslot\x`), "broadcast")
	write(t, f.p["ALPHA"], open(t, f.p["ALPHA"], `\\BETA\mailslot\x`), "direct")
	write(t, f.p["ALPHA"], open(t, f.p["ALPHA"], `\\.\mailslot\x`), "local")
	write(t, f.p["ALPHA"], open(t, f.p["ALPHA"], `\\ALPHA\mailslot\x`), "own name")
	assert.Equal(t, map[string][]string{"ALPHA": {"broadcast", "local", "own name"}, "BETA": nil}, f.received(t))
}

// Duplicate 1 delivers every remote copy twice.
func TestDuplicateDeliversTwice(t *testing.T) {
	f := newDomain(t, [][2]string{{"ALPHA", "CORP"}, {"BETA", "CORP"}}, `\\.\mailslot\x`, "ALPHA", "BETA")
	require.NoError(t, f.n.SetFaults(kernel.Faults{Seed: 3, Duplicate: 1}))
	write(t, f.p["ALPHA"], open(t, f.p["ALPHA"], `\\*\mailslot\x`), "twice")
	assert.Equal(t, map[string][]string{"ALPHA": {"twice"}, "BETA": {"twice", "twice"}}, f.received(t))
}

// virtualPair is two machines of one domain sharing a kernel.VirtualClock, each with a
// server of \\.\mailslot\x.
func virtualPair(t *testing.T, faults kernel.Faults) (*kernel.Network, *kernel.VirtualClock, [2]*kernel.Process, [2]kernel.Handle) {
	t.Helper()
	n := kerneltest.NewNetwork(t)
	vc := kernel.NewVirtualClock(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC))
	var ps [2]*kernel.Process
	var hs [2]kernel.Handle
	for i, name := range []string{"ALPHA", "BETA"} {
		m, err := n.AddMachine(name, "CORP", kernel.WithClock(vc))
		require.NoError(t, err)
		require.NoError(t, Install(m))
		ps[i] = newProc(t, m, "server.exe")
		hs[i] = create(t, ps[i], `\\.\mailslot\x`, 0, 0)
	}
	require.NoError(t, n.SetFaults(faults))
	return n, vc, ps, hs
}

// A delayed copy arrives exactly when the receiving machine's clock (here a
// kernel.VirtualClock) reaches the delay that a fresh injector with the same seed
// predicts: not a nanosecond earlier.
func TestDelayedDeliveryFollowsTheMachineClock(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		faults := kernel.Faults{Seed: 7, Delay: 1, MaxDelay: 100 * time.Millisecond}
		// The same seed decides the same first fate on any network.
		predict := kerneltest.NewNetwork(t)
		x := kerneltest.AddMachine(t, predict, "X", "D")
		y := kerneltest.AddMachine(t, predict, "Y", "D")
		require.NoError(t, predict.SetFaults(faults))
		fate := predict.DecideDelivery(x, y)
		require.Equal(t, 1, fate.Copies)
		d := fate.Delays[0]
		require.Greater(t, d, time.Duration(0))
		require.LessOrEqual(t, d, 100*time.Millisecond)

		_, vc, ps, hs := virtualPair(t, faults)
		c := open(t, ps[0], `\\BETA\mailslot\x`)
		write(t, ps[0], c, "late")
		assert.Equal(t, 1, vc.Pending())
		assert.Contains(t, slotOf(t, ps[1], hs[1]).describe(), "1 delayed")
		vc.Advance(d - 1)
		synctest.Wait()
		assert.Equal(t, uint32(0), info(t, ps[1], hs[1]).MessageCount)
		vc.Advance(1)
		synctest.Wait()
		assert.Equal(t, []string{"late"}, drain(t, ps[1], hs[1]))
		assert.Zero(t, vc.Pending())
	})
}

// One run: 3 machines, 60 broadcasts under loss, duplication and delay; what each
// machine received, in order.
func faultyRun(t *testing.T, seed uint64) map[string][]string {
	t.Helper()
	f := newDomain(t, [][2]string{{"ALPHA", "CORP"}, {"BETA", "CORP"}, {"GAMMA", "CORP"}}, `\\.\mailslot\x`, "ALPHA", "BETA", "GAMMA")
	require.NoError(t, f.n.SetFaults(kernel.Faults{Seed: seed, Loss: 0.2, Duplicate: 0.2, Delay: 0.5, MaxDelay: 50 * time.Millisecond}))
	c := open(t, f.p["ALPHA"], `\\*\mailslot\x`)
	for i := range 60 {
		write(t, f.p["ALPHA"], c, fmt.Sprint(i))
		time.Sleep(time.Millisecond)
	}
	time.Sleep(time.Second) // every delay has run out
	synctest.Wait()
	return f.received(t)
}

// The same seed gives the same fates, so the same messages arrive in the same order on
// every machine; the faults really happened (losses, duplicates, reordering), and the
// writer's own copy was never touched.
func TestSeededFaultsRepeatExactly(t *testing.T) {
	var runs [2]map[string][]string
	for i := range runs {
		synctest.Test(t, func(t *testing.T) { runs[i] = faultyRun(t, 2025) })
	}
	assert.Equal(t, runs[0], runs[1])
	var other map[string][]string
	synctest.Test(t, func(t *testing.T) { other = faultyRun(t, 1) })
	assert.NotEqual(t, runs[0], other, "another seed, other fates")

	got := runs[0]
	require.Len(t, got["ALPHA"], 60)
	for i, s := range got["ALPHA"] {
		assert.Equal(t, fmt.Sprint(i), s, "local copies are in order and complete")
	}
	for _, w := range []string{"BETA", "GAMMA"} {
		seen := map[string]int{}
		inOrder := true
		for i, s := range got[w] {
			seen[s]++
			if i > 0 && atoi(got[w][i-1]) > atoi(s) {
				inOrder = false
			}
		}
		assert.Less(t, len(seen), 60, "%s lost some", w)
		assert.Greater(t, len(got[w]), len(seen), "%s got duplicates", w)
		assert.False(t, inOrder, "%s saw delays reorder messages", w)
	}
}

func atoi(s string) int {
	var n int
	fmt.Sscan(s, &n)
	return n
}

// A delayed copy is bound to the mailslot it was sent to: when that mailslot closes
// first, the copy is dropped and its timer stopped, so nothing is left on the clock.
func TestDelayedDeliveryCancelledWhenMailslotCloses(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		_, vc, ps, hs := virtualPair(t, kernel.Faults{Seed: 1, Delay: 1, MaxDelay: time.Second})
		c := open(t, ps[0], `\\*\mailslot\x`)
		write(t, ps[0], c, "never")
		write(t, ps[0], c, "never again")
		assert.Equal(t, 2, vc.Pending())
		require.NoError(t, ps[1].CloseHandle(hs[1]))
		assert.Zero(t, vc.Pending())
		h := create(t, ps[1], `\\.\mailslot\x`, 0, 0)
		vc.Advance(time.Hour)
		synctest.Wait()
		assert.Equal(t, uint32(0), info(t, ps[1], h).MessageCount, "a new mailslot of the name gets nothing sent to the old one")
		assert.Len(t, drain(t, ps[0], hs[0]), 2, "the writer's own copies were never delayed")
	})
}

// Removing a machine ends its processes, which closes its mailslots and so stops every
// delayed delivery bound for it: no timer outlives the machine.
func TestDelayedDeliveryCancelledWhenMachineRemoved(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		n, vc, ps, _ := virtualPair(t, kernel.Faults{Seed: 1, Delay: 1, MaxDelay: time.Second})
		c := open(t, ps[0], `\\BETA\mailslot\x`)
		write(t, ps[0], c, "in flight")
		assert.Equal(t, 1, vc.Pending())
		require.NoError(t, n.RemoveMachine("BETA"))
		assert.Zero(t, vc.Pending())
	})
}

// A delayed copy that arrives at a mailslot too small for it is dropped on arrival, as an
// immediate one would be.
func TestDelayedCopyOverMaximumIsDropped(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		_, vc, ps, _ := virtualPair(t, kernel.Faults{Seed: 1, Delay: 1, MaxDelay: time.Millisecond})
		small := create(t, ps[1], `\\.\mailslot\small`, 2, 0)
		c := open(t, ps[0], `\\BETA\mailslot\small`)
		write(t, ps[0], c, "too big")
		write(t, ps[0], c, "ok")
		vc.Advance(time.Millisecond)
		synctest.Wait()
		assert.Equal(t, []string{"ok"}, drain(t, ps[1], small))
	})
}
