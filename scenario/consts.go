package scenario

import (
	"strings"
	"sync"

	"github.com/winsim/winsim/kernel"
	"github.com/winsim/winsim/mailslot"
	"github.com/winsim/winsim/pipe"
)

// constants maps the Win32 constant names a script may write to their values. Error
// names (ERROR_*) come from kernel.Errno and are looked up separately (errnoByName).
var constants = map[string]uint64{
	// Generic, standard and file rights.
	"GENERIC_READ": uint64(kernel.GENERIC_READ), "GENERIC_WRITE": uint64(kernel.GENERIC_WRITE),
	"GENERIC_EXECUTE": uint64(kernel.GENERIC_EXECUTE), "GENERIC_ALL": uint64(kernel.GENERIC_ALL),
	"DELETE": uint64(kernel.DELETE), "READ_CONTROL": uint64(kernel.READ_CONTROL), "WRITE_DAC": uint64(kernel.WRITE_DAC),
	"WRITE_OWNER": uint64(kernel.WRITE_OWNER), "SYNCHRONIZE": uint64(kernel.SYNCHRONIZE),
	"STANDARD_RIGHTS_REQUIRED": uint64(kernel.STANDARD_RIGHTS_REQUIRED), "STANDARD_RIGHTS_ALL": uint64(kernel.STANDARD_RIGHTS_ALL),
	"MAXIMUM_ALLOWED": uint64(kernel.MAXIMUM_ALLOWED), "ACCESS_SYSTEM_SECURITY": uint64(kernel.ACCESS_SYSTEM_SECURITY),
	"FILE_READ_DATA": uint64(kernel.FILE_READ_DATA), "FILE_WRITE_DATA": uint64(kernel.FILE_WRITE_DATA),
	"FILE_APPEND_DATA": uint64(kernel.FILE_APPEND_DATA), "FILE_READ_EA": uint64(kernel.FILE_READ_EA),
	"FILE_WRITE_EA": uint64(kernel.FILE_WRITE_EA), "FILE_EXECUTE": uint64(kernel.FILE_EXECUTE),
	"FILE_READ_ATTRIBUTES": uint64(kernel.FILE_READ_ATTRIBUTES), "FILE_WRITE_ATTRIBUTES": uint64(kernel.FILE_WRITE_ATTRIBUTES),
	"FILE_CREATE_PIPE_INSTANCE": uint64(kernel.FILE_CREATE_PIPE_INSTANCE),
	"FILE_GENERIC_READ":         uint64(kernel.FILE_GENERIC_READ), "FILE_GENERIC_WRITE": uint64(kernel.FILE_GENERIC_WRITE),
	"FILE_GENERIC_EXECUTE": uint64(kernel.FILE_GENERIC_EXECUTE), "FILE_ALL_ACCESS": uint64(kernel.FILE_ALL_ACCESS),
	// Process and event rights.
	"PROCESS_TERMINATE": uint64(kernel.PROCESS_TERMINATE), "PROCESS_CREATE_THREAD": uint64(kernel.PROCESS_CREATE_THREAD),
	"PROCESS_VM_OPERATION": uint64(kernel.PROCESS_VM_OPERATION), "PROCESS_VM_READ": uint64(kernel.PROCESS_VM_READ),
	"PROCESS_VM_WRITE": uint64(kernel.PROCESS_VM_WRITE), "PROCESS_DUP_HANDLE": uint64(kernel.PROCESS_DUP_HANDLE),
	"PROCESS_CREATE_PROCESS": uint64(kernel.PROCESS_CREATE_PROCESS), "PROCESS_SET_QUOTA": uint64(kernel.PROCESS_SET_QUOTA),
	"PROCESS_SET_INFORMATION": uint64(kernel.PROCESS_SET_INFORMATION), "PROCESS_QUERY_INFORMATION": uint64(kernel.PROCESS_QUERY_INFORMATION),
	"PROCESS_SUSPEND_RESUME": uint64(kernel.PROCESS_SUSPEND_RESUME), "PROCESS_QUERY_LIMITED_INFORMATION": uint64(kernel.PROCESS_QUERY_LIMITED_INFORMATION),
	"PROCESS_ALL_ACCESS": uint64(kernel.PROCESS_ALL_ACCESS),
	"EVENT_QUERY_STATE":  uint64(kernel.EVENT_QUERY_STATE), "EVENT_MODIFY_STATE": uint64(kernel.EVENT_MODIFY_STATE),
	"EVENT_ALL_ACCESS": uint64(kernel.EVENT_ALL_ACCESS),
	// CreateFile.
	"CREATE_NEW": uint64(kernel.CREATE_NEW), "CREATE_ALWAYS": uint64(kernel.CREATE_ALWAYS), "OPEN_EXISTING": uint64(kernel.OPEN_EXISTING),
	"OPEN_ALWAYS": uint64(kernel.OPEN_ALWAYS), "TRUNCATE_EXISTING": uint64(kernel.TRUNCATE_EXISTING),
	"FILE_SHARE_READ": uint64(kernel.FILE_SHARE_READ), "FILE_SHARE_WRITE": uint64(kernel.FILE_SHARE_WRITE),
	"FILE_SHARE_DELETE": uint64(kernel.FILE_SHARE_DELETE), "FILE_ATTRIBUTE_NORMAL": uint64(kernel.FILE_ATTRIBUTE_NORMAL),
	"FILE_FLAG_OVERLAPPED": uint64(kernel.FILE_FLAG_OVERLAPPED), "FILE_FLAG_WRITE_THROUGH": uint64(kernel.FILE_FLAG_WRITE_THROUGH),
	// Handles.
	"HANDLE_FLAG_INHERIT": uint64(kernel.HANDLE_FLAG_INHERIT), "HANDLE_FLAG_PROTECT_FROM_CLOSE": uint64(kernel.HANDLE_FLAG_PROTECT_FROM_CLOSE),
	"DUPLICATE_CLOSE_SOURCE": uint64(kernel.DUPLICATE_CLOSE_SOURCE), "DUPLICATE_SAME_ACCESS": uint64(kernel.DUPLICATE_SAME_ACCESS),
	// Waits and processes.
	"INFINITE": uint64(kernel.INFINITE), "WAIT_OBJECT_0": uint64(kernel.WAIT_OBJECT_0), "WAIT_ABANDONED_0": uint64(kernel.WAIT_ABANDONED_0),
	"WAIT_TIMEOUT": uint64(kernel.WAIT_TIMEOUT_), "WAIT_FAILED": uint64(kernel.WAIT_FAILED), "STILL_ACTIVE": uint64(kernel.STILL_ACTIVE),
	// Pipes.
	"PIPE_ACCESS_INBOUND": uint64(pipe.PIPE_ACCESS_INBOUND), "PIPE_ACCESS_OUTBOUND": uint64(pipe.PIPE_ACCESS_OUTBOUND),
	"PIPE_ACCESS_DUPLEX": uint64(pipe.PIPE_ACCESS_DUPLEX), "FILE_FLAG_FIRST_PIPE_INSTANCE": uint64(pipe.FILE_FLAG_FIRST_PIPE_INSTANCE),
	"PIPE_TYPE_BYTE": uint64(pipe.PIPE_TYPE_BYTE), "PIPE_TYPE_MESSAGE": uint64(pipe.PIPE_TYPE_MESSAGE),
	"PIPE_READMODE_BYTE": uint64(pipe.PIPE_READMODE_BYTE), "PIPE_READMODE_MESSAGE": uint64(pipe.PIPE_READMODE_MESSAGE),
	"PIPE_WAIT": uint64(pipe.PIPE_WAIT), "PIPE_NOWAIT": uint64(pipe.PIPE_NOWAIT),
	"PIPE_ACCEPT_REMOTE_CLIENTS": uint64(pipe.PIPE_ACCEPT_REMOTE_CLIENTS), "PIPE_REJECT_REMOTE_CLIENTS": uint64(pipe.PIPE_REJECT_REMOTE_CLIENTS),
	"PIPE_CLIENT_END": uint64(pipe.PIPE_CLIENT_END), "PIPE_SERVER_END": uint64(pipe.PIPE_SERVER_END),
	"PIPE_UNLIMITED_INSTANCES": uint64(pipe.PIPE_UNLIMITED_INSTANCES),
	"NMPWAIT_USE_DEFAULT_WAIT": uint64(pipe.NMPWAIT_USE_DEFAULT_WAIT), "NMPWAIT_NOWAIT": uint64(pipe.NMPWAIT_NOWAIT),
	"NMPWAIT_WAIT_FOREVER": uint64(pipe.NMPWAIT_WAIT_FOREVER),
	// Mailslots.
	"MAILSLOT_NO_MESSAGE": uint64(mailslot.MAILSLOT_NO_MESSAGE), "MAILSLOT_WAIT_FOREVER": uint64(mailslot.MAILSLOT_WAIT_FOREVER),
	// Booleans and NULL.
	"TRUE": 1, "FALSE": 0, "NULL": 0,
}

var (
	errnoOnce   sync.Once
	errnoByName map[string]kernel.Errno
)

// lookupErrno returns the Errno a name such as ERROR_PIPE_BUSY or WAIT_TIMEOUT stands for.
func lookupErrno(name string) (kernel.Errno, bool) {
	errnoOnce.Do(func() {
		errnoByName = make(map[string]kernel.Errno)
		for c := uint32(0); c < 16000; c++ {
			e := kernel.Errno(c)
			if n := e.Name(); !strings.HasPrefix(n, "Errno(") {
				errnoByName[n] = e
			}
		}
	})
	e, ok := errnoByName[name]
	return e, ok
}

// waitResultName names a WaitForSingleObject/WaitForMultipleObjects result.
func waitResultName(r uint32) string {
	switch {
	case r == kernel.WAIT_TIMEOUT_:
		return "WAIT_TIMEOUT"
	case r == kernel.WAIT_FAILED:
		return "WAIT_FAILED"
	case r >= kernel.WAIT_ABANDONED_0 && r < kernel.WAIT_ABANDONED_0+kernel.MAXIMUM_WAIT_OBJECTS:
		if r == kernel.WAIT_ABANDONED_0 {
			return "WAIT_ABANDONED_0"
		}
		return "WAIT_ABANDONED_0+" + itoa(uint64(r-kernel.WAIT_ABANDONED_0))
	case r < kernel.MAXIMUM_WAIT_OBJECTS:
		if r == 0 {
			return "WAIT_OBJECT_0"
		}
		return "WAIT_OBJECT_0+" + itoa(uint64(r))
	}
	return itoa(uint64(r))
}
