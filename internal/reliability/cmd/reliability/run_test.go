package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/winsim/winsim/internal/reliability"
)

// A run of start, a failing fuzz step and render: the step's own output is copied, its
// exit status, figures and crasher recorded, the environment reaches the command, the
// committed corpus is counted, and render writes the page and the history and fails.
func TestStartRunRender(t *testing.T) {
	dir := t.TempDir()
	figures := filepath.Join(dir, "figures.jsonl")
	pkg := filepath.Join(dir, "pkg")
	require.NoError(t, os.MkdirAll(filepath.Join(pkg, "testdata", "fuzz", "FuzzX"), 0o755))
	for _, f := range []string{"a", "b"} {
		require.NoError(t, os.WriteFile(filepath.Join(pkg, "testdata", "fuzz", "FuzzX", f), nil, 0o644))
	}

	require.NoError(t, start([]string{"-out", figures, "RELFUZZTIME=3s", "STRESS=10"}))
	assert.Error(t, start([]string{"-out", figures, "not-a-variable"}))
	t.Setenv(fakeGo, "1")
	var out bytes.Buffer
	require.NoError(t, run([]string{"-out", figures, "-step", "fuzz FuzzX", "-parse", "fuzz", "-pkg", pkg, "-target", "FuzzX", "-fuzztime", "3s", "--",
		os.Args[0], "test", "-run", "^$", "-fuzz", "^FuzzX$", "-fuzztime", "3s", pkg}, &out), "a failing command is a figure, not an error")
	assert.Contains(t, out.String(), "execs: 4321", "the command's output is copied")

	f, err := os.Open(figures)
	require.NoError(t, err)
	recs, err := reliability.ReadRecords(f)
	f.Close()
	require.NoError(t, err)
	require.Len(t, recs, 3)
	env := recs[0].Env
	require.NotNil(t, env)
	assert.Equal(t, []reliability.Var{{Name: "RELFUZZTIME", Value: "3s"}, {Name: "STRESS", Value: "10"}}, env.Vars)
	assert.NotZero(t, env.CPUs)
	assert.Equal(t, reliability.Record{Step: "fuzz FuzzX", Name: "TestFake", Pass: true, BadInput: &reliability.BadInput{Cases: 1}}, recs[1],
		"the command reported through WINSIM_RELIABILITY_OUT")
	step := recs[2]
	assert.Equal(t, "FuzzX", step.Name)
	assert.False(t, step.Pass)
	assert.Equal(t, 1, step.Run.ExitCode)
	require.NotNil(t, step.Run.Fuzz)
	assert.Equal(t, 2, step.Run.Fuzz.Committed)
	assert.Equal(t, uint64(4321), step.Run.Fuzz.Execs)
	assert.Equal(t, []string{filepath.ToSlash(pkg) + "/testdata/fuzz/FuzzX/0123abcd"}, step.Run.Fuzz.Crashers)

	tmpl := filepath.Join(dir, "page.tmpl")
	require.NoError(t, os.WriteFile(tmpl, []byte("{{range .Fuzz}}{{.Run.Fuzz.Target}} {{result .Pass}}{{end}}\n"), 0o644))
	page, history := filepath.Join(dir, "page.md"), filepath.Join(dir, "history.jsonl")
	err = render([]string{"-in", figures, "-out", page, "-template", tmpl, "-history", history}, &out)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "FuzzX: crasher")
	doc, err := os.ReadFile(page)
	require.NoError(t, err)
	assert.Equal(t, "FuzzX **fail**\n", string(doc), "the page is written even when the run failed")
	h, err := os.ReadFile(history)
	require.NoError(t, err)
	assert.Equal(t, 1, strings.Count(string(h), "\n"))
	require.Error(t, render([]string{"-in", figures, "-out", page, "-template", tmpl, "-history", history}, &out))
	h2, err := os.ReadFile(history)
	require.NoError(t, err)
	assert.Equal(t, h, h2, "rendering the same run again records it once")
}

// A command that cannot start is recorded as failed (exit status -1).
func TestRunRecordsACommandThatDidNotStart(t *testing.T) {
	figures := filepath.Join(t.TempDir(), "figures.jsonl")
	var out bytes.Buffer
	require.NoError(t, run([]string{"-out", figures, "-step", "x", "--", filepath.Join(t.TempDir(), "no-such-command")}, &out))
	f, err := os.Open(figures)
	require.NoError(t, err)
	defer f.Close()
	recs, err := reliability.ReadRecords(f)
	require.NoError(t, err)
	require.Len(t, recs, 1)
	assert.Equal(t, -1, recs[0].Run.ExitCode)
	assert.False(t, recs[0].Pass)
	assert.Error(t, run([]string{"-out", figures, "-step", "x", "-parse", "json", "--", "true"}, &out))
	assert.Error(t, run([]string{"-out", figures, "-step", "x", "-parse", "fuzz", "--", "true"}, &out), "a fuzz step names its package and target")
}
