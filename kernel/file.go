package kernel

import "context"

// This file dispatches the file calls to the capabilities of the object's body, in one
// place: the handle is checked (valid, type, access) by Reference, then the body's
// capability is looked up once. A body that lacks it gets ERROR_INVALID_FUNCTION
// (NT's STATUS_INVALID_DEVICE_REQUEST).

// ReadFile reads from the file object h refers to (ReadFile without OVERLAPPED). It
// needs FILE_READ_DATA. It may block, honouring ctx and the object's own timeouts; a
// cancelled ctx gives an error matching ERROR_OPERATION_ABORTED. n counts the bytes
// read even when err is ERROR_MORE_DATA.
func (p *Process) ReadFile(ctx context.Context, h Handle, buf []byte) (n int, err error) {
	o, granted, err := p.Reference(h, FILE_READ_DATA, FileType)
	if err != nil {
		return 0, err
	}
	defer o.DecRef()
	r, ok := o.body.(Reader)
	if !ok {
		return 0, ERROR_INVALID_FUNCTION
	}
	return r.Read(Call{Ctx: ctx, Process: p, Object: o, Handle: h, Granted: granted}, buf)
}

// WriteFile writes to the file object h refers to (WriteFile without OVERLAPPED). It
// needs FILE_WRITE_DATA or FILE_APPEND_DATA.
func (p *Process) WriteFile(ctx context.Context, h Handle, buf []byte) (n int, err error) {
	o, granted, err := p.Reference(h, FILE_WRITE_DATA, FileType)
	if err == ERROR_ACCESS_DENIED {
		o, granted, err = p.Reference(h, FILE_APPEND_DATA, FileType)
	}
	if err != nil {
		return 0, err
	}
	defer o.DecRef()
	w, ok := o.body.(Writer)
	if !ok {
		return 0, ERROR_INVALID_FUNCTION
	}
	return w.Write(Call{Ctx: ctx, Process: p, Object: o, Handle: h, Granted: granted}, buf)
}

// FlushFileBuffers waits until what was written through h has been consumed, where the
// object supports it (FlushFileBuffers; needs FILE_WRITE_DATA or FILE_APPEND_DATA).
func (p *Process) FlushFileBuffers(ctx context.Context, h Handle) error {
	o, granted, err := p.Reference(h, FILE_WRITE_DATA, FileType)
	if err == ERROR_ACCESS_DENIED {
		o, granted, err = p.Reference(h, FILE_APPEND_DATA, FileType)
	}
	if err != nil {
		return err
	}
	defer o.DecRef()
	f, ok := o.body.(Flusher)
	if !ok {
		return ERROR_INVALID_FUNCTION
	}
	return f.Flush(Call{Ctx: ctx, Process: p, Object: o, Handle: h, Granted: granted})
}

// CallFor builds the Call for a device-specific operation on h (ConnectNamedPipe,
// GetMailslotInfo, …): it references h as a FileType object granting want (checked after
// the handle's validity and type, see Reference), and returns the Call with the
// reference the caller must drop with c.Object.DecRef().
func (p *Process) CallFor(ctx context.Context, h Handle, want Access) (Call, error) {
	o, granted, err := p.Reference(h, want, FileType)
	if err != nil {
		return Call{}, err
	}
	return Call{Ctx: ctx, Process: p, Object: o, Handle: h, Granted: granted}, nil
}
