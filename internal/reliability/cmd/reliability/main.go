// Command reliability runs the steps of make reliability and writes docs/reliability.md
// from what they measured.
//
//	reliability start -out FIGURES [NAME=VALUE ...]
//	reliability run -out FIGURES -step NAME [-parse fuzz|bench] -- COMMAND [ARG ...]
//	reliability render -in FIGURES -out PAGE [-template FILE] [-history FILE]
//
// start begins a run: it empties the figures file and records the environment (date, Go
// version, GOOS/GOARCH, CPUs, load, source commit) and the make variables given. run
// runs one command with WINSIM_RELIABILITY_OUT and WINSIM_RELIABILITY_STEP set, so that
// the tests it starts append their own figures, then records the command's exit status
// and, with -parse, the figures of go test -fuzz or of a benchmark run read from its
// output, which it also copies to its own. run exits 0 whatever the command did: a
// failure is a figure, shown on the page. render writes the page (from the template
// embedded in package reliability unless -template is given), adds the run's fuzz runs
// to the history file, and exits 1 when the run showed any failure.
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
	"runtime"
	"strings"
	"time"

	"github.com/winsim/winsim/internal/reliability"
)

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	var err error
	switch os.Args[1] {
	case "start":
		err = start(os.Args[2:])
	case "run":
		err = run(os.Args[2:], os.Stdout)
	case "render":
		err = render(os.Args[2:], os.Stdout)
	default:
		usage()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "reliability:", err)
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: reliability start|run|render ... (see go doc ./internal/reliability/cmd/reliability)")
	os.Exit(2)
}

func start(args []string) error {
	fs := flag.NewFlagSet("start", flag.ExitOnError)
	out := fs.String("out", "", "the figures file (emptied)")
	_ = fs.Parse(args)
	if *out == "" {
		return errors.New("start: -out is required")
	}
	env := reliability.Env{
		Date:      time.Now().UTC().Format(time.RFC3339),
		GoVersion: runtime.Version(),
		GOOS:      runtime.GOOS,
		GOARCH:    runtime.GOARCH,
		CPUs:      runtime.NumCPU(),
		Load:      loadAverage(),
		Commit:    commit(),
	}
	for _, a := range fs.Args() {
		name, value, ok := strings.Cut(a, "=")
		if !ok {
			return fmt.Errorf("start: %q is not NAME=VALUE", a)
		}
		env.Vars = append(env.Vars, reliability.Var{Name: name, Value: value})
	}
	if err := os.WriteFile(*out, nil, 0o644); err != nil {
		return err
	}
	return reliability.Append(*out, reliability.Record{Name: "start", Pass: true, Env: &env})
}

// loadAverage is /proc/loadavg's first three fields, or "" where there is none.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return ""
	}
	return strings.Join(f[:3], " ")
}

// commit describes the source tree measured, or "" when git cannot.
func commit() string {
	out, err := exec.Command("git", "describe", "--always", "--dirty").Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}

// run runs a step, copying its output to stdout.
func run(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("run", flag.ExitOnError)
	out := fs.String("out", "", "the figures file to append to")
	step := fs.String("step", "", "the step's name")
	parse := fs.String("parse", "", "read the figures of a fuzz run (fuzz) or a benchmark run (bench) from the output")
	pkg := fs.String("pkg", "", "with -parse fuzz: the fuzzed package's directory")
	target := fs.String("target", "", "with -parse fuzz: the fuzz target")
	fuzztime := fs.String("fuzztime", "", "with -parse fuzz: the -fuzztime the command was given")
	_ = fs.Parse(args)
	cmdline := fs.Args()
	if *out == "" || *step == "" || len(cmdline) == 0 {
		return errors.New("run: -out, -step and a command are required")
	}
	if *parse != "" && *parse != "fuzz" && *parse != "bench" {
		return fmt.Errorf("run: -parse %q: want fuzz or bench", *parse)
	}
	if *parse == "fuzz" && (*pkg == "" || *target == "") {
		return errors.New("run: -parse fuzz needs -pkg and -target")
	}
	figures, err := filepath.Abs(*out)
	if err != nil {
		return err
	}
	rec := reliability.Record{Step: *step, Name: *step, Run: &reliability.Run{Command: cmdline}}
	var fuzz *reliability.Fuzz
	if *parse == "fuzz" {
		fuzz = &reliability.Fuzz{Package: *pkg, Target: *target, FuzzTime: *fuzztime, Committed: countFiles(filepath.Join(*pkg, "testdata", "fuzz", *target))}
		rec.Name = *target
	}

	var output bytes.Buffer
	cmd := exec.Command(cmdline[0], cmdline[1:]...)
	cmd.Env = append(os.Environ(), reliability.EnvOut+"="+figures, reliability.EnvStep+"="+*step)
	cmd.Stdout = io.MultiWriter(stdout, &output)
	cmd.Stderr = cmd.Stdout
	fmt.Fprintf(stdout, "== %s: %s\n", *step, strings.Join(cmdline, " "))
	began := time.Now()
	err = cmd.Run()
	rec.Elapsed = time.Since(began)
	var exit *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exit):
		rec.Run.ExitCode = exit.ExitCode()
	default:
		fmt.Fprintln(stdout, "reliability:", err)
		rec.Run.ExitCode = -1 // did not run
	}
	rec.Pass = rec.Run.ExitCode == 0
	switch *parse {
	case "fuzz":
		if err := reliability.ParseFuzz(bytes.NewReader(output.Bytes()), fuzz.Package, fuzz); err != nil {
			return err
		}
		rec.Run.Fuzz = fuzz
	case "bench":
		if rec.Run.Bench, err = reliability.ParseBench(bytes.NewReader(output.Bytes())); err != nil {
			return err
		}
	}
	return reliability.Append(figures, rec)
}

// countFiles is the number of files in dir (0 when there is no such directory).
func countFiles(dir string) int {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return 0
	}
	n := 0
	for _, e := range entries {
		if e.Type().IsRegular() {
			n++
		}
	}
	return n
}

func render(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("render", flag.ExitOnError)
	in := fs.String("in", "", "the figures file")
	out := fs.String("out", "", "the page to write")
	tmplFile := fs.String("template", "", "the template (default: the one embedded in package reliability)")
	historyFile := fs.String("history", "", "the history of fuzz runs to read and add this run's to")
	_ = fs.Parse(args)
	if *in == "" || *out == "" {
		return errors.New("render: -in and -out are required")
	}
	f, err := os.Open(*in)
	if err != nil {
		return err
	}
	recs, err := reliability.ReadRecords(f)
	f.Close()
	if err != nil {
		return err
	}
	tmpl := reliability.Template
	if *tmplFile != "" {
		b, err := os.ReadFile(*tmplFile)
		if err != nil {
			return err
		}
		tmpl = string(b)
	}
	var history []reliability.HistoryEntry
	if *historyFile != "" {
		if b, err := os.ReadFile(*historyFile); err == nil {
			if history, err = reliability.ReadHistory(bytes.NewReader(b)); err != nil {
				return err
			}
		} else if !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	page := reliability.NewPage(recs, history)
	var doc bytes.Buffer
	if err := reliability.Render(&doc, tmpl, page); err != nil {
		return err
	}
	if err := os.WriteFile(*out, doc.Bytes(), 0o644); err != nil {
		return err
	}
	if *historyFile != "" {
		var h bytes.Buffer
		if err := reliability.WriteHistory(&h, reliability.MergeHistory(history, recs)); err != nil {
			return err
		}
		if err := os.WriteFile(*historyFile, h.Bytes(), 0o644); err != nil {
			return err
		}
	}
	fmt.Fprintf(stdout, "wrote %s from %d records\n", *out, len(recs))
	if !page.Passed() {
		return fmt.Errorf("the run failed:\n\t%s", strings.Join(page.Failures, "\n\t"))
	}
	return nil
}
