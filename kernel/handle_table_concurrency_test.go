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

// Lookups take no lock (as NT's handle-table lookup takes none): calls that reference
// handles run concurrently with inserts, closes, attribute changes and table growth, and
// every call either finds the entry or reports ERROR_INVALID_HANDLE — never a panic, a
// resurrected object or a leaked reference.
func TestHandleLookupsRaceClosesAndGrowth(t *testing.T) {
	m := kerneltest.NewMachine(t)
	p := kerneltest.NewProcess(t, m, "racer.exe")
	defer p.Terminate(0)
	const workers, rounds = 4, 2000
	errs := make(chan error, workers+1)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { // churn: create and close, growing and shrinking the table
		defer wg.Done()
		for i := 0; i < rounds; i++ {
			h, err := p.CreateEvent(nil, true, false, "")
			if err != nil {
				errs <- err
				return
			}
			if i%3 == 0 {
				_ = p.SetHandleInformation(h, kernel.HANDLE_FLAG_INHERIT, kernel.HANDLE_FLAG_INHERIT)
			}
			if i%2 == 0 {
				if err := p.CloseHandle(h); err != nil {
					errs <- err
					return
				}
			}
		}
	}()
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < rounds; i++ {
				h := kernel.Handle((i*7+w)%256+1) * 4
				if err := p.SetEvent(h); err != nil && !errors.Is(err, kernel.ERROR_INVALID_HANDLE) {
					errs <- err
					return
				}
				if _, err := p.GetHandleInformation(h); err != nil && !errors.Is(err, kernel.ERROR_INVALID_HANDLE) {
					errs <- err
					return
				}
			}
		}(w)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		assert.NoError(t, err)
	}
	// Every object's handle count still equals the entries that refer to it.
	counts := map[kernel.ObjectID]int64{}
	for _, h := range p.Handles() {
		counts[h.Object.ID()]++
	}
	for _, o := range m.Census().Objects {
		if o.Type == "Event" {
			require.Equal(t, counts[o.ID], o.Handles, "object %d", o.ID)
			assert.Equal(t, o.Handles, o.Pointers, "no stray pointer references on object %d", o.ID)
		}
	}
	p.Terminate(0)
	kerneltest.RequireNoLeaks(t, m)
}
