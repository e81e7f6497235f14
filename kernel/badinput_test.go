package kernel_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/winsim/winsim/kernel"
	"github.com/winsim/winsim/kerneltest"
)

// Bad handle values get the Win32 error from every call that takes a handle, never a
// panic: a value that names no entry (never opened, closed, zero, tag bits only, beyond
// any table, another process's value) is ERROR_INVALID_HANDLE (MS docs CloseHandle;
// windows-facts.md HD-1, HD-9); a handle to the wrong type of object is ERROR_INVALID_HANDLE
// (STATUS_OBJECT_TYPE_MISMATCH; windows-facts.md HD-2, with the current-process pseudo-handle
// passed to a file call; Wine om.c test_type_mismatch); a handle of the right type
// without the access the call needs is ERROR_ACCESS_DENIED (MS docs "Access Rights and
// Access Masks").
func TestBadHandlesGetWin32ErrorsFromEveryCall(t *testing.T) {
	m := kerneltest.NewMachine(t)
	a := kerneltest.NewProcess(t, m, "a.exe")
	defer a.Terminate(0)
	b := kerneltest.NewProcess(t, m, "b.exe")
	defer b.Terminate(0)
	ctx := context.Background()

	ev := newEvent(t, a, true, false)                                     // 4
	file := newFile(t, a, &rwFile{}, kernel.FILE_ALL_ACCESS)              // 8
	proc, err := a.OpenProcess(kernel.PROCESS_ALL_ACCESS, false, b.PID()) // 12
	require.NoError(t, err)
	evSync, err := a.DuplicateHandle(kernel.CurrentProcess, ev, kernel.CurrentProcess, kernel.SYNCHRONIZE, false, 0)
	require.NoError(t, err)
	fileNone, err := a.DuplicateHandle(kernel.CurrentProcess, file, kernel.CurrentProcess, kernel.SYNCHRONIZE, false, 0)
	require.NoError(t, err)
	procSync, err := a.DuplicateHandle(kernel.CurrentProcess, proc, kernel.CurrentProcess, kernel.SYNCHRONIZE, false, 0)
	require.NoError(t, err)
	closed := newEvent(t, a, true, false) // 28
	require.NoError(t, a.CloseHandle(closed))
	require.Equal(t, kernel.Handle(28), closed)
	for range 8 {
		newEvent(t, b, true, false) // b's 4..32; 32 means nothing in a
	}

	invalid := map[string]kernel.Handle{
		"zero":          0,
		"tag bits only": 3,
		"never opened":  0x1000,
		"closed":        closed,
		"beyond tables": kernel.Handle(1) << 40,
		"other process": 32,
		"CurrentThread": kernel.CurrentThread,
	}
	buf := make([]byte, 4)
	calls := map[string]func(h kernel.Handle) error{
		"SetEvent":   a.SetEvent,
		"ResetEvent": a.ResetEvent,
		"PulseEvent": a.PulseEvent,
		"WaitForSingleObject": func(h kernel.Handle) error {
			r, err := a.WaitForSingleObject(ctx, h, 0)
			if err != nil && r != kernel.WAIT_FAILED {
				return fmt.Errorf("result %#x with error %w", r, err)
			}
			return err
		},
		"ReadFile":         func(h kernel.Handle) error { _, err := a.ReadFile(ctx, h, buf); return err },
		"WriteFile":        func(h kernel.Handle) error { _, err := a.WriteFile(ctx, h, buf); return err },
		"FlushFileBuffers": func(h kernel.Handle) error { return a.FlushFileBuffers(ctx, h) },
		"CallFor": func(h kernel.Handle) error {
			c, err := a.CallFor(ctx, h, kernel.FILE_READ_DATA)
			if err == nil {
				c.Object.DecRef()
			}
			return err
		},
		"GetHandleInformation": func(h kernel.Handle) error { _, err := a.GetHandleInformation(h); return err },
		"SetHandleInformation": func(h kernel.Handle) error {
			return a.SetHandleInformation(h, kernel.HANDLE_FLAG_INHERIT, 0)
		},
		"DuplicateHandle(source)": func(h kernel.Handle) error {
			d, err := a.DuplicateHandle(kernel.CurrentProcess, h, kernel.CurrentProcess, 0, false, kernel.DUPLICATE_SAME_ACCESS)
			if err == nil {
				require.NoError(t, a.CloseHandle(d))
			}
			return err
		},
		"DuplicateHandle(process)": func(h kernel.Handle) error {
			d, err := a.DuplicateHandle(h, 4, kernel.CurrentProcess, 0, false, kernel.DUPLICATE_SAME_ACCESS)
			if err == nil {
				require.NoError(t, a.CloseHandle(d))
			}
			return err
		},
		"GetProcessId":       func(h kernel.Handle) error { _, err := a.GetProcessId(h); return err },
		"GetExitCodeProcess": func(h kernel.Handle) error { _, err := a.GetExitCodeProcess(h); return err },
		"TerminateProcess":   func(h kernel.Handle) error { return a.TerminateProcess(h, 1) },
		"CloseHandle":        a.CloseHandle,
	}
	for cname, call := range calls {
		for hname, h := range invalid {
			err := call(h)
			if cname == "CloseHandle" && h == kernel.CurrentThread {
				assert.NoError(t, err, "closing a pseudo-handle does nothing")
				continue
			}
			assert.ErrorIs(t, err, kernel.ERROR_INVALID_HANDLE, "%s(%s)", cname, hname)
		}
	}

	// Wrong type: each family of calls on the other families' handles.
	eventCalls := []string{"SetEvent", "ResetEvent", "PulseEvent"}
	fileCalls := []string{"ReadFile", "WriteFile", "FlushFileBuffers", "CallFor"}
	processCalls := []string{"DuplicateHandle(process)", "GetProcessId", "GetExitCodeProcess", "TerminateProcess"}
	wrongType := map[kernel.Handle][]string{
		ev:                    append(append([]string{}, fileCalls...), processCalls...),
		file:                  append(append([]string{}, eventCalls...), processCalls...),
		proc:                  append(append([]string{}, eventCalls...), fileCalls...),
		kernel.CurrentProcess: append(append([]string{}, eventCalls...), fileCalls...),
	}
	for h, names := range wrongType {
		for _, cname := range names {
			assert.ErrorIs(t, calls[cname](h), kernel.ERROR_INVALID_HANDLE, "%s(%#x): wrong type", cname, h)
		}
	}

	// Right type, missing access.
	missing := map[kernel.Handle][]string{
		evSync:   eventCalls,
		fileNone: {"ReadFile", "WriteFile", "FlushFileBuffers", "CallFor"},
		procSync: {"DuplicateHandle(process)", "GetProcessId", "GetExitCodeProcess", "TerminateProcess"},
	}
	for h, names := range missing {
		for _, cname := range names {
			assert.ErrorIs(t, calls[cname](h), kernel.ERROR_ACCESS_DENIED, "%s(%#x): missing access", cname, h)
		}
	}
	assert.Equal(t, kernel.ProcessRunning, b.State(), "nothing above terminated b")
	assert.Equal(t, 6, a.HandleCount(), "and nothing was opened or closed")

	for _, h := range []kernel.Handle{ev, file, proc, evSync, fileNone, procSync} {
		require.NoError(t, a.CloseHandle(h))
	}
	for h := kernel.Handle(4); h <= 32; h += 4 {
		require.NoError(t, b.CloseHandle(h))
	}
}

// The pseudo-handles are not table entries: Get/SetHandleInformation on them fail with
// ERROR_INVALID_HANDLE in winsim (see the report's doubts: Windows' exact answer here is
// not pinned down by a test we could read).
func TestHandleInformationOnPseudoHandles(t *testing.T) {
	m := kerneltest.NewMachine(t)
	p := kerneltest.NewProcess(t, m, "a.exe")
	defer p.Terminate(0)
	for _, h := range []kernel.Handle{kernel.CurrentProcess, kernel.CurrentThread} {
		_, err := p.GetHandleInformation(h)
		assert.ErrorIs(t, err, kernel.ERROR_INVALID_HANDLE)
		assert.ErrorIs(t, p.SetHandleInformation(h, kernel.HANDLE_FLAG_INHERIT, kernel.HANDLE_FLAG_INHERIT), kernel.ERROR_INVALID_HANDLE)
	}
}
