package mailslot

import (
	"github.com/winsim/winsim/kernel"
)

// This file holds the mailslot file system's name rule: the form a name below
// \Device\Mailslot must have to be created or opened.
//
// The Mailslot Names and CreateMailslot pages give the form \\.\mailslot\[path\]name:
// a name is required, it comes last, and it may be preceded by pseudo-directories
// separated by backslashes. Names are flat strings: `\a` and `\a\b` are two unrelated
// mailslots that may live at the same time, and opening `\a\b` while only `\a` lives
// finds nothing (Wine server/mailslot.c and ReactOS drivers/filesystems/msfs/create.c
// both look names up as whole strings; implementations, unverified on Windows).

// validName reports whether path, the part of an NT name after \Device\Mailslot, is a
// name a mailslot can have: `\` followed by at least one character, not ending in `\`.
//
// Only the empty name and the trailing backslash are refused, because the documented
// form needs a name after the last backslash. Windows refuses an empty pipe name with
// STATUS_OBJECT_NAME_INVALID (Wine ntdll/tests/pipe.c test_empty_name), which is the
// code used here. Unverified: a trailing backslash is refused because the documented
// form ends in a name, although Windows' named-pipe file system keeps one as part of a
// valid name (windows-facts.md NP-7) and the mailslot file system may do the same.
//
// No character is refused: the docs list none for mailslot names, Wine and ReactOS
// check none, and Windows accepts `<>*?|"/` in pipe names (windows-facts.md NP-6).
func validName(path string) bool {
	return len(path) >= 2 && path[0] == '\\' && path[len(path)-1] != '\\'
}

// errInvalidName is what a mailslot name that cannot be used gets:
// STATUS_OBJECT_NAME_INVALID, ERROR_INVALID_NAME.
const errInvalidName = kernel.ERROR_INVALID_NAME
