// Command benchpair compares two benchmarks by paired runs (package benchpair):
//
//	benchpair -num PKG:REGEXP -den PKG:REGEXP [-rounds 16] [-cpu 1,2] [-benchtime 1s]
//	          [-goal 1.2] [-raw FILE]
//
// It builds the test binary of each package once, then runs, rounds times, each benchmark
// alone in a new process: the denominator first in even rounds, the numerator first in
// odd ones. REGEXP must select exactly one benchmark of its package. For each GOMAXPROCS
// value of -cpu it prints the median of the per-round ratios num/den with its bootstrap
// 95 % interval and, with -goal, whether the median is within it. -raw appends every
// run's output, in benchstat's format. make bench-pairs runs it for the two goals
// docs/io.md and docs/winio.md report.
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/winsim/winsim/internal/benchpair"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, execRunner{}); err != nil {
		fmt.Fprintln(os.Stderr, "benchpair:", err)
		os.Exit(2)
	}
}

// A side is one of the two benchmarks compared.
type side struct {
	pkg, pattern string
	bin          string // its package's test binary, once built
	name         string // the benchmark's name, learnt from its first run
	ns           map[int][]float64
}

func parseSide(flagName, v string) (*side, error) {
	pkg, pattern, ok := strings.Cut(v, ":")
	if !ok || pkg == "" || pattern == "" {
		return nil, fmt.Errorf("-%s %q: want PKG:REGEXP", flagName, v)
	}
	return &side{pkg: pkg, pattern: pattern, ns: map[int][]float64{}}, nil
}

// runner builds and runs test binaries; tests replace it.
type runner interface {
	build(pkg, out string) error
	bench(bin string, args []string) ([]byte, error)
}

type execRunner struct{}

func (execRunner) build(pkg, out string) error {
	cmd := exec.Command("go", "test", "-c", "-o", out, pkg)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	return cmd.Run()
}

func (execRunner) bench(bin string, args []string) ([]byte, error) {
	var out bytes.Buffer
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	return out.Bytes(), err
}

func run(args []string, stdout io.Writer, r runner) error {
	fs := flag.NewFlagSet("benchpair", flag.ContinueOnError)
	numFlag := fs.String("num", "", "numerator `PKG:REGEXP`")
	denFlag := fs.String("den", "", "denominator `PKG:REGEXP`")
	rounds := fs.Int("rounds", 16, "rounds of one run each")
	cpus := fs.String("cpu", "1,2", "GOMAXPROCS values (-test.cpu)")
	benchtime := fs.String("benchtime", "1s", "-test.benchtime of each run")
	goal := fs.Float64("goal", 0, "report whether the median ratio is at most this (0: no goal)")
	raw := fs.String("raw", "", "append every run's output to this `file`")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	num, err := parseSide("num", *numFlag)
	if err != nil {
		return err
	}
	den, err := parseSide("den", *denFlag)
	if err != nil {
		return err
	}
	if *rounds < 1 {
		return errors.New("-rounds must be at least 1")
	}
	var procs []int
	for _, s := range strings.Split(*cpus, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 {
			return fmt.Errorf("-cpu %q: want a list of positive numbers", *cpus)
		}
		procs = append(procs, n)
	}
	var rawOut io.Writer = io.Discard
	if *raw != "" {
		f, err := os.OpenFile(*raw, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
		if err != nil {
			return err
		}
		defer f.Close()
		rawOut = f
	}

	dir, err := os.MkdirTemp("", "benchpair")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	bins := map[string]string{}
	for _, s := range []*side{num, den} {
		if bin, ok := bins[s.pkg]; ok {
			s.bin = bin
			continue
		}
		s.bin = filepath.Join(dir, strconv.Itoa(len(bins))+".test")
		if err := r.build(s.pkg, s.bin); err != nil {
			return fmt.Errorf("building %s: %w", s.pkg, err)
		}
		bins[s.pkg] = s.bin
	}

	for round := range *rounds {
		order := []*side{den, num}
		if round%2 == 1 {
			order = []*side{num, den}
		}
		for _, s := range order {
			if err := s.measure(r, procs, *cpus, *benchtime, rawOut); err != nil {
				return err
			}
		}
	}

	fmt.Fprintf(stdout, "%s (%s)\n  against %s (%s)\n", num.name, num.pkg, den.name, den.pkg)
	for _, p := range procs {
		s := benchpair.Summarize(p, num.ns[p], den.ns[p])
		line := "  " + s.String()
		if *goal > 0 {
			verdict := "met"
			if s.Median > *goal {
				verdict = "missed"
			}
			line += fmt.Sprintf("; goal ≤ %.2f× %s", *goal, verdict)
		}
		fmt.Fprintln(stdout, line)
	}
	return nil
}

// measure runs s's benchmark once, in a new process, and records its ns/op for each
// GOMAXPROCS value.
func (s *side) measure(r runner, procs []int, cpus, benchtime string, raw io.Writer) error {
	out, err := r.bench(s.bin, []string{"-test.run", "^$", "-test.bench", s.pattern,
		"-test.cpu", cpus, "-test.benchmem", "-test.benchtime", benchtime})
	if err != nil {
		return fmt.Errorf("%s %s: %w\n%s", s.pkg, s.pattern, err, out)
	}
	if _, err := raw.Write(out); err != nil {
		return err
	}
	results, err := benchpair.Parse(bytes.NewReader(out))
	if err != nil {
		return err
	}
	for _, res := range results {
		if s.name == "" {
			s.name = res.Name
		}
		if res.Name != s.name {
			return fmt.Errorf("%s %s selects more than one benchmark (%s, %s)", s.pkg, s.pattern, s.name, res.Name)
		}
	}
	for _, p := range procs {
		v, ok := benchpair.NsPerOp(results, s.name, p)
		if !ok {
			return fmt.Errorf("%s %s: no single result with GOMAXPROCS %d in:\n%s", s.pkg, s.pattern, p, out)
		}
		s.ns[p] = append(s.ns[p], v)
	}
	return nil
}
