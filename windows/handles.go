package windows

import "github.com/winsim/winsim/kernel"

// CloseHandle closes handle (CloseHandle). An invalid or closed handle, or one protected with
// HANDLE_FLAG_PROTECT_FROM_CLOSE, gives ERROR_INVALID_HANDLE.
func (c *Caller) CloseHandle(handle Handle) (err error) {
	p, _ := c.proc()
	return errnoOf(p.CloseHandle(kernel.Handle(handle)))
}

// DuplicateHandle copies hSourceHandle, a handle of the process hSourceProcessHandle refers to,
// into the process hTargetProcessHandle refers to, and stores the new value in lpTargetHandle
// (DuplicateHandle). dwOptions: DUPLICATE_SAME_ACCESS (dwDesiredAccess is ignored),
// DUPLICATE_CLOSE_SOURCE. As on Windows a nil lpTargetHandle still makes the duplicate, whose value
// is then lost (MS docs DuplicateHandle, "for backward compatibility").
func (c *Caller) DuplicateHandle(hSourceProcessHandle Handle, hSourceHandle Handle, hTargetProcessHandle Handle, lpTargetHandle *Handle, dwDesiredAccess uint32, bInheritHandle bool, dwOptions uint32) (err error) {
	p, _ := c.proc()
	h, err := p.DuplicateHandle(kernel.Handle(hSourceProcessHandle), kernel.Handle(hSourceHandle), kernel.Handle(hTargetProcessHandle), kernel.Access(dwDesiredAccess), bInheritHandle, dwOptions)
	if err != nil {
		return errnoOf(err)
	}
	store(lpTargetHandle, Handle(h))
	return nil
}

// GetHandleInformation stores handle's HANDLE_FLAG_* bits in flags (GetHandleInformation).
// x/sys/windows does not have it; winsim adds it.
func (c *Caller) GetHandleInformation(handle Handle, flags *uint32) (err error) {
	p, _ := c.proc()
	f, err := p.GetHandleInformation(kernel.Handle(handle))
	if err != nil {
		return errnoOf(err)
	}
	store(flags, f)
	return nil
}

// SetHandleInformation sets the HANDLE_FLAG_INHERIT and HANDLE_FLAG_PROTECT_FROM_CLOSE bits of
// handle that mask selects to those of flags (SetHandleInformation).
func (c *Caller) SetHandleInformation(handle Handle, mask uint32, flags uint32) (err error) {
	p, _ := c.proc()
	return errnoOf(p.SetHandleInformation(kernel.Handle(handle), mask, flags))
}
