package mailslot

import (
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/winsim/winsim/kernel"
)

// A mailslot is one mailslot's control block (Wine: struct mailslot; ReactOS's
// drivers/filesystems/msfs: its FCB): its name, its queue of whole messages, its maximum
// message size and read timeout, the readers waiting on it and the delayed deliveries on
// their way to it. It lives in its Device's name table, apart from the server file
// object that owns it (serverEnd).
//
// Lifetime: created by CreateMailslot together with its server file object and entered
// in the device's table. Local client file objects point at it for as long as they
// live. When the last handle to the server file object closes, close runs: the name
// leaves the table (a new CreateMailslot of it succeeds), queued messages are dropped,
// pending delayed deliveries are cancelled, blocked readers wake with ERROR_HANDLE_EOF
// and later writes through old clients fail with ERROR_HANDLE_EOF. "Reading from a
// Mailslot" says that then unread messages are deleted, all client handles to the
// mailslot are closed and the mailslot is deleted from memory; the error codes are
// winsim's choice (see close). The struct is then garbage once the last client lets go.
// Mailslots must not be copied.
type mailslot struct {
	// Immutable after newMailslot.
	dev     *Device
	name    string // below \Device\Mailslot, as created: `\app\events`
	key     string // namespace.Fold(name)
	maxSize uint32 // 0: any size

	// closed is set under mu by close; it may be read without mu as a hint.
	closed atomic.Bool

	// sd is the mailslot's security descriptor, shared by its server and local client
	// handles (security.go). Set before the mailslot is in the table.
	sd atomic.Pointer[kernel.SecurityDescriptor]

	// timeout is the read timeout in milliseconds, or MAILSLOT_WAIT_FOREVER
	// (SetMailslotInfo changes it). One word read at the start of each read: atomic.
	timeout atomic.Uint32

	// reqs keeps the server's spare synchronous read requests.
	reqs kernel.RequestCache

	mu sync.Mutex
	// readers are the pending reads (read.go), oldest first; non-empty only while q is
	// empty.
	// +checklocks:mu
	readers []*kernel.Request
	// +checklocks:mu
	q msgQueue
	// +checklocks:mu
	pending map[*delayed]struct{} // delayed deliveries not yet arrived
}

func newMailslot(dev *Device, name, key string, maxSize, timeout uint32) *mailslot {
	ms := &mailslot{dev: dev, name: name, key: key, maxSize: maxSize}
	ms.timeout.Store(timeout)
	return ms
}

// ntName returns the mailslot's NT object name, \Device\Mailslot\<name>.
func (ms *mailslot) ntName() string { return deviceName + ms.name }

// fits reports whether a message of size n may be queued (MaximumMessageSize 0 means
// any size).
func (ms *mailslot) fits(n int) bool {
	return ms.maxSize == 0 || uint64(n) <= uint64(ms.maxSize)
}

// write queues a copy of b, for a local client's WriteFile. It never blocks.
//
// Errors, in this order:
//   - ERROR_HANDLE_EOF once the server has gone. Unverified (see close); it comes first
//     because the maximum it would be checked against belongs to a deleted mailslot.
//   - ERROR_INVALID_PARAMETER for a message larger than the mailslot's maximum; nothing
//     is queued. The CreateMailslot docs make nMaxMessageSize the largest message that
//     can be written. Unverified: the code is not documented, and neither Wine nor
//     ReactOS enforces the maximum; ERROR_INVALID_PARAMETER is chosen because a length
//     out of range is a bad parameter, and it is what Windows answers for the other
//     writes a mailslot cannot take (a server handle with write access; windows-facts.md MS-12).
func (ms *mailslot) write(pid uint32, b []byte) error {
	if ms.closed.Load() {
		return kernel.ERROR_HANDLE_EOF
	}
	if !ms.fits(len(b)) {
		return kernel.ERROR_INVALID_PARAMETER
	}
	var arr [2]*kernel.Request // the reads the write completes; one, almost always
	ok, done := ms.enqueue(b, true, arr[:0])
	if !ok {
		return kernel.ERROR_HANDLE_EOF
	}
	if ms.dev.m.Tracing() {
		ms.trace(pid, "message queued "+strconv.Itoa(len(b))+" bytes")
	}
	ms.notifyAll(done)
	return nil
}

// enqueue appends a message unless the mailslot has closed, and hands it to a pending
// read if one waits. A local write's message (local) is copied from m into an array the
// queue owns and reuses; otherwise m itself, a delivered payload that other queues may
// share, is queued, never to be modified. It reports whether the message was queued,
// and the reads it completed, appended to done, which the caller notifies (notifyAll)
// after tracing the arrival, so the trace shows the message queued before it is read.
func (ms *mailslot) enqueue(m []byte, local bool, done []*kernel.Request) (bool, []*kernel.Request) {
	ms.mu.Lock()
	if ms.closed.Load() {
		ms.mu.Unlock()
		return false, nil
	}
	if local {
		b := ms.q.alloc(len(m))
		copy(b, m)
		m = b
	}
	ms.q.push(m, local)
	done = ms.serveReadersLocked(done)
	ms.mu.Unlock()
	return true, done
}

// deliver queues a message that arrived from the network (a remote or broadcast write,
// possibly this machine's own copy). Like a datagram, it fails silently: a closed
// mailslot, or a message over the maximum size, drops it.
func (ms *mailslot) deliver(m []byte, from string) {
	if !ms.fits(len(m)) {
		if ms.dev.m.Tracing() {
			ms.trace(0, "datagram from "+from+" dropped: "+strconv.Itoa(len(m))+" bytes is over the maximum message size")
		}
		return
	}
	var arr [2]*kernel.Request
	ok, done := ms.enqueue(m, false, arr[:0])
	if ok && ms.dev.m.Tracing() {
		ms.trace(0, "datagram from "+from+" queued "+strconv.Itoa(len(m))+" bytes")
	}
	ms.notifyAll(done)
}

// info returns GetMailslotInfo's values.
func (ms *mailslot) info() Info {
	ms.mu.Lock()
	defer ms.mu.Unlock()
	in := Info{MaxMessageSize: ms.maxSize, NextSize: MAILSLOT_NO_MESSAGE, MessageCount: uint32(ms.q.len()), ReadTimeout: ms.timeout.Load()}
	if m, ok := ms.q.peek(); ok {
		in.NextSize = uint32(len(m))
	}
	return in
}

// setTimeout is SetMailslotInfo.
func (ms *mailslot) setTimeout(t uint32) { ms.timeout.Store(t) }

// close runs when the last handle to the server file object closes: the name leaves the
// device's table, the queue and the pending delayed deliveries are dropped, and blocked
// readers wake to ERROR_HANDLE_EOF.
//
// The docs decide what goes: the mailslot exists until its last server handle is closed
// (CreateMailslot), and then its unread messages are deleted, its client handles are
// closed and it is deleted from memory ("Reading from a Mailslot"; [MS-MAIL] 3.2.4.3
// likewise deletes the queue and removes the mailslot from the list). Wine and ReactOS
// differ from this (their mailslot outlives the server while clients hold it).
//
// Unverified: which error an operation through a dead client, or a read blocked on the
// closing mailslot, gets. ERROR_HANDLE_EOF is chosen because the NTSTATUS whose published
// text says exactly what the docs describe, STATUS_FILE_FORCED_CLOSED ("the specified
// file has been closed by another process", ntstatus.h), maps to it (38; Samba
// libcli/util/errormap.c). It is one code for "this mailslot is gone" everywhere.
func (ms *mailslot) close(pid uint32) {
	ms.dev.remove(ms)
	ms.mu.Lock()
	ms.closed.Store(true)
	dropped := ms.q.len()
	ms.q.reset()
	pending := ms.pending
	ms.pending = nil
	readers := ms.readers
	ms.readers = nil
	for _, r := range readers {
		r.SetResult(0, kernel.ERROR_HANDLE_EOF)
	}
	ms.mu.Unlock()
	for d := range pending {
		d.timer.Stop()
	}
	ms.notifyAll(readers)
	if ms.dev.m.Tracing() {
		ms.trace(pid, "mailslot closed; dropped "+strconv.Itoa(dropped)+" queued and "+strconv.Itoa(len(pending))+" delayed messages")
	}
}

// describe summarises the mailslot for views.
func (ms *mailslot) describe() string {
	ms.mu.Lock()
	defer ms.mu.Unlock()
	if ms.closed.Load() {
		return "mailslot " + ms.name + " (closed)"
	}
	s := "mailslot " + ms.name + ": " + strconv.Itoa(ms.q.len()) + " messages, " + strconv.Itoa(ms.q.bytes) + " bytes"
	if len(ms.pending) > 0 {
		s += ", " + strconv.Itoa(len(ms.pending)) + " delayed"
	}
	return s
}

func (ms *mailslot) traceRead(pid uint32, h kernel.Handle, o *kernel.Object, n int) {
	if ms.dev.m.Tracing() {
		ms.dev.m.Emit(kernel.TraceEvent{Kind: kernel.EvDevice, PID: pid, Handle: h, Object: o.ID(), Type: "File", Name: ms.ntName(), Detail: "message read " + strconv.Itoa(n) + " bytes"})
	}
}

// trace emits a device event about the mailslot, when anyone listens.
func (ms *mailslot) trace(pid uint32, detail string) {
	if ms.dev.m.Tracing() {
		ms.dev.m.Emit(kernel.TraceEvent{Kind: kernel.EvDevice, PID: pid, Type: "File", Name: ms.ntName(), Detail: detail})
	}
}
