package kernel_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/winsim/winsim/kernel"
	"github.com/winsim/winsim/kerneltest"
)

// procsAs starts one process per identity of tokens(t, m).
func procsAs(t *testing.T, m *kernel.Machine) map[string]*kernel.Process {
	t.Helper()
	out := map[string]*kernel.Process{}
	for name, tok := range tokens(t, m) {
		p, err := m.NewProcessAs(tok, name+".exe", nil)
		require.NoError(t, err)
		t.Cleanup(func() { p.Terminate(0) })
		out[name] = p
	}
	return out
}

// Events: identity × descriptor × requested access for OpenEvent, and CreateEvent of
// an existing name, which asks for EVENT_ALL_ACCESS (MS docs CreateEventW and
// "Synchronization Object Security and Access Rights"; Wine
// dlls/advapi32/tests/security.c test_event_security and test_kernel_objects_security).
func TestEventAccessTable(t *testing.T) {
	m := kerneltest.NewMachine(t)
	ps := procsAs(t, m)
	creator := ps["user"]
	rows := []struct {
		source  string
		sddl    string // "" for the default descriptor
		who     string
		desired kernel.Access
		granted kernel.Access
		err     error
	}{
		{"the token's default DACL: the creator's user", "", "user", kernel.EVENT_ALL_ACCESS, kernel.EVENT_ALL_ACCESS, nil},
		{"the token's default DACL: SYSTEM", "", "system", kernel.GENERIC_ALL, kernel.EVENT_ALL_ACCESS, nil},
		{"the token's default DACL: another user", "", "other", kernel.SYNCHRONIZE, 0, kernel.ERROR_ACCESS_DENIED},
		{"the token's default DACL: MAXIMUM_ALLOWED for the creator", "", "user", kernel.MAXIMUM_ALLOWED, kernel.EVENT_ALL_ACCESS, nil},
		{"Everyone may wait, only the creator signal", "D:(A;;GA;;;" + string(creator.Token().User()) + ")(A;;GX;;;WD)", "other", kernel.SYNCHRONIZE, kernel.SYNCHRONIZE, nil},
		{"Everyone may wait, only the creator signal: EVENT_MODIFY_STATE", "D:(A;;GA;;;" + string(creator.Token().User()) + ")(A;;GX;;;WD)", "other", kernel.EVENT_MODIFY_STATE, 0, kernel.ERROR_ACCESS_DENIED},
		{"GENERIC_READ maps to EVENT_QUERY_STATE|READ_CONTROL", "D:(A;;GR;;;WD)", "other", kernel.GENERIC_READ, kernel.EVENT_QUERY_STATE | kernel.READ_CONTROL, nil},
		{"a NULL DACL lets everyone in", "D:NO_ACCESS_CONTROL", "other", kernel.EVENT_ALL_ACCESS, kernel.EVENT_ALL_ACCESS, nil},
		{"an empty DACL keeps even the creator out (but for the owner's implicit rights)", "D:", "user", kernel.SYNCHRONIZE, 0, kernel.ERROR_ACCESS_DENIED},
		{"the owner keeps READ_CONTROL|WRITE_DAC under an empty DACL", "D:", "user", kernel.READ_CONTROL | kernel.WRITE_DAC, kernel.READ_CONTROL | kernel.WRITE_DAC, nil},
		{"a deny ACE for Users", "D:(D;;0x2;;;BU)(A;;GA;;;WD)", "other", kernel.EVENT_MODIFY_STATE, 0, kernel.ERROR_ACCESS_DENIED},
		{"administrators", "D:(A;;GA;;;BA)", "admin", kernel.EVENT_ALL_ACCESS, kernel.EVENT_ALL_ACCESS, nil},
	}
	for i, r := range rows {
		name := "ev" + string(rune('a'+i))
		var sa *kernel.SecurityAttributes
		if r.sddl != "" {
			sd, err := kernel.ParseSDDL(r.sddl)
			require.NoError(t, err)
			sa = &kernel.SecurityAttributes{SecurityDescriptor: sd}
		}
		h, err := creator.CreateEvent(sa, true, false, name)
		require.NoError(t, err, r.source)
		p := ps[r.who]
		oh, err := p.OpenEvent(r.desired, false, name)
		if r.err != nil {
			assert.ErrorIs(t, err, r.err, r.source)
		} else if assert.NoError(t, err, r.source) {
			assert.Equal(t, r.granted, grantedOf(t, p, oh), r.source)
			require.NoError(t, p.CloseHandle(oh))
		}
		ch, cerr := p.CreateEvent(nil, true, false, name)
		allowed, _ := kernel.AccessCheck(descriptorOf(t, creator, h), p.Token(), kernel.EVENT_ALL_ACCESS, kernel.EventType.Generic)
		if allowed == kernel.EVENT_ALL_ACCESS {
			assert.ErrorIs(t, cerr, kernel.ERROR_ALREADY_EXISTS, "CreateEvent of an existing name: %s", r.source)
			require.NoError(t, p.CloseHandle(ch))
		} else {
			assert.ErrorIs(t, cerr, kernel.ERROR_ACCESS_DENIED, "CreateEvent of an existing name asks EVENT_ALL_ACCESS: %s", r.source)
		}
		require.NoError(t, creator.CloseHandle(h))
	}
}

// descriptorOf returns a copy of the descriptor of the object h refers to in p.
func descriptorOf(t *testing.T, p *kernel.Process, h kernel.Handle) *kernel.SecurityDescriptor {
	t.Helper()
	o, _, err := p.Reference(h, 0, nil)
	require.NoError(t, err)
	defer o.DecRef()
	return o.SecurityDescriptor()
}

// Processes: OpenProcess checks the target's descriptor, which comes from its token's
// default DACL (the user and SYSTEM get everything; MS docs "Process Security and
// Access Rights"; Wine dlls/advapi32/tests/security.c test_process_security). Another
// user, even an administrator without SeDebugPrivilege, is refused.
func TestProcessAccessTable(t *testing.T) {
	m := kerneltest.NewMachine(t)
	ps := procsAs(t, m)
	target := kerneltest.NewProcess(t, m, "target.exe") // the default user
	defer target.Terminate(0)
	rows := []struct {
		source  string
		who     string
		desired kernel.Access
		granted kernel.Access
		err     error
	}{
		{"the same user", "user", kernel.PROCESS_ALL_ACCESS, kernel.PROCESS_ALL_ACCESS, nil},
		{"the same user, generic read", "user", kernel.GENERIC_READ, kernel.READ_CONTROL | kernel.PROCESS_VM_READ | kernel.PROCESS_QUERY_INFORMATION | kernel.PROCESS_QUERY_LIMITED_INFORMATION, nil},
		{"the same user, MAXIMUM_ALLOWED", "user", kernel.MAXIMUM_ALLOWED, kernel.PROCESS_ALL_ACCESS, nil},
		{"SYSTEM", "system", kernel.PROCESS_TERMINATE, kernel.PROCESS_TERMINATE, nil},
		{"another user", "other", kernel.PROCESS_QUERY_LIMITED_INFORMATION, 0, kernel.ERROR_ACCESS_DENIED},
		{"an administrator without SeDebugPrivilege", "admin", kernel.PROCESS_TERMINATE, 0, kernel.ERROR_ACCESS_DENIED},
		{"a right the type lacks", "user", kernel.Access(0x04000000), 0, kernel.ERROR_ACCESS_DENIED},
	}
	for _, r := range rows {
		p := ps[r.who]
		h, err := p.OpenProcess(r.desired, false, target.PID())
		if r.err != nil {
			assert.ErrorIs(t, err, r.err, r.source)
			continue
		}
		if assert.NoError(t, err, r.source) {
			assert.Equal(t, r.granted, grantedOf(t, p, h), r.source)
			require.NoError(t, p.CloseHandle(h))
		}
	}
}

// GetSecurityInfo needs READ_CONTROL and SetSecurityInfo WRITE_DAC (or WRITE_OWNER for
// the owner); a new DACL takes effect for later opens; an owner the caller is not is
// ERROR_INVALID_OWNER; the SACL needs ACCESS_SYSTEM_SECURITY or SeSecurityPrivilege,
// which a user does not hold: ERROR_PRIVILEGE_NOT_HELD (MS docs GetSecurityInfo,
// SetSecurityInfo, "SACL Access Right"; Wine dlls/advapi32/tests/security.c
// test_GetSecurityInfo, test_system_security_access).
func TestGetSetSecurityInfo(t *testing.T) {
	m := kerneltest.NewMachine(t)
	ps := procsAs(t, m)
	owner, other := ps["user"], ps["other"]
	h, err := owner.CreateEvent(nil, true, false, "guarded")
	require.NoError(t, err)
	defer func() { _ = owner.CloseHandle(h) }()
	all := kernel.OWNER_SECURITY_INFORMATION | kernel.GROUP_SECURITY_INFORMATION | kernel.DACL_SECURITY_INFORMATION
	sd, err := owner.GetSecurityInfo(h, all)
	require.NoError(t, err)
	u := string(owner.Token().User())
	assert.Equal(t, "O:"+u+"G:"+u+"D:(A;;0x1f0003;;;"+u+")(A;;0x1f0003;;;SY)", sd.String(), "the default DACL, mapped for events")
	_, err = owner.GetSecurityInfo(h, kernel.SACL_SECURITY_INFORMATION)
	assert.ErrorIs(t, err, kernel.ERROR_PRIVILEGE_NOT_HELD, "Wine security.c test_system_security_access: no SeSecurityPrivilege")

	_, err = other.OpenEvent(kernel.SYNCHRONIZE, false, "guarded")
	assert.ErrorIs(t, err, kernel.ERROR_ACCESS_DENIED)
	open, err := kernel.ParseSDDL("D:(A;;GX;;;WD)")
	require.NoError(t, err)
	require.NoError(t, owner.SetSecurityInfo(h, kernel.DACL_SECURITY_INFORMATION, open))
	oh, err := other.OpenEvent(kernel.SYNCHRONIZE, false, "guarded")
	require.NoError(t, err)
	sd, err = owner.GetSecurityInfo(h, kernel.DACL_SECURITY_INFORMATION)
	require.NoError(t, err)
	assert.Equal(t, "D:(A;;0x120000;;;WD)", sd.String(), "GENERIC_EXECUTE stored as SYNCHRONIZE|READ_CONTROL")

	_, err = other.GetSecurityInfo(oh, kernel.DACL_SECURITY_INFORMATION)
	assert.ErrorIs(t, err, kernel.ERROR_ACCESS_DENIED, "the handle lacks READ_CONTROL")
	assert.ErrorIs(t, other.SetSecurityInfo(oh, kernel.DACL_SECURITY_INFORMATION, open), kernel.ERROR_ACCESS_DENIED, "the handle lacks WRITE_DAC")
	require.NoError(t, other.CloseHandle(oh))

	newOwner := &kernel.SecurityDescriptor{Owner: other.Token().User()}
	assert.ErrorIs(t, owner.SetSecurityInfo(h, kernel.OWNER_SECURITY_INFORMATION, newOwner), kernel.ERROR_INVALID_OWNER)
	assert.ErrorIs(t, owner.SetSecurityInfo(h, kernel.DACL_SECURITY_INFORMATION, nil), kernel.ERROR_INVALID_PARAMETER)
	assert.ErrorIs(t, owner.SetSecurityInfo(h, kernel.SACL_SECURITY_INFORMATION, open), kernel.ERROR_PRIVILEGE_NOT_HELD)
	require.NoError(t, owner.SetSecurityInfo(h, kernel.PROTECTED_DACL_SECURITY_INFORMATION|kernel.DACL_SECURITY_INFORMATION, open))
	sd, err = owner.GetSecurityInfo(h, kernel.DACL_SECURITY_INFORMATION)
	require.NoError(t, err)
	assert.Equal(t, "D:P(A;;0x120000;;;WD)", sd.String())

	// An owner locked out by an empty DACL can still read and rewrite it.
	require.NoError(t, owner.SetSecurityInfo(h, kernel.DACL_SECURITY_INFORMATION, &kernel.SecurityDescriptor{Dacl: &kernel.ACL{}}))
	rh, err := owner.OpenEvent(kernel.READ_CONTROL|kernel.WRITE_DAC, false, "guarded")
	require.NoError(t, err)
	require.NoError(t, owner.SetSecurityInfo(rh, kernel.DACL_SECURITY_INFORMATION, open))
	require.NoError(t, owner.CloseHandle(rh))
}

// DuplicateHandle to more access than the source handle had is checked against the
// object's descriptor with the caller's token (Wine server/handle.c duplicate_handle,
// check_object_access; MS docs DuplicateHandle): the owner may widen its own handle,
// a user the DACL lets only wait may not.
func TestDuplicateHandleWiderAccessIsChecked(t *testing.T) {
	m := kerneltest.NewMachine(t)
	ps := procsAs(t, m)
	owner, other := ps["user"], ps["other"]
	sd, err := kernel.ParseSDDL("D:(A;;GA;;;" + string(owner.Token().User()) + ")(A;;GX;;;" + string(other.Token().User()) + ")")
	require.NoError(t, err)
	h, err := owner.CreateEvent(&kernel.SecurityAttributes{SecurityDescriptor: sd}, true, false, "widen")
	require.NoError(t, err)
	narrow, err := owner.DuplicateHandle(kernel.CurrentProcess, h, kernel.CurrentProcess, kernel.SYNCHRONIZE, false, 0)
	require.NoError(t, err)
	wide, err := owner.DuplicateHandle(kernel.CurrentProcess, narrow, kernel.CurrentProcess, kernel.EVENT_ALL_ACCESS, false, 0)
	require.NoError(t, err, "the DACL grants the owner everything")
	oh, err := other.OpenEvent(kernel.SYNCHRONIZE, false, "widen")
	require.NoError(t, err)
	_, err = other.DuplicateHandle(kernel.CurrentProcess, oh, kernel.CurrentProcess, kernel.EVENT_MODIFY_STATE, false, 0)
	assert.ErrorIs(t, err, kernel.ERROR_ACCESS_DENIED)
	same, err := other.DuplicateHandle(kernel.CurrentProcess, oh, kernel.CurrentProcess, kernel.SYNCHRONIZE, false, 0)
	require.NoError(t, err, "no wider than the source: no check")
	for _, c := range []struct {
		p *kernel.Process
		h kernel.Handle
	}{{owner, h}, {owner, narrow}, {owner, wide}, {other, oh}, {other, same}} {
		require.NoError(t, c.p.CloseHandle(c.h))
	}
}
