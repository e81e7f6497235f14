package pipe_test

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/winsim/winsim/kernel"
	"github.com/winsim/winsim/pipe"
)

// A single-goroutine named-pipe server driven by an I/O completion port, serving 16
// clients at once: 16 overlapped instances share one port, each instance's key is its
// index, and the server's one loop takes completions off the port and starts the next
// step of that instance — connect, read the request, write the reply — the way Win32
// servers are written.
func ExampleProcess_GetQueuedCompletionStatus() {
	net := kernel.NewNetwork()
	defer net.Close()
	m, _ := net.AddMachine("ALPHA", "WORKGROUP")
	_ = pipe.Install(m)
	ctx := context.Background()
	const clients = 16

	server, _ := m.NewProcess("server.exe", nil)
	defer server.ExitProcess(0)
	port, _ := server.CreateIoCompletionPort(kernel.InvalidHandle, 0, 0, 0)
	type instance struct {
		h     kernel.Handle
		ov    kernel.Overlapped
		buf   [64]byte
		state string // "connect", "read", "write"
	}
	inst := make([]*instance, clients)
	for i := range inst {
		h, _ := pipe.CreateNamedPipe(server, `\\.\pipe\iocp`, pipe.PIPE_ACCESS_DUPLEX|pipe.FILE_FLAG_OVERLAPPED,
			pipe.PIPE_TYPE_MESSAGE|pipe.PIPE_READMODE_MESSAGE, clients, 4096, 4096, 0, nil)
		_, _ = server.CreateIoCompletionPort(h, port, uintptr(i), 0)
		inst[i] = &instance{h: h, state: "connect"}
		// A new instance is already listening (clients could connect at once), so
		// disconnect it and let ConnectNamedPipe start the listen, as Win32 servers
		// written for any pipe do.
		_ = pipe.DisconnectNamedPipe(server, h)
		if err := pipe.ConnectNamedPipeOverlapped(ctx, server, h, &inst[i].ov); err != kernel.ERROR_IO_PENDING {
			fmt.Println("connect:", err)
		}
	}

	replies := make(chan string, clients)
	for i := 0; i < clients; i++ {
		go func() { // each client is its own process
			c, _ := m.NewProcess(fmt.Sprintf("client%d.exe", i), nil)
			defer c.ExitProcess(0)
			h, err := c.CreateFile(`\\.\pipe\iocp`, kernel.GENERIC_READ|kernel.GENERIC_WRITE, 0, nil, kernel.OPEN_EXISTING, 0)
			if err != nil {
				replies <- err.Error()
				return
			}
			_, _ = c.WriteFile(ctx, h, []byte(fmt.Sprintf("hello %02d", i)))
			buf := make([]byte, 64)
			n, _ := c.ReadFile(ctx, h, buf)
			replies <- string(buf[:n])
			_ = c.CloseHandle(h)
		}()
	}

	// The server's only loop.
	for served := 0; served < clients; {
		st, err := server.GetQueuedCompletionStatus(ctx, port, kernel.INFINITE)
		in := inst[st.Key]
		switch in.state {
		case "connect":
			in.state = "read"
			_, err = server.ReadFileOverlapped(ctx, in.h, in.buf[:], &in.ov)
		case "read":
			in.state = "write"
			reply := strings.ToUpper(string(in.buf[:st.Bytes]))
			_, err = server.WriteFileOverlapped(ctx, in.h, []byte(reply), &in.ov)
		case "write":
			served++
			err = nil
		}
		// Operations that finish at once still queue their completion to the port,
		// so ERROR_IO_PENDING and success are handled alike: by the next packet.
		if err != nil && err != kernel.ERROR_IO_PENDING {
			fmt.Println("error:", err)
		}
	}

	got := make([]string, 0, clients)
	for i := 0; i < clients; i++ {
		got = append(got, <-replies)
	}
	sort.Strings(got)
	fmt.Println(len(got), "replies, first and last:", got[0], "/", got[clients-1])
	// Output:
	// 16 replies, first and last: HELLO 00 / HELLO 15
}

// The other classic shape of an overlapped server: each instance has its own event, and
// one goroutine waits on all of them with WaitForMultipleObjects, then finishes whichever
// operation completed with GetOverlappedResult.
func ExampleConnectNamedPipeOverlapped() {
	net := kernel.NewNetwork()
	defer net.Close()
	m, _ := net.AddMachine("ALPHA", "WORKGROUP")
	_ = pipe.Install(m)
	ctx := context.Background()
	const n = 2

	server, _ := m.NewProcess("server.exe", nil)
	defer server.ExitProcess(0)
	type instance struct {
		h       kernel.Handle
		ov      kernel.Overlapped
		buf     [32]byte
		reading bool
	}
	inst := make([]*instance, n)
	events := make([]kernel.Handle, n)
	for i := range inst {
		h, _ := pipe.CreateNamedPipe(server, `\\.\pipe\events`, pipe.PIPE_ACCESS_DUPLEX|pipe.FILE_FLAG_OVERLAPPED,
			pipe.PIPE_TYPE_MESSAGE|pipe.PIPE_READMODE_MESSAGE, n, 512, 512, 0, nil)
		events[i], _ = server.CreateEvent(nil, true, false, "")
		inst[i] = &instance{h: h, ov: kernel.Overlapped{HEvent: events[i]}}
		_ = pipe.DisconnectNamedPipe(server, h)
		_ = pipe.ConnectNamedPipeOverlapped(ctx, server, h, &inst[i].ov)
	}

	for i := 0; i < n; i++ {
		go func() {
			c, _ := m.NewProcess(fmt.Sprintf("client%d.exe", i), nil)
			defer c.ExitProcess(0)
			h, _ := c.CreateFile(`\\.\pipe\events`, kernel.GENERIC_WRITE, 0, nil, kernel.OPEN_EXISTING, 0)
			_, _ = c.WriteFile(ctx, h, []byte(fmt.Sprintf("client %d", i)))
			_ = c.CloseHandle(h)
		}()
	}

	var got []string
	for len(got) < n {
		r, _ := server.WaitForMultipleObjects(ctx, events, false, kernel.INFINITE)
		in := inst[r-kernel.WAIT_OBJECT_0]
		count, err := server.GetOverlappedResult(ctx, in.h, &in.ov, false)
		if in.reading && err == nil {
			got = append(got, string(in.buf[:count]))
			_ = server.ResetEvent(in.ov.HEvent)
			_ = pipe.DisconnectNamedPipe(server, in.h)
			continue
		}
		// Connected: read the client's message (the call resets the event).
		in.reading = true
		_, _ = server.ReadFileOverlapped(ctx, in.h, in.buf[:], &in.ov)
	}
	sort.Strings(got)
	fmt.Println(got)
	// Output:
	// [client 0 client 1]
}
