package pipe_test

import (
	"context"
	"io"
	"net"
	"os"
	"runtime"
	"strconv"
	"sync"
	"testing"

	"github.com/winsim/winsim/kernel"
	"github.com/winsim/winsim/pipe"
)

// The benchmarks compare winsim's pipes with Go's own in one run: byte-stream throughput
// with 64 KiB writes against os.Pipe, io.Pipe and net.Pipe, and the round trip of a
// 64-byte message between two goroutines against net.Pipe and a pair of channels.
// BenchmarkPipeRatios runs them all and reports the ratios the design aims at
// (docs/pipes.md, "Performance").

const chunk = 64 << 10

// benchMachine is a machine with the pipe file system and one process, without the
// test harness's leak checks (benchmarks run many times).
func benchMachine(b *testing.B) (*kernel.Network, *kernel.Process) {
	b.Helper()
	n := kernel.NewNetwork()
	m, err := n.AddMachine("BENCH", "WORKGROUP")
	if err != nil {
		b.Fatal(err)
	}
	if err := pipe.Install(m); err != nil {
		b.Fatal(err)
	}
	p, err := m.NewProcess("bench.exe", nil)
	if err != nil {
		b.Fatal(err)
	}
	return n, p
}

// streamer is a byte stream under test: write and read ends as io.Writer/io.Reader.
type streamer struct {
	w     func([]byte) (int, error)
	r     func([]byte) (int, error)
	close func()
}

func winsimStream(b *testing.B, size uint32) streamer {
	n, p := benchMachine(b)
	r, w, err := pipe.CreatePipe(p, nil, size)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	return streamer{
		w:     func(buf []byte) (int, error) { return p.WriteFile(ctx, w, buf) },
		r:     func(buf []byte) (int, error) { return p.ReadFile(ctx, r, buf) },
		close: func() { p.Terminate(0); n.Close() },
	}
}

func osStream(b *testing.B) streamer {
	r, w, err := os.Pipe()
	if err != nil {
		b.Fatal(err)
	}
	return streamer{w: w.Write, r: r.Read, close: func() { _ = r.Close(); _ = w.Close() }}
}

func ioStream(*testing.B) streamer {
	r, w := io.Pipe()
	return streamer{w: w.Write, r: r.Read, close: func() { _ = r.Close(); _ = w.Close() }}
}

func netStream(*testing.B) streamer {
	a, c := net.Pipe()
	return streamer{w: a.Write, r: c.Read, close: func() { _ = a.Close(); _ = c.Close() }}
}

// runThroughput writes b.N chunks of 64 KiB on one goroutine and reads them with a
// 64 KiB buffer on another.
func runThroughput(b *testing.B, s streamer) { runStream(b, s, chunk) }

// runStream writes b.N chunks of size bytes on one goroutine and reads them with a
// buffer of that size on another.
func runStream(b *testing.B, s streamer, size int) {
	defer s.close()
	data := make([]byte, size)
	buf := make([]byte, size)
	b.SetBytes(int64(size))
	b.ReportAllocs()
	b.ResetTimer()
	var wg sync.WaitGroup
	wg.Go(func() {
		for range b.N {
			if _, err := s.w(data); err != nil {
				b.Error(err)
				return
			}
		}
	})
	total := b.N * size
	for got := 0; got < total; {
		n, err := s.r(buf)
		if err != nil {
			b.Fatal(err)
		}
		got += n
	}
	b.StopTimer()
	wg.Wait()
}

// BenchmarkThroughput measures a byte stream of 64 KiB writes.
func BenchmarkThroughput(b *testing.B) {
	b.Run("winsim-anonymous-4KiB", func(b *testing.B) { runThroughput(b, winsimStream(b, 0)) })
	b.Run("winsim-anonymous-64KiB", func(b *testing.B) { runThroughput(b, winsimStream(b, chunk)) })
	b.Run("winsim-anonymous-1MiB", func(b *testing.B) { runThroughput(b, winsimStream(b, 1<<20)) })
	b.Run("os.Pipe", func(b *testing.B) { runThroughput(b, osStream(b)) })
	b.Run("io.Pipe", func(b *testing.B) { runThroughput(b, ioStream(b)) })
	b.Run("net.Pipe", func(b *testing.B) { runThroughput(b, netStream(b)) })
}

// BenchmarkHandOver measures streams of writes around handOverMin (buffer.go), the
// smallest write after which a writer that completed a waiting read yields to its reader,
// through a 1 MiB pipe, where every such write would fit the quota: below the threshold
// the writes do not hand over, at and above it they do. To tell whether the hand-over
// pays at a size, compare a build with handOverMin moved below it against one without.
func BenchmarkHandOver(b *testing.B) {
	for _, size := range []int{4 << 10, 16 << 10, 24 << 10, 32 << 10} {
		b.Run(strconv.Itoa(size>>10)+"KiB", func(b *testing.B) { runStream(b, winsimStream(b, 1<<20), size) })
	}
}

// BenchmarkReaderWaiting measures the byte path's one copy: each 64 KiB write finds a
// read of 64 KiB already waiting, and completes it by copying straight into the reader's
// buffer, as NPFS completes a queued read IRP. Its baseline, in the same run, is a plain
// 64 KiB copy; the design's goal is at least 0.8× its speed.
func BenchmarkReaderWaiting(b *testing.B) {
	b.Run("winsim", runReaderWaiting)
	b.Run("memmove", func(b *testing.B) {
		src, dst := make([]byte, chunk), make([]byte, chunk)
		b.SetBytes(chunk)
		for b.Loop() {
			copy(dst, src)
		}
	})
}

// runReaderWaiting writes b.N chunks, each after a runtime.Gosched: with GOMAXPROCS 1 the
// reader then runs until its next read blocks, so every write finds the read waiting
// (with more Ps most do; a write that does not blocks, and the read then copies straight
// out of the writer's buffer: one copy either way).
func runReaderWaiting(b *testing.B) {
	n, p := benchMachine(b)
	defer n.Close()
	defer p.Terminate(0)
	r, w, err := pipe.CreatePipe(p, nil, 0)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	data := make([]byte, chunk)
	b.SetBytes(chunk)
	b.ReportAllocs()
	var wg sync.WaitGroup
	wg.Go(func() {
		buf := make([]byte, chunk)
		for range b.N {
			if n, err := p.ReadFile(ctx, r, buf); err != nil || n != chunk {
				b.Error(n, err)
				return
			}
		}
	})
	b.ResetTimer()
	for range b.N {
		runtime.Gosched()
		if _, err := p.WriteFile(ctx, w, data); err != nil {
			b.Fatal(err)
		}
	}
	wg.Wait()
	b.StopTimer()
}

// pinger is a two-way message channel under test: a's send/receive and b's.
type pinger struct {
	aw, ar, bw, br func([]byte) (int, error)
	close          func()
}

func winsimPinger(b *testing.B) pinger {
	n, p := benchMachine(b)
	name := `\\.\pipe\bench-pingpong`
	srv, err := pipe.CreateNamedPipe(p, name, pipe.PIPE_ACCESS_DUPLEX, pipe.PIPE_TYPE_MESSAGE|pipe.PIPE_READMODE_MESSAGE, 1, 4096, 4096, 0, nil)
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
	ctx := context.Background()
	return pinger{
		aw:    func(buf []byte) (int, error) { return p.WriteFile(ctx, srv, buf) },
		ar:    func(buf []byte) (int, error) { return p.ReadFile(ctx, srv, buf) },
		bw:    func(buf []byte) (int, error) { return p.WriteFile(ctx, cli, buf) },
		br:    func(buf []byte) (int, error) { return p.ReadFile(ctx, cli, buf) },
		close: func() { p.Terminate(0); n.Close() },
	}
}

func netPinger(*testing.B) pinger {
	a, c := net.Pipe()
	return pinger{aw: a.Write, ar: a.Read, bw: c.Write, br: c.Read, close: func() { _ = a.Close(); _ = c.Close() }}
}

// chanPinger passes the message through two channels of []byte, copying it out as a
// read would.
func chanPinger(*testing.B) pinger {
	ab, ba := make(chan []byte), make(chan []byte)
	send := func(ch chan []byte) func([]byte) (int, error) {
		return func(p []byte) (int, error) { ch <- p; return len(p), nil }
	}
	recv := func(ch chan []byte) func([]byte) (int, error) {
		return func(p []byte) (int, error) { return copy(p, <-ch), nil }
	}
	return pinger{aw: send(ab), br: recv(ab), bw: send(ba), ar: recv(ba), close: func() {}}
}

// runPingPong sends a 64-byte message from a to b and back, b.N times.
func runPingPong(b *testing.B, pp pinger) {
	defer pp.close()
	msg := make([]byte, 64)
	b.ReportAllocs()
	b.ResetTimer()
	var wg sync.WaitGroup
	wg.Go(func() {
		buf := make([]byte, 64)
		for range b.N {
			n, err := pp.br(buf)
			if err != nil {
				b.Error(err)
				return
			}
			if _, err := pp.bw(buf[:n]); err != nil {
				b.Error(err)
				return
			}
		}
	})
	buf := make([]byte, 64)
	for range b.N {
		if _, err := pp.aw(msg); err != nil {
			b.Fatal(err)
		}
		if _, err := io.ReadFull(readerFunc(pp.ar), buf); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	wg.Wait()
}

type readerFunc func([]byte) (int, error)

func (f readerFunc) Read(p []byte) (int, error) { return f(p) }

// BenchmarkPingPong measures the round trip of a 64-byte message.
func BenchmarkPingPong(b *testing.B) {
	b.Run("winsim-message-pipe", func(b *testing.B) { runPingPong(b, winsimPinger(b)) })
	b.Run("net.Pipe", func(b *testing.B) { runPingPong(b, netPinger(b)) })
	b.Run("channels", func(b *testing.B) { runPingPong(b, chanPinger(b)) })
}

// BenchmarkPipeRatios runs the comparisons above in this one run and reports, on its
// last line ("ratios"), the ratios the design targets: winsim's throughput over
// os.Pipe's (>= 5) and over io.Pipe's (>= 0.8), and winsim's ping-pong time over
// net.Pipe's (<= 1).
func BenchmarkPipeRatios(b *testing.B) {
	// measure runs f as a sub-benchmark and keeps its final time per op.
	measure := func(name string, f func(*testing.B)) *float64 {
		var nsPerOp float64
		b.Run(name, func(b *testing.B) {
			f(b)
			nsPerOp = float64(b.Elapsed().Nanoseconds()) / float64(b.N)
		})
		return &nsPerOp
	}
	ws := measure("throughput/winsim", func(b *testing.B) { runThroughput(b, winsimStream(b, 0)) })
	osb := measure("throughput/os.Pipe", func(b *testing.B) { runThroughput(b, osStream(b)) })
	iob := measure("throughput/io.Pipe", func(b *testing.B) { runThroughput(b, ioStream(b)) })
	wp := measure("pingpong/winsim", func(b *testing.B) { runPingPong(b, winsimPinger(b)) })
	np := measure("pingpong/net.Pipe", func(b *testing.B) { runPingPong(b, netPinger(b)) })
	b.Run("ratios", func(b *testing.B) {
		for range b.N {
		}
		// Throughput is bytes per ns, so the ratio of speeds is the inverse ratio of times.
		b.ReportMetric(*osb / *ws, "x-os.Pipe-throughput")
		b.ReportMetric(*iob / *ws, "x-io.Pipe-throughput")
		b.ReportMetric(*wp / *np, "x-net.Pipe-pingpong-time")
	})
}
