package windows_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/winsim/winsim/windows"
)

// sddl is SecurityDescriptorFromString for strings known to parse.
func sddl(t *testing.T, s string) *windows.SECURITY_DESCRIPTOR {
	t.Helper()
	sd, err := windows.SecurityDescriptorFromString(s)
	require.NoError(t, err, s)
	return sd
}

// daclOf is a descriptor's DACL, which must be there.
func daclOf(t *testing.T, sd *windows.SECURITY_DESCRIPTOR) *windows.ACL {
	t.Helper()
	dacl, _, err := sd.DACL()
	require.NoError(t, err)
	return dacl
}

// TestSecurityDescriptorReaders checks the accessors x/sys/windows gives SECURITY_DESCRIPTOR on a
// descriptor parsed from SDDL (security_windows.go, over GetSecurityDescriptorControl, -Owner,
// -Group, -Dacl, -Sacl): the control flags carry SE_SELF_RELATIVE, as every descriptor
// ConvertStringSecurityDescriptorToSecurityDescriptor makes is self-relative, and revision 1
// (SECURITY_DESCRIPTOR_REVISION); a missing owner or group is nil; a missing DACL or SACL is
// ERROR_OBJECT_NOT_FOUND, as x/sys turns "not present"; a NULL DACL (NO_ACCESS_CONTROL) is a nil
// ACL with no error and an empty one an ACL of no entries (MS docs "Null DACLs and Empty DACLs").
func TestSecurityDescriptorReaders(t *testing.T) {
	sd := sddl(t, "O:BAG:SYD:P(A;;GA;;;WD)(D;;GW;;;AN)")
	assert.True(t, sd.IsValid())
	control, revision, err := sd.Control()
	require.NoError(t, err)
	assert.Equal(t, windows.SECURITY_DESCRIPTOR_CONTROL(windows.SE_DACL_PRESENT|windows.SE_DACL_PROTECTED|windows.SE_SELF_RELATIVE), control)
	assert.Equal(t, uint32(1), revision)
	owner, defaulted, err := sd.Owner()
	require.NoError(t, err)
	assert.Equal(t, "S-1-5-32-544", owner.String(), "BA, written as ConvertSidToStringSid writes it")
	assert.False(t, defaulted)
	group, _, err := sd.Group()
	require.NoError(t, err)
	assert.Equal(t, "S-1-5-18", group.String())
	dacl, defaulted, err := sd.DACL()
	require.NoError(t, err)
	assert.Equal(t, uint16(2), dacl.AceCount)
	assert.False(t, defaulted)
	_, _, err = sd.SACL()
	assert.Equal(t, windows.ERROR_OBJECT_NOT_FOUND, err)
	assert.Equal(t, "O:BAG:SYD:P(A;;GA;;;WD)(D;;GW;;;AN)", sd.String())

	ownerOnly := sddl(t, "O:BA")
	group, _, err = ownerOnly.Group()
	assert.NoError(t, err)
	assert.Nil(t, group, "no group: nil")
	_, _, err = ownerOnly.DACL()
	assert.Equal(t, windows.ERROR_OBJECT_NOT_FOUND, err, "no DACL")
	control, _, err = ownerOnly.Control()
	require.NoError(t, err)
	assert.Equal(t, windows.SECURITY_DESCRIPTOR_CONTROL(windows.SE_SELF_RELATIVE), control)

	null, _, err := sddl(t, "D:NO_ACCESS_CONTROL").DACL()
	assert.NoError(t, err)
	assert.Nil(t, null, "a NULL DACL is a nil ACL")
	empty := daclOf(t, sddl(t, "D:"))
	require.NotNil(t, empty, "an empty DACL is an ACL")
	assert.Zero(t, empty.AceCount)

	sacl, _, err := sddl(t, "S:(AU;SA;GA;;;WD)").SACL()
	require.NoError(t, err)
	assert.Equal(t, uint16(1), sacl.AceCount)

	_, err = windows.SecurityDescriptorFromString("D:(X;;GA;;;WD)")
	assert.Equal(t, windows.ERROR_INVALID_ACL, err, "Wine advapi32 test_ConvertStringSecurityDescriptor: a bad ACE type")

	var none *windows.SECURITY_DESCRIPTOR
	assert.False(t, none.IsValid())
	assert.Equal(t, "", none.String())
	_, _, err = none.Control()
	assert.Equal(t, windows.ERROR_INVALID_SECURITY_DESCR, err)
	_, _, err = none.Owner()
	assert.Equal(t, windows.ERROR_INVALID_SECURITY_DESCR, err)
	_, _, err = none.DACL()
	assert.Equal(t, windows.ERROR_INVALID_SECURITY_DESCR, err)
}

// TestSIDMethods checks x/sys/windows' SID methods on the SIDs a descriptor hands out: String is
// the S-R-I-S form (ConvertSidToStringSid), Len the binary form's size (GetLengthSid: 8 bytes and
// 4 per sub-authority; MS docs "SID Components"), Equals EqualSid, Copy CopySid, IsValid
// IsValidSid.
func TestSIDMethods(t *testing.T) {
	sd := sddl(t, "O:BAG:SY")
	ba, _, err := sd.Owner()
	require.NoError(t, err)
	sy, _, err := sd.Group()
	require.NoError(t, err)
	assert.True(t, ba.IsValid())
	assert.Equal(t, 16, ba.Len(), "S-1-5-32-544: two sub-authorities")
	assert.Equal(t, 12, sy.Len(), "S-1-5-18: one")
	again, _, err := sddl(t, "O:S-1-5-32-544").Owner()
	require.NoError(t, err)
	assert.True(t, ba.Equals(again), "the alias and the number are one SID")
	assert.False(t, ba.Equals(sy))
	c, err := ba.Copy()
	require.NoError(t, err)
	assert.True(t, c.Equals(ba))
	assert.NotSame(t, ba, c)

	var none *windows.SID
	assert.Equal(t, "", none.String())
	assert.False(t, none.IsValid())
	assert.False(t, none.Equals(ba))
	assert.False(t, ba.Equals(none))
	assert.Zero(t, none.Len())
	_, err = none.Copy()
	assert.Equal(t, windows.ERROR_INVALID_SID, err)
}

// TestGetSecurityInfo checks GetSecurityInfo (MS docs GetSecurityInfo; Wine
// dlls/advapi32/tests/security.c test_GetSecurityInfo): it returns the parts asked for of the
// object's descriptor, for an event, a pipe end (SE_FILE_OBJECT and SE_KERNEL_OBJECT read the
// same descriptor) and the current process's pseudo-handle, which Wine's test queries with
// SE_KERNEL_OBJECT. It needs READ_CONTROL on the handle; the SACL needs ACCESS_SYSTEM_SECURITY,
// which winsim grants no one, so both fail with ERROR_ACCESS_DENIED. An invalid handle is
// ERROR_INVALID_HANDLE, an object type winsim has no objects of ERROR_INVALID_PARAMETER.
func TestGetSecurityInfo(t *testing.T) {
	c := windows.On(newProc(t, newMachine(t), "app.exe"))
	sa := windows.SecurityAttributes{SecurityDescriptor: sddl(t, "D:(A;;GA;;;WD)")}
	ev, err := c.CreateEvent(&sa, 1, 0, nil)
	require.NoError(t, err)
	defer c.CloseHandle(ev)

	all := windows.SECURITY_INFORMATION(windows.OWNER_SECURITY_INFORMATION | windows.GROUP_SECURITY_INFORMATION | windows.DACL_SECURITY_INFORMATION)
	sd, err := c.GetSecurityInfo(ev, windows.SE_KERNEL_OBJECT, all)
	require.NoError(t, err)
	owner, _, err := sd.Owner()
	require.NoError(t, err)
	assert.True(t, owner.IsValid(), "the creator's owner is filled in")
	dacl := daclOf(t, sd)
	assert.Equal(t, uint16(1), dacl.AceCount)
	assert.Contains(t, sd.String(), "D:(A;;0x1f0003;;;WD)", "GA is stored mapped, as EVENT_ALL_ACCESS")

	daclOnly, err := c.GetSecurityInfo(ev, windows.SE_KERNEL_OBJECT, windows.DACL_SECURITY_INFORMATION)
	require.NoError(t, err)
	none, _, err := daclOnly.Owner()
	require.NoError(t, err)
	assert.Nil(t, none, "only the parts asked for")
	assert.Equal(t, "D:(A;;0x1f0003;;;WD)", daclOnly.String())

	self, err := c.GetSecurityInfo(c.CurrentProcess(), windows.SE_KERNEL_OBJECT, windows.OWNER_SECURITY_INFORMATION|windows.GROUP_SECURITY_INFORMATION)
	require.NoError(t, err)
	procOwner, _, err := self.Owner()
	require.NoError(t, err)
	assert.True(t, procOwner.Equals(owner), "the process and its event have the token's owner")

	name := u16(t, uniquePipe())
	srv, err := c.CreateNamedPipe(name, windows.PIPE_ACCESS_DUPLEX, 0, 1, 512, 512, 0, nil)
	require.NoError(t, err)
	defer c.CloseHandle(srv)
	asFile, err := c.GetSecurityInfo(srv, windows.SE_FILE_OBJECT, all)
	require.NoError(t, err)
	asKernel, err := c.GetSecurityInfo(srv, windows.SE_KERNEL_OBJECT, all)
	require.NoError(t, err)
	assert.Equal(t, asFile.String(), asKernel.String())
	assert.Contains(t, asFile.String(), "(A;;FR;;;WD)", "the default pipe DACL reads as Everyone: FILE_GENERIC_READ")

	var sync windows.Handle
	require.NoError(t, c.DuplicateHandle(c.CurrentProcess(), ev, c.CurrentProcess(), &sync, windows.SYNCHRONIZE, false, 0))
	defer c.CloseHandle(sync)
	for _, tc := range []struct {
		name string
		h    windows.Handle
		t    windows.SE_OBJECT_TYPE
		info windows.SECURITY_INFORMATION
		want error
	}{
		{"no READ_CONTROL", sync, windows.SE_KERNEL_OBJECT, windows.DACL_SECURITY_INFORMATION, windows.ERROR_ACCESS_DENIED},
		{"the SACL, without SeSecurityPrivilege", ev, windows.SE_KERNEL_OBJECT, windows.SACL_SECURITY_INFORMATION, windows.ERROR_PRIVILEGE_NOT_HELD}, // MS docs GetSecurityInfo: the SACL needs SE_SECURITY_NAME
		{"never issued", windows.Handle(0x7ff0), windows.SE_KERNEL_OBJECT, windows.DACL_SECURITY_INFORMATION, windows.ERROR_INVALID_HANDLE},
		{"zero", 0, windows.SE_FILE_OBJECT, windows.DACL_SECURITY_INFORMATION, windows.ERROR_INVALID_HANDLE},
		{"a registry key", ev, windows.SE_REGISTRY_KEY, windows.DACL_SECURITY_INFORMATION, windows.ERROR_INVALID_PARAMETER},
		{"unknown type", ev, windows.SE_UNKNOWN_OBJECT_TYPE, windows.DACL_SECURITY_INFORMATION, windows.ERROR_INVALID_PARAMETER},
	} {
		sd, err := c.GetSecurityInfo(tc.h, tc.t, tc.info)
		assert.Equal(t, tc.want, err, tc.name)
		assert.Nil(t, sd, tc.name)
	}
}

// TestSetSecurityInfo checks SetSecurityInfo and SetKernelObjectSecurity (MS docs
// SetSecurityInfo, SetKernelObjectSecurity, "Null DACLs and Empty DACLs"; Wine
// dlls/advapi32/tests/security.c test_GetSecurityInfo). The new DACL's generic rights are stored
// mapped (Wine: GENERIC_ALL on a file reads back as 0x1f01ff, FA); a nil DACL is a NULL DACL,
// "full access to the object is granted to everyone"; an empty one then keeps everyone out of a
// new open, though the owner may still read and change the DACL. The DACL needs WRITE_DAC on the
// handle: a pipe's server end has it only when CreateNamedPipe's dwOpenMode asked for it (MS docs
// CreateNamedPipeW, WRITE_DAC). The owner needs WRITE_OWNER and must be one the caller may name:
// its own user, not Administrators for a user outside that group (ERROR_INVALID_OWNER).
// PROTECTED_DACL_SECURITY_INFORMATION protects the DACL. The SACL is ERROR_ACCESS_DENIED.
func TestSetSecurityInfo(t *testing.T) {
	c := windows.On(newProc(t, newMachine(t), "app.exe"))
	dinfo := windows.SECURITY_INFORMATION(windows.DACL_SECURITY_INFORMATION)
	evName := u16(t, "winsim-windows-test-set-security")
	ev, err := c.CreateEvent(nil, 1, 0, evName)
	require.NoError(t, err)
	defer c.CloseHandle(ev)
	read := func(h windows.Handle) string {
		t.Helper()
		sd, err := c.GetSecurityInfo(h, windows.SE_KERNEL_OBJECT, dinfo)
		require.NoError(t, err)
		return sd.String()
	}

	require.NoError(t, c.SetSecurityInfo(ev, windows.SE_KERNEL_OBJECT, dinfo, nil, nil, daclOf(t, sddl(t, "D:(A;;GA;;;WD)")), nil))
	assert.Equal(t, "D:(A;;0x1f0003;;;WD)", read(ev))

	require.NoError(t, c.SetSecurityInfo(ev, windows.SE_KERNEL_OBJECT, dinfo, nil, nil, nil, nil))
	null, err := c.GetSecurityInfo(ev, windows.SE_KERNEL_OBJECT, dinfo)
	require.NoError(t, err)
	nullDACL, _, err := null.DACL()
	assert.NoError(t, err)
	assert.Nil(t, nullDACL, "a nil DACL sets a NULL DACL")
	assert.Equal(t, "D:NO_ACCESS_CONTROL", null.String())

	require.NoError(t, c.SetSecurityInfo(ev, windows.SE_KERNEL_OBJECT, dinfo, nil, nil, daclOf(t, sddl(t, "D:")), nil))
	_, err = c.OpenEvent(windows.EVENT_MODIFY_STATE, false, evName)
	assert.Equal(t, windows.ERROR_ACCESS_DENIED, err, "an empty DACL lets no one open the event")
	assert.Equal(t, "D:", read(ev), "the owner still reads it")

	require.NoError(t, c.SetSecurityInfo(ev, windows.SE_KERNEL_OBJECT, windows.DACL_SECURITY_INFORMATION|windows.PROTECTED_DACL_SECURITY_INFORMATION, nil, nil, daclOf(t, sddl(t, "D:(A;;GA;;;WD)")), nil))
	assert.Equal(t, "D:P(A;;0x1f0003;;;WD)", read(ev))
	opened, err := c.OpenEvent(windows.EVENT_MODIFY_STATE, false, evName)
	require.NoError(t, err, "Everyone may open it again")
	require.NoError(t, c.CloseHandle(opened))

	require.NoError(t, c.SetKernelObjectSecurity(ev, dinfo, sddl(t, "D:(A;;GR;;;WD)")))
	assert.Equal(t, "D:(A;;CCRC;;;WD)", read(ev), "SetKernelObjectSecurity; GENERIC_READ on an event is READ_CONTROL and EVENT_QUERY_STATE")
	assert.Equal(t, windows.ERROR_INVALID_PARAMETER, c.SetKernelObjectSecurity(ev, dinfo, nil))

	oinfo := windows.SECURITY_INFORMATION(windows.OWNER_SECURITY_INFORMATION)
	cur, err := c.GetSecurityInfo(ev, windows.SE_KERNEL_OBJECT, oinfo)
	require.NoError(t, err)
	me, _, err := cur.Owner()
	require.NoError(t, err)
	assert.NoError(t, c.SetSecurityInfo(ev, windows.SE_KERNEL_OBJECT, oinfo, me, nil, nil, nil), "the caller's own user")
	admins, _, err := sddl(t, "O:BA").Owner()
	require.NoError(t, err)
	assert.Equal(t, windows.ERROR_INVALID_OWNER, c.SetSecurityInfo(ev, windows.SE_KERNEL_OBJECT, oinfo, admins, nil, nil, nil))
	assert.Equal(t, windows.ERROR_INVALID_PARAMETER, c.SetSecurityInfo(ev, windows.SE_KERNEL_OBJECT, oinfo, nil, nil, nil, nil), "no owner given")
	assert.Equal(t, windows.ERROR_PRIVILEGE_NOT_HELD, c.SetSecurityInfo(ev, windows.SE_KERNEL_OBJECT, windows.SACL_SECURITY_INFORMATION, nil, nil, nil, daclOf(t, sddl(t, "D:"))), "the SACL needs SeSecurityPrivilege (MS docs SetSecurityInfo)")
	assert.Equal(t, windows.ERROR_INVALID_PARAMETER, c.SetSecurityInfo(ev, windows.SE_SERVICE, dinfo, nil, nil, nil, nil))

	var sync windows.Handle
	require.NoError(t, c.DuplicateHandle(c.CurrentProcess(), ev, c.CurrentProcess(), &sync, windows.SYNCHRONIZE|windows.READ_CONTROL, false, 0))
	defer c.CloseHandle(sync)
	assert.Equal(t, windows.ERROR_ACCESS_DENIED, c.SetSecurityInfo(sync, windows.SE_KERNEL_OBJECT, dinfo, nil, nil, nil, nil), "no WRITE_DAC")
	assert.Equal(t, windows.ERROR_ACCESS_DENIED, c.SetSecurityInfo(sync, windows.SE_KERNEL_OBJECT, oinfo, me, nil, nil, nil), "no WRITE_OWNER")

	plain, err := c.CreateNamedPipe(u16(t, uniquePipe()), windows.PIPE_ACCESS_DUPLEX, 0, 1, 512, 512, 0, nil)
	require.NoError(t, err)
	defer c.CloseHandle(plain)
	assert.Equal(t, windows.ERROR_ACCESS_DENIED, c.SetSecurityInfo(plain, windows.SE_FILE_OBJECT, dinfo, nil, nil, daclOf(t, sddl(t, "D:(A;;GA;;;WD)")), nil))
	writable, err := c.CreateNamedPipe(u16(t, uniquePipe()), windows.PIPE_ACCESS_DUPLEX|windows.WRITE_DAC, 0, 1, 512, 512, 0, nil)
	require.NoError(t, err)
	defer c.CloseHandle(writable)
	require.NoError(t, c.SetSecurityInfo(writable, windows.SE_FILE_OBJECT, dinfo, nil, nil, daclOf(t, sddl(t, "D:(A;;GA;;;WD)")), nil))
	got, err := c.GetSecurityInfo(writable, windows.SE_FILE_OBJECT, dinfo)
	require.NoError(t, err)
	assert.Equal(t, "D:(A;;FA;;;WD)", got.String(), "GENERIC_ALL on a file is stored as FILE_ALL_ACCESS, 0x1f01ff")
}

// TestSecurityInfoOnTheDefaultProcess calls the package-level forms, as x/sys/windows code does:
// a descriptor read with GetSecurityInfo goes back with SetSecurityInfo unchanged.
func TestSecurityInfoOnTheDefaultProcess(t *testing.T) {
	useDefault(t)
	ev, err := windows.CreateEvent(nil, 1, 0, nil)
	require.NoError(t, err)
	defer windows.CloseHandle(ev)
	before, err := windows.GetSecurityInfo(ev, windows.SE_KERNEL_OBJECT, windows.OWNER_SECURITY_INFORMATION|windows.DACL_SECURITY_INFORMATION)
	require.NoError(t, err)
	owner, _, err := before.Owner()
	require.NoError(t, err)
	require.NoError(t, windows.SetSecurityInfo(ev, windows.SE_KERNEL_OBJECT, windows.OWNER_SECURITY_INFORMATION|windows.DACL_SECURITY_INFORMATION, owner, nil, daclOf(t, before), nil))
	after, err := windows.GetSecurityInfo(ev, windows.SE_KERNEL_OBJECT, windows.OWNER_SECURITY_INFORMATION|windows.DACL_SECURITY_INFORMATION)
	require.NoError(t, err)
	assert.Equal(t, before.String(), after.String())
	require.NoError(t, windows.SetKernelObjectSecurity(ev, windows.DACL_SECURITY_INFORMATION, before))
}
