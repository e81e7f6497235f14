package winio

import (
	"context"
	"errors"
	"io"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/winsim/winsim/kernel"
	"github.com/winsim/winsim/pipe"
)

// With a deadline in the past, Read and Write fail at once with ErrTimeout (go-winio
// file.go, deadlineHandler.set times out at once; Read and Write check timedout first),
// and the data waiting is still there once the deadline is cleared: a cancelled read
// consumes nothing (dlls/kernel32/tests/pipe.c, test_blocking_rw: a read cancelled with
// CancelIoEx moves 0 bytes and the next byte stays queued). ErrTimeout is not a
// context error, so code testing for one is not confused.
func TestPastDeadlineFailsAtOnceAndConsumesNothing(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		bindTest(t)
		c, s, _ := connect(t, caller(), caller(), uniquePipe(), &PipeConfig{InputBufferSize: 64})
		_, err := c.Write([]byte("kept"))
		require.NoError(t, err)
		start := time.Now()
		require.NoError(t, s.SetDeadline(start.Add(-time.Hour)))
		n, err := s.Read(make([]byte, 8))
		assert.Zero(t, n)
		assert.Same(t, ErrTimeout, err)
		assert.False(t, errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded))
		n, err = s.Write([]byte("x"))
		assert.Zero(t, n)
		assert.Same(t, ErrTimeout, err)
		assert.Equal(t, start, time.Now(), "nothing waited")

		require.NoError(t, s.SetDeadline(time.Time{}))
		b := make([]byte, 8)
		n, err = s.Read(b)
		require.NoError(t, err)
		assert.Equal(t, "kept", string(b[:n]))
	})
}

// Moving the deadline of a Read already waiting moves its end, later or sooner, and a
// deadline set to now ends it at once (go-winio file.go, deadlineHandler.set keeps the
// channel the waiting read selects on; net.Conn, SetReadDeadline: "any
// currently-blocked Read call").
func TestDeadlineMovedWhileWaiting(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		bindTest(t)
		_, s, _ := connect(t, caller(), caller(), uniquePipe(), nil)
		start := time.Now()
		require.NoError(t, s.SetReadDeadline(start.Add(time.Second)))
		type result struct {
			err error
			at  time.Time
		}
		done := make(chan result, 1)
		read := func() {
			_, err := s.Read(make([]byte, 8))
			done <- result{err, time.Now()}
		}
		go read()
		synctest.Wait()
		require.NoError(t, s.SetReadDeadline(start.Add(5*time.Second)))
		time.Sleep(2 * time.Second)
		synctest.Wait()
		require.Empty(t, done, "the read did not end at the old deadline")
		require.NoError(t, s.SetReadDeadline(start.Add(3*time.Second)))
		r := <-done
		assert.Same(t, ErrTimeout, r.err)
		assert.Equal(t, 3*time.Second, r.at.Sub(start))

		require.NoError(t, s.SetReadDeadline(time.Time{}))
		go read()
		synctest.Wait()
		require.NoError(t, s.SetReadDeadline(time.Now()))
		r = <-done
		assert.Same(t, ErrTimeout, r.err)
		assert.Equal(t, 3*time.Second, r.at.Sub(start))
	})
}

// A Write blocked on a full quota fails at its write deadline and its bytes are
// withdrawn: the reader never sees them (dlls/kernel32/tests/pipe.c, test_blocking_rw:
// cancelling a pending write takes its unread bytes out of the pipe). The read deadline
// is separate: the other direction keeps working (go-winio file.go, readDeadline and
// writeDeadline).
func TestWriteDeadlineWithdrawsBlockedWrite(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		bindTest(t)
		c, s, _ := connect(t, caller(), caller(), uniquePipe(), &PipeConfig{InputBufferSize: 4, OutputBufferSize: 4})
		start := time.Now()
		require.NoError(t, c.SetWriteDeadline(start.Add(time.Second)))
		_, err := c.Write([]byte("fits"))
		require.NoError(t, err, "4 bytes fit the 4-byte quota")
		n, err := c.Write([]byte("blocks"))
		assert.Zero(t, n)
		assert.Same(t, ErrTimeout, err)
		assert.Equal(t, time.Second, time.Since(start))

		b := make([]byte, 16)
		n, err = s.Read(b)
		require.NoError(t, err)
		assert.Equal(t, "fits", string(b[:n]), "only what the quota held")
		require.NoError(t, s.SetReadDeadline(time.Now().Add(time.Second)))
		_, err = s.Read(b)
		assert.Same(t, ErrTimeout, err, "nothing of the withdrawn write is left")

		_, err = s.Write([]byte("back"))
		require.NoError(t, err)
		n, err = c.Read(b)
		require.NoError(t, err, "the write deadline does not touch Read")
		assert.Equal(t, "back", string(b[:n]))
	})
}

// Flush is FlushFileBuffers with no deadline (go-winio file.go, Flush): a passed write
// deadline does not end it; it returns when the other end has read everything
// (dlls/kernel32/tests/pipe.c, test_blocking_rw: FlushFileBuffers blocks until the
// peer has read all the data written, even on an overlapped handle).
func TestFlushIgnoresWriteDeadline(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		bindTest(t)
		c, s, _ := connect(t, caller(), caller(), uniquePipe(), &PipeConfig{OutputBufferSize: 64})
		_, err := s.Write([]byte("unread"))
		require.NoError(t, err)
		require.NoError(t, s.SetWriteDeadline(time.Now().Add(-time.Second)))
		flushed := make(chan error, 1)
		go func() { flushed <- s.(PipeConn).Flush() }()
		time.Sleep(time.Hour)
		synctest.Wait()
		require.Empty(t, flushed, "Flush waits for the reader, deadline or not")
		b := make([]byte, 16)
		n, err := c.Read(b)
		require.NoError(t, err)
		assert.Equal(t, "unread", string(b[:n]))
		assert.NoError(t, <-flushed)
	})
}

// Close ends a Write waiting on a zero quota with ErrFileClosed (go-winio file.go,
// closeHandle cancels with CancelIoEx, asyncIO reports ErrFileClosed), and the withdrawn
// write leaves the other end nothing to read before io.EOF.
func TestCloseEndsBlockedWrite(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		bindTest(t)
		c, s, _ := connect(t, caller(), caller(), uniquePipe(), nil)
		done := make(chan error, 1)
		go func() {
			_, err := c.Write([]byte("blocked: the quota is 0"))
			done <- err
		}()
		synctest.Wait()
		require.NoError(t, c.Close())
		assert.Same(t, ErrFileClosed, <-done)
		_, err := s.Read(make([]byte, 8))
		assert.Equal(t, io.EOF, err)
	})
}

// Deadlines read the machine's clock, so a simulator's kernel.VirtualClock drives them:
// a Read ends when the clock is advanced to its deadline, not before, whatever the real
// time (winio deadline.go; the kernel's VirtualClock).
func TestDeadlineFollowsVirtualClock(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		vc := kernel.NewVirtualClock(time.Date(2001, 10, 25, 0, 0, 0, 0, time.UTC))
		n := kernel.NewNetwork()
		defer n.Close()
		m, err := n.AddMachine("VIRTUAL", "WORKGROUP", kernel.WithClock(vc))
		require.NoError(t, err)
		require.NoError(t, pipe.Install(m))
		p, err := m.NewProcess("a.exe", nil)
		require.NoError(t, err)
		defer p.Terminate(0)
		_, s, _ := connect(t, On(p), On(p), uniquePipe(), nil)

		require.NoError(t, s.SetReadDeadline(vc.Now().Add(time.Minute)))
		done := make(chan error, 1)
		go func() {
			_, err := s.Read(make([]byte, 8))
			done <- err
		}()
		synctest.Wait()
		vc.Advance(59 * time.Second)
		time.Sleep(time.Hour)
		synctest.Wait()
		require.Empty(t, done, "the read did not end before the virtual deadline")
		vc.Advance(time.Second)
		assert.Same(t, ErrTimeout, <-done)
	})
}
