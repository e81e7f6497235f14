package kernel_test

import (
	"testing"

	"github.com/winsim/winsim/kernel"
)

// BenchmarkOpenEventByName is the open-by-name path with a default descriptor:
// OpenEvent of a named event another handle keeps alive (name lookup, the access
// check against the creator's default DACL, handle insertion), then CloseHandle.
func BenchmarkOpenEventByName(b *testing.B) {
	_, p := benchMachine(b)
	defer p.Terminate(0)
	keep, err := p.CreateEvent(nil, true, false, "bench-open")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		h, err := p.OpenEvent(kernel.SYNCHRONIZE|kernel.EVENT_MODIFY_STATE, false, "bench-open")
		if err != nil {
			b.Fatal(err)
		}
		if err := p.CloseHandle(h); err != nil {
			b.Fatal(err)
		}
	}
	if err := p.CloseHandle(keep); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkOpenProcess is OpenProcess of a running process of the same user, then
// CloseHandle.
func BenchmarkOpenProcess(b *testing.B) {
	m, p := benchMachine(b)
	defer p.Terminate(0)
	q, err := m.NewProcess("target.exe", nil)
	if err != nil {
		b.Fatal(err)
	}
	defer q.Terminate(0)
	b.ReportAllocs()
	for b.Loop() {
		h, err := p.OpenProcess(kernel.PROCESS_QUERY_LIMITED_INFORMATION, false, q.PID())
		if err != nil {
			b.Fatal(err)
		}
		if err := p.CloseHandle(h); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCreateNamedEvent is the create path of a named object with a default
// descriptor: CreateEvent of a new name in the session's BaseNamedObjects (the
// descriptor the directory's and the token's defaults give, the name's insertion, the
// handle), then CloseHandle, which takes the name out again.
func BenchmarkCreateNamedEvent(b *testing.B) {
	_, p := benchMachine(b)
	defer p.Terminate(0)
	b.ReportAllocs()
	for b.Loop() {
		h, err := p.CreateEvent(nil, true, false, "bench-create")
		if err != nil {
			b.Fatal(err)
		}
		if err := p.CloseHandle(h); err != nil {
			b.Fatal(err)
		}
	}
}
