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

// VirtualClock is a clock that moves only when Advance or Set is called. Timers fire,
// in deadline order, during the call that moves time past them. It is safe for
// concurrent use.
type VirtualClock struct {
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
		go f()
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

// Preconditions: c.mu is held.
func (c *VirtualClock) setLocked(t time.Time) {
	for len(c.timers) > 0 && !c.timers[0].when.After(t) {
		vt := heap.Pop(&c.timers).(*virtualTimer)
		if vt.f != nil {
			go vt.f()
		} else {
			vt.ch <- vt.when
		}
	}
	c.now = t
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
