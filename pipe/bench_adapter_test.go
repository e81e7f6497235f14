package pipe_test

import (
	"io"
	"testing"

	"github.com/winsim/winsim/pipe"
)

// BenchmarkConnPingPong measures one round trip of 8 bytes through a pair of pipe conns:
// client Write, server Read and Write back, client Read.
func BenchmarkConnPingPong(b *testing.B) {
	for _, tc := range []struct {
		name string
		cfg  *pipe.PipeConfig
	}{
		{"Byte", &pipe.PipeConfig{InputBufferSize: 4096, OutputBufferSize: 4096}},
		{"Message", &pipe.PipeConfig{MessageMode: true, InputBufferSize: 4096, OutputBufferSize: 4096}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			e := newAdEnv(b)
			sc, cc, _ := e.mustConnect(b, tc.cfg)
			done := make(chan error, 1)
			go func() {
				buf := make([]byte, 8)
				for {
					if _, err := io.ReadFull(sc, buf); err != nil {
						done <- nil
						return
					}
					if _, err := sc.Write(buf); err != nil {
						done <- err
						return
					}
				}
			}()
			buf := make([]byte, 8)
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				if _, err := cc.Write(buf); err != nil {
					b.Fatal(err)
				}
				if _, err := io.ReadFull(cc, buf); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			cc.Close()
			if err := <-done; err != nil {
				b.Fatal(err)
			}
		})
	}
}

// BenchmarkConnThroughput measures streaming 64 KiB writes from client to server.
func BenchmarkConnThroughput(b *testing.B) {
	e := newAdEnv(b)
	sc, cc, _ := e.mustConnect(b, &pipe.PipeConfig{InputBufferSize: 1 << 16, OutputBufferSize: 1 << 16})
	done := make(chan error, 1)
	go func() {
		_, err := io.Copy(io.Discard, sc)
		done <- err
	}()
	chunk := make([]byte, 1<<16)
	b.SetBytes(int64(len(chunk)))
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if _, err := cc.Write(chunk); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	cc.Close()
	if err := <-done; err != nil {
		b.Fatal(err)
	}
}
