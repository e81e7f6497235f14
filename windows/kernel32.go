package windows

import (
	"sort"
	"unsafe"
)

// This file holds kernel32.dll's procedures for LazyProc.Call: each reads its Win32 arguments from
// the uintptr slice and runs the function of this package of the same name (the W form for
// names), returning what the Win32 function returns in r1 (a BOOL, a handle, a count) and the
// last-error code.

// procFunc is one procedure's implementation.
type procFunc func(c *Caller, a args) (r1, r2 uintptr, lastErr error)

// args are a procedure's arguments as Call received them. Reading past the end gives 0, as a
// missing argument in a register would be garbage on Windows; winsim makes it NULL.
type args []uintptr

func (a args) u(i int) uintptr {
	if i < len(a) {
		return a[i]
	}
	return 0
}

func (a args) u32(i int) uint32 { return uint32(a.u(i)) }
func (a args) h(i int) Handle   { return Handle(a.u(i)) }
func (a args) b(i int) bool     { return a.u32(i) != 0 } // a Win32 BOOL

// ptr reads argument i as the pointer the caller converted to uintptr. It reinterprets the slot's
// memory instead of converting the integer, which go vet and -race's checkptr accept; Call's
// //go:uintptrescapes keeps the object alive until the call returns.
func (a args) ptr(i int) unsafe.Pointer {
	if i < len(a) {
		return *(*unsafe.Pointer)(unsafe.Pointer(&a[i]))
	}
	return nil
}

func (a args) u32p(i int) *uint32           { return (*uint32)(a.ptr(i)) }
func (a args) u16p(i int) *uint16           { return (*uint16)(a.ptr(i)) }
func (a args) bytep(i int) *byte            { return (*byte)(a.ptr(i)) }
func (a args) ov(i int) *Overlapped         { return (*Overlapped)(a.ptr(i)) }
func (a args) sa(i int) *SecurityAttributes { return (*SecurityAttributes)(a.ptr(i)) }
func (a args) hp(i int) *Handle             { return (*Handle)(a.ptr(i)) }

// bytes reads arguments i and i+1 as a buffer pointer and its size.
func (a args) bytes(i int) ([]byte, error) { return bytesAt(a.bytep(i), a.u32(i+1)) }

// boolRet is the result of a procedure returning BOOL.
func boolRet(err error) (r1, r2 uintptr, lastErr error) {
	if err != nil {
		return 0, 0, lastError(err)
	}
	return 1, 0, ERROR_SUCCESS
}

// handleRet is the result of a procedure returning a handle: h itself, whatever it is on failure
// (InvalidHandle or 0, as the function documents), and the error, which may come with a valid
// handle (CreateEvent's ERROR_ALREADY_EXISTS).
func handleRet(h Handle, err error) (r1, r2 uintptr, lastErr error) {
	return uintptr(h), 0, lastError(err)
}

// valueRet is the result of a procedure returning a number (a PID, a wait result), which is
// already the failure value when err is not nil.
func valueRet(v uint32, err error) (r1, r2 uintptr, lastErr error) {
	return uintptr(v), 0, lastError(err)
}

// kernel32Procs lists kernel32.dll's procedures by exported name.
var kernel32Procs = map[string]procFunc{
	"CloseHandle": func(c *Caller, a args) (uintptr, uintptr, error) { return boolRet(c.CloseHandle(a.h(0))) },
	"DuplicateHandle": func(c *Caller, a args) (uintptr, uintptr, error) {
		return boolRet(c.DuplicateHandle(a.h(0), a.h(1), a.h(2), a.hp(3), a.u32(4), a.b(5), a.u32(6)))
	},
	"GetHandleInformation": func(c *Caller, a args) (uintptr, uintptr, error) {
		return boolRet(c.GetHandleInformation(a.h(0), a.u32p(1)))
	},
	"SetHandleInformation": func(c *Caller, a args) (uintptr, uintptr, error) {
		return boolRet(c.SetHandleInformation(a.h(0), a.u32(1), a.u32(2)))
	},

	"GetCurrentProcess": func(c *Caller, a args) (uintptr, uintptr, error) {
		return uintptr(c.CurrentProcess()), 0, ERROR_SUCCESS
	},
	"GetCurrentProcessId": func(c *Caller, a args) (uintptr, uintptr, error) {
		return uintptr(c.GetCurrentProcessId()), 0, ERROR_SUCCESS
	},
	"GetProcessId": func(c *Caller, a args) (uintptr, uintptr, error) { return valueRet(c.GetProcessId(a.h(0))) },
	"OpenProcess": func(c *Caller, a args) (uintptr, uintptr, error) {
		return handleRet(c.OpenProcess(a.u32(0), a.b(1), a.u32(2)))
	},
	"GetExitCodeProcess": func(c *Caller, a args) (uintptr, uintptr, error) {
		return boolRet(c.GetExitCodeProcess(a.h(0), a.u32p(1)))
	},
	"TerminateProcess": func(c *Caller, a args) (uintptr, uintptr, error) {
		return boolRet(c.TerminateProcess(a.h(0), a.u32(1)))
	},

	"CreateEventW": func(c *Caller, a args) (uintptr, uintptr, error) {
		return handleRet(c.CreateEvent(a.sa(0), a.u32(1), a.u32(2), a.u16p(3)))
	},
	"OpenEventW": func(c *Caller, a args) (uintptr, uintptr, error) {
		return handleRet(c.OpenEvent(a.u32(0), a.b(1), a.u16p(2)))
	},
	"SetEvent":   func(c *Caller, a args) (uintptr, uintptr, error) { return boolRet(c.SetEvent(a.h(0))) },
	"ResetEvent": func(c *Caller, a args) (uintptr, uintptr, error) { return boolRet(c.ResetEvent(a.h(0))) },
	"PulseEvent": func(c *Caller, a args) (uintptr, uintptr, error) { return boolRet(c.PulseEvent(a.h(0))) },
	"WaitForSingleObject": func(c *Caller, a args) (uintptr, uintptr, error) {
		return valueRet(c.WaitForSingleObject(a.h(0), a.u32(1)))
	},
	"WaitForMultipleObjects": func(c *Caller, a args) (uintptr, uintptr, error) {
		n, p := a.u32(0), a.hp(1)
		if p == nil || n == 0 || n > MAXIMUM_WAIT_OBJECTS {
			return WAIT_FAILED, 0, ERROR_INVALID_PARAMETER
		}
		return valueRet(c.WaitForMultipleObjects(unsafe.Slice(p, n), a.b(2), a.u32(3)))
	},
	"SleepEx": func(c *Caller, a args) (uintptr, uintptr, error) {
		return uintptr(c.SleepEx(a.u32(0), a.b(1))), 0, ERROR_SUCCESS
	},

	"CreateFileW": func(c *Caller, a args) (uintptr, uintptr, error) {
		return handleRet(c.CreateFile(a.u16p(0), a.u32(1), a.u32(2), a.sa(3), a.u32(4), a.u32(5), a.h(6)))
	},
	"ReadFile": func(c *Caller, a args) (uintptr, uintptr, error) {
		b, err := a.bytes(1)
		if err != nil {
			return boolRet(err)
		}
		return boolRet(c.ReadFile(a.h(0), b, a.u32p(3), a.ov(4)))
	},
	"WriteFile": func(c *Caller, a args) (uintptr, uintptr, error) {
		b, err := a.bytes(1)
		if err != nil {
			return boolRet(err)
		}
		return boolRet(c.WriteFile(a.h(0), b, a.u32p(3), a.ov(4)))
	},
	"GetFileType":      func(c *Caller, a args) (uintptr, uintptr, error) { return valueRet(c.GetFileType(a.h(0))) },
	"FlushFileBuffers": func(c *Caller, a args) (uintptr, uintptr, error) { return boolRet(c.FlushFileBuffers(a.h(0))) },
	"GetOverlappedResult": func(c *Caller, a args) (uintptr, uintptr, error) {
		return boolRet(c.GetOverlappedResult(a.h(0), a.ov(1), a.u32p(2), a.b(3)))
	},
	"CancelIo":   func(c *Caller, a args) (uintptr, uintptr, error) { return boolRet(c.CancelIo(a.h(0))) },
	"CancelIoEx": func(c *Caller, a args) (uintptr, uintptr, error) { return boolRet(c.CancelIoEx(a.h(0), a.ov(1))) },
	"SetFileCompletionNotificationModes": func(c *Caller, a args) (uintptr, uintptr, error) {
		return boolRet(c.SetFileCompletionNotificationModes(a.h(0), uint8(a.u(1))))
	},

	"CreateIoCompletionPort": func(c *Caller, a args) (uintptr, uintptr, error) {
		return handleRet(c.CreateIoCompletionPort(a.h(0), a.h(1), a.u(2), a.u32(3)))
	},
	"GetQueuedCompletionStatus": func(c *Caller, a args) (uintptr, uintptr, error) {
		return boolRet(c.GetQueuedCompletionStatus(a.h(0), a.u32p(1), (*uintptr)(a.ptr(2)), (**Overlapped)(a.ptr(3)), a.u32(4)))
	},
	"PostQueuedCompletionStatus": func(c *Caller, a args) (uintptr, uintptr, error) {
		return boolRet(c.PostQueuedCompletionStatus(a.h(0), a.u32(1), a.u(2), a.ov(3)))
	},

	"CreateNamedPipeW": func(c *Caller, a args) (uintptr, uintptr, error) {
		return handleRet(c.CreateNamedPipe(a.u16p(0), a.u32(1), a.u32(2), a.u32(3), a.u32(4), a.u32(5), a.u32(6), a.sa(7)))
	},
	"ConnectNamedPipe": func(c *Caller, a args) (uintptr, uintptr, error) {
		return boolRet(c.ConnectNamedPipe(a.h(0), a.ov(1)))
	},
	"DisconnectNamedPipe": func(c *Caller, a args) (uintptr, uintptr, error) {
		return boolRet(c.DisconnectNamedPipe(a.h(0)))
	},
	"GetNamedPipeClientProcessId": func(c *Caller, a args) (uintptr, uintptr, error) {
		return boolRet(c.GetNamedPipeClientProcessId(a.h(0), a.u32p(1)))
	},
	"GetNamedPipeServerProcessId": func(c *Caller, a args) (uintptr, uintptr, error) {
		return boolRet(c.GetNamedPipeServerProcessId(a.h(0), a.u32p(1)))
	},
	"GetNamedPipeInfo": func(c *Caller, a args) (uintptr, uintptr, error) {
		return boolRet(c.GetNamedPipeInfo(a.h(0), a.u32p(1), a.u32p(2), a.u32p(3), a.u32p(4)))
	},
	"GetNamedPipeHandleStateW": func(c *Caller, a args) (uintptr, uintptr, error) {
		return boolRet(c.GetNamedPipeHandleState(a.h(0), a.u32p(1), a.u32p(2), a.u32p(3), a.u32p(4), a.u16p(5), a.u32(6)))
	},
	"SetNamedPipeHandleState": func(c *Caller, a args) (uintptr, uintptr, error) {
		return boolRet(c.SetNamedPipeHandleState(a.h(0), a.u32p(1), a.u32p(2), a.u32p(3)))
	},
	"CreatePipe": func(c *Caller, a args) (uintptr, uintptr, error) {
		return boolRet(c.CreatePipe(a.hp(0), a.hp(1), a.sa(2), a.u32(3)))
	},
	"PeekNamedPipe": func(c *Caller, a args) (uintptr, uintptr, error) {
		return boolRet(c.PeekNamedPipe(a.h(0), a.bytep(1), a.u32(2), a.u32p(3), a.u32p(4), a.u32p(5)))
	},
	"TransactNamedPipe": func(c *Caller, a args) (uintptr, uintptr, error) {
		return boolRet(c.TransactNamedPipe(a.h(0), a.bytep(1), a.u32(2), a.bytep(3), a.u32(4), a.u32p(5), a.ov(6)))
	},
	"CallNamedPipeW": func(c *Caller, a args) (uintptr, uintptr, error) {
		return boolRet(c.CallNamedPipe(a.u16p(0), a.bytep(1), a.u32(2), a.bytep(3), a.u32(4), a.u32p(5), a.u32(6)))
	},
	"WaitNamedPipeW": func(c *Caller, a args) (uintptr, uintptr, error) {
		return boolRet(c.WaitNamedPipe(a.u16p(0), a.u32(1)))
	},

	"CreateMailslotW": func(c *Caller, a args) (uintptr, uintptr, error) {
		return handleRet(c.CreateMailslot(a.u16p(0), a.u32(1), a.u32(2), a.sa(3)))
	},
	"GetMailslotInfo": func(c *Caller, a args) (uintptr, uintptr, error) {
		return boolRet(c.GetMailslotInfo(a.h(0), a.u32p(1), a.u32p(2), a.u32p(3), a.u32p(4)))
	},
	"SetMailslotInfo": func(c *Caller, a args) (uintptr, uintptr, error) {
		return boolRet(c.SetMailslotInfo(a.h(0), a.u32(1)))
	},
}

// kernel32 is the module: its fake handle and its procedures with fake addresses, distinct and
// non-zero, given in name order so they do not change from run to run.
var kernel32 = func() module {
	m := module{name: "kernel32.dll", handle: 0x10000, procs: make(map[string]*procEntry, len(kernel32Procs))}
	names := make([]string, 0, len(kernel32Procs))
	for name := range kernel32Procs {
		names = append(names, name)
	}
	sort.Strings(names)
	for i, name := range names {
		m.procs[name] = &procEntry{addr: m.handle + 0x10 + uintptr(i)*0x10, fn: kernel32Procs[name]}
	}
	return m
}()
