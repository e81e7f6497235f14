package windows_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/winsim/winsim/windows"
)

// TestCreateEventExistingNameGivesHandleAndAlreadyExists checks CreateEvent on a name already in
// use: a valid handle to the existing event together with ERROR_ALREADY_EXISTS, which x/sys/windows
// returns as the error with the handle (MS docs CreateEventW; x/sys's failretval for CreateEvent).
func TestCreateEventExistingNameGivesHandleAndAlreadyExists(t *testing.T) {
	c := windows.On(newProc(t, newMachine(t), "app.exe"))
	name := u16(t, "winsim-test-event")
	first, err := c.CreateEvent(nil, 1, 0, name)
	require.NoError(t, err)
	second, err := c.CreateEvent(nil, 0, 1, name)
	assert.Equal(t, windows.ERROR_ALREADY_EXISTS, err)
	require.NotZero(t, second)
	require.NoError(t, c.SetEvent(second))
	ev, err := c.WaitForSingleObject(first, 0)
	require.NoError(t, err)
	assert.Equal(t, uint32(windows.WAIT_OBJECT_0), ev, "the same event")
	require.NoError(t, c.CloseHandle(first))
	require.NoError(t, c.CloseHandle(second))
}

// TestOpenEventErrors checks OpenEvent's errors (Wine dlls/kernel32/tests/sync.c test_event): a
// NULL name gives ERROR_INVALID_PARAMETER, an unknown one ERROR_FILE_NOT_FOUND; an existing one
// opens with the access asked for, so a SYNCHRONIZE-only handle cannot SetEvent
// (ERROR_ACCESS_DENIED).
func TestOpenEventErrors(t *testing.T) {
	c := windows.On(newProc(t, newMachine(t), "app.exe"))
	name := u16(t, "winsim-open-event")
	h, err := c.CreateEvent(nil, 1, 0, name)
	require.NoError(t, err)
	defer c.CloseHandle(h)

	for _, tc := range []struct {
		what string
		name *uint16
		want error
	}{
		{"NULL name", nil, windows.ERROR_INVALID_PARAMETER},
		{"unknown name", u16(t, "winsim-no-such-event"), windows.ERROR_FILE_NOT_FOUND},
	} {
		got, err := c.OpenEvent(windows.EVENT_ALL_ACCESS, false, tc.name)
		assert.Equal(t, tc.want, err, tc.what)
		assert.Zero(t, got, tc.what)
	}
	sync, err := c.OpenEvent(windows.SYNCHRONIZE, false, name)
	require.NoError(t, err)
	assert.Equal(t, windows.ERROR_ACCESS_DENIED, c.SetEvent(sync))
	require.NoError(t, c.CloseHandle(sync))
}

// TestCreateEventExFlagsAndAccess checks CreateEventEx (MS docs CreateEventExW): the
// CREATE_EVENT_INITIAL_SET flag makes it signalled, the handle has only desiredAccess, and an
// unknown flag is ERROR_INVALID_PARAMETER.
func TestCreateEventExFlagsAndAccess(t *testing.T) {
	c := windows.On(newProc(t, newMachine(t), "app.exe"))
	h, err := c.CreateEventEx(nil, nil, windows.CREATE_EVENT_MANUAL_RESET|windows.CREATE_EVENT_INITIAL_SET, windows.SYNCHRONIZE)
	require.NoError(t, err)
	ev, err := c.WaitForSingleObject(h, 0)
	require.NoError(t, err)
	assert.Equal(t, uint32(windows.WAIT_OBJECT_0), ev, "initially set")
	ev, err = c.WaitForSingleObject(h, 0)
	require.NoError(t, err)
	assert.Equal(t, uint32(windows.WAIT_OBJECT_0), ev, "manual reset stays set")
	assert.Equal(t, windows.ERROR_ACCESS_DENIED, c.ResetEvent(h), "SYNCHRONIZE only")
	require.NoError(t, c.CloseHandle(h))

	_, err = c.CreateEventEx(nil, nil, 0x4, windows.EVENT_ALL_ACCESS)
	assert.Equal(t, windows.ERROR_INVALID_PARAMETER, err)
}

// TestWaitResultsAndFailures checks the wait functions' results (MS docs WaitForSingleObject,
// WaitForMultipleObjects): WAIT_TIMEOUT for an unsignalled object after the timeout,
// WAIT_OBJECT_0+i for the lowest signalled index, WAIT_FAILED with ERROR_INVALID_HANDLE for a bad
// handle, and ERROR_INVALID_PARAMETER for no handles or more than MAXIMUM_WAIT_OBJECTS.
func TestWaitResultsAndFailures(t *testing.T) {
	c := windows.On(newProc(t, newMachine(t), "app.exe"))
	a, b := newEvent(t, c), newEvent(t, c)
	defer c.CloseHandle(a)
	defer c.CloseHandle(b)
	require.NoError(t, c.SetEvent(b))
	many := make([]windows.Handle, windows.MAXIMUM_WAIT_OBJECTS+1)
	for i := range many {
		many[i] = a
	}

	for _, tc := range []struct {
		name    string
		wait    func() (uint32, error)
		want    uint32
		wantErr error
	}{
		{"single, unsignalled", func() (uint32, error) { return c.WaitForSingleObject(a, 0) }, uint32(windows.WAIT_TIMEOUT), nil},
		{"single, signalled", func() (uint32, error) { return c.WaitForSingleObject(b, windows.INFINITE) }, windows.WAIT_OBJECT_0, nil},
		{"single, bad handle", func() (uint32, error) { return c.WaitForSingleObject(windows.Handle(0x7ff0), 0) }, windows.WAIT_FAILED, windows.ERROR_INVALID_HANDLE},
		{"any, second signalled", func() (uint32, error) { return c.WaitForMultipleObjects([]windows.Handle{a, b}, false, 0) }, windows.WAIT_OBJECT_0 + 1, nil},
		{"all, one unsignalled", func() (uint32, error) { return c.WaitForMultipleObjects([]windows.Handle{a, b}, true, 0) }, uint32(windows.WAIT_TIMEOUT), nil},
		{"no handles", func() (uint32, error) { return c.WaitForMultipleObjects(nil, false, 0) }, windows.WAIT_FAILED, windows.ERROR_INVALID_PARAMETER},
		{"too many handles", func() (uint32, error) { return c.WaitForMultipleObjects(many, false, 0) }, windows.WAIT_FAILED, windows.ERROR_INVALID_PARAMETER},
	} {
		got, err := tc.wait()
		assert.Equal(t, tc.want, got, tc.name)
		if tc.wantErr == nil {
			assert.NoError(t, err, tc.name)
		} else {
			assert.Equal(t, tc.wantErr, err, tc.name)
		}
	}
}

// TestPulseEventReleasesNoLaterWaiter checks PulseEvent on an event nobody waits on: it is left
// unsignalled (MS docs PulseEvent).
func TestPulseEventReleasesNoLaterWaiter(t *testing.T) {
	c := windows.On(newProc(t, newMachine(t), "app.exe"))
	h := newEvent(t, c)
	defer c.CloseHandle(h)
	require.NoError(t, c.PulseEvent(h))
	ev, err := c.WaitForSingleObject(h, 0)
	require.NoError(t, err)
	assert.Equal(t, uint32(windows.WAIT_TIMEOUT), ev)
}
