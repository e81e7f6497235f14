package kernel

import (
	"math"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/winsim/winsim/namespace"
)

// This file implements optional, deterministic fault injection for deliveries between
// machines (mailslot datagrams; anything else a file system routes through the
// network). It is additive: a Network that
// never calls SetFaults or Partition delivers everything at once and reliably, as it
// always did.
//
// A delivery from one machine to another is decided in one place, Decide, in this
// order:
//
//  1. from and to are the same machine: delivered once, at once. Local delivery is
//     never faulted.
//  2. The two machines are partitioned: lost.
//  3. With probability Loss: lost.
//  4. With probability Duplicate: two copies arrive instead of one.
//  5. Each copy, with probability Delay, travels for a duration drawn uniformly from
//     (0, MaxDelay]; otherwise it arrives at once.
//
// The random source is a PCG seeded from Faults.Seed, so the same configuration and the
// same sequence of deliveries gives the same fates. The caller carries out the decision
// (delayed copies use a machine's Clock, so a virtual clock makes them exact) and owns
// every timer it starts. Every fate decided between two machines is counted
// (FaultCounts), so a run can say how many faults it injected.
//
// Lock order: FaultInjector.mu is a leaf.

// Faults configures fault injection for deliveries between different machines of a
// network. The zero value injects nothing.
type Faults struct {
	// Seed seeds the random source that decides every fate.
	Seed uint64
	// Loss is the probability, in [0, 1], that a delivery is lost.
	Loss float64
	// Duplicate is the probability, in [0, 1], that a delivery that is not lost
	// arrives twice.
	Duplicate float64
	// Delay is the probability, in [0, 1], that one copy is delayed.
	Delay float64
	// MaxDelay bounds a delay: a delayed copy travels for a duration drawn uniformly
	// from (0, MaxDelay]. With MaxDelay 0 nothing is delayed.
	MaxDelay time.Duration
}

// enabled reports whether f injects anything.
func (f Faults) enabled() bool {
	return f.Loss > 0 || f.Duplicate > 0 || (f.Delay > 0 && f.MaxDelay > 0)
}

func validProbability(p float64) bool { return !math.IsNaN(p) && p >= 0 && p <= 1 }

// Delivery is the fate of one delivery between two machines.
type Delivery struct {
	// Copies is how many copies arrive: 0 (lost or partitioned), 1 or 2 (duplicated).
	Copies int
	// Delays[i] is how long copy i travels; 0 means it arrives at once.
	Delays [2]time.Duration
	// Partitioned reports that the copy was lost to a partition rather than to Loss.
	Partitioned bool
}

// reliable is the fate of every delivery on a network without faults.
var reliable = Delivery{Copies: 1}

// A FaultInjector holds one network's fault configuration and partitions and decides
// deliveries. Get it with Network.Injector; a nil *FaultInjector decides every
// delivery reliable and immediate.
//
// Lifetime: created by the first SetFaults or Partition on a network and kept by the
// network (Network.faults) for its whole life.
type FaultInjector struct {
	mu sync.Mutex
	// +checklocks:mu
	cfg Faults
	// +checklocks:mu
	rng *rand.Rand
	// +checklocks:mu
	cut map[[2]string]struct{} // partitioned pairs of folded names, lower first
	// +checklocks:mu
	counts FaultCounts
}

// FaultCounts counts the fates a network's fault injector decided for deliveries
// between different machines since its creation (SetFaults does not reset them).
// Deliveries on a network that never called SetFaults or Partition, and deliveries from
// a machine to itself, are not counted: nothing is ever injected into them.
type FaultCounts struct {
	// Decided is the number of deliveries between machines decided.
	Decided uint64
	// Lost is the number lost to Loss; Partitioned, the number lost to a partition.
	Lost, Partitioned uint64
	// Duplicated is the number that arrived twice.
	Duplicated uint64
	// Delayed is the number of copies delayed.
	Delayed uint64
}

// Injected is the number of faults the counts record: losses, partition losses,
// duplications and delayed copies.
func (c FaultCounts) Injected() uint64 { return c.Lost + c.Partitioned + c.Duplicated + c.Delayed }

// FaultCounts returns the fates the network's fault injector has decided (the zero value
// when SetFaults and Partition were never called).
func (n *Network) FaultCounts() FaultCounts { return n.Injector().Counts() }

// Counts returns the fates fi has decided; a nil injector has decided none.
func (fi *FaultInjector) Counts() FaultCounts {
	if fi == nil {
		return FaultCounts{}
	}
	fi.mu.Lock()
	defer fi.mu.Unlock()
	return fi.counts
}

// Injector returns the network's fault injector, or nil when SetFaults and Partition
// were never called (every delivery reliable and immediate).
func (n *Network) Injector() *FaultInjector { return n.faults.Load() }

// injector returns the network's fault injector, creating it on first use.
func (n *Network) injector() *FaultInjector {
	if fi := n.faults.Load(); fi != nil {
		return fi
	}
	n.faults.CompareAndSwap(nil, &FaultInjector{cut: make(map[[2]string]struct{})})
	return n.faults.Load()
}

// SetFaults sets the fault configuration for deliveries between the network's machines
// and reseeds the random source from f.Seed. Faults{} turns injection off (partitions
// stay until healed). Probabilities outside [0, 1] (or NaN) and a negative MaxDelay
// give ERROR_INVALID_PARAMETER and change nothing.
func (n *Network) SetFaults(f Faults) error {
	if !validProbability(f.Loss) || !validProbability(f.Duplicate) || !validProbability(f.Delay) || f.MaxDelay < 0 {
		return ERROR_INVALID_PARAMETER
	}
	fi := n.injector()
	fi.mu.Lock()
	fi.cfg = f
	fi.rng = rand.New(rand.NewPCG(f.Seed, f.Seed^0x9e3779b97f4a7c15))
	fi.mu.Unlock()
	return nil
}

// Faults returns the network's fault configuration (the zero value when none was set).
func (n *Network) Faults() Faults {
	fi := n.Injector()
	if fi == nil {
		return Faults{}
	}
	fi.mu.Lock()
	defer fi.mu.Unlock()
	return fi.cfg
}

func pairKey(a, b string) [2]string {
	a, b = namespace.Fold(a), namespace.Fold(b)
	if b < a {
		a, b = b, a
	}
	return [2]string{a, b}
}

// Partition cuts the network between the machines named a and b (case-insensitive, in
// both directions) until Heal or HealAll: every delivery between them is lost. The
// names need not be on the network yet. Names that are not valid computer names give
// ERROR_INVALID_COMPUTERNAME; a == b gives ERROR_INVALID_PARAMETER (a machine always
// reaches itself).
func (n *Network) Partition(a, b string) error {
	if namespace.ValidateComputerName(a) != nil || namespace.ValidateComputerName(b) != nil {
		return ERROR_INVALID_COMPUTERNAME
	}
	k := pairKey(a, b)
	if k[0] == k[1] {
		return ERROR_INVALID_PARAMETER
	}
	fi := n.injector()
	fi.mu.Lock()
	fi.cut[k] = struct{}{}
	fi.mu.Unlock()
	return nil
}

// Heal removes the partition between a and b, if any.
func (n *Network) Heal(a, b string) {
	if fi := n.Injector(); fi != nil {
		fi.mu.Lock()
		delete(fi.cut, pairKey(a, b))
		fi.mu.Unlock()
	}
}

// HealAll removes every partition.
func (n *Network) HealAll() {
	if fi := n.Injector(); fi != nil {
		fi.mu.Lock()
		clear(fi.cut)
		fi.mu.Unlock()
	}
}

// Partitioned reports whether deliveries between a and b are cut.
func (n *Network) Partitioned(a, b string) bool {
	fi := n.Injector()
	if fi == nil {
		return false
	}
	fi.mu.Lock()
	defer fi.mu.Unlock()
	_, cut := fi.cut[pairKey(a, b)]
	return cut
}

// DecideDelivery decides the fate of one delivery from machine from to machine to on
// n: n.Injector().Decide(from, to).
func (n *Network) DecideDelivery(from, to *Machine) Delivery {
	return n.Injector().Decide(from, to)
}

// Decide decides the fate of one delivery from machine from to machine to (see the file
// comment for the order of the checks). A nil injector, and a delivery from a machine to
// itself, give one immediate copy. Each call with faults enabled consumes the random
// source, so callers that want repeatable runs decide in a repeatable order.
func (fi *FaultInjector) Decide(from, to *Machine) Delivery {
	if fi == nil || from == to {
		return reliable
	}
	fi.mu.Lock()
	defer fi.mu.Unlock()
	fi.counts.Decided++
	if len(fi.cut) > 0 {
		if _, cut := fi.cut[pairKey(from.name, to.name)]; cut {
			fi.counts.Partitioned++
			return Delivery{Partitioned: true}
		}
	}
	f := fi.cfg
	if !f.enabled() || fi.rng == nil {
		return reliable
	}
	if f.Loss > 0 && fi.rng.Float64() < f.Loss {
		fi.counts.Lost++
		return Delivery{}
	}
	d := Delivery{Copies: 1}
	if f.Duplicate > 0 && fi.rng.Float64() < f.Duplicate {
		d.Copies = 2
		fi.counts.Duplicated++
	}
	if f.Delay > 0 && f.MaxDelay > 0 {
		for i := 0; i < d.Copies; i++ {
			if fi.rng.Float64() < f.Delay {
				d.Delays[i] = time.Duration(fi.rng.Int64N(int64(f.MaxDelay))) + 1
				fi.counts.Delayed++
			}
		}
	}
	return d
}
