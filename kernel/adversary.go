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

// Outcomes the adversary can inject, the values of Adversary's fields.
const (
	// OutcomePipeBusy: a client's open of a named pipe that has a listening instance
	// fails with ERROR_PIPE_BUSY, as when another client connected to that instance
	// first. Microsoft, WaitNamedPipe: "A subsequent CreateFile call to the pipe can
	// fail, because the instance was closed by the server or opened by another client."
	OutcomePipeBusy = "pipe-busy"
)

// Adversary configures the adversarial mode. The zero value injects nothing.
type Adversary struct {
	// Seed drives every choice.
	Seed uint64
	// PipeBusy is the probability, in [0, 1], of OutcomePipeBusy on each client open
	// that would otherwise succeed.
	PipeBusy float64
	// MaxInARow bounds how many times in a row one key gets the outcome, so that a
	// client that retries as Windows asks always gets through; 0 means 3.
	MaxInARow int
}

// adversary is a network's adversarial mode, set by SetAdversary.
type adversary struct {
	cfg Adversary // immutable once published
	mu  sync.Mutex
	// seen counts the decisions made per outcome and key; inARow the injections in a
	// row per outcome and key.
	// +checklocks:mu
	seen map[string]uint64
	// +checklocks:mu
	inARow map[string]int
}

// SetAdversary turns the adversarial mode on with a (the zero Adversary turns it off)
// and restarts its counts, so that a test run again with the same seed makes the same
// choices. A probability outside [0, 1] or a negative MaxInARow is
// ERROR_INVALID_PARAMETER.
func (n *Network) SetAdversary(a Adversary) error {
	if !validProbability(a.PipeBusy) || a.MaxInARow < 0 {
		return ERROR_INVALID_PARAMETER
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

// AdversaryChooses reports whether the adversarial mode injects outcome now for the key
// made of keyParts: the file system's question at a point where Windows allows that
// outcome. The key names the caller and the object by name (for a pipe open: the
// client's machine and process and the pipe). For file systems; it is false, and costs
// nothing, when the mode is off.
func (n *Network) AdversaryChooses(outcome string, keyParts ...string) bool {
	a := n.adversary.Load()
	if a == nil {
		return false
	}
	var p float64
	switch outcome {
	case OutcomePipeBusy:
		p = a.cfg.PipeBusy
	}
	if p == 0 {
		return false
	}
	k := outcome + "\x00" + strings.Join(keyParts, "\x00")
	a.mu.Lock()
	defer a.mu.Unlock()
	nth := a.seen[k]
	a.seen[k] = nth + 1
	if a.inARow[k] >= a.cfg.MaxInARow {
		a.inARow[k] = 0
		return false
	}
	h := fnv.New64a()
	_, _ = h.Write([]byte(k))
	x := splitmix64(a.cfg.Seed ^ h.Sum64() ^ splitmix64(nth))
	if float64(x>>11)/(1<<53) < p {
		a.inARow[k]++
		return true
	}
	a.inARow[k] = 0
	return false
}

// splitmix64 is the SplitMix64 finalizer: a well-mixed 64-bit hash of x.
func splitmix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}
