package scenario

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"sync"
	"time"

	"rsc.io/script"

	"github.com/winsim/winsim"
	"github.com/winsim/winsim/kernel"
	"github.com/winsim/winsim/view"
)

// Options configure a Runner.
type Options struct {
	// Output receives the transcript as the script runs: each line, each call's
	// result and the trace events it caused. Nil discards it.
	Output io.Writer
	// Record keeps a Step for every line, with the views of the whole network after
	// it (see Steps), for step-through pages and sequence diagrams.
	Record bool
}

// A Step is one line of a script as it ran.
type Step struct {
	Line    int
	Source  string   // the line as written
	Comment string   // the comment lines just before it
	Output  []string // result lines, as in the transcript
	Events  []kernel.TraceEvent
	Failed  bool
	Elapsed time.Duration // virtual time since the script started, after the line

	// Set when Options.Record is: the views after the line.
	Objects, Handles, Processes string
	Network                     *view.NetworkCensus

	call    *callRecord // the Win32 call the line made, if any
	taskGID uint64      // the goroutine of that call
}

// callRecord is what a sequence diagram needs of a call.
type callRecord struct {
	process, machine, call, result string
	background, awaited            bool
}

// A Runner runs scenario scripts against one network of fake machines. Every machine
// reads the runner's virtual clock. A Runner is used from one goroutine.
//
// Lifetime: New creates the network; Close cancels every call still in flight, waits
// for it, and closes the network.
type Runner struct {
	opts   Options
	out    io.Writer
	net    *winsim.Network
	clock  *stepClock
	ts     tasks
	ctx    context.Context
	cancel context.CancelFunc
	engine *script.Engine
	state  *script.State
	unsub  func()

	names     map[string]value
	ovs       map[string]*ovRec // OVERLAPPED structures, by the name the script gives them
	procs     map[string]*kernel.Process
	procOrder []string

	evMu sync.Mutex
	// +checklocks:evMu
	events  []tracedEvent
	mainGID uint64 // the goroutine Run runs on

	file    string
	comment []string
	cur     *Step
	steps   []Step
	ending  bool
	closed  bool
}

// New returns a runner with an empty network.
func New(opts Options) *Runner {
	r := &Runner{opts: opts, out: opts.Output, names: map[string]value{}, procs: map[string]*kernel.Process{}, ovs: map[string]*ovRec{}}
	if r.out == nil {
		r.out = io.Discard
	}
	r.ctx, r.cancel = context.WithCancel(context.Background())
	r.clock = newStepClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), func(f func()) { r.ts.spawn(f, nil) })
	r.net = winsim.NewNetwork()
	r.unsub = r.net.Subscribe(func(ev kernel.TraceEvent) {
		gid := goroutineID()
		r.evMu.Lock()
		r.events = append(r.events, tracedEvent{ev, gid})
		r.evMu.Unlock()
	})
	r.engine = &script.Engine{Cmds: r.commands(), Conds: map[string]script.Cond{}}
	st, err := script.NewState(r.ctx, os.TempDir(), nil)
	if err != nil {
		panic("scenario: " + err.Error()) // only for a temporary directory that is not absolute-able
	}
	r.state = st
	return r
}

// Network is the runner's network, for a caller that wants to look at it.
func (r *Runner) Network() *kernel.Network { return r.net.Network }

// Steps returns the lines run so far (with views when Options.Record is set).
func (r *Runner) Steps() []Step { return r.steps }

// Run runs the script src, named file in messages. It returns the first error: a line
// that is not a valid command, or an expectation that did not hold, as
// "file:line: command args: what was expected, what happened".
func (r *Runner) Run(file string, src []byte) (err error) {
	if r.closed {
		return errors.New("scenario: Run after Close")
	}
	r.file = file
	r.mainGID = goroutineID()
	var log bytes.Buffer
	feeder := &lineFeeder{r: r, src: string(src)}
	err = r.engine.Execute(r.state, file, bufio.NewReader(feeder), &log)
	if ferr := r.finishStep(); err == nil {
		err = ferr
	}
	if err != nil {
		r.fail(err)
	}
	return err
}

// fail reports err in the transcript and marks the last step as the one that failed.
func (r *Runner) fail(err error) {
	line := fmt.Sprintf("FAIL: %v", err)
	fmt.Fprintln(r.out, line)
	if n := len(r.steps); n > 0 {
		r.steps[n-1].Failed = true
		r.steps[n-1].Output = append(r.steps[n-1].Output, line)
	}
}

// RunLine runs one line, numbered n in messages, as part of an interactive session:
// names, processes and background calls carry over from line to line, and an error
// ends only this line.
func (r *Runner) RunLine(file string, n int, line string) error {
	if r.closed {
		return errors.New("scenario: RunLine after Close")
	}
	r.file = file
	r.mainGID = goroutineID()
	var log bytes.Buffer
	feeder := &lineFeeder{r: r, src: strings.Repeat("\n", max(n-1, 0)) + line + "\n", silent: max(n-1, 0)}
	err := r.engine.Execute(r.state, file, bufio.NewReader(feeder), &log)
	if ferr := r.finishStep(); err == nil {
		err = ferr
	}
	if err != nil {
		r.fail(err)
	}
	return err
}

// Close ends the scenario: calls still in flight are cancelled and waited for, and
// the network is closed. Background calls nobody waited for are not checked.
func (r *Runner) Close() {
	if r.closed {
		return
	}
	r.closed = true
	r.ending = true
	r.cancel()
	_ = r.state.CloseAndWait(io.Discard)
	r.net.Close()
	for _, t := range r.ts.snapshot() {
		select {
		case <-t.done:
		case <-time.After(10 * time.Second):
		}
	}
	r.unsub()
}

// lineFeeder hands the script to the engine one line per Read, so the runner knows
// which line runs next: the engine asks for line n+1 only once line n is done.
type lineFeeder struct {
	r       *Runner
	src     string
	silent  int // leading blank lines that only move the line count (RunLine)
	lineno  int
	pending string
}

func (f *lineFeeder) Read(p []byte) (int, error) {
	if f.pending == "" {
		if f.src == "" {
			return 0, io.EOF
		}
		line, rest, _ := strings.Cut(f.src, "\n")
		f.src = rest
		f.lineno++
		f.pending = line + "\n"
		if f.lineno > f.silent {
			if err := f.r.beginLine(f.lineno, strings.TrimRight(line, "\r")); err != nil {
				return 0, err
			}
		}
	}
	n := copy(p, f.pending)
	f.pending = f.pending[n:]
	return n, nil
}

// beginLine finishes the previous line's step and starts line n's.
func (r *Runner) beginLine(n int, line string) error {
	if err := r.finishStep(); err != nil {
		return fmt.Errorf("%s:%d: %w", r.file, n-1, err)
	}
	trimmed := strings.TrimSpace(line)
	switch {
	case trimmed == "":
		fmt.Fprintln(r.out)
		r.comment = nil
	case strings.HasPrefix(trimmed, "#"):
		fmt.Fprintln(r.out, trimmed)
		r.comment = append(r.comment, strings.TrimSpace(strings.TrimPrefix(trimmed, "#")))
	default:
		fmt.Fprintln(r.out, "> "+trimmed)
		r.cur = &Step{Line: n, Source: trimmed, Comment: strings.Join(r.comment, "\n")}
		r.comment = nil
	}
	return nil
}

// finishStep lets the network settle, prints the trace events of the current line and
// records its step.
func (r *Runner) finishStep() error {
	st := r.cur
	if st == nil {
		return nil
	}
	r.cur = nil
	err := r.ts.settle()
	if c := st.call; c != nil && !c.awaited {
		c.background = true
		r.emit(st, "  & running in the background")
	}
	r.evMu.Lock()
	traced := r.events
	r.events = nil
	r.evMu.Unlock()
	evs := r.orderEvents(st, traced)
	for _, ev := range evs {
		r.emitEvent(st, ev)
	}
	st.Events = append(st.Events, evs...)
	st.Elapsed = r.clock.Elapsed()
	if r.opts.Record {
		r.snapshot(st)
	}
	r.steps = append(r.steps, *st)
	return err
}

func (r *Runner) emit(st *Step, line string) {
	fmt.Fprintln(r.out, line)
	if st != nil {
		st.Output = append(st.Output, line)
	}
}

// tracedEvent is a trace event and the goroutine that emitted it.
type tracedEvent struct {
	ev  kernel.TraceEvent
	gid uint64
}

// orderEvents puts a line's trace events in an order that is the same on every run:
// first those of the line itself (the runner's goroutine and the line's own call), then
// those of each other call or clock callback that ran during the line, in the order
// those were started. Each goroutine's own events keep their order; only the
// interleaving of goroutines running at the same time, which no run can repeat, is
// replaced by this grouping. Objects deleted during the line are listed last, by machine
// and object ID: which goroutine drops an object's last reference (a closing handle, or
// a wait giving up) is itself such a race.
func (r *Runner) orderEvents(st *Step, traced []tracedEvent) []kernel.TraceEvent {
	group := func(te tracedEvent) int {
		if te.gid == r.mainGID || st.taskGID != 0 && te.gid == st.taskGID {
			return -1
		}
		return r.ts.orderOf(te.gid)
	}
	keys := make([]int, len(traced))
	for i, te := range traced {
		keys[i] = group(te)
	}
	idx := make([]int, len(traced))
	for i := range idx {
		idx[i] = i
	}
	deleted := func(i int) bool { return traced[i].ev.Kind == kernel.EvObjectDeleted }
	sort.SliceStable(idx, func(a, b int) bool {
		i, j := idx[a], idx[b]
		if di, dj := deleted(i), deleted(j); di || dj {
			if di != dj {
				return dj
			}
			ei, ej := traced[i].ev, traced[j].ev
			if ei.Machine != ej.Machine {
				return ei.Machine < ej.Machine
			}
			return ei.Object < ej.Object
		}
		return keys[i] < keys[j]
	})
	out := make([]kernel.TraceEvent, len(traced))
	for i, j := range idx {
		out[i] = traced[j].ev
	}
	return out
}

// emitEvent prints one trace event without its network-wide sequence number, which
// depends on how goroutines running at the same time interleave.
func (r *Runner) emitEvent(st *Step, ev kernel.TraceEvent) {
	s := ev.String()
	if strings.HasPrefix(s, "#") {
		if _, rest, ok := strings.Cut(s, " "); ok {
			s = rest
		}
	}
	fmt.Fprintln(r.out, "  | "+s)
}

// await waits for t, moving the virtual clock to the next timer whenever every call in
// flight is blocked. A call nothing can wake (all blocked, no timer) is cancelled and
// reported; it would hang on Windows.
func (r *Runner) await(t *task, cancel context.CancelFunc) error {
	for {
		select {
		case <-t.done:
			return nil
		default:
		}
		if err := r.ts.settle(); err != nil {
			cancel()
			<-t.done
			return err
		}
		if t.finished.Load() {
			<-t.done
			return nil
		}
		if r.ending {
			cancel()
			<-t.done
			return nil
		}
		if next, ok := r.clock.Next(); ok {
			r.clock.FireNext(next)
			continue
		}
		cancel()
		<-t.done
		return errBlocksForever
	}
}

var errBlocksForever = errors.New("the call blocks and nothing in the script can wake it: run it in the background (end the line with &) and wait later, or give it a timeout")

// advance moves the clock forward by d, firing due timers one at a time and letting
// the network settle after each.
func (r *Runner) advance(d time.Duration) error {
	limit := r.clock.Now().Add(d)
	for r.clock.FireNext(limit) {
		if err := r.ts.settle(); err != nil {
			return err
		}
	}
	return r.ts.settle()
}

// machines lists the network's machines by name.
func (r *Runner) machines() []*kernel.Machine {
	ms := r.net.Machines()
	sort.Slice(ms, func(i, j int) bool { return ms[i].Name() < ms[j].Name() })
	return ms
}

// snapshot records the views of the whole network after a step.
func (r *Runner) snapshot(st *Step) {
	var objs, hs, ps strings.Builder
	for _, m := range r.machines() {
		view.Objects(&objs, m)
		view.Handles(&hs, m)
		view.Processes(&ps, m)
	}
	st.Objects, st.Handles, st.Processes = objs.String(), hs.String(), ps.String()
	st.Network = view.Snapshot(r.net.Network)
}
