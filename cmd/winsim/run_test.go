package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func winsim(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut strings.Builder
	code := run(args, strings.NewReader(stdin), &out, &errOut)
	return code, out.String(), errOut.String()
}

const passing = `machine ALPHA CORP
process p ALPHA
p CreateEvent NULL TRUE FALSE NULL -> e
p WaitForSingleObject e 250 == WAIT_TIMEOUT
`

func script(t *testing.T, src string) string {
	t.Helper()
	f := filepath.Join(t.TempDir(), "s.txt")
	require.NoError(t, os.WriteFile(f, []byte(src), 0o644))
	return f
}

// winsim run prints each line, its result and its trace events, and exits 0 only when
// every expectation held; 1 when one did not; 2 for a usage error.
func TestRunExitStatus(t *testing.T) {
	code, out, _ := winsim(t, "", "run", script(t, passing))
	assert.Equal(t, 0, code)
	assert.Contains(t, out, "> p WaitForSingleObject e 250 == WAIT_TIMEOUT\n  = ok result=WAIT_TIMEOUT (after 250ms)")
	assert.Contains(t, out, "  | ALPHA handle-opened pid=8 handle=0x4")

	code, out, _ = winsim(t, "", "run", script(t, passing), script(t, passing+"p CloseHandle e\np CloseHandle e\n"))
	assert.Equal(t, 1, code)
	assert.Contains(t, out, "s.txt:6: p CloseHandle e: expected success, got ERROR_INVALID_HANDLE")

	code, _, errOut := winsim(t, "", "run")
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "no script")
	code, _, _ = winsim(t, "", "frobnicate")
	assert.Equal(t, 2, code)
	code, _, _ = winsim(t, "", "run", filepath.Join(t.TempDir(), "missing.txt"))
	assert.Equal(t, 2, code)
}

// - reads the script from standard input.
func TestRunStdin(t *testing.T) {
	code, out, _ := winsim(t, passing, "run", "-")
	assert.Equal(t, 0, code, out)
	code, out, _ = winsim(t, passing+"p ReadFile e 1\n", "run", "-q", "-")
	assert.Equal(t, 1, code)
	assert.Empty(t, out, "-q prints nothing but failures (on stderr)")
}

// -h documents every command and every option of run.
func TestHelpDocumentsEveryCommandAndOption(t *testing.T) {
	code, out, _ := winsim(t, "", "-h")
	assert.Equal(t, 0, code)
	for _, s := range []string{"winsim run", "winsim calls", "winsim commands", "-objects", "-handles", "-processes",
		"-dot FILE", "-mermaid FILE", "-svg FILE", "-sequence FILE", "-security", "-html FILE", "-q", "=> ERROR", "-> NAME", "== VALUE"} {
		assert.Contains(t, out, s)
	}
	code, out, _ = winsim(t, "", "calls")
	assert.Equal(t, 0, code)
	assert.Contains(t, out, "CreateNamedPipe lpName dwOpenMode dwPipeMode nMaxInstances nOutBufferSize nInBufferSize nDefaultTimeOut lpSecurityAttributes -> h")
	code, out, _ = winsim(t, "", "commands")
	assert.Equal(t, 0, code)
	for _, c := range []string{"machine NAME DOMAIN", "process NAME MACHINE", "advance DURATION", "partition", "heal", "faults", "objects", "handles", "processes", "leaks", "picture", "wait"} {
		assert.Contains(t, out, c)
	}
}

// The views at the end, and the pictures and the sequence diagram written to files.
func TestRunViewsAndPictures(t *testing.T) {
	dir := t.TempDir()
	dot, mer, seq := filepath.Join(dir, "n.dot"), filepath.Join(dir, "n.mmd"), filepath.Join(dir, "s.mmd")
	code, out, errOut := winsim(t, "", "run", "-objects", "-handles", "-processes", "-dot", dot, "-mermaid", mer, "-sequence", seq, "../../testdata/scenarios/discovery.txt")
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "== at the end")
	assert.Contains(t, out, "Objects on SRV1 (domain CORP):")
	assert.Contains(t, out, "HANDLE  TYPE")
	assert.Contains(t, out, "Processes on CLIENT (domain CORP):")
	b, err := os.ReadFile(dot)
	require.NoError(t, err)
	assert.Contains(t, string(b), `subgraph "cluster_OTHER"`)
	b, err = os.ReadFile(mer)
	require.NoError(t, err)
	assert.Contains(t, string(b), "flowchart LR")
	b, err = os.ReadFile(seq)
	require.NoError(t, err)
	s := string(b)
	assert.Contains(t, s, "sequenceDiagram")
	assert.Contains(t, s, "participant client as client (CLIENT)")
	assert.Contains(t, s, "client->>k_CLIENT: TransactNamedPipe conn hello 4096 &")
	assert.Contains(t, s, "k_CLIENT-->>client: TransactNamedPipe ok n=11 data=")
	assert.Contains(t, s, "Note over k_SRV1:")
}

// -svg renders the picture in-process.
func TestRunSVG(t *testing.T) {
	svg := filepath.Join(t.TempDir(), "n.svg")
	code, _, errOut := winsim(t, "", "run", "-q", "-svg", svg, "../../testdata/scenarios/broadcast.txt")
	require.Equal(t, 0, code, errOut)
	b, err := os.ReadFile(svg)
	require.NoError(t, err)
	assert.Contains(t, string(b), "<svg")
	assert.Contains(t, string(b), "LABBOX (domain LAB)")
}

// -security puts each object's owner and DACL, in SDDL, into the pictures.
func TestRunSecurityInPictures(t *testing.T) {
	dot := filepath.Join(t.TempDir(), "n.dot")
	code, _, errOut := winsim(t, "", "run", "-q", "-security", "-dot", dot, "../../testdata/scenarios/discovery.txt")
	require.Equal(t, 0, code, errOut)
	b, err := os.ReadFile(dot)
	require.NoError(t, err)
	assert.Contains(t, string(b), "D:", "a DACL in SDDL")
}
