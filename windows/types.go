package windows

import (
	"unsafe"

	"github.com/winsim/winsim/kernel"
)

// Handle is a Win32 handle value, as x/sys/windows' Handle. Over winsim it is a kernel.Handle of
// the process the call acts as: Handle(h) and kernel.Handle(h) convert between the two, and a
// value means nothing in another process.
type Handle uintptr

// InvalidHandle is INVALID_HANDLE_VALUE: what CreateFile, CreateNamedPipe and CreateMailslot
// return on failure, and the file argument CreateIoCompletionPort takes to make a bare port.
const InvalidHandle = ^Handle(0)

// Overlapped is Win32's OVERLAPPED with x/sys/windows' field names and layout. The operation's
// status (an NTSTATUS) and byte count live in Internal and InternalHigh while and after it runs;
// HEvent, if not 0, is an event set when it completes.
//
// An *Overlapped is handed to winsim as the very same memory (a *kernel.Overlapped, whose layout
// is identical; see toKernel), so a pointer GetQueuedCompletionStatus returns is the one the
// operation was started with, and code that embeds Overlapped at the start of its own struct
// and converts back, as go-winio does, works. As on Windows it must stay unchanged and alive
// until the operation completes.
type Overlapped struct {
	Internal     uintptr
	InternalHigh uintptr
	Offset       uint32
	OffsetHigh   uint32
	HEvent       Handle
}

// The layouts of Overlapped and kernel.Overlapped must agree field for field: each line fails to
// compile (a constant index out of range) when they do not.
var (
	_ = [1]struct{}{}[unsafe.Sizeof(Overlapped{})-unsafe.Sizeof(kernel.Overlapped{})]
	_ = [1]struct{}{}[unsafe.Offsetof(Overlapped{}.InternalHigh)-unsafe.Offsetof(kernel.Overlapped{}.InternalHigh)]
	_ = [1]struct{}{}[unsafe.Offsetof(Overlapped{}.Offset)-unsafe.Offsetof(kernel.Overlapped{}.Offset)]
	_ = [1]struct{}{}[unsafe.Offsetof(Overlapped{}.OffsetHigh)-unsafe.Offsetof(kernel.Overlapped{}.OffsetHigh)]
	_ = [1]struct{}{}[unsafe.Offsetof(Overlapped{}.HEvent)-unsafe.Offsetof(kernel.Overlapped{}.HEvent)]
)

// toKernel views o as the kernel's OVERLAPPED: the same memory, not a copy.
func (o *Overlapped) toKernel() *kernel.Overlapped {
	return (*kernel.Overlapped)(unsafe.Pointer(o))
}

// fromKernel is toKernel's inverse, for the pointers completion ports hand back.
func fromKernel(o *kernel.Overlapped) *Overlapped {
	return (*Overlapped)(unsafe.Pointer(o))
}

// SecurityAttributes is SECURITY_ATTRIBUTES with x/sys/windows' field names: Length (set it to
// unsafe.Sizeof(SecurityAttributes{}), as on Windows; winsim does not check it), the security
// descriptor the new object gets (nil: its type's default) and whether the new handle is
// inherited by child processes (InheritHandle != 0).
type SecurityAttributes struct {
	Length             uint32
	SecurityDescriptor *SECURITY_DESCRIPTOR
	InheritHandle      uint32
}

// toKernel converts sa; a nil sa stays nil (the defaults).
func (sa *SecurityAttributes) toKernel() *kernel.SecurityAttributes {
	if sa == nil {
		return nil
	}
	return &kernel.SecurityAttributes{
		InheritHandle:      sa.InheritHandle != 0,
		SecurityDescriptor: sa.SecurityDescriptor.toKernel(),
	}
}

// StartupInfo is STARTUPINFOW with x/sys/windows' field names and layout. winsim reads Flags and,
// with STARTF_USESTDHANDLES, the three standard handles, which the new process gets from
// GetStdHandle; the window fields are accepted and ignored.
type StartupInfo struct {
	Cb            uint32
	_             *uint16
	Desktop       *uint16
	Title         *uint16
	X             uint32
	Y             uint32
	XSize         uint32
	YSize         uint32
	XCountChars   uint32
	YCountChars   uint32
	FillAttribute uint32
	Flags         uint32
	ShowWindow    uint16
	_             uint16
	_             *byte
	StdInput      Handle
	StdOutput     Handle
	StdErr        Handle
}

// ProcessInformation is PROCESS_INFORMATION with x/sys/windows' field names: what CreateProcess
// returns about the new process. winsim processes have no threads: Thread is a second handle to
// the process (signalled when it exits, as its only thread's would be) and ThreadId is 0
// (docs/deviations.md).
type ProcessInformation struct {
	Process   Handle
	Thread    Handle
	ProcessId uint32
	ThreadId  uint32
}
