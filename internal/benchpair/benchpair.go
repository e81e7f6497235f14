// Package benchpair compares two benchmarks by paired runs: each benchmark runs alone in
// its own process, the two alternate round after round, and the figure reported is the
// median of the per-round ratios with a bootstrap 95 % interval.
//
// Why not one process: run in the same test binary, the second benchmark's place in the
// order moved winsim's ratios by up to 10 % (docs/io.md, docs/winio.md). Why pairs: on a
// shared machine the load drifts between rounds; a ratio taken within one round cancels
// most of that drift, which two separate medians would not.
//
// The command that drives it is internal/benchpair/cmd/benchpair (make bench-pairs).
package benchpair

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"strconv"

	"golang.org/x/perf/benchfmt"
)

// A Result is one benchmark line of go test -bench output.
type Result struct {
	Name    string  // without the -N GOMAXPROCS suffix, e.g. BenchmarkPingPong/net.Pipe
	Procs   int     // GOMAXPROCS the line was measured with (the suffix; 1 when absent)
	NsPerOp float64 // the ns/op figure
}

// Parse reads the benchmark lines of go test -bench output and returns them in order.
// It reads them with golang.org/x/perf/benchfmt, the reader benchstat uses, so what
// benchstat accepts this accepts: headers, PASS and log lines are skipped; a malformed
// benchmark line, or one without an ns/op figure, is an error.
func Parse(r io.Reader) ([]Result, error) {
	var out []Result
	br := benchfmt.NewReader(r, "go test output")
	for br.Scan() {
		switch rec := br.Result().(type) {
		case *benchfmt.SyntaxError:
			return nil, fmt.Errorf("benchpair: %w", rec)
		case *benchfmt.Result:
			res := Result{Procs: 1}
			base, parts := rec.Name.Parts()
			if k := len(parts); k > 0 && parts[k-1][0] == '-' {
				if n, err := strconv.Atoi(string(parts[k-1][1:])); err == nil && n > 0 {
					res.Procs, parts = n, parts[:k-1]
				}
			}
			res.Name = "Benchmark" + string(base) + string(bytes.Join(parts, nil))
			ns, ok := nsPerOp(rec)
			if !ok {
				return nil, fmt.Errorf("benchpair: %s has no ns/op figure", res.Name)
			}
			res.NsPerOp = ns
			out = append(out, res)
		}
	}
	return out, br.Err()
}

// nsPerOp returns the ns/op figure of rec as go test printed it: the Reader tidies it
// into sec/op and keeps the original, which has no rounding of its own.
func nsPerOp(rec *benchfmt.Result) (float64, bool) {
	for _, v := range rec.Values {
		if v.OrigUnit == "ns/op" {
			return v.OrigValue, true
		}
	}
	return 0, false
}

// NsPerOp returns the ns/op of the result named name measured with procs, and whether
// there is exactly one.
func NsPerOp(results []Result, name string, procs int) (float64, bool) {
	v, n := 0.0, 0
	for _, r := range results {
		if r.Name == name && r.Procs == procs {
			v, n = r.NsPerOp, n+1
		}
	}
	return v, n == 1
}

// A Summary is the paired comparison of one GOMAXPROCS value.
type Summary struct {
	Procs        int
	Pairs        int     // rounds in which both benchmarks reported
	Median       float64 // median of the per-round ratios num/den
	Low, High    float64 // bootstrap 95 % interval of that median
	NumNs, DenNs float64 // medians of the two benchmarks' own ns/op, for reference
}

// Summarize computes the summary of paired samples: num[i] and den[i] were measured in
// the same round. The bootstrap resamples the ratios 2,000 times with a fixed seed, so
// the same samples always give the same interval. It panics if the lengths differ or are
// zero (a caller's error, not an input's).
func Summarize(procs int, num, den []float64) Summary {
	if len(num) != len(den) || len(num) == 0 {
		panic("benchpair: Summarize needs paired, non-empty samples")
	}
	ratios := make([]float64, len(num))
	for i := range num {
		ratios[i] = num[i] / den[i]
	}
	rng := rand.New(rand.NewPCG(1, 2))
	const resamples = 2000
	meds := make([]float64, resamples)
	buf := make([]float64, len(ratios))
	for i := range meds {
		for j := range buf {
			buf[j] = ratios[rng.IntN(len(ratios))]
		}
		meds[i] = median(buf)
	}
	slices.Sort(meds)
	return Summary{
		Procs:  procs,
		Pairs:  len(ratios),
		Median: median(ratios),
		Low:    meds[resamples*25/1000],
		High:   meds[resamples*975/1000-1],
		NumNs:  median(num),
		DenNs:  median(den),
	}
}

// median returns the median of xs, which it sorts.
func median(xs []float64) float64 {
	slices.Sort(xs)
	n := len(xs)
	if n%2 == 1 {
		return xs[n/2]
	}
	return (xs[n/2-1] + xs[n/2]) / 2
}

// String formats s as one line of the command's report.
func (s Summary) String() string {
	return fmt.Sprintf("GOMAXPROCS %d: %.3f× [%.3f, %.3f] over %d pairs (%.0f ns/op against %.0f)",
		s.Procs, s.Median, s.Low, s.High, s.Pairs, s.NumNs, s.DenNs)
}
