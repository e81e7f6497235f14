package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// fakeRunner answers each benchmark run with figures from a script, and records the
// order of the runs.
type fakeRunner struct {
	built []string
	runs  []string // pattern of each run, in order
	// lines returns the output of the n-th run of pattern.
	lines func(pattern string, n int) string
	count map[string]int
}

func (f *fakeRunner) build(pkg, out string) error {
	f.built = append(f.built, pkg)
	return nil
}

func (f *fakeRunner) bench(bin string, args []string) ([]byte, error) {
	pattern := args[3]
	f.runs = append(f.runs, pattern)
	n := f.count[pattern]
	f.count[pattern]++
	return []byte(f.lines(pattern, n)), nil
}

func newFake(lines func(string, int) string) *fakeRunner {
	return &fakeRunner{lines: lines, count: map[string]int{}}
}

func TestRunAlternatesAndReportsPairedRatios(t *testing.T) {
	f := newFake(func(pattern string, n int) string {
		switch pattern {
		case "^BenchmarkB$": // the denominator: drifts with the round
			return fmt.Sprintf("BenchmarkB \t 100\t %d ns/op\nBenchmarkB-2 \t 100\t %d ns/op\nPASS\n", 100+10*n, 200+10*n)
		default: // 1.1× and 1.3× the denominator of the same round
			return fmt.Sprintf("BenchmarkA \t 100\t %.1f ns/op\nBenchmarkA-2 \t 100\t %.1f ns/op\n", 1.1*float64(100+10*n), 1.3*float64(200+10*n))
		}
	})
	raw := filepath.Join(t.TempDir(), "raw.txt")
	var out strings.Builder
	err := run([]string{"-num", "./a:^BenchmarkA$", "-den", "./a:^BenchmarkB$", "-rounds", "4", "-goal", "1.2", "-raw", raw}, &out, f)
	require.NoError(t, err)

	assert.Equal(t, []string{"./a"}, f.built, "one binary per package")
	assert.Equal(t, []string{"^BenchmarkB$", "^BenchmarkA$", "^BenchmarkA$", "^BenchmarkB$", "^BenchmarkB$", "^BenchmarkA$", "^BenchmarkA$", "^BenchmarkB$"}, f.runs,
		"each round runs both, the first of a round alternating")
	report := out.String()
	assert.Contains(t, report, "BenchmarkA (./a)\n  against BenchmarkB (./a)")
	assert.Contains(t, report, "GOMAXPROCS 1: 1.100× [1.100, 1.100] over 4 pairs")
	assert.Contains(t, report, "goal ≤ 1.20× met")
	assert.Contains(t, report, "GOMAXPROCS 2: 1.300× [1.300, 1.300] over 4 pairs")
	assert.Contains(t, report, "goal ≤ 1.20× missed")

	data, err := os.ReadFile(raw)
	require.NoError(t, err)
	assert.Equal(t, 8, strings.Count(string(data), "BenchmarkA"), "every run's lines are kept for benchstat")
}

func TestRunRejectsBadUse(t *testing.T) {
	one := func(string, int) string { return "BenchmarkA-2 \t 1\t 5 ns/op\n" }
	for _, tc := range []struct {
		name  string
		args  []string
		lines func(string, int) string
		want  string
	}{
		{"no denominator", []string{"-num", "./a:A"}, one, "want PKG:REGEXP"},
		{"no pattern", []string{"-num", "./a:", "-den", "./a:B"}, one, "want PKG:REGEXP"},
		{"bad cpu", []string{"-num", "./a:A", "-den", "./a:B", "-cpu", "0"}, one, "positive numbers"},
		{"no rounds", []string{"-num", "./a:A", "-den", "./a:B", "-rounds", "0"}, one, "at least 1"},
		{"stray argument", []string{"-num", "./a:A", "-den", "./a:B", "x"}, one, "unexpected arguments"},
		{"missing procs", []string{"-num", "./a:A", "-den", "./a:B", "-cpu", "1,2"}, one, "no single result with GOMAXPROCS 1"},
		{"two benchmarks", []string{"-num", "./a:A", "-den", "./a:B", "-cpu", "2"},
			func(string, int) string { return "BenchmarkA-2 \t 1\t 5 ns/op\nBenchmarkAB-2 \t 1\t 5 ns/op\n" }, "selects more than one benchmark"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out strings.Builder
			err := run(tc.args, &out, newFake(tc.lines))
			assert.ErrorContains(t, err, tc.want)
		})
	}
}
