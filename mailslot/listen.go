package mailslot

import (
	"context"
	"io/fs"
	"os"
	"sync"
	"time"

	"github.com/winsim/winsim/kernel"
)

// This file is the idiomatic Go layer over the Win32 calls: a Server that reads whole
// messages and a Client (dial.go) whose every Write is one message. Their errors are
// *os.PathError values wrapping the kernel.Errno, so errors.Is(err,
// kernel.ERROR_SEM_TIMEOUT), errors.Is(err, fs.ErrNotExist) and os.IsTimeout all work;
// use after Close reports fs.ErrClosed.

// Config sets up a Server. The zero value (and a nil *Config) means messages of any size
// and reads that wait until a message comes or the context is done.
type Config struct {
	// MaxMessageSize bounds each message written locally; 0 means any size.
	MaxMessageSize uint32
	// ReadTimeout is how long a read waits for a message: 0 waits forever
	// (MAILSLOT_WAIT_FOREVER), a negative value not at all (a Win32 read timeout of 0),
	// a positive one that long, rounded up to whole milliseconds (at most 0xFFFFFFFE).
	ReadTimeout time.Duration
	// Inherit makes the server handle inheritable.
	Inherit bool
}

// A Server is the reading end of a mailslot, held by process p: CreateMailslot,
// ReadFile, GetMailslotInfo and CloseHandle behind a Go face.
//
// Lifetime: Listen creates the mailslot; Close closes the server handle, which closes
// the mailslot unless the handle was duplicated or inherited. Close is idempotent and
// safe to call concurrently with ReadMessage, which then returns an error matching
// fs.ErrClosed (or ERROR_HANDLE_EOF if the mailslot closed under it). The process's
// exit closes the handle too.
type Server struct {
	p    *kernel.Process // immutable
	h    kernel.Handle   // immutable
	name string          // immutable

	mu     sync.RWMutex
	closed bool // +checklocks:mu
}

// Listen creates the mailslot name (\\.\mailslot\[path\]name) for process p.
// Errors are those of CreateMailslot, wrapped in *os.PathError with Op "listen".
func Listen(p *kernel.Process, name string, cfg *Config) (*Server, error) {
	if cfg == nil {
		cfg = &Config{}
	}
	timeout := MAILSLOT_WAIT_FOREVER
	switch {
	case cfg.ReadTimeout < 0:
		timeout = 0
	case cfg.ReadTimeout > 0:
		ms := cfg.ReadTimeout.Milliseconds()
		if cfg.ReadTimeout%time.Millisecond != 0 {
			ms++ // never down to 0, which would not wait at all
		}
		timeout = uint32(min(ms, int64(MAILSLOT_WAIT_FOREVER-1)))
	}
	h, err := CreateMailslot(p, name, cfg.MaxMessageSize, timeout, &kernel.SecurityAttributes{InheritHandle: cfg.Inherit})
	if err != nil {
		return nil, &os.PathError{Op: "listen", Path: name, Err: err}
	}
	return &Server{p: p, h: h, name: name}, nil
}

// Name returns the name the server was created with.
func (s *Server) Name() string { return s.name }

// Handle returns the server handle, valid in the server's process until Close.
func (s *Server) Handle() kernel.Handle { return s.h }

// begin admits an operation; the caller runs s.mu.RUnlock after it.
func (s *Server) begin(op string) error {
	s.mu.RLock()
	if s.closed {
		s.mu.RUnlock()
		return &os.PathError{Op: op, Path: s.name, Err: fs.ErrClosed}
	}
	return nil
}

// ReadMessage returns the oldest message, waiting for one as the read timeout says and
// until ctx is done. Errors wrap kernel.ERROR_SEM_TIMEOUT (the read timeout passed; it
// reports Timeout()), ERROR_OPERATION_ABORTED with ctx's error, ERROR_HANDLE_EOF (the
// mailslot closed under the read) or fs.ErrClosed (the Server was closed).
func (s *Server) ReadMessage(ctx context.Context) ([]byte, error) {
	if err := s.begin("read"); err != nil {
		return nil, err
	}
	// Close waits for s.mu, so it cannot close the handle under CallFor; the read
	// itself then holds its own pointer reference and is woken by the close.
	c, err := s.p.CallFor(ctx, s.h, kernel.FILE_READ_DATA)
	s.mu.RUnlock()
	if err != nil {
		return nil, &os.PathError{Op: "read", Path: s.name, Err: err}
	}
	srv, ok := c.Object.Body().(*serverEnd)
	if !ok {
		c.Object.DecRef()
		return nil, &os.PathError{Op: "read", Path: s.name, Err: kernel.ERROR_INVALID_HANDLE}
	}
	m, err := srv.ms.take(c)
	if err != nil {
		return nil, &os.PathError{Op: "read", Path: s.name, Err: err}
	}
	return m, nil
}

// Info returns GetMailslotInfo's values.
func (s *Server) Info() (Info, error) {
	if err := s.begin("info"); err != nil {
		return Info{}, err
	}
	defer s.mu.RUnlock()
	in, err := GetMailslotInfo(s.p, s.h)
	if err != nil {
		return Info{}, &os.PathError{Op: "info", Path: s.name, Err: err}
	}
	return in, nil
}

// SetReadTimeout sets the read timeout in milliseconds (SetMailslotInfo);
// MAILSLOT_WAIT_FOREVER waits forever.
func (s *Server) SetReadTimeout(ms uint32) error {
	if err := s.begin("settimeout"); err != nil {
		return err
	}
	defer s.mu.RUnlock()
	if err := SetMailslotInfo(s.p, s.h, ms); err != nil {
		return &os.PathError{Op: "settimeout", Path: s.name, Err: err}
	}
	return nil
}

// Close closes the server handle. Closing again returns an error matching fs.ErrClosed.
func (s *Server) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return &os.PathError{Op: "close", Path: s.name, Err: fs.ErrClosed}
	}
	s.closed = true
	s.mu.Unlock()
	if err := s.p.CloseHandle(s.h); err != nil {
		return &os.PathError{Op: "close", Path: s.name, Err: err}
	}
	return nil
}
