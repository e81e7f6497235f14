package windows_test

import (
	"strconv"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/winsim/winsim"
	"github.com/winsim/winsim/kernel"
	"github.com/winsim/winsim/kerneltest"
	"github.com/winsim/winsim/windows"
)

var nameSeq atomic.Uint64

// uniquePipe returns a pipe name no other test uses.
func uniquePipe() string {
	return `\\.\pipe\winsim-windows-test-` + strconv.FormatUint(nameSeq.Add(1), 10)
}

// uniqueMailslot returns a mailslot name no other test uses.
func uniqueMailslot() string {
	return `\\.\mailslot\winsim-windows-test-` + strconv.FormatUint(nameSeq.Add(1), 10)
}

// newMachine returns a machine with both file systems, checked for leaks when the test ends.
func newMachine(t testing.TB) *kernel.Machine {
	t.Helper()
	return kerneltest.NewMachine(t, winsim.Install)
}

// newProc starts a driven process on m, terminated when the test ends, before the leak check.
func newProc(t testing.TB, m *kernel.Machine, name string) *kernel.Process {
	t.Helper()
	p := kerneltest.NewProcess(t, m, name)
	t.Cleanup(func() { p.Terminate(0) })
	return p
}

// useDefault makes a fresh process the package's default for the test and returns it. Tests
// that call it must not run in parallel.
func useDefault(t testing.TB) *kernel.Process {
	t.Helper()
	p := newProc(t, newMachine(t), "app.exe")
	t.Cleanup(windows.SetDefaultProcess(p))
	return p
}

// u16 is UTF16PtrFromString for names known to have no NUL.
func u16(t testing.TB, s string) *uint16 {
	t.Helper()
	p, err := windows.UTF16PtrFromString(s)
	require.NoError(t, err)
	return p
}
