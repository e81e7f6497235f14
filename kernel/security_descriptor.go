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

// mapGeneric returns sd with every ACE's generic rights mapped by g, as the object
// manager stores descriptors it assigns (SeAssignSecurity maps generic rights in
// the ACEs it keeps; inherit-only ACEs keep theirs for the children).
func (sd *SecurityDescriptor) mapGeneric(g GenericMapping) *SecurityDescriptor {
	c := sd.Clone()
	if c.Dacl != nil {
		for i := range c.Dacl.Entries {
			if c.Dacl.Entries[i].appliesToObject() {
				c.Dacl.Entries[i].Mask = g.Map(c.Dacl.Entries[i].Mask)
			}
		}
	}
	return c
}

// NewObjectSecurity returns the descriptor a new object of type t created by a caller
// with token creator gets, for file systems that keep descriptors of their own (a
// named pipe's belongs to the pipe, not to one file object): explicit (from
// SECURITY_ATTRIBUTES) if given, else fallback (the file system's default, such as
// the named-pipe default DACL, used as it is: its rights must already be specific),
// else the creator's default DACL. See assignSecurity.
func NewObjectSecurity(t *Type, creator *Token, explicit, fallback *SecurityDescriptor) *SecurityDescriptor {
	if explicit == nil && fallback != nil {
		return fallback
	}
	if explicit == nil {
		return creator.defaultSecurityFor(t)
	}
	return assignSecurity(t.Generic, explicit, nil, creator, false)
}

// CreatePrivateObjectSecurity computes the descriptor of a new object created in a
// container whose descriptor is parent (CreatePrivateObjectSecurity; MS docs "ACE
// Inheritance Rules"): an explicit descriptor's DACL is kept as given (generic rights
// mapped by g); without one, the object inherits its parent's inheritable ACEs
// (OBJECT_INHERIT_ACE for objects, CONTAINER_INHERIT_ACE for containers), with
// CREATOR OWNER and CREATOR GROUP replaced by the creator's; with nothing to inherit
// it gets the creator token's default DACL. The owner and group come from explicit or
// else from tok.
func CreatePrivateObjectSecurity(parent, explicit *SecurityDescriptor, container bool, tok *Token, g GenericMapping) *SecurityDescriptor {
	return assignSecurity(g, explicit, parent, tok, container)
}

// assignSecurity builds the descriptor a new object of type t gets (SeAssignSecurity,
// MS docs "Security Descriptors for New Objects"): the explicit descriptor if the
// creator gave one, with the owner and group the creator's token supplies when it
// names none; otherwise the inheritable ACEs of parent (a directory's descriptor, nil
// when the object is not created in one); otherwise the token's default DACL.
func assignSecurity(g GenericMapping, explicit, parent *SecurityDescriptor, tok *Token, container bool) *SecurityDescriptor {
	owner, group := tok.Owner(), tok.PrimaryGroup()
	var sd *SecurityDescriptor
	switch {
	case explicit != nil:
		sd = explicit.mapGeneric(g)
		if sd.Owner == "" {
			sd.Owner, sd.Control = owner, sd.Control|SE_OWNER_DEFAULTED
		}
		if sd.Group == "" {
			sd.Group, sd.Control = group, sd.Control|SE_GROUP_DEFAULTED
		}
		if sd.Control&SE_DACL_PRESENT == 0 {
			sd.Dacl, sd.Control = nil, sd.Control&^SE_DACL_DEFAULTED
			if inh := inheritACL(parentDACL(parent), container, owner, group, g); inh != nil {
				sd.Dacl, sd.Control = &ACL{Entries: inh}, sd.Control|SE_DACL_PRESENT
			} else {
				sd.Dacl, sd.Control = tok.DefaultDACL().clone(), sd.Control|SE_DACL_PRESENT|SE_DACL_DEFAULTED
				sd = sd.mapGeneric(g)
			}
		}
		return sd
	case parent != nil && parent.Dacl != nil:
		if inh := inheritACL(parent.Dacl, container, owner, group, g); inh != nil {
			return &SecurityDescriptor{Owner: owner, Group: group, Dacl: &ACL{Entries: inh}, Control: SE_DACL_PRESENT}
		}
	}
	sd = &SecurityDescriptor{Owner: owner, Group: group, Dacl: tok.DefaultDACL(), Control: SE_DACL_PRESENT | SE_DACL_DEFAULTED}
	return sd.mapGeneric(g)
}

func parentDACL(parent *SecurityDescriptor) *ACL {
	if parent == nil {
		return nil
	}
	return parent.Dacl
}
