package mailslot

import (
	"context"
	"encoding/binary"
	"sync"
	"testing"
	"testing/synctest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/winsim/winsim/kernel"
)

// The issue: 16 writers × 1,000 messages into one mailslot (run under -race): every
// message arrives exactly once and each writer's messages arrive in the order written
// (About Mailslots: new messages follow the existing ones). Each writer is its own
// process with its own client handle; one reader drains the mailslot while they write.
func TestConcurrentWritersEveryMessageOnceInOrder(t *testing.T) {
	const writers, perWriter = 16, 1000
	synctest.Test(t, func(t *testing.T) {
		m := newMachine(t)
		p := newProc(t, m, "server.exe")
		h := create(t, p, testName, 8, MAILSLOT_WAIT_FOREVER)

		var wg sync.WaitGroup
		errs := make(chan error, writers)
		for w := range writers {
			q := newProc(t, m, "writer.exe")
			c := open(t, q, testName)
			wg.Add(1)
			go func() {
				defer wg.Done()
				var msg [8]byte
				for i := range perWriter {
					binary.LittleEndian.PutUint32(msg[:4], uint32(w))
					binary.LittleEndian.PutUint32(msg[4:], uint32(i))
					if _, err := q.WriteFile(context.Background(), c, msg[:]); err != nil {
						errs <- err
						return
					}
				}
			}()
		}

		next := make([]uint32, writers) // the sequence number expected next from each writer
		buf := make([]byte, 8)
		for range writers * perWriter {
			n, err := p.ReadFile(context.Background(), h, buf)
			require.NoError(t, err)
			require.Equal(t, 8, n)
			w, i := binary.LittleEndian.Uint32(buf[:4]), binary.LittleEndian.Uint32(buf[4:])
			require.Less(t, w, uint32(writers))
			require.Equal(t, next[w], i, "writer %d out of order or duplicated", w)
			next[w]++
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			assert.NoError(t, err)
		}
		for w := range writers {
			assert.Equal(t, uint32(perWriter), next[w])
		}
		// Nothing more: with timeout 0 this is the empty mailslot's answer.
		require.NoError(t, SetMailslotInfo(p, h, 0))
		_, err := p.ReadFile(context.Background(), h, buf)
		assert.ErrorIs(t, err, kernel.ERROR_SEM_TIMEOUT, "no message arrived twice")
	})
}

// Many readers of one server handle and many broadcasters: every message is read by
// exactly one reader (one ReadFile takes one message).
func TestConcurrentReadersShareOneQueue(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newDomain(t, [][2]string{{"ALPHA", "CORP"}, {"BETA", "CORP"}}, `\\.\mailslot\x`, "BETA")
		p, h := f.p["BETA"], f.slot["BETA"]
		require.NoError(t, SetMailslotInfo(p, h, MAILSLOT_WAIT_FOREVER))
		const readers, total = 4, 400
		var mu sync.Mutex
		seen := map[uint32]int{}
		var wg sync.WaitGroup
		for range readers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				buf := make([]byte, 4)
				for {
					_, err := p.ReadFile(context.Background(), h, buf)
					if err != nil {
						return
					}
					mu.Lock()
					seen[binary.LittleEndian.Uint32(buf)]++
					mu.Unlock()
				}
			}()
		}
		q := f.p["ALPHA"]
		c := open(t, q, `\\*\mailslot\x`)
		var msg [4]byte
		for i := range total {
			binary.LittleEndian.PutUint32(msg[:], uint32(i))
			_, err := q.WriteFile(context.Background(), c, msg[:])
			require.NoError(t, err)
		}
		synctest.Wait()                      // every reader is blocked again: the queue is empty
		require.NoError(t, p.CloseHandle(h)) // wakes the readers with ERROR_HANDLE_EOF
		delete(f.slot, "BETA")
		wg.Wait()
		for i := range total {
			assert.Equal(t, 1, seen[uint32(i)], "message %d", i)
		}
	})
}
