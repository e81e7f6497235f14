package windows_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/winsim/winsim/windows"
)

// TestNamedPipeInfoAndPeers checks the query functions on a connected pair across two processes:
// GetNamedPipeInfo reports each end's side, the type and the sizes and instance limit it was
// created with (Wine dlls/kernel32/tests/pipe.c test_CreateNamedPipe, GetNamedPipeInfo); the
// client and server PIDs are those of the processes at each end (MS docs
// GetNamedPipeClientProcessId, GetNamedPipeServerProcessId); a second client finds every instance
// busy (ERROR_PIPE_BUSY) and an unknown name ERROR_FILE_NOT_FOUND.
func TestNamedPipeInfoAndPeers(t *testing.T) {
	m := newMachine(t)
	sp, cp := newProc(t, m, "server.exe"), newProc(t, m, "client.exe")
	srv, cli := windows.On(sp), windows.On(cp)
	name := u16(t, uniquePipe())
	h, err := srv.CreateNamedPipe(name, windows.PIPE_ACCESS_DUPLEX, windows.PIPE_TYPE_MESSAGE, 1, 1024, 2048, 0, nil)
	require.NoError(t, err)
	defer srv.CloseHandle(h)
	c, err := cli.CreateFile(name, windows.GENERIC_READ|windows.GENERIC_WRITE, 0, nil, windows.OPEN_EXISTING, 0, 0)
	require.NoError(t, err)
	defer cli.CloseHandle(c)

	for _, tc := range []struct {
		end       string
		c         *windows.Caller
		h         windows.Handle
		wantFlags uint32
	}{
		{"server", srv, h, windows.PIPE_SERVER_END | windows.PIPE_TYPE_MESSAGE},
		{"client", cli, c, windows.PIPE_CLIENT_END | windows.PIPE_TYPE_MESSAGE},
	} {
		var flags, out, in, maxInst uint32
		require.NoError(t, tc.c.GetNamedPipeInfo(tc.h, &flags, &out, &in, &maxInst), tc.end)
		assert.Equal(t, []uint32{tc.wantFlags, 1024, 2048, 1}, []uint32{flags, out, in, maxInst}, tc.end)
		var clientPID, serverPID uint32
		require.NoError(t, tc.c.GetNamedPipeClientProcessId(tc.h, &clientPID), tc.end)
		require.NoError(t, tc.c.GetNamedPipeServerProcessId(tc.h, &serverPID), tc.end)
		assert.Equal(t, []uint32{cp.PID(), sp.PID()}, []uint32{clientPID, serverPID}, tc.end)
	}
	assert.NoError(t, srv.GetNamedPipeInfo(h, nil, nil, nil, nil), "every out-parameter is optional")

	_, err = cli.CreateFile(name, windows.GENERIC_READ, 0, nil, windows.OPEN_EXISTING, 0, 0)
	assert.Equal(t, windows.ERROR_PIPE_BUSY, err)
	bad, err := cli.CreateFile(u16(t, uniquePipe()), windows.GENERIC_READ, 0, nil, windows.OPEN_EXISTING, 0, 0)
	assert.Equal(t, windows.ERROR_FILE_NOT_FOUND, err)
	assert.Equal(t, windows.InvalidHandle, bad, "failure returns INVALID_HANDLE_VALUE")
}

// TestDisconnectNamedPipeCutsClient checks DisconnectNamedPipe (MS docs DisconnectNamedPipe; Wine
// dlls/kernel32/tests/pipe.c test_DisconnectNamedPipe): the client's writes then fail with
// ERROR_PIPE_NOT_CONNECTED, and the server may connect a new client.
func TestDisconnectNamedPipeCutsClient(t *testing.T) {
	c := windows.On(newProc(t, newMachine(t), "app.exe"))
	name := u16(t, uniquePipe())
	h, err := c.CreateNamedPipe(name, windows.PIPE_ACCESS_DUPLEX, 0, 1, 512, 512, 0, nil)
	require.NoError(t, err)
	defer c.CloseHandle(h)
	first, err := c.CreateFile(name, windows.GENERIC_WRITE, 0, nil, windows.OPEN_EXISTING, 0, 0)
	require.NoError(t, err)
	defer c.CloseHandle(first)
	require.NoError(t, c.DisconnectNamedPipe(h))
	assert.Equal(t, windows.ERROR_PIPE_NOT_CONNECTED, c.WriteFile(first, []byte("x"), nil, nil))

	// The instance listens again once ConnectNamedPipe is called; a client that got in first
	// makes it report ERROR_PIPE_CONNECTED.
	connected := make(chan error, 1)
	go func() { connected <- c.ConnectNamedPipe(h, nil) }()
	require.NoError(t, c.WaitNamedPipe(name, windows.NMPWAIT_WAIT_FOREVER))
	second, err := c.CreateFile(name, windows.GENERIC_WRITE, 0, nil, windows.OPEN_EXISTING, 0, 0)
	require.NoError(t, err)
	defer c.CloseHandle(second)
	assert.NoError(t, <-connected)
}

// TestAnonymousPipeAndFlush checks CreatePipe through the facade (MS docs CreatePipe; Wine
// dlls/kernel32/tests/pipe.c test_CreatePipe): data written is read from the other end, the read
// end cannot write (ERROR_ACCESS_DENIED), FlushFileBuffers returns once the reader has taken what
// was written, and closing the write end makes reads fail with ERROR_BROKEN_PIPE.
func TestAnonymousPipeAndFlush(t *testing.T) {
	c := windows.On(newProc(t, newMachine(t), "app.exe"))
	var r, w windows.Handle
	require.NoError(t, c.CreatePipe(&r, &w, nil, 0))
	var n uint32
	require.NoError(t, c.WriteFile(w, []byte("abc"), &n, nil))
	assert.Equal(t, uint32(3), n)
	assert.Equal(t, windows.ERROR_ACCESS_DENIED, c.WriteFile(r, []byte("x"), nil, nil))

	flushed := make(chan error, 1)
	go func() { flushed <- c.FlushFileBuffers(w) }()
	var buf [8]byte
	require.NoError(t, c.ReadFile(r, buf[:], &n, nil))
	assert.Equal(t, "abc", string(buf[:n]))
	assert.NoError(t, <-flushed)

	require.NoError(t, c.CloseHandle(w))
	assert.Equal(t, windows.ERROR_BROKEN_PIPE, c.ReadFile(r, buf[:], &n, nil))
	require.NoError(t, c.CloseHandle(r))
}

// TestMailslotThroughFacade checks a mailslot round trip and its errors (Wine
// dlls/kernel32/tests/mailslot.c test_mailslot): CreateMailslot of a name in use gives
// ERROR_ALREADY_EXISTS, a client writes a message that GetMailslotInfo counts and ReadFile
// returns whole, and a read with timeout 0 on an empty mailslot fails with ERROR_SEM_TIMEOUT.
func TestMailslotThroughFacade(t *testing.T) {
	c := windows.On(newProc(t, newMachine(t), "app.exe"))
	name := u16(t, uniqueMailslot())
	ms, err := c.CreateMailslot(name, 0, 0, nil)
	require.NoError(t, err)
	defer c.CloseHandle(ms)
	dup, err := c.CreateMailslot(name, 0, 0, nil)
	assert.Equal(t, windows.ERROR_ALREADY_EXISTS, err)
	assert.Equal(t, windows.InvalidHandle, dup)

	w, err := c.CreateFile(name, windows.GENERIC_WRITE, windows.FILE_SHARE_READ, nil, windows.OPEN_EXISTING, 0, 0)
	require.NoError(t, err)
	defer c.CloseHandle(w)
	require.NoError(t, c.WriteFile(w, []byte("announce"), nil, nil))

	var next, count uint32
	require.NoError(t, c.GetMailslotInfo(ms, nil, &next, &count, nil))
	assert.Equal(t, []uint32{8, 1}, []uint32{next, count})
	var buf [64]byte
	var n uint32
	require.NoError(t, c.ReadFile(ms, buf[:], &n, nil))
	assert.Equal(t, "announce", string(buf[:n]))
	assert.Equal(t, windows.ERROR_SEM_TIMEOUT, c.ReadFile(ms, buf[:], &n, nil))
}

// TestSetFileCompletionNotificationModesSkipsPortOnSuccess checks
// FILE_SKIP_COMPLETION_PORT_ON_SUCCESS (MS docs SetFileCompletionNotificationModes): a read that
// completes at once queues no packet, so the port stays empty.
func TestSetFileCompletionNotificationModesSkipsPortOnSuccess(t *testing.T) {
	c := windows.On(newProc(t, newMachine(t), "app.exe"))
	name := u16(t, uniquePipe())
	h, err := c.CreateNamedPipe(name, windows.PIPE_ACCESS_DUPLEX|windows.FILE_FLAG_OVERLAPPED, 0, 1, 512, 512, 0, nil)
	require.NoError(t, err)
	defer c.CloseHandle(h)
	cl, err := c.CreateFile(name, windows.GENERIC_READ|windows.GENERIC_WRITE, 0, nil, windows.OPEN_EXISTING, 0, 0)
	require.NoError(t, err)
	defer c.CloseHandle(cl)
	port, err := c.CreateIoCompletionPort(h, 0, 1, 0)
	require.NoError(t, err)
	defer c.CloseHandle(port)
	require.NoError(t, c.SetFileCompletionNotificationModes(h, windows.FILE_SKIP_COMPLETION_PORT_ON_SUCCESS))

	require.NoError(t, c.WriteFile(cl, []byte("now"), nil, nil))
	var ov windows.Overlapped
	var buf [8]byte
	var n uint32
	require.NoError(t, c.ReadFile(h, buf[:], &n, &ov), "completes at once")
	assert.Equal(t, "now", string(buf[:n]))
	var qty uint32
	var key uintptr
	var got *windows.Overlapped
	assert.Equal(t, windows.WAIT_TIMEOUT, c.GetQueuedCompletionStatus(port, &qty, &key, &got, 0))
}
