package mailslot

import (
	"strings"

	"github.com/winsim/winsim/kernel"
	"github.com/winsim/winsim/namespace"
)

// This file holds the mailslot file system's name rules: the form of a mailslot name
// below \Device\Mailslot, and the largest-prefix search NT's MSFS does on its prefix
// table (an FCB found as a proper prefix of the name makes the name invalid).

// validName reports whether path, the part of an NT name after \Device\Mailslot, is a
// name a mailslot can be created with. It applies NT MSFS's MsIsNameValid (createms.c):
// the name starts with `\`, has at least one more character, does not end with `\`, and
// contains no character NTFS refuses in a file name (the control characters 0x00-0x1F
// and `"*/:<>?|`; "Naming Files, Paths, and Namespaces" in the Win32 docs lists them).
// Path components (`\app\events`) are allowed: they are pseudo-directories of one name.
func validName(path string) bool {
	if len(path) < 2 || path[0] != '\\' || path[len(path)-1] == '\\' {
		return false
	}
	for i := 1; i < len(path); i++ {
		c := path[i]
		if c < 0x20 || strings.IndexByte(`"*/:<>?|`, c) >= 0 {
			return false
		}
	}
	return true
}

// prefixTakenLocked reports whether a live mailslot's name is a proper prefix of path at a
// component boundary (`\a` for `\a\b`). NT MSFS then refuses both CreateMailslot and
// CreateFile of path with STATUS_OBJECT_NAME_INVALID (createms.c, create.c: the prefix
// table's longest match is an FCB with a remaining name).
//
// Preconditions: d.mu is held (read or write).
func (d *Device) prefixTakenLocked(path string) bool {
	for i := 1; i < len(path); i++ {
		if path[i] == '\\' {
			if _, ok := d.slots[namespace.Fold(path[:i])]; ok {
				return true
			}
		}
	}
	return false
}

// errInvalidName is what NT reports for a mailslot name it cannot use.
const errInvalidName = kernel.ERROR_INVALID_NAME
