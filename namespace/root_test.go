package namespace

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// withDevices returns NewRoot with the three devices the file systems register.
func withDevices(t *testing.T) (root *Directory, pipes, slots, mup *device) {
	t.Helper()
	root = NewRoot()
	pipes, slots, mup = &device{"npfs"}, &device{"msfs"}, &device{"mup"}
	for path, dev := range map[string]*device{NamedPipeDevice: pipes, MailslotDevice: slots, MupDevice: mup} {
		_, err := root.Insert(path, dev)
		require.NoError(t, err)
	}
	return root, pipes, slots, mup
}

// TestNewRootDosDevices: \??\PIPE, \??\MAILSLOT and \??\UNC lead to the pipe, mailslot and
// redirector devices (om.c test_namespace_pipe creates `\??\PIPE\test\pipe` and opens it as
// `\\.\pipe\test\pipe`; test_query_object: the objects are named under \Device\NamedPipe
// and \Device\Mailslot).
func TestNewRootDosDevices(t *testing.T) {
	root, pipes, slots, mup := withDevices(t)
	for _, tc := range []struct {
		path string
		dev  *device
		rest string
	}{
		{`\??\PIPE\test\pipe`, pipes, `\test\pipe`},
		{`\??\pipe\TEST\PIPE`, pipes, `\TEST\PIPE`},
		{`\??\MAILSLOT\a\b`, slots, `\a\b`},
		{`\??\UNC\host\pipe\x`, mup, `\host\pipe\x`},
		{`\GLOBAL??\PIPE\x`, pipes, `\x`},
		{`\DosDevices\PIPE\x`, pipes, `\x`},
		{`\??\Global\PIPE\x`, pipes, `\x`},
		{`\??\GLOBALROOT\Device\Mailslot\x`, slots, `\x`},
		{`\Device\MailSlot\x`, slots, `\x`},
	} {
		v, rest, err := root.Lookup(tc.path)
		if assert.NoError(t, err, tc.path) {
			assert.Same(t, tc.dev, v, tc.path)
			assert.Equal(t, tc.rest, rest, tc.path)
		}
	}
}

// TestNewRootBeforeDevicesAreRegistered: until a file system registers, `\??\PIPE\x` ends at a
// missing \Device\NamedPipe, a path-not-found.
func TestNewRootBeforeDevicesAreRegistered(t *testing.T) {
	root := NewRoot()
	_, _, err := root.Lookup(`\??\PIPE\x`)
	assert.ErrorIs(t, err, ErrPathNotFound)
	_, _, err = root.Lookup(`\??\PIPE`)
	assert.ErrorIs(t, err, ErrNameNotFound)
	dev, _, err := root.Lookup(DeviceDir)
	require.NoError(t, err)
	assert.Equal(t, 0, dev.(*Directory).Len(), `\Device starts empty`)
}

// TestNewRootSessionLinks: kernel32 names "x", "Local\x" and "Global\x" land in the session
// directory, the session directory again, and \BaseNamedObjects ("Kernel object namespaces";
// om.c test_directory creates `\BaseNamedObjects\Global\om.c-test` and reaches it as
// `\BaseNamedObjects\Local\om.c-test`; om.c get_base_dir opens a session's directory as
// `\BaseNamedObjects\Session\<id>`).
func TestNewRootSessionLinks(t *testing.T) {
	root := NewRoot()
	session, _, err := root.Lookup(SessionBaseNamedObjects)
	require.NoError(t, err)
	global, _, err := root.Lookup(GlobalBaseNamedObjects)
	require.NoError(t, err)
	require.NotSame(t, session, global)

	for path, want := range map[string]any{
		SessionBaseNamedObjects + `\Local`:               session,
		SessionBaseNamedObjects + `\Global`:              global,
		SessionBaseNamedObjects + `\Session\1`:           session,
		SessionBaseNamedObjects + `\Session\0`:           global,
		GlobalBaseNamedObjects + `\Local`:                global,
		GlobalBaseNamedObjects + `\Global`:               global,
		GlobalBaseNamedObjects + `\Session\1`:            session,
		`\Sessions\BNOLINKS\1`:                           session,
		SessionBaseNamedObjects + `\Global\Local\Global`: global,
	} {
		v, rest, err := root.Lookup(path)
		if assert.NoError(t, err, path) {
			assert.Same(t, want, v, path)
			assert.Empty(t, rest, path)
		}
	}

	ev := &device{"event"}
	_, err = root.Insert(SessionBaseNamedObjects+`\Global\ev`, ev)
	require.NoError(t, err)
	v, _, err := root.Lookup(GlobalBaseNamedObjects + `\ev`)
	require.NoError(t, err)
	assert.Same(t, ev, v, `"Global\ev" is created in \BaseNamedObjects`)
	assert.True(t, root.Remove(SessionBaseNamedObjects+`\Global\ev`, ev), "Remove follows the link in the parent part")
}

// TestNewRootIsWalkable prints the tree the way WinObj shows it.
func TestNewRootIsWalkable(t *testing.T) {
	var lines []string
	NewRoot().Walk(func(path string, v any) bool {
		if l, ok := v.(*Symlink); ok {
			lines = append(lines, path+" -> "+l.Target)
		} else {
			lines = append(lines, path)
		}
		return true
	})
	assert.Equal(t, []string{
		`\?? -> \GLOBAL??`,
		`\BaseNamedObjects`,
		`\BaseNamedObjects\Global -> \BaseNamedObjects`,
		`\BaseNamedObjects\Local -> \BaseNamedObjects`,
		`\BaseNamedObjects\Session -> \Sessions\BNOLINKS`,
		`\Device`,
		`\DosDevices -> \??`,
		`\GLOBAL??`,
		`\GLOBAL??\Global -> \GLOBAL??`,
		`\GLOBAL??\GLOBALROOT -> `,
		`\GLOBAL??\MAILSLOT -> \Device\Mailslot`,
		`\GLOBAL??\PIPE -> \Device\NamedPipe`,
		`\GLOBAL??\UNC -> \Device\Mup`,
		`\Sessions`,
		`\Sessions\1`,
		`\Sessions\1\BaseNamedObjects`,
		`\Sessions\1\BaseNamedObjects\Global -> \BaseNamedObjects`,
		`\Sessions\1\BaseNamedObjects\Local -> \Sessions\1\BaseNamedObjects`,
		`\Sessions\1\BaseNamedObjects\Session -> \Sessions\BNOLINKS`,
		`\Sessions\BNOLINKS`,
		`\Sessions\BNOLINKS\0 -> \BaseNamedObjects`,
		`\Sessions\BNOLINKS\1 -> \Sessions\1\BaseNamedObjects`,
	}, lines)
}
