package pipe_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/winsim/winsim/kernel"
	"github.com/winsim/winsim/pipe"
)

// A partition makes the other machine unreachable: opening or waiting for its pipe fails
// with ERROR_BAD_NETPATH, what Windows gives for a network path it cannot reach (MS docs,
// System Error Codes: "The network path was not found"), and works again after Heal.
// A connection made before the partition is not cut (docs/deviations.md).
func TestPartitionMakesRemotePipeUnreachable(t *testing.T) {
	n, alpha, beta := twoMachines(t)
	sp := newProc(t, beta, "server.exe")
	cp := newProc(t, alpha, "client.exe")
	srv := server(t, sp, `\\.\pipe\cut`, duplex, msgPipe, 2, 1024, 1024)
	require.NoError(t, n.Partition("ALPHA", "BETA"))
	_, err := cp.CreateFile(`\\BETA\pipe\cut`, kernel.GENERIC_READ|kernel.GENERIC_WRITE, 0, nil, kernel.OPEN_EXISTING, 0)
	assert.ErrorIs(t, err, kernel.ERROR_BAD_NETPATH)
	assert.ErrorIs(t, pipe.WaitNamedPipe(context.Background(), cp, `\\BETA\pipe\cut`, 0), kernel.ERROR_BAD_NETPATH)
	n.Heal("ALPHA", "BETA")
	cli := client(t, cp, `\\BETA\pipe\cut`, rw)
	require.NoError(t, cp.CloseHandle(cli))
	require.NoError(t, sp.CloseHandle(srv))
}
