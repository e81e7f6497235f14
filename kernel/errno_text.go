package kernel

import (
	"cmp"
	"slices"
)

// This file holds the names and message texts of the Errno constants.
//
// The texts are the US-English messages Windows' FormatMessage returns for each code, as listed on
// Microsoft's "System Error Codes" pages (learn.microsoft.com/windows/win32/debug/system-error-codes,
// pages 0-499, 500-999, 1000-1299, 1300-1699 and 1700-3999). They are facts about Windows and are
// kept word for word, including oddities: ERROR_ABANDONED_WAIT_0's text is its own name, and
// ERROR_CHILD_NOT_COMPLETE's keeps its "%1" insert.
//
// To add a code: declare the constant in errno.go, add a row here at its sorted position, and
// append it to allErrnos in errno_test.go. TestErrnoTableMatchesDeclaredConstants checks all
// three agree.

// errnoEntry is one row of errnoTable.
type errnoEntry struct {
	code Errno
	name string // the constant's name, as in errno.go
	text string // FormatMessage text without the trailing CR/LF
}

// errnoTable lists every known code in ascending order of code, so lookupErrno can binary-search
// it. It is immutable.
var errnoTable = [...]errnoEntry{
	{ERROR_SUCCESS, "ERROR_SUCCESS", "The operation completed successfully."},
	{ERROR_INVALID_FUNCTION, "ERROR_INVALID_FUNCTION", "Incorrect function."},
	{ERROR_FILE_NOT_FOUND, "ERROR_FILE_NOT_FOUND", "The system cannot find the file specified."},
	{ERROR_PATH_NOT_FOUND, "ERROR_PATH_NOT_FOUND", "The system cannot find the path specified."},
	{ERROR_TOO_MANY_OPEN_FILES, "ERROR_TOO_MANY_OPEN_FILES", "The system cannot open the file."},
	{ERROR_ACCESS_DENIED, "ERROR_ACCESS_DENIED", "Access is denied."},
	{ERROR_INVALID_HANDLE, "ERROR_INVALID_HANDLE", "The handle is invalid."},
	{ERROR_NOT_ENOUGH_MEMORY, "ERROR_NOT_ENOUGH_MEMORY", "Not enough memory resources are available to process this command."},
	{ERROR_INVALID_ACCESS, "ERROR_INVALID_ACCESS", "The access code is invalid."},
	{ERROR_INVALID_DATA, "ERROR_INVALID_DATA", "The data is invalid."},
	{ERROR_OUTOFMEMORY, "ERROR_OUTOFMEMORY", "Not enough storage is available to complete this operation."},
	{ERROR_NOT_READY, "ERROR_NOT_READY", "The device is not ready."},
	{ERROR_BAD_LENGTH, "ERROR_BAD_LENGTH", "The program issued a command but the command length is incorrect."},
	{ERROR_GEN_FAILURE, "ERROR_GEN_FAILURE", "A device attached to the system is not functioning."},
	{ERROR_SHARING_VIOLATION, "ERROR_SHARING_VIOLATION", "The process cannot access the file because it is being used by another process."},
	{ERROR_HANDLE_EOF, "ERROR_HANDLE_EOF", "Reached the end of the file."},
	{ERROR_NOT_SUPPORTED, "ERROR_NOT_SUPPORTED", "The request is not supported."},
	{ERROR_REM_NOT_LIST, "ERROR_REM_NOT_LIST", "Windows cannot find the network path. Verify that the network path is correct and the destination computer is not busy or turned off. If Windows still cannot find the network path, contact your network administrator."},
	{ERROR_DUP_NAME, "ERROR_DUP_NAME", "You were not connected because a duplicate name exists on the network. If joining a domain, go to System in Control Panel to change the computer name and try again. If joining a workgroup, choose another workgroup name."},
	{ERROR_BAD_NETPATH, "ERROR_BAD_NETPATH", "The network path was not found."},
	{ERROR_NETWORK_BUSY, "ERROR_NETWORK_BUSY", "The network is busy."},
	{ERROR_BAD_NET_RESP, "ERROR_BAD_NET_RESP", "The specified server cannot perform the requested operation."},
	{ERROR_UNEXP_NET_ERR, "ERROR_UNEXP_NET_ERR", "An unexpected network error occurred."},
	{ERROR_NETNAME_DELETED, "ERROR_NETNAME_DELETED", "The specified network name is no longer available."},
	{ERROR_BAD_NET_NAME, "ERROR_BAD_NET_NAME", "The network name cannot be found."},
	{ERROR_FILE_EXISTS, "ERROR_FILE_EXISTS", "The file exists."},
	{ERROR_INVALID_PARAMETER, "ERROR_INVALID_PARAMETER", "The parameter is incorrect."},
	{ERROR_BROKEN_PIPE, "ERROR_BROKEN_PIPE", "The pipe has been ended."},
	{ERROR_OPEN_FAILED, "ERROR_OPEN_FAILED", "The system cannot open the device or file specified."},
	{ERROR_BUFFER_OVERFLOW, "ERROR_BUFFER_OVERFLOW", "The file name is too long."},
	{ERROR_CALL_NOT_IMPLEMENTED, "ERROR_CALL_NOT_IMPLEMENTED", "This function is not supported on this system."},
	{ERROR_SEM_TIMEOUT, "ERROR_SEM_TIMEOUT", "The semaphore timeout period has expired."},
	{ERROR_INSUFFICIENT_BUFFER, "ERROR_INSUFFICIENT_BUFFER", "The data area passed to a system call is too small."},
	{ERROR_INVALID_NAME, "ERROR_INVALID_NAME", "The filename, directory name, or volume label syntax is incorrect."},
	{ERROR_INVALID_LEVEL, "ERROR_INVALID_LEVEL", "The system call level is not correct."},
	{ERROR_MOD_NOT_FOUND, "ERROR_MOD_NOT_FOUND", "The specified module could not be found."},
	{ERROR_PROC_NOT_FOUND, "ERROR_PROC_NOT_FOUND", "The specified procedure could not be found."},
	{ERROR_WAIT_NO_CHILDREN, "ERROR_WAIT_NO_CHILDREN", "There are no child processes to wait for."},
	{ERROR_CHILD_NOT_COMPLETE, "ERROR_CHILD_NOT_COMPLETE", "The %1 application cannot be run in Win32 mode."},
	{ERROR_DIR_NOT_EMPTY, "ERROR_DIR_NOT_EMPTY", "The directory is not empty."},
	{ERROR_INVALID_EVENT_COUNT, "ERROR_INVALID_EVENT_COUNT", "The number of specified semaphore events for DosMuxSemWait is not correct."},
	{ERROR_BAD_PATHNAME, "ERROR_BAD_PATHNAME", "The specified path is invalid."},
	{ERROR_BUSY, "ERROR_BUSY", "The requested resource is in use."},
	{ERROR_ALREADY_EXISTS, "ERROR_ALREADY_EXISTS", "Cannot create a file when that file already exists."},
	{WAIT_IO_COMPLETION, "WAIT_IO_COMPLETION", "The operating system cannot run %1."},
	{ERROR_FILENAME_EXCED_RANGE, "ERROR_FILENAME_EXCED_RANGE", "The filename or extension is too long."},
	{ERROR_PIPE_LOCAL, "ERROR_PIPE_LOCAL", "The pipe is local."},
	{ERROR_BAD_PIPE, "ERROR_BAD_PIPE", "The pipe state is invalid."},
	{ERROR_PIPE_BUSY, "ERROR_PIPE_BUSY", "All pipe instances are busy."},
	{ERROR_NO_DATA, "ERROR_NO_DATA", "The pipe is being closed."},
	{ERROR_PIPE_NOT_CONNECTED, "ERROR_PIPE_NOT_CONNECTED", "No process is on the other end of the pipe."},
	{ERROR_MORE_DATA, "ERROR_MORE_DATA", "More data is available."},
	{WAIT_TIMEOUT, "WAIT_TIMEOUT", "The wait operation timed out."},
	{ERROR_NO_MORE_ITEMS, "ERROR_NO_MORE_ITEMS", "No more data is available."},
	{ERROR_DIRECTORY, "ERROR_DIRECTORY", "The directory name is invalid."},
	{ERROR_NOT_OWNER, "ERROR_NOT_OWNER", "Attempt to release mutex not owned by caller."},
	{ERROR_TOO_MANY_POSTS, "ERROR_TOO_MANY_POSTS", "Too many posts were made to a semaphore."},
	{ERROR_PARTIAL_COPY, "ERROR_PARTIAL_COPY", "Only part of a ReadProcessMemory or WriteProcessMemory request was completed."},
	{ERROR_INVALID_ADDRESS, "ERROR_INVALID_ADDRESS", "Attempt to access invalid address."},
	{ERROR_PIPE_CONNECTED, "ERROR_PIPE_CONNECTED", "There is a process on other end of the pipe."},
	{ERROR_PIPE_LISTENING, "ERROR_PIPE_LISTENING", "Waiting for a process to open the other end of the pipe."},
	{ERROR_CANT_WAIT, "ERROR_CANT_WAIT", "Used to indicate that an operation cannot continue without blocking for I/O."},
	{ERROR_ABANDONED_WAIT_0, "ERROR_ABANDONED_WAIT_0", "ERROR_ABANDONED_WAIT_0"},
	{ERROR_OPERATION_ABORTED, "ERROR_OPERATION_ABORTED", "The I/O operation has been aborted because of either a thread exit or an application request."},
	{ERROR_IO_INCOMPLETE, "ERROR_IO_INCOMPLETE", "Overlapped I/O event is not in a signaled state."},
	{ERROR_IO_PENDING, "ERROR_IO_PENDING", "Overlapped I/O operation is in progress."},
	{ERROR_NOACCESS, "ERROR_NOACCESS", "Invalid access to memory location."},
	{ERROR_INVALID_FLAGS, "ERROR_INVALID_FLAGS", "Invalid flags."},
	{ERROR_NO_TOKEN, "ERROR_NO_TOKEN", "An attempt was made to reference a token that does not exist."},
	{ERROR_PROCESS_ABORTED, "ERROR_PROCESS_ABORTED", "The process terminated unexpectedly."},
	{ERROR_NOT_FOUND, "ERROR_NOT_FOUND", "Element not found."},
	{ERROR_BAD_DEVICE, "ERROR_BAD_DEVICE", "The specified device name is invalid."},
	{ERROR_INVALID_COMPUTERNAME, "ERROR_INVALID_COMPUTERNAME", "The format of the specified computer name is invalid."},
	{ERROR_INVALID_DOMAINNAME, "ERROR_INVALID_DOMAINNAME", "The format of the specified domain name is invalid."},
	{ERROR_NO_NETWORK, "ERROR_NO_NETWORK", "The network is not present or not started."},
	{ERROR_CONNECTION_REFUSED, "ERROR_CONNECTION_REFUSED", "The remote computer refused the network connection."},
	{ERROR_NETWORK_UNREACHABLE, "ERROR_NETWORK_UNREACHABLE", "The network location cannot be reached. For information about network troubleshooting, see Windows Help."},
	{ERROR_HOST_UNREACHABLE, "ERROR_HOST_UNREACHABLE", "The network location cannot be reached. For information about network troubleshooting, see Windows Help."},
	{ERROR_NOT_ALL_ASSIGNED, "ERROR_NOT_ALL_ASSIGNED", "Not all privileges or groups referenced are assigned to the caller."},
	{ERROR_UNKNOWN_REVISION, "ERROR_UNKNOWN_REVISION", "The revision level is unknown."},
	{ERROR_INVALID_OWNER, "ERROR_INVALID_OWNER", "This security ID may not be assigned as the owner of this object."},
	{ERROR_NO_SUCH_PRIVILEGE, "ERROR_NO_SUCH_PRIVILEGE", "A specified privilege does not exist."},
	{ERROR_PRIVILEGE_NOT_HELD, "ERROR_PRIVILEGE_NOT_HELD", "A required privilege is not held by the client."},
	{ERROR_USER_EXISTS, "ERROR_USER_EXISTS", "The specified account already exists."},
	{ERROR_NO_SUCH_USER, "ERROR_NO_SUCH_USER", "The specified account does not exist."},
	{ERROR_NONE_MAPPED, "ERROR_NONE_MAPPED", "No mapping between account names and security IDs was done."},
	{ERROR_INVALID_ACL, "ERROR_INVALID_ACL", "The access control list (ACL) structure is invalid."},
	{ERROR_INVALID_SID, "ERROR_INVALID_SID", "The security ID structure is invalid."},
	{ERROR_INVALID_SECURITY_DESCR, "ERROR_INVALID_SECURITY_DESCR", "The security descriptor structure is invalid."},
	{ERROR_BAD_IMPERSONATION_LEVEL, "ERROR_BAD_IMPERSONATION_LEVEL", "Either a required impersonation level was not provided, or the provided impersonation level is invalid."},
	{ERROR_CANT_OPEN_ANONYMOUS, "ERROR_CANT_OPEN_ANONYMOUS", "Cannot open an anonymous level security token."},
	{ERROR_NO_SUCH_DOMAIN, "ERROR_NO_SUCH_DOMAIN", "The specified domain either does not exist or could not be contacted."},
	{ERROR_CANNOT_IMPERSONATE, "ERROR_CANNOT_IMPERSONATE", "Unable to impersonate using a named pipe until data has been read from that pipe."},
	{ERROR_NO_SYSTEM_RESOURCES, "ERROR_NO_SYSTEM_RESOURCES", "Insufficient system resources exist to complete the requested service."},
	{ERROR_TIMEOUT, "ERROR_TIMEOUT", "This operation returned because the timeout period expired."},
	{ERROR_INVALID_USER_BUFFER, "ERROR_INVALID_USER_BUFFER", "The supplied user buffer is not valid for the requested operation."},
	{ERROR_NOT_ENOUGH_QUOTA, "ERROR_NOT_ENOUGH_QUOTA", "Not enough quota is available to process this command."},
	{ERROR_OBJECT_NOT_FOUND, "ERROR_OBJECT_NOT_FOUND", "The object identifier does not represent a valid object."},
}

// lookupErrno returns e's row in errnoTable, or nil if winsim does not know the code. It does not
// allocate.
func lookupErrno(e Errno) *errnoEntry {
	i, ok := slices.BinarySearchFunc(errnoTable[:], e, func(ent errnoEntry, e Errno) int { return cmp.Compare(ent.code, e) })
	if !ok {
		return nil
	}
	return &errnoTable[i]
}
