package kernel_test

import (
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/winsim/winsim/kernel"
)

// TestCreateEventOpenRacesLastClose: CreateEvent of a name that exists opens the
// existing event (MS docs CreateEventW: "the function returns a handle to the existing
// object"), and an object lives while any handle to it is open (MS docs, Kernel
// Objects: "the object remains in memory as long as at least one handle exists").
// Opening it while another thread closes the only other handle must therefore either
// give a handle to a live event or create a new one, never a handle to a deleted
// event. The self-check found winsim raising the handle count before the pointer
// count, so that the close in between deleted the event under the new handle (a
// panic: "deleted with 1 handles").
func TestCreateEventOpenRacesLastClose(t *testing.T) {
	n := kernel.NewNetwork()
	defer n.Close()
	m, err := n.AddMachine("RACE", "WORKGROUP")
	require.NoError(t, err)
	p, err := m.NewProcess("app.exe", nil)
	require.NoError(t, err)
	defer p.Terminate(0)
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 3000; i++ {
				h, err := p.CreateEvent(nil, true, false, "raced")
				if err != nil && !assert.ErrorIs(t, err, kernel.ERROR_ALREADY_EXISTS) {
					return
				}
				if !assert.NoError(t, p.SetEvent(h)) || !assert.NoError(t, p.CloseHandle(h)) {
					return
				}
			}
		}()
	}
	wg.Wait()
	assert.NoError(t, m.Check())
	assert.Empty(t, m.Leaks())
}
