package pipe

import (
	"sort"
	"strconv"

	"github.com/winsim/winsim/kernel"
)

// This file is the named-pipe file system's part of the kernel self-check
// (kernel.InvariantChecker): every pipe instance's state agrees with its ends, its data
// queues are consistent, and every request queued on it is a live waiter. Locks are
// taken in the package's order: device → pipe (fcb) → instance.

var (
	_ kernel.InvariantChecker = (*end)(nil)
	_ kernel.InvariantChecker = (*device)(nil)
)

// CheckInvariants implements kernel.InvariantChecker for one pipe end. The end is named
// through the report's object, not e.obj: the census lists an end's object before its creator
// sets e.obj (newEndHandle), and the check may run in between. An end reached through its
// instance (describeEnd) was attached under in.mu after its obj was set.
func (e *end) CheckInvariants(r *kernel.InvariantReport) {
	in := e.inst
	fcb := in.fcb
	subj := r.This()
	handles := r.Object().HandleCount()
	fcb.mu.Lock()
	defer fcb.mu.Unlock()
	in.mu.Lock()
	defer in.mu.Unlock()

	switch {
	case handles > 0 && e.closed:
		r.Breach(subj, "end closed while it has handles", "open", "closed with "+strconv.FormatInt(handles, 10)+" handles")
	case handles == 0 && !e.closed:
		r.Breach(subj, "end open after its last handle closed", "closed", "open")
	}
	if e.server {
		e.checkServerLocked(r, subj)
	} else {
		e.checkClientLocked(r, subj)
	}
	// The requests of this end: reads from its read buffer, writes and flushes into
	// its write buffer.
	rb, wb := e.readBuf(), e.writeBuf()
	if rb.readers.n > 0 && !rb.emptyLocked() {
		r.Breach(subj, "reads pending while data is queued", "no pending read while data is queued", strconv.Itoa(rb.readers.n)+" reads, "+strconv.Itoa(rb.recs.n)+" records")
	}
	for i := 0; i < rb.readers.n; i++ {
		r.Waiter(subj, "read queue", rb.readers.at(i))
	}
	for i := 0; i < wb.flushes.n; i++ {
		r.Waiter(subj, "flush queue", wb.flushes.at(i))
	}
	unread, npend := 0, 0
	for i := 0; i < wb.recs.n; i++ {
		rec := wb.recs.at(i)
		unread += rec.rem
		if rec.w != nil {
			npend++
			r.Waiter(subj, "write queue", rec.w)
		}
	}
	if unread != wb.unread {
		r.Breach(subj, "unread bytes of its writes", strconv.Itoa(unread)+" (the records' sum)", wb.unread)
	}
	if npend != wb.npend {
		r.Breach(subj, "blocked writes", strconv.Itoa(npend)+" (records with a writer)", wb.npend)
	}
}

// checkServerLocked checks the instance against its server end e.
// Preconditions: fcb.mu and in.mu are held.
func (e *end) checkServerLocked(r *kernel.InvariantReport, subj kernel.Subject) {
	in := e.inst
	listed := 0
	for _, l := range in.fcb.listeners {
		if l == in {
			listed++
		}
	}
	if e.closed {
		if in.server != nil || in.client != nil || in.state != stateClosed {
			r.Breach(subj, "instance of a closed server end", "closed, no ends", in.state.String()+describeEnds(in))
		}
		if listed != 0 {
			r.Breach(subj, "listening queue entries of a closed instance", 0, listed)
		}
		return
	}
	if in.server != e {
		r.Breach(subj, "instance's server end", "this end", describeEnd(in.server))
	}
	wantListed := 0
	switch in.state {
	case stateConnected:
		c := in.client
		if c == nil || c.closed || c.state != stateConnected || !in.hasClient {
			r.Breach(subj, "client end of a connected instance", "an open, connected client end", describeEnd(c))
		}
	case stateListening, stateDisconnected, stateClosing:
		if in.client != nil {
			r.Breach(subj, "client end of a "+in.state.String()+" instance", "none", describeEnd(in.client))
		}
		if in.state == stateListening {
			wantListed = 1
		}
		if in.state != stateClosing && (!in.toServer.emptyLocked() || !in.toClient.emptyLocked()) {
			r.Breach(subj, "data queued in a "+in.state.String()+" instance", "none", strconv.Itoa(in.toServer.recs.n+in.toClient.recs.n)+" records")
		}
	default:
		r.Breach(subj, "state of an open server end", "listening, connected, disconnected or closing", in.state.String())
	}
	if listed != wantListed {
		r.Breach(subj, "listening queue entries of a "+in.state.String()+" instance", wantListed, listed)
	}
	if in.connects.n > 0 && in.state != stateListening {
		r.Breach(subj, "pending ConnectNamedPipe on a "+in.state.String()+" instance", "none", in.connects.n)
	}
	for i := 0; i < in.connects.n; i++ {
		r.Waiter(subj, "connect queue", in.connects.at(i))
	}
}

// checkClientLocked checks the instance against its client end e.
// Preconditions: in.mu is held.
func (e *end) checkClientLocked(r *kernel.InvariantReport, subj kernel.Subject) {
	in := e.inst
	attached := in.client == e
	connected := !e.closed && e.state == stateConnected
	switch {
	case attached && !connected:
		r.Breach(subj, "client end attached to its instance", "open and connected", e.stateLocked().String())
	case attached && in.state != stateConnected:
		r.Breach(subj, "instance of an attached client end", "connected", in.state.String())
	case connected && !attached:
		r.Breach(subj, "connected client end's instance", "attached to this end", describeEnd(in.client))
	}
}

func describeEnd(e *end) string {
	if e == nil {
		return "none"
	}
	return e.obj.String() + " " + e.stateLocked().String()
}

func describeEnds(in *instance) string {
	return ", server " + describeEnd(in.server) + ", client " + describeEnd(in.client)
}

// CheckInvariants implements kernel.InvariantChecker for the device: every pipe in its
// name table is live and filed under its own name, and its listeners and waiters are.
func (d *device) CheckInvariants(r *kernel.InvariantReport) {
	d.mu.Lock()
	defer d.mu.Unlock()
	keys := make([]string, 0, len(d.pipes))
	for key := range d.pipes {
		keys = append(keys, key)
	}
	sort.Strings(keys)
	for _, key := range keys {
		fcb := d.pipes[key]
		subj := kernel.Named("pipe " + fcb.ntName())
		fcb.mu.Lock()
		if fcb.deleted || fcb.instances <= 0 {
			r.Breach(subj, "pipe in the name table", "live, with instances", "deleted="+strconv.FormatBool(fcb.deleted)+" instances="+strconv.Itoa(fcb.instances))
		}
		if fcb.key != key {
			r.Breach(subj, "name table key", fcb.key, key)
		}
		for i := 0; i < fcb.waiters.n; i++ {
			r.Waiter(subj, "WaitNamedPipe queue", fcb.waiters.at(i))
		}
		fcb.mu.Unlock()
	}
}
