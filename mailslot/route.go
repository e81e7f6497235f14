package mailslot

import (
	"cmp"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/winsim/winsim/kernel"
)

// This file implements remote and broadcast delivery, the datagram side of mailslots
// ([MS-MAIL] 1: an unreliable, one-way protocol). A WriteFile on a
// remote or broadcast client:
//
//  1. refuses more than MaxRemoteMessageSize bytes (About Mailslots: no more than 424
//     bytes between computers), with ERROR_INVALID_PARAMETER, before anything is sent;
//  2. stores the payload once: every receiving queue shares that one read-only copy;
//  3. resolves the destination at this moment: \\NAME names machine NAME if there is
//     one, else every machine whose domain is NAME; \\* names every machine of the
//     writer's own domain (the writer's machine included);
//  4. decides each copy's fate on the network (kernel.FaultInjector: partitions, loss,
//     duplication, delay), except the writer's own machine's copy, which is local and
//     never faulted;
//  5. hands each surviving copy to the receiving machine's mailslot of that name, if
//     any, at once or, when delayed, when the receiving machine's clock says so. A
//     receiver drops a copy over its maximum message size, as its local write of that
//     copy would fail (mailslot.write).
//
// The write succeeds whatever happens to the copies, as a datagram send does.

// MaxRemoteMessageSize is the most bytes one message sent between computers may carry
// (About Mailslots: at most 424 bytes between computers).
const MaxRemoteMessageSize = 424

// memberLists keeps the slices broadcasts collect domain members in, so that a broadcast
// to a large domain allocates no per-member memory once warm. It is a plain free list
// rather than a sync.Pool, which may drop what it holds at any time (and, under the race
// detector, on purpose).
var memberLists struct {
	mu sync.Mutex
	// +checklocks:mu
	free [][]*kernel.Machine
}

// getMembers returns an empty slice to collect members in.
func getMembers() []*kernel.Machine {
	memberLists.mu.Lock()
	defer memberLists.mu.Unlock()
	if n := len(memberLists.free); n > 0 {
		s := memberLists.free[n-1]
		memberLists.free = memberLists.free[:n-1]
		return s
	}
	return make([]*kernel.Machine, 0, 64)
}

// putMembers gives s back, emptied so that it keeps no machine alive.
func putMembers(s []*kernel.Machine) {
	clear(s)
	memberLists.mu.Lock()
	memberLists.free = append(memberLists.free, s[:0])
	memberLists.mu.Unlock()
}

// route sends p from the process's machine to t (a remote or broadcast target).
func route(from *kernel.Process, t target, p []byte) (int, error) {
	if len(p) > MaxRemoteMessageSize {
		return 0, kernel.ERROR_INVALID_PARAMETER
	}
	src := from.Machine()
	msg := make([]byte, len(p)) // stored once, shared read-only by every receiving queue
	copy(msg, p)
	net := src.Network()
	inj := net.Injector()
	if t.kind == toHost {
		if to := net.Machine(t.host); to != nil {
			deliverTo(inj, src, to, t.key, msg)
			return len(p), nil
		}
	}
	domain := t.host
	if t.kind == toDomain {
		domain = src.Domain()
	}
	members := net.AppendDomainMembers(getMembers(), domain)
	if inj != nil || src.Tracing() {
		// Fates are drawn, and deliveries traced, in name order so that a seeded or
		// traced run repeats exactly.
		slices.SortFunc(members, func(a, b *kernel.Machine) int { return cmp.Compare(a.Name(), b.Name()) })
	}
	for _, to := range members {
		deliverTo(inj, src, to, t.key, msg)
	}
	if src.Tracing() {
		src.Emit(kernel.TraceEvent{Kind: kernel.EvDevice, PID: from.PID(), Type: "File", Name: deviceName + t.path, Detail: "broadcast to domain " + domain + ": " + strconv.Itoa(len(p)) + " bytes, " + strconv.Itoa(len(members)) + " machines"})
	}
	putMembers(members)
	return len(p), nil
}

// deliverTo carries one copy of msg from machine src to machine to, subject to the
// network's faults.
func deliverTo(inj *kernel.FaultInjector, src, to *kernel.Machine, key string, msg []byte) {
	fate := inj.Decide(src, to)
	if fate.Copies == 0 {
		if to.Tracing() {
			why := "lost"
			if fate.Partitioned {
				why = "lost to a partition"
			}
			to.Emit(kernel.TraceEvent{Kind: kernel.EvDevice, Type: "File", Name: deviceName, Detail: "datagram from " + src.Name() + " " + why})
		}
		return
	}
	d := deviceOf(to)
	if d == nil {
		return
	}
	ms := d.lookup(key)
	if ms == nil {
		return
	}
	for i := 0; i < fate.Copies; i++ {
		if fate.Delays[i] > 0 {
			ms.deliverLater(msg, src.Name(), fate.Delays[i])
		} else {
			ms.deliver(msg, src.Name())
		}
	}
}

// A delayed is a copy of a message on its way to a mailslot, due when its timer (on the
// receiving machine's clock) fires.
//
// Lifetime: created by deliverLater and entered in the mailslot's pending set; it
// leaves the set when it arrives or when the mailslot closes, which stops its timer. So
// no timer outlives the mailslot it is bound for, nor the machine (whose processes'
// exits close its mailslots).
type delayed struct {
	ms    *mailslot    // immutable
	msg   []byte       // immutable, shared
	from  string       // immutable
	timer kernel.Timer // set under ms.mu before anyone else sees the delayed
}

// deliverLater schedules msg to arrive after d on the mailslot's machine clock.
func (ms *mailslot) deliverLater(msg []byte, from string, d time.Duration) {
	dl := &delayed{ms: ms, msg: msg, from: from}
	ms.mu.Lock()
	if ms.closed.Load() {
		ms.mu.Unlock()
		return
	}
	if ms.pending == nil {
		ms.pending = make(map[*delayed]struct{})
	}
	// fire takes ms.mu, so it cannot look at dl before dl.timer is set. Lock order:
	// mailslot.mu before the clock's own lock; clocks run callbacks without their lock.
	dl.timer = ms.dev.m.Clock().AfterFunc(d, dl.fire)
	ms.pending[dl] = struct{}{}
	ms.mu.Unlock()
	if ms.dev.m.Tracing() {
		ms.trace(0, "datagram from "+from+" delayed "+d.String())
	}
}

// fire delivers a delayed copy, unless its mailslot closed first.
func (dl *delayed) fire() {
	ms := dl.ms
	ms.mu.Lock()
	_, ok := ms.pending[dl]
	delete(ms.pending, dl)
	ms.mu.Unlock()
	if ok {
		ms.deliver(dl.msg, dl.from)
	}
}
