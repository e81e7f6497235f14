package scenario_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/winsim/winsim/scenario"
)

const header = "machine ALPHA CORP\nprocess p ALPHA\n"

// A script error stops the script with file:line, the line, what was expected and what
// happened; nothing after it runs.
func TestScriptErrorsNameFileLineExpectedAndGot(t *testing.T) {
	for _, tc := range []struct{ name, line, want string }{
		{"unknown call", "p CreateWidget 1", `s.txt:3: p CreateWidget 1: script error: unknown call "CreateWidget"`},
		{"unknown command", "q CloseHandle 4", `s.txt:3: q CloseHandle 4: unknown command`},
		{"wrong argument count", "p CloseHandle", "s.txt:3: p CloseHandle: script error: CloseHandle takes 1 arguments, got 0 (CloseHandle hObject)"},
		{"unknown constant", "p CreateEvent NULL TRUE FALSE NULL -> e\np WaitForSingleObject e FOREVER", `s.txt:4: p WaitForSingleObject e FOREVER: argument 2 (dwMilliseconds): script error: unknown name or constant "FOREVER"`},
		{"unknown name", "p CloseHandle h", `s.txt:3: p CloseHandle h: argument 1 (hObject): script error: unknown handle name "h"`},
		{"expected error, got success", "p CreateEvent NULL TRUE FALSE NULL => ERROR_ALREADY_EXISTS", "s.txt:3: p CreateEvent NULL TRUE FALSE NULL => ERROR_ALREADY_EXISTS: expected ERROR_ALREADY_EXISTS, got success (ok h=0x4)"},
		{"expected success, got error", "p CloseHandle 0x40", "s.txt:3: p CloseHandle 0x40: expected success, got ERROR_INVALID_HANDLE (The handle is invalid.)"},
		{"other error", "p CloseHandle 0x40 => ERROR_ACCESS_DENIED", "expected ERROR_ACCESS_DENIED, got ERROR_INVALID_HANDLE"},
		{"wrong value", "p CreateEvent NULL TRUE FALSE NULL == 0x8", "s.txt:3: p CreateEvent NULL TRUE FALSE NULL == 0x8: expected h == 0x8, got 0x4"},
		{"too many values", "p CreateEvent NULL TRUE FALSE NULL == 1 2", "== gives 2 values, the call returns 1 (h)"},
		{"unknown error name", "p CloseHandle 4 => ERROR_WHATEVER", `unknown error name "ERROR_WHATEVER"`},
		{"blocks forever", "p CreateEvent NULL TRUE FALSE NULL -> e\np WaitForSingleObject e INFINITE", "s.txt:4: p WaitForSingleObject e INFINITE: the call blocks and nothing in the script can wake it"},
		{"background expectation", "p CreateEvent NULL TRUE FALSE NULL -> e\np WaitForSingleObject e 10 == WAIT_OBJECT_0 &\nwait", "s.txt:4: p WaitForSingleObject e 10 == WAIT_OBJECT_0: expected result == WAIT_OBJECT_0, got WAIT_TIMEOUT"},
		{"bad buffer size", "p ReadFile 4 99999999", "buffer size 99999999 is over the script limit"},
		{"bind a constant", "p CreateEvent NULL TRUE FALSE NULL -> INFINITE", "INFINITE is a Win32 constant, not a free name"},
		{"unterminated quote", "p CreateEvent NULL TRUE FALSE 'oops", "s.txt:3: unterminated quoted argument"},
		{"unknown machine", "process q NOWHERE", `no machine "NOWHERE"`},
		{"duplicate machine", "machine alpha CORP", "s.txt:3: machine alpha CORP: expected success, got ERROR_DUP_NAME"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := run(t, "s.txt", header+tc.line+"\np ExitProcess 0\n")
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			assert.Contains(t, out, "FAIL: "+err.Error())
			assert.NotContains(t, out, "> p ExitProcess", "nothing runs after the error")
		})
	}
}

// An expected Win32 error is a success of the line, and the error's values are shown.
func TestExpectedErrorsAndBindingsHold(t *testing.T) {
	out, err := run(t, "s.txt", header+`p CreateEvent NULL TRUE FALSE Global\x -> e
p CreateEvent NULL FALSE FALSE Global\x -> e2 => ERROR_ALREADY_EXISTS
p WaitForSingleObject e2 0 == WAIT_TIMEOUT
p SetEvent e
p WaitForSingleObject e2 0 == WAIT_OBJECT_0
`)
	require.NoError(t, err, out)
	assert.Contains(t, out, "= ERROR_ALREADY_EXISTS h=0x8 -> e2")
}

// Interactive lines (RunLine) keep names and background calls from line to line, and an
// error ends only its own line.
func TestRunLineCarriesStateAndSurvivesErrors(t *testing.T) {
	var out strings.Builder
	r := newRunner(&out)
	defer r.Close()
	for i, l := range strings.Split(header+"p CloseHandle nothing\np CreateEvent NULL TRUE FALSE NULL -> e\np WaitForSingleObject e INFINITE &\np SetEvent e\nwait", "\n") {
		err := r.RunLine("stdin", i+1, l)
		if i == 2 {
			assert.ErrorContains(t, err, "stdin:3:")
		} else {
			assert.NoError(t, err, out.String())
		}
	}
	assert.Contains(t, out.String(), "= [line 5, p WaitForSingleObject] ok result=WAIT_OBJECT_0")
}

// FuzzScript: no script, however malformed, panics the runner or hangs it. Every call
// ends with a result, a script error or a cancelled wait.
func FuzzScript(f *testing.F) {
	// Small seeds keep minimization quick; the scenario library is the large corpus the
	// other tests run.
	if src, err := os.ReadFile(filepath.Join("..", "testdata", "scenarios", "timeouts.txt")); err == nil {
		f.Add(string(src))
	}
	for _, s := range []string{
		"", "#", "&", "!", "[x] y", "machine", "machine A", header + "p", header + "p ReadFile",
		header + "p ReadFile 0x4 -1", header + "p WriteFile 4 bytes:99999999999",
		header + "p CreateEvent NULL TRUE FALSE NULL -> e\np WaitForMultipleObjects TRUE 5 e e e &\nadvance 1\nwait",
		header + "p CreatePipe INHERIT 0 -> r w\np CreateProcess c TRUE -> h\nc ExitProcess 1\np ReadFile r 10 => ERROR_BROKEN_PIPE",
		header + "faults seed=x", header + "advance 99999999999999h", header + "p CreateProcess p TRUE",
		header + "p ConnectNamedPipe 4 &\nwait\nwait\n&", header + "p == => ->", header + "p CloseHandle 4 -> a -> b",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		done := make(chan struct{})
		var out strings.Builder
		go func() {
			defer close(done)
			r := newRunner(&out)
			defer r.Close()
			err := r.Run("fuzz.txt", []byte(src))
			if err != nil && strings.Contains(err.Error(), "panicked") {
				t.Errorf("winsim panicked: %v", err)
			}
		}()
		select {
		case <-done:
		case <-time.After(60 * time.Second):
			t.Fatalf("the runner hung on:\n%s", src)
		}
	})
}

// A recorded run marks the step that failed, with the failure in its output.
func TestRecordedRunMarksTheFailedStep(t *testing.T) {
	r := scenario.New(scenario.Options{Record: true})
	defer r.Close()
	err := r.Run("s.txt", []byte(header+"p CloseHandle 0x40\n"))
	require.Error(t, err)
	steps := r.Steps()
	require.Len(t, steps, 3)
	last := steps[2]
	assert.True(t, last.Failed)
	assert.Equal(t, 3, last.Line)
	assert.Contains(t, last.Output[len(last.Output)-1], "FAIL: s.txt:3:")
	assert.False(t, steps[1].Failed)
	assert.Contains(t, last.Objects, "Objects on ALPHA")
	assert.NotNil(t, last.Network)
}

// echo and help write into the transcript; stop ends the script without an error.
func TestEchoHelpAndStop(t *testing.T) {
	out, err := run(t, "s.txt", "echo hello there\nhelp\nhelp calls\nstop\nno such command\n")
	require.NoError(t, err)
	assert.Contains(t, out, "> echo hello there\n  hello there\n")
	assert.Contains(t, out, "  machine NAME DOMAIN\n")
	assert.Contains(t, out, "  ReadFile hFile nNumberOfBytesToRead -> n data\n")
	assert.NotContains(t, out, "no such command", "nothing runs after stop")
}
