package windows_test

import (
	"errors"
	"strings"
	"testing"
	"testing/synctest"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/winsim/winsim/windows"
)

// TestCurrentProcessIdentity checks the current-process functions (MS docs GetCurrentProcess,
// GetCurrentProcessId, GetProcessId): the pseudo-handle is (HANDLE)-1 and stands for the caller,
// whose PID the Caller reports, and OpenProcess of PID 0 is ERROR_INVALID_PARAMETER.
func TestCurrentProcessIdentity(t *testing.T) {
	m := newMachine(t)
	p := newProc(t, m, "app.exe")
	c := windows.On(p)
	assert.Equal(t, windows.Handle(^uintptr(0)), c.CurrentProcess())
	h, err := c.GetCurrentProcess()
	require.NoError(t, err)
	assert.Equal(t, c.CurrentProcess(), h)
	assert.Equal(t, p.PID(), c.GetCurrentProcessId())
	pid, err := c.GetProcessId(c.CurrentProcess())
	require.NoError(t, err)
	assert.Equal(t, p.PID(), pid)

	other := newProc(t, m, "other.exe")
	assert.Equal(t, other.PID(), windows.On(other).GetCurrentProcessId(), "each Caller is its own process")

	_, err = c.OpenProcess(windows.PROCESS_QUERY_LIMITED_INFORMATION, false, 0)
	assert.Equal(t, windows.ERROR_INVALID_PARAMETER, err)
}

// TestHandleValuesBelongToOneProcess checks that a handle value means nothing in another process
// (MS docs "Handles and Objects"): CloseHandle of another process's value fails there with
// ERROR_INVALID_HANDLE and leaves the owner's handle open.
func TestHandleValuesBelongToOneProcess(t *testing.T) {
	m := newMachine(t)
	a, b := windows.On(newProc(t, m, "a.exe")), windows.On(newProc(t, m, "b.exe"))
	h := newEvent(t, a)
	assert.Equal(t, windows.ERROR_INVALID_HANDLE, b.CloseHandle(h))
	assert.NoError(t, a.CloseHandle(h))
}

// TestCreateProcessRunsRegisteredProgram starts a child with CreateProcess (MS docs CreateProcessW,
// STARTUPINFO): the program registered for the command line's first token runs as the new process,
// gets the command line, finds the inherited write end of an anonymous pipe through GetStdHandle,
// and its result is the exit code GetExitCodeProcess reports once the process handle is signalled;
// the Thread handle is signalled too.
func TestCreateProcessRunsRegisteredProgram(t *testing.T) {
	c := windows.On(newProc(t, newMachine(t), "parent.exe"))
	defer windows.RegisterProgram("child.exe", func(child *windows.Caller, cmd string) uint32 {
		out, err := child.GetStdHandle(windows.STD_OUTPUT_HANDLE)
		if err != nil || out == 0 {
			return 1
		}
		if err := child.WriteFile(out, []byte("child got: "+cmd), nil, nil); err != nil {
			return 2
		}
		child.CloseHandle(out)
		return 7
	})()

	var r, w windows.Handle
	sa := windows.SecurityAttributes{Length: uint32(unsafe.Sizeof(windows.SecurityAttributes{})), InheritHandle: 1}
	require.NoError(t, c.CreatePipe(&r, &w, &sa, 0))
	si := windows.StartupInfo{Cb: uint32(unsafe.Sizeof(windows.StartupInfo{})), Flags: windows.STARTF_USESTDHANDLES, StdOutput: w}
	var pi windows.ProcessInformation
	cmd := `"C:\Program Files\App\child" --verbose`
	require.NoError(t, c.CreateProcess(nil, u16(t, cmd), nil, nil, true, 0, nil, nil, &si, &pi))
	require.NoError(t, c.CloseHandle(w), "the child has its own copy")

	var buf [128]byte
	var got strings.Builder
	for {
		var n uint32
		err := c.ReadFile(r, buf[:], &n, nil)
		got.Write(buf[:n])
		if errors.Is(err, windows.ERROR_BROKEN_PIPE) {
			break
		}
		require.NoError(t, err)
	}
	assert.Equal(t, "child got: "+cmd, got.String())

	for _, h := range []windows.Handle{pi.Process, pi.Thread} {
		ev, err := c.WaitForSingleObject(h, windows.INFINITE)
		require.NoError(t, err)
		assert.Equal(t, uint32(windows.WAIT_OBJECT_0), ev)
	}
	var code uint32
	require.NoError(t, c.GetExitCodeProcess(pi.Process, &code))
	assert.Equal(t, uint32(7), code)
	assert.NotZero(t, pi.ProcessId)
	for _, h := range []windows.Handle{r, pi.Process, pi.Thread} {
		require.NoError(t, c.CloseHandle(h))
	}
}

// TestCreateProcessImageLookup checks how CreateProcess finds its program (MS docs CreateProcessW):
// lpApplicationName must name the file with its extension, the command line's first token gets
// ".exe" when it has none, quotes delimit a token with spaces, names are case-insensitive, and an
// image that does not exist gives ERROR_FILE_NOT_FOUND. Both names NULL give
// ERROR_INVALID_PARAMETER; CREATE_SUSPENDED, which winsim cannot honour, ERROR_NOT_SUPPORTED.
func TestCreateProcessImageLookup(t *testing.T) {
	c := windows.On(newProc(t, newMachine(t), "parent.exe"))
	defer windows.RegisterProgram("Tool.exe", func(*windows.Caller, string) uint32 { return 0 })()
	for _, tc := range []struct {
		name    string
		app     string // "" for NULL
		cmd     string // "" for NULL
		flags   uint32
		wantErr error
	}{
		{"app name with extension", `C:\bin\tool.exe`, "", 0, nil},
		{"app name without extension", "tool", "", 0, windows.ERROR_FILE_NOT_FOUND},
		{"command line, .exe implied", "", "TOOL /q", 0, nil},
		{"command line, quoted path", "", `"C:\my tools\tool.exe" x`, 0, nil},
		{"unknown image", "", "nosuch.exe", 0, windows.ERROR_FILE_NOT_FOUND},
		{"both NULL", "", "", 0, windows.ERROR_INVALID_PARAMETER},
		{"suspended", "tool.exe", "", windows.CREATE_SUSPENDED, windows.ERROR_NOT_SUPPORTED},
	} {
		var app, cmd *uint16
		if tc.app != "" {
			app = u16(t, tc.app)
		}
		if tc.cmd != "" {
			cmd = u16(t, tc.cmd)
		}
		var pi windows.ProcessInformation
		err := c.CreateProcess(app, cmd, nil, nil, false, tc.flags, nil, nil, nil, &pi)
		if tc.wantErr != nil {
			assert.Equal(t, tc.wantErr, err, tc.name)
			continue
		}
		if assert.NoError(t, err, tc.name) {
			_, err := c.WaitForSingleObject(pi.Process, windows.INFINITE)
			require.NoError(t, err)
			require.NoError(t, c.CloseHandle(pi.Process))
			require.NoError(t, c.CloseHandle(pi.Thread))
		}
	}
}

// TestTerminateProcessAbortsBlockedCall checks that TerminateProcess ends a child blocked in
// ConnectNamedPipe: the call returns ERROR_OPERATION_ABORTED as an Errno (the thread's I/O is
// cancelled when it ends: MS docs TerminateProcess, CancelIo), and the exit code is the one given.
func TestTerminateProcessAbortsBlockedCall(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c := windows.On(newProc(t, newMachine(t), "parent.exe"))
		name := uniquePipe()
		result := make(chan error, 1)
		defer windows.RegisterProgram("server.exe", func(s *windows.Caller, _ string) uint32 {
			h, err := s.CreateNamedPipe(u16(t, name), windows.PIPE_ACCESS_DUPLEX, 0, 1, 512, 512, 0, nil)
			if err != nil {
				result <- err
				return 1
			}
			result <- s.ConnectNamedPipe(h, nil)
			return 0
		})()
		var pi windows.ProcessInformation
		require.NoError(t, c.CreateProcess(u16(t, "server.exe"), nil, nil, nil, false, 0, nil, nil, nil, &pi))
		synctest.Wait() // the child is blocked in ConnectNamedPipe
		require.NoError(t, c.TerminateProcess(pi.Process, 3))
		assert.Equal(t, windows.ERROR_OPERATION_ABORTED, <-result)
		_, err := c.WaitForSingleObject(pi.Process, windows.INFINITE)
		require.NoError(t, err)
		var code uint32
		require.NoError(t, c.GetExitCodeProcess(pi.Process, &code))
		assert.Equal(t, uint32(3), code)
		require.NoError(t, c.CloseHandle(pi.Process))
		require.NoError(t, c.CloseHandle(pi.Thread))
	})
}
