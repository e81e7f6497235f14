package mailslot_test

import (
	"context"
	"fmt"

	"github.com/winsim/winsim/kernel"
	"github.com/winsim/winsim/mailslot"
)

// A local round trip with the Win32 calls: a server process creates the mailslot, a
// client process opens it with CreateFile and writes two messages, and the server reads
// them back one whole message at a time.
func ExampleCreateMailslot() {
	net := kernel.NewNetwork()
	defer net.Close()
	m, _ := net.AddMachine("ALPHA", "WORKGROUP")
	_ = mailslot.Install(m)
	server, _ := m.NewProcess("server.exe", nil)
	client, _ := m.NewProcess("client.exe", nil)
	ctx := context.Background()

	slot, err := mailslot.CreateMailslot(server, `\\.\mailslot\demo`, 0, 0, nil)
	if err != nil {
		fmt.Println("CreateMailslot:", err)
		return
	}
	h, err := client.CreateFile(`\\.\mailslot\demo`, kernel.GENERIC_WRITE, kernel.FILE_SHARE_READ, nil, kernel.OPEN_EXISTING, 0)
	if err != nil {
		fmt.Println("CreateFile:", err)
		return
	}
	_, _ = client.WriteFile(ctx, h, []byte("hello"))
	_, _ = client.WriteFile(ctx, h, []byte("world"))

	info, _ := mailslot.GetMailslotInfo(server, slot)
	fmt.Println("waiting:", info.MessageCount, "next size:", info.NextSize)
	buf := make([]byte, 64)
	for range info.MessageCount {
		n, _ := server.ReadFile(ctx, slot, buf)
		fmt.Printf("read %q\n", buf[:n])
	}
	_, err = server.ReadFile(ctx, slot, buf)
	fmt.Println("then:", err)

	_ = client.CloseHandle(h)
	_ = server.CloseHandle(slot)
	// Output:
	// waiting: 2 next size: 5
	// read "hello"
	// read "world"
	// then: The semaphore timeout period has expired.
}

// A broadcast in a three-machine domain: every machine runs a server of the same
// mailslot, one of them writes once to \\*\mailslot\news, and each server prints the one
// copy it got.
func Example_broadcast() {
	net := kernel.NewNetwork()
	defer net.Close()
	ctx := context.Background()
	type server struct {
		name string
		p    *kernel.Process
		h    kernel.Handle
	}
	var servers []server
	for _, name := range []string{"ALPHA", "BETA", "GAMMA"} {
		m, _ := net.AddMachine(name, "CORP")
		_ = mailslot.Install(m)
		p, _ := m.NewProcess("listener.exe", nil)
		h, _ := mailslot.CreateMailslot(p, `\\.\mailslot\news`, 0, 0, nil)
		servers = append(servers, server{name, p, h})
	}

	writer, _ := net.Machine("BETA").NewProcess("writer.exe", nil)
	c, _ := writer.CreateFile(`\\*\mailslot\news`, kernel.GENERIC_WRITE, kernel.FILE_SHARE_READ, nil, kernel.OPEN_EXISTING, 0)
	_, _ = writer.WriteFile(ctx, c, []byte("the build is green"))

	buf := make([]byte, mailslot.MaxRemoteMessageSize)
	for _, s := range servers {
		n, err := s.p.ReadFile(ctx, s.h, buf)
		info, _ := mailslot.GetMailslotInfo(s.p, s.h)
		fmt.Printf("%s got %q (err %v), %d left\n", s.name, buf[:n], err, info.MessageCount)
	}
	// Output:
	// ALPHA got "the build is green" (err <nil>), 0 left
	// BETA got "the build is green" (err <nil>), 0 left
	// GAMMA got "the build is green" (err <nil>), 0 left
}

// The Go layer: Listen gives a Server whose ReadMessage returns whole messages; Dial gives
// a Client, an io.Writer whose every Write is one message.
func ExampleListen() {
	net := kernel.NewNetwork()
	defer net.Close()
	m, _ := net.AddMachine("ALPHA", "WORKGROUP")
	_ = mailslot.Install(m)
	p, _ := m.NewProcess("app.exe", nil)

	srv, _ := mailslot.Listen(p, `\\.\mailslot\app\events`, nil)
	defer srv.Close()
	cl, _ := mailslot.Dial(p, `\\.\mailslot\app\events`)
	defer cl.Close()

	fmt.Fprint(cl, "started")
	fmt.Fprint(cl, "ready")
	for range 2 {
		msg, _ := srv.ReadMessage(context.Background())
		fmt.Println(string(msg))
	}
	// Output:
	// started
	// ready
}
