package winsim_test

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/winsim/winsim"
	"github.com/winsim/winsim/kernel"
	"github.com/winsim/winsim/mailslot"
	"github.com/winsim/winsim/pipe"
)

// This file is a whole-file example (godoc shows all of it, helpers included): the
// discovery procedure, which TestDiscoveryThroughMailslotThenRemotePipe also runs.
// Processes that want a remote pipe link find each other through a mailslot first. Each server listens on a well-known mailslot; a client
// broadcasts its own name to \\*\mailslot\…; every server answers on the client's own
// mailslot (\\CLIENT\mailslot\…) with its name; the client picks one and opens
// \\SERVER\pipe\…, and the two exchange messages.

const (
	discoverSlot = `discover\service`
	replySlot    = `discover\reply`
	servicePipe  = `service`
)

// discoveryServer returns a server machine's main: answer discovery broadcasts, and serve
// one remote pipe client with an upper-cased echo of each message. ready is closed once
// the mailslot and the pipe exist.
func discoveryServer(ready chan<- struct{}) kernel.MainFunc {
	return func(ctx context.Context, p *kernel.Process) uint32 {
		var once sync.Once
		markReady := func() { once.Do(func() { close(ready) }) }
		defer markReady() // also on a failed start, so newDomain never waits forever
		return serve(ctx, p, markReady)
	}
}

func serve(ctx context.Context, p *kernel.Process, markReady func()) uint32 {
	me := p.Machine().Name()
	slot, err := mailslot.Listen(p, `\\.\mailslot\`+discoverSlot, nil)
	if err != nil {
		return 1
	}
	defer slot.Close()
	hp, err := pipe.CreateNamedPipe(p, `\\.\pipe\`+servicePipe, pipe.PIPE_ACCESS_DUPLEX,
		pipe.PIPE_TYPE_MESSAGE|pipe.PIPE_READMODE_MESSAGE|pipe.PIPE_ACCEPT_REMOTE_CLIENTS, 1, 4096, 4096, 0, nil)
	if err != nil {
		return 2
	}
	defer p.CloseHandle(hp)
	markReady()

	// Answer one discovery broadcast on the client's own mailslot.
	who, err := slot.ReadMessage(ctx)
	if err != nil {
		return 3
	}
	reply, err := mailslot.Dial(p, `\\`+string(who)+`\mailslot\`+replySlot)
	if err != nil {
		return 4
	}
	_, err = reply.Write([]byte(me))
	reply.Close()
	if err != nil {
		return 5
	}

	// Serve the pipe client if this server is the one picked.
	if err := pipe.ConnectNamedPipe(ctx, p, hp); err != nil && err != kernel.ERROR_PIPE_CONNECTED {
		return 6
	}
	buf := make([]byte, 4096)
	for {
		n, err := p.ReadFile(ctx, hp, buf)
		if err != nil {
			return 0 // the client closed its end: ERROR_BROKEN_PIPE
		}
		if _, err := p.WriteFile(ctx, hp, []byte(me+": "+strings.ToUpper(string(buf[:n])))); err != nil {
			return 7
		}
	}
}

// discover runs the client side on p and returns the servers that answered and the
// replies of the one it picked.
func discover(ctx context.Context, p *kernel.Process, servers int, messages []string) (answered, replies []string, err error) {
	inbox, err := mailslot.Listen(p, `\\.\mailslot\`+replySlot, nil)
	if err != nil {
		return nil, nil, err
	}
	defer inbox.Close()
	bc, err := mailslot.Dial(p, `\\*\mailslot\`+discoverSlot)
	if err != nil {
		return nil, nil, err
	}
	_, err = bc.Write([]byte(p.Machine().Name()))
	bc.Close()
	if err != nil {
		return nil, nil, err
	}
	for len(answered) < servers {
		msg, err := inbox.ReadMessage(ctx)
		if err != nil {
			return nil, nil, err
		}
		answered = append(answered, string(msg))
	}
	sort.Strings(answered)

	// Pick the first name and open its pipe across the network.
	h, err := p.CreateFile(`\\`+answered[0]+`\pipe\`+servicePipe, kernel.GENERIC_READ|kernel.GENERIC_WRITE, 0, nil, kernel.OPEN_EXISTING, 0)
	if err != nil {
		return nil, nil, err
	}
	defer p.CloseHandle(h)
	mode := pipe.PIPE_READMODE_MESSAGE
	if err := pipe.SetNamedPipeHandleState(p, h, &mode, nil, nil); err != nil {
		return nil, nil, err
	}
	buf := make([]byte, 4096)
	for _, m := range messages {
		n, err := pipe.TransactNamedPipe(ctx, p, h, []byte(m), buf)
		if err != nil {
			return nil, nil, err
		}
		replies = append(replies, string(buf[:n]))
	}
	return answered, replies, nil
}

// newDomain builds CORP with two server machines running discoveryServer and a client
// machine, plus a machine of another domain that also runs a server, and waits until
// every server listens.
func newDomain() (*winsim.Network, *kernel.Process, error) {
	net := winsim.NewNetwork()
	for _, s := range []struct{ name, domain string }{{"SRV1", "CORP"}, {"SRV2", "CORP"}, {"OTHER", "LAB"}} {
		m, err := net.AddMachine(s.name, s.domain)
		if err != nil {
			net.Close()
			return nil, nil, err
		}
		ready := make(chan struct{})
		if _, err := m.NewProcess("service.exe", discoveryServer(ready)); err != nil {
			net.Close()
			return nil, nil, err
		}
		<-ready
	}
	cm, err := net.AddMachine("CLIENT", "CORP")
	if err == nil {
		var client *kernel.Process
		if client, err = cm.NewProcess("client.exe", nil); err == nil {
			return net, client, nil
		}
	}
	net.Close()
	return nil, nil, err
}

// Discovery: a client finds the servers of its domain by mailslot broadcast, then opens a
// named pipe on the one it picks.
func Example_discovery() {
	net, client, err := newDomain()
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	defer net.Close()
	defer client.ExitProcess(0)
	answered, replies, err := discover(context.Background(), client, 2, []string{"hello", "bye"})
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	fmt.Println("servers that answered:", answered)
	for _, r := range replies {
		fmt.Println(r)
	}
	// Output:
	// servers that answered: [SRV1 SRV2]
	// SRV1: HELLO
	// SRV1: BYE
}
