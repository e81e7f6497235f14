package windows

import "github.com/winsim/winsim/kernel"

// This file holds CreateFile, reads, writes and overlapped results. winsim's files are pipe ends
// and mailslots; there are no disk files.

// CreateFile opens a pipe (\\.\pipe\x, \\HOST\pipe\x) or mailslot (\\.\mailslot\x,
// \\*\mailslot\x, \\DOMAIN\mailslot\x) by name (CreateFileW). attrs carries FILE_FLAG_OVERLAPPED
// and, for a pipe client, the SECURITY_SQOS_PRESENT flags. templatefile is ignored, as Windows
// ignores it when opening an existing file. On failure it returns InvalidHandle and the error:
// ERROR_FILE_NOT_FOUND for no such pipe or mailslot, ERROR_PIPE_BUSY when every instance is in use,
// ERROR_PATH_NOT_FOUND for a nil or empty name, ERROR_BAD_NETPATH for an unknown host.
func (c *Caller) CreateFile(name *uint16, access uint32, mode uint32, sa *SecurityAttributes, createmode uint32, attrs uint32, templatefile Handle) (handle Handle, err error) {
	p, _ := c.proc()
	h, err := p.CreateFile(UTF16PtrToString(name), kernel.Access(access), mode, sa.toKernel(), createmode, attrs)
	if err != nil {
		return InvalidHandle, errnoOf(err)
	}
	return Handle(h), nil
}

// ReadFile reads into p from the file fd and stores the count in done (ReadFile). Without
// overlapped it blocks until the read completes. With overlapped, on a handle opened with
// FILE_FLAG_OVERLAPPED, a read that cannot finish at once returns ERROR_IO_PENDING and completes
// through overlapped (GetOverlappedResult, its event, a completion port). A message longer than p
// gives ERROR_MORE_DATA with len(p) bytes read. done may be nil.
func (c *Caller) ReadFile(fd Handle, p []byte, done *uint32, overlapped *Overlapped) error {
	proc, ctx := c.proc()
	var n int
	var err error
	if overlapped == nil {
		n, err = proc.ReadFile(ctx, kernel.Handle(fd), p)
	} else {
		n, err = proc.ReadFileOverlapped(ctx, kernel.Handle(fd), p, overlapped.toKernel())
	}
	store(done, uint32(n))
	return errnoOf(err)
}

// WriteFile writes p to the file fd and stores the count in done (WriteFile), as ReadFile.
func (c *Caller) WriteFile(fd Handle, p []byte, done *uint32, overlapped *Overlapped) error {
	proc, ctx := c.proc()
	var n int
	var err error
	if overlapped == nil {
		n, err = proc.WriteFile(ctx, kernel.Handle(fd), p)
	} else {
		n, err = proc.WriteFileOverlapped(ctx, kernel.Handle(fd), p, overlapped.toKernel())
	}
	store(done, uint32(n))
	return errnoOf(err)
}

// FlushFileBuffers waits until what was written through handle has been read (FlushFileBuffers).
func (c *Caller) FlushFileBuffers(handle Handle) (err error) {
	p, ctx := c.proc()
	return errnoOf(p.FlushFileBuffers(ctx, kernel.Handle(handle)))
}

// GetOverlappedResult stores the byte count of the overlapped operation started on handle with
// overlapped and returns its error (GetOverlappedResult). While it is pending: with wait false,
// ERROR_IO_INCOMPLETE; with wait true it waits for it.
func (c *Caller) GetOverlappedResult(handle Handle, overlapped *Overlapped, done *uint32, wait bool) (err error) {
	if overlapped == nil {
		return ERROR_INVALID_PARAMETER
	}
	p, ctx := c.proc()
	n, err := p.GetOverlappedResult(ctx, kernel.Handle(handle), overlapped.toKernel(), wait)
	store(done, uint32(n))
	return errnoOf(err)
}

// CancelIo cancels the calling process's pending I/O on handle; each operation completes with
// ERROR_OPERATION_ABORTED (CancelIo).
func (c *Caller) CancelIo(s Handle) (err error) {
	p, _ := c.proc()
	return errnoOf(p.CancelIo(kernel.Handle(s)))
}

// CancelIoEx cancels the operation started on s with o, or with o nil every pending operation of
// the calling process on s (CancelIoEx). Nothing to cancel gives ERROR_NOT_FOUND.
func (c *Caller) CancelIoEx(s Handle, o *Overlapped) (err error) {
	p, _ := c.proc()
	var ko *kernel.Overlapped
	if o != nil {
		ko = o.toKernel()
	}
	return errnoOf(p.CancelIoEx(kernel.Handle(s), ko))
}

// SetFileCompletionNotificationModes sets FILE_SKIP_COMPLETION_PORT_ON_SUCCESS and
// FILE_SKIP_SET_EVENT_ON_HANDLE on the file handle refers to
// (SetFileCompletionNotificationModes).
func (c *Caller) SetFileCompletionNotificationModes(handle Handle, flags uint8) (err error) {
	p, _ := c.proc()
	return errnoOf(p.SetFileCompletionNotificationModes(kernel.Handle(handle), flags))
}

// GetFileType returns the type of the file handle refers to (GetFileType): FILE_TYPE_PIPE for an
// end of a named or anonymous pipe (MS docs GetFileType: "a socket, a named pipe, or an anonymous
// pipe"), and FILE_TYPE_DISK for a mailslot handle, as Wine's GetFileType answers for every file
// system that is neither a pipe nor a character device (no conformance test or Microsoft page
// pins a mailslot's; docs/deviations.md). STD_INPUT_HANDLE, STD_OUTPUT_HANDLE and
// STD_ERROR_HANDLE stand for the handles GetStdHandle returns (Wine dlls/kernel32/tests/file.c
// test_GetFileType). A handle that is not a file's gives FILE_TYPE_UNKNOWN and
// ERROR_INVALID_HANDLE. As x/sys returns it, err is set only with FILE_TYPE_UNKNOWN.
func (c *Caller) GetFileType(filehandle Handle) (n uint32, err error) {
	switch filehandle {
	case STD_INPUT_HANDLE, STD_OUTPUT_HANDLE, STD_ERROR_HANDLE:
		filehandle, _ = c.GetStdHandle(uint32(filehandle))
	}
	p, _ := c.proc()
	dev, err := p.QueryDeviceType(kernel.Handle(filehandle))
	if err != nil {
		return FILE_TYPE_UNKNOWN, errnoOf(err)
	}
	if dev == kernel.FILE_DEVICE_NAMED_PIPE {
		return FILE_TYPE_PIPE, nil
	}
	return FILE_TYPE_DISK, nil
}
