package pipe_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/winsim/winsim/kernel"
	"github.com/winsim/winsim/pipe"
)

// A pipe server that lets only Builtin Users write, with the SDDL go-winio users pass
// in PipeConfig.SecurityDescriptor, and finds out who called: a user outside the DACL
// is refused, a member connects, and ImpersonateNamedPipeClient names it once it has
// written.
func ExampleImpersonateNamedPipeClient() {
	net := kernel.NewNetwork()
	defer net.Close()
	m, _ := net.AddMachine("ALPHA", "WORKGROUP")
	_ = pipe.Install(m)

	server, _ := m.NewProcessAs(m.SystemToken(), "service.exe", nil)
	defer server.ExitProcess(0)
	sd, _ := m.ParseSDDL("D:P(A;;GA;;;SY)(A;;GRGW;;;BU)")
	srv, _ := pipe.CreateNamedPipe(server, `\\.\pipe\svc`, pipe.PIPE_ACCESS_DUPLEX, pipe.PIPE_TYPE_BYTE,
		1, 4096, 4096, 0, &kernel.SecurityAttributes{SecurityDescriptor: sd})

	guestTok, _ := m.LogonUser("Guest") // the built-in Guest: in Guests, not in Users
	guest, _ := m.NewProcessAs(guestTok, "guest.exe", nil)
	defer guest.ExitProcess(0)
	_, err := guest.CreateFile(`\\.\pipe\svc`, kernel.GENERIC_READ|kernel.GENERIC_WRITE, 0, nil, kernel.OPEN_EXISTING, 0)
	fmt.Println("guest:", errors.Is(err, kernel.ERROR_ACCESS_DENIED))

	client, _ := m.NewProcess("app.exe", nil) // the machine's default user, in Users
	defer client.ExitProcess(0)
	c, _ := client.CreateFile(`\\.\pipe\svc`, kernel.GENERIC_READ|kernel.GENERIC_WRITE, 0, nil, kernel.OPEN_EXISTING,
		kernel.SECURITY_SQOS_PRESENT|kernel.SECURITY_IDENTIFICATION)
	_, _ = client.WriteFile(context.Background(), c, []byte("hello"))
	imp, _ := pipe.ImpersonateNamedPipeClient(server, srv)
	name, _ := imp.GetUserName()
	_, err = imp.OpenEvent(kernel.SYNCHRONIZE, false, "anything")
	fmt.Println("client:", name, imp.Level(), errors.Is(err, kernel.ERROR_BAD_IMPERSONATION_LEVEL))
	_ = imp.RevertToSelf()
	// Output:
	// guest: true
	// client: User identification true
}
