package kernel

import (
	"container/heap"
	"sync"
	"time"
)

// A Clock is a machine's source of time. Every timeout in winsim reads its machine's
// clock. The real clock is the default; inside a testing/synctest bubble it is virtual
// too, which is how winsim's own tests run. VirtualClock is for simulators that want
// to step time by hand.
type Clock interface {
	Now() time.Time
	// NewTimer returns a timer whose channel receives once d has passed.
	NewTimer(d time.Duration) Timer
	// AfterFunc calls f on its own goroutine once d has passed, unless the returned
	// timer is stopped first. Its C channel is unused (nil).
	AfterFunc(d time.Duration, f func()) Timer
}

// A Timer is a one-shot timer from a Clock.
type Timer interface {
	C() <-chan time.Time
	// Stop prevents the timer from firing; it reports whether it stopped it.
	Stop() bool
}

// RealClock returns the clock of the host (time.Now and time.NewTimer).
func RealClock() Clock { return realClock{} }

type realClock struct{}

func (realClock) Now() time.Time { return time.Now() }
func (realClock) NewTimer(d time.Duration) Timer {
	return realTimer{time.NewTimer(d)}
}

func (realClock) AfterFunc(d time.Duration, f func()) Timer {
	return realTimer{time.AfterFunc(d, f)}
}

type realTimer struct{ t *time.Timer }

func (t realTimer) C() <-chan time.Time { return t.t.C }
func (t realTimer) Stop() bool          { return t.t.Stop() }

// VirtualClock is a clock that moves only when Advance, Set or FireNext is called.
// Timers fire, in deadline order (timers with one deadline in the order they were
// made), during the call that moves time past them. It is safe for concurrent use.
//
// A simulator that must see what each timer causes before the next one fires steps it
// with Next and FireNext instead of Advance, and may have AfterFunc callbacks run
// through a function of its own (RunCallbacksWith), for example on goroutines it
// tracks.
type VirtualClock struct {
	// fire runs an AfterFunc callback; nil: on a goroutine of its own. Set before the
	// clock is used.
	fire func(func())

	mu sync.Mutex
	// +checklocks:mu
	now time.Time
	// +checklocks:mu
	timers timerHeap
	// +checklocks:mu
	seq uint64
}

// NewVirtualClock returns a virtual clock that reads start.
func NewVirtualClock(start time.Time) *VirtualClock { return &VirtualClock{now: start} }

// Now implements Clock.
func (c *VirtualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// NewTimer implements Clock. A timer for d <= 0 fires at once.
func (c *VirtualClock) NewTimer(d time.Duration) Timer {
	t := &virtualTimer{c: c, ch: make(chan time.Time, 1)}
	c.mu.Lock()
	defer c.mu.Unlock()
	t.when = c.now.Add(d)
	if d <= 0 {
		t.ch <- c.now
		t.index = -1
		return t
	}
	c.seq++
	t.seq = c.seq
	heap.Push(&c.timers, t)
	return t
}

// AfterFunc implements Clock: f runs on its own goroutine during the Advance or Set
// that moves time past d. For d <= 0 the time has already passed and f runs at once,
// as with time.AfterFunc and NewTimer.
func (c *VirtualClock) AfterFunc(d time.Duration, f func()) Timer {
	t := &virtualTimer{c: c, f: f}
	c.mu.Lock()
	defer c.mu.Unlock()
	t.when = c.now.Add(d)
	if d <= 0 {
		t.index = -1
		c.runCallback(f)
		return t
	}
	c.seq++
	t.seq = c.seq
	heap.Push(&c.timers, t)
	return t
}

// Advance moves the clock forward by d, firing every timer that falls due.
func (c *VirtualClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.setLocked(c.now.Add(d))
	c.mu.Unlock()
}

// Set moves the clock to t (never backwards), firing every timer that falls due.
func (c *VirtualClock) Set(t time.Time) {
	c.mu.Lock()
	if t.After(c.now) {
		c.setLocked(t)
	}
	c.mu.Unlock()
}

// Pending reports how many timers are waiting to fire: a simulator's way to know that
// every sleeper is parked on time.
func (c *VirtualClock) Pending() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.timers)
}

// RunCallbacksWith makes the clock run AfterFunc callbacks by calling fire(f) instead
// of on goroutines of their own; fire must not block on the clock. Call it before the
// clock is used.
func (c *VirtualClock) RunCallbacksWith(fire func(f func())) { c.fire = fire }

// Next reports the deadline of the earliest timer waiting to fire, if any.
func (c *VirtualClock) Next() (time.Time, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.timers) == 0 {
		return time.Time{}, false
	}
	return c.timers[0].when, true
}

// FireNext fires the earliest timer due at or before limit, moving the clock to its
// deadline, and reports true; with none due it moves the clock to limit (never
// backwards) and reports false. It fires one timer only, so that the caller can let
// what that timer causes happen before the next.
func (c *VirtualClock) FireNext(limit time.Time) bool {
	c.mu.Lock()
	if len(c.timers) == 0 || c.timers[0].when.After(limit) {
		if limit.After(c.now) {
			c.now = limit
		}
		c.mu.Unlock()
		return false
	}
	vt := heap.Pop(&c.timers).(*virtualTimer)
	if vt.when.After(c.now) {
		c.now = vt.when
	}
	c.mu.Unlock()
	c.fire1(vt)
	return true
}

// Preconditions: c.mu is held.
func (c *VirtualClock) setLocked(t time.Time) {
	for len(c.timers) > 0 && !c.timers[0].when.After(t) {
		c.fire1(heap.Pop(&c.timers).(*virtualTimer))
	}
	c.now = t
}

// fire1 fires vt, which is off the heap: its channel gets its deadline, or its
// callback runs. Advance and Set call it with c.mu held, FireNext without.
func (c *VirtualClock) fire1(vt *virtualTimer) {
	if vt.f != nil {
		c.runCallback(vt.f)
	} else {
		vt.ch <- vt.when // buffered, and a timer fires once
	}
}

// runCallback runs an AfterFunc callback as RunCallbacksWith said.
func (c *VirtualClock) runCallback(f func()) {
	if c.fire != nil {
		c.fire(f)
		return
	}
	go f()
}

type virtualTimer struct {
	c     *VirtualClock
	when  time.Time
	seq   uint64
	index int // in the heap; -1 once fired or stopped
	ch    chan time.Time
	f     func() // AfterFunc timers
}

func (t *virtualTimer) C() <-chan time.Time { return t.ch }

func (t *virtualTimer) Stop() bool {
	t.c.mu.Lock()
	defer t.c.mu.Unlock()
	if t.index < 0 {
		return false
	}
	heap.Remove(&t.c.timers, t.index)
	return true
}

type timerHeap []*virtualTimer

func (h timerHeap) Len() int { return len(h) }
func (h timerHeap) Less(i, j int) bool {
	if h[i].when.Equal(h[j].when) {
		return h[i].seq < h[j].seq
	}
	return h[i].when.Before(h[j].when)
}
func (h timerHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].index = i
	h[j].index = j
}
func (h *timerHeap) Push(x any) {
	t := x.(*virtualTimer)
	t.index = len(*h)
	*h = append(*h, t)
}
func (h *timerHeap) Pop() any {
	old := *h
	t := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	t.index = -1
	return t
}
