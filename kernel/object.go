package kernel

import (
	"fmt"
	"strconv"
	"sync/atomic"
)

// ObjectID identifies an object within its machine for views and traces. IDs are
// assigned in creation order and never reused by a machine.
type ObjectID uint64

// An Object is the header of a kernel object, analogous to NT's OBJECT_HEADER (Wine:
// struct object): its type, optional name, handle count and pointer count, and the
// type-specific body.
//
// Lifetime: created by a type's constructor (Machine.NewObject) holding one pointer
// reference that the creator owns. Every handle holds one handle reference and one
// pointer reference (PointerCount counts both, as NT's does); internal users (a pending
// read, the other end of a pipe, the machine's reference to a running process) hold
// pointer references only. When the handle count falls to zero the body's Close runs
// and a temporary named object leaves the namespace; when the pointer count falls to
// zero the body's Delete runs and the object leaves the census. Each happens exactly
// once. Objects must not be copied.
type Object struct {
	_ noCopy

	// Immutable after NewObject.
	typ     *Type
	body    Ops
	machine *Machine
	id      ObjectID

	// Accessed atomically.
	handles  atomic.Int64
	pointers atomic.Int64

	// File objects only (overlapped.go, completion_port.go): the I/O modes of the
	// open and SetFileCompletionNotificationModes, and the completion port the file
	// is associated with (set once). Accessed atomically.
	ioMode atomic.Uint32

	// linked records whether the object is in the object directory (file objects are
	// named for display only and never are). Set and cleared under Machine.nameMu;
	// accessed atomically. (Beside ioMode: the two 4-byte words share 8 bytes.)
	linked atomic.Bool

	port atomic.Pointer[portBinding]

	// census chains the object into its machine's census (census.go); under
	// census.mu.
	census censusLinks

	// name is the object's NT path, or "" when unnamed. It is set once, before the
	// object is published, or under Machine.nameMu, and cleared under Machine.nameMu
	// when the object leaves the namespace.
	name atomic.Pointer[string]

	// sd is the object's security descriptor (nil: none, everyone may open it). It is
	// set before the object is published and replaced whole by SetSecurityInfo; the
	// descriptor it points to is never changed.
	sd atomic.Pointer[SecurityDescriptor]
}

type noCopy struct{}

func (*noCopy) Lock()   {}
func (*noCopy) Unlock() {}

// NewObject creates an object of type t with body b on machine m. The caller owns the
// one pointer reference it is returned with and must release it with DecRef (usually
// after giving the object a handle).
func (m *Machine) NewObject(t *Type, b Ops) *Object {
	o := m.newUnlistedObject(t, b)
	m.listObject(o)
	return o
}

// newUnlistedObject creates an object the census does not list yet, for a body that
// must finish its own setup (a process's PID) before views may describe it; the
// caller lists it with listObject before anything else can find it.
func (m *Machine) newUnlistedObject(t *Type, b Ops) *Object {
	o := &Object{typ: t, body: b, machine: m}
	o.id = ObjectID(m.nextObjectID.Add(1))
	o.pointers.Store(1)
	return o
}

// listObject enters o in the census and traces its creation.
func (m *Machine) listObject(o *Object) {
	m.census.add(o)
	m.traceObject(EvObjectCreated, 0, 0, o, 0)
}

// Type returns the object's type.
func (o *Object) Type() *Type { return o.typ }

// Body returns the type-specific body. File systems downcast it through one typed
// accessor per package.
func (o *Object) Body() Ops { return o.body }

// Machine returns the machine the object lives on.
func (o *Object) Machine() *Machine { return o.machine }

// ID returns the object's census identifier.
func (o *Object) ID() ObjectID { return o.id }

// Name returns the object's NT name, or "" when it has none.
func (o *Object) Name() string {
	if p := o.name.Load(); p != nil {
		return *p
	}
	return ""
}

// SetName records the object's NT path for views. Named kernel objects get it from
// the object manager; file systems call it for the file objects they create (a
// pipe end is named \Device\NamedPipe\x), which do not enter the object directory.
func (o *Object) SetName(nt string) { o.name.Store(&nt) }

// HandleCount and PointerCount report the counts for views and tests.
func (o *Object) HandleCount() int64 { return o.handles.Load() }

// PointerCount reports the pointer count, which includes one for every handle.
func (o *Object) PointerCount() int64 { return o.pointers.Load() }

func (o *Object) String() string {
	s := o.typ.Name + "#" + strconv.FormatUint(uint64(o.id), 10)
	if n := o.Name(); n != "" {
		s += "(" + n + ")"
	}
	return s
}

// IncRef adds a pointer reference. The caller must already hold one.
func (o *Object) IncRef() {
	if o.pointers.Add(1) <= 1 {
		panic(fmt.Sprintf("kernel: IncRef of dead object %v", o))
	}
}

// tryIncRef adds a pointer reference unless the last one is already gone (Delete has
// run or is running); it reports whether it did.
func (o *Object) tryIncRef() bool {
	for {
		n := o.pointers.Load()
		if n <= 0 {
			return false
		}
		if o.pointers.CompareAndSwap(n, n+1) {
			return true
		}
	}
}

// DecRef drops a pointer reference; the last one runs Delete.
func (o *Object) DecRef() {
	n := o.pointers.Add(-1)
	switch {
	case n > 0:
		return
	case n < 0:
		panic(fmt.Sprintf("kernel: DecRef below zero on %v", o))
	}
	if h := o.handles.Load(); h != 0 {
		panic(fmt.Sprintf("kernel: %v deleted with %d handles", o, h))
	}
	o.body.Delete(o)
	o.releasePort()
	o.machine.census.remove(o)
	o.machine.traceObject(EvObjectDeleted, 0, 0, o, 0)
}

// addHandleRef adds one handle reference and its pointer reference. The caller must
// hold a pointer reference (so the object cannot die under it).
func (o *Object) addHandleRef() {
	o.pointers.Add(1)
	o.handles.Add(1)
}

// tryAddHandleRef adds a handle reference unless the handle count already reached zero
// (the object is closing: NT's open of a name whose object is going away fails).
//
// The pointer reference is taken first, as addHandleRef does: were the handle count
// raised first, a concurrent close of the last other handle could drop the last
// pointer reference in between and delete an object that has a handle.
func (o *Object) tryAddHandleRef() bool {
	if !o.tryIncRef() {
		return false
	}
	for {
		n := o.handles.Load()
		if n <= 0 {
			o.DecRef()
			return false
		}
		if o.handles.CompareAndSwap(n, n+1) {
			return true
		}
	}
}

// dropHandleRef drops one handle reference; the last one runs Close (and leaves the
// namespace) before the pointer reference goes. Preconditions: no kernel locks held.
func (o *Object) dropHandleRef(by *Process) {
	if n := o.handles.Add(-1); n == 0 {
		o.machine.unlinkName(o)
		o.body.Close(o, by)
	} else if n < 0 {
		panic(fmt.Sprintf("kernel: handle count below zero on %v", o))
	}
	o.DecRef()
}
