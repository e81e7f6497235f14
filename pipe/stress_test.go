package pipe_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/winsim/winsim/kernel"
	"github.com/winsim/winsim/pipe"
)

// stressLog collects what the stress test's server and clients saw.
type stressLog struct {
	mu       sync.Mutex
	received map[string]int  // request id → times the server read it
	sent     map[string]bool // request ids whose delivery the sender knows of
	errs     []string
}

func (l *stressLog) errorf(format string, args ...any) {
	l.mu.Lock()
	l.errs = append(l.errs, fmt.Sprintf(format, args...))
	l.mu.Unlock()
}

// stressRequest builds request seq of slot: "slot:seq:" and a payload whose length and
// bytes depend on both, so a mixed or cut message cannot pass for another.
func stressRequest(slot int, seq uint64) string {
	n := int((seq*31 + uint64(slot)*7) % 300)
	var b strings.Builder
	b.WriteString(strconv.Itoa(slot) + ":" + strconv.FormatUint(seq, 10) + ":")
	for i := range n {
		b.WriteByte(byte('a' + (i+slot+int(seq))%26))
	}
	return b.String()
}

// stressID checks a request and returns its id ("slot:seq"), or "" if it is malformed.
func stressID(msg string) string {
	parts := strings.SplitN(msg, ":", 3)
	if len(parts) != 3 {
		return ""
	}
	slot, err1 := strconv.Atoi(parts[0])
	seq, err2 := strconv.ParseUint(parts[1], 10, 64)
	if err1 != nil || err2 != nil || stressRequest(slot, seq) != msg {
		return ""
	}
	return parts[0] + ":" + parts[1]
}

// stressServe is one server thread: it serves clients of instance h one after another,
// replying "R"+request to each request, until its process ends.
func stressServe(ctx context.Context, p *kernel.Process, h kernel.Handle, log *stressLog) {
	buf := make([]byte, 1024)
	for {
		err := pipe.ConnectNamedPipe(ctx, p, h)
		switch {
		case err == nil, errors.Is(err, kernel.ERROR_PIPE_CONNECTED), errors.Is(err, kernel.ERROR_NO_DATA):
		default:
			return // the server process is ending
		}
		for {
			n, err := p.ReadFile(ctx, h, buf)
			if err != nil {
				if !errors.Is(err, kernel.ERROR_BROKEN_PIPE) && !errors.Is(err, kernel.ERROR_OPERATION_ABORTED) && !errors.Is(err, kernel.ERROR_INVALID_HANDLE) {
					log.errorf("server read: %v", err)
				}
				break
			}
			msg := string(buf[:n])
			id := stressID(msg)
			log.mu.Lock()
			if id == "" {
				log.errs = append(log.errs, "malformed request "+strconv.Quote(msg))
			} else {
				log.received[id]++
			}
			log.mu.Unlock()
			if _, err := p.WriteFile(ctx, h, []byte("R"+msg)); err != nil && !errors.Is(err, kernel.ERROR_NO_DATA) &&
				!errors.Is(err, kernel.ERROR_BROKEN_PIPE) && !errors.Is(err, kernel.ERROR_OPERATION_ABORTED) && !errors.Is(err, kernel.ERROR_INVALID_HANDLE) {
				log.errorf("server write: %v", err)
			}
		}
		_ = pipe.DisconnectNamedPipe(p, h)
	}
}

// Stress: 8 client processes at a time, 1,000 transactions each, against a server with
// 4 instances; clients exit abruptly part-way (returning with a request unanswered,
// leaving their handle to process exit, or terminated from outside while they wait).
// No message is lost, cut or mixed with another; every completed transaction got its own
// reply; nothing leaks (the machine's census and goleak check that at the end).
func TestStressClientsExitAbruptly(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const slots, perSlot, instances = 8, 1000, 4
		m := newMachine(t)
		srvP := newProc(t, m, "server.exe")
		name := uniqueName(t)
		log := &stressLog{received: map[string]int{}, sent: map[string]bool{}}
		var servers sync.WaitGroup
		for range instances {
			h := server(t, srvP, name, duplex, msgPipe, instances, 4096, 4096)
			servers.Go(func() { stressServe(srvP.Context(), srvP, h, log) })
		}

		var completed [slots]atomic.Int64
		var seqs [slots]atomic.Uint64
		var clients sync.WaitGroup
		var procs atomic.Int64
		for slot := range slots {
			clients.Go(func() {
				rng := rand.New(rand.NewPCG(uint64(slot), 42))
				for completed[slot].Load() < perSlot {
					quota, how := 1+rng.IntN(80), rng.IntN(4)
					p, err := m.NewProcess("client.exe", func(ctx context.Context, c *kernel.Process) uint32 {
						return stressClient(ctx, c, name, slot, quota, how, &completed[slot], &seqs[slot], log)
					})
					if err != nil {
						log.errorf("NewProcess: %v", err)
						return
					}
					procs.Add(1)
					if how == 3 {
						time.Sleep(time.Duration(1+rng.IntN(20)) * time.Microsecond)
						p.Terminate(9)
					}
					if _, err := p.Wait(context.Background()); err != nil {
						log.errorf("wait: %v", err)
					}
				}
			})
		}
		clients.Wait()
		synctest.Wait() // the server has read everything that was queued
		srvP.Terminate(0)
		servers.Wait()

		log.mu.Lock()
		defer log.mu.Unlock()
		t.Logf("%d processes, %d requests read by the server, %d known delivered", procs.Load(), len(log.received), len(log.sent))
		assert.Empty(t, log.errs)
		for slot := range slots {
			assert.GreaterOrEqual(t, completed[slot].Load(), int64(perSlot))
		}
		require.NotEmpty(t, log.sent)
		for id := range log.sent {
			assert.Equal(t, 1, log.received[id], "request %s delivered once", id)
		}
		for id, n := range log.received {
			assert.Equal(t, 1, n, "request %s read once", id)
		}
	})
}

// stressClient is a client process's main: it connects (waiting while every instance is
// busy), makes up to quota transactions, then leaves in one of four ways.
func stressClient(ctx context.Context, c *kernel.Process, name string, slot, quota, how int, completed *atomic.Int64, seqs *atomic.Uint64, log *stressLog) uint32 {
	var h kernel.Handle
	for {
		var err error
		if h, err = c.CreateFile(name, rw, 0, nil, kernel.OPEN_EXISTING, 0); err == nil {
			break
		}
		if !errors.Is(err, kernel.ERROR_PIPE_BUSY) {
			if !errors.Is(err, kernel.ERROR_ACCESS_DENIED) { // ERROR_ACCESS_DENIED: the table closed (terminated)
				log.errorf("open: %v", err)
			}
			return 1
		}
		if err := pipe.WaitNamedPipe(ctx, c, name, pipe.NMPWAIT_WAIT_FOREVER); err != nil && !errors.Is(err, kernel.ERROR_OPERATION_ABORTED) {
			log.errorf("wait: %v", err)
			return 1
		}
		if ctx.Err() != nil {
			return 1
		}
	}
	mode := pipe.PIPE_READMODE_MESSAGE
	if err := pipe.SetNamedPipeHandleState(c, h, &mode, nil, nil); err != nil {
		if ctx.Err() == nil {
			log.errorf("mode: %v", err)
		}
		return 1
	}
	out := make([]byte, 1024)
	for i := 0; i < quota && completed.Load() < 1000; i++ {
		req := stressRequest(slot, seqs.Add(1))
		n, err := pipe.TransactNamedPipe(ctx, c, h, []byte(req), out)
		if err != nil {
			if ctx.Err() == nil {
				log.errorf("transact: %v", err)
			}
			return 1
		}
		if got := string(out[:n]); got != "R"+req {
			log.errorf("reply %q to %q", got, req)
			return 1
		}
		completed.Add(1)
		log.mu.Lock()
		log.sent[stressID(req)] = true
		log.mu.Unlock()
	}
	switch how {
	case 0: // send a request and exit without waiting for the answer
		req := stressRequest(slot, seqs.Add(1))
		if n, err := c.WriteFile(ctx, h, []byte(req)); err == nil && n == len(req) {
			log.mu.Lock()
			log.sent[stressID(req)] = true
			log.mu.Unlock()
		}
		c.ExitProcess(2)
	case 1: // leave the handle to process exit
	default: // hang up politely
		_ = c.CloseHandle(h)
	}
	return 0
}
