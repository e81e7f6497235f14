package scenario

import (
	"container/heap"
	"sync"
	"time"

	"github.com/winsim/winsim/kernel"
)

// stepClock is the virtual clock every machine of a scenario reads. It moves only when
// the script advances it, or when every call in flight is blocked and the earliest
// timer is the only thing that can happen next (as time moves in a testing/synctest
// bubble). Unlike kernel.VirtualClock it does not fire timers itself: the runner pops
// them one at a time and lets the network settle after each, so what a timer causes is
// traced in the same order on every run.
//
// Lock order: mu is a leaf; fire (the runner's spawn) is called without it.
type stepClock struct {
	fire func(func()) // runs an AfterFunc callback on a tracked goroutine

	mu sync.Mutex
	// +checklocks:mu
	start, now time.Time
	// +checklocks:mu
	seq uint64
	// +checklocks:mu
	timers timerQueue
}

type stepTimer struct {
	c     *stepClock
	when  time.Time
	seq   uint64
	ch    chan time.Time
	f     func()
	index int // in c.timers; -1 when not queued
}

func newStepClock(start time.Time, fire func(func())) *stepClock {
	return &stepClock{fire: fire, start: start, now: start}
}

var _ kernel.Clock = (*stepClock)(nil)

func (c *stepClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Elapsed is the virtual time since the scenario started.
func (c *stepClock) Elapsed() time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now.Sub(c.start)
}

func (c *stepClock) NewTimer(d time.Duration) kernel.Timer {
	t := &stepTimer{c: c, ch: make(chan time.Time, 1), index: -1}
	c.mu.Lock()
	if d <= 0 {
		t.ch <- c.now
		c.mu.Unlock()
		return t
	}
	c.pushLocked(t, d)
	c.mu.Unlock()
	return t
}

func (c *stepClock) AfterFunc(d time.Duration, f func()) kernel.Timer {
	t := &stepTimer{c: c, f: f, index: -1}
	if d <= 0 {
		c.fire(f)
		return t
	}
	c.mu.Lock()
	c.pushLocked(t, d)
	c.mu.Unlock()
	return t
}

// +checklocks:c.mu
func (c *stepClock) pushLocked(t *stepTimer, d time.Duration) {
	c.seq++
	t.when, t.seq = c.now.Add(d), c.seq
	heap.Push(&c.timers, t)
}

// next reports the deadline of the earliest timer, if any.
func (c *stepClock) next() (time.Time, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.timers) == 0 {
		return time.Time{}, false
	}
	return c.timers[0].when, true
}

// popDue removes the earliest timer due at or before limit, moves the clock to its
// deadline and fires it (a channel send, or f on a tracked goroutine). It reports
// false, moving the clock to limit, when no timer is due.
func (c *stepClock) popDue(limit time.Time) bool {
	c.mu.Lock()
	if len(c.timers) == 0 || c.timers[0].when.After(limit) {
		if limit.After(c.now) {
			c.now = limit
		}
		c.mu.Unlock()
		return false
	}
	t := heap.Pop(&c.timers).(*stepTimer)
	if t.when.After(c.now) {
		c.now = t.when
	}
	now := c.now
	c.mu.Unlock()
	if t.f != nil {
		c.fire(t.f)
	} else {
		select {
		case t.ch <- now:
		default:
		}
	}
	return true
}

func (t *stepTimer) C() <-chan time.Time { return t.ch }

func (t *stepTimer) Stop() bool {
	t.c.mu.Lock()
	defer t.c.mu.Unlock()
	if t.index < 0 {
		return false
	}
	heap.Remove(&t.c.timers, t.index)
	return true
}

// timerQueue orders timers by deadline, then by creation.
type timerQueue []*stepTimer

func (q timerQueue) Len() int { return len(q) }
func (q timerQueue) Less(i, j int) bool {
	if !q[i].when.Equal(q[j].when) {
		return q[i].when.Before(q[j].when)
	}
	return q[i].seq < q[j].seq
}
func (q timerQueue) Swap(i, j int) {
	q[i], q[j] = q[j], q[i]
	q[i].index, q[j].index = i, j
}
func (q *timerQueue) Push(x any) {
	t := x.(*stepTimer)
	t.index = len(*q)
	*q = append(*q, t)
}
func (q *timerQueue) Pop() any {
	old := *q
	t := old[len(old)-1]
	old[len(old)-1] = nil
	t.index = -1
	*q = old[:len(old)-1]
	return t
}
