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
func (p *Process) Token() *Token { return p.token.Load() }

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
	granted &= o.typ.Valid | ACCESS_SYSTEM_SECURITY
	if o.typ == ProcessType && granted.Has(PROCESS_QUERY_INFORMATION) {
		granted |= PROCESS_QUERY_LIMITED_INFORMATION
	}
	return granted, nil
}

// securityHandle references h for Get/SetSecurityInfo: the handle must grant need, and
// for the SACL (sacl) ACCESS_SYSTEM_SECURITY, or else the caller must have
// SeSecurityPrivilege enabled, with which advapi32 gets that access for it (Wine
// dlls/advapi32/tests/security.c test_system_security_access: with the privilege held a
// handle opened without ACCESS_SYSTEM_SECURITY reads the SACL; without it the call
// fails with ERROR_PRIVILEGE_NOT_HELD; MS docs "SACL Access Right").
func (p *Process) securityHandle(h Handle, need Access, sacl bool) (*Object, error) {
	o, granted, err := p.Reference(h, need, nil)
	if err != nil {
		return nil, err
	}
	if sacl && !granted.Has(ACCESS_SYSTEM_SECURITY) && !p.Token().privilegeOn(privSecurity) {
		o.DecRef()
		return nil, ERROR_PRIVILEGE_NOT_HELD
	}
	return o, nil
}

const (
	daclControlBits = SE_DACL_PRESENT | SE_DACL_DEFAULTED | SE_DACL_PROTECTED | SE_DACL_AUTO_INHERITED | SE_DACL_AUTO_INHERIT_REQ
	saclControlBits = SE_SACL_PRESENT | SE_SACL_DEFAULTED | SE_SACL_PROTECTED | SE_SACL_AUTO_INHERITED | SE_SACL_AUTO_INHERIT_REQ
)

// GetSecurityInfo returns the parts info selects of the descriptor of the object h
// refers to (GetSecurityInfo with SE_KERNEL_OBJECT or SE_FILE_OBJECT). The owner,
// group, DACL and label need READ_CONTROL on the handle (MS docs, GetSecurityInfo; Wine
// dlls/advapi32/tests/security.c test_GetSecurityInfo); the SACL what securityHandle
// says. LABEL_SECURITY_INFORMATION without SACL_SECURITY_INFORMATION gives the SACL's
// mandatory-label ACEs only (Wine server/handle.c get_security_object). An object with
// no descriptor gives an empty one.
func (p *Process) GetSecurityInfo(h Handle, info uint32) (*SecurityDescriptor, error) {
	need := Access(0)
	if info&(OWNER_SECURITY_INFORMATION|GROUP_SECURITY_INFORMATION|DACL_SECURITY_INFORMATION|LABEL_SECURITY_INFORMATION) != 0 {
		need |= READ_CONTROL
	}
	o, err := p.securityHandle(h, need, info&SACL_SECURITY_INFORMATION != 0)
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
		out.Control |= sd.Control & daclControlBits
	}
	switch {
	case info&SACL_SECURITY_INFORMATION != 0:
		out.Sacl = sd.Sacl.clone()
		out.Control |= sd.Control & saclControlBits
	case info&LABEL_SECURITY_INFORMATION != 0 && sd.Sacl != nil:
		labels := &ACL{}
		for _, e := range sd.Sacl.Entries {
			if e.Type == SYSTEM_MANDATORY_LABEL_ACE_TYPE {
				labels.Entries = append(labels.Entries, e)
			}
		}
		out.Sacl, out.Control = labels, out.Control|SE_SACL_PRESENT
	}
	return out, nil
}

// SetSecurityInfo replaces the parts info selects of the descriptor of the object h
// refers to with those of sd (SetSecurityInfo). The DACL needs WRITE_DAC on the
// handle; the owner and group WRITE_OWNER; the SACL what securityHandle says. The new
// owner must be one the caller's token may assign (its user, a group it owns through,
// anyone with SeRestorePrivilege enabled): otherwise ERROR_INVALID_OWNER.
// PROTECTED_DACL_SECURITY_INFORMATION and UNPROTECTED_DACL_SECURITY_INFORMATION set
// or clear SE_DACL_PROTECTED, their SACL twins SE_SACL_PROTECTED. A nil sd, or a
// selected owner or group that is empty, gives ERROR_INVALID_PARAMETER. Generic rights
// in the new ACLs are mapped with the object's type.
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
	o, err := p.securityHandle(h, need, info&(SACL_SECURITY_INFORMATION|PROTECTED_SACL_SECURITY_INFORMATION|UNPROTECTED_SACL_SECURITY_INFORMATION) != 0)
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
			next.Dacl = sd.Dacl.clone()
			mapACL(next.Dacl, o.typ.Generic)
			next.Control = next.Control&^daclControlBits | sd.Control&daclControlBits | SE_DACL_PRESENT
		}
		if info&SACL_SECURITY_INFORMATION != 0 {
			next.Sacl = sd.Sacl.clone()
			mapACL(next.Sacl, o.typ.Generic)
			next.Control = next.Control&^saclControlBits | sd.Control&saclControlBits | SE_SACL_PRESENT
		}
		next.Control = protection(next.Control, info, PROTECTED_DACL_SECURITY_INFORMATION, UNPROTECTED_DACL_SECURITY_INFORMATION, SE_DACL_PROTECTED)
		next.Control = protection(next.Control, info, PROTECTED_SACL_SECURITY_INFORMATION, UNPROTECTED_SACL_SECURITY_INFORMATION, SE_SACL_PROTECTED)
		if o.security().CompareAndSwap(old, next) {
			return nil
		}
	}
}

// protection applies SetSecurityInfo's PROTECTED_*/UNPROTECTED_* flags to c's bit.
func protection(c SecurityDescriptorControl, info, protect, unprotect uint32, bit SecurityDescriptorControl) SecurityDescriptorControl {
	switch {
	case info&protect != 0:
		return c | bit
	case info&unprotect != 0:
		return c &^ bit
	}
	return c
}
