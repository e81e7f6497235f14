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
// form ("" when absent). ACEs are values.
type ACE struct {
	Type                AceType
	Flags               AceFlags
	Mask                Access
	SID                 SID
	ObjectType          string
	InheritedObjectType string
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

// inheritACL computes the ACEs a new object inherits from its parent's ACL (MS docs,
// "ACE Inheritance Rules"; Wine dlls/advapi32/tests/security.c test_CreateDirectoryA and
// test_inherited_dacl). An ACE is inherited by a container when it has
// CONTAINER_INHERIT_ACE, by a leaf object when it has OBJECT_INHERIT_ACE. On the
// child, an inherited ACE carries INHERITED_ACE; on a leaf object, or with
// NO_PROPAGATE_INHERIT_ACE, its inheritance flags are cleared. On a container an
// OBJECT_INHERIT_ACE-only ACE is kept for grandchildren as INHERIT_ONLY_ACE. An
// effective inherited ACE naming CREATOR OWNER or CREATOR GROUP is rewritten to the
// creator's owner or group, and its generic rights are mapped (an inheritable copy
// keeps the original for further children).
func inheritACL(parent *ACL, container bool, owner, group SID, g GenericMapping) []ACE {
	if parent == nil {
		return nil
	}
	var out []ACE
	for _, e := range parent.Entries {
		inheritable := e.Flags&OBJECT_INHERIT_ACE != 0 || (container && e.Flags&CONTAINER_INHERIT_ACE != 0)
		if !inheritable || (!container && e.Flags&OBJECT_INHERIT_ACE == 0) {
			continue
		}
		if !container || e.Flags&NO_PROPAGATE_INHERIT_ACE != 0 {
			// The object takes the ACE as its own; nothing propagates further.
			out = append(out, effectiveInherited(e, owner, group, g))
			continue
		}
		if e.Flags&CONTAINER_INHERIT_ACE == 0 {
			// Object-inherit only: the container passes it on but is not governed by it.
			c := e
			c.Flags = (c.Flags | INHERIT_ONLY_ACE | INHERITED_ACE)
			out = append(out, c)
			continue
		}
		if e.SID == SIDCreatorOwner || e.SID == SIDCreatorGroup || g.hasGeneric(e.Mask) {
			// Split: an effective ACE for the container, an inherit-only one for children.
			out = append(out, effectiveInherited(e, owner, group, g))
			c := e
			c.Flags = c.Flags | INHERIT_ONLY_ACE | INHERITED_ACE
			out = append(out, c)
			continue
		}
		c := e
		c.Flags = (c.Flags &^ INHERIT_ONLY_ACE) | INHERITED_ACE
		out = append(out, c)
	}
	return out
}

// effectiveInherited is the ACE a child is governed by: no inheritance flags, the
// creator SIDs substituted, the generic rights mapped.
func effectiveInherited(e ACE, owner, group SID, g GenericMapping) ACE {
	c := e
	c.Flags = (c.Flags &^ (OBJECT_INHERIT_ACE | CONTAINER_INHERIT_ACE | NO_PROPAGATE_INHERIT_ACE | INHERIT_ONLY_ACE)) | INHERITED_ACE
	switch c.SID {
	case SIDCreatorOwner:
		c.SID = owner
	case SIDCreatorGroup:
		c.SID = group
	}
	c.Mask = g.Map(c.Mask)
	return c
}

// hasGeneric reports whether a holds any GENERIC_* right.
func (GenericMapping) hasGeneric(a Access) bool {
	return a&(GENERIC_READ|GENERIC_WRITE|GENERIC_EXECUTE|GENERIC_ALL) != 0
}
