package winsim_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/winsim/winsim"
	"github.com/winsim/winsim/kernel"
	"github.com/winsim/winsim/kerneltest"
	"github.com/winsim/winsim/mailslot"
	"github.com/winsim/winsim/pipe"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// AddMachine installs both file systems: \Device\Mailslot and \Device\NamedPipe exist,
// and Install is idempotent.
func TestAddMachineInstallsBothFileSystems(t *testing.T) {
	n := winsim.NewNetwork()
	defer n.Close()
	m, err := n.AddMachine("ALPHA", "CORP")
	require.NoError(t, err)
	assert.NotNil(t, m.Device("Mailslot"))
	assert.NotNil(t, m.Device("NamedPipe"))
	assert.NoError(t, winsim.Install(m))
	_, err = n.AddMachine("alpha", "CORP")
	assert.ErrorIs(t, err, kernel.ERROR_DUP_NAME, "NetBIOS names are case-insensitive")
	kerneltest.RequireNoLeaks(t, m)
}

// One machine, both kinds of IPC: a mailslot message and a named-pipe round trip.
func Example() {
	net := winsim.NewNetwork()
	defer net.Close()
	m, _ := net.AddMachine("ALPHA", "CORP")
	server, _ := m.NewProcess("server.exe", nil)
	client, _ := m.NewProcess("client.exe", nil)
	defer server.ExitProcess(0)
	defer client.ExitProcess(0)
	ctx := context.Background()

	// A mailslot: the client writes one message, the server reads it whole.
	slot, _ := mailslot.CreateMailslot(server, `\\.\mailslot\inbox`, 0, 0, nil)
	w, _ := client.CreateFile(`\\.\mailslot\inbox`, kernel.GENERIC_WRITE, kernel.FILE_SHARE_READ, nil, kernel.OPEN_EXISTING, 0)
	_, _ = client.WriteFile(ctx, w, []byte("hello by mailslot"))
	buf := make([]byte, 424)
	n, _ := server.ReadFile(ctx, slot, buf)
	fmt.Println(string(buf[:n]))

	// A named pipe: a new instance listens from creation, so the client connects at once.
	hp, _ := pipe.CreateNamedPipe(server, `\\.\pipe\echo`, pipe.PIPE_ACCESS_DUPLEX,
		pipe.PIPE_TYPE_MESSAGE|pipe.PIPE_READMODE_MESSAGE, 1, 4096, 4096, 0, nil)
	c, _ := client.CreateFile(`\\.\pipe\echo`, kernel.GENERIC_READ|kernel.GENERIC_WRITE, 0, nil, kernel.OPEN_EXISTING, 0)
	fmt.Println("connect:", pipe.ConnectNamedPipe(ctx, server, hp))
	_, _ = client.WriteFile(ctx, c, []byte("hello by pipe"))
	n, _ = server.ReadFile(ctx, hp, buf)
	fmt.Println(string(buf[:n]))
	// Output:
	// hello by mailslot
	// connect: There is a process on other end of the pipe.
	// hello by pipe
}
