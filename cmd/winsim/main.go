// Command winsim runs scenario scripts against a network of fake Windows machines and
// shows what the kernel holds: each call, its result and the trace events it caused,
// the object and handle tables, and pictures of the whole network.
//
//	go install github.com/winsim/winsim/cmd/winsim@latest
//	winsim run testdata/scenarios/discovery.txt
//	winsim run --html out.html testdata/scenarios/discovery.txt
//	winsim run -          # type lines as you go
//
// Run winsim -h for every command and option, and winsim calls for the Win32 calls a
// script can make. The script language is described in package scenario's
// documentation and in docs/tutorial.md.
package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/winsim/winsim/kernel"
	"github.com/winsim/winsim/scenario"
	"github.com/winsim/winsim/view"
)

const usage = `winsim: scenario scripts on fake Windows machines

Usage:
  winsim run [options] SCRIPT...   run scripts; - reads standard input
  winsim calls                     list the Win32 calls a script can make
  winsim commands                  list the script commands (machine, process, advance, views, ...)
  winsim help                      this text

winsim run prints each line of the script, the result of each call (ok or the Win32
error, with the values it returned), and the trace events it caused. It exits with
status 0 only when every expectation of every script held, 1 when one did not, and 2
for a usage error. With SCRIPT "-" it reads standard input: from a terminal, line by
line as you type (an error ends only its line; use your terminal's line editing, or
rlwrap, for history); from a pipe, as one script.

Options of run (given before the scripts; the views and pictures show the network
at the end of the last script):
  -objects          print every object (WinObj-style: path, type, counts, details)
  -handles          print every process's handle table (handle.exe-style)
  -processes        print the processes (parents, states, exit codes)
  -dot FILE         write a Graphviz DOT picture of the whole network
  -mermaid FILE     write the same picture as a Mermaid flowchart
  -svg FILE         write the picture as SVG, rendered in-process (no Graphviz needed)
  -sequence FILE    write a Mermaid sequence diagram of the run's calls and events
  -security         show each object's owner and DACL (SDDL) in the pictures
  -html FILE        write a self-contained step-through page of the run
  -q                print only failures

A script line is a command or a Win32 call by a declared process:
  machine ALPHA CORP
  process server ALPHA
  server CreateMailslot \\.\mailslot\inbox 0 MAILSLOT_WAIT_FOREVER NULL -> slot
  server ReadFile slot 424 &          # in the background
  client CreateFile \\ALPHA\mailslot\inbox GENERIC_WRITE FILE_SHARE_READ NULL OPEN_EXISTING 0 -> h
  client WriteFile h hello == 5
  wait                                # the background read completes
  server ReadFile slot 424 => ERROR_SEM_TIMEOUT
-> NAME... binds results to names, == VALUE... checks them, => ERROR checks the error.
`

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// run is main without the process: it returns the exit status.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		fmt.Fprint(stdout, usage)
		return 0
	case "calls":
		scenario.WriteCalls(stdout)
		return 0
	case "commands":
		scenario.WriteCommands(stdout)
		return 0
	case "run":
		return runScripts(args[1:], stdin, stdout, stderr)
	}
	fmt.Fprintf(stderr, "winsim: unknown command %q\n\n%s", args[0], usage)
	return 2
}

type runOptions struct {
	objects, handles, processes, quiet bool
	security                           bool
	dot, mermaid, svg, sequence, html  string
}

func runScripts(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("winsim run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, usage) }
	var o runOptions
	fs.BoolVar(&o.objects, "objects", false, "print every object at the end")
	fs.BoolVar(&o.handles, "handles", false, "print every handle table at the end")
	fs.BoolVar(&o.processes, "processes", false, "print the processes at the end")
	fs.BoolVar(&o.quiet, "q", false, "print only failures")
	fs.BoolVar(&o.security, "security", false, "show each object's owner and DACL (SDDL) in the pictures")
	fs.StringVar(&o.dot, "dot", "", "write a DOT picture of the network")
	fs.StringVar(&o.mermaid, "mermaid", "", "write a Mermaid picture of the network")
	fs.StringVar(&o.svg, "svg", "", "write an SVG picture of the network")
	fs.StringVar(&o.sequence, "sequence", "", "write a Mermaid sequence diagram of the run")
	fs.StringVar(&o.html, "html", "", "write a step-through HTML page")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	scripts := fs.Args()
	if len(scripts) == 0 {
		fmt.Fprintln(stderr, "winsim run: no script (give a file, or - for standard input)")
		return 2
	}
	status := 0
	for i, file := range scripts {
		out := stdout
		if o.quiet {
			out = io.Discard
		}
		record := o.html != "" || o.sequence != ""
		r := scenario.New(scenario.Options{Output: out, Record: record})
		var err error
		if file == "-" {
			err = runStdin(r, stdin, out)
		} else {
			var src []byte
			src, err = os.ReadFile(file)
			if err != nil {
				fmt.Fprintf(stderr, "winsim: %v\n", err)
				r.Close()
				return 2
			}
			err = r.Run(file, src)
		}
		if err != nil {
			status = 1
			if o.quiet {
				fmt.Fprintf(stderr, "FAIL: %v\n", err)
			}
		}
		if i == len(scripts)-1 {
			if werr := writeOutputs(r, o, file, stdout); werr != nil {
				fmt.Fprintf(stderr, "winsim: %v\n", werr)
				status = 1
			}
		}
		r.Close()
	}
	return status
}

// runStdin runs standard input: line by line when it is a terminal, else as a script.
func runStdin(r *scenario.Runner, stdin io.Reader, out io.Writer) error {
	if f, ok := stdin.(*os.File); ok && isTerminal(f) {
		sc := bufio.NewScanner(stdin)
		var failed error
		for n := 1; ; n++ {
			fmt.Fprint(out, "winsim> ")
			if !sc.Scan() {
				fmt.Fprintln(out)
				return failed
			}
			if err := r.RunLine("stdin", n, sc.Text()); err != nil {
				failed = err
			}
		}
	}
	src, err := io.ReadAll(stdin)
	if err != nil {
		return err
	}
	return r.Run("stdin", src)
}

func isTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

func writeOutputs(r *scenario.Runner, o runOptions, file string, stdout io.Writer) error {
	ms := r.Network().Machines()
	if o.objects || o.handles || o.processes {
		fmt.Fprintln(stdout, "\n== at the end")
	}
	for _, m := range sortedMachines(ms) {
		if o.processes {
			view.Processes(stdout, m)
		}
		if o.objects {
			view.Objects(stdout, m)
		}
		if o.handles {
			view.Handles(stdout, m)
		}
	}
	nc := view.Snapshot(r.Network())
	nc.ShowSecurity = o.security
	write := func(path string, f func(w io.Writer) error) error {
		if path == "" {
			return nil
		}
		var b bytes.Buffer
		if err := f(&b); err != nil {
			return err
		}
		return os.WriteFile(path, b.Bytes(), 0o644)
	}
	ctx := context.Background()
	return errors.Join(
		write(o.dot, func(w io.Writer) error { view.NetworkDot(w, nc); return nil }),
		write(o.mermaid, func(w io.Writer) error { view.NetworkMermaid(w, nc); return nil }),
		write(o.svg, func(w io.Writer) error { return view.NetworkSVG(ctx, w, nc) }),
		write(o.sequence, func(w io.Writer) error { scenario.WriteSequence(w, r.Steps()); return nil }),
		write(o.html, func(w io.Writer) error { return writeHTML(ctx, w, strings.TrimSpace(file), r.Steps()) }),
	)
}

func sortedMachines(ms []*kernel.Machine) []*kernel.Machine {
	sort.Slice(ms, func(i, j int) bool { return ms[i].Name() < ms[j].Name() })
	return ms
}
