package benchpair_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/winsim/winsim/internal/benchpair"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

const output = `goos: linux
goarch: amd64
pkg: github.com/winsim/winsim/pipe
cpu: AMD EPYC
BenchmarkOverlappedPingPong/blocking           	 1258848	       844.4 ns/op	       0 B/op	       0 allocs/op
BenchmarkOverlappedPingPong/blocking-2         	 1337534	       869.5 ns/op	       0 B/op	       0 allocs/op
BenchmarkExitWithPendingRequests/1000-2        	     100	  12345678 ns/op	       1 ns/request
BenchmarkOverlappedPingPong/overlapped
    bench_test.go:12: a log line
BenchmarkOverlappedPingPong/overlapped         	 1000000	      1036 ns/op
PASS
ok  	github.com/winsim/winsim/pipe	5.1s
`

// The GOMAXPROCS suffix is split off; a numeric last path element (/1000) is not taken
// for it when a suffix follows; log lines and headers are skipped.
func TestParseReadsBenchmarkLines(t *testing.T) {
	got, err := benchpair.Parse(strings.NewReader(output))
	require.NoError(t, err)
	assert.Equal(t, []benchpair.Result{
		{Name: "BenchmarkOverlappedPingPong/blocking", Procs: 1, NsPerOp: 844.4},
		{Name: "BenchmarkOverlappedPingPong/blocking", Procs: 2, NsPerOp: 869.5},
		{Name: "BenchmarkExitWithPendingRequests/1000", Procs: 2, NsPerOp: 12345678},
		{Name: "BenchmarkOverlappedPingPong/overlapped", Procs: 1, NsPerOp: 1036},
	}, got)

	v, ok := benchpair.NsPerOp(got, "BenchmarkOverlappedPingPong/blocking", 2)
	assert.True(t, ok)
	assert.Equal(t, 869.5, v)
	_, ok = benchpair.NsPerOp(got, "BenchmarkOverlappedPingPong/overlapped", 2)
	assert.False(t, ok, "no such line")
}

func TestParseRejectsALineWithoutNsPerOp(t *testing.T) {
	_, err := benchpair.Parse(strings.NewReader("BenchmarkX-2  100  5 B/op\n"))
	assert.ErrorContains(t, err, "no ns/op")
	_, err = benchpair.Parse(strings.NewReader("BenchmarkX-2  100  fast ns/op\n"))
	assert.ErrorContains(t, err, "go test output:1: parsing measurement")
}

// The median is of the per-round ratios, not the ratio of the medians: a round in
// which both ran slow counts as one ordinary ratio.
func TestSummarizePairsRounds(t *testing.T) {
	num := []float64{110, 220, 330, 120, 100}
	den := []float64{100, 200, 300, 100, 100}
	s := benchpair.Summarize(2, num, den)
	assert.Equal(t, 2, s.Procs)
	assert.Equal(t, 5, s.Pairs)
	assert.InDelta(t, 1.1, s.Median, 1e-9)
	assert.LessOrEqual(t, s.Low, s.Median)
	assert.GreaterOrEqual(t, s.High, s.Median)
	assert.GreaterOrEqual(t, s.Low, 1.0, "no ratio is below 1")
	assert.LessOrEqual(t, s.High, 1.2, "no ratio is above 1.2")
	assert.Equal(t, 120.0, s.NumNs)
	assert.Equal(t, 100.0, s.DenNs)
	assert.Equal(t, s, benchpair.Summarize(2, num, den), "the bootstrap is seeded: same samples, same interval")
	assert.Contains(t, s.String(), "GOMAXPROCS 2: 1.100×")
}

func TestSummarizeEvenCount(t *testing.T) {
	s := benchpair.Summarize(1, []float64{1, 2, 3, 4}, []float64{1, 1, 1, 1})
	assert.InDelta(t, 2.5, s.Median, 1e-9)
}
