//go:build !windows

package pipeservice_test

import (
	"fmt"

	"github.com/winsim/winsim"
	"github.com/winsim/winsim/examples/pipeservice"
	"github.com/winsim/winsim/windows"
)

// Example runs the service, a listener that hears it announce itself, and a client that opens
// the pipe the announcement names, all in one process, as a test of this service would on
// Windows. Only the first block is winsim's: a machine and the process that package windows'
// functions act as. The rest is the same code on Windows, where "windows" is
// golang.org/x/sys/windows.
func Example() {
	net := winsim.NewNetwork()
	defer net.Close()
	m, _ := net.AddMachine("SRV1", "CORP")
	p, _ := m.NewProcess("service.exe", nil)
	defer p.Terminate(0)
	defer windows.SetDefaultProcess(p)()

	// A listener, then the service announcing itself to every machine of the domain.
	l, err := pipeservice.Listen(`\\.\mailslot\pipeservice\announce`, 5000)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer l.Close()
	srv, err := pipeservice.New(pipeservice.Config{
		Name:      "echo",
		Pipe:      `\\.\pipe\echo`,
		Instances: 2,
		Announce:  `\\*\mailslot\pipeservice\announce`,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	stop, _ := windows.CreateEvent(nil, 1, 0, nil) // manual-reset: a service's stop event
	defer windows.CloseHandle(stop)
	done := make(chan error, 1)
	go func() { done <- srv.Serve(stop) }()

	a, _ := l.Next()
	fmt.Printf("heard: up=%v %s at %s\n", a.Up, a.Name, a.Pipe)

	c, err := pipeservice.Dial(a.Pipe, pipeservice.WaitForever)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, req := range []string{"PING", "ECHO hello, service", "COUNT"} {
		reply, err := c.Request(req)
		fmt.Printf("%s -> %s %v\n", req, reply, err)
	}
	c.Close()

	windows.SetEvent(stop) // what the service control handler does on SERVICE_CONTROL_STOP
	fmt.Println("Serve returned:", <-done)
	a, _ = l.Next()
	fmt.Printf("heard: up=%v %s\n", a.Up, a.Name)
	// Output:
	// heard: up=true echo at \\.\pipe\echo
	// PING -> PONG <nil>
	// ECHO hello, service -> hello, service <nil>
	// COUNT -> 2 <nil>
	// Serve returned: <nil>
	// heard: up=false echo
}
