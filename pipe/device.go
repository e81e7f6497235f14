package pipe

import (
	"context"
	"sync"

	"github.com/winsim/winsim/kernel"
	"github.com/winsim/winsim/namespace"
)

// device is the named-pipe file system of one machine, installed as \Device\NamedPipe
// (NT's NPFS, Wine's named_pipe_device). It keeps the machine's pipe names; Win32 names
// reach it through the \??\PIPE link, and \\HOST\pipe\ names from other machines through
// their own device, which routes the open here.
//
// Lifetime: installed by Install, lives as long as its machine.
type device struct {
	m *kernel.Machine // immutable

	mu sync.Mutex
	// pipes maps folded pipe names to pipes that have at least one instance.
	// +checklocks:mu
	pipes map[string]*namedPipe
}

var _ kernel.Device = (*device)(nil)

// Install registers the named-pipe file system on m as \Device\NamedPipe. Installing it
// again is a no-op; it fails only if another device already holds the name.
func Install(m *kernel.Machine) error {
	if d := m.Device("NamedPipe"); d != nil {
		if _, ok := d.(*device); ok {
			return nil
		}
		return kernel.ERROR_ALREADY_EXISTS
	}
	err := m.RegisterDevice("NamedPipe", &device{m: m, pipes: make(map[string]*namedPipe)})
	if err == kernel.ERROR_ALREADY_EXISTS {
		if _, ok := m.Device("NamedPipe").(*device); ok {
			return nil // installed concurrently
		}
	}
	return err
}

// deviceOf returns m's named-pipe file system, or nil.
func deviceOf(m *kernel.Machine) *device {
	d, _ := m.Device("NamedPipe").(*device)
	return d
}

// lookupLocal resolves an NT path (\??\pipe\x) in m's namespace to the pipe device and
// the pipe name after it ("" for the device itself). Names that do not reach the device
// are ERROR_INVALID_NAME (a pipe cannot live elsewhere); lookup failures keep their error.
func lookupLocal(m *kernel.Machine, nt string) (*device, string, error) {
	e, rest, err := m.Root().Lookup(nt)
	if err != nil {
		return nil, "", kernel.Win32Error(err)
	}
	d, ok := e.(*device)
	if !ok {
		return nil, "", kernel.ERROR_INVALID_NAME
	}
	if rest != "" {
		rest = rest[1:] // the `\` after the device
	}
	return d, rest, nil
}

// instanceRequest is what createInstance needs besides the pipe's configuration.
type instanceRequest struct {
	disposition     uint32 // FILE_CREATE, FILE_OPEN or FILE_OPEN_IF
	listening       bool   // the instance starts listening, else disconnected
	pid             uint32 // the creating process
	outSize, inSize uint32 // the quotas asked for
	tok             *kernel.Token
	access          kernel.Access // the server handle's access
}

// createInstance adds an instance to the pipe cfg describes, creating the pipe if it is
// new and the disposition allows, and queues it as listening if asked to.
func (d *device) createInstance(cfg *namedPipe, req instanceRequest) (*instance, error) {
	var wl wakeList
	d.mu.Lock()
	fcb := d.pipes[cfg.key]
	if fcb == nil {
		if req.disposition == FILE_OPEN {
			d.mu.Unlock()
			return nil, kernel.ERROR_FILE_NOT_FOUND
		}
		fcb = cfg
		d.pipes[fcb.key] = fcb
	}
	fcb.mu.Lock()
	if fcb != cfg {
		// Another instance of an existing pipe (Wine's create_named_pipe; ReactOS npfs
		// NpCreateExistingNamedPipe): the limit is checked before the direction.
		limit := int(fcb.maxInstances)
		if fcb.maxInstances == PIPE_UNLIMITED_INSTANCES {
			limit = int(^uint(0) >> 1)
		}
		var err error
		switch {
		case !mayCreateInstance(fcb, req.tok, req.access):
			err = kernel.ERROR_ACCESS_DENIED
		case fcb.instances >= limit:
			err = kernel.ERROR_PIPE_BUSY
		case req.disposition == FILE_CREATE || fcb.direction != cfg.direction:
			err = kernel.ERROR_ACCESS_DENIED
		}
		if err != nil {
			fcb.mu.Unlock()
			d.mu.Unlock()
			return nil, err
		}
	}
	fcb.instances++
	state := stateDisconnected
	if req.listening {
		state = stateListening
	}
	in := newInstance(fcb, d.m, req.pid, req.outSize, req.inSize, state)
	if req.listening {
		fcb.addListenerLocked(in, &wl)
	}
	fcb.mu.Unlock()
	d.mu.Unlock()
	wl.run()
	return in, nil
}

// Open implements kernel.Device: CreateFile of \\.\pipe\name (a client end),
// \\HOST\pipe\name (a client end on another machine's pipe) or \\.\pipe (the device
// itself, windows-facts.md NP-24).
//
// Errors: ERROR_FILE_NOT_FOUND when no pipe has the name (windows-facts.md NP-5),
// ERROR_PIPE_BUSY when no instance is listening (NP-27 to NP-29), ERROR_ACCESS_DENIED when
// the pipe's descriptor does not grant the access to the caller (a remote one as the
// server's machine sees it; docs/security.md), when the access asks for a direction the
// pipe does not have (NP-21) or a remote client meets PIPE_REJECT_REMOTE_CLIENTS,
// ERROR_BAD_NETPATH for an unknown or unreachable host.
func (d *device) Open(req *kernel.OpenRequest) (*kernel.Object, kernel.Access, error) {
	if req.Host != "" {
		target := d.remote(req.Host)
		if target == nil {
			return nil, 0, kernel.ERROR_BAD_NETPATH
		}
		if req.Path == "" || req.Path == `\` {
			return nil, 0, kernel.ERROR_FILE_NOT_FOUND // no pipe has an empty name
		}
		return target.openClient(req, req.Path[1:], true)
	}
	if req.Path == "" || req.Path == `\` {
		o := req.Machine.NewObject(kernel.FileType, &deviceFile{})
		o.SetName(namespace.NamedPipeDevice)
		return o, req.Access, nil
	}
	return d.openClient(req, req.Path[1:], false)
}

// remote returns the named-pipe file system of the machine host names on this machine's
// network, or nil: also while the network is partitioned between the two machines
// (Network.Partition), as an unreachable server is on Windows (ERROR_BAD_NETPATH).
func (d *device) remote(host string) *device {
	n := d.m.Network()
	if n == nil || n.Partitioned(d.m.Name(), host) {
		return nil
	}
	m := n.Machine(host)
	if m == nil {
		return nil
	}
	return deviceOf(m)
}

// openClient connects a new client end to the first listening instance of name.
func (d *device) openClient(req *kernel.OpenRequest, name string, remote bool) (*kernel.Object, kernel.Access, error) {
	var wl wakeList
	d.mu.Lock()
	c, granted, err := d.openClientLocked(req, name, remote, &wl)
	d.mu.Unlock()
	if err != nil {
		return nil, 0, err
	}
	wl.run()
	c.inst.trace(c, "connected")
	return c.obj, granted, nil
}

// openClientLocked does openClient's work. Preconditions: d.mu is held.
func (d *device) openClientLocked(req *kernel.OpenRequest, name string, remote bool, wl *wakeList) (*end, kernel.Access, error) {
	fcb := d.pipes[namespace.Fold(name)]
	if fcb == nil {
		return nil, 0, kernel.ERROR_FILE_NOT_FOUND
	}
	tok, granted, err := req.CheckOpen(d.m, fcb.sd.Load())
	if err != nil {
		return nil, 0, err
	}
	fcb.mu.Lock()
	defer fcb.mu.Unlock()
	if len(fcb.listeners) == 0 {
		return nil, 0, kernel.ERROR_PIPE_BUSY
	}
	// The direction check of Wine's named_pipe_open_file and NT's share access.
	if (req.Access&kernel.FILE_READ_DATA != 0 && fcb.direction&PIPE_ACCESS_OUTBOUND == 0) ||
		(req.Access&kernel.FILE_WRITE_DATA != 0 && fcb.direction&PIPE_ACCESS_INBOUND == 0) {
		return nil, 0, kernel.ERROR_ACCESS_DENIED
	}
	if remote && fcb.rejectRemote {
		return nil, 0, kernel.ERROR_ACCESS_DENIED
	}
	if n := d.m.Network(); n != nil && n.AdversaryChooses(kernel.OutcomePipeBusy, req.Process.Machine().Name(), req.Process.Name(), fcb.key) {
		// As if another client had connected to the instance first (adversarial mode).
		return nil, 0, kernel.ERROR_PIPE_BUSY
	}
	in := fcb.listeners[0]
	fcb.removeListenerLocked(in)
	c := &end{inst: in, state: stateConnected}
	if remote {
		c.remote, c.host = true, req.Process.Machine().Name()
	}
	o := req.Machine.NewObject(kernel.FileType, c)
	o.SetName(fcb.ntName())
	c.obj = o
	c.sig.Store(true)
	in.mu.Lock()
	in.connectLocked(c, req.Process.PID(), c.host, wl)
	in.clientToken, in.clientLevel, in.clientSeq = tok, kernel.RequestedLevel(req.Flags), in.toServer.seq
	in.mu.Unlock()
	return c, granted, nil
}

// deviceFile is the body of a handle to \Device\NamedPipe itself (CreateFile of
// \\.\pipe). It supports no I/O: the kernel answers ReadFile and WriteFile with
// ERROR_INVALID_FUNCTION, and the pipe calls do the same.
type deviceFile struct{ kernel.NoOps }

// Describe implements kernel.Describer.
func (*deviceFile) Describe() string { return "named-pipe device" }

// DeviceType implements kernel.DeviceTyper: the device's own file object is the device's.
func (*deviceFile) DeviceType() kernel.DeviceType { return kernel.FILE_DEVICE_NAMED_PIPE }

// resolve finds the device that serves a Win32 pipe name for process p, and the pipe
// name on it: the local device for \\.\pipe\x, the other machine's for \\HOST\pipe\x.
// WaitNamedPipe and CallNamedPipe use it.
func resolve(p *kernel.Process, name string) (*device, string, error) {
	if name == "" {
		return nil, "", kernel.ERROR_PATH_NOT_FOUND
	}
	wp, err := namespace.ParseWin32Path(name)
	if err != nil {
		return nil, "", kernel.Win32Error(err)
	}
	m := p.Machine()
	if wp.Kind == namespace.KindUNC && !m.IsLocalName(wp.Host) {
		local := deviceOf(m)
		if local == nil || !namespace.EqualFold(wp.Share, "PIPE") {
			return nil, "", kernel.ERROR_PATH_NOT_FOUND
		}
		target := local.remote(wp.Host)
		if target == nil {
			return nil, "", kernel.ERROR_BAD_NETPATH
		}
		if len(wp.Rest) < 2 {
			return nil, "", kernel.ERROR_PATH_NOT_FOUND
		}
		return target, wp.Rest[1:], nil
	}
	nt := wp.NTPath
	if wp.Kind == namespace.KindUNC {
		nt = `\??\` + wp.Share + wp.Rest
	}
	d, pipeName, err := lookupLocal(m, nt)
	if err != nil || pipeName == "" {
		// Not a pipe name (Wine's WaitNamedPipeW: ERROR_PATH_NOT_FOUND).
		return nil, "", kernel.ERROR_PATH_NOT_FOUND
	}
	return d, pipeName, nil
}

// WaitNamedPipe waits until an instance of the pipe name is listening, so that a
// CreateFile can connect (WaitNamedPipeW). timeout is in milliseconds, or
// NMPWAIT_USE_DEFAULT_WAIT (the pipe's default timeout) or NMPWAIT_WAIT_FOREVER. It
// returns as soon as an instance listens: one being created, or ConnectNamedPipe on a
// disconnected one (windows-facts.md NP-33). Success does not reserve the instance: another
// client may take it first.
//
// Errors: ERROR_FILE_NOT_FOUND when no pipe has the name, at once or when its last
// instance closes during the wait (NP-1); ERROR_SEM_TIMEOUT when the time runs out
// (NP-26, NP-33); ERROR_PATH_NOT_FOUND for a name that is not a pipe name; ERROR_BAD_NETPATH
// for an unknown host; an *AbortError when ctx is done or p exits.
func WaitNamedPipe(ctx context.Context, p *kernel.Process, name string, timeout uint32) error {
	d, pipeName, err := resolve(p, name)
	if err != nil {
		return err
	}
	d.mu.Lock()
	fcb := d.pipes[namespace.Fold(pipeName)]
	d.mu.Unlock()
	if fcb == nil {
		return kernel.ERROR_FILE_NOT_FOUND
	}
	wait := kernel.Millis(timeout)
	if timeout == NMPWAIT_USE_DEFAULT_WAIT {
		wait = fcb.timeout
	}
	c := kernel.Call{Ctx: ctx, Process: p}
	fcb.mu.Lock()
	switch {
	case fcb.deleted:
		err = kernel.ERROR_FILE_NOT_FOUND
	case len(fcb.listeners) > 0:
		err = nil
	case wait == 0:
		err = kernel.ERROR_SEM_TIMEOUT
	default:
		r := c.NewRequest(nil)
		r.Timeout, r.TimeoutErr = wait, kernel.ERROR_SEM_TIMEOUT
		if err = r.Pend(fcb); err == nil {
			fcb.waiters.push(r)
			err = r
		}
	}
	fcb.mu.Unlock()
	_, err = c.Finish(0, err)
	return err
}
