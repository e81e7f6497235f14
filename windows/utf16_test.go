package windows_test

import (
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/winsim/winsim/windows"
)

// TestUTF16Conversions checks the string helpers against x/sys/windows' documented behaviour
// (syscall_windows.go): a NUL is appended, a NUL inside gives syscall.EINVAL, invalid UTF-8
// becomes U+FFFD, decoding stops at the first NUL, and a nil pointer decodes to "".
func TestUTF16Conversions(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []uint16
	}{
		{"", []uint16{0}},
		{"pipe", []uint16{'p', 'i', 'p', 'e', 0}},
		{"é€", []uint16{0xE9, 0x20AC, 0}},
		{"😀", []uint16{0xD83D, 0xDE00, 0}},
		{"a\xffb", []uint16{'a', 0xFFFD, 'b', 0}},
	} {
		got, err := windows.UTF16FromString(tc.in)
		require.NoError(t, err, tc.in)
		assert.Equal(t, tc.want, got, tc.in)
		p, err := windows.UTF16PtrFromString(tc.in)
		require.NoError(t, err)
		want := tc.in
		if tc.in == "a\xffb" {
			want = "a\uFFFDb"
		}
		assert.Equal(t, want, windows.UTF16PtrToString(p), tc.in)
		assert.Equal(t, want, windows.UTF16ToString(got), tc.in)
	}

	_, err := windows.UTF16FromString("a\x00b")
	assert.Equal(t, syscall.EINVAL, err)
	_, err = windows.UTF16PtrFromString("a\x00b")
	assert.Equal(t, syscall.EINVAL, err)
	assert.Panics(t, func() { windows.StringToUTF16("a\x00b") })
	assert.Equal(t, "ab", windows.UTF16ToString([]uint16{'a', 'b', 0, 'c'}), "stops at NUL")
	assert.Equal(t, "ab", windows.UTF16ToString([]uint16{'a', 'b'}), "no NUL: all of it")
	assert.Equal(t, "\uFFFD", windows.UTF16ToString([]uint16{0xD800}), "unpaired surrogate")
	assert.Equal(t, "", windows.UTF16PtrToString(nil))

	b, err := windows.ByteSliceFromString("x")
	require.NoError(t, err)
	assert.Equal(t, []byte{'x', 0}, b)
	assert.Equal(t, "x", windows.ByteSliceToString([]byte{'x', 0, 'y'}))
	_, err = windows.BytePtrFromString("\x00")
	assert.Equal(t, syscall.EINVAL, err)
}
