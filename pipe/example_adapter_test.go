package pipe_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"

	"github.com/winsim/winsim/kernel"
	"github.com/winsim/winsim/pipe"
)

// An echo server on a named pipe, written as it would be with go-winio: ListenPipe,
// Accept, DialPipe, and CloseWrite to end the request. The only change is the process
// each side runs as.
func ExampleListenPipe() {
	n := kernel.NewNetwork()
	defer n.Close()
	m, _ := n.AddMachine("ALPHA", "WORKGROUP")
	_ = pipe.Install(m)
	server, _ := m.NewProcess("server.exe", nil)
	client, _ := m.NewProcess("client.exe", nil)

	l, err := pipe.ListenPipe(server, `\\.\pipe\echo`, &pipe.PipeConfig{MessageMode: true})
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
			c.Close()
		}
	}()

	c, err := pipe.DialPipe(client, `\\.\pipe\echo`, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Fprint(c, "hello, pipe")
	_ = c.(pipe.PipeConn).CloseWrite()
	reply, _ := io.ReadAll(c)
	fmt.Printf("%s %s\n", c.RemoteAddr().Network(), c.RemoteAddr())
	fmt.Printf("echo: %s\n", reply)
	c.Close()

	l.Close()
	fmt.Println("accept after close:", errors.Is(<-done, net.ErrClosed))
	// Output:
	// pipe \\.\pipe\echo
	// echo: hello, pipe
	// accept after close: true
}

// net/http served and fetched over a named pipe: the server's Serve takes the pipe
// listener, and the client's transport dials the pipe instead of TCP. Both shut down
// cleanly, leaving no goroutine behind.
func Example_httpOverNamedPipe() {
	n := kernel.NewNetwork()
	defer n.Close()
	m, _ := n.AddMachine("ALPHA", "WORKGROUP")
	_ = pipe.Install(m)
	httpd, _ := m.NewProcess("httpd.exe", nil)
	curl, _ := m.NewProcess("curl.exe", nil)
	const name = `\\.\pipe\http`

	l, err := pipe.ListenPipe(httpd, name, &pipe.PipeConfig{InputBufferSize: 4096, OutputBufferSize: 4096})
	if err != nil {
		fmt.Println(err)
		return
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "hello from %s, you asked for %s", name, r.URL.Path)
	})}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(l) }()

	tr := &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
		return pipe.DialPipeContext(ctx, curl, name)
	}}
	resp, err := (&http.Client{Transport: tr}).Get("http://winsim/index.html")
	if err != nil {
		fmt.Println(err)
		return
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	fmt.Println(resp.Status)
	fmt.Println(string(body))

	tr.CloseIdleConnections()
	_ = srv.Shutdown(context.Background())
	fmt.Println(<-served)
	// Output:
	// 200 OK
	// hello from \\.\pipe\http, you asked for /index.html
	// http: Server closed
}
