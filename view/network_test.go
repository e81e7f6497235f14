package view_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/winsim/winsim"
	"github.com/winsim/winsim/kernel"
	"github.com/winsim/winsim/mailslot"
	"github.com/winsim/winsim/pipe"
	"github.com/winsim/winsim/view"
)

// twoMachineNetwork has a remote named-pipe connection from CLIENT to SERVER, an
// anonymous pipe on SERVER, and a broadcast mailslot client on CLIENT whose copies go to
// the mailslots of both machines of the domain.
func twoMachineNetwork(t *testing.T) *winsim.Network {
	t.Helper()
	n := winsim.NewNetwork()
	t.Cleanup(n.Close)
	srvM, err := n.AddMachine("SERVER", "CORP")
	require.NoError(t, err)
	cliM, err := n.AddMachine("CLIENT", "CORP")
	require.NoError(t, err)
	srv, err := srvM.NewProcess("server.exe", nil)
	require.NoError(t, err)
	cli, err := cliM.NewProcess("client.exe", nil)
	require.NoError(t, err)
	_, err = pipe.CreateNamedPipe(srv, `\\.\pipe\svc`, pipe.PIPE_ACCESS_DUPLEX, pipe.PIPE_TYPE_BYTE|pipe.PIPE_ACCEPT_REMOTE_CLIENTS, 1, 512, 512, 0, nil)
	require.NoError(t, err)
	_, err = cli.CreateFile(`\\SERVER\pipe\svc`, kernel.GENERIC_READ|kernel.GENERIC_WRITE, 0, nil, kernel.OPEN_EXISTING, 0)
	require.NoError(t, err)
	_, _, err = pipe.CreatePipe(srv, &kernel.SecurityAttributes{InheritHandle: true}, 0)
	require.NoError(t, err)
	_, err = mailslot.CreateMailslot(srv, `\\.\mailslot\news`, 0, 0, nil)
	require.NoError(t, err)
	_, err = mailslot.CreateMailslot(cli, `\\.\mailslot\news`, 0, 0, nil)
	require.NoError(t, err)
	_, err = cli.CreateFile(`\\*\mailslot\news`, kernel.GENERIC_WRITE, kernel.FILE_SHARE_READ, nil, kernel.OPEN_EXISTING, 0)
	require.NoError(t, err)
	return n
}

// The network picture covers every machine: a cluster each; processes linked to their
// own Process object; handle edges with value, access and attributes; the two ends of a
// pipe joined across machines and on one; a broadcast client joined to every mailslot
// of the domain.
func TestNetworkPictureLinksAcrossMachines(t *testing.T) {
	n := twoMachineNetwork(t)
	nc := view.Snapshot(n.Network)
	require.Len(t, nc.Machines, 2)
	var pipes, slots int
	for _, l := range nc.Links {
		switch l.Kind {
		case view.LinkPipe:
			pipes++
		case view.LinkMailslot:
			slots++
			assert.Equal(t, "broadcast", l.Label)
		}
	}
	assert.Equal(t, 2, pipes, "the remote connection and the anonymous pipe")
	assert.Equal(t, 2, slots, "one broadcast client, two mailslots in CORP")

	var dot bytes.Buffer
	view.NetworkDot(&dot, nc)
	d := dot.String()
	assert.Contains(t, d, `subgraph "cluster_CLIENT"`)
	assert.Contains(t, d, `label="SERVER (domain CORP)"`)
	assert.Regexp(t, `SERVER_p8 -> SERVER_o\d+ \[style=dotted, arrowhead=none, label="its object"\]`, d)
	assert.Regexp(t, `CLIENT_p8 -> CLIENT_o\d+ \[label="0x4 0x12019f"\]`, d, "value and granted access")
	assert.Contains(t, d, `0x120189 inherit`, "the inheritable read end shows its attribute")
	assert.Regexp(t, `CLIENT_o\d+ -> SERVER_o\d+ \[color="#1f5fbf", dir=both, penwidth=2, label="pipe"\]`, d, "the remote pipe across machines")
	assert.Contains(t, d, "anonymous server connected")

	var mer bytes.Buffer
	view.NetworkMermaid(&mer, nc)
	m := mer.String()
	assert.Contains(t, m, "flowchart LR")
	assert.Contains(t, m, `subgraph CLIENT_m0["CLIENT (domain CORP)"]`)
	assert.Regexp(t, `CLIENT_o\d+ <== "pipe" ==> SERVER_o\d+`, m)
	assert.Regexp(t, `CLIENT_o\d+ -. "broadcast" .-> SERVER_o\d+`, m)
}

// SVG is rendered in-process from the DOT picture, without a Graphviz installation.
func TestNetworkSVGRendersInProcess(t *testing.T) {
	n := twoMachineNetwork(t)
	var svg bytes.Buffer
	require.NoError(t, view.NetworkSVG(context.Background(), &svg, view.Snapshot(n.Network)))
	assert.Contains(t, svg.String(), "<svg")
	assert.Contains(t, svg.String(), "SERVER (domain CORP)")
}

// Processes lists parents, states and exit codes; ProcessHandles one process's table.
func TestProcessesAndOneProcessHandles(t *testing.T) {
	n := twoMachineNetwork(t)
	m := n.Machine("SERVER")
	_, child, err := m.Process(8).CreateProcess("child.exe", false, nil)
	require.NoError(t, err)
	child.ExitProcess(5)
	var b bytes.Buffer
	view.Processes(&b, m)
	assert.Regexp(t, `PID\s+PARENT\s+NAME\s+STATE\s+EXIT CODE\s+HANDLES`, b.String())
	assert.Regexp(t, `12\s+8\s+child.exe\s+exited\s+5\s+0`, b.String(), "kept by the parent's handle")
	b.Reset()
	view.ProcessHandles(&b, m, 8)
	assert.Contains(t, b.String(), "server.exe pid: 8 (parent 4, running)")
	assert.NotContains(t, b.String(), "System pid")
}

// With ShowSecurity the pictures carry each object's owner and DACL in SDDL (the named
// pipe's default DACL gives full control to SYSTEM, Administrators and the creator owner:
// MS docs "Named Pipe Security and Access Rights"); without it they do not.
func TestNetworkPicturesShowSecurityOnRequest(t *testing.T) {
	n := twoMachineNetwork(t)
	nc := view.Snapshot(n.Network)
	var sddl string
	for _, c := range nc.Machines {
		for _, o := range c.Objects {
			if o.Type == "File" && o.Security != "" {
				sddl = o.Security
			}
		}
	}
	require.NotEmpty(t, sddl, "a pipe end has a descriptor")
	var plain, dot, mer bytes.Buffer
	view.NetworkDot(&plain, nc)
	assert.NotContains(t, plain.String(), "D:")
	nc.ShowSecurity = true
	view.NetworkDot(&dot, nc)
	view.NetworkMermaid(&mer, nc)
	assert.Contains(t, dot.String(), sddl)
	assert.Contains(t, mer.String(), "D:")
}
