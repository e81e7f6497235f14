package pipe_test

import (
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/winsim/winsim/kernel"
	"github.com/winsim/winsim/pipe"
)

// The hand-over (pipe/buffer.go handOverLocked) models Windows' priority boost for a
// thread whose wait is satisfied (Microsoft's "Priority Boosts" page): a write that
// completed a waiting read yields to the reader, but only where the yield saves a copy.
// It changes no result, so these tests check the rule and its effect on who runs first.
func TestHandOverRule(t *testing.T) {
	const Q = 1 << 20
	big := pipe.HandOverMin
	for _, c := range []struct {
		name                               string
		quota, unread, waiting, left, size int
		want                               bool
	}{
		{"completed a read, next write fits", Q, 0, 1, 0, big, true},
		{"completed one of two reads", Q, 0, 2, 1, big, true},
		{"no read was waiting", Q, 0, 0, 0, big, false},
		{"the waiting read was not completed", Q, 0, 1, 1, big, false},
		{"next write would exceed the quota", Q, Q - big + 1, 1, 0, big, false},
		{"write larger than the quota", 4096, 0, 1, 0, big, false},
		{"write below the threshold", Q, 0, 1, 0, big - 1, false},
	} {
		assert.Equal(t, c.want, pipe.HandOver(c.quota, c.unread, c.waiting, c.left, c.size), c.name)
	}
}

// With one P, a large write that completes a waiting read returns only after the reader
// has run and asked for more: its next write then finds that read waiting and copies
// straight into it (one copy), as docs/pipes.md describes.
func TestHandOverLetsReaderAskAgain(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	synctest.Test(t, func(t *testing.T) {
		m := newMachine(t)
		p := newProc(t, m, "a.exe")
		r, w, err := pipe.CreatePipe(p, nil, 1<<20)
		require.NoError(t, err)

		size := pipe.HandOverMin
		var reads atomic.Int32
		var wg sync.WaitGroup
		wg.Go(func() {
			buf := make([]byte, size)
			for {
				n, err := p.ReadFile(bg, r, buf)
				if err != nil {
					assert.ErrorIs(t, err, kernel.ERROR_BROKEN_PIPE)
					return
				}
				assert.Equal(t, size, n)
				reads.Add(1)
			}
		})
		synctest.Wait() // the first read is waiting
		for i := range 3 {
			_, err := p.WriteFile(bg, w, make([]byte, size))
			require.NoError(t, err)
			assert.Equal(t, int32(i+1), reads.Load(), "the reader ran before write %d returned", i+1)
			_, avail, _, err := pipe.PeekNamedPipe(p, r, nil)
			require.NoError(t, err)
			assert.Zero(t, avail, "write %d went straight to the reader, nothing through the ring", i+1)
		}
		require.NoError(t, p.CloseHandle(w))
		wg.Wait()
		require.NoError(t, p.CloseHandle(r))
	})
}
