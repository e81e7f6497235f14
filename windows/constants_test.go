package windows_test

import (
	"go/constant"
	"go/importer"
	"go/token"
	"go/types"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Where x/sys/windows' value is not the SDK's, this package keeps x/sys's, as code written
// against x/sys gets it; each such constant is listed with why, and must really differ.
var xsysValueDiffers = map[string]string{
	"PROCESS_ALL_ACCESS": "x/sys/windows declares 0xFFFF (types_windows.go); Microsoft's \"Process Security and Access Rights\" gives STANDARD_RIGHTS_REQUIRED | SYNCHRONIZE | 0xFFFF, kernel's value",
}

// TestConstantsAgreeWithTheKernelAndFileSystems type-checks this package and the ones it
// translates onto, and requires every constant that has a namesake in kernel, pipe or
// mailslot to have its value. Those packages' values are checked against the Windows SDK's
// (Microsoft's "System Error Codes", "Access Mask Format", CreateNamedPipeW and CreateFileW
// pages); this package's are x/sys/windows' names for the same numbers, untyped as x/sys's
// are, so they cannot be written as conversions of the typed ones. Every Errno must be one of
// kernel's codes.
func TestConstantsAgreeWithTheKernelAndFileSystems(t *testing.T) {
	imp := importer.ForCompiler(token.NewFileSet(), "source", nil)
	scope := func(path string) *types.Scope {
		pkg, err := imp.Import("github.com/winsim/winsim/" + path)
		require.NoError(t, err)
		return pkg.Scope()
	}
	win := scope("windows")
	others := map[string]*types.Scope{"kernel": scope("kernel"), "pipe": scope("pipe"), "mailslot": scope("mailslot")}
	errnos, compared := 0, 0
	for _, name := range win.Names() {
		c, ok := win.Lookup(name).(*types.Const)
		if !ok || !c.Exported() {
			continue
		}
		isErrno := c.Type().String() == "github.com/winsim/winsim/windows.Errno"
		found := false
		for pkg, s := range others {
			o, ok := s.Lookup(name).(*types.Const)
			if !ok {
				continue
			}
			found = true
			compared++
			same := constant.Compare(c.Val(), token.EQL, o.Val())
			if why, listed := xsysValueDiffers[name]; listed {
				assert.False(t, same, "windows.%s is listed as differing (%s) but equals %s.%s", name, why, pkg, name)
				continue
			}
			assert.True(t, same, "windows.%s = %s, %s.%s = %s", name, c.Val(), pkg, name, o.Val())
		}
		if isErrno {
			errnos++
			assert.True(t, found, "windows.%s is no kernel error code", name)
		}
	}
	assert.Greater(t, errnos, 90, "errno.go declares the codes")
	assert.Greater(t, compared, 150, "the constants are compared")
	t.Logf("%d constants compared, %d error codes", compared, errnos)
}
