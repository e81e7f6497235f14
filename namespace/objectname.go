package namespace

import "strings"

// MaxPath is Win32's MAX_PATH, in characters including the terminating NUL.
const MaxPath = 260

// ObjectName maps the lpName of a kernel32 named-object call (CreateEvent, OpenEvent,
// CreateMutex, CreateSemaphore, ...) to the NT path kernel32 opens: the name relative to
// the session's \Sessions\1\BaseNamedObjects directory (kernelbase's
// BaseGetNamedObjectDirectory; ntdll/tests/om.c test_query_object finds a kernel32 event
// at \Sessions\<id>\BaseNamedObjects\<name>).
//
//	"x"         -> \Sessions\1\BaseNamedObjects\x
//	"Global\x"  -> \Sessions\1\BaseNamedObjects\Global\x  (the Global link leads to \BaseNamedObjects\x)
//	"Local\x"   -> \Sessions\1\BaseNamedObjects\Local\x   (the Local link leads back to the session)
//	"Session\2\x" -> ...\Session\2\x                     (through \Sessions\BNOLINKS)
//
// Nothing else is interpreted: the prefixes are symbolic links resolved when the path is
// looked up, which is also why they are case-sensitive for kernel32's objects (look such
// names up with CaseSensitive). A backslash anywhere else makes the lookup fail with
// ErrPathNotFound, which is the ERROR_PATH_NOT_FOUND CreateEvent gives for "willy\wonka"
// (The Old New Thing, "Why does CreateEvent fail with ERROR_PATH_NOT_FOUND if I give it a
// name with a backslash?", 2012-01-12).
//
// The empty name means an unnamed object; ObjectName returns "" and no error for it and
// callers must not look "" up.
//
// Errors: ErrNameTooLong (ERROR_FILENAME_EXCED_RANGE) when the name has MaxPath or more
// UTF-16 characters. The docs limit the name to MAX_PATH characters, and kernel32's ANSI
// entry points copy it into a WCHAR[MAX_PATH] and fail this way when it does not fit with
// its NUL (Wine dlls/kernel32/sync.c CreateSemaphoreExA, OpenMutexA, ...). Whether the
// Unicode entry points enforce the limit is not verified; see docs/deviations.md.
func ObjectName(name string) (string, error) {
	if name == "" {
		return "", nil
	}
	if strings.IndexByte(name, 0) >= 0 {
		return "", pathError(ErrInvalidName, name) // see ParseWin32Path
	}
	if len(name) >= MaxPath && utf16Len(name) >= MaxPath {
		return "", pathError(ErrNameTooLong, name)
	}
	return SessionBaseNamedObjects + `\` + name, nil
}
