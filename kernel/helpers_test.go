package kernel_test

import (
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/winsim/winsim/kernel"
)

// This file holds the object bodies, the device and the small helpers the kernel's tests
// share. Every body records its lifetime hooks so tests can see exactly when the kernel
// runs Close (last handle) and Delete (last reference).

// testFile is a file-object body with no capabilities: it only counts its lifetime hooks.
type testFile struct {
	mu       sync.Mutex
	closes   int
	deletes  int
	closedBy *kernel.Process
}

var _ kernel.Ops = (*testFile)(nil)

// Close implements kernel.Ops.
func (f *testFile) Close(_ *kernel.Object, by *kernel.Process) {
	f.mu.Lock()
	f.closes++
	f.closedBy = by
	f.mu.Unlock()
}

// Delete implements kernel.Ops.
func (f *testFile) Delete(*kernel.Object) {
	f.mu.Lock()
	f.deletes++
	f.mu.Unlock()
}

func (f *testFile) counts() (closes, deletes int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.closes, f.deletes
}

// rwFile is a byte queue with every optional file capability. A read on an empty
// queue pends a kernel.Request until data arrives or timeout passes; it is the
// smallest file system on the request model.
type rwFile struct {
	testFile
	timeout time.Duration     // read timeout; < 0 waits forever
	buf     []byte            // protected by testFile.mu
	readers []*kernel.Request // protected by testFile.mu
	flushes int               // protected by testFile.mu
	reqs    kernel.RequestCache
}

var (
	_ kernel.Reader       = (*rwFile)(nil)
	_ kernel.Writer       = (*rwFile)(nil)
	_ kernel.Flusher      = (*rwFile)(nil)
	_ kernel.Describer    = (*rwFile)(nil)
	_ kernel.RequestOwner = (*rwFile)(nil)
)

// Read implements kernel.Reader.
func (f *rwFile) Read(c kernel.Call, p []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.buf) > 0 {
		n := copy(p, f.buf)
		f.buf = f.buf[n:]
		return n, nil
	}
	if f.timeout == 0 {
		return 0, kernel.ERROR_SEM_TIMEOUT
	}
	r := c.NewRequest(&f.reqs)
	r.Buf = p
	r.Timeout, r.TimeoutErr = f.timeout, kernel.ERROR_SEM_TIMEOUT
	if err := r.Pend(f); err != nil {
		return 0, err
	}
	f.readers = append(f.readers, r)
	return 0, r
}

// CancelRequest implements kernel.RequestOwner.
func (f *rwFile) CancelRequest(r *kernel.Request, err error) {
	f.mu.Lock()
	for i, q := range f.readers {
		if q == r {
			f.readers = append(f.readers[:i], f.readers[i+1:]...)
			r.SetResult(0, err)
			f.mu.Unlock()
			r.Notify()
			return
		}
	}
	f.mu.Unlock()
}

// Write implements kernel.Writer: the data goes to pending reads first.
func (f *rwFile) Write(_ kernel.Call, p []byte) (int, error) {
	f.mu.Lock()
	f.buf = append(f.buf, p...)
	var done []*kernel.Request
	for len(f.readers) > 0 && len(f.buf) > 0 {
		r := f.readers[0]
		f.readers = f.readers[1:]
		n := copy(r.Buf, f.buf)
		f.buf = f.buf[n:]
		r.SetResult(n, nil)
		done = append(done, r)
	}
	f.mu.Unlock()
	for _, r := range done {
		r.Notify()
	}
	return len(p), nil
}

// Flush implements kernel.Flusher.
func (f *rwFile) Flush(kernel.Call) error {
	f.mu.Lock()
	f.flushes++
	f.mu.Unlock()
	return nil
}

// Describe implements kernel.Describer.
func (f *rwFile) Describe() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return "queued " + string(rune('0'+len(f.buf)%10))
}

// newFile gives p a handle with the given access to a new file object with body b.
func newFile(t testing.TB, p *kernel.Process, b kernel.Ops, access kernel.Access) kernel.Handle {
	t.Helper()
	o := p.Machine().NewObject(kernel.FileType, b)
	h, err := p.NewHandle(o, access, false)
	require.NoError(t, err)
	o.DecRef() // the handle holds the object now
	return h
}

// newEvent creates an unnamed event in p.
func newEvent(t testing.TB, p *kernel.Process, manual, initial bool) kernel.Handle {
	t.Helper()
	h, err := p.CreateEvent(nil, manual, initial, "")
	require.NoError(t, err)
	return h
}

// testDevice is a file system that opens an rwFile for every request and records them.
type testDevice struct {
	mu   sync.Mutex
	reqs []kernel.OpenRequest
	err  error // returned by Open when set
}

var _ kernel.Device = (*testDevice)(nil)

// Open implements kernel.Device.
func (d *testDevice) Open(req *kernel.OpenRequest) (*kernel.Object, kernel.Access, error) {
	d.mu.Lock()
	d.reqs = append(d.reqs, *req)
	err := d.err
	d.mu.Unlock()
	if err != nil {
		return nil, 0, err
	}
	o := req.Machine.NewObject(kernel.FileType, &rwFile{timeout: -1})
	o.SetName(`\Device\Mailslot` + req.Path)
	return o, req.Access, nil
}

func (d *testDevice) requests() []kernel.OpenRequest {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]kernel.OpenRequest(nil), d.reqs...)
}

// objectOf returns the object h refers to in p (for identity checks).
func objectOf(t testing.TB, p *kernel.Process, h kernel.Handle) *kernel.Object {
	t.Helper()
	o, _, err := p.Reference(h, 0, nil)
	require.NoError(t, err)
	o.DecRef()
	return o
}

// grantedOf returns the access h grants in p.
func grantedOf(t testing.TB, p *kernel.Process, h kernel.Handle) kernel.Access {
	t.Helper()
	o, granted, err := p.Reference(h, 0, nil)
	require.NoError(t, err)
	o.DecRef()
	return granted
}
