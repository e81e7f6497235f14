package winsim_test

import (
	"flag"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/winsim/winsim/kernel"
)

var updateErrors = flag.Bool("update-errors", false, "rewrite docs/errors.md from the bad-input table")

// notBadInput lists the public calls the bad-input table leaves out, each with the
// reason. Every other public call must have a row: a new call joins the table or
// this list.
var notBadInput = map[string]string{
	// Accessors and waits on the process itself: no input to get wrong.
	"Process.Acquire":                 "Signaler plumbing: no input",
	"Process.Close":                   "Ops plumbing: called by the kernel",
	"Process.Context":                 "accessor",
	"Process.Delete":                  "Ops plumbing: called by the kernel",
	"Process.Describe":                "accessor",
	"Process.ExitCode":                "accessor",
	"Process.ExitProcess":             "any exit code is valid",
	"Process.HandleCount":             "accessor",
	"Process.Handles":                 "accessor",
	"Process.Header":                  "Signaler plumbing",
	"Process.Impersonate":             "takes a *Token the kernel handed out; no Win32 error to give",
	"Process.ImpersonateAt":           "takes a *Token the kernel handed out; no Win32 error to give",
	"Process.Machine":                 "accessor",
	"Process.Name":                    "accessor",
	"Process.NewHandle":               "file-system plumbing: takes an *Object, not a value a program passes",
	"Process.Object":                  "accessor",
	"Process.PID":                     "accessor",
	"Process.ParentPID":               "accessor",
	"Process.PendingRequests":         "accessor",
	"Process.Signaled":                "Signaler plumbing",
	"Process.SleepEx":                 "every timeout is valid",
	"Process.State":                   "accessor",
	"Process.Terminate":               "any exit code is valid",
	"Process.Token":                   "accessor",
	"Process.Wait":                    "no input but a context",
	"kernel.HasOverlappedIoCompleted": "reads the OVERLAPPED only, as the Win32 macro does",
	"kernel.Millis":                   "conversion helper",
	"kernel.Breaches":                 "reads a Check error; any error is valid input (nil gives none)",
	"kernel.Named":                    "self-check plumbing: any name is valid",
	"kernel.Win32Error":               "conversion helper",
	"kernel.RequestedLevel":           "conversion helper: every flag value maps to a level",
	"kernel.RealClock":                "constructor without input",
	"kernel.NewNetwork":               "constructor without input",
	"kernel.NewVirtualClock":          "every start time is valid",
	"kernel.WithClock":                "option constructor",
	"kernel.AccessCheck":              "its only failure, ERROR_ACCESS_DENIED, is the answer to a question, tested in kernel/access_check_test.go",
	"pipe.Install":                    "installs a file system on a machine; no caller input",
	"mailslot.Install":                "installs a file system on a machine; no caller input",
}

// publicCalls lists the public calls the table must cover: the methods of
// *kernel.Process and the package-level functions of kernel, pipe and mailslot.
func publicCalls(t *testing.T) []string {
	var calls []string
	pt := reflect.TypeOf((*kernel.Process)(nil))
	for i := 0; i < pt.NumMethod(); i++ {
		calls = append(calls, "Process."+pt.Method(i).Name)
	}
	for _, pkg := range []string{"kernel", "pipe", "mailslot"} {
		fset := token.NewFileSet()
		pkgs, err := parser.ParseDir(fset, pkg, func(fi os.FileInfo) bool {
			return !strings.HasSuffix(fi.Name(), "_test.go")
		}, 0)
		require.NoError(t, err)
		for _, p := range pkgs {
			for _, file := range p.Files {
				for _, d := range file.Decls {
					if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv == nil && fd.Name.IsExported() {
						calls = append(calls, pkg+"."+fd.Name.Name)
					}
				}
			}
		}
	}
	sort.Strings(calls)
	return calls
}

// TestBadInputCoversEveryCall fails when a public call has neither a row in the
// bad-input table nor a reason in notBadInput, and when notBadInput names a call that
// no longer exists.
func TestBadInputCoversEveryCall(t *testing.T) {
	covered := map[string]bool{}
	for _, c := range handleCalls() {
		covered[c.api] = true
	}
	for _, c := range inputCases() {
		covered[c.api] = true
	}
	exists := map[string]bool{}
	for _, call := range publicCalls(t) {
		exists[call] = true
		_, exempt := notBadInput[call]
		assert.True(t, covered[call] || exempt, "%s has no row in the bad-input table (badinput_test.go) and no reason in notBadInput", call)
		assert.False(t, covered[call] && exempt, "%s has rows and a reason to have none", call)
	}
	for call := range notBadInput {
		assert.True(t, exists[call], "notBadInput names %s, which is not a public call", call)
	}
	for call := range covered {
		assert.True(t, exists[call], "a row names %s, which is not a public call", call)
	}
}

// errorsDoc renders docs/errors.md from the table.
func errorsDoc() string {
	var b strings.Builder
	b.WriteString("# What each call returns for bad input\n\n")
	b.WriteString("Generated by `go test -run TestBadInput -update-errors .` from the bad-input table\n")
	b.WriteString("(badinput_test.go, badinput_cases_test.go); the test fails while this file is stale. Every row\n")
	b.WriteString("is run against one machine, and the machine's census (objects, counts, states, handle tables) is\n")
	b.WriteString("the same after the call as before: a rejected call changes nothing.\n\n")
	b.WriteString("## Handles\n\n")
	b.WriteString("Each call that takes a handle, with each kind of bad handle. `INVALID_HANDLE` is\n")
	b.WriteString("ERROR_INVALID_HANDLE (6), `ACCESS_DENIED` ERROR_ACCESS_DENIED (5); \"valid\" marks an input the\n")
	b.WriteString("call accepts, \"n/a\" one that does not apply.\n\n")
	b.WriteString("| call |")
	for _, in := range handleInputs {
		b.WriteString(" " + in + " |")
	}
	b.WriteString("\n|---|")
	for range handleInputs {
		b.WriteString("---|")
	}
	b.WriteString("\n")
	for _, c := range handleCalls() {
		b.WriteString("| " + c.name + " |")
		for _, in := range handleInputs {
			want, skip := c.cell(in)
			switch {
			case skip == "n/a":
				b.WriteString(" n/a |")
			case skip != "":
				b.WriteString(" valid (" + skip + ") |")
			default:
				b.WriteString(" " + strings.TrimPrefix(want.Name(), "ERROR_") + " |")
			}
		}
		b.WriteString("\n")
	}
	b.WriteString("\nWhy:\n\n")
	for _, in := range handleInputs {
		fmt.Fprintf(&b, "- **%s**: %s\n", in, handleInputSource[in])
	}
	b.WriteString("\n## Other bad input\n\n")
	b.WriteString("| call | input | error | source |\n|---|---|---|---|\n")
	for _, c := range inputCases() {
		fmt.Fprintf(&b, "| %s | %s | %s (%d) | %s |\n", c.api, c.input, c.want.Name(), c.want.Code(), c.source)
	}
	b.WriteString("\n## Calls without rows\n\n")
	var names []string
	for n := range notBadInput {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(&b, "- %s: %s\n", n, notBadInput[n])
	}
	return b.String()
}

const errorsDocPath = "docs/errors.md"

// checkErrorsDoc rewrites docs/errors.md with -update-errors, and otherwise fails when
// it differs from the table.
func checkErrorsDoc(t *testing.T) {
	doc := errorsDoc()
	if *updateErrors {
		require.NoError(t, os.WriteFile(errorsDocPath, []byte(doc), 0o644))
		return
	}
	got, err := os.ReadFile(errorsDocPath)
	require.NoError(t, err, "run go test -run TestBadInput -update-errors . to write it")
	assert.Equal(t, doc, string(got), "docs/errors.md is stale: run go test -run TestBadInput -update-errors .")
}
