package mailslot

import (
	"sync"

	"github.com/winsim/winsim/kernel"
	"github.com/winsim/winsim/namespace"
)

// deviceName is the mailslot file system's device, which \??\MAILSLOT points at.
const deviceName = namespace.MailslotDevice

// deviceKey is the name the device is registered under, already folded so that
// Machine.Device finds it without allocating.
const deviceKey = "MAILSLOT"

// A Device is the mailslot file system of one machine, \Device\Mailslot (Wine: struct
// mailslot_device; ReactOS msfs: its device extension's list of mailslots). It keeps its
// own case-insensitive table of live mailslots, keyed by namespace.Fold of the name below
// the device, and answers CreateFile for \\.\mailslot\…, \\HOST\mailslot\…,
// \\DOMAIN\mailslot\… and \\*\mailslot\….
//
// Lifetime: created and registered by Install; it lives as long as its machine. It holds
// no kernel references. Devices must not be copied.
type Device struct {
	m *kernel.Machine // immutable

	mu sync.RWMutex
	// +checklocks:mu
	slots map[string]*mailslot // by folded name
}

var _ kernel.Device = (*Device)(nil)

// Install registers the mailslot file system on m as \Device\Mailslot. Installing it
// again is a no-op; another device already registered under that name gives
// ERROR_ALREADY_EXISTS.
func Install(m *kernel.Machine) error {
	if _, ok := m.Device(deviceKey).(*Device); ok {
		return nil
	}
	d := &Device{m: m, slots: make(map[string]*mailslot)}
	if err := m.RegisterDevice("Mailslot", d); err != nil {
		if _, ok := m.Device(deviceKey).(*Device); ok {
			return nil // a concurrent Install won
		}
		return err
	}
	return nil
}

// deviceOf returns m's mailslot file system, or nil when it is not installed.
func deviceOf(m *kernel.Machine) *Device {
	d, _ := m.Device(deviceKey).(*Device)
	return d
}

// lookup returns the live mailslot whose folded name is key, or nil.
func (d *Device) lookup(key string) *mailslot {
	d.mu.RLock()
	ms := d.slots[key]
	d.mu.RUnlock()
	return ms
}

// remove takes ms out of the table, if it is still there.
func (d *Device) remove(ms *mailslot) {
	d.mu.Lock()
	if d.slots[ms.key] == ms {
		delete(d.slots, ms.key)
	}
	d.mu.Unlock()
}

// Open implements kernel.Device: CreateFile on the mailslot file system.
//
//   - req.Host != "": a remote (\\HOST\mailslot\x) or broadcast (\\DOMAIN\mailslot\x,
//     \\*\mailslot\x) client. It opens whether or not any server exists, as on Windows
//     (CreateFile docs; a mailslot write is a datagram); where it goes is decided at
//     each WriteFile.
//   - req.Path "" opens the device itself (ntdll/tests/om.c test_query_object opens
//     \\.\mailslot; windows-facts.md MS-31) and `\` its root directory. Unverified: the root is
//     opened by analogy with the named-pipe file system, whose \Device\NamedPipe\ opens
//     on Windows (ntdll/tests/pipe.c test_empty_name). Neither can be read, written or
//     queried as a mailslot.
//   - Otherwise a local client of the mailslot named req.Path, looked up as a whole name
//     (names.go).
//
// Errors: ERROR_INVALID_PARAMETER for share-mode bits other than FILE_SHARE_* (the
// NtCreateFile docs define no others); ERROR_ACCESS_DENIED for access rights a file does
// not define, and for a local client the mailslot's descriptor does not grant the access
// (security.go); ERROR_FILE_NOT_FOUND when no local mailslot has the name (KB Q131493;
// STATUS_OBJECT_NAME_NOT_FOUND), also when a live mailslot's name is a pseudo-directory
// of it (`\a` lives, `\a\b` asked); ERROR_INVALID_NAME for a remote name that is not a
// valid mailslot name.
//
// Every share mode and every disposition is accepted. Vista and later open clients
// without FILE_SHARE_READ and alongside other writers (kernel32/tests/mailslot.c; windows-facts.md MS-13, MS-19). The disposition is ignored: ReactOS msfs create.c opens a client without
// looking at it and Wine's open_file_object request (server/fd.c) does not carry one;
// both are implementations, unverified on Windows (see docs/deviations.md).
func (d *Device) Open(req *kernel.OpenRequest) (*kernel.Object, kernel.Access, error) {
	if req.ShareMode&^(kernel.FILE_SHARE_READ|kernel.FILE_SHARE_WRITE|kernel.FILE_SHARE_DELETE) != 0 {
		return nil, 0, kernel.ERROR_INVALID_PARAMETER
	}
	granted := req.Access &^ kernel.ACCESS_SYSTEM_SECURITY
	if granted&^kernel.FileType.Valid != 0 {
		return nil, 0, kernel.ERROR_ACCESS_DENIED
	}
	if req.Host != "" {
		if !validName(req.Path) {
			return nil, 0, errInvalidName
		}
		c := &clientEnd{target: remoteTarget(req.Host, req.Path)}
		o := d.m.NewObject(kernel.FileType, c)
		o.SetName(`\Device\Mup\` + req.Host + `\mailslot` + req.Path)
		return o, granted, nil
	}
	switch req.Path {
	case "", `\`:
		o := d.m.NewObject(kernel.FileType, &deviceEnd{root: req.Path == `\`})
		o.SetName(deviceName + req.Path)
		return o, granted, nil
	}
	key := namespace.Fold(req.Path)
	ms := d.lookup(key)
	if ms == nil {
		return nil, 0, kernel.ERROR_FILE_NOT_FOUND
	}
	_, granted, err := req.CheckOpen(d.m, ms.sd.Load())
	if err != nil {
		return nil, 0, err
	}
	o := d.m.NewObject(kernel.FileType, &clientEnd{target: target{kind: toLocal, path: req.Path, key: key}, ms: ms})
	o.SetName(deviceName + req.Path)
	return o, granted, nil
}

// DeviceType implements kernel.DeviceTyper: every mailslot handle, server, client or the
// device's own, belongs to the mailslot file system.
func (*serverEnd) DeviceType() kernel.DeviceType { return kernel.FILE_DEVICE_MAILSLOT }

// DeviceType implements kernel.DeviceTyper, as serverEnd's.
func (*clientEnd) DeviceType() kernel.DeviceType { return kernel.FILE_DEVICE_MAILSLOT }

// DeviceType implements kernel.DeviceTyper, as serverEnd's.
func (*deviceEnd) DeviceType() kernel.DeviceType { return kernel.FILE_DEVICE_MAILSLOT }

// deviceEnd is a file object for the mailslot device itself (\\.\mailslot) or its root
// directory (\\.\mailslot\).
//
// Lifetime: created by Open with one handle; nothing else refers to it.
type deviceEnd struct {
	kernel.NoOps
	root bool // immutable
}

var (
	_ kernel.Reader      = (*deviceEnd)(nil)
	_ kernel.Writer      = (*deviceEnd)(nil)
	_ kernel.Describer   = (*deviceEnd)(nil)
	_ kernel.DeviceTyper = (*deviceEnd)(nil)
)

// Read implements kernel.Reader: only a server handle reads. Unverified for the mailslot
// device: it answers as Windows' named-pipe device and root do (NtReadFile on
// \Device\NamedPipe and \Device\NamedPipe\ gives STATUS_INVALID_PARAMETER;
// ntdll/tests/pipe.c test_empty_name), and as a mailslot client does
// (kernel32/tests/mailslot.c; windows-facts.md MS-16).
func (*deviceEnd) Read(kernel.Call, []byte) (int, error) { return 0, kernel.ERROR_INVALID_PARAMETER }

// Write implements kernel.Writer: only a client handle writes. Unverified for the
// mailslot device, like Read: Windows' named-pipe device gives STATUS_INVALID_PARAMETER
// (ntdll/tests/pipe.c test_empty_name), as a mailslot server does (windows-facts.md MS-12).
func (*deviceEnd) Write(kernel.Call, []byte) (int, error) { return 0, kernel.ERROR_INVALID_PARAMETER }

// Describe implements kernel.Describer.
func (e *deviceEnd) Describe() string {
	if e.root {
		return "mailslot root directory"
	}
	return "mailslot file system"
}
