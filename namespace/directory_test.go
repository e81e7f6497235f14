package namespace

import (
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestInsertErrors checks the outcomes of creating names, from ntdll/tests/om.c (asserted on
// Windows).
func TestInsertErrors(t *testing.T) {
	root, dev := newTestTree(t)
	for _, tc := range []struct {
		path string
		want *Error
	}{
		// test_directory: relative names, empty components, a missing parent.
		{`BaseNamedObjects`, ErrBadPathname},
		{``, ErrBadPathname},
		{`\BaseNamedObjects\`, ErrInvalidName},
		{`\\BaseNamedObjects`, ErrInvalidName},
		{`\BaseNamedObjects\\om.c-test`, ErrInvalidName},
		{`\BaseNamedObjects\om.c-test\`, ErrPathNotFound},
		{`\BasedNamedObjects\Local\om.c-test`, ErrPathNotFound},
		{`\nothing\x`, ErrPathNotFound},
		// test_name_collisions: NtCreateMutant of `\??\PIPE\om.c-mutant` fails with
		// STATUS_OBJECT_PATH_NOT_FOUND: the parent is the pipe device, not a directory.
		{`\Device\NamedPipe\om.c-mutant`, ErrPathNotFound},
		// test_name_collisions: creating the root directory `\` collides.
		{`\`, ErrNameCollision},
	} {
		_, err := root.Insert(tc.path, &device{"new"})
		assert.ErrorIs(t, err, tc.want, "%q", tc.path)
	}
	_, err := root.Insert(`\Device\NamedPipe`, dev)
	assert.ErrorIs(t, err, ErrNameCollision)
}

// TestInsertCollisionReturnsExisting: a second create of a name gets the existing object,
// which is what lets the kernel implement OBJ_OPENIF (om.c test_name_collisions: a second
// CreateMutexA of "om.c-test" succeeds with ERROR_ALREADY_EXISTS and a handle to the first).
func TestInsertCollisionReturnsExisting(t *testing.T) {
	root, _ := newTestTree(t)
	first := &device{"first"}
	_, err := root.Insert(`\BaseNamedObjects\om.c-test`, first)
	require.NoError(t, err)

	existing, err := root.Insert(`\BaseNamedObjects\OM.C-TEST`, &device{"second"})
	require.ErrorIs(t, err, ErrNameCollision)
	assert.Same(t, first, existing)
	code, ok := Code(err)
	assert.True(t, ok)
	assert.Equal(t, uint32(183), code)

	// Root collision reports the root itself.
	existing, err = root.Insert(`\`, &device{})
	require.ErrorIs(t, err, ErrNameCollision)
	assert.Same(t, root, existing)
}

// TestInsertDoesNotFollowFinalSymlink: creating a symbolic link over an existing one gives
// STATUS_OBJECT_NAME_COLLISION (om.c test_symboliclink), so Insert must stop at the link
// instead of following it.
func TestInsertDoesNotFollowFinalSymlink(t *testing.T) {
	root, _ := newTestTree(t)
	link := NewSymlink(`\BaseNamedObjects`)
	_, err := root.Insert(`\test_link`, link)
	require.NoError(t, err)
	existing, err := root.Insert(`\test_link`, NewSymlink(`\BaseNamedObjects`))
	require.ErrorIs(t, err, ErrNameCollision)
	assert.Same(t, link, existing)
	_, err = root.Mkdir(`\test_link`)
	assert.ErrorIs(t, err, ErrNameCollision, "Mkdir over a link is a collision, not the link's target")
}

// TestInsertRejectsNil: a nil value is API misuse (ERROR_INVALID_PARAMETER), never a panic.
func TestInsertRejectsNil(t *testing.T) {
	root, _ := newTestTree(t)
	_, err := root.Insert(`\x`, nil)
	assert.ErrorIs(t, err, ErrInvalidParameter)
}

// TestCaseSensitiveNamesCoexist: kernel32 objects are case-sensitive, so "test" and "Test"
// are two objects (om.c test_case_sensitive creates a mutant "test" and an event "Test"), and
// a case-insensitive lookup that matches both returns the newer one (the same test opens
// "TEst" case-insensitively and gets STATUS_OBJECT_TYPE_MISMATCH from the event).
func TestCaseSensitiveNamesCoexist(t *testing.T) {
	root, _ := newTestTree(t)
	mutant, event := &device{"mutant"}, &device{"event"}
	_, err := root.InsertMatch(`\BaseNamedObjects\test`, mutant, CaseSensitive)
	require.NoError(t, err)
	_, err = root.InsertMatch(`\BaseNamedObjects\Test`, event, CaseSensitive)
	require.NoError(t, err)
	existing, err := root.InsertMatch(`\BaseNamedObjects\Test`, &device{}, CaseSensitive)
	require.ErrorIs(t, err, ErrNameCollision)
	assert.Same(t, event, existing)

	v, _, err := root.Lookup(`\BaseNamedObjects\TEst`)
	require.NoError(t, err)
	assert.Same(t, event, v, "newest entry wins a case-insensitive match")

	// A case-insensitive create now collides with the newest match.
	existing, err = root.Insert(`\BaseNamedObjects\TEST`, &device{})
	require.ErrorIs(t, err, ErrNameCollision)
	assert.Same(t, event, existing)

	// Removing the event uncovers the mutant.
	require.True(t, root.Remove(`\BaseNamedObjects\test`, event))
	v, _, err = root.Lookup(`\BaseNamedObjects\TEst`)
	require.NoError(t, err)
	assert.Same(t, mutant, v)
}

// TestRemoveOnlyTheGivenValue: Remove unlinks an entry only when it is still the value the
// caller named; a temporary object leaving the namespace must not take a newer object of
// the same name with it.
func TestRemoveOnlyTheGivenValue(t *testing.T) {
	root, _ := newTestTree(t)
	old, cur := &device{"old"}, &device{"current"}
	_, err := root.Insert(`\BaseNamedObjects\x`, cur)
	require.NoError(t, err)
	assert.False(t, root.Remove(`\BaseNamedObjects\x`, old))
	assert.False(t, root.Remove(`\BaseNamedObjects\missing`, cur))
	assert.False(t, root.Remove(`\nothing\x`, cur))
	assert.False(t, root.Remove(`relative`, cur))
	assert.False(t, root.Remove(`\`, root))
	assert.False(t, root.Remove(`\BaseNamedObjects\x`, map[string]int{}), "uncomparable values never match and never panic")
	assert.True(t, root.Remove(`\BASENAMEDOBJECTS\X`, cur))
	assert.False(t, root.Remove(`\BaseNamedObjects\x`, cur))
	_, _, err = root.Lookup(`\BaseNamedObjects\x`)
	assert.ErrorIs(t, err, ErrNameNotFound)

	// Comparable non-pointer values work too.
	_, err = root.Insert(`\BaseNamedObjects\n`, 42)
	require.NoError(t, err)
	assert.False(t, root.Remove(`\BaseNamedObjects\n`, 43))
	assert.False(t, root.Remove(`\BaseNamedObjects\n`, int64(42)))
	assert.True(t, root.Remove(`\BaseNamedObjects\n`, 42))
}

// TestMkdirReturnsExistingDirectory: NtCreateDirectoryObject with OBJ_OPENIF on an existing
// directory succeeds with STATUS_OBJECT_NAME_EXISTS and opens it (om.c test_name_collisions,
// `\` with OBJ_OPENIF).
func TestMkdirReturnsExistingDirectory(t *testing.T) {
	root, _ := newTestTree(t)
	a, err := root.Mkdir(`\Dir`)
	require.NoError(t, err)
	b, err := root.Mkdir(`\dir`)
	require.NoError(t, err)
	assert.Same(t, a, b)

	_, err = root.Mkdir(`\Device\NamedPipe`)
	assert.ErrorIs(t, err, ErrNameCollision, "a non-directory of that name")
	_, err = root.Mkdir(`\missing\dir`)
	assert.ErrorIs(t, err, ErrPathNotFound)
}

// TestListIsSortedByFoldedName: listings (NtQueryDirectoryObject, WinObj) are shown in a
// stable order here: by upcased name, then by name.
func TestListIsSortedByFoldedName(t *testing.T) {
	d := NewDirectory()
	for _, n := range []string{`b`, `A`, `a`, `C`, `_x`, `B2`} {
		_, err := d.InsertMatch(`\`+n, n, CaseSensitive)
		require.NoError(t, err)
	}
	var names []string
	for _, e := range d.List() {
		names = append(names, e.Name)
		assert.Equal(t, e.Name, e.Value)
	}
	assert.Equal(t, []string{"A", "a", "b", "B2", "C", "_x"}, names)
	assert.Equal(t, 6, d.Len())
	assert.Empty(t, NewDirectory().List())
	var zero Directory
	assert.Equal(t, 0, zero.Len())
}

// TestWalkVisitsDepthFirst shows the WinObj-style view of a tree and that Walk stops when
// asked to and never loops through a directory linked into itself.
// walkTree returns a tree with a device, a symbolic link, an empty directory and a
// directory linked inside itself.
func walkTree(t *testing.T) *Directory {
	t.Helper()
	root := NewDirectory()
	dev, err := root.Mkdir(`\Device`)
	require.NoError(t, err)
	_, err = root.Insert(`\Device\NamedPipe`, &device{})
	require.NoError(t, err)
	_, err = root.Insert(`\??`, NewSymlink(`\GLOBAL??`))
	require.NoError(t, err)
	_, err = root.Mkdir(`\BaseNamedObjects`)
	require.NoError(t, err)
	_, err = root.Insert(`\Device\Again`, dev) // a directory inside itself
	require.NoError(t, err)
	return root
}

func TestWalkVisitsDepthFirst(t *testing.T) {
	root := walkTree(t)

	var paths []string
	root.Walk(func(path string, v any) bool {
		paths = append(paths, fmt.Sprintf("%s %T", path, v))
		return true
	})
	assert.Equal(t, []string{
		`\?? *namespace.Symlink`,
		`\BaseNamedObjects *namespace.Directory`,
		`\Device *namespace.Directory`,
		`\Device\Again *namespace.Directory`,
		`\Device\NamedPipe *namespace.device`,
	}, paths)

	var n int
	root.Walk(func(string, any) bool { n++; return n < 3 })
	assert.Equal(t, 3, n, "returning false stops the walk")

	n = 0
	root.Walk(func(path string, _ any) bool { n++; return path != `\Device\Again` })
	assert.Equal(t, 4, n, "stopping inside a subdirectory stops everything")
}

// TestDirectoryConcurrentUse: a Directory is shared by every process of a machine; run under
// -race this checks that concurrent creates, lookups, removes and listings are safe.
func TestDirectoryConcurrentUse(t *testing.T) {
	root := NewRoot()
	const workers, names = 8, 50
	var wg sync.WaitGroup
	errs := make(chan error, workers*names)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range names {
				path := fmt.Sprintf(`\Sessions\1\BaseNamedObjects\Global\w%d-%d`, w, i)
				v := &device{path}
				if _, err := root.Insert(path, v); err != nil {
					errs <- err
					continue
				}
				got, _, err := root.Lookup(path)
				if err != nil {
					errs <- err
				} else if got != v {
					errs <- fmt.Errorf("%s: got %v", path, got)
				}
				_ = root.Len()
				_ = root.List()
				if !root.Remove(path, v) {
					errs <- fmt.Errorf("%s: not removed", path)
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		assert.NoError(t, err)
	}
	bno, _, err := root.Lookup(GlobalBaseNamedObjects)
	require.NoError(t, err)
	assert.Equal(t, 3, bno.(*Directory).Len(), "only the three links remain")
}

// Scan visits exactly what Walk visits (each directory once, even one linked inside
// itself), with the same paths, in its own order; returning false stops it; and a
// scan inside a scan's callback is a scan of its own.
func TestScanVisitsWhatWalkVisits(t *testing.T) {
	root := walkTree(t)
	_, err := root.Mkdir(`\BaseNamedObjects\Session`)
	require.NoError(t, err)

	var walked, scanned []string
	root.Walk(func(path string, v any) bool {
		walked = append(walked, fmt.Sprintf("%s %T", path, v))
		return true
	})
	root.Scan(func(p *WalkPath, v any) bool {
		scanned = append(scanned, fmt.Sprintf("%s %T", p.String(), v))
		var inner int
		root.Scan(func(*WalkPath, any) bool { inner++; return true })
		assert.Equal(t, len(walked), inner, "a nested scan sees the whole tree")
		return true
	})
	assert.ElementsMatch(t, walked, scanned)
	assert.Len(t, scanned, 6)

	var n int
	root.Scan(func(*WalkPath, any) bool { n++; return n < 2 })
	assert.Equal(t, 2, n, "returning false stops the scan")
}
