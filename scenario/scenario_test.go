package scenario_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/winsim/winsim/scenario"
)

var update = flag.Bool("update", false, "rewrite the golden transcripts of testdata/scenarios")

// run runs one script and returns its transcript and error.
func run(t testing.TB, name, src string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	r := scenario.New(scenario.Options{Output: &out})
	defer r.Close()
	err := r.Run(name, []byte(src))
	return out.String(), err
}

// Every scenario of the library (../testdata/scenarios/*.txt) runs, every expectation in
// it holds, and its transcript (calls, results, trace events, views) is the golden one
// next to it (NAME.golden; go test ./scenario -update rewrites them).
func TestScenarioLibrary(t *testing.T) {
	files, err := filepath.Glob("../testdata/scenarios/*.txt")
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(files), 15, "the scenario library")
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".txt")
		t.Run(name, func(t *testing.T) {
			src, err := os.ReadFile(f)
			require.NoError(t, err)
			out, err := run(t, filepath.Base(f), string(src))
			require.NoError(t, err, "transcript:\n%s", out)
			golden := strings.TrimSuffix(f, ".txt") + ".golden"
			if *update {
				require.NoError(t, os.WriteFile(golden, []byte(out), 0o644))
				return
			}
			want, err := os.ReadFile(golden)
			require.NoError(t, err, "no golden transcript: run go test ./scenario -update")
			assert.Equal(t, string(want), out)
		})
	}
}

func newRunner(out *strings.Builder) *scenario.Runner {
	return scenario.New(scenario.Options{Output: out})
}
