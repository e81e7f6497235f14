// Package kerneltest holds test harnesses for code built on winsim: machines with
// cleanup, and a check that a test left no objects or handles behind.
package kerneltest

import (
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/winsim/winsim/kernel"
)

// Installer installs a file system on a machine (mailslot.Install, pipe.Install).
type Installer func(m *kernel.Machine) error

var seq atomic.Uint64

// NewNetwork returns a network that is checked when the test ends: the kernel's
// self-check (Network.Check) must find every invariant kept and every machine must
// hold no leaked objects or handles; then the network is closed.
func NewNetwork(t testing.TB) *kernel.Network {
	t.Helper()
	n := kernel.NewNetwork()
	t.Cleanup(func() {
		defer n.Close()
		RequireCheck(t, n)
		for _, m := range n.Machines() {
			RequireNoLeaks(t, m)
		}
	})
	return n
}

// RequireCheck fails the test if the kernel's self-check finds a broken invariant on n,
// naming each breach. Check is exact only when no call is in flight, and a test may end
// with goroutines of its own still finishing a call (a main function returning, a
// cancelled read waking up), so a breach must persist for a few milliseconds to count.
func RequireCheck(t testing.TB, n *kernel.Network) {
	t.Helper()
	err := n.Check()
	for i := 0; err != nil && i < 10; i++ {
		time.Sleep(time.Millisecond)
		err = n.Check()
	}
	if err != nil {
		t.Fatalf("kerneltest: self-check failed:\n\t%s", strings.ReplaceAll(err.Error(), "\n", "\n\t"))
	}
}

// AddMachine adds a machine to n with the installers run on it. name "" picks a unique
// name.
func AddMachine(t testing.TB, n *kernel.Network, name, domain string, install ...Installer) *kernel.Machine {
	t.Helper()
	if name == "" {
		name = "M" + strconv.FormatUint(seq.Add(1), 10)
	}
	m, err := n.AddMachine(name, domain)
	if err != nil {
		t.Fatalf("kerneltest: AddMachine(%q, %q): %v", name, domain, err)
	}
	for _, in := range install {
		if err := in(m); err != nil {
			t.Fatalf("kerneltest: install on %s: %v", name, err)
		}
	}
	return m
}

// NewMachine returns a machine on its own network, checked for leaks when the test
// ends.
func NewMachine(t testing.TB, install ...Installer) *kernel.Machine {
	t.Helper()
	return AddMachine(t, NewNetwork(t), "", "WORKGROUP", install...)
}

// NewProcess starts a process on m with no main function; it is ended when the test
// ends (after the leak check of NewNetwork, which therefore sees its handles).
func NewProcess(t testing.TB, m *kernel.Machine, name string) *kernel.Process {
	t.Helper()
	p, err := m.NewProcess(name, nil)
	if err != nil {
		t.Fatalf("kerneltest: NewProcess(%q): %v", name, err)
	}
	return p
}

// RequireNoLeaks fails the test if m holds any handle in any process or any object
// beyond the process objects of its live processes, naming each.
func RequireNoLeaks(t testing.TB, m *kernel.Machine) {
	t.Helper()
	if leaks := m.Leaks(); len(leaks) > 0 {
		t.Fatalf("kerneltest: machine %s leaked:\n\t%s", m.Name(), strings.Join(leaks, "\n\t"))
	}
}
