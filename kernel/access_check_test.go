package kernel_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/winsim/winsim/kernel"
	"github.com/winsim/winsim/kerneltest"
)

// accessRow is one identity × descriptor × request → outcome row of an access-check
// table, naming the Windows source of the fact it checks.
type accessRow struct {
	source  string
	who     string // "user", "admin", "other", "system", "anonymous"
	sddl    string // "" for no descriptor
	desired kernel.Access
	granted kernel.Access // when err is nil
	err     error
}

// tokens returns the identities the tables use, on m.
func tokens(t *testing.T, m *kernel.Machine) map[string]*kernel.Token {
	t.Helper()
	_, err := m.CreateUser("alice")
	require.NoError(t, err)
	_, err = m.CreateUser("root", kernel.SIDAdministrators)
	require.NoError(t, err)
	alice, err := m.LogonUser("alice")
	require.NoError(t, err)
	admin, err := m.LogonUser("root")
	require.NoError(t, err)
	anon, err := m.LogonUser(`NT AUTHORITY\ANONYMOUS LOGON`)
	assert.ErrorIs(t, err, kernel.ERROR_NONE_MAPPED, "anonymous is no account one logs on as")
	_ = anon
	return map[string]*kernel.Token{"user": m.DefaultToken(), "admin": admin, "other": alice, "system": m.SystemToken(),
		"admin+security": enabled(t, m, admin, kernel.SE_SECURITY_NAME), "admin+ownership": enabled(t, m, admin, kernel.SE_TAKE_OWNERSHIP_NAME)}
}

// enabled returns tok with the privilege name enabled, as a process running as tok has
// it after AdjustTokenPrivileges.
func enabled(t *testing.T, m *kernel.Machine, tok *kernel.Token, name string) *kernel.Token {
	t.Helper()
	p, err := m.NewProcessAs(tok, "adjust.exe", nil)
	require.NoError(t, err)
	defer p.Terminate(0)
	_, err = p.AdjustTokenPrivileges(false, []kernel.Privilege{{Name: name, Enabled: true}})
	require.NoError(t, err)
	return p.Token()
}

// AccessCheck against descriptors, with the file mapping (MS docs "How DACLs Control
// Access to an Object", "Null DACLs and Empty DACLs", "Access Rights and Access
// Masks" for MAXIMUM_ALLOWED, "Owner rights" for OWNER RIGHTS; Wine
// dlls/advapi32/tests/security.c test_AccessCheck).
func TestAccessCheckTable(t *testing.T) {
	m := kerneltest.NewMachine(t)
	who := tokens(t, m)
	user := string(m.DefaultToken().User())
	other := string(who["other"].User())
	rows := []accessRow{
		{"Null DACLs and Empty DACLs: no descriptor grants everything", "other", "", kernel.GENERIC_READ, kernel.FILE_GENERIC_READ, nil},
		{"Null DACLs and Empty DACLs: a NULL DACL grants everything", "other", "D:NO_ACCESS_CONTROL", kernel.GENERIC_ALL, kernel.FILE_ALL_ACCESS, nil},
		{"Null DACLs and Empty DACLs: MAXIMUM_ALLOWED on a NULL DACL is everything", "other", "D:NO_ACCESS_CONTROL", kernel.MAXIMUM_ALLOWED, kernel.FILE_ALL_ACCESS, nil},
		{"Null DACLs and Empty DACLs: an empty DACL denies everyone", "user", "D:", kernel.FILE_READ_DATA, 0, kernel.ERROR_ACCESS_DENIED},
		{"Null DACLs and Empty DACLs: an empty DACL denies MAXIMUM_ALLOWED", "system", "D:", kernel.MAXIMUM_ALLOWED, 0, kernel.ERROR_ACCESS_DENIED},
		{"How DACLs Control Access: an allow ACE for Everyone", "other", "D:(A;;GR;;;WD)", kernel.GENERIC_READ, kernel.FILE_GENERIC_READ, nil},
		{"How DACLs Control Access: rights not granted are denied", "other", "D:(A;;GR;;;WD)", kernel.GENERIC_WRITE, 0, kernel.ERROR_ACCESS_DENIED},
		{"How DACLs Control Access: rights add up over ACEs", "other", "D:(A;;FR;;;WD)(A;;FW;;;BU)", kernel.GENERIC_READ | kernel.GENERIC_WRITE, kernel.FILE_GENERIC_READ | kernel.FILE_GENERIC_WRITE, nil},
		{"How DACLs Control Access: a deny ACE before the allow refuses", "other", "D:(D;;FW;;;" + other + ")(A;;FA;;;WD)", kernel.FILE_WRITE_DATA, 0, kernel.ERROR_ACCESS_DENIED},
		{"How DACLs Control Access: the deny ACE names someone else", "user", "D:(D;;FW;;;" + other + ")(A;;FA;;;WD)", kernel.FILE_WRITE_DATA, kernel.FILE_WRITE_DATA, nil},
		{"How DACLs Control Access: an allow before a deny grants (order matters)", "other", "D:(A;;FA;;;WD)(D;;FW;;;" + other + ")", kernel.FILE_WRITE_DATA, kernel.FILE_WRITE_DATA, nil},
		{"How DACLs Control Access: a deny for a group the caller is in", "other", "D:(D;;FW;;;BU)(A;;FA;;;WD)", kernel.FILE_WRITE_DATA, 0, kernel.ERROR_ACCESS_DENIED},
		{"How DACLs Control Access: administrators", "admin", "D:(A;;GA;;;BA)", kernel.GENERIC_ALL, kernel.FILE_ALL_ACCESS, nil},
		{"How DACLs Control Access: a non-administrator", "other", "D:(A;;GA;;;BA)", kernel.FILE_READ_DATA, 0, kernel.ERROR_ACCESS_DENIED},
		{"ACE Inheritance Rules: an inherit-only ACE does not apply to the object", "other", "D:(A;IO;GA;;;WD)", kernel.FILE_READ_DATA, 0, kernel.ERROR_ACCESS_DENIED},
		{"Access Rights and Access Masks: MAXIMUM_ALLOWED is what the DACL grants", "other", "D:(A;;FR;;;WD)", kernel.MAXIMUM_ALLOWED, kernel.FILE_GENERIC_READ, nil},
		{"Access Rights and Access Masks: MAXIMUM_ALLOWED less what deny ACEs refuse", "other", "D:(D;;0x2;;;WD)(A;;FA;;;WD)", kernel.MAXIMUM_ALLOWED, kernel.FILE_ALL_ACCESS &^ kernel.FILE_WRITE_DATA, nil},
		{"Access Rights and Access Masks: MAXIMUM_ALLOWED with a right not granted", "other", "D:(A;;FR;;;WD)", kernel.MAXIMUM_ALLOWED | kernel.FILE_WRITE_DATA, 0, kernel.ERROR_ACCESS_DENIED},
		{"Access Rights and Access Masks: MAXIMUM_ALLOWED with nothing granted", "other", "D:(A;;FR;;;BA)", kernel.MAXIMUM_ALLOWED, 0, kernel.ERROR_ACCESS_DENIED},
		{"Owner rights: the owner gets READ_CONTROL and WRITE_DAC implicitly", "user", "O:" + user + "D:", kernel.READ_CONTROL | kernel.WRITE_DAC, kernel.READ_CONTROL | kernel.WRITE_DAC, nil},
		{"Owner rights: implicit rights are not other rights", "user", "O:" + user + "D:", kernel.FILE_READ_DATA, 0, kernel.ERROR_ACCESS_DENIED},
		{"Owner rights: a deny ACE does not take the implicit rights", "user", "O:" + user + "D:(D;;RCWD;;;WD)", kernel.READ_CONTROL, kernel.READ_CONTROL, nil},
		{"Owner rights: MAXIMUM_ALLOWED includes the implicit rights", "user", "O:" + user + "D:(A;;FR;;;WD)", kernel.MAXIMUM_ALLOWED, kernel.FILE_GENERIC_READ | kernel.WRITE_DAC, nil},
		{"Owner rights: an OWNER RIGHTS ACE replaces them", "user", "O:" + user + "D:(A;;FR;;;OW)", kernel.WRITE_DAC, 0, kernel.ERROR_ACCESS_DENIED},
		{"Owner rights: an OWNER RIGHTS ACE grants the owner what it names", "user", "O:" + user + "D:(A;;FR;;;OW)", kernel.FILE_READ_DATA, kernel.FILE_READ_DATA, nil},
		{"Owner rights: an administrator owns through Administrators", "admin", "O:BAD:", kernel.WRITE_DAC, kernel.WRITE_DAC, nil},
		{"Generic Access Rights: generic rights in ACEs are mapped", "other", "D:(A;;GR;;;WD)", kernel.FILE_READ_DATA, kernel.FILE_READ_DATA, nil},
		{"go-winio TestDialAccessDeniedWithRestrictedSD: 0x1200FF lacks FILE_WRITE_ATTRIBUTES", "system", "D:P(A;;0x1200FF;;;WD)", kernel.GENERIC_READ | kernel.GENERIC_WRITE, 0, kernel.ERROR_ACCESS_DENIED},
		{"SACL Access Right: ACCESS_SYSTEM_SECURITY needs SeSecurityPrivilege (Wine security.c test_default_handle_security)", "other", "D:(A;;FR;;;WD)", kernel.FILE_READ_DATA | kernel.ACCESS_SYSTEM_SECURITY, 0, kernel.ERROR_PRIVILEGE_NOT_HELD},
		{"Wine security.c test_system_security_access: held but not enabled is not enough", "admin", "D:(A;;FA;;;WD)", kernel.ACCESS_SYSTEM_SECURITY, 0, kernel.ERROR_PRIVILEGE_NOT_HELD},
		{"SACL Access Right: granted with SeSecurityPrivilege enabled", "admin+security", "D:(A;;FR;;;WD)", kernel.FILE_READ_DATA | kernel.ACCESS_SYSTEM_SECURITY, kernel.FILE_READ_DATA | kernel.ACCESS_SYSTEM_SECURITY, nil},
		{"SACL Access Right: the DACL does not control it (an empty DACL)", "admin+security", "D:", kernel.ACCESS_SYSTEM_SECURITY, kernel.ACCESS_SYSTEM_SECURITY, nil},
		{"SACL Access Right: the privilege does not bypass the DACL for other rights", "admin+security", "D:", kernel.ACCESS_SYSTEM_SECURITY | kernel.FILE_READ_DATA, 0, kernel.ERROR_ACCESS_DENIED},
		{"Access Rights and Access Masks: MAXIMUM_ALLOWED never includes ACCESS_SYSTEM_SECURITY", "admin+security", "D:(A;;FA;;;WD)", kernel.MAXIMUM_ALLOWED, kernel.FILE_ALL_ACCESS, nil},
		{"Privilege Constants, SE_TAKE_OWNERSHIP_NAME: WRITE_OWNER without discretionary access", "admin+ownership", "D:(A;;FR;;;WD)", kernel.WRITE_OWNER, kernel.WRITE_OWNER, nil},
		{"Privilege Constants, SE_TAKE_OWNERSHIP_NAME: held but not enabled", "admin", "D:(A;;FR;;;WD)", kernel.WRITE_OWNER, 0, kernel.ERROR_ACCESS_DENIED},
		{"Privilege Constants, SE_TAKE_OWNERSHIP_NAME: MAXIMUM_ALLOWED adds WRITE_OWNER", "admin+ownership", "D:(A;;FR;;;WD)", kernel.MAXIMUM_ALLOWED, kernel.FILE_GENERIC_READ | kernel.WRITE_OWNER, nil},
		{"Privilege Constants, SE_TAKE_OWNERSHIP_NAME: MAXIMUM_ALLOWED under an empty DACL is WRITE_OWNER", "admin+ownership", "D:", kernel.MAXIMUM_ALLOWED, kernel.WRITE_OWNER, nil},
		{"Privilege Constants, SE_TAKE_OWNERSHIP_NAME: only WRITE_OWNER", "admin+ownership", "D:", kernel.WRITE_OWNER | kernel.WRITE_DAC, 0, kernel.ERROR_ACCESS_DENIED},
		{"Object ACEs do not apply to objects without types (MS docs, Object-specific ACEs)", "other", "D:(OA;;FA;bf967a7f-0de6-11d0-a285-00aa003049e2;;WD)", kernel.FILE_READ_DATA, 0, kernel.ERROR_ACCESS_DENIED},
	}
	for _, r := range rows {
		var sd *kernel.SecurityDescriptor
		if r.sddl != "" {
			var err error
			sd, err = kernel.ParseSDDL(r.sddl)
			require.NoError(t, err, r.sddl)
		}
		got, err := kernel.AccessCheck(sd, who[r.who], r.desired, kernel.FileType.Generic)
		if r.err != nil {
			assert.ErrorIs(t, err, r.err, r.source)
			continue
		}
		if assert.NoError(t, err, r.source) {
			assert.Equal(t, r.granted, got, "%s: %#x", r.source, uint32(got))
		}
	}
}

// Tokens: the default user is ALPHA\User in Users, INTERACTIVE, Everyone and
// Authenticated Users; an administrator's token is in Administrators and owns what it
// creates through it; SYSTEM is NT AUTHORITY\SYSTEM (MS docs, "Access Tokens",
// "Well-known SIDs").
func TestTokensOfAccounts(t *testing.T) {
	n := kerneltest.NewNetwork(t)
	m := kerneltest.AddMachine(t, n, "ALPHA", "WORKGROUP")
	u := m.DefaultToken()
	assert.Equal(t, `ALPHA\User`, u.UserName())
	assert.Equal(t, m.SID().Child(1000), u.User())
	for _, g := range []kernel.SID{kernel.SIDUsers, kernel.SIDInteractive, kernel.SIDWorld, kernel.SIDAuthenticated} {
		assert.True(t, u.IsMember(g), g)
	}
	assert.False(t, u.IsMember(kernel.SIDAdministrators))
	assert.Equal(t, u.User(), u.Owner())
	_, err := m.CreateUser("root", kernel.SIDAdministrators)
	require.NoError(t, err)
	admin, err := m.LogonUser(`ALPHA\root`)
	require.NoError(t, err)
	assert.True(t, admin.IsMember(kernel.SIDAdministrators))
	assert.Equal(t, kernel.SIDAdministrators, admin.Owner())
	assert.Equal(t, `NT AUTHORITY\SYSTEM`, m.SystemToken().UserName())
	assert.Equal(t, kernel.SIDLocalSystem, m.SystemToken().User())

	_, err = m.CreateUser("root")
	assert.ErrorIs(t, err, kernel.ERROR_USER_EXISTS)
	_, err = m.CreateUser(`bad\name`)
	assert.ErrorIs(t, err, kernel.ERROR_INVALID_PARAMETER)
	_, err = m.LogonUser("nobody")
	assert.ErrorIs(t, err, kernel.ERROR_NONE_MAPPED)
	_, err = m.LogonUser(`CORP\alice`)
	assert.ErrorIs(t, err, kernel.ERROR_NONE_MAPPED, "a workgroup machine knows no domain accounts")

	a, err := n.CreateDomainUser("CORP", "alice")
	require.NoError(t, err)
	dm := kerneltest.AddMachine(t, n, "BRAVO", "CORP")
	tok, err := dm.LogonUser(`CORP\alice`)
	require.NoError(t, err)
	assert.Equal(t, a.SID, tok.User())
	assert.True(t, tok.IsMember(dm.DomainSID().Child(513)), "Domain Users")
	assert.True(t, tok.IsMember(kernel.SIDUsers), "domain users are in a member's Users")
}

// CreateProcess gives the child a copy of its parent's token; NewProcessAs starts a
// process as another user, with its own copy of the token given (MS docs CreateProcessW:
// "The new process runs in the security context of the calling process";
// CreateProcessAsUserW; "Access Tokens": each process has its own primary token).
func TestProcessTokens(t *testing.T) {
	m := kerneltest.NewMachine(t)
	_, err := m.CreateUser("alice")
	require.NoError(t, err)
	alice, err := m.LogonUser("alice")
	require.NoError(t, err)
	p, err := m.NewProcessAs(alice, "a.exe", nil)
	require.NoError(t, err)
	defer p.Terminate(0)
	sameIdentity := func(want, got *kernel.Token, what string) {
		assert.NotSame(t, want, got, "%s: a token object of its own", what)
		assert.Equal(t, want.User(), got.User(), what)
		assert.Equal(t, want.Groups(), got.Groups(), what)
		assert.Equal(t, want.Privileges(), got.Privileges(), what)
	}
	sameIdentity(alice, p.Token(), "NewProcessAs")
	h, child, err := p.CreateProcess("child.exe", false, nil)
	require.NoError(t, err)
	defer func() { child.Terminate(0); _ = p.CloseHandle(h) }()
	sameIdentity(p.Token(), child.Token(), "CreateProcess")
	q := kerneltest.NewProcess(t, m, "b.exe")
	sameIdentity(m.DefaultToken(), q.Token(), "NewProcess")
	sameIdentity(m.SystemToken(), m.System().Token(), "System")
	_, err = m.NewProcessAs(nil, "x.exe", nil)
	assert.ErrorIs(t, err, kernel.ERROR_INVALID_PARAMETER)
}

// AccessCheck gives the same question the same answer until something it depends on
// changes: the token's privileges (AdjustTokenPrivileges, MS docs "SACL Access Right":
// ACCESS_SYSTEM_SECURITY needs SeSecurityPrivilege enabled, at the moment of the check)
// or the object's descriptor (SetSecurityInfo stores a new one). The token remembers
// its last answer (access_check.go); this checks that the memory is never stale.
func TestAccessCheckAnswersFollowPrivilegesAndDescriptors(t *testing.T) {
	m := kerneltest.NewMachine(t)
	_, err := m.CreateUser("root", kernel.SIDAdministrators)
	require.NoError(t, err)
	admin, err := m.LogonUser("root")
	require.NoError(t, err)
	p, err := m.NewProcessAs(admin, "adjust.exe", nil)
	require.NoError(t, err)
	defer p.Terminate(0)
	tok := p.Token()
	sd, err := kernel.ParseSDDL("O:BAD:(A;;GA;;;BA)")
	require.NoError(t, err)
	ask := kernel.ACCESS_SYSTEM_SECURITY | kernel.READ_CONTROL

	for range 2 {
		_, err = kernel.AccessCheck(sd, tok, ask, kernel.EventType.Generic)
		assert.ErrorIs(t, err, kernel.ERROR_PRIVILEGE_NOT_HELD, "SeSecurityPrivilege is held but disabled")
	}
	prev, err := p.AdjustTokenPrivileges(false, []kernel.Privilege{{Name: kernel.SE_SECURITY_NAME, Enabled: true}})
	require.NoError(t, err)
	granted, err := kernel.AccessCheck(sd, tok, ask, kernel.EventType.Generic)
	require.NoError(t, err, "the same question, asked after the privilege was enabled")
	assert.Equal(t, ask, granted)
	_, err = p.AdjustTokenPrivileges(false, prev)
	require.NoError(t, err)
	_, err = kernel.AccessCheck(sd, tok, ask, kernel.EventType.Generic)
	assert.ErrorIs(t, err, kernel.ERROR_PRIVILEGE_NOT_HELD, "disabled again")

	granted, err = kernel.AccessCheck(sd, tok, kernel.READ_CONTROL, kernel.EventType.Generic)
	require.NoError(t, err)
	assert.Equal(t, kernel.READ_CONTROL, granted)
	denyAll, err := kernel.ParseSDDL("O:SYD:(D;;GA;;;BA)")
	require.NoError(t, err)
	_, err = kernel.AccessCheck(denyAll, tok, kernel.READ_CONTROL, kernel.EventType.Generic)
	assert.ErrorIs(t, err, kernel.ERROR_ACCESS_DENIED, "a new descriptor is a new question")
}
