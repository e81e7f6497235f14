package mailslot

import (
	"testing"

	"github.com/winsim/winsim/kernel"
)

// BenchmarkCreateFileMailslotClient is a local client's open of a mailslot with the
// default descriptor (the access check included), then CloseHandle.
func BenchmarkCreateFileMailslotClient(b *testing.B) {
	p, h, q, c := localPair(b)
	_ = q.CloseHandle(c)
	b.ReportAllocs()
	for b.Loop() {
		c, err := q.CreateFile(testName, kernel.GENERIC_WRITE, kernel.FILE_SHARE_READ, nil, kernel.OPEN_EXISTING, 0)
		if err != nil {
			b.Fatal(err)
		}
		if err := q.CloseHandle(c); err != nil {
			b.Fatal(err)
		}
	}
	_ = p.CloseHandle(h)
}
