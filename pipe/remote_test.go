package pipe_test

import (
	"testing"
	"testing/synctest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/winsim/winsim/kernel"
	"github.com/winsim/winsim/kerneltest"
	"github.com/winsim/winsim/pipe"
)

// twoMachines returns ALPHA and BETA on one network, both with the pipe file system.
func twoMachines(t testing.TB) (n *kernel.Network, alpha, beta *kernel.Machine) {
	t.Helper()
	n = kerneltest.NewNetwork(t)
	alpha = kerneltest.AddMachine(t, n, "ALPHA", "WORKGROUP", pipe.Install)
	beta = kerneltest.AddMachine(t, n, "BETA", "WORKGROUP", pipe.Install)
	return n, alpha, beta
}

// A client on another machine opens \\HOST\pipe\name (case-insensitively) and talks to
// the server both ways; the server sees the client's computer name and PID (MS docs,
// Pipe Names; GetNamedPipeClientComputerName).
func TestRemoteClientConnects(t *testing.T) {
	_, alpha, beta := twoMachines(t)
	sp := newProc(t, beta, "server.exe")
	cp := newProc(t, alpha, "client.exe")
	srv := server(t, sp, `\\.\pipe\remote-echo`, duplex, msgPipe, 1, 1024, 1024)
	cli := client(t, cp, `\\beta\PIPE\Remote-Echo`, rw)
	setMode(t, cp, cli, pipe.PIPE_READMODE_MESSAGE)
	write(t, cp, cli, "over the wire")
	s, err := read(sp, srv, 64)
	require.NoError(t, err)
	assert.Equal(t, "over the wire", s)
	write(t, sp, srv, "and back")
	s, err = read(cp, cli, 64)
	require.NoError(t, err)
	assert.Equal(t, "and back", s)

	host, err := pipe.GetNamedPipeClientComputerName(sp, srv)
	require.NoError(t, err)
	assert.Equal(t, "ALPHA", host)
	pid, err := pipe.GetNamedPipeClientProcessId(sp, srv)
	require.NoError(t, err)
	assert.Equal(t, cp.PID(), pid)
	pid, err = pipe.GetNamedPipeServerProcessId(cp, cli)
	require.NoError(t, err)
	assert.Equal(t, sp.PID(), pid)
	require.NoError(t, cp.CloseHandle(cli))
	require.NoError(t, sp.CloseHandle(srv))
}

// A name with the local machine's own name is local, and so is its client (the kernel
// resolves \\ALPHA\ on ALPHA as \\.\; GetNamedPipeClientComputerName gives
// ERROR_PIPE_LOCAL).
func TestOwnMachineNameIsLocal(t *testing.T) {
	_, alpha, _ := twoMachines(t)
	p := newProc(t, alpha, "a.exe")
	srv := server(t, p, `\\.\pipe\self`, duplex, bytePipe|pipe.PIPE_REJECT_REMOTE_CLIENTS, 1, 64, 64)
	cli := client(t, p, `\\ALPHA\pipe\self`, rw)
	_, err := pipe.GetNamedPipeClientComputerName(p, srv)
	assert.ErrorIs(t, err, pipe.ERROR_PIPE_LOCAL)
	require.NoError(t, p.CloseHandle(cli))
	require.NoError(t, p.CloseHandle(srv))
}

// PIPE_REJECT_REMOTE_CLIENTS refuses clients from other machines with
// ERROR_ACCESS_DENIED and accepts local ones (MS docs CreateNamedPipeW; windows-facts.md DOC-6).
func TestRejectRemoteClients(t *testing.T) {
	_, alpha, beta := twoMachines(t)
	sp := newProc(t, beta, "server.exe")
	cp := newProc(t, alpha, "client.exe")
	srv := server(t, sp, `\\.\pipe\local-only`, duplex, bytePipe|pipe.PIPE_REJECT_REMOTE_CLIENTS, 1, 64, 64)
	_, err := cp.CreateFile(`\\BETA\pipe\local-only`, rw, 0, nil, kernel.OPEN_EXISTING, 0)
	assert.ErrorIs(t, err, kernel.ERROR_ACCESS_DENIED)
	cli := client(t, sp, `\\.\pipe\local-only`, rw)
	require.NoError(t, sp.CloseHandle(cli))
	require.NoError(t, sp.CloseHandle(srv))
}

// An unknown host gives ERROR_BAD_NETPATH, for CreateFile and WaitNamedPipe; a known
// host without the pipe gives ERROR_FILE_NOT_FOUND.
func TestRemoteUnknownHostAndPipe(t *testing.T) {
	_, alpha, _ := twoMachines(t)
	cp := newProc(t, alpha, "client.exe")
	_, err := cp.CreateFile(`\\NOSUCHHOST\pipe\x`, rw, 0, nil, kernel.OPEN_EXISTING, 0)
	assert.ErrorIs(t, err, kernel.ERROR_BAD_NETPATH)
	assert.ErrorIs(t, pipe.WaitNamedPipe(bg, cp, `\\NOSUCHHOST\pipe\x`, 0), kernel.ERROR_BAD_NETPATH)
	_, err = cp.CreateFile(`\\BETA\pipe\nothing`, rw, 0, nil, kernel.OPEN_EXISTING, 0)
	assert.ErrorIs(t, err, kernel.ERROR_FILE_NOT_FOUND)
	assert.ErrorIs(t, pipe.WaitNamedPipe(bg, cp, `\\BETA\pipe\nothing`, 0), kernel.ERROR_FILE_NOT_FOUND)
}

// A host whose machine has no pipe file system is as good as unknown.
func TestRemoteHostWithoutPipeFileSystem(t *testing.T) {
	n := kerneltest.NewNetwork(t)
	alpha := kerneltest.AddMachine(t, n, "ALPHA", "WORKGROUP", pipe.Install)
	kerneltest.AddMachine(t, n, "BARE", "WORKGROUP")
	cp := newProc(t, alpha, "client.exe")
	_, err := cp.CreateFile(`\\BARE\pipe\x`, rw, 0, nil, kernel.OPEN_EXISTING, 0)
	assert.ErrorIs(t, err, kernel.ERROR_BAD_NETPATH)
}

// WaitNamedPipe works across machines: it times out on a busy remote pipe and succeeds
// when an instance listens; CallNamedPipe does a whole transaction remotely.
func TestRemoteWaitNamedPipeAndCallNamedPipe(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		_, alpha, beta := twoMachines(t)
		sp := newProc(t, beta, "server.exe")
		cp := newProc(t, alpha, "client.exe")
		srv := server(t, sp, `\\.\pipe\svc`, duplex, msgPipe, 1, 1024, 1024)
		busy := client(t, sp, `\\.\pipe\svc`, rw)
		assert.ErrorIs(t, pipe.WaitNamedPipe(bg, cp, `\\BETA\pipe\svc`, 30), kernel.ERROR_SEM_TIMEOUT)
		w := asyncWait(bg, cp, `\\BETA\pipe\svc`, pipe.NMPWAIT_WAIT_FOREVER)
		requirePending(t, w)
		require.NoError(t, sp.CloseHandle(busy))
		require.NoError(t, pipe.DisconnectNamedPipe(sp, srv))
		conn := asyncConnect(bg, sp, srv)
		assert.NoError(t, requireDone(t, w).err)

		call := async(func() result {
			out := make([]byte, 16)
			n, err := pipe.CallNamedPipe(bg, cp, `\\BETA\pipe\svc`, []byte("ping"), out, pipe.NMPWAIT_NOWAIT)
			return result{n: n, s: string(out[:n]), err: err}
		})
		require.NoError(t, requireDone(t, conn).err)
		s, err := read(sp, srv, 16)
		require.NoError(t, err)
		assert.Equal(t, "ping", s)
		write(t, sp, srv, "pong")
		res := requireDone(t, call)
		assert.NoError(t, res.err)
		assert.Equal(t, "pong", res.s)
		require.NoError(t, sp.CloseHandle(srv))
	})
}

// A remote client end keeps its collection parameters (SetNamedPipeHandleState and
// GetNamedPipeHandleState, MS docs: they apply only to a client end of a remote pipe).
func TestRemoteClientCollectionParameters(t *testing.T) {
	_, alpha, beta := twoMachines(t)
	sp := newProc(t, beta, "server.exe")
	cp := newProc(t, alpha, "client.exe")
	srv := server(t, sp, `\\.\pipe\collect`, duplex, bytePipe, 1, 64, 64)
	cli := client(t, cp, `\\BETA\pipe\collect`, rw)
	count, timeout := uint32(512), uint32(20)
	require.NoError(t, pipe.SetNamedPipeHandleState(cp, cli, nil, &count, &timeout))
	var gc, gt uint32
	require.NoError(t, pipe.GetNamedPipeHandleState(cp, cli, nil, nil, &gc, &gt, nil))
	assert.Equal(t, []uint32{512, 20}, []uint32{gc, gt})
	assert.ErrorIs(t, pipe.GetNamedPipeHandleState(sp, srv, nil, nil, &gc, nil, nil), kernel.ERROR_INVALID_PARAMETER)
	require.NoError(t, cp.CloseHandle(cli))
	require.NoError(t, sp.CloseHandle(srv))
}

// When the server's machine leaves the network, its processes end, and a remote client
// reads what was sent and then ERROR_BROKEN_PIPE.
func TestRemoteServerMachineRemoved(t *testing.T) {
	n, alpha, beta := twoMachines(t)
	sp := newProc(t, beta, "server.exe")
	cp := newProc(t, alpha, "client.exe")
	srv := server(t, sp, `\\.\pipe\gone`, duplex, bytePipe, 1, 64, 64)
	cli := client(t, cp, `\\BETA\pipe\gone`, rw)
	write(t, sp, srv, "bye")
	require.NoError(t, n.RemoveMachine("BETA"))
	s, err := read(cp, cli, 8)
	require.NoError(t, err)
	assert.Equal(t, "bye", s)
	_, err = read(cp, cli, 8)
	assert.ErrorIs(t, err, kernel.ERROR_BROKEN_PIPE)
	require.NoError(t, cp.CloseHandle(cli))
	_, err = cp.CreateFile(`\\BETA\pipe\gone`, rw, 0, nil, kernel.OPEN_EXISTING, 0)
	assert.ErrorIs(t, err, kernel.ERROR_BAD_NETPATH)
}
