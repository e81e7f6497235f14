package namespace_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/winsim/winsim/namespace"
)

// A name with an embedded NUL is refused with ERROR_INVALID_NAME: a Win32 W call would
// read it only up to the NUL (MS docs CreateFileW: lpFileName is a null-terminated
// string), and x/sys/windows' UTF16FromString refuses such a string outright; winsim
// refuses rather than silently open the prefix (docs/deviations.md).
func TestNamesWithAnEmbeddedNULAreInvalid(t *testing.T) {
	for _, name := range []string{"\\\\.\\pipe\\a\x00b", "\\\\.\\mailslot\\x\x00", "\x00"} {
		_, err := namespace.ParseWin32Path(name)
		assert.ErrorIs(t, err, namespace.ErrInvalidName, "%q", name)
	}
	_, err := namespace.ObjectName("Global\\ev\x00ent")
	assert.ErrorIs(t, err, namespace.ErrInvalidName)
	_, err = namespace.ParseWin32Path(`\\.\pipe\ab`)
	assert.NoError(t, err)
}
