package windows_test

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/winsim/winsim/kernel"
	"github.com/winsim/winsim/windows"
)

// TestErrnoErrorIsWindowsMessageText checks Error: Windows' FormatMessage text for known codes
// (Microsoft's "System Error Codes" pages), and for an unknown one the text Go's syscall.Errno
// gives when FormatMessage has none ("winapi error #N", src/syscall/syscall_windows.go).
func TestErrnoErrorIsWindowsMessageText(t *testing.T) {
	for _, tc := range []struct {
		e    windows.Errno
		want string
	}{
		{windows.ERROR_SUCCESS, "The operation completed successfully."},
		{windows.ERROR_FILE_NOT_FOUND, "The system cannot find the file specified."},
		{windows.ERROR_ACCESS_DENIED, "Access is denied."},
		{windows.ERROR_PIPE_BUSY, "All pipe instances are busy."},
		{windows.ERROR_IO_PENDING, "Overlapped I/O operation is in progress."},
		{windows.ERROR_MOD_NOT_FOUND, "The specified module could not be found."},
		{windows.ERROR_PROC_NOT_FOUND, "The specified procedure could not be found."},
		{windows.WAIT_TIMEOUT, "The wait operation timed out."},
		{windows.Errno(0xFFFF), "winapi error #65535"},
		{windows.Errno(1 << 40), "winapi error #1099511627776"},
	} {
		assert.Equal(t, tc.want, tc.e.Error(), "Errno(%d)", uintptr(tc.e))
	}
}

// TestErrnoIsMatchesKernelErrnoBothWays checks that errors.Is relates the two types of the same
// code in both directions, wrapped or not, and never relates different codes.
func TestErrnoIsMatchesKernelErrnoBothWays(t *testing.T) {
	for _, tc := range []struct {
		name   string
		err    error
		target error
		want   bool
	}{
		{"kernel err, windows target", kernel.ERROR_ACCESS_DENIED, windows.ERROR_ACCESS_DENIED, true},
		{"windows err, kernel target", windows.ERROR_ACCESS_DENIED, kernel.ERROR_ACCESS_DENIED, true},
		{"wrapped kernel err", fmt.Errorf("open: %w", kernel.ERROR_PIPE_BUSY), windows.ERROR_PIPE_BUSY, true},
		{"wrapped windows err", fmt.Errorf("open: %w", windows.ERROR_PIPE_BUSY), kernel.ERROR_PIPE_BUSY, true},
		{"kernel abort, windows target", &kernel.AbortError{Cause: context.Canceled}, windows.ERROR_OPERATION_ABORTED, true},
		{"different codes", kernel.ERROR_ACCESS_DENIED, windows.ERROR_INVALID_HANDLE, false},
		{"different codes reversed", windows.ERROR_ACCESS_DENIED, kernel.ERROR_INVALID_HANDLE, false},
		{"beyond a DWORD", windows.Errno(1<<32 + 5), kernel.ERROR_ACCESS_DENIED, false},
	} {
		assert.Equal(t, tc.want, errors.Is(tc.err, tc.target), tc.name)
	}
}

// TestErrnoIsMatchesGoSentinelsAsSyscallDoes checks Is against the sentinels Go's syscall.Errno
// maps on Windows (src/syscall/syscall_windows.go, Errno.Is).
func TestErrnoIsMatchesGoSentinelsAsSyscallDoes(t *testing.T) {
	for _, tc := range []struct {
		e      windows.Errno
		target error
	}{
		{windows.ERROR_ACCESS_DENIED, fs.ErrPermission},
		{windows.ERROR_ALREADY_EXISTS, fs.ErrExist},
		{windows.ERROR_FILE_EXISTS, fs.ErrExist},
		{windows.ERROR_DIR_NOT_EMPTY, fs.ErrExist},
		{windows.ERROR_FILE_NOT_FOUND, fs.ErrNotExist},
		{windows.ERROR_PATH_NOT_FOUND, fs.ErrNotExist},
		{windows.ERROR_BAD_NETPATH, fs.ErrNotExist},
		{windows.ERROR_NOT_SUPPORTED, errors.ErrUnsupported},
		{windows.ERROR_CALL_NOT_IMPLEMENTED, errors.ErrUnsupported},
	} {
		assert.ErrorIs(t, tc.e, tc.target, "%s", tc.e.Win32Errno().Name())
	}
	assert.NotErrorIs(t, windows.ERROR_PIPE_BUSY, fs.ErrNotExist)
	assert.NotErrorIs(t, windows.ERROR_ACCESS_DENIED, fs.ErrExist)
}

// TestErrnoTimeoutAndTemporaryAreFalseAsSyscallOnWindows checks that, as Go's syscall.Errno on
// Windows, no Win32 code reports Timeout or Temporary (only Go's invented Unix-style codes do),
// not even ERROR_SEM_TIMEOUT and WAIT_TIMEOUT.
func TestErrnoTimeoutAndTemporaryAreFalseAsSyscallOnWindows(t *testing.T) {
	for _, e := range []windows.Errno{windows.ERROR_SEM_TIMEOUT, windows.WAIT_TIMEOUT, windows.ERROR_TIMEOUT, windows.ERROR_PIPE_BUSY} {
		assert.False(t, e.Timeout(), "%d", uintptr(e))
		assert.False(t, e.Temporary(), "%d", uintptr(e))
	}
}
