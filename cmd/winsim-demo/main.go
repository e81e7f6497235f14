// Command winsim-demo shows the kernel object model at work on one fake machine: two
// processes, a named event one creates, a handle to it duplicated into the other, and
// the object table and handle tables before and after the creator exits.
package main

import (
	"fmt"
	"io"
	"os"

	"github.com/winsim/winsim/kernel"
	"github.com/winsim/winsim/view"
)

func main() {
	if err := run(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "winsim-demo:", err)
		os.Exit(1)
	}
}

func run(w io.Writer) error {
	net := kernel.NewNetwork()
	defer net.Close()
	m, err := net.AddMachine("ALPHA", "WORKGROUP")
	if err != nil {
		return err
	}
	server, err := m.NewProcess("server.exe", nil)
	if err != nil {
		return err
	}
	client, err := m.NewProcess("client.exe", nil)
	if err != nil {
		return err
	}

	// server.exe creates a named manual-reset event.
	hEvent, err := server.CreateEvent(nil, true, false, `Global\ready`)
	if err != nil {
		return err
	}
	// server.exe opens client.exe and duplicates its event handle into it.
	hClientProc, err := server.OpenProcess(kernel.PROCESS_DUP_HANDLE, false, client.PID())
	if err != nil {
		return err
	}
	hDup, err := server.DuplicateHandle(kernel.CurrentProcess, hEvent, hClientProc, 0, false, kernel.DUPLICATE_SAME_ACCESS)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "server.exe (pid %d) created event handle %#x and duplicated it into client.exe (pid %d) as %#x.\n\n",
		server.PID(), uintptr(hEvent), client.PID(), uintptr(hDup))

	fmt.Fprintln(w, "== Before server.exe exits ==")
	show(w, m)

	server.ExitProcess(0)
	fmt.Fprintln(w, "== After server.exe exits (its handles closed by the exit; the event lives on in client.exe) ==")
	show(w, m)

	if err := client.SetEvent(hDup); err != nil {
		return err
	}
	if r, err := client.WaitForSingleObject(nil, hDup, 0); err != nil || r != kernel.WAIT_OBJECT_0 {
		return fmt.Errorf("wait: %d, %v", r, err)
	}
	fmt.Fprintln(w, "client.exe set the event through its duplicate and waited on it: WAIT_OBJECT_0.")
	if err := client.CloseHandle(hDup); err != nil {
		return err
	}
	fmt.Fprintln(w, "\n== After client.exe closes its handle (last handle: the name leaves the namespace) ==")
	view.Objects(w, m)
	client.ExitProcess(0)
	return nil
}

func show(w io.Writer, m *kernel.Machine) {
	view.Objects(w, m)
	fmt.Fprintln(w)
	view.Handles(w, m)
	fmt.Fprintln(w)
}
