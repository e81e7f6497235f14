package view

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/winsim/winsim/kernel"
)

// A NetworkCensus is what a whole network holds at one moment: every machine's census
// and the links between objects that the censuses alone do not show.
type NetworkCensus struct {
	Machines []kernel.Census // by machine name
	Links    []Link
	// ShowSecurity adds each object's owner and DACL, in SDDL, to the pictures.
	ShowSecurity bool
}

// An ObjectRef names an object on a machine (object IDs are per machine).
type ObjectRef struct {
	Machine string
	ID      kernel.ObjectID
}

// LinkKind says what a Link stands for.
type LinkKind string

const (
	// LinkPipe joins the two ends of a pipe instance, local or across machines.
	LinkPipe LinkKind = "pipe"
	// LinkMailslot joins a mailslot client to each server it writes to: one for a
	// local or \\HOST\ client, every mailslot of that name in the domain for a
	// broadcast (\\DOMAIN\ or \\*\).
	LinkMailslot LinkKind = "mailslot"
)

// A Link joins two objects.
type Link struct {
	From, To ObjectRef
	Kind     LinkKind
	Label    string
}

// peerer is implemented by pipe ends (package pipe).
type peerer interface{ Peer() *kernel.Object }

// Snapshot takes the census of every machine of n and works out the links.
func Snapshot(n *kernel.Network) *NetworkCensus {
	ms := n.Machines()
	sort.Slice(ms, func(i, j int) bool { return ms[i].Name() < ms[j].Name() })
	nc := &NetworkCensus{}
	servers := map[string][]ObjectRef{} // machine + "\x00" + upper-case mailslot path → servers
	for _, m := range ms {
		c := m.Census()
		nc.Machines = append(nc.Machines, c)
		for _, o := range c.Objects {
			if o.Type == "File" && strings.HasPrefix(o.Detail, "server of ") && strings.HasPrefix(o.Name, `\Device\Mailslot\`) {
				key := strings.ToUpper(m.Name()) + "\x00" + strings.ToUpper(strings.TrimPrefix(o.Name, `\Device\Mailslot`))
				servers[key] = append(servers[key], ObjectRef{m.Name(), o.ID})
			}
		}
	}
	for i, m := range ms {
		for _, o := range nc.Machines[i].Objects {
			from := ObjectRef{m.Name(), o.ID}
			if o.Object != nil {
				if p, ok := o.Object.Body().(peerer); ok {
					if peer := p.Peer(); peer != nil {
						to := ObjectRef{peer.Machine().Name(), peer.ID()}
						if less(from, to) {
							nc.Links = append(nc.Links, Link{From: from, To: to, Kind: LinkPipe, Label: "pipe"})
						}
					}
				}
			}
			target, ok := strings.CutPrefix(o.Detail, "client of ")
			if !ok || o.Type != "File" {
				continue
			}
			target = strings.TrimSuffix(target, " (server gone)")
			host, path, ok := strings.Cut(strings.TrimPrefix(target, `\\`), `\mailslot`)
			if !ok {
				continue
			}
			var hosts []*kernel.Machine
			label := "mailslot"
			switch {
			case host == ".":
				hosts = []*kernel.Machine{m}
			case host == "*":
				hosts, label = n.DomainMembers(m.Domain()), "broadcast"
			case n.Machine(host) != nil:
				hosts = []*kernel.Machine{n.Machine(host)}
			default:
				hosts, label = n.DomainMembers(host), "broadcast"
			}
			for _, h := range hosts {
				for _, s := range servers[strings.ToUpper(h.Name())+"\x00"+strings.ToUpper(path)] {
					nc.Links = append(nc.Links, Link{From: from, To: s, Kind: LinkMailslot, Label: label})
				}
			}
		}
	}
	return nc
}

// machineCensus is the census of m alone, with the links that stay on m.
func machineCensus(m *kernel.Machine) *NetworkCensus {
	nc := &NetworkCensus{Machines: []kernel.Census{m.Census()}}
	if n := m.Network(); n != nil {
		for _, l := range Snapshot(n).Links {
			if l.From.Machine == m.Name() && l.To.Machine == m.Name() {
				nc.Links = append(nc.Links, l)
			}
		}
	}
	return nc
}

func less(a, b ObjectRef) bool {
	if a.Machine != b.Machine {
		return a.Machine < b.Machine
	}
	return a.ID < b.ID
}

// selfObject finds the Process object of the process pid in c.
func selfObject(c kernel.Census, pid uint32) (kernel.ObjectID, bool) {
	for _, o := range c.Objects {
		if o.Type != "Process" || o.Object == nil {
			continue
		}
		if p, ok := o.Object.Body().(*kernel.Process); ok && p.PID() == pid {
			return o.ID, true
		}
	}
	return 0, false
}

func nodeID(machine string, kind byte, n uint64) string {
	var b strings.Builder
	for _, r := range machine {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	return fmt.Sprintf("%s_%c%d", b.String(), kind, n)
}

func objNode(r ObjectRef) string { return nodeID(r.Machine, 'o', uint64(r.ID)) }

func handleLabel(h kernel.HandleView) string {
	s := fmt.Sprintf("%#x %#x", uintptr(h.Handle), uint32(h.Granted))
	if f := flags(h); f != "-" {
		s += " " + f
	}
	return s
}

// NetworkDot writes a Graphviz DOT picture of the whole network: a box per machine
// (cluster), in it its processes and objects; an edge per handle from process to object,
// labelled with the handle value, granted access and attributes; a dotted line from each
// process to its own Process object; pipe ends joined to each other, and mailslot
// clients to the servers they write to, across machines too.
func NetworkDot(w io.Writer, nc *NetworkCensus) {
	fmt.Fprintln(w, "digraph network {\n  rankdir=LR;\n  compound=true;\n  node [fontname=\"Courier\", fontsize=10];\n  edge [fontname=\"Courier\", fontsize=9];")
	for _, c := range nc.Machines {
		fmt.Fprintf(w, "  subgraph \"cluster_%s\" {\n    label=\"%s (domain %s)\";\n    style=rounded;\n", esc(c.Machine), esc(c.Machine), esc(c.Domain))
		for _, p := range c.Processes {
			fmt.Fprintf(w, "    %s [shape=box, style=filled, fillcolor=\"#e8f0ff\", label=\"%s\\npid %d (parent %d)\\n%s\"];\n",
				nodeID(c.Machine, 'p', uint64(p.PID)), esc(p.Name), p.PID, p.ParentPID, esc(processState(p)))
		}
		for _, o := range c.Objects {
			label := fmt.Sprintf("%s #%d", o.Type, o.ID)
			if o.Name != "" {
				label += "\\n" + esc(o.Name)
			}
			if o.Detail != "" {
				label += "\\n" + esc(o.Detail)
			}
			label += fmt.Sprintf("\\nhandles %d, pointers %d", o.Handles, o.Pointers)
			if nc.ShowSecurity && o.Security != "" {
				label += "\\n" + esc(o.Security)
			}
			fmt.Fprintf(w, "    %s [shape=ellipse, label=\"%s\"];\n", objNode(ObjectRef{c.Machine, o.ID}), label)
		}
		for _, p := range c.Processes {
			pn := nodeID(c.Machine, 'p', uint64(p.PID))
			if id, ok := selfObject(c, p.PID); ok {
				fmt.Fprintf(w, "    %s -> %s [style=dotted, arrowhead=none, label=\"its object\"];\n", pn, objNode(ObjectRef{c.Machine, id}))
			}
			for _, h := range p.Handles {
				fmt.Fprintf(w, "    %s -> %s [label=\"%s\"];\n", pn, objNode(ObjectRef{c.Machine, h.ObjectID}), handleLabel(h))
			}
		}
		fmt.Fprintln(w, "  }")
	}
	for _, l := range nc.Links {
		style := `color="#1f5fbf", dir=both, penwidth=2`
		if l.Kind == LinkMailslot {
			style = `color="#2e8b57", style=dashed`
		}
		fmt.Fprintf(w, "  %s -> %s [%s, label=\"%s\"];\n", objNode(l.From), objNode(l.To), style, esc(l.Label))
	}
	fmt.Fprintln(w, "}")
}

// NetworkMermaid writes the same picture as a Mermaid flowchart.
func NetworkMermaid(w io.Writer, nc *NetworkCensus) {
	fmt.Fprintln(w, "flowchart LR")
	for _, c := range nc.Machines {
		fmt.Fprintf(w, "  subgraph %s[\"%s (domain %s)\"]\n", nodeID(c.Machine, 'm', 0), mesc(c.Machine), mesc(c.Domain))
		for _, p := range c.Processes {
			fmt.Fprintf(w, "    %s[\"%s<br/>pid %d (parent %d)<br/>%s\"]\n", nodeID(c.Machine, 'p', uint64(p.PID)), mesc(p.Name), p.PID, p.ParentPID, mesc(processState(p)))
		}
		for _, o := range c.Objects {
			label := fmt.Sprintf("%s #%d", o.Type, o.ID)
			if o.Name != "" {
				label += "<br/>" + mesc(o.Name)
			}
			if o.Detail != "" {
				label += "<br/>" + mesc(o.Detail)
			}
			label += fmt.Sprintf("<br/>handles %d, pointers %d", o.Handles, o.Pointers)
			if nc.ShowSecurity && o.Security != "" {
				label += "<br/>" + mesc(o.Security)
			}
			fmt.Fprintf(w, "    %s([\"%s\"])\n", objNode(ObjectRef{c.Machine, o.ID}), label)
		}
		fmt.Fprintln(w, "  end")
	}
	for _, c := range nc.Machines {
		for _, p := range c.Processes {
			pn := nodeID(c.Machine, 'p', uint64(p.PID))
			if id, ok := selfObject(c, p.PID); ok {
				fmt.Fprintf(w, "  %s -. its object .- %s\n", pn, objNode(ObjectRef{c.Machine, id}))
			}
			for _, h := range p.Handles {
				fmt.Fprintf(w, "  %s -- \"%s\" --> %s\n", pn, mesc(handleLabel(h)), objNode(ObjectRef{c.Machine, h.ObjectID}))
			}
		}
	}
	for _, l := range nc.Links {
		arrow := "<== \"%s\" ==>"
		if l.Kind == LinkMailslot {
			arrow = "-. \"%s\" .->"
		}
		fmt.Fprintf(w, "  %s "+arrow+" %s\n", objNode(l.From), mesc(l.Label), objNode(l.To))
	}
}
