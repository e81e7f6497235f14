package windows

import (
	"bytes"
	"flag"
	"fmt"
	"go/ast"
	"go/parser"
	"go/printer"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestCoverage keeps the coverage table (coverage_table_test.go) and this package's exported
// functions in step, both ways, and docs/coverage.md in step with the table:
// go test ./windows/ -run TestCoverage -update-coverage rewrites the page.

var updateCoverage = flag.Bool("update-coverage", false, "rewrite docs/coverage.md from the coverage table")

const coverageDocPath = "../docs/coverage.md"

// A coverageStatus says whether package windows has an x/sys/windows function.
type coverageStatus int

const (
	covImplemented coverageStatus = iota // exported, with x/sys's signature
	covDiffers                           // exported, with x/sys's signature; behaves differently as the row says
	covMissing                           // not exported
)

func (s coverageStatus) String() string {
	return [...]string{"yes", "differs", "no"}[s]
}

// A coverageRow is one x/sys/windows function of a family.
type coverageRow struct {
	name   string
	status coverageStatus
	sig    string // x/sys/windows' declaration, for the functions package windows has
	why    string // one line: what it serves, how it differs, or what winsim lacks
}

// impl is a row for a function package windows has as x/sys/windows does; sig is x/sys's
// declaration, "func Name(params) results".
func impl(sig, why string) coverageRow {
	return coverageRow{name: sigName(sig), status: covImplemented, sig: sig, why: why}
}

// differs is a row for a function package windows has, with the difference why names.
func differs(sig, why string) coverageRow {
	return coverageRow{name: sigName(sig), status: covDiffers, sig: sig, why: why}
}

// missing is a row for a function package windows does not have, and why.
func missing(name, why string) coverageRow {
	return coverageRow{name: name, status: covMissing, why: why}
}

// sigName returns the name of a declaration: "Name" for "func Name(...", "Type.Name" for a
// method, "func (r *Type) Name(...".
func sigName(sig string) string {
	rest := strings.TrimPrefix(sig, "func ")
	recv := ""
	if strings.HasPrefix(rest, "(") {
		r, after, _ := strings.Cut(rest[1:], ") ")
		recv = strings.TrimLeft(r[strings.LastIndexByte(r, ' ')+1:], "*") + "."
		rest = after
	}
	name, _, _ := strings.Cut(rest, "(")
	return recv + name
}

// declPrefix is how a row's declaration starts: "func Name(" for a function, "func (" for a
// method.
func declPrefix(name string) string {
	if strings.Contains(name, ".") {
		return "func ("
	}
	return "func " + name + "("
}

// A coverageFamily is one section of the page.
type coverageFamily struct {
	title, about string
	rows         []coverageRow
}

// A coverageArea is a group of x/sys/windows functions outside the families.
type coverageArea struct {
	area, why string
	names     []string
}

// A coverageExtra is a function package windows exports that x/sys/windows does not.
type coverageExtra struct{ name, what string }

func TestCoverage(t *testing.T) {
	exports := exportedFuncs(t)

	t.Run("rows are well formed and each name appears once", func(t *testing.T) {
		seen := map[string]string{}
		note := func(name, where string) {
			if prev, ok := seen[name]; ok {
				t.Errorf("%s is listed twice: in %s and in %s", name, prev, where)
			}
			seen[name] = where
		}
		for _, f := range append(append([]coverageFamily(nil), coverageFamilies...), coverageMethodFamily()) {
			require.NotEmpty(t, f.rows, f.title)
			for _, r := range f.rows {
				typ, method, isMethod := strings.Cut(r.name, ".")
				assert.True(t, token.IsExported(typ) && (!isMethod || token.IsExported(method)), "%s: %q is not an exported name", f.title, r.name)
				note(r.name, f.title)
				if r.status == covMissing {
					assert.Empty(t, r.sig, r.name)
				} else {
					assert.True(t, strings.HasPrefix(r.sig, declPrefix(r.name)) && sigName(r.sig) == r.name, "%s: signature %q", r.name, r.sig)
				}
				if r.status != covImplemented {
					assert.NotEmpty(t, r.why, "%s: a row that differs or is missing says why", r.name)
				}
				assert.NotContains(t, r.why, "|", "%s: the note is a table cell", r.name)
			}
		}
		for _, a := range coverageOutside {
			assert.NotEmpty(t, a.why, a.area)
			for _, n := range a.names {
				note(n, "outside: "+a.area)
			}
		}
		for _, e := range coverageBeyond {
			note(e.name, "beyond x/sys")
		}
		for _, e := range coverageWinsim {
			note(e.name, "winsim's own")
		}
	})

	t.Run("implemented functions are exported with x/sys's types", func(t *testing.T) {
		for _, f := range coverageFamilies {
			for _, r := range f.rows {
				ours, ok := exports[r.name]
				checkDeclared(t, r, ours, ok)
			}
		}
	})

	t.Run("methods of the security types are exported with x/sys's types, and all listed", func(t *testing.T) {
		methods := exportedMethods(t)
		listed := map[string]bool{}
		for _, r := range coverageMethods {
			listed[r.name] = true
			ours, ok := methods[r.name]
			checkDeclared(t, r, ours, ok)
		}
		for name := range methods {
			typ, _, _ := strings.Cut(name, ".")
			if slices.Contains(coverageMethodTypes, typ) {
				assert.True(t, listed[name], "package windows has the method %s: add it to coverageMethods", name)
			}
		}
	})

	t.Run("functions outside the families are not exported", func(t *testing.T) {
		for _, a := range coverageOutside {
			for _, n := range a.names {
				_, ok := exports[n]
				assert.False(t, ok, "%s (%s) is exported: move it into a family of coverage_table_test.go", n, a.area)
			}
		}
	})

	t.Run("every exported function is listed", func(t *testing.T) {
		listed := map[string]bool{}
		for _, f := range coverageFamilies {
			for _, r := range f.rows {
				listed[r.name] = r.status != covMissing
			}
		}
		for _, e := range append(append([]coverageExtra(nil), coverageBeyond...), coverageWinsim...) {
			_, ok := exports[e.name]
			assert.True(t, ok, "%s is listed as a function of package windows but not exported", e.name)
			listed[e.name] = true
		}
		for name := range exports {
			assert.True(t, listed[name], "package windows exports %s: add it to coverage_table_test.go "+
				"(a family row if x/sys/windows has it, else coverageBeyond or coverageWinsim)", name)
		}
	})

	t.Run("every kernel32.dll procedure is a listed function", func(t *testing.T) {
		served := map[string]bool{}
		for _, f := range coverageFamilies {
			for _, r := range f.rows {
				if r.status != covMissing {
					served[r.name] = true
				}
			}
		}
		for _, e := range coverageBeyond {
			served[e.name] = true
		}
		for proc := range kernel32Procs {
			assert.True(t, served[proc] || served[strings.TrimSuffix(proc, "W")],
				"kernel32.dll's %s runs no function the coverage table lists", proc)
		}
	})

	t.Run("docs/coverage.md is up to date", func(t *testing.T) {
		doc := coverageDoc()
		if *updateCoverage {
			require.NoError(t, os.WriteFile(coverageDocPath, []byte(doc), 0o644))
			return
		}
		got, err := os.ReadFile(coverageDocPath)
		require.NoError(t, err, "run go test ./windows/ -run TestCoverage -update-coverage to write it")
		assert.Equal(t, doc, string(got), "docs/coverage.md is stale: run go test ./windows/ -run TestCoverage -update-coverage")
	})
}

// checkDeclared checks row r against ours, this package's declaration of its function or
// method (ok false when there is none): a missing row has none; any other has one whose
// receiver, parameter and result types are x/sys's.
func checkDeclared(t *testing.T, r coverageRow, ours *ast.FuncDecl, ok bool) {
	t.Helper()
	if r.status == covMissing {
		assert.False(t, ok, "%s is exported: mark it implemented in coverage_table_test.go, with x/sys's signature", r.name)
		return
	}
	if !assert.True(t, ok, "%s is marked %s but package windows does not export it", r.name, r.status) {
		return
	}
	want := parseDecl(t, r.sig)
	if want.Recv != nil {
		assert.Equal(t, recvShape(t, want), recvShape(t, ours), "%s: the receiver differs from x/sys's %s", r.name, r.sig)
	}
	assert.Equal(t, funcShape(t, want.Type), funcShape(t, ours.Type), "%s: parameter and result types differ from x/sys's %s", r.name, r.sig)
}

// exportedFuncs returns this package's exported package-level functions by name.
func exportedFuncs(t *testing.T) map[string]*ast.FuncDecl {
	t.Helper()
	out := map[string]*ast.FuncDecl{}
	for _, fd := range exportedDecls(t) {
		if fd.Recv == nil {
			out[fd.Name.Name] = fd
		}
	}
	require.NotEmpty(t, out)
	return out
}

// exportedMethods returns this package's exported methods by "Type.Name".
func exportedMethods(t *testing.T) map[string]*ast.FuncDecl {
	t.Helper()
	out := map[string]*ast.FuncDecl{}
	for _, fd := range exportedDecls(t) {
		if fd.Recv != nil {
			out[recvType(fd)+"."+fd.Name.Name] = fd
		}
	}
	return out
}

// exportedDecls parses this package's source (not its tests) and returns its exported
// functions and methods.
func exportedDecls(t *testing.T) []*ast.FuncDecl {
	t.Helper()
	files, err := filepath.Glob("*.go")
	require.NoError(t, err)
	fset := token.NewFileSet()
	var out []*ast.FuncDecl
	for _, file := range files {
		if strings.HasSuffix(file, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, file, nil, parser.SkipObjectResolution)
		require.NoError(t, err)
		for _, d := range f.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && fd.Name.IsExported() {
				out = append(out, fd)
			}
		}
	}
	return out
}

// recvType names a method's receiver type, without its star.
func recvType(fd *ast.FuncDecl) string {
	x := fd.Recv.List[0].Type
	if st, ok := x.(*ast.StarExpr); ok {
		x = st.X
	}
	return x.(*ast.Ident).Name
}

// recvShape prints a method's receiver type: "*SECURITY_DESCRIPTOR".
func recvShape(t *testing.T, fd *ast.FuncDecl) string {
	t.Helper()
	var b bytes.Buffer
	require.NoError(t, printer.Fprint(&b, token.NewFileSet(), fd.Recv.List[0].Type))
	return b.String()
}

// parseDecl parses an x/sys function or method declaration from the table.
func parseDecl(t *testing.T, sig string) *ast.FuncDecl {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), "sig.go", "package p\n"+sig+"\n", parser.SkipObjectResolution)
	require.NoError(t, err, "signature %q", sig)
	require.Len(t, f.Decls, 1, sig)
	return f.Decls[0].(*ast.FuncDecl)
}

// funcShape prints a function type's parameter and result types without their names, which
// may differ from x/sys's without breaking a caller: "(Handle, *uint32) (error)".
func funcShape(t *testing.T, ft *ast.FuncType) string {
	t.Helper()
	list := func(fl *ast.FieldList) string {
		var types []string
		if fl != nil {
			for _, field := range fl.List {
				var b bytes.Buffer
				require.NoError(t, printer.Fprint(&b, token.NewFileSet(), field.Type))
				for range max(1, len(field.Names)) {
					types = append(types, b.String())
				}
			}
		}
		return "(" + strings.Join(types, ", ") + ")"
	}
	return list(ft.Params) + " " + list(ft.Results)
}

// coverageDoc renders docs/coverage.md from the table.
func coverageDoc() string {
	var b strings.Builder
	total, have, diff := 0, 0, 0
	for _, f := range coverageFamilies {
		n, d := familyCounts(f)
		total += len(f.rows)
		have += n
		diff += d
	}
	outside := 0
	for _, a := range coverageOutside {
		outside += len(a.names)
	}

	b.WriteString("# x/sys/windows coverage\n\n")
	b.WriteString("Generated by `go test ./windows/ -run TestCoverage -update-coverage` from the table in\n")
	b.WriteString("windows/coverage_table_test.go; the test fails while this page is stale.\n\n")
	b.WriteString("Package `windows` (`github.com/winsim/winsim/windows`) has golang.org/x/sys/windows' names and\n")
	b.WriteString("signatures over winsim, so that code written against x/sys/windows runs on Linux and macOS by\n")
	b.WriteString("swapping the import. This page lists every function x/sys/windows exports and says whether\n")
	b.WriteString("package windows has it, how it differs, or what winsim lacks for it. The test keeps the table\n")
	b.WriteString("true both ways: a function marked implemented is exported by package windows with x/sys's\n")
	b.WriteString("parameter and result types, one marked not implemented is not exported, and every function\n")
	b.WriteString("package windows exports is on this page; so are the methods of x/sys's security types\n")
	b.WriteString("([methods](#methods-of-the-security-types)), checked the same way. The list is x/sys/windows' as of\n")
	b.WriteString(xsysVersion + ".\n\n")
	fmt.Fprintf(&b, "**%d of %d functions implemented** in the families below, %d of them with a difference their\n", have, total, diff)
	fmt.Fprintf(&b, "row names. The other %d functions of x/sys/windows are [outside the families](#outside-the-families)\n", outside)
	fmt.Fprintf(&b, "and not provided. Package windows also has %d Win32 functions [x/sys/windows lacks](#win32-functions-xsyswindows-lacks)\n", len(coverageBeyond))
	fmt.Fprintf(&b, "and %d of [winsim's own](#winsims-own-functions).\n\n", len(coverageWinsim))

	b.WriteString("## Where the families end\n\n")
	b.WriteString("The families are what winsim models: handles and the objects behind them, processes, events and\n")
	b.WriteString("waits, files that are pipe ends or mailslots, overlapped I/O and completion ports, the security\n")
	b.WriteString("of objects and the tokens of processes, standard handles, loading kernel32.dll's procedures by\n")
	b.WriteString("hand, and the string and error helpers these calls use. Every call on an open file's handle is\n")
	b.WriteString("in a family, also those that only a disk file would answer; calls that name files by path\n")
	b.WriteString("(directories, attributes, volumes), sockets, the registry, services, memory, consoles, devices\n")
	b.WriteString("and the user interface are outside, listed by area at the end.\n\n")
	b.WriteString("Status: **yes**, implemented, on Windows' rules (docs/api.md, docs/pipes.md, docs/io.md);\n")
	b.WriteString("**differs**, implemented, with the difference the row names (docs/deviations.md); **no**, not\n")
	b.WriteString("implemented, and why. kernel32.dll: the procedure `NewLazySystemDLL(\"kernel32.dll\").NewProc`\n")
	b.WriteString("also serves for it, for code that loads the function by hand.\n\n")
	b.WriteString("| Family | Implemented | With a difference |\n|---|---|---|\n")
	for _, f := range coverageFamilies {
		n, d := familyCounts(f)
		fmt.Fprintf(&b, "| [%s](#%s) | %d of %d | %d |\n", f.title, anchor(f.title), n, len(f.rows), d)
	}
	fmt.Fprintf(&b, "| all | %d of %d | %d |\n", have, total, diff)

	for _, f := range coverageFamilies {
		familyHeading(&b, f)
		b.WriteString("| Function | Status | kernel32.dll | Notes |\n|---|---|---|---|\n")
		for _, r := range f.rows {
			proc := "—"
			if r.status != covMissing {
				proc = kernel32Proc(r.name)
			}
			fmt.Fprintf(&b, "| `%s` | %s | %s | %s |\n", r.name, r.status, proc, r.why)
		}
	}

	mf := coverageMethodFamily()
	familyHeading(&b, mf)
	b.WriteString("| Method | Status | Notes |\n|---|---|---|\n")
	for _, r := range mf.rows {
		fmt.Fprintf(&b, "| `%s` | %s | %s |\n", r.name, r.status, r.why)
	}

	b.WriteString("\n## Win32 functions x/sys/windows lacks\n\n")
	b.WriteString("Code that needs these loads them from kernel32.dll by hand; package windows has them as\n")
	b.WriteString("functions too, with the signatures mksyscall would give their Win32 prototypes.\n\n")
	b.WriteString("| Function | kernel32.dll | What |\n|---|---|---|\n")
	for _, e := range coverageBeyond {
		fmt.Fprintf(&b, "| `%s` | %s | %s |\n", e.name, kernel32Proc(e.name), e.what)
	}

	b.WriteString("\n## winsim's own functions\n\n")
	b.WriteString("Windows has no counterpart: on Windows the caller is the current process and CreateProcess\n")
	b.WriteString("loads an executable. The functions that act as a process are also methods of `*windows.Caller`,\n")
	b.WriteString("acting as the process `On` was given.\n\n")
	for _, e := range coverageWinsim {
		fmt.Fprintf(&b, "- `%s`: %s.\n", e.name, e.what)
	}

	b.WriteString("\n## Outside the families\n\n")
	fmt.Fprintf(&b, "The other %d functions x/sys/windows exports, by area. Package windows provides none of them.\n", outside)
	for _, a := range coverageOutside {
		names := append([]string(nil), a.names...)
		sort.Strings(names)
		fmt.Fprintf(&b, "\n### %s (%d)\n\nWhy: %s.\n\n", a.area, len(names), a.why)
		for i, n := range names {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString("`" + n + "`")
		}
		b.WriteString("\n")
	}
	return b.String()
}

// familyHeading writes f's heading and the line that counts what package windows has of it.
func familyHeading(b *strings.Builder, f coverageFamily) {
	n, d := familyCounts(f)
	fmt.Fprintf(b, "\n## %s\n\n%s %d of %d implemented", f.title, f.about, n, len(f.rows))
	if d > 0 {
		fmt.Fprintf(b, ", %d with a difference", d)
	}
	b.WriteString(".\n\n")
}

// familyCounts returns how many of f's functions package windows has, and how many of those
// differ.
func familyCounts(f coverageFamily) (have, differ int) {
	for _, r := range f.rows {
		switch r.status {
		case covImplemented:
			have++
		case covDiffers:
			have++
			differ++
		}
	}
	return have, differ
}

// kernel32Proc names the kernel32.dll procedure that runs the function name (name itself, or
// its W form), "—" for none.
func kernel32Proc(name string) string {
	for _, p := range []string{name, name + "W"} {
		if _, ok := kernel32Procs[p]; ok {
			return "`" + p + "`"
		}
	}
	return "—"
}

// anchor is the id GitHub gives a markdown heading.
func anchor(title string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(title) {
		switch {
		case r == ' ':
			b.WriteByte('-')
		case r == '-' || r == '_' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			b.WriteRune(r)
		}
	}
	return b.String()
}
