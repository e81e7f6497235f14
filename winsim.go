// Package winsim is the front door to winsim: a network of fake Windows machines with
// the mailslot and named-pipe file systems installed on each, so Win32-style IPC code
// runs in-process on Linux and macOS with Windows' results and error codes.
//
//	net := winsim.NewNetwork()
//	defer net.Close()
//	alpha, _ := net.AddMachine("ALPHA", "CORP")
//	p, _ := alpha.NewProcess("app.exe", nil)
//	h, _ := mailslot.CreateMailslot(p, `\\.\mailslot\inbox`, 0, mailslot.MAILSLOT_WAIT_FOREVER, nil)
//
// The packages underneath do the work: kernel (objects, handles, processes, waits,
// machines), namespace (names), mailslot, pipe, and view (WinObj/handle.exe-style
// listings and pictures). See README.md and docs/model.md.
package winsim

import (
	"github.com/winsim/winsim/kernel"
	"github.com/winsim/winsim/mailslot"
	"github.com/winsim/winsim/pipe"
)

// A Network is a kernel.Network whose AddMachine installs both file systems.
type Network struct {
	*kernel.Network
}

// NewNetwork returns an empty network.
func NewNetwork() *Network { return &Network{kernel.NewNetwork()} }

// AddMachine adds a machine (see kernel.Network.AddMachine) with \Device\Mailslot and
// \Device\NamedPipe installed.
func (n *Network) AddMachine(name, domain string, opts ...kernel.MachineOption) (*kernel.Machine, error) {
	m, err := n.Network.AddMachine(name, domain, opts...)
	if err != nil {
		return nil, err
	}
	if err := Install(m); err != nil {
		_ = n.RemoveMachine(name)
		return nil, err
	}
	return m, nil
}

// Install installs the mailslot and named-pipe file systems on m (idempotent); use it
// for machines added through kernel.Network directly, or as a kerneltest.Installer.
func Install(m *kernel.Machine) error {
	if err := mailslot.Install(m); err != nil {
		return err
	}
	return pipe.Install(m)
}
