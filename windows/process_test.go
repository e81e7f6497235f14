package windows_test

import (
	"errors"
	"fmt"
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

// TestTerminateProcessAbortsBlockedCall checks that TerminateProcess ends a child blocked in any
// of the facade's blocking calls: each returns ERROR_OPERATION_ABORTED as an Errno (a terminated
// process's pending I/O is cancelled and its threads end: MS docs TerminateProcess, CancelIo), and
// the exit code is the one given. The facade's calls carry no context of their own: the kernel's
// exit is the one path that ends them.
func TestTerminateProcessAbortsBlockedCall(t *testing.T) {
	for _, tc := range []struct {
		name  string
		block func(s *windows.Caller) error // makes one blocking call and returns its error
	}{
		{"ConnectNamedPipe", func(s *windows.Caller) error {
			h, err := s.CreateNamedPipe(u16(t, uniquePipe()), windows.PIPE_ACCESS_DUPLEX, 0, 1, 512, 512, 0, nil)
			if err != nil {
				return err
			}
			return s.ConnectNamedPipe(h, nil)
		}},
		{"ReadFile of an empty anonymous pipe", func(s *windows.Caller) error {
			var r, w windows.Handle
			if err := s.CreatePipe(&r, &w, nil, 0); err != nil {
				return err
			}
			var buf [16]byte
			var n uint32
			return s.ReadFile(r, buf[:], &n, nil)
		}},
		{"ReadFile of a mailslot waiting forever", func(s *windows.Caller) error {
			h, err := s.CreateMailslot(u16(t, uniqueMailslot()), 0, windows.MAILSLOT_WAIT_FOREVER, nil)
			if err != nil {
				return err
			}
			var buf [16]byte
			var n uint32
			return s.ReadFile(h, buf[:], &n, nil)
		}},
		{"WaitForSingleObject of an unsignalled event", func(s *windows.Caller) error {
			ev, err := s.CreateEvent(nil, 1, 0, nil)
			if err != nil {
				return err
			}
			ret, err := s.WaitForSingleObject(ev, windows.INFINITE)
			if ret != windows.WAIT_FAILED {
				return errors.New("the wait did not return WAIT_FAILED")
			}
			return err
		}},
		{"GetQueuedCompletionStatus INFINITE", func(s *windows.Caller) error {
			port, err := s.CreateIoCompletionPort(windows.InvalidHandle, 0, 0, 0)
			if err != nil {
				return err
			}
			var qty uint32
			var key uintptr
			var ov *windows.Overlapped
			return s.GetQueuedCompletionStatus(port, &qty, &key, &ov, windows.INFINITE)
		}},
		{"GetOverlappedResult waiting for an overlapped connect", func(s *windows.Caller) error {
			h, err := s.CreateNamedPipe(u16(t, uniquePipe()), windows.PIPE_ACCESS_DUPLEX|windows.FILE_FLAG_OVERLAPPED, 0, 1, 512, 512, 0, nil)
			if err != nil {
				return err
			}
			var ov windows.Overlapped
			if err := s.ConnectNamedPipe(h, &ov); err != windows.ERROR_IO_PENDING {
				return fmt.Errorf("the overlapped connect did not pend: %v", err)
			}
			var n uint32
			return s.GetOverlappedResult(h, &ov, &n, true)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				c := windows.On(newProc(t, newMachine(t), "parent.exe"))
				result := make(chan error, 1)
				defer windows.RegisterProgram("server.exe", func(s *windows.Caller, _ string) uint32 {
					result <- tc.block(s)
					return 0
				})()
				var pi windows.ProcessInformation
				require.NoError(t, c.CreateProcess(u16(t, "server.exe"), nil, nil, nil, false, 0, nil, nil, nil, &pi))
				synctest.Wait() // the child is blocked
				select {
				case err := <-result:
					require.FailNow(t, "the call did not block", "it returned %v", err)
				default:
				}
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
		})
	}
}
