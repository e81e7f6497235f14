package kernel

// Access is an NT access mask (ACCESS_MASK): the rights a handle grants on its object.
type Access uint32

// Standard and generic rights (winnt.h).
const (
	DELETE                   Access = 0x00010000
	READ_CONTROL             Access = 0x00020000
	WRITE_DAC                Access = 0x00040000
	WRITE_OWNER              Access = 0x00080000
	SYNCHRONIZE              Access = 0x00100000
	STANDARD_RIGHTS_REQUIRED Access = 0x000F0000
	STANDARD_RIGHTS_READ     Access = READ_CONTROL
	STANDARD_RIGHTS_WRITE    Access = READ_CONTROL
	STANDARD_RIGHTS_EXECUTE  Access = READ_CONTROL
	STANDARD_RIGHTS_ALL      Access = 0x001F0000
	MAXIMUM_ALLOWED          Access = 0x02000000
	GENERIC_READ             Access = 0x80000000
	GENERIC_WRITE            Access = 0x40000000
	GENERIC_EXECUTE          Access = 0x20000000
	GENERIC_ALL              Access = 0x10000000
	// ACCESS_SYSTEM_SECURITY is accepted in requests and ignored (no SACLs in winsim).
	ACCESS_SYSTEM_SECURITY Access = 0x01000000
)

// File rights (winnt.h). Pipes and mailslots are file objects.
const (
	FILE_READ_DATA        Access = 0x0001
	FILE_WRITE_DATA       Access = 0x0002
	FILE_APPEND_DATA      Access = 0x0004
	FILE_READ_EA          Access = 0x0008
	FILE_WRITE_EA         Access = 0x0010
	FILE_EXECUTE          Access = 0x0020
	FILE_READ_ATTRIBUTES  Access = 0x0080
	FILE_WRITE_ATTRIBUTES Access = 0x0100
	// FILE_CREATE_PIPE_INSTANCE shares its bit with FILE_APPEND_DATA, as in winnt.h.
	FILE_CREATE_PIPE_INSTANCE Access = 0x0004

	FILE_GENERIC_READ    Access = STANDARD_RIGHTS_READ | FILE_READ_DATA | FILE_READ_ATTRIBUTES | FILE_READ_EA | SYNCHRONIZE
	FILE_GENERIC_WRITE   Access = STANDARD_RIGHTS_WRITE | FILE_WRITE_DATA | FILE_WRITE_ATTRIBUTES | FILE_WRITE_EA | FILE_APPEND_DATA | SYNCHRONIZE
	FILE_GENERIC_EXECUTE Access = STANDARD_RIGHTS_EXECUTE | FILE_READ_ATTRIBUTES | FILE_EXECUTE | SYNCHRONIZE
	FILE_ALL_ACCESS      Access = STANDARD_RIGHTS_REQUIRED | SYNCHRONIZE | 0x1FF
)

// Process rights (winnt.h).
const (
	PROCESS_TERMINATE                 Access = 0x0001
	PROCESS_CREATE_THREAD             Access = 0x0002
	PROCESS_VM_OPERATION              Access = 0x0008
	PROCESS_VM_READ                   Access = 0x0010
	PROCESS_VM_WRITE                  Access = 0x0020
	PROCESS_DUP_HANDLE                Access = 0x0040
	PROCESS_CREATE_PROCESS            Access = 0x0080
	PROCESS_SET_QUOTA                 Access = 0x0100
	PROCESS_SET_INFORMATION           Access = 0x0200
	PROCESS_QUERY_INFORMATION         Access = 0x0400
	PROCESS_SUSPEND_RESUME            Access = 0x0800
	PROCESS_QUERY_LIMITED_INFORMATION Access = 0x1000
	PROCESS_ALL_ACCESS                Access = STANDARD_RIGHTS_REQUIRED | SYNCHRONIZE | 0xFFFF
)

// Event rights (winnt.h / synchapi.h).
const (
	EVENT_QUERY_STATE  Access = 0x0001
	EVENT_MODIFY_STATE Access = 0x0002
	EVENT_ALL_ACCESS   Access = STANDARD_RIGHTS_REQUIRED | SYNCHRONIZE | 0x3
)

// GenericMapping says which specific rights each generic right stands for on one
// object type (NT's GENERIC_MAPPING).
type GenericMapping struct {
	Read, Write, Execute, All Access
}

// Map replaces the generic bits of a with the specific rights they stand for.
// MAXIMUM_ALLOWED is mapped to All, the most a type can grant; AccessCheck looks at
// MAXIMUM_ALLOWED itself, before mapping, and grants what the descriptor allows.
func (g GenericMapping) Map(a Access) Access {
	out := a &^ (GENERIC_READ | GENERIC_WRITE | GENERIC_EXECUTE | GENERIC_ALL | MAXIMUM_ALLOWED)
	if a&GENERIC_READ != 0 {
		out |= g.Read
	}
	if a&GENERIC_WRITE != 0 {
		out |= g.Write
	}
	if a&GENERIC_EXECUTE != 0 {
		out |= g.Execute
	}
	if a&(GENERIC_ALL|MAXIMUM_ALLOWED) != 0 {
		out |= g.All
	}
	return out
}

// Has reports whether every right in want is in a.
func (a Access) Has(want Access) bool { return a&want == want }
