package windows_test

import (
	"testing"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/winsim/winsim/kernel"
	"github.com/winsim/winsim/windows"
)

// TestOverlappedLayoutIsOVERLAPPED checks that Overlapped is laid out as Win32's OVERLAPPED and
// as kernel.Overlapped, which is what lets the facade hand the caller's memory to winsim.
func TestOverlappedLayoutIsOVERLAPPED(t *testing.T) {
	var o windows.Overlapped
	var k kernel.Overlapped
	assert.Equal(t, unsafe.Sizeof(k), unsafe.Sizeof(o))
	assert.Equal(t, unsafe.Offsetof(k.InternalHigh), unsafe.Offsetof(o.InternalHigh))
	assert.Equal(t, unsafe.Offsetof(k.Offset), unsafe.Offsetof(o.Offset))
	assert.Equal(t, unsafe.Offsetof(k.OffsetHigh), unsafe.Offsetof(o.OffsetHigh))
	assert.Equal(t, unsafe.Offsetof(k.HEvent), unsafe.Offsetof(o.HEvent))
}

// ioOp embeds an Overlapped first, the way go-winio's ioOperation does, so a completion's
// *Overlapped converts back to the operation.
type ioOp struct {
	ov   windows.Overlapped
	name string
}

// TestOverlappedServerThroughFacade runs a server the way x/sys/windows code writes one: an
// overlapped pipe instance, an overlapped ConnectNamedPipe that pends (ERROR_IO_PENDING) and
// completes with its event when a client opens the pipe (GetOverlappedResult), then reads that
// pend and complete through a completion port, which hands back the very *Overlapped each read was
// issued with, and the key the pipe was associated with (Wine dlls/kernel32/tests/pipe.c
// test_overlapped, test_completion; MS docs GetQueuedCompletionStatus).
func TestOverlappedServerThroughFacade(t *testing.T) {
	m := newMachine(t)
	srv, cli := windows.On(newProc(t, m, "server.exe")), windows.On(newProc(t, m, "client.exe"))
	name := u16(t, uniquePipe())

	h, err := srv.CreateNamedPipe(name, windows.PIPE_ACCESS_DUPLEX|windows.FILE_FLAG_OVERLAPPED, windows.PIPE_TYPE_MESSAGE|windows.PIPE_READMODE_MESSAGE, 1, 512, 512, 0, nil)
	require.NoError(t, err)
	defer srv.CloseHandle(h)
	ev, err := srv.CreateEvent(nil, 1, 0, nil)
	require.NoError(t, err)
	defer srv.CloseHandle(ev)

	connect := windows.Overlapped{HEvent: ev}
	assert.Equal(t, windows.ERROR_IO_PENDING, srv.ConnectNamedPipe(h, &connect))
	var done uint32
	assert.Equal(t, windows.ERROR_IO_INCOMPLETE, srv.GetOverlappedResult(h, &connect, &done, false))

	c, err := cli.CreateFile(name, windows.GENERIC_READ|windows.GENERIC_WRITE, 0, nil, windows.OPEN_EXISTING, 0, 0)
	require.NoError(t, err)
	defer cli.CloseHandle(c)
	got, err := srv.WaitForSingleObject(ev, windows.INFINITE)
	require.NoError(t, err)
	assert.Equal(t, uint32(windows.WAIT_OBJECT_0), got, "the connect's event is set")
	assert.NoError(t, srv.GetOverlappedResult(h, &connect, &done, true))

	const key = 0xC0FFEE
	port, err := srv.CreateIoCompletionPort(h, 0, key, 0)
	require.NoError(t, err)
	defer srv.CloseHandle(port)

	ops := []*ioOp{{name: "first"}, {name: "second"}}
	bufs := [2][32]byte{}
	for i, op := range ops {
		var n uint32
		assert.Equal(t, windows.ERROR_IO_PENDING, srv.ReadFile(h, bufs[i][:], &n, &op.ov), op.name)
	}
	for _, msg := range []string{"hello", "world!"} {
		require.NoError(t, cli.WriteFile(c, []byte(msg), nil, nil))
	}
	for i, want := range []string{"hello", "world!"} {
		var qty uint32
		var k uintptr
		var ov *windows.Overlapped
		require.NoError(t, srv.GetQueuedCompletionStatus(port, &qty, &k, &ov, windows.INFINITE))
		op := (*ioOp)(unsafe.Pointer(ov))
		assert.Same(t, ops[i], op, "the completion carries the read's own OVERLAPPED")
		assert.Equal(t, uintptr(key), k)
		assert.Equal(t, want, string(bufs[i][:qty]))
		assert.Equal(t, uintptr(qty), op.ov.InternalHigh, "the count is in the OVERLAPPED too")
	}

	// An empty port times out with no packet.
	var qty uint32
	var k uintptr
	ov := &windows.Overlapped{}
	assert.Equal(t, windows.WAIT_TIMEOUT, srv.GetQueuedCompletionStatus(port, &qty, &k, &ov, 0))
	assert.Nil(t, ov, "no packet: lpOverlapped is NULL")
}

// TestCancelIoExAbortsPendingRead checks CancelIoEx (MS docs CancelIoEx; Wine
// dlls/kernel32/tests/pipe.c test_blocking_rw): the pending read completes with
// ERROR_OPERATION_ABORTED, and cancelling it again finds nothing (ERROR_NOT_FOUND).
func TestCancelIoExAbortsPendingRead(t *testing.T) {
	c := windows.On(newProc(t, newMachine(t), "app.exe"))
	name := u16(t, uniquePipe())
	h, err := c.CreateNamedPipe(name, windows.PIPE_ACCESS_DUPLEX|windows.FILE_FLAG_OVERLAPPED, 0, 1, 512, 512, 0, nil)
	require.NoError(t, err)
	defer c.CloseHandle(h)
	cl, err := c.CreateFile(name, windows.GENERIC_READ|windows.GENERIC_WRITE, 0, nil, windows.OPEN_EXISTING, 0, 0)
	require.NoError(t, err)
	defer c.CloseHandle(cl)

	var ov windows.Overlapped
	var buf [8]byte
	require.Equal(t, windows.ERROR_IO_PENDING, c.ReadFile(h, buf[:], nil, &ov))
	require.NoError(t, c.CancelIoEx(h, &ov))
	var n uint32
	assert.Equal(t, windows.ERROR_OPERATION_ABORTED, c.GetOverlappedResult(h, &ov, &n, true))
	assert.Equal(t, windows.ERROR_NOT_FOUND, c.CancelIoEx(h, &ov))
	assert.NoError(t, c.CancelIo(h), "CancelIo with nothing pending succeeds")
}

// TestPostQueuedCompletionStatusRoundTrip checks that a packet the caller posts comes back as it
// was posted (MS docs PostQueuedCompletionStatus), and that a completion port made with
// InvalidHandle needs no file.
func TestPostQueuedCompletionStatusRoundTrip(t *testing.T) {
	c := windows.On(newProc(t, newMachine(t), "app.exe"))
	port, err := c.CreateIoCompletionPort(windows.InvalidHandle, 0, 0, 1)
	require.NoError(t, err)
	defer c.CloseHandle(port)
	posted := &windows.Overlapped{}
	require.NoError(t, c.PostQueuedCompletionStatus(port, 42, 7, posted))
	var qty uint32
	var key uintptr
	var ov *windows.Overlapped
	require.NoError(t, c.GetQueuedCompletionStatus(port, &qty, &key, &ov, 0))
	assert.Equal(t, uint32(42), qty)
	assert.Equal(t, uintptr(7), key)
	assert.Same(t, posted, ov)
}
