package windows_test

import (
	"fmt"
	"unsafe"

	"github.com/winsim/winsim"
	"github.com/winsim/winsim/windows"
)

// Example runs x/sys/windows-style code on the default process: a message-type pipe server, a
// client that opens it by name, one message each way. Only the import differs from the Windows
// program.
func Example() {
	n := winsim.NewNetwork()
	defer n.Close()
	m, _ := n.AddMachine("ALPHA", "WORKGROUP")
	p, _ := m.NewProcess("app.exe", nil)
	defer p.Terminate(0)
	defer windows.SetDefaultProcess(p)()

	name, _ := windows.UTF16PtrFromString(`\\.\pipe\demo`)
	srv, err := windows.CreateNamedPipe(name, windows.PIPE_ACCESS_DUPLEX,
		windows.PIPE_TYPE_MESSAGE|windows.PIPE_READMODE_MESSAGE, 1, 4096, 4096, 0, nil)
	if err != nil {
		fmt.Println("CreateNamedPipe:", err)
		return
	}
	defer windows.CloseHandle(srv)
	cli, err := windows.CreateFile(name, windows.GENERIC_READ|windows.GENERIC_WRITE, 0, nil, windows.OPEN_EXISTING, 0, 0)
	if err != nil {
		fmt.Println("CreateFile:", err)
		return
	}
	defer windows.CloseHandle(cli)

	windows.WriteFile(cli, []byte("hello, server"), nil, nil)
	buf := make([]byte, 64)
	var n32 uint32
	windows.ReadFile(srv, buf, &n32, nil)
	fmt.Printf("server read %q\n", buf[:n32])

	// A second client finds the only instance busy, with the error Windows gives.
	_, err = windows.CreateFile(name, windows.GENERIC_READ, 0, nil, windows.OPEN_EXISTING, 0, 0)
	fmt.Println(err == windows.ERROR_PIPE_BUSY, err)
	// Output:
	// server read "hello, server"
	// true All pipe instances are busy.
}

// ExampleLazyProc_Call calls a kernel32.dll function by hand, as x/sys/windows code does for the
// functions x/sys lacks: here SetNamedPipeHandleState, to put a client end in message read mode.
func ExampleLazyProc_Call() {
	n := winsim.NewNetwork()
	defer n.Close()
	m, _ := n.AddMachine("ALPHA", "WORKGROUP")
	p, _ := m.NewProcess("app.exe", nil)
	defer p.Terminate(0)
	defer windows.SetDefaultProcess(p)()

	name, _ := windows.UTF16PtrFromString(`\\.\pipe\modes`)
	srv, _ := windows.CreateNamedPipe(name, windows.PIPE_ACCESS_DUPLEX, windows.PIPE_TYPE_MESSAGE, 1, 512, 512, 0, nil)
	defer windows.CloseHandle(srv)
	h, _ := windows.CreateFile(name, windows.GENERIC_READ|windows.GENERIC_WRITE|windows.FILE_WRITE_ATTRIBUTES, 0, nil, windows.OPEN_EXISTING, 0, 0)
	defer windows.CloseHandle(h)

	setState := windows.NewLazySystemDLL("kernel32.dll").NewProc("SetNamedPipeHandleState")
	mode := uint32(windows.PIPE_READMODE_MESSAGE)
	r1, _, err := setState.Call(uintptr(h), uintptr(unsafe.Pointer(&mode)), 0, 0)
	fmt.Println(r1, err)

	var state uint32
	windows.GetNamedPipeHandleState(h, &state, nil, nil, nil, nil, 0)
	fmt.Println(state&windows.PIPE_READMODE_MESSAGE != 0)

	err = windows.NewLazySystemDLL("kernel32.dll").NewProc("NoSuchFunction").Find()
	fmt.Println(err)
	// Output:
	// 1 The operation completed successfully.
	// true
	// Failed to find NoSuchFunction procedure in kernel32.dll: The specified procedure could not be found.
}

// ExampleOn is a test of two processes on two machines: each Caller acts as its process, and the
// client opens the server's pipe by its UNC name.
func ExampleOn() {
	n := winsim.NewNetwork()
	defer n.Close()
	alpha, _ := n.AddMachine("ALPHA", "CORP")
	beta, _ := n.AddMachine("BETA", "CORP")
	sp, _ := beta.NewProcess("server.exe", nil)
	cp, _ := alpha.NewProcess("client.exe", nil)
	defer sp.Terminate(0)
	defer cp.Terminate(0)
	server, client := windows.On(sp), windows.On(cp)

	local, _ := windows.UTF16PtrFromString(`\\.\pipe\orders`)
	h, _ := server.CreateNamedPipe(local, windows.PIPE_ACCESS_DUPLEX, windows.PIPE_TYPE_MESSAGE|windows.PIPE_READMODE_MESSAGE, 1, 512, 512, 0, nil)

	remote, _ := windows.UTF16PtrFromString(`\\BETA\pipe\orders`)
	c, err := client.CreateFile(remote, windows.GENERIC_READ|windows.GENERIC_WRITE, 0, nil, windows.OPEN_EXISTING, 0, 0)
	if err != nil {
		fmt.Println("CreateFile:", err)
		return
	}
	defer client.CloseHandle(c)
	client.WriteFile(c, []byte("order 1"), nil, nil)

	buf := make([]byte, 64)
	var got uint32
	server.ReadFile(h, buf, &got, nil)
	fmt.Printf("BETA got %q\n", buf[:got])

	// The server closes its end; the client's next read finds the pipe broken.
	server.CloseHandle(h)
	err = client.ReadFile(c, buf, &got, nil)
	fmt.Println(err)
	// Output:
	// BETA got "order 1"
	// The pipe has been ended.
}

// ExampleCreateProcess starts a Go function as a child process: RegisterProgram gives it an image
// name, CreateProcess starts it with an inherited pipe as its standard output, and its result is
// the exit code.
func ExampleCreateProcess() {
	n := winsim.NewNetwork()
	defer n.Close()
	m, _ := n.AddMachine("ALPHA", "WORKGROUP")
	p, _ := m.NewProcess("parent.exe", nil)
	defer p.Terminate(0)
	parent := windows.On(p)

	defer windows.RegisterProgram("worker.exe", func(c *windows.Caller, cmdLine string) uint32 {
		out, _ := c.GetStdHandle(windows.STD_OUTPUT_HANDLE)
		c.WriteFile(out, []byte("worker ran: "+cmdLine), nil, nil)
		return 42
	})()

	var r, w windows.Handle
	sa := windows.SecurityAttributes{Length: uint32(unsafe.Sizeof(windows.SecurityAttributes{})), InheritHandle: 1}
	parent.CreatePipe(&r, &w, &sa, 0)
	si := windows.StartupInfo{Cb: uint32(unsafe.Sizeof(windows.StartupInfo{})), Flags: windows.STARTF_USESTDHANDLES, StdOutput: w}
	var pi windows.ProcessInformation
	cmd, _ := windows.UTF16PtrFromString("worker.exe --once")
	if err := parent.CreateProcess(nil, cmd, nil, nil, true, 0, nil, nil, &si, &pi); err != nil {
		fmt.Println("CreateProcess:", err)
		return
	}
	parent.CloseHandle(w)

	buf := make([]byte, 64)
	var got uint32
	parent.ReadFile(r, buf, &got, nil)
	fmt.Println(string(buf[:got]))

	parent.WaitForSingleObject(pi.Process, windows.INFINITE)
	var code uint32
	parent.GetExitCodeProcess(pi.Process, &code)
	fmt.Println("exit code", code)
	parent.CloseHandle(pi.Process)
	parent.CloseHandle(pi.Thread)
	parent.CloseHandle(r)
	// Output:
	// worker ran: worker.exe --once
	// exit code 42
}

// ExampleGetQueuedCompletionStatus is the core of a completion-port server: an overlapped read on
// a pipe associated with a port comes back, when data arrives, as a packet carrying the read's own
// OVERLAPPED and the key given at association.
func ExampleGetQueuedCompletionStatus() {
	n := winsim.NewNetwork()
	defer n.Close()
	m, _ := n.AddMachine("ALPHA", "WORKGROUP")
	p, _ := m.NewProcess("server.exe", nil)
	defer p.Terminate(0)
	c := windows.On(p)

	name, _ := windows.UTF16PtrFromString(`\\.\pipe\iocp`)
	h, _ := c.CreateNamedPipe(name, windows.PIPE_ACCESS_DUPLEX|windows.FILE_FLAG_OVERLAPPED, windows.PIPE_TYPE_BYTE, 1, 512, 512, 0, nil)
	defer c.CloseHandle(h)
	cl, _ := c.CreateFile(name, windows.GENERIC_READ|windows.GENERIC_WRITE, 0, nil, windows.OPEN_EXISTING, 0, 0)
	defer c.CloseHandle(cl)
	port, _ := c.CreateIoCompletionPort(h, 0, 0x1234, 0)
	defer c.CloseHandle(port)

	var ov windows.Overlapped
	buf := make([]byte, 16)
	err := c.ReadFile(h, buf, nil, &ov)
	fmt.Println("ReadFile:", err == windows.ERROR_IO_PENDING)

	c.WriteFile(cl, []byte("ping"), nil, nil)

	var qty uint32
	var key uintptr
	var got *windows.Overlapped
	c.GetQueuedCompletionStatus(port, &qty, &key, &got, windows.INFINITE)
	fmt.Printf("key %#x, %d bytes %q, same OVERLAPPED: %v\n", key, qty, buf[:qty], got == &ov)
	// Output:
	// ReadFile: true
	// key 0x1234, 4 bytes "ping", same OVERLAPPED: true
}
