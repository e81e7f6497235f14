package windows

import (
	"github.com/winsim/winsim/kernel"
	"github.com/winsim/winsim/pipe"
)

// This file holds the named- and anonymous-pipe functions, onto package pipe. Those x/sys/windows
// lacks (PeekNamedPipe, TransactNamedPipe, CallNamedPipe, WaitNamedPipe) have the signatures
// mksyscall would give their Win32 prototypes: buffers as pointer and size, names as *uint16.

// CreateNamedPipe creates an instance of the named pipe name (\\.\pipe\x) and returns its server
// end (CreateNamedPipeW). On failure it returns InvalidHandle and the error.
func (c *Caller) CreateNamedPipe(name *uint16, flags uint32, pipeMode uint32, maxInstances uint32, outSize uint32, inSize uint32, defaultTimeout uint32, sa *SecurityAttributes) (handle Handle, err error) {
	p, _ := c.proc()
	h, err := pipe.CreateNamedPipe(p, UTF16PtrToString(name), flags, pipeMode, maxInstances, outSize, inSize, defaultTimeout, sa.toKernel())
	if err != nil {
		return InvalidHandle, errnoOf(err)
	}
	return Handle(h), nil
}

// ConnectNamedPipe waits for a client to connect to the server end pipe (ConnectNamedPipe).
// A client that connected before the call gives ERROR_PIPE_CONNECTED. With an overlapped on an
// end created with FILE_FLAG_OVERLAPPED, a wait returns ERROR_IO_PENDING and completes through it.
func (c *Caller) ConnectNamedPipe(pipeHandle Handle, overlapped *Overlapped) (err error) {
	p, ctx := c.proc()
	if overlapped == nil {
		return errnoOf(pipe.ConnectNamedPipe(ctx, p, kernel.Handle(pipeHandle)))
	}
	return errnoOf(pipe.ConnectNamedPipeOverlapped(ctx, p, kernel.Handle(pipeHandle), overlapped.toKernel()))
}

// DisconnectNamedPipe cuts the server end pipe from its client (DisconnectNamedPipe).
func (c *Caller) DisconnectNamedPipe(pipeHandle Handle) (err error) {
	p, _ := c.proc()
	return errnoOf(pipe.DisconnectNamedPipe(p, kernel.Handle(pipeHandle)))
}

// GetNamedPipeClientProcessId stores the PID of the client connected to pipe
// (GetNamedPipeClientProcessId).
func (c *Caller) GetNamedPipeClientProcessId(pipeHandle Handle, clientProcessID *uint32) (err error) {
	p, _ := c.proc()
	pid, err := pipe.GetNamedPipeClientProcessId(p, kernel.Handle(pipeHandle))
	if err != nil {
		return errnoOf(err)
	}
	store(clientProcessID, pid)
	return nil
}

// GetNamedPipeServerProcessId stores the PID of the process that created the server end of pipe
// (GetNamedPipeServerProcessId).
func (c *Caller) GetNamedPipeServerProcessId(pipeHandle Handle, serverProcessID *uint32) (err error) {
	p, _ := c.proc()
	pid, err := pipe.GetNamedPipeServerProcessId(p, kernel.Handle(pipeHandle))
	if err != nil {
		return errnoOf(err)
	}
	store(serverProcessID, pid)
	return nil
}

// GetNamedPipeInfo stores the type, buffer sizes and instance limit of the pipe whose end is pipe
// (GetNamedPipeInfo). Each out-parameter may be nil.
func (c *Caller) GetNamedPipeInfo(pipeHandle Handle, flags *uint32, outSize *uint32, inSize *uint32, maxInstances *uint32) (err error) {
	p, _ := c.proc()
	f, o, i, m, err := pipe.GetNamedPipeInfo(p, kernel.Handle(pipeHandle))
	if err != nil {
		return errnoOf(err)
	}
	store(flags, f)
	store(outSize, o)
	store(inSize, i)
	store(maxInstances, m)
	return nil
}

// GetNamedPipeHandleState stores the end's read and wait modes, the pipe's current instances,
// a remote client's collection settings and, on a server end, the client's user name
// (GetNamedPipeHandleStateW). Each out-parameter may be nil. userName is a buffer of
// maxUserNameSize UTF-16 code units; one too small for the name and its NUL gives
// ERROR_INSUFFICIENT_BUFFER, as GetUserNameW, which kernel32 calls for it, reports.
func (c *Caller) GetNamedPipeHandleState(pipeHandle Handle, state *uint32, curInstances *uint32, maxCollectionCount *uint32, collectDataTimeout *uint32, userName *uint16, maxUserNameSize uint32) (err error) {
	p, _ := c.proc()
	var name string
	var namep *string
	if userName != nil {
		namep = &name
	}
	if err := pipe.GetNamedPipeHandleState(p, kernel.Handle(pipeHandle), state, curInstances, maxCollectionCount, collectDataTimeout, namep); err != nil {
		return errnoOf(err)
	}
	if userName != nil {
		return putUTF16(userName, maxUserNameSize, name)
	}
	return nil
}

// SetNamedPipeHandleState sets the end's read and wait modes (PIPE_READMODE_*, PIPE_WAIT,
// PIPE_NOWAIT) and a remote client's collection settings (SetNamedPipeHandleState). Each
// parameter may be nil to leave that setting.
func (c *Caller) SetNamedPipeHandleState(pipeHandle Handle, state *uint32, maxCollectionCount *uint32, collectDataTimeout *uint32) (err error) {
	p, _ := c.proc()
	return errnoOf(pipe.SetNamedPipeHandleState(p, kernel.Handle(pipeHandle), state, maxCollectionCount, collectDataTimeout))
}

// CreatePipe creates an anonymous pipe and stores handles to its read and write ends
// (CreatePipe). size 0 means the default buffer size.
func (c *Caller) CreatePipe(readhandle *Handle, writehandle *Handle, sa *SecurityAttributes, size uint32) (err error) {
	p, _ := c.proc()
	r, w, err := pipe.CreatePipe(p, sa.toKernel(), size)
	if err != nil {
		return errnoOf(err)
	}
	store(readhandle, Handle(r))
	store(writehandle, Handle(w))
	return nil
}

// PeekNamedPipe copies up to bufSize bytes of what is waiting on the pipe end into buf without
// removing it, and stores the bytes copied, the bytes available and the bytes left of the head
// message (PeekNamedPipe). buf may be nil with bufSize 0 to get the counts only; each
// out-parameter may be nil. x/sys/windows does not have it; winsim adds it.
func (c *Caller) PeekNamedPipe(pipeHandle Handle, buf *byte, bufSize uint32, bytesRead *uint32, totalBytesAvail *uint32, bytesLeftThisMessage *uint32) (err error) {
	p, _ := c.proc()
	b, err := bytesAt(buf, bufSize)
	if err != nil {
		return err
	}
	read, avail, left, err := pipe.PeekNamedPipe(p, kernel.Handle(pipeHandle), b)
	if err != nil {
		return errnoOf(err)
	}
	store(bytesRead, read)
	store(totalBytesAvail, avail)
	store(bytesLeftThisMessage, left)
	return nil
}

// TransactNamedPipe writes inBuf as one message to the other end of the message-mode pipe end
// and reads one message back into outBuf, storing its length in bytesRead (TransactNamedPipe).
// A reply longer than outBuf gives ERROR_MORE_DATA with outBufSize bytes read. With an overlapped
// on an end opened with FILE_FLAG_OVERLAPPED, waiting for the reply returns ERROR_IO_PENDING.
// x/sys/windows does not have it; winsim adds it.
func (c *Caller) TransactNamedPipe(pipeHandle Handle, inBuf *byte, inBufSize uint32, outBuf *byte, outBufSize uint32, bytesRead *uint32, overlapped *Overlapped) (err error) {
	p, ctx := c.proc()
	in, err := bytesAt(inBuf, inBufSize)
	if err != nil {
		return err
	}
	out, err := bytesAt(outBuf, outBufSize)
	if err != nil {
		return err
	}
	var n int
	if overlapped == nil {
		n, err = pipe.TransactNamedPipe(ctx, p, kernel.Handle(pipeHandle), in, out)
	} else {
		n, err = pipe.TransactNamedPipeOverlapped(ctx, p, kernel.Handle(pipeHandle), in, out, overlapped.toKernel())
	}
	store(bytesRead, uint32(n))
	return errnoOf(err)
}

// CallNamedPipe connects to the message-type pipe name, sends inBuf as one message, reads one
// reply into outBuf, storing its length in bytesRead, and closes the pipe (CallNamedPipeW).
// If no instance is free it waits for one up to timeout milliseconds (NMPWAIT_NOWAIT,
// NMPWAIT_WAIT_FOREVER, NMPWAIT_USE_DEFAULT_WAIT). x/sys/windows does not have it; winsim adds it.
func (c *Caller) CallNamedPipe(name *uint16, inBuf *byte, inBufSize uint32, outBuf *byte, outBufSize uint32, bytesRead *uint32, timeout uint32) (err error) {
	p, ctx := c.proc()
	in, err := bytesAt(inBuf, inBufSize)
	if err != nil {
		return err
	}
	out, err := bytesAt(outBuf, outBufSize)
	if err != nil {
		return err
	}
	n, err := pipe.CallNamedPipe(ctx, p, UTF16PtrToString(name), in, out, timeout)
	store(bytesRead, uint32(n))
	return errnoOf(err)
}

// WaitNamedPipe waits until an instance of the pipe name is listening, up to timeout
// milliseconds (NMPWAIT_USE_DEFAULT_WAIT: the pipe's default; NMPWAIT_WAIT_FOREVER)
// (WaitNamedPipeW). It fails with ERROR_SEM_TIMEOUT when the time runs out and
// ERROR_FILE_NOT_FOUND when no pipe has the name. x/sys/windows does not have it; winsim adds it.
func (c *Caller) WaitNamedPipe(name *uint16, timeout uint32) (err error) {
	p, ctx := c.proc()
	return errnoOf(pipe.WaitNamedPipe(ctx, p, UTF16PtrToString(name), timeout))
}
