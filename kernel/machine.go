package kernel

import (
	"sync"
	"sync/atomic"

	"github.com/winsim/winsim/namespace"
)

// A Machine is one fake Windows computer: a name, a domain, an object namespace, a
// process table, devices and a clock. It is analogous to one running NT kernel.
//
// Lifetime: created by Network.AddMachine; removed by Network.RemoveMachine, which
// ends every process on it and waits for their main functions to return. Machines must
// not be copied.
//
// Lock order (outermost first; a lock is only taken while holding locks above it on
// its own branch):
//
//	Network.mu (the machine table; never held while calling out)
//	  Machine.mu (domain, devices)
//	Machine.nameMu (named-object create, open and unlink)
//	  namespace directory locks
//	processTable.mu
//	HandleTable.mu (one table at a time, except inheritance: parent before child)
//	file-system locks (mailslot: mailslot.mu; pipe: name → instance; see those packages)
//	  Network.dispatcherMu (one per network: a process may wait on objects of
//	  other machines, such as the server end of a remote pipe)
//	    Process.reqMu (a process's pending I/O requests)
//	leaves, taken under any of the above: tracer.mu, census.mu, FaultInjector.mu,
//	the VirtualClock's lock, accountDB.mu and Network.domainsMu (token.go)
//
// No kernel lock is held while an object body's Close or Delete runs, or while a
// capability method (Read, Write, Flush, Open) is called. Waiters are woken only after
// the lock protecting the state they wait for is released, except dispatcher waits,
// which are satisfied under the dispatcher lock (the waiter sleeps on its own channel).
type Machine struct {
	_ noCopy
	// Immutable after AddMachine.
	network *Network
	name    string
	clock   Clock
	root    *namespace.Directory
	system  *Process

	mu sync.Mutex
	// +checklocks:mu
	domain string
	// +checklocks:mu
	devices map[string]Device

	nameMu       sync.Mutex
	procs        processTable
	census       census
	nextObjectID atomic.Uint64
	mains        sync.WaitGroup
	removed      atomic.Bool
	sec          machineSecurity // accounts and standard tokens (token.go)
}

// Name returns the machine's NetBIOS name as given to AddMachine.
func (m *Machine) Name() string { return m.name }

// Network returns the network the machine belongs to.
func (m *Machine) Network() *Network { return m.network }

// Clock returns the machine's clock.
func (m *Machine) Clock() Clock { return m.clock }

// Root returns the machine's object namespace root (for views).
func (m *Machine) Root() *namespace.Directory { return m.root }

// System returns the System process (PID 4), which owns nothing a user opens and
// never exits while the machine exists.
func (m *Machine) System() *Process { return m.system }

// Domain returns the domain or workgroup the machine belongs to.
func (m *Machine) Domain() string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.domain
}

// SetDomain moves the machine to another domain or workgroup. Broadcasts see the new
// membership from the next write on.
func (m *Machine) SetDomain(domain string) error {
	if err := namespace.ValidateComputerName(domain); err != nil {
		return ERROR_INVALID_DOMAINNAME
	}
	m.mu.Lock()
	m.domain = domain
	m.mu.Unlock()
	return nil
}

// IsLocalName reports whether a UNC host component names this machine ("." or its own
// name, case-insensitively).
func (m *Machine) IsLocalName(host string) bool {
	return host == "." || namespace.EqualFold(host, m.name)
}

// Process returns the live process with the given PID, or nil.
func (m *Machine) Process(pid uint32) *Process {
	p := m.procs.ref(pid)
	if p == nil {
		return nil
	}
	p.obj.DecRef()
	return p
}

// Processes lists the machine's processes (running, and exited ones whose objects are
// still referenced), by PID.
func (m *Machine) Processes() []*Process { return m.procs.list() }

func (m *Machine) isRemoved() bool { return m.removed.Load() }

// shutdown ends every process and waits for their main functions to return.
func (m *Machine) shutdown() {
	m.removed.Store(true)
	for _, p := range m.procs.list() {
		if p != m.system {
			p.exit(ERROR_PROCESS_ABORTED.Code())
		}
	}
	m.mains.Wait()
}

// processTable maps PIDs to processes. PIDs are multiples of 4, allocated lowest free
// first; a PID is not reused while its process object lives.
type processTable struct {
	mu sync.Mutex
	// +checklocks:mu
	slots []*Process // index = pid/4
}

// add assigns p the lowest free PID and enters it in the table; it is findable by PID
// once p.published is set.
func (t *processTable) add(p *Process) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.slots) < 2 {
		t.slots = append(t.slots, make([]*Process, 2-len(t.slots))...)
	}
	i := 1 // PID 0 is the Idle process, never handed out; the System process gets 4
	for i < len(t.slots) && t.slots[i] != nil {
		i++
	}
	if i == len(t.slots) {
		t.slots = append(t.slots, nil)
	}
	t.slots[i] = p
	p.pid = uint32(i) * 4
}

func (t *processTable) remove(p *Process) {
	t.mu.Lock()
	defer t.mu.Unlock()
	i := int(p.pid / 4)
	if i < len(t.slots) && t.slots[i] == p {
		t.slots[i] = nil
	}
}

// ref returns the process with pid with a pointer reference taken, or nil. A process
// whose object is being deleted is not returned.
func (t *processTable) ref(pid uint32) *Process {
	if pid%4 != 0 {
		return nil
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	i := int(pid / 4)
	if i >= len(t.slots) || t.slots[i] == nil {
		return nil
	}
	p := t.slots[i]
	if !p.published.Load() {
		return nil // still being created: not findable by PID yet
	}
	if !p.obj.tryIncRef() {
		// Its last reference is gone and Delete is about to free the PID: the
		// process no longer exists.
		return nil
	}
	return p
}

func (t *processTable) list() []*Process {
	t.mu.Lock()
	defer t.mu.Unlock()
	var out []*Process
	for _, p := range t.slots { // by PID: a slot's index is its PID / 4
		if p != nil {
			out = append(out, p)
		}
	}
	return out
}
