package kernel

// This file holds the handle calls: reference (the one place that checks a handle),
// CloseHandle, Get/SetHandleInformation and DuplicateHandle.

// DuplicateHandle options (DUPLICATE_*).
const (
	DUPLICATE_CLOSE_SOURCE uint32 = 0x1
	DUPLICATE_SAME_ACCESS  uint32 = 0x2
)

// Reference returns the object h refers to, with a pointer reference the caller must
// drop with DecRef, and the access the handle grants. It checks, in this order (NT's
// ObReferenceObjectByHandle, Wine's get_handle_obj): the handle is valid
// (ERROR_INVALID_HANDLE), the object is of type t (ERROR_INVALID_HANDLE, NT's
// STATUS_OBJECT_TYPE_MISMATCH; t == nil accepts any type), and the handle grants every
// right in want (ERROR_ACCESS_DENIED). The type comes before the access: Wine's
// dlls/ntdll/tests/om.c test_type_mismatch gets STATUS_OBJECT_TYPE_MISMATCH, not
// STATUS_ACCESS_DENIED, from NtReleaseSemaphore on an event handle with no access.
//
// The pseudo-handle CurrentProcess (-1) refers to p itself with PROCESS_ALL_ACCESS,
// while p's process object exists: once p has exited and the last handle to it is gone,
// it refers to nothing (ERROR_INVALID_HANDLE).
func (p *Process) Reference(h Handle, want Access, t *Type) (*Object, Access, error) {
	var e handleEntry
	if h == CurrentProcess {
		if !p.obj.tryIncRef() {
			return nil, 0, ERROR_INVALID_HANDLE
		}
		e = handleEntry{obj: p.obj, granted: PROCESS_ALL_ACCESS}
	} else {
		pe, ok := p.handles.lookup(h)
		if !ok {
			return nil, 0, ERROR_INVALID_HANDLE
		}
		e = *pe
	}
	if t != nil && e.obj.typ != t {
		e.obj.DecRef()
		return nil, 0, ERROR_INVALID_HANDLE
	}
	if !e.granted.Has(want) {
		e.obj.DecRef()
		return nil, 0, ERROR_ACCESS_DENIED
	}
	return e.obj, e.granted, nil
}

// NewHandle gives p a handle to o with the granted access and the inherit flag. It adds
// a handle reference; the caller keeps whatever reference it held.
func (p *Process) NewHandle(o *Object, granted Access, inherit bool) (Handle, error) {
	o.addHandleRef()
	return p.insertHandleRef(o, granted, inherit)
}

// insertHandleRef puts o, on which the caller already took a handle reference, into p's
// table and traces the new handle; on failure the reference is dropped.
func (p *Process) insertHandleRef(o *Object, granted Access, inherit bool) (Handle, error) {
	h, err := p.insertRef(o, granted, inheritAttrs(inherit))
	if err != nil {
		return 0, err
	}
	p.machine.traceObject(EvHandleOpened, p.pid, h, o, granted)
	return h, nil
}

// insertRef puts o, on which the caller already took a handle reference, into p's table
// without tracing it; on failure the reference is dropped. Every new handle goes
// through it.
func (p *Process) insertRef(o *Object, granted Access, attrs uint32) (Handle, error) {
	h, err := p.handles.insert(handleEntry{obj: o, granted: granted, attrs: attrs})
	if err != nil {
		o.dropHandleRef(p)
		return 0, err
	}
	return h, nil
}

// inheritAttrs returns the handle attributes for a call's inherit flag.
func inheritAttrs(inherit bool) uint32 {
	if inherit {
		return HANDLE_FLAG_INHERIT
	}
	return 0
}

// CloseHandle closes h (CloseHandle). An invalid or already closed handle, and a
// handle marked HANDLE_FLAG_PROTECT_FROM_CLOSE, give ERROR_INVALID_HANDLE (NT:
// STATUS_INVALID_HANDLE, STATUS_HANDLE_NOT_CLOSABLE). Closing the pseudo-handle
// CurrentProcess succeeds and does nothing, as MS docs for GetCurrentProcess say.
func (p *Process) CloseHandle(h Handle) error {
	if h == CurrentProcess || h == CurrentThread {
		return nil
	}
	e, err := p.handles.remove(h, nil)
	if err != nil {
		return err
	}
	p.closeEntry(h, e.obj)
	return nil
}

// closeEntry drops the handle reference of a removed entry. It is the one close path:
// CloseHandle, DUPLICATE_CLOSE_SOURCE and process exit all end here.
func (p *Process) closeEntry(h Handle, o *Object) {
	p.machine.traceObject(EvHandleClosed, p.pid, h, o, 0)
	o.dropHandleRef(p)
}

// GetHandleInformation returns h's HANDLE_FLAG_* bits.
func (p *Process) GetHandleInformation(h Handle) (uint32, error) {
	e := p.handles.get(h)
	if e == nil {
		return 0, ERROR_INVALID_HANDLE
	}
	return e.attrs, nil
}

// SetHandleInformation sets the HANDLE_FLAG_* bits of h selected by mask to flags.
// Bits other than HANDLE_FLAG_INHERIT and HANDLE_FLAG_PROTECT_FROM_CLOSE are ignored.
func (p *Process) SetHandleInformation(h Handle, mask, flags uint32) error {
	return p.handles.setAttrs(h, mask, flags)
}

// DuplicateHandle copies srcHandle, a handle in the process that srcProcess refers to,
// into the process that dstProcess refers to (DuplicateHandle). Both process handles
// are handles in p's table (or CurrentProcess) and need PROCESS_DUP_HANDLE.
//
// options: DUPLICATE_SAME_ACCESS keeps the source's access (access is ignored);
// otherwise access (generic rights allowed) is requested. For file objects the new
// handle cannot have rights the source lacks (ERROR_ACCESS_DENIED; MS docs
// DuplicateHandle). Duplicating into a process that has exited gives
// ERROR_ACCESS_DENIED (NT: STATUS_PROCESS_IS_TERMINATING).
//
// DUPLICATE_CLOSE_SOURCE closes the source handle whatever the outcome, as MS docs say
// ("regardless of any error status returned"), except that a handle protected from
// close stays open while the duplicate is still made. Within one process the duplicate
// then takes the source's own handle value: the entry is reused rather than a new one
// allocated (Wine dlls/kernel32/tests/process.c test_DuplicateHandle: "f == out" even
// with a lower value free; "f != out" and f still open when f is protected).
func (p *Process) DuplicateHandle(srcProcess, srcHandle, dstProcess Handle, access Access, inherit bool, options uint32) (Handle, error) {
	if options&^(DUPLICATE_CLOSE_SOURCE|DUPLICATE_SAME_ACCESS) != 0 {
		return 0, ERROR_INVALID_PARAMETER
	}
	srcObj, _, err := p.Reference(srcProcess, PROCESS_DUP_HANDLE, ProcessType)
	if err != nil {
		return 0, err
	}
	defer srcObj.DecRef()
	src := srcObj.body.(*Process)
	h, o, reused, err := p.duplicate(src, srcHandle, dstProcess, access, inherit, options)
	if options&DUPLICATE_CLOSE_SOURCE != 0 && srcHandle != CurrentProcess && !reused {
		// Closed even when the duplicate failed; a protected source stays, and that
		// is not an error of DuplicateHandle's. When the source entry was looked up
		// (o != nil), only that entry is closed, not one another thread put at the
		// same value since; when the target process handle was bad it never was, and
		// the value is closed as it stands (Wine's dup_handle closes it by value too).
		if e, rerr := src.handles.remove(srcHandle, o); rerr == nil {
			src.closeEntry(srcHandle, e.obj)
		}
	}
	return h, err
}

// duplicate makes DuplicateHandle's new handle. It returns the object of the source
// entry (nil if the source was not found), and reused when DUPLICATE_CLOSE_SOURCE
// already dealt with the source: a same-process duplicate turned the source entry
// itself into the duplicate, or the source entry was taken out and its handle
// reference moved to the duplicate.
func (p *Process) duplicate(src *Process, srcHandle, dstProcess Handle, access Access, inherit bool, options uint32) (h Handle, o *Object, reused bool, err error) {
	dstObj, _, err := p.Reference(dstProcess, PROCESS_DUP_HANDLE, ProcessType)
	if err != nil {
		return 0, nil, false, err
	}
	defer dstObj.DecRef()
	dst := dstObj.body.(*Process)

	// The source entry, with a pointer reference for the duplicate.
	var e handleEntry
	if srcHandle == CurrentProcess {
		e = handleEntry{obj: src.obj, granted: PROCESS_ALL_ACCESS}
		src.obj.IncRef() // safe: the caller holds a reference on src.obj
	} else {
		pe, ok := src.handles.lookup(srcHandle)
		if !ok {
			return 0, nil, false, ERROR_INVALID_HANDLE
		}
		e = *pe
	}
	defer e.obj.DecRef()

	granted := e.granted
	if options&DUPLICATE_SAME_ACCESS == 0 {
		if granted, err = duplicateAccess(e, p.Token(), access); err != nil {
			return 0, e.obj, false, err
		}
	}
	attrs := inheritAttrs(inherit)
	if options&DUPLICATE_CLOSE_SOURCE != 0 && dst == src && srcHandle != CurrentProcess && e.granted.Has(granted) {
		if h, ok := src.handles.reuse(srcHandle, e.obj, granted, attrs); ok {
			p.machine.traceObject(EvHandleClosed, src.pid, h, e.obj, 0)
			p.machine.traceDuplicated(dst, src, h, h, e.obj, granted, true)
			return h, e.obj, true, nil
		}
	}
	if options&DUPLICATE_CLOSE_SOURCE != 0 && srcHandle != CurrentProcess && e.attrs&HANDLE_FLAG_PROTECT_FROM_CLOSE == 0 {
		// The source entry is taken out first and its handle reference becomes the
		// duplicate's: of several calls racing to consume one handle, exactly one
		// succeeds and the others find it gone (ERROR_INVALID_HANDLE), as when they
		// run one after another (Wine server/handle.c: duplicate_handle closes the
		// source in the same server request). See docs/deviations.md.
		if _, rerr := src.handles.remove(srcHandle, e.obj); rerr != nil {
			return 0, e.obj, true, ERROR_INVALID_HANDLE
		}
		p.machine.traceObject(EvHandleClosed, src.pid, srcHandle, e.obj, 0)
		h, err = dst.insertRef(e.obj, granted, attrs)
		if err != nil {
			return 0, e.obj, true, err
		}
		p.machine.traceDuplicated(dst, src, h, srcHandle, e.obj, granted, true)
		return h, e.obj, true, nil
	}
	if srcHandle == CurrentProcess {
		// A process object is kept by its pointer references; a new handle to
		// it is always possible while the caller holds one (as OpenProcess).
		e.obj.addHandleRef()
	} else if !e.obj.tryAddHandleRef() {
		// The source handle was closed by another thread after the lookup and
		// that close dropped the last handle: the object has already run its
		// Close and must never gain a handle again. To the caller it is as if
		// the close came first.
		return 0, e.obj, false, ERROR_INVALID_HANDLE
	}
	h, err = dst.insertRef(e.obj, granted, attrs)
	if err != nil {
		return 0, e.obj, false, err
	}
	p.machine.traceDuplicated(dst, src, h, srcHandle, e.obj, granted, false)
	return h, e.obj, false, nil
}

// duplicateAccess is the access a DuplicateHandle without DUPLICATE_SAME_ACCESS gives
// the duplicate of the source entry e, for a caller with token tok asking for access
// (generic rights and MAXIMUM_ALLOWED allowed; docs/security.md, "DuplicateHandle"):
//
//   - Access within the source handle's is granted as asked, without an access check
//     (Wine dlls/advapi32/tests/security.c test_event_security, test_mutex_security,
//     test_process_access: every generic right, and 0, duplicated from a full handle).
//   - More than the source's is access-checked against the object's descriptor with the
//     caller's token: ERROR_ACCESS_DENIED unless the DACL grants it (test_process_security_child:
//     PROCESS_ALL_ACCESS from a PROCESS_TERMINATE handle, under a DACL denying
//     PROCESS_VM_READ, fails; Wine server/handle.c duplicate_handle).
//   - MAXIMUM_ALLOWED asks for the source's access together with everything the DACL
//     grants the caller (the access check with MAXIMUM_ALLOWED, as duplicate_handle makes
//     it); the rights asked for beside it must be among them.
//   - A file handle never gains access by duplication (MS docs DuplicateHandle: "a file
//     handle created with the GENERIC_READ access right cannot be duplicated so that it
//     has both the GENERIC_READ and GENERIC_WRITE access right"); MAXIMUM_ALLOWED then
//     gives the source's access.
func duplicateAccess(e handleEntry, tok *Token, access Access) (Access, error) {
	t := e.obj.typ
	want, err := t.grant(access &^ MAXIMUM_ALLOWED)
	if err != nil {
		return 0, err
	}
	if access&MAXIMUM_ALLOWED == 0 {
		if e.granted.Has(want) {
			return want, nil
		}
		if t == FileType {
			return 0, ERROR_ACCESS_DENIED
		}
		if _, err := e.obj.CheckAccess(tok, want); err != nil {
			return 0, err
		}
		return want, nil
	}
	most := e.granted
	if t != FileType {
		if max, err := e.obj.CheckAccess(tok, MAXIMUM_ALLOWED); err == nil {
			most |= max & (t.Valid | ACCESS_SYSTEM_SECURITY)
		}
		if got, err := t.grant(most); err == nil {
			most = got
		}
	}
	if !most.Has(want) {
		return 0, ERROR_ACCESS_DENIED
	}
	return most, nil
}
