package mailslot

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/winsim/winsim/kernel"
	"github.com/winsim/winsim/kerneltest"
)

// procAs starts a process on m as the new local user name, ended when the test ends.
func procAs(t testing.TB, m *kernel.Machine, name string, groups ...kernel.SID) *kernel.Process {
	t.Helper()
	_, err := m.CreateUser(name, groups...)
	require.NoError(t, err)
	tok, err := m.LogonUser(name)
	require.NoError(t, err)
	p, err := m.NewProcessAs(tok, name+".exe", nil)
	require.NoError(t, err)
	t.Cleanup(func() { p.Terminate(0) })
	return p
}

// Local clients of a mailslot: identity × descriptor × requested access. Without
// SECURITY_ATTRIBUTES the descriptor is the creator token's default DACL (its user
// and SYSTEM; MS docs, "Mailslot Security"), so another user cannot even write; an
// explicit descriptor from CreateMailslot's lpSecurityAttributes replaces it (MS docs,
// CreateMailslotW).
func TestMailslotClientAccessTable(t *testing.T) {
	m := newMachine(t)
	owner := newProc(t, m, "server.exe")
	ps := map[string]*kernel.Process{"owner": owner, "other": procAs(t, m, "alice"), "admin": procAs(t, m, "root", kernel.SIDAdministrators)}
	for i, r := range []struct {
		source  string
		sddl    string
		who     string
		desired kernel.Access
		granted kernel.Access
		err     error
	}{
		{"default: the creator writes", "", "owner", kernel.GENERIC_WRITE, kernel.FILE_GENERIC_WRITE | kernel.FILE_READ_ATTRIBUTES, nil},
		{"default: another user does not", "", "other", kernel.GENERIC_WRITE, 0, kernel.ERROR_ACCESS_DENIED},
		{"default: nor does an administrator", "", "admin", kernel.GENERIC_WRITE, 0, kernel.ERROR_ACCESS_DENIED},
		{"Everyone may read and write", "D:(A;;GWGR;;;WD)", "other", kernel.GENERIC_WRITE, kernel.FILE_GENERIC_WRITE | kernel.FILE_READ_ATTRIBUTES, nil},
		{"Everyone may write, but not read attributes (CreateFile asks for them)", "D:(A;;FW;;;WD)", "other", kernel.GENERIC_WRITE, 0, kernel.ERROR_ACCESS_DENIED},
		{"a deny for Users first", "D:(D;;FW;;;BU)(A;;GA;;;WD)", "other", kernel.GENERIC_WRITE, 0, kernel.ERROR_ACCESS_DENIED},
		{"administrators only", "D:(A;;GA;;;BA)", "admin", kernel.MAXIMUM_ALLOWED, kernel.FILE_ALL_ACCESS, nil},
		{"a NULL DACL", "D:NO_ACCESS_CONTROL", "other", kernel.GENERIC_WRITE, kernel.FILE_GENERIC_WRITE | kernel.FILE_READ_ATTRIBUTES, nil},
	} {
		name := `\\.\mailslot\sec` + string(rune('a'+i))
		var sa *kernel.SecurityAttributes
		if r.sddl != "" {
			sd, err := kernel.ParseSDDL(r.sddl)
			require.NoError(t, err)
			sa = &kernel.SecurityAttributes{SecurityDescriptor: sd}
		}
		srv, err := CreateMailslot(owner, name, 0, 0, sa)
		require.NoError(t, err)
		p := ps[r.who]
		h, err := p.CreateFile(name, r.desired, kernel.FILE_SHARE_READ, nil, kernel.OPEN_EXISTING, 0)
		if r.err != nil {
			assert.ErrorIs(t, err, r.err, r.source)
		} else if assert.NoError(t, err, r.source) {
			assert.Equal(t, r.granted, granted(t, p, h), r.source)
			require.NoError(t, p.CloseHandle(h))
		}
		require.NoError(t, owner.CloseHandle(srv))
	}
}

// The server handle carries READ_CONTROL and WRITE_DAC, so GetSecurityInfo and
// SetSecurityInfo work on it; a local client shares the mailslot's descriptor (MS
// docs, "Mailslot Security": CreateMailslot's handle has WRITE_DAC).
func TestMailslotSecurityInfo(t *testing.T) {
	m := newMachine(t)
	owner := newProc(t, m, "server.exe")
	other := procAs(t, m, "alice")
	srv := create(t, owner, testName, 0, 0)
	sd, err := owner.GetSecurityInfo(srv, kernel.DACL_SECURITY_INFORMATION)
	require.NoError(t, err)
	u := string(owner.Token().User())
	assert.Equal(t, "D:(A;;FA;;;"+u+")(A;;FA;;;SY)", sd.String())
	_, err = other.CreateFile(testName, kernel.GENERIC_WRITE, kernel.FILE_SHARE_READ, nil, kernel.OPEN_EXISTING, 0)
	require.ErrorIs(t, err, kernel.ERROR_ACCESS_DENIED)
	grant, err := kernel.ParseSDDL("D:(A;;GA;;;" + u + ")(A;;GWGR;;;WD)")
	require.NoError(t, err)
	require.NoError(t, owner.SetSecurityInfo(srv, kernel.DACL_SECURITY_INFORMATION, grant))
	h, err := other.CreateFile(testName, kernel.GENERIC_WRITE|kernel.READ_CONTROL, kernel.FILE_SHARE_READ, nil, kernel.OPEN_EXISTING, 0)
	require.NoError(t, err)
	sd, err = other.GetSecurityInfo(h, kernel.DACL_SECURITY_INFORMATION)
	require.NoError(t, err)
	assert.Equal(t, "D:(A;;FA;;;"+u+")(A;;0x12019f;;;WD)", sd.String(), "the client sees the mailslot's descriptor")
	require.NoError(t, other.CloseHandle(h))
	require.NoError(t, owner.CloseHandle(srv))
}

// Writes to another machine's mailslot are datagrams no one authenticates: they are
// delivered whatever the mailslot's DACL says (MS docs, "About Mailslots": mailslot
// messages to other computers are sent as datagrams; issue 12: broadcasts are not
// access-checked beyond what Windows does).
func TestRemoteMailslotWritesAreNotChecked(t *testing.T) {
	n := kerneltest.NewNetwork(t)
	alpha := kerneltest.AddMachine(t, n, "ALPHA", "CORP", Install)
	beta := kerneltest.AddMachine(t, n, "BETA", "CORP", Install)
	sp := newProc(t, beta, "server.exe")
	cp := procAs(t, alpha, "stranger")
	sd, err := kernel.ParseSDDL("D:")
	require.NoError(t, err)
	srv, err := CreateMailslot(sp, `\\.\mailslot\closed`, 0, 0, &kernel.SecurityAttributes{SecurityDescriptor: sd})
	require.NoError(t, err)
	_, err = newProc(t, beta, "local.exe").CreateFile(`\\.\mailslot\closed`, kernel.GENERIC_WRITE, kernel.FILE_SHARE_READ, nil, kernel.OPEN_EXISTING, 0)
	assert.ErrorIs(t, err, kernel.ERROR_ACCESS_DENIED, "a local open is checked")
	c := open(t, cp, `\\BETA\mailslot\closed`)
	write(t, cp, c, "datagram")
	got, err := read(sp, srv, 64)
	require.NoError(t, err)
	assert.Equal(t, "datagram", got)
	require.NoError(t, cp.CloseHandle(c))
	require.NoError(t, sp.CloseHandle(srv))
}
