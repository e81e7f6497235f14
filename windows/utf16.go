package windows

import (
	"bytes"
	"strings"
	"syscall"
	"unicode/utf16"
	"unicode/utf8"
	"unsafe"
)

// The string helpers convert as x/sys/windows' do. Those call Go's syscall package, which since
// Go 1.21 reads and writes Windows strings in WTF-8 (Go src/syscall/wtf8_windows.go): UTF-8 that
// may also hold a surrogate code point, U+D800 to U+DFFF, in the three-byte form UTF-8 would
// give it if it allowed one. Windows names are sequences of 16-bit code units that need not be
// valid UTF-16, and WTF-8 keeps every such sequence: an unpaired surrogate decodes to its WTF-8
// bytes and encodes back to itself, so a name read from Windows goes back unchanged.

// UTF16FromString returns the UTF-16 encoding of s with a terminating NUL, as x/sys/windows'
// function of that name: the WTF-8 form of a surrogate becomes that lone surrogate, and a byte
// that is neither UTF-8 nor part of such a form becomes U+FFFD. If s contains a NUL it returns
// (nil, syscall.EINVAL), the very value x/sys returns.
func UTF16FromString(s string) ([]uint16, error) {
	if strings.IndexByte(s, 0) >= 0 {
		return nil, syscall.EINVAL
	}
	return append(appendWTF16(make([]uint16, 0, len(s)+1), s), 0), nil
}

// UTF16ToString decodes s up to its first NUL (or all of it), as x/sys/windows' function of that
// name: a surrogate pair becomes its character, and an unpaired surrogate its WTF-8 bytes, so
// UTF16FromString gives s back.
func UTF16ToString(s []uint16) string {
	for i, c := range s {
		if c == 0 {
			s = s[:i]
			break
		}
	}
	return string(appendWTF8(make([]byte, 0, len(s)), s))
}

// appendWTF16 appends the code units of s to buf: each UTF-8 character as UTF-16, the three
// bytes ED A0..BF 80..BF (the WTF-8 form of a surrogate) as that surrogate, and any other byte
// that does not start a valid character as U+FFFD.
func appendWTF16(buf []uint16, s string) []uint16 {
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			if u, ok := wtf8Surrogate(s[i:]); ok {
				buf = append(buf, u)
				i += 3
				continue
			}
		}
		buf = utf16.AppendRune(buf, r)
		i += n
	}
	return buf
}

// wtf8Surrogate reports whether s starts with the WTF-8 form of a surrogate, and which.
func wtf8Surrogate(s string) (uint16, bool) {
	if len(s) < 3 || s[0] != 0xED || s[1] < 0xA0 || s[1] > 0xBF || s[2] < 0x80 || s[2] > 0xBF {
		return 0, false
	}
	return 0xD000 | uint16(s[1]&0x3F)<<6 | uint16(s[2]&0x3F), true
}

// appendWTF8 appends the WTF-8 form of the code units s to buf: a high surrogate followed by a
// low one as the character they encode, every other code unit (an unpaired surrogate too) as
// the three-or-fewer bytes of its value.
func appendWTF8(buf []byte, s []uint16) []byte {
	for i := 0; i < len(s); i++ {
		u := s[i]
		if utf16.IsSurrogate(rune(u)) {
			if u < 0xDC00 && i+1 < len(s) && s[i+1] >= 0xDC00 && s[i+1] < 0xE000 {
				buf = utf8.AppendRune(buf, utf16.DecodeRune(rune(u), rune(s[i+1])))
				i++
				continue
			}
			buf = append(buf, 0xE0|byte(u>>12), 0x80|byte(u>>6)&0x3F, 0x80|byte(u)&0x3F)
			continue
		}
		buf = utf8.AppendRune(buf, rune(u))
	}
	return buf
}

// UTF16PtrFromString is UTF16FromString returning a pointer to the first code unit, the form
// Win32 functions take names in.
func UTF16PtrFromString(s string) (*uint16, error) {
	a, err := UTF16FromString(s)
	if err != nil {
		return nil, err
	}
	return &a[0], nil
}

// UTF16PtrToString decodes the NUL-terminated UTF-16 string p points to; nil gives "". As with
// x/sys/windows' function of that name, p must point to a NUL-terminated sequence.
func UTF16PtrToString(p *uint16) string { return UTF16ToString(untilNUL(p)) }

// untilNUL returns the NUL-terminated sequence p points to, without the NUL; nil for a nil p.
func untilNUL[T byte | uint16](p *T) []T {
	if p == nil {
		return nil
	}
	n := 0
	for q := unsafe.Pointer(p); *(*T)(q) != 0; q = unsafe.Add(q, unsafe.Sizeof(*p)) {
		n++
	}
	return unsafe.Slice(p, n)
}

// StringToUTF16 is UTF16FromString that panics if s contains a NUL.
//
// Deprecated: use UTF16FromString, as x/sys/windows says.
func StringToUTF16(s string) []uint16 {
	a, err := UTF16FromString(s)
	if err != nil {
		panic("windows: string with NUL passed to StringToUTF16")
	}
	return a
}

// StringToUTF16Ptr is StringToUTF16 returning a pointer to the first code unit.
//
// Deprecated: use UTF16PtrFromString, as x/sys/windows says.
func StringToUTF16Ptr(s string) *uint16 { return &StringToUTF16(s)[0] }

// ByteSliceFromString returns s as NUL-terminated bytes; a NUL in s gives (nil, syscall.EINVAL).
func ByteSliceFromString(s string) ([]byte, error) {
	if strings.IndexByte(s, 0) >= 0 {
		return nil, syscall.EINVAL
	}
	return append([]byte(s), 0), nil
}

// BytePtrFromString is ByteSliceFromString returning a pointer to the first byte.
func BytePtrFromString(s string) (*byte, error) {
	a, err := ByteSliceFromString(s)
	if err != nil {
		return nil, err
	}
	return &a[0], nil
}

// ByteSliceToString returns s up to its first NUL.
func ByteSliceToString(s []byte) string {
	if i := bytes.IndexByte(s, 0); i >= 0 {
		s = s[:i]
	}
	return string(s)
}

// BytePtrToString returns the NUL-terminated bytes p points to as a string; nil gives "". As with
// x/sys/windows' function of that name, p must point to a NUL-terminated sequence.
func BytePtrToString(p *byte) string { return string(untilNUL(p)) }

// putUTF16 writes s with a NUL into the buffer buf of size code units, as Win32 functions that
// return a string into a caller's buffer do. A buffer too small for s and its NUL gives
// ERROR_INSUFFICIENT_BUFFER and is left unchanged; so does a nil buf with a non-zero size.
func putUTF16(buf *uint16, size uint32, s string) error {
	u := append(appendWTF16(nil, s), 0)
	if buf == nil || uint32(len(u)) > size {
		return ERROR_INSUFFICIENT_BUFFER
	}
	copy(unsafe.Slice(buf, size), u)
	return nil
}

// bytesAt returns the caller's buffer p of n bytes as a slice. A nil p with n > 0 gives
// ERROR_NOACCESS, as Windows reports a buffer it cannot touch (STATUS_ACCESS_VIOLATION).
func bytesAt(p *byte, n uint32) ([]byte, error) {
	if n == 0 {
		return nil, nil
	}
	if p == nil {
		return nil, ERROR_NOACCESS
	}
	return unsafe.Slice(p, n), nil
}
