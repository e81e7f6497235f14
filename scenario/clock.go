package scenario

import (
	"time"

	"github.com/winsim/winsim/kernel"
)

// stepClock is the virtual clock every machine of a scenario reads: a
// kernel.VirtualClock that moves only when the script advances it, or when every call
// in flight is blocked and the earliest timer is the only thing that can happen next
// (as time moves in a testing/synctest bubble). The runner fires timers one at a time
// (FireNext) and lets the network settle after each, and AfterFunc callbacks run on
// the runner's tracked goroutines, so what a timer causes is traced in the same order
// on every run.
type stepClock struct {
	*kernel.VirtualClock
	start time.Time // immutable
}

func newStepClock(start time.Time, fire func(func())) *stepClock {
	c := &stepClock{VirtualClock: kernel.NewVirtualClock(start), start: start}
	c.RunCallbacksWith(fire)
	return c
}

var _ kernel.Clock = (*stepClock)(nil)

// Elapsed is the virtual time since the scenario started.
func (c *stepClock) Elapsed() time.Duration { return c.Now().Sub(c.start) }
