package namespace

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// newTestTree returns a root with \BaseNamedObjects and \Device\NamedPipe (a device).
func newTestTree(t *testing.T) (*Directory, *device) {
	t.Helper()
	root := NewDirectory()
	_, err := root.Mkdir(`\BaseNamedObjects`)
	require.NoError(t, err)
	_, err = root.Mkdir(`\Device`)
	require.NoError(t, err)
	dev := &device{"npfs"}
	_, err = root.Insert(`\Device\NamedPipe`, dev)
	require.NoError(t, err)
	return root, dev
}

// TestLookupRejectsMalformedPaths checks the errors of ntdll/tests/om.c test_directory,
// test_symboliclink and test_name_limits (all asserted on Windows).
func TestLookupRejectsMalformedPaths(t *testing.T) {
	root, _ := newTestTree(t)
	for _, tc := range []struct {
		path string
		want *Error
	}{
		// A NULL or empty name without a root directory, or a relative one:
		// STATUS_OBJECT_PATH_SYNTAX_BAD.
		{``, ErrBadPathname},
		{`BaseNamedObjects`, ErrBadPathname},
		// Empty components: STATUS_OBJECT_NAME_INVALID.
		{`\BaseNamedObjects\`, ErrInvalidName},
		{`\\BaseNamedObjects`, ErrInvalidName},
		{`\BaseNamedObjects\\om.c-test`, ErrInvalidName},
		{`\\`, ErrInvalidName},
		// A missing component followed by more path: STATUS_OBJECT_PATH_NOT_FOUND, trailing
		// backslash included.
		{`\BaseNamedObjects\om.c-test\`, ErrPathNotFound},
		{`\BasedNamedObjects\Local\om.c-test\om.c-event`, ErrPathNotFound},
		// A missing last component: STATUS_OBJECT_NAME_NOT_FOUND.
		{`\BaseNamedObjects\om.c-test`, ErrNameNotFound},
		{`\nothing`, ErrNameNotFound},
	} {
		_, _, err := root.Lookup(tc.path)
		assert.ErrorIs(t, err, tc.want, "%q", tc.path)
	}
}

// TestLookupRejectsOverlongPath: a 65532-byte UNICODE_STRING works and a 65534-byte one
// fails with STATUS_OBJECT_NAME_INVALID (ntdll/tests/om.c test_name_limits).
func TestLookupRejectsOverlongPath(t *testing.T) {
	root, _ := newTestTree(t)
	ok := `\` + strings.Repeat("a", MaxNTPathLen-1)
	_, _, err := root.Lookup(ok)
	assert.ErrorIs(t, err, ErrNameNotFound)
	_, err = root.Insert(ok, &device{})
	assert.NoError(t, err)

	tooLong := `\` + strings.Repeat("a", MaxNTPathLen)
	_, _, err = root.Lookup(tooLong)
	assert.ErrorIs(t, err, ErrInvalidName)
	_, err = root.Insert(tooLong, &device{})
	assert.ErrorIs(t, err, ErrInvalidName)

	// The limit counts UTF-16 units: a path of 2-unit characters is over it at half the length.
	astral := `\` + strings.Repeat("\U0001F600", MaxNTPathLen/2)
	_, _, err = root.Lookup(astral)
	assert.ErrorIs(t, err, ErrInvalidName)
}

// TestLookupRootAndDirectories: `\` is the root (om.c test_directory opens it), and a path
// naming a directory returns it with an empty rest.
func TestLookupRootAndDirectories(t *testing.T) {
	root, _ := newTestTree(t)
	v, rest, err := root.Lookup(`\`)
	require.NoError(t, err)
	assert.Same(t, root, v)
	assert.Empty(t, rest)

	v, rest, err = root.Lookup(`\Device`)
	require.NoError(t, err)
	assert.IsType(t, &Directory{}, v)
	assert.Empty(t, rest)
}

// TestLookupStopsAtDeviceWithRest: the walk hands the rest of the name to the first object
// that is not a container, the way NT calls a device's parse procedure (om.c
// test_query_object: the server end of `\\.\pipe\test_pipe` is `\Device\NamedPipe\test_pipe`;
// `\\.\pipe\` opens `\Device\NamedPipe\`; windows-facts.md NP-8: the rest after the device prefix is
// an exact string, `/`, `.` and `..` included).
func TestLookupStopsAtDeviceWithRest(t *testing.T) {
	root, dev := newTestTree(t)
	for path, rest := range map[string]string{
		`\Device\NamedPipe`:                 ``,
		`\Device\NamedPipe\`:                `\`,
		`\Device\NamedPipe\test_pipe`:       `\test_pipe`,
		`\Device\NamedPipe\wine/test`:       `\wine/test`,
		`\Device\NamedPipe\wine\.\test`:     `\wine\.\test`,
		`\Device\NamedPipe\wine\..\test`:    `\wine\..\test`,
		`\Device\NamedPipe\\`:               `\\`,
		`\DEVICE\namedpipe\Trailing\Slash\`: `\Trailing\Slash\`,
	} {
		v, got, err := root.Lookup(path)
		if assert.NoError(t, err, path) {
			assert.Same(t, dev, v, path)
			assert.Equal(t, rest, got, path)
		}
	}
}

// TestLookupFollowsSymlinksAtEveryComponent: om.c test_symboliclink reaches an object
// through `\DosDevices\test_link\om.c-test\test_object` where test_link points at
// \BaseNamedObjects, and NtCreateFile on the link itself follows it to the directory
// (STATUS_OBJECT_TYPE_MISMATCH, since a directory is not a file).
func TestLookupFollowsSymlinksAtEveryComponent(t *testing.T) {
	root, dev := newTestTree(t)
	_, err := root.Mkdir(`\DosDevices`)
	require.NoError(t, err)
	_, err = root.Insert(`\DosDevices\test_link`, NewSymlink(`\BaseNamedObjects`))
	require.NoError(t, err)
	dir, err := root.Mkdir(`\DosDevices\test_link\om.c-test`)
	require.NoError(t, err)
	obj := &device{"mutant"}
	_, err = root.Insert(`\DosDevices\test_link\om.c-test\test_object`, obj)
	require.NoError(t, err)

	v, rest, err := root.Lookup(`\BaseNamedObjects\om.c-test\test_object`)
	require.NoError(t, err)
	assert.Same(t, obj, v)
	assert.Empty(t, rest)

	v, _, err = root.Lookup(`\DosDevices\test_link\om.c-test`)
	require.NoError(t, err)
	assert.Same(t, dir, v)

	bno, _, err := root.Lookup(`\BaseNamedObjects`)
	require.NoError(t, err)
	v, _, err = root.Lookup(`\DosDevices\test_link`)
	require.NoError(t, err)
	assert.Same(t, bno, v, "a link as the last component is followed")

	// A link into a device passes the rest on.
	_, err = root.Insert(`\DosDevices\PIPE`, NewSymlink(`\Device\NamedPipe`))
	require.NoError(t, err)
	v, rest, err = root.Lookup(`\DosDevices\pipe\x\y`)
	require.NoError(t, err)
	assert.Same(t, dev, v)
	assert.Equal(t, `\x\y`, rest)
}

// TestLookupSymlinkDepthCap: NT gives up after OBJ_MAX_REPARSE_ATTEMPTS (32) reparses
// counting down to zero, so 31 links resolve and the 32nd fails with
// STATUS_OBJECT_NAME_NOT_FOUND (NT's ObpLookupObjectName; same outcome in ReactOS
// ntoskrnl/ob/obname.c). Not asserted by a Windows-run test: docs/deviations.md.
func TestLookupSymlinkDepthCap(t *testing.T) {
	root, dev := newTestTree(t)
	chain := func(name string, n int) string {
		for i := n; i >= 1; i-- {
			target := `\Device\NamedPipe`
			if i < n {
				target = `\` + name + strings.Repeat("x", i+1)
			}
			_, err := root.Insert(`\`+name+strings.Repeat("x", i), NewSymlink(target))
			require.NoError(t, err)
		}
		return `\` + name + "x"
	}
	start := chain("ok", MaxSymlinkDepth-1)
	v, rest, err := root.Lookup(start + `\p`)
	require.NoError(t, err)
	assert.Same(t, dev, v)
	assert.Equal(t, `\p`, rest)

	start = chain("deep", MaxSymlinkDepth)
	_, _, err = root.Lookup(start + `\p`)
	assert.ErrorIs(t, err, ErrTooManyLinks)
	assert.ErrorIs(t, err, ErrNameNotFound, "NT reports the reparse limit as name-not-found")
	code, _ := Code(err)
	assert.Equal(t, uint32(2), code)
}

// TestLookupSymlinkLoopFails: a loop of links ends in ErrTooManyLinks instead of hanging, for
// lookups and for inserts through the loop.
func TestLookupSymlinkLoopFails(t *testing.T) {
	root, _ := newTestTree(t)
	_, err := root.Insert(`\self`, NewSymlink(`\self`))
	require.NoError(t, err)
	_, err = root.Insert(`\a`, NewSymlink(`\b\x`))
	require.NoError(t, err)
	_, err = root.Insert(`\b`, NewSymlink(`\a`))
	require.NoError(t, err)

	for _, path := range []string{`\self`, `\self\x`, `\a`, `\b\y`} {
		_, _, err := root.Lookup(path)
		assert.ErrorIs(t, err, ErrTooManyLinks, path)
	}
	_, err = root.Insert(`\self\x`, &device{})
	assert.ErrorIs(t, err, ErrTooManyLinks)
	assert.False(t, root.Remove(`\self\x`, &device{}))
}

// TestLookupSymlinkTargets: an empty target is the root (\GLOBAL??\GLOBALROOT on Windows); a
// relative target leaves NT nothing to reparse from and the lookup finds nothing; a target
// that makes the path too long is STATUS_NAME_TOO_LONG.
func TestLookupSymlinkTargets(t *testing.T) {
	root, dev := newTestTree(t)
	_, err := root.Insert(`\GLOBALROOT`, NewSymlink(""))
	require.NoError(t, err)
	v, rest, err := root.Lookup(`\GLOBALROOT\Device\NamedPipe\x`)
	require.NoError(t, err)
	assert.Same(t, dev, v)
	assert.Equal(t, `\x`, rest)
	v, _, err = root.Lookup(`\GLOBALROOT`)
	require.NoError(t, err)
	assert.Same(t, root, v)

	_, err = root.Insert(`\slash`, NewSymlink(`\`))
	require.NoError(t, err)
	v, _, err = root.Lookup(`\slash`)
	require.NoError(t, err)
	assert.Same(t, root, v)

	_, err = root.Insert(`\relative`, NewSymlink(`Device`))
	require.NoError(t, err)
	_, _, err = root.Lookup(`\relative\NamedPipe`)
	assert.ErrorIs(t, err, ErrNameNotFound)

	_, err = root.Insert(`\huge`, NewSymlink(`\`+strings.Repeat("h", MaxNTPathLen)))
	require.NoError(t, err)
	_, _, err = root.Lookup(`\huge\x`)
	assert.ErrorIs(t, err, ErrNameTooLong)

	// Creating through such links fails the same ways; the parent is unreachable.
	_, err = root.Insert(`\relative\NamedPipe\x`, &device{})
	assert.ErrorIs(t, err, ErrPathNotFound)
	_, err = root.Insert(`\huge\x`, &device{})
	assert.ErrorIs(t, err, ErrNameTooLong)
	_, err = root.Insert(`\GLOBALROOT\made-at-root`, &device{})
	assert.NoError(t, err)
	_, _, err = root.Lookup(`\made-at-root`)
	assert.NoError(t, err)
}

// TestLookupCaseInsensitiveCasePreserving: CreateFile passes OBJ_CASE_INSENSITIVE; om.c
// test_namespace_pipe creates `\??\PIPE\test\pipe` and then finds it as `\??\PIPE\TEST\PIPE`
// and opens it as `\\.\pipe\test\pipe`.
func TestLookupCaseInsensitiveCasePreserving(t *testing.T) {
	root, _ := newTestTree(t)
	obj := &device{"event"}
	_, err := root.Insert(`\BaseNamedObjects\MixedCase`, obj)
	require.NoError(t, err)
	for _, p := range []string{`\BaseNamedObjects\MixedCase`, `\basenamedobjects\mixedcase`, `\BASENAMEDOBJECTS\MIXEDCASE`} {
		v, _, err := root.Lookup(p)
		if assert.NoError(t, err, p) {
			assert.Same(t, obj, v, p)
		}
	}
	bno, _, err := root.Lookup(`\BaseNamedObjects`)
	require.NoError(t, err)
	list := bno.(*Directory).List()
	require.Len(t, list, 1)
	assert.Equal(t, "MixedCase", list[0].Name, "the name keeps the case it was created with")
}

// TestLookupCaseSensitive: without OBJ_CASE_INSENSITIVE every component compares exactly;
// om.c test_case_sensitive gets STATUS_OBJECT_PATH_NOT_FOUND for `\BASENamedObjects\test`.
func TestLookupCaseSensitive(t *testing.T) {
	root, _ := newTestTree(t)
	obj := &device{"mutant"}
	_, err := root.InsertMatch(`\BaseNamedObjects\test`, obj, CaseSensitive)
	require.NoError(t, err)

	_, _, err = root.LookupMatch(`\BASENamedObjects\test`, CaseSensitive)
	assert.ErrorIs(t, err, ErrPathNotFound)
	_, _, err = root.LookupMatch(`\BaseNamedObjects\TEST`, CaseSensitive)
	assert.ErrorIs(t, err, ErrNameNotFound)
	v, _, err := root.LookupMatch(`\BaseNamedObjects\test`, CaseSensitive)
	require.NoError(t, err)
	assert.Same(t, obj, v)
	v, _, err = root.LookupMatch(`\BASENamedObjects\TEST`, CaseInsensitive)
	require.NoError(t, err)
	assert.Same(t, obj, v)
}

func TestMatchString(t *testing.T) {
	assert.Equal(t, "CaseInsensitive", CaseInsensitive.String())
	assert.Equal(t, "CaseSensitive", CaseSensitive.String())
	assert.Equal(t, "Match(7)", Match(7).String())
}
