package kernel_test

import (
	"context"
	"testing"
	"testing/synctest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/winsim/winsim/kernel"
)

// countAPC queues an APC to p that counts its runs in *n.
func countAPC(t *testing.T, p *kernel.Process, n *int) {
	t.Helper()
	require.NoError(t, p.QueueUserAPC(func(uintptr) { *n++ }, 0))
}

// An alertable GetQueuedCompletionStatusEx follows Wine's dlls/ntdll/tests/file.c
// test_set_io_completion (NtRemoveIoCompletionEx, which it calls), step by step: with an
// APC queued, a caller not yet associated with the port runs the APC and gets
// WAIT_IO_COMPLETION (STATUS_USER_APC) even though a packet is queued, and stays
// unassociated; a successful dequeue associates it, after which a queued packet comes
// before a queued APC, which the next alertable wait runs. On an empty port the APC
// always goes first; a non-alertable call leaves it queued and times out.
func TestGetQueuedCompletionStatusExAlertableFollowsAssociation(t *testing.T) {
	p, port := newPort(t)
	ctx := context.Background()
	entries := make([]kernel.OverlappedEntry, 2)
	apcs := 0

	countAPC(t, p, &apcs)
	require.NoError(t, p.PostQueuedCompletionStatus(port, 456, 123, nil))
	n, err := p.GetQueuedCompletionStatusEx(ctx, port, entries, 0, true)
	assert.ErrorIs(t, err, kernel.WAIT_IO_COMPLETION, "the APC takes priority over the queued packet")
	assert.Zero(t, n)
	assert.Equal(t, 1, apcs)

	apcs = 0
	countAPC(t, p, &apcs)
	_, err = p.GetQueuedCompletionStatusEx(ctx, port, entries, 0, true)
	assert.ErrorIs(t, err, kernel.WAIT_IO_COMPLETION, "WAIT_IO_COMPLETION did not associate the caller")
	assert.Equal(t, 1, apcs)

	n, err = p.GetQueuedCompletionStatusEx(ctx, port, entries, 0, true)
	require.NoError(t, err, "no APC queued: the packet")
	assert.Equal(t, 1, n)
	assert.Equal(t, kernel.OverlappedEntry{CompletionKey: 123, NumberOfBytesTransferred: 456}, entries[0])

	apcs = 0
	countAPC(t, p, &apcs)
	require.NoError(t, p.PostQueuedCompletionStatus(port, 456, 123, nil))
	n, err = p.GetQueuedCompletionStatusEx(ctx, port, entries, 0, true)
	require.NoError(t, err, "associated now: the queued packet comes first")
	assert.Equal(t, 1, n)
	assert.Zero(t, apcs)
	res, err := p.SleepEx(ctx, 0, true)
	require.NoError(t, err)
	assert.Equal(t, uint32(kernel.WAIT_IO_COMPLETION), res)
	assert.Equal(t, 1, apcs, "the APC stayed queued for the next alertable wait")

	apcs = 0
	countAPC(t, p, &apcs)
	_, err = p.GetQueuedCompletionStatusEx(ctx, port, entries, 0, false)
	assert.ErrorIs(t, err, kernel.WAIT_TIMEOUT, "not alertable: the APC waits")
	assert.Zero(t, apcs)
	_, err = p.GetQueuedCompletionStatusEx(ctx, port, entries, 0, true)
	assert.ErrorIs(t, err, kernel.WAIT_IO_COMPLETION, "empty port: the APC")
	assert.Equal(t, 1, apcs)

	apcs = 0
	countAPC(t, p, &apcs)
	require.NoError(t, p.PostQueuedCompletionStatus(port, 456, 123, nil))
	n, err = p.GetQueuedCompletionStatusEx(ctx, port, entries, 0, true)
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	assert.Zero(t, apcs)
	_, err = p.SleepEx(ctx, 1, true)
	require.NoError(t, err)
	assert.Equal(t, 1, apcs)
}

// An alertable GetQueuedCompletionStatusEx that waits on an empty port ends when an APC
// is queued: the APC runs and the call returns WAIT_IO_COMPLETION (MS docs
// GetQueuedCompletionStatusEx: with fAlertable and no entries available the function
// performs an alertable wait and returns once the thread has run the APC). Its wait
// leaves the port: a packet posted afterwards is not lost but goes to the next call.
// A non-alertable wait is not ended by an APC.
func TestGetQueuedCompletionStatusExAlertableWaitEndsOnAPC(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p, port := newPort(t)
		ctx := context.Background()
		apcs := 0
		done := make(chan error, 1)
		go func() {
			_, err := p.GetQueuedCompletionStatusEx(ctx, port, make([]kernel.OverlappedEntry, 1), kernel.INFINITE, true)
			done <- err
		}()
		synctest.Wait()
		require.Equal(t, 1, p.PendingRequests(), "the call waits on the port")
		countAPC(t, p, &apcs)
		assert.ErrorIs(t, <-done, kernel.WAIT_IO_COMPLETION)
		assert.Equal(t, 1, apcs)
		assert.Zero(t, p.PendingRequests(), "the wait left the port")

		require.NoError(t, p.PostQueuedCompletionStatus(port, 7, 8, nil))
		st, err := p.GetQueuedCompletionStatus(ctx, port, 0)
		require.NoError(t, err)
		assert.Equal(t, kernel.CompletionStatus{Bytes: 7, Key: 8}, st, "the packet went to the next call")

		apcs = 0
		go func() {
			_, err := p.GetQueuedCompletionStatusEx(ctx, port, make([]kernel.OverlappedEntry, 1), 100, false)
			done <- err
		}()
		synctest.Wait()
		countAPC(t, p, &apcs)
		assert.ErrorIs(t, <-done, kernel.WAIT_TIMEOUT, "not alertable: the APC does not end the wait")
		assert.Zero(t, apcs)
		res, err := p.SleepEx(ctx, 0, true)
		require.NoError(t, err)
		assert.Equal(t, uint32(kernel.WAIT_IO_COMPLETION), res)
		assert.Equal(t, 1, apcs)
	})
}
