package namespace

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestObjectNamePaths: kernel32 opens lpName relative to the session's BaseNamedObjects
// (om.c test_query_object: CreateEventA "test_event" is \Sessions\<id>\BaseNamedObjects\test_event).
func TestObjectNamePaths(t *testing.T) {
	for name, want := range map[string]string{
		`x`:           `\Sessions\1\BaseNamedObjects\x`,
		`Global\x`:    `\Sessions\1\BaseNamedObjects\Global\x`,
		`Local\x`:     `\Sessions\1\BaseNamedObjects\Local\x`,
		`Session\1\x`: `\Sessions\1\BaseNamedObjects\Session\1\x`,
		`a/b<>|`:      `\Sessions\1\BaseNamedObjects\a/b<>|`,
		``:            ``,
	} {
		got, err := ObjectName(name)
		require.NoError(t, err, name)
		assert.Equal(t, want, got, name)
	}
}

// TestObjectNameResolves: "Global\x" is \BaseNamedObjects\x and "Local\x" is the session's x
// ("Kernel object namespaces" in the Win32 docs), looked up case-sensitively as kernel32 does.
func TestObjectNameResolves(t *testing.T) {
	root := NewRoot()
	local, global := &device{"local"}, &device{"global"}
	p, err := ObjectName(`Local\x`)
	require.NoError(t, err)
	_, err = root.InsertMatch(p, local, CaseSensitive)
	require.NoError(t, err)
	p, err = ObjectName(`Global\x`)
	require.NoError(t, err)
	_, err = root.InsertMatch(p, global, CaseSensitive)
	require.NoError(t, err)

	p, err = ObjectName(`x`)
	require.NoError(t, err)
	v, _, err := root.LookupMatch(p, CaseSensitive)
	require.NoError(t, err)
	assert.Same(t, local, v, `"x" and "Local\x" are one object`)
	v, _, err = root.LookupMatch(GlobalBaseNamedObjects+`\x`, CaseSensitive)
	require.NoError(t, err)
	assert.Same(t, global, v)
}

// TestObjectNameWithBackslashIsPathNotFound: CreateEvent(..., "willy\\wonka") fails with
// ERROR_PATH_NOT_FOUND (The Old New Thing, 2012-01-12), and om.c test_directory gets
// STATUS_OBJECT_PATH_NOT_FOUND creating `om.c\-mutant` under \BaseNamedObjects.
func TestObjectNameWithBackslashIsPathNotFound(t *testing.T) {
	root := NewRoot()
	p, err := ObjectName(`willy\wonka`)
	require.NoError(t, err)
	_, err = root.InsertMatch(p, &device{}, CaseSensitive)
	assert.ErrorIs(t, err, ErrPathNotFound)
	code, _ := Code(err)
	assert.Equal(t, uint32(3), code)
}

// TestObjectNamePrefixIsCaseSensitive: kernel32's objects are looked up without
// OBJ_CASE_INSENSITIVE, so "global\x" does not go through the Global link (inferred from
// om.c test_case_sensitive, where every component compares exactly).
func TestObjectNamePrefixIsCaseSensitive(t *testing.T) {
	root := NewRoot()
	p, err := ObjectName(`global\x`)
	require.NoError(t, err)
	_, err = root.InsertMatch(p, &device{}, CaseSensitive)
	assert.ErrorIs(t, err, ErrPathNotFound)
}

// TestObjectNameLengthLimit: names are limited to MAX_PATH characters (CreateEventW docs);
// kernel32's ANSI entry points convert into WCHAR[MAX_PATH] and fail with
// ERROR_FILENAME_EXCED_RANGE when the name and its NUL do not fit (Wine dlls/kernel32/sync.c).
func TestObjectNameLengthLimit(t *testing.T) {
	_, err := ObjectName(strings.Repeat("n", MaxPath-1))
	assert.NoError(t, err)
	_, err = ObjectName(strings.Repeat("n", MaxPath))
	assert.ErrorIs(t, err, ErrNameTooLong)
	// Counted in UTF-16 characters, not UTF-8 bytes.
	_, err = ObjectName(strings.Repeat("é", MaxPath-1))
	assert.NoError(t, err)
}
