package windows

import (
	"strings"

	"github.com/winsim/winsim/kernel"
)

// This file holds the security of objects: descriptors (SECURITY_DESCRIPTOR, made from SDDL,
// and the accessors x/sys/windows has for reading one), the SIDs and ACLs they hand out, and
// GetSecurityInfo, SetSecurityInfo and SetKernelObjectSecurity onto the kernel's descriptors and
// access checks (docs/security.md).

// SE_OBJECT_TYPE says what kind of object GetSecurityInfo and SetSecurityInfo are given, as
// x/sys/windows' type of that name. winsim's objects are kernel objects and files (pipe ends,
// mailslots): SE_KERNEL_OBJECT and SE_FILE_OBJECT, either of which serves any of its handles.
type SE_OBJECT_TYPE uint32

// SE_OBJECT_TYPE values (AccCtrl.h).
const (
	SE_UNKNOWN_OBJECT_TYPE     = 0
	SE_FILE_OBJECT             = 1
	SE_SERVICE                 = 2
	SE_PRINTER                 = 3
	SE_REGISTRY_KEY            = 4
	SE_LMSHARE                 = 5
	SE_KERNEL_OBJECT           = 6
	SE_WINDOW_OBJECT           = 7
	SE_DS_OBJECT               = 8
	SE_DS_OBJECT_ALL           = 9
	SE_PROVIDER_DEFINED_OBJECT = 10
	SE_WMIGUID_OBJECT          = 11
	SE_REGISTRY_WOW64_32KEY    = 12
	SE_REGISTRY_WOW64_64KEY    = 13
)

// SECURITY_INFORMATION selects the parts of a descriptor a call reads or changes, as
// x/sys/windows' type of that name.
type SECURITY_INFORMATION uint32

// SECURITY_INFORMATION bits (WinNT.h).
const (
	OWNER_SECURITY_INFORMATION            = 0x00000001
	GROUP_SECURITY_INFORMATION            = 0x00000002
	DACL_SECURITY_INFORMATION             = 0x00000004
	SACL_SECURITY_INFORMATION             = 0x00000008
	LABEL_SECURITY_INFORMATION            = 0x00000010
	ATTRIBUTE_SECURITY_INFORMATION        = 0x00000020
	SCOPE_SECURITY_INFORMATION            = 0x00000040
	BACKUP_SECURITY_INFORMATION           = 0x00010000
	PROTECTED_DACL_SECURITY_INFORMATION   = 0x80000000
	PROTECTED_SACL_SECURITY_INFORMATION   = 0x40000000
	UNPROTECTED_DACL_SECURITY_INFORMATION = 0x20000000
	UNPROTECTED_SACL_SECURITY_INFORMATION = 0x10000000
)

// SECURITY_DESCRIPTOR_CONTROL holds a descriptor's control flags, as x/sys/windows' type of that
// name.
type SECURITY_DESCRIPTOR_CONTROL uint16

// SECURITY_DESCRIPTOR_CONTROL bits (WinNT.h).
const (
	SE_OWNER_DEFAULTED       = 0x0001
	SE_GROUP_DEFAULTED       = 0x0002
	SE_DACL_PRESENT          = 0x0004
	SE_DACL_DEFAULTED        = 0x0008
	SE_SACL_PRESENT          = 0x0010
	SE_SACL_DEFAULTED        = 0x0020
	SE_DACL_AUTO_INHERIT_REQ = 0x0100
	SE_SACL_AUTO_INHERIT_REQ = 0x0200
	SE_DACL_AUTO_INHERITED   = 0x0400
	SE_SACL_AUTO_INHERITED   = 0x0800
	SE_DACL_PROTECTED        = 0x1000
	SE_SACL_PROTECTED        = 0x2000
	SE_RM_CONTROL_VALID      = 0x4000
	SE_SELF_RELATIVE         = 0x8000
)

// SECURITY_DESCRIPTOR_REVISION is the revision every descriptor has (WinNT.h), what Control
// reports. x/sys/windows does not declare it; winsim adds it.
const SECURITY_DESCRIPTOR_REVISION = 1

// SECURITY_DESCRIPTOR is a security descriptor, as x/sys/windows' type of that name: opaque, made
// by SecurityDescriptorFromString or GetSecurityInfo, read through Control, Owner, Group, DACL,
// SACL and String. Like the self-relative descriptors x/sys returns from both, it is not changed
// in place. It holds a kernel.SecurityDescriptor.
type SECURITY_DESCRIPTOR struct {
	sd *kernel.SecurityDescriptor // immutable after construction
}

// SecurityDescriptorFromString parses an SDDL string, as x/sys/windows' function of that name
// (ConvertStringSecurityDescriptorToSecurityDescriptorW with SDDL_REVISION_1). SID aliases
// relative to a machine or domain (LA, DA, ...) are not resolved; see kernel.Machine.ParseSDDL.
func SecurityDescriptorFromString(sddl string) (sd *SECURITY_DESCRIPTOR, err error) {
	k, err := kernel.ParseSDDL(sddl)
	if err != nil {
		return nil, errnoOf(err)
	}
	return &SECURITY_DESCRIPTOR{sd: k}, nil
}

// String returns the descriptor in SDDL, every part it has, as x/sys/windows' method of that
// name; "" for a nil sd.
func (sd *SECURITY_DESCRIPTOR) String() string {
	if sd == nil || sd.sd == nil {
		return ""
	}
	return sd.sd.String()
}

// toKernel returns the kernel descriptor; nil for a nil sd.
func (sd *SECURITY_DESCRIPTOR) toKernel() *kernel.SecurityDescriptor {
	if sd == nil {
		return nil
	}
	return sd.sd
}

// IsValid reports whether sd is a descriptor (IsValidSecurityDescriptor): every one this package
// makes is; a nil sd is not.
func (sd *SECURITY_DESCRIPTOR) IsValid() bool { return sd != nil && sd.sd != nil }

// Control returns the descriptor's control flags and revision (GetSecurityDescriptorControl).
// The descriptors this package hands out are self-relative, as x/sys's are, so SE_SELF_RELATIVE
// is always set. A nil sd gives ERROR_INVALID_SECURITY_DESCR.
func (sd *SECURITY_DESCRIPTOR) Control() (control SECURITY_DESCRIPTOR_CONTROL, revision uint32, err error) {
	if !sd.IsValid() {
		return 0, 0, ERROR_INVALID_SECURITY_DESCR
	}
	return SECURITY_DESCRIPTOR_CONTROL(sd.sd.Control | kernel.SE_SELF_RELATIVE), SECURITY_DESCRIPTOR_REVISION, nil
}

// Owner returns the descriptor's owner and whether it was defaulted (GetSecurityDescriptorOwner):
// nil when it has none. A nil sd gives ERROR_INVALID_SECURITY_DESCR.
func (sd *SECURITY_DESCRIPTOR) Owner() (owner *SID, defaulted bool, err error) {
	if !sd.IsValid() {
		return nil, false, ERROR_INVALID_SECURITY_DESCR
	}
	return sidOf(sd.sd.Owner), sd.sd.Control&kernel.SE_OWNER_DEFAULTED != 0, nil
}

// Group returns the descriptor's primary group and whether it was defaulted
// (GetSecurityDescriptorGroup), as Owner.
func (sd *SECURITY_DESCRIPTOR) Group() (group *SID, defaulted bool, err error) {
	if !sd.IsValid() {
		return nil, false, ERROR_INVALID_SECURITY_DESCR
	}
	return sidOf(sd.sd.Group), sd.sd.Control&kernel.SE_GROUP_DEFAULTED != 0, nil
}

// DACL returns the descriptor's DACL and whether it was defaulted (GetSecurityDescriptorDacl), as
// x/sys/windows' method of that name: a descriptor with no DACL gives ERROR_OBJECT_NOT_FOUND, and
// a NULL DACL, which lets everyone in, a nil dacl with no error. A nil sd gives
// ERROR_INVALID_SECURITY_DESCR.
func (sd *SECURITY_DESCRIPTOR) DACL() (dacl *ACL, defaulted bool, err error) {
	if !sd.IsValid() {
		return nil, false, ERROR_INVALID_SECURITY_DESCR
	}
	return aclPart(sd.sd.Dacl, sd.sd.Control, kernel.SE_DACL_PRESENT, kernel.SE_DACL_DEFAULTED)
}

// SACL returns the descriptor's SACL and whether it was defaulted (GetSecurityDescriptorSacl), as
// DACL.
func (sd *SECURITY_DESCRIPTOR) SACL() (sacl *ACL, defaulted bool, err error) {
	if !sd.IsValid() {
		return nil, false, ERROR_INVALID_SECURITY_DESCR
	}
	return aclPart(sd.sd.Sacl, sd.sd.Control, kernel.SE_SACL_PRESENT, kernel.SE_SACL_DEFAULTED)
}

// aclPart is DACL's and SACL's answer for the ACL a with the control flags that say whether it is
// present and defaulted.
func aclPart(a *kernel.ACL, control, present, dflt kernel.SecurityDescriptorControl) (*ACL, bool, error) {
	if control&present == 0 {
		return nil, false, ERROR_OBJECT_NOT_FOUND
	}
	return aclOf(a), control&dflt != 0, nil
}

// SID is a security identifier, as x/sys/windows' type of that name, used as *SID: a descriptor's
// Owner and Group return one, SetSecurityInfo takes one. It holds a kernel.SID.
type SID struct {
	sid kernel.SID // immutable; canonical S-1-... form
}

// sidOf wraps s; nil for the empty SID (none).
func sidOf(s kernel.SID) *SID {
	if s == "" {
		return nil
	}
	return &SID{sid: s}
}

// kernelSID returns the kernel SID; "" (none) for a nil sid.
func (sid *SID) kernelSID() kernel.SID {
	if sid == nil {
		return ""
	}
	return sid.sid
}

// String returns the SID in its S-R-I-S... form (ConvertSidToStringSid), never an SDDL alias:
// "S-1-5-32-544" for BUILTIN\Administrators. A nil sid gives "".
func (sid *SID) String() string { return string(sid.kernelSID()) }

// IsValid reports whether sid is a well-formed SID (IsValidSid).
func (sid *SID) IsValid() bool { return sid != nil && sid.sid.Valid() }

// Equals reports whether sid and sid2 are the same SID (EqualSid); false when either is nil.
func (sid *SID) Equals(sid2 *SID) bool {
	return sid != nil && sid2 != nil && sid.sid == sid2.sid
}

// Len returns the length in bytes of the SID's binary form (GetLengthSid): 8 bytes of revision,
// count and authority, and 4 for each sub-authority.
func (sid *SID) Len() int {
	s := string(sid.kernelSID())
	if s == "" {
		return 0
	}
	return 8 + 4*(strings.Count(s, "-")-2)
}

// Copy returns a copy of sid (CopySid).
func (sid *SID) Copy() (*SID, error) {
	if !sid.IsValid() {
		return nil, ERROR_INVALID_SID
	}
	return &SID{sid: sid.sid}, nil
}

// ACL is an access control list, as x/sys/windows' type of that name, used as *ACL: a
// descriptor's DACL and SACL return one, SetSecurityInfo takes one. AceCount is its number of
// entries, as in x/sys; the entries themselves are winsim's (kernel.ACL).
type ACL struct {
	AceCount uint16
	acl      *kernel.ACL // immutable
}

// aclOf wraps a; nil for a NULL ACL.
func aclOf(a *kernel.ACL) *ACL {
	if a == nil {
		return nil
	}
	return &ACL{AceCount: uint16(len(a.Entries)), acl: a}
}

// toKernel returns the kernel ACL; nil (a NULL ACL) for a nil a.
func (a *ACL) toKernel() *kernel.ACL {
	if a == nil {
		return nil
	}
	return a.acl
}

// GetSecurityInfo returns the parts securityInformation selects of the descriptor of the object
// handle refers to (GetSecurityInfo), as x/sys/windows' function of that name. The owner, group
// and DACL need READ_CONTROL on the handle and the SACL ACCESS_SYSTEM_SECURITY, which winsim
// grants no one: ERROR_ACCESS_DENIED otherwise (MS docs GetSecurityInfo; Wine
// dlls/advapi32/tests/security.c test_GetSecurityInfo). objectType is SE_KERNEL_OBJECT or
// SE_FILE_OBJECT, each for any handle, as both read the object's own descriptor
// (NtQuerySecurityObject); the others name objects winsim does not have and give
// ERROR_INVALID_PARAMETER (docs/deviations.md).
func (c *Caller) GetSecurityInfo(handle Handle, objectType SE_OBJECT_TYPE, securityInformation SECURITY_INFORMATION) (sd *SECURITY_DESCRIPTOR, err error) {
	if err := checkObjectType(objectType); err != nil {
		return nil, err
	}
	p, _ := c.proc()
	k, err := p.GetSecurityInfo(kernel.Handle(handle), uint32(securityInformation))
	if err != nil {
		return nil, errnoOf(err)
	}
	return &SECURITY_DESCRIPTOR{sd: k}, nil
}

// SetSecurityInfo replaces the parts securityInformation selects of the descriptor of the object
// handle refers to with owner, group, dacl and sacl (SetSecurityInfo), as x/sys/windows' function
// of that name. The owner and group need WRITE_OWNER on the handle, the DACL WRITE_DAC, the SACL
// ACCESS_SYSTEM_SECURITY (granted to no one): ERROR_ACCESS_DENIED otherwise. With
// DACL_SECURITY_INFORMATION a nil dacl is a NULL DACL, "full access to the object is granted to
// everyone" (MS docs SetSecurityInfo). The new owner must be the caller's user, or Administrators
// for its members (ERROR_INVALID_OWNER); a selected owner or group that is nil is
// ERROR_INVALID_PARAMETER. PROTECTED_DACL_SECURITY_INFORMATION and
// UNPROTECTED_DACL_SECURITY_INFORMATION set and clear the DACL's protection. Generic rights in
// dacl are mapped with the object's type, as Windows stores them (Wine test_GetSecurityInfo:
// GENERIC_ALL on a file reads back as 0x1f01ff). objectType as for GetSecurityInfo.
func (c *Caller) SetSecurityInfo(handle Handle, objectType SE_OBJECT_TYPE, securityInformation SECURITY_INFORMATION, owner *SID, group *SID, dacl *ACL, sacl *ACL) (ret error) {
	if err := checkObjectType(objectType); err != nil {
		return err
	}
	sd := &kernel.SecurityDescriptor{Owner: owner.kernelSID(), Group: group.kernelSID()}
	if securityInformation&DACL_SECURITY_INFORMATION != 0 {
		sd.Dacl, sd.Control = dacl.toKernel(), sd.Control|kernel.SE_DACL_PRESENT
	}
	if securityInformation&SACL_SECURITY_INFORMATION != 0 {
		sd.Sacl, sd.Control = sacl.toKernel(), sd.Control|kernel.SE_SACL_PRESENT
	}
	p, _ := c.proc()
	return errnoOf(p.SetSecurityInfo(kernel.Handle(handle), uint32(securityInformation), sd))
}

// SetKernelObjectSecurity replaces the parts securityInformation selects of the descriptor of the
// object handle refers to with those of securityDescriptor (SetKernelObjectSecurity), with the
// rights and rules of SetSecurityInfo. A descriptor with no DACL, given for
// DACL_SECURITY_INFORMATION, lets everyone in, as a NULL DACL does; a nil securityDescriptor is
// ERROR_INVALID_PARAMETER.
func (c *Caller) SetKernelObjectSecurity(handle Handle, securityInformation SECURITY_INFORMATION, securityDescriptor *SECURITY_DESCRIPTOR) (err error) {
	p, _ := c.proc()
	return errnoOf(p.SetSecurityInfo(kernel.Handle(handle), uint32(securityInformation), securityDescriptor.toKernel()))
}

// checkObjectType accepts the object types whose objects winsim has.
func checkObjectType(t SE_OBJECT_TYPE) error {
	if t != SE_KERNEL_OBJECT && t != SE_FILE_OBJECT {
		return ERROR_INVALID_PARAMETER
	}
	return nil
}
