package pipe_test

import (
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/winsim/winsim/kernel"
	"github.com/winsim/winsim/pipe"
)

// DuplicateHandle of the only handle to a named-pipe server end, racing CloseHandle of
// that handle: the duplicate fails with ERROR_INVALID_HANDLE or refers to an instance
// that is still open, and closing it closes the instance once (MS docs DuplicateHandle;
// Wine server/handle.c dup_handle takes its reference from a live entry). Before the
// kernel took the duplicate's handle reference only while the count was above zero,
// closing such a duplicate ran the instance's close a second time and panicked.
func TestDuplicateServerEndRacingClose(t *testing.T) {
	m := newMachine(t)
	p := newProc(t, m, "server.exe")
	name := uniqueName(t)
	for i := 0; i < 500; i++ {
		h := server(t, p, name, pipe.PIPE_ACCESS_DUPLEX, pipe.PIPE_TYPE_BYTE, 1, 0, 0)
		var (
			wg     sync.WaitGroup
			dup    kernel.Handle
			dupErr error
		)
		wg.Add(2)
		go func() {
			defer wg.Done()
			dup, dupErr = p.DuplicateHandle(kernel.CurrentProcess, h, kernel.CurrentProcess, 0, false, kernel.DUPLICATE_SAME_ACCESS)
		}()
		go func() {
			defer wg.Done()
			assert.NoError(t, p.CloseHandle(h))
		}()
		wg.Wait()
		if dupErr != nil {
			require.ErrorIs(t, dupErr, kernel.ERROR_INVALID_HANDLE, "round %d", i)
			continue
		}
		// The duplicate is a live server end: the name still opens.
		c, err := p.CreateFile(name, rw, 0, nil, kernel.OPEN_EXISTING, 0)
		require.NoError(t, err, "round %d: the duplicate keeps the instance open", i)
		require.NoError(t, p.CloseHandle(c))
		require.NoError(t, p.CloseHandle(dup), "round %d", i)
	}
}
