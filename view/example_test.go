package view_test

import (
	"os"

	"github.com/winsim/winsim"
	"github.com/winsim/winsim/kernel"
	"github.com/winsim/winsim/view"
)

// The object table and a process's handle table after one process duplicated an
// event into another: one object, two handles, one in each table.
func Example() {
	net := winsim.NewNetwork()
	defer net.Close()
	m, _ := net.AddMachine("ALPHA", "CORP")
	a, _ := m.NewProcess("a.exe", nil)
	b, _ := m.NewProcess("b.exe", nil)
	defer a.ExitProcess(0)
	defer b.ExitProcess(0)
	ev, _ := a.CreateEvent(&kernel.SecurityAttributes{InheritHandle: true}, true, false, `Global\ready`)
	hb, _ := a.OpenProcess(kernel.PROCESS_DUP_HANDLE, false, b.PID())
	_, _ = a.DuplicateHandle(kernel.CurrentProcess, ev, hb, 0, false, kernel.DUPLICATE_SAME_ACCESS)
	_ = a.CloseHandle(hb)

	view.Objects(os.Stdout, m)
	view.ProcessHandles(os.Stdout, m, b.PID())
	// Output:
	// Objects on ALPHA (domain CORP):
	// ID  TYPE     HANDLES  POINTERS  NAME                     DETAIL
	// 1   Process  0        1         -                        System pid 4 running
	// 2   Process  0        1         -                        a.exe pid 8 running
	// 3   Process  0        1         -                        b.exe pid 12 running
	// 4   Event    2        2         \BaseNamedObjects\ready  manual-reset
	// b.exe pid: 12 (parent 4, running)
	//     HANDLE  TYPE   OBJECT  ACCESS      ATTRIBUTES  NAME
	//     0x4:    Event  obj 4   0x001f0003  -           \BaseNamedObjects\ready
}
