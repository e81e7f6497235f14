package kernel_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/winsim/winsim/kernel"
)

// Fault injection is winsim's own (Windows has none; docs/reliability.md reports what a
// run injected). These tests check its counts: every fate decided between two machines
// is counted under the fault it injected, local deliveries and a network without faults
// count nothing, and the counts agree with the fates handed out.

func faultPair(t *testing.T) (*kernel.Network, *kernel.Machine, *kernel.Machine) {
	t.Helper()
	n := kernel.NewNetwork()
	t.Cleanup(n.Close)
	a, err := n.AddMachine("ALPHA", "CORP")
	require.NoError(t, err)
	b, err := n.AddMachine("BETA", "CORP")
	require.NoError(t, err)
	return n, a, b
}

// Each kind of fault is counted where it is injected; deciding without faults counts the
// decision only; local delivery and a network that never set faults count nothing.
func TestFaultCountsCountEachFault(t *testing.T) {
	n, a, b := faultPair(t)
	n.DecideDelivery(a, b)
	assert.Equal(t, kernel.FaultCounts{}, n.FaultCounts(), "no injector: nothing decided by one")
	assert.Equal(t, kernel.FaultCounts{}, n.Injector().Counts())

	require.NoError(t, n.SetFaults(kernel.Faults{Seed: 1, Loss: 1}))
	for range 5 {
		n.DecideDelivery(a, b)
	}
	n.DecideDelivery(a, a)
	assert.Equal(t, kernel.FaultCounts{Decided: 5, Lost: 5}, n.FaultCounts(), "local delivery is never faulted nor counted")

	require.NoError(t, n.Partition("ALPHA", "BETA"))
	n.DecideDelivery(b, a)
	n.DecideDelivery(a, b)
	n.HealAll()
	assert.Equal(t, kernel.FaultCounts{Decided: 7, Lost: 5, Partitioned: 2}, n.FaultCounts())

	require.NoError(t, n.SetFaults(kernel.Faults{Seed: 1, Duplicate: 1, Delay: 1, MaxDelay: time.Millisecond}))
	for range 3 {
		n.DecideDelivery(a, b)
	}
	require.NoError(t, n.SetFaults(kernel.Faults{}))
	n.DecideDelivery(a, b)
	want := kernel.FaultCounts{Decided: 11, Lost: 5, Partitioned: 2, Duplicated: 3, Delayed: 6}
	assert.Equal(t, want, n.FaultCounts(), "SetFaults keeps the counts")
	assert.Equal(t, uint64(5+2+3+6), want.Injected())
}

// Under random faults the counts agree with the fates Decide returned.
func TestFaultCountsAgreeWithFates(t *testing.T) {
	n, a, b := faultPair(t)
	require.NoError(t, n.SetFaults(kernel.Faults{Seed: 9, Loss: 0.3, Duplicate: 0.2, Delay: 0.5, MaxDelay: time.Second}))
	var got kernel.FaultCounts
	for i := range 1000 {
		from, to := a, b
		if i%2 == 1 {
			from, to = b, a
		}
		d := n.DecideDelivery(from, to)
		got.Decided++
		switch d.Copies {
		case 0:
			got.Lost++
		case 2:
			got.Duplicated++
		}
		for _, delay := range d.Delays {
			if delay > 0 {
				got.Delayed++
			}
		}
	}
	assert.Equal(t, got, n.FaultCounts())
	assert.NotZero(t, got.Lost)
	assert.NotZero(t, got.Duplicated)
	assert.NotZero(t, got.Delayed)
}
