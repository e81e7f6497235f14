package kernel

import (
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
)

// TraceKind says what a trace event records.
type TraceKind int

// Trace event kinds. File systems use EvDevice with a Detail of their own
// ("message queued", "pipe connected", …).
const (
	EvObjectCreated TraceKind = iota + 1
	EvObjectNamed
	EvObjectDeleted
	EvHandleOpened
	EvHandleInherited
	EvHandleDuplicated
	EvHandleClosed
	EvProcessCreated
	EvProcessExited
	EvWaitSatisfied
	EvMachineAdded
	EvMachineRemoved
	EvDevice
)

var traceKindNames = [...]string{
	EvObjectCreated:    "object-created",
	EvObjectNamed:      "object-named",
	EvObjectDeleted:    "object-deleted",
	EvHandleOpened:     "handle-opened",
	EvHandleInherited:  "handle-inherited",
	EvHandleDuplicated: "handle-duplicated",
	EvHandleClosed:     "handle-closed",
	EvProcessCreated:   "process-created",
	EvProcessExited:    "process-exited",
	EvWaitSatisfied:    "wait-satisfied",
	EvMachineAdded:     "machine-added",
	EvMachineRemoved:   "machine-removed",
	EvDevice:           "device",
}

func (k TraceKind) String() string {
	if k > 0 && int(k) < len(traceKindNames) {
		return traceKindNames[k]
	}
	return fmt.Sprintf("TraceKind(%d)", int(k))
}

// A TraceEvent records one state change. Fields that do not apply are zero.
type TraceEvent struct {
	Seq     uint64 // network-wide order
	Machine string
	Kind    TraceKind
	PID     uint32
	Handle  Handle
	Object  ObjectID
	Type    string
	Name    string
	Access  Access
	Detail  string
}

func (e TraceEvent) String() string {
	s := fmt.Sprintf("#%d %s %s", e.Seq, e.Machine, e.Kind)
	if e.PID != 0 {
		s += fmt.Sprintf(" pid=%d", e.PID)
	}
	if e.Handle != 0 {
		s += fmt.Sprintf(" handle=%#x", uintptr(e.Handle))
	}
	if e.Object != 0 {
		s += fmt.Sprintf(" obj=%d", e.Object)
	}
	if e.Type != "" {
		s += " type=" + e.Type
	}
	if e.Name != "" {
		s += fmt.Sprintf(" name=%q", e.Name)
	}
	if e.Access != 0 {
		s += fmt.Sprintf(" access=%#x", uint32(e.Access))
	}
	if e.Detail != "" {
		s += " " + e.Detail
	}
	return s
}

// tracer fans events out to subscribers. Subscribers run synchronously, possibly with
// kernel locks held: they must not call back into winsim, and should be quick.
type tracer struct {
	n   atomic.Int32 // subscribers, so emit costs one load when nobody listens
	seq atomic.Uint64
	mu  sync.RWMutex
	// +checklocks:mu
	subs map[int]func(TraceEvent)
	// +checklocks:mu
	next int
}

// Subscribe calls fn for every trace event of every machine in the network, in order,
// until the returned cancel function is called. fn runs synchronously and may be
// called with kernel locks held: it must not call winsim.
func (n *Network) Subscribe(fn func(TraceEvent)) (cancel func()) {
	t := &n.trace
	t.mu.Lock()
	if t.subs == nil {
		t.subs = make(map[int]func(TraceEvent))
	}
	id := t.next
	t.next++
	t.subs[id] = fn
	t.n.Add(1)
	t.mu.Unlock()
	var once sync.Once
	return func() {
		once.Do(func() {
			t.mu.Lock()
			delete(t.subs, id)
			t.n.Add(-1)
			t.mu.Unlock()
		})
	}
}

// Tracing reports whether anyone listens, so callers can skip building details.
func (m *Machine) Tracing() bool { return m.network.trace.n.Load() > 0 }

// Emit records a trace event for m. File systems use it with EvDevice.
func (m *Machine) Emit(ev TraceEvent) { m.emit(ev) }

// traceObject traces kind for o (a handle h of process pid, or 0 and 0 for the object
// itself). The event is built only while someone is tracing: handle opens and closes
// are hot paths.
func (m *Machine) traceObject(kind TraceKind, pid uint32, h Handle, o *Object, access Access) {
	if !m.Tracing() {
		return
	}
	m.emit(TraceEvent{Kind: kind, PID: pid, Handle: h, Object: o.id, Type: o.typ.Name, Name: o.Name(), Access: access})
}

// traceDuplicated traces a DuplicateHandle that made h in dst from srcHandle of src
// (closed: with DUPLICATE_CLOSE_SOURCE), built only while someone is tracing.
func (m *Machine) traceDuplicated(dst, src *Process, h, srcHandle Handle, o *Object, access Access, closed bool) {
	if !m.Tracing() {
		return
	}
	detail := "from pid " + strconv.Itoa(int(src.pid)) + " handle 0x" + strconv.FormatUint(uint64(srcHandle), 16)
	if closed {
		detail += ", closed"
	}
	m.emit(TraceEvent{Kind: EvHandleDuplicated, PID: dst.pid, Handle: h, Object: o.id, Type: o.typ.Name, Name: o.Name(), Access: access, Detail: detail})
}

func (m *Machine) emit(ev TraceEvent) {
	t := &m.network.trace
	if t.n.Load() == 0 {
		return
	}
	t.mu.RLock()
	defer t.mu.RUnlock()
	ev.Seq = t.seq.Add(1)
	ev.Machine = m.name
	for i := 0; i < t.next; i++ {
		if fn, ok := t.subs[i]; ok {
			fn(ev)
		}
	}
}
