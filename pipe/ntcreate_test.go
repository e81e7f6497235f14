package pipe_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/winsim/winsim/kernel"
	"github.com/winsim/winsim/pipe"
)

// ntServer calls CreateNamedPipeFile as go-winio's makeServerPipeHandle does: duplex
// share access, reject remote clients, unlimited instances, an overlapped handle.
func ntServer(p *kernel.Process, name string, access kernel.Access, disposition uint32, message bool) (kernel.Handle, error) {
	return pipe.CreateNamedPipeFile(p, name, &pipe.NamedPipeFileParams{
		Access:        access,
		ShareAccess:   kernel.FILE_SHARE_READ | kernel.FILE_SHARE_WRITE,
		Disposition:   disposition,
		MessageType:   message,
		RejectRemote:  true,
		MaxInstances:  0xFFFFFFFF,
		InboundQuota:  4096,
		OutboundQuota: 4096,
	})
}

// An instance created asking for SYNCHRONIZE alone starts disconnected: a client gets
// ERROR_PIPE_BUSY, not a connection, until an instance with read/write access is
// created (github.com/Microsoft/go-winio pipe.go, makeServerPipeHandle: "By not asking
// for read or write access, the named pipe file system will put this pipe into an
// initially disconnected state, blocking client connections until the next call with
// first == false"). The handle has only the access asked for.
func TestCreateNamedPipeFileWithoutDataAccessStartsDisconnected(t *testing.T) {
	m := newMachine(t)
	p := newProc(t, m, "srv.exe")
	name := uniqueName(t)

	first, err := ntServer(p, name, kernel.SYNCHRONIZE, pipe.FILE_CREATE, false)
	require.NoError(t, err)
	assert.Equal(t, kernel.SYNCHRONIZE, granted(t, p, first))

	_, err = p.CreateFile(name, rw, 0, nil, kernel.OPEN_EXISTING, 0)
	assert.ErrorIs(t, err, kernel.ERROR_PIPE_BUSY, "no instance listens yet")
	assert.ErrorIs(t, pipe.WaitNamedPipe(context.Background(), p, name, pipe.NMPWAIT_NOWAIT), kernel.ERROR_SEM_TIMEOUT)

	second, err := ntServer(p, name, kernel.GENERIC_READ|kernel.GENERIC_WRITE|kernel.SYNCHRONIZE, pipe.FILE_OPEN, false)
	require.NoError(t, err)
	assert.Equal(t, kernel.Access(0x12019F), granted(t, p, second), "GENERIC_READ|GENERIC_WRITE|SYNCHRONIZE mapped for a file")

	c := client(t, p, name, rw)
	write(t, p, c, "hi")
	got, err := read(p, second, 10)
	require.NoError(t, err)
	assert.Equal(t, "hi", got, "the client reached the instance with data access")

	for _, h := range []kernel.Handle{c, second, first} {
		require.NoError(t, p.CloseHandle(h))
	}
}

// ConnectNamedPipe makes a disconnected instance listen, whatever made it disconnected
// (Wine dlls/kernel32/tests/pipe.c test_DisconnectNamedPipe: ConnectNamedPipe after
// DisconnectNamedPipe accepts the next client).
func TestCreateNamedPipeFileDisconnectedInstanceListensOnConnect(t *testing.T) {
	m := newMachine(t)
	p := newProc(t, m, "srv.exe")
	name := uniqueName(t)
	first, err := ntServer(p, name, kernel.SYNCHRONIZE, pipe.FILE_CREATE, true)
	require.NoError(t, err)
	defer p.CloseHandle(first)

	ov := &kernel.Overlapped{}
	err = pipe.ConnectNamedPipeOverlapped(context.Background(), p, first, ov)
	require.ErrorIs(t, err, kernel.ERROR_IO_PENDING)
	c := client(t, p, name, rw)
	defer p.CloseHandle(c)
	_, err = p.GetOverlappedResult(context.Background(), first, ov, true)
	assert.NoError(t, err, "the client connected to the instance that now listens")
}

// Dispositions: FILE_CREATE of an existing pipe is ERROR_ACCESS_DENIED (what
// FILE_FLAG_FIRST_PIPE_INSTANCE, passed by kernel32 as FILE_CREATE, gives: Microsoft,
// CreateNamedPipeW; Wine dlls/kernel32/tests/pipe.c test_CreateNamedPipe); FILE_OPEN of
// a missing one is ERROR_FILE_NOT_FOUND and FILE_OPEN_IF creates it (Microsoft,
// NtCreateNamedPipeFile, CreateDisposition); bad parameters are ERROR_INVALID_PARAMETER.
func TestCreateNamedPipeFileDispositionsAndParameters(t *testing.T) {
	m := newMachine(t)
	p := newProc(t, m, "srv.exe")
	name := uniqueName(t)
	full := kernel.GENERIC_READ | kernel.GENERIC_WRITE | kernel.SYNCHRONIZE

	_, err := ntServer(p, name, full, pipe.FILE_OPEN, false)
	assert.ErrorIs(t, err, kernel.ERROR_FILE_NOT_FOUND, "FILE_OPEN of a pipe that does not exist")

	h, err := ntServer(p, name, full, pipe.FILE_OPEN_IF, false)
	require.NoError(t, err, "FILE_OPEN_IF creates")
	defer p.CloseHandle(h)
	_, err = ntServer(p, name, full, pipe.FILE_CREATE, false)
	assert.ErrorIs(t, err, kernel.ERROR_ACCESS_DENIED, "FILE_CREATE of a pipe that exists")
	h2, err := ntServer(p, name, full, pipe.FILE_OPEN_IF, false)
	require.NoError(t, err, "FILE_OPEN_IF adds an instance")
	defer p.CloseHandle(h2)

	for _, tc := range []struct {
		what   string
		params *pipe.NamedPipeFileParams
	}{
		{"no parameters", nil},
		{"no direction", &pipe.NamedPipeFileParams{Access: full, Disposition: pipe.FILE_CREATE, MaxInstances: 1}},
		{"no instances", &pipe.NamedPipeFileParams{Access: full, ShareAccess: kernel.FILE_SHARE_READ, Disposition: pipe.FILE_CREATE}},
		{"disposition 0", &pipe.NamedPipeFileParams{Access: full, ShareAccess: kernel.FILE_SHARE_READ, MaxInstances: 1}},
		{"disposition 4", &pipe.NamedPipeFileParams{Access: full, ShareAccess: kernel.FILE_SHARE_READ, Disposition: 4, MaxInstances: 1}},
		{"message read on a byte pipe", &pipe.NamedPipeFileParams{Access: full, ShareAccess: kernel.FILE_SHARE_READ, Disposition: pipe.FILE_CREATE, MaxInstances: 1, MessageRead: true}},
	} {
		_, err := pipe.CreateNamedPipeFile(p, uniqueName(t), tc.params)
		assert.ErrorIs(t, err, kernel.ERROR_INVALID_PARAMETER, tc.what)
	}
}

// ShareAccess gives the direction as kernel32's CreateNamedPipeW passes it:
// FILE_SHARE_WRITE alone is an inbound pipe (clients write), FILE_SHARE_READ alone an
// outbound one; a client asking for the other direction is refused (Wine
// dlls/kernel32/tests/pipe.c test_CreateNamedPipe_instances_must_match /
// windows-facts.md NP-21). Without Synchronous the handle is overlapped.
func TestCreateNamedPipeFileShareAccessIsTheDirection(t *testing.T) {
	m := newMachine(t)
	p := newProc(t, m, "srv.exe")
	for _, tc := range []struct {
		share  uint32
		ok, no kernel.Access
	}{
		{kernel.FILE_SHARE_WRITE, kernel.GENERIC_WRITE, kernel.GENERIC_READ},
		{kernel.FILE_SHARE_READ, kernel.GENERIC_READ, kernel.GENERIC_WRITE},
	} {
		name := uniqueName(t)
		h, err := pipe.CreateNamedPipeFile(p, name, &pipe.NamedPipeFileParams{
			Access: kernel.GENERIC_READ | kernel.GENERIC_WRITE | kernel.SYNCHRONIZE, ShareAccess: tc.share,
			Disposition: pipe.FILE_CREATE, MaxInstances: 2,
		})
		require.NoError(t, err)
		_, err = p.CreateFile(name, tc.no, 0, nil, kernel.OPEN_EXISTING, 0)
		assert.ErrorIs(t, err, kernel.ERROR_ACCESS_DENIED, "share %#x refuses %#x", tc.share, tc.no)
		c := client(t, p, name, tc.ok)

		ov := &kernel.Overlapped{}
		_, err = p.ReadFileOverlapped(context.Background(), h, make([]byte, 1), ov)
		if tc.share == kernel.FILE_SHARE_WRITE {
			assert.ErrorIs(t, err, kernel.ERROR_IO_PENDING, "the server handle is overlapped")
			require.NoError(t, p.CancelIoEx(h, ov))
			_, err = p.GetOverlappedResult(context.Background(), h, ov, true)
			assert.ErrorIs(t, err, kernel.ERROR_OPERATION_ABORTED)
		}
		require.NoError(t, p.CloseHandle(c))
		require.NoError(t, p.CloseHandle(h))
	}
}
