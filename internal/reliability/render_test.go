package reliability_test

import (
	"bytes"
	"flag"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/winsim/winsim/internal/reliability"
	"github.com/winsim/winsim/kernel"
)

var update = flag.Bool("update", false, "rewrite testdata/*.md from the sample figures")

func readRecords(t *testing.T, path string) []reliability.Record {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	recs, err := reliability.ReadRecords(f)
	require.NoError(t, err)
	return recs
}

// A small template shows the mechanism whole: figures in, markdown out, each result
// from the run.
func TestRenderFillsTheTemplate(t *testing.T) {
	const tmpl = `{{.Env.GoVersion}} on {{.Env.CPUs}} CPUs, STRESS={{.Env.Var "STRESS"}}
{{range .Fuzz}}{{.Run.Fuzz.Target}}: {{num .Run.Fuzz.Execs}} executions, {{rate .Run.Fuzz.Execs .Run.Fuzz.Fuzzing}} a second, {{result .Pass}}
{{end}}{{range .Stress}}{{num .Stress.PipeSent}} pipe messages in {{dur .Elapsed}}, lost {{.Stress.Lost}}: {{result .Pass}}
{{end}}{{if .Passed}}nothing lost or leaked{{else}}failed:{{range .Failures}} {{.}};{{end}}{{end}}
`
	var pass bytes.Buffer
	require.NoError(t, reliability.Render(&pass, tmpl, reliability.NewPage(readRecords(t, "testdata/pass.jsonl"), nil)))
	assert.Equal(t, `go1.26.8 on 2 CPUs, STRESS=1000000
FuzzParseSDDL: 1,234,567 executions, 41,152 a second, pass
FuzzCallSequences: 300,000 executions, 1,000 a second, pass
750,000 pipe messages in 1.7 s, lost 0: pass
nothing lost or leaked
`, pass.String())

	var fail bytes.Buffer
	require.NoError(t, reliability.Render(&fail, tmpl, reliability.NewPage(readRecords(t, "testdata/fail.jsonl"), nil)))
	assert.Equal(t, "go1.26.8 on 2 CPUs, STRESS=1000000\n"+
		"FuzzParseSDDL: 1,234,567 executions, 41,152 a second, pass\n"+
		"FuzzCallSequences: 300,000 executions, 1,000 a second, **fail**\n"+
		"750,000 pipe messages in 1.7 s, lost 3: **fail**\n"+
		"failed: step fuzz FuzzCallSequences: `go test -run ^$ -fuzz ^FuzzCallSequences$ -fuzztime 5m ./internal/fuzzcalls/` exited with status 1;"+
		" FuzzCallSequences: crasher internal/fuzzcalls/testdata/fuzz/FuzzCallSequences/1a4feb8ad1fe53b6;"+
		" TestCheckedStress failed; TestCheckedStress: 3 lost, 0 duplicated, 0 reordered, 0 corrupt; TestCheckedStress: objects leaked: 1;"+
		" step stress: `go test -run ^TestCheckedStress$ ./internal/stress/` exited with status 1;"+
		" no figures from TestRemoveMachineMidTrafficLosesNothingElsewhere: it did not run, or did not report;\n", fail.String())
}

// The page's template with sample figures gives the committed samples
// (testdata/page-pass.md, page-fail.md; go test -update rewrites them). A failing run
// says so at the top and in each failing result, and never that nothing was lost.
func TestRenderThePage(t *testing.T) {
	for _, name := range []string{"pass", "fail"} {
		t.Run(name, func(t *testing.T) {
			page := reliability.NewPage(readRecords(t, "testdata/"+name+".jsonl"), nil)
			var doc bytes.Buffer
			require.NoError(t, reliability.Render(&doc, reliability.Template, page))
			golden := "testdata/page-" + name + ".md"
			if *update {
				require.NoError(t, os.WriteFile(golden, doc.Bytes(), 0o644))
			}
			want, err := os.ReadFile(golden)
			require.NoError(t, err)
			assert.Equal(t, string(want), doc.String(), "run go test -update ./internal/reliability/ after changing the template")

			s := doc.String()
			assert.NotContains(t, s, "<no value>")
			if name == "pass" {
				assert.Contains(t, s, "nothing was lost or leaked")
				assert.NotContains(t, s, "**fail**")
				assert.Contains(t, s, "82 µs a check")
				assert.Contains(t, s, "| ERROR_PIPE_BUSY on open: probability; injected / asked | 20%; 24,391 / 121,406 |", "the adversarial mode's counts")
				assert.Contains(t, s, "| short reads of the byte pipe: probability; injected / asked | 50%; 322,104 / 690,210 |")
				assert.NotContains(t, s, "not yet fed into this page", "the adversarial mode is on the page")
				return
			}
			assert.NotContains(t, s, "nothing was lost or leaked")
			assert.Contains(t, s, "**Result: the run failed.**")
			assert.Contains(t, s, "| `FuzzCallSequences` | `./internal/fuzzcalls/` | 5m | 2 | 40 | 300,000 | 1,000 | 100 | 400 | 1 `internal/fuzzcalls/testdata/fuzz/FuzzCallSequences/1a4feb8ad1fe53b6` | **fail** |")
			assert.Contains(t, s, "| lost / duplicated / reordered / corrupt | 3 / 0 / 0 / 0 |")
			assert.Contains(t, s, "| objects leaked | 1 |")
			assert.Contains(t, s, "not measured in this run", "no benchmark in the failing sample")
			assert.Contains(t, s, "Measured in this run:\n\nNo figures from `TestRemoveMachineMidTrafficLosesNothingElsewhere` in this run.\n", "no removal figures in the failing sample")
		})
	}
}

// Every kind of failure the records can show is listed; an empty figures file fails
// for each measurement it lacks.
func TestNewPageListsEveryFailure(t *testing.T) {
	page := reliability.NewPage(nil, nil)
	assert.False(t, page.Passed())
	assert.Equal(t, []string{
		"no environment record: the run did not begin with `reliability start`",
		"no figures from TestCheckedStress: it did not run, or did not report",
		"no figures from TestRemoveMachineMidTrafficLosesNothingElsewhere: it did not run, or did not report",
		"no figures from TestDiscoveryCompletesUnderLoss: it did not run, or did not report",
		"no figures from TestBadInput: it did not run, or did not report",
		"no figures from a fuzz run: it did not run, or did not report",
	}, page.Failures)

	recs := readRecords(t, "testdata/pass.jsonl")
	require.True(t, reliability.NewPage(recs, nil).Passed())
	for _, c := range []struct {
		name   string
		break_ func(r *reliability.Record)
		want   string
	}{
		{"FuzzParseSDDL", func(r *reliability.Record) { r.Run.Fuzz.Execs = 0 }, "FuzzParseSDDL: no executions recorded (the fuzz time ended before fuzzing began, or go test's output was not understood)"},
		{"TestRemoveMachineMidTrafficLosesNothingElsewhere", func(r *reliability.Record) { r.Removal.Reordered = 2 },
			"TestRemoveMachineMidTrafficLosesNothingElsewhere: 0 lost, 0 duplicated, 2 reordered, 0 corrupt"},
		{"TestRemoveMachineMidTrafficLosesNothingElsewhere", func(r *reliability.Record) { r.Removal.CheckPassed = false },
			"TestRemoveMachineMidTrafficLosesNothingElsewhere: the self-check after the removal failed"},
		{"TestCheckedStress", func(r *reliability.Record) { r.Stress.CheckPassed = false }, "TestCheckedStress: the self-check after the traffic failed"},
		{"TestCheckedStress", func(r *reliability.Record) { r.Stress.Corrupt = 1 }, "TestCheckedStress: 0 lost, 0 duplicated, 0 reordered, 1 corrupt"},
		{"TestBadInput", func(r *reliability.Record) { r.BadInput.Failed = 4 }, "TestBadInput: 4 rows failed"},
		{"TestCheckedStress", func(r *reliability.Record) {
			r.Stress.Adversary = kernel.AdversaryCounts{PipeBusy: kernel.OutcomeCounts{Asked: 9}}
		},
			"TestCheckedStress: the adversarial mode injected nothing"},
		{"TestDiscoveryCompletesUnderLoss", func(r *reliability.Record) { r.Pass = false }, "TestDiscoveryCompletesUnderLoss failed"},
		{"faults", func(r *reliability.Record) { r.Run.ExitCode = 2 },
			"step faults: `go test -run ^(TestRemoveMachineMidTrafficLosesNothingElsewhere|TestDiscoveryCompletesUnderLoss)$ ./internal/stress/` exited with status 2"},
	} {
		broken := readRecords(t, "testdata/pass.jsonl")
		found := false
		for i := range broken {
			if broken[i].Name == c.name {
				c.break_(&broken[i])
				found = true
				break
			}
		}
		require.True(t, found, c.name)
		assert.Equal(t, []string{c.want}, reliability.NewPage(broken, nil).Failures, c.want)
	}
	// The remote datagrams a stress run lost are allowed: Windows may lose them.
	recs[4].Stress.RemoteLost, recs[4].Stress.RemoteSlotReceived = 5, recs[4].Stress.RemoteSlotSent-5
	assert.True(t, reliability.NewPage(recs, nil).Passed())
}

// The history keeps every recorded fuzz run once, and the page gives each target's
// largest.
func TestHistoryKeepsTheLargestRun(t *testing.T) {
	recs := readRecords(t, "testdata/pass.jsonl")
	old := []reliability.HistoryEntry{
		{Date: "2025-12-01T00:00:00Z", Target: "FuzzCallSequences", Execs: 900000, Pass: true},
		{Date: "2025-12-01T00:00:00Z", Target: "FuzzParseSDDL", Execs: 10, Pass: true},
	}
	h := reliability.MergeHistory(old, recs)
	require.Len(t, h, 4)
	assert.Equal(t, h, reliability.MergeHistory(h, recs), "a run rendered twice is recorded once")
	assert.Equal(t, reliability.HistoryEntry{Date: "2026-01-02T03:04:05Z", Commit: "abc1234", Package: "./kernel/", Target: "FuzzParseSDDL",
		FuzzTime: "30s", Workers: 2, Execs: 1234567, Elapsed: 35e9, Pass: true}, h[2])
	largest := reliability.Largest(h)
	require.Len(t, largest, 2)
	assert.Equal(t, old[0], largest[0], "the earlier, larger run of FuzzCallSequences")
	assert.Equal(t, h[2], largest[1])

	var b bytes.Buffer
	require.NoError(t, reliability.WriteHistory(&b, h))
	back, err := reliability.ReadHistory(&b)
	require.NoError(t, err)
	assert.Equal(t, h, back)

	page := reliability.NewPage(recs, old)
	var doc bytes.Buffer
	require.NoError(t, reliability.Render(&doc, reliability.Template, page))
	assert.Contains(t, doc.String(), "| `FuzzCallSequences` | 900,000 |")
	assert.Contains(t, doc.String(), "the largest recorded\nrun is 900,000 executions, so that is not yet reached.")
	_, err = reliability.ReadHistory(strings.NewReader("{not json\n"))
	assert.Error(t, err)
}
