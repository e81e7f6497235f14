package kernel

import (
	"errors"
	"sync"
	"sync/atomic"

	"github.com/winsim/winsim/namespace"
)

// This file holds the security of object directories: the descriptor every directory
// of the namespace carries, the descriptor and the access check of an object created in
// one, and handles to directories (NtCreateDirectoryObject, NtOpenDirectoryObject),
// through which GetSecurityInfo and SetSecurityInfo read and change a directory's
// descriptor.

// Directory rights (wdm.h).
const (
	DIRECTORY_QUERY               Access = 0x0001
	DIRECTORY_TRAVERSE            Access = 0x0002
	DIRECTORY_CREATE_OBJECT       Access = 0x0004
	DIRECTORY_CREATE_SUBDIRECTORY Access = 0x0008
	DIRECTORY_ALL_ACCESS          Access = STANDARD_RIGHTS_REQUIRED | 0xF
)

// DirectoryType is the object type of object directories ("Directory"), with the
// generic mapping NT gives them (Wine server/directory.c, directory_map_access).
var DirectoryType = &Type{
	Name:  "Directory",
	Valid: DIRECTORY_ALL_ACCESS,
	Generic: GenericMapping{
		Read:    STANDARD_RIGHTS_READ | DIRECTORY_QUERY | DIRECTORY_TRAVERSE,
		Write:   STANDARD_RIGHTS_WRITE | DIRECTORY_CREATE_OBJECT | DIRECTORY_CREATE_SUBDIRECTORY,
		Execute: STANDARD_RIGHTS_EXECUTE | DIRECTORY_QUERY | DIRECTORY_TRAVERSE,
		All:     DIRECTORY_ALL_ACCESS,
	},
}

// dirSecurity is what the kernel attaches to a namespace directory
// (namespace.Directory.SetAttachment): its descriptor, replaced whole by SetSecurityInfo
// and never changed in place.
type dirSecurity struct {
	sd atomic.Pointer[SecurityDescriptor]
}

// directorySecurity returns where d's descriptor lives, or nil for a directory the
// kernel gave none.
func directorySecurity(d *namespace.Directory) *atomic.Pointer[SecurityDescriptor] {
	if ds, ok := d.Attachment().(*dirSecurity); ok {
		return &ds.sd
	}
	return nil
}

// attachSecurity gives d the descriptor sd (once; a directory keeps its first).
func attachSecurity(d *namespace.Directory, sd *SecurityDescriptor) {
	ds := &dirSecurity{}
	ds.sd.Store(sd)
	d.SetAttachment(ds)
}

// Standard directories' descriptors (docs/security.md, "Object directories"). The
// root, \Device, \GLOBAL?? and \BaseNamedObjects have the descriptors ReactOS's
// kernel-mode test ObSecurity (modules/rostests/kmtests/ntos_ob/ObSecurity.c, written
// against Windows Server 2003) reads on Windows: owner Administrators, group SYSTEM, no
// SACL, and in ObSecurity's order:
//   - \ and \Device: Everyone DIRECTORY_GENERIC_READ (query, traverse, read control),
//     SYSTEM and Administrators DIRECTORY_ALL_ACCESS, RESTRICTED DIRECTORY_GENERIC_READ;
//   - \GLOBAL??: Everyone DIRECTORY_GENERIC_READ, SYSTEM DIRECTORY_ALL_ACCESS, then four
//     inherit-only container-and-object ACEs for what is created in it: Everyone
//     GENERIC_EXECUTE, Administrators, SYSTEM and CREATOR OWNER GENERIC_ALL;
//   - \BaseNamedObjects: Everyone directory generic read and write (query, traverse,
//     create object and subdirectory, read control), SYSTEM DIRECTORY_ALL_ACCESS,
//     RESTRICTED DIRECTORY_TRAVERSE.
//
// The rest is winsim's model, not sourced: a session's BaseNamedObjects lets everyone
// create as the global one does (kernel32 creates named objects there) with full
// control for SYSTEM and administrators; \Sessions and the directories below it that
// ObSecurity does not read take the root's descriptor. Nothing where named objects are
// created is inheritable, so they get their creator's default DACL.
var (
	rootDirSDDL               = "O:BAG:SYD:(A;;0x20003;;;WD)(A;;0xf000f;;;SY)(A;;0xf000f;;;BA)(A;;0x20003;;;RC)"
	dosDevicesDirSDDL         = "O:BAG:SYD:(A;;0x20003;;;WD)(A;;0xf000f;;;SY)(A;OICIIO;GX;;;WD)(A;OICIIO;GA;;;BA)(A;OICIIO;GA;;;SY)(A;OICIIO;GA;;;CO)"
	globalNamedObjectsDirSDDL = "O:BAG:SYD:(A;;0x2000f;;;WD)(A;;0xf000f;;;SY)(A;;0x2;;;RC)"
	namedObjectsDirSDDL       = "O:BAG:SYD:(A;;0x2000f;;;WD)(A;;0x2000f;;;RC)(A;;0xf000f;;;SY)(A;;0xf000f;;;BA)"
)

// secureNamespace gives every directory of a new machine's tree its standard
// descriptor.
func secureNamespace(root *namespace.Directory) {
	sds := standardDirectorySecurity()
	attachSecurity(root, sds.root)
	root.Scan(func(path *namespace.WalkPath, v any) bool {
		d, ok := v.(*namespace.Directory)
		if !ok {
			return true
		}
		switch path.String() {
		case namespace.GlobalDosDevices:
			attachSecurity(d, sds.dosDevices)
		case namespace.GlobalBaseNamedObjects:
			attachSecurity(d, sds.global)
		case namespace.SessionBaseNamedObjects:
			attachSecurity(d, sds.named)
		default:
			attachSecurity(d, sds.root)
		}
		return true
	})
}

// standardDirectorySecurity parses the standard directories' descriptors once for every
// machine: a stored descriptor is never changed (SetSecurityInfo stores a new one), so
// machines share them as they share their tokens' cached defaults.
var standardDirectorySecurity = sync.OnceValue(func() standardDirectories {
	return standardDirectories{
		root:       mustParseSDDL(rootDirSDDL),
		dosDevices: mustParseSDDL(dosDevicesDirSDDL),
		global:     mustParseSDDL(globalNamedObjectsDirSDDL),
		named:      mustParseSDDL(namedObjectsDirSDDL),
	}
})

// standardDirectories are the standard directories' descriptors: \GLOBAL??,
// \BaseNamedObjects, a session's BaseNamedObjects, and the root's, which every other
// directory shares.
type standardDirectories struct{ root, dosDevices, global, named *SecurityDescriptor }

// mustParseSDDL parses one of the package's own SDDL constants, which always parse
// (every machine parses them when it is built; TestObjectDirectoryAccess reads
// them back).
func mustParseSDDL(s string) *SecurityDescriptor {
	sd, err := ParseSDDL(s)
	if err != nil {
		panic("kernel: SDDL constant " + s + " does not parse: " + err.Error())
	}
	return sd
}

// newChildSecurity checks that creator may create an entry in the directory parent
// (need: DIRECTORY_CREATE_OBJECT for an object, DIRECTORY_CREATE_SUBDIRECTORY for a
// directory; ERROR_ACCESS_DENIED otherwise) and returns the descriptor the new entry of
// type t gets: SeAssignSecurityEx with the directory's descriptor as the parent, with
// the auto-inherit flags the object manager passes (objectManagerAutoInherit). With no
// explicit descriptor and nothing in the directory's ACLs to inherit, that is the
// creator's cached default for t, so the common create allocates no descriptor.
//
// Preconditions: Machine.nameMu is held (the directory's descriptor is read once).
func newChildSecurity(parent *namespace.Directory, t *Type, container bool, creator *Token, explicit *SecurityDescriptor, need Access) (*SecurityDescriptor, error) {
	var psd *SecurityDescriptor
	if p := directorySecurity(parent); p != nil {
		psd = p.Load()
	}
	if psd != nil {
		if _, err := AccessCheck(psd, creator, need, DirectoryType.Generic); err != nil {
			return nil, err
		}
		if explicit == nil && !inheritsAny(psd.Dacl, container) && !inheritsAny(psd.Sacl, container) {
			psd = nil
		}
	}
	if psd == nil && !container {
		return NewObjectSecurity(t, creator, explicit, nil)
	}
	return assignSecurity(t.Generic, explicit, psd, creator, container, objectManagerAutoInherit(psd, explicit))
}

// directoryObject is the body of a handle to an object directory. Each open makes one
// (docs/deviations.md); all of them share the directory's descriptor.
type directoryObject struct {
	NoOps
	sec *atomic.Pointer[SecurityDescriptor]
}

// SharedSecurity implements SharedSecurity: the directory's descriptor.
func (d *directoryObject) SharedSecurity() *atomic.Pointer[SecurityDescriptor] { return d.sec }

var _ SharedSecurity = (*directoryObject)(nil)

// CreateDirectoryObject creates an object directory at the NT path name
// (NtCreateDirectoryObject with OBJ_CASE_INSENSITIVE; `\Sessions\1\BaseNamedObjects\x`)
// and returns a handle with the access asked for (generic rights mapped;
// MAXIMUM_ALLOWED is DIRECTORY_ALL_ACCESS, as a creator gets what it asks for). The
// caller needs DIRECTORY_CREATE_SUBDIRECTORY on the parent directory. The new
// directory's descriptor comes from sa's (else from the parent's inheritable ACEs, else
// from the caller's default DACL; assignSecurity), and objects created in it inherit
// from it. The directory stays when its handles are closed (docs/deviations.md).
//
// Errors: the namespace's for a bad path (ERROR_PATH_NOT_FOUND for a missing parent,
// ERROR_INVALID_NAME, ERROR_BAD_PATHNAME), ERROR_ALREADY_EXISTS for a name in use,
// ERROR_ACCESS_DENIED, ERROR_INVALID_OWNER for an owner the caller may not assign.
func (p *Process) CreateDirectoryObject(access Access, name string, sa *SecurityAttributes) (Handle, error) {
	granted, err := DirectoryType.grant(access &^ MAXIMUM_ALLOWED)
	if err != nil {
		return 0, err
	}
	if access&MAXIMUM_ALLOWED != 0 {
		granted = DIRECTORY_ALL_ACCESS
	}
	if p.State() != ProcessRunning {
		return 0, ERROR_ACCESS_DENIED
	}
	m := p.machine
	m.nameMu.Lock()
	parent, leaf, resolved, err := m.root.ParentOf(name, namespace.CaseInsensitive)
	if err != nil {
		m.nameMu.Unlock()
		if errors.Is(err, namespace.ErrNameCollision) {
			return 0, ERROR_ALREADY_EXISTS
		}
		return 0, Win32Error(err)
	}
	if _, taken := parent.Entry(leaf, namespace.CaseInsensitive); taken {
		// The name's collision is found before the parent's create check, as the
		// object manager's lookup finds the name first.
		m.nameMu.Unlock()
		return 0, ERROR_ALREADY_EXISTS
	}
	sd, err := newChildSecurity(parent, DirectoryType, true, p.Token(), sa.Descriptor(), DIRECTORY_CREATE_SUBDIRECTORY)
	if err != nil {
		m.nameMu.Unlock()
		return 0, err
	}
	d := namespace.NewDirectory()
	attachSecurity(d, sd)
	err = parent.Link(resolved, leaf, d, namespace.CaseInsensitive)
	m.nameMu.Unlock()
	if err != nil {
		return 0, Win32Error(err)
	}
	o := m.NewObject(DirectoryType, &directoryObject{sec: directorySecurity(d)})
	o.SetName(resolved)
	defer o.DecRef()
	return p.NewHandle(o, granted, sa.Inherit())
}

// OpenDirectoryObject opens the object directory at the NT path name
// (NtOpenDirectoryObject with OBJ_CASE_INSENSITIVE), access-checked against its
// descriptor. Errors: ERROR_FILE_NOT_FOUND or ERROR_PATH_NOT_FOUND for no such name,
// ERROR_INVALID_HANDLE when the name is not a directory (NT:
// STATUS_OBJECT_TYPE_MISMATCH), ERROR_ACCESS_DENIED.
func (p *Process) OpenDirectoryObject(access Access, name string) (Handle, error) {
	if _, err := DirectoryType.grant(access); err != nil {
		return 0, err
	}
	m := p.machine
	m.nameMu.Lock()
	v, rest, err := m.root.Lookup(name)
	m.nameMu.Unlock()
	if err != nil {
		return 0, Win32Error(err)
	}
	d, ok := v.(*namespace.Directory)
	if !ok || rest != "" {
		return 0, ERROR_INVALID_HANDLE
	}
	sec := directorySecurity(d)
	if sec == nil {
		return 0, ERROR_INVALID_HANDLE
	}
	o := m.NewObject(DirectoryType, &directoryObject{sec: sec})
	o.SetName(name)
	defer o.DecRef()
	granted, err := o.openAccess(p.Token(), access)
	if err != nil {
		return 0, err
	}
	return p.NewHandle(o, granted, false)
}

// newRoot is a new machine's namespace (namespace.NewRoot) with its directories'
// descriptors.
func newRoot() *namespace.Directory {
	root := namespace.NewRoot()
	secureNamespace(root)
	return root
}
