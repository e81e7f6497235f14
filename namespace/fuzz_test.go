package namespace

import (
	"strings"
	"testing"
)

// FuzzParseWin32Path checks, for any input, that ParseWin32Path never panics and that an
// accepted name satisfies:
//
//  1. the parts rebuild the NT path: `\??\` + Share + Rest for devices and
//     `\??\UNC\` (in the case written) + Host + `\` + Share + Rest for UNC names;
//  2. Share and Host hold no backslash and are not empty, and Rest is "" or starts with `\`;
//  3. the NT path re-parses to itself: its verbatim Win32 spelling (`\\?\` + NTPath[4:])
//     gives back exactly the same Win32Path, since RtlDosPathNameToNtPathName_U leaves
//     verbatim names alone (ntdll/tests/path.c);
//  4. a lookup of the NT path in a standard tree never panics.
func FuzzParseWin32Path(f *testing.F) {
	for _, s := range []string{
		`\\.\pipe\x`, `\\.\PiPe\x`, `\\.\mailslot\a\b`, `\\?\pipe\x`, `\\HOST\pipe\x`,
		`\\*\mailslot\x`, `\\DOMAIN\mailslot\x`, `\\.\pipe\trailingslash\`, `\\.\pipe\a<>*?|"/b`,
		`\\?\pipe\a/b`, `\\.\pipe\wine\..\test`, `//./foo/..`, `\\.\foo. . `, `\\`, `\\.`, `\\.\`,
		`\\HOST`, `\??\foo/..`, ``, ` `, `C:\x`, `\\?\UNC\h\s\x`, `\\.\x\..\..\..`, `\\a\b\..\..\c`,
		"\\\\.\\p\xff\\x", `\\.\pipe\x.. \y. .\z..`,
	} {
		f.Add(s)
	}
	root := NewRoot()
	if _, err := root.Insert(NamedPipeDevice, &device{"npfs"}); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, name string) {
		w, err := ParseWin32Path(name)
		if err != nil {
			if _, ok := Code(err); !ok {
				t.Fatalf("%q: error without a Win32 code: %v", name, err)
			}
			return
		}
		var rebuilt string
		switch w.Kind {
		case KindDevice:
			rebuilt = `\??\` + w.Share + w.Rest
			if w.Host != "." {
				t.Fatalf("%q: device host %q", name, w.Host)
			}
		case KindUNC:
			rebuilt = w.NTPath[:len(`\??\UNC\`)] + w.Host + `\` + w.Share + w.Rest
			if !strings.EqualFold(rebuilt[:len(`\??\UNC\`)], `\??\UNC\`) {
				t.Fatalf("%q: UNC path %q", name, w.NTPath)
			}
			if w.Host == "" || strings.Contains(w.Host, `\`) {
				t.Fatalf("%q: bad host %q", name, w.Host)
			}
		default:
			t.Fatalf("%q: kind %v", name, w.Kind)
		}
		if rebuilt != w.NTPath {
			t.Fatalf("%q: parts %q rebuild %q, NT path %q", name, w, rebuilt, w.NTPath)
		}
		if w.Share == "" || strings.Contains(w.Share, `\`) {
			t.Fatalf("%q: bad share %q", name, w.Share)
		}
		if w.Rest != "" && w.Rest[0] != '\\' {
			t.Fatalf("%q: rest %q", name, w.Rest)
		}
		again, err := ParseWin32Path(`\\?\` + w.NTPath[len(`\??\`):])
		if err != nil || again != w {
			t.Fatalf("%q: verbatim %q re-parses to %+v, %v; want %+v", name, w.NTPath, again, err, w)
		}
		_, _, _ = root.Lookup(w.NTPath)
	})
}

// FuzzDirectory runs a script of inserts, lookups and removes decoded from the input against
// a standard tree and checks that nothing panics or hangs and that the tree stays consistent:
// a value just inserted is found at its path (through any links in the parent part), and once
// removed it is gone.
func FuzzDirectory(f *testing.F) {
	f.Add([]byte("i\\a\x00l\\A\x00r\\a\x00"))
	f.Add([]byte("d\\x\x00i\\x\\y\x00s\\l\x00\\x\x00l\\l\\y\x00"))
	f.Add([]byte("s\\loop\x00\\loop\\z\x00i\\loop\\q\x00l\\loop\x00"))
	f.Add([]byte("i\\Sessions\\1\\BaseNamedObjects\\Global\\e\x00l\\BaseNamedObjects\\E\x00"))
	f.Fuzz(func(t *testing.T, script []byte) {
		root := NewRoot()
		fields := strings.Split(string(script), "\x00")
		for i := 0; i < len(fields); i++ {
			op := fields[i]
			if op == "" {
				continue
			}
			path := op[1:]
			switch op[0] {
			case 'i': // insert a fresh value and find it again
				v := &device{path}
				_, err := root.Insert(path, v)
				if err != nil {
					if _, ok := Code(err); !ok {
						t.Fatalf("insert %q: %v", path, err)
					}
					continue
				}
				got, rest, err := root.Lookup(path)
				if err != nil || got != v || rest != "" {
					t.Fatalf("insert %q then lookup: %v %q %v", path, got, rest, err)
				}
				if !root.Remove(path, v) {
					t.Fatalf("remove %q failed", path)
				}
				if got, _, err := root.Lookup(path); err == nil && got == v {
					t.Fatalf("%q still there after remove", path)
				}
			case 'd':
				_, _ = root.Mkdir(path)
			case 's': // symlink: the next field is the target
				target := ""
				if i+1 < len(fields) {
					i++
					target = fields[i]
				}
				_, _ = root.Insert(path, NewSymlink(target))
			case 'l':
				_, _, _ = root.Lookup(path)
				_, _, _ = root.LookupMatch(path, CaseSensitive)
			case 'r':
				_ = root.Remove(path, nil)
			}
		}
		n := 0
		root.Walk(func(string, any) bool { n++; return true })
		if n == 0 {
			t.Fatal("walk saw nothing")
		}
	})
}
