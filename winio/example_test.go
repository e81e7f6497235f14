package winio_test

// The examples are in the external test package so that they read as a user's code
// does: every call is winio's.

import (
	"errors"
	"fmt"
	"io"

	"github.com/winsim/winsim/kernel"
	"github.com/winsim/winsim/pipe"
	"github.com/winsim/winsim/winio"
)

// An echo server on a named pipe, written as go-winio code: ListenPipe, Accept,
// DialPipe, and CloseWrite to end the request. The only change from a Windows program
// is winio.On, which says which winsim process each side is.
func ExampleCaller_ListenPipe() {
	n := kernel.NewNetwork()
	defer n.Close()
	m, _ := n.AddMachine("ALPHA", "WORKGROUP")
	_ = pipe.Install(m)
	server, _ := m.NewProcess("server.exe", nil)
	client, _ := m.NewProcess("client.exe", nil)
	defer server.Terminate(0)
	defer client.Terminate(0)

	l, err := winio.On(server).ListenPipe(`\\.\pipe\echo`, &winio.PipeConfig{MessageMode: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	done := make(chan error, 1)
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				done <- err
				return
			}
			_, _ = io.Copy(c, c) // until the client's CloseWrite
			_ = c.Close()
		}
	}()

	c, err := winio.On(client).DialPipe(`\\.\pipe\echo`, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Fprint(c, "hello, pipe")
	_ = c.(interface{ CloseWrite() error }).CloseWrite()
	reply, _ := io.ReadAll(c)
	fmt.Printf("%s %s\n", c.RemoteAddr().Network(), c.RemoteAddr())
	fmt.Printf("echo: %s\n", reply)
	_ = c.Close()

	_ = l.Close()
	fmt.Println("accept after close:", errors.Is(<-done, winio.ErrPipeListenerClosed))
	// Output:
	// pipe \\.\pipe\echo
	// echo: hello, pipe
	// accept after close: true
}

// A test of one process: SetDefaultProcess makes the package-level functions, go-winio's
// own names, act as it, so code written for go-winio runs unchanged. The returned
// function restores the previous default.
func ExampleSetDefaultProcess() {
	n := kernel.NewNetwork()
	defer n.Close()
	m, _ := n.AddMachine("TESTBOX", "WORKGROUP")
	_ = pipe.Install(m)
	app, _ := m.NewProcess("app.exe", nil)
	defer app.Terminate(0)
	restore := winio.SetDefaultProcess(app)
	defer restore()

	l, err := winio.ListenPipe(`\\.\pipe\app`, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer l.Close()
	accepted := make(chan error, 1)
	go func() {
		s, err := l.Accept()
		if err == nil {
			_, err = s.Write([]byte("ready"))
			_ = s.Close()
		}
		accepted <- err
	}()
	c, err := winio.DialPipe(`\\.\pipe\app`, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	msg, _ := io.ReadAll(c)
	_ = c.Close()
	fmt.Println(string(msg), <-accepted)
	fmt.Println("acting as", winio.DefaultProcess().Name(), "on", winio.DefaultProcess().Machine().Name())
	// Output:
	// ready <nil>
	// acting as app.exe on TESTBOX
}
