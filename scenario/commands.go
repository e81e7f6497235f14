package scenario

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"rsc.io/script"

	"github.com/winsim/winsim/kernel"
	"github.com/winsim/winsim/view"
)

// expect is what a line says should happen: -> binds results to names, == checks them,
// => names the error (or ok).
type expect struct {
	binds, want []string
	hasWant     bool
	wantErr     string
	hasErr      bool
}

func parseExpect(toks []string) ([]string, expect, error) {
	var ex expect
	mode := ""
	var args []string
	for _, t := range toks {
		switch t {
		case "->", "==", "=>":
			if mode == t || t == "==" && ex.hasWant || t == "=>" && ex.hasErr || t == "->" && ex.binds != nil {
				return nil, ex, usagef("%s given twice", t)
			}
			mode = t
			switch t {
			case "==":
				ex.hasWant = true
			case "=>":
				ex.hasErr = true
			case "->":
				ex.binds = []string{}
			}
			continue
		}
		switch mode {
		case "":
			args = append(args, t)
		case "->":
			ex.binds = append(ex.binds, t)
		case "==":
			ex.want = append(ex.want, t)
		case "=>":
			if ex.wantErr != "" {
				return nil, ex, usagef("=> takes one error name, got %q and %q", ex.wantErr, t)
			}
			ex.wantErr = t
		}
	}
	if ex.hasErr && ex.wantErr == "" {
		return nil, ex, usagef("=> needs an error name (or ok)")
	}
	if ex.hasWant && len(ex.want) == 0 {
		return nil, ex, usagef("== needs the expected values")
	}
	return args, ex, nil
}

// check compares what happened with ex, binds names, and describes the outcome.
func (r *Runner) check(ex expect, vals []value, err error) (string, error) {
	var b strings.Builder
	if err == nil {
		b.WriteString("ok")
	} else {
		b.WriteString(errName(err))
	}
	for _, v := range vals {
		fmt.Fprintf(&b, " %s=%s", v.name, v)
	}
	outcome := b.String()
	switch {
	case ex.hasErr && (ex.wantErr == "ok" || ex.wantErr == "ERROR_SUCCESS"):
		if err != nil {
			return outcome, fmt.Errorf("expected success, got %s", describeErr(err))
		}
	case ex.hasErr:
		want, ok := lookupErrno(ex.wantErr)
		if !ok {
			return outcome, usagef("unknown error name %q", ex.wantErr)
		}
		if err == nil {
			return outcome, fmt.Errorf("expected %s, got success (%s)", ex.wantErr, outcome)
		}
		if !errors.Is(err, want) {
			return outcome, fmt.Errorf("expected %s, got %s", ex.wantErr, describeErr(err))
		}
	case err != nil:
		return outcome, fmt.Errorf("expected success, got %s", describeErr(err))
	}
	if ex.hasWant {
		if len(ex.want) != len(vals) {
			return outcome, usagef("== gives %d values, the call returns %d (%s)", len(ex.want), len(vals), names(vals))
		}
		for i, tok := range ex.want {
			ok, merr := r.matches(tok, vals[i])
			if merr != nil {
				return outcome, merr
			}
			if !ok {
				return outcome, fmt.Errorf("expected %s == %s, got %s", vals[i].name, tok, vals[i])
			}
		}
	}
	if ex.binds != nil {
		if len(ex.binds) > len(vals) {
			return outcome, usagef("-> binds %d names, the call returns %d (%s)", len(ex.binds), len(vals), names(vals))
		}
		for i, n := range ex.binds {
			if n == "_" {
				continue
			}
			if err := r.bind(n, vals[i]); err != nil {
				return outcome, err
			}
		}
		outcome += " -> " + strings.Join(ex.binds, " ")
	}
	return outcome, nil
}

func names(vals []value) string {
	if len(vals) == 0 {
		return "nothing"
	}
	var s []string
	for _, v := range vals {
		s = append(s, v.name)
	}
	return strings.Join(s, " ")
}

func describeErr(err error) string {
	var e kernel.Errno
	if errors.As(err, &e) {
		return e.Name() + " (" + strings.TrimSpace(e.Error()) + ")"
	}
	return err.Error()
}

func (r *Runner) bind(name string, v value) error {
	if !isIdent(name) {
		return usagef("%q cannot be a name", name)
	}
	if _, ok := constants[name]; ok {
		return usagef("%s is a Win32 constant, not a free name", name)
	}
	if _, ok := lookupErrno(name); ok {
		return usagef("%s is a Win32 error name, not a free name", name)
	}
	if r.isTaken(name) {
		return usagef("%s names a process or a command", name)
	}
	r.names[name] = v
	return nil
}

func (r *Runner) isTaken(name string) bool {
	_, cmd := r.engine.Cmds[name]
	_, proc := r.procs[name]
	return cmd || proc
}

// runCall starts a Win32 call by process pname. The engine calls the returned WaitFunc
// at once for a foreground line, and at the next wait for a line ending in &.
func (r *Runner) runCall(pname string, toks []string) (script.WaitFunc, error) {
	p := r.procs[pname]
	if len(toks) == 0 {
		return nil, usagef("%s: which call? (help calls lists them)", pname)
	}
	name := toks[0]
	spec, ok := calls[name]
	if !ok {
		return nil, usagef("unknown call %q (help calls lists them)", name)
	}
	argToks, ex, err := parseExpect(toks[1:])
	if err != nil {
		return nil, err
	}
	a, err := r.parseArgs(name, spec, argToks)
	if err != nil {
		return nil, err
	}
	st := r.cur
	rec := &callRecord{process: pname, machine: p.Machine().Name(), call: name}
	if st != nil {
		st.call = rec
	}
	ctx, cancel := context.WithCancel(r.ctx)
	start := r.clock.Elapsed()
	var vals []value
	var callErr error
	t := r.ts.spawn(func() { vals, callErr = spec.run(ctx, p, a) },
		func(v any) { callErr = fmt.Errorf("winsim panicked: %v", v) })
	if st != nil {
		st.taskGID = t.gid
	}
	if err := r.ts.settle(); err != nil {
		cancel()
		return nil, err
	}
	line := 0
	if st != nil {
		line = st.Line
	}
	return func(*script.State) (string, string, error) {
		defer cancel()
		rec.awaited = true
		bg := r.cur != st
		if err := r.await(t, cancel); err != nil {
			return "", "", err
		}
		if r.ending && bg {
			return "", "", nil
		}
		outcome, cerr := r.check(ex, vals, callErr)
		if cerr == nil && name == "CreateProcess" && callErr == nil {
			r.addProcess(a.s(0), vals[0].ref.(*kernel.Process))
		}
		rec.result = outcome
		if d := r.clock.Elapsed() - start; d > 0 {
			outcome += " (after " + d.String() + ")"
		}
		prefix := "  = "
		if bg {
			prefix = fmt.Sprintf("  = [line %d, %s %s] ", line, pname, name)
		}
		r.emit(r.cur, prefix+outcome)
		return "", "", cerr
	}, nil
}

func (r *Runner) addProcess(name string, p *kernel.Process) {
	r.procs[name] = p
	r.procOrder = append(r.procOrder, name)
	pname := name
	r.engine.Cmds[name] = script.Command(script.CmdUsage{
		Summary: "a Win32 call made by process " + name,
		Args:    "CALL ARG... [-> NAME...] [== VALUE...] [=> ERROR|ok]",
		Async:   true,
	}, func(_ *script.State, toks ...string) (script.WaitFunc, error) { return r.runCall(pname, toks) })
}

// directive wraps a command that is not a Win32 call: it may end with => ERROR.
func (r *Runner) directive(summary, argsUsage string, detail []string, run func(args []string) (string, error)) script.Cmd {
	return script.Command(script.CmdUsage{Summary: summary, Args: argsUsage, Detail: detail},
		func(_ *script.State, toks ...string) (script.WaitFunc, error) {
			argToks, ex, err := parseExpect(toks)
			if err != nil {
				return nil, err
			}
			if ex.binds != nil {
				return nil, usagef("-> binds only the results of Win32 calls")
			}
			out, err := run(argToks)
			if errors.Is(err, errUsage) {
				return nil, err
			}
			if ex.hasWant {
				if len(ex.want) != 1 {
					return nil, usagef("== takes one value here")
				}
				if strings.TrimSpace(out) != ex.want[0] && strconv.Itoa(strings.Count(out, "\n")) != ex.want[0] {
					return nil, fmt.Errorf("expected %s, got:\n%s", ex.want[0], out)
				}
			}
			if out != "" {
				for _, l := range strings.Split(strings.TrimRight(out, "\n"), "\n") {
					r.emit(r.cur, "  "+l)
				}
			}
			_, cerr := r.check(expect{hasErr: ex.hasErr, wantErr: ex.wantErr}, nil, err)
			if ex.hasErr || err != nil {
				r.emit(r.cur, "  = "+errName(err))
			}
			return nil, cerr
		})
}

func argc(args []string, lo, hi int, usage string) error {
	if len(args) < lo || len(args) > hi {
		return usagef("usage: %s", usage)
	}
	return nil
}

// commands is the engine's command set: the declarations and views below, a few of
// the engine's own (wait, stop, echo, help), and one command per declared process.
func (r *Runner) commands() map[string]script.Cmd {
	d := script.DefaultCmds()
	cmds := map[string]script.Cmd{"wait": d["wait"], "stop": d["stop"]}
	cmds["echo"] = r.directive("print a line in the transcript", "TEXT...", nil, func(a []string) (string, error) {
		return strings.Join(a, " ") + "\n", nil
	})
	cmds["help"] = r.directive("list the commands (help calls: the Win32 calls)", "[calls]", nil, func(a []string) (string, error) {
		var b strings.Builder
		if len(a) == 1 && a[0] == "calls" {
			writeCalls(&b)
		} else {
			r.writeCommands(&b)
		}
		return b.String(), nil
	})
	cmds["machine"] = r.directive("add a machine to the network (mailslot and pipe file systems installed)", "NAME DOMAIN", nil, func(a []string) (string, error) {
		if err := argc(a, 2, 2, "machine NAME DOMAIN"); err != nil {
			return "", err
		}
		_, err := r.net.AddMachine(a[0], a[1], kernel.WithClock(r.clock))
		return "", err
	})
	cmds["process"] = r.directive("start a process on a machine; its name then starts each line of its calls", "NAME MACHINE [IMAGE]",
		[]string{"The image name defaults to NAME.exe. The process has no code of its own: the script makes its calls."},
		func(a []string) (string, error) {
			if err := argc(a, 2, 3, "process NAME MACHINE [IMAGE]"); err != nil {
				return "", err
			}
			if !isIdent(a[0]) || r.isTaken(a[0]) {
				return "", usagef("%q cannot name a new process (a name, not yet a process or command)", a[0])
			}
			m := r.net.Machine(a[1])
			if m == nil {
				return "", usagef("no machine %q (declare it with machine)", a[1])
			}
			img := imageName(a[0])
			if len(a) == 3 {
				img = a[2]
			}
			p, err := m.NewProcess(img, nil)
			if err != nil {
				return "", err
			}
			r.addProcess(a[0], p)
			return "", nil
		})
	cmds["advance"] = r.directive("move the virtual clock forward, firing the timeouts that fall due", "DURATION",
		[]string{"DURATION is a Go duration (1500ms, 2s) or a number of milliseconds."}, func(a []string) (string, error) {
			if err := argc(a, 1, 1, "advance DURATION"); err != nil {
				return "", err
			}
			d, err := parseDuration(a[0])
			if err != nil {
				return "", err
			}
			return "", r.advance(d)
		})
	cmds["partition"] = r.directive("cut the network between two machines", "MACHINE MACHINE", nil, func(a []string) (string, error) {
		if err := argc(a, 2, 2, "partition A B"); err != nil {
			return "", err
		}
		return "", r.net.Partition(a[0], a[1])
	})
	cmds["heal"] = r.directive("heal a partition (or every partition)", "[MACHINE MACHINE]", nil, func(a []string) (string, error) {
		switch len(a) {
		case 0:
			r.net.HealAll()
		case 2:
			r.net.Heal(a[0], a[1])
		default:
			return "", usagef("usage: heal [A B]")
		}
		return "", nil
	})
	cmds["faults"] = r.directive("inject faults into deliveries between machines", "[seed=N] [loss=P] [duplicate=P] [delay=P] [maxdelay=DURATION]",
		[]string{"P is a probability from 0 to 1. faults with no argument turns injection off."}, func(a []string) (string, error) {
			f, err := parseFaults(a)
			if err != nil {
				return "", err
			}
			return "", r.net.SetFaults(f)
		})
	cmds["objects"] = r.directive("list every object (WinObj): type, name, handle and pointer counts, details", "[MACHINE]", nil,
		func(a []string) (string, error) { return r.perMachine(a, "objects", view.Objects) })
	cmds["processes"] = r.directive("list the processes: parents, states, exit codes", "[MACHINE]", nil,
		func(a []string) (string, error) { return r.perMachine(a, "processes", view.Processes) })
	cmds["namespace"] = r.directive("show a machine's object directory", "MACHINE", nil,
		func(a []string) (string, error) {
			if err := argc(a, 1, 1, "namespace MACHINE"); err != nil {
				return "", err
			}
			return r.perMachine(a, "namespace", view.Namespace)
		})
	cmds["handles"] = r.directive("list handle tables (handle.exe): value, type, access, attributes, name", "[PROCESS|MACHINE]", nil,
		func(a []string) (string, error) {
			if len(a) == 1 {
				if p, ok := r.procs[a[0]]; ok {
					var b strings.Builder
					view.ProcessHandles(&b, p.Machine(), p.PID())
					return b.String(), nil
				}
			}
			return r.perMachine(a, "handles", view.Handles)
		})
	cmds["leaks"] = r.directive("list what a machine holds beyond a clean one (the census leak check)", "[MACHINE] [== COUNT]",
		[]string{"With == COUNT the line fails unless that many items are listed."}, func(a []string) (string, error) {
			var b strings.Builder
			ms, err := r.pick(a, "leaks")
			if err != nil {
				return "", err
			}
			for _, m := range ms {
				for _, l := range m.Leaks() {
					fmt.Fprintf(&b, "%s: %s\n", m.Name(), l)
				}
			}
			return b.String(), nil
		})
	cmds["picture"] = r.directive("print the whole network as a Graphviz DOT or Mermaid picture", "dot|mermaid", nil, func(a []string) (string, error) {
		if err := argc(a, 1, 1, "picture dot|mermaid"); err != nil {
			return "", err
		}
		var b strings.Builder
		switch a[0] {
		case "dot":
			view.NetworkDot(&b, view.Snapshot(r.net.Network))
		case "mermaid":
			view.NetworkMermaid(&b, view.Snapshot(r.net.Network))
		default:
			return "", usagef("picture dot or picture mermaid")
		}
		return b.String(), nil
	})
	cmds["calls"] = r.directive("list the Win32 calls a process can make, with their arguments and results", "", nil, func(a []string) (string, error) {
		var b strings.Builder
		writeCalls(&b)
		return b.String(), nil
	})
	return cmds
}

func (r *Runner) pick(a []string, cmd string) ([]*kernel.Machine, error) {
	switch len(a) {
	case 0:
		return r.machines(), nil
	case 1:
		m := r.net.Machine(a[0])
		if m == nil {
			return nil, usagef("%s: no machine %q", cmd, a[0])
		}
		return []*kernel.Machine{m}, nil
	}
	return nil, usagef("usage: %s [MACHINE]", cmd)
}

func (r *Runner) perMachine(a []string, cmd string, f func(w io.Writer, m *kernel.Machine)) (string, error) {
	ms, err := r.pick(a, cmd)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	for _, m := range ms {
		f(&b, m)
	}
	return b.String(), nil
}

func parseDuration(s string) (time.Duration, error) {
	if n, err := strconv.ParseUint(s, 10, 32); err == nil {
		return time.Duration(n) * time.Millisecond, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 || d > 100*365*24*time.Hour {
		return 0, usagef("%q is not a duration (1500ms, 2s, or milliseconds)", s)
	}
	return d, nil
}

func parseFaults(a []string) (kernel.Faults, error) {
	var f kernel.Faults
	for _, kv := range a {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			return f, usagef("faults takes key=value, not %q", kv)
		}
		var err error
		switch k {
		case "seed":
			f.Seed, err = strconv.ParseUint(v, 0, 64)
		case "loss":
			f.Loss, err = strconv.ParseFloat(v, 64)
		case "duplicate":
			f.Duplicate, err = strconv.ParseFloat(v, 64)
		case "delay":
			f.Delay, err = strconv.ParseFloat(v, 64)
		case "maxdelay":
			f.MaxDelay, err = parseDuration(v)
		default:
			return f, usagef("unknown fault %q (seed, loss, duplicate, delay, maxdelay)", k)
		}
		if err != nil {
			return f, usagef("fault %s: bad value %q", k, v)
		}
	}
	return f, nil
}

// writeCalls lists every Win32 call with its arguments, results and description.
func writeCalls(w io.Writer) {
	for _, n := range CallNames() {
		sig, _ := CallSignature(n)
		fmt.Fprintf(w, "%s\n    %s\n", sig, CallDoc(n))
	}
}
