package view_test

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/winsim/winsim/kernel"
	"github.com/winsim/winsim/kerneltest"
	"github.com/winsim/winsim/view"
)

// setup makes a machine with two processes sharing a named event through DuplicateHandle.
func setup(t *testing.T) (*kernel.Machine, *kernel.Process, *kernel.Process, kernel.Handle, kernel.Handle) {
	t.Helper()
	n := kerneltest.NewNetwork(t)
	m := kerneltest.AddMachine(t, n, "VIEWHOST", "LAB")
	a := kerneltest.NewProcess(t, m, "a.exe")
	b := kerneltest.NewProcess(t, m, "b.exe")
	ev, err := a.CreateEvent(&kernel.SecurityAttributes{InheritHandle: true}, true, false, `Global\shown`)
	require.NoError(t, err)
	hb, err := a.OpenProcess(kernel.PROCESS_DUP_HANDLE, false, b.PID())
	require.NoError(t, err)
	dup, err := a.DuplicateHandle(kernel.CurrentProcess, ev, hb, 0, false, kernel.DUPLICATE_SAME_ACCESS)
	require.NoError(t, err)
	require.NoError(t, a.CloseHandle(hb))
	t.Cleanup(func() { a.Terminate(0); b.Terminate(0) })
	return m, a, b, ev, dup
}

// The object listing shows each object's type, name, handle count and pointer count, as
// WinObj's properties page does.
func TestObjectsListsTypeNameAndCounts(t *testing.T) {
	m, a, b, ev, dup := setup(t)
	var buf bytes.Buffer
	view.Objects(&buf, m)
	out := buf.String()
	assert.Contains(t, out, "Objects on VIEWHOST (domain LAB)")
	assert.Regexp(t, `Event\s+2\s+2\s+\\BaseNamedObjects\\shown\s+manual-reset`, out)
	assert.Regexp(t, `Process\s+0\s+1\s+-\s+System pid 4 running`, out)
	require.NoError(t, a.CloseHandle(ev))
	require.NoError(t, b.CloseHandle(dup))
}

// The handle listing shows each process's table like handle.exe: value, type, access,
// attributes and name.
func TestHandlesListsEachProcessTable(t *testing.T) {
	m, a, b, ev, dup := setup(t)
	var buf bytes.Buffer
	view.Handles(&buf, m)
	out := buf.String()
	assert.Contains(t, out, "a.exe pid: 8 (parent 4, running)")
	assert.Regexp(t, `a.exe pid: 8 \(parent 4, running\)\n\s+HANDLE\s+TYPE\s+OBJECT\s+ACCESS\s+ATTRIBUTES\s+NAME\n`, out, "a header row heads each table")
	assert.Regexp(t, `0x4:\s+Event\s+obj \d+\s+0x001f0003\s+inherit\s+\\BaseNamedObjects\\shown`, out)
	assert.Contains(t, out, "b.exe pid: 12 (parent 4, running)")
	assert.Contains(t, out, "System pid: 4 (parent 0, running)\n    (no handles)")
	require.NoError(t, a.CloseHandle(ev))
	require.NoError(t, b.CloseHandle(dup))
	b.Terminate(3)
	buf.Reset()
	view.Handles(&buf, m)
	assert.NotContains(t, buf.String(), "b.exe", "an exited process nobody holds a handle to is gone")
}

// The namespace listing walks the object directory: directories, symbolic links with
// their targets, and named objects.
func TestNamespaceShowsDirectoriesLinksAndObjects(t *testing.T) {
	m, a, b, ev, dup := setup(t)
	var buf bytes.Buffer
	view.Namespace(&buf, m)
	out := buf.String()
	assert.Contains(t, out, "GLOBAL??  [Directory]")
	assert.Regexp(t, `PIPE  \[SymbolicLink\] -> \\Device\\NamedPipe`, out)
	assert.Contains(t, out, `GLOBALROOT  [SymbolicLink] -> \ (the root)`, "an empty target is the root, and says so")
	assert.Regexp(t, `shown  \[Event\] handles=2 pointers=2`, out)
	require.NoError(t, a.CloseHandle(ev))
	require.NoError(t, b.CloseHandle(dup))
}

// The pictures draw an edge per handle, labelled with its value, from process to object.
func TestDotAndMermaidDrawHandlesAsEdges(t *testing.T) {
	m, a, b, ev, dup := setup(t)
	var buf bytes.Buffer
	view.Dot(&buf, m)
	dot := buf.String()
	assert.Contains(t, dot, `subgraph "cluster_VIEWHOST"`)
	assert.Regexp(t, `VIEWHOST_p8 -> VIEWHOST_o\d+ \[label="0x4 0x1f0003 inherit"\]`, dot)
	assert.Regexp(t, `VIEWHOST_p12 -> VIEWHOST_o\d+ \[label="0x4 0x1f0003"\]`, dot)
	assert.Contains(t, dot, `\\BaseNamedObjects\\shown`)
	buf.Reset()
	view.Mermaid(&buf, m)
	mer := buf.String()
	assert.Contains(t, mer, "flowchart LR")
	assert.Regexp(t, `VIEWHOST_p8 -- "0x4 0x1f0003 inherit" --> VIEWHOST_o\d+`, mer)
	require.NoError(t, a.CloseHandle(ev))
	require.NoError(t, b.CloseHandle(dup))
}
