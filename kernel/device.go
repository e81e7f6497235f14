package kernel

import (
	"errors"

	"github.com/winsim/winsim/namespace"
)

// A Device is a file system or driver installed on a machine at \Device\<name>
// (\Device\Mailslot, \Device\NamedPipe). CreateFile resolves a Win32 name to a device
// and the rest of the path, and asks the device to open it, the way NT's I/O manager
// sends IRP_MJ_CREATE to the device the object manager's parse reached.
type Device interface {
	// Open opens a file object for CreateFile. It returns the new object (of
	// FileType, with the creation reference the caller now owns) and the access the
	// handle is to grant.
	//
	// Errors: what Windows returns for the request (ERROR_FILE_NOT_FOUND,
	// ERROR_PIPE_BUSY, ERROR_ACCESS_DENIED, ERROR_BAD_NETPATH, …).
	Open(req *OpenRequest) (*Object, Access, error)
}

// OpenRequest is one CreateFile as a device sees it.
type OpenRequest struct {
	// Process is the caller. For a remote open it lives on another machine.
	Process *Process
	// Machine is the machine whose device is asked.
	Machine *Machine
	// Path is the part of the name after the device, as written (`\x`, `\a\b`, or ""
	// for the device itself).
	Path string
	// Host is the UNC server component when the name was \\HOST\share\…, as written
	// ("*", a machine, a domain); "" for local names (\\.\…, or \\HOST\ naming the
	// caller's own machine).
	Host string
	// Access is the desired access with generic rights mapped to file rights, plus
	// SYNCHRONIZE and FILE_READ_ATTRIBUTES, which CreateFile always adds.
	Access Access
	// Desired is the access as the caller asked for it (generic rights and
	// MAXIMUM_ALLOWED unmapped), plus SYNCHRONIZE and FILE_READ_ATTRIBUTES: what a
	// device's access check (CheckOpen) takes.
	Desired Access
	// Token is the caller's identity on its own machine: its process's token, or
	// the client's when the call is made while impersonating (Impersonation.CreateFile).
	Token       *Token
	ShareMode   uint32
	Disposition uint32
	Flags       uint32
}

// CreateFile dispositions.
const (
	CREATE_NEW        uint32 = 1
	CREATE_ALWAYS     uint32 = 2
	OPEN_EXISTING     uint32 = 3
	OPEN_ALWAYS       uint32 = 4
	TRUNCATE_EXISTING uint32 = 5
)

// Share modes.
const (
	FILE_SHARE_READ   uint32 = 0x1
	FILE_SHARE_WRITE  uint32 = 0x2
	FILE_SHARE_DELETE uint32 = 0x4
)

// File flags.
const (
	FILE_ATTRIBUTE_NORMAL   uint32 = 0x80
	FILE_FLAG_OVERLAPPED    uint32 = 0x40000000
	FILE_FLAG_WRITE_THROUGH uint32 = 0x80000000
)

// SecurityAttributes stands for SECURITY_ATTRIBUTES: whether the new handle is
// inherited, and the descriptor the new object gets (nil: the type's default, see
// docs/security.md).
type SecurityAttributes struct {
	InheritHandle      bool
	SecurityDescriptor *SecurityDescriptor
}

// Descriptor returns sa's security descriptor; a nil sa has none.
func (sa *SecurityAttributes) Descriptor() *SecurityDescriptor {
	if sa == nil {
		return nil
	}
	return sa.SecurityDescriptor
}

// Inherit reports sa's inherit flag; a nil sa means no inheritance.
func (sa *SecurityAttributes) Inherit() bool { return sa != nil && sa.InheritHandle }

// RegisterDevice installs d at \Device\<name>. Installing a second device of the same
// name gives ERROR_ALREADY_EXISTS.
func (m *Machine) RegisterDevice(name string, d Device) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	key := namespace.Fold(name)
	if _, ok := m.devices[key]; ok {
		return ERROR_ALREADY_EXISTS
	}
	if _, err := m.root.Insert(`\Device\`+name, d); err != nil {
		return Win32Error(err)
	}
	m.devices[key] = d
	return nil
}

// Device returns the device installed as \Device\<name>, or nil.
func (m *Machine) Device(name string) Device {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.devices[namespace.Fold(name)]
}

// Win32Error converts a namespace error to the Errno Windows reports for it; other
// errors pass through.
func Win32Error(err error) error {
	var ne *namespace.Error
	if errors.As(err, &ne) {
		return Errno(ne.Code)
	}
	return err
}

// CreateFile opens a file object by Win32 name (CreateFileW): \\.\pipe\x,
// \\.\mailslot\x, \\HOST\pipe\x, \\*\mailslot\x, \\DOMAIN\mailslot\x. The name is
// translated to an NT path and resolved in the machine's namespace; a UNC name for
// another host goes to the local device that serves the share (the mailslot or pipe
// file system), which routes it through the network.
//
// access may use generic rights; CreateFile adds SYNCHRONIZE and FILE_READ_ATTRIBUTES
// as Windows does. Errors: ERROR_PATH_NOT_FOUND for "", the namespace's errors for bad
// names, ERROR_INVALID_PARAMETER for a bad disposition, ERROR_BAD_NETPATH for an
// unknown host, and whatever the device returns.
func (p *Process) CreateFile(name string, access Access, shareMode uint32, sa *SecurityAttributes, disposition uint32, flags uint32) (Handle, error) {
	return p.createFile(p.Token(), name, access, shareMode, sa, disposition, flags)
}

func (p *Process) createFile(tok *Token, name string, access Access, shareMode uint32, sa *SecurityAttributes, disposition uint32, flags uint32) (Handle, error) {
	if name == "" {
		return 0, ERROR_PATH_NOT_FOUND
	}
	if disposition < CREATE_NEW || disposition > TRUNCATE_EXISTING {
		return 0, ERROR_INVALID_PARAMETER
	}
	wp, err := namespace.ParseWin32Path(name)
	if err != nil {
		return 0, Win32Error(err)
	}
	req := &OpenRequest{
		Process:     p,
		Machine:     p.machine,
		Access:      FileType.Generic.Map(access) | SYNCHRONIZE | FILE_READ_ATTRIBUTES,
		Desired:     access | SYNCHRONIZE | FILE_READ_ATTRIBUTES,
		Token:       tok,
		ShareMode:   shareMode,
		Disposition: disposition,
		Flags:       flags,
	}
	var dev Device
	if wp.Kind == namespace.KindUNC && !p.machine.IsLocalName(wp.Host) {
		// A remote or broadcast name: the local file system for the share routes it.
		e, rest, err := p.machine.root.Lookup(`\??\` + wp.Share)
		d, ok := e.(Device)
		if err != nil || !ok || rest != "" {
			if p.machine.network.Machine(wp.Host) == nil {
				return 0, ERROR_BAD_NETPATH
			}
			return 0, ERROR_BAD_NET_NAME
		}
		dev, req.Host, req.Path = d, wp.Host, wp.Rest
	} else {
		nt := wp.NTPath
		if wp.Kind == namespace.KindUNC {
			nt = `\??\` + wp.Share + wp.Rest
		}
		e, rest, err := p.machine.root.Lookup(nt)
		if err != nil {
			return 0, Win32Error(err)
		}
		d, ok := e.(Device)
		if !ok {
			// A named kernel object or directory is not a file (NT:
			// STATUS_OBJECT_TYPE_MISMATCH).
			return 0, ERROR_INVALID_HANDLE
		}
		dev, req.Path = d, rest
	}
	o, granted, err := dev.Open(req)
	if err != nil {
		return 0, err
	}
	defer o.DecRef()
	if req.Flags&FILE_FLAG_OVERLAPPED != 0 {
		o.SetOverlapped()
	}
	return p.NewHandle(o, granted, sa.Inherit())
}
