package kernel

import "sync/atomic"

// This file holds the object-side security calls: a process's token, an object's
// descriptor, the access check an open makes, and GetSecurityInfo/SetSecurityInfo.

// SharedSecurity is implemented by file-object bodies whose descriptor belongs to the
// file they open rather than to the file object: every end of a named pipe, and every
// handle of a mailslot, reads and changes the one descriptor of the pipe or mailslot
// (MS docs, "Named Pipe Security and Access Rights": the descriptor "controls access
// to both client and server ends").
//
// SharedSecurity may return nil when the file object has no such file (a mailslot
// client of another machine's mailslot): the object's own descriptor is used then.
type SharedSecurity interface {
	SharedSecurity() *atomic.Pointer[SecurityDescriptor]
}

// security returns where o's descriptor lives.
func (o *Object) security() *atomic.Pointer[SecurityDescriptor] {
	if s, ok := o.body.(SharedSecurity); ok {
		if p := s.SharedSecurity(); p != nil {
			return p
		}
	}
	return &o.sd
}

// Token returns p's primary token.
func (p *Process) Token() *Token { return p.token }

// SecurityDescriptor returns a copy of o's descriptor (nil when it has none), for
// views and tests; Win32 callers use GetSecurityInfo.
func (o *Object) SecurityDescriptor() *SecurityDescriptor { return o.security().Load().Clone() }

// CheckAccess runs the access check of an open of o by a caller with token tok
// (AccessCheck against o's descriptor, mapped with o's type; see AccessCheck).
func (o *Object) CheckAccess(tok *Token, desired Access) (Access, error) {
	return AccessCheck(o.security().Load(), tok, desired, o.typ.Generic)
}

// openAccess is the access check every open of an existing object by name or ID makes
// (OpenEvent, CreateEvent of an existing name, OpenProcess): the type's validity
// check (Type.grant) and then the descriptor's. PROCESS_QUERY_INFORMATION brings
// PROCESS_QUERY_LIMITED_INFORMATION, as Type.grant adds it.
func (o *Object) openAccess(tok *Token, desired Access) (Access, error) {
	if _, err := o.typ.grant(desired); err != nil {
		return 0, err
	}
	granted, err := o.CheckAccess(tok, desired)
	if err != nil {
		return 0, err
	}
	granted &= o.typ.Valid
	if o.typ == ProcessType && granted.Has(PROCESS_QUERY_INFORMATION) {
		granted |= PROCESS_QUERY_LIMITED_INFORMATION
	}
	return granted, nil
}

// GetSecurityInfo returns the parts info selects of the descriptor of the object h
// refers to (GetSecurityInfo with SE_KERNEL_OBJECT or SE_FILE_OBJECT). The owner,
// group and DACL need READ_CONTROL on the handle, the SACL ACCESS_SYSTEM_SECURITY,
// which winsim never grants: ERROR_ACCESS_DENIED (MS docs, GetSecurityInfo; Wine
// dlls/advapi32/tests/security.c test_GetSecurityInfo). An object with no descriptor
// gives an empty one.
func (p *Process) GetSecurityInfo(h Handle, info uint32) (*SecurityDescriptor, error) {
	need := Access(0)
	if info&(OWNER_SECURITY_INFORMATION|GROUP_SECURITY_INFORMATION|DACL_SECURITY_INFORMATION|LABEL_SECURITY_INFORMATION) != 0 {
		need |= READ_CONTROL
	}
	if info&SACL_SECURITY_INFORMATION != 0 {
		need |= ACCESS_SYSTEM_SECURITY
	}
	o, _, err := p.Reference(h, need, nil)
	if err != nil {
		return nil, err
	}
	defer o.DecRef()
	sd := o.security().Load()
	out := &SecurityDescriptor{Control: SE_SELF_RELATIVE}
	if sd == nil {
		return out, nil
	}
	if info&OWNER_SECURITY_INFORMATION != 0 {
		out.Owner = sd.Owner
	}
	if info&GROUP_SECURITY_INFORMATION != 0 {
		out.Group = sd.Group
	}
	if info&DACL_SECURITY_INFORMATION != 0 {
		out.Dacl = sd.Dacl.clone()
		out.Control |= sd.Control & (SE_DACL_PRESENT | SE_DACL_DEFAULTED | SE_DACL_PROTECTED | SE_DACL_AUTO_INHERITED | SE_DACL_AUTO_INHERIT_REQ)
	}
	return out, nil
}

// SetSecurityInfo replaces the parts info selects of the descriptor of the object h
// refers to with those of sd (SetSecurityInfo). The DACL needs WRITE_DAC on the
// handle; the owner and group WRITE_OWNER. The new owner must be the caller's user
// or a group it may own through (Administrators): otherwise ERROR_INVALID_OWNER.
// PROTECTED_DACL_SECURITY_INFORMATION and UNPROTECTED_DACL_SECURITY_INFORMATION set
// or clear SE_DACL_PROTECTED. A nil sd, or a selected owner or group that is empty,
// gives ERROR_INVALID_PARAMETER; SACL changes ERROR_ACCESS_DENIED (no
// ACCESS_SYSTEM_SECURITY in winsim). Generic rights in the new DACL are mapped with
// the object's type.
func (p *Process) SetSecurityInfo(h Handle, info uint32, sd *SecurityDescriptor) error {
	if sd == nil {
		return ERROR_INVALID_PARAMETER
	}
	need := Access(0)
	if info&(OWNER_SECURITY_INFORMATION|GROUP_SECURITY_INFORMATION) != 0 {
		need |= WRITE_OWNER
	}
	if info&(DACL_SECURITY_INFORMATION|PROTECTED_DACL_SECURITY_INFORMATION|UNPROTECTED_DACL_SECURITY_INFORMATION) != 0 {
		need |= WRITE_DAC
	}
	if info&SACL_SECURITY_INFORMATION != 0 {
		need |= ACCESS_SYSTEM_SECURITY
	}
	o, _, err := p.Reference(h, need, nil)
	if err != nil {
		return err
	}
	defer o.DecRef()
	if info&OWNER_SECURITY_INFORMATION != 0 {
		if sd.Owner == "" {
			return ERROR_INVALID_PARAMETER
		}
		if !p.Token().mayOwn(sd.Owner) {
			return ERROR_INVALID_OWNER
		}
	}
	if info&GROUP_SECURITY_INFORMATION != 0 && sd.Group == "" {
		return ERROR_INVALID_PARAMETER
	}
	for {
		old := o.security().Load()
		next := old.Clone()
		if next == nil {
			next = &SecurityDescriptor{}
		}
		if info&OWNER_SECURITY_INFORMATION != 0 {
			next.Owner, next.Control = sd.Owner, next.Control&^SE_OWNER_DEFAULTED
		}
		if info&GROUP_SECURITY_INFORMATION != 0 {
			next.Group, next.Control = sd.Group, next.Control&^SE_GROUP_DEFAULTED
		}
		if info&DACL_SECURITY_INFORMATION != 0 {
			const daclBits = SE_DACL_PRESENT | SE_DACL_DEFAULTED | SE_DACL_PROTECTED | SE_DACL_AUTO_INHERITED | SE_DACL_AUTO_INHERIT_REQ
			next.Dacl = sd.Dacl.clone()
			next.Control = next.Control&^daclBits | sd.Control&daclBits | SE_DACL_PRESENT
			next = next.mapGeneric(o.typ.Generic)
		}
		if info&PROTECTED_DACL_SECURITY_INFORMATION != 0 {
			next.Control |= SE_DACL_PROTECTED
		} else if info&UNPROTECTED_DACL_SECURITY_INFORMATION != 0 {
			next.Control &^= SE_DACL_PROTECTED
		}
		if o.security().CompareAndSwap(old, next) {
			return nil
		}
	}
}
