package pipe_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"testing/synctest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/winsim/winsim/kernel"
	"github.com/winsim/winsim/pipe"
)

// Every state change of a pipe is traced (DESIGN.md, "Seeing inside"): instance
// creation, connection, data, disconnection and close, as device events naming the pipe.
func TestPipeEventsAreTraced(t *testing.T) {
	m := newMachine(t)
	p := newProc(t, m, "a.exe")
	var mu sync.Mutex
	var details []string
	cancel := m.Network().Subscribe(func(ev kernel.TraceEvent) {
		if ev.Kind == kernel.EvDevice {
			mu.Lock()
			details = append(details, ev.Name+" "+ev.Detail)
			mu.Unlock()
		}
	})
	defer cancel()
	srv := server(t, p, `\\.\pipe\traced`, duplex, msgPipe, 1, 64, 64)
	cli := client(t, p, `\\.\pipe\traced`, rw)
	write(t, p, cli, "hello")
	_, err := read(p, srv, 8)
	require.NoError(t, err)
	require.NoError(t, pipe.DisconnectNamedPipe(p, srv))
	require.NoError(t, p.CloseHandle(cli))
	setMode(t, p, srv, pipe.PIPE_READMODE_MESSAGE|pipe.PIPE_NOWAIT)
	require.ErrorIs(t, pipe.ConnectNamedPipe(bg, p, srv), kernel.ERROR_PIPE_LISTENING)
	require.NoError(t, p.CloseHandle(srv))
	mu.Lock()
	defer mu.Unlock()
	all := strings.Join(details, "\n")
	for _, want := range []string{
		`\Device\NamedPipe\traced pipe server instance created message out 64 in 64`,
		`\Device\NamedPipe\traced pipe client connected`,
		`\Device\NamedPipe\traced pipe client write 5 bytes`,
		`\Device\NamedPipe\traced pipe server read 5 bytes`,
		`\Device\NamedPipe\traced pipe server disconnected`,
		`\Device\NamedPipe\traced pipe client closed`,
		`\Device\NamedPipe\traced pipe server listening`,
		`\Device\NamedPipe\traced pipe server closed`,
	} {
		assert.Contains(t, all, want)
	}
}

// Views describe each pipe end: which end, its state, anonymous or remote (the census
// detail behind the WinObj and handle.exe views).
func TestPipeEndsDescribeThemselves(t *testing.T) {
	_, alpha, beta := twoMachines(t)
	sp := newProc(t, beta, "server.exe")
	cp := newProc(t, alpha, "client.exe")
	srv := server(t, sp, `\\.\pipe\described`, duplex, bytePipe, 2, 64, 64)
	lsrv := server(t, sp, `\\.\pipe\described`, duplex, bytePipe, 2, 64, 64)
	rcli := client(t, cp, `\\BETA\pipe\described`, rw)
	r, w, err := pipe.CreatePipe(sp, nil, 0)
	require.NoError(t, err)
	dev, err := sp.CreateFile(`\\.\pipe`, 0, 0, nil, kernel.OPEN_EXISTING, 0)
	require.NoError(t, err)
	details := func(m *kernel.Machine) []string {
		var out []string
		for _, o := range m.Census().Objects {
			if o.Type == "File" {
				out = append(out, o.Detail)
			}
		}
		return out
	}
	assert.ElementsMatch(t, []string{"server connected", "server listening", "anonymous server connected",
		"anonymous client connected", "named-pipe device"}, details(beta))
	assert.ElementsMatch(t, []string{"client connected from ALPHA"}, details(alpha))
	require.NoError(t, pipe.DisconnectNamedPipe(sp, srv))
	assert.Contains(t, details(alpha), "client disconnected from ALPHA")
	for _, h := range []kernel.Handle{srv, lsrv, r, w, dev} {
		require.NoError(t, sp.CloseHandle(h))
	}
	require.NoError(t, cp.CloseHandle(rcli))
}

// A blocked write of the end whose last handle another goroutine closes fails with
// ERROR_BROKEN_PIPE and is withdrawn, while what that end wrote before stays readable
// by the other end (NT cleanup; docs/windows-facts.md#np-close: nothing written before a close is lost).
func TestClosingOwnLastHandleWithdrawsBlockedWrite(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newMachine(t)
		p := newProc(t, m, "a.exe")
		for _, serverWrites := range []bool{false, true} {
			srv, cli, _ := pair(t, p, bytePipe, 4, 4)
			writer, reader := cli, srv
			if serverWrites {
				writer, reader = srv, cli
			}
			write(t, p, writer, "done")
			wr := asyncWrite(p, writer, []byte("blocked"))
			requirePending(t, wr)
			require.NoError(t, p.CloseHandle(writer))
			res := requireDone(t, wr)
			assert.ErrorIs(t, res.err, kernel.ERROR_BROKEN_PIPE)
			s, err := read(p, reader, 32)
			require.NoError(t, err)
			assert.Equal(t, "done", s)
			_, err = read(p, reader, 32)
			assert.ErrorIs(t, err, kernel.ERROR_BROKEN_PIPE)
			require.NoError(t, p.CloseHandle(reader))
		}
	})
}

// AbortError describes itself with Windows' text and the cause.
func TestAbortErrorText(t *testing.T) {
	err := &pipe.AbortError{Cause: context.Canceled}
	assert.Equal(t, kernel.ERROR_OPERATION_ABORTED.Error()+" (context canceled)", err.Error())
	var other *pipe.AbortError
	assert.False(t, err.As(&other))
}
