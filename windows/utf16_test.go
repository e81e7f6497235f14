package windows_test

import (
	"syscall"
	"testing"
	"unicode/utf16"
	"unicode/utf8"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/winsim/winsim/windows"
)

// TestUTF16Conversions checks the string helpers against x/sys/windows' behaviour, which is Go's
// syscall package's (src/syscall/syscall_windows.go, UTF16FromString and UTF16ToString; Go 1.21
// on): a NUL is appended, a NUL inside gives syscall.EINVAL itself, a byte that is not UTF-8
// becomes U+FFFD, decoding stops at the first NUL, and a nil pointer decodes to "".
func TestUTF16Conversions(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []uint16
		back string // what decoding gives back, when not in
	}{
		{in: "", want: []uint16{0}},
		{in: "pipe", want: []uint16{'p', 'i', 'p', 'e', 0}},
		{in: "é€", want: []uint16{0xE9, 0x20AC, 0}},
		{in: "😀", want: []uint16{0xD83D, 0xDE00, 0}},
		{in: "\uFFFD", want: []uint16{0xFFFD, 0}},
		{in: "a\xffb", want: []uint16{'a', 0xFFFD, 'b', 0}, back: "a\uFFFDb"},
		{in: "\xed\xa0", want: []uint16{0xFFFD, 0xFFFD, 0}, back: "\uFFFD\uFFFD"},
		{in: "\xed\x9f\xbf", want: []uint16{0xD7FF, 0}},
		{in: "\xee\x80\x80", want: []uint16{0xE000, 0}},
	} {
		got, err := windows.UTF16FromString(tc.in)
		require.NoError(t, err, tc.in)
		assert.Equal(t, tc.want, got, "%q", tc.in)
		p, err := windows.UTF16PtrFromString(tc.in)
		require.NoError(t, err)
		assert.Equal(t, tc.want, unsafe.Slice(p, len(tc.want)), "%q", tc.in)
		assert.Equal(t, tc.want, windows.StringToUTF16(tc.in), "%q", tc.in)
		want := tc.in
		if tc.back != "" {
			want = tc.back
		}
		assert.Equal(t, want, windows.UTF16PtrToString(p), "%q", tc.in)
		assert.Equal(t, want, windows.UTF16ToString(got), "%q", tc.in)
	}

	for _, f := range []func() error{
		func() error { _, err := windows.UTF16FromString("a\x00b"); return err },
		func() error { _, err := windows.UTF16PtrFromString("a\x00b"); return err },
		func() error { _, err := windows.ByteSliceFromString("\x00"); return err },
		func() error { _, err := windows.BytePtrFromString("x\x00"); return err },
	} {
		err := f()
		assert.Equal(t, syscall.EINVAL, err, "a NUL inside is syscall.EINVAL, the value x/sys returns")
		assert.ErrorIs(t, err, syscall.EINVAL)
	}
	assert.Panics(t, func() { windows.StringToUTF16("a\x00b") })
	assert.Panics(t, func() { windows.StringToUTF16Ptr("a\x00b") })
	assert.Equal(t, "ab", windows.UTF16ToString([]uint16{'a', 'b', 0, 'c'}), "stops at NUL")
	assert.Equal(t, "ab", windows.UTF16ToString([]uint16{'a', 'b'}), "no NUL: all of it")
	assert.Equal(t, "", windows.UTF16PtrToString(nil))
}

// TestUTF16LoneSurrogatesRoundTripAsWTF8 checks the behaviour Go's syscall gives x/sys/windows
// since Go 1.21 (src/syscall/wtf8_windows.go; go.dev/issue/59971): an unpaired surrogate decodes
// to the three WTF-8 bytes of its value and encodes back to itself, so a Windows string that is
// not valid UTF-16 survives the round trip, while a surrogate pair is one character.
func TestUTF16LoneSurrogatesRoundTripAsWTF8(t *testing.T) {
	for _, tc := range []struct {
		name  string
		units []uint16
		wtf8  string
	}{
		{"lone high", []uint16{'a', 0xD800, 'b'}, "a\xed\xa0\x80b"},
		{"lone low", []uint16{0xDC00}, "\xed\xb0\x80"},
		{"highest surrogate", []uint16{0xDFFF}, "\xed\xbf\xbf"},
		{"high at the end", []uint16{'x', 0xDBFF}, "x\xed\xaf\xbf"},
		{"low before high", []uint16{0xDC00, 0xD800}, "\xed\xb0\x80\xed\xa0\x80"},
		{"two highs", []uint16{0xD83D, 0xD83D}, "\xed\xa0\xbd\xed\xa0\xbd"},
		{"high, pair", []uint16{0xD800, 0xD83D, 0xDE00}, "\xed\xa0\x80😀"},
		{"pair", []uint16{0xD83D, 0xDE00}, "😀"},
	} {
		got := windows.UTF16ToString(append(append([]uint16(nil), tc.units...), 0))
		assert.Equal(t, tc.wtf8, got, tc.name)
		back, err := windows.UTF16FromString(got)
		require.NoError(t, err, tc.name)
		assert.Equal(t, append(append([]uint16(nil), tc.units...), 0), back, "%s: the round trip keeps every code unit", tc.name)
		p, err := windows.UTF16PtrFromString(got)
		require.NoError(t, err)
		assert.Equal(t, tc.wtf8, windows.UTF16PtrToString(p), tc.name)
	}

	// Go's encoder reads the WTF-8 forms of a high and a low surrogate written one after the
	// other as the two code units, which UTF-16 then reads as the pair's character.
	u, err := windows.UTF16FromString("\xed\xa0\xbd\xed\xb8\x80")
	require.NoError(t, err)
	assert.Equal(t, []uint16{0xD83D, 0xDE00, 0}, u)
	assert.Equal(t, "😀", windows.UTF16ToString(u))
}

// TestUTF16EveryCodeUnitSequenceRoundTrips checks the WTF-8 property exhaustively over short
// strings of code units drawn from every class (ASCII, two- and three-byte characters, high and
// low surrogates at their bounds, the last BMP code unit): decoding never loses anything, so
// encoding gives back the same units; and for strings that are valid UTF-16 the result is what
// unicode/utf16 decodes, the UTF-8 x/sys and Go produce for them.
func TestUTF16EveryCodeUnitSequenceRoundTrips(t *testing.T) {
	classes := []uint16{'A', 0x7F, 0x80, 0x7FF, 0x800, 0xD7FF, 0xD800, 0xDBFF, 0xDC00, 0xDFFF, 0xE000, 0xFFFD, 0xFFFF}
	n := 0
	var walk func(prefix []uint16)
	walk = func(prefix []uint16) {
		if len(prefix) > 0 {
			n++
			s := windows.UTF16ToString(prefix)
			back, err := windows.UTF16FromString(s)
			require.NoError(t, err)
			if !assert.Equal(t, append(append([]uint16(nil), prefix...), 0), back, "%x", prefix) {
				return
			}
			if !hasLoneSurrogate(prefix) {
				assert.Equal(t, string(utf16.Decode(prefix)), s, "%x is valid UTF-16", prefix)
				assert.True(t, utf8.ValidString(s), "%x", prefix)
			}
		}
		if len(prefix) == 3 {
			return
		}
		for _, c := range classes {
			walk(append(prefix[:len(prefix):len(prefix)], c))
		}
	}
	walk(nil)
	assert.Equal(t, 13+13*13+13*13*13, n)
}

// hasLoneSurrogate reports whether s holds a surrogate that is not half of a high-low pair.
func hasLoneSurrogate(s []uint16) bool {
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] >= 0xD800 && s[i] < 0xDC00 && i+1 < len(s) && s[i+1] >= 0xDC00 && s[i+1] < 0xE000:
			i++
		case s[i] >= 0xD800 && s[i] < 0xE000:
			return true
		}
	}
	return false
}

// TestByteStringHelpers checks x/sys/windows' byte-string helpers (syscall.go): a NUL is
// appended, decoding stops at the first NUL, and a nil pointer decodes to "".
func TestByteStringHelpers(t *testing.T) {
	b, err := windows.ByteSliceFromString("x")
	require.NoError(t, err)
	assert.Equal(t, []byte{'x', 0}, b)
	assert.Equal(t, "x", windows.ByteSliceToString([]byte{'x', 0, 'y'}))
	assert.Equal(t, "xy", windows.ByteSliceToString([]byte("xy")), "no NUL: all of it")

	p, err := windows.BytePtrFromString("mailslot")
	require.NoError(t, err)
	assert.Equal(t, "mailslot", windows.BytePtrToString(p))
	assert.Equal(t, "ab", windows.BytePtrToString(&[]byte{'a', 'b', 0, 'c'}[0]), "stops at NUL")
	assert.Equal(t, "", windows.BytePtrToString(&[]byte{0}[0]))
	assert.Equal(t, "", windows.BytePtrToString(nil))
}
