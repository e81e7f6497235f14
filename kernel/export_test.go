package kernel

import "github.com/winsim/winsim/namespace"

// This file gives the self-check's tests (check_test.go) ways to break the state Check
// verifies, which no public call can. Each returns a function that puts things back,
// so the test's cleanup (and its leak check) sees a sound machine again.

// CorruptHandleCount adds delta to o's handle count without touching any table.
func CorruptHandleCount(o *Object, delta int64) (restore func()) {
	o.handles.Add(delta)
	return func() { o.handles.Add(-delta) }
}

// CorruptPointerCount adds delta to o's pointer count.
func CorruptPointerCount(o *Object, delta int64) (restore func()) {
	o.pointers.Add(delta)
	return func() { o.pointers.Add(-delta) }
}

// Unlist takes o out of its machine's census, as Delete does, leaving everything that
// names it in place.
func Unlist(o *Object) (restore func()) {
	o.machine.census.remove(o)
	return func() { o.machine.census.add(o) }
}

// LinkWithoutHandle enters o in m's namespace under the kernel-object name name,
// linked, without giving it a handle.
func LinkWithoutHandle(m *Machine, name string, o *Object) (restore func(), err error) {
	nt, err := namespace.ObjectName(name)
	if err != nil {
		return nil, err
	}
	m.nameMu.Lock()
	defer m.nameMu.Unlock()
	resolved, _, err := m.root.InsertResolved(nt, o, namespace.CaseSensitive)
	if err != nil {
		return nil, err
	}
	o.SetName(resolved)
	o.linked.Store(true)
	return func() {
		m.nameMu.Lock()
		defer m.nameMu.Unlock()
		m.root.Remove(resolved, o)
		o.linked.Store(false)
	}, nil
}

// SetLinked sets o's linked flag without entering it in the namespace.
func SetLinked(o *Object, linked bool) (restore func()) {
	was := o.linked.Swap(linked)
	return func() { o.linked.Store(was) }
}

// InjectHandle puts a handle to o in p's table even when the table is closed (p has
// exited), with the handle and pointer references a handle holds.
func InjectHandle(p *Process, o *Object) (h Handle, restore func()) {
	t := p.handles
	t.mu.Lock()
	a := t.slots.Load()
	if a == nil || len(a.s) == 0 {
		a = t.growLocked(1)
	}
	a.s[0].Store(&handleEntry{obj: o, granted: FILE_ALL_ACCESS})
	t.count++
	t.mu.Unlock()
	o.handles.Add(1)
	o.pointers.Add(1)
	return indexHandle(0), func() {
		t.mu.Lock()
		t.slots.Load().s[0].Store(nil)
		t.count--
		t.mu.Unlock()
		o.handles.Add(-1)
		o.pointers.Add(-1)
	}
}

// QueueWait queues a wait block of p on o's dispatcher header (o's body must be a
// Signaler), with the pointer reference a waiting call holds: satisfied, or registered
// for other objects when foreign.
func QueueWait(o *Object, p *Process, satisfied, foreign bool) (restore func()) {
	s := o.body.(Signaler)
	wb := &waitBlock{objs: []Signaler{s}, result: -1, done: make(chan struct{}), proc: p, pid: p.pid}
	if satisfied {
		wb.result = 0
	}
	if foreign {
		wb.objs = []Signaler{&alwaysSignaled{}}
	}
	m := o.machine
	o.IncRef()
	m.LockDispatcher()
	h := s.Header()
	h.waiters = append(h.waiters, wb)
	m.UnlockDispatcher()
	return func() {
		defer o.DecRef()
		m.LockDispatcher()
		for i, w := range h.waiters {
			if w == wb {
				h.waiters = append(h.waiters[:i], h.waiters[i+1:]...)
				break
			}
		}
		m.UnlockDispatcher()
	}
}

// ListRequest enters a request of p on file in p's pending list, completed or not,
// bypassing Pend (which refuses an exiting process).
func ListRequest(p *Process, file *Object, completed bool) (restore func()) {
	r := &Request{process: p, file: file, wake: make(chan struct{}, 1)}
	r.done.Store(completed)
	p.reqMu.Lock()
	p.listLocked(r)
	p.reqMu.Unlock()
	if file != nil {
		file.pointers.Add(1)
	}
	return func() {
		r.unlist()
		if file != nil {
			file.pointers.Add(-1)
		}
	}
}

// NewDoneRequest returns a request of p that has completed, for a file system's
// queue in a test.
func NewDoneRequest(p *Process) *Request {
	r := &Request{process: p, wake: make(chan struct{}, 1)}
	r.done.Store(true)
	return r
}

// NewPendingRequest returns a request of p that has not completed and is on no list.
func NewPendingRequest(p *Process) *Request {
	return &Request{process: p, wake: make(chan struct{}, 1)}
}
