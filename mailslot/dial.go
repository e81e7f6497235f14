package mailslot

import (
	"context"
	"io"
	"io/fs"
	"os"
	"sync"

	"github.com/winsim/winsim/kernel"
)

// A Client is the writing end of a mailslot, held by process p: an io.Writer whose every
// Write sends exactly one message (one WriteFile). It addresses whatever its name does:
// \\.\mailslot\x (this machine), \\HOST\mailslot\x, \\DOMAIN\mailslot\x or
// \\*\mailslot\x (every machine of the writer's domain).
//
// Lifetime: Dial opens the client handle; Close closes it. Close is idempotent and safe
// to call concurrently with Write, which then returns an error matching fs.ErrClosed.
type Client struct {
	p    *kernel.Process // immutable
	h    kernel.Handle   // immutable
	name string          // immutable

	mu     sync.RWMutex
	closed bool // +checklocks:mu
}

var _ io.WriteCloser = (*Client)(nil)

// Dial opens a client of the mailslot name for process p, as CreateFile(name,
// GENERIC_WRITE, FILE_SHARE_READ, OPEN_EXISTING) does. Errors are CreateFile's
// (ERROR_FILE_NOT_FOUND, which matches fs.ErrNotExist, for a local mailslot that does not
// exist), wrapped in *os.PathError with Op "dial".
func Dial(p *kernel.Process, name string) (*Client, error) {
	h, err := p.CreateFile(name, kernel.GENERIC_WRITE, kernel.FILE_SHARE_READ, nil, kernel.OPEN_EXISTING, 0)
	if err != nil {
		return nil, &os.PathError{Op: "dial", Path: name, Err: err}
	}
	return &Client{p: p, h: h, name: name}, nil
}

// Name returns the name the client was opened with.
func (c *Client) Name() string { return c.name }

// Handle returns the client handle, valid in the client's process until Close.
func (c *Client) Handle() kernel.Handle { return c.h }

// Write sends b as one message. It never blocks. Errors wrap WriteFile's:
// ERROR_INVALID_PARAMETER for a message over the limit, ERROR_HANDLE_EOF once the
// mailslot's server has gone, fs.ErrClosed after Close.
func (c *Client) Write(b []byte) (int, error) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.closed {
		return 0, &os.PathError{Op: "write", Path: c.name, Err: fs.ErrClosed}
	}
	n, err := c.p.WriteFile(context.Background(), c.h, b)
	if err != nil {
		return n, &os.PathError{Op: "write", Path: c.name, Err: err}
	}
	return n, nil
}

// Close closes the client handle. Closing again returns an error matching fs.ErrClosed.
func (c *Client) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return &os.PathError{Op: "close", Path: c.name, Err: fs.ErrClosed}
	}
	c.closed = true
	if err := c.p.CloseHandle(c.h); err != nil {
		return &os.PathError{Op: "close", Path: c.name, Err: err}
	}
	return nil
}
