package reliability_test

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

func TestAppendAndReadRecords(t *testing.T) {
	path := filepath.Join(t.TempDir(), "figures.jsonl")
	a := reliability.Record{Step: "s", Name: "TestA", Pass: true, Stress: &reliability.Stress{Messages: 10, PipeSent: 7}}
	b := reliability.Record{Step: "s", Name: "s", Run: &reliability.Run{Command: []string{"go", "test"}, ExitCode: 1}}
	require.NoError(t, reliability.Append(path, a))
	require.NoError(t, reliability.Append(path, b))
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, 2, bytes.Count(data, []byte("\n")), "one line a record")
	recs, err := reliability.ReadRecords(bytes.NewReader(data))
	require.NoError(t, err)
	assert.Equal(t, []reliability.Record{a, b}, recs)
}

// A figures file written by another version of the records is refused, not misread.
func TestReadRecordsRefusesUnknownFields(t *testing.T) {
	_, err := reliability.ReadRecords(strings.NewReader("{\"name\":\"x\",\"pass\":true,\"elapsed_ns\":0}\n{\"name\":\"y\",\"messages_lost\":3}\n"))
	assert.ErrorContains(t, err, "line 2")
}

// fakeT is a test whose failure and cleanups the test controls.
type fakeT struct {
	testing.TB
	failed   bool
	cleanups []func()
	errors   []string
}

func (f *fakeT) Name() string                   { return "TestFake" }
func (f *fakeT) Failed() bool                   { return f.failed }
func (f *fakeT) Cleanup(fn func())              { f.cleanups = append(f.cleanups, fn) }
func (f *fakeT) Errorf(format string, _ ...any) { f.errors = append(f.errors, format) }
func (f *fakeT) end() {
	for i := len(f.cleanups) - 1; i >= 0; i-- {
		f.cleanups[i]()
	}
}

// Report writes the record when the test ends, with Pass from the test's result;
// without the environment variable it writes nothing.
func TestReportWritesWhenTheTestEnds(t *testing.T) {
	path := filepath.Join(t.TempDir(), "figures.jsonl")
	t.Setenv(reliability.EnvOut, path)
	t.Setenv(reliability.EnvStep, "stress")
	for _, failed := range []bool{false, true} {
		ft := &fakeT{}
		rec := reliability.Report(ft)
		rec.Discovery = &reliability.Discovery{Seeds: 3}
		_, err := os.Stat(path)
		if !failed {
			assert.ErrorIs(t, err, os.ErrNotExist, "nothing is written before the test ends")
		}
		ft.failed = failed
		ft.end()
		assert.Empty(t, ft.errors)
	}
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	recs, err := reliability.ReadRecords(f)
	require.NoError(t, err)
	require.Len(t, recs, 2)
	for i, pass := range []bool{true, false} {
		assert.Equal(t, "stress", recs[i].Step)
		assert.Equal(t, "TestFake", recs[i].Name)
		assert.Equal(t, pass, recs[i].Pass)
		assert.Equal(t, &reliability.Discovery{Seeds: 3}, recs[i].Discovery)
	}

	t.Setenv(reliability.EnvOut, "")
	ft := &fakeT{}
	reliability.Report(ft)
	assert.Empty(t, ft.cleanups, "without a figures file Report registers nothing")
}

// A figures file that cannot be written fails the test that reports.
func TestReportFailsTheTestWhenItCannotWrite(t *testing.T) {
	t.Setenv(reliability.EnvOut, filepath.Join(t.TempDir(), "no such dir", "figures.jsonl"))
	ft := &fakeT{}
	reliability.Report(ft)
	ft.end()
	assert.Len(t, ft.errors, 1)
}
