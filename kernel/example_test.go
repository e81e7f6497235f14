package kernel_test

import (
	"context"
	"fmt"

	"github.com/winsim/winsim/kernel"
)

// This is the example in README.md: a machine, a parent and a child process, an
// inheritable event handed to the child at the same handle value, and the child's exit
// seen through its process handle.
func Example() {
	net := kernel.NewNetwork()
	defer net.Close()
	m, _ := net.AddMachine("ALPHA", "WORKGROUP")
	parent, _ := m.NewProcess("parent.exe", nil)
	defer parent.ExitProcess(0)

	// An inheritable auto-reset event.
	ev, _ := parent.CreateEvent(&kernel.SecurityAttributes{InheritHandle: true}, false, false, "")

	// The child inherits it at the same handle value, signals it and exits with 7.
	hChild, _, _ := parent.CreateProcess("child.exe", true, func(ctx context.Context, p *kernel.Process) uint32 {
		_ = p.SetEvent(ev)
		return 7
	})

	r, _ := parent.WaitForSingleObject(context.Background(), ev, kernel.INFINITE)
	fmt.Println("event:", r == kernel.WAIT_OBJECT_0)
	r, _ = parent.WaitForSingleObject(context.Background(), hChild, kernel.INFINITE)
	code, _ := parent.GetExitCodeProcess(hChild)
	fmt.Println("child exited:", r == kernel.WAIT_OBJECT_0, "code", code)

	_ = parent.CloseHandle(hChild)
	fmt.Println("close again:", parent.CloseHandle(hChild))
	_ = parent.CloseHandle(ev)
	// Output:
	// event: true
	// child exited: true code 7
	// close again: The handle is invalid.
}
