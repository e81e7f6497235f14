package kernel

import (
	"errors"
	"fmt"
	"sort"
	"strconv"

	"github.com/winsim/winsim/namespace"
)

// This file implements the self-check, Machine.Check and Network.Check; what they
// verify is documented on Machine.Check.

// A Breach is one broken invariant the self-check found: the object (or process, or
// file-system structure) it concerns, what is wrong, and the expected and found values.
type Breach struct {
	Machine  string // the machine whose state is broken
	Subject  string // Object.String(), "process 8 (app.exe)", or a file system's own name for its structure
	What     string // the invariant
	Expected string
	Found    string
}

func (b *Breach) Error() string {
	return "kernel check: " + b.Machine + ": " + b.Subject + ": " + b.What + ": expected " + b.Expected + ", found " + b.Found
}

// Breaches returns the breaches a Check error reports, in the order found.
func Breaches(err error) []*Breach {
	if err == nil {
		return nil
	}
	var out []*Breach
	var walk func(error)
	walk = func(err error) {
		if b, ok := err.(*Breach); ok {
			out = append(out, b)
			return
		}
		if j, ok := err.(interface{ Unwrap() []error }); ok {
			for _, e := range j.Unwrap() {
				walk(e)
			}
		}
	}
	walk(err)
	return out
}

// An InvariantChecker is an object body or a Device that verifies its own state for
// Check, reporting each breach to r. It is called with no kernel lock held and takes its
// own locks in its package's documented order. Bodies that queue requests report each
// queued one with r.Waiter.
type InvariantChecker interface {
	CheckInvariants(r *InvariantReport)
}

// An InvariantReport collects the breaches of one Check.
type InvariantReport struct {
	m    *Machine
	obj  *Object // the object whose body is checking, nil for a device
	errs []error
	// waiters are requests file systems reported queued; checked after the hooks run,
	// so that no file-system lock is held while a process's state is read.
	waiters []queuedWaiter
}

type queuedWaiter struct {
	subject Subject
	queue   string
	proc    *Process // read under the queue's lock: a request is reused once completed
	done    bool
}

// Object returns the object whose body is being checked, or nil when a device is.
func (r *InvariantReport) Object() *Object { return r.obj }

// Machine returns the machine being checked.
func (r *InvariantReport) Machine() *Machine { return r.m }

// Subject names what a breach is about: the object whose body is being checked
// (InvariantReport.This) or a structure a check names itself (Named).
type Subject struct {
	obj  *Object
	name string
}

// This is the subject that names the object whose body is being checked. The report
// writes the object's String() only for a breach, so a check that finds nothing wrong
// builds no name. A device's check has no such object: it names its subjects.
func (r *InvariantReport) This() Subject { return Subject{obj: r.obj} }

// Named is the subject called name, for what a check names itself (a device's table
// entry, "pipe \Device\NamedPipe\x").
func Named(name string) Subject { return Subject{name: name} }

// String returns the subject's name as a Breach reports it.
func (s Subject) String() string {
	if s.obj != nil {
		return s.obj.String()
	}
	return s.name
}

// Breach reports that subject's invariant what does not hold: expected was expected,
// found was found.
func (r *InvariantReport) Breach(subject Subject, what string, expected, found any) {
	r.errs = append(r.errs, &Breach{Machine: r.m.name, Subject: subject.String(), What: what, Expected: fmt.Sprint(expected), Found: fmt.Sprint(found)})
}

// Waiter reports that req is queued on subject's queue, and checks that it is a live
// waiter: not completed, and issued by a process that has not exited. Call it with the
// lock protecting the queue held; the process's state is read later, without it.
func (r *InvariantReport) Waiter(subject Subject, queue string, req *Request) {
	r.waiters = append(r.waiters, queuedWaiter{subject: subject, queue: queue, proc: req.process, done: req.Done()})
}

func (r *InvariantReport) checkWaiters() {
	for _, w := range r.waiters {
		if w.done {
			r.Breach(w.subject, w.queue+" holds a completed request", "only pending requests", "a completed one")
			continue
		}
		if p := w.proc; p != nil && p.State() == ProcessExited {
			r.Breach(w.subject, w.queue+" holds a request of an exited process", "requests of live processes", "one of "+p.label())
		}
	}
	r.waiters = r.waiters[:0]
}

// label names a process in breaches.
func (p *Process) label() string {
	return "process " + strconv.Itoa(int(p.pid)) + " (" + p.name + ")"
}

// Check is the self-check: it verifies the object graph of m as a whole, for tests
// (kerneltest runs it after each test), fuzzers and users who want to know that the
// simulation they drive is sound, and returns every breach found (*Breach values joined
// with errors.Join; Breaches lists them), or nil. Handle counts are compared with the
// tables of every process on m's network, since a process may hold handles to another
// machine's objects (a remote pipe's end).
//
// It verifies that
//
//   - every object's handle count equals the number of handle-table entries naming it,
//     over every process of every machine on the network;
//   - every pointer count is positive and at least the handle count plus the internal
//     references the kernel knows of (a running process's table reference, a pending
//     request's file and event references, a file's completion-port binding, a queued
//     wait's reference on the object it waits for). More is not a breach: a caller may
//     hold references of its own (Process.Reference); Machine.Leaks reports what is left
//     when a test is done;
//   - no handle-table entry and no directory entry names an object that has been
//     deleted (left the census);
//   - every object in the namespace is linked, has a handle (winsim's named objects are
//     all temporary: the last handle closing unlinks the name) and is found under its
//     own name;
//   - an exited process holds no handles and no pending requests;
//   - every queued wait (a dispatcher wait block, a process's pending request) is live:
//     not yet satisfied or completed, and its process has not exited;
//   - whatever the object bodies and devices that implement InvariantChecker verify of
//     their own state (a pipe instance agrees with its ends; a mailslot's queued
//     messages belong to a live server).
//
// Locks: Check takes each lock it reads under alone, or in the order Machine's comment
// documents (Machine.nameMu, then the directory locks), never two file-system locks at
// once from the kernel's side, and calls InvariantChecker methods with no kernel lock
// held. It is safe to call concurrently with any other call. Its verdict is exact when
// no call is in progress (after synctest.Wait, or when the test's goroutines are done);
// a call in flight can make a count differ from its table for a moment, and Check may
// then report it.
func (m *Machine) Check() error {
	c := newChecker(m.network, []*Machine{m})
	return c.run()
}

// Check verifies the invariants of every machine on n, as Machine.Check does.
func (n *Network) Check() error {
	c := newChecker(n, n.Machines())
	return c.run()
}

// checker is one run of the self-check.
type checker struct {
	net     *Network
	targets []*Machine
	all     []*Machine
	// entries counts the handle-table entries naming each object; internal counts
	// the references the kernel knows of besides handles.
	entries  map[*Object]int64
	internal map[*Object]int64
	// taken is each census's seq when the check listed it.
	taken map[*Machine]uint64
	errs  []error
	// report is the InvariantReport every hook of this check is given in turn.
	report InvariantReport
}

// reportFor readies c's report for the hook of o (nil: of a device) on m.
func (c *checker) reportFor(m *Machine, o *Object) *InvariantReport {
	r := &c.report
	r.m, r.obj, r.errs, r.waiters = m, o, r.errs[:0], r.waiters[:0]
	return r
}

func newChecker(n *Network, targets []*Machine) *checker {
	return &checker{net: n, targets: targets, all: n.Machines()}
}

func (c *checker) breach(m *Machine, subject, what string, expected, found any) {
	c.errs = append(c.errs, &Breach{Machine: m.name, Subject: subject, What: what, Expected: fmt.Sprint(expected), Found: fmt.Sprint(found)})
}

func (c *checker) isTarget(m *Machine) bool {
	for _, t := range c.targets {
		if t == m {
			return true
		}
	}
	return false
}

// alive reports whether o was in its machine's census when the check listed it or is
// still there: it was not deleted before the check began. (An object the check did not
// list, created since or on a removed machine, is alive until it is removed.)
func (c *checker) alive(o *Object) bool {
	removed := o.census.removed.Load()
	if removed == 0 {
		return true
	}
	taken, ok := c.taken[o.machine]
	return ok && removed > taken
}

func (c *checker) run() error {
	// 1. Every census, and the port bindings its objects hold.
	objs := make(map[*Machine][]*Object, len(c.all))
	c.taken = make(map[*Machine]uint64, len(c.all))
	total := 0
	for _, m := range c.all {
		objs[m], c.taken[m] = m.census.snapshot()
		total += len(objs[m])
	}
	c.entries = make(map[*Object]int64, total)
	c.internal = make(map[*Object]int64, total)
	for _, m := range c.all {
		for _, o := range objs[m] {
			if b := o.port.Load(); b != nil {
				c.internal[b.port]++
			}
		}
	}
	// 2. Every process's handle table and pending requests.
	for _, m := range c.all {
		for _, p := range m.procs.list() {
			c.process(m, p)
		}
	}
	// 3. Each target machine's objects, namespace and devices.
	for _, m := range c.targets {
		for _, o := range objs[m] {
			c.object(m, o)
		}
		c.namespace(m)
		c.devices(m)
	}
	return errors.Join(c.errs...)
}

// process counts p's handle-table entries and its pending requests' references, and
// checks that an exited p holds none.
func (c *checker) process(m *Machine, p *Process) {
	exited := p.State() == ProcessExited // read first: an exited process's table is closed and stays empty
	entries := p.handles.snapshot()
	report := c.isTarget(m)
	for _, e := range entries {
		c.entries[e.Object]++
		if report && !c.alive(e.Object) {
			c.breach(m, p.label(), "handle 0x"+strconv.FormatUint(uint64(e.Handle), 16)+" names a deleted object", "a live object", e.Object.String())
		}
	}
	if !exited {
		c.internal[p.obj]++ // the process table's "running" reference
	}
	if report && exited && len(entries) > 0 {
		c.breach(m, p.label(), "handles held by an exited process", 0, len(entries))
	}
	p.reqMu.Lock()
	pending := 0
	var completed int
	for r := range p.pending.all() {
		pending++
		if r.done.Load() {
			completed++
		}
		if r.file != nil {
			c.internal[r.file]++
		}
		if r.event != nil {
			c.internal[r.event]++
		}
	}
	p.reqMu.Unlock()
	if !report {
		return
	}
	if completed > 0 {
		c.breach(m, p.label(), "completed requests on the pending list", 0, completed)
	}
	if exited && pending > 0 {
		c.breach(m, p.label(), "pending requests of an exited process", 0, pending)
	}
}

// object checks one object's counts, its wait queue and its body's own invariants.
func (c *checker) object(m *Machine, o *Object) {
	handles, pointers := o.handles.Load(), o.pointers.Load()
	if want := c.entries[o]; handles != want {
		c.breach(m, o.String(), "handle count", strconv.FormatInt(want, 10)+" (handle-table entries naming it)", handles)
	}
	if handles < 0 {
		c.breach(m, o.String(), "handle count is negative", ">= 0", handles)
	}
	internal := c.internal[o]
	if s, ok := o.body.(Signaler); ok {
		internal += c.waitQueue(m, o, s) // each queued wait holds a reference on o
	}
	if min := max(handles, 0) + internal; pointers < max(min, 1) {
		c.breach(m, o.String(), "pointer count", ">= "+strconv.FormatInt(max(min, 1), 10)+" ("+strconv.FormatInt(handles, 10)+" handles + "+strconv.FormatInt(internal, 10)+" internal references; a listed object has one)", pointers)
	}
	if o.linked.Load() {
		c.linkedName(m, o)
	}
	if ic, ok := o.body.(InvariantChecker); ok {
		r := c.reportFor(m, o)
		ic.CheckInvariants(r)
		r.checkWaiters()
		c.errs = append(c.errs, r.errs...)
	}
}

// linkedName checks that a linked object is found under its own name.
func (c *checker) linkedName(m *Machine, o *Object) {
	m.nameMu.Lock()
	defer m.nameMu.Unlock()
	if !o.linked.Load() {
		return // unlinked since
	}
	v, rest, err := m.root.LookupMatch(o.Name(), namespace.CaseSensitive)
	if err != nil || rest != "" || v != any(o) {
		found := "nothing"
		if err == nil {
			found = fmt.Sprint(v)
		}
		c.breach(m, o.String(), "namespace entry of a linked object", "the object itself", found)
	}
}

// waitQueue checks the dispatcher wait blocks queued on s, o's body, and returns how
// many there are: each is a WaitFor*Object call holding a pointer reference on o.
func (c *checker) waitQueue(m *Machine, o *Object, s Signaler) int64 {
	type queued struct {
		proc       *Process
		satisfied  bool
		registered bool
	}
	var qs []queued
	m.LockDispatcher()
	for _, wb := range s.Header().waiters {
		q := queued{proc: wb.proc, satisfied: wb.result >= 0}
		for _, w := range wb.objs {
			if w == s {
				q.registered = true
			}
		}
		qs = append(qs, q)
	}
	m.UnlockDispatcher()
	for _, q := range qs {
		switch {
		case q.satisfied:
			c.breach(m, o.String(), "wait queue holds a satisfied wait", "only pending waits", "a satisfied one")
		case !q.registered:
			c.breach(m, o.String(), "wait queue holds a wait for other objects", "waits that name this object", "one that does not")
		case q.proc != nil && q.proc.State() == ProcessExited:
			c.breach(m, o.String(), "wait queue holds a wait of an exited process", "waits of live processes", "one of "+q.proc.label())
		}
	}
	return int64(len(qs))
}

// namespace checks every object in m's namespace.
func (c *checker) namespace(m *Machine) {
	m.nameMu.Lock()
	defer m.nameMu.Unlock()
	m.root.Scan(func(path *namespace.WalkPath, v any) bool {
		o, ok := v.(*Object)
		if !ok {
			return true
		}
		switch {
		case !c.alive(o):
			c.breach(m, o.String(), "directory entry "+path.String()+" names a deleted object", "a live object", "a deleted one")
		case !o.linked.Load():
			c.breach(m, o.String(), "directory entry "+path.String()+" names an unlinked object", "linked", "unlinked")
		case o.handles.Load() <= 0:
			c.breach(m, o.String(), "named temporary object without handles", ">= 1 handle", o.handles.Load())
		}
		return true
	})
}

// devices runs the InvariantChecker of each of m's devices.
func (c *checker) devices(m *Machine) {
	m.mu.Lock()
	names := make([]string, 0, len(m.devices))
	for name := range m.devices {
		names = append(names, name)
	}
	sort.Strings(names)
	devs := make([]Device, len(names))
	for i, name := range names {
		devs[i] = m.devices[name]
	}
	m.mu.Unlock()
	for _, d := range devs {
		if ic, ok := d.(InvariantChecker); ok {
			r := c.reportFor(m, nil)
			ic.CheckInvariants(r)
			r.checkWaiters()
			c.errs = append(c.errs, r.errs...)
		}
	}
}
