package kernel

// SecurityDescriptorControl holds a descriptor's control flags
// (SECURITY_DESCRIPTOR_CONTROL, winnt.h). winsim descriptors are always
// self-relative in spirit; SE_SELF_RELATIVE is reported by Control.
type SecurityDescriptorControl uint16

// Control flags.
const (
	SE_OWNER_DEFAULTED       SecurityDescriptorControl = 0x0001
	SE_GROUP_DEFAULTED       SecurityDescriptorControl = 0x0002
	SE_DACL_PRESENT          SecurityDescriptorControl = 0x0004
	SE_DACL_DEFAULTED        SecurityDescriptorControl = 0x0008
	SE_SACL_PRESENT          SecurityDescriptorControl = 0x0010
	SE_SACL_DEFAULTED        SecurityDescriptorControl = 0x0020
	SE_DACL_AUTO_INHERIT_REQ SecurityDescriptorControl = 0x0100
	SE_SACL_AUTO_INHERIT_REQ SecurityDescriptorControl = 0x0200
	SE_DACL_AUTO_INHERITED   SecurityDescriptorControl = 0x0400
	SE_SACL_AUTO_INHERITED   SecurityDescriptorControl = 0x0800
	SE_DACL_PROTECTED        SecurityDescriptorControl = 0x1000
	SE_SACL_PROTECTED        SecurityDescriptorControl = 0x2000
	SE_SELF_RELATIVE         SecurityDescriptorControl = 0x8000
)

// A SecurityDescriptor says who owns an object and who may do what to it: owner and
// primary group SIDs, a DACL, a SACL and control flags (SECURITY_DESCRIPTOR).
//
// Dacl nil with SE_DACL_PRESENT in Control is a NULL DACL, which grants everyone every
// right; Dacl nil without SE_DACL_PRESENT is "no DACL", which grants the same; a
// non-nil Dacl with no entries grants no one anything (MS docs, "Null DACLs and Empty
// DACLs"). Parsing and the constructors keep SE_DACL_PRESENT and SE_SACL_PRESENT in
// step with the ACLs.
//
// Lifetime: a descriptor attached to an object (SECURITY_ATTRIBUTES, the type's
// default, SetSecurityInfo) is the object's own copy and is never changed once
// attached; SetSecurityInfo attaches a new one. Callers may change descriptors they
// build or receive from GetSecurityInfo, which returns a copy.
type SecurityDescriptor struct {
	Owner   SID
	Group   SID
	Dacl    *ACL
	Sacl    *ACL
	Control SecurityDescriptorControl
}

// Clone returns a deep copy.
func (sd *SecurityDescriptor) Clone() *SecurityDescriptor {
	if sd == nil {
		return nil
	}
	c := *sd
	c.Dacl = sd.Dacl.clone()
	c.Sacl = sd.Sacl.clone()
	return &c
}

// SECURITY_INFORMATION bits: which parts of a descriptor GetSecurityInfo returns or
// SetSecurityInfo changes (winnt.h).
const (
	OWNER_SECURITY_INFORMATION            uint32 = 0x00000001
	GROUP_SECURITY_INFORMATION            uint32 = 0x00000002
	DACL_SECURITY_INFORMATION             uint32 = 0x00000004
	SACL_SECURITY_INFORMATION             uint32 = 0x00000008
	LABEL_SECURITY_INFORMATION            uint32 = 0x00000010
	UNPROTECTED_SACL_SECURITY_INFORMATION uint32 = 0x10000000
	UNPROTECTED_DACL_SECURITY_INFORMATION uint32 = 0x20000000
	PROTECTED_SACL_SECURITY_INFORMATION   uint32 = 0x40000000
	PROTECTED_DACL_SECURITY_INFORMATION   uint32 = 0x80000000
)

// mapACL maps the generic rights of acl's effective ACEs in place (acl is a copy), as
// the object manager stores the ACLs it assigns (inherit-only ACEs keep theirs for the
// children).
func mapACL(acl *ACL, g GenericMapping) {
	if acl == nil {
		return
	}
	for i := range acl.Entries {
		if acl.Entries[i].appliesToObject() {
			acl.Entries[i].Mask = g.Map(acl.Entries[i].Mask)
		}
	}
}

// Auto-inherit flags of CreatePrivateObjectSecurityEx (SeAssignSecurityEx): how a new
// descriptor takes ACEs from its parent's.
const (
	// SEF_DACL_AUTO_INHERIT merges the parent's inheritable DACL ACEs, marked
	// INHERITED_ACE, after the creator's own, and sets SE_DACL_AUTO_INHERITED.
	SEF_DACL_AUTO_INHERIT uint32 = 0x01
	// SEF_SACL_AUTO_INHERIT does the same for the SACL.
	SEF_SACL_AUTO_INHERIT uint32 = 0x02
)

// NewObjectSecurity returns the descriptor a new object of type t created by a caller
// with token creator gets, for file systems that keep descriptors of their own (a
// named pipe's belongs to the pipe, not to one file object): explicit (from
// SECURITY_ATTRIBUTES) if given, else fallback (the file system's default, such as
// the named-pipe default DACL, used as it is: its rights must already be specific),
// else the creator's default DACL. The object has no parent directory. Errors are
// assignSecurity's (ERROR_INVALID_OWNER, ERROR_PRIVILEGE_NOT_HELD).
func NewObjectSecurity(t *Type, creator *Token, explicit, fallback *SecurityDescriptor) (*SecurityDescriptor, error) {
	if explicit == nil && fallback != nil {
		return fallback, nil
	}
	if explicit == nil {
		return creator.defaultSecurityFor(t), nil
	}
	return assignSecurity(t.Generic, explicit, nil, creator, false, 0)
}

// CreatePrivateObjectSecurity computes the descriptor of a new object created in a
// container whose descriptor is parent (CreatePrivateObjectSecurity): it is
// CreatePrivateObjectSecurityEx with no auto-inherit flags, so inherited ACEs carry no
// INHERITED_ACE flag and an explicit DACL replaces inheritance.
func CreatePrivateObjectSecurity(parent, explicit *SecurityDescriptor, container bool, tok *Token, g GenericMapping) (*SecurityDescriptor, error) {
	return assignSecurity(g, explicit, parent, tok, container, 0)
}

// CreatePrivateObjectSecurityEx computes the descriptor of a new object with parent
// descriptor parent (nil: none) and creator descriptor explicit (nil: none), for a
// container or a leaf object, by tok, with generic rights mapped by g
// (CreatePrivateObjectSecurityEx, SeAssignSecurityEx). flags holds SEF_DACL_AUTO_INHERIT
// and SEF_SACL_AUTO_INHERIT. The rules are assignSecurity's.
func CreatePrivateObjectSecurityEx(parent, explicit *SecurityDescriptor, container bool, flags uint32, tok *Token, g GenericMapping) (*SecurityDescriptor, error) {
	return assignSecurity(g, explicit, parent, tok, container, flags)
}

// objectManagerAutoInherit is the auto-inherit flags the object manager passes when it
// assigns a named object's descriptor: SEF_DACL_AUTO_INHERIT when the parent
// directory's DACL is auto-inherited and the creator gives no DACL, the same for the
// SACL (Forshaw, "Windows Security Internals", ch. 6, table 6-2: the kernel never asks
// for the merge of an explicit DACL with inherited ACEs).
func objectManagerAutoInherit(parent, explicit *SecurityDescriptor) uint32 {
	if parent == nil {
		return 0
	}
	var f uint32
	if parent.Control&SE_DACL_AUTO_INHERITED != 0 && (explicit == nil || explicit.Control&SE_DACL_PRESENT == 0) {
		f |= SEF_DACL_AUTO_INHERIT
	}
	if parent.Control&SE_SACL_AUTO_INHERITED != 0 && (explicit == nil || explicit.Control&SE_SACL_PRESENT == 0) {
		f |= SEF_SACL_AUTO_INHERIT
	}
	return f
}

// assignSecurity builds the descriptor a new object gets (SeAssignSecurityEx; MS docs
// "DACL for a New Object", "ACE Inheritance Rules"; the Windows-run ReactOS kmtest
// ntos_se/SeInheritance.c; Forshaw, "Windows Security Internals", ch. 6):
//
//   - Owner and group: the creator's (explicit) if it names them, else the token's
//     default owner and primary group. An owner the token may not assign (not its user,
//     nor a group it owns through) is ERROR_INVALID_OWNER.
//   - DACL: an explicit DACL (even a NULL or an empty one) is used, its generic rights
//     mapped, unless it is SE_DACL_DEFAULTED and the parent has ACEs this object
//     inherits; otherwise the parent's inheritable ACEs (inheritACL); otherwise the
//     token's default DACL.
//   - An explicit ACL keeps the creator's SE_DACL_PROTECTED and SE_DACL_AUTO_INHERITED.
//   - With SEF_DACL_AUTO_INHERIT, inherited ACEs carry INHERITED_ACE and the DACL is
//     SE_DACL_AUTO_INHERITED; an explicit DACL keeps its own ACEs (those marked
//     INHERITED_ACE dropped) followed by the inherited ones, or, SE_DACL_PROTECTED,
//     only its own with the flag cleared.
//   - The SACL follows the same rules, without a default. A creator SACL with audit,
//     alarm or scoped-policy ACEs needs SeSecurityPrivilege enabled, else
//     ERROR_PRIVILEGE_NOT_HELD (Forshaw, ch. 6: "the kernel will require
//     SeSecurityPrivilege"); mandatory labels and resource attributes do not. The line
//     is the one MS docs "SECURITY_INFORMATION" draws for setting each later: a label
//     needs WRITE_OWNER, resource attributes (ATTRIBUTE_SECURITY_INFORMATION) WRITE_DAC,
//     both of which a creator, the new object's owner, has; a scoped policy
//     (SCOPE_SECURITY_INFORMATION) and the rest of the SACL need ACCESS_SYSTEM_SECURITY.
//   - None of the *_DEFAULTED flags is set on the result (SeInheritance.c checks
//     DaclDefaulted, OwnerDefaulted and GroupDefaulted are FALSE in every case).
func assignSecurity(g GenericMapping, explicit, parent *SecurityDescriptor, tok *Token, container bool, flags uint32) (*SecurityDescriptor, error) {
	owner, group := tok.Owner(), tok.PrimaryGroup()
	var ex, px SecurityDescriptor
	if explicit != nil {
		ex = *explicit
		if ex.Control&SE_SACL_PRESENT != 0 && saclNeedsSecurityPrivilege(ex.Sacl) && !tok.privilegeOn(privSecurity) {
			return nil, ERROR_PRIVILEGE_NOT_HELD
		}
		if ex.Owner != "" {
			if !tok.mayOwn(ex.Owner) {
				return nil, ERROR_INVALID_OWNER
			}
			owner = ex.Owner
		}
		if ex.Group != "" {
			group = ex.Group
		}
	}
	if parent != nil {
		px = *parent
	}
	sd := &SecurityDescriptor{Owner: owner, Group: group}
	dacl, present, ctl := assignACL(px.Dacl, ex.Dacl, ex.Control, container, flags&SEF_DACL_AUTO_INHERIT != 0, owner, group, g)
	if !present && tok.DefaultDACL() != nil {
		dacl, present = tok.DefaultDACL().clone(), true
		mapACL(dacl, g)
	}
	if present {
		sd.Dacl, sd.Control = dacl, sd.Control|ctl|SE_DACL_PRESENT
	}
	sacl, present, ctl := assignACL(px.Sacl, ex.Sacl, saclControl(ex.Control), container, flags&SEF_SACL_AUTO_INHERIT != 0, owner, group, g)
	if present {
		sd.Sacl, sd.Control = sacl, sd.Control|ctl<<1|SE_SACL_PRESENT
	}
	return sd, nil
}

// assignACL computes one ACL of a new descriptor (see assignSecurity): parent is the
// parent's ACL, explicit the creator's and ctl the creator's control bits, shifted so
// that the DACL bits describe this ACL. It returns the ACL, whether there is one, and
// the control bits (DACL positions) to set.
func assignACL(parent, explicit *ACL, ctl SecurityDescriptorControl, container, auto bool, owner, group SID, g GenericMapping) (*ACL, bool, SecurityDescriptorControl) {
	inherited := inheritACL(parent, container, owner, group, g, auto)
	var out SecurityDescriptorControl
	if auto {
		out |= SE_DACL_AUTO_INHERITED
	}
	if ctl&SE_DACL_PRESENT != 0 && (ctl&SE_DACL_DEFAULTED == 0 || inherited == nil) {
		acl := explicit.clone()
		mapACL(acl, g)
		protected := ctl&SE_DACL_PROTECTED != 0
		// The creator's PROTECTED and AUTO_INHERITED bits stay with its ACL.
		out |= ctl & (SE_DACL_PROTECTED | SE_DACL_AUTO_INHERITED)
		if auto && acl != nil {
			own := acl.Entries[:0]
			for _, e := range acl.Entries {
				switch {
				case protected:
					e.Flags &^= INHERITED_ACE
				case e.Flags&INHERITED_ACE != 0:
					continue
				}
				own = append(own, e)
			}
			acl.Entries = own
			if !protected {
				acl.Entries = append(acl.Entries, inherited...)
			}
		}
		return acl, true, out
	}
	if inherited != nil {
		return &ACL{Entries: inherited}, true, out
	}
	return nil, false, 0
}

// saclControl returns the SACL's control bits of c at the DACL's positions, so that the
// code reading one ACL's flags serves both (the PROTECTED, AUTO_INHERITED and
// AUTO_INHERIT_REQ bits of the SACL are the DACL's shifted by one, PRESENT and
// DEFAULTED by two).
func saclControl(c SecurityDescriptorControl) SecurityDescriptorControl {
	out := (c & (SE_SACL_PROTECTED | SE_SACL_AUTO_INHERITED | SE_SACL_AUTO_INHERIT_REQ)) >> 1
	if c&SE_SACL_PRESENT != 0 {
		out |= SE_DACL_PRESENT
	}
	if c&SE_SACL_DEFAULTED != 0 {
		out |= SE_DACL_DEFAULTED
	}
	return out
}

// saclNeedsSecurityPrivilege reports whether acl, a creator's SACL, has an ACE other
// than a mandatory label or a resource attribute: an audit, alarm or scoped-policy
// ACE, which only SeSecurityPrivilege may set (assignSecurity).
func saclNeedsSecurityPrivilege(acl *ACL) bool {
	if acl == nil {
		return false
	}
	for _, e := range acl.Entries {
		if e.Type != SYSTEM_MANDATORY_LABEL_ACE_TYPE && e.Type != SYSTEM_RESOURCE_ATTRIBUTE_ACE_TYPE {
			return true
		}
	}
	return false
}
