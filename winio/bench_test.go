package winio

import (
	"context"
	"io"
	"testing"

	"github.com/winsim/winsim/kernel"
	"github.com/winsim/winsim/kerneltest"
	"github.com/winsim/winsim/pipe"
)

// The benchmarks run each harness over three transports, so one `go test -bench` run
// compares them: winio's connections, io.Pipe (the in-memory floor), and the raw pipe
// package (ReadFile and WriteFile on the two ends of a named pipe, no adapter).

// benchQuota is every pipe's buffer quota: one 64 KiB write fits.
const benchQuota = 1 << 16

// rawEnd is one end of a pipe package pipe, read and written with the process's
// ReadFile and WriteFile: the cost the winio adapter adds to is this.
type rawEnd struct {
	p *kernel.Process
	h kernel.Handle
}

func (e rawEnd) Read(b []byte) (int, error) {
	n, err := e.p.ReadFile(context.Background(), e.h, b)
	if err != nil && n == 0 {
		return 0, io.EOF
	}
	return n, nil
}

func (e rawEnd) Write(b []byte) (int, error) { return e.p.WriteFile(context.Background(), e.h, b) }

func (e rawEnd) Close() error { return e.p.CloseHandle(e.h) }

// transport makes a connected pair: the client end and the server end.
type transport func(b *testing.B) (client, server io.ReadWriteCloser)

func winioTransport(cfg PipeConfig, quota int32) transport {
	return func(b *testing.B) (io.ReadWriteCloser, io.ReadWriteCloser) {
		p := kerneltest.NewProcess(b, kerneltest.NewMachine(b, pipe.Install), "bench.exe")
		b.Cleanup(func() { p.Terminate(0) })
		cfg.InputBufferSize, cfg.OutputBufferSize = quota, quota
		// connect takes a *testing.T; this is its steps for a benchmark.
		path := uniquePipe()
		l, err := On(p).ListenPipe(path, &cfg)
		if err != nil {
			b.Fatal(err)
		}
		defer l.Close()
		ch := accept(l)
		c, err := On(p).DialPipe(path, nil)
		if err != nil {
			b.Fatal(err)
		}
		return c, <-ch
	}
}

func ioPipeTransport(*testing.B) (io.ReadWriteCloser, io.ReadWriteCloser) {
	cr, sw := io.Pipe()
	sr, cw := io.Pipe()
	return duplex{cr, cw}, duplex{sr, sw}
}

// duplex is two io.Pipes as one two-way connection.
type duplex struct {
	*io.PipeReader
	*io.PipeWriter
}

func (d duplex) Close() error { _ = d.PipeReader.Close(); return d.PipeWriter.Close() }

func rawPipeTransport(b *testing.B) (io.ReadWriteCloser, io.ReadWriteCloser) {
	p := kerneltest.NewProcess(b, kerneltest.NewMachine(b, pipe.Install), "bench.exe")
	b.Cleanup(func() { p.Terminate(0) })
	name := uniquePipe()
	s, err := pipe.CreateNamedPipe(p, name, pipe.PIPE_ACCESS_DUPLEX, pipe.PIPE_TYPE_BYTE, 1, benchQuota, benchQuota, 0, nil)
	if err != nil {
		b.Fatal(err)
	}
	c, err := p.CreateFile(name, kernel.GENERIC_READ|kernel.GENERIC_WRITE, 0, nil, kernel.OPEN_EXISTING, 0)
	if err != nil {
		b.Fatal(err)
	}
	return rawEnd{p, c}, rawEnd{p, s}
}

var transports = []struct {
	name string
	make transport
}{
	{"Byte", winioTransport(PipeConfig{}, benchQuota)},
	// go-winio's default quotas are 0: each write waits for the reader, as io.Pipe's does.
	{"ByteQuota0", winioTransport(PipeConfig{}, 0)},
	{"Message", winioTransport(PipeConfig{MessageMode: true}, benchQuota)},
	{"IOPipe", ioPipeTransport},
	{"RawPipe", rawPipeTransport},
}

// BenchmarkConnPingPong measures one round trip of 8 bytes: the client writes, the
// server reads and writes back, the client reads.
func BenchmarkConnPingPong(b *testing.B) {
	for _, tr := range transports {
		b.Run(tr.name, func(b *testing.B) {
			c, s := tr.make(b)
			done := make(chan error, 1)
			go func() {
				buf := make([]byte, 8)
				for {
					if _, err := io.ReadFull(s, buf); err != nil {
						done <- nil
						return
					}
					if _, err := s.Write(buf); err != nil {
						done <- err
						return
					}
				}
			}()
			buf := make([]byte, 8)
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				if _, err := c.Write(buf); err != nil {
					b.Fatal(err)
				}
				if _, err := io.ReadFull(c, buf); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			_ = c.Close()
			if err := <-done; err != nil {
				b.Fatal(err)
			}
			_ = s.Close()
		})
	}
}

// BenchmarkConnThroughput measures streaming from client to server in 64 KiB writes,
// read on the other side with 64 KiB reads.
func BenchmarkConnThroughput(b *testing.B) {
	for _, tr := range transports {
		b.Run(tr.name, func(b *testing.B) {
			c, s := tr.make(b)
			total := int64(b.N) << 16
			done := make(chan error, 1)
			go func() {
				buf := make([]byte, 1<<16)
				var got int64
				for got < total {
					n, err := s.Read(buf)
					got += int64(n)
					if err != nil {
						done <- err
						return
					}
				}
				done <- nil
			}()
			chunk := make([]byte, 1<<16)
			b.SetBytes(int64(len(chunk)))
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				if _, err := c.Write(chunk); err != nil {
					b.Fatal(err)
				}
			}
			if err := <-done; err != nil {
				b.Fatal(err)
			}
			b.StopTimer()
			_ = c.Close()
			_ = s.Close()
		})
	}
}
