package namespace

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestDosPathToNTPathMatchesWindows checks the translation against the device, verbatim and
// UNC rows of ntdll/tests/path.c test_RtlDosPathNameToNtPathName_U, which Wine's test bot
// runs on Windows (XP through 11). Drive-letter and relative rows are out of scope: they
// need a current directory and a file system.
func TestDosPathToNTPathMatchesWindows(t *testing.T) {
	for _, tc := range []struct{ dos, nt string }{
		// UNC: `\\` becomes `\??\UNC\`.
		{`\\foo`, `\??\UNC\foo`},
		{`//foo`, `\??\UNC\foo`},
		{`\/foo`, `\??\UNC\foo`},
		{`//`, `\??\UNC\`},
		{`//foo/`, `\??\UNC\foo\`},
		// Local device, forward slashes.
		{`//.`, `\??\`},
		{`//./`, `\??\`},
		{`//.//`, `\??\`},
		{`//./foo`, `\??\foo`},
		{`//./foo/`, `\??\foo\`},
		{`//./foo/bar`, `\??\foo\bar`},
		{`//./foo/.`, `\??\foo`},
		{`//./foo/..`, `\??\`},
		{`//./foo. . `, `\??\foo`},
		// `//?/` is not the verbatim prefix: it is normalised like `//./`.
		{`//?`, `\??\`},
		{`//?/`, `\??\`},
		{`//?//`, `\??\`},
		{`//?/foo`, `\??\foo`},
		{`//?/foo/`, `\??\foo\`},
		{`//?/foo/bar`, `\??\foo\bar`},
		{`//?/foo/.`, `\??\foo`},
		{`//?/foo/..`, `\??\`},
		{`//?/foo. . `, `\??\foo`},
		// Local device, backslashes.
		{`\\.`, `\??\`},
		{`\\.\`, `\??\`},
		{`\\.\/`, `\??\`},
		{`\\.\foo`, `\??\foo`},
		{`\\.\foo/`, `\??\foo\`},
		{`\\.\foo/bar`, `\??\foo\bar`},
		{`\\.\foo/.`, `\??\foo`},
		{`\\.\foo/..`, `\??\`},
		{`\\.\foo. . `, `\??\foo`},
		{`\\.\CON`, `\??\CON`},
		{`\\.\CONIN$`, `\??\CONIN$`},
		{`\\.\CONOUT$`, `\??\CONOUT$`},
		// Verbatim `\\?\` and `\??\`: nothing but the prefix changes.
		{`\\?`, `\??\`},
		{`\\?\`, `\??\`},
		{`\\?\/`, `\??\/`},
		{`\\?\foo`, `\??\foo`},
		{`\\?\foo/`, `\??\foo/`},
		{`\\?\foo/bar`, `\??\foo/bar`},
		{`\\?\foo/.`, `\??\foo/.`},
		{`\\?\foo/..`, `\??\foo/..`},
		{`\\?\\`, `\??\\`},
		{`\\?\\\`, `\??\\\`},
		{`\\?\foo\`, `\??\foo\`},
		{`\\?\foo\bar`, `\??\foo\bar`},
		{`\\?\foo\.`, `\??\foo\.`},
		{`\\?\foo\..`, `\??\foo\..`},
		{`\\?\foo. . `, `\??\foo. . `},
		{`\??\/`, `\??\/`},
		{`\??\foo`, `\??\foo`},
		{`\??\foo/`, `\??\foo/`},
		{`\??\foo/bar`, `\??\foo/bar`},
		{`\??\foo/.`, `\??\foo/.`},
		{`\??\foo/..`, `\??\foo/..`},
		{`\??\\`, `\??\\`},
		{`\??\\\`, `\??\\\`},
		{`\??\foo\`, `\??\foo\`},
		{`\??\foo\bar`, `\??\foo\bar`},
		{`\??\foo\.`, `\??\foo\.`},
		{`\??\foo\..`, `\??\foo\..`},
		{`\??\foo. . `, `\??\foo. . `},
	} {
		got, err := dosPathToNTPath(tc.dos)
		if assert.Nil(t, err, tc.dos) {
			assert.Equal(t, tc.nt, got, tc.dos)
		}
	}
}

// TestDosPathNormalisationOfComponents checks the component rules of RtlGetFullPathName_U
// on device and UNC names, using the drive-path rows of ntdll/tests/path.c
// test_RtlGetFullPathName_U (run on Windows) moved under `\\.\` and `\\server\share\`, where
// the same code runs with a different protected prefix: `.` and `..` resolve, duplicate
// separators collapse, an inner component loses one trailing dot ("test./file" ->
// "test\file", "test../file" -> "test.\file"), a component ending in a space keeps its dots
// ("test.. /file"), and the last component loses all trailing dots and spaces.
func TestDosPathNormalisationOfComponents(t *testing.T) {
	for _, tc := range []struct{ dos, nt string }{
		{`\\.\test\test1\..\.\file`, `\??\test\file`},
		{`\\.\test/././file`, `\??\test\file`},
		{`\\.\test\\.\.\file`, `\??\test\file`},
		{`\\.\test./file`, `\??\test\file`},
		{`\\.\test../file`, `\??\test.\file`},
		{`\\.\test.. /file`, `\??\test.. \file`},
		{`\\.\test  ....   ..   `, `\??\test`},
		{`\\.\test/  ....   ..   `, `\??\test\`},
		{`\\.\test/.. `, `\??\test\`},
		{`\\.\test\a*b*.`, `\??\test\a*b*`},
		{`\\.\///test\..\file\..\//`, `\??\`},
		{`\\.\..\..\x`, `\??\x`},
		{`\\.\...\x`, `\??\..\x`},
		{`\\srv\share\a\..\b`, `\??\UNC\srv\share\b`},
		{`\\srv\share\..\..\b`, `\??\UNC\srv\share\b`},
		{`\\srv\share\a\..`, `\??\UNC\srv\share\`},
		{`\\srv\share\a\\b/c`, `\??\UNC\srv\share\a\b\c`},
		{`\\srv\share.`, `\??\UNC\srv\share.`},
		{`\\srv\share\x. `, `\??\UNC\srv\share\x`},
		{`\\srv\\share\x`, `\??\UNC\srv\\share\x`},
	} {
		got, err := dosPathToNTPath(tc.dos)
		if assert.Nil(t, err, tc.dos) {
			assert.Equal(t, tc.nt, got, tc.dos)
		}
	}
}

// TestDosPathToNTPathRejectsEmptyAndSpaces: RtlDosPathNameToNtPathName_U fails for NULL,
// "" and " " (ntdll/tests/path.c error_paths, STATUS_OBJECT_NAME_INVALID from the
// _WithStatus variant); kernel32 reports that as ERROR_PATH_NOT_FOUND, the code a NULL name
// gives CreateMailslot and CreateNamedPipe (windows-facts.md MS-4, NP-4). Longer all-space names
// follow the same rule in RtlGetFullPathName_U ("name only consists of spaces"); only " " is
// asserted on Windows.
func TestDosPathToNTPathRejectsEmptyAndSpaces(t *testing.T) {
	for _, name := range []string{"", " ", "   "} {
		_, err := ParseWin32Path(name)
		assert.ErrorIs(t, err, ErrPathNotFound, "%q", name)
	}
}

func TestParseWin32PathDeviceNames(t *testing.T) {
	for _, tc := range []struct {
		name string
		want Win32Path
	}{
		// docs/windows-facts.md#named-pipes: the default test pipe `\\.\PiPe\tests_pipe.c`; the prefix is
		// case-insensitive at lookup time and its case is preserved here.
		{`\\.\pipe\x`, Win32Path{KindDevice, ".", "pipe", `\x`, `\??\pipe\x`}},
		{`\\.\PiPe\x`, Win32Path{KindDevice, ".", "PiPe", `\x`, `\??\PiPe\x`}},
		// Mailslot pseudo-directories are kept (MS docs "Mailslot Names").
		{`\\.\mailslot\a\b`, Win32Path{KindDevice, ".", "mailslot", `\a\b`, `\??\mailslot\a\b`}},
		{`\\?\pipe\x`, Win32Path{KindDevice, ".", "pipe", `\x`, `\??\pipe\x`}},
		// windows-facts.md NP-7: the trailing backslash is part of the name.
		{`\\.\pipe\trailingslash\`, Win32Path{KindDevice, ".", "pipe", `\trailingslash\`, `\??\pipe\trailingslash\`}},
		// ntdll/tests/om.c test_query_object: `\\.\pipe` opens the device itself and
		// `\\.\pipe\` opens `\Device\NamedPipe\`.
		{`\\.\pipe`, Win32Path{KindDevice, ".", "pipe", ``, `\??\pipe`}},
		{`\\.\pipe\`, Win32Path{KindDevice, ".", "pipe", `\`, `\??\pipe\`}},
		// windows-facts.md NP-6: `\\.\pipe\a<>*?|"/b` is accepted; Windows turns the `/` into `\`
		// (ntdll/tests/path.c `\\.\foo/bar`), so create and open agree on `a<>*?|"\b`.
		{`\\.\pipe\a<>*?|"/b`, Win32Path{KindDevice, ".", "pipe", `\a<>*?|"\b`, `\??\pipe\a<>*?|"\b`}},
		// The verbatim prefix keeps `/`, `.` and `..` literal (windows-facts.md NP-8).
		{`\\?\pipe\a/b`, Win32Path{KindDevice, ".", "pipe", `\a/b`, `\??\pipe\a/b`}},
		{`\\?\pipe\wine\.\test`, Win32Path{KindDevice, ".", "pipe", `\wine\.\test`, `\??\pipe\wine\.\test`}},
		{`\\?\pipe\wine\..\test`, Win32Path{KindDevice, ".", "pipe", `\wine\..\test`, `\??\pipe\wine\..\test`}},
		// ...while `\\.\` resolves them (ntdll/tests/path.c `\\.\foo/.`, `\\.\foo/..`).
		{`\\.\pipe\wine\.\test`, Win32Path{KindDevice, ".", "pipe", `\wine\test`, `\??\pipe\wine\test`}},
		{`\\.\pipe\wine\..\test`, Win32Path{KindDevice, ".", "pipe", `\test`, `\??\pipe\test`}},
		// `..` may climb out of the device name: `\\.\pipe\..\mailslot\x` is a mailslot.
		{`\\.\pipe\..\mailslot\x`, Win32Path{KindDevice, ".", "mailslot", `\x`, `\??\mailslot\x`}},
		// `\\.\UNC\...` and `\\?\UNC\...` name the redirector: they are UNC paths.
		{`\\?\UNC\host\pipe\x`, Win32Path{KindUNC, "host", "pipe", `\x`, `\??\UNC\host\pipe\x`}},
		{`\\.\unc\host\pipe\x`, Win32Path{KindUNC, "host", "pipe", `\x`, `\??\unc\host\pipe\x`}},
		// `\\.\UNC` alone is the MUP device, not a UNC name.
		{`\\.\UNC`, Win32Path{KindDevice, ".", "UNC", ``, `\??\UNC`}},
	} {
		got, err := ParseWin32Path(tc.name)
		if assert.NoError(t, err, tc.name) {
			assert.Equal(t, tc.want, got, tc.name)
		}
	}
}

// TestParseWin32PathUNCNames covers the remote and broadcast forms of MS docs "Mailslot
// Names" and "Pipe Names": \\ComputerName\mailslot\name, \\DomainName\mailslot\name,
// \\*\mailslot\name and \\ServerName\pipe\PipeName.
func TestParseWin32PathUNCNames(t *testing.T) {
	for _, tc := range []struct {
		name string
		want Win32Path
	}{
		{`\\HOST\pipe\x`, Win32Path{KindUNC, "HOST", "pipe", `\x`, `\??\UNC\HOST\pipe\x`}},
		{`\\*\mailslot\x`, Win32Path{KindUNC, "*", "mailslot", `\x`, `\??\UNC\*\mailslot\x`}},
		{`\\DOMAIN\mailslot\x`, Win32Path{KindUNC, "DOMAIN", "mailslot", `\x`, `\??\UNC\DOMAIN\mailslot\x`}},
		{`\\Host\MailSlot\a\b`, Win32Path{KindUNC, "Host", "MailSlot", `\a\b`, `\??\UNC\Host\MailSlot\a\b`}},
		{`//host/pipe/a/../b`, Win32Path{KindUNC, "host", "pipe", `\b`, `\??\UNC\host\pipe\b`}},
		{`\\host\pipe`, Win32Path{KindUNC, "host", "pipe", ``, `\??\UNC\host\pipe`}},
		{`\\.foo\pipe\x`, Win32Path{KindUNC, ".foo", "pipe", `\x`, `\??\UNC\.foo\pipe\x`}},
	} {
		got, err := ParseWin32Path(tc.name)
		if assert.NoError(t, err, tc.name) {
			assert.Equal(t, tc.want, got, tc.name)
		}
	}
}

// TestParseWin32PathRejectsIncompleteNames checks names that translate but cannot name a
// device or share.
func TestParseWin32PathRejectsIncompleteNames(t *testing.T) {
	for _, tc := range []struct {
		name string
		want *Error
	}{
		// These become `\??\` (ntdll/tests/path.c), whose empty last component the object
		// manager rejects with STATUS_OBJECT_NAME_INVALID (ntdll/tests/path.c
		// test_nt_names: `\??\` -> STATUS_OBJECT_NAME_INVALID; om.c test_directory:
		// `\BaseNamedObjects\` -> the same).
		{`\\.`, ErrInvalidName},
		{`\\.\`, ErrInvalidName},
		{`\\?\`, ErrInvalidName},
		{`\\?`, ErrInvalidName},
		{`\\.\pipe\..`, ErrInvalidName},
		// `\??\\x` has an empty component: STATUS_OBJECT_NAME_INVALID (om.c test_directory
		// `\\BaseNamedObjects`).
		{`\\?\\x`, ErrInvalidName},
		// Not device or UNC paths: no file system here. CreateMailslot("blah") and
		// CreateNamedPipe("not a named pipe") fail with ERROR_INVALID_NAME (windows-facts.md MS-3, NP-2).
		{`blah`, ErrInvalidName},
		{`not a named pipe`, ErrInvalidName},
		{`C:\pipe\x`, ErrInvalidName},
		{`\pipe\x`, ErrInvalidName},
		{`/`, ErrInvalidName},
		// UNC names without server or share. Windows' code for these is not verified
		// (docs/deviations.md); ERROR_BAD_PATHNAME is what we give.
		{`\\`, ErrBadPathname},
		{`\\HOST`, ErrBadPathname},
		{`\\HOST\`, ErrBadPathname},
		{`\\?\UNC\`, ErrBadPathname},
		{`\\?\UNC\host`, ErrBadPathname},
		{`\\?\UNC\\share`, ErrBadPathname},
	} {
		_, err := ParseWin32Path(tc.name)
		assert.ErrorIs(t, err, tc.want, "%q", tc.name)
	}
}

// TestParseWin32PathRejectsOverlongNames: RtlDosPathNameToNtPathName_U cannot produce a
// UNICODE_STRING over 32767 characters and fails with STATUS_NAME_TOO_LONG
// (ERROR_FILENAME_EXCED_RANGE).
func TestParseWin32PathRejectsOverlongNames(t *testing.T) {
	long := `\\?\pipe\` + strings.Repeat("a", maxDosPathLen)
	_, err := ParseWin32Path(long)
	require.ErrorIs(t, err, ErrNameTooLong)
	code, ok := Code(err)
	assert.True(t, ok)
	assert.Equal(t, uint32(206), code)

	fits := `\\?\pipe\` + strings.Repeat("a", maxDosPathLen-len(`\??\pipe\`))
	_, err = ParseWin32Path(fits)
	assert.NoError(t, err)
}

func TestKindString(t *testing.T) {
	assert.Equal(t, "device", KindDevice.String())
	assert.Equal(t, "unc", KindUNC.String())
	assert.Equal(t, "Kind(0)", Kind(0).String())
}

// TestParseWin32PathResolvesOnNewRoot checks that the translated NT paths reach the devices
// through NewRoot's links (MS docs "Pipe Names": `\\.\pipe\` names the local pipe file
// system; om.c test_query_object: pipes and mailslots are named under \Device\NamedPipe and
// \Device\Mailslot).
func TestParseWin32PathResolvesOnNewRoot(t *testing.T) {
	root := NewRoot()
	pipes, slots, mup := &device{"npfs"}, &device{"msfs"}, &device{"mup"}
	for path, dev := range map[string]*device{NamedPipeDevice: pipes, MailslotDevice: slots, MupDevice: mup} {
		_, err := root.Insert(path, dev)
		require.NoError(t, err)
	}
	for _, tc := range []struct {
		name string
		dev  *device
		rest string
	}{
		{`\\.\pipe\x`, pipes, `\x`},
		{`\\.\PIPE\x`, pipes, `\x`},
		{`\\?\pipe\a/b`, pipes, `\a/b`},
		{`\\.\pipe`, pipes, ``},
		{`\\.\pipe\`, pipes, `\`},
		{`\\.\mailslot\a\b`, slots, `\a\b`},
		{`\\HOST\pipe\x`, mup, `\HOST\pipe\x`},
		{`\\*\mailslot\x`, mup, `\*\mailslot\x`},
		{`\\?\GLOBALROOT\Device\NamedPipe\x`, pipes, `\x`},
	} {
		w, err := ParseWin32Path(tc.name)
		require.NoError(t, err, tc.name)
		v, rest, err := root.Lookup(w.NTPath)
		if assert.NoError(t, err, tc.name) {
			assert.Same(t, tc.dev, v, tc.name)
			assert.Equal(t, tc.rest, rest, tc.name)
		}
	}
}
