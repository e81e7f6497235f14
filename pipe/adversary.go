package pipe

import "github.com/winsim/winsim/kernel"

// This file is the pipe file system's part of the adversarial mode (kernel/adversary.go,
// docs/adversarial.md): the points where it asks the network whether to inject an
// outcome Windows allows. Each point first tests kernel.Network.AdversaryOn, one
// atomic load, so that with the mode off the read and write paths do no more work
// than before. The points:
//
//   - device.openClientLocked: kernel.OutcomePipeBusy, keyed by the client's machine
//     and process and the pipe;
//   - end.Read and buffer.serveReadersLocked: kernel.OutcomeShortRead, on byte-type
//     pipes only, keyed by the reader's machine, process, pipe and end;
//   - end.Write: kernel.OutcomePartialWrite, on PIPE_NOWAIT handles only, keyed by the
//     writer's machine, process, pipe and end;
//   - end.connect: kernel.OutcomePipeConnected, on a waiting ConnectNamedPipe of an
//     instance that was already listening, keyed by the server's machine, process,
//     pipe and end. The request is marked reqLateConnect and completes with
//     ERROR_PIPE_CONNECTED when its client arrives (instance.connectLocked).
//
// A key names the caller and the object by name, never by handle value or timing, so
// the same seed and the same calls in the same order per key make the same choices.
// Anonymous pipes have no name: all of one process's anonymous pipes share a key.

// adversaryDraw asks the adversarial mode whether to inject outcome on a call of p on
// the end e, and for the value that sizes it.
func (e *end) adversaryDraw(outcome string, p *kernel.Process) (uint64, bool) {
	role := "client"
	if e.server {
		role = "server"
	}
	return e.inst.m.Network().AdversaryDraw(outcome, p.Machine().Name(), p.Name(), e.inst.fcb.key, role)
}

// adversaryChooses is adversaryDraw's decision alone.
func (e *end) adversaryChooses(outcome string, p *kernel.Process) bool {
	_, ok := e.adversaryDraw(outcome, p)
	return ok
}

// adversaryShortLocked returns the buffer a read of b by p on the reader end e fills:
// dst, or under kernel.OutcomeShortRead a prefix of it shorter than what the read
// would take (at least one byte), so that the read returns fewer bytes than it asked
// for and than are queued, and the rest stays queued for the next read. Only a
// byte-type pipe's reads are shortened: a message-type pipe delivers each message
// whole, to message-mode and byte-mode readers alike (windows-facts.md NP-52 to NP-55).
// Preconditions: the instance's mu is held; the mode is on.
func (b *buffer) adversaryShortLocked(e *end, p *kernel.Process, dst []byte) []byte {
	if b.message {
		return dst
	}
	avail := min(len(dst), b.unread)
	if avail < 2 {
		return dst
	}
	x, ok := e.adversaryDraw(kernel.OutcomeShortRead, p)
	if !ok {
		return dst
	}
	return dst[:1+int(x%uint64(avail-1))]
}
