package main

import (
	"fmt"
	"os"
	"testing"

	"go.uber.org/goleak"

	"github.com/winsim/winsim/internal/reliability"
)

// fakeGo, when set, makes the test binary act as the command a step runs: it prints
// what go test -fuzz prints when it finds a crasher, reports a test's figures through
// the environment as a test does, and exits 1.
const fakeGo = "RELIABILITY_FAKE_GO"

func TestMain(m *testing.M) {
	if os.Getenv(fakeGo) != "" {
		fmt.Println("fuzz: elapsed: 0s, gathering baseline coverage: 2/2 completed, now fuzzing with 2 workers")
		fmt.Println("fuzz: elapsed: 3s, execs: 4321 (1440/sec), new interesting: 1 (total: 3)")
		fmt.Println("    Failing input written to testdata/fuzz/FuzzX/0123abcd")
		r := reliability.Record{Step: os.Getenv(reliability.EnvStep), Name: "TestFake", Pass: true, BadInput: &reliability.BadInput{Cases: 1}}
		if err := reliability.Append(os.Getenv(reliability.EnvOut), r); err != nil {
			fmt.Fprintln(os.Stderr, err)
		}
		os.Exit(1)
	}
	goleak.VerifyTestMain(m)
}
