// Package namespace is winsim's object namespace: the tree of NT object directories and
// symbolic links that every named object lives in, and the translation of Win32 names into
// it. It is analogous to NT's object manager name space (ObpLookupObjectName) and to
// Wine's server/object.c, directory.c and symlink.c.
//
// The package knows nothing of object types: directory entries are `any`. A lookup walks
// *Directory and *Symlink entries itself and stops at anything else, returning it with the
// unparsed rest of the path; that is where the kernel hands over to a device's parse
// routine (the named-pipe and mailslot file systems parse their own names). It imports only
// the standard library.
//
// # The tree
//
// NewRoot builds the part of a machine's tree that pipes, mailslots and named kernel
// objects use:
//
//	\Device\NamedPipe, \Device\Mailslot, \Device\Mup   device objects (inserted by the kernel)
//	\GLOBAL??\PIPE -> \Device\NamedPipe                DOS device names ...
//	\GLOBAL??\MAILSLOT -> \Device\Mailslot
//	\GLOBAL??\UNC -> \Device\Mup
//	\?? -> \GLOBAL??                                   ... reached through \??
//	\BaseNamedObjects                                  "Global\" kernel objects
//	\Sessions\1\BaseNamedObjects                       kernel32's named objects
//	    Global -> \BaseNamedObjects, Local -> \Sessions\1\BaseNamedObjects,
//	    Session -> \Sessions\BNOLINKS
//
// # From Win32 names to objects
//
// ParseWin32Path does what RtlDosPathNameToNtPathName_U does for the names kernel32's
// CreateFile, CreateNamedPipe and CreateMailslot receive; Lookup on the root then follows
// the links:
//
//	Win32 name               NT path (ParseWin32Path)       Lookup on NewRoot() reaches
//	\\.\pipe\x               \??\pipe\x                     \Device\NamedPipe, rest \x
//	\\.\PiPe\x               \??\PiPe\x                     \Device\NamedPipe, rest \x
//	\\.\mailslot\a\b         \??\mailslot\a\b               \Device\Mailslot, rest \a\b
//	\\?\pipe\a/b             \??\pipe\a/b                   \Device\NamedPipe, rest \a/b
//	\\.\pipe\a/b             \??\pipe\a\b (normalised)      \Device\NamedPipe, rest \a\b
//	\\HOST\pipe\x            \??\UNC\HOST\pipe\x            \Device\Mup, rest \HOST\pipe\x
//	\\*\mailslot\x           \??\UNC\*\mailslot\x           \Device\Mup, rest \*\mailslot\x
//
// `\\?\` names are taken verbatim; `\\.\` and UNC names are normalised first (`/` becomes
// `\`, `.` and `..` are resolved, trailing dots and spaces dropped), exactly as Windows does:
// see path.go. A trailing backslash is kept and is significant (`\\.\pipe\x\` is not
// `\\.\pipe\x`).
//
// ObjectName maps the lpName of CreateEvent and friends to a path under
// \Sessions\1\BaseNamedObjects; its "Global\" and "Local\" prefixes are symbolic links
// resolved by Lookup.
//
// # Names and case
//
// Directories preserve the case a name was created with. CreateFile-style lookups
// (Lookup, Insert, Remove) compare names case-insensitively; kernel32's events, mutexes
// and semaphores are case-sensitive and use LookupMatch and InsertMatch with CaseSensitive.
// NT compares by upcasing each character (RtlUpcaseUnicodeChar), not by lower-casing or
// Unicode folding; Fold exposes that key for devices that keep their own name tables.
//
// A lookup follows at most MaxSymlinkDepth-1 symbolic links, so a loop of links fails with
// ErrTooManyLinks instead of hanging.
//
// # Errors
//
// Every failure is one of the *Error sentinels (possibly wrapped with the name that
// failed), each carrying the Win32 code NT's status maps to:
//
//	ErrInvalidName      123 ERROR_INVALID_NAME          STATUS_OBJECT_NAME_INVALID
//	ErrBadPathname      161 ERROR_BAD_PATHNAME          STATUS_OBJECT_PATH_SYNTAX_BAD
//	ErrNameNotFound       2 ERROR_FILE_NOT_FOUND        STATUS_OBJECT_NAME_NOT_FOUND
//	ErrPathNotFound       3 ERROR_PATH_NOT_FOUND        STATUS_OBJECT_PATH_NOT_FOUND
//	ErrNameCollision    183 ERROR_ALREADY_EXISTS        STATUS_OBJECT_NAME_COLLISION
//	ErrNameTooLong      206 ERROR_FILENAME_EXCED_RANGE  STATUS_NAME_TOO_LONG
//	ErrTooManyLinks       2 ERROR_FILE_NOT_FOUND        (reparse limit; matches ErrNameNotFound)
//	ErrInvalidParameter  87 ERROR_INVALID_PARAMETER     STATUS_INVALID_PARAMETER
//
// Deliberate and unverified differences from Windows are listed in docs/deviations.md.
//
// # Locking
//
// Lock order (outermost first):
//
//	(kernel locks)
//	  Directory.mu   a leaf: at most one directory's lock is held at a time
//
// A lookup holds each directory's read lock only while it searches that directory, and
// no namespace lock is held while Walk calls its function, so callers may hold their own
// locks while calling into this package.
package namespace
