package pipe_test

import (
	"context"
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
