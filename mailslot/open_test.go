package mailslot

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/winsim/winsim/kernel"
	"github.com/winsim/winsim/kerneltest"
)

// kernel32/tests/mailslot.c mailslot_test opens a mailslot that does not exist and fails
// (windows-facts.md MS-2); KB Q131493 ("DOCERR: CreateFile() and Mailslots"): GetLastError is 2,
// ERROR_FILE_NOT_FOUND, when no server created it.
func TestCreateFileWithoutServerFailsFileNotFound(t *testing.T) {
	p := newProc(t, newMachine(t), "client.exe")
	_, err := p.CreateFile(testName, kernel.GENERIC_READ|kernel.GENERIC_WRITE, kernel.FILE_SHARE_READ, nil, kernel.OPEN_EXISTING, 0)
	assert.ErrorIs(t, err, kernel.ERROR_FILE_NOT_FOUND)
}

// kernel32/tests/mailslot.c mailslot_test, Vista and later: a client opens without
// FILE_SHARE_READ (MS-13), with GENERIC_READ|GENERIC_WRITE (MS-14), alongside other clients
// of every combination (MS-19), and two FILE_SHARE_READ|FILE_SHARE_WRITE writers (MS-21).
func TestCreateFileAcceptsEveryShareMode(t *testing.T) {
	m := newMachine(t)
	p := newProc(t, m, "server.exe")
	q := newProc(t, m, "client.exe")
	create(t, p, testName, 0, 0)
	for _, c := range []struct {
		access kernel.Access
		share  uint32
	}{
		{kernel.GENERIC_WRITE, 0},
		{kernel.GENERIC_READ | kernel.GENERIC_WRITE, kernel.FILE_SHARE_READ},
		{kernel.GENERIC_READ, kernel.FILE_SHARE_READ},
		{kernel.GENERIC_WRITE, kernel.FILE_SHARE_READ},
		{kernel.GENERIC_WRITE, kernel.FILE_SHARE_READ | kernel.FILE_SHARE_WRITE},
		{kernel.GENERIC_WRITE, kernel.FILE_SHARE_READ | kernel.FILE_SHARE_WRITE | kernel.FILE_SHARE_DELETE},
	} {
		_, err := q.CreateFile(testName, c.access, c.share, nil, kernel.OPEN_EXISTING, 0)
		assert.NoError(t, err, "access %#x share %#x", c.access, c.share)
	}
	assert.Len(t, q.Handles(), 6, "all open at once")
}

// NtCreateFile refuses share-access bits beyond FILE_SHARE_VALID_FLAGS with
// STATUS_INVALID_PARAMETER.
func TestCreateFileInvalidShareBitsFailInvalidParameter(t *testing.T) {
	m := newMachine(t)
	p := newProc(t, m, "server.exe")
	create(t, p, testName, 0, 0)
	_, err := p.CreateFile(testName, kernel.GENERIC_WRITE, 0x8, nil, kernel.OPEN_EXISTING, 0)
	assert.ErrorIs(t, err, kernel.ERROR_INVALID_PARAMETER)
}

// ntdll/tests/om.c test_query_object opens a client with no access at all (windows-facts.md MS-31). The client is granted what it asked for, plus SYNCHRONIZE and
// FILE_READ_ATTRIBUTES (CreateFileW). Rights a file does not define fail NT's access
// check against the mailslot's security descriptor (at most FILE_ALL_ACCESS):
// ERROR_ACCESS_DENIED. MAXIMUM_ALLOWED grants everything. ACCESS_SYSTEM_SECURITY needs
// SeSecurityPrivilege enabled.
func TestCreateFileAccess(t *testing.T) {
	m := newMachine(t)
	p := newProc(t, m, "server.exe")
	q := newProc(t, m, "client.exe")
	create(t, p, testName, 0, 0)
	h, err := q.CreateFile(testName, 0, kernel.FILE_SHARE_READ, nil, kernel.OPEN_EXISTING, 0)
	require.NoError(t, err)
	assert.Equal(t, kernel.SYNCHRONIZE|kernel.FILE_READ_ATTRIBUTES, granted(t, q, h))
	h, err = q.CreateFile(testName, kernel.GENERIC_WRITE, kernel.FILE_SHARE_READ, nil, kernel.OPEN_EXISTING, 0)
	require.NoError(t, err)
	assert.Equal(t, kernel.FILE_GENERIC_WRITE|kernel.FILE_READ_ATTRIBUTES, granted(t, q, h))
	h, err = q.CreateFile(testName, kernel.MAXIMUM_ALLOWED, 0, nil, kernel.OPEN_EXISTING, 0)
	require.NoError(t, err)
	assert.Equal(t, kernel.FILE_ALL_ACCESS, granted(t, q, h))
	_, err = q.CreateFile(testName, kernel.GENERIC_WRITE|kernel.ACCESS_SYSTEM_SECURITY, 0, nil, kernel.OPEN_EXISTING, 0)
	assert.ErrorIs(t, err, kernel.ERROR_PRIVILEGE_NOT_HELD, "MS docs SACL Access Right: only with SeSecurityPrivilege enabled (Wine security.c test_system_security_access)")
	sys, err := m.NewProcessAs(m.SystemToken(), "service.exe", nil)
	require.NoError(t, err)
	defer sys.Terminate(0)
	_, err = sys.AdjustTokenPrivileges(false, []kernel.Privilege{{Name: kernel.SE_SECURITY_NAME, Enabled: true}})
	require.NoError(t, err)
	h, err = sys.CreateFile(testName, kernel.GENERIC_WRITE|kernel.ACCESS_SYSTEM_SECURITY, 0, nil, kernel.OPEN_EXISTING, 0)
	require.NoError(t, err)
	assert.Equal(t, kernel.FILE_GENERIC_WRITE|kernel.FILE_READ_ATTRIBUTES|kernel.ACCESS_SYSTEM_SECURITY, granted(t, sys, h), "granted with the privilege enabled")
	_, err = q.CreateFile(testName, kernel.GENERIC_WRITE|0x200, 0, nil, kernel.OPEN_EXISTING, 0)
	assert.ErrorIs(t, err, kernel.ERROR_ACCESS_DENIED)
}

// The disposition is ignored when a client opens: ReactOS msfs create.c (MsfsCreate)
// never looks at it and Wine's open_file_object request (server/fd.c) does not carry
// one (implementations, unverified on Windows; docs/deviations.md). So every valid
// disposition opens an existing mailslot and none creates one; CreateFile itself
// refuses dispositions outside 1..5 with ERROR_INVALID_PARAMETER (CreateFile docs).
func TestCreateFileEveryDispositionOpensClient(t *testing.T) {
	m := newMachine(t)
	p := newProc(t, m, "server.exe")
	q := newProc(t, m, "client.exe")
	for _, disp := range []uint32{kernel.CREATE_NEW, kernel.CREATE_ALWAYS, kernel.OPEN_EXISTING, kernel.OPEN_ALWAYS, kernel.TRUNCATE_EXISTING} {
		_, err := q.CreateFile(testName, kernel.GENERIC_WRITE, kernel.FILE_SHARE_READ, nil, disp, 0)
		assert.ErrorIs(t, err, kernel.ERROR_FILE_NOT_FOUND, "disposition %d does not create", disp)
	}
	create(t, p, testName, 0, 0)
	for _, disp := range []uint32{kernel.CREATE_NEW, kernel.CREATE_ALWAYS, kernel.OPEN_EXISTING, kernel.OPEN_ALWAYS, kernel.TRUNCATE_EXISTING} {
		_, err := q.CreateFile(testName, kernel.GENERIC_WRITE, kernel.FILE_SHARE_READ, nil, disp, 0)
		assert.NoError(t, err, "disposition %d", disp)
	}
	for _, disp := range []uint32{0, 6} {
		_, err := q.CreateFile(testName, kernel.GENERIC_WRITE, kernel.FILE_SHARE_READ, nil, disp, 0)
		assert.ErrorIs(t, err, kernel.ERROR_INVALID_PARAMETER)
	}
}

// A client's name is looked up whole, as Wine server/mailslot.c and ReactOS
// drivers/filesystems/msfs/create.c do (implementations, unverified on Windows): a name
// below a live mailslot's (`\a\b` while only `\a` lives) and a pseudo-directory of one
// (`\x\y` while only `\x\y\z` lives) are simply not found, ERROR_FILE_NOT_FOUND (KB
// Q131493).
func TestCreateFileNameBelowOrAboveMailslotIsNotFound(t *testing.T) {
	m := newMachine(t)
	p := newProc(t, m, "server.exe")
	q := newProc(t, m, "client.exe")
	create(t, p, `\\.\mailslot\a`, 0, 0)
	create(t, p, `\\.\mailslot\x\y\z`, 0, 0)
	_, err := q.CreateFile(`\\.\mailslot\a\b`, kernel.GENERIC_WRITE, kernel.FILE_SHARE_READ, nil, kernel.OPEN_EXISTING, 0)
	assert.ErrorIs(t, err, kernel.ERROR_FILE_NOT_FOUND)
	_, err = q.CreateFile(`\\.\mailslot\x\y`, kernel.GENERIC_WRITE, kernel.FILE_SHARE_READ, nil, kernel.OPEN_EXISTING, 0)
	assert.ErrorIs(t, err, kernel.ERROR_FILE_NOT_FOUND)
}

// Mailslot Names docs: names are not case sensitive; \\ComputerName\mailslot\name with
// the machine's own name is the local mailslot, so it needs a live server like
// \\.\mailslot\name does.
func TestCreateFileOwnMachineNameIsLocal(t *testing.T) {
	n := kerneltest.NewNetwork(t)
	m := kerneltest.AddMachine(t, n, "ALPHA", "CORP", Install)
	p := newProc(t, m, "server.exe")
	q := newProc(t, m, "client.exe")
	_, err := q.CreateFile(`\\alpha\mailslot\x`, kernel.GENERIC_WRITE, kernel.FILE_SHARE_READ, nil, kernel.OPEN_EXISTING, 0)
	assert.ErrorIs(t, err, kernel.ERROR_FILE_NOT_FOUND)
	h := create(t, p, `\\.\mailslot\x`, 0, 0)
	c := open(t, q, `\\ALPHA\MailSlot\X`)
	write(t, q, c, "self")
	got, err := read(p, h, 8)
	require.NoError(t, err)
	assert.Equal(t, "self", got)
}

// ntdll/tests/om.c test_query_object: CreateFile("\\.\mailslot") opens the mailslot
// device itself, \Device\Mailslot (windows-facts.md MS-31). The root directory (\\.\mailslot\)
// opens too, and both refuse ReadFile and WriteFile with STATUS_INVALID_PARAMETER, as
// Windows' named-pipe device and root directory do (ntdll/tests/pipe.c
// test_empty_name). That analogy, and the same answer for GetMailslotInfo and
// SetMailslotInfo, is unverified for mailslots (docs/deviations.md).
func TestCreateFileOpensDeviceAndRootDirectory(t *testing.T) {
	p := newProc(t, newMachine(t), "client.exe")
	for _, c := range []struct{ name, nt, desc string }{
		{`\\.\mailslot`, `\Device\Mailslot`, "mailslot file system"},
		{`\\.\mailslot\`, `\Device\Mailslot\`, "mailslot root directory"},
	} {
		h, err := p.CreateFile(c.name, 0, 0, nil, kernel.OPEN_EXISTING, 0)
		require.NoError(t, err, c.name)
		o := objectOf(t, p, h)
		assert.Equal(t, c.nt, o.Name())
		assert.Equal(t, c.desc, o.Body().(*deviceEnd).Describe())
		rw, err := p.CreateFile(c.name, kernel.GENERIC_READ|kernel.GENERIC_WRITE, 0, nil, kernel.OPEN_EXISTING, 0)
		require.NoError(t, err)
		_, err = p.ReadFile(context.Background(), rw, make([]byte, 8))
		assert.ErrorIs(t, err, kernel.ERROR_INVALID_PARAMETER)
		_, err = p.WriteFile(context.Background(), rw, []byte("x"))
		assert.ErrorIs(t, err, kernel.ERROR_INVALID_PARAMETER)
		_, err = GetMailslotInfo(p, h)
		assert.ErrorIs(t, err, kernel.ERROR_INVALID_PARAMETER)
		assert.ErrorIs(t, SetMailslotInfo(p, h, 5), kernel.ERROR_INVALID_PARAMETER)
	}
}

// CreateFile docs (Mailslots) and KB Q131493: only a local open needs the server; a
// remote or domain open returns a handle whether or not any server exists, since a
// mailslot write is a datagram ([MS-MAIL] 3.1.4.1). Unknown hosts included.
func TestCreateFileRemoteAndBroadcastOpenWithoutServer(t *testing.T) {
	n := kerneltest.NewNetwork(t)
	m := kerneltest.AddMachine(t, n, "ALPHA", "CORP", Install)
	kerneltest.AddMachine(t, n, "BETA", "CORP", Install)
	q := newProc(t, m, "client.exe")
	for _, name := range []string{`\\BETA\mailslot\x`, `\\NOSUCHHOST\mailslot\x`, `\\CORP\mailslot\x`, `\\*\mailslot\x`, `\\OTHERDOMAIN\mailslot\app\events`} {
		h, err := q.CreateFile(name, kernel.GENERIC_WRITE, kernel.FILE_SHARE_READ, nil, kernel.OPEN_EXISTING, 0)
		if assert.NoError(t, err, name) {
			write(t, q, h, "into the void")
		}
	}
}

// A remote name must still have the documented form \\host\mailslot\[path\]name
// (Mailslot Names docs): winsim refuses one with no name, or ending in `\`, at
// CreateFile with ERROR_INVALID_NAME, as names.go does for local names (unverified,
// docs/deviations.md: Windows would probably send it and nobody would receive it). Any
// character is allowed, as in local names: `\\*\mailslot\a*b` reaches a*b.
func TestCreateFileRemoteMalformedNameFailsInvalidName(t *testing.T) {
	n := kerneltest.NewNetwork(t)
	m := kerneltest.AddMachine(t, n, "ALPHA", "CORP", Install)
	q := newProc(t, m, "client.exe")
	for _, name := range []string{`\\BETA\mailslot`, `\\BETA\mailslot\`, `\\*\mailslot\a\`} {
		_, err := q.CreateFile(name, kernel.GENERIC_WRITE, kernel.FILE_SHARE_READ, nil, kernel.OPEN_EXISTING, 0)
		assert.ErrorIs(t, err, kernel.ERROR_INVALID_NAME, name)
	}
	_, err := q.CreateFile(`\\*\mailslot\x`, kernel.GENERIC_WRITE|0x400, kernel.FILE_SHARE_READ, nil, kernel.OPEN_EXISTING, 0)
	assert.ErrorIs(t, err, kernel.ERROR_ACCESS_DENIED)
	p := newProc(t, m, "server.exe")
	h := create(t, p, `\\.\mailslot\a*b`, 0, 0)
	write(t, q, open(t, q, `\\*\mailslot\a*b`), "wild")
	assert.Equal(t, []string{"wild"}, drain(t, p, h))
}

// Install is idempotent; a foreign device already at \Device\Mailslot is refused.
func TestInstallIsIdempotent(t *testing.T) {
	m := newMachine(t)
	d := deviceOf(m)
	require.NoError(t, Install(m))
	assert.Same(t, d, deviceOf(m))
	other := kerneltest.NewMachine(t)
	require.NoError(t, other.RegisterDevice("Mailslot", otherDevice{}))
	assert.ErrorIs(t, Install(other), kernel.ERROR_ALREADY_EXISTS)
}
