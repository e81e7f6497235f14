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

// Win32 error codes winsim produces, with golang.org/x/sys/windows' names and values
// (zerrors_windows.go; Microsoft's "System Error Codes" pages). Each is kernel's code of the same
// name in this package's type.
const (
	ERROR_SUCCESS                 Errno = 0
	ERROR_INVALID_FUNCTION        Errno = 1
	ERROR_FILE_NOT_FOUND          Errno = 2
	ERROR_PATH_NOT_FOUND          Errno = 3
	ERROR_TOO_MANY_OPEN_FILES     Errno = 4
	ERROR_ACCESS_DENIED           Errno = 5
	ERROR_INVALID_HANDLE          Errno = 6
	ERROR_NOT_ENOUGH_MEMORY       Errno = 8
	ERROR_INVALID_ACCESS          Errno = 12
	ERROR_INVALID_DATA            Errno = 13
	ERROR_OUTOFMEMORY             Errno = 14
	ERROR_NOT_READY               Errno = 21
	ERROR_BAD_LENGTH              Errno = 24
	ERROR_GEN_FAILURE             Errno = 31
	ERROR_SHARING_VIOLATION       Errno = 32
	ERROR_HANDLE_EOF              Errno = 38
	ERROR_NOT_SUPPORTED           Errno = 50
	ERROR_REM_NOT_LIST            Errno = 51
	ERROR_DUP_NAME                Errno = 52
	ERROR_BAD_NETPATH             Errno = 53
	ERROR_NETWORK_BUSY            Errno = 54
	ERROR_BAD_NET_RESP            Errno = 58
	ERROR_UNEXP_NET_ERR           Errno = 59
	ERROR_NETNAME_DELETED         Errno = 64
	ERROR_BAD_NET_NAME            Errno = 67
	ERROR_FILE_EXISTS             Errno = 80
	ERROR_INVALID_PARAMETER       Errno = 87
	ERROR_BROKEN_PIPE             Errno = 109
	ERROR_OPEN_FAILED             Errno = 110
	ERROR_BUFFER_OVERFLOW         Errno = 111
	ERROR_CALL_NOT_IMPLEMENTED    Errno = 120
	ERROR_SEM_TIMEOUT             Errno = 121
	ERROR_INSUFFICIENT_BUFFER     Errno = 122
	ERROR_INVALID_NAME            Errno = 123
	ERROR_INVALID_LEVEL           Errno = 124
	ERROR_MOD_NOT_FOUND           Errno = 126
	ERROR_PROC_NOT_FOUND          Errno = 127
	ERROR_WAIT_NO_CHILDREN        Errno = 128
	ERROR_CHILD_NOT_COMPLETE      Errno = 129
	ERROR_DIR_NOT_EMPTY           Errno = 145
	ERROR_INVALID_EVENT_COUNT     Errno = 151
	ERROR_BAD_PATHNAME            Errno = 161
	ERROR_BUSY                    Errno = 170
	ERROR_ALREADY_EXISTS          Errno = 183
	ERROR_FILENAME_EXCED_RANGE    Errno = 206
	ERROR_PIPE_LOCAL              Errno = 229
	ERROR_BAD_PIPE                Errno = 230
	ERROR_PIPE_BUSY               Errno = 231
	ERROR_NO_DATA                 Errno = 232
	ERROR_PIPE_NOT_CONNECTED      Errno = 233
	ERROR_MORE_DATA               Errno = 234
	WAIT_TIMEOUT                  Errno = 258
	ERROR_NO_MORE_ITEMS           Errno = 259
	ERROR_DIRECTORY               Errno = 267
	ERROR_NOT_OWNER               Errno = 288
	ERROR_TOO_MANY_POSTS          Errno = 298
	ERROR_PARTIAL_COPY            Errno = 299
	ERROR_INVALID_ADDRESS         Errno = 487
	ERROR_PIPE_CONNECTED          Errno = 535
	ERROR_PIPE_LISTENING          Errno = 536
	ERROR_CANT_WAIT               Errno = 554
	ERROR_ABANDONED_WAIT_0        Errno = 735
	ERROR_OPERATION_ABORTED       Errno = 995
	ERROR_IO_INCOMPLETE           Errno = 996
	ERROR_IO_PENDING              Errno = 997
	ERROR_NOACCESS                Errno = 998
	ERROR_INVALID_FLAGS           Errno = 1004
	ERROR_NO_TOKEN                Errno = 1008
	ERROR_PROCESS_ABORTED         Errno = 1067
	ERROR_NOT_FOUND               Errno = 1168
	ERROR_BAD_DEVICE              Errno = 1200
	ERROR_INVALID_COMPUTERNAME    Errno = 1210
	ERROR_INVALID_DOMAINNAME      Errno = 1212
	ERROR_NO_NETWORK              Errno = 1222
	ERROR_CONNECTION_REFUSED      Errno = 1225
	ERROR_NETWORK_UNREACHABLE     Errno = 1231
	ERROR_HOST_UNREACHABLE        Errno = 1232
	ERROR_NOT_ALL_ASSIGNED        Errno = 1300
	ERROR_UNKNOWN_REVISION        Errno = 1305
	ERROR_INVALID_OWNER           Errno = 1307
	ERROR_PRIVILEGE_NOT_HELD      Errno = 1314
	ERROR_USER_EXISTS             Errno = 1316
	ERROR_NO_SUCH_USER            Errno = 1317
	ERROR_NONE_MAPPED             Errno = 1332
	ERROR_INVALID_ACL             Errno = 1336
	ERROR_INVALID_SID             Errno = 1337
	ERROR_INVALID_SECURITY_DESCR  Errno = 1338
	ERROR_BAD_IMPERSONATION_LEVEL Errno = 1346
	ERROR_CANT_OPEN_ANONYMOUS     Errno = 1347
	ERROR_NO_SUCH_DOMAIN          Errno = 1355
	ERROR_CANNOT_IMPERSONATE      Errno = 1368
	ERROR_NO_SYSTEM_RESOURCES     Errno = 1450
	ERROR_TIMEOUT                 Errno = 1460
	ERROR_INVALID_USER_BUFFER     Errno = 1784
	ERROR_NOT_ENOUGH_QUOTA        Errno = 1816
)
