package windows_test

import (
	"errors"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/winsim/winsim/windows"
)

// TestLazyDLLFindsKernel32ByLoadLibraryRules checks module lookup: kernel32.dll is found whatever
// the case and with ".dll" implied (MS docs LoadLibraryW: a name without an extension gets
// ".dll"; module names are not case-sensitive); any other module fails as LoadDLL does in
// x/sys/windows (dll_windows.go): a *DLLError carrying ERROR_MOD_NOT_FOUND.
func TestLazyDLLFindsKernel32ByLoadLibraryRules(t *testing.T) {
	for _, tc := range []struct {
		name string
		want error
	}{
		{"kernel32.dll", nil},
		{"KERNEL32.DLL", nil},
		{"kernel32", nil},
		{`C:\Windows\System32\kernel32.dll`, nil},
		{"advapi32.dll", windows.ERROR_MOD_NOT_FOUND},
		{"nosuch", windows.ERROR_MOD_NOT_FOUND},
	} {
		err := windows.NewLazySystemDLL(tc.name).Load()
		if tc.want == nil {
			assert.NoError(t, err, tc.name)
			continue
		}
		var de *windows.DLLError
		if assert.ErrorAs(t, err, &de, tc.name) {
			assert.Equal(t, tc.name, de.ObjName)
			assert.Equal(t, "Failed to load "+tc.name+": The specified module could not be found.", de.Msg)
		}
		assert.ErrorIs(t, err, tc.want, tc.name)
	}
}

// TestLazyProcFindIsCaseSensitive checks procedure lookup: exact names are found, others fail
// with ERROR_PROC_NOT_FOUND in x/sys/windows' *DLLError (dll_windows.go FindProc), and case
// matters (MS docs GetProcAddress: the name must match the export's spelling and case).
func TestLazyProcFindIsCaseSensitive(t *testing.T) {
	k32 := windows.NewLazySystemDLL("kernel32.dll")
	for _, tc := range []struct {
		name  string
		found bool
	}{
		{"SetNamedPipeHandleState", true},
		{"GetNamedPipeHandleStateW", true},
		{"PeekNamedPipe", true},
		{"CreateMailslotW", true},
		{"GetMailslotInfo", true},
		{"SetMailslotInfo", true},
		{"TransactNamedPipe", true},
		{"CallNamedPipeW", true},
		{"WaitNamedPipeW", true},
		{"setnamedpipehandlestate", false},
		{"GetNamedPipeHandleState", false}, // kernel32 exports the A and W forms only
		{"NtCreateNamedPipeFile", false},   // ntdll's, not kernel32's
	} {
		err := k32.NewProc(tc.name).Find()
		if tc.found {
			assert.NoError(t, err, tc.name)
			continue
		}
		var de *windows.DLLError
		if assert.ErrorAs(t, err, &de, tc.name) {
			assert.Equal(t, "Failed to find "+tc.name+" procedure in kernel32.dll: The specified procedure could not be found.", de.Msg)
		}
		assert.ErrorIs(t, err, windows.ERROR_PROC_NOT_FOUND, tc.name)
	}
}

// TestLazyProcAddrDistinctAndCallPanicsWhenMissing checks Addr (non-zero, one per procedure) and
// that Call and Addr panic with the *DLLError for a missing procedure, as x/sys/windows' LazyProc
// does (dll_windows.go mustFind).
func TestLazyProcAddrDistinctAndCallPanicsWhenMissing(t *testing.T) {
	k32 := windows.NewLazySystemDLL("kernel32.dll")
	a, b := k32.NewProc("PeekNamedPipe").Addr(), k32.NewProc("WaitNamedPipeW").Addr()
	assert.NotZero(t, a)
	assert.NotEqual(t, a, b)
	assert.Equal(t, a, k32.NewProc("PeekNamedPipe").Addr(), "stable")

	missing := k32.NewProc("NoSuchFunction")
	assert.PanicsWithError(t, "Failed to find NoSuchFunction procedure in kernel32.dll: The specified procedure could not be found.", func() { missing.Call() })
	assert.Panics(t, func() { missing.Addr() })
	assert.Panics(t, func() { windows.NewLazyDLL("nosuch.dll").NewProc("X").Call() })
}

// TestLazyProcCallSetNamedPipeHandleStateOnDefaultProcess runs the call the winio port makes by
// hand: SetNamedPipeHandleState through kernel32.dll on a handle of the default process, with the
// mode passed by pointer. Switching a client of a message-type pipe to message read mode succeeds
// and GetNamedPipeHandleState reports it; asking the same of a byte-type pipe fails with
// ERROR_INVALID_PARAMETER (Wine dlls/kernel32/tests/pipe.c test_CreateNamedPipe). r1 is the BOOL,
// lastErr the last-error code, ERROR_SUCCESS on success (x/sys/windows' Call never returns nil).
func TestLazyProcCallSetNamedPipeHandleStateOnDefaultProcess(t *testing.T) {
	p := useDefault(t)
	setState := windows.NewLazyDLL("kernel32.dll").NewProc("SetNamedPipeHandleState")
	for _, tc := range []struct {
		name     string
		pipeMode uint32
		r1       uintptr
		lastErr  windows.Errno
	}{
		{"message pipe", windows.PIPE_TYPE_MESSAGE, 1, windows.ERROR_SUCCESS},
		{"byte pipe", windows.PIPE_TYPE_BYTE, 0, windows.ERROR_INVALID_PARAMETER},
	} {
		name := uniquePipe()
		srv, err := windows.CreateNamedPipe(u16(t, name), windows.PIPE_ACCESS_DUPLEX, tc.pipeMode, 1, 512, 512, 0, nil)
		require.NoError(t, err)
		// A kernel.Handle of the default process, as the winio port holds.
		h, err := p.CreateFile(name, windows.GENERIC_READ|windows.GENERIC_WRITE|windows.FILE_WRITE_ATTRIBUTES, 0, nil, windows.OPEN_EXISTING, 0)
		require.NoError(t, err)

		mode := uint32(windows.PIPE_READMODE_MESSAGE)
		r1, _, lastErr := setState.Call(uintptr(h), uintptr(unsafe.Pointer(&mode)), 0, 0)
		assert.Equal(t, tc.r1, r1, tc.name)
		assert.Equal(t, tc.lastErr, lastErr, tc.name)

		var state uint32
		require.NoError(t, windows.GetNamedPipeHandleState(windows.Handle(h), &state, nil, nil, nil, nil, 0))
		assert.Equal(t, tc.r1 == 1, state&windows.PIPE_READMODE_MESSAGE != 0, tc.name)

		require.NoError(t, windows.CloseHandle(windows.Handle(h)))
		require.NoError(t, windows.CloseHandle(srv))
	}
}

// TestKernel32ProcsServeMailslotsAndPipes calls the procedures x/sys/windows lacks through
// kernel32.dll on one mailslot and one message pipe, and checks what each returns:
//   - CreateMailslotW / GetMailslotInfo / SetMailslotInfo: a new mailslot reports its size limit,
//     MAILSLOT_NO_MESSAGE, no messages and its timeout; SetMailslotInfo changes the timeout (Wine
//     dlls/kernel32/tests/mailslot.c test_mailslot).
//   - WaitNamedPipeW: a listening instance makes it return at once (MS docs WaitNamedPipeW).
//   - PeekNamedPipe: shows a queued message without removing it (Wine pipe.c test_peek_pipe).
//   - TransactNamedPipe: one message out, the reply back (Wine pipe.c test_TransactNamedPipe).
//   - GetNamedPipeHandleStateW: a server end reports message read mode and one instance.
func TestKernel32ProcsServeMailslotsAndPipes(t *testing.T) {
	useDefault(t)
	k32 := windows.NewLazySystemDLL("kernel32.dll")
	call := func(proc string, a ...uintptr) (uintptr, error) {
		r1, _, err := k32.NewProc(proc).Call(a...)
		return r1, err
	}

	// Mailslot.
	msName := u16(t, uniqueMailslot())
	hms, err := call("CreateMailslotW", uintptr(unsafe.Pointer(msName)), 424, 0, 0)
	require.Equal(t, windows.ERROR_SUCCESS, err)
	var maxSize, next, count, timeout uint32
	r1, err := call("GetMailslotInfo", hms, uintptr(unsafe.Pointer(&maxSize)), uintptr(unsafe.Pointer(&next)), uintptr(unsafe.Pointer(&count)), uintptr(unsafe.Pointer(&timeout)))
	assert.Equal(t, uintptr(1), r1, "GetMailslotInfo: %v", err)
	assert.Equal(t, []uint32{424, windows.MAILSLOT_NO_MESSAGE, 0, 0}, []uint32{maxSize, next, count, timeout})
	r1, _ = call("SetMailslotInfo", hms, 1000)
	assert.Equal(t, uintptr(1), r1)
	require.NoError(t, windows.GetMailslotInfo(windows.Handle(hms), nil, nil, nil, &timeout))
	assert.Equal(t, uint32(1000), timeout)
	r1, err = call("GetMailslotInfo", uintptr(windows.InvalidHandle), 0, 0, 0, 0)
	assert.Equal(t, uintptr(0), r1)
	assert.Equal(t, windows.ERROR_INVALID_HANDLE, err)
	require.NoError(t, windows.CloseHandle(windows.Handle(hms)))

	// Message pipe.
	pipeName := uniquePipe()
	srv, err := windows.CreateNamedPipe(u16(t, pipeName), windows.PIPE_ACCESS_DUPLEX, windows.PIPE_TYPE_MESSAGE|windows.PIPE_READMODE_MESSAGE, 1, 512, 512, 0, nil)
	require.NoError(t, err)
	r1, err = call("WaitNamedPipeW", uintptr(unsafe.Pointer(u16(t, pipeName))), windows.NMPWAIT_NOWAIT)
	assert.Equal(t, uintptr(1), r1, "WaitNamedPipeW: %v", err)
	cli, err := windows.CreateFile(u16(t, pipeName), windows.GENERIC_READ|windows.GENERIC_WRITE|windows.FILE_WRITE_ATTRIBUTES, 0, nil, windows.OPEN_EXISTING, 0, 0)
	require.NoError(t, err)
	mode := uint32(windows.PIPE_READMODE_MESSAGE)
	require.NoError(t, windows.SetNamedPipeHandleState(cli, &mode, nil, nil))

	require.NoError(t, windows.WriteFile(srv, []byte("hello"), nil, nil))
	var peek [8]byte
	var read, avail, left uint32
	r1, err = call("PeekNamedPipe", uintptr(cli), uintptr(unsafe.Pointer(&peek[0])), 2, uintptr(unsafe.Pointer(&read)), uintptr(unsafe.Pointer(&avail)), uintptr(unsafe.Pointer(&left)))
	assert.Equal(t, uintptr(1), r1, "PeekNamedPipe: %v", err)
	assert.Equal(t, "he", string(peek[:read]))
	assert.Equal(t, []uint32{5, 3}, []uint32{avail, left})
	var got [8]byte
	var n uint32
	require.NoError(t, windows.ReadFile(cli, got[:], &n, nil))
	assert.Equal(t, "hello", string(got[:n]), "peek left the message")

	// The server answers one request while the client waits in TransactNamedPipe.
	served := make(chan error, 1)
	go func() {
		var req [16]byte
		var rn uint32
		if err := windows.ReadFile(srv, req[:], &rn, nil); err != nil {
			served <- err
			return
		}
		served <- windows.WriteFile(srv, append([]byte("re:"), req[:rn]...), nil, nil)
	}()
	in := []byte("ping")
	var out [16]byte
	r1, err = call("TransactNamedPipe", uintptr(cli), uintptr(unsafe.Pointer(&in[0])), uintptr(len(in)), uintptr(unsafe.Pointer(&out[0])), uintptr(len(out)), uintptr(unsafe.Pointer(&n)), 0)
	assert.Equal(t, uintptr(1), r1, "TransactNamedPipe: %v", err)
	assert.Equal(t, "re:ping", string(out[:n]))
	require.NoError(t, <-served)

	var state, instances uint32
	r1, err = call("GetNamedPipeHandleStateW", uintptr(srv), uintptr(unsafe.Pointer(&state)), uintptr(unsafe.Pointer(&instances)), 0, 0, 0, 0)
	assert.Equal(t, uintptr(1), r1, "GetNamedPipeHandleStateW: %v", err)
	assert.Equal(t, uint32(windows.PIPE_READMODE_MESSAGE), state)
	assert.Equal(t, uint32(1), instances)

	require.NoError(t, windows.CloseHandle(cli))
	require.NoError(t, windows.CloseHandle(srv))
}

// TestKernel32CallNamedPipeW checks CallNamedPipeW through kernel32.dll: it connects, sends one
// message, returns the reply and closes; with no pipe of that name it fails with
// ERROR_FILE_NOT_FOUND (Wine dlls/kernel32/tests/pipe.c test_CreateNamedPipe, CallNamedPipe).
func TestKernel32CallNamedPipeW(t *testing.T) {
	useDefault(t)
	callNamedPipe := windows.NewLazySystemDLL("kernel32.dll").NewProc("CallNamedPipeW")
	name := uniquePipe()
	srv, err := windows.CreateNamedPipe(u16(t, name), windows.PIPE_ACCESS_DUPLEX, windows.PIPE_TYPE_MESSAGE|windows.PIPE_READMODE_MESSAGE, 1, 512, 512, 0, nil)
	require.NoError(t, err)
	served := make(chan error, 1)
	go func() {
		if err := windows.ConnectNamedPipe(srv, nil); err != nil && !errors.Is(err, windows.ERROR_PIPE_CONNECTED) {
			served <- err
			return
		}
		var req [16]byte
		var rn uint32
		if err := windows.ReadFile(srv, req[:], &rn, nil); err != nil {
			served <- err
			return
		}
		served <- windows.WriteFile(srv, []byte("pong"), nil, nil)
	}()
	in := []byte("ping")
	var out [16]byte
	var n uint32
	r1, _, lastErr := callNamedPipe.Call(uintptr(unsafe.Pointer(u16(t, name))), uintptr(unsafe.Pointer(&in[0])), 4, uintptr(unsafe.Pointer(&out[0])), 16, uintptr(unsafe.Pointer(&n)), windows.NMPWAIT_WAIT_FOREVER)
	assert.Equal(t, uintptr(1), r1, "CallNamedPipeW: %v", lastErr)
	assert.Equal(t, "pong", string(out[:n]))
	require.NoError(t, <-served)
	require.NoError(t, windows.CloseHandle(srv))

	r1, _, lastErr = callNamedPipe.Call(uintptr(unsafe.Pointer(u16(t, uniquePipe()))), uintptr(unsafe.Pointer(&in[0])), 4, uintptr(unsafe.Pointer(&out[0])), 16, uintptr(unsafe.Pointer(&n)), windows.NMPWAIT_NOWAIT)
	assert.Equal(t, uintptr(0), r1)
	assert.Equal(t, windows.ERROR_FILE_NOT_FOUND, lastErr)
}
