package kernel

import "context"

// This file dispatches the file calls to the capabilities of the object's body, in one
// place: the handle is checked (valid, type, access) by Reference, then the body's
// capability is looked up once. A body that lacks it gets ERROR_INVALID_FUNCTION
// (NT's STATUS_INVALID_DEVICE_REQUEST). Every call returns through Call.Finish, which
// waits for a request the body pended, or leaves an overlapped one pending.

// ReadFile reads from the file object h refers to (ReadFile without OVERLAPPED). It
// needs FILE_READ_DATA. It may block, honouring ctx and the object's own timeouts; a
// cancelled ctx gives an error matching ERROR_OPERATION_ABORTED. n counts the bytes
// read even when err is ERROR_MORE_DATA.
func (p *Process) ReadFile(ctx context.Context, h Handle, buf []byte) (n int, err error) {
	return p.ReadFileOverlapped(ctx, h, buf, nil)
}

// ReadFileOverlapped is ReadFile with an OVERLAPPED. On a handle opened with
// FILE_FLAG_OVERLAPPED a read that cannot finish at once returns ERROR_IO_PENDING
// with n = 0 and completes later: its status and count go into ov, its event (or, with
// none, the file object) is signalled, and a packet goes to the file's completion port
// (see GetOverlappedResult, GetQueuedCompletionStatus). One that finishes at once
// returns its result and reports it the same way. On other handles the read runs
// synchronously and then reports through ov (Wine dlls/kernel32/tests/pipe.c
// test_overlapped: a NULL OVERLAPPED on an overlapped handle still blocks).
func (p *Process) ReadFileOverlapped(ctx context.Context, h Handle, buf []byte, ov *Overlapped) (n int, err error) {
	o, granted, err := p.Reference(h, FILE_READ_DATA, FileType)
	if err != nil {
		return 0, err
	}
	c := Call{Ctx: ctx, Process: p, Object: o, Handle: h, Granted: granted}
	r, ok := o.body.(Reader)
	if !ok {
		return c.Finish(0, ERROR_INVALID_FUNCTION)
	}
	if err := p.withOverlapped(&c, ov); err != nil {
		return c.Finish(0, err)
	}
	return c.Finish(r.Read(c, buf))
}

// WriteFile writes to the file object h refers to (WriteFile without OVERLAPPED). It
// needs FILE_WRITE_DATA or FILE_APPEND_DATA.
func (p *Process) WriteFile(ctx context.Context, h Handle, buf []byte) (n int, err error) {
	return p.WriteFileOverlapped(ctx, h, buf, nil)
}

// WriteFileOverlapped is WriteFile with an OVERLAPPED, as ReadFileOverlapped.
func (p *Process) WriteFileOverlapped(ctx context.Context, h Handle, buf []byte, ov *Overlapped) (n int, err error) {
	o, granted, err := p.referenceForWrite(h)
	if err != nil {
		return 0, err
	}
	c := Call{Ctx: ctx, Process: p, Object: o, Handle: h, Granted: granted}
	w, ok := o.body.(Writer)
	if !ok {
		return c.Finish(0, ERROR_INVALID_FUNCTION)
	}
	if err := p.withOverlapped(&c, ov); err != nil {
		return c.Finish(0, err)
	}
	return c.Finish(w.Write(c, buf))
}

func (p *Process) referenceForWrite(h Handle) (*Object, Access, error) {
	o, granted, err := p.Reference(h, FILE_WRITE_DATA, FileType)
	if err == ERROR_ACCESS_DENIED {
		o, granted, err = p.Reference(h, FILE_APPEND_DATA, FileType)
	}
	return o, granted, err
}

// FlushFileBuffers waits until what was written through h has been consumed, where the
// object supports it (FlushFileBuffers; needs FILE_WRITE_DATA or FILE_APPEND_DATA).
func (p *Process) FlushFileBuffers(ctx context.Context, h Handle) error {
	o, granted, err := p.referenceForWrite(h)
	if err != nil {
		return err
	}
	c := Call{Ctx: ctx, Process: p, Object: o, Handle: h, Granted: granted}
	f, ok := o.body.(Flusher)
	if !ok {
		_, err = c.Finish(0, ERROR_INVALID_FUNCTION)
		return err
	}
	_, err = c.Finish(0, f.Flush(c))
	return err
}

// QueryDeviceType returns the type of the device the file h refers to belongs to
// (NtQueryVolumeInformationFile with FileFsDeviceInformation, which kernel32's GetFileType
// calls). It needs no access right on the handle, as GetFileType asks for none. A handle whose object is not a file gives
// ERROR_INVALID_HANDLE (STATUS_OBJECT_TYPE_MISMATCH), a file whose body does not say
// ERROR_INVALID_FUNCTION.
func (p *Process) QueryDeviceType(h Handle) (DeviceType, error) {
	o, _, err := p.Reference(h, 0, FileType)
	if err != nil {
		return 0, err
	}
	defer o.DecRef()
	d, ok := o.body.(DeviceTyper)
	if !ok {
		return 0, ERROR_INVALID_FUNCTION
	}
	return d.DeviceType(), nil
}

// CallFor builds the Call for a device-specific operation on h (ConnectNamedPipe,
// GetMailslotInfo, …): it references h as a FileType object granting want (checked after
// the handle's validity and type, see Reference), and returns the Call holding that
// reference. The caller ends the operation with c.Finish (or, for one that never pends,
// drops the reference with c.Object.DecRef()).
func (p *Process) CallFor(ctx context.Context, h Handle, want Access) (Call, error) {
	return p.CallForOverlapped(ctx, h, want, nil)
}

// CallForOverlapped is CallFor for an operation given an OVERLAPPED (ConnectNamedPipe,
// TransactNamedPipe): the event is checked and reset and ov marked pending, as for
// ReadFileOverlapped.
func (p *Process) CallForOverlapped(ctx context.Context, h Handle, want Access, ov *Overlapped) (Call, error) {
	o, granted, err := p.Reference(h, want, FileType)
	if err != nil {
		return Call{}, err
	}
	c := Call{Ctx: ctx, Process: p, Object: o, Handle: h, Granted: granted}
	if err := p.withOverlapped(&c, ov); err != nil {
		o.DecRef()
		return Call{}, err
	}
	return c, nil
}
