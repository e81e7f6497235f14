package pipe_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/winsim/winsim/kernel"
	"github.com/winsim/winsim/kerneltest"
	"github.com/winsim/winsim/pipe"
)

// ImpersonateNamedPipeClient fails with ERROR_CANNOT_IMPERSONATE until a client has
// connected and written; then the server acts as the client at
// SecurityImpersonation, the level a CreateFile without SQOS flags allows, until
// RevertToSelf; it still works after the client closed its end and fails again after
// DisconnectNamedPipe (Wine dlls/kernel32/tests/pipe.c test_ImpersonateNamedPipeClient
// and test_impersonation; MS docs ImpersonateNamedPipeClient, RevertToSelf). The server
// is an administrator, whose SeImpersonatePrivilege lets it impersonate another user.
func TestImpersonateNamedPipeClient(t *testing.T) {
	m := newMachine(t)
	sp := procAs(t, m, "svc", kernel.SIDAdministrators) // SeImpersonatePrivilege, enabled by default
	alice := procAs(t, m, "alice")
	name := uniqueName(t)
	srv := secureServer(t, sp, name, "D:(A;;GRGW;;;WD)", duplex)
	_, err := pipe.ImpersonateNamedPipeClient(sp, srv)
	assert.ErrorIs(t, err, kernel.ERROR_CANNOT_IMPERSONATE, "no client yet")

	cli := client(t, alice, name, rw)
	_, err = pipe.ImpersonateNamedPipeClient(sp, srv)
	assert.ErrorIs(t, err, kernel.ERROR_CANNOT_IMPERSONATE, "the client has written nothing yet")
	_, err = pipe.ImpersonateNamedPipeClient(alice, cli)
	assert.ErrorIs(t, err, kernel.ERROR_INVALID_FUNCTION, "a client end cannot impersonate")
	write(t, alice, cli, "hello")
	_, err = read(sp, srv, 16)
	require.NoError(t, err)

	imp, err := pipe.ImpersonateNamedPipeClient(sp, srv)
	require.NoError(t, err)
	assert.Equal(t, kernel.SecurityImpersonation, imp.Level())
	tok, err := imp.OpenThreadToken()
	require.NoError(t, err)
	assert.Equal(t, alice.Token().User(), tok.User())
	user, err := imp.GetUserName()
	require.NoError(t, err)
	assert.Equal(t, "alice", user)

	// Opens made through the impersonation are checked as the client.
	mine, err := sp.CreateEvent(nil, true, false, "server-only")
	require.NoError(t, err)
	_, err = imp.OpenEvent(kernel.SYNCHRONIZE, false, "server-only")
	assert.ErrorIs(t, err, kernel.ERROR_ACCESS_DENIED, "the server's event is not the client's to open")
	own, err := alice.CreateEvent(nil, true, false, "alice-only")
	require.NoError(t, err)
	h, err := imp.OpenEvent(kernel.SYNCHRONIZE, false, "alice-only")
	require.NoError(t, err, "the client's own event opens as the client")
	require.NoError(t, sp.CloseHandle(h), "the handle is the server process's")
	_, err = sp.OpenEvent(kernel.SYNCHRONIZE, false, "alice-only")
	assert.ErrorIs(t, err, kernel.ERROR_ACCESS_DENIED, "the process itself is still the server's user")

	var st uint32
	var name2 string
	require.NoError(t, pipe.GetNamedPipeHandleState(sp, srv, &st, nil, nil, nil, &name2))
	assert.Equal(t, "alice", name2, "GetNamedPipeHandleState reports the client's user name")
	assert.ErrorIs(t, pipe.GetNamedPipeHandleState(alice, cli, nil, nil, nil, nil, &name2), kernel.ERROR_INVALID_PARAMETER, "not on a client end")

	require.NoError(t, imp.RevertToSelf())
	require.NoError(t, imp.RevertToSelf(), "reverting twice is fine")
	_, err = imp.GetUserName()
	assert.ErrorIs(t, err, kernel.ERROR_NO_TOKEN)
	_, err = imp.OpenEvent(kernel.SYNCHRONIZE, false, "alice-only")
	assert.ErrorIs(t, err, kernel.ERROR_NO_TOKEN)

	require.NoError(t, alice.CloseHandle(cli))
	imp, err = pipe.ImpersonateNamedPipeClient(sp, srv)
	require.NoError(t, err, "after the client closed, as in test_ImpersonateNamedPipeClient")
	require.NoError(t, imp.RevertToSelf())
	require.NoError(t, pipe.DisconnectNamedPipe(sp, srv))
	_, err = pipe.ImpersonateNamedPipeClient(sp, srv)
	assert.ErrorIs(t, err, kernel.ERROR_CANNOT_IMPERSONATE, "after DisconnectNamedPipe")

	for _, hh := range []kernel.Handle{mine, srv} {
		require.NoError(t, sp.CloseHandle(hh))
	}
	require.NoError(t, alice.CloseHandle(own))
}

// The client's security quality of service decides what the server may do (MS docs,
// "Impersonation Levels" and CreateFileW's SECURITY_SQOS_PRESENT): anonymous hides the
// client (its token cannot be opened, the name is ANONYMOUS LOGON, opens run as
// anonymous); identification lets the server learn who it is but not open objects as
// it (ERROR_BAD_IMPERSONATION_LEVEL); impersonation and delegation open local objects
// as the client.
func TestImpersonationLevels(t *testing.T) {
	m := newMachine(t)
	sp := procAs(t, m, "svc", kernel.SIDAdministrators)
	alice := procAs(t, m, "alice")
	ev, err := alice.CreateEvent(nil, true, false, "levels")
	require.NoError(t, err)
	defer func() { require.NoError(t, alice.CloseHandle(ev)) }()
	for _, r := range []struct {
		flags    uint32
		level    kernel.ImpersonationLevel
		tokenErr error
		user     string
		openErr  error
	}{
		{0, kernel.SecurityImpersonation, nil, "alice", nil},
		{kernel.SECURITY_SQOS_PRESENT | kernel.SECURITY_ANONYMOUS, kernel.SecurityAnonymous, kernel.ERROR_CANT_OPEN_ANONYMOUS, "ANONYMOUS LOGON", kernel.ERROR_ACCESS_DENIED},
		{kernel.SECURITY_SQOS_PRESENT | kernel.SECURITY_IDENTIFICATION, kernel.SecurityIdentification, nil, "alice", kernel.ERROR_BAD_IMPERSONATION_LEVEL},
		{kernel.SECURITY_SQOS_PRESENT | kernel.SECURITY_IMPERSONATION, kernel.SecurityImpersonation, nil, "alice", nil},
		{kernel.SECURITY_SQOS_PRESENT | kernel.SECURITY_DELEGATION | kernel.SECURITY_CONTEXT_TRACKING, kernel.SecurityDelegation, nil, "alice", nil},
		{kernel.SECURITY_IDENTIFICATION, kernel.SecurityImpersonation, nil, "alice", nil}, // without SQOS_PRESENT the level bits mean nothing
	} {
		name := uniqueName(t)
		srv := secureServer(t, sp, name, "D:(A;;GRGW;;;WD)", duplex)
		cli, err := alice.CreateFile(name, rw, 0, nil, kernel.OPEN_EXISTING, r.flags)
		require.NoError(t, err)
		write(t, alice, cli, "x")
		imp, err := pipe.ImpersonateNamedPipeClient(sp, srv)
		require.NoError(t, err)
		assert.Equal(t, r.level, imp.Level(), "flags %#x", r.flags)
		_, err = imp.OpenThreadToken()
		if r.tokenErr != nil {
			assert.ErrorIs(t, err, r.tokenErr, "flags %#x", r.flags)
		} else {
			assert.NoError(t, err, "flags %#x", r.flags)
		}
		user, err := imp.GetUserName()
		require.NoError(t, err)
		assert.Equal(t, r.user, user, "flags %#x", r.flags)
		h, err := imp.OpenEvent(kernel.SYNCHRONIZE, false, "levels")
		if r.openErr != nil {
			assert.ErrorIs(t, err, r.openErr, "flags %#x", r.flags)
		} else if assert.NoError(t, err, "flags %#x", r.flags) {
			require.NoError(t, sp.CloseHandle(h))
		}
		require.NoError(t, imp.RevertToSelf())
		require.NoError(t, alice.CloseHandle(cli))
		require.NoError(t, sp.CloseHandle(srv))
	}
}

// A remote client is impersonated as the server's machine sees it; an impersonating
// server reaching a third machine carries the client only with delegation, otherwise
// it arrives as ANONYMOUS LOGON (MS docs, "Impersonation Levels": impersonation-level
// tokens reach only local resources, delegation remote ones too).
func TestRemoteImpersonationNeedsDelegation(t *testing.T) {
	n := kerneltest.NewNetwork(t)
	alpha := kerneltest.AddMachine(t, n, "ALPHA", "CORP", pipe.Install)
	beta := kerneltest.AddMachine(t, n, "BETA", "CORP", pipe.Install)
	gamma := kerneltest.AddMachine(t, n, "GAMMA", "CORP", pipe.Install)
	_, err := n.CreateDomainUser("CORP", "carol")
	require.NoError(t, err)
	tok, err := alpha.LogonUser(`CORP\carol`)
	require.NoError(t, err)
	carol, err := alpha.NewProcessAs(tok, "carol.exe", nil)
	require.NoError(t, err)
	defer carol.Terminate(0)
	mid := procAs(t, beta, "middle", kernel.SIDAdministrators) // a server with SeImpersonatePrivilege
	back := newProc(t, gamma, "backend.exe")
	only := "D:(A;;GRGW;;;" + string(tok.User()) + ")"
	backSrv := secureServer(t, back, `\\.\pipe\backend`, only, duplex)
	defer func() { require.NoError(t, back.CloseHandle(backSrv)) }()

	for _, r := range []struct {
		flags uint32
		err   error
	}{
		{kernel.SECURITY_SQOS_PRESENT | kernel.SECURITY_IMPERSONATION, kernel.ERROR_ACCESS_DENIED},
		{kernel.SECURITY_SQOS_PRESENT | kernel.SECURITY_DELEGATION, nil},
	} {
		midSrv := secureServer(t, mid, `\\.\pipe\middle`, "D:(A;;GRGW;;;AU)", duplex)
		cli, err := carol.CreateFile(`\\BETA\pipe\middle`, rw, 0, nil, kernel.OPEN_EXISTING, r.flags)
		require.NoError(t, err)
		write(t, carol, cli, "x")
		imp, err := pipe.ImpersonateNamedPipeClient(mid, midSrv)
		require.NoError(t, err)
		user, err := imp.GetUserName()
		require.NoError(t, err)
		assert.Equal(t, "carol", user, "a domain account is itself on BETA")
		name, err := pipe.GetNamedPipeClientComputerName(mid, midSrv)
		require.NoError(t, err)
		assert.Equal(t, "ALPHA", name)
		h, err := imp.CreateFile(`\\GAMMA\pipe\backend`, rw, 0, nil, kernel.OPEN_EXISTING, 0)
		if r.err != nil {
			assert.ErrorIs(t, err, r.err, "flags %#x", r.flags)
		} else if assert.NoError(t, err, "flags %#x", r.flags) {
			require.NoError(t, mid.CloseHandle(h)) // the last round: the backend's one instance is used up
		}
		require.NoError(t, imp.RevertToSelf())
		require.NoError(t, carol.CloseHandle(cli))
		require.NoError(t, mid.CloseHandle(midSrv))
	}
}

// A server may impersonate a client at the level the client allowed only if the level
// is below SecurityImpersonation, the server has SeImpersonatePrivilege enabled, or the
// client is the server's own user; otherwise it gets an identification-level token
// (MS docs ImpersonateNamedPipeClient: "All impersonate functions ... allow the
// requested impersonation if one of the following is true"; "Client Impersonation").
// Administrators, services and SYSTEM have the privilege enabled by default, users do
// not hold it ("Impersonate a client after authentication" user right; "LocalSystem
// Account").
func TestImpersonationNeedsSeImpersonatePrivilege(t *testing.T) {
	m := newMachine(t)
	user := newProc(t, m, "server.exe") // the default user
	same := newProc(t, m, "client.exe") // the same user
	alice := procAs(t, m, "alice")
	admin := procAs(t, m, "root", kernel.SIDAdministrators)
	noPriv := procAs(t, m, "root2", kernel.SIDAdministrators)
	_, err := noPriv.AdjustTokenPrivileges(false, []kernel.Privilege{{Name: kernel.SE_IMPERSONATE_NAME, Enabled: false}})
	require.NoError(t, err)
	sys, err := m.NewProcessAs(m.SystemToken(), "service.exe", nil)
	require.NoError(t, err)
	defer sys.Terminate(0)
	sqos := func(l uint32) uint32 { return kernel.SECURITY_SQOS_PRESENT | l }
	for _, r := range []struct {
		source string
		server *kernel.Process
		client *kernel.Process
		flags  uint32
		level  kernel.ImpersonationLevel
	}{
		{"a user without SeImpersonatePrivilege gets identification", user, alice, 0, kernel.SecurityIdentification},
		{"the client is the server's own user", user, same, 0, kernel.SecurityImpersonation},
		{"a level below impersonation is granted as asked: identification", user, alice, sqos(kernel.SECURITY_IDENTIFICATION), kernel.SecurityIdentification},
		{"a level below impersonation is granted as asked: anonymous", user, alice, sqos(kernel.SECURITY_ANONYMOUS), kernel.SecurityAnonymous},
		{"an administrator has SeImpersonatePrivilege enabled", admin, alice, 0, kernel.SecurityImpersonation},
		{"held but disabled is not enough", noPriv, alice, 0, kernel.SecurityIdentification},
		{"SYSTEM may impersonate at delegation", sys, alice, sqos(kernel.SECURITY_DELEGATION), kernel.SecurityDelegation},
	} {
		name := uniqueName(t)
		srv := secureServer(t, r.server, name, "D:(A;;GA;;;WD)", duplex)
		cli, err := r.client.CreateFile(name, rw, 0, nil, kernel.OPEN_EXISTING, r.flags)
		require.NoError(t, err, r.source)
		write(t, r.client, cli, "x")
		imp, err := pipe.ImpersonateNamedPipeClient(r.server, srv)
		require.NoError(t, err, r.source)
		assert.Equal(t, r.level, imp.Level(), r.source)
		if r.level == kernel.SecurityIdentification {
			tok, err := imp.OpenThreadToken()
			require.NoError(t, err, "identification still names the client: %s", r.source)
			assert.Equal(t, r.client.Token().User(), tok.User())
			_, err = imp.OpenEvent(kernel.SYNCHRONIZE, false, "anything")
			assert.ErrorIs(t, err, kernel.ERROR_BAD_IMPERSONATION_LEVEL, r.source)
		}
		require.NoError(t, imp.RevertToSelf())
		require.NoError(t, r.client.CloseHandle(cli))
		require.NoError(t, r.server.CloseHandle(srv))
	}
}
