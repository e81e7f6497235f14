package pipe_test

import (
	"testing"

	"github.com/winsim/winsim/kernel"
	"github.com/winsim/winsim/pipe"
)

// BenchmarkCreateFilePipeClient is a client's open of a named pipe with the default
// descriptor (the access check against the named-pipe default DACL included): per
// iteration a listening instance is made, the client opens it, and both close.
func BenchmarkCreateFilePipeClient(b *testing.B) {
	n, p := benchMachine(b)
	defer n.Close()
	defer p.Terminate(0)
	b.ReportAllocs()
	for b.Loop() {
		srv, err := pipe.CreateNamedPipe(p, `\\.\pipe\bench-open`, pipe.PIPE_ACCESS_DUPLEX, pipe.PIPE_TYPE_BYTE, 1, 0, 0, 0, nil)
		if err != nil {
			b.Fatal(err)
		}
		cli, err := p.CreateFile(`\\.\pipe\bench-open`, kernel.GENERIC_READ|kernel.GENERIC_WRITE, 0, nil, kernel.OPEN_EXISTING, 0)
		if err != nil {
			b.Fatal(err)
		}
		if err := p.CloseHandle(cli); err != nil {
			b.Fatal(err)
		}
		if err := p.CloseHandle(srv); err != nil {
			b.Fatal(err)
		}
	}
}
