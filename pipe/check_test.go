package pipe_test

import (
	"sync"
	"testing"
	"testing/synctest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/winsim/winsim/kernel"
	"github.com/winsim/winsim/pipe"
)

// The pipe file system's part of the self-check: an instance's state agrees with its
// ends, as the state table of NPFS has it (MS docs, "Named Pipe Instances" and
// DisconnectNamedPipe; Wine dlls/kernel32/tests/pipe.c test_NamedPipe_2 and
// test_readfileex_pending walk the states): a connected instance has an open client
// end attached, a listening one none and is on the pipe's listening queue, a
// disconnected one none and no data.

func pipeObject(t *testing.T, p *kernel.Process, h kernel.Handle) *kernel.Object {
	t.Helper()
	o, _, err := p.Reference(h, 0, nil)
	require.NoError(t, err)
	o.DecRef()
	return o
}

func checkBreaches(err error) []kernel.Breach {
	var out []kernel.Breach
	for _, b := range kernel.Breaches(err) {
		out = append(out, *b)
	}
	return out
}

// Every state of an instance, with data queued and a read blocked, checks clean.
func TestCheckPipeStatesClean(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newMachine(t)
		p := newProc(t, m, "srv.exe")
		name := uniqueName(t)
		listening := server(t, p, name, pipe.PIPE_ACCESS_DUPLEX, 0, pipe.PIPE_UNLIMITED_INSTANCES, 64, 64)
		connected := server(t, p, name, pipe.PIPE_ACCESS_DUPLEX, 0, pipe.PIPE_UNLIMITED_INSTANCES, 64, 64)
		_ = connected
		c1 := client(t, p, name, rw) // takes the first listener: listening
		_, err := p.WriteFile(bg, c1, []byte("queued"))
		require.NoError(t, err)
		closing := server(t, p, name, pipe.PIPE_ACCESS_DUPLEX, 0, pipe.PIPE_UNLIMITED_INSTANCES, 64, 64)
		c2 := client(t, p, name, rw)
		require.NoError(t, p.CloseHandle(c2))
		_ = closing
		disc := server(t, p, name, pipe.PIPE_ACCESS_DUPLEX, 0, pipe.PIPE_UNLIMITED_INSTANCES, 64, 64)
		c3 := client(t, p, name, rw)
		require.NoError(t, pipe.DisconnectNamedPipe(p, disc))
		server(t, p, name, pipe.PIPE_ACCESS_DUPLEX, 0, pipe.PIPE_UNLIMITED_INSTANCES, 64, 64) // listening
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _ = p.ReadFile(bg, c1, make([]byte, 8)) // blocks: nothing written to the client
		}()
		synctest.Wait()
		assert.NoError(t, m.Check())
		require.NoError(t, p.CloseHandle(listening)) // the client sees closing; the blocked read fails
		wg.Wait()
		assert.NoError(t, m.Check())
		_ = c3
	})
}

func TestCheckPipeEndClosedWithHandles(t *testing.T) {
	m := newMachine(t)
	p := newProc(t, m, "srv.exe")
	h := server(t, p, uniqueName(t), pipe.PIPE_ACCESS_DUPLEX, 0, 1, 64, 64)
	o := pipeObject(t, p, h)
	defer pipe.SetEndClosed(o, true)()
	assert.Equal(t, []kernel.Breach{
		{Machine: m.Name(), Subject: o.String(), What: "end closed while it has handles", Expected: "open", Found: "closed with 1 handles"},
		{Machine: m.Name(), Subject: o.String(), What: "instance of a closed server end", Expected: "closed, no ends", Found: "listening, server " + o.String() + " closed, client none"},
		{Machine: m.Name(), Subject: o.String(), What: "listening queue entries of a closed instance", Expected: "0", Found: "1"},
	}, checkBreaches(m.Check()))
}

func TestCheckPipeConnectedWithoutClient(t *testing.T) {
	m := newMachine(t)
	p := newProc(t, m, "srv.exe")
	name := uniqueName(t)
	s := server(t, p, name, pipe.PIPE_ACCESS_DUPLEX, 0, 1, 64, 64)
	c := client(t, p, name, rw)
	so, co := pipeObject(t, p, s), pipeObject(t, p, c)
	defer pipe.DetachClient(so)()
	assert.Equal(t, []kernel.Breach{
		{Machine: m.Name(), Subject: so.String(), What: "client end of a connected instance", Expected: "an open, connected client end", Found: "none"},
		{Machine: m.Name(), Subject: co.String(), What: "connected client end's instance", Expected: "attached to this end", Found: "none"},
	}, checkBreaches(m.Check()))
}

func TestCheckPipeListeningNotQueued(t *testing.T) {
	m := newMachine(t)
	p := newProc(t, m, "srv.exe")
	h := server(t, p, uniqueName(t), pipe.PIPE_ACCESS_DUPLEX, 0, 1, 64, 64)
	o := pipeObject(t, p, h)
	defer pipe.Unlisten(o)()
	assert.Equal(t, []kernel.Breach{
		{Machine: m.Name(), Subject: o.String(), What: "listening queue entries of a listening instance", Expected: "1", Found: "0"},
	}, checkBreaches(m.Check()))
}

func TestCheckPipeUnreadCount(t *testing.T) {
	m := newMachine(t)
	p := newProc(t, m, "srv.exe")
	name := uniqueName(t)
	s := server(t, p, name, pipe.PIPE_ACCESS_DUPLEX, 0, 1, 64, 64)
	c := client(t, p, name, rw)
	_, err := p.WriteFile(bg, c, []byte("hello"))
	require.NoError(t, err)
	co := pipeObject(t, p, c)
	defer pipe.CorruptUnread(co, 2)()
	assert.Equal(t, []kernel.Breach{
		{Machine: m.Name(), Subject: co.String(), What: "unread bytes of its writes", Expected: "5 (the records' sum)", Found: "7"},
	}, checkBreaches(m.Check()))
	_ = s
}

// The self-check may run at any moment, as a user's test calls it while its code is busy: an
// end it finds in the census while its creator is still setting it up is described through the
// census's own object, never through the end's back-reference, which is written after the
// object is listed (an adversarial stress run crashed the check on that, and the race detector
// reported the read). Traffic creates and closes every kind of end while the check runs; the
// verdict once it is quiet is clean.
func TestCheckDuringEndCreation(t *testing.T) {
	m := newMachine(t)
	p := newProc(t, m, "srv.exe")
	name := uniqueName(t)
	quiet := make(chan struct{})
	checked := make(chan int)
	go func() {
		n := 0
		for {
			select {
			case <-quiet:
				checked <- n
				return
			default:
				_ = m.Check() // a mid-traffic verdict may see an end between its creation and its handle
				n++
			}
		}
	}()
	for i := 0; i < 300; i++ {
		s := server(t, p, name, pipe.PIPE_ACCESS_DUPLEX, 0, pipe.PIPE_UNLIMITED_INSTANCES, 64, 64)
		c := client(t, p, name, rw)
		r, w, err := pipe.CreatePipe(p, nil, 0)
		require.NoError(t, err)
		for _, h := range []kernel.Handle{c, s, r, w} {
			require.NoError(t, p.CloseHandle(h))
		}
	}
	close(quiet)
	assert.Positive(t, <-checked, "the check ran during the traffic")
	assert.NoError(t, m.Check())
}
