package pipe_test

import (
	"bytes"
	"context"
	"testing"
	"testing/synctest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/winsim/winsim/kernel"
	"github.com/winsim/winsim/pipe"
)

// granted returns the access of handle h in p.
func granted(t testing.TB, p *kernel.Process, h kernel.Handle) kernel.Access {
	t.Helper()
	for _, hi := range p.Handles() {
		if hi.Handle == h {
			return hi.Granted
		}
	}
	t.Fatalf("no handle %#x", h)
	return 0
}

// CreatePipe with size 0 gives 4096-byte buffers; the read end is the server end of a
// byte pipe with one instance (windows-facts.md AP-1, dlls/kernel32/tests/pipe.c test_CreatePipe).
func TestCreatePipeReadEndIsServerWithDefaultSize(t *testing.T) {
	m := newMachine(t)
	p := newProc(t, m, "a.exe")
	r, w, err := pipe.CreatePipe(p, &kernel.SecurityAttributes{InheritHandle: true}, 0)
	require.NoError(t, err)
	flags, out, in, inst, err := pipe.GetNamedPipeInfo(p, r)
	require.NoError(t, err)
	assert.Equal(t, []uint32{pipe.PIPE_SERVER_END, 4096, 4096, 1}, []uint32{flags, out, in, inst})
	flags, out, in, inst, err = pipe.GetNamedPipeInfo(p, w)
	require.NoError(t, err)
	assert.Equal(t, []uint32{pipe.PIPE_CLIENT_END | pipe.PIPE_TYPE_BYTE, 4096, 4096, 1}, []uint32{flags, out, in, inst})
}

// CreatePipe's size is used as given, not rounded (windows-facts.md AP-7).
func TestCreatePipeSizeIsNotRounded(t *testing.T) {
	m := newMachine(t)
	p := newProc(t, m, "a.exe")
	r, w, err := pipe.CreatePipe(p, nil, 1)
	require.NoError(t, err)
	for _, h := range []kernel.Handle{r, w} {
		_, out, in, inst, err := pipe.GetNamedPipeInfo(p, h)
		require.NoError(t, err)
		assert.Equal(t, []uint32{1, 1, 1}, []uint32{out, in, inst})
	}
}

// The read end is granted 0x120189 and the write end 0x120196, so reading the write
// end and writing the read end are refused (windows-facts.md AP-2).
func TestCreatePipeEndsHaveOneDirectionOfAccess(t *testing.T) {
	m := newMachine(t)
	p := newProc(t, m, "a.exe")
	r, w, err := pipe.CreatePipe(p, nil, 0)
	require.NoError(t, err)
	assert.Equal(t, kernel.Access(0x120189), granted(t, p, r))
	assert.Equal(t, kernel.Access(0x120196), granted(t, p, w))
	_, err = p.WriteFile(bg, r, []byte("x"))
	assert.ErrorIs(t, err, kernel.ERROR_ACCESS_DENIED)
	_, err = p.ReadFile(bg, w, make([]byte, 1))
	assert.ErrorIs(t, err, kernel.ERROR_ACCESS_DENIED)
	_, _, _, err = pipe.PeekNamedPipe(p, w, nil)
	assert.ErrorIs(t, err, kernel.ERROR_ACCESS_DENIED)
}

// With bInheritHandle set, both handles are inheritable (windows-facts.md HD-8).
func TestCreatePipeInheritFlagAppliesToBothEnds(t *testing.T) {
	m := newMachine(t)
	p := newProc(t, m, "a.exe")
	r, w, err := pipe.CreatePipe(p, &kernel.SecurityAttributes{InheritHandle: true}, 0)
	require.NoError(t, err)
	for _, h := range []kernel.Handle{r, w} {
		f, err := p.GetHandleInformation(h)
		require.NoError(t, err)
		assert.Equal(t, kernel.HANDLE_FLAG_INHERIT, f)
	}
	r2, w2, err := pipe.CreatePipe(p, nil, 0)
	require.NoError(t, err)
	for _, h := range []kernel.Handle{r2, w2} {
		f, err := p.GetHandleInformation(h)
		require.NoError(t, err)
		assert.Zero(t, f)
	}
}

// A read returns what is available without waiting to fill the buffer (windows-facts.md AP-3).
func TestCreatePipeReadReturnsWhatIsAvailable(t *testing.T) {
	m := newMachine(t)
	p := newProc(t, m, "a.exe")
	r, w, err := pipe.CreatePipe(p, nil, 0)
	require.NoError(t, err)
	write(t, p, w, "Hello world, test 22b!")
	s, err := read(p, r, 32)
	require.NoError(t, err)
	assert.Len(t, s, 22)
}

// Data written before the write end closes is read in full; the next read fails with
// ERROR_BROKEN_PIPE (windows-facts.md AP-4, k32/pipe test_CreatePipe).
func TestCreatePipeWriterCloseKeepsDataThenBrokenPipe(t *testing.T) {
	m := newMachine(t)
	p := newProc(t, m, "a.exe")
	r, w, err := pipe.CreatePipe(p, nil, 0)
	require.NoError(t, err)
	write(t, p, w, "Hello world, test 22b!")
	require.NoError(t, p.CloseHandle(w))
	s, err := read(p, r, 32)
	require.NoError(t, err)
	assert.Len(t, s, 22)
	_, err = read(p, r, 32)
	assert.ErrorIs(t, err, kernel.ERROR_BROKEN_PIPE)
	_, _, _, err = pipe.PeekNamedPipe(p, r, nil)
	assert.ErrorIs(t, err, kernel.ERROR_BROKEN_PIPE)
}

// A 32768-byte write into a pipe of 32768+24 completes at once, and one read after the
// writer closed returns all of it unchanged (windows-facts.md AP-5).
func TestCreatePipeWriteThatFitsCompletesAndOneReadTakesAll(t *testing.T) {
	m := newMachine(t)
	p := newProc(t, m, "a.exe")
	r, w, err := pipe.CreatePipe(p, nil, 32768+24)
	require.NoError(t, err)
	data := make([]byte, 32768)
	for i := range data {
		data[i] = byte(i * 7)
	}
	n, err := p.WriteFile(bg, w, data)
	require.NoError(t, err)
	require.Equal(t, 32768, n)
	require.NoError(t, p.CloseHandle(w))
	buf := make([]byte, 32768)
	n, err = p.ReadFile(bg, r, buf)
	require.NoError(t, err)
	assert.Equal(t, 32768, n)
	assert.True(t, bytes.Equal(data, buf))
	_, err = read(p, r, 1)
	assert.ErrorIs(t, err, kernel.ERROR_BROKEN_PIPE)
}

// PeekNamedPipe works on the read end of an anonymous pipe: it reports the queued bytes
// and, for a byte pipe, 0 left in the message when nothing is copied (windows-facts.md AP-8, NP-63).
func TestCreatePipePeekNamedPipeWorks(t *testing.T) {
	m := newMachine(t)
	p := newProc(t, m, "a.exe")
	r, w, err := pipe.CreatePipe(p, nil, 0)
	require.NoError(t, err)
	write(t, p, w, "0123456789")
	n, avail, left, err := pipe.PeekNamedPipe(p, r, nil)
	require.NoError(t, err)
	assert.Equal(t, []uint32{0, 10, 0}, []uint32{n, avail, left})
	buf := make([]byte, 4)
	n, avail, _, err = pipe.PeekNamedPipe(p, r, buf)
	require.NoError(t, err)
	assert.Equal(t, []uint32{4, 10}, []uint32{n, avail})
	assert.Equal(t, "0123", string(buf))
	s, err := read(p, r, 32)
	require.NoError(t, err)
	assert.Equal(t, "0123456789", s, "peek does not consume (windows-facts.md NP-68)")
}

// A zero-length write to a byte pipe is a no-op: it succeeds, queues nothing and wakes
// no reader (windows-facts.md AP-8, NP-76).
func TestCreatePipeZeroLengthWriteIsNoOp(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newMachine(t)
		p := newProc(t, m, "a.exe")
		r, w, err := pipe.CreatePipe(p, nil, 0)
		require.NoError(t, err)
		rd := asyncRead(p, r, 8)
		requirePending(t, rd)
		n, err := p.WriteFile(bg, w, nil)
		assert.NoError(t, err)
		assert.Zero(t, n)
		requirePending(t, rd)
		_, avail, _, err := pipe.PeekNamedPipe(p, r, nil)
		require.NoError(t, err)
		assert.Zero(t, avail)
		write(t, p, w, "x")
		res := requireDone(t, rd)
		assert.NoError(t, res.err)
		assert.Equal(t, "x", res.s)
	})
}

// A zero-byte read succeeds with 0 bytes and consumes nothing when data is queued; on an
// empty pipe it blocks until data arrives and still consumes nothing (windows-facts.md NP-59).
func TestCreatePipeZeroByteReadWaitsForDataWithoutConsuming(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newMachine(t)
		p := newProc(t, m, "a.exe")
		r, w, err := pipe.CreatePipe(p, nil, 0)
		require.NoError(t, err)
		rd := asyncRead(p, r, 0)
		requirePending(t, rd)
		write(t, p, w, "z")
		res := requireDone(t, rd)
		assert.NoError(t, res.err)
		assert.Zero(t, res.n)
		s, err := read(p, r, 0)
		assert.NoError(t, err)
		assert.Empty(t, s)
		s, err = read(p, r, 1)
		require.NoError(t, err)
		assert.Equal(t, "z", s)
	})
}

// A read blocks until some data is there and returns what came (windows-facts.md AP-3; MS docs,
// Anonymous Pipe Operations); closing the last write handle wakes a blocked reader with
// ERROR_BROKEN_PIPE.
func TestCreatePipeBlockedReadWakesOnWriteAndOnWriterClose(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newMachine(t)
		p := newProc(t, m, "a.exe")
		r, w, err := pipe.CreatePipe(p, nil, 0)
		require.NoError(t, err)
		w2, err := p.DuplicateHandle(kernel.CurrentProcess, w, kernel.CurrentProcess, 0, false, kernel.DUPLICATE_SAME_ACCESS)
		require.NoError(t, err)
		rd := asyncRead(p, r, 100)
		requirePending(t, rd)
		write(t, p, w, "abc")
		res := requireDone(t, rd)
		assert.NoError(t, res.err)
		assert.Equal(t, "abc", res.s)

		rd = asyncRead(p, r, 100)
		requirePending(t, rd)
		require.NoError(t, p.CloseHandle(w))
		requirePending(t, rd) // another write handle is still open
		require.NoError(t, p.CloseHandle(w2))
		res = requireDone(t, rd)
		assert.ErrorIs(t, res.err, kernel.ERROR_BROKEN_PIPE)
	})
}

// A write blocks while the buffer is full and completes once the reader has taken
// enough (windows-facts.md AP-8, NP-74); closing the read end fails it with
// ERROR_BROKEN_PIPE, and later writes fail with ERROR_NO_DATA (windows-facts.md NP-90).
func TestCreatePipeWriteBlocksWhileFullAndFailsWhenReaderCloses(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newMachine(t)
		p := newProc(t, m, "a.exe")
		r, w, err := pipe.CreatePipe(p, nil, 4)
		require.NoError(t, err)
		write(t, p, w, "abcd")
		wr := asyncWrite(p, w, []byte("efgh"))
		requirePending(t, wr)
		s, err := read(p, r, 3)
		require.NoError(t, err)
		assert.Equal(t, "abc", s)
		requirePending(t, wr) // 5 unread bytes up to its end: still over the quota
		s, err = read(p, r, 1)
		require.NoError(t, err)
		assert.Equal(t, "d", s)
		res := requireDone(t, wr)
		assert.NoError(t, res.err)
		assert.Equal(t, 4, res.n)

		wr = asyncWrite(p, w, []byte("12345678"))
		requirePending(t, wr)
		require.NoError(t, p.CloseHandle(r))
		res = requireDone(t, wr)
		assert.ErrorIs(t, res.err, kernel.ERROR_BROKEN_PIPE)
		assert.Zero(t, res.n)
		_, err = p.WriteFile(bg, w, []byte("x"))
		assert.ErrorIs(t, err, kernel.ERROR_NO_DATA)
	})
}

// A large write with a reader waiting is handed over in pieces as the reader reads;
// every byte arrives in order (windows-facts.md NP-74).
func TestCreatePipeLargeWriteStreamsThroughSmallBuffer(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newMachine(t)
		p := newProc(t, m, "a.exe")
		r, w, err := pipe.CreatePipe(p, nil, 16)
		require.NoError(t, err)
		data := make([]byte, 100000)
		for i := range data {
			data[i] = byte(i % 251)
		}
		wr := asyncWrite(p, w, data)
		var got []byte
		buf := make([]byte, 777)
		for len(got) < len(data) {
			n, err := p.ReadFile(bg, r, buf)
			require.NoError(t, err)
			got = append(got, buf[:n]...)
		}
		res := requireDone(t, wr)
		assert.NoError(t, res.err)
		assert.Equal(t, len(data), res.n)
		assert.True(t, bytes.Equal(data, got))
	})
}

// The classic redirect: a parent creates a pipe whose write end is inheritable, starts a
// child that inherits it, closes its own write handle, and reads the child's output
// until ERROR_BROKEN_PIPE when the child exits (MS docs, "Creating a Child Process with
// Redirected Input and Output"; windows-facts.md HD-6).
func TestCreatePipeRedirectsChildOutput(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newMachine(t)
		parent := newProc(t, m, "parent.exe")
		r, w, err := pipe.CreatePipe(parent, &kernel.SecurityAttributes{InheritHandle: true}, 0)
		require.NoError(t, err)
		// The read end stays in the parent only.
		require.NoError(t, parent.SetHandleInformation(r, kernel.HANDLE_FLAG_INHERIT, 0))
		hChild, _, err := parent.CreateProcess("child.exe", true, func(ctx context.Context, c *kernel.Process) uint32 {
			for _, line := range []string{"line 1\n", "line 2\n", "done\n"} {
				if _, err := c.WriteFile(ctx, w, []byte(line)); err != nil {
					return 1
				}
			}
			return 0 // exiting closes the inherited write handle
		})
		require.NoError(t, err)
		require.NoError(t, parent.CloseHandle(w))
		var out []byte
		buf := make([]byte, 5)
		for {
			n, err := parent.ReadFile(bg, r, buf)
			out = append(out, buf[:n]...)
			if err != nil {
				assert.ErrorIs(t, err, kernel.ERROR_BROKEN_PIPE)
				break
			}
		}
		assert.Equal(t, "line 1\nline 2\ndone\n", string(out))
		ev, err := parent.WaitForSingleObject(bg, hChild, kernel.INFINITE)
		require.NoError(t, err)
		require.Equal(t, kernel.WAIT_OBJECT_0, ev)
		code, err := parent.GetExitCodeProcess(hChild)
		require.NoError(t, err)
		assert.Zero(t, code)
		require.NoError(t, parent.CloseHandle(hChild))
		require.NoError(t, parent.CloseHandle(r))
	})
}
