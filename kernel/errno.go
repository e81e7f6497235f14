package kernel

import (
	"errors"
	"io/fs"
	"strconv"
)

// Errno is a Win32 error code, the value GetLastError returns after a failed call. It is
// analogous to syscall.Errno on Windows (which golang.org/x/sys/windows re-exports), defined here
// because those packages build only on Windows.
//
// Every winsim call that fails returns an Errno, either directly or wrapped; callers test it with
// errors.Is(err, kernel.ERROR_BROKEN_PIPE) or recover it with errors.As. Error returns the text
// Windows' FormatMessage gives for the code; Is maps codes onto the io/fs and errors sentinels
// the same way Go's syscall package does on Windows, so generic Go code understands our errors.
//
// Errno is a plain value: it may be copied, compared with == and used as a map key.
type Errno uint32

// Win32 error codes. Names and numbers are those of WinError.h as spelled by
// golang.org/x/sys/windows; each was checked against Microsoft's "System Error Codes" pages
// (learn.microsoft.com/windows/win32/debug/system-error-codes). The message texts live in
// errno_text.go.
//
// WAIT_TIMEOUT is listed here because Windows also reports it as a last-error value (x/sys/windows
// declares it as an Errno too); WaitForSingleObject's return value of the same number is the
// concern of the wait code, not of this type.
const (
	ERROR_SUCCESS              Errno = 0
	ERROR_INVALID_FUNCTION     Errno = 1
	ERROR_FILE_NOT_FOUND       Errno = 2
	ERROR_PATH_NOT_FOUND       Errno = 3
	ERROR_TOO_MANY_OPEN_FILES  Errno = 4
	ERROR_ACCESS_DENIED        Errno = 5
	ERROR_INVALID_HANDLE       Errno = 6
	ERROR_NOT_ENOUGH_MEMORY    Errno = 8
	ERROR_INVALID_ACCESS       Errno = 12
	ERROR_INVALID_DATA         Errno = 13
	ERROR_OUTOFMEMORY          Errno = 14
	ERROR_NOT_READY            Errno = 21
	ERROR_BAD_LENGTH           Errno = 24
	ERROR_GEN_FAILURE          Errno = 31
	ERROR_SHARING_VIOLATION    Errno = 32
	ERROR_HANDLE_EOF           Errno = 38
	ERROR_NOT_SUPPORTED        Errno = 50
	ERROR_REM_NOT_LIST         Errno = 51
	ERROR_DUP_NAME             Errno = 52
	ERROR_BAD_NETPATH          Errno = 53
	ERROR_NETWORK_BUSY         Errno = 54
	ERROR_BAD_NET_RESP         Errno = 58
	ERROR_UNEXP_NET_ERR        Errno = 59
	ERROR_NETNAME_DELETED      Errno = 64
	ERROR_BAD_NET_NAME         Errno = 67
	ERROR_FILE_EXISTS          Errno = 80
	ERROR_INVALID_PARAMETER    Errno = 87
	ERROR_BROKEN_PIPE          Errno = 109
	ERROR_OPEN_FAILED          Errno = 110
	ERROR_BUFFER_OVERFLOW      Errno = 111
	ERROR_CALL_NOT_IMPLEMENTED Errno = 120
	ERROR_SEM_TIMEOUT          Errno = 121
	ERROR_INSUFFICIENT_BUFFER  Errno = 122
	ERROR_INVALID_NAME         Errno = 123
	ERROR_INVALID_LEVEL        Errno = 124
	ERROR_MOD_NOT_FOUND        Errno = 126
	ERROR_PROC_NOT_FOUND       Errno = 127
	ERROR_WAIT_NO_CHILDREN     Errno = 128
	ERROR_CHILD_NOT_COMPLETE   Errno = 129
	ERROR_DIR_NOT_EMPTY        Errno = 145
	ERROR_INVALID_EVENT_COUNT  Errno = 151
	ERROR_BAD_PATHNAME         Errno = 161
	ERROR_BUSY                 Errno = 170
	ERROR_ALREADY_EXISTS       Errno = 183
	WAIT_IO_COMPLETION         Errno = 192 // an alertable wait ran APCs (the same number as ERROR_EXE_MARKED_INVALID)
	ERROR_FILENAME_EXCED_RANGE Errno = 206
	ERROR_PIPE_LOCAL           Errno = 229
	ERROR_BAD_PIPE             Errno = 230
	ERROR_PIPE_BUSY            Errno = 231
	ERROR_NO_DATA              Errno = 232
	ERROR_PIPE_NOT_CONNECTED   Errno = 233
	ERROR_MORE_DATA            Errno = 234
	WAIT_TIMEOUT               Errno = 258
	ERROR_NO_MORE_ITEMS        Errno = 259
	ERROR_DIRECTORY            Errno = 267
	ERROR_NOT_OWNER            Errno = 288
	ERROR_TOO_MANY_POSTS       Errno = 298
	ERROR_PARTIAL_COPY         Errno = 299
	ERROR_INVALID_ADDRESS      Errno = 487
	ERROR_PIPE_CONNECTED       Errno = 535
	ERROR_PIPE_LISTENING       Errno = 536
	ERROR_CANT_WAIT            Errno = 554
	ERROR_ABANDONED_WAIT_0     Errno = 735
	ERROR_OPERATION_ABORTED    Errno = 995
	ERROR_IO_INCOMPLETE        Errno = 996
	ERROR_IO_PENDING           Errno = 997
	ERROR_NOACCESS             Errno = 998
	ERROR_INVALID_FLAGS        Errno = 1004
	ERROR_PROCESS_ABORTED      Errno = 1067
	ERROR_NOT_FOUND            Errno = 1168
	ERROR_BAD_DEVICE           Errno = 1200
	ERROR_INVALID_COMPUTERNAME Errno = 1210
	ERROR_INVALID_DOMAINNAME   Errno = 1212
	ERROR_NO_NETWORK           Errno = 1222
	ERROR_CONNECTION_REFUSED   Errno = 1225
	ERROR_NETWORK_UNREACHABLE  Errno = 1231
	ERROR_HOST_UNREACHABLE     Errno = 1232
	ERROR_NOT_ALL_ASSIGNED     Errno = 1300
	ERROR_PRIVILEGE_NOT_HELD   Errno = 1314
	ERROR_NO_SUCH_DOMAIN       Errno = 1355
	ERROR_CANNOT_IMPERSONATE   Errno = 1368
	ERROR_NO_SYSTEM_RESOURCES  Errno = 1450
	ERROR_TIMEOUT              Errno = 1460
	ERROR_INVALID_USER_BUFFER  Errno = 1784
	ERROR_NOT_ENOUGH_QUOTA     Errno = 1816
	ERROR_OBJECT_NOT_FOUND     Errno = 4312
)

// Win32 error codes of the security model (tokens, SIDs, ACLs, descriptors,
// impersonation), checked against the same pages.
const (
	ERROR_NO_TOKEN                Errno = 1008
	ERROR_UNKNOWN_REVISION        Errno = 1305
	ERROR_INVALID_OWNER           Errno = 1307
	ERROR_NO_SUCH_PRIVILEGE       Errno = 1313
	ERROR_USER_EXISTS             Errno = 1316
	ERROR_NO_SUCH_USER            Errno = 1317
	ERROR_NONE_MAPPED             Errno = 1332
	ERROR_INVALID_ACL             Errno = 1336
	ERROR_INVALID_SID             Errno = 1337
	ERROR_INVALID_SECURITY_DESCR  Errno = 1338
	ERROR_BAD_IMPERSONATION_LEVEL Errno = 1346
	ERROR_CANT_OPEN_ANONYMOUS     Errno = 1347
)

// Error returns the message Windows gives for the code, as FormatMessage with
// FORMAT_MESSAGE_FROM_SYSTEM|FORMAT_MESSAGE_IGNORE_INSERTS returns it in US English (the text
// Microsoft's "System Error Codes" pages list), without the trailing CR/LF. Inserts such as "%1"
// are left as they are, as FORMAT_MESSAGE_IGNORE_INSERTS leaves them. A code winsim has no text
// for gives "winsim: unknown error N".
//
// Error does not allocate for known codes.
func (e Errno) Error() string {
	if ent := lookupErrno(e); ent != nil {
		return ent.text
	}
	return "winsim: unknown error " + strconv.FormatUint(uint64(e), 10)
}

// Is reports whether e matches target, so that errors.Is understands Win32 codes the way Go's
// syscall package does on Windows (src/syscall/syscall_windows.go, Errno.Is):
//
//	fs.ErrPermission       ERROR_ACCESS_DENIED
//	fs.ErrExist            ERROR_ALREADY_EXISTS, ERROR_FILE_EXISTS, ERROR_DIR_NOT_EMPTY
//	fs.ErrNotExist         ERROR_FILE_NOT_FOUND, ERROR_PATH_NOT_FOUND, ERROR_BAD_NETPATH
//	errors.ErrUnsupported  ERROR_NOT_SUPPORTED, ERROR_CALL_NOT_IMPLEMENTED
//
// Two Errno values match when they are equal; errors.Is checks that before calling Is. So does an
// Errno and an error of another type that carries a Win32 code through a method
// Win32Errno() Errno: the facade package windows gives its own Errno type one, so that
// errors.Is(err, windows.ERROR_ACCESS_DENIED) holds for a kernel.Errno err.
func (e Errno) Is(target error) bool {
	if c, ok := target.(win32Coder); ok {
		return e == c.Win32Errno()
	}
	switch target {
	case fs.ErrPermission:
		return e == ERROR_ACCESS_DENIED
	case fs.ErrExist:
		return e == ERROR_ALREADY_EXISTS || e == ERROR_FILE_EXISTS || e == ERROR_DIR_NOT_EMPTY
	case fs.ErrNotExist:
		return e == ERROR_FILE_NOT_FOUND || e == ERROR_PATH_NOT_FOUND || e == ERROR_BAD_NETPATH
	case errors.ErrUnsupported:
		return e == ERROR_NOT_SUPPORTED || e == ERROR_CALL_NOT_IMPLEMENTED
	}
	return false
}

// win32Coder is an error of another package that stands for a Win32 code (windows.Errno).
type win32Coder interface{ Win32Errno() Errno }

// Known reports whether winsim has a name and a message text for the code.
func (e Errno) Known() bool { return lookupErrno(e) != nil }

// Timeout reports whether the code means a timeout expired: ERROR_SEM_TIMEOUT (a mailslot read or
// WaitNamedPipe ran out of time; NT's STATUS_IO_TIMEOUT), WAIT_TIMEOUT and ERROR_TIMEOUT
// (STATUS_TIMEOUT). Go's syscall.Errno reports none of these as a timeout; winsim differs on
// purpose so that code testing for interface{ Timeout() bool } sees our timeouts. See
// docs/deviations.md, "kernel.Errno reports Win32 timeouts from Timeout".
func (e Errno) Timeout() bool {
	return e == ERROR_SEM_TIMEOUT || e == WAIT_TIMEOUT || e == ERROR_TIMEOUT
}

// Name returns the constant's name ("ERROR_BROKEN_PIPE"), for traces and views. A code winsim
// has no name for gives "Errno(N)". Name does not allocate for known codes.
func (e Errno) Name() string {
	if ent := lookupErrno(e); ent != nil {
		return ent.name
	}
	return "Errno(" + strconv.FormatUint(uint64(e), 10) + ")"
}

// Code returns the numeric Win32 error code, the value GetLastError would return.
func (e Errno) Code() uint32 { return uint32(e) }
