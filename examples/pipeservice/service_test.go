//go:build !windows

package pipeservice_test

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/winsim/winsim"
	"github.com/winsim/winsim/examples/pipeservice"
	"github.com/winsim/winsim/kerneltest"
	"github.com/winsim/winsim/windows"
)

// TestSeveralClients runs five clients at once against a service of three instances. Each
// client is served in turn by whichever instance is free: the server's overlapped
// ConnectNamedPipe and ReadFile return ERROR_IO_PENDING and complete through their events
// (Wine's kernel32 pipe.c test_overlapped), and a client finding all three instances busy
// (ERROR_PIPE_BUSY, Wine's test_CreateNamedPipe) waits with WaitNamedPipe, which a
// disconnected instance listening again ends (Wine's test_wait_pipe). Requests and replies
// longer than a read buffer arrive in pieces through ERROR_MORE_DATA (Wine's test_ReadFile,
// test_blocking_rw; Microsoft's "Named Pipe Type, Read, and Wait Modes").
func TestSeveralClients(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p, pipe, _ := serviceProcess(t)
		svc := start(t, pipeservice.Config{Name: "svc", Pipe: pipe, Instances: 3})

		const clients, rounds = 5, 4
		long := strings.Repeat("0123456789", 200) // 2000 bytes: four of the server's reads
		var wg sync.WaitGroup
		errs := make(chan error, clients*rounds)
		for i := range clients {
			wg.Go(func() {
				c, err := pipeservice.Dial(pipe, pipeservice.WaitForever)
				if err != nil {
					errs <- err
					return
				}
				defer c.Close()
				for r := range rounds {
					req, want := fmt.Sprintf("ECHO client %d round %d", i, r), fmt.Sprintf("client %d round %d", i, r)
					if r == rounds-1 {
						req, want = "ECHO "+long, long
					}
					got, err := c.Request(req)
					if err == nil && got != want {
						err = fmt.Errorf("client %d: %q answered %q", i, req, got)
					}
					if err != nil {
						errs <- err
					}
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			assert.NoError(t, err)
		}

		c := dial(t, pipe, pipeservice.WaitForever)
		assert.Equal(t, 0, c.Waits, "every instance is free again")
		for _, rr := range [][2]string{
			{"COUNT", fmt.Sprint(clients * rounds)},
			{"PING", "PONG"},
			{"WHAT", pipeservice.ReplyUnknown},
			{"ECHO " + strings.Repeat("x", pipeservice.MaxRequest), pipeservice.ReplyTooLong},
			{"ECHO after", "after"},
		} {
			assert.Equal(t, rr[1], ask(t, c, rr[0]), "%.20s", rr[0])
		}
		require.NoError(t, c.Close())

		svc.stopClean(t, p.Machine())
	})
}

// TestClientConnectedBeforeServe connects a client before the server has called
// ConnectNamedPipe: a new instance listens from its creation, so the client's CreateFile
// succeeds at once (Wine's kernel32 pipe.c test_CreateNamedPipe), and the server's overlapped
// ConnectNamedPipe then fails with ERROR_PIPE_CONNECTED, which is success, without completing
// the OVERLAPPED or setting its event (Wine's test_overlapped_error; Microsoft's
// ConnectNamedPipe page). A server that waited for that event would never answer.
func TestClientConnectedBeforeServe(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p, pipe, _ := serviceProcess(t)
		srv, err := pipeservice.New(pipeservice.Config{Name: "svc", Pipe: pipe, Instances: 1})
		require.NoError(t, err)
		c := dial(t, pipe, pipeservice.WaitForever)
		assert.Equal(t, 0, c.Waits, "the instance listened before any ConnectNamedPipe")

		svc := serve(t, srv)
		assert.Equal(t, "PONG", ask(t, c, "PING"))
		require.NoError(t, c.Close())

		svc.stopClean(t, p.Machine())
	})
}

// TestClientGoneBeforeServe has a client connect and close before the server calls
// ConnectNamedPipe, which then fails with ERROR_NO_DATA (Wine's kernel32 pipe.c test_nowait;
// Wine's ntdll pipe.c test_pipe_state). The server ends that conversation with
// DisconnectNamedPipe and listens again (Wine's ntdll pipe.c pipe_for_each_state), so the
// only instance serves the next client.
func TestClientGoneBeforeServe(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p, pipe, _ := serviceProcess(t)
		srv, err := pipeservice.New(pipeservice.Config{Name: "svc", Pipe: pipe, Instances: 1})
		require.NoError(t, err)
		require.NoError(t, dial(t, pipe, 0).Close())

		// The next client finds the instance busy (its client gone, not yet disconnected)
		// and waits.
		next := dialAsync(pipe, pipeservice.WaitForever)
		synctest.Wait()
		require.Empty(t, next, "the instance of a gone client takes no new one")

		svc := serve(t, srv)
		d := <-next
		require.NoError(t, d.err)
		c := d.c
		assert.Equal(t, 1, c.Waits, "busy until the server disconnected the instance and listened again")
		assert.Equal(t, "PONG", ask(t, c, "PING"))
		require.NoError(t, c.Close())

		svc.stopClean(t, p.Machine())
	})
}

// TestBusyPipeClientWaitsAndRetries has one instance and two clients. The second finds it
// busy (ERROR_PIPE_BUSY, Wine's kernel32 pipe.c test_CreateNamedPipe), waits in WaitNamedPipe
// while the first is served, and gets the instance once the first closes and the server
// listens again (Wine's test_wait_pipe; Microsoft's "Named Pipe Client").
func TestBusyPipeClientWaitsAndRetries(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p, pipe, _ := serviceProcess(t)
		svc := start(t, pipeservice.Config{Name: "svc", Pipe: pipe, Instances: 1})

		first := dial(t, pipe, pipeservice.WaitForever)
		require.Equal(t, "PONG", ask(t, first, "PING"))

		second := dialAsync(pipe, pipeservice.WaitForever)
		synctest.Wait()
		require.Empty(t, second, "the second client got a busy pipe's only instance")

		assert.Equal(t, "1", ask(t, first, "COUNT"), "the first client is still served while the second waits")
		require.NoError(t, first.Close())

		d := <-second
		require.NoError(t, d.err)
		assert.Equal(t, 1, d.c.Waits, "one ERROR_PIPE_BUSY, one WaitNamedPipe, then CreateFile succeeded")
		assert.Equal(t, "second", ask(t, d.c, "ECHO second"))
		require.NoError(t, d.c.Close())

		svc.stopClean(t, p.Machine())
	})
}

// TestBusyPipeWaitTimesOut keeps the only instance busy: Dial's WaitNamedPipe fails with
// ERROR_SEM_TIMEOUT after its timeout, and with timeout 0 (NMPWAIT_USE_DEFAULT_WAIT) after the
// server's default, 50 ms for a CreateNamedPipe default of 0 (Wine's kernel32 pipe.c
// test_CreateNamedPipe; Microsoft's WaitNamedPipeW and CreateNamedPipeW pages). A pipe nobody
// serves fails at once with ERROR_FILE_NOT_FOUND, whatever the timeout (Wine's test_wait_pipe;
// Microsoft's WaitNamedPipeW page). Time here is synctest's, so the waits are exact.
func TestBusyPipeWaitTimesOut(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p, pipe, _ := serviceProcess(t)
		svc := start(t, pipeservice.Config{Name: "svc", Pipe: pipe, Instances: 1})
		first := dial(t, pipe, pipeservice.WaitForever)

		for _, tc := range []struct {
			timeout uint32
			want    time.Duration
		}{{300, 300 * time.Millisecond}, {0, 50 * time.Millisecond}} {
			begin := time.Now()
			_, err := pipeservice.Dial(pipe, tc.timeout)
			assert.ErrorIs(t, err, windows.ERROR_SEM_TIMEOUT, "timeout %d", tc.timeout)
			assert.Equal(t, tc.want, time.Since(begin), "timeout %d", tc.timeout)
		}

		begin := time.Now()
		_, err := pipeservice.Dial(`\\.\pipe\pipeservice-nobody`, pipeservice.WaitForever)
		assert.ErrorIs(t, err, windows.ERROR_FILE_NOT_FOUND)
		assert.Zero(t, time.Since(begin))

		require.NoError(t, first.Close())
		svc.stopClean(t, p.Machine())
	})
}

// TestAnnouncement listens on a mailslot of this machine while the service announces itself
// to \\*\mailslot\..., every machine of the domain, this one included (Microsoft's "Mailslot
// Names"). Each ReadFile returns one whole announcement (Wine's kernel32 mailslot.c
// mailslot_test): UP when the service starts, with its pipe and process, DOWN when it stops,
// and then, with nothing left, ERROR_SEM_TIMEOUT once the read timeout has passed (Wine's
// mailslot_test; Microsoft's CreateMailslotW page).
func TestAnnouncement(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p, pipe, slot := serviceProcess(t)
		l, err := pipeservice.Listen(slot, 1000)
		require.NoError(t, err)
		broadcast := `\\*\mailslot\` + strings.TrimPrefix(slot, `\\.\mailslot\`)
		svc := start(t, pipeservice.Config{Name: "svc", Pipe: pipe, Instances: 2, Announce: broadcast})

		a, err := l.Next()
		require.NoError(t, err)
		assert.Equal(t, pipeservice.Announcement{Up: true, Name: "svc", Pipe: pipe, PID: p.PID()}, a)

		c := dial(t, a.Pipe, pipeservice.WaitForever)
		assert.Equal(t, "PONG", ask(t, c, "PING"), "the announced pipe is the service's")
		require.NoError(t, c.Close())

		assert.NoError(t, svc.shutdown(t))
		a, err = l.Next()
		require.NoError(t, err)
		assert.Equal(t, pipeservice.Announcement{Up: false, Name: "svc", Pipe: pipe, PID: p.PID()}, a)

		begin := time.Now()
		_, err = l.Next()
		assert.ErrorIs(t, err, windows.ERROR_SEM_TIMEOUT)
		assert.Equal(t, time.Second, time.Since(begin))

		require.NoError(t, l.Close())
		kerneltest.RequireNoLeaks(t, p.Machine())
	})
}

// TestAnnouncementReachesTheDomain checks that the broadcast reaches another machine of the
// domain too: a process there, using package windows' explicit form for a second process,
// reads the same announcement from its own mailslot of that name (Microsoft's "Mailslot
// Names": \\*\mailslot\name is every mailslot of that name in the primary domain).
func TestAnnouncementReachesTheDomain(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p, pipe, slot := serviceProcess(t)
		other := kerneltest.NewProcess(t, kerneltest.AddMachine(t, p.Machine().Network(), "OTHER", p.Machine().Domain(), winsim.Install), "monitor.exe")
		monitor := windows.On(other)
		name, err := windows.UTF16PtrFromString(slot)
		require.NoError(t, err)
		h, err := monitor.CreateMailslot(name, pipeservice.MaxAnnouncement, 1000, nil)
		require.NoError(t, err)

		broadcast := `\\*\mailslot\` + strings.TrimPrefix(slot, `\\.\mailslot\`)
		svc := start(t, pipeservice.Config{Name: "svc", Pipe: pipe, Instances: 1, Announce: broadcast})
		buf := make([]byte, pipeservice.MaxAnnouncement)
		var n uint32
		require.NoError(t, monitor.ReadFile(h, buf, &n, nil))
		assert.Equal(t, pipeservice.Announcement{Up: true, Name: "svc", Pipe: pipe, PID: p.PID()}.String(), string(buf[:n]))

		assert.NoError(t, svc.shutdown(t))
		require.NoError(t, monitor.ReadFile(h, buf, &n, nil))
		assert.True(t, strings.HasPrefix(string(buf[:n]), "DOWN svc "), "%q", buf[:n])
		require.NoError(t, monitor.CloseHandle(h))
		kerneltest.RequireNoLeaks(t, p.Machine())
		kerneltest.RequireNoLeaks(t, other.Machine())
	})
}

// TestShutdownWithClientsConnected stops the service while two clients are connected, one
// between requests and one that has sent none yet: the server has a read pending for each.
// Serve cancels each instance's pending operation with CancelIoEx and waits for it to complete
// before closing (Wine's kernel32 pipe.c test_blocking_rw: a cancelled read completes with
// ERROR_OPERATION_ABORTED; Microsoft's CancelIoEx page), so it returns with nothing of its own
// left: the machine holds the clients' two handles and ends and nothing else. The clients then
// find the pipe closed: writes fail with ERROR_NO_DATA (Wine's test_CloseHandle).
func TestShutdownWithClientsConnected(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p, pipe, _ := serviceProcess(t)
		svc := start(t, pipeservice.Config{Name: "svc", Pipe: pipe, Instances: 3})
		idle := dial(t, pipe, pipeservice.WaitForever)
		require.Equal(t, "PONG", ask(t, idle, "PING"))
		fresh := dial(t, pipe, pipeservice.WaitForever)
		synctest.Wait()

		assert.NoError(t, svc.shutdown(t))
		// What is left is the clients' two ends alone, their server gone (closing).
		var handles, ends int
		for _, l := range p.Machine().Leaks() {
			switch {
			case strings.HasPrefix(l, "handle ") && strings.HasSuffix(l, `\Device\NamedPipe\`+strings.TrimPrefix(pipe, `\\.\pipe\`)):
				handles++
			case strings.HasPrefix(l, "object ") && strings.Contains(l, "(client closing)"):
				ends++
			default:
				assert.Fail(t, "the service left something behind", l)
			}
		}
		assert.Equal(t, [2]int{2, 2}, [2]int{handles, ends}, "the clients' handles and ends")
		for _, c := range []*pipeservice.Client{idle, fresh} {
			_, err := c.Request("PING")
			assert.ErrorIs(t, err, windows.ERROR_NO_DATA)
			require.NoError(t, c.Close())
		}
		kerneltest.RequireNoLeaks(t, p.Machine())
	})
}

// TestBadConfig: a configuration the service cannot serve is refused before anything is
// made. WaitForMultipleObjects takes at most MAXIMUM_WAIT_OBJECTS (64) handles (Microsoft's
// WaitForMultipleObjects page), one of them the stop event, so 63 instances is the most; a
// name CreateNamedPipe refuses gives its error, ERROR_INVALID_NAME for one that is not a pipe
// name (Wine's kernel32 pipe.c test_CreateNamedPipe); an announcement mailslot that does not exist
// ERROR_FILE_NOT_FOUND (Wine's kernel32 mailslot.c mailslot_test).
func TestBadConfig(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p, pipe, slot := serviceProcess(t)
		for _, tc := range []struct {
			cfg  pipeservice.Config
			want error
		}{
			{pipeservice.Config{Name: "svc", Pipe: pipe, Instances: 0}, nil},
			{pipeservice.Config{Name: "svc", Pipe: pipe, Instances: pipeservice.MaxInstances + 1}, nil},
			{pipeservice.Config{Name: "my svc", Pipe: pipe, Instances: 1}, nil},
			{pipeservice.Config{Name: "svc", Pipe: "not a named pipe", Instances: 1}, windows.ERROR_INVALID_NAME},
			{pipeservice.Config{Name: "svc", Pipe: pipe, Instances: 2, Announce: slot}, windows.ERROR_FILE_NOT_FOUND},
		} {
			_, err := pipeservice.New(tc.cfg)
			require.Error(t, err, "%+v", tc.cfg)
			if tc.want != nil {
				assert.ErrorIs(t, err, tc.want, "%+v", tc.cfg)
			}
			var errno windows.Errno
			assert.Equal(t, tc.want != nil, errors.As(err, &errno), "%+v: %v", tc.cfg, err)
		}

		srv, err := pipeservice.New(pipeservice.Config{Name: "svc", Pipe: pipe, Instances: pipeservice.MaxInstances})
		require.NoError(t, err, "63 instances")
		serve(t, srv).stopClean(t, p.Machine())
	})
}
