package kernel_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/winsim/winsim/kernel"
	"github.com/winsim/winsim/kerneltest"
	"github.com/winsim/winsim/namespace"
)

// sessionDir is a directory path below the session's BaseNamedObjects, where
// CreateEvent(name) with name "leaf\x" creates x.
func sessionDir(leaf string) string { return namespace.SessionBaseNamedObjects + `\` + leaf }

// Named objects are created in an object directory and take their descriptor from it
// and from their creator (SeAssignSecurityEx with the directory's descriptor as the
// parent; MS docs "DACL for a New Object", "ACE Inheritance Rules"; Forshaw, "Windows
// Security Internals", ch. 6, listings 6-14 to 6-23 and table 6-2). Each row creates a
// directory with dir as its descriptor, then an event in it as the default user, with
// the SECURITY_ATTRIBUTES descriptor explicit; want is the event's descriptor (%u the
// user's SID), and other's access to it (another user opening with SYNCHRONIZE) follows.
func TestObjectDirectoryInheritance(t *testing.T) {
	m := kerneltest.NewMachine(t)
	ps := procsAs(t, m)
	creator, other := ps["user"], ps["other"]
	u := string(creator.Token().User())
	ug := "O:" + u + "G:" + u
	for i, r := range []struct {
		source   string
		dir      string
		explicit string
		want     string
		otherErr error
	}{
		{"listing 6-14: nothing inheritable, the creator's default DACL", "D:(A;;GA;;;WD)", "",
			ug + "D:(A;;0x1f0003;;;" + u + ")(A;;0x1f0003;;;SY)", kernel.ERROR_ACCESS_DENIED},
		{"listing 6-17: an inherit-only OI ACE with generic rights, mapped for events", "D:(A;;GA;;;WD)(A;OIIO;GX;;;WD)", "",
			ug + "D:(A;;0x120000;;;WD)", nil},
		{"ACE Inheritance Rules: CREATOR OWNER becomes the event's creator", "D:(A;;GA;;;WD)(A;OIIO;GA;;;CO)", "",
			ug + "D:(A;;0x1f0003;;;" + u + ")", kernel.ERROR_ACCESS_DENIED},
		{"table 6-2: an auto-inherited directory passes DaclAutoInherit: inherited ACEs are marked", "D:AI(A;;GA;;;WD)(A;OIIO;GX;;;WD)", "",
			ug + "D:AI(A;ID;0x120000;;;WD)", nil},
		{"listing 6-24: an explicit DACL overrides the directory's inheritable ACEs", "D:(A;;GA;;;WD)(A;OIIO;GX;;;WD)", "D:(A;;GA;;;" + u + ")",
			ug + "D:(A;;0x1f0003;;;" + u + ")", kernel.ERROR_ACCESS_DENIED},
		{"table 6-2: with an explicit DACL the object manager asks for no auto-inheritance", "D:AI(A;;GA;;;WD)(A;OIIO;GX;;;WD)", "D:(A;;GA;;;" + u + ")",
			ug + "D:(A;;0x1f0003;;;" + u + ")", kernel.ERROR_ACCESS_DENIED},
		{"listing 6-23: an explicit descriptor without a DACL inherits", "D:(A;;GA;;;WD)(A;OIIO;GX;;;WD)", "G:WD",
			"O:" + u + "G:WDD:(A;;0x120000;;;WD)", nil},
		{"table 6-4: a CI-only ACE reaches no event", "D:(A;;GA;;;WD)(A;CIIO;GX;;;WD)", "",
			ug + "D:(A;;0x1f0003;;;" + u + ")(A;;0x1f0003;;;SY)", kernel.ERROR_ACCESS_DENIED},
	} {
		dsd, err := kernel.ParseSDDL(r.dir)
		require.NoError(t, err)
		leaf := "inh" + string(rune('a'+i))
		dh, err := creator.CreateDirectoryObject(kernel.DIRECTORY_ALL_ACCESS, sessionDir(leaf), &kernel.SecurityAttributes{SecurityDescriptor: dsd})
		require.NoError(t, err, r.source)
		var sa *kernel.SecurityAttributes
		if r.explicit != "" {
			esd, err := kernel.ParseSDDL(r.explicit)
			require.NoError(t, err)
			sa = &kernel.SecurityAttributes{SecurityDescriptor: esd}
		}
		h, err := creator.CreateEvent(sa, true, false, leaf+`\ev`)
		require.NoError(t, err, r.source)
		sd, err := creator.GetSecurityInfo(h, kernel.OWNER_SECURITY_INFORMATION|kernel.GROUP_SECURITY_INFORMATION|kernel.DACL_SECURITY_INFORMATION)
		require.NoError(t, err)
		assert.Equal(t, r.want, sd.String(), r.source)
		assert.Zero(t, sd.Control&(kernel.SE_OWNER_DEFAULTED|kernel.SE_GROUP_DEFAULTED|kernel.SE_DACL_DEFAULTED),
			"Wine security.c validate_default_security_descriptor: nothing defaulted: %s", r.source)
		oh, err := other.OpenEvent(kernel.SYNCHRONIZE, false, leaf+`\ev`)
		if r.otherErr != nil {
			assert.ErrorIs(t, err, r.otherErr, r.source)
		} else if assert.NoError(t, err, r.source) {
			require.NoError(t, other.CloseHandle(oh))
		}
		require.NoError(t, creator.CloseHandle(h))
		require.NoError(t, creator.CloseHandle(dh))
	}
}

// Directories are access-checked: creating an object needs DIRECTORY_CREATE_OBJECT on
// its directory, a subdirectory DIRECTORY_CREATE_SUBDIRECTORY, while an existing name is
// opened without that check (NT's open-if); the standard BaseNamedObjects directories
// let everyone create, the system directories only SYSTEM and administrators; a
// directory's descriptor is read and changed through a directory handle (MS docs
// GetSecurityInfo, SetSecurityInfo with SE_KERNEL_OBJECT; NtCreateDirectoryObject and
// NtOpenDirectoryObject; Wine dlls/ntdll/tests/om.c test_directory for the errors); the
// global \BaseNamedObjects has the descriptor ReactOS's kernel-mode test ObSecurity
// (modules/rostests/kmtests/ntos_ob/ObSecurity.c) reads on Windows Server 2003.
func TestObjectDirectoryAccess(t *testing.T) {
	m := kerneltest.NewMachine(t)
	ps := procsAs(t, m)
	user, other, admin := ps["user"], ps["other"], ps["admin"]

	h, err := user.OpenDirectoryObject(kernel.READ_CONTROL, namespace.SessionBaseNamedObjects)
	require.NoError(t, err)
	sd, err := user.GetSecurityInfo(h, kernel.OWNER_SECURITY_INFORMATION|kernel.GROUP_SECURITY_INFORMATION|kernel.DACL_SECURITY_INFORMATION)
	require.NoError(t, err)
	assert.Equal(t, "O:BAG:SYD:(A;;CCDCLCSWRC;;;WD)(A;;CCDCLCSWRC;;;RC)(A;;CCDCLCSWSDRCWDWO;;;SY)(A;;CCDCLCSWSDRCWDWO;;;BA)", sd.String(),
		"winsim's BaseNamedObjects descriptor: query, traverse, create object and subdirectory and read control for everyone; full control for SYSTEM and administrators")
	require.NoError(t, user.CloseHandle(h))
	h, err = user.OpenDirectoryObject(kernel.READ_CONTROL, namespace.GlobalBaseNamedObjects)
	require.NoError(t, err)
	sd, err = user.GetSecurityInfo(h, kernel.OWNER_SECURITY_INFORMATION|kernel.GROUP_SECURITY_INFORMATION|kernel.DACL_SECURITY_INFORMATION)
	require.NoError(t, err)
	assert.Equal(t, "O:BAG:SYD:(A;;CCDCLCSWRC;;;WD)(A;;CCDCLCSWSDRCWDWO;;;SY)(A;;DC;;;RC)", sd.String(),
		"ReactOS kmtests ntos_ob/ObSecurity.c (run on Windows Server 2003): owner BA, group SY; Everyone "+
			"DIRECTORY_GENERIC_READ|DIRECTORY_GENERIC_WRITE, SYSTEM DIRECTORY_ALL_ACCESS, RESTRICTED DIRECTORY_TRAVERSE")
	require.NoError(t, user.CloseHandle(h))
	_, err = user.OpenDirectoryObject(kernel.WRITE_DAC, namespace.GlobalBaseNamedObjects)
	assert.ErrorIs(t, err, kernel.ERROR_ACCESS_DENIED, "a user may not change the global one")
	ah, err := admin.OpenDirectoryObject(kernel.WRITE_DAC, namespace.GlobalBaseNamedObjects)
	require.NoError(t, err, "its owner, Administrators, has WRITE_DAC implicitly")
	require.NoError(t, admin.CloseHandle(ah))
	_, err = user.OpenDirectoryObject(kernel.WRITE_DAC, namespace.SessionBaseNamedObjects)
	assert.ErrorIs(t, err, kernel.ERROR_ACCESS_DENIED, "only SYSTEM and administrators may change it")
	_, err = user.CreateDirectoryObject(kernel.DIRECTORY_ALL_ACCESS, `\Mine`, nil)
	assert.ErrorIs(t, err, kernel.ERROR_ACCESS_DENIED, "the root directory takes no subdirectory from a user")
	ah, err = admin.CreateDirectoryObject(kernel.MAXIMUM_ALLOWED, `\Mine`, nil)
	require.NoError(t, err, "administrators may")
	assert.Equal(t, kernel.DIRECTORY_ALL_ACCESS, grantedOf(t, admin, ah), "a creator gets what it asks for; MAXIMUM_ALLOWED is everything")
	require.NoError(t, admin.CloseHandle(ah))

	// A directory the user owns, where only it may create.
	mine, err := kernel.ParseSDDL("D:(A;;GA;;;" + string(user.Token().User()) + ")(A;;GR;;;WD)")
	require.NoError(t, err)
	dh, err := user.CreateDirectoryObject(kernel.DIRECTORY_ALL_ACCESS, sessionDir("guarded"), &kernel.SecurityAttributes{SecurityDescriptor: mine})
	require.NoError(t, err)
	open, err := kernel.ParseSDDL("D:NO_ACCESS_CONTROL")
	require.NoError(t, err)
	ev, err := user.CreateEvent(&kernel.SecurityAttributes{SecurityDescriptor: open}, true, false, `guarded\ev`)
	require.NoError(t, err)
	_, err = other.CreateEvent(nil, true, false, `guarded\theirs`)
	assert.ErrorIs(t, err, kernel.ERROR_ACCESS_DENIED, "no DIRECTORY_CREATE_OBJECT")
	oh, err := other.CreateEvent(nil, true, false, `guarded\ev`)
	assert.ErrorIs(t, err, kernel.ERROR_ALREADY_EXISTS, "an existing name opens without the directory's create check")
	require.NoError(t, other.CloseHandle(oh))
	_, err = other.CreateDirectoryObject(kernel.DIRECTORY_ALL_ACCESS, sessionDir(`guarded\sub`), nil)
	assert.ErrorIs(t, err, kernel.ERROR_ACCESS_DENIED, "no DIRECTORY_CREATE_SUBDIRECTORY")

	// The owner opens the directory up; later creates see the new descriptor.
	all, err := kernel.ParseSDDL("D:(A;;GA;;;WD)")
	require.NoError(t, err)
	require.NoError(t, user.SetSecurityInfo(dh, kernel.DACL_SECURITY_INFORMATION, all))
	th, err := other.CreateEvent(nil, true, false, `guarded\theirs`)
	require.NoError(t, err)
	require.NoError(t, other.CloseHandle(th))
	sd, err = user.GetSecurityInfo(dh, kernel.DACL_SECURITY_INFORMATION)
	require.NoError(t, err)
	assert.Equal(t, "D:(A;;CCDCLCSWSDRCWDWO;;;WD)", sd.String(), "GENERIC_ALL mapped for directories: DIRECTORY_ALL_ACCESS (0xf000f)")

	_, err = user.CreateDirectoryObject(kernel.DIRECTORY_ALL_ACCESS, sessionDir("guarded"), nil)
	assert.ErrorIs(t, err, kernel.ERROR_ALREADY_EXISTS, "om.c test_directory: STATUS_OBJECT_NAME_COLLISION")
	_, err = user.CreateDirectoryObject(kernel.DIRECTORY_ALL_ACCESS, sessionDir(`nowhere\sub`), nil)
	assert.ErrorIs(t, err, kernel.ERROR_PATH_NOT_FOUND, "om.c test_directory: STATUS_OBJECT_PATH_NOT_FOUND")
	_, err = user.OpenDirectoryObject(kernel.DIRECTORY_QUERY, sessionDir(`guarded\ev`))
	assert.ErrorIs(t, err, kernel.ERROR_INVALID_HANDLE, "an event is no directory (STATUS_OBJECT_TYPE_MISMATCH)")
	_, err = user.OpenDirectoryObject(kernel.DIRECTORY_QUERY, sessionDir("absent"))
	assert.ErrorIs(t, err, kernel.ERROR_FILE_NOT_FOUND)
	require.NoError(t, user.CloseHandle(ev))
	require.NoError(t, user.CloseHandle(dh))

	// A subdirectory inherits as a container (table 6-4): an inherit-only OICI ACE with
	// generic rights becomes an effective ACE, mapped, and an inherit-only copy that
	// keeps the generic rights for the grandchildren (listings 6-17 and 6-18).
	inh, err := kernel.ParseSDDL("D:(A;;GA;;;WD)(A;CIIO;GA;;;WD)(A;OICIIO;GR;;;BU)")
	require.NoError(t, err)
	p, err := user.CreateDirectoryObject(kernel.DIRECTORY_ALL_ACCESS, sessionDir("tree"), &kernel.SecurityAttributes{SecurityDescriptor: inh})
	require.NoError(t, err)
	c, err := user.CreateDirectoryObject(kernel.DIRECTORY_ALL_ACCESS, sessionDir(`tree\child`), nil)
	require.NoError(t, err)
	sd, err = user.GetSecurityInfo(c, kernel.DACL_SECURITY_INFORMATION)
	require.NoError(t, err)
	assert.Equal(t, "D:(A;;CCDCLCSWSDRCWDWO;;;WD)(A;CIIO;GA;;;WD)(A;;CCDCRC;;;BU)(A;OICIIO;GR;;;BU)", sd.String(),
		"generic rights mapped for the child (GA 0xf000f, GR 0x20003), kept for its children")
	e, err := user.CreateEvent(nil, true, false, `tree\child\ev`)
	require.NoError(t, err)
	sd, err = user.GetSecurityInfo(e, kernel.DACL_SECURITY_INFORMATION)
	require.NoError(t, err)
	assert.Equal(t, "D:(A;;CCRC;;;BU)", sd.String(), "the grandchild event takes the OI ACE only: GENERIC_READ as events map it (0x20001)")

	// An inheritable ACE that is not inherit-only is mapped in its own directory, so
	// children copy the mapped mask (listings 6-15 and 6-16).
	raw, err := kernel.ParseSDDL("D:(A;;GA;;;WD)(A;OICI;GR;;;BU)")
	require.NoError(t, err)
	q, err := user.CreateDirectoryObject(kernel.DIRECTORY_ALL_ACCESS, sessionDir("raw"), &kernel.SecurityAttributes{SecurityDescriptor: raw})
	require.NoError(t, err)
	rc, err := user.CreateDirectoryObject(kernel.DIRECTORY_ALL_ACCESS, sessionDir(`raw\child`), nil)
	require.NoError(t, err)
	sd, err = user.GetSecurityInfo(rc, kernel.DACL_SECURITY_INFORMATION)
	require.NoError(t, err)
	assert.Equal(t, "D:(A;OICI;CCDCRC;;;BU)", sd.String(), "the directory's own mapped mask, inherited as it is")
	for _, hh := range []kernel.Handle{rc, q} {
		require.NoError(t, user.CloseHandle(hh))
	}
	for _, hh := range []kernel.Handle{e, c, p} {
		require.NoError(t, user.CloseHandle(hh))
	}
}

// The standard directories that ReactOS's kernel-mode test ObSecurity
// (modules/rostests/kmtests/ntos_ob/ObSecurity.c, CheckDirectorySecurity, run on Windows
// Server 2003) reads carry the descriptors it finds there, ACE for ACE in its order:
// owner Administrators, group SYSTEM, nothing defaulted; a directory ObSecurity does
// not read (\Sessions) takes the root's (winsim's model, docs/security.md).
func TestStandardDirectoryDescriptors(t *testing.T) {
	m := kerneltest.NewMachine(t)
	user := procsAs(t, m)["user"]
	const root = "O:BAG:SYD:(A;;CCDCRC;;;WD)(A;;CCDCLCSWSDRCWDWO;;;SY)(A;;CCDCLCSWSDRCWDWO;;;BA)(A;;CCDCRC;;;RC)"
	for _, r := range []struct {
		dir, want, source string
	}{
		{`\`, root,
			`ObSecurity "\": Everyone DIRECTORY_GENERIC_READ, SYSTEM and Administrators DIRECTORY_ALL_ACCESS, RESTRICTED DIRECTORY_GENERIC_READ`},
		{namespace.DeviceDir, root, `ObSecurity "\Device": as the root`},
		{namespace.GlobalDosDevices, "O:BAG:SYD:(A;;CCDCRC;;;WD)(A;;CCDCLCSWSDRCWDWO;;;SY)(A;OICIIO;GX;;;WD)(A;OICIIO;GA;;;BA)(A;OICIIO;GA;;;SY)(A;OICIIO;GA;;;CO)",
			`ObSecurity "\GLOBAL??": Everyone DIRECTORY_GENERIC_READ, SYSTEM DIRECTORY_ALL_ACCESS, inherit-only OI|CI Everyone GENERIC_EXECUTE, Administrators, SYSTEM and CREATOR OWNER GENERIC_ALL`},
		{namespace.GlobalBaseNamedObjects, "O:BAG:SYD:(A;;CCDCLCSWRC;;;WD)(A;;CCDCLCSWSDRCWDWO;;;SY)(A;;DC;;;RC)",
			`ObSecurity "\BaseNamedObjects": Everyone DIRECTORY_GENERIC_READ|DIRECTORY_GENERIC_WRITE, SYSTEM DIRECTORY_ALL_ACCESS, RESTRICTED DIRECTORY_TRAVERSE`},
		{`\Sessions`, root, "not read by ObSecurity: winsim gives it the root's"},
	} {
		h, err := user.OpenDirectoryObject(kernel.READ_CONTROL, r.dir)
		require.NoError(t, err, r.dir)
		sd, err := user.GetSecurityInfo(h, kernel.OWNER_SECURITY_INFORMATION|kernel.GROUP_SECURITY_INFORMATION|kernel.DACL_SECURITY_INFORMATION)
		require.NoError(t, err, r.dir)
		assert.Equal(t, r.want, sd.String(), r.source)
		assert.Zero(t, sd.Control&(kernel.SE_OWNER_DEFAULTED|kernel.SE_GROUP_DEFAULTED|kernel.SE_DACL_DEFAULTED),
			"ObSecurity: owner, group and DACL not defaulted: %s", r.dir)
		require.NoError(t, user.CloseHandle(h))
	}
}

// Only SYSTEM may create in \GLOBAL?? (its DACL above grants nothing else a create
// right; the owner, Administrators, gets only READ_CONTROL and WRITE_DAC). What SYSTEM
// creates there inherits the inherit-only ACEs (MS docs "ACE Inheritance Rules";
// Forshaw, "Windows Security Internals", listings 6-17 and 6-18): a subdirectory gets
// each as an effective ACE with the rights mapped for directories, CREATOR OWNER
// becoming its owner, plus an inherit-only copy for its own children; so a user may
// list and traverse it (Everyone GENERIC_EXECUTE) but not create in it.
func TestGlobalDosDevicesInheritance(t *testing.T) {
	m := kerneltest.NewMachine(t)
	ps := procsAs(t, m)
	_, err := ps["admin"].CreateDirectoryObject(kernel.DIRECTORY_ALL_ACCESS, namespace.GlobalDosDevices+`\Sub`, nil)
	assert.ErrorIs(t, err, kernel.ERROR_ACCESS_DENIED, "administrators have no DIRECTORY_CREATE_SUBDIRECTORY in \\GLOBAL??")
	system, user := ps["system"], ps["user"]
	h, err := system.CreateDirectoryObject(kernel.DIRECTORY_ALL_ACCESS, namespace.GlobalDosDevices+`\Sub`, nil)
	require.NoError(t, err)
	sd, err := system.GetSecurityInfo(h, kernel.OWNER_SECURITY_INFORMATION|kernel.DACL_SECURITY_INFORMATION)
	require.NoError(t, err)
	assert.Equal(t, "O:BAD:(A;;CCDCRC;;;WD)(A;OICIIO;GX;;;WD)(A;;CCDCLCSWSDRCWDWO;;;BA)(A;OICIIO;GA;;;BA)"+
		"(A;;CCDCLCSWSDRCWDWO;;;SY)(A;OICIIO;GA;;;SY)(A;;CCDCLCSWSDRCWDWO;;;BA)(A;OICIIO;GA;;;CO)", sd.String(),
		"each inherit-only ACE becomes an effective one mapped for directories (GX 0x20003, GA 0xf000f) and an inherit-only copy; "+
			"CREATOR OWNER becomes the owner, SYSTEM's token's default owner Administrators")
	uh, err := user.OpenDirectoryObject(kernel.DIRECTORY_QUERY|kernel.DIRECTORY_TRAVERSE, namespace.GlobalDosDevices+`\Sub`)
	require.NoError(t, err, "Everyone GENERIC_EXECUTE: query and traverse")
	require.NoError(t, user.CloseHandle(uh))
	_, err = user.CreateDirectoryObject(kernel.DIRECTORY_ALL_ACCESS, namespace.GlobalDosDevices+`\Sub\Mine`, nil)
	assert.ErrorIs(t, err, kernel.ERROR_ACCESS_DENIED, "no DIRECTORY_CREATE_SUBDIRECTORY for a user")
	require.NoError(t, system.CloseHandle(h))
}
