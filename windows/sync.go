package windows

import (
	"github.com/winsim/winsim/kernel"
)

// This file holds events and waits.

// CreateEvent creates or opens the event name (nil or "": unnamed) and returns a handle with
// EVENT_ALL_ACCESS (CreateEventW). manualReset and initialState are BOOLs (0 or not). As on
// Windows, and as x/sys/windows reports it, an existing named event gives a valid handle to it and
// the error ERROR_ALREADY_EXISTS.
func (c *Caller) CreateEvent(eventAttrs *SecurityAttributes, manualReset uint32, initialState uint32, name *uint16) (handle Handle, err error) {
	p, _ := c.proc()
	h, err := p.CreateEvent(eventAttrs.toKernel(), manualReset != 0, initialState != 0, UTF16PtrToString(name))
	return Handle(h), errnoOf(err)
}

// CreateEventEx is CreateEvent taking CREATE_EVENT_MANUAL_RESET and CREATE_EVENT_INITIAL_SET
// flags (CreateEventExW). The handle gets the access desiredAccess asks for. Other flag bits give
// ERROR_INVALID_PARAMETER.
func (c *Caller) CreateEventEx(eventAttrs *SecurityAttributes, name *uint16, flags uint32, desiredAccess uint32) (handle Handle, err error) {
	if flags&^(CREATE_EVENT_MANUAL_RESET|CREATE_EVENT_INITIAL_SET) != 0 {
		return 0, ERROR_INVALID_PARAMETER
	}
	h, err := c.CreateEvent(eventAttrs, flags&CREATE_EVENT_MANUAL_RESET, flags&CREATE_EVENT_INITIAL_SET, name)
	if h == 0 {
		return 0, err
	}
	// Narrow the handle to what was asked for, as CreateEventExW grants desiredAccess only.
	p, _ := c.proc()
	n, derr := p.DuplicateHandle(kernel.CurrentProcess, kernel.Handle(h), kernel.CurrentProcess, kernel.Access(desiredAccess), eventAttrs.toKernel().Inherit(), DUPLICATE_CLOSE_SOURCE)
	if derr != nil {
		return 0, errnoOf(derr)
	}
	return Handle(n), err
}

// OpenEvent opens the existing event name with desiredAccess (OpenEventW). No such name gives
// ERROR_FILE_NOT_FOUND, a nil name ERROR_INVALID_PARAMETER (Wine dlls/kernel32/tests/sync.c
// test_event).
func (c *Caller) OpenEvent(desiredAccess uint32, inheritHandle bool, name *uint16) (handle Handle, err error) {
	if name == nil {
		return 0, ERROR_INVALID_PARAMETER
	}
	p, _ := c.proc()
	h, err := p.OpenEvent(kernel.Access(desiredAccess), inheritHandle, UTF16PtrToString(name))
	if err != nil {
		return 0, errnoOf(err)
	}
	return Handle(h), nil
}

// SetEvent signals the event (SetEvent).
func (c *Caller) SetEvent(event Handle) (err error) {
	p, _ := c.proc()
	return errnoOf(p.SetEvent(kernel.Handle(event)))
}

// ResetEvent makes the event non-signalled (ResetEvent).
func (c *Caller) ResetEvent(event Handle) (err error) {
	p, _ := c.proc()
	return errnoOf(p.ResetEvent(kernel.Handle(event)))
}

// PulseEvent signals the event, releases the waiters waiting now and resets it (PulseEvent).
func (c *Caller) PulseEvent(event Handle) (err error) {
	p, _ := c.proc()
	return errnoOf(p.PulseEvent(kernel.Handle(event)))
}

// WaitForSingleObject waits until the object handle refers to is signalled or waitMilliseconds
// pass (INFINITE: no limit), and returns WAIT_OBJECT_0 or uint32(WAIT_TIMEOUT)
// (WaitForSingleObject). On failure it returns WAIT_FAILED and the error.
func (c *Caller) WaitForSingleObject(handle Handle, waitMilliseconds uint32) (event uint32, err error) {
	p, ctx := c.proc()
	ev, err := p.WaitForSingleObject(ctx, kernel.Handle(handle), waitMilliseconds)
	if err != nil {
		return WAIT_FAILED, errnoOf(err)
	}
	return ev, nil
}

// WaitForMultipleObjects waits for one (waitAll false: returns WAIT_OBJECT_0 + the lowest index
// signalled) or all of the objects handles refer to, or waitMilliseconds (WaitForMultipleObjects).
// No handles, more than MAXIMUM_WAIT_OBJECTS, or one object twice in a wait-all give
// ERROR_INVALID_PARAMETER. On failure it returns WAIT_FAILED and the error.
func (c *Caller) WaitForMultipleObjects(handles []Handle, waitAll bool, waitMilliseconds uint32) (event uint32, err error) {
	if len(handles) > MAXIMUM_WAIT_OBJECTS {
		return WAIT_FAILED, ERROR_INVALID_PARAMETER
	}
	var buf [MAXIMUM_WAIT_OBJECTS]kernel.Handle
	hs := buf[:len(handles)]
	for i, h := range handles {
		hs[i] = kernel.Handle(h)
	}
	p, ctx := c.proc()
	ev, err := p.WaitForMultipleObjects(ctx, hs, waitAll, waitMilliseconds)
	if err != nil {
		return WAIT_FAILED, errnoOf(err)
	}
	return ev, nil
}

// SleepEx waits milliseconds on the machine's clock (SleepEx). With alertable set it returns
// WAIT_IO_COMPLETION as soon as it has run queued completion routines, else 0 when the time has
// passed. It also returns 0 early if the process exits.
func (c *Caller) SleepEx(milliseconds uint32, alertable bool) (ret uint32) {
	p, ctx := c.proc()
	ret, _ = p.SleepEx(ctx, milliseconds, alertable)
	return ret
}
