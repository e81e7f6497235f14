package kernel

import (
	"context"
	"strconv"
	"sync"
)

// This file implements I/O completion ports (NT's IoCompletion objects, KQUEUE): a
// queue of completion packets that overlapped operations on associated file objects,
// and PostQueuedCompletionStatus, add to, and that GetQueuedCompletionStatus takes
// from, oldest first. A GetQueuedCompletionStatus that finds the queue empty is a
// Request queued on the port (the same mechanism as every other wait for I/O).

// IoCompletionType is the type of completion port objects.
var IoCompletionType = &Type{
	Name:  "IoCompletion",
	Valid: IO_COMPLETION_ALL_ACCESS,
	Generic: GenericMapping{
		Read:    STANDARD_RIGHTS_READ | IO_COMPLETION_QUERY_STATE,
		Write:   STANDARD_RIGHTS_WRITE | IO_COMPLETION_MODIFY_STATE,
		Execute: STANDARD_RIGHTS_EXECUTE | SYNCHRONIZE,
		All:     IO_COMPLETION_ALL_ACCESS,
	},
}

// Completion port access rights.
const (
	IO_COMPLETION_QUERY_STATE  Access = 0x0001
	IO_COMPLETION_MODIFY_STATE Access = 0x0002
	IO_COMPLETION_ALL_ACCESS   Access = STANDARD_RIGHTS_REQUIRED | SYNCHRONIZE | 0x3
)

// completionPacket is one queued completion.
type completionPacket struct {
	n   int
	key uintptr
	ov  *Overlapped
	err error
}

// completionPort is an IoCompletion object's body.
//
// Lifetime: created by CreateIoCompletionPort with one handle; file objects associated
// with it hold a pointer reference (their completions keep the queue alive). When its
// last handle closes, waiting GetQueuedCompletionStatus calls fail with
// ERROR_ABANDONED_WAIT_0 and queued packets are dropped (MS docs
// GetQueuedCompletionStatus).
//
// Lock order: mu is a leaf except that Requests' SetResult (Process.reqMu) is called
// under it.
type completionPort struct {
	concurrency uint32 // immutable

	mu sync.Mutex
	// packets[head:] are the queued packets, oldest first. The array is reused: it
	// restarts at 0 when the queue empties, and is compacted when it is full with
	// taken packets before head, so a port that is drained as fast as it is filled
	// allocates nothing.
	// +checklocks:mu
	packets []completionPacket
	// +checklocks:mu
	head int
	// +checklocks:mu
	waiters []*Request
	// reqs keeps the port's spare GetQueuedCompletionStatus requests.
	reqs RequestCache
	// +checklocks:mu
	closed bool
}

// portBinding is a file object's association with a completion port.
type portBinding struct {
	port *Object
	key  uintptr
}

// CreateIoCompletionPort creates a completion port, associates a file with one, or
// both (CreateIoCompletionPort). file InvalidHandle (INVALID_HANDLE_VALUE) with existing 0 creates a
// port and returns its handle; a file handle with existing 0 creates a port and
// associates the file with key; a file handle with an existing port associates the
// file with it and returns existing. A file can be associated with one port only
// (ERROR_INVALID_PARAMETER otherwise). concurrency is recorded (0: the number of
// processors); winsim has no threads to limit.
func (p *Process) CreateIoCompletionPort(file, existing Handle, key uintptr, concurrency uint32) (Handle, error) {
	var fo *Object
	if file != InvalidHandle {
		o, _, err := p.Reference(file, 0, FileType)
		if err != nil {
			return 0, err
		}
		defer o.DecRef()
		fo = o
	} else if existing != 0 {
		return 0, ERROR_INVALID_PARAMETER
	}
	var port *Object
	h := existing
	if existing != 0 {
		o, _, err := p.Reference(existing, IO_COMPLETION_MODIFY_STATE, IoCompletionType)
		if err != nil {
			return 0, err
		}
		defer o.DecRef()
		port = o
	} else {
		port = p.machine.NewObject(IoCompletionType, &completionPort{concurrency: concurrency})
		var err error
		h, err = p.NewHandle(port, IO_COMPLETION_ALL_ACCESS, false)
		if err != nil {
			port.DecRef()
			return 0, err
		}
		defer port.DecRef()
	}
	if fo != nil {
		port.IncRef()
		if !fo.port.CompareAndSwap(nil, &portBinding{port: port, key: key}) {
			port.DecRef()
			if existing == 0 {
				_ = p.CloseHandle(h)
			}
			return 0, ERROR_INVALID_PARAMETER
		}
	}
	return h, nil
}

// postToPort queues a completion packet to o's port, if o has one, unless the
// operation's event handle has its low bit set (MS docs GetQueuedCompletionStatus:
// such an operation is not queued).
func (o *Object) postToPort(n int, ov *Overlapped, err error, hEvent Handle) {
	b := o.port.Load()
	if b == nil || hEvent&1 != 0 {
		return
	}
	b.port.body.(*completionPort).post(completionPacket{n: n, key: b.key, ov: ov, err: err})
}

// releasePort drops a file object's association (when the object is deleted).
func (o *Object) releasePort() {
	if b := o.port.Swap(nil); b != nil {
		b.port.DecRef()
	}
}

// popLocked takes the oldest queued packet. Preconditions: cp.mu is held.
func (cp *completionPort) popLocked() (completionPacket, bool) {
	if cp.head == len(cp.packets) {
		return completionPacket{}, false
	}
	pk := cp.packets[cp.head]
	cp.packets[cp.head] = completionPacket{}
	cp.head++
	if cp.head == len(cp.packets) {
		cp.packets, cp.head = cp.packets[:0], 0
	}
	return pk, true
}

// pushLocked queues pk after the packets queued. Preconditions: cp.mu is held.
func (cp *completionPort) pushLocked(pk completionPacket) {
	if len(cp.packets) == cap(cp.packets) && cp.head > 0 {
		n := copy(cp.packets, cp.packets[cp.head:])
		clear(cp.packets[n:])
		cp.packets, cp.head = cp.packets[:n], 0
	}
	cp.packets = append(cp.packets, pk)
}

// queuedLocked is the number of packets queued. Preconditions: cp.mu is held.
func (cp *completionPort) queuedLocked() int { return len(cp.packets) - cp.head }

func (cp *completionPort) post(pk completionPacket) {
	cp.mu.Lock()
	if cp.closed {
		cp.mu.Unlock()
		return
	}
	if len(cp.waiters) > 0 {
		// LIFO, as NT releases the most recent waiter first (KQUEUE).
		r := cp.waiters[len(cp.waiters)-1]
		cp.waiters = cp.waiters[:len(cp.waiters)-1]
		r.setPacket(pk.n, pk.key, pk.ov, pk.err)
		cp.mu.Unlock()
		r.Notify()
		return
	}
	cp.pushLocked(pk)
	cp.mu.Unlock()
}

// CancelRequest implements RequestOwner for a GetQueuedCompletionStatus wait.
func (cp *completionPort) CancelRequest(r *Request, err error) {
	cp.mu.Lock()
	for i, w := range cp.waiters {
		if w == r {
			cp.waiters = append(cp.waiters[:i], cp.waiters[i+1:]...)
			r.SetResult(0, err)
			cp.mu.Unlock()
			r.Notify()
			return
		}
	}
	cp.mu.Unlock()
}

// Close implements Ops: the port's last handle is closed.
func (cp *completionPort) Close(*Object, *Process) {
	cp.mu.Lock()
	cp.closed = true
	cp.packets, cp.head = nil, 0
	ws := cp.waiters
	cp.waiters = nil
	for _, r := range ws {
		r.SetResult(0, ERROR_ABANDONED_WAIT_0)
	}
	cp.mu.Unlock()
	for _, r := range ws {
		r.Notify()
	}
}

// Delete implements Ops.
func (cp *completionPort) Delete(*Object) {}

// Describe implements Describer.
func (cp *completionPort) Describe() string {
	cp.mu.Lock()
	defer cp.mu.Unlock()
	return strconv.Itoa(cp.queuedLocked()) + " queued, " + strconv.Itoa(len(cp.waiters)) + " waiting"
}

// CompletionStatus is one packet GetQueuedCompletionStatus dequeued.
type CompletionStatus struct {
	Bytes      int
	Key        uintptr
	Overlapped *Overlapped
}

// GetQueuedCompletionStatus dequeues the oldest completion packet of port, waiting up
// to timeoutMs milliseconds (INFINITE: no limit) for one (GetQueuedCompletionStatus).
// The packet of a failed operation is returned together with that operation's error
// (the call "returns FALSE with a non-NULL lpOverlapped"); an empty queue after the
// timeout gives WAIT_TIMEOUT with no packet; a port whose handle is closed during the
// wait ERROR_ABANDONED_WAIT_0.
func (p *Process) GetQueuedCompletionStatus(ctx context.Context, port Handle, timeoutMs uint32) (CompletionStatus, error) {
	pk, _, ok, err := p.dequeue(ctx, port, timeoutMs, false, nil)
	if !ok {
		return CompletionStatus{}, err
	}
	return CompletionStatus{Bytes: pk.n, Key: pk.key, Overlapped: pk.ov}, pk.err
}

// dequeue takes the oldest packet of port, waiting up to timeoutMs for one, and then,
// without waiting, up to len(more) further packets into more, reporting how many. ok
// reports whether it got the first; err is then nil, else why not. A successful dequeue
// associates the process with the port (Process.portAssoc).
//
// An alertable dequeue runs the process's queued APCs and reports WAIT_IO_COMPLETION
// instead when the port has no packet, or when it has one but the process is not yet
// associated with this port: the APC goes first (Wine dlls/ntdll/tests/file.c
// test_set_io_completion, NtRemoveIoCompletionEx with an APC queued). One that waits
// ends the same way when an APC is queued during the wait, unless a packet reached it
// first.
func (p *Process) dequeue(ctx context.Context, port Handle, timeoutMs uint32, alertable bool, more []OverlappedEntry) (pk completionPacket, nmore int, ok bool, err error) {
	o, granted, err := p.Reference(port, IO_COMPLETION_MODIFY_STATE, IoCompletionType)
	if err != nil {
		return pk, 0, false, err
	}
	c := Call{Ctx: ctx, Process: p, Object: o, Handle: port, Granted: granted}
	cp := o.body.(*completionPort)
	for {
		cp.mu.Lock()
		if !alertable || !p.apcsQueued() || (p.portAssoc.Load() == cp && cp.queuedLocked() > 0) {
			break // with cp.mu held
		}
		cp.mu.Unlock()
		if p.runAPCs() {
			o.DecRef()
			return pk, 0, false, WAIT_IO_COMPLETION
		}
		// Another of the process's waits ran them first: look again.
	}
	if pk, ok := cp.popLocked(); ok {
		nmore = cp.takeMoreLocked(more)
		cp.mu.Unlock()
		o.DecRef()
		p.associate(cp)
		return pk, nmore, true, nil
	}
	if timeoutMs == 0 {
		cp.mu.Unlock()
		o.DecRef()
		return pk, 0, false, WAIT_TIMEOUT
	}
	r := c.NewRequest(&cp.reqs)
	r.Timeout = Millis(timeoutMs)
	r.TimeoutErr = WAIT_TIMEOUT
	r.alertable = alertable
	if err := r.Pend(cp); err != nil {
		cp.mu.Unlock()
		o.DecRef()
		return pk, 0, false, err
	}
	cp.waiters = append(cp.waiters, r)
	cp.mu.Unlock()
	// A wait's request holds the call's reference on the port until its completion, as
	// a file system's does; await gives the request back to the port's cache.
	res := c.await(r)
	if !res.packet {
		if res.err == WAIT_IO_COMPLETION {
			p.runAPCs() // unless another wait of the process already has
		}
		return completionPacket{}, 0, false, res.err
	}
	p.associate(cp)
	pk = completionPacket{n: res.n, key: res.key, ov: res.ov, err: res.err}
	if len(more) > 0 {
		// The request's reference ended with its completion, so that an exit leaves
		// none behind: the further packets need the port referenced again, and there
		// are none to take if its handle was closed meanwhile.
		if o, _, err := p.Reference(port, IO_COMPLETION_MODIFY_STATE, IoCompletionType); err == nil {
			cp := o.body.(*completionPort)
			cp.mu.Lock()
			nmore = cp.takeMoreLocked(more)
			cp.mu.Unlock()
			o.DecRef()
		}
	}
	return pk, nmore, true, nil
}

// associate records that p dequeued from cp (Process.portAssoc); a load first, so that
// a process that keeps dequeuing from one port does no atomic write.
func (p *Process) associate(cp *completionPort) {
	if p.portAssoc.Load() != cp {
		p.portAssoc.Store(cp)
	}
}

// PostQueuedCompletionStatus queues a packet of the caller's making to port
// (PostQueuedCompletionStatus).
func (p *Process) PostQueuedCompletionStatus(port Handle, bytes uint32, key uintptr, ov *Overlapped) error {
	o, _, err := p.Reference(port, IO_COMPLETION_MODIFY_STATE, IoCompletionType)
	if err != nil {
		return err
	}
	defer o.DecRef()
	o.body.(*completionPort).post(completionPacket{n: int(bytes), key: key, ov: ov})
	return nil
}

// SetFileCompletionNotificationModes sets how completions on the file h refers to are
// reported (SetFileCompletionNotificationModes): FILE_SKIP_COMPLETION_PORT_ON_SUCCESS
// (an operation that succeeds at once queues no packet) and
// FILE_SKIP_SET_EVENT_ON_HANDLE (the file object is not signalled on completion).
func (p *Process) SetFileCompletionNotificationModes(h Handle, flags uint8) error {
	if uint32(flags)&^(FILE_SKIP_COMPLETION_PORT_ON_SUCCESS|FILE_SKIP_SET_EVENT_ON_HANDLE) != 0 {
		return ERROR_INVALID_PARAMETER
	}
	o, _, err := p.Reference(h, 0, FileType)
	if err != nil {
		return err
	}
	defer o.DecRef()
	o.ioMode.Or(uint32(flags))
	return nil
}

// SkipSetEventOnHandle reports FILE_SKIP_SET_EVENT_ON_HANDLE on the file object.
func (o *Object) SkipSetEventOnHandle() bool {
	return o.ioMode.Load()&FILE_SKIP_SET_EVENT_ON_HANDLE != 0
}

// OverlappedEntry is one packet GetQueuedCompletionStatusEx returns (Win32's
// OVERLAPPED_ENTRY, with x/sys/windows' field names). Internal is the operation's
// NTSTATUS.
type OverlappedEntry struct {
	CompletionKey            uintptr
	Overlapped               *Overlapped
	Internal                 uintptr
	NumberOfBytesTransferred uint32
}

// GetQueuedCompletionStatusEx dequeues up to len(entries) packets at once, waiting up to
// timeoutMs for the first (GetQueuedCompletionStatusEx), and returns how many it
// filled. An empty port after the timeout gives WAIT_TIMEOUT; an empty entries slice
// ERROR_INVALID_PARAMETER. With alertable set the call runs the process's queued APCs
// and returns WAIT_IO_COMPLETION, filling nothing, when the port has no packet (at once
// or during the wait) or when the process has not yet dequeued from this port; once it
// has, queued packets come first (Wine dlls/ntdll/tests/file.c test_set_io_completion).
// winsim's APCs are the process's, so the association a Windows thread has with the
// port it waits on is the process's here (docs/deviations.md).
func (p *Process) GetQueuedCompletionStatusEx(ctx context.Context, port Handle, entries []OverlappedEntry, timeoutMs uint32, alertable bool) (int, error) {
	if len(entries) == 0 {
		return 0, ERROR_INVALID_PARAMETER
	}
	pk, more, ok, err := p.dequeue(ctx, port, timeoutMs, alertable, entries[1:])
	if !ok {
		return 0, err
	}
	entries[0] = pk.entry()
	return 1 + more, nil
}

// entry is pk as GetQueuedCompletionStatusEx reports it.
func (pk completionPacket) entry() OverlappedEntry {
	return OverlappedEntry{CompletionKey: pk.key, Overlapped: pk.ov, Internal: uintptr(ntStatusOf(pk.err)), NumberOfBytesTransferred: uint32(pk.n)}
}

// takeMoreLocked moves up to len(more) further packets of cp into more, without
// waiting, and returns how many. Preconditions: cp.mu is held.
func (cp *completionPort) takeMoreLocked(more []OverlappedEntry) int {
	n := 0
	for n < len(more) {
		pk, ok := cp.popLocked()
		if !ok {
			break
		}
		more[n] = pk.entry()
		n++
	}
	return n
}
