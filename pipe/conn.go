package pipe

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/winsim/winsim/kernel"
)

// This file is the net.Conn adapter over a pipe end: what ListenPipe's Accept and the
// DialPipe family return. It is shaped like go-winio's win32Pipe and
// win32MessageBytePipe (github.com/Microsoft/go-winio, pipe.go and file.go) and follows
// the net.Conn contract of current Go; docs/pipe-adapters.md lists what differs from
// go-winio.
//
// An operation's life:
//
//  1. Admitted: begin refuses it once Close has started (net.ErrClosed) or when its
//     deadline has passed (os.ErrDeadlineExceeded), and otherwise counts it in flight.
//  2. Issued: the pipe call (ReadFile, WriteFile, FlushFileBuffers) runs with the
//     context of its direction's deadline, a child of the conn's context.
//  3. Ended: by the pipe, or by that context: the deadline passing or Close cancels it,
//     and the pipe call gives up with an error matching ERROR_OPERATION_ABORTED, having
//     consumed nothing (a blocked write takes its unread bytes back, windows-facts.md NP-130).
//     The error is translated once, in mapErr.
//
// Close stops admissions, cancels the conn's context, waits for the operations in
// flight to end, and only then closes the handle: a handle value is never used after it
// is closed, so a value the process reuses cannot be reached through a stale conn.
//
// Lock order: conn.mu before deadline.mu. Neither is held across a pipe call, so both
// sit outside the pipe package's own lock tree (doc.go); listener.mu likewise.

// ErrPipeListenerClosed is what Accept returns, wrapped in a *net.OpError, once the
// listener is closed. It is net.ErrClosed, as in go-winio.
var ErrPipeListenerClosed = net.ErrClosed

// ErrTimeout is what DialPipe returns when its timeout passes before an instance of the
// pipe is free. It is os.ErrDeadlineExceeded ("i/o timeout", Timeout() true), so
// errors.Is(err, os.ErrDeadlineExceeded) holds; go-winio has a distinct value with the
// same text.
var ErrTimeout error = os.ErrDeadlineExceeded

// ErrWriteClosed is what Write reports, wrapped in a *net.OpError, after CloseWrite, and
// what a second CloseWrite reports.
var ErrWriteClosed = errors.New("pipe: closed for writing by CloseWrite")

// errCloseWriteByteMode is CloseWrite's error on a byte-type pipe: NPFS has no half-close
// and a zero-length write on a byte pipe sends nothing (windows-facts.md NP-76).
var errCloseWriteByteMode = fmt.Errorf("pipe: CloseWrite needs a message-type pipe: %w", errors.ErrUnsupported)

// PipeConn is the net.Conn of a named pipe, with the calls a pipe adds. It is go-winio's
// PipeConn plus CloseWrite.
type PipeConn interface {
	net.Conn
	// Disconnect disconnects the client from the server end (DisconnectNamedPipe):
	// everything still queued either way is discarded, and the client's operations
	// fail from then on, its reads with io.EOF. Flush first to let the client read
	// what was written.
	//
	// Errors: ERROR_INVALID_FUNCTION on a client end; ERROR_PIPE_NOT_CONNECTED when
	// already disconnected; net.ErrClosed after Close; all in a *net.OpError.
	Disconnect() error
	// Flush waits until the other end has read everything written
	// (FlushFileBuffers). The write deadline bounds the wait.
	Flush() error
	// CloseWrite ends the write side. On a message-type pipe it flushes, then sends
	// a zero-length message, which the other end's Read reports as io.EOF, and later
	// Writes fail with ErrWriteClosed; the read side stays open. On a byte-type pipe
	// Windows has no half-close, so CloseWrite fails with an error matching
	// errors.ErrUnsupported, as go-winio's byte pipes have no CloseWrite at all.
	CloseWrite() error
}

var (
	_ PipeConn = (*conn)(nil)
	_ PipeConn = (*messageConn)(nil)
	_ net.Addr = pipeAddr("")
)

// pipeAddr is the net.Addr of a pipe connection or listener: the pipe name as given to
// ListenPipe or DialPipe. Network is "pipe", as in go-winio.
type pipeAddr string

// Network implements net.Addr.
func (pipeAddr) Network() string { return "pipe" }

// String implements net.Addr.
func (a pipeAddr) String() string { return string(a) }

// conn is a net.Conn over a pipe end of a byte-type pipe (go-winio's win32Pipe). It
// holds one handle in its process's table and is the only user of that handle.
//
// Lifetime: made by Accept or a Dial with the handle that process p owns; Close closes
// the handle once every operation in flight has ended. A conn must not be copied.
type conn struct {
	// Immutable after creation.
	p    *kernel.Process
	h    kernel.Handle
	addr pipeAddr
	// ctx is cancelled with cause net.ErrClosed when Close starts.
	ctx    context.Context
	cancel context.CancelCauseFunc

	rd, wd deadline

	mu sync.Mutex
	// +checklocks:mu
	closed bool
	// inflight counts admitted operations; Close waits for it after closed is set, so
	// no Add follows the Wait.
	inflight sync.WaitGroup
}

// messageConn is a net.Conn over a pipe end of a message-type pipe (go-winio's
// win32MessageBytePipe). It reads in message read mode and treats ERROR_MORE_DATA as
// success, so it is a byte stream to its user whose Reads never cross a message
// boundary; a zero-length message is end of stream, for good (sticky EOF); zero-length
// Writes are dropped, since a zero-length message is how CloseWrite ends the stream.
type messageConn struct {
	conn
	// readEOF latches the end of stream once a zero-length message has been read.
	// Accessed atomically.
	readEOF atomic.Bool
	// writeClosed is set by CloseWrite (and cleared again if it fails). Accessed
	// atomically.
	writeClosed atomic.Bool
}

// newConn wraps h, a connected pipe end of p, in a conn or, for a message-type pipe, a
// messageConn. It owns h from now on.
func newConn(p *kernel.Process, h kernel.Handle, name string, message bool) net.Conn {
	if message {
		c := &messageConn{}
		c.init(p, h, name)
		return c
	}
	c := &conn{}
	c.init(p, h, name)
	return c
}

func (c *conn) init(p *kernel.Process, h kernel.Handle, name string) {
	c.p, c.h, c.addr = p, h, pipeAddr(name)
	c.ctx, c.cancel = context.WithCancelCause(context.Background())
	clock := p.Machine().Clock()
	c.rd.init(clock, c.ctx)
	c.wd.init(clock, c.ctx)
}

// LocalAddr implements net.Conn: the pipe name, as in go-winio.
func (c *conn) LocalAddr() net.Addr { return c.addr }

// RemoteAddr implements net.Conn: the pipe name, as in go-winio.
func (c *conn) RemoteAddr() net.Addr { return c.addr }

// opErr wraps err the way the net package does, naming the operation and the pipe.
func (c *conn) opErr(op string, err error) error {
	return &net.OpError{Op: op, Net: "pipe", Addr: c.addr, Err: err}
}

// begin admits an operation: it fails once Close has started or, when d is not nil,
// once d has passed. On success the caller must call c.inflight.Done when the operation
// has ended; ctx is what to issue it with.
func (c *conn) begin(op string, d *deadline) (ctx context.Context, err error) {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return nil, c.opErr(op, net.ErrClosed)
	}
	c.inflight.Add(1)
	c.mu.Unlock()
	ctx = c.ctx
	if d != nil {
		ctx = d.context()
	}
	if ctx.Err() != nil {
		c.inflight.Done()
		return nil, c.opErr(op, stopReason(ctx))
	}
	return ctx, nil
}

// stopReason is why ctx, a conn's or a deadline's context, is done: net.ErrClosed or
// os.ErrDeadlineExceeded.
func stopReason(ctx context.Context) error {
	if errors.Is(context.Cause(ctx), os.ErrDeadlineExceeded) {
		return os.ErrDeadlineExceeded
	}
	return net.ErrClosed
}

// mapErr translates the error of a pipe call issued with ctx into the net.Conn
// contract:
//   - the other end gone (ERROR_BROKEN_PIPE: it closed; ERROR_PIPE_NOT_CONNECTED: the
//     server disconnected) is io.EOF on a read, bare, as io.Reader wants it;
//   - a call that gave up because ctx ended is net.ErrClosed (Close) or
//     os.ErrDeadlineExceeded (a deadline, whose Timeout() is true);
//   - once the conn's process is exiting, an error matching ERROR_OPERATION_ABORTED,
//     however the pipe call noticed the exit (see exitErr);
//   - anything else, the kernel.Errno included, is wrapped in a *net.OpError, so
//     errors.Is and errors.As still reach the Errno.
func (c *conn) mapErr(op string, ctx context.Context, err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, kernel.ERROR_OPERATION_ABORTED) && ctx.Err() != nil:
		return c.opErr(op, stopReason(ctx))
	case c.p.State() != kernel.ProcessRunning:
		return c.opErr(op, exitErr(err))
	case op == "read" && (errors.Is(err, kernel.ERROR_BROKEN_PIPE) || errors.Is(err, kernel.ERROR_PIPE_NOT_CONNECTED)):
		return io.EOF
	}
	return c.opErr(op, err)
}

// exitErr is the error of a call that failed while its process was exiting. The exit
// cancels the process's blocked calls (ERROR_OPERATION_ABORTED, as Windows cancels an
// exiting thread's I/O), but it also closes the process's handles, and a call can see
// that first (ERROR_BROKEN_PIPE, ERROR_INVALID_HANDLE); reporting that would pass the
// exit off as the other end going away. err is kept if it already says aborted.
func exitErr(err error) error {
	if errors.Is(err, kernel.ERROR_OPERATION_ABORTED) {
		return err
	}
	return kernel.ERROR_OPERATION_ABORTED
}

// Read implements net.Conn (ReadFile). It returns what is queued, up to len(b), waiting
// for data if there is none; io.EOF once the other end has closed or been disconnected
// and everything it sent has been read.
func (c *conn) Read(b []byte) (int, error) {
	ctx, err := c.begin("read", &c.rd)
	if err != nil {
		return 0, err
	}
	defer c.inflight.Done()
	if len(b) == 0 {
		return 0, c.zeroRead(ctx)
	}
	n, err := c.p.ReadFile(ctx, c.h, b)
	if err == nil && n == 0 {
		// Only an empty message reads as nothing, and a byte-type pipe has none; go-winio
		// treats it as the end of the stream in either case.
		return 0, io.EOF
	}
	return n, c.mapErr("read", ctx, err)
}

// zeroRead is Read with an empty buffer. ReadFile would wait for data (windows-facts.md NP-59),
// which io.Reader does not ask for, so it peeks instead: io.EOF if the other end is gone
// and nothing is left, else nothing.
func (c *conn) zeroRead(ctx context.Context) error {
	if _, _, _, err := PeekNamedPipe(c.p, c.h, nil); err != nil {
		if err := c.mapErr("read", ctx, err); err == io.EOF {
			return err
		}
	}
	return nil
}

// Write implements net.Conn (WriteFile). It blocks while the pipe's quota is full. On a
// deadline or Close the bytes the reader has not taken are withdrawn (windows-facts.md NP-130).
func (c *conn) Write(b []byte) (int, error) {
	ctx, err := c.begin("write", &c.wd)
	if err != nil {
		return 0, err
	}
	defer c.inflight.Done()
	total := 0
	for total < len(b) {
		n, err := c.p.WriteFile(ctx, c.h, b[total:])
		total += n
		if err != nil {
			return total, c.mapErr("write", ctx, err)
		}
		if n == 0 {
			return total, c.opErr("write", io.ErrShortWrite)
		}
	}
	return total, nil
}

// Close implements net.Conn: operations in flight end with net.ErrClosed, then the
// handle is closed. The other end's reads then see io.EOF once they have read what was
// sent (windows-facts.md NP-90). A second Close fails with net.ErrClosed. Once the process has
// exited, its exit has closed the handle already, and Close just retires the conn.
func (c *conn) Close() error {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return c.opErr("close", net.ErrClosed)
	}
	c.closed = true
	c.mu.Unlock()
	c.cancel(net.ErrClosed)
	c.inflight.Wait()
	c.rd.stop()
	c.wd.stop()
	if err := c.p.CloseHandle(c.h); err != nil && c.p.State() == kernel.ProcessRunning {
		return c.opErr("close", err)
	}
	return nil
}

// SetDeadline implements net.Conn: it sets both deadlines.
func (c *conn) SetDeadline(t time.Time) error {
	if err := c.SetReadDeadline(t); err != nil {
		return err
	}
	return c.SetWriteDeadline(t)
}

// SetReadDeadline implements net.Conn. A Read waiting when the deadline passes, or
// starting after it, fails with an error wrapping os.ErrDeadlineExceeded. The deadline
// runs on the machine's clock.
func (c *conn) SetReadDeadline(t time.Time) error { return c.setDeadline(&c.rd, t) }

// SetWriteDeadline implements net.Conn, for Write, Flush and CloseWrite.
func (c *conn) SetWriteDeadline(t time.Time) error { return c.setDeadline(&c.wd, t) }

func (c *conn) setDeadline(d *deadline, t time.Time) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return c.opErr("set", net.ErrClosed)
	}
	d.set(t)
	return nil
}

// Disconnect implements PipeConn (DisconnectNamedPipe).
func (c *conn) Disconnect() error {
	ctx, err := c.begin("disconnect", nil)
	if err != nil {
		return err
	}
	defer c.inflight.Done()
	return c.mapErr("disconnect", ctx, DisconnectNamedPipe(c.p, c.h))
}

// Flush implements PipeConn (FlushFileBuffers), bounded by the write deadline.
func (c *conn) Flush() error {
	ctx, err := c.begin("flush", &c.wd)
	if err != nil {
		return err
	}
	defer c.inflight.Done()
	return c.mapErr("flush", ctx, c.p.FlushFileBuffers(ctx, c.h))
}

// CloseWrite implements PipeConn: a byte-type pipe cannot half-close.
func (c *conn) CloseWrite() error {
	if _, err := c.begin("close", nil); err != nil {
		return err
	}
	c.inflight.Done()
	return c.opErr("close", errCloseWriteByteMode)
}

// Read implements net.Conn for a message-type pipe: a message longer than b is
// returned over several Reads (ERROR_MORE_DATA is success), and a zero-length message
// is io.EOF for this and every later Read.
func (c *messageConn) Read(b []byte) (int, error) {
	ctx, err := c.begin("read", &c.rd)
	if err != nil {
		return 0, err
	}
	defer c.inflight.Done()
	if c.readEOF.Load() {
		return 0, io.EOF
	}
	if len(b) == 0 {
		return 0, c.zeroRead(ctx)
	}
	n, err := c.p.ReadFile(ctx, c.h, b)
	switch {
	case errors.Is(err, kernel.ERROR_MORE_DATA):
		return n, nil
	case err == nil && n == 0:
		c.readEOF.Store(true)
		return 0, io.EOF
	}
	return n, c.mapErr("read", ctx, err)
}

// Write implements net.Conn for a message-type pipe: each non-empty Write is one
// message; an empty one sends nothing. After CloseWrite it fails with ErrWriteClosed.
func (c *messageConn) Write(b []byte) (int, error) {
	ctx, err := c.begin("write", &c.wd)
	if err != nil {
		return 0, err
	}
	defer c.inflight.Done()
	if c.writeClosed.Load() {
		return 0, c.opErr("write", ErrWriteClosed)
	}
	if len(b) == 0 {
		return 0, nil
	}
	n, err := c.p.WriteFile(ctx, c.h, b)
	return n, c.mapErr("write", ctx, err)
}

// CloseWrite implements PipeConn for a message-type pipe, as go-winio does: flush, then
// a zero-length message. Writes racing with it may land on either side of the end.
func (c *messageConn) CloseWrite() error {
	ctx, err := c.begin("close", &c.wd)
	if err != nil {
		return err
	}
	defer c.inflight.Done()
	if !c.writeClosed.CompareAndSwap(false, true) {
		return c.opErr("close", ErrWriteClosed)
	}
	if err := c.p.FlushFileBuffers(ctx, c.h); err != nil {
		c.writeClosed.Store(false)
		return c.mapErr("close", ctx, err)
	}
	if _, err := c.p.WriteFile(ctx, c.h, nil); err != nil {
		c.writeClosed.Store(false)
		return c.mapErr("close", ctx, err)
	}
	return nil
}
