package scenario

import (
	"context"

	"github.com/winsim/winsim/kernel"
	"github.com/winsim/winsim/pipe"
)

// An ovRec is a script's OVERLAPPED: the structure the kernel reports through, and the
// buffer of the read it was last issued with (so GetOverlappedResult can show the data).
type ovRec struct {
	ov  kernel.Overlapped
	buf []byte
}

func (o *ovRec) ptr() *kernel.Overlapped {
	if o == nil {
		return nil
	}
	return &o.ov
}

// overlapped resolves an OVERLAPPED argument: NULL is none; any other identifier names
// one, made on its first use.
func (r *Runner) overlapped(tok string) (*ovRec, error) {
	if tok == "NULL" {
		return nil, nil
	}
	if !isIdent(tok) {
		return nil, usagef("%q cannot name an OVERLAPPED", tok)
	}
	o := r.ovs[tok]
	if o == nil {
		o = &ovRec{}
		r.ovs[tok] = o
	}
	return o, nil
}

// overlappedCalls are the overlapped-I/O and completion-port calls (docs/io.md).
var overlappedCalls = map[string]callSpec{
	"ReadFileOverlapped": {ps("h:hFile n:nNumberOfBytesToRead o:lpOverlapped h:hEvent"), []string{"n", "data"},
		"starts an overlapped read: ERROR_IO_PENDING, or its result at once",
		func(ctx context.Context, p *kernel.Process, a args) ([]value, error) {
			o := a.o(2)
			buf := make([]byte, a.n(1))
			if o == nil {
				return nil, kernel.ERROR_INVALID_PARAMETER
			}
			o.ov.HEvent, o.buf = a.h(3), buf
			n, err := p.ReadFileOverlapped(ctx, a.h(0), buf, &o.ov)
			return []value{num("n", uint64(n)), str("data", string(buf[:max(n, 0)]))}, err
		}},
	"WriteFileOverlapped": {ps("h:hFile d:lpBuffer o:lpOverlapped h:hEvent"), []string{"n"},
		"starts an overlapped write: ERROR_IO_PENDING, or its result at once",
		func(ctx context.Context, p *kernel.Process, a args) ([]value, error) {
			o := a.o(2)
			if o == nil {
				return nil, kernel.ERROR_INVALID_PARAMETER
			}
			o.ov.HEvent, o.buf = a.h(3), nil
			n, err := p.WriteFileOverlapped(ctx, a.h(0), a.d(1), &o.ov)
			return one(num("n", uint64(n)), err)
		}},
	"ConnectNamedPipeOverlapped": {ps("h:hNamedPipe o:lpOverlapped h:hEvent"), nil,
		"starts an overlapped ConnectNamedPipe: ERROR_IO_PENDING until a client connects",
		func(ctx context.Context, p *kernel.Process, a args) ([]value, error) {
			o := a.o(1)
			if o == nil {
				return nil, kernel.ERROR_INVALID_PARAMETER
			}
			o.ov.HEvent, o.buf = a.h(2), nil
			return nil, pipe.ConnectNamedPipeOverlapped(ctx, p, a.h(0), &o.ov)
		}},
	"GetOverlappedResult": {ps("h:hFile o:lpOverlapped b:bWait"), []string{"n", "data"},
		"the result of an overlapped operation; ERROR_IO_INCOMPLETE while pending (waits with bWait TRUE)",
		func(ctx context.Context, p *kernel.Process, a args) ([]value, error) {
			o := a.o(1)
			n, err := p.GetOverlappedResult(ctx, a.h(0), o.ptr(), a.b(2))
			data := ""
			if o != nil && n <= len(o.buf) {
				data = string(o.buf[:n])
			}
			return []value{num("n", uint64(n)), str("data", data)}, err
		}},
	"HasOverlappedIoCompleted": {ps("o:lpOverlapped"), []string{"done"}, "whether the operation is no longer pending",
		func(_ context.Context, _ *kernel.Process, a args) ([]value, error) {
			o := a.o(0)
			if o == nil {
				return nil, kernel.ERROR_INVALID_PARAMETER
			}
			done := uint64(0)
			if kernel.HasOverlappedIoCompleted(&o.ov) {
				done = 1
			}
			return one(value{name: "done", kind: kindBool, n: done}, nil)
		}},
	"CancelIo": {ps("h:hFile"), nil, "cancels the calling process's pending I/O on the file",
		func(_ context.Context, p *kernel.Process, a args) ([]value, error) { return nil, p.CancelIo(a.h(0)) }},
	"CancelIoEx": {ps("h:hFile o:lpOverlapped"), nil, "cancels one pending operation (or all, with NULL); ERROR_NOT_FOUND if none",
		func(_ context.Context, p *kernel.Process, a args) ([]value, error) {
			return nil, p.CancelIoEx(a.h(0), a.o(1).ptr())
		}},
	"CreateIoCompletionPort": {ps("h:FileHandle h:ExistingCompletionPort u:CompletionKey u:NumberOfConcurrentThreads"), []string{"h"},
		"creates a completion port (INVALID_HANDLE_VALUE NULL) or associates a file with one",
		func(_ context.Context, p *kernel.Process, a args) ([]value, error) {
			h, err := p.CreateIoCompletionPort(a.h(0), a.h(1), uintptr(a.u(2)), a.u(3))
			return one(hval("h", h), err)
		}},
	"GetQueuedCompletionStatus": {ps("h:CompletionPort u:dwMilliseconds"), []string{"n", "key"},
		"takes the oldest completion packet (blocks up to the timeout)",
		func(ctx context.Context, p *kernel.Process, a args) ([]value, error) {
			st, err := p.GetQueuedCompletionStatus(ctx, a.h(0), a.u(1))
			return []value{num("n", uint64(st.Bytes)), num("key", uint64(st.Key))}, err
		}},
	"PostQueuedCompletionStatus": {ps("h:CompletionPort u:dwNumberOfBytesTransferred u:dwCompletionKey"), nil,
		"queues a packet of the caller's making",
		func(_ context.Context, p *kernel.Process, a args) ([]value, error) {
			return nil, p.PostQueuedCompletionStatus(a.h(0), a.u(1), uintptr(a.u(2)), nil)
		}},
	"SleepEx": {ps("u:dwMilliseconds b:bAlertable"), []string{"r"}, "sleeps; alertable, it runs queued APCs and returns WAIT_IO_COMPLETION",
		func(ctx context.Context, p *kernel.Process, a args) ([]value, error) {
			r, err := p.SleepEx(ctx, a.u(0), a.b(1))
			return one(num("r", uint64(r)), err)
		}},
}

func init() {
	for name, c := range overlappedCalls {
		calls[name] = c
	}
}
