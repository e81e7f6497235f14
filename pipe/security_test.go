package pipe_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/winsim/winsim/kernel"
	"github.com/winsim/winsim/kerneltest"
	"github.com/winsim/winsim/pipe"
)

// procAs starts a driven process on m as the local user name (created, in groups),
// ended when the test ends.
func procAs(t testing.TB, m *kernel.Machine, name string, groups ...kernel.SID) *kernel.Process {
	t.Helper()
	if _, err := m.LookupAccountName(name); err != nil {
		_, err := m.CreateUser(name, groups...)
		require.NoError(t, err)
	}
	tok, err := m.LogonUser(name)
	require.NoError(t, err)
	p, err := m.NewProcessAs(tok, name+".exe", nil)
	require.NoError(t, err)
	t.Cleanup(func() { p.Terminate(0) })
	return p
}

// secureServer creates a duplex byte pipe instance whose descriptor is sddl ("" for
// the default).
func secureServer(t testing.TB, p *kernel.Process, name, sddl string, openMode uint32) kernel.Handle {
	t.Helper()
	var sa *kernel.SecurityAttributes
	if sddl != "" {
		sd, err := p.Machine().ParseSDDL(sddl)
		require.NoError(t, err)
		sa = &kernel.SecurityAttributes{SecurityDescriptor: sd}
	}
	h, err := pipe.CreateNamedPipe(p, name, openMode, bytePipe, pipe.PIPE_UNLIMITED_INSTANCES, 1024, 1024, 0, sa)
	require.NoError(t, err)
	return h
}

// Client opens of a local pipe: identity × descriptor × requested access → granted
// access or ERROR_ACCESS_DENIED. The default DACL gives SYSTEM, Administrators and the
// creator owner full control and Everyone and anonymous read (MS docs, "Named Pipe
// Security and Access Rights"); explicit descriptors from SECURITY_ATTRIBUTES replace
// it (MS docs, CreateNamedPipeW lpSecurityAttributes).
func TestPipeClientAccessTable(t *testing.T) {
	m := newMachine(t)
	owner := newProc(t, m, "server.exe") // the default user
	ps := map[string]*kernel.Process{
		"owner": owner,
		"other": procAs(t, m, "alice"),
		"admin": procAs(t, m, "root", kernel.SIDAdministrators),
	}
	sys, err := m.NewProcessAs(m.SystemToken(), "service.exe", nil)
	require.NoError(t, err)
	defer sys.Terminate(0)
	ps["system"] = sys
	alice := string(ps["other"].Token().User())
	for _, r := range []struct {
		source  string
		sddl    string
		who     string
		desired kernel.Access
		granted kernel.Access
		err     error
	}{
		{"default DACL: the creator owner has full control", "", "owner", rw, kernel.FILE_GENERIC_READ | kernel.FILE_GENERIC_WRITE, nil},
		{"default DACL: Everyone reads", "", "other", kernel.GENERIC_READ, kernel.FILE_GENERIC_READ, nil},
		{"default DACL: Everyone does not write", "", "other", rw, 0, kernel.ERROR_ACCESS_DENIED},
		{"default DACL: Everyone has no FILE_WRITE_ATTRIBUTES (SetNamedPipeHandleState)", "", "other", kernel.GENERIC_READ | kernel.FILE_WRITE_ATTRIBUTES, 0, kernel.ERROR_ACCESS_DENIED},
		{"default DACL: Administrators have full control", "", "admin", rw, kernel.FILE_GENERIC_READ | kernel.FILE_GENERIC_WRITE, nil},
		{"default DACL: LocalSystem has full control", "", "system", kernel.MAXIMUM_ALLOWED, kernel.FILE_ALL_ACCESS, nil},
		{"default DACL: MAXIMUM_ALLOWED for Everyone is read", "", "other", kernel.MAXIMUM_ALLOWED, kernel.FILE_GENERIC_READ, nil},
		{"go-winio PipeConfig example: GRGW for Builtin Users", "D:P(A;;GA;;;SY)(A;;GRGW;;;BU)", "other", rw, kernel.FILE_GENERIC_READ | kernel.FILE_GENERIC_WRITE, nil},
		{"go-winio PipeConfig example: the owner is not in the DACL", "D:P(A;;GA;;;SY)", "owner", kernel.GENERIC_READ, 0, kernel.ERROR_ACCESS_DENIED},
		{"a deny ACE for one user before an allow for Everyone", "D:(D;;GA;;;" + alice + ")(A;;GRGW;;;WD)", "other", kernel.GENERIC_READ, 0, kernel.ERROR_ACCESS_DENIED},
		{"a deny ACE for one user leaves others", "D:(D;;GA;;;" + alice + ")(A;;GRGW;;;WD)", "admin", rw, kernel.FILE_GENERIC_READ | kernel.FILE_GENERIC_WRITE, nil},
		{"a NULL DACL lets everyone in", "D:NO_ACCESS_CONTROL", "other", rw, kernel.FILE_GENERIC_READ | kernel.FILE_GENERIC_WRITE, nil},
		{"an empty DACL lets no one in, not even SYSTEM", "D:", "system", kernel.GENERIC_READ, 0, kernel.ERROR_ACCESS_DENIED},
	} {
		name := uniqueName(t)
		srv := secureServer(t, owner, name, r.sddl, duplex)
		p := ps[r.who]
		h, err := p.CreateFile(name, r.desired, 0, nil, kernel.OPEN_EXISTING, 0)
		if r.err != nil {
			assert.ErrorIs(t, err, r.err, r.source)
		} else if assert.NoError(t, err, r.source) {
			assert.Equal(t, r.granted, granted(t, p, h), "%s: %#x", r.source, uint32(granted(t, p, h)))
			require.NoError(t, p.CloseHandle(h))
		}
		require.NoError(t, owner.CloseHandle(srv))
	}
}

// Another instance of an existing pipe needs FILE_CREATE_PIPE_INSTANCE from its DACL:
// under the default DACL a second user's CreateNamedPipe is refused with
// ERROR_ACCESS_DENIED, so it cannot squat on the name, while the creator and
// administrators add instances (MS docs, "Named Pipe Security and Access Rights").
func TestPipeInstanceNeedsCreatePipeInstance(t *testing.T) {
	m := newMachine(t)
	owner := newProc(t, m, "server.exe")
	other := procAs(t, m, "alice")
	admin := procAs(t, m, "root", kernel.SIDAdministrators)
	name := uniqueName(t)
	first := secureServer(t, owner, name, "", duplex)
	_, err := pipe.CreateNamedPipe(other, name, duplex, bytePipe, pipe.PIPE_UNLIMITED_INSTANCES, 1024, 1024, 0, nil)
	assert.ErrorIs(t, err, kernel.ERROR_ACCESS_DENIED)
	second := secureServer(t, owner, name, "", duplex)
	third := secureServer(t, admin, name, "", duplex)
	for _, h := range []kernel.Handle{first, second} {
		require.NoError(t, owner.CloseHandle(h))
	}
	require.NoError(t, admin.CloseHandle(third))

	// A DACL that grants Everyone FILE_CREATE_PIPE_INSTANCE lets anyone add one.
	open := secureServer(t, owner, name, "D:(A;;FA;;;WD)", duplex)
	h, err := pipe.CreateNamedPipe(other, name, duplex, bytePipe, pipe.PIPE_UNLIMITED_INSTANCES, 1024, 1024, 0, nil)
	require.NoError(t, err)
	require.NoError(t, other.CloseHandle(h))
	require.NoError(t, owner.CloseHandle(open))
}

// Every end reads the pipe's one descriptor: GetSecurityInfo on a client end shows the
// default DACL in SDDL, and SetSecurityInfo through a server handle opened with
// WRITE_DAC changes it for later clients (MS docs, "Named Pipe Security and Access
// Rights": GetSecurityInfo and SetSecurityInfo).
func TestPipeSecurityInfo(t *testing.T) {
	m := newMachine(t)
	owner := newProc(t, m, "server.exe")
	other := procAs(t, m, "alice")
	name := uniqueName(t)
	srv := secureServer(t, owner, name, "", duplex|pipe.WRITE_DAC)
	cli := client(t, owner, name, rw)
	sd, err := owner.GetSecurityInfo(cli, kernel.OWNER_SECURITY_INFORMATION|kernel.DACL_SECURITY_INFORMATION)
	require.NoError(t, err)
	u := string(owner.Token().User())
	assert.Equal(t, "O:"+u+"D:(A;;FA;;;SY)(A;;FA;;;BA)(A;;FA;;;"+u+")(A;;FR;;;WD)(A;;FR;;;AN)", sd.String())
	require.NoError(t, owner.CloseHandle(cli))
	next := secureServer(t, owner, name, "", duplex) // a listening instance for the next client

	_, err = other.CreateFile(name, rw, 0, nil, kernel.OPEN_EXISTING, 0)
	require.ErrorIs(t, err, kernel.ERROR_ACCESS_DENIED)
	grant, err := kernel.ParseSDDL("D:(A;;GRGW;;;WD)")
	require.NoError(t, err)
	require.NoError(t, owner.SetSecurityInfo(srv, kernel.DACL_SECURITY_INFORMATION, grant))
	h, err := other.CreateFile(name, rw, 0, nil, kernel.OPEN_EXISTING, 0)
	require.NoError(t, err)
	assert.ErrorIs(t, other.SetSecurityInfo(h, kernel.DACL_SECURITY_INFORMATION, grant), kernel.ERROR_ACCESS_DENIED, "a client handle has no WRITE_DAC")
	require.NoError(t, other.CloseHandle(h))
	require.NoError(t, owner.CloseHandle(next))
	require.NoError(t, owner.CloseHandle(srv))
}

// Remote clients are checked as the server's machine sees them: in a workgroup a
// local account with the same name on the server is used (the default user exists on
// every machine, so it keeps its creator-owner rights), any other local account
// arrives as ANONYMOUS LOGON, which the default DACL lets read only; a domain account
// is itself on every machine of its domain (MS docs, "Named Pipe Security and Access
// Rights", "Network logon"). PIPE_REJECT_REMOTE_CLIENTS refuses all of them.
func TestRemotePipeClientsAsTheirUser(t *testing.T) {
	n := kerneltest.NewNetwork(t)
	alpha := kerneltest.AddMachine(t, n, "ALPHA", "CORP", pipe.Install)
	beta := kerneltest.AddMachine(t, n, "BETA", "CORP", pipe.Install)
	_, err := n.CreateDomainUser("CORP", "carol")
	require.NoError(t, err)
	sp := newProc(t, beta, "server.exe")
	mirrored := newProc(t, alpha, "client.exe")
	stranger := procAs(t, alpha, "alice")
	tok, err := alpha.LogonUser(`CORP\carol`)
	require.NoError(t, err)
	carol, err := alpha.NewProcessAs(tok, "carol.exe", nil)
	require.NoError(t, err)
	defer carol.Terminate(0)

	name := `\pipe\remote-sec`
	srv := secureServer(t, sp, `\\.`+name, "", duplex)
	h, err := mirrored.CreateFile(`\\BETA`+name, rw, 0, nil, kernel.OPEN_EXISTING, 0)
	require.NoError(t, err, "the mirrored default user is the creator owner")
	require.NoError(t, mirrored.CloseHandle(h))
	require.NoError(t, sp.CloseHandle(srv))

	srv = secureServer(t, sp, `\\.`+name, "", duplex)
	_, err = stranger.CreateFile(`\\BETA`+name, rw, 0, nil, kernel.OPEN_EXISTING, 0)
	assert.ErrorIs(t, err, kernel.ERROR_ACCESS_DENIED, "anonymous may not write")
	h, err = stranger.CreateFile(`\\BETA`+name, kernel.GENERIC_READ, 0, nil, kernel.OPEN_EXISTING, 0)
	require.NoError(t, err, "anonymous may read under the default DACL")
	require.NoError(t, stranger.CloseHandle(h))
	require.NoError(t, sp.CloseHandle(srv))

	only := "D:(A;;GRGW;;;" + string(carol.Token().User()) + ")"
	srv = secureServer(t, sp, `\\.`+name, only, duplex)
	h, err = carol.CreateFile(`\\BETA`+name, rw, 0, nil, kernel.OPEN_EXISTING, 0)
	require.NoError(t, err, "a domain account is itself on the server")
	_, err = mirrored.CreateFile(`\\BETA`+name, rw, 0, nil, kernel.OPEN_EXISTING, 0)
	assert.ErrorIs(t, err, kernel.ERROR_ACCESS_DENIED)
	require.NoError(t, carol.CloseHandle(h))
	require.NoError(t, sp.CloseHandle(srv))

	h, err = sp.CreateFile(`\\.`+name, rw, 0, nil, kernel.OPEN_EXISTING, 0)
	assert.ErrorIs(t, err, kernel.ERROR_FILE_NOT_FOUND)
	srv, err = pipe.CreateNamedPipe(sp, `\\.`+name, duplex, bytePipe|pipe.PIPE_REJECT_REMOTE_CLIENTS, 1, 1024, 1024, 0, nil)
	require.NoError(t, err)
	_, err = carol.CreateFile(`\\BETA`+name, rw, 0, nil, kernel.OPEN_EXISTING, 0)
	assert.ErrorIs(t, err, kernel.ERROR_ACCESS_DENIED, "PIPE_REJECT_REMOTE_CLIENTS holds for domain accounts")
	require.NoError(t, sp.CloseHandle(srv))
	_ = h
}

// An anonymous pipe gets the creator token's default DACL, or the descriptor its
// SECURITY_ATTRIBUTES carry, shared by both ends (MS docs, "Anonymous Pipe Security and
// Access Rights": the ACLs of the default descriptor come from the creator's token).
func TestAnonymousPipeSecurity(t *testing.T) {
	m := newMachine(t)
	p := newProc(t, m, "a.exe")
	r, w, err := pipe.CreatePipe(p, nil, 0)
	require.NoError(t, err)
	sd, err := p.GetSecurityInfo(r, kernel.DACL_SECURITY_INFORMATION)
	require.NoError(t, err)
	u := string(p.Token().User())
	assert.Equal(t, "D:(A;;FA;;;"+u+")(A;;FA;;;SY)", sd.String())
	sd, err = p.GetSecurityInfo(w, kernel.DACL_SECURITY_INFORMATION)
	require.NoError(t, err)
	assert.Equal(t, "D:(A;;FA;;;"+u+")(A;;FA;;;SY)", sd.String(), "the write end shows the same descriptor")
	require.NoError(t, p.CloseHandle(r))
	require.NoError(t, p.CloseHandle(w))

	explicit, err := kernel.ParseSDDL("D:P(A;;GA;;;SY)")
	require.NoError(t, err)
	r, w, err = pipe.CreatePipe(p, &kernel.SecurityAttributes{SecurityDescriptor: explicit}, 0)
	require.NoError(t, err)
	sd, err = p.GetSecurityInfo(w, kernel.OWNER_SECURITY_INFORMATION|kernel.DACL_SECURITY_INFORMATION)
	require.NoError(t, err)
	assert.Equal(t, "O:"+u+"D:P(A;;FA;;;SY)", sd.String(), "the creator's token supplies the owner")
	require.NoError(t, p.CloseHandle(r))
	require.NoError(t, p.CloseHandle(w))
}
