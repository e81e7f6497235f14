package namespace

import (
	"strconv"
	"strings"
)

// This file implements the object manager's name walk (NT's ObpLookupObjectName, Wine's
// lookup_named_object):
//
//  1. The path must start at the root: a relative path is ErrBadPathname
//     (STATUS_OBJECT_PATH_SYNTAX_BAD).
//  2. Take the next component; an empty one (`\\x`, a trailing `\`) is ErrInvalidName.
//  3. Look it up in the current directory. Missing: ErrNameNotFound if it was the last
//     component, else ErrPathNotFound.
//  4. A directory becomes the current directory. A symbolic link restarts the walk at the
//     root with its target followed by the unparsed rest (at most MaxSymlinkDepth-1 links).
//     Anything else ends the walk: it is returned with the unparsed rest, for a device to
//     parse (Wine's lookup_name stopping at a device, NT's parse procedures).

// MaxNTPathLen is the longest NT path, in UTF-16 code units, that the object manager
// accepts: a UNICODE_STRING of 65532 bytes works and one of 65534 fails with
// STATUS_OBJECT_NAME_INVALID (ntdll/tests/om.c test_name_limits).
const MaxNTPathLen = 32766

// checkPath applies the checks NT makes before walking a path.
func checkPath(path string) *Error {
	if path == "" || path[0] != '\\' {
		return ErrBadPathname
	}
	if len(path) > MaxNTPathLen && utf16Len(path) > MaxNTPathLen {
		return ErrInvalidName
	}
	return nil
}

// pathErr is a sentinel with the path it was reported for.
type pathErr struct {
	err  *Error
	path string
}

func (e *pathErr) Error() string { return e.err.Error() + ": " + strconv.Quote(e.path) }
func (e *pathErr) Unwrap() error { return e.err }

func pathError(err *Error, path string) error { return &pathErr{err: err, path: path} }

// Lookup walks the absolute NT path from d (the root), comparing names case-insensitively:
// LookupMatch with CaseInsensitive.
func (d *Directory) Lookup(path string) (entry any, rest string, err error) {
	return d.LookupMatch(path, CaseInsensitive)
}

// LookupMatch walks the absolute NT path from d, the root of its tree, comparing names as m
// says and following symbolic links at every component, the last one included (a link's
// target replaces the part of the path consumed so far and the walk restarts at d).
//
// It stops at the first entry that is neither a *Directory nor a *Symlink and returns it
// with the unparsed rest of the path: rest starts with `\`, or is "" when the path ended at
// the entry. `\Device\NamedPipe\a\b` gives the pipe device and `\a\b`. A path that names a
// directory returns that *Directory and "", and `\` alone returns d.
//
// Errors (ntdll/tests/om.c test_directory, test_symboliclink, test_name_limits):
//   - ErrBadPathname: path is empty or does not start with `\`.
//   - ErrInvalidName: an empty component (`\\x`, `\x\\y`, `\dir\`), or a path longer than
//     MaxNTPathLen.
//   - ErrNameNotFound: the last component does not exist.
//   - ErrPathNotFound: an earlier component does not exist.
//   - ErrTooManyLinks: following the MaxSymlinkDepth-th link.
//   - ErrNameTooLong: a link's target made the path longer than MaxNTPathLen.
//
// A path that needs no symbolic link is looked up without allocating.
func (d *Directory) LookupMatch(path string, m Match) (entry any, rest string, err error) {
	if err := checkPath(path); err != nil {
		return nil, "", pathError(err, path)
	}
	if path == `\` {
		return d, "", nil
	}
	cur, remaining, links := d, path, 0
	for {
		// remaining starts with `\` and names something inside cur.
		name, after := remaining[1:], ""
		if i := strings.IndexByte(name, '\\'); i >= 0 {
			name, after = name[:i], name[i:]
		}
		if name == "" {
			return nil, "", pathError(ErrInvalidName, path)
		}
		v, ok := cur.find(name, m)
		if !ok {
			if after != "" {
				return nil, "", pathError(ErrPathNotFound, path)
			}
			return nil, "", pathError(ErrNameNotFound, path)
		}
		switch x := v.(type) {
		case *Directory:
			if after == "" {
				return x, "", nil
			}
			cur, remaining = x, after
		case *Symlink:
			links++
			if links >= MaxSymlinkDepth {
				return nil, "", pathError(ErrTooManyLinks, path)
			}
			next := x.Target + after
			switch {
			case next == "" || next == `\`:
				return d, "", nil
			case next[0] != '\\':
				// NT reparses a relative name against the root and finds nothing.
				return nil, "", pathError(ErrNameNotFound, path)
			case len(next) > MaxNTPathLen && utf16Len(next) > MaxNTPathLen:
				// ObpParseSymbolicLink: STATUS_NAME_TOO_LONG.
				return nil, "", pathError(ErrNameTooLong, path)
			}
			cur, remaining = d, next
		default:
			return v, after, nil
		}
	}
}
