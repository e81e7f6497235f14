package scenario

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/winsim/winsim/kernel"
)

// maxBuffer bounds the buffers and data a script line may ask for, so that a typo such
// as ReadFile h 4294967295 is a clear error instead of a 4 GiB allocation.
const maxBuffer = 1 << 20

// kind says how a value is printed and compared.
type kind int

const (
	kindNum    kind = iota // decimal
	kindHex                // flags and access masks
	kindHandle             // a handle value
	kindString             // text: names, message data
	kindWait               // a wait result: WAIT_OBJECT_0, WAIT_TIMEOUT, …
	kindBool               // TRUE or FALSE
)

// A value is one result of a call, or a value bound to a name.
type value struct {
	name string // the result's name in the call's description (n, h, data, …)
	kind kind
	n    uint64
	s    string
	ref  any // CreateProcess: the child *kernel.Process
}

func itoa(n uint64) string { return strconv.FormatUint(n, 10) }

func (v value) String() string {
	switch v.kind {
	case kindHex:
		return fmt.Sprintf("%#x", v.n)
	case kindHandle:
		if kernel.Handle(v.n) == kernel.InvalidHandle {
			return "INVALID_HANDLE_VALUE"
		}
		return fmt.Sprintf("%#x", v.n)
	case kindString:
		return strconv.Quote(v.s)
	case kindWait:
		return waitResultName(uint32(v.n))
	case kindBool:
		if v.n != 0 {
			return "TRUE"
		}
		return "FALSE"
	}
	return itoa(v.n)
}

func num(name string, n uint64) value { return value{name: name, kind: kindNum, n: n} }
func hex(name string, n uint32) value { return value{name: name, kind: kindHex, n: uint64(n)} }
func str(name, s string) value        { return value{name: name, kind: kindString, s: s} }
func hval(name string, h kernel.Handle) value {
	return value{name: name, kind: kindHandle, n: uint64(h)}
}

// errUsage marks a script error in how a line is written (not a failed expectation).
var errUsage = errors.New("script error")

func usagef(format string, args ...any) error {
	return fmt.Errorf("%w: %s", errUsage, fmt.Sprintf(format, args...))
}

// isIdent reports whether s can name a process or a bound value.
func isIdent(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for i, c := range s {
		switch {
		case c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
		case i > 0 && (c >= '0' && c <= '9' || c == '.' || c == '-'):
		default:
			return false
		}
	}
	return true
}

// number resolves a numeric argument: a decimal or 0x number, a Win32 constant, a bound
// name, a process name (its PID), or several of those joined with | (OR-ed).
func (r *Runner) number(tok string) (uint64, error) {
	if tok == "" {
		return 0, usagef("empty number")
	}
	var v uint64
	for _, part := range strings.Split(tok, "|") {
		n, err := r.numberPart(part)
		if err != nil {
			return 0, err
		}
		v |= n
	}
	return v, nil
}

func (r *Runner) numberPart(tok string) (uint64, error) {
	if tok == "" {
		return 0, usagef("empty part in %q", tok)
	}
	if c := tok[0]; c >= '0' && c <= '9' || c == '-' {
		if n, err := strconv.ParseUint(tok, 0, 64); err == nil {
			return n, nil
		}
		if n, err := strconv.ParseInt(tok, 0, 32); err == nil { // -1 as a DWORD
			return uint64(uint32(n)), nil
		}
		return 0, usagef("%q is not a number", tok)
	}
	if n, ok := constants[tok]; ok {
		return n, nil
	}
	if e, ok := lookupErrno(tok); ok {
		return uint64(e), nil
	}
	if v, ok := r.names[tok]; ok {
		if v.kind == kindString {
			return 0, usagef("%s is text (%s), not a number", tok, v)
		}
		return v.n, nil
	}
	if p, ok := r.procs[tok]; ok {
		return uint64(p.PID()), nil
	}
	return 0, usagef("unknown name or constant %q", tok)
}

func (r *Runner) u32(tok string) (uint32, error) {
	n, err := r.number(tok)
	if err != nil {
		return 0, err
	}
	if n > 0xFFFFFFFF {
		return 0, usagef("%s does not fit in a DWORD", tok)
	}
	return uint32(n), nil
}

// handle resolves a handle argument: a bound name, a number, INVALID_HANDLE_VALUE,
// CURRENT_PROCESS (GetCurrentProcess()) or NULL.
func (r *Runner) handle(tok string) (kernel.Handle, error) {
	switch tok {
	case "INVALID_HANDLE_VALUE":
		return kernel.InvalidHandle, nil
	case "CURRENT_PROCESS", "GetCurrentProcess()":
		return kernel.CurrentProcess, nil
	case "NULL":
		return 0, nil
	}
	if v, ok := r.names[tok]; ok {
		if v.kind == kindString {
			return 0, usagef("%s is text (%s), not a handle", tok, v)
		}
		return kernel.Handle(v.n), nil
	}
	if c := tok[0]; c >= '0' && c <= '9' {
		n, err := strconv.ParseUint(tok, 0, 64)
		if err != nil {
			return 0, usagef("%q is not a handle", tok)
		}
		return kernel.Handle(n), nil
	}
	return 0, usagef("unknown handle name %q", tok)
}

// text resolves a string argument: NULL is the empty string (a NULL name), anything else
// is taken as written.
func text(tok string) string {
	if tok == "NULL" {
		return ""
	}
	return tok
}

// data resolves message data: text as written, NULL or ” for none, bytes:N for N bytes.
func data(tok string) ([]byte, error) {
	if n, ok := strings.CutPrefix(tok, "bytes:"); ok {
		size, err := strconv.ParseUint(n, 10, 32)
		if err != nil || size > maxBuffer {
			return nil, usagef("bytes:N needs N from 0 to %d, not %q", maxBuffer, n)
		}
		b := make([]byte, size)
		for i := range b {
			b[i] = 'a' + byte(i%26)
		}
		return b, nil
	}
	return []byte(text(tok)), nil
}

func (r *Runner) size(tok string) (int, error) {
	n, err := r.number(tok)
	if err != nil {
		return 0, err
	}
	if n > maxBuffer {
		return 0, usagef("buffer size %d is over the script limit of %d bytes", n, maxBuffer)
	}
	return int(n), nil
}

func (r *Runner) boolean(tok string) (bool, error) {
	switch strings.ToUpper(tok) {
	case "TRUE", "1":
		return true, nil
	case "FALSE", "0":
		return false, nil
	}
	return false, usagef("%q is not TRUE or FALSE", tok)
}

// security resolves a SECURITY_ATTRIBUTES argument: NULL, or INHERIT for one with
// bInheritHandle set.
func security(tok string) (*kernel.SecurityAttributes, error) {
	switch tok {
	case "NULL", "0":
		return nil, nil
	case "INHERIT":
		return &kernel.SecurityAttributes{InheritHandle: true}, nil
	}
	return nil, usagef("security attributes are NULL or INHERIT, not %q", tok)
}

// matches reports whether the written expectation tok holds for the result v.
func (r *Runner) matches(tok string, v value) (bool, error) {
	if tok == "_" {
		return true, nil
	}
	switch v.kind {
	case kindString:
		return text(tok) == v.s || tok == v.String(), nil
	case kindHandle:
		h, err := r.handle(tok)
		if err != nil {
			return false, err
		}
		return uint64(h) == v.n, nil
	case kindBool:
		b, err := r.boolean(tok)
		if err != nil {
			return false, err
		}
		return b == (v.n != 0), nil
	case kindWait:
		if tok == v.String() {
			return true, nil
		}
	}
	n, err := r.number(tok)
	if err != nil {
		return false, err
	}
	return n == v.n, nil
}

// errName names an error the way a script writes it: the Errno's constant name.
func errName(err error) string {
	if err == nil {
		return "success"
	}
	var e kernel.Errno
	if errors.As(err, &e) {
		return e.Name()
	}
	return err.Error()
}
