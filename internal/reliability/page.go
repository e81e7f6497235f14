package reliability

import (
	"fmt"
	"strings"
)

// A Page is what the template of docs/reliability.md is executed with: the records of
// one run, sorted by kind, and every failure they show.
type Page struct {
	Env Env
	// Steps are the commands the run ran, in order; Fuzz and Bench the fuzz and
	// benchmark runs among them.
	Steps []Record
	Fuzz  []Record
	Bench []Record
	// The tests' own records.
	Stress    []Record
	Removal   []Record
	Discovery []Record
	BadInput  []Record
	// Failures says, in words, each thing the records show went wrong: a command
	// that failed, a test that failed, a loss, a leak, a measurement missing.
	Failures []string
	// Largest is, per fuzz target, the run with the most executions ever recorded
	// by this tool (the history, this run included).
	Largest []HistoryEntry
}

// Passed reports whether the run showed no failure at all.
func (p Page) Passed() bool { return len(p.Failures) == 0 }

// The test records every run must contain, by the name of the test.
const (
	StressTest    = "TestCheckedStress"
	RemovalTest   = "TestRemoveMachineMidTrafficLosesNothingElsewhere"
	DiscoveryTest = "TestDiscoveryCompletesUnderLoss"
	BadInputTest  = "TestBadInput"
)

// NewPage sorts a run's records into a page and lists what failed; history is the
// fuzz runs recorded before (see MergeHistory).
func NewPage(recs []Record, history []HistoryEntry) Page {
	var p Page
	haveEnv := false
	for _, r := range recs {
		switch {
		case r.Env != nil:
			p.Env, haveEnv = *r.Env, true
		case r.Run != nil:
			p.Steps = append(p.Steps, r)
			if r.Run.Fuzz != nil {
				p.Fuzz = append(p.Fuzz, r)
			}
			if r.Run.Bench != nil {
				p.Bench = append(p.Bench, r)
			}
		case r.Stress != nil:
			p.Stress = append(p.Stress, r)
		case r.Removal != nil:
			p.Removal = append(p.Removal, r)
		case r.Discovery != nil:
			p.Discovery = append(p.Discovery, r)
		case r.BadInput != nil:
			p.BadInput = append(p.BadInput, r)
		}
		p.Failures = append(p.Failures, Problems(r)...)
	}
	if !haveEnv {
		p.Failures = append(p.Failures, "no environment record: the run did not begin with `reliability start`")
	}
	for _, want := range []struct {
		name string
		got  []Record
	}{{StressTest, p.Stress}, {RemovalTest, p.Removal}, {DiscoveryTest, p.Discovery}, {BadInputTest, p.BadInput}, {"a fuzz run", p.Fuzz}} {
		if len(want.got) == 0 {
			p.Failures = append(p.Failures, fmt.Sprintf("no figures from %s: it did not run, or did not report", want.name))
		}
	}
	p.Largest = Largest(MergeHistory(history, recs))
	return p
}

// OK reports whether r shows no problem (Problems).
func OK(r Record) bool { return len(Problems(r)) == 0 }

// Problems says, in words, what r shows went wrong: the test or command failed, or its
// figures show a crasher, a fuzz run without executions, a loss, a duplicate, a
// reordering, a corrupt message, a failed self-check, a leak, a stress run the
// adversarial mode injected nothing into (its ledger would then prove nothing about
// the outcomes it is run under) or a failed row.
func Problems(r Record) []string {
	var ps []string
	fail := func(format string, args ...any) { ps = append(ps, fmt.Sprintf(format, args...)) }
	switch {
	case r.Env != nil:
		return nil
	case r.Run != nil:
		if r.Run.ExitCode != 0 {
			fail("step %s: `%s` exited with status %d", r.Step, strings.Join(r.Run.Command, " "), r.Run.ExitCode)
		}
		if f := r.Run.Fuzz; f != nil {
			for _, c := range f.Crashers {
				fail("%s: crasher %s", f.Target, c)
			}
			if r.Run.ExitCode == 0 && f.Execs == 0 {
				fail("%s: no executions recorded (the fuzz time ended before fuzzing began, or go test's output was not understood)", f.Target)
			}
		}
		return ps
	}
	if !r.Pass {
		fail("%s failed", r.Name)
	}
	switch {
	case r.Stress != nil:
		s := r.Stress
		ledgerProblems(r.Name, s.Ledger, fail)
		if !s.CheckPassed {
			fail("%s: the self-check after the traffic failed", r.Name)
		}
		if s.Leaks > 0 {
			fail("%s: objects leaked: %d", r.Name, s.Leaks)
		}
		if s.Adversary.Injected() == 0 {
			fail("%s: the adversarial mode injected nothing", r.Name)
		}
	case r.Removal != nil:
		ledgerProblems(r.Name, r.Removal.Ledger, fail)
		if !r.Removal.CheckPassed {
			fail("%s: the self-check after the removal failed", r.Name)
		}
	case r.BadInput != nil:
		if r.BadInput.Failed > 0 {
			fail("%s: %d rows failed", r.Name, r.BadInput.Failed)
		}
	}
	return ps
}

func ledgerProblems(name string, l Ledger, fail func(string, ...any)) {
	if l.Bad() {
		fail("%s: %d lost, %d duplicated, %d reordered, %d corrupt", name, l.Lost, l.Duplicated, l.Reordered, l.Corrupt)
	}
}

// Var returns the value of the make variable name in the run, or "".
func (e Env) Var(name string) string {
	for _, v := range e.Vars {
		if v.Name == name {
			return v.Value
		}
	}
	return ""
}
