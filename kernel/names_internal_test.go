package kernel

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/winsim/winsim/namespace"
)

// mutantType stands for another kernel object type that kernel32 names in the same
// directory as events (a mutex is an NT "Mutant").
var mutantType = &Type{Name: "Mutant", Valid: STANDARD_RIGHTS_REQUIRED | SYNCHRONIZE | 0x1}

type mutantBody struct{ NoOps }

func newInternalMachine(t *testing.T) (*Network, *Machine, *Process) {
	t.Helper()
	n := NewNetwork()
	t.Cleanup(n.Close)
	m, err := n.AddMachine("INTERNAL", "WORKGROUP")
	require.NoError(t, err)
	p, err := m.NewProcess("a.exe", nil)
	require.NoError(t, err)
	return n, m, p
}

// A name held by an object of another type cannot be created or opened as an event:
// ERROR_INVALID_HANDLE, and the holder keeps its name (MS docs CreateEventW: "If lpName
// matches the name of another kind of object in the same namespace (such as an existing
// semaphore, mutex, ...) the function fails and GetLastError returns
// ERROR_INVALID_HANDLE"; Wine dlls/ntdll/tests/om.c test_case_sensitive and
// test_name_collisions: STATUS_OBJECT_TYPE_MISMATCH).
func TestCreateEventNameHeldByAMutexIsInvalidHandle(t *testing.T) {
	_, m, p := newInternalMachine(t)
	defer p.Terminate(0)
	nt, err := namespace.ObjectName("held")
	require.NoError(t, err)
	mu := m.NewObject(mutantType, &mutantBody{})
	ex, err := m.createNamed(nt, mu, p.Token(), nil)
	require.NoError(t, err)
	require.Nil(t, ex)
	h, err := p.insertHandleRef(mu, mutantType.Valid, false)
	require.NoError(t, err)
	mu.DecRef()

	_, err = p.CreateEvent(nil, true, false, "held")
	assert.ErrorIs(t, err, ERROR_INVALID_HANDLE)
	_, err = p.OpenEvent(SYNCHRONIZE, false, "held")
	assert.ErrorIs(t, err, ERROR_INVALID_HANDLE)
	assert.Equal(t, int64(1), mu.HandleCount(), "the failed calls left no handle on the mutex")
	assert.Equal(t, 1, p.HandleCount())
	v, _, err := m.root.LookupMatch(nt, namespace.CaseSensitive)
	require.NoError(t, err)
	assert.Same(t, mu, v, "the mutex keeps its name")

	require.NoError(t, p.CloseHandle(h))
	_, _, err = m.root.LookupMatch(nt, namespace.CaseSensitive)
	assert.Error(t, err, "the mutex's name left with its last handle")
}

// Opening a name that resolves to a directory is a type mismatch (ERROR_INVALID_HANDLE;
// Wine om.c test_name_limits opens the BaseNamedObjects directory as an event and gets
// STATUS_OBJECT_TYPE_MISMATCH), and a path that continues below an event is not found.
func TestOpenEventOnDirectoryOrBelowAnObject(t *testing.T) {
	_, _, p := newInternalMachine(t)
	defer p.Terminate(0)
	_, err := p.OpenEvent(SYNCHRONIZE, false, "Local")
	assert.ErrorIs(t, err, ERROR_INVALID_HANDLE, `"Local" links to the session directory`)
	h, err := p.CreateEvent(nil, true, false, "ev")
	require.NoError(t, err)
	_, err = p.OpenEvent(SYNCHRONIZE, false, `ev\below`)
	assert.ErrorIs(t, err, ERROR_PATH_NOT_FOUND)
	_, err = p.CreateEvent(nil, true, false, `ev\below`)
	assert.ErrorIs(t, err, ERROR_PATH_NOT_FOUND)
	require.NoError(t, p.CloseHandle(h))
}

// While an object's last handle is being closed its name is on its way out: an open of
// the name does not find it (NT: the object is no longer in the directory once its
// handle count has reached zero) and a create of the name makes a new object.
func TestNameOfAnObjectWhoseLastHandleIsClosing(t *testing.T) {
	_, _, p := newInternalMachine(t)
	defer p.Terminate(0)
	h, err := p.CreateEvent(nil, true, false, "closing")
	require.NoError(t, err)
	o, _, err := p.Reference(h, 0, nil)
	require.NoError(t, err)
	defer o.DecRef()

	// Freeze the close between the handle count reaching zero and the unlink.
	o.handles.Add(-1)
	_, err = p.OpenEvent(SYNCHRONIZE, false, "closing")
	assert.ErrorIs(t, err, ERROR_FILE_NOT_FOUND)
	h2, err := p.CreateEvent(nil, true, false, "closing")
	require.NoError(t, err, "a fresh event takes the name, without ERROR_ALREADY_EXISTS")
	o2, _, err := p.Reference(h2, 0, nil)
	require.NoError(t, err)
	assert.NotSame(t, o, o2)
	o2.DecRef()
	assert.False(t, o.linked.Load(), "the closing object was unlinked")
	o.handles.Add(1)

	require.NoError(t, p.CloseHandle(h))
	h3, err := p.OpenEvent(SYNCHRONIZE, false, "closing")
	require.NoError(t, err, "closing the old object did not remove the new one's name")
	require.NoError(t, p.CloseHandle(h3))
	require.NoError(t, p.CloseHandle(h2))
}

// A handle table is limited like NT's (2^24 entries), and values outside it are invalid
// without looking at the table.
func TestHandleIndexBounds(t *testing.T) {
	_, ok := handleIndex(0)
	assert.False(t, ok)
	_, ok = handleIndex(3)
	assert.False(t, ok)
	i, ok := handleIndex(4)
	assert.True(t, ok)
	assert.Equal(t, 0, i)
	i, ok = handleIndex(Handle(maxHandles) << 2)
	assert.True(t, ok)
	assert.Equal(t, maxHandles-1, i)
	_, ok = handleIndex(Handle(maxHandles+1) << 2)
	assert.False(t, ok)
	assert.Equal(t, Handle(4), indexHandle(0))
}

// The lifetime defaults are no-ops, and the process body's Close is one: a process
// object's last handle closing does not end the process.
func TestNoOpsDefaults(t *testing.T) {
	var n NoOps
	n.Close(nil, nil)
	n.Delete(nil)
	var pr Process
	pr.Close(nil, nil)
	a := &alwaysSignaled{}
	assert.True(t, a.Signaled())
	assert.NotNil(t, a.Header())
	a.Acquire()
	assert.True(t, a.Signaled(), "acquiring an always-signalled object changes nothing")
}
