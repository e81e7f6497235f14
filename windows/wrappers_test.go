package windows_test

import (
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/winsim/winsim/windows"
)

// TestPipeReadWriteClose checks x/sys/windows' Pipe, Read, Write and Close (syscall_windows.go)
// on the default process, as code written against x/sys calls them: Pipe gives an anonymous
// pipe whose two handles are inheritable (x/sys passes an inheritable SECURITY_ATTRIBUTES) and
// refuses a slice not of length 2 with syscall.EINVAL; Read and Write return the counts; once
// the write end is closed, Read's ERROR_BROKEN_PIPE (windows-facts.md AP-4) becomes end of file,
// (0, nil), as x/sys turns it; Close closes, and a second Close is ERROR_INVALID_HANDLE.
func TestPipeReadWriteClose(t *testing.T) {
	useDefault(t)
	for _, n := range []int{0, 1, 3} {
		assert.Equal(t, syscall.EINVAL, windows.Pipe(make([]windows.Handle, n)), "len %d", n)
	}
	p := make([]windows.Handle, 2)
	require.NoError(t, windows.Pipe(p))
	r, w := p[0], p[1]
	for _, h := range p {
		var flags uint32
		require.NoError(t, windows.GetHandleInformation(h, &flags))
		assert.Equal(t, uint32(windows.HANDLE_FLAG_INHERIT), flags&windows.HANDLE_FLAG_INHERIT)
	}

	n, err := windows.Write(w, []byte("hello"))
	require.NoError(t, err)
	assert.Equal(t, 5, n)
	buf := make([]byte, 16)
	n, err = windows.Read(r, buf)
	require.NoError(t, err)
	assert.Equal(t, "hello", string(buf[:n]))

	n, err = windows.Write(w, []byte("last"))
	require.NoError(t, err)
	require.Equal(t, 4, n)
	require.NoError(t, windows.Close(w))
	n, err = windows.Read(r, buf)
	require.NoError(t, err, "data written before the close is still read")
	assert.Equal(t, "last", string(buf[:n]))
	n, err = windows.Read(r, buf)
	assert.NoError(t, err, "ERROR_BROKEN_PIPE is end of file")
	assert.Zero(t, n)
	require.NoError(t, windows.Close(r))
	assert.Equal(t, windows.ERROR_INVALID_HANDLE, windows.Close(r))
}

// TestReadWriteErrorsHaveNoCount checks that Read and Write, as x/sys/windows writes them, return
// a count of 0 with every error but Read's ERROR_BROKEN_PIPE: ERROR_MORE_DATA for a message longer
// than the buffer (whose first bytes the read did take: MS docs ReadFile, "If a named pipe is
// being read in message mode and the next message is longer than the nNumberOfBytesToRead
// parameter specifies, ReadFile returns FALSE and GetLastError returns ERROR_MORE_DATA"), a write
// to a pipe whose reader has gone (ERROR_NO_DATA, windows-facts.md AP-8, NP-90), a write to a
// mailslot's server handle (ERROR_ACCESS_DENIED, Wine dlls/kernel32/tests/mailslot.c) and an
// invalid handle.
func TestReadWriteErrorsHaveNoCount(t *testing.T) {
	c := windows.On(newProc(t, newMachine(t), "app.exe"))
	name := u16(t, uniquePipe())
	srv, err := c.CreateNamedPipe(name, windows.PIPE_ACCESS_DUPLEX, windows.PIPE_TYPE_MESSAGE|windows.PIPE_READMODE_MESSAGE, 1, 512, 512, 0, nil)
	require.NoError(t, err)
	defer c.CloseHandle(srv)
	cli, err := c.CreateFile(name, windows.GENERIC_READ|windows.GENERIC_WRITE, 0, nil, windows.OPEN_EXISTING, 0, 0)
	require.NoError(t, err)
	n, err := c.Write(cli, []byte("a long message"))
	require.NoError(t, err)
	require.Equal(t, 14, n)
	buf := make([]byte, 4)
	n, err = c.Read(srv, buf)
	assert.Equal(t, windows.ERROR_MORE_DATA, err)
	assert.Zero(t, n, "x/sys drops the count with the error")
	assert.Equal(t, "a lo", string(buf), "the bytes were read all the same")
	rest := make([]byte, 16)
	n, err = c.Read(srv, rest)
	require.NoError(t, err)
	assert.Equal(t, "ng message", string(rest[:n]))

	var r, w windows.Handle
	require.NoError(t, c.CreatePipe(&r, &w, nil, 0))
	require.NoError(t, c.CloseHandle(r))
	n, err = c.Write(w, []byte("x"))
	assert.Equal(t, windows.ERROR_NO_DATA, err)
	assert.Zero(t, n)
	require.NoError(t, c.CloseHandle(w))

	slot, err := c.CreateMailslot(u16(t, uniqueMailslot()), 0, 0, nil)
	require.NoError(t, err)
	defer c.CloseHandle(slot)
	n, err = c.Write(slot, []byte("x"))
	assert.Equal(t, windows.ERROR_ACCESS_DENIED, err)
	assert.Zero(t, n)

	require.NoError(t, c.CloseHandle(cli))
	for _, f := range []func() (int, error){
		func() (int, error) { return c.Read(cli, buf) },
		func() (int, error) { return c.Write(cli, buf) },
	} {
		n, err := f()
		assert.Equal(t, windows.ERROR_INVALID_HANDLE, err)
		assert.Zero(t, n)
	}
}

// TestSeekFsyncCloseOnExec checks the other handle wrappers. Seek on a pipe is syscall.EPIPE, as
// x/sys returns after GetFileType says FILE_TYPE_PIPE (MS docs SetFilePointer: it cannot be used
// "with a handle to a nonseeking device such as a pipe"); on a mailslot handle winsim gives
// ERROR_INVALID_FUNCTION (docs/deviations.md); on an event ERROR_INVALID_HANDLE. Fsync is
// FlushFileBuffers: it returns once the reader has taken what was written, and fails on an event
// with ERROR_INVALID_HANDLE. CloseOnExec clears HANDLE_FLAG_INHERIT (x/sys exec_windows.go).
func TestSeekFsyncCloseOnExec(t *testing.T) {
	c := windows.On(newProc(t, newMachine(t), "app.exe"))
	p := make([]windows.Handle, 2)
	require.NoError(t, c.Pipe(p))
	defer c.CloseHandle(p[0])
	defer c.CloseHandle(p[1])
	slot, err := c.CreateMailslot(u16(t, uniqueMailslot()), 0, 0, nil)
	require.NoError(t, err)
	defer c.CloseHandle(slot)
	ev := newEvent(t, c)
	defer c.CloseHandle(ev)

	for _, tc := range []struct {
		name string
		h    windows.Handle
		want error
	}{
		{"pipe read end", p[0], syscall.EPIPE},
		{"pipe write end", p[1], syscall.EPIPE},
		{"mailslot", slot, windows.ERROR_INVALID_FUNCTION},
		{"event", ev, windows.ERROR_INVALID_HANDLE},
	} {
		off, err := c.Seek(tc.h, 10, 0)
		assert.Equal(t, tc.want, err, tc.name)
		assert.Zero(t, off, tc.name)
	}

	_, err = c.Write(p[1], []byte("flush me"))
	require.NoError(t, err)
	flushed := make(chan error, 1)
	go func() { flushed <- c.Fsync(p[1]) }()
	buf := make([]byte, 16)
	n, err := c.Read(p[0], buf)
	require.NoError(t, err)
	assert.Equal(t, "flush me", string(buf[:n]))
	assert.NoError(t, <-flushed)
	assert.Equal(t, windows.ERROR_INVALID_HANDLE, c.Fsync(ev))

	c.CloseOnExec(p[0])
	var flags uint32
	require.NoError(t, c.GetHandleInformation(p[0], &flags))
	assert.Zero(t, flags&windows.HANDLE_FLAG_INHERIT)
	c.CloseOnExec(ev) // not inheritable already: nothing to do, and nothing to report
	c.CloseOnExec(windows.Handle(0x7ff0))
}

// TestGetpidGetppidExit checks the process wrappers: Getpid is GetCurrentProcessId; Getppid is
// the PID of the creating process, which x/sys reads from the Toolhelp entry's
// th32ParentProcessID (MS docs PROCESSENTRY32: "The identifier of the process that created this
// process"); Exit(code) ends the process with that
// exit code, as ExitProcess(uint32(code)).
func TestGetpidGetppidExit(t *testing.T) {
	parent := useDefault(t)
	assert.Equal(t, int(parent.PID()), windows.Getpid())
	assert.Equal(t, int(parent.ParentPID()), windows.Getppid())

	type ids struct{ pid, ppid int }
	seen := make(chan ids, 1)
	defer windows.RegisterProgram("child.exe", func(child *windows.Caller, _ string) uint32 {
		seen <- ids{child.Getpid(), child.Getppid()}
		child.Exit(42)
		return 0
	})()
	var pi windows.ProcessInformation
	require.NoError(t, windows.CreateProcess(nil, u16(t, "child.exe"), nil, nil, false, 0, nil, nil, nil, &pi))
	defer windows.CloseHandle(pi.Process)
	defer windows.CloseHandle(pi.Thread)
	got := <-seen
	assert.Equal(t, ids{int(pi.ProcessId), int(parent.PID())}, got)
	_, err := windows.WaitForSingleObject(pi.Process, windows.INFINITE)
	require.NoError(t, err)
	var code uint32
	require.NoError(t, windows.GetExitCodeProcess(pi.Process, &code))
	assert.Equal(t, uint32(42), code)
}
