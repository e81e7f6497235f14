package winsim_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The discovery procedure on a three-machine domain: both servers of CORP answer the
// broadcast (the machine in domain LAB does not hear it), and the client talks to the one
// it picked over \\SRV1\pipe\service.
func TestDiscoveryThroughMailslotThenRemotePipe(t *testing.T) {
	net, client, err := newDomain()
	require.NoError(t, err)
	defer net.Close()
	defer client.ExitProcess(0)
	answered, replies, err := discover(context.Background(), client, 2, []string{"hello", "bye"})
	require.NoError(t, err)
	assert.Equal(t, []string{"SRV1", "SRV2"}, answered)
	assert.Equal(t, []string{"SRV1: HELLO", "SRV1: BYE"}, replies)
}
