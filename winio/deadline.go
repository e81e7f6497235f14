package winio

import (
	"context"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/winsim/winsim/kernel"
)

// This file implements the read and write deadlines of a win32File, after
// Go's net.pipeDeadline and go-winio's deadlineHandler: a point in time after which
// operations fail with os.ErrDeadlineExceeded. A deadline in the past fires at once; a
// deadline can be moved at any time, and moving it also moves the deadline of the
// operations already waiting; the zero time means none.
//
// Where net.pipeDeadline closes a channel, a deadline here cancels a context: the
// blocking pipe calls (ReadFile, WriteFile, FlushFileBuffers) take a context and give up
// when it is done, so the deadline's context is what each operation is issued with. The
// context is a child of the file's, which Close cancels with ErrFileClosed, so one
// context carries both reasons to stop, and context.Cause tells them apart. No goroutine
// is started per operation: the only timer is the clock's AfterFunc, which runs once,
// when the deadline passes, and is stopped when the deadline moves or the file
// closes.
//
// The timer reads the machine's clock (kernel.Machine.Clock), so deadlines follow a
// VirtualClock, and inside a testing/synctest bubble the real clock is virtual too.

// deadline is one direction's deadline of a win32File.
//
// Lifetime: part of a win32File, set up by init and retired by stop when it closes.
// A deadline must not be copied.
type deadline struct {
	// Immutable after init.
	clock  kernel.Clock
	parent context.Context // the file's context; cancelled (cause ErrFileClosed) by Close

	// ctx is done once the deadline has passed (cause os.ErrDeadlineExceeded) or the
	// file has closed (cause ErrFileClosed). A passed deadline that is moved into the
	// future, or cleared, gets a fresh ctx. Stored under mu, loaded without it: every
	// operation reads it, so reading it takes no lock.
	ctx atomic.Pointer[context.Context]

	mu sync.Mutex
	// +checklocks:mu
	cancel context.CancelCauseFunc
	// timer fires at the deadline; nil when none is pending.
	// +checklocks:mu
	timer kernel.Timer
	// gen counts calls to set, so a timer that fired while set replaced it does not
	// cancel the context set left in place.
	// +checklocks:mu
	gen uint64
}

// init prepares d: no deadline.
func (d *deadline) init(clock kernel.Clock, parent context.Context) {
	d.clock, d.parent = clock, parent
	d.mu.Lock()
	d.renewLocked()
	d.mu.Unlock()
}

// set moves the deadline to t (the zero time: none). Operations waiting on d's context
// see the new deadline.
func (d *deadline) set(t time.Time) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.disarmLocked()
	passed := (*d.ctx.Load()).Err() != nil
	if t.IsZero() {
		if passed {
			d.renewLocked()
		}
		return
	}
	dur := t.Sub(d.clock.Now())
	if dur <= 0 {
		d.cancel(os.ErrDeadlineExceeded)
		return
	}
	if passed {
		d.renewLocked()
	}
	gen, cancel := d.gen, d.cancel
	d.timer = d.clock.AfterFunc(dur, func() {
		d.mu.Lock()
		if d.gen == gen {
			cancel(os.ErrDeadlineExceeded)
			d.timer = nil
		}
		d.mu.Unlock()
	})
}

// renewLocked gives d a fresh context. If the file has closed, the fresh one is done at
// once, which is what the file's operations must see.
// Preconditions: d.mu is held.
func (d *deadline) renewLocked() {
	if d.cancel != nil {
		d.cancel(nil)
	}
	ctx, cancel := context.WithCancelCause(d.parent)
	d.ctx.Store(&ctx)
	d.cancel = cancel
}

// context returns the context an operation starting now is to be issued with.
func (d *deadline) context() context.Context {
	return *d.ctx.Load()
}

// stop retires d when its file closes: the timer is stopped and the context released.
func (d *deadline) stop() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.disarmLocked()
	d.cancel(nil)
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
