package windows_test

import (
	"testing"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/winsim/winsim"
	"github.com/winsim/winsim/kerneltest"
	"github.com/winsim/winsim/windows"
)

// TestGetFileTypeOfPipesAndMailslots checks GetFileType on every kind of file winsim has. MS docs
// GetFileType: FILE_TYPE_PIPE is "a socket, a named pipe, or an anonymous pipe", so both ends of
// a named pipe, local or opened from another machine, both ends of an anonymous pipe and the
// named-pipe device itself are pipes. A mailslot handle (server, local or broadcast client, the
// mailslot device) is FILE_TYPE_DISK, Wine's answer (kernelbase's GetFileType gives it for every
// device type that is neither a pipe nor a character device; no conformance test pins it,
// docs/deviations.md). The type does not depend on the handle's access: a duplicate with none
// answers the same. The function never fails on a file, so err is nil.
func TestGetFileTypeOfPipesAndMailslots(t *testing.T) {
	n := kerneltest.NewNetwork(t)
	alpha := kerneltest.AddMachine(t, n, "ALPHA", "CORP", winsim.Install)
	beta := kerneltest.AddMachine(t, n, "BETA", "CORP", winsim.Install)
	a := windows.On(newProc(t, alpha, "a.exe"))
	b := windows.On(newProc(t, beta, "b.exe"))

	pipeName := uniquePipe()
	srv, err := a.CreateNamedPipe(u16(t, pipeName), windows.PIPE_ACCESS_DUPLEX, 0, 2, 512, 512, 0, nil)
	require.NoError(t, err)
	cli, err := a.CreateFile(u16(t, pipeName), windows.GENERIC_READ|windows.GENERIC_WRITE, 0, nil, windows.OPEN_EXISTING, 0, 0)
	require.NoError(t, err)
	srv2, err := a.CreateNamedPipe(u16(t, pipeName), windows.PIPE_ACCESS_DUPLEX, 0, 2, 512, 512, 0, nil)
	require.NoError(t, err)
	remote, err := b.CreateFile(u16(t, `\\ALPHA\pipe\`+pipeName[len(`\\.\pipe\`):]), windows.GENERIC_READ|windows.GENERIC_WRITE, 0, nil, windows.OPEN_EXISTING, 0, 0)
	require.NoError(t, err)
	var r, w windows.Handle
	require.NoError(t, a.CreatePipe(&r, &w, nil, 0))
	pipeDevice, err := a.CreateFile(u16(t, `\\.\pipe\`), 0, 0, nil, windows.OPEN_EXISTING, 0, 0)
	require.NoError(t, err)

	slotName := uniqueMailslot()
	slot, err := a.CreateMailslot(u16(t, slotName), 0, 0, nil)
	require.NoError(t, err)
	slotClient, err := a.CreateFile(u16(t, slotName), windows.GENERIC_WRITE, windows.FILE_SHARE_READ, nil, windows.OPEN_EXISTING, 0, 0)
	require.NoError(t, err)
	broadcast, err := a.CreateFile(u16(t, `\\*\mailslot\announce`), windows.GENERIC_WRITE, windows.FILE_SHARE_READ, nil, windows.OPEN_EXISTING, 0, 0)
	require.NoError(t, err)
	slotDevice, err := a.CreateFile(u16(t, `\\.\mailslot`), 0, 0, nil, windows.OPEN_EXISTING, 0, 0)
	require.NoError(t, err)

	for _, tc := range []struct {
		name string
		c    *windows.Caller
		h    windows.Handle
		want uint32
	}{
		{"named pipe server end", a, srv, windows.FILE_TYPE_PIPE},
		{"named pipe client end", a, cli, windows.FILE_TYPE_PIPE},
		{"unconnected server end", a, srv2, windows.FILE_TYPE_PIPE},
		{"client end from another machine", b, remote, windows.FILE_TYPE_PIPE},
		{"anonymous pipe read end", a, r, windows.FILE_TYPE_PIPE},
		{"anonymous pipe write end", a, w, windows.FILE_TYPE_PIPE},
		{"named-pipe device", a, pipeDevice, windows.FILE_TYPE_PIPE},
		{"mailslot server", a, slot, windows.FILE_TYPE_DISK},
		{"mailslot client", a, slotClient, windows.FILE_TYPE_DISK},
		{"broadcast mailslot client", a, broadcast, windows.FILE_TYPE_DISK},
		{"mailslot device", a, slotDevice, windows.FILE_TYPE_DISK},
	} {
		ft, err := tc.c.GetFileType(tc.h)
		assert.NoError(t, err, tc.name)
		assert.Equal(t, tc.want, ft, tc.name)

		var none windows.Handle
		require.NoError(t, tc.c.DuplicateHandle(tc.c.CurrentProcess(), tc.h, tc.c.CurrentProcess(), &none, 0, false, 0), tc.name)
		ft, err = tc.c.GetFileType(none)
		assert.NoError(t, err, tc.name)
		assert.Equal(t, tc.want, ft, "%s, through a handle with no access", tc.name)
		require.NoError(t, tc.c.CloseHandle(none))
		require.NoError(t, tc.c.CloseHandle(tc.h))
	}
}

// TestGetFileTypeFailures checks GetFileType's failure: FILE_TYPE_UNKNOWN with the error that
// GetLastError would give (MS docs GetFileType: a "calling error (for example, passing an
// invalid handle)" is told from a valid FILE_TYPE_UNKNOWN by GetLastError). A handle to an object
// that is not a file (an event, the current process's pseudo-handle) is ERROR_INVALID_HANDLE, as
// NT's STATUS_OBJECT_TYPE_MISMATCH converts, and so are a closed handle, 0 and
// INVALID_HANDLE_VALUE. x/sys returns an error only with FILE_TYPE_UNKNOWN.
func TestGetFileTypeFailures(t *testing.T) {
	c := windows.On(newProc(t, newMachine(t), "app.exe"))
	ev := newEvent(t, c)
	defer c.CloseHandle(ev)
	closed := newEvent(t, c)
	require.NoError(t, c.CloseHandle(closed))
	for _, tc := range []struct {
		name string
		h    windows.Handle
	}{
		{"event", ev},
		{"current process", c.CurrentProcess()},
		{"closed", closed},
		{"zero", 0},
		{"INVALID_HANDLE_VALUE", windows.InvalidHandle},
		{"STD_OUTPUT_HANDLE with no standard output", windows.STD_OUTPUT_HANDLE},
	} {
		ft, err := c.GetFileType(tc.h)
		assert.Equal(t, uint32(windows.FILE_TYPE_UNKNOWN), ft, tc.name)
		assert.Equal(t, windows.ERROR_INVALID_HANDLE, err, tc.name)
	}

	r1, _, lastErr := c.NewLazySystemDLL("kernel32.dll").NewProc("GetFileType").Call(uintptr(ev))
	assert.Equal(t, uintptr(windows.FILE_TYPE_UNKNOWN), r1, "kernel32.dll's GetFileType")
	assert.Equal(t, windows.ERROR_INVALID_HANDLE, lastErr)
}

// TestGetFileTypeOfStandardHandleValues checks that GetFileType takes STD_INPUT_HANDLE,
// STD_OUTPUT_HANDLE and STD_ERROR_HANDLE for the handles GetStdHandle returns (Wine
// dlls/kernel32/tests/file.c test_GetFileType: GetFileType((HANDLE)STD_OUTPUT_HANDLE) equals
// GetFileType(GetStdHandle(STD_OUTPUT_HANDLE))): a child whose standard output is a pipe's write
// end sees a pipe there.
func TestGetFileTypeOfStandardHandleValues(t *testing.T) {
	c := windows.On(newProc(t, newMachine(t), "parent.exe"))
	type seen struct {
		in, out, errOut uint32
		outErr          error
	}
	result := make(chan seen, 1)
	defer windows.RegisterProgram("child.exe", func(child *windows.Caller, _ string) uint32 {
		var s seen
		s.in, _ = child.GetFileType(windows.STD_INPUT_HANDLE)
		s.out, s.outErr = child.GetFileType(windows.STD_OUTPUT_HANDLE)
		s.errOut, _ = child.GetFileType(windows.STD_ERROR_HANDLE)
		result <- s
		return 0
	})()
	var r, w windows.Handle
	sa := windows.SecurityAttributes{Length: uint32(unsafe.Sizeof(windows.SecurityAttributes{})), InheritHandle: 1}
	require.NoError(t, c.CreatePipe(&r, &w, &sa, 0))
	defer c.CloseHandle(r)
	defer c.CloseHandle(w)
	si := windows.StartupInfo{Cb: uint32(unsafe.Sizeof(windows.StartupInfo{})), Flags: windows.STARTF_USESTDHANDLES, StdInput: r, StdOutput: w}
	var pi windows.ProcessInformation
	require.NoError(t, c.CreateProcess(nil, u16(t, "child.exe"), nil, nil, true, 0, nil, nil, &si, &pi))
	defer c.CloseHandle(pi.Process)
	defer c.CloseHandle(pi.Thread)
	s := <-result
	assert.Equal(t, uint32(windows.FILE_TYPE_PIPE), s.in, "standard input: the read end")
	assert.Equal(t, uint32(windows.FILE_TYPE_PIPE), s.out, "standard output: the write end")
	assert.NoError(t, s.outErr)
	assert.Equal(t, uint32(windows.FILE_TYPE_UNKNOWN), s.errOut, "no standard error was given")
	_, err := c.WaitForSingleObject(pi.Process, windows.INFINITE)
	require.NoError(t, err)
}
