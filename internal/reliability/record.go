package reliability

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/winsim/winsim/kernel"
)

// The environment variables through which a run reaches the tests it starts.
const (
	// EnvOut names the figures file the tests append their Records to. Unset, they
	// report nothing.
	EnvOut = "WINSIM_RELIABILITY_OUT"
	// EnvStep names the step of make reliability the test runs in.
	EnvStep = "WINSIM_RELIABILITY_STEP"
)

// A Record is one line of a figures file: what one step, test or fuzz run measured,
// and whether it passed. Exactly one of the figure fields is set.
type Record struct {
	// Step is the make reliability step that produced the record.
	Step string `json:"step,omitempty"`
	// Name is the test, fuzz target or benchmark measured (for Env and Run, the step).
	Name string `json:"name"`
	// Pass reports whether it passed: the test did not fail, the command exited 0.
	Pass bool `json:"pass"`
	// Elapsed is how long it ran, in real time.
	Elapsed time.Duration `json:"elapsed_ns"`

	Env       *Env       `json:"env,omitempty"`
	Run       *Run       `json:"run,omitempty"`
	Stress    *Stress    `json:"stress,omitempty"`
	Removal   *Removal   `json:"removal,omitempty"`
	Discovery *Discovery `json:"discovery,omitempty"`
	BadInput  *BadInput  `json:"bad_input,omitempty"`
}

// Env is where and how a run was made: the first record of a figures file.
type Env struct {
	// Date is when the run started, in UTC (RFC 3339).
	Date      string `json:"date"`
	GoVersion string `json:"go_version"`
	GOOS      string `json:"goos"`
	GOARCH    string `json:"goarch"`
	CPUs      int    `json:"cpus"`
	// Load is the load average (1, 5, 15 minutes) when the run started, where the
	// system tells it ("" elsewhere).
	Load string `json:"load,omitempty"`
	// Commit is the source tree measured (git describe --always --dirty), if known.
	Commit string `json:"commit,omitempty"`
	// Vars are the make variables the run used, in the order given.
	Vars []Var `json:"vars,omitempty"`
}

// Var is one make variable: NAME=value.
type Var struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Run is one command a step ran, with what its output told.
type Run struct {
	Command  []string `json:"command"`
	ExitCode int      `json:"exit_code"`
	// Fuzz is set for a fuzz run (go test -fuzz), Bench for a benchmark run.
	Fuzz  *Fuzz   `json:"fuzz,omitempty"`
	Bench []Bench `json:"bench,omitempty"`
}

// Fuzz is what go test -fuzz reported for one target.
type Fuzz struct {
	Package  string `json:"package"`
	Target   string `json:"target"`
	FuzzTime string `json:"fuzztime"`
	// Committed is the number of inputs in the target's committed corpus
	// (testdata/fuzz/<target>) before the run.
	Committed int `json:"committed"`
	// Workers is the number of fuzzing workers; Baseline the inputs (seeds, committed
	// and cached corpus) run first to gather coverage.
	Workers  int `json:"workers"`
	Baseline int `json:"baseline"`
	// Fuzzing is the time spent fuzzing, as go test reports it (whole seconds).
	Fuzzing time.Duration `json:"fuzzing_ns"`
	// Execs is the number of executions; NewInteresting the inputs that widened
	// coverage (added to the cached corpus); Corpus the corpus size at the end.
	Execs          uint64 `json:"execs"`
	NewInteresting int    `json:"new_interesting"`
	Corpus         int    `json:"corpus"`
	// Crashers are the failing inputs go test wrote (paths from the module root).
	Crashers []string `json:"crashers,omitempty"`
}

// Bench is one benchmark result line.
type Bench struct {
	Name        string  `json:"name"`
	N           uint64  `json:"n"`
	NsPerOp     float64 `json:"ns_per_op"`
	AllocsPerOp uint64  `json:"allocs_per_op"`
}

// Stress is what TestCheckedStress measured.
type Stress struct {
	// Messages is the total asked for (-stress.messages).
	Messages int `json:"messages"`
	// Race reports whether the test ran under the race detector.
	Race bool `json:"race"`
	// Sent and received, per kind: pipe messages (each acknowledged), messages to the
	// local mailslot, and remote mailslot datagrams.
	PipeSent           uint64 `json:"pipe_sent"`
	PipeReceived       uint64 `json:"pipe_received"`
	LocalSlotSent      uint64 `json:"local_slot_sent"`
	LocalSlotReceived  uint64 `json:"local_slot_received"`
	RemoteSlotSent     uint64 `json:"remote_slot_sent"`
	RemoteSlotReceived uint64 `json:"remote_slot_received"`
	Ledger
	// Victims is the number of processes terminated in a blocking read.
	Victims uint64 `json:"victims"`
	// SelfChecks is the number of Network.Check calls made during the traffic.
	SelfChecks uint64 `json:"self_checks"`
	// Faults is what the network's fault injector did (the test sets no faults).
	Faults kernel.FaultCounts `json:"faults"`
	// AdversarySetting is the adversarial mode the traffic ran under
	// (docs/adversarial.md), Adversary what it decided.
	AdversarySetting kernel.Adversary       `json:"adversary_setting"`
	Adversary        kernel.AdversaryCounts `json:"adversary"`
	// CheckPassed reports the self-check after the traffic; Leaks the objects left
	// in the machines' censuses.
	CheckPassed bool `json:"check_passed"`
	Leaks       int  `json:"leaks"`
}

// Ledger counts what went wrong with received messages: Lost counts messages that
// may not be lost (pipe messages, local mailslot messages) and were not received;
// RemoteLost remote datagrams not received, which Windows allows.
type Ledger struct {
	Lost       uint64 `json:"lost"`
	RemoteLost uint64 `json:"remote_lost"`
	Duplicated uint64 `json:"duplicated"`
	Reordered  uint64 `json:"reordered"`
	Corrupt    uint64 `json:"corrupt"`
}

// Bad reports whether anything that may not happen happened: a loss (other than a
// remote datagram's), a duplicate, a reordering or a corrupt message.
func (l Ledger) Bad() bool { return l.Lost+l.Duplicated+l.Reordered+l.Corrupt > 0 }

// Removal is what TestRemoveMachineMidTrafficLosesNothingElsewhere measured.
type Removal struct {
	// Sent and received by the senders on the machines that stay.
	PipeSent     uint64 `json:"pipe_sent"`
	PipeReceived uint64 `json:"pipe_received"`
	SlotSent     uint64 `json:"slot_sent"`
	SlotReceived uint64 `json:"slot_received"`
	Ledger
	// RemovedSent is what the removed machine's senders sent before it went;
	// RemovedCutOff how many of them were ended by an error, as they must be.
	RemovedSent    uint64 `json:"removed_sent"`
	RemovedCutOff  int    `json:"removed_cut_off"`
	RemovedSenders int    `json:"removed_senders"`
	CheckPassed    bool   `json:"check_passed"`
}

// Discovery is what TestDiscoveryCompletesUnderLoss measured.
type Discovery struct {
	Seeds   int     `json:"seeds"`
	Servers int     `json:"servers"`
	Loss    float64 `json:"loss"`
	// Broadcasts is the total over all seeds; Most the most one seed needed; Limit
	// the most the test allows.
	Broadcasts int `json:"broadcasts"`
	Most       int `json:"most"`
	Limit      int `json:"limit"`
	// Faults sums the fault injectors' counts over the seeds.
	Faults kernel.FaultCounts `json:"faults"`
}

// BadInput is what the bad-input table (TestBadInput) ran.
type BadInput struct {
	// HandleCells is the number of handle-matrix cells run; Skipped the cells whose
	// input the call accepts or that do not apply (not run).
	HandleCells int `json:"handle_cells"`
	Skipped     int `json:"skipped"`
	// Cases is the number of other bad-input cases run.
	Cases int `json:"cases"`
	// Calls is the number of public calls with rows.
	Calls int `json:"calls"`
	// Failed is the number of rows that failed.
	Failed int `json:"failed"`
}

// Append appends r to the figures file at path as one JSON line, creating the file.
func Append(path string, r Record) error {
	line, err := json.Marshal(r)
	if err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return err
	}
	_, err = f.Write(append(line, '\n'))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// ReadRecords reads a figures file's records, in order.
func ReadRecords(r io.Reader) ([]Record, error) {
	var recs []Record
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 16<<20)
	for line := 1; sc.Scan(); line++ {
		b := bytes.TrimSpace(sc.Bytes())
		if len(b) == 0 {
			continue
		}
		var rec Record
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&rec); err != nil {
			return nil, fmt.Errorf("reliability: line %d: %w", line, err)
		}
		recs = append(recs, rec)
	}
	return recs, sc.Err()
}
