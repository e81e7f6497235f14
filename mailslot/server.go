package mailslot

import (
	"github.com/winsim/winsim/kernel"
	"github.com/winsim/winsim/namespace"
)

// MAILSLOT_WAIT_FOREVER is the read timeout that waits for a message as long as it
// takes (winbase.h: (DWORD)-1).
const MAILSLOT_WAIT_FOREVER uint32 = 0xFFFFFFFF

// serverAccess is what CreateMailslot grants its handle: kernel32 asks NtCreateMailslotFile
// for GENERIC_READ | SYNCHRONIZE | WRITE_DAC (ReactOS and Wine kernel32), so the server
// handle reads and cannot write (kernel32/tests/mailslot.c: WriteFile on it fails with
// ERROR_ACCESS_DENIED).
var serverAccess = kernel.FileType.Generic.Map(kernel.GENERIC_READ) | kernel.SYNCHRONIZE | kernel.WRITE_DAC

// A serverEnd is the body of a mailslot's server file object, the one CreateMailslot
// returns a handle to.
//
// Lifetime: created by CreateMailslot with one handle; duplicated and inherited handles
// share it. When its last handle closes (CloseHandle, DUPLICATE_CLOSE_SOURCE, or the
// exit of the process holding it), Close closes the mailslot. A ReadFile in progress
// holds a pointer reference, not a handle, so it cannot keep the mailslot open.
type serverEnd struct {
	kernel.NoOps
	ms *mailslot // immutable
}

var (
	_ kernel.Reader      = (*serverEnd)(nil)
	_ kernel.Writer      = (*serverEnd)(nil)
	_ kernel.Describer   = (*serverEnd)(nil)
	_ kernel.DeviceTyper = (*serverEnd)(nil)
)

// Read implements kernel.Reader: ReadFile on the server handle returns exactly one whole
// message, oldest first (kernel32/tests/mailslot.c).
//
// Errors: ERROR_INSUFFICIENT_BUFFER when p is shorter than the oldest message, which
// stays queued (NT STATUS_BUFFER_TOO_SMALL; windows-facts.md MS-27); ERROR_SEM_TIMEOUT when no
// message arrives within the read timeout, at once for timeout 0 (windows-facts.md MS-9, MS-10, MS-29); ERROR_HANDLE_EOF when the mailslot closes under the read; an error matching
// ERROR_OPERATION_ABORTED when the context is done or the calling process exits.
func (s *serverEnd) Read(c kernel.Call, p []byte) (int, error) { return s.ms.read(c, p) }

// Write implements kernel.Writer: writing through a server handle is invalid even with
// write access (kernel32/tests/mailslot.c: NtWriteFile on a server created with
// GENERIC_WRITE gives STATUS_INVALID_PARAMETER; windows-facts.md MS-12). Handles from
// CreateMailslot lack write access, so WriteFile fails earlier with
// ERROR_ACCESS_DENIED.
func (s *serverEnd) Write(kernel.Call, []byte) (int, error) {
	return 0, kernel.ERROR_INVALID_PARAMETER
}

// Close implements kernel.Ops: the last server handle is gone, so the mailslot is.
func (s *serverEnd) Close(_ *kernel.Object, by *kernel.Process) {
	var pid uint32
	if by != nil {
		pid = by.PID()
	}
	s.ms.close(pid)
}

// Describe implements kernel.Describer.
func (s *serverEnd) Describe() string { return "server of " + s.ms.describe() }

// CreateMailslot creates a mailslot on the caller's machine and returns its server handle
// (CreateMailslotW). name has the form \\.\mailslot\[path\]name (case-insensitive;
// pseudo-directories allowed). maxMessageSize bounds each message written locally, 0
// meaning any size. readTimeout is how long ReadFile waits for a message, in
// milliseconds: 0 returns at once, MAILSLOT_WAIT_FOREVER waits as long as it takes. sa's
// inherit flag makes the handle inheritable. The handle grants FILE_GENERIC_READ |
// WRITE_DAC: it reads, it cannot write.
//
// Errors:
//   - ERROR_PATH_NOT_FOUND: name is "" (CreateMailslot(NULL); windows-facts.md MS-4).
//   - ERROR_INVALID_NAME: a name that is not a local mailslot name: "blah" (windows-facts.md MS-3), a UNC name (a process cannot create a remote mailslot: About Mailslots;
//     Windows' redirector refuses the create and kernel32 maps that to
//     STATUS_OBJECT_NAME_INVALID), a name on another device (\\.\pipe\x), or a mailslot
//     name that is empty or ends in `\` (names.go).
//   - ERROR_ALREADY_EXISTS: a mailslot of that name is live on this machine
//     (STATUS_OBJECT_NAME_COLLISION; windows-facts.md MS-20). Once its last server handle is
//     closed the name is free again (windows-facts.md MS-7).
//   - The namespace's errors for a name that does not resolve (ERROR_PATH_NOT_FOUND,
//     ERROR_FILE_NOT_FOUND), for example when the mailslot file system is not installed.
func CreateMailslot(p *kernel.Process, name string, maxMessageSize uint32, readTimeout uint32, sa *kernel.SecurityAttributes) (kernel.Handle, error) {
	if name == "" {
		return 0, kernel.ERROR_PATH_NOT_FOUND
	}
	wp, err := namespace.ParseWin32Path(name)
	if err != nil {
		return 0, kernel.Win32Error(err)
	}
	if wp.Kind != namespace.KindDevice {
		return 0, errInvalidName
	}
	m := p.Machine()
	e, rest, err := m.Root().Lookup(wp.NTPath)
	if err != nil {
		return 0, kernel.Win32Error(err)
	}
	d, ok := e.(*Device)
	if !ok {
		// Another device, or a named object: NtCreateMailslotFile there gives
		// STATUS_INVALID_DEVICE_REQUEST or STATUS_NOT_SUPPORTED, which kernel32 turns
		// into STATUS_OBJECT_NAME_INVALID.
		return 0, errInvalidName
	}
	sd, err := kernel.NewObjectSecurity(kernel.FileType, p.Token(), sa.Descriptor(), nil)
	if err != nil {
		return 0, err
	}
	ms, err := d.create(rest, maxMessageSize, readTimeout, sd)
	if err != nil {
		return 0, err
	}
	o := m.NewObject(kernel.FileType, &serverEnd{ms: ms})
	o.SetName(ms.ntName())
	// A mailslot server handle takes overlapped reads (CreateMailslot has no flags
	// argument; see docs/io.md).
	o.SetOverlapped()
	h, err := p.NewHandle(o, serverAccess, sa.Inherit())
	o.DecRef() // the handle holds the object now; on failure this runs Close and frees the name
	if err != nil {
		return 0, err
	}
	ms.trace(p.PID(), "mailslot created")
	return h, nil
}

// create enters a new mailslot named path in the table. The name must be valid
// (names.go) and not taken, in any case (CreateMailslot docs: an error occurs if a
// mailslot of that name exists; windows-facts.md MS-20). Other live names do not matter, even
// when one is a pseudo-directory of path or path one of theirs.
func (d *Device) create(path string, maxSize, timeout uint32, sd *kernel.SecurityDescriptor) (*mailslot, error) {
	if !validName(path) {
		return nil, errInvalidName
	}
	key := namespace.Fold(path)
	d.mu.Lock()
	defer d.mu.Unlock()
	if _, ok := d.slots[key]; ok {
		return nil, kernel.ERROR_ALREADY_EXISTS
	}
	ms := newMailslot(d, path, key, maxSize, timeout)
	ms.sd.Store(sd)
	d.slots[key] = ms
	return ms, nil
}
