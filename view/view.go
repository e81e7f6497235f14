// Package view renders what a winsim machine's kernel holds, the way Windows tools
// show it: the object directory (like Sysinternals WinObj), every object with its
// counts, each process's handle table (like handle.exe), the processes, and pictures
// (Graphviz DOT, Mermaid, SVG) of processes, handles and objects on one machine or a
// whole network (network.go).
package view

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/winsim/winsim/kernel"
	"github.com/winsim/winsim/namespace"
)

// Namespace writes m's object directory tree, one entry per line, indented by depth,
// with what each entry is (Directory, SymbolicLink → target, Device, or the object's
// type and counts).
func Namespace(w io.Writer, m *kernel.Machine) {
	fmt.Fprintf(w, "Object directory of %s:\n", m.Name())
	fmt.Fprintln(w, `\`)
	m.Root().Walk(func(path string, v any) bool {
		depth := strings.Count(path, `\`)
		name := path[strings.LastIndex(path, `\`)+1:]
		fmt.Fprintf(w, "%s%s  %s\n", strings.Repeat("  ", depth), name, describe(v))
		return true
	})
}

func describe(v any) string {
	switch x := v.(type) {
	case *namespace.Directory:
		return "[Directory]"
	case *namespace.Symlink:
		if x.Target == "" {
			return `[SymbolicLink] -> \ (the root)` // \GLOBAL??\GLOBALROOT: an empty target is the root
		}
		return "[SymbolicLink] -> " + x.Target
	case *kernel.Object:
		return fmt.Sprintf("[%s] handles=%d pointers=%d", x.Type().Name, x.HandleCount(), x.PointerCount())
	case kernel.Device:
		return "[Device]"
	default:
		return fmt.Sprintf("[%T]", v)
	}
}

// Objects writes every live object of m with its type, name, handle and pointer
// counts, and the body's own description.
func Objects(w io.Writer, m *kernel.Machine) {
	c := m.Census()
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "Objects on %s (domain %s):\n", c.Machine, c.Domain)
	fmt.Fprintln(tw, "ID\tTYPE\tHANDLES\tPOINTERS\tNAME\tDETAIL")
	for _, o := range c.Objects {
		fmt.Fprintf(tw, "%d\t%s\t%d\t%d\t%s\t%s\n", o.ID, o.Type, o.Handles, o.Pointers, dash(o.Name), dash(o.Detail))
	}
	tw.Flush()
}

// Handles writes each process's handle table, like handle.exe -a: a line for the
// process, a header row, and one row per handle with its value, type, object ID, granted
// access, attributes and object name.
func Handles(w io.Writer, m *kernel.Machine) {
	for _, p := range m.Census().Processes {
		processHandles(w, p)
	}
}

// ProcessHandles writes the handle table of the process pid of m, as Handles does for
// every process; nothing when m has no such process.
func ProcessHandles(w io.Writer, m *kernel.Machine, pid uint32) {
	for _, p := range m.Census().Processes {
		if p.PID == pid {
			processHandles(w, p)
		}
	}
}

func processHandles(w io.Writer, p kernel.ProcessInfo) {
	fmt.Fprintf(w, "%s pid: %d (parent %d, %s)\n", p.Name, p.PID, p.ParentPID, processState(p))
	if len(p.Handles) == 0 {
		fmt.Fprintln(w, "    (no handles)")
		return
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "    HANDLE\tTYPE\tOBJECT\tACCESS\tATTRIBUTES\tNAME")
	for _, h := range p.Handles {
		fmt.Fprintf(tw, "    %#x:\t%s\tobj %d\t%#08x\t%s\t%s\n", uintptr(h.Handle), h.Type, h.ObjectID, uint32(h.Granted), flags(h), dash(h.Name))
	}
	tw.Flush()
}

func processState(p kernel.ProcessInfo) string {
	if p.State == kernel.ProcessExited {
		return fmt.Sprintf("%s, exit code %d", p.State, p.ExitCode)
	}
	return p.State.String()
}

// Processes writes m's processes, like a task list: PID, parent, image name, state,
// exit code and how many handles each holds. Exited processes are listed while
// something still holds their process object.
func Processes(w io.Writer, m *kernel.Machine) {
	c := m.Census()
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "Processes on %s (domain %s):\n", c.Machine, c.Domain)
	fmt.Fprintln(tw, "PID\tPARENT\tNAME\tSTATE\tEXIT CODE\tHANDLES")
	for _, p := range c.Processes {
		code := "-"
		if p.State == kernel.ProcessExited {
			code = fmt.Sprint(p.ExitCode)
		}
		fmt.Fprintf(tw, "%d\t%d\t%s\t%s\t%s\t%d\n", p.PID, p.ParentPID, p.Name, p.State, code, len(p.Handles))
	}
	tw.Flush()
}

func flags(h kernel.HandleView) string {
	var f []string
	if h.Inherit {
		f = append(f, "inherit")
	}
	if h.Protect {
		f = append(f, "protect")
	}
	if len(f) == 0 {
		return "-"
	}
	return strings.Join(f, ",")
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// Dot writes a Graphviz DOT picture of m alone: NetworkDot's picture of the one
// machine, with the links between its own objects.
func Dot(w io.Writer, m *kernel.Machine) { NetworkDot(w, machineCensus(m)) }

// Mermaid writes the same picture as a Mermaid flowchart.
func Mermaid(w io.Writer, m *kernel.Machine) { NetworkMermaid(w, machineCensus(m)) }

func esc(s string) string {
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s)
}

func mesc(s string) string { return strings.ReplaceAll(s, `"`, "#quot;") }
