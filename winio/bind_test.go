package winio

import (
	"testing"

	"go.uber.org/goleak"

	"github.com/winsim/winsim/kernel"
	"github.com/winsim/winsim/kerneltest"
	"github.com/winsim/winsim/pipe"
)

// bindTest gives the test a machine of its own with the pipe file system and a process
// that the package-level functions act as. When the test ends the binding is undone;
// goleak waits for the test's goroutines to end (a test may return while one of its
// goroutines still runs a deferred Close, as go-winio's TestEchoWithMessaging does) and
// fails if one outlives the test; then the process is terminated and the machine
// checked for leftover objects and handles: the leak check after each test, made when
// nothing of the test is running any more.
func bindTest(t *testing.T) *kernel.Process {
	t.Helper()
	m := kerneltest.NewMachine(t, pipe.Install)
	p := kerneltest.NewProcess(t, m, "winio.test.exe")
	t.Cleanup(func() { p.Terminate(0) })
	running := goleak.IgnoreCurrent() // the test's own, a synctest bubble's, the machine's
	t.Cleanup(func() { goleak.VerifyNone(t, running) })
	t.Cleanup(SetDefaultProcess(p))
	return p
}
