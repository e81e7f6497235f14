package kernel

import (
	"context"
)

// A Type describes one kind of kernel object, like NT's OBJECT_TYPE (Wine: struct
// object_ops plus its type_descr). It is immutable and shared by every object of the type.
type Type struct {
	// Name is the type's name as NT reports it ("Event", "Process", "File", ...).
	Name string
	// Valid is every specific and standard right the type defines; a request for other
	// bits is refused with ERROR_ACCESS_DENIED.
	Valid Access
	// Generic maps GENERIC_* rights to the type's rights.
	Generic GenericMapping
}

// grant returns the access a new handle to an object of type t grants for a request
// (OpenEvent, OpenProcess, DuplicateHandle without DUPLICATE_SAME_ACCESS): generic
// rights mapped, ACCESS_SYSTEM_SECURITY accepted, and any other bit the type does not
// define refused with ERROR_ACCESS_DENIED. A process handle granted
// PROCESS_QUERY_INFORMATION also gets PROCESS_QUERY_LIMITED_INFORMATION, which the
// former implies (MS docs, Process Security and Access Rights).
func (t *Type) grant(access Access) (Access, error) {
	granted := t.Generic.Map(access)
	if granted&^(t.Valid|ACCESS_SYSTEM_SECURITY) != 0 {
		return 0, ERROR_ACCESS_DENIED
	}
	if t == ProcessType && granted.Has(PROCESS_QUERY_INFORMATION) {
		granted |= PROCESS_QUERY_LIMITED_INFORMATION
	}
	return granted, nil
}

// The object types the kernel itself defines. File systems (mailslot, pipe) create
// objects of FileType: on NT every open of a device is a file object.
var (
	EventType = &Type{
		Name:  "Event",
		Valid: EVENT_ALL_ACCESS,
		Generic: GenericMapping{
			Read:    STANDARD_RIGHTS_READ | EVENT_QUERY_STATE,
			Write:   STANDARD_RIGHTS_WRITE | EVENT_MODIFY_STATE,
			Execute: STANDARD_RIGHTS_EXECUTE | SYNCHRONIZE,
			All:     EVENT_ALL_ACCESS,
		},
	}
	ProcessType = &Type{
		Name:  "Process",
		Valid: PROCESS_ALL_ACCESS,
		Generic: GenericMapping{
			Read:    STANDARD_RIGHTS_READ | PROCESS_VM_READ | PROCESS_QUERY_INFORMATION,
			Write:   STANDARD_RIGHTS_WRITE | PROCESS_CREATE_PROCESS | PROCESS_CREATE_THREAD | PROCESS_VM_OPERATION | PROCESS_VM_WRITE | PROCESS_DUP_HANDLE | PROCESS_TERMINATE | PROCESS_SET_QUOTA | PROCESS_SET_INFORMATION | PROCESS_SUSPEND_RESUME,
			Execute: STANDARD_RIGHTS_EXECUTE | SYNCHRONIZE,
			All:     PROCESS_ALL_ACCESS,
		},
	}
	FileType = &Type{
		Name:  "File",
		Valid: FILE_ALL_ACCESS,
		Generic: GenericMapping{
			Read:    FILE_GENERIC_READ,
			Write:   FILE_GENERIC_WRITE,
			Execute: FILE_GENERIC_EXECUTE,
			All:     FILE_ALL_ACCESS,
		},
	}
)

// Ops is what every object body implements: the two lifetime hooks. Optional
// capabilities (Reader, Writer, Flusher, Signaler, Describer) are separate interfaces,
// checked once by the kernel's dispatcher.
type Ops interface {
	// Close runs exactly once, when the last handle to the object is closed (NT's
	// IRP_MJ_CLEANUP for files; Wine's close_handle of the last handle). by is the
	// process whose CloseHandle or exit closed it.
	Close(o *Object, by *Process)
	// Delete runs exactly once, when the last reference of any kind is gone.
	Delete(o *Object)
}

// NoOps can be embedded by object bodies that need no Close or Delete work
// (analogous to Wine's no_close_handle / no_destroy).
type NoOps struct{}

// Close implements Ops.Close by doing nothing.
func (NoOps) Close(*Object, *Process) {}

// Delete implements Ops.Delete by doing nothing.
func (NoOps) Delete(*Object) {}

// Call carries what a capability method needs to know about the Win32 call it serves.
// It is passed by value and must not be retained after the method returns.
type Call struct {
	// Ctx is the caller's context; blocking work must give up when it is done.
	Ctx context.Context
	// Process is the calling process; blocking work also gives up when it exits.
	Process *Process
	// Object is the object the handle refers to.
	Object *Object
	// Handle is the handle value the caller used.
	Handle Handle
	// Granted is the access the handle grants.
	Granted Access
	// Overlapped is the call's OVERLAPPED, nil for a call without one. A file system
	// that pends the call makes its request with NewRequest, which sees it.
	Overlapped *Overlapped

	event   *Object           // Overlapped.HEvent's event, referenced (overlapped.go)
	async   bool              // Overlapped given and the file opened with FILE_FLAG_OVERLAPPED
	routine CompletionRoutine // ReadFileEx/WriteFileEx's (apc.go)
}

// Async reports whether an operation of c that pends returns ERROR_IO_PENDING at once
// (an OVERLAPPED given on a file opened with FILE_FLAG_OVERLAPPED) rather than waiting
// for its request to complete.
func (c Call) Async() bool { return c.async }

// Reader is the capability behind ReadFile.
//
// Errors: whatever Windows returns for the object (ERROR_BROKEN_PIPE, ERROR_SEM_TIMEOUT, …).
// The kernel has already checked FILE_READ_DATA.
type Reader interface {
	Read(c Call, p []byte) (int, error)
}

// Writer is the capability behind WriteFile. The kernel has already checked
// FILE_WRITE_DATA or FILE_APPEND_DATA.
type Writer interface {
	Write(c Call, p []byte) (int, error)
}

// Flusher is the capability behind FlushFileBuffers.
type Flusher interface {
	Flush(c Call) error
}

// Describer lets a body add a detail to views and traces (a pipe's state, a mailslot's
// queue length). It is called without kernel locks held.
type Describer interface {
	Describe() string
}

// A DeviceType is the type of the device a file object belongs to, as
// FILE_FS_DEVICE_INFORMATION.DeviceType reports it (MS docs, "Specifying Device Types").
type DeviceType uint32

// The device types of winsim's file systems.
const (
	FILE_DEVICE_MAILSLOT   DeviceType = 0x0000000c
	FILE_DEVICE_NAMED_PIPE DeviceType = 0x00000011
)

// DeviceTyper is the capability behind QueryDeviceType: the type of the device the body's
// file belongs to. Every end of a named or anonymous pipe is FILE_DEVICE_NAMED_PIPE, every
// mailslot handle FILE_DEVICE_MAILSLOT.
type DeviceTyper interface {
	DeviceType() DeviceType
}
