package winsim_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"testing/synctest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/winsim/winsim"
	"github.com/winsim/winsim/internal/reliability"
	"github.com/winsim/winsim/kernel"
	"github.com/winsim/winsim/kerneltest"
	"github.com/winsim/winsim/mailslot"
	"github.com/winsim/winsim/pipe"
)

// The bad-input table: every public call of kernel, pipe and mailslot (the methods of
// *kernel.Process and the packages' functions; TestBadInputCoversEveryCall keeps the
// list whole) called with inputs Windows rejects. Each row gives the Windows error and
// where that fact comes from; the row runs against one machine and proves that the
// call changed nothing: the machine's census (objects, counts, states, every handle
// table) is the same before and after. docs/errors.md is written from the same rows
// (go test -run TestBadInput -update-errors .).

// Handle inputs: the columns of the handle matrix, each applied to every call that takes
// a handle (one matrix row per handle parameter).
const (
	inNever    = "never opened"
	inClosed   = "closed"
	inOther    = "another process's"
	inPseudoP  = "GetCurrentProcess()"
	inPseudoT  = "GetCurrentThread()"
	inWrong    = "wrong type"
	inNoAccess = "missing access"
	inExited   = "caller exited"
)

var handleInputs = []string{inNever, inClosed, inOther, inPseudoP, inPseudoT, inWrong, inNoAccess, inExited}

// handleInputSource says why each handle input gets what it gets on Windows.
var handleInputSource = map[string]string{
	inNever: "A value that names no entry in the caller's table is ERROR_INVALID_HANDLE (STATUS_INVALID_HANDLE): " +
		"Wine dlls/kernel32/tests/pipe.c test_CancelSynchronousIo (0xdeadbeef); Microsoft, CloseHandle.",
	inClosed: "A closed value names no entry: ERROR_INVALID_HANDLE (Wine dlls/ntdll/tests/pipe.c read_pipe_test, " +
		"CancelIo on the closed handle; docs/windows-facts.md HD-4).",
	inOther: "Handle values are per process: a value valid only in another process names no entry in the caller's " +
		"table, ERROR_INVALID_HANDLE (Microsoft, Handles and Objects: a handle is meaningful only in its process).",
	inPseudoP: "GetCurrentProcess() is INVALID_HANDLE_VALUE; passed where another type is wanted it is a type " +
		"mismatch, ERROR_INVALID_HANDLE (Wine dlls/ntdll/tests/pipe.c test_filepipeinfo; windows-facts.md HD-2). " +
		"Process calls accept it (Microsoft, GetCurrentProcess).",
	inPseudoT: "GetCurrentThread() names a thread; winsim has no thread objects, so every call answers " +
		"ERROR_INVALID_HANDLE, which is Windows' answer wherever a non-thread object is wanted " +
		"(STATUS_OBJECT_TYPE_MISMATCH, Wine dlls/ntdll/tests/om.c test_type_mismatch).",
	inWrong: "A handle to an object of another type is STATUS_OBJECT_TYPE_MISMATCH, ERROR_INVALID_HANDLE " +
		"(Wine dlls/ntdll/tests/om.c test_type_mismatch). Files use an event, events, processes and ports a pipe end.",
	inNoAccess: "A handle of the right type without the right the call needs is ERROR_ACCESS_DENIED (Microsoft, " +
		"Access Rights and Access Masks; pipe queries and sets: Wine dlls/ntdll/tests/pipe.c test_filepipeinfo, " +
		"windows-facts.md NP-83, NP-84). The handles are duplicates with SYNCHRONIZE only.",
	inExited: "A process that has exited holds no handles, so every value it passes names no entry: " +
		"ERROR_INVALID_HANDLE (docs/deviations.md, Process exit is synchronous: a Windows process runs no code " +
		"after it exits, winsim answers calls made after exit this way).",
}

// A handleCall is one handle parameter of one call: the matrix row.
type handleCall struct {
	name string // the row's name: the call, and the parameter when it takes several
	api  string // the public call: "Process.ReadFile", "pipe.PeekNamedPipe"
	run  func(f *badFixture, p *kernel.Process, h kernel.Handle) error
	// wrong and noAccess name fixture handles: another type, and the right type
	// without the access; "" where the input does not apply.
	wrong, noAccess string
	// valid lists the inputs the call accepts (not bad input there), with why; they
	// are not run.
	valid map[string]string
	// want overrides the default answer (ERROR_ACCESS_DENIED for missing access,
	// ERROR_INVALID_HANDLE for the rest) per input.
	want map[string]kernel.Errno
}

// An inputCase is one bad input of one call beyond the handle matrix: sizes,
// buffers, names, flags, the wrong end of a pipe or mailslot, calls by an exited
// process.
type inputCase struct {
	api, input string
	want       kernel.Errno
	source     string
	run        func(f *badFixture) error
}

// badFixture is the machine every row runs against, and the handles rows pass.
type badFixture struct {
	m                *kernel.Machine
	p, other, exited *kernel.Process
	h                map[string]kernel.Handle
	ctx              context.Context
	buf              []byte
}

const (
	badPipe      = `\\.\pipe\bad-input`
	badListening = `\\.\pipe\bad-input-listening`
	badSlot      = `\\.\mailslot\bad-input`
)

func newBadFixture(t *testing.T) *badFixture {
	m := kerneltest.NewMachine(t, winsim.Install)
	f := &badFixture{m: m, h: map[string]kernel.Handle{}, ctx: context.Background(), buf: make([]byte, 16)}
	f.p = kerneltest.NewProcess(t, m, "caller.exe")
	f.other = kerneltest.NewProcess(t, m, "other.exe")
	f.exited = kerneltest.NewProcess(t, m, "exited.exe")
	t.Cleanup(func() { f.p.Terminate(0); f.other.Terminate(0) })
	p := f.p
	add := func(name string, h kernel.Handle, err error) {
		t.Helper()
		require.NoError(t, err, name)
		f.h[name] = h
	}
	dupSync := func(name, of string) {
		t.Helper()
		h, err := p.DuplicateHandle(kernel.CurrentProcess, f.h[of], kernel.CurrentProcess, kernel.SYNCHRONIZE, false, 0)
		add(name, h, err)
	}
	h, err := p.CreateEvent(nil, true, false, "")
	add("event", h, err)
	dupSync("event/SYNCHRONIZE", "event")
	h, err = p.DuplicateHandle(kernel.CurrentProcess, f.h["event"], kernel.CurrentProcess, kernel.EVENT_MODIFY_STATE, false, 0)
	add("event/EVENT_MODIFY_STATE", h, err)
	h, err = pipe.CreateNamedPipe(p, badPipe, pipe.PIPE_ACCESS_DUPLEX, pipe.PIPE_TYPE_MESSAGE|pipe.PIPE_READMODE_MESSAGE, 1, 512, 512, 0, nil)
	add("server", h, err)
	h, err = p.CreateFile(badPipe, kernel.GENERIC_READ|kernel.GENERIC_WRITE, 0, nil, kernel.OPEN_EXISTING, 0)
	add("client", h, err)
	dupSync("server/SYNCHRONIZE", "server")
	h, err = pipe.CreateNamedPipe(p, badListening, pipe.PIPE_ACCESS_DUPLEX, pipe.PIPE_TYPE_MESSAGE, 1, 512, 512, 0, nil)
	add("listening server", h, err)
	r, w, err := pipe.CreatePipe(p, nil, 0)
	add("read end", r, err)
	add("write end", w, nil)
	h, err = mailslot.CreateMailslot(p, badSlot, 64, 0, nil)
	add("mailslot", h, err)
	h, err = p.CreateFile(badSlot, kernel.GENERIC_WRITE, kernel.FILE_SHARE_READ, nil, kernel.OPEN_EXISTING, 0)
	add("mailslot client", h, err)
	h, err = p.CreateFile(badSlot, kernel.GENERIC_READ|kernel.GENERIC_WRITE, kernel.FILE_SHARE_READ, nil, kernel.OPEN_EXISTING, 0)
	add("mailslot client/GENERIC_READ", h, err)
	h, err = p.OpenProcess(kernel.PROCESS_ALL_ACCESS, false, f.other.PID())
	add("process", h, err)
	dupSync("process/SYNCHRONIZE", "process")
	h, err = p.CreateIoCompletionPort(kernel.InvalidHandle, 0, 0, 0)
	add("port", h, err)
	dupSync("port/SYNCHRONIZE", "port")
	h, err = p.CreateEvent(nil, true, false, "")
	require.NoError(t, err)
	require.NoError(t, p.CloseHandle(h))
	f.h[inClosed] = h
	for i := 0; i < 24; i++ { // other's handles reach values the caller never had
		h, err = f.other.CreateEvent(nil, true, false, "")
		require.NoError(t, err)
	}
	_, err = p.GetHandleInformation(h)
	require.ErrorIs(t, err, kernel.ERROR_INVALID_HANDLE, "the caller has no handle at other's value")
	f.h[inOther] = h
	f.h[inNever] = 0x4000
	// The exited process had a handle at 4 before it exited.
	h, err = f.exited.CreateEvent(nil, true, false, "")
	require.NoError(t, err)
	f.h[inExited] = h
	f.exited.Terminate(0)
	return f
}

// censusText is the machine's census as text: every object with its counts and
// state, every process with its handle table.
func censusText(m *kernel.Machine) string {
	var b strings.Builder
	c := m.Census()
	for _, o := range c.Objects {
		fmt.Fprintf(&b, "object %d %s %q handles=%d pointers=%d %q %q\n", o.ID, o.Type, o.Name, o.Handles, o.Pointers, o.Detail, o.Security)
	}
	for _, p := range c.Processes {
		fmt.Fprintf(&b, "process %d %s %v exit=%d\n", p.PID, p.Name, p.State, p.ExitCode)
		for _, h := range p.Handles {
			fmt.Fprintf(&b, "  %#x object %d %s %q %#x inherit=%v protect=%v\n", h.Handle, h.ObjectID, h.Type, h.Name, h.Granted, h.Inherit, h.Protect)
		}
	}
	return b.String()
}

// checkRow runs one bad call and checks its result: the Windows error, as a
// kernel.Errno, and nothing changed. It reports whether the row passed.
//
// The rows run in one synctest bubble (for the calls that wait), where subtests
// cannot run, so each failure names its row.
func checkRow(t *testing.T, f *badFixture, row string, want kernel.Errno, call func() error) bool {
	t.Helper()
	before := censusText(f.m)
	var err error
	if !assert.NotPanics(t, func() { err = call() }, row) {
		return false
	}
	var errno kernel.Errno
	ok := assert.True(t, errors.As(err, &errno), "%s: a Win32 error, got %T %v", row, err, err) &&
		assert.Equal(t, want, errno, "%s: got %s, want %s", row, errno.Name(), want.Name())
	ok = assert.Equal(t, before, censusText(f.m), "%s: the failed call changed nothing", row) && ok
	if c, isChecker := any(f.m).(interface{ Check() error }); isChecker {
		ok = assert.NoError(t, c.Check(), row) && ok
	}
	return ok
}

// handleFor is the handle a matrix cell passes, and the process that passes it.
func (f *badFixture) handleFor(c handleCall, input string) (*kernel.Process, kernel.Handle, bool) {
	switch input {
	case inPseudoP:
		return f.p, kernel.CurrentProcess, true
	case inPseudoT:
		return f.p, kernel.CurrentThread, true
	case inWrong:
		return f.p, f.h[c.wrong], c.wrong != ""
	case inNoAccess:
		return f.p, f.h[c.noAccess], c.noAccess != ""
	case inExited:
		return f.exited, f.h[inExited], true
	}
	return f.p, f.h[input], true
}

// cell is what a matrix cell expects: an error, or why the input does not apply.
func (c handleCall) cell(input string) (kernel.Errno, string) {
	if why, ok := c.valid[input]; ok {
		return 0, why
	}
	if (input == inWrong && c.wrong == "") || (input == inNoAccess && c.noAccess == "") {
		return 0, "n/a"
	}
	if e, ok := c.want[input]; ok {
		return e, ""
	}
	if input == inNoAccess {
		return kernel.ERROR_ACCESS_DENIED, ""
	}
	return kernel.ERROR_INVALID_HANDLE, ""
}

func TestBadInput(t *testing.T) {
	fig := &reliability.BadInput{}
	reliability.Report(t).BadInput = fig // make reliability's figures; nothing without it
	synctest.Test(t, func(t *testing.T) {
		f := newBadFixture(t)
		calls := map[string]bool{}
		count := func(api string, passed bool) {
			calls[api] = true
			if !passed {
				fig.Failed++
			}
		}
		for _, c := range handleCalls() {
			for _, input := range handleInputs {
				want, skip := c.cell(input)
				if skip != "" {
					fig.Skipped++
					continue
				}
				p, h, _ := f.handleFor(c, input)
				fig.HandleCells++
				count(c.api, checkRow(t, f, c.name+"("+input+")", want, func() error { return c.run(f, p, h) }))
			}
		}
		for _, c := range inputCases() {
			fig.Cases++
			count(c.api, checkRow(t, f, c.api+"("+c.input+")", c.want, func() error { return c.run(f) }))
		}
		fig.Calls = len(calls)
		checkErrorsDoc(t)
	})
}

// Row helpers.

func errOnly[T any](_ T, err error) error { return err }

func closeIfOpened(p *kernel.Process, h kernel.Handle, err error) error {
	if err == nil {
		_ = p.CloseHandle(h)
		return errors.New("unexpected success")
	}
	return err
}

var (
	processValid = map[string]string{inPseudoP: "the caller itself"}
	anyType      = "any type"
)

func fileCall(name string, run func(f *badFixture, p *kernel.Process, h kernel.Handle) error, noAccess string) handleCall {
	return handleCall{name: name, api: "Process." + name, run: run, wrong: "event", noAccess: noAccess}
}

func pipeCall(name string, run func(f *badFixture, p *kernel.Process, h kernel.Handle) error, noAccess string) handleCall {
	return handleCall{name: name, api: "pipe." + name, run: run, wrong: "event", noAccess: noAccess}
}

func handleCalls() []handleCall {
	ov := func() *kernel.Overlapped { return &kernel.Overlapped{} }
	routine := func(uint32, uint32, *kernel.Overlapped) {}
	pending := func() *kernel.Overlapped { return &kernel.Overlapped{Internal: 0x103} } // STATUS_PENDING
	sd, err := kernel.ParseSDDL("D:(A;;GA;;;WD)")
	if err != nil {
		panic(err)
	}
	waitValid := map[string]string{inPseudoP: "the caller itself", inWrong: anyType}
	return []handleCall{
		fileCall("ReadFile", func(f *badFixture, p *kernel.Process, h kernel.Handle) error {
			return errOnly(p.ReadFile(f.ctx, h, f.buf))
		}, "server/SYNCHRONIZE"),
		fileCall("WriteFile", func(f *badFixture, p *kernel.Process, h kernel.Handle) error {
			return errOnly(p.WriteFile(f.ctx, h, f.buf))
		}, "server/SYNCHRONIZE"),
		fileCall("ReadFileOverlapped", func(f *badFixture, p *kernel.Process, h kernel.Handle) error {
			return errOnly(p.ReadFileOverlapped(f.ctx, h, f.buf, ov()))
		}, "server/SYNCHRONIZE"),
		fileCall("WriteFileOverlapped", func(f *badFixture, p *kernel.Process, h kernel.Handle) error {
			return errOnly(p.WriteFileOverlapped(f.ctx, h, f.buf, ov()))
		}, "server/SYNCHRONIZE"),
		fileCall("ReadFileEx", func(f *badFixture, p *kernel.Process, h kernel.Handle) error {
			return p.ReadFileEx(f.ctx, h, f.buf, ov(), routine)
		}, "server/SYNCHRONIZE"),
		fileCall("WriteFileEx", func(f *badFixture, p *kernel.Process, h kernel.Handle) error {
			return p.WriteFileEx(f.ctx, h, f.buf, ov(), routine)
		}, "server/SYNCHRONIZE"),
		fileCall("FlushFileBuffers", func(f *badFixture, p *kernel.Process, h kernel.Handle) error {
			return p.FlushFileBuffers(f.ctx, h)
		}, "server/SYNCHRONIZE"),
		fileCall("CallFor", func(f *badFixture, p *kernel.Process, h kernel.Handle) error {
			c, err := p.CallFor(f.ctx, h, kernel.FILE_READ_DATA)
			if err == nil {
				c.Object.DecRef()
			}
			return err
		}, "server/SYNCHRONIZE"),
		fileCall("CallForOverlapped", func(f *badFixture, p *kernel.Process, h kernel.Handle) error {
			o := ov()
			c, err := p.CallForOverlapped(f.ctx, h, kernel.FILE_READ_DATA, o)
			if err == nil {
				_, _ = c.Finish(0, nil)
			}
			return err
		}, "server/SYNCHRONIZE"),
		fileCall("CancelIo", func(f *badFixture, p *kernel.Process, h kernel.Handle) error {
			return p.CancelIo(h)
		}, ""),
		fileCall("CancelIoEx", func(f *badFixture, p *kernel.Process, h kernel.Handle) error {
			return p.CancelIoEx(h, nil)
		}, ""),
		fileCall("QueryDeviceType", func(f *badFixture, p *kernel.Process, h kernel.Handle) error {
			return errOnly(p.QueryDeviceType(h))
		}, ""),
		{name: "GetOverlappedResult", api: "Process.GetOverlappedResult", valid: waitValid,
			run: func(f *badFixture, p *kernel.Process, h kernel.Handle) error {
				return errOnly(p.GetOverlappedResult(f.ctx, h, pending(), true))
			}},
		{name: "GetOverlappedResultEx", api: "Process.GetOverlappedResultEx", valid: waitValid,
			run: func(f *badFixture, p *kernel.Process, h kernel.Handle) error {
				return errOnly(p.GetOverlappedResultEx(f.ctx, h, pending(), kernel.INFINITE, false))
			}},
		fileCall("SetFileCompletionNotificationModes", func(f *badFixture, p *kernel.Process, h kernel.Handle) error {
			return p.SetFileCompletionNotificationModes(h, uint8(kernel.FILE_SKIP_COMPLETION_PORT_ON_SUCCESS))
		}, ""),
		{name: "CreateIoCompletionPort(FileHandle)", api: "Process.CreateIoCompletionPort", wrong: "event",
			valid: map[string]string{inPseudoP: "INVALID_HANDLE_VALUE: create a port"},
			run: func(f *badFixture, p *kernel.Process, h kernel.Handle) error {
				port, err := p.CreateIoCompletionPort(h, f.h["port"], 1, 0)
				if err == nil && port != f.h["port"] {
					_ = p.CloseHandle(port)
				}
				return err
			}},
		{name: "CreateIoCompletionPort(ExistingCompletionPort)", api: "Process.CreateIoCompletionPort", wrong: "event", noAccess: "port/SYNCHRONIZE",
			run: func(f *badFixture, p *kernel.Process, h kernel.Handle) error {
				return errOnly(p.CreateIoCompletionPort(f.h["read end"], h, 1, 0))
			}},
		{name: "GetQueuedCompletionStatus", api: "Process.GetQueuedCompletionStatus", wrong: "server", noAccess: "port/SYNCHRONIZE",
			run: func(f *badFixture, p *kernel.Process, h kernel.Handle) error {
				return errOnly(p.GetQueuedCompletionStatus(f.ctx, h, 0))
			}},
		{name: "GetQueuedCompletionStatusEx", api: "Process.GetQueuedCompletionStatusEx", wrong: "server", noAccess: "port/SYNCHRONIZE",
			run: func(f *badFixture, p *kernel.Process, h kernel.Handle) error {
				return errOnly(p.GetQueuedCompletionStatusEx(f.ctx, h, make([]kernel.OverlappedEntry, 1), 0, false))
			}},
		{name: "PostQueuedCompletionStatus", api: "Process.PostQueuedCompletionStatus", wrong: "server", noAccess: "port/SYNCHRONIZE",
			run: func(f *badFixture, p *kernel.Process, h kernel.Handle) error {
				return p.PostQueuedCompletionStatus(h, 0, 0, nil)
			}},
		{name: "CloseHandle", api: "Process.CloseHandle",
			valid: map[string]string{inPseudoP: "closing a pseudo-handle does nothing", inPseudoT: "closing a pseudo-handle does nothing", inWrong: anyType},
			run:   func(f *badFixture, p *kernel.Process, h kernel.Handle) error { return p.CloseHandle(h) }},
		{name: "GetHandleInformation", api: "Process.GetHandleInformation", valid: map[string]string{inWrong: anyType},
			run: func(f *badFixture, p *kernel.Process, h kernel.Handle) error {
				return errOnly(p.GetHandleInformation(h))
			}},
		{name: "SetHandleInformation", api: "Process.SetHandleInformation", valid: map[string]string{inWrong: anyType},
			run: func(f *badFixture, p *kernel.Process, h kernel.Handle) error {
				return p.SetHandleInformation(h, kernel.HANDLE_FLAG_INHERIT, kernel.HANDLE_FLAG_INHERIT)
			}},
		{name: "DuplicateHandle(hSourceProcessHandle)", api: "Process.DuplicateHandle", wrong: "event", noAccess: "process/SYNCHRONIZE", valid: processValid,
			run: func(f *badFixture, p *kernel.Process, h kernel.Handle) error {
				d, err := p.DuplicateHandle(h, 4, kernel.CurrentProcess, 0, false, kernel.DUPLICATE_SAME_ACCESS)
				return closeIfOpened(p, d, err)
			}},
		{name: "DuplicateHandle(hSourceHandle)", api: "Process.DuplicateHandle",
			valid: map[string]string{inPseudoP: "gives a real handle to the caller", inWrong: anyType},
			run: func(f *badFixture, p *kernel.Process, h kernel.Handle) error {
				d, err := p.DuplicateHandle(kernel.CurrentProcess, h, kernel.CurrentProcess, 0, false, kernel.DUPLICATE_SAME_ACCESS)
				return closeIfOpened(p, d, err)
			}},
		{name: "DuplicateHandle(hTargetProcessHandle)", api: "Process.DuplicateHandle", wrong: "event", noAccess: "process/SYNCHRONIZE", valid: processValid,
			run: func(f *badFixture, p *kernel.Process, h kernel.Handle) error {
				d, err := p.DuplicateHandle(kernel.CurrentProcess, f.h["event"], h, 0, false, kernel.DUPLICATE_SAME_ACCESS)
				return closeIfOpened(p, d, err)
			}},
		{name: "SetEvent", api: "Process.SetEvent", wrong: "server", noAccess: "event/SYNCHRONIZE",
			run: func(f *badFixture, p *kernel.Process, h kernel.Handle) error { return p.SetEvent(h) }},
		{name: "ResetEvent", api: "Process.ResetEvent", wrong: "server", noAccess: "event/SYNCHRONIZE",
			run: func(f *badFixture, p *kernel.Process, h kernel.Handle) error { return p.ResetEvent(h) }},
		{name: "PulseEvent", api: "Process.PulseEvent", wrong: "server", noAccess: "event/SYNCHRONIZE",
			run: func(f *badFixture, p *kernel.Process, h kernel.Handle) error { return p.PulseEvent(h) }},
		{name: "WaitForSingleObject", api: "Process.WaitForSingleObject", noAccess: "event/EVENT_MODIFY_STATE", valid: waitValid,
			run: func(f *badFixture, p *kernel.Process, h kernel.Handle) error {
				return errOnly(p.WaitForSingleObject(f.ctx, h, 0))
			}},
		{name: "WaitForSingleObjectEx", api: "Process.WaitForSingleObjectEx", noAccess: "event/EVENT_MODIFY_STATE", valid: waitValid,
			run: func(f *badFixture, p *kernel.Process, h kernel.Handle) error {
				return errOnly(p.WaitForSingleObjectEx(f.ctx, h, 0, true))
			}},
		{name: "WaitForMultipleObjects", api: "Process.WaitForMultipleObjects", noAccess: "event/EVENT_MODIFY_STATE", valid: waitValid,
			run: func(f *badFixture, p *kernel.Process, h kernel.Handle) error {
				return errOnly(p.WaitForMultipleObjects(f.ctx, []kernel.Handle{f.h["event"], h}, false, 0))
			}},
		{name: "WaitForMultipleObjectsEx", api: "Process.WaitForMultipleObjectsEx", noAccess: "event/EVENT_MODIFY_STATE", valid: waitValid,
			run: func(f *badFixture, p *kernel.Process, h kernel.Handle) error {
				return errOnly(p.WaitForMultipleObjectsEx(f.ctx, []kernel.Handle{h}, true, 0, true))
			}},
		{name: "GetExitCodeProcess", api: "Process.GetExitCodeProcess", wrong: "event", noAccess: "process/SYNCHRONIZE", valid: processValid,
			run: func(f *badFixture, p *kernel.Process, h kernel.Handle) error { return errOnly(p.GetExitCodeProcess(h)) }},
		{name: "GetProcessId", api: "Process.GetProcessId", wrong: "event", noAccess: "process/SYNCHRONIZE", valid: processValid,
			run: func(f *badFixture, p *kernel.Process, h kernel.Handle) error { return errOnly(p.GetProcessId(h)) }},
		{name: "TerminateProcess", api: "Process.TerminateProcess", wrong: "event", noAccess: "process/SYNCHRONIZE", valid: processValid,
			run: func(f *badFixture, p *kernel.Process, h kernel.Handle) error { return p.TerminateProcess(h, 1) }},
		{name: "GetSecurityInfo", api: "Process.GetSecurityInfo", noAccess: "event/SYNCHRONIZE",
			valid: map[string]string{inPseudoP: "the caller's own process object", inWrong: anyType},
			run: func(f *badFixture, p *kernel.Process, h kernel.Handle) error {
				return errOnly(p.GetSecurityInfo(h, kernel.OWNER_SECURITY_INFORMATION))
			}},
		{name: "SetSecurityInfo", api: "Process.SetSecurityInfo", noAccess: "event/SYNCHRONIZE",
			valid: map[string]string{inPseudoP: "the caller's own process object", inWrong: anyType},
			run: func(f *badFixture, p *kernel.Process, h kernel.Handle) error {
				return p.SetSecurityInfo(h, kernel.DACL_SECURITY_INFORMATION, sd)
			}},
		{name: "Reference", api: "Process.Reference", wrong: "server", noAccess: "event/SYNCHRONIZE",
			run: func(f *badFixture, p *kernel.Process, h kernel.Handle) error {
				o, _, err := p.Reference(h, kernel.EVENT_MODIFY_STATE, kernel.EventType)
				if err == nil {
					o.DecRef()
				}
				return err
			}},

		pipeCall("ConnectNamedPipe", func(f *badFixture, p *kernel.Process, h kernel.Handle) error {
			return pipe.ConnectNamedPipe(f.ctx, p, h)
		}, ""),
		pipeCall("ConnectNamedPipeOverlapped", func(f *badFixture, p *kernel.Process, h kernel.Handle) error {
			return pipe.ConnectNamedPipeOverlapped(f.ctx, p, h, ov())
		}, ""),
		pipeCall("DisconnectNamedPipe", func(f *badFixture, p *kernel.Process, h kernel.Handle) error {
			return pipe.DisconnectNamedPipe(p, h)
		}, ""),
		pipeCall("PeekNamedPipe", func(f *badFixture, p *kernel.Process, h kernel.Handle) error {
			_, _, _, err := pipe.PeekNamedPipe(p, h, f.buf)
			return err
		}, "server/SYNCHRONIZE"),
		pipeCall("TransactNamedPipe", func(f *badFixture, p *kernel.Process, h kernel.Handle) error {
			return errOnly(pipe.TransactNamedPipe(f.ctx, p, h, f.buf, f.buf))
		}, "server/SYNCHRONIZE"),
		pipeCall("TransactNamedPipeOverlapped", func(f *badFixture, p *kernel.Process, h kernel.Handle) error {
			return errOnly(pipe.TransactNamedPipeOverlapped(f.ctx, p, h, f.buf, f.buf, ov()))
		}, "server/SYNCHRONIZE"),
		pipeCall("GetNamedPipeInfo", func(f *badFixture, p *kernel.Process, h kernel.Handle) error {
			_, _, _, _, err := pipe.GetNamedPipeInfo(p, h)
			return err
		}, "server/SYNCHRONIZE"),
		pipeCall("GetNamedPipeHandleState", func(f *badFixture, p *kernel.Process, h kernel.Handle) error {
			var state uint32
			return pipe.GetNamedPipeHandleState(p, h, &state, nil, nil, nil, nil)
		}, "server/SYNCHRONIZE"),
		pipeCall("SetNamedPipeHandleState", func(f *badFixture, p *kernel.Process, h kernel.Handle) error {
			mode := pipe.PIPE_READMODE_MESSAGE
			return pipe.SetNamedPipeHandleState(p, h, &mode, nil, nil)
		}, "server/SYNCHRONIZE"),
		pipeCall("GetNamedPipeClientProcessId", func(f *badFixture, p *kernel.Process, h kernel.Handle) error {
			return errOnly(pipe.GetNamedPipeClientProcessId(p, h))
		}, ""),
		pipeCall("GetNamedPipeServerProcessId", func(f *badFixture, p *kernel.Process, h kernel.Handle) error {
			return errOnly(pipe.GetNamedPipeServerProcessId(p, h))
		}, ""),
		pipeCall("GetNamedPipeClientComputerName", func(f *badFixture, p *kernel.Process, h kernel.Handle) error {
			return errOnly(pipe.GetNamedPipeClientComputerName(p, h))
		}, ""),
		pipeCall("ImpersonateNamedPipeClient", func(f *badFixture, p *kernel.Process, h kernel.Handle) error {
			imp, err := pipe.ImpersonateNamedPipeClient(p, h)
			if err == nil {
				_ = imp.RevertToSelf()
			}
			return err
		}, ""),
		{name: "GetMailslotInfo", api: "mailslot.GetMailslotInfo", wrong: "event",
			run: func(f *badFixture, p *kernel.Process, h kernel.Handle) error {
				return errOnly(mailslot.GetMailslotInfo(p, h))
			}},
		{name: "SetMailslotInfo", api: "mailslot.SetMailslotInfo", wrong: "event",
			run: func(f *badFixture, p *kernel.Process, h kernel.Handle) error {
				return mailslot.SetMailslotInfo(p, h, 5)
			}},
	}
}
