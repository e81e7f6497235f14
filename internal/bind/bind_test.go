package bind

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/winsim/winsim"
)

func TestDefaultIsMadeOnceAndShared(t *testing.T) {
	restore := SetDefault(nil)
	defer restore()
	p := Default()
	require.NotNil(t, p)
	assert.Same(t, p, Default(), "both facades act as one process")
	assert.Equal(t, DefaultProcessName, p.Name())
	assert.Equal(t, DefaultMachineName, p.Machine().Name())
	made.Close()
}

func TestSetDefaultRestores(t *testing.T) {
	n := winsim.NewNetwork()
	defer n.Close()
	m, err := n.AddMachine("ALPHA", "CORP")
	require.NoError(t, err)
	p, err := m.NewProcess("a.exe", nil)
	require.NoError(t, err)
	before := SetDefault(nil)
	defer before()
	restore := SetDefault(p)
	assert.Same(t, p, Default())
	restore()
	mu.Lock()
	assert.Nil(t, current)
	mu.Unlock()
}
