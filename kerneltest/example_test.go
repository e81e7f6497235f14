package kerneltest_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/winsim/winsim"
	"github.com/winsim/winsim/kerneltest"
)

// In a test, kerneltest gives a machine that is cleaned up when the test ends, and
// RequireNoLeaks fails the test if it left a handle or an object behind. This example
// stands in for the test with a small testing.TB that prints what a test would report.
func Example() {
	t := &exampleT{}
	m := kerneltest.NewMachine(t, winsim.Install) // mailslot and pipe file systems
	p := kerneltest.NewProcess(t, m, "app.exe")
	ev, _ := p.CreateEvent(nil, true, false, "")
	kerneltest.RequireNoLeaks(t, m) // the event is still open: the test fails
	_ = p.CloseHandle(ev)
	t.failed = false
	kerneltest.RequireNoLeaks(t, m)
	fmt.Println("failed:", t.failed)
	t.cleanup()
	// Output:
	// test failed: leaked:
	// 	handle pid 8 (app.exe) 0x4 -> Event object 3
	// 	object 3 Event (manual-reset) handles=1 pointers=1
	// failed: false
}

// exampleT is the part of *testing.T the example needs.
type exampleT struct {
	testing.TB
	cleanups []func()
	failed   bool
}

func (t *exampleT) Helper()          {}
func (t *exampleT) Cleanup(f func()) { t.cleanups = append(t.cleanups, f) }
func (t *exampleT) Fatalf(format string, args ...any) {
	t.failed = true
	msg := fmt.Sprintf(format, args...)
	if _, rest, ok := strings.Cut(msg, "leaked:"); ok { // the machine's name varies
		msg = "leaked:" + rest
	}
	fmt.Println("test failed:", msg)
}
func (t *exampleT) cleanup() {
	for i := len(t.cleanups) - 1; i >= 0; i-- {
		t.cleanups[i]()
	}
}
