package windows

import (
	"math"
	"strconv"

	"github.com/winsim/winsim/kernel"
)

// Errno is a Win32 error code, as golang.org/x/sys/windows' Errno (an alias of syscall.Errno on
// Windows): the value GetLastError returns after a failed call. Every function of this package
// that fails returns an Errno as its error, so x/sys/windows code that compares errors with ==,
// switches on them or type-asserts err.(windows.Errno) works unchanged.
//
// Errno and kernel.Errno are the same codes in two types. errors.Is matches them both ways:
// errors.Is(err, windows.ERROR_PIPE_BUSY) holds for a kernel.Errno err (or one wrapping it), and
// errors.Is(err, kernel.ERROR_PIPE_BUSY) for a windows.Errno err.
//
// Errno is a plain value: it may be copied, compared with == and used as a map key.
type Errno uintptr

// Error returns the message Windows gives for the code, as syscall.Errno's Error does on Windows
// (FormatMessage in US English, trailing CR/LF removed; winsim's table of texts is kernel.Errno's).
// A code winsim has no text for gives "winapi error #N", the text syscall.Errno gives when
// FormatMessage knows no message.
func (e Errno) Error() string {
	if k, ok := e.kernel(); ok && k.Known() {
		return k.Error()
	}
	return "winapi error #" + strconv.FormatUint(uint64(e), 10)
}

// Is reports whether e matches target the way syscall.Errno's Is does on Windows
// (src/syscall/syscall_windows.go): fs.ErrPermission for ERROR_ACCESS_DENIED; fs.ErrExist for
// ERROR_ALREADY_EXISTS, ERROR_FILE_EXISTS and ERROR_DIR_NOT_EMPTY; fs.ErrNotExist for
// ERROR_FILE_NOT_FOUND, ERROR_PATH_NOT_FOUND and ERROR_BAD_NETPATH; errors.ErrUnsupported for
// ERROR_NOT_SUPPORTED and ERROR_CALL_NOT_IMPLEMENTED. It also matches a kernel.Errno of the same
// code.
func (e Errno) Is(target error) bool {
	k, ok := e.kernel()
	if !ok {
		return false
	}
	if t, isKernel := target.(kernel.Errno); isKernel {
		return k == t
	}
	return k.Is(target)
}

// Temporary reports whether the error is temporary, as syscall.Errno's does on Windows: only
// Go's invented Unix-style codes (EINTR, EMFILE, and the timeouts below) are, so no Win32 code is.
func (e Errno) Temporary() bool { return false }

// Timeout reports whether the error is a timeout, as syscall.Errno's does on Windows: only Go's
// invented codes EAGAIN, EWOULDBLOCK and ETIMEDOUT are, so no Win32 code is, not even
// ERROR_SEM_TIMEOUT or WAIT_TIMEOUT. kernel.Errno differs here on purpose (docs/deviations.md).
func (e Errno) Timeout() bool { return false }

// Win32Errno returns the code as a kernel.Errno. It is winsim's addition (x/sys/windows has no
// such method): kernel.Errno.Is uses it so that errors.Is(kernelErr, windows.ERROR_X) works.
func (e Errno) Win32Errno() kernel.Errno {
	k, _ := e.kernel()
	return k
}

// kernel converts e, reporting false for a value no DWORD holds.
func (e Errno) kernel() (kernel.Errno, bool) {
	if uint64(e) > math.MaxUint32 {
		return 0, false
	}
	return kernel.Errno(e), true
}

// Win32 error codes winsim produces, with golang.org/x/sys/windows' names (zerrors_windows.go).
// Each is kernel's code of the same name in this package's type: kernel's table holds the
// numbers, checked against Microsoft's "System Error Codes" pages.
const (
	ERROR_SUCCESS                 = Errno(kernel.ERROR_SUCCESS)
	ERROR_INVALID_FUNCTION        = Errno(kernel.ERROR_INVALID_FUNCTION)
	ERROR_FILE_NOT_FOUND          = Errno(kernel.ERROR_FILE_NOT_FOUND)
	ERROR_PATH_NOT_FOUND          = Errno(kernel.ERROR_PATH_NOT_FOUND)
	ERROR_TOO_MANY_OPEN_FILES     = Errno(kernel.ERROR_TOO_MANY_OPEN_FILES)
	ERROR_ACCESS_DENIED           = Errno(kernel.ERROR_ACCESS_DENIED)
	ERROR_INVALID_HANDLE          = Errno(kernel.ERROR_INVALID_HANDLE)
	ERROR_NOT_ENOUGH_MEMORY       = Errno(kernel.ERROR_NOT_ENOUGH_MEMORY)
	ERROR_INVALID_ACCESS          = Errno(kernel.ERROR_INVALID_ACCESS)
	ERROR_INVALID_DATA            = Errno(kernel.ERROR_INVALID_DATA)
	ERROR_OUTOFMEMORY             = Errno(kernel.ERROR_OUTOFMEMORY)
	ERROR_NOT_READY               = Errno(kernel.ERROR_NOT_READY)
	ERROR_BAD_LENGTH              = Errno(kernel.ERROR_BAD_LENGTH)
	ERROR_GEN_FAILURE             = Errno(kernel.ERROR_GEN_FAILURE)
	ERROR_SHARING_VIOLATION       = Errno(kernel.ERROR_SHARING_VIOLATION)
	ERROR_HANDLE_EOF              = Errno(kernel.ERROR_HANDLE_EOF)
	ERROR_NOT_SUPPORTED           = Errno(kernel.ERROR_NOT_SUPPORTED)
	ERROR_REM_NOT_LIST            = Errno(kernel.ERROR_REM_NOT_LIST)
	ERROR_DUP_NAME                = Errno(kernel.ERROR_DUP_NAME)
	ERROR_BAD_NETPATH             = Errno(kernel.ERROR_BAD_NETPATH)
	ERROR_NETWORK_BUSY            = Errno(kernel.ERROR_NETWORK_BUSY)
	ERROR_BAD_NET_RESP            = Errno(kernel.ERROR_BAD_NET_RESP)
	ERROR_UNEXP_NET_ERR           = Errno(kernel.ERROR_UNEXP_NET_ERR)
	ERROR_NETNAME_DELETED         = Errno(kernel.ERROR_NETNAME_DELETED)
	ERROR_BAD_NET_NAME            = Errno(kernel.ERROR_BAD_NET_NAME)
	ERROR_FILE_EXISTS             = Errno(kernel.ERROR_FILE_EXISTS)
	ERROR_INVALID_PARAMETER       = Errno(kernel.ERROR_INVALID_PARAMETER)
	ERROR_BROKEN_PIPE             = Errno(kernel.ERROR_BROKEN_PIPE)
	ERROR_OPEN_FAILED             = Errno(kernel.ERROR_OPEN_FAILED)
	ERROR_BUFFER_OVERFLOW         = Errno(kernel.ERROR_BUFFER_OVERFLOW)
	ERROR_CALL_NOT_IMPLEMENTED    = Errno(kernel.ERROR_CALL_NOT_IMPLEMENTED)
	ERROR_SEM_TIMEOUT             = Errno(kernel.ERROR_SEM_TIMEOUT)
	ERROR_INSUFFICIENT_BUFFER     = Errno(kernel.ERROR_INSUFFICIENT_BUFFER)
	ERROR_INVALID_NAME            = Errno(kernel.ERROR_INVALID_NAME)
	ERROR_INVALID_LEVEL           = Errno(kernel.ERROR_INVALID_LEVEL)
	ERROR_MOD_NOT_FOUND           = Errno(kernel.ERROR_MOD_NOT_FOUND)
	ERROR_PROC_NOT_FOUND          = Errno(kernel.ERROR_PROC_NOT_FOUND)
	ERROR_WAIT_NO_CHILDREN        = Errno(kernel.ERROR_WAIT_NO_CHILDREN)
	ERROR_CHILD_NOT_COMPLETE      = Errno(kernel.ERROR_CHILD_NOT_COMPLETE)
	ERROR_DIR_NOT_EMPTY           = Errno(kernel.ERROR_DIR_NOT_EMPTY)
	ERROR_INVALID_EVENT_COUNT     = Errno(kernel.ERROR_INVALID_EVENT_COUNT)
	ERROR_BAD_PATHNAME            = Errno(kernel.ERROR_BAD_PATHNAME)
	ERROR_BUSY                    = Errno(kernel.ERROR_BUSY)
	ERROR_ALREADY_EXISTS          = Errno(kernel.ERROR_ALREADY_EXISTS)
	ERROR_FILENAME_EXCED_RANGE    = Errno(kernel.ERROR_FILENAME_EXCED_RANGE)
	ERROR_PIPE_LOCAL              = Errno(kernel.ERROR_PIPE_LOCAL)
	ERROR_BAD_PIPE                = Errno(kernel.ERROR_BAD_PIPE)
	ERROR_PIPE_BUSY               = Errno(kernel.ERROR_PIPE_BUSY)
	ERROR_NO_DATA                 = Errno(kernel.ERROR_NO_DATA)
	ERROR_PIPE_NOT_CONNECTED      = Errno(kernel.ERROR_PIPE_NOT_CONNECTED)
	ERROR_MORE_DATA               = Errno(kernel.ERROR_MORE_DATA)
	WAIT_TIMEOUT                  = Errno(kernel.WAIT_TIMEOUT)
	ERROR_NO_MORE_ITEMS           = Errno(kernel.ERROR_NO_MORE_ITEMS)
	ERROR_DIRECTORY               = Errno(kernel.ERROR_DIRECTORY)
	ERROR_NOT_OWNER               = Errno(kernel.ERROR_NOT_OWNER)
	ERROR_TOO_MANY_POSTS          = Errno(kernel.ERROR_TOO_MANY_POSTS)
	ERROR_PARTIAL_COPY            = Errno(kernel.ERROR_PARTIAL_COPY)
	ERROR_INVALID_ADDRESS         = Errno(kernel.ERROR_INVALID_ADDRESS)
	ERROR_PIPE_CONNECTED          = Errno(kernel.ERROR_PIPE_CONNECTED)
	ERROR_PIPE_LISTENING          = Errno(kernel.ERROR_PIPE_LISTENING)
	ERROR_CANT_WAIT               = Errno(kernel.ERROR_CANT_WAIT)
	ERROR_ABANDONED_WAIT_0        = Errno(kernel.ERROR_ABANDONED_WAIT_0)
	ERROR_OPERATION_ABORTED       = Errno(kernel.ERROR_OPERATION_ABORTED)
	ERROR_IO_INCOMPLETE           = Errno(kernel.ERROR_IO_INCOMPLETE)
	ERROR_IO_PENDING              = Errno(kernel.ERROR_IO_PENDING)
	ERROR_NOACCESS                = Errno(kernel.ERROR_NOACCESS)
	ERROR_INVALID_FLAGS           = Errno(kernel.ERROR_INVALID_FLAGS)
	ERROR_NO_TOKEN                = Errno(kernel.ERROR_NO_TOKEN)
	ERROR_PROCESS_ABORTED         = Errno(kernel.ERROR_PROCESS_ABORTED)
	ERROR_NOT_FOUND               = Errno(kernel.ERROR_NOT_FOUND)
	ERROR_BAD_DEVICE              = Errno(kernel.ERROR_BAD_DEVICE)
	ERROR_INVALID_COMPUTERNAME    = Errno(kernel.ERROR_INVALID_COMPUTERNAME)
	ERROR_INVALID_DOMAINNAME      = Errno(kernel.ERROR_INVALID_DOMAINNAME)
	ERROR_NO_NETWORK              = Errno(kernel.ERROR_NO_NETWORK)
	ERROR_CONNECTION_REFUSED      = Errno(kernel.ERROR_CONNECTION_REFUSED)
	ERROR_NETWORK_UNREACHABLE     = Errno(kernel.ERROR_NETWORK_UNREACHABLE)
	ERROR_HOST_UNREACHABLE        = Errno(kernel.ERROR_HOST_UNREACHABLE)
	ERROR_NOT_ALL_ASSIGNED        = Errno(kernel.ERROR_NOT_ALL_ASSIGNED)
	ERROR_UNKNOWN_REVISION        = Errno(kernel.ERROR_UNKNOWN_REVISION)
	ERROR_INVALID_OWNER           = Errno(kernel.ERROR_INVALID_OWNER)
	ERROR_PRIVILEGE_NOT_HELD      = Errno(kernel.ERROR_PRIVILEGE_NOT_HELD)
	ERROR_USER_EXISTS             = Errno(kernel.ERROR_USER_EXISTS)
	ERROR_NO_SUCH_USER            = Errno(kernel.ERROR_NO_SUCH_USER)
	ERROR_NONE_MAPPED             = Errno(kernel.ERROR_NONE_MAPPED)
	ERROR_INVALID_ACL             = Errno(kernel.ERROR_INVALID_ACL)
	ERROR_INVALID_SID             = Errno(kernel.ERROR_INVALID_SID)
	ERROR_INVALID_SECURITY_DESCR  = Errno(kernel.ERROR_INVALID_SECURITY_DESCR)
	ERROR_BAD_IMPERSONATION_LEVEL = Errno(kernel.ERROR_BAD_IMPERSONATION_LEVEL)
	ERROR_CANT_OPEN_ANONYMOUS     = Errno(kernel.ERROR_CANT_OPEN_ANONYMOUS)
	ERROR_NO_SUCH_DOMAIN          = Errno(kernel.ERROR_NO_SUCH_DOMAIN)
	ERROR_CANNOT_IMPERSONATE      = Errno(kernel.ERROR_CANNOT_IMPERSONATE)
	ERROR_NO_SYSTEM_RESOURCES     = Errno(kernel.ERROR_NO_SYSTEM_RESOURCES)
	ERROR_TIMEOUT                 = Errno(kernel.ERROR_TIMEOUT)
	ERROR_INVALID_USER_BUFFER     = Errno(kernel.ERROR_INVALID_USER_BUFFER)
	ERROR_NOT_ENOUGH_QUOTA        = Errno(kernel.ERROR_NOT_ENOUGH_QUOTA)
	ERROR_OBJECT_NOT_FOUND        = Errno(kernel.ERROR_OBJECT_NOT_FOUND)
)
