package winio

import (
	"testing"

	"go.uber.org/goleak"

	"github.com/winsim/winsim/kernel"
	"github.com/winsim/winsim/kerneltest"
	"github.com/winsim/winsim/pipe"
)

// bindTest gives the test a machine of its own with the pipe file system and a process
// that the package-level functions act as. When the test ends the binding is undone,
// the process terminated, the machine checked for leftover objects and handles, and
// goleak checks that no goroutine outlived the test: the leak check after each test.
func bindTest(t *testing.T) *kernel.Process {
	t.Helper()
	running := goleak.IgnoreCurrent() // the test's own, and a synctest bubble's
	t.Cleanup(func() { goleak.VerifyNone(t, running) })
	m := kerneltest.NewMachine(t, pipe.Install)
	p := kerneltest.NewProcess(t, m, "winio.test.exe")
	t.Cleanup(func() { p.Terminate(0) })
	t.Cleanup(SetDefaultProcess(p))
	return p
}
