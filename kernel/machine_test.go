package kernel_test

import (
	"context"
	"strings"
	"testing"
	"testing/synctest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/winsim/winsim/kernel"
	"github.com/winsim/winsim/kerneltest"
)

// Machine names are NetBIOS names: 1 to 15 characters (MAX_COMPUTERNAME_LENGTH), none of
// the characters NetBIOS refuses, unique on the network compared without regard to case
// (MS docs "Computer Names" and SetComputerNameExW; [MS-SRVS] 2.2.2.8 name validation).
// A bad name is ERROR_INVALID_COMPUTERNAME, a bad domain or workgroup name
// ERROR_INVALID_DOMAINNAME, a name already on the network ERROR_DUP_NAME ("A duplicate
// name exists on the network", MS docs System Error Codes).
func TestAddMachineValidatesNetBIOSNames(t *testing.T) {
	n := kerneltest.NewNetwork(t)
	m, err := n.AddMachine("ALPHA", "CORP")
	require.NoError(t, err)
	assert.Equal(t, "ALPHA", m.Name())
	assert.Same(t, n, m.Network())
	assert.Equal(t, "CORP", m.Domain())

	for _, bad := range []string{"", "SIXTEENCHARSLONG", `A\B`, "A/B", "A*B", "A?B", " LEAD", "TRAIL ", ".", "a:b", "x\x01y"} {
		_, err := n.AddMachine(bad, "CORP")
		assert.ErrorIs(t, err, kernel.ERROR_INVALID_COMPUTERNAME, "%q", bad)
	}
	_, err = n.AddMachine("FIFTEENCHARSLNG", "CORP")
	assert.NoError(t, err, "15 characters is the limit, inclusive")
	for _, bad := range []string{"", "SIXTEENCHARSLONG", "BAD|DOMAIN"} {
		_, err := n.AddMachine("BETA", bad)
		assert.ErrorIs(t, err, kernel.ERROR_INVALID_DOMAINNAME, "%q", bad)
	}
	_, err = n.AddMachine("alpha", "OTHER")
	assert.ErrorIs(t, err, kernel.ERROR_DUP_NAME, "names compare without case")
	assert.Nil(t, n.Machine("BETA"), "a failed AddMachine leaves nothing behind")
}

// Machines are found by name without regard to case, listed in name order, and belong to
// one domain or workgroup each; membership can change (MS docs NetJoinDomain /
// "Workgroups and domains"; NetBIOS names are case-insensitive).
func TestNetworkFindsMachinesAndDomainMembers(t *testing.T) {
	n := kerneltest.NewNetwork(t)
	b := kerneltest.AddMachine(t, n, "bravo", "Corp")
	a := kerneltest.AddMachine(t, n, "ALPHA", "CORP")
	c := kerneltest.AddMachine(t, n, "Charlie", "WORKGROUP")

	assert.Same(t, a, n.Machine("alpha"))
	assert.Same(t, b, n.Machine("BRAVO"))
	assert.Nil(t, n.Machine("delta"))
	assert.Equal(t, []*kernel.Machine{a, b, c}, n.Machines())
	assert.Equal(t, []*kernel.Machine{a, b}, n.DomainMembers("corp"))
	assert.Equal(t, []*kernel.Machine{c}, n.DomainMembers("WorkGroup"))
	assert.Empty(t, n.DomainMembers("NOBODY"))

	require.NoError(t, c.SetDomain("CORP"))
	assert.Equal(t, "CORP", c.Domain())
	assert.Equal(t, []*kernel.Machine{a, b, c}, n.DomainMembers("CORP"))
	assert.ErrorIs(t, c.SetDomain("BAD*NAME"), kernel.ERROR_INVALID_DOMAINNAME)
	assert.Equal(t, "CORP", c.Domain(), "a refused SetDomain changes nothing")

	assert.True(t, a.IsLocalName("."))
	assert.True(t, a.IsLocalName("alpha"))
	assert.True(t, a.IsLocalName("ALPHA"))
	assert.False(t, a.IsLocalName("BRAVO"))
	assert.False(t, a.IsLocalName("*"))
	assert.NotNil(t, a.Root())
}

// Removing a machine ends every process on it (exit code ERROR_PROCESS_ABORTED), waits
// for their main functions, and frees the name; the removed machine refuses new
// processes (ERROR_NOT_READY). An unknown name is ERROR_BAD_NETPATH ("The network path
// was not found", MS docs System Error Codes).
func TestRemoveMachineExitsItsProcesses(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		n := kerneltest.NewNetwork(t)
		m := kerneltest.AddMachine(t, n, "DOOMED", "WORKGROUP")
		stopped := make(chan error, 1)
		p, err := m.NewProcess("server.exe", func(ctx context.Context, p *kernel.Process) uint32 {
			<-ctx.Done()
			stopped <- ctx.Err()
			return 0
		})
		require.NoError(t, err)
		idle := kerneltest.NewProcess(t, m, "idle.exe")
		synctest.Wait()

		assert.ErrorIs(t, n.RemoveMachine("nosuch"), kernel.ERROR_BAD_NETPATH)
		require.NoError(t, n.RemoveMachine("doomed"))
		assert.ErrorIs(t, <-stopped, context.Canceled, "main saw its context cancelled and returned before RemoveMachine did")
		for _, q := range []*kernel.Process{p, idle} {
			assert.Equal(t, kernel.ProcessExited, q.State())
			assert.Equal(t, kernel.ERROR_PROCESS_ABORTED.Code(), q.ExitCode())
		}
		assert.Nil(t, n.Machine("DOOMED"))
		assert.ErrorIs(t, n.RemoveMachine("DOOMED"), kernel.ERROR_BAD_NETPATH)
		_, err = m.NewProcess("late.exe", nil)
		assert.ErrorIs(t, err, kernel.ERROR_NOT_READY)

		again := kerneltest.AddMachine(t, n, "DOOMED", "WORKGROUP")
		assert.NotSame(t, m, again, "the name is free again")
	})
}

// Network.Close removes every machine, ending their processes.
func TestNetworkCloseRemovesEveryMachine(t *testing.T) {
	n := kernel.NewNetwork()
	a, err := n.AddMachine("A", "WG")
	require.NoError(t, err)
	_, err = n.AddMachine("B", "WG")
	require.NoError(t, err)
	p, err := a.NewProcess("p.exe", nil)
	require.NoError(t, err)
	n.Close()
	assert.Empty(t, n.Machines())
	assert.Equal(t, kernel.ProcessExited, p.State())
}

// A machine runs the System process as PID 4; it never exits while the machine exists
// and owns no handles.
func TestSystemProcess(t *testing.T) {
	m := kerneltest.NewMachine(t)
	sys := m.System()
	assert.Equal(t, "System", sys.Name())
	assert.Equal(t, uint32(4), sys.PID())
	assert.Equal(t, uint32(0), sys.ParentPID())
	assert.Equal(t, kernel.ProcessRunning, sys.State())
	assert.Same(t, sys, m.Process(4))
	assert.Equal(t, 0, sys.HandleCount())
}

// Devices are installed once per name at \Device\<name> and found without regard to
// case (NT object names under \Device are looked up case-insensitively).
func TestRegisterDevice(t *testing.T) {
	m := kerneltest.NewMachine(t)
	d := &testDevice{}
	require.NoError(t, m.RegisterDevice("Mailslot", d))
	assert.ErrorIs(t, m.RegisterDevice("MAILSLOT", &testDevice{}), kernel.ERROR_ALREADY_EXISTS)
	assert.Same(t, d, m.Device("mailslot"))
	assert.Nil(t, m.Device("NamedPipe"))
	v, rest, err := m.Root().Lookup(`\Device\MailSlot\x`)
	require.NoError(t, err)
	assert.Same(t, d, v)
	assert.Equal(t, `\x`, rest)
}

// CreateFile resolves a Win32 name through the machine's namespace to the device that
// serves it and asks it to open the rest of the path, with generic rights mapped to file
// rights and SYNCHRONIZE|FILE_READ_ATTRIBUTES added (MS docs CreateFileW and "File
// Security and Access Rights"); \\.\ names and UNC names of the machine itself are
// local. A UNC name for another host, or a broadcast to "*" or a domain, goes to the
// local device for that share with the host as written (docs/windows-facts.md#mailslots mailslot client
// names; DESIGN.md Names).
func TestCreateFileRoutesToTheDevice(t *testing.T) {
	n := kerneltest.NewNetwork(t)
	a := kerneltest.AddMachine(t, n, "ALPHA", "CORP")
	kerneltest.AddMachine(t, n, "BRAVO", "CORP")
	dev := &testDevice{}
	require.NoError(t, a.RegisterDevice("Mailslot", dev))
	p := kerneltest.NewProcess(t, a, "client.exe")
	defer p.Terminate(0)

	cases := []struct {
		name, host, path string
	}{
		{`\\.\mailslot\box`, "", `\box`},
		{`\\.\MailSlot\Dir\Box`, "", `\Dir\Box`},
		{`\\alpha\mailslot\box`, "", `\box`},
		{`\\BRAVO\mailslot\box`, "BRAVO", `\box`},
		{`\\*\mailslot\box`, "*", `\box`},
		{`\\corp\mailslot\box`, "corp", `\box`},
	}
	for i, c := range cases {
		h, err := p.CreateFile(c.name, kernel.GENERIC_WRITE, kernel.FILE_SHARE_READ, &kernel.SecurityAttributes{InheritHandle: true}, kernel.OPEN_EXISTING, kernel.FILE_ATTRIBUTE_NORMAL)
		require.NoError(t, err, c.name)
		reqs := dev.requests()
		require.Len(t, reqs, i+1)
		req := reqs[i]
		assert.Equal(t, c.host, req.Host, c.name)
		assert.Equal(t, c.path, req.Path, c.name)
		assert.Same(t, p, req.Process)
		assert.Same(t, a, req.Machine)
		assert.Equal(t, kernel.FILE_GENERIC_WRITE|kernel.SYNCHRONIZE|kernel.FILE_READ_ATTRIBUTES, req.Access, c.name)
		assert.Equal(t, kernel.FILE_SHARE_READ, req.ShareMode)
		assert.Equal(t, kernel.OPEN_EXISTING, req.Disposition)
		assert.Equal(t, kernel.FILE_ATTRIBUTE_NORMAL, req.Flags)
		assert.Equal(t, req.Access, grantedOf(t, p, h))
		flags, _ := p.GetHandleInformation(h)
		assert.Equal(t, kernel.HANDLE_FLAG_INHERIT, flags)
		assert.True(t, strings.HasPrefix(objectOf(t, p, h).Name(), `\Device\Mailslot\`))
		_, err = p.WriteFile(context.Background(), h, []byte("x"))
		assert.NoError(t, err)
		require.NoError(t, p.CloseHandle(h))
	}
}

// CreateFile's own failures: an empty name is ERROR_PATH_NOT_FOUND (windows-facts.md MS-4, NP-4), a disposition outside CREATE_NEW..TRUNCATE_EXISTING ERROR_INVALID_PARAMETER (MS
// docs CreateFileW), a UNC name for a host the network does not know ERROR_BAD_NETPATH,
// a known host whose share this machine cannot route ERROR_BAD_NET_NAME (MS docs System
// Error Codes), and the device's own error is passed through.
func TestCreateFileErrors(t *testing.T) {
	n := kerneltest.NewNetwork(t)
	a := kerneltest.AddMachine(t, n, "ALPHA", "CORP")
	kerneltest.AddMachine(t, n, "BRAVO", "CORP")
	dev := &testDevice{}
	require.NoError(t, a.RegisterDevice("Mailslot", dev))
	p := kerneltest.NewProcess(t, a, "client.exe")
	defer p.Terminate(0)
	open := func(name string, disposition uint32) error {
		h, err := p.CreateFile(name, kernel.GENERIC_READ, 0, nil, disposition, 0)
		if err == nil {
			require.NoError(t, p.CloseHandle(h))
		}
		return err
	}

	assert.ErrorIs(t, open("", kernel.OPEN_EXISTING), kernel.ERROR_PATH_NOT_FOUND)
	assert.ErrorIs(t, open(`\\.\mailslot\x`, 0), kernel.ERROR_INVALID_PARAMETER)
	assert.ErrorIs(t, open(`\\.\mailslot\x`, kernel.TRUNCATE_EXISTING+1), kernel.ERROR_INVALID_PARAMETER)
	assert.ErrorIs(t, open(`\\NOWHERE\pipe\x`, kernel.OPEN_EXISTING), kernel.ERROR_BAD_NETPATH)
	assert.ErrorIs(t, open(`\\BRAVO\pipe\x`, kernel.OPEN_EXISTING), kernel.ERROR_BAD_NET_NAME)
	assert.ErrorIs(t, open(`C:\file.txt`, kernel.OPEN_EXISTING), kernel.ERROR_INVALID_NAME)
	assert.Error(t, open(`\\.\pipe\x`, kernel.OPEN_EXISTING), "no named-pipe file system on this machine")
	// A name that resolves to a directory, not a device, is not a file (NT
	// STATUS_OBJECT_TYPE_MISMATCH → ERROR_INVALID_HANDLE).
	assert.ErrorIs(t, open(`\\.\GLOBALROOT\Device`, kernel.OPEN_EXISTING), kernel.ERROR_INVALID_HANDLE)

	dev.err = kernel.ERROR_FILE_NOT_FOUND
	assert.ErrorIs(t, open(`\\.\mailslot\missing`, kernel.OPEN_EXISTING), kernel.ERROR_FILE_NOT_FOUND)
	assert.Equal(t, 0, p.HandleCount())
}
