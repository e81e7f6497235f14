package mailslot

import (
	"context"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/winsim/winsim/kernel"
)

// A mailslot server handle takes overlapped reads: on an empty mailslot the read returns
// ERROR_IO_PENDING, a client's write completes it with the whole message through the
// OVERLAPPED and its event; with nothing written it completes with ERROR_SEM_TIMEOUT
// after the read timeout, exactly on the machine's clock (MS docs CreateMailslotW,
// lReadTimeout; Wine dlls/kernel32/tests/mailslot.c test_mailslot: an empty read times
// out with ERROR_SEM_TIMEOUT).
func TestOverlappedMailslotRead(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newMachine(t)
		p := newProc(t, m, "a.exe")
		srv := create(t, p, `\\.\mailslot\ov`, 0, 500)
		cli := open(t, p, `\\.\mailslot\ov`)
		ev, err := p.CreateEvent(nil, true, false, "")
		require.NoError(t, err)
		defer p.CloseHandle(ev)

		buf := make([]byte, 16)
		ov := &kernel.Overlapped{HEvent: ev}
		_, err = p.ReadFileOverlapped(context.Background(), srv, buf, ov)
		require.ErrorIs(t, err, kernel.ERROR_IO_PENDING)
		write(t, p, cli, "hello")
		n, err := p.GetOverlappedResult(context.Background(), srv, ov, true)
		require.NoError(t, err)
		assert.Equal(t, "hello", string(buf[:n]))

		start := time.Now()
		ov2 := &kernel.Overlapped{HEvent: ev}
		_, err = p.ReadFileOverlapped(context.Background(), srv, buf, ov2)
		require.ErrorIs(t, err, kernel.ERROR_IO_PENDING)
		_, err = p.GetOverlappedResult(context.Background(), srv, ov2, true)
		assert.ErrorIs(t, err, kernel.ERROR_SEM_TIMEOUT)
		assert.Equal(t, 500*time.Millisecond, time.Since(start))
		assert.Zero(t, p.PendingRequests())
		// The timeout completed the read on the timer's goroutine, which signals the
		// event first and only then drops the request's references to the event and
		// the file (kernel.Request.Notify). Let it finish before the test ends, or the
		// leak check at cleanup may run in between and see both still referenced.
		synctest.Wait()
	})
}

// A pending mailslot read is ended by CancelIoEx with ERROR_OPERATION_ABORTED, and the
// next message goes to the next read (MS docs CancelIoEx).
func TestCancelledMailslotReadLeavesTheMessageQueued(t *testing.T) {
	m := newMachine(t)
	p := newProc(t, m, "a.exe")
	srv := create(t, p, `\\.\mailslot\cancel`, 0, kernel.INFINITE)
	cli := open(t, p, `\\.\mailslot\cancel`)
	ov := &kernel.Overlapped{}
	_, err := p.ReadFileOverlapped(context.Background(), srv, make([]byte, 8), ov)
	require.ErrorIs(t, err, kernel.ERROR_IO_PENDING)
	require.NoError(t, p.CancelIoEx(srv, ov))
	_, err = p.GetOverlappedResult(context.Background(), srv, ov, false)
	assert.ErrorIs(t, err, kernel.ERROR_OPERATION_ABORTED)
	write(t, p, cli, "next")
	s, err := read(p, srv, 8)
	require.NoError(t, err)
	assert.Equal(t, "next", s)
}
