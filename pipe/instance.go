package pipe

import (
	"fmt"
	"sync"

	"github.com/winsim/winsim/kernel"
)

// This file implements the pipe instance: one server end, at most one client end at a
// time, and the two data queues between them (NT's NPFS CCB, Wine's pipe_server with its
// connection). Its state machine, seen from the server end (NT's FILE_PIPE_*_STATE):
//
//	            CreateNamedPipe
//	                  │
//	                  ▼        client CreateFile
//	   ┌──────────► listening ─────────────────► connected ──────┐
//	   │              │                            │  │          │ client's last
//	   │ Connect-     │ DisconnectNamedPipe        │  │          │ handle closed
//	   │ NamedPipe    ▼                            │  │          ▼
//	   └──────── disconnected ◄────────────────────┘  │       closing
//	                  ▲       DisconnectNamedPipe     │          │
//	                  └───────────────────────────────┼──────────┘
//	                                                  │   DisconnectNamedPipe
//	   any state ── server's last handle closed ──► closed
//
// The client end has its own, simpler view: connected, then closing (the server's last
// handle closed: queued data can still be read) or disconnected (DisconnectNamedPipe:
// everything fails with ERROR_PIPE_NOT_CONNECTED, for good).

// instState is a pipe end's state. The first four values are NT's FILE_PIPE_*_STATE
// numbers, which FSCTL_PIPE_PEEK and FilePipeLocalInformation report.
type instState int

const (
	stateDisconnected instState = 1 // FILE_PIPE_DISCONNECTED_STATE
	stateListening    instState = 2 // FILE_PIPE_LISTENING_STATE
	stateConnected    instState = 3 // FILE_PIPE_CONNECTED_STATE
	stateClosing      instState = 4 // FILE_PIPE_CLOSING_STATE
	stateClosed       instState = 5 // winsim: the end's last handle is closed
)

func (s instState) String() string {
	switch s {
	case stateDisconnected:
		return "disconnected"
	case stateListening:
		return "listening"
	case stateConnected:
		return "connected"
	case stateClosing:
		return "closing"
	case stateClosed:
		return "closed"
	}
	return fmt.Sprintf("instState(%d)", int(s))
}

// An instance is one instance of a named pipe (or the single instance of an anonymous
// pipe). It is analogous to NT's NPFS CCB (Wine: struct pipe_server and the connection
// it holds).
//
// Lifetime: created by CreateNamedPipe (or CreatePipe) together with its server end.
// The server end and the client ends that connected to it point at it; it is plain Go
// memory, not a kernel object, and goes when the last of them is deleted. Instances must
// not be copied.
type instance struct {
	// Immutable after creation.
	fcb       *namedPipe
	m         *kernel.Machine // the server's machine
	serverPID uint32
	inQuota   uint32 // nInBufferSize: what the client may queue for the server
	outQuota  uint32 // nOutBufferSize: what the server may queue for the client

	mu sync.Mutex
	// +checklocks:mu
	state instState
	// server is the server end; nil once its last handle has closed.
	// +checklocks:mu
	server *end
	// client is the connected client end; nil while none is connected.
	// +checklocks:mu
	client *end
	// toServer carries the client's writes; toClient the server's.
	// +checklocks:mu
	toServer, toClient buffer
	// clientPID and clientHost describe the last client to connect, until a
	// DisconnectNamedPipe; hasClient says whether there is one.
	// +checklocks:mu
	clientPID uint32
	// +checklocks:mu
	clientHost string
	// +checklocks:mu
	hasClient bool
	// clientToken is the last client's identity as the server's machine sees it, and
	// clientLevel the impersonation level its CreateFile allowed; clientSeq is
	// toServer.seq when it connected, so ImpersonateNamedPipeClient can tell whether
	// it has written since (security.go). Valid while hasClient.
	// +checklocks:mu
	clientToken *kernel.Token
	// +checklocks:mu
	clientLevel kernel.ImpersonationLevel
	// +checklocks:mu
	clientSeq uint64
	// connects are the pending ConnectNamedPipe requests of the server end: they
	// complete when a client connects and fail when the instance is disconnected or
	// its server end closes.
	// +checklocks:mu
	connects reqQueue
}

func newInstance(fcb *namedPipe, m *kernel.Machine, serverPID, outSize, inSize uint32, state instState) *instance {
	in := &instance{fcb: fcb, m: m, serverPID: serverPID, inQuota: inSize, outQuota: outSize, state: state}
	in.toServer = buffer{quota: int(inSize), message: fcb.message, net: m.Network()}
	in.toClient = buffer{quota: int(outSize), message: fcb.message, net: m.Network()}
	return in
}

// advanceLocked moves the instance to state to, panicking on a transition the state
// machine above does not have (a winsim bug, never a caller's mistake).
// Preconditions: in.mu is held.
func (in *instance) advanceLocked(to instState) {
	from := in.state
	ok := false
	switch to {
	case stateConnected:
		ok = from == stateListening
	case stateClosing:
		ok = from == stateConnected
	case stateDisconnected:
		ok = from == stateListening || from == stateConnected || from == stateClosing
	case stateListening:
		ok = from == stateDisconnected
	case stateClosed:
		ok = from != stateClosed
	}
	if !ok {
		panic(fmt.Sprintf("pipe: impossible instance transition %v → %v", from, to))
	}
	in.state = to
}

// breakLocked fails what the end of the current connection (err) ends: pending
// flushes on both ends and pending connects.
// Preconditions: in.mu is held.
func (in *instance) breakLocked(err error, wl *wakeList) {
	in.toServer.flushes.failAllLocked(err, wl)
	in.toClient.flushes.failAllLocked(err, wl)
	in.connects.failAllLocked(err, wl)
}

// noteDrainedLocked completes the flushes waiting on b once b is empty: a flush is done
// when the reader has taken everything, and nothing that happens later changes that.
// Preconditions: in.mu is held.
func (in *instance) noteDrainedLocked(b *buffer, wl *wakeList) {
	if b.flushes.n > 0 && b.emptyLocked() {
		for b.flushes.n > 0 {
			completeLocked(b.flushes.pop(), 0, nil, wl)
		}
	}
}

// connectLocked attaches the client end c: listening → connected.
// Preconditions: in.fcb.mu and in.mu are held; in is listening.
func (in *instance) connectLocked(c *end, pid uint32, host string, wl *wakeList) {
	in.advanceLocked(stateConnected)
	in.client = c
	in.clientPID, in.clientHost, in.hasClient = pid, host, true
	for in.connects.n > 0 {
		r := in.connects.pop()
		var err error
		if r.Flags&reqLateConnect != 0 {
			err = kernel.ERROR_PIPE_CONNECTED // the adversary's OutcomePipeConnected
		}
		completeLocked(r, 0, err, wl)
	}
}

// disconnectLocked is DisconnectNamedPipe on the server end: every queued byte is
// discarded, blocked calls on both ends fail with ERROR_PIPE_NOT_CONNECTED, and the
// client end is disconnected for good (windows-facts.md NP-41, NP-95, NP-98, NP-102). It
// returns the client end that was cut off, if any.
// Preconditions: in.fcb.mu and in.mu are held; in is listening, connected or closing.
func (in *instance) disconnectLocked(wl *wakeList) (cut *end) {
	err := kernel.ERROR_PIPE_NOT_CONNECTED
	if in.state == stateListening {
		in.fcb.removeListenerLocked(in)
	}
	if c := in.client; c != nil {
		c.state = stateDisconnected
		cut = c
		in.client = nil
	}
	for _, b := range []*buffer{&in.toServer, &in.toClient} {
		b.discardLocked(err, wl)
		b.failReadersLocked(err, wl)
	}
	in.hasClient, in.clientPID, in.clientHost = false, 0, ""
	in.advanceLocked(stateDisconnected)
	in.breakLocked(err, wl)
	return cut
}

// clientClosedLocked handles the last handle of the connected client end c closing:
// the server sees the closing state. What the client wrote and completed stays readable;
// its blocked writes are withdrawn; everything else blocked fails with ERROR_BROKEN_PIPE
// (windows-facts.md NP-90 to NP-93 "pending operations").
// Preconditions: in.mu is held; c is in.client.
func (in *instance) clientClosedLocked(wl *wakeList) {
	err := kernel.ERROR_BROKEN_PIPE
	in.toClient.discardLocked(err, wl)
	in.toClient.failReadersLocked(err, wl)
	in.toServer.failWritersLocked(err, wl)
	in.toServer.failReadersLocked(err, wl)
	in.client = nil
	in.advanceLocked(stateClosing)
	in.breakLocked(err, wl)
}

// serverClosedLocked handles the last handle of the server end closing, in any state.
// A connected client sees the closing state and can still read what the server wrote.
// Preconditions: in.fcb.mu and in.mu are held.
func (in *instance) serverClosedLocked(wl *wakeList) {
	err := kernel.ERROR_BROKEN_PIPE
	if c := in.client; c != nil && in.state == stateConnected {
		c.state = stateClosing
		in.toServer.discardLocked(err, wl)
		in.toServer.failReadersLocked(err, wl)
		in.toClient.failWritersLocked(err, wl)
		in.toClient.failReadersLocked(err, wl)
	} else {
		for _, b := range []*buffer{&in.toServer, &in.toClient} {
			b.discardLocked(err, wl)
			b.failReadersLocked(err, wl)
		}
	}
	if in.state == stateListening {
		in.fcb.removeListenerLocked(in)
	}
	in.server, in.client = nil, nil
	in.advanceLocked(stateClosed)
	in.breakLocked(err, wl)
}

// orphanedClientClosedLocked handles the last handle of a client end closing after its
// server closed (closing) or disconnected it: nothing is connected any more, and what is
// left queued for it is dropped.
// Preconditions: in.mu is held; c is not in.client.
func (in *instance) orphanedClientClosedLocked(c *end, wl *wakeList) {
	if c.state == stateClosing {
		in.toClient.discardLocked(kernel.ERROR_BROKEN_PIPE, wl)
	}
}
