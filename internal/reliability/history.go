package reliability

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
)

// A HistoryEntry is one fuzz run recorded by this tool, kept in the history file
// (docs/reliability-history.jsonl) so that the page can give the largest run ever
// recorded, not only the latest.
type HistoryEntry struct {
	Date     string        `json:"date"`
	Commit   string        `json:"commit,omitempty"`
	Package  string        `json:"package"`
	Target   string        `json:"target"`
	FuzzTime string        `json:"fuzztime"`
	Workers  int           `json:"workers"`
	Execs    uint64        `json:"execs"`
	Elapsed  time.Duration `json:"elapsed_ns"`
	Crashers int           `json:"crashers"`
	// Pass reports whether the run showed no problem (OK).
	Pass bool `json:"pass"`
}

// MergeHistory returns history with the fuzz runs of recs added, unless history
// already holds them (the same date and target: the run was rendered before).
func MergeHistory(history []HistoryEntry, recs []Record) []HistoryEntry {
	out := slices.Clone(history)
	var env Env
	for _, r := range recs {
		if r.Env != nil {
			env = *r.Env
		}
		if r.Run == nil || r.Run.Fuzz == nil {
			continue
		}
		f := r.Run.Fuzz
		e := HistoryEntry{Date: env.Date, Commit: env.Commit, Package: f.Package, Target: f.Target, FuzzTime: f.FuzzTime,
			Workers: f.Workers, Execs: f.Execs, Elapsed: r.Elapsed, Crashers: len(f.Crashers), Pass: OK(r)}
		if !slices.ContainsFunc(out, func(h HistoryEntry) bool { return h.Date == e.Date && h.Target == e.Target }) {
			out = append(out, e)
		}
	}
	return out
}

// Largest returns, per target, the entry with the most executions (the earliest of
// equals), sorted by target.
func Largest(history []HistoryEntry) []HistoryEntry {
	best := map[string]HistoryEntry{}
	for _, h := range history {
		if b, ok := best[h.Target]; !ok || h.Execs > b.Execs {
			best[h.Target] = h
		}
	}
	out := make([]HistoryEntry, 0, len(best))
	for _, h := range best {
		out = append(out, h)
	}
	slices.SortFunc(out, func(a, b HistoryEntry) int { return strings.Compare(a.Target, b.Target) })
	return out
}

// ReadHistory reads a history file.
func ReadHistory(r io.Reader) ([]HistoryEntry, error) {
	var h []HistoryEntry
	sc := bufio.NewScanner(r)
	for line := 1; sc.Scan(); line++ {
		b := bytes.TrimSpace(sc.Bytes())
		if len(b) == 0 {
			continue
		}
		var e HistoryEntry
		if err := json.Unmarshal(b, &e); err != nil {
			return nil, fmt.Errorf("reliability: history line %d: %w", line, err)
		}
		h = append(h, e)
	}
	return h, sc.Err()
}

// WriteHistory writes a history file, one entry a line.
func WriteHistory(w io.Writer, h []HistoryEntry) error {
	for _, e := range h {
		b, err := json.Marshal(e)
		if err != nil {
			return err
		}
		if _, err := w.Write(append(b, '\n')); err != nil {
			return err
		}
	}
	return nil
}
