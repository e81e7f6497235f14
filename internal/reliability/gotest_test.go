package reliability_test

import (
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/winsim/winsim/internal/reliability"
)

// The samples in testdata are go test's output as Go 1.26 prints it: a fuzz run that
// passes, one that finds a crasher (written by testing's fuzzing engine as "Failing
// input written to ..."), and a benchmark run.

func TestParseFuzzReadsTheLastStatusLine(t *testing.T) {
	out, err := os.Open("testdata/fuzz-pass.txt")
	require.NoError(t, err)
	defer out.Close()
	f := reliability.Fuzz{Package: "./kernel/", Target: "FuzzParseSDDL"}
	require.NoError(t, reliability.ParseFuzz(out, f.Package, &f))
	assert.Equal(t, reliability.Fuzz{Package: "./kernel/", Target: "FuzzParseSDDL", Workers: 2, Baseline: 204,
		Fuzzing: 4 * time.Second, Execs: 98859, NewInteresting: 3, Corpus: 207}, f)
}

func TestParseFuzzFindsTheCrasher(t *testing.T) {
	out, err := os.Open("testdata/fuzz-crash.txt")
	require.NoError(t, err)
	defer out.Close()
	var f reliability.Fuzz
	require.NoError(t, reliability.ParseFuzz(out, "./internal/fuzzcalls/", &f))
	assert.Equal(t, []string{"internal/fuzzcalls/testdata/fuzz/FuzzCallSequences/1a4feb8ad1fe53b6"}, f.Crashers)
	assert.Equal(t, uint64(1204), f.Execs, "the last status line before the failure")
}

func TestParseBench(t *testing.T) {
	out, err := os.Open("testdata/bench.txt")
	require.NoError(t, err)
	defer out.Close()
	bs, err := reliability.ParseBench(out)
	require.NoError(t, err)
	assert.Equal(t, []reliability.Bench{
		{Name: "BenchmarkCheck-2", N: 14421, NsPerOp: 82466, AllocsPerOp: 0},
		{Name: "BenchmarkOther-2", N: 100000, NsPerOp: 812.5},
	}, bs)
}
