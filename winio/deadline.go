package winio

import (
	"context"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/winsim/winsim/kernel"
)

// This file implements what ends a win32File's operations early: Close and the read and
// write deadlines, after Go's net.pipeDeadline and go-winio's deadlineHandler. A
// deadline is a point in time after which operations fail with ErrTimeout; one in the
// past fires at once; it can be moved at any time, and moving it also moves the
// deadline of the operations already waiting; the zero time means none.
//
// Each operation is a blocking kernel call issued with an opContext: the file's own
// (Flush) or its direction's deadline's, which the deadline's timer or Close ends. An
// opContext is a kernel.RequestWatcher: when it ends it aborts the requests issued with
// it itself (kernel.Process.AbortRequests finds them among its process's pending
// requests), so a call that blocks waits for its request alone, not also for a Done
// channel, and registers nothing. A deadline that has fired is given a fresh opContext
// when it is moved into the future or cleared; Close ends the current ones for good.
//
// No goroutine is started per operation: the only timer is the clock's AfterFunc,
// which runs once, when the deadline passes, and is stopped when the deadline moves or
// the file closes. The timer reads the machine's clock (kernel.Machine.Clock), so
// deadlines follow a VirtualClock, and inside a testing/synctest bubble the real clock
// is virtual too.
//
// Lock order: deadline.mu → opContext.mu → the file system's locks (an opContext aborts
// its requests holding its mu; the kernel takes no opContext lock while holding its own).

// Why an opContext ended.
const (
	opLive     int32 = iota
	opClosed         // Close: ErrFileClosed
	opTimedOut       // a deadline passed: ErrTimeout
)

// opContext is the context.Context a win32File's operations are issued with.
//
// Lifetime: made live; ended once, by end, never live again.
type opContext struct {
	// p is the process whose calls are issued with the context. Immutable.
	p *kernel.Process
	// state is opLive until end; read without the lock on every operation.
	state atomic.Int32

	mu sync.Mutex
	// done is made by the first Done call and closed by end.
	// +checklocks:mu
	done chan struct{}
}

var _ kernel.RequestWatcher = (*opContext)(nil)

// end ends c for why (opClosed or opTimedOut), aborting the calls blocked with it. Only
// the first call has an effect. The state changes first: a call whose request is
// listed after the abort below sees it and aborts itself (kernel/request_watch.go).
func (c *opContext) end(why int32) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.state.CompareAndSwap(opLive, why) {
		return
	}
	cause := error(context.Canceled)
	if why == opTimedOut {
		cause = os.ErrDeadlineExceeded
	}
	_, _ = c.p.AbortRequests(c, cause) // c and cause are not nil
	if c.done != nil {
		close(c.done)
	}
}

// reason is the error an operation stopped by c reports: ErrTimeout or ErrFileClosed.
func (c *opContext) reason() error {
	if c.state.Load() == opTimedOut {
		return ErrTimeout
	}
	return ErrFileClosed
}

// Deadline implements context.Context: an opContext ends by end, not by a deadline the
// kernel could see.
func (c *opContext) Deadline() (time.Time, bool) { return time.Time{}, false }

// Done implements context.Context, for the calls that wait on it (those with a Win32
// timeout of their own).
func (c *opContext) Done() <-chan struct{} {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.done == nil {
		c.done = make(chan struct{})
		if c.state.Load() != opLive {
			close(c.done)
		}
	}
	return c.done
}

// Err implements context.Context.
func (c *opContext) Err() error {
	switch c.state.Load() {
	case opLive:
		return nil
	case opTimedOut:
		return context.DeadlineExceeded
	}
	return context.Canceled
}

// Value implements context.Context: an opContext carries no values.
func (c *opContext) Value(any) any { return nil }

// AbortsItsRequests implements kernel.RequestWatcher.
func (c *opContext) AbortsItsRequests() {}

// deadline is one direction's deadline of a win32File.
//
// Lifetime: part of a win32File, set up by init and ended by close when the file
// closes. A deadline must not be copied.
type deadline struct {
	// Immutable after init.
	p     *kernel.Process
	clock kernel.Clock
	// ctx is the opContext operations starting now are issued with. Stored under mu,
	// loaded without it: every operation reads it.
	ctx atomic.Pointer[opContext]

	mu sync.Mutex
	// timer fires at the deadline; nil when none is pending.
	// +checklocks:mu
	timer kernel.Timer
	// gen counts calls to set, so a timer that fired while set replaced it does not
	// end the context set left in place.
	// +checklocks:mu
	gen uint64
	// closed is set by close: the deadline no longer changes.
	// +checklocks:mu
	closed bool
}

// init prepares d, for the calls of p: no deadline.
func (d *deadline) init(p *kernel.Process, clock kernel.Clock) {
	d.p, d.clock = p, clock
	d.ctx.Store(&opContext{p: p})
}

// set moves the deadline to t (the zero time: none). Operations waiting see the new
// deadline. After close it does nothing.
func (d *deadline) set(t time.Time) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return
	}
	d.disarmLocked()
	if d.ctx.Load().state.Load() != opLive {
		d.ctx.Store(&opContext{p: d.p}) // it fired: operations from now on get a fresh one
	}
	if t.IsZero() {
		return
	}
	cur := d.ctx.Load()
	dur := t.Sub(d.clock.Now())
	if dur <= 0 {
		cur.end(opTimedOut)
		return
	}
	gen := d.gen
	d.timer = d.clock.AfterFunc(dur, func() {
		d.mu.Lock()
		defer d.mu.Unlock()
		if d.gen == gen {
			cur.end(opTimedOut)
			d.timer = nil
		}
	})
}

// context returns the context an operation starting now is to be issued with.
func (d *deadline) context() *opContext { return d.ctx.Load() }

// close ends d when its file closes: the timer is stopped and the operations waiting
// end with ErrFileClosed (those after a fired deadline keep ErrTimeout).
func (d *deadline) close() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.closed = true
	d.disarmLocked()
	d.ctx.Load().end(opClosed)
}

// disarmLocked stops d's pending timer, if any, and bumps gen so that a timer already
// firing does nothing.
// Preconditions: d.mu is held.
func (d *deadline) disarmLocked() {
	d.gen++
	if d.timer != nil {
		d.timer.Stop()
		d.timer = nil
	}
}
