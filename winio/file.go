package winio

import (
	"errors"
	"io"
	"os"
	"sync/atomic"
	"time"

	"github.com/winsim/winsim/kernel"
)

// This file is go-winio's win32File over a winsim handle (github.com/Microsoft/go-winio,
// file.go): the io.ReadWriteCloser with deadlines that its pipe connections are made of.
//
// go-winio issues each operation with an OVERLAPPED and waits for the completion on a
// port; a deadline or Close cancels it with CancelIoEx. Here each operation is the
// kernel's synchronous call on the (overlapped) handle, issued with a context: the
// kernel makes it one pending request and ends it, consuming nothing, when that context
// is done, which is CancelIoEx's effect. The context of a read or write is its
// direction's deadline, a child of the file's own context, which Close cancels.
// Results are go-winio's:
//
//   - an operation started after Close, or running when Close came, fails with
//     ErrFileClosed;
//   - one started after its deadline passed, or running when it passed, fails with
//     ErrTimeout, with the bytes it moved before that;
//   - a read of nothing (a zero-length message) into a non-empty buffer is io.EOF, and
//     so is ERROR_BROKEN_PIPE (the other end closed); every other Win32 error is
//     returned as it is, a windows.Errno.
//
// Close cancels what is in flight, waits for it to end, and only then closes the
// handle, so a handle value is never used once closed (the process could reuse it).

var (
	// ErrFileClosed is what an operation on a closed file returns, and what one in
	// flight when Close came returns.
	ErrFileClosed = errors.New("file has already been closed")
	// ErrTimeout is what an operation returns when its deadline passes, and what
	// DialPipe returns when its timeout passes. It is a net.Error whose Timeout() is
	// true, and it also matches os.ErrDeadlineExceeded under errors.Is, as the
	// net.Conn contract asks (go-winio's does not; docs/deviations.md).
	ErrTimeout error = &timeoutError{}
)

type timeoutError struct{}

func (*timeoutError) Error() string   { return "i/o timeout" }
func (*timeoutError) Timeout() bool   { return true }
func (*timeoutError) Temporary() bool { return true }

// Is makes errors.Is(ErrTimeout, os.ErrDeadlineExceeded) hold.
func (*timeoutError) Is(target error) bool { return target == os.ErrDeadlineExceeded }

// win32File is an open winsim handle with go-winio's file semantics.
//
// Lifetime: made by NewOpenFile, a dial or an Accept, owning its handle; Close closes
// the handle after every admitted operation has ended. A win32File must not be copied.
type win32File struct {
	// Immutable after creation.
	p      *kernel.Process
	handle kernel.Handle
	// life is the context of operations that no deadline bounds (Flush); Close ends it.
	life opContext

	ops opGate

	readDeadline, writeDeadline deadline
}

// newWin32File takes ownership of h, a handle of p.
func newWin32File(p *kernel.Process, h kernel.Handle) *win32File {
	f := &win32File{p: p, handle: h}
	f.life.p = p
	f.ops.drained = make(chan struct{})
	clock := p.Machine().Clock()
	f.readDeadline.init(p, clock)
	f.writeDeadline.init(p, clock)
	return f
}

// prepareIO admits an operation bounded by d (nil: only by Close). On success the
// caller must call f.ops.leave when the operation has ended, and issue it with ctx.
func (f *win32File) prepareIO(d *deadline) (ctx *opContext, err error) {
	if !f.ops.enter() {
		return nil, ErrFileClosed
	}
	ctx = &f.life
	if d != nil {
		ctx = d.context()
	}
	if ctx.state.Load() != opLive {
		f.ops.leave()
		return nil, ctx.reason()
	}
	return ctx, nil
}

// ioResult translates the error of a call issued with ctx: a call the context ended is
// ErrFileClosed or ErrTimeout; Win32 errors become windows.Errno values.
func ioResult(ctx *opContext, err error) error {
	if err == nil {
		return nil
	}
	if ctx.state.Load() != opLive && errors.Is(err, kernel.ERROR_OPERATION_ABORTED) {
		return ctx.reason()
	}
	return winError(err)
}

// Read reads from the file (ReadFile). A successful read of nothing into a non-empty
// buffer, and ERROR_BROKEN_PIPE, are io.EOF.
func (f *win32File) Read(b []byte) (int, error) {
	ctx, err := f.prepareIO(&f.readDeadline)
	if err != nil {
		return 0, err
	}
	n, err := f.p.ReadFile(ctx, f.handle, b)
	f.ops.leave()
	switch {
	case err == nil && n == 0 && len(b) != 0:
		return 0, io.EOF
	case err != nil && errors.Is(err, kernel.ERROR_BROKEN_PIPE):
		return 0, io.EOF
	}
	return n, ioResult(ctx, err)
}

// Write writes to the file (WriteFile), once: n is what the call wrote.
func (f *win32File) Write(b []byte) (int, error) {
	ctx, err := f.prepareIO(&f.writeDeadline)
	if err != nil {
		return 0, err
	}
	n, err := f.p.WriteFile(ctx, f.handle, b)
	f.ops.leave()
	return n, ioResult(ctx, err)
}

// Flush waits until the other end has read everything written (FlushFileBuffers).
// No deadline bounds it; Close ends it with ErrFileClosed.
func (f *win32File) Flush() error {
	ctx, err := f.prepareIO(nil)
	if err != nil {
		return winError(kernel.ERROR_INVALID_HANDLE) // go-winio flushes handle 0 after Close
	}
	err = f.p.FlushFileBuffers(ctx, f.handle)
	f.ops.leave()
	return ioResult(ctx, err)
}

// Close cancels the operations in flight, waits for them to end and closes the handle.
// It always returns nil; closing again does nothing.
func (f *win32File) Close() error {
	if !f.ops.close(func() {
		f.life.end(opClosed)
		f.readDeadline.close()
		f.writeDeadline.close()
	}) {
		return nil
	}
	_ = f.p.CloseHandle(f.handle) // fails only when the process's exit closed it already
	return nil
}

// IsClosed reports whether Close has been called.
func (f *win32File) IsClosed() bool { return f.ops.closed() }

// Fd returns the handle, a value of the file's winsim process (0 once closed), for the
// windows package's calls.
func (f *win32File) Fd() uintptr {
	if f.ops.closed() {
		return 0
	}
	return uintptr(f.handle)
}

// SetReadDeadline sets the read deadline: a Read waiting when it passes, or starting
// after it, fails with ErrTimeout. The zero time clears it. Deadlines run on the
// machine's clock.
func (f *win32File) SetReadDeadline(t time.Time) error {
	f.readDeadline.set(t)
	return nil
}

// SetWriteDeadline sets the write deadline, as SetReadDeadline for Write.
func (f *win32File) SetWriteDeadline(t time.Time) error {
	f.writeDeadline.set(t)
	return nil
}

// opGate admits operations until it is closed and lets the closer wait for those
// admitted: go-winio's wg and wgLock in one word, so that admitting costs two atomic
// operations and no lock.
type opGate struct {
	// n is the number of admitted operations in flight, plus closing once Close has
	// begun (which makes it negative).
	n atomic.Int64
	// drained is closed by the operation that leaves last after Close began. Immutable
	// after creation.
	drained chan struct{}
}

const closing = -1 << 62

// enter admits an operation, or reports false once the gate is closing.
func (g *opGate) enter() bool {
	for {
		v := g.n.Load()
		if v < 0 {
			return false
		}
		if g.n.CompareAndSwap(v, v+1) {
			return true
		}
	}
}

// leave ends an admitted operation.
func (g *opGate) leave() {
	if g.n.Add(-1) == closing {
		close(g.drained)
	}
}

// close shuts the gate, runs cancel to end the operations in flight and waits until
// they have left. Only the first call does so and reports true.
func (g *opGate) close(cancel func()) bool {
	for {
		v := g.n.Load()
		if v < 0 {
			return false
		}
		if g.n.CompareAndSwap(v, v+closing) {
			cancel()
			if v > 0 {
				<-g.drained
			}
			return true
		}
	}
}

func (g *opGate) closed() bool { return g.n.Load() < 0 }
