package windows

import (
	"context"
	"strings"
	"sync"

	"github.com/winsim/winsim/kernel"
)

// This file holds processes: the current process, OpenProcess and friends, and CreateProcess,
// whose programs are Go functions registered by image name.

// CurrentProcess returns the pseudo-handle of the calling process, (HANDLE)-1, which needs no
// closing (GetCurrentProcess).
func (c *Caller) CurrentProcess() Handle { return Handle(kernel.CurrentProcess) }

// GetCurrentProcess is CurrentProcess with an error that is always nil, as in x/sys/windows.
//
// Deprecated: use CurrentProcess, as x/sys/windows says.
func (c *Caller) GetCurrentProcess() (Handle, error) { return c.CurrentProcess(), nil }

// GetCurrentProcessId returns the calling process's PID (GetCurrentProcessId).
func (c *Caller) GetCurrentProcessId() (pid uint32) { return c.Process().PID() }

// GetProcessId returns the PID of the process handle refers to (GetProcessId).
func (c *Caller) GetProcessId(process Handle) (id uint32, err error) {
	p, _ := c.proc()
	id, err = p.GetProcessId(kernel.Handle(process))
	return id, errnoOf(err)
}

// OpenProcess opens the process processId with desiredAccess (OpenProcess). An unknown PID or 0
// gives ERROR_INVALID_PARAMETER; the System process (4) and a process whose descriptor denies the
// access ERROR_ACCESS_DENIED.
func (c *Caller) OpenProcess(desiredAccess uint32, inheritHandle bool, processId uint32) (handle Handle, err error) {
	p, _ := c.proc()
	h, err := p.OpenProcess(kernel.Access(desiredAccess), inheritHandle, processId)
	if err != nil {
		return 0, errnoOf(err)
	}
	return Handle(h), nil
}

// GetExitCodeProcess stores the exit code of the process handle refers to, STILL_ACTIVE while it
// runs (GetExitCodeProcess).
func (c *Caller) GetExitCodeProcess(handle Handle, exitcode *uint32) (err error) {
	p, _ := c.proc()
	code, err := p.GetExitCodeProcess(kernel.Handle(handle))
	if err != nil {
		return errnoOf(err)
	}
	store(exitcode, code)
	return nil
}

// TerminateProcess ends the process handle refers to with exitcode (TerminateProcess). It returns
// once that process's handles are closed.
func (c *Caller) TerminateProcess(handle Handle, exitcode uint32) (err error) {
	p, _ := c.proc()
	return errnoOf(p.TerminateProcess(kernel.Handle(handle), exitcode))
}

// ExitProcess ends the calling process with exitcode (ExitProcess). Unlike Windows' it returns:
// Go cannot end the caller's goroutine, so a Program should return right after.
func (c *Caller) ExitProcess(exitcode uint32) { c.Process().ExitProcess(exitcode) }

// A Program is the main function of a process CreateProcess starts, standing in for the
// executable Windows would load. c acts as the new process (its handle values, its PID) and
// commandLine is the command line CreateProcess was given, as GetCommandLine would return it.
// The process exits with the Program's result when it returns, and runs on its own goroutine;
// once the process is terminated, c's blocking calls fail with ERROR_OPERATION_ABORTED, so the
// Program should then return.
type Program func(c *Caller, commandLine string) uint32

// programs maps normalised image names to Programs.
var programs struct {
	mu sync.Mutex
	m  map[string]Program // protected by mu
}

// RegisterProgram makes main the program CreateProcess runs for the image name ("server.exe" or
// "server"; case-insensitive; a directory part is ignored, and ".exe" is implied when there is
// no extension, as CreateProcess implies it). A second registration of a name replaces the
// first. unregister removes it, for a test's cleanup.
//
// Registrations are global, not per machine: every winsim machine "has" every registered program.
func RegisterProgram(name string, main Program) (unregister func()) {
	key := imageKey(name)
	programs.mu.Lock()
	defer programs.mu.Unlock()
	if programs.m == nil {
		programs.m = make(map[string]Program)
	}
	programs.m[key] = main
	return func() {
		programs.mu.Lock()
		defer programs.mu.Unlock()
		delete(programs.m, key)
	}
}

// lookupProgram returns the program registered for the image name, and the name the process is
// given (its base name). addExe implies ".exe" for a name without an extension, as CreateProcess
// does for the program of a command line but not for lpApplicationName (MS docs CreateProcessW).
func lookupProgram(name string, addExe bool) (Program, string, bool) {
	base := baseName(name, addExe)
	programs.mu.Lock()
	defer programs.mu.Unlock()
	prog, ok := programs.m[strings.ToLower(base)]
	return prog, base, ok
}

// imageKey normalises an image name for the registry.
func imageKey(name string) string { return strings.ToLower(baseName(name, true)) }

// baseName strips any directory from an image path and, with addExe, adds ".exe" when the base
// name has no extension.
func baseName(name string, addExe bool) string {
	if i := strings.LastIndexAny(name, `\/:`); i >= 0 {
		name = name[i+1:]
	}
	if addExe && !strings.Contains(name, ".") {
		name += ".exe"
	}
	return name
}

// firstToken returns the program name at the start of a command line: a quoted string, or
// everything up to the first space or tab (MS docs CreateProcessW, lpCommandLine).
func firstToken(cmd string) string {
	cmd = strings.TrimLeft(cmd, " \t")
	if strings.HasPrefix(cmd, `"`) {
		if end := strings.IndexByte(cmd[1:], '"'); end >= 0 {
			return cmd[1 : 1+end]
		}
		return cmd[1:]
	}
	if end := strings.IndexAny(cmd, " \t"); end >= 0 {
		return cmd[:end]
	}
	return cmd
}

// stdHandles holds the standard handles of processes started with STARTF_USESTDHANDLES, for
// their GetStdHandle; an entry lives while the process's Program runs.
var stdHandles sync.Map // *kernel.Process → [3]Handle

// CreateProcess starts a new process running the Program registered for its image
// (CreateProcessW) and stores its handles and PID in outProcInfo. The image is appName when it is
// not nil (its extension included, as Windows wants it), else the first token of commandLine
// (".exe" implied when it has none); one with no registered Program
// gives ERROR_FILE_NOT_FOUND, both nil ERROR_INVALID_PARAMETER. With inheritHandles the child gets
// every inheritable handle at the same value. procSecurity's descriptor and inherit flag apply to
// the new process and its handle; threadSecurity's inherit flag to the Thread handle.
// startupInfo's standard handles, with STARTF_USESTDHANDLES, are what the child's GetStdHandle
// returns. env and currentDir are accepted and ignored; creationFlags too, except
// CREATE_SUSPENDED, which gives ERROR_NOT_SUPPORTED (winsim has no threads to resume;
// docs/deviations.md). The caller closes outProcInfo.Process and outProcInfo.Thread.
func (c *Caller) CreateProcess(appName *uint16, commandLine *uint16, procSecurity *SecurityAttributes, threadSecurity *SecurityAttributes, inheritHandles bool, creationFlags uint32, env *uint16, currentDir *uint16, startupInfo *StartupInfo, outProcInfo *ProcessInformation) (err error) {
	if appName == nil && commandLine == nil {
		return ERROR_INVALID_PARAMETER
	}
	if creationFlags&CREATE_SUSPENDED != 0 {
		return ERROR_NOT_SUPPORTED
	}
	image := UTF16PtrToString(appName)
	cmd := UTF16PtrToString(commandLine)
	if appName == nil {
		image = firstToken(cmd)
	}
	if commandLine == nil {
		cmd = image
	}
	prog, imageName, ok := lookupProgram(image, appName == nil)
	if !ok || image == "" {
		return ERROR_FILE_NOT_FOUND
	}
	var std [3]Handle
	useStd := startupInfo != nil && startupInfo.Flags&STARTF_USESTDHANDLES != 0
	if useStd {
		std = [3]Handle{startupInfo.StdInput, startupInfo.StdOutput, startupInfo.StdErr}
	}
	main := func(_ context.Context, child *kernel.Process) uint32 {
		if useStd {
			stdHandles.Store(child, std)
			defer stdHandles.Delete(child)
		}
		return prog(On(child), cmd)
	}
	p, _ := c.proc()
	h, child, err := p.CreateProcessWithAttributes(imageName, procSecurity.toKernel(), inheritHandles, main)
	if err != nil {
		return errnoOf(err)
	}
	th, err := p.DuplicateHandle(kernel.CurrentProcess, h, kernel.CurrentProcess, 0, threadSecurity.toKernel().Inherit(), DUPLICATE_SAME_ACCESS)
	if err != nil {
		p.CloseHandle(h)
		return errnoOf(err)
	}
	store(outProcInfo, ProcessInformation{Process: Handle(h), Thread: Handle(th), ProcessId: child.PID()})
	return nil
}

// GetStdHandle returns the calling process's standard input, output or error handle
// (STD_INPUT_HANDLE, STD_OUTPUT_HANDLE, STD_ERROR_HANDLE) (GetStdHandle): those CreateProcess was
// given with STARTF_USESTDHANDLES, else 0 with no error, as for a process that has none. Another
// value gives InvalidHandle and ERROR_INVALID_HANDLE.
func (c *Caller) GetStdHandle(stdhandle uint32) (handle Handle, err error) {
	var i int
	switch stdhandle {
	case STD_INPUT_HANDLE:
		i = 0
	case STD_OUTPUT_HANDLE:
		i = 1
	case STD_ERROR_HANDLE:
		i = 2
	default:
		return InvalidHandle, ERROR_INVALID_HANDLE
	}
	if v, ok := stdHandles.Load(c.Process()); ok {
		return v.([3]Handle)[i], nil
	}
	return 0, nil
}
