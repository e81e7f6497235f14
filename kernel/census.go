package kernel

import (
	"cmp"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
)

// census keeps every live object of a machine, so views can list what exists and
// tests can prove nothing leaked (gVisor's liveObjects, Wine's DEBUG_OBJECTS list).
// The objects are chained through their census links in the order they were listed,
// which is almost always their IDs' order, so that list, which the self-check calls
// after every call of a fuzzed sequence, walks a chain and seldom sorts.
type census struct {
	mu sync.Mutex
	// head and tail are the first and last object listed; n counts the chain.
	// +checklocks:mu
	head, tail *Object
	// +checklocks:mu
	n int
	// seq counts the additions and removals; a removed object keeps the count its
	// removal made (censusLinks.removed), so a snapshot taken at seq s can tell an
	// object removed since (removed > s) from one removed before.
	// +checklocks:mu
	seq uint64
}

// censusLinks chain an object into its machine's census; prev and next are guarded
// by census.mu. (An object is listed when it is the chain's head or has a prev; no
// flag says so, which keeps an Object within 112 bytes.)
type censusLinks struct {
	prev, next *Object
	// removed is the census's seq at the object's removal, 0 until then; read
	// without the lock.
	removed atomic.Uint64
}

// listedLocked reports whether o is in c's chain.
// Preconditions: c.mu is held.
func (c *census) listedLocked(o *Object) bool { return o.census.prev != nil || c.head == o }

func (c *census) add(o *Object) {
	c.mu.Lock()
	l := &o.census
	l.prev, l.next = c.tail, nil
	if c.tail != nil {
		c.tail.census.next = o
	} else {
		c.head = o
	}
	c.tail = o
	c.n++
	c.seq++
	c.mu.Unlock()
}

func (c *census) remove(o *Object) {
	c.mu.Lock()
	if l := &o.census; c.listedLocked(o) {
		if l.prev != nil {
			l.prev.census.next = l.next
		} else {
			c.head = l.next
		}
		if l.next != nil {
			l.next.census.prev = l.prev
		} else {
			c.tail = l.prev
		}
		l.prev, l.next = nil, nil
		c.n--
		c.seq++
		l.removed.Store(c.seq)
	}
	c.mu.Unlock()
}

// has reports whether o is listed (it has not been deleted).
func (c *census) has(o *Object) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.listedLocked(o)
}

// list returns the listed objects by ID.
func (c *census) list() []*Object {
	objs, _ := c.snapshot()
	return objs
}

// snapshot returns the listed objects by ID and the census's seq when it took them:
// an object of the list whose removed count is above seq was removed since.
func (c *census) snapshot() ([]*Object, uint64) {
	c.mu.Lock()
	objs := make([]*Object, 0, c.n)
	for o := c.head; o != nil; o = o.census.next {
		objs = append(objs, o)
	}
	seq := c.seq
	c.mu.Unlock()
	byID := func(a, b *Object) int { return cmp.Compare(a.id, b.id) }
	if !slices.IsSortedFunc(objs, byID) {
		slices.SortFunc(objs, byID)
	}
	return objs, seq
}

// ObjectInfo describes one live object.
type ObjectInfo struct {
	ID       ObjectID
	Type     string
	Name     string
	Handles  int64
	Pointers int64
	Detail   string // from the body's Describer, if any
	// Security is the object's owner and DACL in SDDL, with m's own SIDs written as
	// their aliases ("" when it has no descriptor).
	Security string
	Object   *Object
}

// HandleView describes one handle-table entry.
type HandleView struct {
	Handle   Handle
	ObjectID ObjectID
	Type     string
	Name     string
	Granted  Access
	Inherit  bool
	Protect  bool
}

// ProcessInfo describes one process and its handle table.
type ProcessInfo struct {
	PID       uint32
	ParentPID uint32
	Name      string
	State     ProcessState
	ExitCode  uint32
	Handles   []HandleView
}

// Census is a snapshot of what a machine's kernel holds.
type Census struct {
	Machine   string
	Domain    string
	Objects   []ObjectInfo  // by ID
	Processes []ProcessInfo // by PID, including exited processes whose objects live on
}

// Census takes a snapshot of m's objects and handle tables. It is consistent per
// table and per object, not across them while other goroutines run.
func (m *Machine) Census() Census {
	c := Census{Machine: m.name, Domain: m.Domain()}
	for _, o := range m.census.list() {
		info := ObjectInfo{ID: o.id, Type: o.typ.Name, Name: o.Name(), Handles: o.HandleCount(), Pointers: o.PointerCount(), Object: o}
		if d, ok := o.body.(Describer); ok {
			info.Detail = d.Describe()
		}
		info.Security = m.FormatSDDL(o.security().Load(), OWNER_SECURITY_INFORMATION|DACL_SECURITY_INFORMATION)
		c.Objects = append(c.Objects, info)
	}
	for _, p := range m.procs.list() {
		pi := ProcessInfo{PID: p.pid, ParentPID: p.parentPID, Name: p.name, State: p.State(), ExitCode: p.ExitCode()}
		for _, h := range p.handles.snapshot() {
			pi.Handles = append(pi.Handles, HandleView{
				Handle: h.Handle, ObjectID: h.Object.id, Type: h.Object.typ.Name, Name: h.Object.Name(),
				Granted: h.Granted, Inherit: h.Attrs&HANDLE_FLAG_INHERIT != 0, Protect: h.Attrs&HANDLE_FLAG_PROTECT_FROM_CLOSE != 0,
			})
		}
		c.Processes = append(c.Processes, pi)
	}
	return c
}

// Leaks describes what m holds beyond a clean machine, one line per item: every handle
// held by a process other than System, and every object other than the process
// objects of processes still in the process table. A test that closed what it opened
// and ended or drained its processes sees none.
func (m *Machine) Leaks() []string {
	var out []string
	c := m.Census()
	procObjs := make(map[ObjectID]bool)
	for _, p := range c.Processes {
		if p.PID == m.system.pid {
			procObjs[m.system.obj.id] = true
			continue
		}
		if pr := m.procs.ref(p.PID); pr != nil {
			procObjs[pr.obj.id] = pr.State() != ProcessExited || len(p.Handles) == 0
			pr.obj.DecRef()
		}
		for _, h := range p.Handles {
			out = append(out, fmtLeak("handle", p, h))
		}
	}
	for _, o := range c.Objects {
		if o.Type == ProcessType.Name && o.Handles == 0 && procObjs[o.ID] {
			continue
		}
		line := "object " + strconv.Itoa(int(o.ID)) + " " + o.Type
		if o.Name != "" {
			line += " " + o.Name
		}
		if o.Detail != "" {
			line += " (" + o.Detail + ")"
		}
		line += " handles=" + strconv.Itoa(int(o.Handles)) + " pointers=" + strconv.Itoa(int(o.Pointers))
		out = append(out, line)
	}
	return out
}

func fmtLeak(kind string, p ProcessInfo, h HandleView) string {
	s := kind + " pid " + strconv.Itoa(int(p.PID)) + " (" + p.Name + ") " + "0x" + strconv.FormatUint(uint64(h.Handle), 16) + " -> " + h.Type + " object " + strconv.Itoa(int(h.ObjectID))
	if h.Name != "" {
		s += " " + h.Name
	}
	return s
}
