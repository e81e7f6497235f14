package kernel_test

import (
	"context"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/winsim/winsim/kernel"
	"github.com/winsim/winsim/kerneltest"
)

// When a wait on a process ends because it exited, its exit holds no reference any
// more: the process table's "running" reference is dropped before the process object
// is signalled, so once the waiter has closed its handle (or, with Wait, at once) the
// process object is gone and a census taken then is exact (MS docs, "Terminating a
// Process": the process object is signalled, and deleted when the last handle to it
// is closed). The exit is held in its trace event, which it emits after setting the
// exit code and before it reaps and signals the process: a waiter woken before the
// reaping would find the object still listed.
func TestExitedProcessHoldsNoReferenceWhenItsWaitersWake(t *testing.T) {
	for _, byHandle := range []bool{true, false} {
		synctest.Test(t, func(t *testing.T) {
			n := kerneltest.NewNetwork(t)
			m := kerneltest.AddMachine(t, n, "EXIT", "WORKGROUP")
			parent := kerneltest.NewProcess(t, m, "parent.exe")
			defer parent.Terminate(0)
			child, err := m.NewProcess("child.exe", nil)
			require.NoError(t, err)
			h, err := parent.OpenProcess(kernel.SYNCHRONIZE, false, child.PID())
			require.NoError(t, err)
			checked := make(chan struct{})
			stop := n.Subscribe(func(ev kernel.TraceEvent) {
				if ev.Kind == kernel.EvProcessExited && ev.PID == child.PID() {
					select {
					case <-checked: // a waiter woke and looked
					case <-time.After(time.Second): // none could: they wake later
					}
				}
			})
			defer stop()
			go child.Terminate(7)
			if byHandle {
				ev, err := parent.WaitForSingleObject(context.Background(), h, kernel.INFINITE)
				require.NoError(t, err)
				require.Equal(t, kernel.WAIT_OBJECT_0, ev)
				require.NoError(t, parent.CloseHandle(h))
			} else {
				require.NoError(t, parent.CloseHandle(h))
				code, err := child.Wait(context.Background())
				require.NoError(t, err)
				require.Equal(t, uint32(7), code)
			}
			procs := 0
			for _, o := range m.Census().Objects {
				if o.Type == kernel.ProcessType.Name {
					procs++
				}
			}
			close(checked)
			assert.Equal(t, 2, procs, "byHandle=%v: only System's and the parent's process objects are left", byHandle)
			synctest.Wait()
		})
	}
}
