package kernel_test

import (
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/winsim/winsim/kernel"
	"github.com/winsim/winsim/kerneltest"
)

// privilegeState returns whether tok holds name and whether it is enabled.
func privilegeState(tok *kernel.Token, name string) (held, on bool) {
	for _, p := range tok.Privileges() {
		if p.Name == name {
			return true, p.Enabled
		}
	}
	return false, false
}

// The privileges a token starts with: SYSTEM's as the "LocalSystem Account" page lists
// them (SeDebugPrivilege and SeImpersonatePrivilege enabled, SeSecurityPrivilege and
// SeTakeOwnershipPrivilege disabled); an administrator's what "User Rights
// Assignment" gives Administrators ("Debug programs", "Manage auditing and security
// log", "Take ownership of files or other objects", "Impersonate a client after
// authentication", "Restore files and directories"), all disabled but
// SeChangeNotifyPrivilege, SeImpersonatePrivilege and SeCreateGlobalPrivilege; a
// user's what it gives Users, none of the four.
func TestDefaultPrivileges(t *testing.T) {
	m := kerneltest.NewMachine(t)
	who := tokens(t, m)
	guest, err := m.LogonUser("Guest")
	require.NoError(t, err)
	who["guest"] = guest
	type st struct{ held, on bool }
	for _, r := range []struct {
		who  string
		name string
		want st
	}{
		{"system", kernel.SE_DEBUG_NAME, st{true, true}},
		{"system", kernel.SE_IMPERSONATE_NAME, st{true, true}},
		{"system", kernel.SE_TCB_NAME, st{true, true}},
		{"system", kernel.SE_SECURITY_NAME, st{true, false}},
		{"system", kernel.SE_TAKE_OWNERSHIP_NAME, st{true, false}},
		{"system", kernel.SE_RESTORE_NAME, st{true, false}},
		{"admin", kernel.SE_DEBUG_NAME, st{true, false}},
		{"admin", kernel.SE_SECURITY_NAME, st{true, false}},
		{"admin", kernel.SE_TAKE_OWNERSHIP_NAME, st{true, false}},
		{"admin", kernel.SE_RESTORE_NAME, st{true, false}},
		{"admin", kernel.SE_IMPERSONATE_NAME, st{true, true}},
		{"admin", kernel.SE_CREATE_GLOBAL_NAME, st{true, true}},
		{"admin", kernel.SE_CHANGE_NOTIFY_NAME, st{true, true}},
		{"admin", kernel.SE_TCB_NAME, st{false, false}},
		{"user", kernel.SE_CHANGE_NOTIFY_NAME, st{true, true}},
		{"user", kernel.SE_SHUTDOWN_NAME, st{true, false}},
		{"user", kernel.SE_DEBUG_NAME, st{false, false}},
		{"user", kernel.SE_SECURITY_NAME, st{false, false}},
		{"user", kernel.SE_TAKE_OWNERSHIP_NAME, st{false, false}},
		{"user", kernel.SE_IMPERSONATE_NAME, st{false, false}},
		{"other", kernel.SE_IMPERSONATE_NAME, st{false, false}},
		{"guest", kernel.SE_CHANGE_NOTIFY_NAME, st{true, true}},
		{"guest", kernel.SE_SHUTDOWN_NAME, st{false, false}},
	} {
		held, on := privilegeState(who[r.who], r.name)
		assert.Equal(t, r.want, st{held, on}, "%s %s", r.who, r.name)
		assert.Equal(t, r.want.on, who[r.who].PrivilegeEnabled(r.name), "%s %s", r.who, r.name)
	}
	assert.Len(t, who["system"].Privileges(), 24, "the LocalSystem Account page lists 24")
	assert.Len(t, who["user"].Privileges(), 5)
}

// AdjustTokenPrivileges enables and disables privileges the token holds and returns
// their previous states for a later restore; a privilege the token lacks is left out
// and reported with ERROR_NOT_ALL_ASSIGNED while the others change; an unknown name is
// ERROR_NO_SUCH_PRIVILEGE (MS docs AdjustTokenPrivileges, LookupPrivilegeValue; Wine
// dlls/advapi32/tests/security.c test_AdjustTokenPrivileges and
// test_system_security_access, which enable and restore SeSecurityPrivilege). Each
// process has its own token, which its children copy.
func TestAdjustTokenPrivileges(t *testing.T) {
	m := kerneltest.NewMachine(t)
	ps := procsAs(t, m)
	admin := ps["admin"]
	twin, err := m.NewProcessAs(admin.Token(), "twin.exe", nil)
	require.NoError(t, err)
	defer twin.Terminate(0)

	prev, err := admin.AdjustTokenPrivileges(false, []kernel.Privilege{{Name: "sesecurityprivilege", Enabled: true}})
	require.NoError(t, err, "names match case-insensitively, as LookupPrivilegeValue's do")
	assert.Equal(t, []kernel.Privilege{{Name: kernel.SE_SECURITY_NAME, Enabled: false}}, prev)
	assert.True(t, admin.Token().PrivilegeEnabled(kernel.SE_SECURITY_NAME))
	assert.False(t, twin.Token().PrivilegeEnabled(kernel.SE_SECURITY_NAME), "another process's token is its own")
	h, child, err := admin.CreateProcess("child.exe", false, nil)
	require.NoError(t, err)
	assert.True(t, child.Token().PrivilegeEnabled(kernel.SE_SECURITY_NAME), "a child starts with its parent's token")
	child.Terminate(0)
	require.NoError(t, admin.CloseHandle(h))
	_, err = admin.AdjustTokenPrivileges(false, prev)
	require.NoError(t, err)
	assert.False(t, admin.Token().PrivilegeEnabled(kernel.SE_SECURITY_NAME), "restored")

	user := ps["user"]
	prev, err = user.AdjustTokenPrivileges(false, []kernel.Privilege{{Name: kernel.SE_DEBUG_NAME, Enabled: true}, {Name: kernel.SE_SHUTDOWN_NAME, Enabled: true}})
	assert.ErrorIs(t, err, kernel.ERROR_NOT_ALL_ASSIGNED)
	assert.Equal(t, []kernel.Privilege{{Name: kernel.SE_SHUTDOWN_NAME, Enabled: false}}, prev, "the held one changed")
	assert.True(t, user.Token().PrivilegeEnabled(kernel.SE_SHUTDOWN_NAME))
	assert.False(t, user.Token().PrivilegeEnabled(kernel.SE_DEBUG_NAME))
	_, err = user.AdjustTokenPrivileges(false, []kernel.Privilege{{Name: "SeNoSuchPrivilege", Enabled: true}})
	assert.ErrorIs(t, err, kernel.ERROR_NO_SUCH_PRIVILEGE)
	_, err = kernel.LookupPrivilegeValue("SeNoSuchPrivilege")
	assert.ErrorIs(t, err, kernel.ERROR_NO_SUCH_PRIVILEGE)

	prev, err = user.AdjustTokenPrivileges(true, nil)
	require.NoError(t, err)
	assert.ElementsMatch(t, []kernel.Privilege{{Name: kernel.SE_CHANGE_NOTIFY_NAME, Enabled: true}, {Name: kernel.SE_SHUTDOWN_NAME, Enabled: true}}, prev)
	for _, p := range user.Token().Privileges() {
		assert.False(t, p.Enabled, "DisableAllPrivileges: %s", p.Name)
	}
}

// A token is an object: AdjustTokenPrivileges through one reference to it is seen by
// every other reference to the same token, got before or after, and by the process's
// own access checks (MS docs OpenProcessToken: the handle "identifies the newly opened
// access token", the process's primary token; AdjustTokenPrivileges "enables or
// disables privileges in the specified access token"). DuplicateTokenEx "creates a new
// access token": a copy that keeps its own states.
func TestAdjustTokenPrivilegesSharedByTokenHolders(t *testing.T) {
	m := kerneltest.NewMachine(t)
	admin := procsAs(t, m)["admin"]
	first, second := admin.Token(), admin.Token() // two OpenProcessToken handles
	dup := first.Duplicate()                      // DuplicateTokenEx
	require.False(t, first.PrivilegeEnabled(kernel.SE_DEBUG_NAME))
	target := kerneltest.NewProcess(t, m, "target.exe")
	open := func() error {
		h, err := admin.OpenProcess(kernel.PROCESS_ALL_ACCESS, false, target.PID())
		if err == nil {
			require.NoError(t, admin.CloseHandle(h))
		}
		return err
	}
	require.ErrorIs(t, open(), kernel.ERROR_ACCESS_DENIED, "another user's process, SeDebugPrivilege off")
	_, err := first.AdjustPrivileges(false, []kernel.Privilege{{Name: kernel.SE_DEBUG_NAME, Enabled: true}})
	require.NoError(t, err)
	assert.True(t, second.PrivilegeEnabled(kernel.SE_DEBUG_NAME), "another handle to the same token sees it")
	assert.True(t, admin.Token().PrivilegeEnabled(kernel.SE_DEBUG_NAME), "the process's token is that token")
	assert.False(t, dup.PrivilegeEnabled(kernel.SE_DEBUG_NAME), "a duplicate keeps its own states")
	assert.NoError(t, open(), "the process's access checks use the enabled SeDebugPrivilege")
	_, err = second.AdjustPrivileges(true, nil)
	require.NoError(t, err)
	assert.False(t, first.PrivilegeEnabled(kernel.SE_DEBUG_NAME))
}

// Adjusting a token while other goroutines read it through other references is safe
// (run under the race detector).
func TestAdjustTokenPrivilegesConcurrent(t *testing.T) {
	m := kerneltest.NewMachine(t)
	admin := procsAs(t, m)["admin"]
	tok := admin.Token()
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func(on bool) {
			defer wg.Done()
			for j := 0; j < 100; j++ {
				_, err := admin.AdjustTokenPrivileges(false, []kernel.Privilege{{Name: kernel.SE_DEBUG_NAME, Enabled: on}})
				assert.NoError(t, err)
				_ = tok.PrivilegeEnabled(kernel.SE_DEBUG_NAME)
				_ = tok.Duplicate().Privileges()
			}
		}(i%2 == 0)
	}
	wg.Wait()
	_, err := tok.AdjustPrivileges(false, []kernel.Privilege{{Name: kernel.SE_DEBUG_NAME, Enabled: true}})
	require.NoError(t, err)
	assert.True(t, admin.Token().PrivilegeEnabled(kernel.SE_DEBUG_NAME))
}

// SACLs: reading or writing one needs ACCESS_SYSTEM_SECURITY on the handle, granted
// only with SeSecurityPrivilege enabled, or the privilege enabled at the call (MS docs
// "SACL Access Right"; Wine dlls/advapi32/tests/security.c test_system_security_access);
// a creator SACL with audit ACEs needs the privilege too, a mandatory label does not
// (Forshaw, "Windows Security Internals", ch. 6; Wine security.c test_AddMandatoryAce).
// SACLs are kept and returned in SDDL; nothing is audited (docs/deviations.md).
func TestSACLNeedsSeSecurityPrivilege(t *testing.T) {
	m := kerneltest.NewMachine(t)
	ps := procsAs(t, m)
	sys, user := ps["system"], ps["user"]
	audited, err := kernel.ParseSDDL("D:(A;;GA;;;WD)S:(AU;SAFA;GA;;;WD)")
	require.NoError(t, err)
	_, err = sys.CreateEvent(&kernel.SecurityAttributes{SecurityDescriptor: audited}, true, false, "audited")
	assert.ErrorIs(t, err, kernel.ERROR_PRIVILEGE_NOT_HELD, "SYSTEM holds SeSecurityPrivilege disabled")
	labelled, err := kernel.ParseSDDL("D:(A;;GA;;;WD)S:(ML;;NW;;;LW)")
	require.NoError(t, err)
	lh, err := user.CreateEvent(&kernel.SecurityAttributes{SecurityDescriptor: labelled}, true, false, "labelled")
	require.NoError(t, err, "a mandatory label needs no privilege")
	sd, err := user.GetSecurityInfo(lh, kernel.LABEL_SECURITY_INFORMATION)
	require.NoError(t, err)
	assert.Equal(t, "S:(ML;;NW;;;LW)", sd.String(), "LABEL_SECURITY_INFORMATION reads the label with READ_CONTROL")
	_, err = user.GetSecurityInfo(lh, kernel.SACL_SECURITY_INFORMATION)
	assert.ErrorIs(t, err, kernel.ERROR_PRIVILEGE_NOT_HELD)
	// MS docs "SECURITY_INFORMATION": resource attributes are set with WRITE_DAC
	// (ATTRIBUTE_SECURITY_INFORMATION), which the creator has as owner; a scoped policy
	// ID with ACCESS_SYSTEM_SECURITY (SCOPE_SECURITY_INFORMATION), as audit ACEs are.
	attributed, err := kernel.ParseSDDL(`D:(A;;GA;;;WD)S:(RA;;;;;WD;("Project",TS,0x0,"Windows"))`)
	require.NoError(t, err)
	rh, err := user.CreateEvent(&kernel.SecurityAttributes{SecurityDescriptor: attributed}, true, false, "attributed")
	require.NoError(t, err, "a resource attribute needs no privilege")
	scoped, err := kernel.ParseSDDL("D:(A;;GA;;;WD)S:(SP;;;;;S-1-17-1)")
	require.NoError(t, err)
	_, err = user.CreateEvent(&kernel.SecurityAttributes{SecurityDescriptor: scoped}, true, false, "scoped")
	assert.ErrorIs(t, err, kernel.ERROR_PRIVILEGE_NOT_HELD, "a scoped policy ID needs SeSecurityPrivilege")
	mixed, err := kernel.ParseSDDL(`D:(A;;GA;;;WD)S:(ML;;NW;;;LW)(RA;;;;;WD;("Project",TS,0x0,"Windows"))(AU;FA;GA;;;WD)`)
	require.NoError(t, err)
	_, err = user.CreateEvent(&kernel.SecurityAttributes{SecurityDescriptor: mixed}, true, false, "mixed")
	assert.ErrorIs(t, err, kernel.ERROR_PRIVILEGE_NOT_HELD, "an audit ACE beside them still does")
	require.NoError(t, user.CloseHandle(rh))

	_, err = sys.AdjustTokenPrivileges(false, []kernel.Privilege{{Name: kernel.SE_SECURITY_NAME, Enabled: true}})
	require.NoError(t, err)
	h, err := sys.CreateEvent(&kernel.SecurityAttributes{SecurityDescriptor: audited}, true, false, "audited")
	require.NoError(t, err)
	sd, err = sys.GetSecurityInfo(h, kernel.SACL_SECURITY_INFORMATION)
	require.NoError(t, err, "test_system_security_access: with the privilege held, a handle without ACCESS_SYSTEM_SECURITY reads the SACL")
	assert.Equal(t, "S:(AU;SAFA;0x1f0003;;;WD)", sd.String(), "stored with its generic rights mapped")
	ah, err := sys.OpenEvent(kernel.ACCESS_SYSTEM_SECURITY|kernel.SYNCHRONIZE, false, "audited")
	require.NoError(t, err)
	assert.Equal(t, kernel.ACCESS_SYSTEM_SECURITY|kernel.SYNCHRONIZE, grantedOf(t, sys, ah))

	_, err = sys.AdjustTokenPrivileges(false, []kernel.Privilege{{Name: kernel.SE_SECURITY_NAME, Enabled: false}})
	require.NoError(t, err)
	_, err = sys.GetSecurityInfo(h, kernel.SACL_SECURITY_INFORMATION)
	assert.ErrorIs(t, err, kernel.ERROR_PRIVILEGE_NOT_HELD, "the privilege disabled again")
	_, err = sys.OpenEvent(kernel.ACCESS_SYSTEM_SECURITY, false, "audited")
	assert.ErrorIs(t, err, kernel.ERROR_PRIVILEGE_NOT_HELD)
	none, err := kernel.ParseSDDL("S:(AU;FA;GW;;;BU)")
	require.NoError(t, err)
	require.NoError(t, sys.SetSecurityInfo(ah, kernel.SACL_SECURITY_INFORMATION|kernel.PROTECTED_SACL_SECURITY_INFORMATION, none),
		"SACL Access Right: a handle opened with ACCESS_SYSTEM_SECURITY keeps it")
	sd, err = sys.GetSecurityInfo(ah, kernel.SACL_SECURITY_INFORMATION)
	require.NoError(t, err)
	assert.Equal(t, "S:P(AU;FA;DCRC;;;BU)", sd.String(), "GENERIC_WRITE mapped for events (0x20002), protected")
	_, err = sys.GetSecurityInfo(ah, kernel.DACL_SECURITY_INFORMATION)
	assert.ErrorIs(t, err, kernel.ERROR_ACCESS_DENIED, "the DACL still needs READ_CONTROL on the handle")
	for _, hh := range []kernel.Handle{h, ah} {
		require.NoError(t, sys.CloseHandle(hh))
	}
	require.NoError(t, user.CloseHandle(lh))
}

// SeTakeOwnershipPrivilege grants WRITE_OWNER whatever the DACL says, and an owner may
// then be set to the caller or a group it owns through; SeRestorePrivilege lets any
// SID be the owner (MS docs "Privilege Constants": SE_TAKE_OWNERSHIP_NAME "Required to
// take ownership of an object without being granted discretionary access",
// SE_RESTORE_NAME; Forshaw, "Windows Security Internals", ch. 6).
func TestTakeOwnership(t *testing.T) {
	m := kerneltest.NewMachine(t)
	ps := procsAs(t, m)
	user, admin, other := ps["user"], ps["admin"], ps["other"]
	mine, err := kernel.ParseSDDL("D:(A;;GA;;;" + string(user.Token().User()) + ")")
	require.NoError(t, err)
	h, err := user.CreateEvent(&kernel.SecurityAttributes{SecurityDescriptor: mine}, true, false, "taken")
	require.NoError(t, err)
	_, err = admin.OpenEvent(kernel.WRITE_OWNER, false, "taken")
	assert.ErrorIs(t, err, kernel.ERROR_ACCESS_DENIED, "held but not enabled")
	_, err = admin.AdjustTokenPrivileges(false, []kernel.Privilege{{Name: kernel.SE_TAKE_OWNERSHIP_NAME, Enabled: true}})
	require.NoError(t, err)
	oh, err := admin.OpenEvent(kernel.WRITE_OWNER, false, "taken")
	require.NoError(t, err, "WRITE_OWNER without discretionary access")
	assert.ErrorIs(t, admin.SetSecurityInfo(oh, kernel.OWNER_SECURITY_INFORMATION, &kernel.SecurityDescriptor{Owner: other.Token().User()}),
		kernel.ERROR_INVALID_OWNER, "only an owner the taker may assign")
	require.NoError(t, admin.SetSecurityInfo(oh, kernel.OWNER_SECURITY_INFORMATION, &kernel.SecurityDescriptor{Owner: kernel.SIDAdministrators}))
	wd, err := admin.OpenEvent(kernel.WRITE_DAC|kernel.READ_CONTROL, false, "taken")
	require.NoError(t, err, "the new owner's implicit rights")
	_, err = admin.AdjustTokenPrivileges(false, []kernel.Privilege{{Name: kernel.SE_RESTORE_NAME, Enabled: true}})
	require.NoError(t, err)
	require.NoError(t, admin.SetSecurityInfo(oh, kernel.OWNER_SECURITY_INFORMATION, &kernel.SecurityDescriptor{Owner: other.Token().User()}),
		"SeRestorePrivilege: any owner")
	sd, err := admin.GetSecurityInfo(wd, kernel.OWNER_SECURITY_INFORMATION)
	require.NoError(t, err)
	assert.Equal(t, other.Token().User(), sd.Owner)
	for _, hh := range []kernel.Handle{oh, wd} {
		require.NoError(t, admin.CloseHandle(hh))
	}
	require.NoError(t, user.CloseHandle(h))
}

// SeDebugPrivilege lets OpenProcess grant any access to another user's process,
// MAXIMUM_ALLOWED as PROCESS_ALL_ACCESS, but never opens the System process (MS docs
// OpenProcess: "If the caller has enabled the SeDebugPrivilege privilege, the requested
// access is granted regardless of the contents of the security descriptor"; "the System
// process ... fails ... ERROR_ACCESS_DENIED").
func TestDebugPrivilegeOpensAnyProcess(t *testing.T) {
	m := kerneltest.NewMachine(t)
	ps := procsAs(t, m)
	user, admin := ps["user"], ps["admin"]
	_, err := admin.OpenProcess(kernel.PROCESS_TERMINATE, false, user.PID())
	assert.ErrorIs(t, err, kernel.ERROR_ACCESS_DENIED, "held but not enabled")
	_, err = admin.AdjustTokenPrivileges(false, []kernel.Privilege{{Name: kernel.SE_DEBUG_NAME, Enabled: true}})
	require.NoError(t, err)
	h, err := admin.OpenProcess(kernel.PROCESS_TERMINATE|kernel.PROCESS_VM_READ, false, user.PID())
	require.NoError(t, err)
	assert.Equal(t, kernel.PROCESS_TERMINATE|kernel.PROCESS_VM_READ, grantedOf(t, admin, h))
	mx, err := admin.OpenProcess(kernel.MAXIMUM_ALLOWED, false, user.PID())
	require.NoError(t, err)
	assert.Equal(t, kernel.PROCESS_ALL_ACCESS, grantedOf(t, admin, mx))
	_, err = admin.OpenProcess(kernel.PROCESS_QUERY_LIMITED_INFORMATION, false, m.System().PID())
	assert.ErrorIs(t, err, kernel.ERROR_ACCESS_DENIED, "the System process")
	_, err = admin.OpenProcess(kernel.ACCESS_SYSTEM_SECURITY, false, user.PID())
	assert.ErrorIs(t, err, kernel.ERROR_PRIVILEGE_NOT_HELD, "ACCESS_SYSTEM_SECURITY still needs SeSecurityPrivilege")
	for _, hh := range []kernel.Handle{h, mx} {
		require.NoError(t, admin.CloseHandle(hh))
	}
}

// PrivilegeEnabled answers from the token's set of enabled privileges, which every
// change keeps equal to what Privileges lists (PrivilegeCheck and GetTokenInformation
// TokenPrivileges read the same token): for every privilege an administrator's token
// holds, enabled and disabled one at a time, and for its duplicate.
func TestPrivilegeEnabledAgreesWithPrivileges(t *testing.T) {
	m := kerneltest.NewMachine(t)
	tok := procsAs(t, m)["admin"].Token()
	agree := func(tok *kernel.Token, when string) {
		t.Helper()
		held := map[string]bool{}
		for _, p := range tok.Privileges() {
			held[p.Name] = true
			assert.Equal(t, p.Enabled, tok.PrivilegeEnabled(p.Name), "%s: %s", when, p.Name)
		}
		for _, n := range []string{kernel.SE_TCB_NAME, kernel.SE_CREATE_TOKEN_NAME, "SeNoSuchPrivilege", ""} {
			if !held[n] {
				assert.False(t, tok.PrivilegeEnabled(n), "%s: %q is not held", when, n)
			}
		}
	}
	agree(tok, "as made")
	for _, p := range tok.Privileges() {
		for _, on := range []bool{!p.Enabled, p.Enabled} {
			_, err := tok.AdjustPrivileges(false, []kernel.Privilege{{Name: p.Name, Enabled: on}})
			require.NoError(t, err)
			agree(tok, p.Name+" adjusted")
			agree(tok.Duplicate(), p.Name+" adjusted, duplicate")
		}
	}
	_, err := tok.AdjustPrivileges(true, nil)
	require.NoError(t, err)
	agree(tok, "all disabled")
}
