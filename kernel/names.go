package kernel

import (
	"errors"

	"github.com/winsim/winsim/namespace"
)

// This file holds named kernel objects: inserting an object under a name with NT's
// open-if outcome, opening one by name, and unlinking a temporary object's name when
// its last handle closes. All three run under Machine.nameMu, so a name is never
// half-inserted or reopened while it is being unlinked.

// createNamed gives o the name nt and inserts it, or, when a live object already has
// that name, returns that object. Either way the object returned (existing, or o when
// existing is nil) has a handle reference taken that the caller must give to a handle
// (insertHandleRef) or drop; the caller checks existing's type. The reference on a new
// o is taken here, under nameMu, so that a concurrent create or open of the same name
// never sees o without handles and takes it for an object whose last handle is closing.
func (m *Machine) createNamed(nt string, o *Object) (existing *Object, err error) {
	m.nameMu.Lock()
	defer m.nameMu.Unlock()
	for {
		// Named kernel objects compare names case-sensitively (MS docs CreateEventExW:
		// "Name comparison is case sensitive"; Wine ntdll/tests/om.c test_case_sensitive).
		resolved, v, err := m.root.InsertResolved(nt, o, namespace.CaseSensitive)
		if err == nil {
			o.SetName(resolved)
			o.addHandleRef()
			o.linked.Store(true)
			m.emit(TraceEvent{Kind: EvObjectNamed, Object: o.id, Type: o.typ.Name, Name: resolved})
			return nil, nil
		}
		if !errors.Is(err, namespace.ErrNameCollision) {
			return nil, Win32Error(err)
		}
		ex, isObj := v.(*Object)
		if !isObj {
			// A directory, symbolic link or device holds the name (NT:
			// STATUS_OBJECT_TYPE_MISMATCH).
			return nil, ERROR_INVALID_HANDLE
		}
		if ex.tryAddHandleRef() {
			return ex, nil
		}
		// The holder's last handle is closing; its name is ours to take.
		m.root.Remove(ex.Name(), ex)
		ex.linked.Store(false)
	}
}

// openNamed finds the live object named nt and takes a handle reference on it.
func (m *Machine) openNamed(nt string) (*Object, error) {
	m.nameMu.Lock()
	defer m.nameMu.Unlock()
	v, rest, err := m.root.LookupMatch(nt, namespace.CaseSensitive)
	if err != nil {
		return nil, Win32Error(err)
	}
	o, ok := v.(*Object)
	if !ok {
		return nil, ERROR_INVALID_HANDLE
	}
	if rest != "" {
		return nil, ERROR_PATH_NOT_FOUND
	}
	if !o.tryAddHandleRef() {
		return nil, ERROR_FILE_NOT_FOUND
	}
	return o, nil
}

// unlinkName removes a temporary object's name when its last handle has closed.
func (m *Machine) unlinkName(o *Object) {
	if !o.linked.Load() {
		return
	}
	m.nameMu.Lock()
	defer m.nameMu.Unlock()
	if o.linked.CompareAndSwap(true, false) {
		m.root.Remove(o.Name(), o)
	}
}
