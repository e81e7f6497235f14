package mailslot

import (
	"sort"
	"strconv"

	"github.com/winsim/winsim/kernel"
)

// This file is the mailslot file system's part of the kernel self-check
// (kernel.InvariantChecker): a mailslot lives exactly while its server has handles, is
// in its device's name table while it lives, and every message queued on it belongs to
// that live server. Locks: a mailslot's mu and its device's mu are never held together
// here (close takes them one after the other).

var (
	_ kernel.InvariantChecker = (*serverEnd)(nil)
	_ kernel.InvariantChecker = (*Device)(nil)
)

// CheckInvariants implements kernel.InvariantChecker for a mailslot's server end.
func (s *serverEnd) CheckInvariants(r *kernel.InvariantReport) {
	ms := s.ms
	subj := r.This()
	handles := r.Object().HandleCount()
	ms.mu.Lock()
	closed := ms.closed.Load()
	queued, readers, delayed := ms.q.len(), len(ms.readers), len(ms.pending)
	bytes := 0
	for i := 0; i < ms.q.n; i++ {
		bytes += len(ms.q.buf[(ms.q.head+i)&(len(ms.q.buf)-1)].m)
	}
	for _, rd := range ms.readers {
		r.Waiter(subj, "read queue", rd)
	}
	qbytes := ms.q.bytes
	ms.mu.Unlock()

	switch {
	case handles > 0 && closed:
		r.Breach(subj, "mailslot closed while its server has handles", "open", "closed with "+strconv.FormatInt(handles, 10)+" handles")
	case handles == 0 && !closed:
		r.Breach(subj, "mailslot open after its server's last handle closed", "closed", "open")
	}
	if closed && queued+readers+delayed > 0 {
		r.Breach(subj, "messages of a closed mailslot", "none queued, read or delayed", strconv.Itoa(queued)+" queued, "+strconv.Itoa(readers)+" reads, "+strconv.Itoa(delayed)+" delayed")
	}
	if readers > 0 && queued > 0 {
		r.Breach(subj, "reads pending while messages are queued", "no pending read while messages are queued", strconv.Itoa(readers)+" reads, "+strconv.Itoa(queued)+" messages")
	}
	if bytes != qbytes {
		r.Breach(subj, "queued bytes", strconv.Itoa(bytes)+" (the messages' sum)", qbytes)
	}
	if !closed && ms.dev.lookup(ms.key) != ms {
		r.Breach(subj, "device name table entry of a live mailslot", "this mailslot", "another or none")
	}
}

// CheckInvariants implements kernel.InvariantChecker for the device: its name table
// holds only live mailslots, each under its own key.
func (d *Device) CheckInvariants(r *kernel.InvariantReport) {
	d.mu.RLock()
	keys := make([]string, 0, len(d.slots))
	for k := range d.slots {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	slots := make([]*mailslot, len(keys))
	for i, k := range keys {
		slots[i] = d.slots[k]
	}
	d.mu.RUnlock()
	for i, ms := range slots {
		subj := kernel.Named("mailslot " + ms.ntName())
		if ms.closed.Load() {
			r.Breach(subj, "closed mailslot in the name table", "live", "closed")
		}
		if ms.key != keys[i] {
			r.Breach(subj, "name table key", ms.key, keys[i])
		}
	}
}
