package windows

import (
	"bytes"
	"strings"
	"syscall"
	"unicode/utf16"
	"unsafe"
)

// UTF16FromString returns the UTF-16 encoding of s with a terminating NUL, as x/sys/windows'
// function of that name: bytes that are not valid UTF-8 become U+FFFD. If s contains a NUL it
// returns (nil, syscall.EINVAL).
func UTF16FromString(s string) ([]uint16, error) {
	if strings.IndexByte(s, 0) >= 0 {
		return nil, syscall.EINVAL
	}
	return append(utf16.Encode([]rune(s)), 0), nil
}

// UTF16ToString decodes s up to its first NUL (or all of it), as x/sys/windows' function of that
// name: unpaired surrogates become U+FFFD.
func UTF16ToString(s []uint16) string {
	for i, c := range s {
		if c == 0 {
			s = s[:i]
			break
		}
	}
	return string(utf16.Decode(s))
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
func UTF16PtrToString(p *uint16) string {
	if p == nil {
		return ""
	}
	n := 0
	for q := unsafe.Pointer(p); *(*uint16)(q) != 0; q = unsafe.Add(q, 2) {
		n++
	}
	return UTF16ToString(unsafe.Slice(p, n))
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

// putUTF16 writes s with a NUL into the buffer buf of size code units, as Win32 functions that
// return a string into a caller's buffer do. A buffer too small for s and its NUL gives
// ERROR_INSUFFICIENT_BUFFER and is left unchanged; so does a nil buf with a non-zero size.
func putUTF16(buf *uint16, size uint32, s string) error {
	u := append(utf16.Encode([]rune(s)), 0)
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
