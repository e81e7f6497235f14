package pipe_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"

	"github.com/winsim/winsim/kernel"
	"github.com/winsim/winsim/pipe"
)

// A named-pipe echo round trip: a server process creates a message pipe and serves one
// client on its own thread, upper-casing each message; the client sends two messages
// with TransactNamedPipe and hangs up; the server sees ERROR_BROKEN_PIPE and
// disconnects.
func ExampleCreateNamedPipe() {
	net := kernel.NewNetwork()
	defer net.Close()
	m, _ := net.AddMachine("ALPHA", "WORKGROUP")
	_ = pipe.Install(m)
	ctx := context.Background()

	server, _ := m.NewProcess("server.exe", nil)
	defer server.ExitProcess(0)
	h, _ := pipe.CreateNamedPipe(server, `\\.\pipe\echo`, pipe.PIPE_ACCESS_DUPLEX,
		pipe.PIPE_TYPE_MESSAGE|pipe.PIPE_READMODE_MESSAGE|pipe.PIPE_REJECT_REMOTE_CLIENTS,
		1, 4096, 4096, 0, nil)
	served := make(chan error, 1)
	go func() { // the server's thread
		// ERROR_PIPE_CONNECTED means the client came first: a good connection.
		if err := pipe.ConnectNamedPipe(ctx, server, h); err != nil && !errors.Is(err, kernel.ERROR_PIPE_CONNECTED) {
			served <- err
			return
		}
		buf := make([]byte, 512)
		for {
			n, err := server.ReadFile(ctx, h, buf)
			if err != nil {
				served <- err // ERROR_BROKEN_PIPE once the client has gone
				break
			}
			_, _ = server.WriteFile(ctx, h, bytes.ToUpper(buf[:n]))
		}
		_ = pipe.DisconnectNamedPipe(server, h)
		_ = server.CloseHandle(h)
	}()

	client, _ := m.NewProcess("client.exe", nil)
	defer client.ExitProcess(0)
	c, err := client.CreateFile(`\\.\pipe\echo`, kernel.GENERIC_READ|kernel.GENERIC_WRITE, 0, nil, kernel.OPEN_EXISTING, 0)
	if err != nil {
		fmt.Println("open:", err)
		return
	}
	mode := pipe.PIPE_READMODE_MESSAGE // CreateFile opens in byte read mode
	_ = pipe.SetNamedPipeHandleState(client, c, &mode, nil, nil)
	for _, msg := range []string{"hello", "named pipes"} {
		reply := make([]byte, 64)
		n, _ := pipe.TransactNamedPipe(ctx, client, c, []byte(msg), reply)
		fmt.Printf("%s -> %s\n", msg, reply[:n])
	}
	_ = client.CloseHandle(c)
	fmt.Println("server:", <-served)
	// Output:
	// hello -> HELLO
	// named pipes -> NAMED PIPES
	// server: The pipe has been ended.
}

// The classic redirect of a child's output: the parent creates an anonymous pipe whose
// write end is inheritable, starts a child that inherits it at the same handle value,
// closes its own copy of the write end, and reads until ERROR_BROKEN_PIPE, which comes
// when the child exits and the last write handle closes.
func ExampleCreatePipe() {
	net := kernel.NewNetwork()
	defer net.Close()
	m, _ := net.AddMachine("ALPHA", "WORKGROUP")
	_ = pipe.Install(m)
	ctx := context.Background()

	parent, _ := m.NewProcess("parent.exe", nil)
	defer parent.ExitProcess(0)
	r, w, _ := pipe.CreatePipe(parent, &kernel.SecurityAttributes{InheritHandle: true}, 0)
	_ = parent.SetHandleInformation(r, kernel.HANDLE_FLAG_INHERIT, 0) // keep the read end

	hChild, _, _ := parent.CreateProcess("child.exe", true, func(ctx context.Context, child *kernel.Process) uint32 {
		_, _ = child.WriteFile(ctx, w, []byte("hello from the child\n"))
		_, _ = child.WriteFile(ctx, w, []byte("bye\n"))
		return 0
	})
	_ = parent.CloseHandle(w) // otherwise the pipe never breaks

	var out bytes.Buffer
	buf := make([]byte, 8)
	for {
		n, err := parent.ReadFile(ctx, r, buf)
		out.Write(buf[:n])
		if err != nil {
			fmt.Println("end:", errors.Is(err, kernel.ERROR_BROKEN_PIPE))
			break
		}
	}
	fmt.Print(out.String())
	_ = parent.CloseHandle(hChild)
	_ = parent.CloseHandle(r)
	// Output:
	// end: true
	// hello from the child
	// bye
}
