package mailslot

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/winsim/winsim/kernel"
)

// The Go layer: Listen and Dial, one Write is one message, ReadMessage returns whole
// messages oldest first (zero-length ones included), Info mirrors GetMailslotInfo.
func TestServerAndClientRoundTrip(t *testing.T) {
	m := newMachine(t)
	srv, err := Listen(newProc(t, m, "server.exe"), `\\.\mailslot\go`, &Config{MaxMessageSize: 16})
	require.NoError(t, err)
	defer srv.Close()
	assert.Equal(t, `\\.\mailslot\go`, srv.Name())
	cl, err := Dial(newProc(t, m, "client.exe"), `\\.\mailslot\go`)
	require.NoError(t, err)
	defer cl.Close()
	assert.Equal(t, `\\.\mailslot\go`, cl.Name())
	for _, s := range []string{"one", "", "three"} {
		n, err := cl.Write([]byte(s))
		require.NoError(t, err)
		assert.Equal(t, len(s), n)
	}
	in, err := srv.Info()
	require.NoError(t, err)
	assert.Equal(t, Info{MaxMessageSize: 16, NextSize: 3, MessageCount: 3, ReadTimeout: MAILSLOT_WAIT_FOREVER}, in)
	for _, want := range []string{"one", "", "three"} {
		got, err := srv.ReadMessage(context.Background())
		require.NoError(t, err)
		assert.Equal(t, want, string(got))
	}
	_, err = cl.Write(make([]byte, 17))
	assert.ErrorIs(t, err, kernel.ERROR_INVALID_PARAMETER)
	var pe *os.PathError
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "write", pe.Op)
	assert.NotZero(t, srv.Handle())
	assert.NotZero(t, cl.Handle())
}

// Errors work with errors.Is and os helpers: a missing mailslot is fs.ErrNotExist, a
// duplicate name fs.ErrExist, a read timeout ERROR_SEM_TIMEOUT with os.IsTimeout, a
// cancelled context ERROR_OPERATION_ABORTED and context.Canceled.
func TestGoLayerErrors(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newMachine(t)
		p := newProc(t, m, "server.exe")
		_, err := Dial(p, `\\.\mailslot\missing`)
		assert.ErrorIs(t, err, fs.ErrNotExist)
		assert.ErrorIs(t, err, kernel.ERROR_FILE_NOT_FOUND)

		srv, err := Listen(p, `\\.\mailslot\t`, &Config{ReadTimeout: 250 * time.Millisecond})
		require.NoError(t, err)
		defer srv.Close()
		_, err = Listen(p, `\\.\mailslot\T`, nil)
		assert.ErrorIs(t, err, fs.ErrExist)
		_, err = Listen(p, "bad", nil)
		assert.ErrorIs(t, err, kernel.ERROR_INVALID_NAME)

		start := time.Now()
		_, err = srv.ReadMessage(context.Background())
		assert.ErrorIs(t, err, kernel.ERROR_SEM_TIMEOUT)
		assert.True(t, os.IsTimeout(err))
		assert.Equal(t, 250*time.Millisecond, time.Since(start))

		require.NoError(t, srv.SetReadTimeout(MAILSLOT_WAIT_FOREVER))
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		_, err = srv.ReadMessage(ctx)
		assert.ErrorIs(t, err, kernel.ERROR_OPERATION_ABORTED)
		assert.ErrorIs(t, err, context.DeadlineExceeded)

		nowait, err := Listen(p, `\\.\mailslot\nowait`, &Config{ReadTimeout: -1})
		require.NoError(t, err)
		defer nowait.Close()
		in, err := nowait.Info()
		require.NoError(t, err)
		assert.Equal(t, uint32(0), in.ReadTimeout)
		huge, err := Listen(p, `\\.\mailslot\huge`, &Config{ReadTimeout: 2000 * time.Hour})
		require.NoError(t, err)
		defer huge.Close()
		in, err = huge.Info()
		require.NoError(t, err)
		assert.Equal(t, MAILSLOT_WAIT_FOREVER-1, in.ReadTimeout, "a long timeout is capped below MAILSLOT_WAIT_FOREVER")
	})
}

// A positive Config.ReadTimeout waits: one shorter than a millisecond, or with a
// fraction of one, is rounded up to whole milliseconds, never down to 0, which in the
// CreateMailslot docs (lReadTimeout) means "return immediately if no message is
// present" (windows-facts.md MS-9, MS-10).
func TestListenRoundsPartialMillisecondsUp(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newMachine(t)
		p := newProc(t, m, "server.exe")
		short, err := Listen(p, `\\.\mailslot\short`, &Config{ReadTimeout: 500 * time.Microsecond})
		require.NoError(t, err)
		defer short.Close()
		in, err := short.Info()
		require.NoError(t, err)
		assert.Equal(t, uint32(1), in.ReadTimeout)
		start := time.Now()
		_, err = short.ReadMessage(context.Background())
		assert.ErrorIs(t, err, kernel.ERROR_SEM_TIMEOUT)
		assert.Equal(t, time.Millisecond, time.Since(start), "the read waited")

		frac, err := Listen(p, `\\.\mailslot\frac`, &Config{ReadTimeout: 1500 * time.Microsecond})
		require.NoError(t, err)
		defer frac.Close()
		in, err = frac.Info()
		require.NoError(t, err)
		assert.Equal(t, uint32(2), in.ReadTimeout)
	})
}

// Close is idempotent and reports fs.ErrClosed the second time; every later call does
// too. Closing the server wakes a ReadMessage in progress (ERROR_HANDLE_EOF), and the
// client then gets ERROR_HANDLE_EOF from Write.
func TestGoLayerClose(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newMachine(t)
		srv, err := Listen(newProc(t, m, "server.exe"), `\\.\mailslot\c`, nil)
		require.NoError(t, err)
		cl, err := Dial(newProc(t, m, "client.exe"), `\\.\mailslot\c`)
		require.NoError(t, err)
		done := make(chan error, 1)
		go func() {
			_, err := srv.ReadMessage(context.Background())
			done <- err
		}()
		synctest.Wait()
		require.NoError(t, srv.Close())
		assert.ErrorIs(t, <-done, kernel.ERROR_HANDLE_EOF)

		for _, err := range []error{
			srv.Close(),
			func() error { _, err := srv.ReadMessage(context.Background()); return err }(),
			func() error { _, err := srv.Info(); return err }(),
			srv.SetReadTimeout(0),
		} {
			assert.ErrorIs(t, err, fs.ErrClosed)
		}
		_, err = cl.Write([]byte("gone"))
		assert.ErrorIs(t, err, kernel.ERROR_HANDLE_EOF)
		require.NoError(t, cl.Close())
		assert.ErrorIs(t, cl.Close(), fs.ErrClosed)
		_, err = cl.Write([]byte("x"))
		assert.ErrorIs(t, err, fs.ErrClosed)
	})
}

// A Server whose handle was closed under it (by its process's exit) reports the
// kernel's errors.
func TestGoLayerAfterProcessExit(t *testing.T) {
	m := newMachine(t)
	p := newProc(t, m, "server.exe")
	srv, err := Listen(p, `\\.\mailslot\exit`, nil)
	require.NoError(t, err)
	q := newProc(t, m, "client.exe")
	cl, err := Dial(q, `\\.\mailslot\exit`)
	require.NoError(t, err)
	p.Terminate(0)
	_, err = srv.ReadMessage(context.Background())
	assert.ErrorIs(t, err, kernel.ERROR_INVALID_HANDLE)
	_, err = srv.Info()
	assert.ErrorIs(t, err, kernel.ERROR_INVALID_HANDLE)
	assert.ErrorIs(t, srv.SetReadTimeout(1), kernel.ERROR_INVALID_HANDLE)
	assert.ErrorIs(t, srv.Close(), kernel.ERROR_INVALID_HANDLE)
	q.Terminate(0)
	assert.ErrorIs(t, cl.Close(), kernel.ERROR_INVALID_HANDLE)
	assert.True(t, errors.Is(cl.Close(), fs.ErrClosed))
}

// A Client can broadcast: one Write, one copy per server of the domain.
func TestGoLayerBroadcast(t *testing.T) {
	f := newDomain(t, [][2]string{{"ALPHA", "CORP"}, {"BETA", "CORP"}}, `\\.\mailslot\x`, "ALPHA", "BETA")
	cl, err := Dial(f.p["ALPHA"], `\\*\mailslot\x`)
	require.NoError(t, err)
	defer cl.Close()
	_, err = cl.Write([]byte("all"))
	require.NoError(t, err)
	assert.Equal(t, map[string][]string{"ALPHA": {"all"}, "BETA": {"all"}}, f.received(t))
}
