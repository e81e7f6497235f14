package pipe_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/winsim/winsim/kernel"
	"github.com/winsim/winsim/pipe"
)

// Stress of the request model under -race: a completion-port server with 4 overlapped
// instances serves 64 client processes, some of which die mid-conversation, while the
// server cancels pending reads at random (CancelIoEx) and disconnects instances whose
// client went away. Every completion arrives exactly once for an operation that was
// outstanding, every client that stayed gets its own message back, and the machine is
// empty afterwards (the leak check of newMachine).
func TestRequestStressCompletionPortServer(t *testing.T) {
	const instances, clients = 4, 64
	m := newMachine(t)
	srvP := newProc(t, m, "server.exe")
	name := uniqueName(t)
	ctx := context.Background()
	port, err := srvP.CreateIoCompletionPort(kernel.InvalidHandle, 0, 0, 0)
	require.NoError(t, err)

	type inst struct {
		h           kernel.Handle
		ov          kernel.Overlapped
		buf         [64]byte
		state       string
		outstanding bool
	}
	ins := make([]*inst, instances)
	start := func(in *inst, state string, err error) {
		in.state = state
		if err == nil || errors.Is(err, kernel.ERROR_IO_PENDING) || errors.Is(err, kernel.ERROR_MORE_DATA) {
			in.outstanding = true // a packet will come
			return
		}
		in.outstanding = false
		// Failed at once: no packet. Start listening again.
		_ = pipe.DisconnectNamedPipe(srvP, in.h)
		in.state = "connect"
		err = pipe.ConnectNamedPipeOverlapped(ctx, srvP, in.h, &in.ov)
		require.ErrorIs(t, err, kernel.ERROR_IO_PENDING)
		in.outstanding = true
	}
	for i := range ins {
		h, err := pipe.CreateNamedPipe(srvP, name, pipe.PIPE_ACCESS_DUPLEX|pipe.FILE_FLAG_OVERLAPPED, msgPipe, instances, 4096, 4096, 0, nil)
		require.NoError(t, err)
		_, err = srvP.CreateIoCompletionPort(h, port, uintptr(i), 0)
		require.NoError(t, err)
		ins[i] = &inst{h: h}
		require.NoError(t, pipe.DisconnectNamedPipe(srvP, h))
		start(ins[i], "connect", pipe.ConnectNamedPipeOverlapped(ctx, srvP, h, &ins[i].ov))
	}

	var wg sync.WaitGroup
	var mu sync.Mutex
	served, died := 0, 0
	for i := 0; i < clients; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := m.NewProcess(fmt.Sprintf("client%d.exe", i), nil)
			if !assert.NoError(t, err) {
				return
			}
			defer c.Terminate(0)
			var h kernel.Handle
			for {
				h, err = c.CreateFile(name, rw, 0, nil, kernel.OPEN_EXISTING, 0)
				if err == nil {
					break
				}
				if !errors.Is(err, kernel.ERROR_PIPE_BUSY) {
					t.Errorf("client %d: %v", i, err)
					return
				}
				_ = pipe.WaitNamedPipe(ctx, c, name, kernel.INFINITE)
			}
			mode := pipe.PIPE_READMODE_MESSAGE
			_ = pipe.SetNamedPipeHandleState(c, h, &mode, nil, nil)
			msg := fmt.Sprintf("msg %02d", i)
			if i%5 == 0 { // dies before speaking
				c.Terminate(1)
				mu.Lock()
				died++
				mu.Unlock()
				return
			}
			for {
				if _, err := c.WriteFile(ctx, h, []byte(msg)); err != nil {
					// The server cancelled our conversation: try again on a new
					// connection.
					_ = c.CloseHandle(h)
					for {
						h, err = c.CreateFile(name, rw, 0, nil, kernel.OPEN_EXISTING, 0)
						if err == nil {
							break
						}
						_ = pipe.WaitNamedPipe(ctx, c, name, kernel.INFINITE)
					}
					_ = pipe.SetNamedPipeHandleState(c, h, &mode, nil, nil)
					continue
				}
				buf := make([]byte, 64)
				n, err := c.ReadFile(ctx, h, buf)
				if err != nil {
					_ = c.CloseHandle(h)
					for {
						h, err = c.CreateFile(name, rw, 0, nil, kernel.OPEN_EXISTING, 0)
						if err == nil {
							break
						}
						_ = pipe.WaitNamedPipe(ctx, c, name, kernel.INFINITE)
					}
					_ = pipe.SetNamedPipeHandleState(c, h, &mode, nil, nil)
					continue
				}
				assert.Equal(t, "echo "+msg, string(buf[:n]), "client %d gets its own reply", i)
				break
			}
			_ = c.CloseHandle(h)
			mu.Lock()
			served++
			mu.Unlock()
		}()
	}
	allDone := make(chan struct{})
	go func() { wg.Wait(); close(allDone) }()

	rng := rand.New(rand.NewPCG(1, 2))
	packets := 0
	for {
		select {
		case <-allDone:
		default:
			st, err := srvP.GetQueuedCompletionStatus(ctx, port, 20)
			if errors.Is(err, kernel.WAIT_TIMEOUT) && st.Overlapped == nil {
				continue
			}
			packets++
			in := ins[st.Key]
			require.True(t, in.outstanding, "a packet for an operation that was not outstanding (instance %d, %s)", st.Key, in.state)
			require.Same(t, &in.ov, st.Overlapped)
			in.outstanding = false
			if err != nil {
				start(in, "connect", err) // cancelled or broken: disconnect and listen again
				continue
			}
			switch in.state {
			case "connect":
				start(in, "read", err0(srvP.ReadFileOverlapped(ctx, in.h, in.buf[:], &in.ov)))
				if in.state == "read" && rng.IntN(8) == 0 {
					_ = srvP.CancelIoEx(in.h, &in.ov) // the packet reports the outcome either way
				}
			case "read":
				reply := append([]byte("echo "), in.buf[:st.Bytes]...)
				start(in, "write", err0(srvP.WriteFileOverlapped(ctx, in.h, reply, &in.ov)))
			case "write":
				// Wait for the client to hang up, then serve the next one: a read
				// that fails with ERROR_BROKEN_PIPE ends the conversation.
				start(in, "read", err0(srvP.ReadFileOverlapped(ctx, in.h, in.buf[:], &in.ov)))
			}
			continue
		}
		break
	}
	mu.Lock()
	assert.Equal(t, clients, served+died)
	assert.Equal(t, clients-clients/5-1, served)
	mu.Unlock()
	assert.Positive(t, packets)
	for _, in := range ins {
		require.NoError(t, srvP.CloseHandle(in.h))
	}
	require.NoError(t, srvP.CloseHandle(port))
	assert.Zero(t, srvP.PendingRequests())
}

func err0(_ int, err error) error { return err }
