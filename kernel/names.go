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
//
// Before a new o is linked it gets its descriptor, computed from the directory it is
// created in (its creator creator, its SECURITY_ATTRIBUTES descriptor explicit; see
// directorySecurity), and the creator must have DIRECTORY_CREATE_OBJECT on that
// directory (ERROR_ACCESS_DENIED). An existing name is opened without that check, as
// NT's open-if does.
func (m *Machine) createNamed(nt string, o *Object, creator *Token, explicit *SecurityDescriptor) (existing *Object, err error) {
	m.nameMu.Lock()
	defer m.nameMu.Unlock()
	for {
		// Named kernel objects compare names case-sensitively (MS docs CreateEventExW:
		// "Name comparison is case sensitive"; Wine ntdll/tests/om.c test_case_sensitive).
		parent, leaf, resolved, err := m.root.ParentOf(nt, namespace.CaseSensitive)
		if err != nil {
			if errors.Is(err, namespace.ErrNameCollision) {
				return nil, ERROR_INVALID_HANDLE // the root directory itself
			}
			return nil, Win32Error(err)
		}
		// The name is taken first: a name in use is opened (NT's open-if) without the
		// directory's create check. o stays unreachable until nameMu is released (every
		// lookup of a named object holds it), so its descriptor is set before anyone can
		// open it, and it leaves again if the check fails.
		if err := parent.Link(resolved, leaf, o, namespace.CaseSensitive); err != nil {
			var ce *namespace.CollisionError
			if !errors.As(err, &ce) {
				return nil, Win32Error(err)
			}
			ex, isObj := ce.Existing.(*Object)
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
			continue
		}
		sd, err := newChildSecurity(parent, o.typ, false, creator, explicit, DIRECTORY_CREATE_OBJECT)
		if err != nil {
			m.root.Remove(resolved, o)
			return nil, err
		}
		o.sd.Store(sd)
		o.SetName(resolved)
		o.addHandleRef()
		o.linked.Store(true)
		m.traceObject(EvObjectNamed, 0, 0, o, 0) // o's name is resolved now
		return nil, nil
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
