package kernel

// AceType is an ACE's type (ACE_HEADER.AceType, winnt.h).
type AceType uint8

// The ACE types winsim knows. Access checks use the allowed and denied ACEs of a
// DACL (object ACEs apply to directory-service objects, which winsim does not have, so
// the check skips them as NT does for an object with no object type list); audit,
// alarm and mandatory-label ACEs live in the SACL and are kept and formatted, not
// enforced (docs/security.md).
const (
	ACCESS_ALLOWED_ACE_TYPE         AceType = 0x0
	ACCESS_DENIED_ACE_TYPE          AceType = 0x1
	SYSTEM_AUDIT_ACE_TYPE           AceType = 0x2
	SYSTEM_ALARM_ACE_TYPE           AceType = 0x3
	ACCESS_ALLOWED_OBJECT_ACE_TYPE  AceType = 0x5
	ACCESS_DENIED_OBJECT_ACE_TYPE   AceType = 0x6
	SYSTEM_AUDIT_OBJECT_ACE_TYPE    AceType = 0x7
	SYSTEM_ALARM_OBJECT_ACE_TYPE    AceType = 0x8
	SYSTEM_MANDATORY_LABEL_ACE_TYPE AceType = 0x11

	// Callback ACEs, which carry a conditional expression (ACE.Condition; MS docs
	// "Security Descriptor Definition Language for Conditional ACEs").
	ACCESS_ALLOWED_CALLBACK_ACE_TYPE        AceType = 0x9
	ACCESS_DENIED_CALLBACK_ACE_TYPE         AceType = 0xA
	ACCESS_ALLOWED_CALLBACK_OBJECT_ACE_TYPE AceType = 0xB
	SYSTEM_AUDIT_CALLBACK_ACE_TYPE          AceType = 0xD

	// SACL ACEs of claims-based policy (MS-DTYP 2.4.4.1, 2.4.4.15, 2.4.4.16): a
	// resource attribute (ACE.Attribute) that conditional expressions can name as
	// @Resource, and the SID of a central access policy that applies to the object.
	// AccessCheck's walk of the DACL never meets them; winsim has no central access
	// policies, so an SP ACE applies none (docs/security.md).
	SYSTEM_RESOURCE_ATTRIBUTE_ACE_TYPE AceType = 0x12
	SYSTEM_SCOPED_POLICY_ID_ACE_TYPE   AceType = 0x13
)

// AceFlags are an ACE's inheritance and audit flags (ACE_HEADER.AceFlags, winnt.h).
type AceFlags uint8

// ACE flags.
const (
	OBJECT_INHERIT_ACE         AceFlags = 0x01
	CONTAINER_INHERIT_ACE      AceFlags = 0x02
	NO_PROPAGATE_INHERIT_ACE   AceFlags = 0x04
	INHERIT_ONLY_ACE           AceFlags = 0x08
	INHERITED_ACE              AceFlags = 0x10
	SUCCESSFUL_ACCESS_ACE_FLAG AceFlags = 0x40
	FAILED_ACCESS_ACE_FLAG     AceFlags = 0x80
)

// An ACE is one access control entry: who (SID), what (Mask), and how (Type, Flags).
// ObjectType and InheritedObjectType are the GUIDs of an object ACE in their string
// form ("" when absent). Condition is a callback ACE's conditional expression (nil for
// every other type), Attribute a resource-attribute ACE's value (nil for every other
// type). ACEs are values; a Condition or Attribute is immutable and may be shared.
type ACE struct {
	Type                AceType
	Flags               AceFlags
	Mask                Access
	SID                 SID
	ObjectType          string
	InheritedObjectType string
	Condition           *Condition
	Attribute           *ResourceAttribute
}

// isCallback reports whether t is a callback ACE type, which carries a condition.
func (t AceType) isCallback() bool {
	return t == ACCESS_ALLOWED_CALLBACK_ACE_TYPE || t == ACCESS_DENIED_CALLBACK_ACE_TYPE ||
		t == ACCESS_ALLOWED_CALLBACK_OBJECT_ACE_TYPE || t == SYSTEM_AUDIT_CALLBACK_ACE_TYPE
}

// An ACL is an ordered list of ACEs (a DACL or a SACL). A nil *ACL in a descriptor is
// a NULL ACL; a non-nil ACL with no entries is an empty one. ACLs held by a descriptor
// are never changed in place: SetSecurityInfo installs a new descriptor.
type ACL struct {
	Entries []ACE
}

// clone returns a deep copy (nil for nil).
func (a *ACL) clone() *ACL {
	if a == nil {
		return nil
	}
	return &ACL{Entries: append([]ACE(nil), a.Entries...)}
}

// appliesToObject reports whether an ACE takes part in access checks on the object
// that holds it: inherit-only ACEs are there for children only.
func (e ACE) appliesToObject() bool { return e.Flags&INHERIT_ONLY_ACE == 0 }

// inheritACL computes the ACEs a new object inherits from its parent's ACL (MS docs
// "ACE Inheritance Rules"; Forshaw, "Windows Security Internals", ch. 6, table 6-4; the
// Windows-run ReactOS kmtest ntos_se/SeInheritance.c), nil when there are none:
//
//   - A leaf object inherits the OBJECT_INHERIT_ACE entries, as effective ACEs with no
//     inheritance flags.
//   - A container inherits the CONTAINER_INHERIT_ACE entries. With
//     NO_PROPAGATE_INHERIT_ACE it takes the effective ACE only; otherwise it keeps the
//     ACE inheritable (CONTAINER_INHERIT_ACE, and OBJECT_INHERIT_ACE if set), split into
//     an effective ACE and an INHERIT_ONLY_ACE copy for its children when the
//     effective one differs (CREATOR OWNER or CREATOR GROUP replaced, generic rights
//     mapped).
//   - A container keeps an OBJECT_INHERIT_ACE-only entry as INHERIT_ONLY_ACE for its
//     leaf children, unless NO_PROPAGATE_INHERIT_ACE.
//   - With auto-inheritance (auto) every inherited ACE carries INHERITED_ACE.
//
// An effective inherited ACE names the creator's owner or group for CREATOR OWNER and
// CREATOR GROUP, and its mask is mapped by g and limited to g.All (a specific mask of
// another type keeps only the bits this type has: Forshaw's listing 6-16).
func inheritACL(parent *ACL, container bool, owner, group SID, g GenericMapping, auto bool) []ACE {
	if parent == nil {
		return nil
	}
	mark := AceFlags(0)
	if auto {
		mark = INHERITED_ACE
	}
	const inheritFlags = OBJECT_INHERIT_ACE | CONTAINER_INHERIT_ACE | NO_PROPAGATE_INHERIT_ACE | INHERIT_ONLY_ACE
	var out []ACE
	for _, e := range parent.Entries {
		oi, ci, np := e.Flags&OBJECT_INHERIT_ACE != 0, e.Flags&CONTAINER_INHERIT_ACE != 0, e.Flags&NO_PROPAGATE_INHERIT_ACE != 0
		eff := effectiveInherited(e, owner, group, g, mark)
		copyWith := func(f AceFlags) ACE {
			c := e
			c.Flags = e.Flags&^(inheritFlags|INHERITED_ACE) | f | mark
			return c
		}
		switch {
		case !container && oi, container && ci && np:
			out = append(out, eff)
		case container && ci && (eff.SID != e.SID || eff.Mask != e.Mask):
			out = append(out, eff, copyWith(INHERIT_ONLY_ACE|e.Flags&(OBJECT_INHERIT_ACE|CONTAINER_INHERIT_ACE)))
		case container && ci:
			out = append(out, copyWith(e.Flags&(OBJECT_INHERIT_ACE|CONTAINER_INHERIT_ACE)))
		case container && oi && !np:
			out = append(out, copyWith(INHERIT_ONLY_ACE|OBJECT_INHERIT_ACE))
		}
	}
	return out
}

// inheritsAny reports whether acl has an ACE a new leaf object (container false) or
// container would inherit, without building the inherited ACL: the create path's test
// for "nothing to inherit, the token's cached default applies".
func inheritsAny(acl *ACL, container bool) bool {
	if acl == nil {
		return false
	}
	for _, e := range acl.Entries {
		if e.Flags&OBJECT_INHERIT_ACE != 0 && (!container || e.Flags&NO_PROPAGATE_INHERIT_ACE == 0) {
			return true
		}
		if container && e.Flags&CONTAINER_INHERIT_ACE != 0 {
			return true
		}
	}
	return false
}

// effectiveInherited is the ACE a child is governed by: no inheritance flags (but
// mark), the creator SIDs substituted, the generic rights mapped and the mask limited
// to the type's rights.
func effectiveInherited(e ACE, owner, group SID, g GenericMapping, mark AceFlags) ACE {
	c := e
	c.Flags = c.Flags&^(OBJECT_INHERIT_ACE|CONTAINER_INHERIT_ACE|NO_PROPAGATE_INHERIT_ACE|INHERIT_ONLY_ACE|INHERITED_ACE) | mark
	switch c.SID {
	case SIDCreatorOwner:
		c.SID = owner
	case SIDCreatorGroup:
		c.SID = group
	}
	c.Mask = g.Map(c.Mask) & g.All
	return c
}
