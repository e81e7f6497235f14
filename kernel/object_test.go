package kernel_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/winsim/winsim/kernel"
	"github.com/winsim/winsim/kerneltest"
)

// An object keeps a handle count and a pointer count; a handle adds to both, an internal
// reference to the pointer count only. The type's close routine runs when the handle
// count reaches zero (for files: IRP_MJ_CLEANUP) and the object is deleted when the
// reference count reaches zero. Source: MS docs "Life Cycle of an Object" (Windows
// drivers, kernel objects) and "IRP_MJ_CLEANUP".
func TestObjectCloseRunsAtLastHandleDeleteAtLastReference(t *testing.T) {
	m := kerneltest.NewMachine(t)
	p := kerneltest.NewProcess(t, m, "a.exe")
	defer p.Terminate(0)

	body := &testFile{}
	o := m.NewObject(kernel.FileType, body)
	assert.Equal(t, int64(0), o.HandleCount())
	assert.Equal(t, int64(1), o.PointerCount(), "the creator owns one pointer reference")

	h1, err := p.NewHandle(o, kernel.FILE_ALL_ACCESS, false)
	require.NoError(t, err)
	h2, err := p.DuplicateHandle(kernel.CurrentProcess, h1, kernel.CurrentProcess, 0, false, kernel.DUPLICATE_SAME_ACCESS)
	require.NoError(t, err)
	o.IncRef() // an internal user, like a pending read
	o.DecRef() // the creator's reference
	assert.Equal(t, int64(2), o.HandleCount())
	assert.Equal(t, int64(3), o.PointerCount(), "every handle also counts as a pointer reference")

	require.NoError(t, p.CloseHandle(h1))
	closes, deletes := body.counts()
	assert.Equal(t, 0, closes, "Close waits for the last handle")

	require.NoError(t, p.CloseHandle(h2))
	closes, deletes = body.counts()
	assert.Equal(t, 1, closes, "the last handle runs Close once")
	assert.Equal(t, 0, deletes, "an internal reference keeps the object alive")
	assert.Same(t, p, body.closedBy, "Close learns which process closed the last handle")
	assert.Equal(t, int64(0), o.HandleCount())
	assert.Equal(t, int64(1), o.PointerCount())
	assert.True(t, inCensus(m, o.ID()), "the object lives while referenced")

	o.DecRef()
	closes, deletes = body.counts()
	assert.Equal(t, 1, closes)
	assert.Equal(t, 1, deletes, "the last reference runs Delete once")
	assert.False(t, inCensus(m, o.ID()), "a deleted object leaves the census")
}

func inCensus(m *kernel.Machine, id kernel.ObjectID) bool {
	for _, oi := range m.Census().Objects {
		if oi.ID == id {
			return true
		}
	}
	return false
}

// A named event is a temporary object: when its last handle is closed the object is
// destroyed and its name leaves the namespace, so the name can be created afresh and
// OpenEvent no longer finds it. Source: MS docs CreateEventW ("The event object is
// destroyed when its last handle has been closed") and "Life Cycle of an Object".
func TestTemporaryNamedObjectLeavesNamespaceWithLastHandle(t *testing.T) {
	m := kerneltest.NewMachine(t)
	p := kerneltest.NewProcess(t, m, "a.exe")
	defer p.Terminate(0)

	h, err := p.CreateEvent(nil, true, false, "temp")
	require.NoError(t, err)
	o := objectOf(t, p, h)
	assert.Equal(t, `\Sessions\1\BaseNamedObjects\temp`, o.Name())
	h2, err := p.OpenEvent(kernel.SYNCHRONIZE, false, "temp")
	require.NoError(t, err)
	require.NoError(t, p.CloseHandle(h))
	h3, err := p.OpenEvent(kernel.SYNCHRONIZE, false, "temp")
	require.NoError(t, err, "the name stays while any handle is open")
	require.NoError(t, p.CloseHandle(h2))
	require.NoError(t, p.CloseHandle(h3))

	_, err = p.OpenEvent(kernel.SYNCHRONIZE, false, "temp")
	assert.ErrorIs(t, err, kernel.ERROR_FILE_NOT_FOUND, "the name left with the last handle")
	h, err = p.CreateEvent(nil, true, false, "temp")
	assert.NoError(t, err, "a fresh event, not ERROR_ALREADY_EXISTS")
	require.NoError(t, p.CloseHandle(h))
}

// ReadFile on an event handle fails with ERROR_INVALID_HANDLE: the handle is valid but
// its object is not a file (NT STATUS_OBJECT_TYPE_MISMATCH → ERROR_INVALID_HANDLE;
// windows-facts.md HD-1, HD-2). A file object whose driver has no read routine gives
// ERROR_INVALID_FUNCTION (STATUS_INVALID_DEVICE_REQUEST; windows-facts.md NP-37 and its error list:
// ConnectNamedPipe on a client handle).
func TestFileCallsOnObjectsWithoutTheCapability(t *testing.T) {
	m := kerneltest.NewMachine(t)
	p := kerneltest.NewProcess(t, m, "a.exe")
	defer p.Terminate(0)
	ctx := context.Background()
	buf := make([]byte, 4)

	ev := newEvent(t, p, true, false)
	_, err := p.ReadFile(ctx, ev, buf)
	assert.ErrorIs(t, err, kernel.ERROR_INVALID_HANDLE)
	_, err = p.WriteFile(ctx, ev, buf)
	assert.ErrorIs(t, err, kernel.ERROR_INVALID_HANDLE)
	assert.ErrorIs(t, p.FlushFileBuffers(ctx, ev), kernel.ERROR_INVALID_HANDLE)
	_, err = p.CallFor(ctx, ev, 0)
	assert.ErrorIs(t, err, kernel.ERROR_INVALID_HANDLE)
	_, err = p.QueryDeviceType(ev)
	assert.ErrorIs(t, err, kernel.ERROR_INVALID_HANDLE)
	_, err = p.QueryDeviceType(kernel.CurrentProcess)
	assert.ErrorIs(t, err, kernel.ERROR_INVALID_HANDLE, "a process is not a file either")

	plain := newFile(t, p, &testFile{}, kernel.FILE_ALL_ACCESS)
	_, err = p.ReadFile(ctx, plain, buf)
	assert.ErrorIs(t, err, kernel.ERROR_INVALID_FUNCTION)
	_, err = p.WriteFile(ctx, plain, buf)
	assert.ErrorIs(t, err, kernel.ERROR_INVALID_FUNCTION)
	assert.ErrorIs(t, p.FlushFileBuffers(ctx, plain), kernel.ERROR_INVALID_FUNCTION)
	_, err = p.QueryDeviceType(plain)
	assert.ErrorIs(t, err, kernel.ERROR_INVALID_FUNCTION)

	require.NoError(t, p.CloseHandle(ev))
	require.NoError(t, p.CloseHandle(plain))
}

// typedFile is a file body that names its device type.
type typedFile struct {
	testFile
	dev kernel.DeviceType
}

func (f *typedFile) DeviceType() kernel.DeviceType { return f.dev }

// QueryDeviceType reports the device type the body gives (FILE_FS_DEVICE_INFORMATION, which
// kernel32's GetFileType reads), on a handle with any access, none included: MS docs
// GetFileType asks for no access right, as ReadFile and WriteFile do.
func TestQueryDeviceTypeAsksTheBody(t *testing.T) {
	m := kerneltest.NewMachine(t)
	p := kerneltest.NewProcess(t, m, "a.exe")
	defer p.Terminate(0)
	for _, dev := range []kernel.DeviceType{kernel.FILE_DEVICE_NAMED_PIPE, kernel.FILE_DEVICE_MAILSLOT} {
		for _, access := range []kernel.Access{0, kernel.SYNCHRONIZE, kernel.FILE_ALL_ACCESS} {
			h := newFile(t, p, &typedFile{dev: dev}, access)
			got, err := p.QueryDeviceType(h)
			require.NoError(t, err)
			assert.Equal(t, dev, got, "access %#x", access)
			require.NoError(t, p.CloseHandle(h))
		}
	}
	_, err := p.QueryDeviceType(kernel.Handle(0x7ff0))
	assert.ErrorIs(t, err, kernel.ERROR_INVALID_HANDLE)
}

// The kernel dispatches ReadFile, WriteFile and FlushFileBuffers to the body's
// capability after checking the handle's access: reading needs FILE_READ_DATA, writing
// FILE_WRITE_DATA or FILE_APPEND_DATA (MS docs ReadFile/WriteFile: "The hFile parameter
// must have been created with read access / write access"; "File Access Rights
// Constants").
func TestFileCallsDispatchToCapabilitiesAfterAccessCheck(t *testing.T) {
	m := kerneltest.NewMachine(t)
	p := kerneltest.NewProcess(t, m, "a.exe")
	defer p.Terminate(0)
	ctx := context.Background()

	body := &rwFile{timeout: 0}
	rw := newFile(t, p, body, kernel.FILE_GENERIC_READ|kernel.FILE_GENERIC_WRITE)
	n, err := p.WriteFile(ctx, rw, []byte("hi"))
	require.NoError(t, err)
	assert.Equal(t, 2, n)
	assert.NoError(t, p.FlushFileBuffers(ctx, rw))
	buf := make([]byte, 8)
	n, err = p.ReadFile(ctx, rw, buf)
	require.NoError(t, err)
	assert.Equal(t, "hi", string(buf[:n]))
	_, err = p.ReadFile(ctx, rw, buf)
	assert.ErrorIs(t, err, kernel.ERROR_SEM_TIMEOUT, "timeout 0 tries once")

	c, err := p.CallFor(ctx, rw, kernel.FILE_READ_DATA)
	require.NoError(t, err)
	assert.Same(t, p, c.Process)
	assert.Equal(t, rw, c.Handle)
	assert.True(t, c.Granted.Has(kernel.FILE_READ_DATA|kernel.FILE_WRITE_DATA))
	c.Object.DecRef()

	// Append-only access is enough to write; read-only is not.
	appendOnly, err := p.DuplicateHandle(kernel.CurrentProcess, rw, kernel.CurrentProcess, kernel.FILE_APPEND_DATA|kernel.SYNCHRONIZE, false, 0)
	require.NoError(t, err)
	_, err = p.WriteFile(ctx, appendOnly, []byte("x"))
	assert.NoError(t, err)
	assert.NoError(t, p.FlushFileBuffers(ctx, appendOnly))
	_, err = p.ReadFile(ctx, appendOnly, buf)
	assert.ErrorIs(t, err, kernel.ERROR_ACCESS_DENIED)

	readOnly, err := p.DuplicateHandle(kernel.CurrentProcess, rw, kernel.CurrentProcess, kernel.GENERIC_READ, false, 0)
	require.NoError(t, err)
	_, err = p.WriteFile(ctx, readOnly, []byte("x"))
	assert.ErrorIs(t, err, kernel.ERROR_ACCESS_DENIED)
	assert.ErrorIs(t, p.FlushFileBuffers(ctx, readOnly), kernel.ERROR_ACCESS_DENIED)
	_, err = p.CallFor(ctx, readOnly, kernel.FILE_WRITE_DATA)
	assert.ErrorIs(t, err, kernel.ERROR_ACCESS_DENIED)

	for _, h := range []kernel.Handle{rw, appendOnly, readOnly} {
		require.NoError(t, p.CloseHandle(h))
	}
	closes, deletes := body.counts()
	assert.Equal(t, 1, closes)
	assert.Equal(t, 1, deletes)
}

// Object accessors report the header: type, machine, name set by the file system, and a
// String for views.
func TestObjectHeaderAccessors(t *testing.T) {
	m := kerneltest.NewMachine(t)
	body := &testFile{}
	o := m.NewObject(kernel.FileType, body)
	defer o.DecRef()
	assert.Same(t, kernel.FileType, o.Type())
	assert.Same(t, m, o.Machine())
	assert.Equal(t, kernel.Ops(body), o.Body())
	assert.Equal(t, "", o.Name())
	assert.Contains(t, o.String(), "File#")
	o.SetName(`\Device\Mailslot\x`)
	assert.Equal(t, `\Device\Mailslot\x`, o.Name())
	assert.Contains(t, o.String(), `\Device\Mailslot\x`)
}

// Reference counting misuse is a kernel bug and panics (the project's rule: a broken kernel invariant is a bug, not a Win32 error), never a caller
// error: IncRef on a dead object and DecRef below zero.
func TestObjectRefcountMisusePanics(t *testing.T) {
	m := kerneltest.NewMachine(t)
	dead := m.NewObject(kernel.FileType, &testFile{})
	dead.DecRef()
	assert.Panics(t, func() { dead.IncRef() })
	gone := m.NewObject(kernel.FileType, &testFile{})
	gone.DecRef()
	assert.Panics(t, func() { gone.DecRef() })
}

// Each type maps the generic rights to its own specific rights (MS docs "Generic Access
// Rights"; "File Security and Access Rights": GENERIC_READ on a file is FILE_GENERIC_READ;
// "Synchronization Object Security and Access Rights"; "Process Security and Access
// Rights"). MAXIMUM_ALLOWED grants everything the type defines, since winsim has no
// security descriptors (docs/deviations.md).
func TestTypesMapGenericRights(t *testing.T) {
	f := kernel.FileType.Generic
	assert.Equal(t, kernel.FILE_GENERIC_READ, f.Map(kernel.GENERIC_READ))
	assert.Equal(t, kernel.FILE_GENERIC_WRITE, f.Map(kernel.GENERIC_WRITE))
	assert.Equal(t, kernel.FILE_GENERIC_EXECUTE, f.Map(kernel.GENERIC_EXECUTE))
	assert.Equal(t, kernel.FILE_ALL_ACCESS, f.Map(kernel.GENERIC_ALL))
	assert.Equal(t, kernel.FILE_GENERIC_READ|kernel.FILE_GENERIC_WRITE, f.Map(kernel.GENERIC_READ|kernel.GENERIC_WRITE))
	assert.Equal(t, kernel.FILE_READ_DATA|kernel.SYNCHRONIZE, f.Map(kernel.FILE_READ_DATA|kernel.SYNCHRONIZE), "specific rights pass through")
	assert.Equal(t, kernel.FILE_ALL_ACCESS, f.Map(kernel.MAXIMUM_ALLOWED))
	assert.Equal(t, kernel.EVENT_ALL_ACCESS, kernel.EventType.Generic.Map(kernel.GENERIC_ALL))
	assert.Equal(t, kernel.STANDARD_RIGHTS_EXECUTE|kernel.SYNCHRONIZE, kernel.EventType.Generic.Map(kernel.GENERIC_EXECUTE))
	assert.Equal(t, kernel.PROCESS_ALL_ACCESS, kernel.ProcessType.Generic.Map(kernel.GENERIC_ALL))
	assert.True(t, kernel.ProcessType.Generic.Map(kernel.GENERIC_WRITE).Has(kernel.PROCESS_TERMINATE|kernel.PROCESS_DUP_HANDLE))
	assert.Equal(t, "Event", kernel.EventType.Name)
	assert.Equal(t, "Process", kernel.ProcessType.Name)
	assert.Equal(t, "File", kernel.FileType.Name)
	assert.True(t, kernel.FILE_ALL_ACCESS.Has(kernel.FILE_GENERIC_READ|kernel.FILE_GENERIC_WRITE))
	assert.False(t, kernel.FILE_GENERIC_READ.Has(kernel.FILE_WRITE_DATA))
}
