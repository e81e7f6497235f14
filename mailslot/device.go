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

// A Device is the mailslot file system of one machine, \Device\Mailslot, analogous to
// NT's MSFS volume (its VCB and prefix table; Wine: struct mailslot_device). It keeps its
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
//   - req.Path "" opens the device itself and `\` its root directory (ntdll/tests/om.c
//     test_query_object opens \\.\mailslot; NT MSFS create.c). Neither can be read,
//     written or queried as a mailslot.
//   - Otherwise a local client of the mailslot named req.Path.
//
// Errors: ERROR_INVALID_PARAMETER for share-mode bits other than FILE_SHARE_* (NT's
// IoCreateFile checks them); ERROR_ACCESS_DENIED for access rights a file does not
// define; ERROR_FILE_NOT_FOUND when no local mailslot has the name (KB Q131493;
// STATUS_OBJECT_NAME_NOT_FOUND); ERROR_INVALID_NAME when a mailslot's name is a proper
// prefix of the name (`\a` exists, `\a\b` asked; NT MSFS create.c) or a remote name is
// not a valid mailslot name.
//
// Every share mode and every disposition is accepted: Vista and later open clients
// without FILE_SHARE_READ and alongside other writers (kernel32/tests/mailslot.c), and
// MSFS ignores the disposition (see docs/deviations.md).
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
	d.mu.RLock()
	ms := d.slots[key]
	prefix := ms == nil && d.prefixTakenLocked(req.Path)
	d.mu.RUnlock()
	switch {
	case prefix:
		return nil, 0, errInvalidName
	case ms == nil:
		return nil, 0, kernel.ERROR_FILE_NOT_FOUND
	}
	o := d.m.NewObject(kernel.FileType, &clientEnd{target: target{kind: toLocal, path: req.Path, key: key}, ms: ms})
	o.SetName(deviceName + req.Path)
	return o, granted, nil
}

// deviceEnd is a file object for the mailslot device itself (\\.\mailslot) or its root
// directory (\\.\mailslot\): NT MSFS's VCB and root DCB opens.
//
// Lifetime: created by Open with one handle; nothing else refers to it.
type deviceEnd struct {
	kernel.NoOps
	root bool // immutable
}

var (
	_ kernel.Reader    = (*deviceEnd)(nil)
	_ kernel.Writer    = (*deviceEnd)(nil)
	_ kernel.Describer = (*deviceEnd)(nil)
)

// Read implements kernel.Reader: only a server handle reads (NT MSFS read.c:
// STATUS_INVALID_PARAMETER for any other node).
func (*deviceEnd) Read(kernel.Call, []byte) (int, error) { return 0, kernel.ERROR_INVALID_PARAMETER }

// Write implements kernel.Writer: only a client handle writes (NT MSFS write.c).
func (*deviceEnd) Write(kernel.Call, []byte) (int, error) { return 0, kernel.ERROR_INVALID_PARAMETER }

// Describe implements kernel.Describer.
func (e *deviceEnd) Describe() string {
	if e.root {
		return "mailslot root directory"
	}
	return "mailslot file system"
}
