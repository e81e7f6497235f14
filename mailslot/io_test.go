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

// kernel32/tests/mailslot.c mailslot_test: ReadFile(INVALID_HANDLE_VALUE, ...) fails with
// ERROR_INVALID_HANDLE and writes 0 to the byte count (windows-facts.md MS-8); GetMailslotInfo of
// it fails (windows-facts.md MS-1), as it does for a handle that is not a file.
func TestInvalidHandleFailsInvalidHandle(t *testing.T) {
	p := newProc(t, newMachine(t), "server.exe")
	n, err := p.ReadFile(context.Background(), kernel.Handle(0xFFFFFFFF), make([]byte, 1))
	assert.ErrorIs(t, err, kernel.ERROR_INVALID_HANDLE)
	assert.Zero(t, n)
	_, err = GetMailslotInfo(p, kernel.CurrentProcess) // INVALID_HANDLE_VALUE
	assert.ErrorIs(t, err, kernel.ERROR_INVALID_HANDLE)
	ev, err := p.CreateEvent(nil, true, false, "")
	require.NoError(t, err)
	_, err = GetMailslotInfo(p, ev)
	assert.ErrorIs(t, err, kernel.ERROR_INVALID_HANDLE)
	assert.ErrorIs(t, SetMailslotInfo(p, ev, 0), kernel.ERROR_INVALID_HANDLE)
	assert.ErrorIs(t, SetMailslotInfo(p, kernel.Handle(0x1234), 0), kernel.ERROR_INVALID_HANDLE)
}

// A file of another file system is no mailslot: its query for mailslot information
// fails with STATUS_INVALID_PARAMETER, as NT file systems answer classes they do not know.
func TestGetMailslotInfoOnAnotherFileFailsInvalidParameter(t *testing.T) {
	m := newMachine(t)
	require.NoError(t, m.RegisterDevice("NamedPipe", otherDevice{}))
	p := newProc(t, m, "server.exe")
	h, err := p.CreateFile(`\\.\pipe\x`, kernel.GENERIC_READ, 0, nil, kernel.OPEN_EXISTING, 0)
	require.NoError(t, err)
	_, err = GetMailslotInfo(p, h)
	assert.ErrorIs(t, err, kernel.ERROR_INVALID_PARAMETER)
	assert.ErrorIs(t, SetMailslotInfo(p, h, 0), kernel.ERROR_INVALID_PARAMETER)
}

// kernel32/tests/mailslot.c mailslot_test: with read timeout 0, ReadFile on an empty
// mailslot fails at once with ERROR_SEM_TIMEOUT and 0 bytes, with a zero-size buffer
// (windows-facts.md MS-9) and with a 16-byte one (MS-10).
func TestReadFileEmptyTimeoutZeroFailsSemTimeoutAtOnce(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := newProc(t, newMachine(t), "server.exe")
		h := create(t, p, testName, 0, 0)
		start := time.Now()
		for _, size := range []int{0, 16} {
			n, err := p.ReadFile(context.Background(), h, make([]byte, size))
			assert.ErrorIs(t, err, kernel.ERROR_SEM_TIMEOUT)
			assert.Zero(t, n)
		}
		assert.Zero(t, time.Since(start), "no wait at all")
	})
}

// kernel32/tests/mailslot.c mailslot_test: WriteFile on the server handle fails with
// ERROR_ACCESS_DENIED, before and after a client opens (windows-facts.md MS-11, MS-15).
func TestWriteFileOnServerFailsAccessDenied(t *testing.T) {
	m := newMachine(t)
	p := newProc(t, m, "server.exe")
	q := newProc(t, m, "client.exe")
	h := create(t, p, testName, 0, 0)
	_, err := p.WriteFile(context.Background(), h, []byte("x"))
	assert.ErrorIs(t, err, kernel.ERROR_ACCESS_DENIED)
	open(t, q, testName)
	_, err = p.WriteFile(context.Background(), h, []byte("x"))
	assert.ErrorIs(t, err, kernel.ERROR_ACCESS_DENIED)
	_, err = read(p, h, 8)
	assert.ErrorIs(t, err, kernel.ERROR_SEM_TIMEOUT)
}

// kernel32/tests/mailslot.c mailslot_test: NtWriteFile on a server created with
// GENERIC_WRITE fails with STATUS_INVALID_PARAMETER (windows-facts.md MS-12).
// Win32 cannot make such a handle, so the body is asked directly.
func TestServerWriteWithWriteAccessFailsInvalidParameter(t *testing.T) {
	p := newProc(t, newMachine(t), "server.exe")
	h := create(t, p, testName, 0, 0)
	o := objectOf(t, p, h)
	w := o.Body().(kernel.Writer)
	_, err := w.Write(kernel.Call{Ctx: context.Background(), Process: p, Object: o, Handle: h, Granted: kernel.FILE_ALL_ACCESS}, []byte("x"))
	assert.ErrorIs(t, err, kernel.ERROR_INVALID_PARAMETER)
	assert.Equal(t, uint32(0), info(t, p, h).MessageCount)
}

// kernel32/tests/mailslot.c mailslot_test: ReadFile on a client opened with
// GENERIC_READ|GENERIC_WRITE fails with ERROR_INVALID_PARAMETER, before and after a
// message is queued (windows-facts.md MS-16). A client without read access is refused earlier by
// the access check (NtReadFile needs FILE_READ_DATA): ERROR_ACCESS_DENIED.
func TestReadFileOnClientFails(t *testing.T) {
	m := newMachine(t)
	p := newProc(t, m, "server.exe")
	q := newProc(t, m, "client.exe")
	h := create(t, p, testName, 0, 0)
	rw, err := q.CreateFile(testName, kernel.GENERIC_READ|kernel.GENERIC_WRITE, kernel.FILE_SHARE_READ, nil, kernel.OPEN_EXISTING, 0)
	require.NoError(t, err)
	_, err = read(q, rw, 8)
	assert.ErrorIs(t, err, kernel.ERROR_INVALID_PARAMETER)
	write(t, q, rw, "12345678")
	_, err = read(q, rw, 8)
	assert.ErrorIs(t, err, kernel.ERROR_INVALID_PARAMETER)
	wo := open(t, q, testName)
	_, err = read(q, wo, 8)
	assert.ErrorIs(t, err, kernel.ERROR_ACCESS_DENIED)
	got, err := read(p, h, 16)
	require.NoError(t, err)
	assert.Equal(t, "12345678", got)
}

// kernel32/tests/mailslot.c mailslot_test: a client write of 8 bytes succeeds; the
// server's read of 16 returns 8, and a second read fails with ERROR_SEM_TIMEOUT (windows-facts.md MS-17, MS-18): one write is one message, one read takes one message.
func TestOneWriteIsOneMessage(t *testing.T) {
	m := newMachine(t)
	p := newProc(t, m, "server.exe")
	q := newProc(t, m, "client.exe")
	h := create(t, p, testName, 0, 0)
	c := open(t, q, testName)
	n, err := q.WriteFile(context.Background(), c, make([]byte, 8))
	require.NoError(t, err)
	assert.Equal(t, 8, n)
	n, err = p.ReadFile(context.Background(), h, make([]byte, 16))
	assert.NoError(t, err)
	assert.Equal(t, 8, n)
	_, err = p.ReadFile(context.Background(), h, make([]byte, 16))
	assert.ErrorIs(t, err, kernel.ERROR_SEM_TIMEOUT)
}

// kernel32/tests/mailslot.c mailslot_test, step by step (windows-facts.md MS-23 to MS-26): messages from
// two clients share one FIFO; GetMailslotInfo follows the head; a zero-length write is a
// message whose NextSize is 0 (not MAILSLOT_NO_MESSAGE) and whose read succeeds with 0
// bytes; then the mailslot is empty again.
func TestMessagesFromTwoClientsShareOneFIFO(t *testing.T) {
	m := newMachine(t)
	p := newProc(t, m, "server.exe")
	q := newProc(t, m, "client.exe")
	h := create(t, p, testName, 0, 0)
	w1, err := q.CreateFile(testName, kernel.GENERIC_WRITE, kernel.FILE_SHARE_READ|kernel.FILE_SHARE_WRITE, nil, kernel.OPEN_EXISTING, 0)
	require.NoError(t, err)
	w2, err := q.CreateFile(testName, kernel.GENERIC_WRITE, kernel.FILE_SHARE_READ|kernel.FILE_SHARE_WRITE, nil, kernel.OPEN_EXISTING, 0)
	require.NoError(t, err)
	assert.Equal(t, Info{0, MAILSLOT_NO_MESSAGE, 0, 0}, info(t, p, h))

	write(t, q, w1, "a")
	in := info(t, p, h)
	assert.Equal(t, uint32(1), in.NextSize)
	assert.Equal(t, uint32(1), in.MessageCount)

	write(t, q, w2, "bc")
	in = info(t, p, h)
	assert.Equal(t, uint32(1), in.NextSize)
	assert.Equal(t, uint32(2), in.MessageCount)

	n, err := q.WriteFile(context.Background(), w2, nil)
	assert.NoError(t, err, "a zero-length write succeeds")
	assert.Zero(t, n)
	in = info(t, p, h)
	assert.Equal(t, uint32(1), in.NextSize)
	assert.Equal(t, uint32(3), in.MessageCount)

	got, err := read(p, h, 16)
	assert.NoError(t, err)
	assert.Equal(t, "a", got)
	in = info(t, p, h)
	assert.Equal(t, uint32(2), in.NextSize)
	assert.Equal(t, uint32(2), in.MessageCount)

	got, err = read(p, h, 16)
	assert.NoError(t, err)
	assert.Equal(t, "bc", got)
	in = info(t, p, h)
	assert.Equal(t, uint32(0), in.NextSize, "a zero-length message is at the head")
	assert.Equal(t, uint32(1), in.MessageCount)

	got, err = read(p, h, 16)
	assert.NoError(t, err, "reading a zero-length message succeeds")
	assert.Equal(t, "", got)
	assert.Equal(t, Info{0, MAILSLOT_NO_MESSAGE, 0, 0}, info(t, p, h))
	_, err = read(p, h, 16)
	assert.ErrorIs(t, err, kernel.ERROR_SEM_TIMEOUT)
}

// kernel32/tests/mailslot.c mailslot_test, partial read (windows-facts.md MS-27): a 2-byte message
// read with a 1-byte buffer fails with STATUS_BUFFER_TOO_SMALL, ERROR_INSUFFICIENT_BUFFER,
// and nothing is consumed: NextSize 2, one message. A zero-size buffer fails the same
// way; a big enough one then gets the whole message.
func TestReadBufferTooSmallLeavesMessageQueued(t *testing.T) {
	m := newMachine(t)
	p := newProc(t, m, "server.exe")
	q := newProc(t, m, "client.exe")
	h := create(t, p, testName, 0, 0)
	c := open(t, q, testName)
	write(t, q, c, "hi")
	for _, size := range []int{1, 0} {
		n, err := p.ReadFile(context.Background(), h, make([]byte, size))
		assert.ErrorIs(t, err, kernel.ERROR_INSUFFICIENT_BUFFER)
		assert.Zero(t, n)
		assert.Equal(t, Info{0, 2, 1, 0}, info(t, p, h))
	}
	got, err := read(p, h, 2)
	assert.NoError(t, err)
	assert.Equal(t, "hi", got)
	// A zero-length message fits a zero-size buffer.
	write(t, q, c, "")
	n, err := p.ReadFile(context.Background(), h, nil)
	assert.NoError(t, err)
	assert.Zero(t, n)
}

// CreateMailslot docs: nMaxMessageSize is the largest message that can be written, 0
// meaning any size. A longer write fails and queues nothing. The code,
// ERROR_INVALID_PARAMETER, is unverified (docs/deviations.md; mailslot.write says why).
func TestWriteOverMaxMessageSizeFailsInvalidParameter(t *testing.T) {
	m := newMachine(t)
	p := newProc(t, m, "server.exe")
	q := newProc(t, m, "client.exe")
	h := create(t, p, testName, 4, 0)
	c := open(t, q, testName)
	n, err := q.WriteFile(context.Background(), c, []byte("12345"))
	assert.ErrorIs(t, err, kernel.ERROR_INVALID_PARAMETER)
	assert.Zero(t, n)
	assert.Equal(t, uint32(0), info(t, p, h).MessageCount, "nothing was queued")
	write(t, q, c, "1234")
	assert.Equal(t, Info{4, 4, 1, 0}, info(t, p, h))

	any := create(t, p, `\\.\mailslot\any`, 0, 0)
	c2 := open(t, q, `\\.\mailslot\any`)
	write(t, q, c2, string(make([]byte, 1<<20)))
	assert.Equal(t, uint32(1<<20), info(t, p, any).NextSize)
}

// kernel32/tests/mailslot.c mailslot_test: with read timeout 1000 an empty read fails with
// ERROR_SEM_TIMEOUT after at least ~900 ms (windows-facts.md MS-29). On the machine clock (virtual
// in this bubble) it is exactly 1000 ms.
func TestReadFileTimesOutAfterReadTimeout(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := newProc(t, newMachine(t), "server.exe")
		h := create(t, p, testName, 0, 1000)
		start := time.Now()
		_, err := read(p, h, 16)
		assert.ErrorIs(t, err, kernel.ERROR_SEM_TIMEOUT)
		assert.Equal(t, time.Second, time.Since(start))
		var te interface{ Timeout() bool }
		require.ErrorAs(t, err, &te)
		assert.True(t, te.Timeout())
	})
}

// CreateMailslot docs: MAILSLOT_WAIT_FOREVER waits until a message arrives; a read that
// waits is completed by the next write (kernel32/tests/mailslot.c: a pending read
// completes with the size of the message written).
func TestReadFileWaitsForeverUntilWrite(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newMachine(t)
		p := newProc(t, m, "server.exe")
		q := newProc(t, m, "client.exe")
		h := create(t, p, testName, 0, MAILSLOT_WAIT_FOREVER)
		c := open(t, q, testName)
		type result struct {
			s   string
			err error
		}
		done := make(chan result, 1)
		go func() {
			s, err := read(p, h, 16)
			done <- result{s, err}
		}()
		time.Sleep(time.Hour) // virtual: the reader is still waiting after an hour
		synctest.Wait()
		select {
		case r := <-done:
			t.Fatalf("read returned early: %+v", r)
		default:
		}
		write(t, q, c, "data")
		r := <-done
		assert.NoError(t, r.err)
		assert.Equal(t, "data", r.s)
	})
}

// A read waiting with a timeout returns as soon as a message arrives, before the timeout
// (kernel32/tests/mailslot.c: a pending read completes when a client writes).
func TestReadFileCompletesOnWriteBeforeTimeout(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newMachine(t)
		p := newProc(t, m, "server.exe")
		q := newProc(t, m, "client.exe")
		h := create(t, p, testName, 0, 1000)
		c := open(t, q, testName)
		start := time.Now()
		go func() {
			time.Sleep(300 * time.Millisecond)
			write(t, q, c, "soon")
		}()
		got, err := read(p, h, 16)
		assert.NoError(t, err)
		assert.Equal(t, "soon", got)
		assert.Equal(t, 300*time.Millisecond, time.Since(start))
	})
}

// A waiting read whose buffer turns out too small for the message that arrives fails with
// ERROR_INSUFFICIENT_BUFFER and leaves the message queued, as a read that finds it
// queued does (kernel32/tests/mailslot.c; windows-facts.md MS-27). Wine server/mailslot.c completes
// a pending read that way when a message arrives (an implementation).
func TestWaitingReadTooSmallForArrivingMessage(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newMachine(t)
		p := newProc(t, m, "server.exe")
		q := newProc(t, m, "client.exe")
		h := create(t, p, testName, 0, MAILSLOT_WAIT_FOREVER)
		c := open(t, q, testName)
		done := make(chan error, 1)
		go func() {
			_, err := read(p, h, 2)
			done <- err
		}()
		synctest.Wait()
		write(t, q, c, "too long")
		assert.ErrorIs(t, <-done, kernel.ERROR_INSUFFICIENT_BUFFER)
		assert.Equal(t, uint32(8), info(t, p, h).NextSize)
	})
}

// SetMailslotInfo docs: it sets the read timeout; GetMailslotInfo reports it and later
// reads use it (0: at once; 500: half a second).
func TestSetMailslotInfoChangesReadTimeout(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := newProc(t, newMachine(t), "server.exe")
		h := create(t, p, testName, 0, MAILSLOT_WAIT_FOREVER)
		require.NoError(t, SetMailslotInfo(p, h, 0))
		assert.Equal(t, uint32(0), info(t, p, h).ReadTimeout)
		start := time.Now()
		_, err := read(p, h, 4)
		assert.ErrorIs(t, err, kernel.ERROR_SEM_TIMEOUT)
		assert.Zero(t, time.Since(start))
		require.NoError(t, SetMailslotInfo(p, h, 500))
		assert.Equal(t, uint32(500), info(t, p, h).ReadTimeout)
		_, err = read(p, h, 4)
		assert.ErrorIs(t, err, kernel.ERROR_SEM_TIMEOUT)
		assert.Equal(t, 500*time.Millisecond, time.Since(start))
		require.NoError(t, SetMailslotInfo(p, h, MAILSLOT_WAIT_FOREVER))
		assert.Equal(t, MAILSLOT_WAIT_FOREVER, info(t, p, h).ReadTimeout)
	})
}

// SetMailslotInfo docs: the handle must be one CreateMailslot created. A client handle
// is refused and the timeout is unchanged. The code, ERROR_INVALID_PARAMETER, is
// unverified: it is what Windows before 8 gave for the matching query on a client
// (windows-facts.md MS-28); Wine and ReactOS answer differently (info.go, docs/deviations.md).
func TestSetMailslotInfoOnClientFailsInvalidParameter(t *testing.T) {
	m := newMachine(t)
	p := newProc(t, m, "server.exe")
	q := newProc(t, m, "client.exe")
	h := create(t, p, testName, 0, 7)
	c := open(t, q, testName)
	assert.ErrorIs(t, SetMailslotInfo(q, c, 0), kernel.ERROR_INVALID_PARAMETER)
	assert.Equal(t, uint32(7), info(t, p, h).ReadTimeout)
}

// kernel32/tests/mailslot.c mailslot_test: the mailslot query on a client handle succeeds
// on Windows 8 and later with the server's values (windows-facts.md MS-28). It needs no access:
// the client here was opened for writing only.
func TestGetMailslotInfoOnClientReportsServerValues(t *testing.T) {
	m := newMachine(t)
	p := newProc(t, m, "server.exe")
	q := newProc(t, m, "client.exe")
	h := create(t, p, testName, 0, 0)
	c, err := q.CreateFile(testName, kernel.GENERIC_WRITE, kernel.FILE_SHARE_READ|kernel.FILE_SHARE_WRITE, nil, kernel.OPEN_EXISTING, 0)
	require.NoError(t, err)
	write(t, q, c, "ab")
	assert.Equal(t, Info{0, 2, 1, 0}, info(t, q, c))
	assert.Equal(t, info(t, p, h), info(t, q, c))
	none, err := q.CreateFile(testName, 0, 0, nil, kernel.OPEN_EXISTING, 0)
	require.NoError(t, err)
	assert.Equal(t, info(t, p, h), info(t, q, none))
}

// A blocked read honours its context: cancelling it gives an error matching
// ERROR_OPERATION_ABORTED and context.Canceled (kernel Block; Windows: CancelIoEx gives
// ERROR_OPERATION_ABORTED), and the message that arrives later stays queued.
func TestReadFileContextCancelAborts(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newMachine(t)
		p := newProc(t, m, "server.exe")
		q := newProc(t, m, "client.exe")
		h := create(t, p, testName, 0, MAILSLOT_WAIT_FOREVER)
		c := open(t, q, testName)
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() {
			_, err := p.ReadFile(ctx, h, make([]byte, 8))
			done <- err
		}()
		synctest.Wait()
		cancel()
		err := <-done
		assert.ErrorIs(t, err, kernel.ERROR_OPERATION_ABORTED)
		assert.ErrorIs(t, err, context.Canceled)
		write(t, q, c, "later")
		assert.Equal(t, uint32(1), info(t, p, h).MessageCount)
	})
}

// Reading from a Mailslot: when the last server handle closes, unread messages are
// deleted and the mailslot is deleted from memory, so reads waiting on it end. That they
// end with ERROR_HANDLE_EOF is unverified (mailslot.close says why; docs/deviations.md).
func TestCloseLastServerHandleWakesReadersWithHandleEOF(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newMachine(t)
		p := newProc(t, m, "server.exe")
		h := create(t, p, testName, 0, MAILSLOT_WAIT_FOREVER)
		done := make(chan error, 2)
		for range 2 {
			go func() {
				_, err := read(p, h, 8)
				done <- err
			}()
		}
		synctest.Wait()
		require.NoError(t, p.CloseHandle(h))
		assert.ErrorIs(t, <-done, kernel.ERROR_HANDLE_EOF)
		assert.ErrorIs(t, <-done, kernel.ERROR_HANDLE_EOF)
	})
}

// A read blocked in a process that exits gives up with ERROR_OPERATION_ABORTED (kernel
// Block: the caller's exit cancels its I/O, as thread termination cancels IRPs).
func TestReadFileAbortsWhenReaderProcessExits(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newMachine(t)
		p := newProc(t, m, "server.exe")
		h := create(t, p, testName, 0, MAILSLOT_WAIT_FOREVER)
		done := make(chan error, 1)
		go func() {
			_, err := read(p, h, 8)
			done <- err
		}()
		synctest.Wait()
		p.Terminate(1)
		assert.ErrorIs(t, <-done, kernel.ERROR_OPERATION_ABORTED)
	})
}

// The question windows-facts.md MS-33 leaves open. Reading from a Mailslot: when the last server
// handle closes, all client handles to the mailslot are closed and the mailslot is
// deleted, so an old client is dead: its writes fail, also once a new server of the
// same name exists, whose queue they never reach, and its GetMailslotInfo and
// SetMailslotInfo fail the same way. A client opened after the new server reaches it.
// The code, ERROR_HANDLE_EOF, is unverified, and Wine and ReactOS keep old clients'
// writes succeeding instead (docs/deviations.md).
func TestClientOfClosedServerFailsAfterNameIsReused(t *testing.T) {
	m := newMachine(t)
	p := newProc(t, m, "server.exe")
	q := newProc(t, m, "client.exe")
	h := create(t, p, testName, 0, 0)
	old := open(t, q, testName)
	write(t, q, old, "before")
	require.NoError(t, p.CloseHandle(h))

	_, err := q.WriteFile(context.Background(), old, []byte("after"))
	assert.ErrorIs(t, err, kernel.ERROR_HANDLE_EOF)
	_, err = q.WriteFile(context.Background(), old, make([]byte, 1<<16))
	assert.ErrorIs(t, err, kernel.ERROR_HANDLE_EOF, "the closed check comes before any other")

	h2 := create(t, p, testName, 0, 0)
	_, err = q.WriteFile(context.Background(), old, []byte("after reuse"))
	assert.ErrorIs(t, err, kernel.ERROR_HANDLE_EOF)
	_, err = GetMailslotInfo(q, old)
	assert.ErrorIs(t, err, kernel.ERROR_HANDLE_EOF)
	assert.ErrorIs(t, SetMailslotInfo(q, old, 0), kernel.ERROR_HANDLE_EOF)
	assert.Equal(t, uint32(0), info(t, p, h2).MessageCount, "nothing from before or through the old client")
	assert.Contains(t, objectOf(t, q, old).Body().(*clientEnd).Describe(), "server gone")

	fresh := open(t, q, testName)
	write(t, q, fresh, "new")
	got, err := read(p, h2, 8)
	require.NoError(t, err)
	assert.Equal(t, "new", got)
}

// About Mailslots: any process that has the name can write; a client handle inherited by
// a child writes like the parent's (DuplicateHandle/inheritance work on every object).
func TestInheritedClientHandleWrites(t *testing.T) {
	m := newMachine(t)
	p := newProc(t, m, "server.exe")
	q := newProc(t, m, "parent.exe")
	h := create(t, p, testName, 0, 0)
	c, err := q.CreateFile(testName, kernel.GENERIC_WRITE, kernel.FILE_SHARE_READ, &kernel.SecurityAttributes{InheritHandle: true}, kernel.OPEN_EXISTING, 0)
	require.NoError(t, err)
	hChild, child, err := q.CreateProcess("child.exe", true, func(ctx context.Context, cp *kernel.Process) uint32 {
		if _, err := cp.WriteFile(ctx, c, []byte("from child")); err != nil {
			return 1
		}
		return 0
	})
	require.NoError(t, err)
	code, err := child.Wait(context.Background())
	require.NoError(t, err)
	assert.Equal(t, uint32(0), code)
	require.NoError(t, q.CloseHandle(hChild))
	got, err := read(p, h, 16)
	require.NoError(t, err)
	assert.Equal(t, "from child", got)
}
