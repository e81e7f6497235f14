package namespace

import (
	"strings"
	"unicode/utf8"
)

// MaxComputerNameLength is MAX_COMPUTERNAME_LENGTH: a NetBIOS name has at most 15
// characters (the 16th byte of a NetBIOS name is its type).
const MaxComputerNameLength = 15

// computerNameInvalid holds the characters a NetBIOS computer or domain name may not
// contain: the default invalid set of [MS-SRVS] 2.2.2.8 Name Types (`"/\[]:|<>+=;,?`),
// which the SetComputerNameEx docs repeat, plus `*`, which NAMETYPE_COMPUTER and
// NAMETYPE_DOMAIN also refuse. Control characters are refused separately.
const computerNameInvalid = `"/\[]:|<>+=;,?*`

// ValidateComputerName checks a NetBIOS machine or domain name as Windows does before it
// accepts one, and returns ErrInvalidName when it is not acceptable:
//
//   - 1 to MaxComputerNameLength characters (MAX_COMPUTERNAME_LENGTH; "Computer Names" in
//     the Win32 docs; [MS-SRVS] gives NAMETYPE_DOMAIN 1/15);
//   - none of `"/\[]:|<>+=;,?*` and no control character (0x00-0x1F, 0x7F)
//     ([MS-SRVS] 2.2.2.8; SetComputerNameEx: "cannot include control characters ... or any
//     of the following characters");
//   - no leading or trailing space (SetComputerNameEx; NAMETYPE_COMPUTER "No leading or
//     trailing blanks");
//   - valid UTF-8 (a Go string that is not cannot be a UTF-16 name);
//   - not made of dots and spaces only ([MS-SRVS] 2.2.2.8: such names are not allowed for
//     computers or domains), which refuses "." and "..".
//
// Case is not checked: NetBIOS names are compared after upcasing. Length is counted in
// UTF-16 characters, not OEM bytes (see docs/deviations.md).
func ValidateComputerName(name string) error {
	n := utf16Len(name)
	if !utf8.ValidString(name) || n == 0 || n > MaxComputerNameLength {
		return pathError(ErrInvalidName, name)
	}
	for _, r := range name {
		if r < 0x20 || r == 0x7F || (r < 0x80 && strings.ContainsRune(computerNameInvalid, r)) {
			return pathError(ErrInvalidName, name)
		}
	}
	if name[0] == ' ' || name[len(name)-1] == ' ' || strings.Trim(name, ". ") == "" {
		return pathError(ErrInvalidName, name)
	}
	return nil
}
