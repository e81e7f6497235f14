package namespace

import (
	"strconv"
	"strings"
)

// This file implements the Win32 -> NT name translation that kernel32's CreateFile,
// CreateNamedPipe, CreateMailslot and WaitNamedPipe get from ntdll's
// RtlDosPathNameToNtPathName_U, for the two kinds of Win32 names that reach devices:
//
//  1. `\\?\X` and `\??\X` are verbatim: only the prefix becomes `\??\`. Nothing else
//     changes, so `/`, `.`, `..` and trailing dots or spaces stay literal.
//  2. `\\.\X` (either slash, and `//?/X`) is a local device path. It is normalised the way
//     RtlGetFullPathName_U normalises any path, with nothing before the device name
//     protected: every `/` becomes `\`, runs of `\` shrink to one, `.` components vanish,
//     `..` removes the component before it (and can remove the device name itself), one
//     trailing dot is dropped from each inner component and trailing dots and spaces from
//     the last. Then `\\.\` becomes `\??\`.
//  3. `\\server\share\X` is a UNC path: normalised the same way below `\\server\share\`,
//     then `\\` becomes `\??\UNC\`.
//
// So a pipe created as `\\.\pipe\a/b` is really named `a\b`, and CreateFile finds it by
// either spelling, which is all kernel32/tests/pipe.c test_CreateNamedPipe shows with
// `\\.\pipe\a<>*?|"/b`. `\\?\pipe\a/b` keeps the `/`, as NT-level names do (windows-facts.md NP-8). The exact outputs are those ntdll/tests/path.c test_RtlDosPathNameToNtPathName_U
// and test_RtlGetFullPathName_U assert on Windows; path_test.go repeats them.

// Kind says which form a Win32 name had.
type Kind int

const (
	// KindDevice is a local device path: `\\.\pipe\x`, `\\?\mailslot\x`.
	KindDevice Kind = iota + 1
	// KindUNC is a UNC path: `\\HOST\pipe\x`, `\\*\mailslot\x`, `\\DOMAIN\mailslot\x`.
	KindUNC
)

// String returns "device" or "unc".
func (k Kind) String() string {
	switch k {
	case KindDevice:
		return "device"
	case KindUNC:
		return "unc"
	}
	return "Kind(" + strconv.Itoa(int(k)) + ")"
}

// Win32Path is a Win32 device or UNC name translated to the NT namespace.
//
// The parts are taken from NTPath, after Windows' normalisation, so for KindDevice
// NTPath == `\??\` + Share + Rest and for KindUNC NTPath == `\??\UNC\` + Host + `\` +
// Share + Rest, where "UNC" keeps the case it was written in (`\\.\unc\h\s`). Case is
// preserved everywhere.
type Win32Path struct {
	Kind Kind
	// Host is the server component of a UNC path as written ("*", a host, a domain), and
	// "." for a device path.
	Host string
	// Share is the first component after the host (or after `\\.\`): "pipe", "mailslot",
	// "PiPe" as written.
	Share string
	// Rest is everything after Share, starting with `\`, or "". Windows' normalisation of
	// `\\.\` and UNC names has been applied; a `\\?\` name's rest is exactly as written.
	Rest string
	// NTPath is the name RtlDosPathNameToNtPathName_U gives: `\??\PIPE\x`,
	// `\??\UNC\HOST\pipe\x`.
	NTPath string
}

// Errors from ParseWin32Path, with the Windows behaviour behind each (details in
// path_test.go and docs/deviations.md):
//
//   - ErrPathNotFound: "" or a name of spaces only. RtlDosPathNameToNtPathName_U rejects
//     them (ntdll/tests/path.c) and kernel32 reports ERROR_PATH_NOT_FOUND, as for a NULL
//     name (windows-facts.md MS-4, NP-4).
//   - ErrInvalidName: a name that translates to `\??\` or to a device path with an empty
//     first component (`\\.\`, `\\.`, `\\?\`, `\\.\pipe\..`): the NT path then has an
//     empty component, STATUS_OBJECT_NAME_INVALID. Also every name that is not a device or
//     UNC path (`C:\x`, `name`, `\x`): there is no file system here, and CreateNamedPipe
//     and CreateMailslot give ERROR_INVALID_NAME for such names (windows-facts.md MS-3, NP-2).
//   - ErrInvalidName also for a name with an embedded NUL character.
//   - ErrBadPathname: a UNC path without a server or share (`\\`, `\\HOST`, `\\HOST\`).
//     Unverified; see docs/deviations.md.
//   - ErrNameTooLong: the NT path would be longer than a UNICODE_STRING holds
//     (STATUS_NAME_TOO_LONG).
func ParseWin32Path(name string) (Win32Path, error) {
	if strings.IndexByte(name, 0) >= 0 {
		// A Win32 W call reads its name up to the first NUL, so a Go string with one
		// inside cannot name what it seems to; x/sys/windows refuses to convert such a
		// string at all. winsim refuses it too, rather than open the prefix
		// (docs/deviations.md).
		return Win32Path{}, pathError(ErrInvalidName, name)
	}
	nt, err := dosPathToNTPath(name)
	if err != nil {
		return Win32Path{}, pathError(err, name)
	}
	w, perr := splitNTPath(nt)
	if perr != nil {
		return Win32Path{}, pathError(perr, name)
	}
	return w, nil
}

// maxDosPathLen is UNICODE_STRING_MAX_CHARS: RtlDosPathNameToNtPathName_U fails with
// STATUS_NAME_TOO_LONG beyond it.
const maxDosPathLen = 32767

// dosPathToNTPath is RtlDosPathNameToNtPathName_U for device and UNC names.
func dosPathToNTPath(name string) (string, *Error) {
	if strings.Trim(name, " ") == "" {
		return "", ErrPathNotFound
	}
	var nt string
	switch pathType(name) {
	case pathVerbatim:
		nt = `\??\` + name[4:]
	case pathLocalDevice:
		nt = `\??\` + normalizeDosPath(name, 4)[4:]
	case pathRootLocalDevice:
		nt = `\??\`
	case pathUNC:
		nt = `\??\UNC\` + normalizeDosPath(name, uncMark(name))[2:]
	default:
		return "", ErrInvalidName
	}
	if len(nt) > maxDosPathLen && utf16Len(nt) > maxDosPathLen {
		return "", ErrNameTooLong
	}
	return nt, nil
}

type dosPathType int

const (
	pathOther           dosPathType = iota // drive, rooted or relative: not ours
	pathVerbatim                           // \\?\x or \??\x
	pathLocalDevice                        // \\.\x, //?/x
	pathRootLocalDevice                    // \\. or \\?
	pathUNC                                // \\x
)

func isSep(c byte) bool { return c == '\\' || c == '/' }

// pathType classifies name as RtlDetermineDosPathNameType_U does (ntdll/tests/path.c
// test_RtlDetermineDosPathNameType_U), after RtlDosPathNameToNtPathName_U's own check for
// the verbatim prefixes (which must be spelt with backslashes).
func pathType(name string) dosPathType {
	if strings.HasPrefix(name, `\\?\`) || strings.HasPrefix(name, `\??\`) {
		return pathVerbatim
	}
	if len(name) < 2 || !isSep(name[0]) || !isSep(name[1]) {
		return pathOther
	}
	if len(name) == 2 || (name[2] != '.' && name[2] != '?') {
		return pathUNC
	}
	if len(name) == 3 {
		return pathRootLocalDevice
	}
	if isSep(name[3]) {
		return pathLocalDevice
	}
	return pathUNC // `\\.foo` is a server called ".foo"
}

// uncMark returns the length of the `\\server\share\` prefix that normalisation must not
// touch: the separators, the server, the separators after it, the share and the separators
// after that.
func uncMark(name string) int {
	i := 2
	for i < len(name) && !isSep(name[i]) {
		i++
	}
	for i < len(name) && isSep(name[i]) {
		i++
	}
	for i < len(name) && !isSep(name[i]) {
		i++
	}
	for i < len(name) && isSep(name[i]) {
		i++
	}
	return i
}

// normalizeDosPath applies RtlGetFullPathName_U's clean-up to name, leaving the first mark
// bytes in place apart from turning `/` into `\`. Only ASCII bytes are inspected, so
// working on UTF-8 gives the same result as Windows working on UTF-16.
func normalizeDosPath(name string, mark int) string {
	b := []byte(name)
	for i, c := range b {
		if c == '/' {
			b[i] = '\\'
		}
	}
	// Collapse runs of backslashes from max(1, mark) on.
	w := max(1, mark)
	for r := w; r < len(b); r++ {
		if b[r] == '\\' && b[w-1] == '\\' {
			continue
		}
		b[w] = b[r]
		w++
	}
	if w < len(b) {
		b = b[:w]
	}

	// Walk the components after mark. p is the start of the component being looked at.
	p := mark
	for p < len(b) {
		comp, end := componentAt(b, p)
		switch {
		case comp == "." && end < len(b): // `.\`: drop it
			b = append(b[:p], b[end+1:]...)
			continue
		case comp == ".": // final `.`: drop it and the separator before it
			if p > mark {
				p--
			}
			b = b[:p]
			continue
		case comp == ".." && end < len(b): // `..\`: drop it and the component before it
			q := previousComponent(b, p, mark)
			b = append(b[:q], b[end+1:]...)
			p = q
			continue
		case comp == "..": // final `..`: drop it, the component before it and its separator
			q := previousComponent(b, p, mark)
			if q > mark {
				q--
			}
			b = b[:q]
			p = q
			continue
		}
		if end == len(b) {
			p = end
			break
		}
		// An inner component loses one trailing dot.
		if end > mark && b[end-1] == '.' {
			b = append(b[:end-1], b[end:]...)
			p = end
		} else {
			p = end + 1
		}
	}
	// The last component loses its trailing dots and spaces.
	for p > mark && (b[p-1] == ' ' || b[p-1] == '.') {
		p--
	}
	if p < len(b) {
		b = b[:p]
	}
	return string(b)
}

// componentAt returns the component starting at p and the index of the `\` ending it (or
// len(b)).
func componentAt(b []byte, p int) (string, int) {
	end := p
	for end < len(b) && b[end] != '\\' {
		end++
	}
	return string(b[p:end]), end
}

// previousComponent returns where the component before the one at p starts, not going
// below mark.
func previousComponent(b []byte, p, mark int) int {
	if p <= mark {
		return p
	}
	q := p - 1 // the separator before p
	for q > mark && b[q-1] != '\\' {
		q--
	}
	return q
}

// splitNTPath cuts a `\??\...` path into its parts.
func splitNTPath(nt string) (Win32Path, *Error) {
	rest := nt[len(`\??\`):]
	if len(rest) >= 4 && strings.EqualFold(rest[:4], `UNC\`) {
		host, after := cutComponent(rest[4:])
		if host == "" || after == "" {
			return Win32Path{}, ErrBadPathname
		}
		share, tail := cutComponent(after[1:])
		if share == "" {
			return Win32Path{}, ErrBadPathname
		}
		return Win32Path{Kind: KindUNC, Host: host, Share: share, Rest: tail, NTPath: nt}, nil
	}
	share, tail := cutComponent(rest)
	if share == "" {
		return Win32Path{}, ErrInvalidName
	}
	return Win32Path{Kind: KindDevice, Host: ".", Share: share, Rest: tail, NTPath: nt}, nil
}

// cutComponent splits s at its first `\`: the component and the rest starting with `\`.
func cutComponent(s string) (string, string) {
	if i := strings.IndexByte(s, '\\'); i >= 0 {
		return s[:i], s[i:]
	}
	return s, ""
}
