package namespace

import "testing"

// BenchmarkLookup3Level looks up a three-component path that needs no symbolic link. The
// goal is 0 allocs/op.
func BenchmarkLookup3Level(b *testing.B) {
	root := NewRoot()
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := root.Lookup(SessionBaseNamedObjects); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLookup3LevelOtherCase is the same lookup spelt in another case.
func BenchmarkLookup3LevelOtherCase(b *testing.B) {
	root := NewRoot()
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := root.Lookup(`\SESSIONS\1\basenamedobjects`); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLookupPipeThroughLinks is what opening `\\.\pipe\x` costs in the namespace:
// \?? and \GLOBAL??\PIPE are links.
func BenchmarkLookupPipeThroughLinks(b *testing.B) {
	root := NewRoot()
	if _, err := root.Insert(NamedPipeDevice, &device{"npfs"}); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := root.Lookup(`\??\pipe\x`); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParseWin32Path translates a local pipe name.
func BenchmarkParseWin32Path(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseWin32Path(`\\.\pipe\some\pipe-name`); err != nil {
			b.Fatal(err)
		}
	}
}
