package pipe

import (
	"time"
	"unicode/utf16"

	"github.com/winsim/winsim/kernel"
	"github.com/winsim/winsim/namespace"
)

// This file is the NT-level way to create a named-pipe instance, NtCreateNamedPipeFile
// (Microsoft, "NtCreateNamedPipeFile function (ntifs.h)"), which CreateNamedPipe is
// built on. Code that calls ntdll directly, go-winio's ListenPipe among it, reaches
// what kernel32 does not offer: a disposition of its own, an access mask of its own,
// and through it the named-pipe file system's rule that an instance whose handle has
// neither read nor write access starts disconnected, not listening.

// Create dispositions of NtCreateNamedPipeFile (wdm.h).
const (
	FILE_OPEN    uint32 = 1 // another instance of an existing pipe; ERROR_FILE_NOT_FOUND if none
	FILE_CREATE  uint32 = 2 // the first instance; ERROR_ACCESS_DENIED if the pipe exists
	FILE_OPEN_IF uint32 = 3 // either (what CreateNamedPipe uses without FILE_FLAG_FIRST_PIPE_INSTANCE)
)

// NamedPipeFileParams are NtCreateNamedPipeFile's parameters, in Win32 terms.
type NamedPipeFileParams struct {
	// Access is DesiredAccess; GENERIC_* rights are mapped as for files (0x12019F for
	// GENERIC_READ|GENERIC_WRITE|SYNCHRONIZE). It becomes the handle's access. Without
	// FILE_READ_DATA and FILE_WRITE_DATA the instance starts disconnected: no client
	// can connect to it (ERROR_PIPE_BUSY) until ConnectNamedPipe makes it listen.
	Access kernel.Access
	// ShareAccess sets the pipe's direction: FILE_SHARE_READ|FILE_SHARE_WRITE duplex,
	// FILE_SHARE_WRITE inbound (clients write), FILE_SHARE_READ outbound.
	ShareAccess uint32
	// Disposition is FILE_CREATE, FILE_OPEN or FILE_OPEN_IF.
	Disposition uint32
	// Synchronous is CreateOptions' FILE_SYNCHRONOUS_IO_NONALERT: the handle is not
	// overlapped. Without it the handle is overlapped, as FILE_FLAG_OVERLAPPED makes
	// one in CreateNamedPipe.
	Synchronous bool
	// MessageType is NamedPipeType FILE_PIPE_MESSAGE_TYPE; MessageRead is ReadMode
	// FILE_PIPE_MESSAGE_MODE (refused on a byte-type pipe); NoWait is CompletionMode
	// FILE_PIPE_COMPLETE_OPERATION; RejectRemote is FILE_PIPE_REJECT_REMOTE_CLIENTS.
	MessageType, MessageRead, NoWait, RejectRemote bool
	// MaxInstances is MaximumInstances: 1-254, or 0xFFFFFFFF (and 255) for unlimited.
	MaxInstances uint32
	// InboundQuota and OutboundQuota are the client's and the server's write quotas.
	InboundQuota, OutboundQuota uint32
	// DefaultTimeout is what WaitNamedPipe with NMPWAIT_USE_DEFAULT_WAIT waits; 0
	// means DefaultTimeout (50 ms).
	DefaultTimeout time.Duration
	// Security carries the handle's inheritance and, for a new pipe, its descriptor
	// (else the named-pipe default, docs/security.md).
	Security *kernel.SecurityAttributes
}

// CreateNamedPipeFile creates an instance of the named pipe name, creating the pipe
// with its first instance if params.Disposition allows (NtCreateNamedPipeFile), and
// returns a handle to the instance's server end. name is a Win32 pipe name, as
// CreateNamedPipe takes it.
//
// An instance whose handle asks for neither FILE_READ_DATA nor FILE_WRITE_DATA starts
// disconnected, not listening: clients get ERROR_PIPE_BUSY until another instance
// listens. go-winio's ListenPipe relies on this to make clients wait until Accept
// (github.com/Microsoft/go-winio, pipe.go, makeServerPipeHandle: the first instance is
// created with SYNCHRONIZE alone "so the named pipe file system will put this pipe into
// an initially disconnected state").
//
// Errors: as CreateNamedPipe, and ERROR_ACCESS_DENIED for FILE_CREATE of a pipe that
// exists (what FILE_FLAG_FIRST_PIPE_INSTANCE, which kernel32 passes as FILE_CREATE,
// gives), ERROR_FILE_NOT_FOUND for FILE_OPEN of one that does not (Microsoft,
// NtCreateNamedPipeFile: FILE_OPEN "If the file already exists, open it instead of
// creating a new file. If it does not, fail the request"), ERROR_INVALID_PARAMETER for
// another disposition, a ShareAccess without a direction or a MaxInstances of 0.
func CreateNamedPipeFile(p *kernel.Process, name string, params *NamedPipeFileParams) (kernel.Handle, error) {
	if params == nil {
		return 0, kernel.ERROR_INVALID_PARAMETER
	}
	var dir uint32
	switch params.ShareAccess & (kernel.FILE_SHARE_READ | kernel.FILE_SHARE_WRITE) {
	case kernel.FILE_SHARE_READ | kernel.FILE_SHARE_WRITE:
		dir = PIPE_ACCESS_DUPLEX
	case kernel.FILE_SHARE_WRITE:
		dir = PIPE_ACCESS_INBOUND
	case kernel.FILE_SHARE_READ:
		dir = PIPE_ACCESS_OUTBOUND
	}
	max := params.MaxInstances
	if max >= PIPE_UNLIMITED_INSTANCES {
		max = PIPE_UNLIMITED_INSTANCES
	}
	return createServerEnd(p, name, serverEndParams{
		NamedPipeFileParams: *params,
		direction:           dir,
		maxInstances:        max,
		access:              kernel.FileType.Generic.Map(params.Access),
		invalid:             dir == 0 || max == 0 || params.Disposition < FILE_OPEN || params.Disposition > FILE_OPEN_IF,
	})
}

// serverEndParams are NamedPipeFileParams made ready for createServerEnd: the direction
// and limit decoded and the access mapped.
type serverEndParams struct {
	NamedPipeFileParams
	direction    uint32 // PIPE_ACCESS_*
	maxInstances uint32 // 1-254 or PIPE_UNLIMITED_INSTANCES
	access       kernel.Access
	// invalid says the caller found a parameter out of range; it is reported as
	// ERROR_INVALID_PARAMETER after the name's own errors, in kernel32's order.
	invalid bool
}

// createServerEnd is the one path that creates a pipe instance and its server end, for
// CreateNamedPipe and CreateNamedPipeFile.
func createServerEnd(p *kernel.Process, name string, sp serverEndParams) (kernel.Handle, error) {
	if name == "" {
		return 0, kernel.ERROR_PATH_NOT_FOUND
	}
	wp, err := namespace.ParseWin32Path(name)
	if err != nil {
		return 0, kernel.Win32Error(err)
	}
	if len(utf16.Encode([]rune(wp.NTPath))) >= maxPath {
		return 0, kernel.ERROR_FILENAME_EXCED_RANGE
	}
	if sp.invalid || !sp.MessageType && sp.MessageRead {
		return 0, kernel.ERROR_INVALID_PARAMETER
	}
	m := p.Machine()
	if wp.Kind == namespace.KindUNC {
		// A server cannot create a pipe on another computer (MS docs, Pipe Names), and
		// the redirector cannot create one on this computer either.
		return 0, kernel.ERROR_INVALID_NAME
	}
	dev, pipeName, err := lookupLocal(m, wp.NTPath)
	if err != nil {
		return 0, err
	}
	if pipeName == "" {
		return 0, kernel.ERROR_INVALID_NAME
	}
	timeout := sp.DefaultTimeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	cfg := namedPipe{
		dev:          dev,
		name:         pipeName,
		key:          namespace.Fold(pipeName),
		direction:    sp.direction,
		message:      sp.MessageType,
		maxInstances: sp.maxInstances,
		timeout:      timeout,
		rejectRemote: sp.RejectRemote,
	}
	sd, err := kernel.NewObjectSecurity(kernel.FileType, p.Token(), sp.Security.Descriptor(), p.Token().DefaultSecurity(defaultPipeKey{}, defaultPipeSecurity))
	if err != nil {
		return 0, err
	}
	cfg.sd.Store(sd)
	in, err := dev.createInstance(&cfg, instanceRequest{
		disposition: sp.Disposition,
		listening:   sp.access&(kernel.FILE_READ_DATA|kernel.FILE_WRITE_DATA) != 0,
		pid:         p.PID(),
		outSize:     sp.OutboundQuota,
		inSize:      sp.InboundQuota,
		tok:         p.Token(),
		access:      sp.access,
	})
	if err != nil {
		return 0, err
	}
	srv := &end{
		inst:    in,
		server:  true,
		msgRead: sp.MessageRead,
		nowait:  sp.NoWait,
	}
	return newEndHandle(p, m, srv, sp.Security.Inherit(), sp.access, !sp.Synchronous, "instance created "+in.describeConfig())
}
