package pipe_test

import (
	"context"
	"testing"
	"testing/synctest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/winsim/winsim/kernel"
	"github.com/winsim/winsim/pipe"
)

// GetNamedPipeHandleState with every pointer nil succeeds; a new server reports state 0
// (byte read mode, PIPE_WAIT) and 1 instance (windows-facts.md NP-79); the remote-only values
// are refused on a local pipe with ERROR_INVALID_PARAMETER (NP-80). The user name needs
// a client that has written (security_test.go).
func TestGetNamedPipeHandleStateOfLocalServer(t *testing.T) {
	m := newMachine(t)
	p := newProc(t, m, "a.exe")
	srv := server(t, p, uniqueName(t), duplex, bytePipe, 1, 1024, 1024)
	require.NoError(t, pipe.GetNamedPipeHandleState(p, srv, nil, nil, nil, nil, nil))
	var st, inst, count, timeout uint32
	require.NoError(t, pipe.GetNamedPipeHandleState(p, srv, &st, &inst, nil, nil, nil))
	assert.Zero(t, st)
	assert.Equal(t, uint32(1), inst)
	var user string
	assert.ErrorIs(t, pipe.GetNamedPipeHandleState(p, srv, &st, &inst, &count, &timeout, &user), kernel.ERROR_INVALID_PARAMETER)
	assert.ErrorIs(t, pipe.GetNamedPipeHandleState(p, srv, nil, nil, &count, nil, nil), kernel.ERROR_INVALID_PARAMETER)
	assert.ErrorIs(t, pipe.GetNamedPipeHandleState(p, srv, nil, nil, nil, nil, &user), kernel.ERROR_CANNOT_IMPERSONATE, "no client to name yet (security_test.go)")
	assert.ErrorIs(t, pipe.SetNamedPipeHandleState(p, srv, nil, &count, nil), kernel.ERROR_INVALID_PARAMETER)
}

// GetNamedPipeInfo reports the end, the type, the buffer sizes as given (0 stays 0,
// 0xF000 stays 0xF000) and the instance limit (windows-facts.md NP-82, test_GetNamedPipeInfo).
func TestGetNamedPipeInfoReportsCreationValues(t *testing.T) {
	m := newMachine(t)
	p := newProc(t, m, "a.exe")
	for _, c := range []struct {
		mode, inst, out, in uint32
		flags               uint32
	}{
		{pipe.PIPE_TYPE_BYTE | pipe.PIPE_WAIT, 1, 1024, 1024, 1},
		{pipe.PIPE_TYPE_MESSAGE | pipe.PIPE_NOWAIT, 3, 1024, 1024, 5},
		{pipe.PIPE_TYPE_BYTE, 1, 0, 0, 1},
		{pipe.PIPE_TYPE_BYTE, 1, 0xF000, 0xF000, 1},
	} {
		h := server(t, p, uniqueName(t), duplex, c.mode, c.inst, c.out, c.in)
		flags, out, in, inst, err := pipe.GetNamedPipeInfo(p, h)
		require.NoError(t, err)
		assert.Equal(t, []uint32{c.flags, c.out, c.in, c.inst}, []uint32{flags, out, in, inst})
		require.NoError(t, p.CloseHandle(h))
	}
}

// Both ends report the same quotas: nOutBufferSize as out, nInBufferSize as in (windows-facts.md NP-86, ntdll test_pipe_local_info: InboundQuota 100, OutboundQuota 200).
func TestGetNamedPipeInfoSameOnBothEnds(t *testing.T) {
	m := newMachine(t)
	p := newProc(t, m, "a.exe")
	srv, cli, _ := pair(t, p, msgPipe, 200, 100)
	flags, out, in, _, err := pipe.GetNamedPipeInfo(p, cli)
	require.NoError(t, err)
	assert.Equal(t, []uint32{pipe.PIPE_CLIENT_END | pipe.PIPE_TYPE_MESSAGE, 200, 100}, []uint32{flags, out, in})
	flags, out, in, _, err = pipe.GetNamedPipeInfo(p, srv)
	require.NoError(t, err)
	assert.Equal(t, []uint32{pipe.PIPE_SERVER_END | pipe.PIPE_TYPE_MESSAGE, 200, 100}, []uint32{flags, out, in})
}

// Changing the state needs FILE_WRITE_ATTRIBUTES: an inbound server lacks it (windows-facts.md NP-83); a client opened GENERIC_READ lacks it unless it asks for it (MS docs, Named Pipe
// Type, Read, and Wait Modes). Querying needs FILE_READ_ATTRIBUTES (NP-84).
func TestPipeStateAccessRights(t *testing.T) {
	m := newMachine(t)
	p := newProc(t, m, "a.exe")
	name := uniqueName(t)
	srv := server(t, p, name, inbound, msgPipe, 2, 64, 64)
	mode := pipe.PIPE_READMODE_BYTE
	assert.ErrorIs(t, pipe.SetNamedPipeHandleState(p, srv, &mode, nil, nil), kernel.ERROR_ACCESS_DENIED)
	_, _, _, _, err := pipe.GetNamedPipeInfo(p, srv)
	assert.NoError(t, err)

	name = uniqueName(t)
	osrv := server(t, p, name, outbound, msgPipe, 2, 64, 64)
	ro := client(t, p, name, kernel.GENERIC_READ)
	msg := pipe.PIPE_READMODE_MESSAGE
	assert.ErrorIs(t, pipe.SetNamedPipeHandleState(p, ro, &msg, nil, nil), kernel.ERROR_ACCESS_DENIED)
	osrv2 := server(t, p, name, outbound, msgPipe, 2, 64, 64)
	roa := client(t, p, name, kernel.GENERIC_READ|kernel.FILE_WRITE_ATTRIBUTES)
	assert.NoError(t, pipe.SetNamedPipeHandleState(p, roa, &msg, nil, nil))

	sync, err := p.DuplicateHandle(kernel.CurrentProcess, roa, kernel.CurrentProcess, kernel.SYNCHRONIZE, false, 0)
	require.NoError(t, err)
	_, _, _, _, err = pipe.GetNamedPipeInfo(p, sync)
	assert.ErrorIs(t, err, kernel.ERROR_ACCESS_DENIED)
	var st uint32
	assert.ErrorIs(t, pipe.GetNamedPipeHandleState(p, sync, &st, nil, nil, nil, nil), kernel.ERROR_ACCESS_DENIED)
	assert.NoError(t, pipe.GetNamedPipeHandleState(p, sync, nil, nil, nil, nil, nil))
	for _, h := range []kernel.Handle{srv, osrv, osrv2, ro, roa, sync} {
		require.NoError(t, p.CloseHandle(h))
	}
}

// A client cut off by DisconnectNamedPipe cannot be queried or changed
// (ERROR_PIPE_NOT_CONNECTED); the server in the same state can (windows-facts.md NP-85).
func TestDisconnectedClientCannotBeQueried(t *testing.T) {
	m := newMachine(t)
	p := newProc(t, m, "a.exe")
	srv, cli, _ := pair(t, p, msgPipe, 64, 64)
	require.NoError(t, pipe.DisconnectNamedPipe(p, srv))
	var st uint32
	assert.ErrorIs(t, pipe.GetNamedPipeHandleState(p, cli, &st, nil, nil, nil, nil), kernel.ERROR_PIPE_NOT_CONNECTED)
	mode := pipe.PIPE_READMODE_MESSAGE
	assert.ErrorIs(t, pipe.SetNamedPipeHandleState(p, cli, &mode, nil, nil), kernel.ERROR_PIPE_NOT_CONNECTED)
	_, _, _, _, err := pipe.GetNamedPipeInfo(p, cli)
	assert.ErrorIs(t, err, kernel.ERROR_PIPE_NOT_CONNECTED)
	require.NoError(t, pipe.GetNamedPipeHandleState(p, srv, &st, nil, nil, nil, nil))
	assert.Equal(t, pipe.PIPE_READMODE_MESSAGE, st)
	assert.NoError(t, pipe.SetNamedPipeHandleState(p, srv, &mode, nil, nil))
	_, _, _, _, err = pipe.GetNamedPipeInfo(p, srv)
	assert.NoError(t, err)
}

// Both ends of an in-process pair report the process's PID as client and server PID
// (windows-facts.md NP-148, test_namedpipe_process_id); after either end closes the other still
// reports both (NP-150); after DisconnectNamedPipe the server reports ERROR_NOT_FOUND for
// the client and still its own PID, and the cut-off client ERROR_PIPE_NOT_CONNECTED
// (NP-151).
func TestNamedPipeProcessIds(t *testing.T) {
	m := newMachine(t)
	p := newProc(t, m, "a.exe")
	pids := func(h kernel.Handle) (uint32, error, uint32, error) {
		c, cerr := pipe.GetNamedPipeClientProcessId(p, h)
		s, serr := pipe.GetNamedPipeServerProcessId(p, h)
		return c, cerr, s, serr
	}
	srv, cli, _ := pair(t, p, bytePipe, 64, 64)
	for _, h := range []kernel.Handle{srv, cli} {
		c, cerr, s, serr := pids(h)
		require.NoError(t, cerr)
		require.NoError(t, serr)
		assert.Equal(t, []uint32{p.PID(), p.PID()}, []uint32{c, s})
	}
	require.NoError(t, p.CloseHandle(cli))
	c, cerr, s, serr := pids(srv)
	assert.NoError(t, cerr)
	assert.NoError(t, serr)
	assert.Equal(t, []uint32{p.PID(), p.PID()}, []uint32{c, s})
	require.NoError(t, p.CloseHandle(srv))

	srv, cli, _ = pair(t, p, bytePipe, 64, 64)
	require.NoError(t, p.CloseHandle(srv))
	c, cerr, s, serr = pids(cli)
	assert.NoError(t, cerr)
	assert.NoError(t, serr)
	assert.Equal(t, []uint32{p.PID(), p.PID()}, []uint32{c, s})
	require.NoError(t, p.CloseHandle(cli))

	srv, cli, _ = pair(t, p, bytePipe, 64, 64)
	require.NoError(t, pipe.DisconnectNamedPipe(p, srv))
	_, cerr, s, serr = pids(srv)
	assert.ErrorIs(t, cerr, kernel.ERROR_NOT_FOUND)
	assert.NoError(t, serr)
	assert.Equal(t, p.PID(), s)
	_, cerr, _, serr = pids(cli)
	assert.ErrorIs(t, cerr, kernel.ERROR_PIPE_NOT_CONNECTED)
	assert.ErrorIs(t, serr, kernel.ERROR_PIPE_NOT_CONNECTED)
}

// A child connecting to its parent's pipe sees itself as the client and the parent as
// the server (windows-facts.md NP-152, child_process_check_pid).
func TestNamedPipeProcessIdsAcrossProcesses(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newMachine(t)
		parent := newProc(t, m, "parent.exe")
		name := uniqueName(t)
		srv := server(t, parent, name, duplex, bytePipe, 1, 64, 64)
		type pids struct{ client, server, self uint32 }
		got := make(chan pids, 1)
		hChild, _, err := parent.CreateProcess("child.exe", false, func(ctx context.Context, c *kernel.Process) uint32 {
			h, err := c.CreateFile(name, rw, 0, nil, kernel.OPEN_EXISTING, 0)
			if err != nil {
				return 1
			}
			cp, _ := pipe.GetNamedPipeClientProcessId(c, h)
			sp, _ := pipe.GetNamedPipeServerProcessId(c, h)
			got <- pids{cp, sp, c.PID()}
			return 0
		})
		require.NoError(t, err)
		g := <-got
		assert.Equal(t, g.self, g.client)
		assert.Equal(t, parent.PID(), g.server)
		cp, err := pipe.GetNamedPipeClientProcessId(parent, srv)
		require.NoError(t, err)
		assert.Equal(t, g.self, cp)
		_, err = parent.WaitForSingleObject(bg, hChild, kernel.INFINITE)
		require.NoError(t, err)
		require.NoError(t, parent.CloseHandle(hChild))
		require.NoError(t, parent.CloseHandle(srv))
	})
}

// GetNamedPipeClientComputerName: a local client has no computer name
// (ERROR_PIPE_LOCAL), a client end may not ask (ERROR_INVALID_PARAMETER), and without a
// client there is none (ERROR_NOT_FOUND). Remote clients are in remote_test.go.
func TestGetNamedPipeClientComputerNameLocal(t *testing.T) {
	m := newMachine(t)
	p := newProc(t, m, "a.exe")
	srv, cli, _ := pair(t, p, bytePipe, 64, 64)
	_, err := pipe.GetNamedPipeClientComputerName(p, srv)
	assert.ErrorIs(t, err, pipe.ERROR_PIPE_LOCAL)
	_, err = pipe.GetNamedPipeClientComputerName(p, cli)
	assert.ErrorIs(t, err, kernel.ERROR_INVALID_PARAMETER)
	require.NoError(t, pipe.DisconnectNamedPipe(p, srv))
	_, err = pipe.GetNamedPipeClientComputerName(p, srv)
	assert.ErrorIs(t, err, kernel.ERROR_NOT_FOUND)
}

// Pipe ends are signalled when new (windows-facts.md NP-141, NP-142), unsignalled while a
// ConnectNamedPipe or a read blocks on them and signalled when it completes (NP-143, NP-144),
// unsignalled after I/O that failed at once (NP-145) and after DisconnectNamedPipe (NP-95,
// NP-147).
func TestPipeEndSignalState(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newMachine(t)
		p := newProc(t, m, "a.exe")
		signalled := func(h kernel.Handle) bool {
			ev, err := p.WaitForSingleObject(bg, h, 0)
			require.NoError(t, err)
			return ev == kernel.WAIT_OBJECT_0
		}
		name := uniqueName(t)
		srv := server(t, p, name, duplex, bytePipe, 1, 64, 64)
		assert.True(t, signalled(srv), "a new server is signalled")
		require.NoError(t, pipe.DisconnectNamedPipe(p, srv))
		conn := asyncConnect(bg, p, srv)
		requirePending(t, conn)
		assert.False(t, signalled(srv), "not while ConnectNamedPipe blocks")
		waiter := async(func() result {
			ev, err := p.WaitForSingleObject(bg, srv, kernel.INFINITE)
			return result{n: int(ev), err: err}
		})
		requirePending(t, waiter)
		cli := client(t, p, name, rw)
		assert.True(t, signalled(cli), "a new client is signalled")
		require.NoError(t, requireDone(t, conn).err)
		res := requireDone(t, waiter)
		require.NoError(t, res.err)
		assert.Equal(t, int(kernel.WAIT_OBJECT_0), res.n, "the connect completing signals the handle")

		rd := asyncRead(p, cli, 8)
		requirePending(t, rd)
		assert.False(t, signalled(cli), "not while a read blocks")
		write(t, p, srv, "x")
		require.NoError(t, requireDone(t, rd).err)
		assert.True(t, signalled(cli))

		require.NoError(t, pipe.DisconnectNamedPipe(p, srv))
		assert.False(t, signalled(cli), "a disconnected client is not signalled")
		_, err := p.WriteFile(bg, cli, []byte("x"))
		require.ErrorIs(t, err, kernel.ERROR_PIPE_NOT_CONNECTED)
		assert.False(t, signalled(cli))
		require.NoError(t, p.CloseHandle(cli))
		require.NoError(t, p.CloseHandle(srv))

		srv, cli, _ = pair(t, p, bytePipe, 64, 64)
		require.NoError(t, p.CloseHandle(srv))
		_, err = read(p, cli, 8)
		require.ErrorIs(t, err, kernel.ERROR_BROKEN_PIPE)
		assert.False(t, signalled(cli), "I/O that failed at once leaves it reset")
		require.NoError(t, p.CloseHandle(cli))
	})
}
