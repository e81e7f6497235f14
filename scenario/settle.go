package scenario

import (
	"bytes"
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// A task is one goroutine the runner started: a Win32 call made for a script process,
// or a clock callback (a delayed delivery). The runner knows its goroutine ID so that it
// can tell, from the Go runtime's goroutine dump, whether the task is running or parked
// (blocked on a channel or select inside winsim: waiting for another process, or for
// the clock).
//
// Lifetime: created by spawn; finished once fn has returned; dropped from the tracked
// set by the first settle that sees it finished.
type task struct {
	gid      uint64
	finished atomic.Bool
	done     chan struct{}
}

// tasks is the set of live tasks. Lock order: mu is a leaf.
type tasks struct {
	mu sync.Mutex
	// +checklocks:mu
	live map[*task]struct{}
	// order numbers every task's goroutine in spawn order, so that trace events can be
	// grouped by the goroutine that emitted them (kept for the runner's life).
	// +checklocks:mu
	order map[uint64]int
}

// orderOf returns the spawn order of the task running on goroutine gid, or -1 for a
// goroutine the runner did not start.
func (ts *tasks) orderOf(gid uint64) int {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	if n, ok := ts.order[gid]; ok {
		return n
	}
	return -1
}

// spawn runs fn on a new tracked goroutine and returns once the goroutine's ID is known.
// A panic in fn is recovered and passed to onPanic, so that a bug never takes the
// script runner down with it.
func (ts *tasks) spawn(fn func(), onPanic func(any)) *task {
	t := &task{done: make(chan struct{})}
	ready := make(chan struct{})
	go func() {
		t.gid = goroutineID()
		ts.mu.Lock()
		if ts.live == nil {
			ts.live = make(map[*task]struct{})
			ts.order = make(map[uint64]int)
		}
		ts.live[t] = struct{}{}
		ts.order[t.gid] = len(ts.order)
		ts.mu.Unlock()
		close(ready)
		defer func() {
			if v := recover(); v != nil && onPanic != nil {
				onPanic(v)
			}
			t.finished.Store(true)
			close(t.done)
		}()
		fn()
	}()
	<-ready
	return t
}

func (ts *tasks) snapshot() []*task {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	out := make([]*task, 0, len(ts.live))
	for t := range ts.live {
		if t.finished.Load() {
			delete(ts.live, t)
			continue
		}
		out = append(out, t)
	}
	return out
}

// errUnsettled reports a task that kept running: winsim itself spinning, never a script.
var errUnsettled = errors.New("winsim did not settle: a call kept running without blocking or finishing")

// settle waits until every live task has finished or is parked. It is what makes a
// scenario deterministic: each line's effects, and what they wake, are complete before
// the next line runs.
func (ts *tasks) settle() error {
	deadline := time.Now().Add(30 * time.Second)
	for i := 0; ; i++ {
		live := ts.snapshot()
		if len(live) == 0 {
			return nil
		}
		states := goroutineStates()
		parked := true
		for _, t := range live {
			if t.finished.Load() {
				continue
			}
			st, ok := states[t.gid]
			if !ok || isParked(st) {
				continue // !ok: it ended after the snapshot
			}
			parked = false
			break
		}
		if parked {
			return nil
		}
		if time.Now().After(deadline) {
			return errUnsettled
		}
		if i < 20 {
			runtime.Gosched()
		} else {
			time.Sleep(time.Duration(min(i, 200)) * 5 * time.Microsecond)
		}
	}
}

// isParked reports whether a goroutine state from a runtime dump is a durable block:
// on a channel, a select, a condition or a wait group. Mutex waits and runnable or
// running goroutines are transient.
func isParked(state string) bool {
	switch state {
	case "select", "select (no cases)", "chan receive", "chan send", "chan receive (nil chan)",
		"chan send (nil chan)", "sync.Cond.Wait", "sync.WaitGroup.Wait":
		return true
	}
	return false
}

var stackBuf = sync.Pool{New: func() any { b := make([]byte, 64<<10); return &b }}

// goroutineStates returns the state of every goroutine, by ID, from runtime.Stack.
func goroutineStates() map[uint64]string {
	bp := stackBuf.Get().(*[]byte)
	defer stackBuf.Put(bp)
	var n int
	for {
		n = runtime.Stack(*bp, true)
		if n < len(*bp) {
			break
		}
		*bp = make([]byte, 2*len(*bp))
	}
	states := make(map[uint64]string)
	for _, line := range bytes.Split((*bp)[:n], []byte("\n")) {
		rest, ok := bytes.CutPrefix(line, []byte("goroutine "))
		if !ok {
			continue
		}
		id, rest, ok := bytes.Cut(rest, []byte(" ["))
		if !ok {
			continue
		}
		gid, err := strconv.ParseUint(string(id), 10, 64)
		if err != nil {
			continue
		}
		st, _, _ := bytes.Cut(rest, []byte("]"))
		st, _, _ = bytes.Cut(st, []byte(","))
		states[gid] = string(st)
	}
	return states
}

func goroutineID() uint64 {
	var buf [64]byte
	b := buf[:runtime.Stack(buf[:], false)]
	b, _ = bytes.CutPrefix(b, []byte("goroutine "))
	id, _, _ := bytes.Cut(b, []byte(" "))
	n, err := strconv.ParseUint(string(id), 10, 64)
	if err != nil {
		panic(fmt.Sprintf("scenario: cannot read goroutine ID from %q", buf[:]))
	}
	return n
}
