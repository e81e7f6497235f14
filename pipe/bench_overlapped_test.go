package pipe_test

import (
	"context"
	"strconv"
	"sync"
	"testing"

	"github.com/winsim/winsim/kernel"
	"github.com/winsim/winsim/pipe"
)

// overlappedPinger is winsimPinger with the server end overlapped: its reads and writes
// carry a reused OVERLAPPED with an event, and a read that pends is finished with
// GetOverlappedResult, as an overlapped Win32 server does.
func overlappedPinger(b *testing.B) pinger {
	n, p := benchMachine(b)
	name := `\\.\pipe\bench-overlapped`
	srv, err := pipe.CreateNamedPipe(p, name, pipe.PIPE_ACCESS_DUPLEX|pipe.FILE_FLAG_OVERLAPPED, pipe.PIPE_TYPE_MESSAGE|pipe.PIPE_READMODE_MESSAGE, 1, 4096, 4096, 0, nil)
	if err != nil {
		b.Fatal(err)
	}
	cli, err := p.CreateFile(name, kernel.GENERIC_READ|kernel.GENERIC_WRITE, 0, nil, kernel.OPEN_EXISTING, 0)
	if err != nil {
		b.Fatal(err)
	}
	mode := pipe.PIPE_READMODE_MESSAGE
	if err := pipe.SetNamedPipeHandleState(p, cli, &mode, nil, nil); err != nil {
		b.Fatal(err)
	}
	ev, err := p.CreateEvent(nil, true, false, "")
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	rov, wov := &kernel.Overlapped{HEvent: ev}, &kernel.Overlapped{}
	finish := func(ov *kernel.Overlapped) func(int, error) (int, error) {
		return func(n int, err error) (int, error) {
			if err == kernel.ERROR_IO_PENDING {
				return p.GetOverlappedResult(ctx, srv, ov, true)
			}
			return n, err
		}
	}
	rdone, wdone := finish(rov), finish(wov)
	return pinger{
		aw:    func(buf []byte) (int, error) { return wdone(p.WriteFileOverlapped(ctx, srv, buf, wov)) },
		ar:    func(buf []byte) (int, error) { return rdone(p.ReadFileOverlapped(ctx, srv, buf, rov)) },
		bw:    func(buf []byte) (int, error) { return p.WriteFile(ctx, cli, buf) },
		br:    func(buf []byte) (int, error) { return p.ReadFile(ctx, cli, buf) },
		close: func() { p.Terminate(0); n.Close() },
	}
}

// BenchmarkOverlappedPingPong compares a 64-byte message round trip whose server side is
// overlapped (a read that pends, then GetOverlappedResult) with the blocking one, in the
// same run. The design's goal: overlapped within 1.2× of blocking.
func BenchmarkOverlappedPingPong(b *testing.B) {
	b.Run("blocking", func(b *testing.B) { runPingPong(b, winsimPinger(b)) })
	b.Run("overlapped", func(b *testing.B) { runPingPong(b, overlappedPinger(b)) })
}

// BenchmarkExitWithPendingRequests terminates a process with n overlapped reads pending
// on one pipe end: exit cancels and completes every one before it closes the handles.
// The time per request should not grow with n (exit is linear).
func BenchmarkExitWithPendingRequests(b *testing.B) {
	for _, n := range []int{1_000, 10_000} {
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			net, parent := benchMachine(b)
			defer net.Close()
			defer parent.Terminate(0)
			m := parent.Machine()
			ovs := make([]kernel.Overlapped, n)
			buf := make([]byte, 1)
			b.ReportAllocs()
			for b.Loop() {
				child, err := m.NewProcess("child.exe", nil)
				if err != nil {
					b.Fatal(err)
				}
				srv, err := pipe.CreateNamedPipe(child, `\\.\pipe\bench-exit`, pipe.PIPE_ACCESS_DUPLEX|pipe.FILE_FLAG_OVERLAPPED, pipe.PIPE_TYPE_BYTE, 1, 4096, 4096, 0, nil)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := child.CreateFile(`\\.\pipe\bench-exit`, kernel.GENERIC_READ|kernel.GENERIC_WRITE, 0, nil, kernel.OPEN_EXISTING, 0); err != nil {
					b.Fatal(err)
				}
				for i := range ovs {
					if _, err := child.ReadFileOverlapped(context.Background(), srv, buf, &ovs[i]); err != kernel.ERROR_IO_PENDING {
						b.Fatal(err)
					}
				}
				child.Terminate(0)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/request")
		})
	}
}

// BenchmarkIOCPEchoServer measures round trips through a single-goroutine echo server
// driven by a completion port, with 1, 16 and 1,000 instances, each with its own client
// sending 64-byte messages; one op is one round trip.
func BenchmarkIOCPEchoServer(b *testing.B) {
	for _, instances := range []int{1, 16, 1000} {
		b.Run(strconv.Itoa(instances), func(b *testing.B) { runIOCPEcho(b, instances) })
	}
}

func runIOCPEcho(b *testing.B, instances int) {
	net, srv := benchMachine(b)
	defer net.Close()
	m := srv.Machine()
	ctx := context.Background()
	name := `\\.\pipe\bench-iocp`
	port, err := srv.CreateIoCompletionPort(kernel.InvalidHandle, 0, 0, 0)
	if err != nil {
		b.Fatal(err)
	}
	type inst struct {
		h       kernel.Handle
		ov      kernel.Overlapped
		buf     [64]byte
		reading bool
	}
	ins := make([]*inst, instances)
	for i := range ins {
		h, err := pipe.CreateNamedPipe(srv, name, pipe.PIPE_ACCESS_DUPLEX|pipe.FILE_FLAG_OVERLAPPED, pipe.PIPE_TYPE_MESSAGE|pipe.PIPE_READMODE_MESSAGE, uint32(min(instances, 255)), 4096, 4096, 0, nil)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := srv.CreateIoCompletionPort(h, port, uintptr(i), 0); err != nil {
			b.Fatal(err)
		}
		ins[i] = &inst{h: h}
	}
	// Each client connects, then does its share of the round trips.
	per := b.N/instances + 1
	cli, err := m.NewProcess("clients.exe", nil)
	if err != nil {
		b.Fatal(err)
	}
	hs := make([]kernel.Handle, instances)
	for i := range hs {
		if hs[i], err = cli.CreateFile(name, kernel.GENERIC_READ|kernel.GENERIC_WRITE, 0, nil, kernel.OPEN_EXISTING, 0); err != nil {
			b.Fatal(err)
		}
		mode := pipe.PIPE_READMODE_MESSAGE
		_ = pipe.SetNamedPipeHandleState(cli, hs[i], &mode, nil, nil)
	}
	for _, in := range ins {
		in.reading = true
		if _, err := srv.ReadFileOverlapped(ctx, in.h, in.buf[:], &in.ov); err != nil && err != kernel.ERROR_IO_PENDING {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	var wg sync.WaitGroup
	for i := range hs {
		wg.Go(func() {
			msg, buf := make([]byte, 64), make([]byte, 64)
			for range per {
				if _, err := cli.WriteFile(ctx, hs[i], msg); err != nil {
					b.Error(err)
					return
				}
				if _, err := cli.ReadFile(ctx, hs[i], buf); err != nil {
					b.Error(err)
					return
				}
			}
		})
	}
	for served := 0; served < per*instances; {
		st, err := srv.GetQueuedCompletionStatus(ctx, port, kernel.INFINITE)
		if err != nil {
			b.Fatal(err)
		}
		in := ins[st.Key]
		if in.reading {
			in.reading = false
			_, err = srv.WriteFileOverlapped(ctx, in.h, in.buf[:st.Bytes], &in.ov)
		} else {
			served++
			in.reading = true
			_, err = srv.ReadFileOverlapped(ctx, in.h, in.buf[:], &in.ov)
		}
		if err != nil && err != kernel.ERROR_IO_PENDING {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	wg.Wait()
	cli.Terminate(0)
	srv.Terminate(0)
}
