package namespace

import "errors"

// Error is a namespace failure carrying the Win32 error code it maps to. The kernel turns
// it into a kernel.Errno with [Code] (or errors.As) without this package importing the
// kernel.
//
// Errors are package-level sentinels compared by identity: use errors.Is(err, ErrX). Calls
// may wrap a sentinel with fmt.Errorf("%w") to add the name that failed.
type Error struct {
	Code uint32 // Win32 error code (winerror.h)
	Msg  string

	// parent, when set, is a more general sentinel this one also matches through errors.Is.
	// Immutable.
	parent *Error
}

var _ error = (*Error)(nil)

// Error implements the error interface.
func (e *Error) Error() string { return "namespace: " + e.Msg }

// Unwrap lets errors.Is see the more general sentinel a specific one stands for
// (ErrTooManyLinks is reported by NT as a plain name-not-found).
func (e *Error) Unwrap() error {
	if e.parent == nil {
		return nil
	}
	return e.parent
}

// The NT status each sentinel stands for is named after it; the Win32 code is what
// RtlNtStatusToDosError gives for that status (Microsoft's NTSTATUS-to-Win32 mapping; windows-facts.md lists the codes).
var (
	// ErrInvalidName is ERROR_INVALID_NAME (123), from STATUS_OBJECT_NAME_INVALID: an empty
	// path component (`\\x`, `\x\`, `\x\\y`), a path too long for a UNICODE_STRING, or a
	// Win32 name that is neither a device path nor a UNC path.
	ErrInvalidName = &Error{Code: 123, Msg: "object name invalid"}
	// ErrBadPathname is ERROR_BAD_PATHNAME (161), from STATUS_OBJECT_PATH_SYNTAX_BAD: an NT
	// path that does not start at the root, or a UNC path without a server or share.
	ErrBadPathname = &Error{Code: 161, Msg: "object path syntax bad"}
	// ErrNameNotFound is ERROR_FILE_NOT_FOUND (2), from STATUS_OBJECT_NAME_NOT_FOUND: the
	// last component of a path does not exist.
	ErrNameNotFound = &Error{Code: 2, Msg: "object name not found"}
	// ErrPathNotFound is ERROR_PATH_NOT_FOUND (3), from STATUS_OBJECT_PATH_NOT_FOUND: a
	// component before the last does not exist or is not a directory. kernel32 also
	// reports it for an empty Win32 name.
	ErrPathNotFound = &Error{Code: 3, Msg: "object path not found"}
	// ErrNameCollision is ERROR_ALREADY_EXISTS (183), from STATUS_OBJECT_NAME_COLLISION.
	ErrNameCollision = &Error{Code: 183, Msg: "object name collision"}
	// ErrNameTooLong is ERROR_FILENAME_EXCED_RANGE (206), from STATUS_NAME_TOO_LONG: a name
	// over the limit of the API that received it.
	ErrNameTooLong = &Error{Code: 206, Msg: "name too long"}
	// ErrTooManyLinks reports a lookup that met more symbolic links than NT follows
	// ([MaxSymlinkDepth]). NT's object manager gives up with STATUS_OBJECT_NAME_NOT_FOUND,
	// so the code is ERROR_FILE_NOT_FOUND (2) and errors.Is(ErrTooManyLinks,
	// ErrNameNotFound) is true. See docs/deviations.md: no Windows-run test pins this down.
	ErrTooManyLinks = &Error{Code: 2, Msg: "too many levels of symbolic links", parent: ErrNameNotFound}
	// ErrInvalidParameter is ERROR_INVALID_PARAMETER (87): API misuse such as inserting a
	// nil value.
	ErrInvalidParameter = &Error{Code: 87, Msg: "invalid parameter"}
)

// Code returns the Win32 error code carried by the first *Error in err's chain.
func Code(err error) (uint32, bool) {
	var e *Error
	if errors.As(err, &e) {
		return e.Code, true
	}
	return 0, false
}
