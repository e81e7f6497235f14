package kernel_test

import (
	"fmt"

	"github.com/winsim/winsim/kernel"
)

// queueFile is a file system's object body that keeps a count of queued items and
// checks it against its queue for the self-check.
type queueFile struct {
	kernel.NoOps
	items []string
	count int
}

// CheckInvariants implements kernel.InvariantChecker.
func (q *queueFile) CheckInvariants(r *kernel.InvariantReport) {
	if q.count != len(q.items) {
		r.Breach(r.This(), "queued items", len(q.items), q.count)
	}
}

// Machine.Check verifies the whole object graph: handle counts against the handle
// tables, pointer counts, the namespace, exited processes, wait queues, and the
// invariants each object body reports through kernel.InvariantChecker. A test runs it
// after its calls (kerneltest.NewNetwork does, when the test ends).
func ExampleMachine_Check() {
	net := kernel.NewNetwork()
	defer net.Close()
	m, _ := net.AddMachine("ALPHA", "WORKGROUP")
	p, _ := m.NewProcess("app.exe", nil)
	defer p.ExitProcess(0)

	ev, _ := p.CreateEvent(nil, true, false, "ready")
	dup, _ := p.DuplicateHandle(kernel.CurrentProcess, ev, kernel.CurrentProcess, 0, false, kernel.DUPLICATE_SAME_ACCESS)
	fmt.Println("sound:", m.Check())

	body := &queueFile{items: []string{"a", "b"}, count: 3}
	o := m.NewObject(kernel.FileType, body)
	h, _ := p.NewHandle(o, kernel.FILE_ALL_ACCESS, false)
	o.DecRef()
	for _, b := range kernel.Breaches(m.Check()) {
		fmt.Printf("%s: expected %s, found %s\n", b.What, b.Expected, b.Found)
	}

	_ = p.CloseHandle(h)
	_ = p.CloseHandle(dup)
	_ = p.CloseHandle(ev)
	// Output:
	// sound: <nil>
	// queued items: expected 2, found 3
}
