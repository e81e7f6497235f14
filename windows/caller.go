package windows

import (
	"context"
	"errors"

	"github.com/winsim/winsim/internal/bind"
	"github.com/winsim/winsim/kernel"
)

// A Caller makes this package's calls as one winsim process. Its methods have the names and
// signatures of the package-level functions, which are a Caller acting as the default process
// (SetDefaultProcess). A test of several processes, on one machine or several, uses one Caller
// per process:
//
//	server, client := windows.On(serverProc), windows.On(clientProc)
//	h, err := server.CreateNamedPipe(name, windows.PIPE_ACCESS_DUPLEX, 0, 1, 512, 512, 0, nil)
//	c, err := client.CreateFile(name, windows.GENERIC_READ|windows.GENERIC_WRITE, 0, nil, windows.OPEN_EXISTING, 0, 0)
//
// Handles are values in the Caller's process. Calls that block do so until Windows would return,
// or until the process exits (then they fail with ERROR_OPERATION_ABORTED), as a thread of a
// terminated process would stop.
//
// A Caller holds no state of its own: any number may exist for one process, and it may be used
// from many goroutines at once, as Windows functions may be called from many threads.
type Caller struct {
	p *kernel.Process // immutable; nil means the default process at each call
}

// std is the Caller of the package-level functions.
var std = &Caller{}

// On returns the Caller acting as p. On(nil) acts as the default process, looked up at each call.
func On(p *kernel.Process) *Caller {
	if p == nil {
		return std
	}
	return &Caller{p: p}
}

// SetDefaultProcess makes p the process the package-level functions act as, and returns a
// function that restores the previous one. With none set, the first call makes a network of one
// machine, WINSIM, with one process, app.exe. The default is shared with package winio, so that a
// test using both is one process. A nil p drops the binding: the next call makes a fresh machine.
func SetDefaultProcess(p *kernel.Process) (restore func()) { return bind.SetDefault(p) }

// DefaultProcess returns the process the package-level functions act as, making it if needed.
func DefaultProcess() *kernel.Process { return bind.Default() }

// Process returns the process c acts as.
func (c *Caller) Process() *kernel.Process {
	if c.p == nil {
		return bind.Default()
	}
	return c.p
}

// proc returns the process and the context its blocking calls are issued with. Win32 calls
// have no context: what ends them early is the kernel's own (a timeout, CancelIoEx, a close, the
// process's exit, which cancels its pending requests and ends its waits), so the context is
// one that is never done, and a blocked call waits for its request alone.
func (c *Caller) proc() (*kernel.Process, context.Context) {
	return c.Process(), context.Background()
}

// errnoOf converts an error from winsim to this package's Errno, as x/sys/windows' functions
// return syscall.Errno: anything carrying a kernel.Errno (directly, wrapped, or an
// *kernel.AbortError, which stands for ERROR_OPERATION_ABORTED) becomes that code. Other errors,
// which winsim does not return from the calls this package makes, pass through.
func errnoOf(err error) error {
	if err == nil {
		return nil
	}
	var k kernel.Errno
	if errors.As(err, &k) {
		return Errno(k)
	}
	return err
}

// lastError is errnoOf for LazyProc.Call, whose error is always an Errno: ERROR_SUCCESS for
// success, ERROR_GEN_FAILURE for an error carrying no code.
func lastError(err error) Errno {
	if err == nil {
		return ERROR_SUCCESS
	}
	if e, ok := errnoOf(err).(Errno); ok {
		return e
	}
	return ERROR_GEN_FAILURE
}

// store writes v through out if out is not nil, as Win32 fills optional out-parameters.
func store[T any](out *T, v T) {
	if out != nil {
		*out = v
	}
}
