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

// DuplicateHandle of an object's only handle, racing CloseHandle of that handle in
// another goroutine, either fails with ERROR_INVALID_HANDLE or gives a handle to an
// object that is still open: an object whose handle count reached zero (its Close has
// run) never gains a handle again. NT takes the new handle reference on the entry it
// found only while the object's handle count is still above zero (MS docs
// DuplicateHandle: the source must be a valid handle; Wine server/handle.c dup_handle
// takes the object from the live entry under the table's lock).
func TestDuplicateHandleRacingCloseNeverRevivesAClosedObject(t *testing.T) {
	m := kerneltest.NewMachine(t)
	src := kerneltest.NewProcess(t, m, "src.exe")
	defer src.Terminate(0)
	dst := kerneltest.NewProcess(t, m, "dst.exe")
	defer dst.Terminate(0)
	hDst, err := src.OpenProcess(kernel.PROCESS_DUP_HANDLE, false, dst.PID())
	require.NoError(t, err)
	defer src.CloseHandle(hDst)

	const rounds = 2000
	for i := 0; i < rounds; i++ {
		f := &testFile{}
		h := newFile(t, src, f, kernel.FILE_ALL_ACCESS)
		var (
			wg     sync.WaitGroup
			dup    kernel.Handle
			dupErr error
			clErr  error
		)
		wg.Add(2)
		go func() {
			defer wg.Done()
			dup, dupErr = src.DuplicateHandle(kernel.CurrentProcess, h, hDst, 0, false, kernel.DUPLICATE_SAME_ACCESS)
		}()
		go func() {
			defer wg.Done()
			clErr = src.CloseHandle(h)
		}()
		wg.Wait()
		require.NoError(t, clErr)
		closes, _ := f.counts()
		if dupErr != nil {
			require.ErrorIs(t, dupErr, kernel.ERROR_INVALID_HANDLE)
			assert.Equal(t, 1, closes, "round %d: the close was the last handle", i)
			continue
		}
		if !assert.Equal(t, 0, closes, "round %d: a live duplicate refers to an object that was already closed", i) {
			_ = dst.CloseHandle(dup)
			return
		}
		require.NoError(t, dst.CloseHandle(dup))
		closes, deletes := f.counts()
		assert.Equal(t, 1, closes, "round %d: Close runs exactly once", i)
		assert.Equal(t, 1, deletes, "round %d: Delete runs exactly once", i)
	}
}

// The same race through DUPLICATE_CLOSE_SOURCE into another process: the source handle
// is gone afterwards and the object was closed at most once.
func TestDuplicateHandleRacingCloseOfCloseSource(t *testing.T) {
	m := kerneltest.NewMachine(t)
	src := kerneltest.NewProcess(t, m, "src.exe")
	defer src.Terminate(0)
	dst := kerneltest.NewProcess(t, m, "dst.exe")
	defer dst.Terminate(0)
	hDst, err := src.OpenProcess(kernel.PROCESS_DUP_HANDLE, false, dst.PID())
	require.NoError(t, err)
	defer src.CloseHandle(hDst)
	for i := 0; i < 1000; i++ {
		f := &testFile{}
		h := newFile(t, src, f, kernel.FILE_ALL_ACCESS)
		var wg sync.WaitGroup
		var dup kernel.Handle
		var dupErr, clErr error
		wg.Add(2)
		go func() {
			defer wg.Done()
			dup, dupErr = src.DuplicateHandle(kernel.CurrentProcess, h, hDst, 0, false, kernel.DUPLICATE_SAME_ACCESS|kernel.DUPLICATE_CLOSE_SOURCE)
		}()
		go func() { defer wg.Done(); clErr = src.CloseHandle(h) }()
		wg.Wait()
		// Exactly one of the two removed the source entry.
		if clErr != nil {
			require.ErrorIs(t, clErr, kernel.ERROR_INVALID_HANDLE)
		}
		if dupErr == nil {
			closes, _ := f.counts()
			require.Equal(t, 0, closes, "round %d: duplicate of a closed object", i)
			require.NoError(t, dst.CloseHandle(dup))
		} else {
			require.True(t, errors.Is(dupErr, kernel.ERROR_INVALID_HANDLE), "round %d: %v", i, dupErr)
		}
		closes, deletes := f.counts()
		require.Equal(t, 1, closes, "round %d", i)
		require.Equal(t, 1, deletes, "round %d", i)
		assert.Equal(t, 0, src.HandleCount()-1, "round %d: only the process handle is left", i)
	}
}

// Eight goroutines racing DuplicateHandle with DUPLICATE_CLOSE_SOURCE of one handle into
// another process: exactly one succeeds, the others get ERROR_INVALID_HANDLE, as when
// the calls run one after another (MS docs DuplicateHandle: the source handle is closed;
// Wine server/handle.c closes it in the same request that duplicates it). The object
// ends with exactly the one new handle.
func TestDuplicateCloseSourceRaceHasOneWinner(t *testing.T) {
	m := kerneltest.NewMachine(t)
	src := kerneltest.NewProcess(t, m, "src.exe")
	defer src.Terminate(0)
	dst := kerneltest.NewProcess(t, m, "dst.exe")
	defer dst.Terminate(0)
	hDst, err := src.OpenProcess(kernel.PROCESS_DUP_HANDLE, false, dst.PID())
	require.NoError(t, err)
	defer src.CloseHandle(hDst)
	for round := 0; round < 300; round++ {
		f := &testFile{}
		h := newFile(t, src, f, kernel.FILE_ALL_ACCESS)
		var wg sync.WaitGroup
		results := make(chan error, 8)
		dups := make(chan kernel.Handle, 8)
		for i := 0; i < 8; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				d, err := src.DuplicateHandle(kernel.CurrentProcess, h, hDst, 0, false, kernel.DUPLICATE_SAME_ACCESS|kernel.DUPLICATE_CLOSE_SOURCE)
				results <- err
				if err == nil {
					dups <- d
				}
			}()
		}
		wg.Wait()
		close(results)
		close(dups)
		wins := 0
		for err := range results {
			if err == nil {
				wins++
			} else {
				assert.True(t, errors.Is(err, kernel.ERROR_INVALID_HANDLE), "round %d: %v", round, err)
			}
		}
		require.Equal(t, 1, wins, "round %d: exactly one call consumes the handle", round)
		for d := range dups {
			require.NoError(t, dst.CloseHandle(d))
		}
		closes, _ := f.counts()
		assert.Equal(t, 1, closes, "round %d", round)
	}
}
