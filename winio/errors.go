package winio

import (
	"errors"
	"os"

	"github.com/winsim/winsim/kernel"
	"github.com/winsim/winsim/windows"
)

// winError is err as go-winio would return it: a Win32 error code as a bare
// windows.Errno, which go-winio's callers compare with ==, switch on and type-assert
// (x/sys/windows' Errno). Errors of the kernel's calls may carry the code inside a
// wrapper (an abort's cause, for one).
func winError(err error) error {
	if err == nil {
		return nil
	}
	var e kernel.Errno
	if errors.As(err, &e) {
		return windows.Errno(e)
	}
	return err
}

// errMoreData is ERROR_MORE_DATA as winError returns it.
var errMoreData = winError(kernel.ERROR_MORE_DATA)

// noProcess is the error of a call on a Caller bound to no process.
func noProcess(path string) error {
	return &os.PathError{Op: "open", Path: path, Err: winError(kernel.ERROR_INVALID_PARAMETER)}
}
