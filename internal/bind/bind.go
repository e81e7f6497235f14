// Package bind holds the winsim process that the facade packages (winio and windows)
// act as when their package-level functions are called. go-winio and x/sys/windows have
// no process argument: on Windows the caller is the current process. Over winsim the
// caller is whichever *kernel.Process was bound; both facades share this one default so
// that a test which uses them together is one process.
//
// The default is made on first use: a network of one machine (DefaultMachineName, in
// DefaultDomain) with the mailslot and named-pipe file systems and one process
// (DefaultProcessName). SetDefault replaces it.
package bind

import (
	"sync"

	"github.com/winsim/winsim"
	"github.com/winsim/winsim/kernel"
)

// Names of the machine and process made when no default was set.
const (
	DefaultMachineName = "WINSIM"
	DefaultDomain      = "WORKGROUP"
	DefaultProcessName = "app.exe"
)

var (
	mu      sync.Mutex
	current *kernel.Process
	made    *winsim.Network // the network made by Default, if it made one
)

// Default returns the bound process, making the default machine and process the first
// time it is called with none bound.
func Default() *kernel.Process {
	mu.Lock()
	defer mu.Unlock()
	if current == nil {
		n := winsim.NewNetwork()
		m, err := n.AddMachine(DefaultMachineName, DefaultDomain)
		if err != nil {
			panic("bind: cannot make the default machine: " + err.Error()) // a fresh network always accepts its first machine
		}
		p, err := m.NewProcess(DefaultProcessName, nil)
		if err != nil {
			panic("bind: cannot make the default process: " + err.Error())
		}
		current, made = p, n
	}
	return current
}

// SetDefault binds p and returns a function that restores the previous binding. A nil p
// unbinds, so that the next Default makes a fresh machine.
func SetDefault(p *kernel.Process) (restore func()) {
	mu.Lock()
	prev, prevMade := current, made
	current, made = p, nil
	mu.Unlock()
	return func() {
		mu.Lock()
		current, made = prev, prevMade
		mu.Unlock()
	}
}
