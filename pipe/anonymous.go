package pipe

import "github.com/winsim/winsim/kernel"

// anonymousDefaultSize is the buffer size CreatePipe uses for a size of 0 (windows-facts.md AP-1).
const anonymousDefaultSize = 4096

// Access of the two ends of an anonymous pipe (windows-facts.md AP-2,
// dlls/kernel32/tests/pipe.c test_CreatePipe).
const (
	readEndAccess  = kernel.SYNCHRONIZE | kernel.READ_CONTROL | kernel.FILE_WRITE_ATTRIBUTES | kernel.FILE_READ_ATTRIBUTES | kernel.FILE_READ_EA | kernel.FILE_READ_DATA                             // 0x120189
	writeEndAccess = kernel.SYNCHRONIZE | kernel.READ_CONTROL | kernel.FILE_WRITE_ATTRIBUTES | kernel.FILE_READ_ATTRIBUTES | kernel.FILE_WRITE_EA | kernel.FILE_APPEND_DATA | kernel.FILE_WRITE_DATA // 0x120196
)

// CreatePipe creates an anonymous pipe and returns a handle to its read end and one to
// its write end (CreatePipe). size is the pipe's buffer size in bytes; 0 means 4096, and
// any other value is used as given (windows-facts.md AP-1, AP-7). With sa's inherit flag set, both
// handles are inheritable (HD-8).
//
// An anonymous pipe is a one-instance, byte-type, inbound pipe with no name whose read
// end is the server end and whose write end is the client end, as on Windows (AP-8, AP-9):
// GetNamedPipeInfo and PeekNamedPipe work on it, reads return what is there (AP-3),
// writes block while the buffer is full, data written before the write end closes is
// read before ERROR_BROKEN_PIPE (AP-4, AP-5), and writes after the read end closes fail with
// ERROR_NO_DATA. The read end has no write access and the write end no read access (AP-2).
func CreatePipe(p *kernel.Process, sa *kernel.SecurityAttributes, size uint32) (r, w kernel.Handle, err error) {
	if size == 0 {
		size = anonymousDefaultSize
	}
	fcb := &namedPipe{
		direction:    PIPE_ACCESS_INBOUND,
		maxInstances: 1,
		timeout:      DefaultTimeout,
		anonymous:    true,
		instances:    1,
	}
	sd, err := kernel.NewObjectSecurity(kernel.FileType, p.Token(), sa.Descriptor(), nil)
	if err != nil {
		return 0, 0, err
	}
	fcb.sd.Store(sd)
	m := p.Machine()
	in := newInstance(fcb, m, p.PID(), size, size, stateListening)
	srv := &end{inst: in, server: true}
	r, err = newEndHandle(p, m, srv, sa.Inherit(), readEndAccess, false, "anonymous pipe created")
	if err != nil {
		return 0, 0, err
	}
	cli := &end{inst: in, state: stateConnected}
	o := m.NewObject(kernel.FileType, cli)
	cli.obj = o
	cli.sig.Store(true)
	var wl wakeList
	fcb.mu.Lock()
	in.mu.Lock()
	if in.state == stateListening {
		in.connectLocked(cli, p.PID(), "", &wl)
	} else {
		cli.state = stateClosing // the read end closed already: the process is exiting
	}
	in.mu.Unlock()
	fcb.mu.Unlock()
	wl.run()
	w, err = p.NewHandle(o, writeEndAccess, sa.Inherit())
	o.DecRef()
	if err != nil {
		_ = p.CloseHandle(r)
		return 0, 0, err
	}
	return r, w, nil
}
