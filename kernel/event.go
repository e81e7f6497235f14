package kernel

import "github.com/winsim/winsim/namespace"

// An event is an NT event object (KEVENT): manual-reset (notification) or auto-reset
// (synchronization).
//
// Lifetime: created by CreateEvent with one handle; named events are opened by
// CreateEvent/OpenEvent of the same name while a handle exists. Last handle: the name
// leaves the namespace. Nothing else holds it. Events must not be copied.
type event struct {
	NoOps
	manual bool // immutable

	// hdr and signaled are protected by the network's dispatcher lock.
	hdr      DispatchHeader
	signaled bool
}

var _ Signaler = (*event)(nil)

// Header implements Signaler.
func (e *event) Header() *DispatchHeader { return &e.hdr }

// Signaled implements Signaler.
func (e *event) Signaled() bool { return e.signaled }

// Acquire implements Signaler: an auto-reset event releases one waiter and resets.
func (e *event) Acquire() {
	if !e.manual {
		e.signaled = false
	}
}

// Describe implements Describer.
func (e *event) Describe() string {
	kind := "auto-reset"
	if e.manual {
		kind = "manual-reset"
	}
	return kind
}

// CreateEvent creates an event (CreateEventW) and returns a handle with
// EVENT_ALL_ACCESS. name "" makes an unnamed event; otherwise the name follows the
// kernel-object rules ("x", "Global\x", "Local\x").
//
// As on Windows (and as x/sys/windows reports it), when a named event already exists
// the call returns a valid handle to it AND the error ERROR_ALREADY_EXISTS; the
// manualReset and initialState arguments are then ignored. A name held by an object
// of another type gives ERROR_INVALID_HANDLE (MS docs, CreateEventW).
func (p *Process) CreateEvent(sa *SecurityAttributes, manualReset, initialState bool, name string) (Handle, error) {
	return p.createEvent(sa, manualReset, initialState, name, EVENT_ALL_ACCESS)
}

func (p *Process) createEvent(sa *SecurityAttributes, manual, initial bool, name string, access Access) (Handle, error) {
	m := p.machine
	tok := p.Token()
	if name == "" {
		sd, err := NewObjectSecurity(EventType, tok, sa.Descriptor(), nil)
		if err != nil {
			return 0, err
		}
		o := m.NewObject(EventType, &event{manual: manual, signaled: initial})
		o.sd.Store(sd)
		defer o.DecRef()
		return p.NewHandle(o, access, sa.Inherit())
	}
	nt, err := namespace.ObjectName(name)
	if err != nil {
		return 0, Win32Error(err)
	}
	o := m.NewObject(EventType, &event{manual: manual, signaled: initial})
	defer o.DecRef()
	ex, err := m.createNamed(nt, o, tok, sa.Descriptor())
	if err != nil {
		return 0, err
	}
	// N.B. createNamed took a handle reference on o or ex; it moves into the table or
	// is dropped here.
	if ex == nil {
		return p.insertHandleRef(o, access, sa.Inherit())
	}
	if ex.typ != EventType {
		ex.dropHandleRef(p)
		return 0, ERROR_INVALID_HANDLE
	}
	// Opening the existing event is an open like OpenEvent's, checked against its
	// descriptor (MS docs, CreateEventW: the call requests EVENT_ALL_ACCESS).
	if access, err = ex.openAccess(tok, access); err != nil {
		ex.dropHandleRef(p)
		return 0, err
	}
	h, err := p.insertHandleRef(ex, access, sa.Inherit())
	if err != nil {
		return 0, err
	}
	return h, ERROR_ALREADY_EXISTS
}

// OpenEvent opens an existing named event (OpenEventW) with the requested access
// (generic rights allowed). No such name gives ERROR_FILE_NOT_FOUND; a name held by
// another type ERROR_INVALID_HANDLE. So does an empty name: kernel32 opens it relative
// to the BaseNamedObjects directory, which is then the object opened, and it is not an
// event (Wine dlls/ntdll/tests/om.c test_name_limits: NtOpenEvent with a zero-length
// name gives STATUS_OBJECT_TYPE_MISMATCH). Only a NULL name, which a Go string cannot
// express, gives ERROR_INVALID_PARAMETER (Wine dlls/kernel32/tests/sync.c test_event).
// The event's descriptor is checked against the caller's token: ERROR_ACCESS_DENIED
// when it does not grant the access (AccessCheck; docs/security.md).
func (p *Process) OpenEvent(access Access, inherit bool, name string) (Handle, error) {
	return p.openEvent(p.Token(), access, inherit, name)
}

func (p *Process) openEvent(tok *Token, access Access, inherit bool, name string) (Handle, error) {
	if name == "" {
		return 0, ERROR_INVALID_HANDLE
	}
	nt, err := namespace.ObjectName(name)
	if err != nil {
		return 0, Win32Error(err)
	}
	if _, err := EventType.grant(access); err != nil {
		return 0, err
	}
	o, err := p.machine.openNamed(nt)
	if err != nil {
		return 0, err
	}
	if o.typ != EventType {
		o.dropHandleRef(p)
		return 0, ERROR_INVALID_HANDLE
	}
	granted, err := o.openAccess(tok, access)
	if err != nil {
		o.dropHandleRef(p)
		return 0, err
	}
	return p.insertHandleRef(o, granted, inherit)
}

// eventOp references an event handle with EVENT_MODIFY_STATE and runs fn under the
// dispatcher lock.
func (p *Process) eventOp(h Handle, fn func(m *Machine, e *event)) error {
	o, _, err := p.Reference(h, EVENT_MODIFY_STATE, EventType)
	if err != nil {
		return err
	}
	defer o.DecRef()
	m := o.machine
	m.LockDispatcher()
	fn(m, o.body.(*event))
	m.UnlockDispatcher()
	return nil
}

// SetEvent signals the event (SetEvent). A manual-reset event releases every waiter
// and stays signalled; an auto-reset event releases one waiter, or stays signalled
// until one comes.
func (p *Process) SetEvent(h Handle) error {
	return p.eventOp(h, func(m *Machine, e *event) {
		e.signaled = true
		m.WaitTestLocked(e)
	})
}

// ResetEvent makes the event non-signalled (ResetEvent).
func (p *Process) ResetEvent(h Handle) error {
	return p.eventOp(h, func(_ *Machine, e *event) { e.signaled = false })
}

// PulseEvent signals the event, releases the waiters that are waiting at this moment
// (all of them for a manual-reset event, one for an auto-reset event), and resets it
// (PulseEvent). MS docs call it unreliable because of kernel-mode APCs; winsim has
// none, so it is exact here.
func (p *Process) PulseEvent(h Handle) error {
	return p.eventOp(h, func(m *Machine, e *event) {
		e.signaled = true
		m.WaitTestLocked(e)
		e.signaled = false
	})
}
