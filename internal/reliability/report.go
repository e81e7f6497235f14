package reliability

import (
	"os"
	"testing"
	"time"
)

// Report returns the Record a test fills in with its figures. When the environment
// variable EnvOut names a figures file, the record is appended to it when t ends, with
// Pass saying whether t passed; call Report first in the test, so that the record is
// written after every cleanup registered later (a self-check or leak check at cleanup
// counts in Pass). Without EnvOut the record is discarded and Report costs nothing.
func Report(t testing.TB) *Record {
	r := &Record{Step: os.Getenv(EnvStep), Name: t.Name()}
	path := os.Getenv(EnvOut)
	if path == "" {
		return r
	}
	start := time.Now()
	t.Cleanup(func() {
		r.Pass = !t.Failed()
		r.Elapsed = time.Since(start)
		if err := Append(path, *r); err != nil {
			t.Errorf("reliability: the figures were not recorded: %v", err)
		}
	})
	return r
}
