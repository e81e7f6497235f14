package pipe_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/winsim/winsim/kernel"
	"github.com/winsim/winsim/kerneltest"
	"github.com/winsim/winsim/pipe"
)

const (
	duplex   = pipe.PIPE_ACCESS_DUPLEX
	inbound  = pipe.PIPE_ACCESS_INBOUND
	outbound = pipe.PIPE_ACCESS_OUTBOUND
	msgPipe  = pipe.PIPE_TYPE_MESSAGE | pipe.PIPE_READMODE_MESSAGE
	bytePipe = pipe.PIPE_TYPE_BYTE | pipe.PIPE_READMODE_BYTE
)

// Install is idempotent and registers \Device\NamedPipe.
func TestInstallIsIdempotent(t *testing.T) {
	m := newMachine(t)
	require.NoError(t, pipe.Install(m))
	require.NoError(t, pipe.Install(m))
	assert.NotNil(t, m.Device("NamedPipe"))
}

// WaitNamedPipe on a name no pipe has fails at once with ERROR_FILE_NOT_FOUND, with any
// timeout (windows-facts.md NP-1, dlls/kernel32/tests/pipe.c test_CreateNamedPipe, test_wait_pipe).
func TestWaitNamedPipeNoSuchPipeIsFileNotFound(t *testing.T) {
	m := newMachine(t)
	p := newProc(t, m, "a.exe")
	name := uniqueName(t)
	assert.ErrorIs(t, pipe.WaitNamedPipe(bg, p, name, 2000), kernel.ERROR_FILE_NOT_FOUND)
	assert.ErrorIs(t, pipe.WaitNamedPipe(bg, p, name, 0), kernel.ERROR_FILE_NOT_FOUND)
	assert.ErrorIs(t, pipe.WaitNamedPipe(bg, p, `\\.\mailslot\x`, 0), kernel.ERROR_PATH_NOT_FOUND)
	assert.ErrorIs(t, pipe.WaitNamedPipe(bg, p, "", 0), kernel.ERROR_PATH_NOT_FOUND)
}

// Names that are not \\.\pipe\ names are refused with ERROR_INVALID_NAME (windows-facts.md NP-2); a "" name (NULL) with ERROR_PATH_NOT_FOUND (NP-4). A server cannot create a pipe
// on another computer (MS docs, Pipe Names).
func TestCreateNamedPipeBadNames(t *testing.T) {
	m := newMachine(t)
	p := newProc(t, m, "a.exe")
	for _, name := range []string{"not a named pipe", `\\OTHER\pipe\x`, `\\.\pipe\`, `\\.\pipe`, `C:\x`} {
		_, err := pipe.CreateNamedPipe(p, name, duplex, bytePipe, 1, 1024, 1024, 0, nil)
		assert.ErrorIs(t, err, kernel.ERROR_INVALID_NAME, name)
	}
	_, err := pipe.CreateNamedPipe(p, "", duplex, bytePipe, 1, 1024, 1024, 0, nil)
	assert.ErrorIs(t, err, kernel.ERROR_PATH_NOT_FOUND)
}

// An NT name of MAX_PATH characters or more is refused with ERROR_FILENAME_EXCED_RANGE
// (windows-facts.md NP-9, Wine kernelbase CreateNamedPipeW); one shorter is fine.
func TestCreateNamedPipeLongNameIsFilenameExcedRange(t *testing.T) {
	m := newMachine(t)
	p := newProc(t, m, "a.exe")
	// \??\pipe\ is 9 characters: 250 more make 259.
	h, err := pipe.CreateNamedPipe(p, `\\.\pipe\`+strings.Repeat("a", 250), duplex, bytePipe, 1, 0, 0, 0, nil)
	require.NoError(t, err)
	require.NoError(t, p.CloseHandle(h))
	_, err = pipe.CreateNamedPipe(p, `\\.\pipe\`+strings.Repeat("a", 251), duplex, bytePipe, 1, 0, 0, 0, nil)
	assert.ErrorIs(t, err, kernel.ERROR_FILENAME_EXCED_RANGE)
}

// Message read mode on a byte-type pipe is refused (windows-facts.md NP-3), as is an open mode
// without a direction (NP-10) and an instance count of 0 or above 255 (windows-facts.md NP-88,
// MS docs CreateNamedPipeW).
func TestCreateNamedPipeInvalidParameters(t *testing.T) {
	m := newMachine(t)
	p := newProc(t, m, "a.exe")
	name := uniqueName(t)
	cases := []struct {
		open, mode, inst uint32
	}{
		{duplex, pipe.PIPE_TYPE_BYTE | pipe.PIPE_READMODE_MESSAGE, 1},
		{0, bytePipe, 1},
		{pipe.FILE_FLAG_OVERLAPPED, bytePipe, 1},
		{duplex, bytePipe, 0},
		{duplex, bytePipe, 256},
	}
	for _, c := range cases {
		_, err := pipe.CreateNamedPipe(p, name, c.open, c.mode, c.inst, 1024, 1024, 0, nil)
		assert.ErrorIs(t, err, kernel.ERROR_INVALID_PARAMETER, "%+v", c)
	}
	assert.ErrorIs(t, pipe.WaitNamedPipe(bg, p, name, 0), kernel.ERROR_FILE_NOT_FOUND, "nothing was created")
}

// PIPE_UNLIMITED_INSTANCES lifts the limit; GetNamedPipeInfo reports 255 (windows-facts.md NP-88, MS docs GetNamedPipeInfo).
func TestCreateNamedPipeUnlimitedInstances(t *testing.T) {
	m := newMachine(t)
	p := newProc(t, m, "a.exe")
	name := uniqueName(t)
	var hs []kernel.Handle
	for i := 0; i < 300; i++ {
		h, err := pipe.CreateNamedPipe(p, name, duplex, bytePipe, pipe.PIPE_UNLIMITED_INSTANCES, 0, 0, 0, nil)
		require.NoError(t, err)
		hs = append(hs, h)
	}
	_, _, _, inst, err := pipe.GetNamedPipeInfo(p, hs[0])
	require.NoError(t, err)
	assert.Equal(t, uint32(255), inst)
	var cur uint32
	require.NoError(t, pipe.GetNamedPipeHandleState(p, hs[0], nil, &cur, nil, nil, nil))
	assert.Equal(t, uint32(300), cur)
	for _, h := range hs {
		require.NoError(t, p.CloseHandle(h))
	}
}

// With no server, CreateFile of a pipe name fails with ERROR_FILE_NOT_FOUND (windows-facts.md NP-5; a client racing a server not yet created sees it too, windows-facts.md NP-30).
func TestCreateFileWithoutServerIsFileNotFound(t *testing.T) {
	m := newMachine(t)
	p := newProc(t, m, "a.exe")
	_, err := p.CreateFile(uniqueName(t), rw, 0, nil, kernel.OPEN_EXISTING, 0)
	assert.ErrorIs(t, err, kernel.ERROR_FILE_NOT_FOUND)
}

// Pipe names may contain < > * ? | " / (windows-facts.md NP-6), are compared case-insensitively,
// and the pipe prefix is case-insensitive too (Wine test_CreateNamedPipe opens "\\.\PiPe\"; windows-facts.md NP-9).
func TestPipeNamesSpecialCharactersAndCase(t *testing.T) {
	m := newMachine(t)
	p := newProc(t, m, "a.exe")
	h := server(t, p, `\\.\PiPe\a<>*?|"/b`, duplex, bytePipe, 2, 0, 0)
	c := client(t, p, `\\.\pipe\a<>*?|"/b`, rw)
	h2 := server(t, p, `\\.\pipe\MixedCase`, duplex, bytePipe, 1, 0, 0)
	c2 := client(t, p, `\\.\PIPE\mixedcase`, rw)
	for _, x := range []kernel.Handle{h, c, h2, c2} {
		require.NoError(t, p.CloseHandle(x))
	}
}

// A trailing backslash is part of the name (windows-facts.md NP-7), and names after the device
// are exact strings: a verbatim \\?\ name keeps '/', which \\.\ turns into '\' (NP-8).
func TestPipeNamesAreExactStrings(t *testing.T) {
	m := newMachine(t)
	p := newProc(t, m, "a.exe")
	h := server(t, p, `\\.\pipe\trailingslash\`, duplex, bytePipe, 1, 0, 0)
	_, err := p.CreateFile(`\\.\pipe\trailingslash`, rw, 0, nil, kernel.OPEN_EXISTING, 0)
	assert.ErrorIs(t, err, kernel.ERROR_FILE_NOT_FOUND)
	c := client(t, p, `\\.\pipe\trailingslash\`, rw)

	v := server(t, p, `\\?\pipe\wine/test`, duplex, bytePipe, 1, 0, 0)
	_, err = p.CreateFile(`\\.\pipe\wine/test`, rw, 0, nil, kernel.OPEN_EXISTING, 0)
	assert.ErrorIs(t, err, kernel.ERROR_FILE_NOT_FOUND, `\\.\pipe\wine/test is wine\test`)
	vc := client(t, p, `\\?\pipe\wine/test`, rw)
	for _, x := range []kernel.Handle{h, c, v, vc} {
		require.NoError(t, p.CloseHandle(x))
	}
}

// Two instances with the same parameters both succeed (windows-facts.md NP-11); a third beyond
// the limit fails with ERROR_PIPE_BUSY (NP-12).
func TestCreateNamedPipeInstanceLimit(t *testing.T) {
	m := newMachine(t)
	p := newProc(t, m, "a.exe")
	name := uniqueName(t)
	h1 := server(t, p, name, duplex, bytePipe, 2, 1024, 1024)
	h2 := server(t, p, name, duplex, bytePipe, 2, 1024, 1024)
	_, err := pipe.CreateNamedPipe(p, name, duplex, bytePipe, 2, 1024, 1024, 0, nil)
	assert.ErrorIs(t, err, kernel.ERROR_PIPE_BUSY)
	one := uniqueName(t)
	h3 := server(t, p, one, duplex, bytePipe, 1, 1024, 1024)
	_, err = pipe.CreateNamedPipe(p, one, duplex, bytePipe, 1, 1024, 1024, 0, nil)
	assert.ErrorIs(t, err, kernel.ERROR_PIPE_BUSY)
	for _, x := range []kernel.Handle{h1, h2, h3} {
		require.NoError(t, p.CloseHandle(x))
	}
}

// A later instance must have the first one's direction (ERROR_ACCESS_DENIED, windows-facts.md NP-13); its type, limit, buffer sizes and timeout may differ, and the pipe keeps the
// first instance's type and limit (NP-14).
func TestCreateNamedPipeLaterInstanceParameters(t *testing.T) {
	m := newMachine(t)
	p := newProc(t, m, "a.exe")
	name := uniqueName(t)
	h1 := server(t, p, name, duplex, bytePipe, 4, 1024, 1024)
	_, err := pipe.CreateNamedPipe(p, name, inbound, bytePipe, 4, 1024, 1024, 0, nil)
	assert.ErrorIs(t, err, kernel.ERROR_ACCESS_DENIED)
	h2, err := pipe.CreateNamedPipe(p, name, duplex, pipe.PIPE_TYPE_MESSAGE, 3, 102, 24, 1234, nil)
	require.NoError(t, err)
	flags, out, in, inst, err := pipe.GetNamedPipeInfo(p, h2)
	require.NoError(t, err)
	assert.Equal(t, pipe.PIPE_SERVER_END|pipe.PIPE_TYPE_BYTE, flags, "the pipe keeps the first type")
	assert.Equal(t, uint32(4), inst, "and the first limit")
	assert.Equal(t, []uint32{102, 24}, []uint32{out, in}, "each instance has its own quotas (NT's CCB)")
	require.NoError(t, p.CloseHandle(h1))
	require.NoError(t, p.CloseHandle(h2))
}

// FILE_FLAG_FIRST_PIPE_INSTANCE succeeds for a new pipe and fails with
// ERROR_ACCESS_DENIED for an existing one (windows-facts.md NP-15, MS docs CreateNamedPipeW).
func TestCreateNamedPipeFirstPipeInstance(t *testing.T) {
	m := newMachine(t)
	p := newProc(t, m, "a.exe")
	name := uniqueName(t)
	h1, err := pipe.CreateNamedPipe(p, name, duplex|pipe.FILE_FLAG_FIRST_PIPE_INSTANCE, bytePipe, 3, 0, 0, 0, nil)
	require.NoError(t, err)
	_, err = pipe.CreateNamedPipe(p, name, duplex|pipe.FILE_FLAG_FIRST_PIPE_INSTANCE, bytePipe, 3, 0, 0, 0, nil)
	assert.ErrorIs(t, err, kernel.ERROR_ACCESS_DENIED)
	h2, err := pipe.CreateNamedPipe(p, name, duplex, bytePipe, 3, 0, 0, 0, nil)
	require.NoError(t, err)
	require.NoError(t, p.CloseHandle(h1))
	require.NoError(t, p.CloseHandle(h2))
	h3, err := pipe.CreateNamedPipe(p, name, duplex|pipe.FILE_FLAG_FIRST_PIPE_INSTANCE, bytePipe, 3, 0, 0, 0, nil)
	assert.NoError(t, err, "the name is free again once every instance closed")
	require.NoError(t, p.CloseHandle(h3))
}

// While an instance exists, the limit is checked before the direction (ERROR_PIPE_BUSY);
// once every instance has closed the name is free for any configuration, even while an
// old client handle is open (windows-facts.md NP-22, ntdll/tests/pipe.c test_pipe_local_info).
func TestCreateNamedPipeLimitBeforeDirectionAndNameFreedByLastClose(t *testing.T) {
	m := newMachine(t)
	p := newProc(t, m, "a.exe")
	name := uniqueName(t)
	h := server(t, p, name, outbound, bytePipe, 1, 100, 200)
	c := client(t, p, name, kernel.GENERIC_READ)
	_, err := pipe.CreateNamedPipe(p, name, inbound, pipe.PIPE_TYPE_MESSAGE, 1, 100, 200, 0, nil)
	assert.ErrorIs(t, err, kernel.ERROR_PIPE_BUSY)
	require.NoError(t, p.CloseHandle(h))
	var cur uint32
	require.NoError(t, pipe.GetNamedPipeHandleState(p, c, nil, &cur, nil, nil, nil))
	assert.Zero(t, cur, "a client whose server closed reports 0 instances (windows-facts.md NP-86)")
	h2, err := pipe.CreateNamedPipe(p, name, inbound, pipe.PIPE_TYPE_MESSAGE, 1, 100, 200, 0, nil)
	assert.NoError(t, err)
	require.NoError(t, p.CloseHandle(h2))
	require.NoError(t, p.CloseHandle(c))
}

// The server handle's access follows the direction: 0x12019F duplex, 0x120089 inbound,
// 0x120116 outbound (windows-facts.md NP-17 to NP-19).
func TestServerHandleAccessFollowsDirection(t *testing.T) {
	m := newMachine(t)
	p := newProc(t, m, "a.exe")
	for _, c := range []struct {
		open uint32
		want kernel.Access
	}{{duplex, 0x12019F}, {inbound, 0x120089}, {outbound, 0x120116}} {
		h := server(t, p, uniqueName(t), c.open, bytePipe, 1, 0, 0)
		assert.Equal(t, c.want, granted(t, p, h), "open mode %d", c.open)
		require.NoError(t, p.CloseHandle(h))
	}
}

// A client asking for no access still opens, with SYNCHRONIZE|FILE_READ_ATTRIBUTES
// (windows-facts.md NP-20); one asking for a direction the pipe lacks is refused with
// ERROR_ACCESS_DENIED (NP-21, ntdll/tests/pipe.c test_create).
func TestClientAccessMustMatchDirection(t *testing.T) {
	m := newMachine(t)
	p := newProc(t, m, "a.exe")
	for _, c := range []struct {
		open   uint32
		access kernel.Access
		ok     bool
	}{
		{outbound, 0, true},
		{outbound, kernel.GENERIC_READ, true},
		{outbound, kernel.GENERIC_WRITE, false},
		{outbound, rw, false},
		{inbound, kernel.GENERIC_WRITE, true},
		{inbound, kernel.GENERIC_READ, false},
		{inbound, 0, true},
		{duplex, rw, true},
		{duplex, kernel.GENERIC_READ, true},
	} {
		name := uniqueName(t)
		h := server(t, p, name, c.open, bytePipe, 1, 0, 0)
		cl, err := p.CreateFile(name, c.access, 0, nil, kernel.OPEN_EXISTING, 0)
		if c.ok {
			if assert.NoError(t, err, "%+v", c) {
				if c.access == 0 {
					assert.Equal(t, kernel.Access(0x100080), granted(t, p, cl))
				}
				require.NoError(t, p.CloseHandle(cl))
			}
		} else {
			assert.ErrorIs(t, err, kernel.ERROR_ACCESS_DENIED, "%+v", c)
		}
		require.NoError(t, p.CloseHandle(h))
	}
}

// Pipe ends are File objects named \Device\NamedPipe\<name>; CreateFile of \\.\pipe
// opens the device itself, named \Device\NamedPipe, which does no I/O (windows-facts.md NP-24,
// ntdll/tests/om.c test_query_object).
func TestPipeObjectNamesAndDeviceHandle(t *testing.T) {
	m := newMachine(t)
	p := newProc(t, m, "a.exe")
	h := server(t, p, `\\.\pipe\Named-One`, duplex, bytePipe, 1, 0, 0)
	c := client(t, p, `\\.\pipe\named-one`, rw)
	d0, err := p.CreateFile(`\\.\pipe`, 0, 0, nil, kernel.OPEN_EXISTING, 0)
	require.NoError(t, err)
	require.NoError(t, p.CloseHandle(d0))
	d, err := p.CreateFile(`\\.\pipe`, kernel.GENERIC_READ, 0, nil, kernel.OPEN_EXISTING, 0)
	require.NoError(t, err)
	names := map[kernel.Handle]string{}
	for _, hi := range p.Handles() {
		assert.Equal(t, "File", hi.Object.Type().Name)
		names[hi.Handle] = hi.Object.Name()
	}
	assert.Equal(t, `\Device\NamedPipe\Named-One`, names[h])
	assert.Equal(t, `\Device\NamedPipe\Named-One`, names[c])
	assert.Equal(t, `\Device\NamedPipe`, names[d])
	_, err = p.ReadFile(bg, d, make([]byte, 1))
	assert.ErrorIs(t, err, kernel.ERROR_INVALID_FUNCTION)
	assert.ErrorIs(t, pipe.ConnectNamedPipe(bg, p, d), kernel.ERROR_INVALID_FUNCTION)
	_, _, _, _, err = pipe.GetNamedPipeInfo(p, d)
	assert.ErrorIs(t, err, kernel.ERROR_INVALID_FUNCTION)
	for _, x := range []kernel.Handle{h, c, d} {
		require.NoError(t, p.CloseHandle(x))
	}
}

// Pipe calls on handles that are not pipe ends give Windows' errors: a bad handle or
// the pseudo-handle -1 is ERROR_INVALID_HANDLE (windows-facts.md HD-2), an event is
// ERROR_INVALID_HANDLE (STATUS_OBJECT_TYPE_MISMATCH).
func TestPipeCallsOnOtherHandles(t *testing.T) {
	m := newMachine(t)
	p := newProc(t, m, "a.exe")
	ev, err := p.CreateEvent(nil, true, false, "")
	require.NoError(t, err)
	for _, h := range []kernel.Handle{kernel.InvalidHandle, 0x1234, ev} {
		assert.ErrorIs(t, pipe.ConnectNamedPipe(bg, p, h), kernel.ERROR_INVALID_HANDLE)
		assert.ErrorIs(t, pipe.DisconnectNamedPipe(p, h), kernel.ERROR_INVALID_HANDLE)
		_, _, _, _, err := pipe.GetNamedPipeInfo(p, h)
		assert.ErrorIs(t, err, kernel.ERROR_INVALID_HANDLE)
		var st uint32
		assert.ErrorIs(t, pipe.GetNamedPipeHandleState(p, h, &st, nil, nil, nil, nil), kernel.ERROR_INVALID_HANDLE)
		mode := pipe.PIPE_READMODE_BYTE
		assert.ErrorIs(t, pipe.SetNamedPipeHandleState(p, h, &mode, nil, nil), kernel.ERROR_INVALID_HANDLE)
		_, _, _, err = pipe.PeekNamedPipe(p, h, nil)
		assert.ErrorIs(t, err, kernel.ERROR_INVALID_HANDLE)
		_, err = pipe.TransactNamedPipe(bg, p, h, nil, nil)
		assert.ErrorIs(t, err, kernel.ERROR_INVALID_HANDLE)
		_, err = pipe.GetNamedPipeClientProcessId(p, h)
		assert.ErrorIs(t, err, kernel.ERROR_INVALID_HANDLE)
		_, err = pipe.GetNamedPipeClientComputerName(p, h)
		assert.ErrorIs(t, err, kernel.ERROR_INVALID_HANDLE)
	}
	require.NoError(t, p.CloseHandle(ev))
}

// CreateNamedPipe accepts FILE_FLAG_OVERLAPPED and FILE_FLAG_WRITE_THROUGH; WRITE_DAC in
// the open mode adds WRITE_DAC to the handle (kernel32 CreateNamedPipeW).
func TestCreateNamedPipeAcceptsFlags(t *testing.T) {
	m := newMachine(t)
	p := newProc(t, m, "a.exe")
	h, err := pipe.CreateNamedPipe(p, uniqueName(t), duplex|pipe.FILE_FLAG_OVERLAPPED|pipe.FILE_FLAG_WRITE_THROUGH|pipe.WRITE_DAC,
		bytePipe|pipe.PIPE_REJECT_REMOTE_CLIENTS, 1, 0, 0, 0, nil)
	require.NoError(t, err)
	assert.Equal(t, kernel.Access(0x12019F)|kernel.WRITE_DAC, granted(t, p, h))
	require.NoError(t, p.CloseHandle(h))
}

// CreateNamedPipe's inherit flag makes the server handle inheritable.
func TestCreateNamedPipeInheritableHandle(t *testing.T) {
	m := newMachine(t)
	p := newProc(t, m, "a.exe")
	h, err := pipe.CreateNamedPipe(p, uniqueName(t), duplex, bytePipe, 1, 0, 0, 0, &kernel.SecurityAttributes{InheritHandle: true})
	require.NoError(t, err)
	f, err := p.GetHandleInformation(h)
	require.NoError(t, err)
	assert.Equal(t, kernel.HANDLE_FLAG_INHERIT, f)
	require.NoError(t, p.CloseHandle(h))
}

// Each machine has its own pipe names.
func TestPipeNamesArePerMachine(t *testing.T) {
	n := kerneltest.NewNetwork(t)
	a := kerneltest.AddMachine(t, n, "ALPHA", "WORKGROUP", pipe.Install)
	b := kerneltest.AddMachine(t, n, "BETA", "WORKGROUP", pipe.Install)
	pa, pb := newProc(t, a, "a.exe"), newProc(t, b, "b.exe")
	name := uniqueName(t)
	h := server(t, pa, name, duplex, bytePipe, 1, 0, 0)
	_, err := pb.CreateFile(name, rw, 0, nil, kernel.OPEN_EXISTING, 0)
	assert.ErrorIs(t, err, kernel.ERROR_FILE_NOT_FOUND)
	h2 := server(t, pb, name, duplex, bytePipe, 1, 0, 0)
	require.NoError(t, pa.CloseHandle(h))
	require.NoError(t, pb.CloseHandle(h2))
}
