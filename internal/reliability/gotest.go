package reliability

import (
	"bufio"
	"io"
	"path"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// This file reads go test's output: the status lines of a fuzz run and the result lines
// of a benchmark run.

var (
	// fuzz: elapsed: 4s, gathering baseline coverage: 204/204 completed, now fuzzing with 2 workers
	fuzzBaseline = regexp.MustCompile(`^fuzz: elapsed: \S+, gathering baseline coverage: \d+/(\d+) completed(?:, now fuzzing with (\d+) workers)?`)
	// fuzz: elapsed: 4s, execs: 98859 (45607/sec), new interesting: 3 (total: 207)
	fuzzStatus = regexp.MustCompile(`^fuzz: elapsed: (\S+), execs: (\d+) \(\d+/sec\), new interesting: (\d+) \(total: (\d+)\)`)
	// Failing input written to testdata/fuzz/FuzzX/582528ddfad69eb5
	fuzzFailing = regexp.MustCompile(`Failing input written to (\S+)`)
	// BenchmarkCheck-2   	   14421	     82466 ns/op	       0 B/op	       0 allocs/op
	benchLine = regexp.MustCompile(`^(Benchmark\S+)\s+(\d+)\s+([0-9.]+) ns/op(?:.*?\s(\d+) allocs/op)?`)
)

// ParseFuzz reads the output of go test -fuzz run in package directory pkg and fills
// in f's figures: the baseline, the workers, the last status line's fuzzing time, executions, new
// inputs and corpus size, and every failing input written (a crasher; its path is
// joined to pkg).
func ParseFuzz(out io.Reader, pkg string, f *Fuzz) error {
	sc := bufio.NewScanner(out)
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if m := fuzzBaseline.FindStringSubmatch(line); m != nil {
			f.Baseline, _ = strconv.Atoi(m[1])
			if m[2] != "" {
				f.Workers, _ = strconv.Atoi(m[2])
			}
		}
		if m := fuzzStatus.FindStringSubmatch(line); m != nil {
			f.Fuzzing, _ = time.ParseDuration(m[1])
			f.Execs, _ = strconv.ParseUint(m[2], 10, 64)
			f.NewInteresting, _ = strconv.Atoi(m[3])
			f.Corpus, _ = strconv.Atoi(m[4])
		}
		if m := fuzzFailing.FindStringSubmatch(line); m != nil {
			f.Crashers = append(f.Crashers, path.Join(pkg, m[1]))
		}
	}
	return sc.Err()
}

// ParseBench reads a benchmark run's output and returns its result lines.
func ParseBench(out io.Reader) ([]Bench, error) {
	var bs []Bench
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		m := benchLine.FindStringSubmatch(strings.TrimSpace(sc.Text()))
		if m == nil {
			continue
		}
		b := Bench{Name: m[1]}
		b.N, _ = strconv.ParseUint(m[2], 10, 64)
		b.NsPerOp, _ = strconv.ParseFloat(m[3], 64)
		if m[4] != "" {
			b.AllocsPerOp, _ = strconv.ParseUint(m[4], 10, 64)
		}
		bs = append(bs, b)
	}
	return bs, sc.Err()
}
