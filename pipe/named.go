package pipe

import (
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/winsim/winsim/kernel"
	"github.com/winsim/winsim/namespace"
)

// Open modes of CreateNamedPipe (dwOpenMode), as golang.org/x/sys/windows names them.
const (
	PIPE_ACCESS_INBOUND  uint32 = 0x00000001 // client → server
	PIPE_ACCESS_OUTBOUND uint32 = 0x00000002 // server → client
	PIPE_ACCESS_DUPLEX   uint32 = 0x00000003 // both ways
	// FILE_FLAG_FIRST_PIPE_INSTANCE makes the call fail with ERROR_ACCESS_DENIED if the
	// pipe already exists. It is the same bit as WRITE_OWNER, as in winbase.h.
	FILE_FLAG_FIRST_PIPE_INSTANCE uint32 = 0x00080000
	// FILE_FLAG_WRITE_THROUGH is accepted and has no effect.
	FILE_FLAG_WRITE_THROUGH = kernel.FILE_FLAG_WRITE_THROUGH
	// FILE_FLAG_OVERLAPPED opens the server end for overlapped I/O: ReadFileOverlapped,
	// WriteFileOverlapped, ConnectNamedPipeOverlapped and TransactNamedPipeOverlapped
	// may return ERROR_IO_PENDING and complete later (docs/io.md).
	FILE_FLAG_OVERLAPPED = kernel.FILE_FLAG_OVERLAPPED
	// WRITE_DAC in dwOpenMode adds WRITE_DAC to the server handle's access.
	WRITE_DAC uint32 = 0x00040000
)

// Pipe modes of CreateNamedPipe and SetNamedPipeHandleState (dwPipeMode).
const (
	PIPE_TYPE_BYTE             uint32 = 0x00000000
	PIPE_TYPE_MESSAGE          uint32 = 0x00000004
	PIPE_READMODE_BYTE         uint32 = 0x00000000
	PIPE_READMODE_MESSAGE      uint32 = 0x00000002
	PIPE_WAIT                  uint32 = 0x00000000
	PIPE_NOWAIT                uint32 = 0x00000001
	PIPE_ACCEPT_REMOTE_CLIENTS uint32 = 0x00000000
	PIPE_REJECT_REMOTE_CLIENTS uint32 = 0x00000008
)

// PIPE_UNLIMITED_INSTANCES as nMaxInstances lifts the instance limit.
const PIPE_UNLIMITED_INSTANCES uint32 = 255

// GetNamedPipeInfo flags.
const (
	PIPE_CLIENT_END uint32 = 0x00000000
	PIPE_SERVER_END uint32 = 0x00000001
)

// WaitNamedPipe and CallNamedPipe timeouts (winbase.h; not in x/sys/windows).
const (
	// NMPWAIT_USE_DEFAULT_WAIT uses the nDefaultTimeOut the pipe was created with.
	NMPWAIT_USE_DEFAULT_WAIT uint32 = 0x00000000
	// NMPWAIT_NOWAIT is 1 ms.
	NMPWAIT_NOWAIT uint32 = 0x00000001
	// NMPWAIT_WAIT_FOREVER waits until an instance is available.
	NMPWAIT_WAIT_FOREVER uint32 = 0xFFFFFFFF
)

// ERROR_PIPE_LOCAL (229, "The pipe is local.") is what GetNamedPipeClientComputerName
// reports for a client on the server's own machine.
const ERROR_PIPE_LOCAL = kernel.ERROR_PIPE_LOCAL

// DefaultTimeout is the default timeout a pipe created with nDefaultTimeOut 0 gets
// (windows-facts.md DOC-4: CreateNamedPipeW documents 50 ms).
const DefaultTimeout = 50 * time.Millisecond

// maxPath is MAX_PATH: CreateNamedPipe refuses an NT name of this many UTF-16 units or
// more with ERROR_FILENAME_EXCED_RANGE (windows-facts.md NP-9, Wine kernelbase CreateNamedPipeW;
// the docs allow 256 characters for the whole \\.\pipe\ name).
const maxPath = 260

// Access the server handle of each direction gets (windows-facts.md NP-17 to NP-19,
// dlls/kernel32/tests/pipe.c test_CreateNamedPipe).
const (
	serverAccessDuplex   = kernel.SYNCHRONIZE | kernel.READ_CONTROL | kernel.FILE_WRITE_ATTRIBUTES | kernel.FILE_READ_ATTRIBUTES | kernel.FILE_WRITE_EA | kernel.FILE_READ_EA | kernel.FILE_APPEND_DATA | kernel.FILE_WRITE_DATA | kernel.FILE_READ_DATA // 0x12019F
	serverAccessInbound  = kernel.SYNCHRONIZE | kernel.READ_CONTROL | kernel.FILE_READ_ATTRIBUTES | kernel.FILE_READ_EA | kernel.FILE_READ_DATA                                                                                                          // 0x120089
	serverAccessOutbound = kernel.SYNCHRONIZE | kernel.READ_CONTROL | kernel.FILE_WRITE_ATTRIBUTES | kernel.FILE_WRITE_EA | kernel.FILE_APPEND_DATA | kernel.FILE_WRITE_DATA                                                                             // 0x120116
)

// A namedPipe is one pipe name and its instances (NT's NPFS FCB, Wine's struct
// named_pipe). The first CreateNamedPipe of a name fixes its direction, type, instance
// limit, default timeout and remote-client policy; later instances must agree on the
// direction and fit in the limit (windows-facts.md NP-11 to NP-15, NP-22).
//
// Lifetime: created by the first CreateNamedPipe of its name and entered in the device's
// table; leaves the table when its last server end closes (then WaitNamedPipe callers
// get ERROR_FILE_NOT_FOUND and the name may be created afresh, NP-22). Instances and client
// ends keep pointing at it. Anonymous pipes have one too, never in a table.
type namedPipe struct {
	// Immutable after creation.
	dev          *device // nil for anonymous pipes
	name         string  // as first created, without \Device\NamedPipe\
	key          string  // namespace.Fold(name)
	direction    uint32  // PIPE_ACCESS_*
	message      bool    // PIPE_TYPE_MESSAGE
	maxInstances uint32  // 1-254, or PIPE_UNLIMITED_INSTANCES
	timeout      time.Duration
	rejectRemote bool
	anonymous    bool

	// sd is the pipe's security descriptor, shared by every end (security.go). Set
	// before the pipe is published; SetSecurityInfo replaces it whole.
	sd atomic.Pointer[kernel.SecurityDescriptor]

	mu sync.Mutex
	// instances counts live server ends.
	// +checklocks:mu
	instances int
	// listeners are the listening instances in the order they began listening; a client
	// gets the first (windows-facts.md NP-31, NP-32).
	// +checklocks:mu
	listeners []*instance
	// deleted is set when the last instance closed.
	// +checklocks:mu
	deleted bool

	// waiters are the pending WaitNamedPipe requests: they complete when an instance
	// starts listening and fail when the pipe goes away.
	// +checklocks:mu
	waiters reqQueue
}

// CancelRequest implements kernel.RequestOwner for WaitNamedPipe's requests (a
// timeout, a context, process exit).
func (fcb *namedPipe) CancelRequest(r *kernel.Request, err error) {
	var wl wakeList
	fcb.mu.Lock()
	if !r.Done() && fcb.waiters.remove(r) {
		completeLocked(r, 0, err, &wl)
	}
	fcb.mu.Unlock()
	wl.run()
}

// ntName is the pipe's NT name, for views.
func (fcb *namedPipe) ntName() string {
	if fcb.anonymous {
		return ""
	}
	return namespace.NamedPipeDevice + `\` + fcb.name
}

// addListenerLocked queues in as listening and wakes WaitNamedPipe callers.
// Preconditions: fcb.mu is held.
func (fcb *namedPipe) addListenerLocked(in *instance, wl *wakeList) {
	fcb.listeners = append(fcb.listeners, in)
	for fcb.waiters.n > 0 {
		completeLocked(fcb.waiters.pop(), 0, nil, wl)
	}
}

// removeListenerLocked takes in off the listening queue.
// Preconditions: fcb.mu is held.
func (fcb *namedPipe) removeListenerLocked(in *instance) {
	for i, l := range fcb.listeners {
		if l == in {
			copy(fcb.listeners[i:], fcb.listeners[i+1:])
			fcb.listeners[len(fcb.listeners)-1] = nil
			fcb.listeners = fcb.listeners[:len(fcb.listeners)-1]
			return
		}
	}
}

// lockForClose takes the device lock a closing server end needs to unlink the name.
func (fcb *namedPipe) lockForClose() {
	if fcb.dev != nil {
		fcb.dev.mu.Lock()
	}
}

func (fcb *namedPipe) unlockForClose() {
	if fcb.dev != nil {
		fcb.dev.mu.Unlock()
	}
}

// instanceClosedLocked counts a server end gone; the last one unlinks the name.
// Preconditions: the device's mu (for a named pipe) and fcb.mu are held.
func (fcb *namedPipe) instanceClosedLocked(wl *wakeList) {
	fcb.instances--
	if fcb.instances > 0 {
		return
	}
	fcb.deleted = true
	if fcb.dev != nil && fcb.dev.pipes[fcb.key] == fcb {
		delete(fcb.dev.pipes, fcb.key)
	}
	fcb.waiters.failAllLocked(kernel.ERROR_FILE_NOT_FOUND, wl)
}

// CreateNamedPipe creates an instance of the named pipe name, creating the pipe with its
// first instance (CreateNamedPipeW), and returns a handle to the instance's server end.
// The new instance is listening: a client can connect before ConnectNamedPipe is called
// (windows-facts.md NP-25).
//
// name is \\.\pipe\pipename (pipename may contain anything but is compared
// case-insensitively; `\\?\pipe\...` keeps it verbatim). openMode is one of
// PIPE_ACCESS_INBOUND, PIPE_ACCESS_OUTBOUND or PIPE_ACCESS_DUPLEX, plus
// FILE_FLAG_FIRST_PIPE_INSTANCE, FILE_FLAG_OVERLAPPED (overlapped I/O on the server end),
// FILE_FLAG_WRITE_THROUGH, WRITE_DAC or ACCESS_SYSTEM_SECURITY (which needs
// SeSecurityPrivilege enabled: ERROR_PRIVILEGE_NOT_HELD). pipeMode combines PIPE_TYPE_BYTE or
// PIPE_TYPE_MESSAGE, PIPE_READMODE_BYTE or PIPE_READMODE_MESSAGE, PIPE_WAIT or
// PIPE_NOWAIT, and PIPE_ACCEPT_REMOTE_CLIENTS or PIPE_REJECT_REMOTE_CLIENTS.
// maxInstances is 1-254 or PIPE_UNLIMITED_INSTANCES. outSize and inSize are the quotas
// of the server's and the client's writes, reported as given. defaultTimeout (ms) is what
// WaitNamedPipe with NMPWAIT_USE_DEFAULT_WAIT waits; 0 means 50 ms. sa's inherit flag
// applies to the handle, and its descriptor, if any, becomes the pipe's (else the
// named-pipe default DACL; docs/security.md).
//
// The handle's access follows the direction: 0x12019F duplex, 0x120089 inbound, 0x120116
// outbound (windows-facts.md NP-17 to NP-19).
//
// Errors (windows-facts.md NP-1 to NP-24):
//   - ERROR_PATH_NOT_FOUND: name is "" (NP-4).
//   - ERROR_INVALID_NAME: not a \\.\pipe\ name (NP-2), a remote name, or no pipe name.
//   - ERROR_FILENAME_EXCED_RANGE: the NT name is MAX_PATH characters or longer (NP-9).
//   - ERROR_INVALID_PARAMETER: no direction in openMode (NP-10), maxInstances 0 or over
//     255 (NP-88), PIPE_READMODE_MESSAGE on a byte pipe (NP-3).
//   - ERROR_PIPE_BUSY: the pipe already has maxInstances instances (NP-12, NP-22).
//   - ERROR_ACCESS_DENIED: the pipe exists and FILE_FLAG_FIRST_PIPE_INSTANCE was given
//     (NP-15), or its direction differs (NP-13), or its descriptor does not grant the
//     caller FILE_CREATE_PIPE_INSTANCE and the server end's access (MS docs, Named Pipe
//     Security and Access Rights). A different type, limit, buffer size or timeout is
//     accepted and the first instance's type, limit and timeout stay (NP-14).
func CreateNamedPipe(p *kernel.Process, name string, openMode, pipeMode, maxInstances, outSize, inSize, defaultTimeout uint32, sa *kernel.SecurityAttributes) (kernel.Handle, error) {
	// kernel32 passes the direction as the access and the share mode, the other open
	// flags as access bits, and FILE_FLAG_FIRST_PIPE_INSTANCE as FILE_CREATE.
	dir := openMode & PIPE_ACCESS_DUPLEX
	access := kernel.SYNCHRONIZE
	if dir&PIPE_ACCESS_INBOUND != 0 {
		access |= kernel.GENERIC_READ
	}
	if dir&PIPE_ACCESS_OUTBOUND != 0 {
		access |= kernel.GENERIC_WRITE
	}
	if openMode&WRITE_DAC != 0 {
		access |= kernel.WRITE_DAC
	}
	if openMode&uint32(kernel.ACCESS_SYSTEM_SECURITY) != 0 {
		// Granted only with SeSecurityPrivilege enabled (Wine
		// dlls/advapi32/tests/security.c test_named_pipe_security: "ACCESS_SYSTEM_SECURITY
		// is also valid, but will fail with ERROR_PRIVILEGE_NOT_HELD").
		if !p.Token().PrivilegeEnabled(kernel.SE_SECURITY_NAME) {
			return 0, kernel.ERROR_PRIVILEGE_NOT_HELD
		}
		access |= kernel.ACCESS_SYSTEM_SECURITY
	}
	disposition := FILE_OPEN_IF
	if openMode&FILE_FLAG_FIRST_PIPE_INSTANCE != 0 {
		access |= kernel.WRITE_OWNER // the same bit, which kernel32 also grants
		disposition = FILE_CREATE
	}
	return createServerEnd(p, name, serverEndParams{
		NamedPipeFileParams: NamedPipeFileParams{
			Disposition:    disposition,
			Synchronous:    openMode&FILE_FLAG_OVERLAPPED == 0,
			MessageType:    pipeMode&PIPE_TYPE_MESSAGE != 0,
			MessageRead:    pipeMode&PIPE_READMODE_MESSAGE != 0,
			NoWait:         pipeMode&PIPE_NOWAIT != 0,
			RejectRemote:   pipeMode&PIPE_REJECT_REMOTE_CLIENTS != 0,
			InboundQuota:   inSize,
			OutboundQuota:  outSize,
			DefaultTimeout: time.Duration(defaultTimeout) * time.Millisecond,
			Security:       sa,
		},
		direction:    dir,
		maxInstances: maxInstances,
		access:       kernel.FileType.Generic.Map(access),
		invalid:      dir == 0 || maxInstances == 0 || maxInstances > PIPE_UNLIMITED_INSTANCES,
	})
}

// newEndHandle creates the kernel object for e, links it to its instance and gives p a
// handle to it. If the handle cannot be made, closing the object undoes the end.
func newEndHandle(p *kernel.Process, m *kernel.Machine, e *end, inherit bool, granted kernel.Access, overlapped bool, detail string) (kernel.Handle, error) {
	in := e.inst
	o := m.NewObject(kernel.FileType, e)
	if overlapped {
		o.SetOverlapped()
	}
	if n := in.fcb.ntName(); n != "" {
		o.SetName(n)
	}
	e.obj = o
	e.sig.Store(true) // a new pipe end is signalled (windows-facts.md NP-141)
	in.mu.Lock()
	if e.server {
		in.server = e
	}
	in.mu.Unlock()
	in.trace(e, detail)
	h, err := p.NewHandle(o, granted, inherit)
	o.DecRef() // N.B. the handle holds the object now, or it is gone with its Close run
	return h, err
}

func (in *instance) describeConfig() string {
	fcb := in.fcb
	s := "byte"
	if fcb.message {
		s = "message"
	}
	return s + " out " + strconv.FormatUint(uint64(in.outQuota), 10) + " in " + strconv.FormatUint(uint64(in.inQuota), 10)
}

// trace emits a device trace event about e.
func (in *instance) trace(e *end, detail string) {
	m := e.obj.Machine()
	if !m.Tracing() {
		return
	}
	side := "client "
	if e.server {
		side = "server "
	}
	m.Emit(kernel.TraceEvent{Kind: kernel.EvDevice, Object: e.obj.ID(), Type: kernel.FileType.Name, Name: in.fcb.ntName(), Detail: "pipe " + side + detail})
}

// traceIO emits a data trace event; it costs one atomic load when nobody listens.
// Preconditions: in.mu is held (the event is ordered with the data).
func (in *instance) traceIO(e *end, what string, n int) {
	if !e.obj.Machine().Tracing() {
		return
	}
	in.trace(e, what+" "+strconv.Itoa(n)+" bytes")
}
