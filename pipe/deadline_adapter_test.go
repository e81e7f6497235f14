package pipe_test

// Deadline tests of the net.Conn adapter. They run in testing/synctest bubbles, where
// the machines' real clocks are virtual: elapsed times are exact and nothing sleeps.

import (
	"context"
	"errors"
	"io"
	"net"
	"os"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/winsim/winsim/kernel"
	"github.com/winsim/winsim/pipe"
)

// assertTimeout asserts that err reports a passed deadline the way net.Conn must: a
// *net.OpError for op whose Timeout() is true, matching os.ErrDeadlineExceeded.
func assertTimeout(t *testing.T, err error, op string) {
	t.Helper()
	assertOpErr(t, err, op, os.ErrDeadlineExceeded)
	var ne net.Error
	if assert.ErrorAs(t, err, &ne) {
		assert.True(t, ne.Timeout(), "Timeout() of %v", err)
	}
}

type ioResult struct {
	n   int
	err error
	at  time.Time
}

// TestConnReadDeadlinePassesWhileWaiting: a Read waiting for data fails when its
// deadline passes, exactly then, with a timeout error (net.Conn's contract, as in
// net.pipeDeadline); the conn stays usable.
func TestConnReadDeadlinePassesWhileWaiting(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := newAdEnv(t)
		sc, cc, _ := e.mustConnect(t, &pipe.PipeConfig{InputBufferSize: 64})
		start := time.Now()
		require.NoError(t, sc.SetReadDeadline(start.Add(time.Second)))
		n, err := sc.Read(make([]byte, 8))
		assert.Zero(t, n)
		assertTimeout(t, err, "read")
		assert.Equal(t, time.Second, time.Since(start))

		require.NoError(t, sc.SetReadDeadline(time.Time{}))
		_, err = cc.Write([]byte("late"))
		require.NoError(t, err)
		buf := make([]byte, 8)
		n, err = sc.Read(buf)
		require.NoError(t, err, "a cleared deadline lets Read wait again")
		assert.Equal(t, "late", string(buf[:n]))
	})
}

// TestConnPastDeadlineFailsAtOnceAndConsumesNothing: with a deadline in the past, Read
// and Write fail at once, and the data waiting is still there afterwards (net.Conn: "a
// deadline in the past" times out I/O; Windows cancels without consuming, docs/windows-facts.md#np-overlapped).
func TestConnPastDeadlineFailsAtOnceAndConsumesNothing(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := newAdEnv(t)
		sc, cc, _ := e.mustConnect(t, &pipe.PipeConfig{InputBufferSize: 64})
		_, err := cc.Write([]byte("kept"))
		require.NoError(t, err)
		start := time.Now()
		require.NoError(t, sc.SetDeadline(start.Add(-time.Hour)))
		n, err := sc.Read(make([]byte, 8))
		assert.Zero(t, n)
		assertTimeout(t, err, "read")
		n, err = sc.Write([]byte("x"))
		assert.Zero(t, n)
		assertTimeout(t, err, "write")
		assertTimeout(t, sc.(pipe.PipeConn).Flush(), "flush")
		assert.Equal(t, start, time.Now(), "nothing waited")

		require.NoError(t, sc.SetDeadline(time.Time{}))
		buf := make([]byte, 8)
		n, err = sc.Read(buf)
		require.NoError(t, err)
		assert.Equal(t, "kept", string(buf[:n]))
	})
}

// TestConnDeadlineMovedWhileWaiting: moving the deadline of a Read that is already
// waiting moves its end, later or sooner (net.Conn: SetReadDeadline "sets the deadline
// for future Read calls and any currently-blocked Read call").
func TestConnDeadlineMovedWhileWaiting(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := newAdEnv(t)
		sc, _, _ := e.mustConnect(t, nil)
		start := time.Now()
		require.NoError(t, sc.SetReadDeadline(start.Add(time.Second)))
		done := make(chan ioResult, 1)
		go func() {
			n, err := sc.Read(make([]byte, 8))
			done <- ioResult{n, err, time.Now()}
		}()
		synctest.Wait()
		require.NoError(t, sc.SetReadDeadline(start.Add(5*time.Second)))
		time.Sleep(2 * time.Second)
		synctest.Wait()
		select {
		case r := <-done:
			t.Fatalf("Read ended at the old deadline: %v", r.err)
		default:
		}
		require.NoError(t, sc.SetReadDeadline(start.Add(3*time.Second)))
		r := <-done
		assertTimeout(t, r.err, "read")
		assert.Equal(t, 3*time.Second, r.at.Sub(start))

		// A deadline set to now while a Read waits ends it at once.
		require.NoError(t, sc.SetReadDeadline(time.Time{}))
		go func() {
			n, err := sc.Read(make([]byte, 8))
			done <- ioResult{n, err, time.Now()}
		}()
		synctest.Wait()
		require.NoError(t, sc.SetReadDeadline(time.Now()))
		r = <-done
		assertTimeout(t, r.err, "read")
		assert.Equal(t, 3*time.Second, r.at.Sub(start))
	})
}

// TestConnWriteDeadlineWithdrawsBlockedWrite: a Write blocked on a full pipe fails at
// its deadline, and its bytes are withdrawn: the reader never sees them (windows-facts.md NP-130; dlls/ntdll/tests/pipe.c, a cancelled pending write takes its unread data out).
// The read deadline is untouched by it.
func TestConnWriteDeadlineWithdrawsBlockedWrite(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := newAdEnv(t)
		sc, cc, _ := e.mustConnect(t, &pipe.PipeConfig{InputBufferSize: 4, OutputBufferSize: 4})
		start := time.Now()
		require.NoError(t, cc.SetWriteDeadline(start.Add(time.Second)))
		_, err := cc.Write([]byte("fits"))
		require.NoError(t, err, "4 bytes fit the 4-byte quota")
		n, err := cc.Write([]byte("blocks"))
		assert.Zero(t, n)
		assertTimeout(t, err, "write")
		assert.Equal(t, time.Second, time.Since(start))

		buf := make([]byte, 16)
		n, err = sc.Read(buf)
		require.NoError(t, err)
		assert.Equal(t, "fits", string(buf[:n]), "only what the quota held")
		require.NoError(t, sc.SetReadDeadline(time.Now().Add(time.Second)))
		_, err = sc.Read(buf)
		assertTimeout(t, err, "read")

		_, err = sc.Write([]byte("back"))
		require.NoError(t, err)
		n, err = cc.Read(buf)
		require.NoError(t, err, "the write deadline does not touch Read")
		assert.Equal(t, "back", string(buf[:n]))
	})
}

// TestConnFlushWaitsForReaderWithinWriteDeadline: Flush waits until the other end has
// read everything (FlushFileBuffers, windows-facts.md NP-101; test_blocking_rw), and gives up at
// the write deadline.
func TestConnFlushWaitsForReaderWithinWriteDeadline(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := newAdEnv(t)
		sc, cc, _ := e.mustConnect(t, &pipe.PipeConfig{OutputBufferSize: 64})
		_, err := sc.Write([]byte("unread"))
		require.NoError(t, err)
		start := time.Now()
		require.NoError(t, sc.SetWriteDeadline(start.Add(time.Second)))
		assertTimeout(t, sc.(pipe.PipeConn).Flush(), "flush")
		assert.Equal(t, time.Second, time.Since(start))

		require.NoError(t, sc.SetWriteDeadline(time.Time{}))
		flushed := make(chan error, 1)
		go func() { flushed <- sc.(pipe.PipeConn).Flush() }()
		synctest.Wait()
		select {
		case err := <-flushed:
			t.Fatalf("Flush returned before the reader read: %v", err)
		default:
		}
		buf := make([]byte, 16)
		n, err := cc.Read(buf)
		require.NoError(t, err)
		assert.Equal(t, "unread", string(buf[:n]))
		assert.NoError(t, <-flushed)
	})
}

// TestConnCloseEndsWaitingCallsWithErrClosed: Close ends a Read and a Write in
// progress with net.ErrClosed and returns only once they have ended; the other end then
// reads io.EOF (net.Conn: "any blocked Read or Write operations will be unblocked and
// return errors").
func TestConnCloseEndsWaitingCallsWithErrClosed(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := newAdEnv(t)
		sc, cc, _ := e.mustConnect(t, nil)
		results := make(chan error, 3)
		go func() {
			_, err := cc.Read(make([]byte, 8))
			results <- err
		}()
		go func() {
			_, err := cc.Write([]byte("blocked: the quota is 0"))
			results <- err
		}()
		synctest.Wait()
		require.NoError(t, cc.Close())
		errs := []error{<-results, <-results}
		for _, err := range errs {
			assert.ErrorIs(t, err, net.ErrClosed)
			var oe *net.OpError
			assert.ErrorAs(t, err, &oe)
		}
		_, err := sc.Read(make([]byte, 8))
		assert.Equal(t, io.EOF, err, "the withdrawn write left nothing to read")
	})
}

// TestConnDeadlineFollowsVirtualClock: deadlines read the machine's clock, so a
// simulator's kernel.VirtualClock drives them: the Read ends when the clock is advanced
// past its deadline, not before.
func TestConnDeadlineFollowsVirtualClock(t *testing.T) {
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
		e := &adEnv{srvM: m, cliM: m, srv: p, cli: p}
		sc, cc, l, err := e.connect(nil)
		require.NoError(t, err)
		defer l.Close()
		defer cc.Close()
		defer sc.Close()

		require.NoError(t, sc.SetReadDeadline(vc.Now().Add(time.Minute)))
		done := make(chan error, 1)
		go func() {
			_, err := sc.Read(make([]byte, 8))
			done <- err
		}()
		synctest.Wait()
		vc.Advance(59 * time.Second)
		synctest.Wait()
		select {
		case err := <-done:
			t.Fatalf("Read ended before the virtual deadline: %v", err)
		default:
		}
		vc.Advance(time.Second)
		assertTimeout(t, <-done, "read")
	})
}

// TestDeadlineErrorIsNotAContextError: the timeout a conn reports is
// os.ErrDeadlineExceeded, not the context error the pipe call gave up with, so code
// testing for one or the other is not confused.
func TestDeadlineErrorIsNotAContextError(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := newAdEnv(t)
		sc, _, _ := e.mustConnect(t, nil)
		require.NoError(t, sc.SetReadDeadline(time.Now().Add(time.Millisecond)))
		_, err := sc.Read(make([]byte, 1))
		assertTimeout(t, err, "read")
		assert.False(t, errors.Is(err, context.Canceled))
		assert.False(t, errors.Is(err, context.DeadlineExceeded))
	})
}
