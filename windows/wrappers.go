package windows

import (
	"syscall"
	"unsafe"
)

// This file holds x/sys/windows' syscall-style wrappers: POSIX names (as in package syscall) over
// the Win32 calls on handles and processes, with x/sys's results and errors.

// Close closes fd (CloseHandle).
func (c *Caller) Close(fd Handle) (err error) { return c.CloseHandle(fd) }

// Read reads into p from fd (ReadFile, synchronous) and returns the count. As in x/sys/windows,
// ERROR_BROKEN_PIPE, what a pipe whose writer has closed gives, is end of file: (0, nil); any
// other error gives a count of 0, even ERROR_MORE_DATA, whose bytes were read.
func (c *Caller) Read(fd Handle, p []byte) (n int, err error) {
	var done uint32
	if err := c.ReadFile(fd, p, &done, nil); err != nil {
		if err == ERROR_BROKEN_PIPE {
			return 0, nil
		}
		return 0, err
	}
	return int(done), nil
}

// Write writes p to fd (WriteFile, synchronous) and returns the count; as in x/sys/windows, a
// failed write gives a count of 0.
func (c *Caller) Write(fd Handle, p []byte) (n int, err error) {
	var done uint32
	if err := c.WriteFile(fd, p, &done, nil); err != nil {
		return 0, err
	}
	return int(done), nil
}

// Pipe creates an anonymous pipe and stores its read end in p[0] and its write end in p[1]
// (CreatePipe with the default size). As in x/sys/windows both handles are inheritable, and a p
// whose length is not 2 gives syscall.EINVAL.
func (c *Caller) Pipe(p []Handle) (err error) {
	if len(p) != 2 {
		return syscall.EINVAL
	}
	sa := SecurityAttributes{Length: uint32(unsafe.Sizeof(SecurityAttributes{})), InheritHandle: 1}
	var r, w Handle
	if err := c.CreatePipe(&r, &w, &sa, 0); err != nil {
		return err
	}
	p[0], p[1] = r, w
	return nil
}

// Fsync waits until what was written through fd has been read (FlushFileBuffers).
func (c *Caller) Fsync(fd Handle) (err error) { return c.FlushFileBuffers(fd) }

// Seek moves fd's file position. A pipe has none: as x/sys/windows does after GetFileType says
// FILE_TYPE_PIPE, Seek gives (0, syscall.EPIPE), the value x/sys returns. winsim keeps no file
// positions for the rest: a mailslot handle gives ERROR_INVALID_FUNCTION, where Windows'
// SetFilePointer answer is not pinned down (docs/deviations.md), and a handle that is not a
// file's ERROR_INVALID_HANDLE, as SetFilePointer gives.
func (c *Caller) Seek(fd Handle, offset int64, whence int) (newoffset int64, err error) {
	switch ft, err := c.GetFileType(fd); {
	case err != nil:
		return 0, err
	case ft == FILE_TYPE_PIPE:
		return 0, syscall.EPIPE
	}
	return 0, ERROR_INVALID_FUNCTION
}

// CloseOnExec makes fd not inherited by processes CreateProcess starts
// (SetHandleInformation clearing HANDLE_FLAG_INHERIT). As in x/sys/windows, an error is ignored.
func (c *Caller) CloseOnExec(fd Handle) { c.SetHandleInformation(fd, HANDLE_FLAG_INHERIT, 0) }

// Getpid returns the calling process's PID (GetCurrentProcessId).
func (c *Caller) Getpid() (pid int) { return int(c.GetCurrentProcessId()) }

// Getppid returns the PID of the process that created the calling one, as x/sys/windows reads it
// from the process's Toolhelp entry (kernel.Process.ParentPID).
func (c *Caller) Getppid() (ppid int) { return int(c.Process().ParentPID()) }

// Exit ends the calling process with code (ExitProcess). Like ExitProcess here, and unlike on
// Windows, it returns: the caller must return after it.
func (c *Caller) Exit(code int) { c.ExitProcess(uint32(code)) }
