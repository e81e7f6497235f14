package mailslot

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/winsim/winsim/kernel"
	"github.com/winsim/winsim/kerneltest"
)

// kernel32/tests/mailslot.c mailslot_test: CreateMailslot(NULL, ...) fails with
// ERROR_PATH_NOT_FOUND (windows-facts.md MS-4).
func TestCreateMailslotNullNameFailsPathNotFound(t *testing.T) {
	p := newProc(t, newMachine(t), "server.exe")
	_, err := CreateMailslot(p, "", 0, 0, nil)
	assert.ErrorIs(t, err, kernel.ERROR_PATH_NOT_FOUND)
}

// kernel32/tests/mailslot.c mailslot_test: CreateMailslot("blah", ...) fails with
// ERROR_INVALID_NAME (windows-facts.md MS-3).
func TestCreateMailslotNameWithoutPrefixFailsInvalidName(t *testing.T) {
	p := newProc(t, newMachine(t), "server.exe")
	_, err := CreateMailslot(p, "blah", 0, 0, nil)
	assert.ErrorIs(t, err, kernel.ERROR_INVALID_NAME)
}

// CreateMailslot docs and About Mailslots: the name must have the form
// \\.\mailslot\[path]name and a process cannot create a remote mailslot; kernel32 turns
// the redirector's refusal into ERROR_INVALID_NAME. The machine's own name and the
// broadcast forms are refused the same way.
func TestCreateMailslotRemoteNameFailsInvalidName(t *testing.T) {
	n := kerneltest.NewNetwork(t)
	m := kerneltest.AddMachine(t, n, "ALPHA", "CORP", Install)
	kerneltest.AddMachine(t, n, "BETA", "CORP", Install)
	p := newProc(t, m, "server.exe")
	for _, name := range []string{`\\BETA\mailslot\x`, `\\ALPHA\mailslot\x`, `\\*\mailslot\x`, `\\CORP\mailslot\x`} {
		_, err := CreateMailslot(p, name, 0, 0, nil)
		assert.ErrorIs(t, err, kernel.ERROR_INVALID_NAME, name)
	}
	assert.Empty(t, p.Handles())
}

// A name on another device: NtCreateMailslotFile there fails with
// STATUS_INVALID_DEVICE_REQUEST, which kernel32 CreateMailslotW turns into
// STATUS_OBJECT_NAME_INVALID, ERROR_INVALID_NAME (ReactOS kernel32 mailslot.c). A name
// on no device fails as the object manager's walk does: a missing component before the
// last is STATUS_OBJECT_PATH_NOT_FOUND (ntdll/tests/om.c test_directory).
func TestCreateMailslotOnAnotherDeviceFailsInvalidName(t *testing.T) {
	m := newMachine(t)
	require.NoError(t, m.RegisterDevice("NamedPipe", otherDevice{}))
	p := newProc(t, m, "server.exe")
	_, err := CreateMailslot(p, `\\.\pipe\x`, 0, 0, nil)
	assert.ErrorIs(t, err, kernel.ERROR_INVALID_NAME)
	_, err = CreateMailslot(p, `\\.\nosuchdevice\x`, 0, 0, nil)
	assert.ErrorIs(t, err, kernel.ERROR_PATH_NOT_FOUND, "STATUS_OBJECT_PATH_NOT_FOUND: \\??\\nosuchdevice is missing")
}

// otherDevice stands for a file system that is not the mailslot one.
type otherDevice struct{}

func (otherDevice) Open(req *kernel.OpenRequest) (*kernel.Object, kernel.Access, error) {
	return req.Machine.NewObject(kernel.FileType, &kernel.NoOps{}), req.Access, nil
}

// Without the mailslot file system, \??\MAILSLOT leads nowhere: the walk stops at the
// missing \Device\Mailslot (STATUS_OBJECT_PATH_NOT_FOUND).
func TestCreateMailslotWithoutFileSystemFails(t *testing.T) {
	p := newProc(t, kerneltest.NewMachine(t), "server.exe")
	_, err := CreateMailslot(p, testName, 0, 0, nil)
	assert.ErrorIs(t, err, kernel.ERROR_PATH_NOT_FOUND)
}

// Mailslot Names and CreateMailslot docs: the name has the form \\.\mailslot\[path\]name,
// so a name is required after the last backslash. An empty name is
// STATUS_OBJECT_NAME_INVALID as an empty pipe name is on Windows (ntdll/tests/pipe.c
// test_empty_name). A trailing backslash is refused the same way; that is unverified
// (docs/deviations.md).
func TestCreateMailslotEmptyOrTrailingBackslashNameFailsInvalidName(t *testing.T) {
	p := newProc(t, newMachine(t), "server.exe")
	for _, name := range []string{`\\.\mailslot`, `\\.\mailslot\`, `\\?\mailslot\a\`, `\\.\mailslot\taxes\`} {
		_, err := CreateMailslot(p, name, 0, 0, nil)
		assert.ErrorIs(t, err, kernel.ERROR_INVALID_NAME, "%q", name)
	}
	assert.Empty(t, p.Handles())
}

// The mailslot docs refuse no character in a name; Wine server/mailslot.c and ReactOS
// drivers/filesystems/msfs check none (implementations), and Windows accepts `<>*?|"/`
// in pipe names (kernel32/tests/pipe.c test_CreateNamedPipe; windows-facts.md NP-6). Such
// names create, open and carry messages like any other; `/` is literal in a \\?\ name.
func TestCreateMailslotNameWithAnyCharacter(t *testing.T) {
	m := newMachine(t)
	p := newProc(t, m, "server.exe")
	q := newProc(t, m, "client.exe")
	for _, name := range []string{
		`\\.\mailslot\a*b`, `\\.\mailslot\a?b`, `\\.\mailslot\a<b>`, `\\.\mailslot\a|b`,
		`\\.\mailslot\a"b`, `\\.\mailslot\a:b`, "\\\\.\\mailslot\\a\x01b", `\\?\mailslot\a/b`,
	} {
		h, err := CreateMailslot(p, name, 0, 0, nil)
		require.NoError(t, err, "%q", name)
		c := open(t, q, name)
		write(t, q, c, name)
		got, err := read(p, h, 64)
		require.NoError(t, err)
		assert.Equal(t, name, got)
	}
}

// kernel32/tests/mailslot.c mailslot_test: a second CreateMailslot of a live name fails
// (windows-facts.md MS-20; the error code is not asserted there). STATUS_OBJECT_NAME_COLLISION,
// ERROR_ALREADY_EXISTS, is what Wine's server gives (an implementation); the
// CreateMailslot docs say only that an error occurs. Names are not case sensitive
// (Mailslot Names docs).
func TestCreateMailslotLiveNameFailsAlreadyExists(t *testing.T) {
	m := newMachine(t)
	p := newProc(t, m, "server.exe")
	q := newProc(t, m, "other.exe")
	create(t, p, `\\.\mailslot\Events`, 0, 0)
	_, err := CreateMailslot(p, `\\.\mailslot\Events`, 0, 0, nil)
	assert.ErrorIs(t, err, kernel.ERROR_ALREADY_EXISTS)
	_, err = CreateMailslot(q, `\\.\MAILSLOT\events`, 0, 0, nil)
	assert.ErrorIs(t, err, kernel.ERROR_ALREADY_EXISTS)
}

// kernel32/tests/mailslot.c mailslot_test: after CloseHandle(slot) the same name can be
// created again (windows-facts.md MS-7). The CreateMailslot docs: the mailslot lives until the last
// handle, duplicated ones included, is closed.
func TestCreateMailslotNameFreeAfterLastServerHandleCloses(t *testing.T) {
	p := newProc(t, newMachine(t), "server.exe")
	h := create(t, p, testName, 0, 0)
	dup, err := p.DuplicateHandle(kernel.CurrentProcess, h, kernel.CurrentProcess, 0, false, kernel.DUPLICATE_SAME_ACCESS)
	require.NoError(t, err)
	require.NoError(t, p.CloseHandle(h))
	_, err = CreateMailslot(p, testName, 0, 0, nil)
	assert.ErrorIs(t, err, kernel.ERROR_ALREADY_EXISTS, "a duplicate still holds the mailslot")
	require.NoError(t, p.CloseHandle(dup))
	h2, err := CreateMailslot(p, testName, 0, 0, nil)
	assert.NoError(t, err)
	assert.NoError(t, p.CloseHandle(h2))
}

// Mailslot Names docs: a name may have a path of pseudo-directories
// (\\.\mailslot\taxes\bobs_comments); ntdll/tests/om.c test_query_object: the server's
// object is \Device\Mailslot\<name> of type File (windows-facts.md MS-31).
func TestCreateMailslotNameWithPathComponents(t *testing.T) {
	m := newMachine(t)
	p := newProc(t, m, "server.exe")
	q := newProc(t, m, "client.exe")
	h := create(t, p, `\\.\mailslot\taxes\bobs_comments`, 0, 0)
	create(t, p, `\\.\mailslot\taxes\petes_comments`, 0, 0)
	o := objectOf(t, p, h)
	assert.Equal(t, `\Device\Mailslot\taxes\bobs_comments`, o.Name())
	assert.Equal(t, "File", o.Type().Name)
	c := open(t, q, `\\.\mailslot\TAXES\Bobs_Comments`)
	write(t, q, c, "deduct it")
	got, err := read(p, h, 64)
	require.NoError(t, err)
	assert.Equal(t, "deduct it", got)
	assert.Equal(t, `\Device\Mailslot\TAXES\Bobs_Comments`, objectOf(t, q, c).Name())
}

// CreateMailslot docs: the name must be unique and may include pseudo-directories. A
// live mailslot's name is just a name, not a directory that hides names below it:
// `\a\b` can be created while `\a` lives and the other way round (Wine
// server/mailslot.c and ReactOS drivers/filesystems/msfs/create.c compare whole names;
// implementations, unverified on Windows). Each keeps its own messages.
func TestCreateMailslotBelowAndAboveLiveMailslots(t *testing.T) {
	m := newMachine(t)
	p := newProc(t, m, "server.exe")
	q := newProc(t, m, "client.exe")
	a := create(t, p, `\\.\mailslot\a`, 0, 0)
	ab := create(t, p, `\\.\mailslot\A\b`, 0, 0)
	create(t, p, `\\.\mailslot\x\y\z`, 0, 0)
	create(t, p, `\\.\mailslot\x\y`, 0, 0)
	create(t, p, `\\.\mailslot\x`, 0, 0)
	_, err := CreateMailslot(p, `\\.\mailslot\a\B`, 0, 0, nil)
	assert.ErrorIs(t, err, kernel.ERROR_ALREADY_EXISTS)
	write(t, q, open(t, q, `\\.\mailslot\a\b`), "to a\\b")
	write(t, q, open(t, q, `\\.\mailslot\a`), "to a")
	assert.Equal(t, []string{"to a"}, drain(t, p, a))
	assert.Equal(t, []string{"to a\\b"}, drain(t, p, ab))
}

// kernel32/tests/mailslot.c mailslot_test: CreateMailslot(name, -1, -1) succeeds and
// GetMailslotInfo reports max ~0, next MAILSLOT_NO_MESSAGE, count 0, timeout ~0 (windows-facts.md MS-5); every out-parameter is optional (MS-6: one Go value here).
func TestCreateMailslotAllOnesParametersRoundTrip(t *testing.T) {
	p := newProc(t, newMachine(t), "server.exe")
	h := create(t, p, testName, 0xFFFFFFFF, 0xFFFFFFFF)
	assert.Equal(t, Info{MaxMessageSize: 0xFFFFFFFF, NextSize: MAILSLOT_NO_MESSAGE, MessageCount: 0, ReadTimeout: MAILSLOT_WAIT_FOREVER}, info(t, p, h))
}

// kernel32/tests/mailslot.c mailslot_test: CreateMailslot(name, 0, 0) reports max 0,
// next MAILSLOT_NO_MESSAGE, count 0, timeout 0 (windows-facts.md MS-22).
func TestCreateMailslotZeroParametersRoundTrip(t *testing.T) {
	p := newProc(t, newMachine(t), "server.exe")
	h := create(t, p, testName, 0, 0)
	assert.Equal(t, Info{MaxMessageSize: 0, NextSize: MAILSLOT_NO_MESSAGE, MessageCount: 0, ReadTimeout: 0}, info(t, p, h))
}

// kernel32 CreateMailslotW asks for GENERIC_READ | SYNCHRONIZE | WRITE_DAC (ReactOS and
// Wine kernel32): FILE_GENERIC_READ | WRITE_DAC, no write right.
func TestCreateMailslotServerHandleGrantsReadOnly(t *testing.T) {
	p := newProc(t, newMachine(t), "server.exe")
	h := create(t, p, testName, 0, 0)
	assert.Equal(t, kernel.FILE_GENERIC_READ|kernel.WRITE_DAC, granted(t, p, h))
	assert.Equal(t, kernel.Access(0x160089), granted(t, p, h))
}

// CreateMailslot docs: lpSecurityAttributes' bInheritHandle decides whether children
// inherit the handle; the timeout "applies to ... all inherited mailslot handles". The
// child reads through the inherited handle at the same value.
func TestCreateMailslotInheritableHandleReachesChild(t *testing.T) {
	m := newMachine(t)
	p := newProc(t, m, "server.exe")
	q := newProc(t, m, "client.exe")
	h, err := CreateMailslot(p, testName, 0, 0, &kernel.SecurityAttributes{InheritHandle: true})
	require.NoError(t, err)
	plain := create(t, p, `\\.\mailslot\notinherited`, 0, 0)
	hChild, child, err := p.CreateProcess("child.exe", true, nil)
	require.NoError(t, err)
	defer func() { child.Terminate(0); _ = p.CloseHandle(hChild) }()
	assert.Equal(t, kernel.FILE_GENERIC_READ|kernel.WRITE_DAC, granted(t, child, h))
	_, _, err = child.Reference(plain, 0, nil)
	assert.ErrorIs(t, err, kernel.ERROR_INVALID_HANDLE, "a handle created without inherit stays with its process")
	c := open(t, q, testName)
	write(t, q, c, "to the child")
	got, err := read(child, h, 32)
	require.NoError(t, err)
	assert.Equal(t, "to the child", got)
	// The parent's handle closing does not close the mailslot: the child's holds it.
	require.NoError(t, p.CloseHandle(h))
	write(t, q, c, "still here")
	got, err = read(child, h, 32)
	require.NoError(t, err)
	assert.Equal(t, "still here", got)
}

// kernel.DuplicateHandle's rule for files: a duplicate cannot gain rights the source
// lacks, so a server handle never becomes writable.
func TestDuplicateServerHandleCannotGainWriteAccess(t *testing.T) {
	p := newProc(t, newMachine(t), "server.exe")
	h := create(t, p, testName, 0, 0)
	_, err := p.DuplicateHandle(kernel.CurrentProcess, h, kernel.CurrentProcess, kernel.GENERIC_WRITE, false, 0)
	assert.ErrorIs(t, err, kernel.ERROR_ACCESS_DENIED)
	d, err := p.DuplicateHandle(kernel.CurrentProcess, h, kernel.CurrentProcess, kernel.FILE_READ_DATA, false, 0)
	require.NoError(t, err)
	_, err = p.WriteFile(context.Background(), d, []byte("x"))
	assert.ErrorIs(t, err, kernel.ERROR_ACCESS_DENIED)
}

// DuplicateHandle moves a server handle to another process; with DUPLICATE_CLOSE_SOURCE
// the original goes and the new owner reads (DuplicateHandle docs; About Mailslots: a
// process that got the handle another way, such as inheritance or duplication, can read).
func TestDuplicateServerHandleToAnotherProcess(t *testing.T) {
	m := newMachine(t)
	p := newProc(t, m, "server.exe")
	q := newProc(t, m, "reader.exe")
	w := newProc(t, m, "writer.exe")
	h := create(t, p, testName, 0, 0)
	hq, err := p.OpenProcess(kernel.PROCESS_DUP_HANDLE, false, q.PID())
	require.NoError(t, err)
	defer func() { _ = p.CloseHandle(hq) }()
	hInQ, err := p.DuplicateHandle(kernel.CurrentProcess, h, hq, 0, false, kernel.DUPLICATE_SAME_ACCESS|kernel.DUPLICATE_CLOSE_SOURCE)
	require.NoError(t, err)
	_, _, err = p.Reference(h, 0, nil)
	assert.ErrorIs(t, err, kernel.ERROR_INVALID_HANDLE)
	c := open(t, w, testName)
	write(t, w, c, "moved")
	got, err := read(q, hInQ, 16)
	require.NoError(t, err)
	assert.Equal(t, "moved", got)
}

// The CreateMailslot docs: the mailslot is destroyed when the process owning the last
// handle exits. Its name is free again and its clients are closed ("Reading from a
// Mailslot"), so their writes fail; ERROR_HANDLE_EOF is an unverified code
// (docs/deviations.md).
func TestServerProcessExitClosesMailslot(t *testing.T) {
	m := newMachine(t)
	p := newProc(t, m, "server.exe")
	q := newProc(t, m, "client.exe")
	create(t, p, testName, 0, 0)
	c := open(t, q, testName)
	write(t, q, c, "queued")
	p.Terminate(0)
	_, err := q.WriteFile(context.Background(), c, []byte("x"))
	assert.ErrorIs(t, err, kernel.ERROR_HANDLE_EOF)
	p2 := newProc(t, m, "server2.exe")
	h2 := create(t, p2, testName, 0, 0)
	assert.Equal(t, uint32(0), info(t, p2, h2).MessageCount, "the old queue died with the old mailslot")
}
