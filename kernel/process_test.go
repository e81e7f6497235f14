package kernel_test

import (
	"context"
	"errors"
	"testing"
	"testing/synctest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/winsim/winsim/kernel"
	"github.com/winsim/winsim/kerneltest"
)

// Process IDs are multiples of four; the System process is PID 4 (The Old New Thing,
// "Why are process and thread IDs multiples of four?", 2008-02-28; MS docs OpenProcess
// names the System process). A PID is not reused while the process object exists, that
// is while any handle to the process is open, and may be reused after (MS docs
// GetProcessId / "Process Handles and Identifiers": the identifier is valid until the
// process object is gone).
func TestPIDsAreMultiplesOfFourAndNotReusedWhileTheObjectLives(t *testing.T) {
	m := kerneltest.NewMachine(t)
	assert.Equal(t, uint32(4), m.System().PID())
	a := kerneltest.NewProcess(t, m, "a.exe")
	defer a.Terminate(0)
	assert.Equal(t, uint32(4), a.ParentPID(), "a root process is started by System")

	hChild, child, err := a.CreateProcess("child.exe", false, nil)
	require.NoError(t, err)
	pid := child.PID()
	assert.Zero(t, pid%4)
	assert.NotEqual(t, a.PID(), pid)
	assert.Equal(t, a.PID(), child.ParentPID())
	require.NoError(t, a.TerminateProcess(hChild, 0))

	other := kerneltest.NewProcess(t, m, "other.exe")
	defer other.Terminate(0)
	assert.NotEqual(t, pid, other.PID(), "the exited child's PID is kept while a handle to it is open")
	assert.Same(t, child, m.Process(pid))

	require.NoError(t, a.CloseHandle(hChild))
	assert.Nil(t, m.Process(pid), "the last handle freed the PID")
	_, err = a.OpenProcess(kernel.SYNCHRONIZE, false, pid)
	assert.ErrorIs(t, err, kernel.ERROR_INVALID_PARAMETER)
	again := kerneltest.NewProcess(t, m, "again.exe")
	defer again.Terminate(0)
	assert.Equal(t, pid, again.PID(), "now it is free to reuse (lowest free first)")
	for _, p := range m.Processes() {
		assert.Zero(t, p.PID()%4, "pid %d", p.PID())
	}
}

// With bInheritHandles, the child starts with every handle of the parent that is marked
// inheritable, at the same handle value, with the same access and flags; handles not
// marked inheritable are absent, and without bInheritHandles the child inherits nothing
// (MS docs "Handle Inheritance": an inherited handle "has the same value and access
// privileges"; windows-facts.md HD-6).
func TestCreateProcessInheritsInheritableHandlesAtTheSameValues(t *testing.T) {
	m := kerneltest.NewMachine(t)
	parent := kerneltest.NewProcess(t, m, "parent.exe")
	defer parent.Terminate(0)
	inherit := &kernel.SecurityAttributes{InheritHandle: true}

	h1, err := parent.CreateEvent(inherit, true, false, "")
	require.NoError(t, err)
	private := newEvent(t, parent, true, false)
	h3, err := parent.CreateEvent(inherit, false, false, "")
	require.NoError(t, err)
	narrow, err := parent.DuplicateHandle(kernel.CurrentProcess, h3, kernel.CurrentProcess, kernel.SYNCHRONIZE, true, 0)
	require.NoError(t, err)
	require.NoError(t, parent.SetHandleInformation(h3, kernel.HANDLE_FLAG_PROTECT_FROM_CLOSE, kernel.HANDLE_FLAG_PROTECT_FROM_CLOSE))

	hChild, child, err := parent.CreateProcess("child.exe", true, nil)
	require.NoError(t, err)
	defer child.Terminate(0)

	got := map[kernel.Handle]kernel.HandleInfo{}
	for _, hi := range child.Handles() {
		got[hi.Handle] = hi
	}
	assert.Len(t, got, 3)
	for _, h := range []kernel.Handle{h1, h3, narrow} {
		ci, ok := got[h]
		if !assert.True(t, ok, "handle %#x inherited", h) {
			continue
		}
		assert.Same(t, objectOf(t, parent, h), ci.Object)
		assert.Equal(t, grantedOf(t, parent, h), ci.Granted)
		pf, _ := parent.GetHandleInformation(h)
		assert.Equal(t, pf, ci.Attrs)
	}
	_, inherited := got[private]
	assert.False(t, inherited, "a handle not marked inheritable stays in the parent")
	_, inherited = got[hChild]
	assert.False(t, inherited)

	require.NoError(t, parent.SetEvent(h1))
	assert.Equal(t, kernel.WAIT_OBJECT_0, poll(t, child, h1), "same object under the same value")
	assert.ErrorIs(t, child.SetEvent(narrow), kernel.ERROR_ACCESS_DENIED, "same access")

	hNone, none, err := parent.CreateProcess("none.exe", false, nil)
	require.NoError(t, err)
	assert.Equal(t, 0, none.HandleCount(), "bInheritHandles FALSE: nothing is inherited")
	next := newEvent(t, child, false, false)
	assert.NotContains(t, []kernel.Handle{h1, h3, narrow}, next, "new handles take free values")

	none.Terminate(0)
	child.Terminate(0)
	require.NoError(t, parent.SetHandleInformation(h3, kernel.HANDLE_FLAG_PROTECT_FROM_CLOSE, 0))
	for _, h := range []kernel.Handle{h1, private, h3, narrow, hChild, hNone} {
		require.NoError(t, parent.CloseHandle(h))
	}
}

// A process whose main function returns exits with the returned code, which
// GetExitCodeProcess reports; while it runs GetExitCodeProcess reports STILL_ACTIVE (259)
// (MS docs GetExitCodeProcess, ExitProcess).
func TestProcessMainReturnIsTheExitCode(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := kerneltest.NewMachine(t)
		parent := kerneltest.NewProcess(t, m, "parent.exe")
		defer parent.Terminate(0)
		go1 := make(chan struct{})
		hChild, child, err := parent.CreateProcess("child.exe", false, func(ctx context.Context, p *kernel.Process) uint32 {
			<-go1
			return 42
		})
		require.NoError(t, err)
		code, err := parent.GetExitCodeProcess(hChild)
		require.NoError(t, err)
		assert.Equal(t, kernel.STILL_ACTIVE, code)
		assert.Equal(t, uint32(259), kernel.STILL_ACTIVE)
		assert.Equal(t, kernel.ProcessRunning, child.State())

		close(go1)
		r, err := parent.WaitForSingleObject(context.Background(), hChild, kernel.INFINITE)
		require.NoError(t, err)
		assert.Equal(t, kernel.WAIT_OBJECT_0, r)
		code, err = parent.GetExitCodeProcess(hChild)
		require.NoError(t, err)
		assert.Equal(t, uint32(42), code)
		c, err := child.Wait(context.Background())
		require.NoError(t, err)
		assert.Equal(t, uint32(42), c)
		assert.Equal(t, kernel.ProcessExited, child.State())
		require.NoError(t, parent.CloseHandle(hChild))
	})
}

// ExitProcess ends the calling process with its exit code; the first exit code wins over
// later attempts (MS docs ExitProcess, TerminateProcess).
func TestExitProcessSetsTheExitCodeOnce(t *testing.T) {
	m := kerneltest.NewMachine(t)
	parent := kerneltest.NewProcess(t, m, "parent.exe")
	defer parent.Terminate(0)
	hChild, child, err := parent.CreateProcess("child.exe", false, nil)
	require.NoError(t, err)
	child.ExitProcess(7)
	child.ExitProcess(8)
	child.Terminate(9)
	code, err := parent.GetExitCodeProcess(hChild)
	require.NoError(t, err)
	assert.Equal(t, uint32(7), code)
	assert.Equal(t, uint32(7), child.ExitCode())
	require.NoError(t, parent.CloseHandle(hChild))
}

// TerminateProcess needs PROCESS_TERMINATE; it ends the target with the given exit code
// and the target's handle is signalled. Once the process has terminated, TerminateProcess
// through an open handle fails with ERROR_ACCESS_DENIED (MS docs TerminateProcess,
// Remarks).
func TestTerminateProcess(t *testing.T) {
	m := kerneltest.NewMachine(t)
	a := kerneltest.NewProcess(t, m, "a.exe")
	defer a.Terminate(0)
	b := kerneltest.NewProcess(t, m, "b.exe")
	defer b.Terminate(0)

	weak, err := a.OpenProcess(kernel.SYNCHRONIZE|kernel.PROCESS_QUERY_LIMITED_INFORMATION, false, b.PID())
	require.NoError(t, err)
	assert.ErrorIs(t, a.TerminateProcess(weak, 1), kernel.ERROR_ACCESS_DENIED)
	assert.Equal(t, kernel.ProcessRunning, b.State())

	strong, err := a.OpenProcess(kernel.PROCESS_TERMINATE, false, b.PID())
	require.NoError(t, err)
	require.NoError(t, a.TerminateProcess(strong, 3))
	assert.Equal(t, kernel.ProcessExited, b.State(), "TerminateProcess returns once the process has exited")
	assert.Equal(t, kernel.WAIT_OBJECT_0, poll(t, a, weak))
	code, err := a.GetExitCodeProcess(weak)
	require.NoError(t, err)
	assert.Equal(t, uint32(3), code)

	assert.ErrorIs(t, a.TerminateProcess(strong, 4), kernel.ERROR_ACCESS_DENIED, "already terminated")
	code, _ = a.GetExitCodeProcess(weak)
	assert.Equal(t, uint32(3), code, "and the exit code stays")

	assert.ErrorIs(t, a.TerminateProcess(0x400, 1), kernel.ERROR_INVALID_HANDLE)
	ev := newEvent(t, a, false, false)
	assert.ErrorIs(t, a.TerminateProcess(ev, 1), kernel.ERROR_INVALID_HANDLE)
	for _, h := range []kernel.Handle{weak, strong, ev} {
		require.NoError(t, a.CloseHandle(h))
	}
}

// TerminateProcess(GetCurrentProcess(), code) ends the caller itself (MS docs
// TerminateProcess: a process can terminate itself this way).
func TestTerminateProcessOnSelf(t *testing.T) {
	m := kerneltest.NewMachine(t)
	p := kerneltest.NewProcess(t, m, "a.exe")
	body := &testFile{}
	newFile(t, p, body, kernel.FILE_ALL_ACCESS)
	require.NoError(t, p.TerminateProcess(kernel.CurrentProcess, 5))
	assert.Equal(t, kernel.ProcessExited, p.State())
	assert.Equal(t, uint32(5), p.ExitCode())
	closes, _ := body.counts()
	assert.Equal(t, 1, closes)
}

// OpenProcess: an unknown PID or PID 0 gives ERROR_INVALID_PARAMETER; the System process
// gives ERROR_ACCESS_DENIED; otherwise the handle has the access asked for, generic
// rights mapped, and PROCESS_QUERY_INFORMATION brings PROCESS_QUERY_LIMITED_INFORMATION
// with it (MS docs OpenProcess; "Process Security and Access Rights").
func TestOpenProcess(t *testing.T) {
	m := kerneltest.NewMachine(t)
	a := kerneltest.NewProcess(t, m, "a.exe")
	defer a.Terminate(0)
	b := kerneltest.NewProcess(t, m, "b.exe")
	defer b.Terminate(0)

	_, err := a.OpenProcess(kernel.SYNCHRONIZE, false, 0)
	assert.ErrorIs(t, err, kernel.ERROR_INVALID_PARAMETER)
	_, err = a.OpenProcess(kernel.SYNCHRONIZE, false, 4000)
	assert.ErrorIs(t, err, kernel.ERROR_INVALID_PARAMETER)
	_, err = a.OpenProcess(kernel.SYNCHRONIZE, false, b.PID()+1)
	assert.ErrorIs(t, err, kernel.ERROR_INVALID_PARAMETER)
	_, err = a.OpenProcess(kernel.SYNCHRONIZE, false, 4)
	assert.ErrorIs(t, err, kernel.ERROR_ACCESS_DENIED)
	_, err = a.OpenProcess(0x04000000, false, b.PID())
	assert.ErrorIs(t, err, kernel.ERROR_ACCESS_DENIED, "a right processes do not define")

	h, err := a.OpenProcess(kernel.PROCESS_QUERY_INFORMATION, true, b.PID())
	require.NoError(t, err)
	assert.Equal(t, kernel.PROCESS_QUERY_INFORMATION|kernel.PROCESS_QUERY_LIMITED_INFORMATION, grantedOf(t, a, h))
	flags, _ := a.GetHandleInformation(h)
	assert.Equal(t, kernel.HANDLE_FLAG_INHERIT, flags)
	pid, err := a.GetProcessId(h)
	require.NoError(t, err)
	assert.Equal(t, b.PID(), pid)

	all, err := a.OpenProcess(kernel.GENERIC_ALL, false, b.PID())
	require.NoError(t, err)
	assert.Equal(t, kernel.PROCESS_ALL_ACCESS, grantedOf(t, a, all))
	require.NoError(t, a.CloseHandle(h))
	require.NoError(t, a.CloseHandle(all))
}

// GetProcessId and GetExitCodeProcess need PROCESS_QUERY_INFORMATION or
// PROCESS_QUERY_LIMITED_INFORMATION (MS docs GetProcessId, GetExitCodeProcess).
func TestGetProcessIdNeedsQueryAccess(t *testing.T) {
	m := kerneltest.NewMachine(t)
	a := kerneltest.NewProcess(t, m, "a.exe")
	defer a.Terminate(0)
	b := kerneltest.NewProcess(t, m, "b.exe")
	defer b.Terminate(0)
	h, err := a.OpenProcess(kernel.SYNCHRONIZE, false, b.PID())
	require.NoError(t, err)
	_, err = a.GetProcessId(h)
	assert.ErrorIs(t, err, kernel.ERROR_ACCESS_DENIED)
	_, err = a.GetExitCodeProcess(h)
	assert.ErrorIs(t, err, kernel.ERROR_ACCESS_DENIED)
	limited, err := a.OpenProcess(kernel.PROCESS_QUERY_LIMITED_INFORMATION, false, b.PID())
	require.NoError(t, err)
	pid, err := a.GetProcessId(limited)
	require.NoError(t, err)
	assert.Equal(t, b.PID(), pid)
	pid, err = a.GetProcessId(kernel.CurrentProcess)
	require.NoError(t, err)
	assert.Equal(t, a.PID(), pid)
	_, err = a.GetProcessId(0x400)
	assert.ErrorIs(t, err, kernel.ERROR_INVALID_HANDLE)
	require.NoError(t, a.CloseHandle(h))
	require.NoError(t, a.CloseHandle(limited))
}

// However a process ends (ExitProcess, TerminateProcess, its main returning, its machine
// going away), every handle it still holds is closed, protected ones included, so the
// objects see their last handle go; its waiters are released and its object is
// signalled; the object then lives on, with its exit code, while handles to it exist
// (MS docs "Terminating a Process": "Any remaining handles are closed... The state of the
// process object becomes signaled"; ExitProcess; TerminateProcess).
func TestProcessExitClosesHandlesAndSignalsByEveryPath(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		n := kerneltest.NewNetwork(t)
		m := kerneltest.AddMachine(t, n, "EXITS", "WORKGROUP")
		watcher := kerneltest.NewProcess(t, m, "watcher.exe")
		defer watcher.Terminate(0)
		ctx := context.Background()

		paths := map[string]func(p *kernel.Process, h kernel.Handle){
			"ExitProcess":      func(p *kernel.Process, _ kernel.Handle) { p.ExitProcess(1) },
			"TerminateProcess": func(_ *kernel.Process, h kernel.Handle) { require.NoError(t, watcher.TerminateProcess(h, 1)) },
			"Terminate":        func(p *kernel.Process, _ kernel.Handle) { p.Terminate(1) },
		}
		for name, end := range paths {
			h, p, err := watcher.CreateProcess(name+".exe", false, nil)
			require.NoError(t, err)
			body := &testFile{}
			f := newFile(t, p, body, kernel.FILE_ALL_ACCESS)
			require.NoError(t, p.SetHandleInformation(f, kernel.HANDLE_FLAG_PROTECT_FROM_CLOSE, kernel.HANDLE_FLAG_PROTECT_FROM_CLOSE))
			newEvent(t, p, true, false)
			done := make(chan uint32, 1)
			go func() {
				r, _ := watcher.WaitForSingleObject(ctx, h, kernel.INFINITE)
				done <- r
			}()
			synctest.Wait()
			assert.Empty(t, done, name)

			end(p, h)
			synctest.Wait()
			assert.Equal(t, kernel.WAIT_OBJECT_0, <-done, "%s: the waiter is released", name)
			assert.Equal(t, 0, p.HandleCount(), name)
			closes, deletes := body.counts()
			assert.Equal(t, 1, closes, "%s: the protected handle was closed too", name)
			assert.Equal(t, 1, deletes, name)
			assert.Same(t, p, body.closedBy, name)
			assert.Error(t, p.Context().Err(), name)
			assert.Same(t, p, m.Process(p.PID()), "%s: the object lives while the watcher's handle does", name)
			code, err := watcher.GetExitCodeProcess(h)
			require.NoError(t, err)
			assert.Equal(t, uint32(1), code, name)
			require.NoError(t, watcher.CloseHandle(h))
			assert.Nil(t, m.Process(p.PID()), "%s: the last handle deletes the process object", name)
		}

		// Main returning.
		body := &testFile{}
		release := make(chan struct{})
		h, _, err := watcher.CreateProcess("main.exe", false, func(ctx context.Context, p *kernel.Process) uint32 {
			newFile(t, p, body, kernel.FILE_ALL_ACCESS)
			<-release
			return 1
		})
		require.NoError(t, err)
		synctest.Wait()
		close(release)
		r, err := watcher.WaitForSingleObject(ctx, h, kernel.INFINITE)
		require.NoError(t, err)
		assert.Equal(t, kernel.WAIT_OBJECT_0, r)
		closes, _ := body.counts()
		assert.Equal(t, 1, closes, "main returning closes its handles")
		require.NoError(t, watcher.CloseHandle(h))

		// The machine going away.
		body = &testFile{}
		gone := kerneltest.AddMachine(t, n, "GONE", "WORKGROUP")
		p := kerneltest.NewProcess(t, gone, "doomed.exe")
		newFile(t, p, body, kernel.FILE_ALL_ACCESS)
		require.NoError(t, n.RemoveMachine("GONE"))
		closes, _ = body.counts()
		assert.Equal(t, 1, closes, "removing the machine closes its processes' handles")
		assert.Equal(t, kernel.ProcessExited, p.State())
		assert.Equal(t, kernel.ERROR_PROCESS_ABORTED.Code(), p.ExitCode())
	})
}

// Terminating a process makes its blocked calls give up: its main's context is cancelled
// and a wait it is blocked in returns WAIT_FAILED with an error matching
// ERROR_OPERATION_ABORTED (MS docs TerminateProcess: all threads of the process are
// terminated; winsim unblocks them instead of killing goroutines).
func TestTerminateProcessAbortsItsBlockedWaits(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := kerneltest.NewMachine(t)
		parent := kerneltest.NewProcess(t, m, "parent.exe")
		defer parent.Terminate(0)
		ev, err := parent.CreateEvent(&kernel.SecurityAttributes{InheritHandle: true}, true, false, "")
		require.NoError(t, err)
		type result struct {
			r   uint32
			err error
		}
		got := make(chan result, 1)
		h, _, err := parent.CreateProcess("child.exe", true, func(ctx context.Context, p *kernel.Process) uint32 {
			r, err := p.WaitForSingleObject(context.Background(), ev, kernel.INFINITE)
			got <- result{r, err}
			<-ctx.Done()
			return 0
		})
		require.NoError(t, err)
		synctest.Wait()
		require.NoError(t, parent.TerminateProcess(h, 9))
		synctest.Wait()
		res := <-got
		assert.Equal(t, kernel.WAIT_FAILED, res.r)
		assert.ErrorIs(t, res.err, kernel.ERROR_OPERATION_ABORTED)
		code, _ := parent.GetExitCodeProcess(h)
		assert.Equal(t, uint32(9), code)
		require.NoError(t, parent.CloseHandle(h))
		require.NoError(t, parent.CloseHandle(ev))
	})
}

// Process.Wait returns the exit code once the process has exited, or gives up when its
// context is done with an error matching ERROR_OPERATION_ABORTED and the context's error.
func TestProcessWaitHonoursContext(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := kerneltest.NewMachine(t)
		p := kerneltest.NewProcess(t, m, "a.exe")
		ctx, cancel := context.WithCancel(context.Background())
		errc := make(chan error, 1)
		go func() {
			_, err := p.Wait(ctx)
			errc <- err
		}()
		synctest.Wait()
		cancel()
		err := <-errc
		assert.ErrorIs(t, err, kernel.ERROR_OPERATION_ABORTED)
		assert.ErrorIs(t, err, context.Canceled)
		p.Terminate(6)
		code, err := p.Wait(context.Background())
		require.NoError(t, err)
		assert.Equal(t, uint32(6), code)
	})
}

// A process that is exiting or has exited cannot create processes or receive handles:
// NT fails both with STATUS_PROCESS_IS_TERMINATING, ERROR_ACCESS_DENIED (Wine
// server/handle.c alloc_handle_entry; RtlNtStatusToDosError).
func TestExitedProcessCannotCreateProcessesOrHandles(t *testing.T) {
	m := kerneltest.NewMachine(t)
	p := kerneltest.NewProcess(t, m, "a.exe")
	p.Terminate(0)
	_, _, err := p.CreateProcess("child.exe", false, nil)
	assert.ErrorIs(t, err, kernel.ERROR_ACCESS_DENIED)
	_, err = p.CreateEvent(nil, true, false, "")
	assert.ErrorIs(t, err, kernel.ERROR_ACCESS_DENIED)
	_, err = p.CreateEvent(nil, true, false, "named-after-exit")
	assert.ErrorIs(t, err, kernel.ERROR_ACCESS_DENIED)
	o := m.NewObject(kernel.FileType, &testFile{})
	_, err = p.NewHandle(o, kernel.FILE_ALL_ACCESS, false)
	assert.ErrorIs(t, err, kernel.ERROR_ACCESS_DENIED)
	o.DecRef()
	assert.Equal(t, 0, p.HandleCount())
}

// Calls made by a process after it has exited, and after the last handle to it has gone,
// fail with a Win32 error instead of panicking: its pseudo-handle no longer refers to a
// live process object.
func TestCallsFromAGoneProcessFailCleanly(t *testing.T) {
	m := kerneltest.NewMachine(t)
	p := kerneltest.NewProcess(t, m, "a.exe")
	p.Terminate(2)
	require.Nil(t, m.Process(p.PID()), "no handle kept the process object")
	ctx := context.Background()
	_, err := p.GetProcessId(kernel.CurrentProcess)
	assert.ErrorIs(t, err, kernel.ERROR_INVALID_HANDLE)
	_, err = p.WaitForSingleObject(ctx, kernel.CurrentProcess, 0)
	assert.ErrorIs(t, err, kernel.ERROR_INVALID_HANDLE)
	_, err = p.DuplicateHandle(kernel.CurrentProcess, kernel.CurrentProcess, kernel.CurrentProcess, 0, false, kernel.DUPLICATE_SAME_ACCESS)
	assert.ErrorIs(t, err, kernel.ERROR_INVALID_HANDLE)
	assert.ErrorIs(t, p.TerminateProcess(kernel.CurrentProcess, 1), kernel.ERROR_INVALID_HANDLE)
	_, err = p.OpenProcess(kernel.SYNCHRONIZE, false, p.PID())
	assert.ErrorIs(t, err, kernel.ERROR_INVALID_PARAMETER)
	assert.Equal(t, uint32(2), p.ExitCode())
}

// A process's accessors report what views show: name, machine, state names, and a
// description.
func TestProcessAccessors(t *testing.T) {
	m := kerneltest.NewMachine(t)
	p := kerneltest.NewProcess(t, m, "a.exe")
	assert.Equal(t, "a.exe", p.Name())
	assert.Same(t, m, p.Machine())
	assert.Same(t, kernel.ProcessType, p.Object().Type())
	assert.Contains(t, p.Describe(), "a.exe")
	assert.Contains(t, p.Describe(), "running")
	assert.Equal(t, "exiting", kernel.ProcessExiting.String())
	assert.Equal(t, "ProcessState(7)", kernel.ProcessState(7).String())
	p.Terminate(0)
	assert.Equal(t, "exited", p.State().String())
	assert.True(t, errors.Is(p.Context().Err(), context.Canceled))
}

// Inheritance is all or nothing and a child is only reachable once it has its handles:
// while other goroutines open and terminate every process they can find, children
// created with bInheritHandles never lose, misplace or leak an inherited handle (MS docs
// "Handle Inheritance": an inherited handle has the same value in the child; NT makes a
// new process findable by PID only after building its handle table).
func TestCreateProcessRacingOpenAndTerminateLeaksNothing(t *testing.T) {
	m := kerneltest.NewMachine(t)
	parent := kerneltest.NewProcess(t, m, "parent.exe")
	defer parent.Terminate(0)
	killer := kerneltest.NewProcess(t, m, "killer.exe")
	defer killer.Terminate(0)
	ev, err := parent.CreateEvent(&kernel.SecurityAttributes{InheritHandle: true}, true, false, "")
	require.NoError(t, err)

	stop := make(chan struct{})
	killed := make(chan int, 1)
	go func() {
		n := 0
		defer func() { killed <- n }()
		for {
			select {
			case <-stop:
				return
			default:
			}
			for _, q := range m.Processes() {
				if q == parent || q == killer || q == m.System() {
					continue
				}
				h, err := killer.OpenProcess(kernel.PROCESS_TERMINATE|kernel.PROCESS_DUP_HANDLE, false, q.PID())
				if err != nil {
					continue
				}
				if _, err := killer.DuplicateHandle(kernel.CurrentProcess, kernel.CurrentProcess, h, 0, false, kernel.DUPLICATE_SAME_ACCESS); err == nil {
					n++
				}
				_ = killer.TerminateProcess(h, 1)
				_ = killer.CloseHandle(h)
			}
		}
	}()
	for range 3000 {
		h, child, err := parent.CreateProcess("child.exe", true, nil)
		require.NoError(t, err)
		// The killer may already have ended the child (an empty table), or duplicated a
		// handle into it after creation; the inherited handle is never missing from a
		// live table, nor anywhere but at its own value.
		if infos := child.Handles(); len(infos) > 0 {
			assert.Equal(t, ev, infos[0].Handle, "the inherited handle is at its value, first in the table")
		}
		child.Terminate(0)
		require.NoError(t, parent.CloseHandle(h))
	}
	close(stop)
	<-killed
	assert.Equal(t, int64(1), objectOf(t, parent, ev).HandleCount(), "every inherited copy was closed")
	require.NoError(t, parent.CloseHandle(ev))
}
