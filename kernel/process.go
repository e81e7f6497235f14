package kernel

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
)

// STILL_ACTIVE is the exit code GetExitCodeProcess reports while a process runs.
const STILL_ACTIVE uint32 = 259

// MainFunc is a process's main function. It runs on its own goroutine; when it returns
// the process exits with the code it returned. ctx is cancelled when the process is
// terminated, and every blocking call the process makes gives up then too.
type MainFunc func(ctx context.Context, p *Process) uint32

// ProcessState is where a process is in its life.
type ProcessState int

// Process states, in order.
const (
	ProcessRunning ProcessState = iota
	ProcessExiting              // exit requested; handles being closed
	ProcessExited               // handles closed, process object signalled
)

func (s ProcessState) String() string {
	switch s {
	case ProcessRunning:
		return "running"
	case ProcessExiting:
		return "exiting"
	case ProcessExited:
		return "exited"
	}
	return fmt.Sprintf("ProcessState(%d)", int(s))
}

// A Process is a fake Windows process: a PID, a handle table and an exit code. It is
// analogous to NT's EPROCESS (Wine: struct process). Win32 calls are methods on the
// process that makes them.
//
// Lifetime: created by Machine.NewProcess or Process.CreateProcess, which give the
// machine's process table a pointer reference ("the process is running") and, for
// CreateProcess, the parent a handle. Exit, by any path, runs the exit cycle in
// process_exit.go and drops the table's reference; the process object then lives while
// handles to it exist, and its PID is not reused until Delete. Processes must not be
// copied.
type Process struct {
	NoOps // Close: a process object's last handle closing does not end the process
	// Immutable after creation.
	machine   *Machine
	obj       *Object
	pid       uint32
	parentPID uint32
	name      string
	handles   *HandleTable
	ctx       context.Context // cancelled when the process starts exiting
	cancel    context.CancelFunc
	spareWait atomic.Pointer[waitBlock] // a waitBlock kept for the next wait (wait.go)
	// blockedWaits lists the process's dispatcher waits now blocked, and
	// waitsAborted is set once its exit has ended them (abortWaits). Protected by the
	// dispatcher lock.
	blockedWaits ilist[waitBlock]
	waitsAborted bool
	exited       chan struct{}         // closed when the process has exited
	token        atomic.Pointer[Token] // the primary token (token.go); replaced whole by AdjustTokenPrivileges

	mu sync.Mutex
	// +checklocks:mu
	state ProcessState
	// exitCode is protected by mu and, once state is ProcessExited, immutable.
	exitCode uint32

	// hdr and signaled are protected by the network's dispatcher lock.
	hdr      DispatchHeader
	signaled bool

	// reqMu protects the process's pending I/O requests (request.go): a list, oldest
	// first, and reqClosed, set when exit has begun cancelling them (Pend is refused
	// from then on). Lock order: file-system locks → reqMu.
	reqMu sync.Mutex
	// +checklocks:reqMu
	pending ilist[Request]
	// +checklocks:reqMu
	reqClosed bool

	// portAssoc is the completion port the process last dequeued a packet from: the
	// one it is associated with, as a thread is with the port it waits on
	// (completion_port.go).
	portAssoc atomic.Pointer[completionPort]

	// apcs are the queued APCs (apc.go), protected by apcMu; apcWake receives a value
	// when one is queued (capacity 1), for an alertable wait to notice.
	apcMu   sync.Mutex
	apcs    []func()
	apcWake chan struct{}

	// published is set, once, when creation is complete; until then the process
	// cannot be found by PID (processTable.ref), so nobody can open it, put handles in
	// its table or end it while it inherits its parent's handles (NT inserts a process
	// into the CID table only after its handle table is built). Accessed atomically.
	published atomic.Bool
}

var _ Ops = (*Process)(nil)
var _ Signaler = (*Process)(nil)

// PID returns the process ID.
func (p *Process) PID() uint32 { return p.pid }

// ParentPID returns the PID of the process that created p (0 for a root process).
func (p *Process) ParentPID() uint32 { return p.parentPID }

// Name returns the image name the process was created with.
func (p *Process) Name() string { return p.name }

// Machine returns the machine p runs on.
func (p *Process) Machine() *Machine { return p.machine }

// Object returns the process object.
func (p *Process) Object() *Object { return p.obj }

// Context is cancelled when the process starts exiting (stage 1 of process_exit.go);
// Wait, and a wait on the process object, return when it has exited (stage 3), once
// its pending I/O has completed and its handles are closed. These are the two signals
// of a process's end.
func (p *Process) Context() context.Context { return p.ctx }

// State reports where the process is in its life.
func (p *Process) State() ProcessState {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.state
}

// HandleCount reports how many handles the process holds.
func (p *Process) HandleCount() int { return p.handles.Len() }

// Handles lists the process's handle table in handle order (for views and tests).
func (p *Process) Handles() []HandleInfo { return p.handles.snapshot() }

// Header implements Signaler.
func (p *Process) Header() *DispatchHeader { return &p.hdr }

// Signaled implements Signaler: a process is signalled once it has exited.
func (p *Process) Signaled() bool { return p.signaled }

// Acquire implements Signaler; waiting does not change a process's state.
func (p *Process) Acquire() {}

// Describe implements Describer.
func (p *Process) Describe() string {
	return p.name + " pid " + strconv.Itoa(int(p.pid)) + " " + p.State().String()
}

// Delete implements Ops: the process leaves the process table and its PID is free.
func (p *Process) Delete(*Object) {
	p.machine.procs.remove(p)
}

// NewProcess starts a root process on m, as if started by the system (its parent is
// the System process, PID 4), running as the machine's default interactive user
// (DefaultToken; docs/security.md). main may be nil for a process that tests or
// simulators drive by calling its methods; such a process runs until ExitProcess or
// TerminateProcess. The caller does not get a handle: use OpenProcess for one.
func (m *Machine) NewProcess(name string, main MainFunc) (*Process, error) {
	return m.NewProcessAs(m.DefaultToken(), name, main)
}

// NewProcessAs is NewProcess with the process running as tok (a token from
// LogonUser, SystemToken or DefaultToken), as CreateProcessAsUser starts one: the
// process gets its own copy of tok (Token.Duplicate), so adjusting its privileges
// leaves tok and other processes alone. A nil tok gives ERROR_INVALID_PARAMETER.
func (m *Machine) NewProcessAs(tok *Token, name string, main MainFunc) (*Process, error) {
	if tok == nil {
		return nil, ERROR_INVALID_PARAMETER
	}
	p, err := m.newProcess(m.system, name, false, main, tok, nil)
	if err != nil {
		return nil, err
	}
	p.obj.DecRef() // no handle is handed out: the table's reference keeps p alive until it exits
	return p, nil
}

// CreateProcess creates a child process of p (CreateProcess) and returns a handle to it
// with PROCESS_ALL_ACCESS, and its PID. With inheritHandles the child's table starts
// with every handle of p's marked HANDLE_FLAG_INHERIT, at the same handle values with
// the same access and attributes, all or nothing. The child runs with p's token and
// gets its token's default process descriptor (CreateProcessWithAttributes takes
// one). The returned *Process is the child, for a caller that drives it directly;
// main may be nil (see NewProcess).
func (p *Process) CreateProcess(name string, inheritHandles bool, main MainFunc) (Handle, *Process, error) {
	return p.CreateProcessWithAttributes(name, nil, inheritHandles, main)
}

// CreateProcessWithAttributes is CreateProcess with lpProcessAttributes: sa's
// descriptor becomes the child's process descriptor (else its token's default DACL),
// and its inherit flag the returned handle's. The child runs with p's token, as
// CreateProcess's children do (MS docs CreateProcessW).
func (p *Process) CreateProcessWithAttributes(name string, sa *SecurityAttributes, inheritHandles bool, main MainFunc) (Handle, *Process, error) {
	child, err := p.machine.newProcess(p, name, inheritHandles, main, p.Token(), sa.Descriptor())
	if err != nil {
		return 0, nil, err
	}
	h, err := p.NewHandle(child.obj, PROCESS_ALL_ACCESS, sa.Inherit())
	child.obj.DecRef() // the creation reference; the table and the handle hold theirs
	if err != nil {
		child.Terminate(1)
		return 0, nil, err
	}
	return h, child, nil
}

func (m *Machine) newProcess(parent *Process, name string, inherit bool, main MainFunc, tok *Token, sd *SecurityDescriptor) (*Process, error) {
	if m.isRemoved() {
		return nil, ERROR_NOT_READY
	}
	p := &Process{machine: m, name: name, handles: &HandleTable{}, exited: make(chan struct{}), apcWake: make(chan struct{}, 1)}
	p.token.Store(tok.Duplicate()) // a process's own primary token object (CreateProcess copies)
	p.ctx, p.cancel = context.WithCancel(context.Background())
	if parent != nil {
		p.parentPID = parent.pid
		if parent.State() != ProcessRunning {
			p.cancel()
			return nil, ERROR_ACCESS_DENIED
		}
	}
	// The census lists the process object only once it has its PID (views describe
	// a process by it).
	psd, err := NewObjectSecurity(ProcessType, tok, sd, nil)
	if err != nil {
		p.cancel()
		return nil, err
	}
	p.obj = m.newUnlistedObject(ProcessType, p)
	p.obj.sd.Store(psd)
	p.obj.IncRef() // the process table's "running" reference, dropped at exit
	m.procs.add(p)
	m.listObject(p.obj)
	if inherit && parent != nil {
		parent.inheritInto(p)
	}
	p.published.Store(true)
	m.emit(TraceEvent{Kind: EvProcessCreated, PID: p.pid, Object: p.obj.id, Type: "Process", Name: name, Detail: "parent " + strconv.Itoa(int(p.parentPID))})
	if main != nil {
		m.mains.Add(1)
		go p.runMain(main)
	}
	// N.B. the caller owns the creation reference p.obj was returned with.
	return p, nil
}

// inheritInto copies every inheritable handle of p into child at the same values.
// Preconditions: child is new and not yet published, so its table is empty; it may
// only have been ended (machine shutdown lists unpublished processes too), and then
// it inherits nothing.
func (p *Process) inheritInto(child *Process) {
	child.handles.inheritFrom(p.handles, func(i int, e *handleEntry) {
		e.obj.addHandleRef()
		child.machine.traceObject(EvHandleInherited, child.pid, indexHandle(i), e.obj, e.granted)
	})
}

func (p *Process) runMain(main MainFunc) {
	defer p.machine.mains.Done()
	code := main(p.ctx, p)
	p.exit(code)
}

// OpenProcess opens the process with the given PID (OpenProcess). An unknown PID, or
// PID 0, gives ERROR_INVALID_PARAMETER as on Windows; the System process (PID 4) gives
// ERROR_ACCESS_DENIED, and so does a target whose descriptor (its token's default
// DACL: its user and SYSTEM) does not grant the access to the caller, unless the caller
// has SeDebugPrivilege enabled, which grants any access to any other process.
func (p *Process) OpenProcess(access Access, inherit bool, pid uint32) (Handle, error) {
	return p.openProcess(p.Token(), access, inherit, pid)
}

func (p *Process) openProcess(tok *Token, access Access, inherit bool, pid uint32) (Handle, error) {
	if pid == 0 {
		return 0, ERROR_INVALID_PARAMETER
	}
	target := p.machine.procs.ref(pid)
	if target == nil {
		return 0, ERROR_INVALID_PARAMETER
	}
	defer target.obj.DecRef()
	if target == p.machine.system {
		return 0, ERROR_ACCESS_DENIED
	}
	var granted Access
	var err error
	if tok.privilegeOn(privDebug) {
		// "If the caller has enabled the SeDebugPrivilege privilege, the requested
		// access is granted regardless of the contents of the security descriptor"
		// (MS docs OpenProcess); MAXIMUM_ALLOWED is then everything.
		granted, err = debugAccess(tok, access)
	} else {
		granted, err = target.obj.openAccess(tok, access)
	}
	if err != nil {
		return 0, err
	}
	return p.NewHandle(target.obj, granted, inherit)
}

// GetProcessId returns the PID of the process h refers to (GetProcessId; needs
// PROCESS_QUERY_LIMITED_INFORMATION).
func (p *Process) GetProcessId(h Handle) (uint32, error) {
	o, _, err := p.Reference(h, PROCESS_QUERY_LIMITED_INFORMATION, ProcessType)
	if err != nil {
		return 0, err
	}
	defer o.DecRef()
	return o.body.(*Process).pid, nil
}

// GetExitCodeProcess returns the exit code of the process h refers to, STILL_ACTIVE
// while it runs (GetExitCodeProcess; needs PROCESS_QUERY_LIMITED_INFORMATION).
func (p *Process) GetExitCodeProcess(h Handle) (uint32, error) {
	o, _, err := p.Reference(h, PROCESS_QUERY_LIMITED_INFORMATION, ProcessType)
	if err != nil {
		return 0, err
	}
	defer o.DecRef()
	return o.body.(*Process).ExitCode(), nil
}

// ExitCode reports p's exit code, STILL_ACTIVE until it has exited.
func (p *Process) ExitCode() uint32 {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.state != ProcessExited {
		return STILL_ACTIVE
	}
	return p.exitCode
}

// TerminateProcess ends the process h refers to with exitCode (TerminateProcess; needs
// PROCESS_TERMINATE). Terminating a process that is already exiting succeeds and
// keeps the first exit code, except that Windows reports ERROR_ACCESS_DENIED for a
// process that has fully exited. It returns once the target's handles are closed.
func (p *Process) TerminateProcess(h Handle, exitCode uint32) error {
	o, _, err := p.Reference(h, PROCESS_TERMINATE, ProcessType)
	if err != nil {
		return err
	}
	defer o.DecRef()
	t := o.body.(*Process)
	if t.State() == ProcessExited {
		return ERROR_ACCESS_DENIED
	}
	t.exit(exitCode)
	return nil
}

// ExitProcess ends p with exitCode (ExitProcess). Unlike Windows' it returns (Go cannot
// end the calling goroutine's caller); a main function should return right after.
func (p *Process) ExitProcess(exitCode uint32) { p.exit(exitCode) }

// Terminate ends p with exitCode from outside any process (for tests and simulators).
func (p *Process) Terminate(exitCode uint32) { p.exit(exitCode) }

// Wait blocks until p has exited or ctx is done, and returns its exit code.
func (p *Process) Wait(ctx context.Context) (uint32, error) {
	select {
	case <-p.exited:
		return p.ExitCode(), nil
	case <-ctx.Done():
		return STILL_ACTIVE, &AbortError{Cause: ctx.Err()}
	}
}

// debugAccess is what OpenProcess grants a caller with SeDebugPrivilege enabled: the
// access asked for, generic rights mapped, MAXIMUM_ALLOWED as PROCESS_ALL_ACCESS;
// ACCESS_SYSTEM_SECURITY still needs SeSecurityPrivilege.
func debugAccess(tok *Token, access Access) (Access, error) {
	if access&ACCESS_SYSTEM_SECURITY != 0 && !tok.privilegeOn(privSecurity) {
		return 0, ERROR_PRIVILEGE_NOT_HELD
	}
	if access&MAXIMUM_ALLOWED != 0 {
		access = access&^MAXIMUM_ALLOWED | PROCESS_ALL_ACCESS
	}
	return ProcessType.grant(access)
}
