package kernel

import (
	"sort"
	"sync"
	"sync/atomic"

	"github.com/winsim/winsim/namespace"
)

// A Network holds machines, each in one domain or workgroup. Mailslot broadcasts and
// remote pipe opens are routed through it. Its zero value is not usable; call
// NewNetwork.
//
// Lifetime: lives until Close, which removes every machine.
type Network struct {
	mu sync.RWMutex
	// +checklocks:mu
	machines map[string]*Machine // by folded name
	// adding reserves the folded names of machines AddMachine is still building:
	// a machine enters machines only once its System process is set, so nothing
	// that finds it on the network (RemoveMachine, Close, a broadcast) sees it
	// half made.
	// +checklocks:mu
	adding map[string]struct{}

	trace tracer

	// dispatcherMu is the dispatcher lock (NT's dispatcher database lock) of every
	// machine on the network: signal states and wait lists of dispatcher objects are
	// protected by it. It is one lock for the network because a process can hold handles
	// to objects of other machines (a remote pipe's ends) and wait on them together.
	dispatcherMu sync.Mutex

	// faults is set once, by the first SetFaults or Partition (network_faults.go).
	faults atomic.Pointer[FaultInjector]
	// adversary is the adversarial mode, nil when off (adversary.go).
	adversary atomic.Pointer[adversary]

	// domains holds the account databases of the network's domains, by upper-cased
	// name (token.go). domainsMu is a leaf.
	domainsMu sync.Mutex
	domains   map[string]*accountDB
}

// NewNetwork returns an empty network.
func NewNetwork() *Network {
	return &Network{machines: make(map[string]*Machine), adding: make(map[string]struct{})}
}

// MachineOption configures a machine at AddMachine.
type MachineOption func(*machineConfig)

type machineConfig struct{ clock Clock }

// WithClock gives the machine a clock other than the real one (for example a
// *VirtualClock shared by every machine of a simulation).
func WithClock(c Clock) MachineOption { return func(mc *machineConfig) { mc.clock = c } }

// AddMachine adds a machine named name (a NetBIOS name: 1–15 characters, no
// \/:*?"<>|) to the network in the given domain or workgroup. A name already on the
// network gives ERROR_DUP_NAME; a bad name ERROR_INVALID_COMPUTERNAME; a bad domain
// ERROR_INVALID_DOMAINNAME. The machine starts with its System process (PID 4).
func (n *Network) AddMachine(name, domain string, opts ...MachineOption) (*Machine, error) {
	if err := namespace.ValidateComputerName(name); err != nil {
		return nil, ERROR_INVALID_COMPUTERNAME
	}
	if err := namespace.ValidateComputerName(domain); err != nil {
		return nil, ERROR_INVALID_DOMAINNAME
	}
	cfg := machineConfig{clock: RealClock()}
	for _, o := range opts {
		o(&cfg)
	}
	m := &Machine{network: n, name: name, domain: domain, clock: cfg.clock, root: newRoot(), devices: make(map[string]Device)}
	n.mu.Lock()
	key := namespace.Fold(name)
	_, dup := n.machines[key]
	if _, building := n.adding[key]; dup || building {
		n.mu.Unlock()
		return nil, ERROR_DUP_NAME
	}
	n.adding[key] = struct{}{}
	n.mu.Unlock()
	sys, err := m.newProcess(nil, "System", false, nil, m.SystemToken(), nil)
	n.mu.Lock()
	delete(n.adding, key)
	if err == nil {
		m.system = sys
		n.machines[key] = m
	}
	n.mu.Unlock()
	if err != nil {
		return nil, err
	}
	sys.obj.DecRef() // the process table's reference keeps it: System never exits
	m.emit(TraceEvent{Kind: EvMachineAdded, Detail: "domain " + domain})
	return m, nil
}

// Machine returns the machine with the given name (case-insensitive), or nil.
func (n *Network) Machine(name string) *Machine {
	n.mu.RLock()
	defer n.mu.RUnlock()
	return n.machines[namespace.Fold(name)]
}

// Machines lists the network's machines by name.
func (n *Network) Machines() []*Machine {
	n.mu.RLock()
	out := make([]*Machine, 0, len(n.machines))
	for _, m := range n.machines {
		out = append(out, m)
	}
	n.mu.RUnlock()
	sort.Slice(out, func(i, j int) bool { return namespace.Fold(out[i].name) < namespace.Fold(out[j].name) })
	return out
}

// DomainMembers lists, by name, the machines whose domain is domain (case-insensitive)
// at the moment of the call.
func (n *Network) DomainMembers(domain string) []*Machine {
	out := n.AppendDomainMembers(nil, domain)
	sort.Slice(out, func(i, j int) bool { return namespace.Fold(out[i].name) < namespace.Fold(out[j].name) })
	return out
}

// AppendDomainMembers appends to dst the machines whose domain is domain
// (case-insensitive) at the moment of the call, in no particular order, and returns the
// extended slice. Unlike DomainMembers it allocates nothing when dst has room, which is
// what a broadcast to a large domain needs.
func (n *Network) AppendDomainMembers(dst []*Machine, domain string) []*Machine {
	n.mu.RLock()
	defer n.mu.RUnlock()
	for _, m := range n.machines {
		m.mu.Lock()
		d := m.domain
		m.mu.Unlock()
		if namespace.EqualFold(d, domain) {
			dst = append(dst, m)
		}
	}
	return dst
}

// RemoveMachine takes a machine off the network: every process on it exits (exit code
// ERROR_PROCESS_ABORTED), their main functions are waited for, and the name is free.
// An unknown name gives ERROR_BAD_NETPATH.
func (n *Network) RemoveMachine(name string) error {
	n.mu.Lock()
	key := namespace.Fold(name)
	m, ok := n.machines[key]
	if ok {
		delete(n.machines, key)
	}
	n.mu.Unlock()
	if !ok {
		return ERROR_BAD_NETPATH
	}
	m.shutdown()
	m.emit(TraceEvent{Kind: EvMachineRemoved})
	return nil
}

// Close removes every machine.
func (n *Network) Close() {
	for _, m := range n.Machines() {
		_ = n.RemoveMachine(m.name)
	}
}
