package namespace_test

import (
	"fmt"

	"github.com/winsim/winsim/namespace"
)

// ExampleParseWin32Path shows how Win32 names reach the object namespace: translated as
// RtlDosPathNameToNtPathName_U does, then walked through \?? to the device that parses the
// rest.
func ExampleParseWin32Path() {
	root := namespace.NewRoot()
	type device struct{ name string }
	for path, name := range map[string]string{
		namespace.NamedPipeDevice: "pipe device",
		namespace.MailslotDevice:  "mailslot device",
		namespace.MupDevice:       "redirector",
	} {
		if _, err := root.Insert(path, &device{name}); err != nil {
			panic(err)
		}
	}
	for _, name := range []string{
		`\\.\pipe\demo`,
		`\\.\PiPe\a/b`,
		`\\?\pipe\a/b`,
		`\\.\mailslot\box\inner`,
		`\\HOST\pipe\demo`,
		`\\*\mailslot\box`,
		`\\HOST`,
	} {
		w, err := namespace.ParseWin32Path(name)
		if err != nil {
			code, _ := namespace.Code(err)
			fmt.Printf("%-24s error %d\n", name, code)
			continue
		}
		v, rest, err := root.Lookup(w.NTPath)
		if err != nil {
			panic(err)
		}
		fmt.Printf("%-24s %-6s %-26s %s, rest %s\n", name, w.Kind, w.NTPath, v.(*device).name, rest)
	}
	// Output:
	// \\.\pipe\demo            device \??\pipe\demo              pipe device, rest \demo
	// \\.\PiPe\a/b             device \??\PiPe\a\b               pipe device, rest \a\b
	// \\?\pipe\a/b             device \??\pipe\a/b               pipe device, rest \a/b
	// \\.\mailslot\box\inner   device \??\mailslot\box\inner     mailslot device, rest \box\inner
	// \\HOST\pipe\demo         unc    \??\UNC\HOST\pipe\demo     redirector, rest \HOST\pipe\demo
	// \\*\mailslot\box         unc    \??\UNC\*\mailslot\box     redirector, rest \*\mailslot\box
	// \\HOST                   error 161
}

// ExampleObjectName shows where kernel32's named objects live and how the Global and Local
// prefixes resolve.
func ExampleObjectName() {
	root := namespace.NewRoot()
	for _, name := range []string{`x`, `Local\x`, `Global\x`} {
		path, err := namespace.ObjectName(name)
		if err != nil {
			panic(err)
		}
		dir, _, err := root.LookupMatch(path[:len(path)-len(`\x`)], namespace.CaseSensitive)
		if err != nil {
			panic(err)
		}
		where := namespace.SessionBaseNamedObjects
		if global, _, _ := root.Lookup(namespace.GlobalBaseNamedObjects); dir == global {
			where = namespace.GlobalBaseNamedObjects
		}
		fmt.Printf("%-9s %-40s lands in %s\n", name, path, where)
	}
	// Output:
	// x         \Sessions\1\BaseNamedObjects\x           lands in \Sessions\1\BaseNamedObjects
	// Local\x   \Sessions\1\BaseNamedObjects\Local\x     lands in \Sessions\1\BaseNamedObjects
	// Global\x  \Sessions\1\BaseNamedObjects\Global\x    lands in \BaseNamedObjects
}
