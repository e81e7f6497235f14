package kernel_test

import (
	"context"
	"sync"
	"testing"
	"testing/synctest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/winsim/winsim/kernel"
	"github.com/winsim/winsim/kerneltest"
)

// poll waits for h with timeout 0 and returns the result.
func poll(t *testing.T, p *kernel.Process, h kernel.Handle) uint32 {
	t.Helper()
	r, err := p.WaitForSingleObject(context.Background(), h, 0)
	require.NoError(t, err)
	return r
}

// A manual-reset event stays signalled until ResetEvent; an auto-reset event is reset by
// the wait it satisfies. bInitialState sets the starting state (MS docs CreateEventW;
// "Event Objects").
func TestCreateEventManualAndAutoReset(t *testing.T) {
	m := kerneltest.NewMachine(t)
	p := kerneltest.NewProcess(t, m, "a.exe")
	defer p.Terminate(0)

	manual := newEvent(t, p, true, true)
	assert.Equal(t, kernel.WAIT_OBJECT_0, poll(t, p, manual))
	assert.Equal(t, kernel.WAIT_OBJECT_0, poll(t, p, manual), "a manual-reset event stays signalled")
	require.NoError(t, p.ResetEvent(manual))
	assert.Equal(t, kernel.WAIT_TIMEOUT_, poll(t, p, manual))
	require.NoError(t, p.SetEvent(manual))
	assert.Equal(t, kernel.WAIT_OBJECT_0, poll(t, p, manual))

	auto := newEvent(t, p, false, true)
	assert.Equal(t, kernel.WAIT_OBJECT_0, poll(t, p, auto))
	assert.Equal(t, kernel.WAIT_TIMEOUT_, poll(t, p, auto), "the satisfied wait reset it")
	require.NoError(t, p.SetEvent(auto))
	require.NoError(t, p.SetEvent(auto), "setting a signalled event is not an error")
	assert.Equal(t, kernel.WAIT_OBJECT_0, poll(t, p, auto))
	assert.Equal(t, kernel.WAIT_TIMEOUT_, poll(t, p, auto), "two SetEvents are one signal")

	off := newEvent(t, p, true, false)
	assert.Equal(t, kernel.WAIT_TIMEOUT_, poll(t, p, off))

	for _, h := range []kernel.Handle{manual, auto, off} {
		require.NoError(t, p.CloseHandle(h))
	}
}

// SetEvent on an auto-reset event releases exactly one waiting thread and leaves the
// event non-signalled; on a manual-reset event it releases every waiter and stays
// signalled (MS docs SetEvent).
func TestSetEventReleasesOneAutoWaiterOrAllManualWaiters(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := kerneltest.NewMachine(t)
		p := kerneltest.NewProcess(t, m, "a.exe")
		defer p.Terminate(0)
		ctx := context.Background()

		for _, manual := range []bool{false, true} {
			ev := newEvent(t, p, manual, false)
			results := make(chan uint32, 3)
			for range 3 {
				go func() {
					r, _ := p.WaitForSingleObject(ctx, ev, kernel.INFINITE)
					results <- r
				}()
			}
			synctest.Wait()
			require.NoError(t, p.SetEvent(ev))
			synctest.Wait()
			if manual {
				assert.Len(t, results, 3, "every waiter is released")
				assert.Equal(t, kernel.WAIT_OBJECT_0, poll(t, p, ev), "and the event stays signalled")
			} else {
				assert.Len(t, results, 1, "one waiter is released")
				assert.Equal(t, kernel.WAIT_TIMEOUT_, poll(t, p, ev), "and the event is reset")
				require.NoError(t, p.SetEvent(ev))
				require.NoError(t, p.SetEvent(ev))
				synctest.Wait()
				assert.Len(t, results, 3)
			}
			for range 3 {
				assert.Equal(t, kernel.WAIT_OBJECT_0, <-results)
			}
			require.NoError(t, p.CloseHandle(ev))
		}
	})
}

// PulseEvent releases the threads waiting at that moment (all of them for a manual-reset
// event, one for an auto-reset event) and leaves the event non-signalled; with no
// waiters it only resets the event (MS docs PulseEvent).
func TestPulseEventReleasesCurrentWaitersAndResets(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := kerneltest.NewMachine(t)
		p := kerneltest.NewProcess(t, m, "a.exe")
		defer p.Terminate(0)
		ctx, cancel := context.WithCancel(context.Background())

		for _, manual := range []bool{true, false} {
			ev := newEvent(t, p, manual, false)
			results := make(chan error, 2)
			for range 2 {
				go func() {
					_, err := p.WaitForSingleObject(ctx, ev, kernel.INFINITE)
					results <- err
				}()
			}
			synctest.Wait()
			require.NoError(t, p.PulseEvent(ev))
			synctest.Wait()
			want := 1
			if manual {
				want = 2
			}
			assert.Len(t, results, want)
			assert.Equal(t, kernel.WAIT_TIMEOUT_, poll(t, p, ev), "the pulse left the event reset")
			for range want {
				assert.NoError(t, <-results)
			}
			if !manual {
				require.NoError(t, p.PulseEvent(ev))
				synctest.Wait()
				assert.NoError(t, <-results)
			}
			require.NoError(t, p.CloseHandle(ev))
		}

		set := newEvent(t, p, true, true)
		require.NoError(t, p.PulseEvent(set))
		assert.Equal(t, kernel.WAIT_TIMEOUT_, poll(t, p, set), "no waiters: the pulse resets a signalled event")
		require.NoError(t, p.CloseHandle(set))
		cancel()
	})
}

// Creating a named event that exists returns a handle to the existing event together
// with ERROR_ALREADY_EXISTS; the manual-reset and initial-state arguments are then
// ignored (MS docs CreateEventW; Wine dlls/kernel32/tests/sync.c test_event; Wine
// dlls/ntdll/tests/om.c test_name_collisions).
func TestCreateEventExistingNameReturnsHandleAndAlreadyExists(t *testing.T) {
	m := kerneltest.NewMachine(t)
	a := kerneltest.NewProcess(t, m, "a.exe")
	defer a.Terminate(0)
	b := kerneltest.NewProcess(t, m, "b.exe")
	defer b.Terminate(0)

	ha, err := a.CreateEvent(nil, false, false, "shared")
	require.NoError(t, err)
	hb, err := b.CreateEvent(nil, true, true, "shared")
	assert.ErrorIs(t, err, kernel.ERROR_ALREADY_EXISTS)
	require.NotZero(t, hb, "a valid handle comes with the error")
	assert.Same(t, objectOf(t, a, ha), objectOf(t, b, hb))
	assert.Equal(t, kernel.EVENT_ALL_ACCESS, grantedOf(t, b, hb))
	assert.Equal(t, kernel.WAIT_TIMEOUT_, poll(t, b, hb), "bInitialState was ignored")
	require.NoError(t, a.SetEvent(ha))
	assert.Equal(t, kernel.WAIT_OBJECT_0, poll(t, b, hb))
	assert.Equal(t, kernel.WAIT_TIMEOUT_, poll(t, b, hb), "still auto-reset: bManualReset was ignored")

	require.NoError(t, a.CloseHandle(ha))
	require.NoError(t, b.CloseHandle(hb))
}

// kernel32 object names are case-sensitive: "Test Event" and "TEST EVENT" are two
// events, and OpenEvent of the other case fails with ERROR_FILE_NOT_FOUND (Wine
// dlls/kernel32/tests/sync.c test_event, "test case sensitivity"; MS docs CreateEventExW).
func TestEventNamesAreCaseSensitive(t *testing.T) {
	m := kerneltest.NewMachine(t)
	p := kerneltest.NewProcess(t, m, "a.exe")
	defer p.Terminate(0)
	h1, err := p.CreateEvent(nil, false, false, "Test Event")
	require.NoError(t, err)
	h2, err := p.CreateEvent(nil, false, false, "TEST EVENT")
	require.NoError(t, err, "another case is another name: no ERROR_ALREADY_EXISTS")
	assert.NotSame(t, objectOf(t, p, h1), objectOf(t, p, h2))
	require.NoError(t, p.CloseHandle(h2))
	h3, err := p.OpenEvent(kernel.EVENT_ALL_ACCESS, false, "Test Event")
	require.NoError(t, err)
	_, err = p.OpenEvent(kernel.EVENT_ALL_ACCESS, false, "TEST EVENT")
	assert.ErrorIs(t, err, kernel.ERROR_FILE_NOT_FOUND)
	require.NoError(t, p.CloseHandle(h1))
	require.NoError(t, p.CloseHandle(h3))
}

// OpenEvent opens a named event with the access asked for (generic rights mapped) and
// the inherit flag given; a missing name is ERROR_FILE_NOT_FOUND (MS docs OpenEventW;
// "Synchronization Object Security and Access Rights"; Wine sync.c test_event).
func TestOpenEventGrantsRequestedAccess(t *testing.T) {
	m := kerneltest.NewMachine(t)
	p := kerneltest.NewProcess(t, m, "a.exe")
	defer p.Terminate(0)
	h, err := p.CreateEvent(nil, true, false, "open-me")
	require.NoError(t, err)

	syncOnly, err := p.OpenEvent(kernel.SYNCHRONIZE, true, "open-me")
	require.NoError(t, err)
	assert.Equal(t, kernel.SYNCHRONIZE, grantedOf(t, p, syncOnly))
	flags, err := p.GetHandleInformation(syncOnly)
	require.NoError(t, err)
	assert.Equal(t, kernel.HANDLE_FLAG_INHERIT, flags)
	assert.ErrorIs(t, p.SetEvent(syncOnly), kernel.ERROR_ACCESS_DENIED)
	assert.Equal(t, kernel.WAIT_TIMEOUT_, poll(t, p, syncOnly))

	modify, err := p.OpenEvent(kernel.EVENT_MODIFY_STATE, false, "open-me")
	require.NoError(t, err)
	require.NoError(t, p.SetEvent(modify))
	r, err := p.WaitForSingleObject(context.Background(), modify, 0)
	assert.ErrorIs(t, err, kernel.ERROR_ACCESS_DENIED, "waiting needs SYNCHRONIZE")
	assert.Equal(t, kernel.WAIT_FAILED, r)
	assert.Equal(t, kernel.WAIT_OBJECT_0, poll(t, p, syncOnly))

	generic, err := p.OpenEvent(kernel.GENERIC_ALL, false, "open-me")
	require.NoError(t, err)
	assert.Equal(t, kernel.EVENT_ALL_ACCESS, grantedOf(t, p, generic))
	_, err = p.OpenEvent(0x00000100, false, "open-me")
	assert.ErrorIs(t, err, kernel.ERROR_ACCESS_DENIED, "a right events do not define")

	_, err = p.OpenEvent(kernel.SYNCHRONIZE, false, "no-such-event")
	assert.ErrorIs(t, err, kernel.ERROR_FILE_NOT_FOUND)

	for _, x := range []kernel.Handle{h, syncOnly, modify, generic} {
		require.NoError(t, p.CloseHandle(x))
	}
}

// OpenEvent with an empty name opens the BaseNamedObjects directory itself, which is
// not an event: NtOpenEvent fails with STATUS_OBJECT_TYPE_MISMATCH, ERROR_INVALID_HANDLE
// (Wine dlls/ntdll/tests/om.c test_name_limits: NtOpenEvent with a zero-length name
// relative to the base directory). (A NULL name, which a Go string cannot express,
// gives ERROR_INVALID_PARAMETER: Wine sync.c test_event.) CreateEvent with an empty
// name makes an unnamed event, as a zero-length name does for NtCreateEvent (om.c
// test_name_limits).
func TestOpenEventEmptyNameIsTypeMismatch(t *testing.T) {
	m := kerneltest.NewMachine(t)
	p := kerneltest.NewProcess(t, m, "a.exe")
	defer p.Terminate(0)
	_, err := p.OpenEvent(kernel.EVENT_ALL_ACCESS, false, "")
	assert.ErrorIs(t, err, kernel.ERROR_INVALID_HANDLE)

	h, err := p.CreateEvent(nil, true, false, "")
	require.NoError(t, err)
	assert.Equal(t, "", objectOf(t, p, h).Name())
	h2, err := p.CreateEvent(nil, true, false, "")
	require.NoError(t, err, "two unnamed events never collide")
	assert.NotSame(t, objectOf(t, p, h), objectOf(t, p, h2))
	require.NoError(t, p.CloseHandle(h))
	require.NoError(t, p.CloseHandle(h2))
}

// A backslash in a kernel object name, other than after the Global\, Local\ or
// Session\ prefixes, names a directory that does not exist: CreateEvent fails with
// ERROR_PATH_NOT_FOUND (The Old New Thing, "Why does CreateEvent fail with
// ERROR_PATH_NOT_FOUND if I give it a name with a backslash?", 2012-01-12; MS docs
// "Kernel object namespaces").
func TestCreateEventNameWithBackslashIsPathNotFound(t *testing.T) {
	m := kerneltest.NewMachine(t)
	p := kerneltest.NewProcess(t, m, "a.exe")
	defer p.Terminate(0)
	_, err := p.CreateEvent(nil, true, false, `willy\wonka`)
	assert.ErrorIs(t, err, kernel.ERROR_PATH_NOT_FOUND)
	_, err = p.OpenEvent(kernel.SYNCHRONIZE, false, `willy\wonka`)
	assert.ErrorIs(t, err, kernel.ERROR_PATH_NOT_FOUND)
	assert.Equal(t, 0, p.HandleCount())
}

// "Local\" names live in the session namespace, where unprefixed names go too; "Global\"
// names live in the global namespace, apart from the session's (MS docs "Kernel object
// namespaces").
func TestEventNamespacePrefixes(t *testing.T) {
	m := kerneltest.NewMachine(t)
	p := kerneltest.NewProcess(t, m, "a.exe")
	defer p.Terminate(0)
	local, err := p.CreateEvent(nil, true, false, `Local\ns`)
	require.NoError(t, err)
	plain, err := p.OpenEvent(kernel.SYNCHRONIZE, false, "ns")
	require.NoError(t, err, `Local\ns and ns are the same name`)
	assert.Same(t, objectOf(t, p, local), objectOf(t, p, plain))

	global, err := p.CreateEvent(nil, true, false, `Global\ns`)
	require.NoError(t, err, "the global namespace is another directory")
	assert.NotSame(t, objectOf(t, p, local), objectOf(t, p, global))
	again, err := p.OpenEvent(kernel.SYNCHRONIZE, false, `Global\ns`)
	require.NoError(t, err)
	assert.Same(t, objectOf(t, p, global), objectOf(t, p, again))

	for _, h := range []kernel.Handle{local, plain, global, again} {
		require.NoError(t, p.CloseHandle(h))
	}
}

// A name held by something that is not an event cannot be created or opened as an
// event: ERROR_INVALID_HANDLE (MS docs CreateEventW: "If lpName matches the name of
// another kind of object in the same namespace ... the function fails and GetLastError
// returns ERROR_INVALID_HANDLE"; Wine om.c test_name_collisions gets
// STATUS_OBJECT_TYPE_MISMATCH). Here the other kind is the symbolic link "Local" in the
// session's BaseNamedObjects directory; names_internal_test.go covers another object
// type.
func TestCreateEventNameHeldByAnotherTypeIsInvalidHandle(t *testing.T) {
	m := kerneltest.NewMachine(t)
	p := kerneltest.NewProcess(t, m, "a.exe")
	defer p.Terminate(0)
	_, err := p.CreateEvent(nil, true, false, "Local")
	assert.ErrorIs(t, err, kernel.ERROR_INVALID_HANDLE)
	assert.Equal(t, 0, p.HandleCount())
}

// Two processes creating the same name at the same time end up with one event: one of
// them creates it, the other gets ERROR_ALREADY_EXISTS and a handle to it (MS docs
// CreateEventW; the object manager inserts a name atomically, Wine om.c
// test_name_collisions).
func TestCreateEventConcurrentSameNameGivesOneEvent(t *testing.T) {
	m := kerneltest.NewMachine(t)
	const workers = 4
	procs := make([]*kernel.Process, workers)
	for i := range procs {
		procs[i] = kerneltest.NewProcess(t, m, "w.exe")
		defer procs[i].Terminate(0)
	}
	for round := range 300 {
		name := "race" + string(rune('a'+round%26)) + string(rune('a'+round/26%26))
		handles := make([]kernel.Handle, workers)
		errs := make([]error, workers)
		var wg sync.WaitGroup
		for i, p := range procs {
			wg.Go(func() { handles[i], errs[i] = p.CreateEvent(nil, true, false, name) })
		}
		wg.Wait()
		created := 0
		first := objectOf(t, procs[0], handles[0])
		for i, p := range procs {
			if errs[i] == nil {
				created++
			} else {
				require.ErrorIs(t, errs[i], kernel.ERROR_ALREADY_EXISTS)
			}
			require.Same(t, first, objectOf(t, p, handles[i]), "round %d worker %d", round, i)
		}
		require.Equal(t, 1, created, "round %d", round)
		for i, p := range procs {
			require.NoError(t, p.CloseHandle(handles[i]))
		}
	}
}
