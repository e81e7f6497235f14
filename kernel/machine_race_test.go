package kernel_test

import (
	"errors"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/winsim/winsim/kernel"
	"github.com/winsim/winsim/kerneltest"
)

// AddMachine racing RemoveMachine of the same name: the removal either finds no
// machine (ERROR_BAD_NETPATH, the name was not on the network yet) or removes a whole
// one, System process and all; a machine is never visible half made. Run under -race:
// before the fix the network listed the machine before its System process was set.
func TestAddMachineRacingRemoveMachine(t *testing.T) {
	n := kernel.NewNetwork()
	defer n.Close()
	for i := 0; i < 300; i++ {
		var (
			wg     sync.WaitGroup
			m      *kernel.Machine
			addErr error
			rmErr  error
		)
		wg.Add(2)
		go func() { defer wg.Done(); m, addErr = n.AddMachine("RACE", "WORKGROUP") }()
		go func() { defer wg.Done(); rmErr = n.RemoveMachine("race") }()
		wg.Wait()
		require.NoError(t, addErr)
		require.NotNil(t, m.System())
		if rmErr != nil {
			assert.ErrorIs(t, rmErr, kernel.ERROR_BAD_NETPATH)
			assert.Same(t, m, n.Machine("RACE"), "round %d: not removed, so still on the network", i)
			require.NoError(t, n.RemoveMachine("RACE"))
		}
		assert.Nil(t, n.Machine("RACE"), "round %d", i)
		// A removed machine refuses new processes.
		_, err := m.NewProcess("late.exe", nil)
		assert.True(t, errors.Is(err, kernel.ERROR_NOT_READY), "round %d: %v", i, err)
	}
}

// The same race with Network.Close, which removes every machine it lists.
func TestAddMachineRacingNetworkClose(t *testing.T) {
	for i := 0; i < 300; i++ {
		n := kernel.NewNetwork()
		var wg sync.WaitGroup
		wg.Add(2)
		go func() {
			defer wg.Done()
			_, err := n.AddMachine("RACE", "WORKGROUP")
			assert.NoError(t, err)
		}()
		go func() { defer wg.Done(); n.Close() }()
		wg.Wait()
		n.Close()
		assert.Empty(t, n.Machines(), "round %d", i)
	}
}

// Machine.Census racing CreateProcess: every process object the census lists carries
// the PID its process was given (a process object is listed only once it has one).
// Run under -race: before the fix the census described a process whose PID was still
// being written.
func TestCensusRacingCreateProcess(t *testing.T) {
	m := kerneltest.NewMachine(t)
	parent := kerneltest.NewProcess(t, m, "parent.exe")
	defer parent.Terminate(0)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			default:
			}
			for _, o := range m.Census().Objects {
				if o.Type == "Process" {
					assert.NotContains(t, o.Detail, "pid 0 ", "a listed process has its PID")
				}
			}
		}
	}()
	for i := 0; i < 300; i++ {
		h, child, err := parent.CreateProcess("child.exe", false, nil)
		require.NoError(t, err)
		child.Terminate(0)
		require.NoError(t, parent.CloseHandle(h))
	}
	close(stop)
	wg.Wait()
}
