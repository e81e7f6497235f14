package kernel

import (
	"hash/fnv"
	"strings"
	"sync"
)

// This file is the adversarial mode: a network-wide setting that makes winsim choose,
// on purpose and reproducibly, outcomes that Windows allows but a quiet machine seldom
// shows, so that a test can run the code under test against them under many seeds and
// replay a failing one. Every outcome it injects is one Windows can produce;
// docs/adversarial.md lists each with its source.
//
// Reproducibility: a choice does not consume a shared random stream (whose order
// would follow goroutine scheduling). It is a hash of the seed, the outcome, the key
// the file system gives (which names the caller and the object by name, not by handle
// value or timing) and how many times that key has been decided before. The same
// seed and the same calls in the same order per key give the same choices.

// Outcomes the adversary can inject, the values of Adversary's fields. Each is one
// Windows can produce at the point where it is injected; docs/adversarial.md gives the
// sources.
const (
	// OutcomePipeBusy: a client's open of a named pipe that has a listening instance
	// fails with ERROR_PIPE_BUSY, as when another client connected to that instance
	// first. Microsoft, WaitNamedPipe: "A subsequent CreateFile call to the pipe can
	// fail, because the instance was closed by the server or opened by another client."
	OutcomePipeBusy = "pipe-busy"
	// OutcomeShortRead: a ReadFile of a byte-type pipe returns fewer bytes than it
	// asked for and than are queued (at least one); the rest stays queued, in order,
	// for the next read. Microsoft, "Named Pipe Type, Read, and Wait Modes": a
	// byte-type pipe does not keep the bytes of different writes apart, and a read
	// completes "when all available bytes in the pipe are read or when the specified
	// number of bytes is read"; what is available depends on how the writer's bytes
	// arrived. Message reads are never shortened.
	OutcomeShortRead = "short-read"
	// OutcomePartialWrite: a WriteFile on a PIPE_NOWAIT handle that would fit is
	// answered as one that does not fit: success with only the bytes pending reads
	// took (often 0) on a byte-type pipe, success with 0 bytes and nothing queued on a
	// message-type pipe. Microsoft, CreateNamedPipe: the buffer sizes "are advisory";
	// what Windows does when a nonblocking write does not fit is Wine's
	// dlls/kernel32/tests/pipe.c test_nowait (docs/windows-facts.md NP-106, NP-109).
	OutcomePartialWrite = "partial-write"
	// OutcomePipeConnected: a ConnectNamedPipe that waits (no OVERLAPPED, or a handle
	// without FILE_FLAG_OVERLAPPED) on an instance that is already listening fails with
	// ERROR_PIPE_CONNECTED when its client arrives, as when the client connected before
	// the server called it: a listening instance takes clients before ConnectNamedPipe
	// (docs/windows-facts.md NP-31, NP-36), and only a client that "connects after the
	// function is called" makes it return success (Microsoft, ConnectNamedPipe).
	OutcomePipeConnected = "pipe-connected"
)

// Adversary configures the adversarial mode. The zero value injects nothing.
type Adversary struct {
	// Seed drives every choice.
	Seed uint64
	// PipeBusy is the probability, in [0, 1], of OutcomePipeBusy on each client open
	// that would otherwise succeed.
	PipeBusy float64
	// ShortRead is the probability of OutcomeShortRead on each read of a byte-type
	// pipe that would otherwise return two bytes or more.
	ShortRead float64
	// PartialWrite is the probability of OutcomePartialWrite on each PIPE_NOWAIT write
	// that would otherwise go through whole and that pending reads do not take whole.
	PartialWrite float64
	// PipeConnected is the probability of OutcomePipeConnected on each waiting
	// ConnectNamedPipe of a listening instance.
	PipeConnected float64
	// MaxInARow bounds how many times in a row one key gets an outcome, so that code
	// that retries (or loops) as Windows asks always gets through; 0 means 3.
	MaxInARow int
}

// The outcomes' indexes in AdversaryCounts.byOutcome order, and outcomeIndex's answer for
// an outcome the mode does not know.
const (
	idxPipeBusy = iota
	idxShortRead
	idxPartialWrite
	idxPipeConnected
	numOutcomes
	idxUnknown = -1
)

// outcomeIndex is outcome's index, or idxUnknown.
func outcomeIndex(outcome string) int {
	switch outcome {
	case OutcomePipeBusy:
		return idxPipeBusy
	case OutcomeShortRead:
		return idxShortRead
	case OutcomePartialWrite:
		return idxPartialWrite
	case OutcomePipeConnected:
		return idxPipeConnected
	}
	return idxUnknown
}

// probabilities are a's probabilities, by outcome index.
func (a *Adversary) probabilities() [numOutcomes]float64 {
	return [numOutcomes]float64{a.PipeBusy, a.ShortRead, a.PartialWrite, a.PipeConnected}
}

// OutcomeCounts counts one outcome's decisions.
type OutcomeCounts struct {
	// Asked is the number of decisions a file system asked for while the outcome's
	// probability was above 0: each a point where Windows allows the outcome.
	Asked uint64
	// Injected is the number of those that injected the outcome.
	Injected uint64
	// Capped is the number of those refused only because their key had had the
	// outcome MaxInARow times in a row (not drawn; counted in Asked, not Injected).
	Capped uint64
}

// AdversaryCounts counts, per outcome, the decisions the adversarial mode made since
// the SetAdversary that turned it on with its current setting. SetAdversary restarts
// them, as it restarts the choices, so that they describe one setting's run; turning
// the mode off discards them. A decision for an outcome whose probability is 0 is not
// counted: nothing could be injected into it.
type AdversaryCounts struct {
	PipeBusy, ShortRead, PartialWrite, PipeConnected OutcomeCounts
}

// byOutcome is c's counts by outcome index.
func (c *AdversaryCounts) byOutcome() [numOutcomes]*OutcomeCounts {
	return [numOutcomes]*OutcomeCounts{&c.PipeBusy, &c.ShortRead, &c.PartialWrite, &c.PipeConnected}
}

// Asked is the number of decisions counted, over every outcome.
func (c AdversaryCounts) Asked() uint64 {
	return c.PipeBusy.Asked + c.ShortRead.Asked + c.PartialWrite.Asked + c.PipeConnected.Asked
}

// Injected is the number of outcomes injected, over every outcome.
func (c AdversaryCounts) Injected() uint64 {
	return c.PipeBusy.Injected + c.ShortRead.Injected + c.PartialWrite.Injected + c.PipeConnected.Injected
}

// adversary is a network's adversarial mode, set by SetAdversary. Lock order: mu is a
// leaf; file systems ask under their own locks (a pipe instance's).
type adversary struct {
	cfg Adversary // immutable once published
	mu  sync.Mutex
	// seen counts the decisions made per outcome and key; inARow the injections in a
	// row per outcome and key.
	// +checklocks:mu
	seen map[string]uint64
	// +checklocks:mu
	inARow map[string]int
	// counts are the decisions counted by outcome index (AdversaryCounts).
	// +checklocks:mu
	counts [numOutcomes]OutcomeCounts
}

// SetAdversary turns the adversarial mode on with a and restarts its counts, so that a
// test run again with the same seed makes the same choices, and its AdversaryCounts. A setting whose
// probabilities are all 0 (the zero Adversary) turns it off. A probability outside
// [0, 1] or a negative MaxInARow is ERROR_INVALID_PARAMETER.
func (n *Network) SetAdversary(a Adversary) error {
	on := false
	for _, p := range a.probabilities() {
		if !validProbability(p) {
			return ERROR_INVALID_PARAMETER
		}
		on = on || p > 0
	}
	if a.MaxInARow < 0 {
		return ERROR_INVALID_PARAMETER
	}
	if !on {
		n.adversary.Store(nil)
		return nil
	}
	if a.MaxInARow == 0 {
		a.MaxInARow = 3
	}
	n.adversary.Store(&adversary{cfg: a, seen: map[string]uint64{}, inARow: map[string]int{}})
	return nil
}

// Adversary returns the adversarial mode's configuration (the zero value when off).
func (n *Network) Adversary() Adversary {
	if a := n.adversary.Load(); a != nil {
		return a.cfg
	}
	return Adversary{}
}

// AdversaryCounts returns the adversarial mode's counts of decisions asked and outcomes
// injected since SetAdversary turned it on with its current setting (the zero value
// when off).
func (n *Network) AdversaryCounts() AdversaryCounts {
	var c AdversaryCounts
	a := n.adversary.Load()
	if a == nil {
		return c
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	for i, oc := range c.byOutcome() {
		*oc = a.counts[i]
	}
	return c
}

// AdversaryOn reports whether the adversarial mode is on: one atomic load, for file
// systems to test on their hot paths before they build a key. A nil network has none.
func (n *Network) AdversaryOn() bool { return n != nil && n.adversary.Load() != nil }

// AdversaryChooses reports whether the adversarial mode injects outcome now for the key
// made of keyParts: the file system's question at a point where Windows allows that
// outcome. The key names the caller and the object by name (for a pipe open: the
// client's machine and process and the pipe). For file systems; it is false when the
// mode is off.
func (n *Network) AdversaryChooses(outcome string, keyParts ...string) bool {
	_, ok := n.AdversaryDraw(outcome, keyParts...)
	return ok
}

// AdversaryDraw is AdversaryChooses that also returns, when it injects, a well-mixed
// 64-bit value derived from the same decision, for the file system to choose the
// outcome's extent with (how many bytes a short read returns). The value is as
// reproducible as the decision.
func (n *Network) AdversaryDraw(outcome string, keyParts ...string) (uint64, bool) {
	a := n.adversary.Load()
	if a == nil {
		return 0, false
	}
	i := outcomeIndex(outcome)
	if i == idxUnknown {
		return 0, false
	}
	p := a.cfg.probabilities()[i]
	if p == 0 {
		return 0, false
	}
	k := outcome + "\x00" + strings.Join(keyParts, "\x00")
	a.mu.Lock()
	defer a.mu.Unlock()
	c := &a.counts[i]
	c.Asked++
	nth := a.seen[k]
	a.seen[k] = nth + 1
	if a.inARow[k] >= a.cfg.MaxInARow {
		a.inARow[k] = 0
		c.Capped++
		return 0, false
	}
	h := fnv.New64a()
	_, _ = h.Write([]byte(k))
	x := splitmix64(a.cfg.Seed ^ h.Sum64() ^ splitmix64(nth))
	if float64(x>>11)/(1<<53) < p {
		a.inARow[k]++
		c.Injected++
		return splitmix64(x), true
	}
	a.inARow[k] = 0
	return 0, false
}

// splitmix64 is the SplitMix64 finalizer: a well-mixed 64-bit hash of x.
func splitmix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}
