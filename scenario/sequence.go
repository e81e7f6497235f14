package scenario

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/winsim/winsim/kernel"
)

// WriteSequence writes a Mermaid sequence diagram of a recorded run: one participant
// per process and one per machine's kernel; each call an arrow from the process to its
// kernel, its result an arrow back (a background call's result arrives at the line that
// waited for it), and the trace events each line caused as notes over the kernel.
func WriteSequence(w io.Writer, steps []Step) {
	fmt.Fprintln(w, "sequenceDiagram")
	seen := map[string]bool{}
	var order []string
	add := func(id, label string) {
		if !seen[id] {
			seen[id] = true
			order = append(order, fmt.Sprintf("  participant %s as %s", id, label))
		}
	}
	for _, st := range steps {
		if c := st.call; c != nil {
			add(c.process, c.process+" ("+c.machine+")")
			add(kernelID(c.machine), c.machine+" kernel")
		}
		for _, ev := range st.Events {
			add(kernelID(ev.Machine), ev.Machine+" kernel")
		}
	}
	for _, l := range order {
		fmt.Fprintln(w, l)
	}
	var pending []*callRecord
	for _, st := range steps {
		if c := st.call; c != nil {
			fmt.Fprintf(w, "  %s->>%s: %s\n", c.process, kernelID(c.machine), seqText(st.Source[len(c.process):]))
			if c.background {
				pending = append(pending, c)
			} else {
				fmt.Fprintf(w, "  %s-->>%s: %s\n", kernelID(c.machine), c.process, seqText(c.result))
			}
		}
		if strings.HasPrefix(st.Source, "wait") {
			for _, c := range pending {
				fmt.Fprintf(w, "  %s-->>%s: %s %s\n", kernelID(c.machine), c.process, c.call, seqText(c.result))
			}
			pending = nil
		}
		byMachine := map[string][]string{}
		for _, ev := range st.Events {
			byMachine[ev.Machine] = append(byMachine[ev.Machine], eventText(ev))
		}
		ms := make([]string, 0, len(byMachine))
		for m := range byMachine {
			ms = append(ms, m)
		}
		sort.Strings(ms)
		for _, m := range ms {
			fmt.Fprintf(w, "  Note over %s: %s\n", kernelID(m), strings.Join(byMachine[m], "<br/>"))
		}
	}
}

func kernelID(machine string) string { return "k_" + strings.Map(safeRune, machine) }

func safeRune(r rune) rune {
	if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
		return r
	}
	return '_'
}

// seqText makes text safe in a Mermaid message (no ;, # or line breaks).
func seqText(s string) string {
	s = strings.TrimSpace(s)
	return strings.NewReplacer(";", ",", "#", "no.", "\n", " ").Replace(s)
}

func eventText(ev kernel.TraceEvent) string {
	s := ev.Kind.String()
	if ev.PID != 0 {
		s += fmt.Sprintf(" pid %d", ev.PID)
	}
	if ev.Handle != 0 {
		s += fmt.Sprintf(" handle %#x", uintptr(ev.Handle))
	}
	if ev.Type != "" {
		s += " " + ev.Type
	}
	if ev.Object != 0 {
		s += fmt.Sprintf(" obj %d", ev.Object)
	}
	if ev.Detail != "" {
		s += " " + ev.Detail
	}
	return seqText(s)
}

// WriteCommands lists the script commands other than Win32 calls, with their usage.
func WriteCommands(w io.Writer) {
	r := New(Options{})
	defer r.Close()
	r.writeCommands(w)
}

// WriteCalls lists every Win32 call a script can make, with its arguments, results and
// description.
func WriteCalls(w io.Writer) { writeCalls(w) }

func (r *Runner) writeCommands(w io.Writer) {
	names := make([]string, 0, len(r.engine.Cmds))
	for n := range r.engine.Cmds {
		if _, proc := r.procs[n]; !proc {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	for _, n := range names {
		u := r.engine.Cmds[n].Usage()
		fmt.Fprintf(w, "%s %s\n    %s\n", n, u.Args, u.Summary)
		for _, d := range u.Detail {
			fmt.Fprintf(w, "    %s\n", d)
		}
	}
	fmt.Fprintln(w, "PROCESS CALL ARG... [-> NAME...] [== VALUE...] [=> ERROR|ok] [&]\n    a Win32 call by a declared process (help calls lists them); & runs it in the background until wait")
}
