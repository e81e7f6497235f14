package winio

import (
	"context"
	"io"
	"net"
	"time"

	"github.com/winsim/winsim/internal/bind"
	"github.com/winsim/winsim/kernel"
)

// A Caller makes go-winio's calls as one winsim process: what go-winio does as the
// current process of a Windows program, a Caller does as the process it is bound to.
// Its methods are go-winio's package functions, with the same names, arguments and
// results; connections and listeners keep acting as the process that made them.
type Caller struct {
	p *kernel.Process
}

// On returns the Caller acting as p. A Caller of a nil process fails every call with
// ERROR_INVALID_PARAMETER.
func On(p *kernel.Process) *Caller { return &Caller{p: p} }

// Process returns the process c acts as.
func (c *Caller) Process() *kernel.Process { return c.p }

// SetDefaultProcess makes p the process the package-level functions act as, for this
// package and for package windows (they share it), and returns a function that
// restores the previous one. With none set, the first call makes a machine "WINSIM"
// with a process "app.exe".
func SetDefaultProcess(p *kernel.Process) (restore func()) { return bind.SetDefault(p) }

// DefaultProcess returns the process the package-level functions act as, making the
// default one if none is set.
func DefaultProcess() *kernel.Process { return bind.Default() }

func caller() *Caller { return On(bind.Default()) }

// ListenPipe is On(DefaultProcess()).ListenPipe.
func ListenPipe(path string, c *PipeConfig) (net.Listener, error) {
	return caller().ListenPipe(path, c)
}

// DialPipe is On(DefaultProcess()).DialPipe.
func DialPipe(path string, timeout *time.Duration) (net.Conn, error) {
	return caller().DialPipe(path, timeout)
}

// DialPipeContext is On(DefaultProcess()).DialPipeContext.
func DialPipeContext(ctx context.Context, path string) (net.Conn, error) {
	return caller().DialPipeContext(ctx, path)
}

// DialPipeAccess is On(DefaultProcess()).DialPipeAccess.
func DialPipeAccess(ctx context.Context, path string, access uint32) (net.Conn, error) {
	return caller().DialPipeAccess(ctx, path, access)
}

// DialPipeAccessImpLevel is On(DefaultProcess()).DialPipeAccessImpLevel.
func DialPipeAccessImpLevel(ctx context.Context, path string, access uint32, impLevel PipeImpLevel) (net.Conn, error) {
	return caller().DialPipeAccessImpLevel(ctx, path, access, impLevel)
}

// NewOpenFile is On(DefaultProcess()).NewOpenFile.
func NewOpenFile(h kernel.Handle) (io.ReadWriteCloser, error) {
	return caller().NewOpenFile(h)
}

// MakeOpenFile is On(DefaultProcess()).MakeOpenFile.
func MakeOpenFile(h kernel.Handle) (io.ReadWriteCloser, error) {
	return caller().MakeOpenFile(h)
}

// NewOpenFile wraps h, an open file handle of c's process (a pipe end, a mailslot),
// in a file with go-winio's semantics and deadlines; the file owns h from then on.
// It fails with ERROR_INVALID_HANDLE if h is not a file handle of the process.
func (c *Caller) NewOpenFile(h kernel.Handle) (io.ReadWriteCloser, error) {
	if c.p == nil {
		return nil, winError(kernel.ERROR_INVALID_PARAMETER)
	}
	o, _, err := c.p.Reference(h, 0, kernel.FileType)
	if err != nil {
		return nil, winError(err)
	}
	o.DecRef()
	return newWin32File(c.p, h), nil
}

// MakeOpenFile is NewOpenFile (go-winio's older name, which takes a syscall.Handle).
func (c *Caller) MakeOpenFile(h kernel.Handle) (io.ReadWriteCloser, error) {
	return c.NewOpenFile(h)
}
