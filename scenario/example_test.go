package scenario_test

import (
	"fmt"
	"os"
	"strings"

	"github.com/winsim/winsim/scenario"
)

// A script is a test: each call's expected result is written on its line. The
// transcript shows each line, what the call returned and the trace events it caused;
// here the events are left out to keep it short.
func Example() {
	var out strings.Builder
	r := scenario.New(scenario.Options{Output: &out})
	defer r.Close()
	err := r.Run("example.txt", []byte(`machine ALPHA CORP
process server ALPHA
process client ALPHA
server CreateMailslot \\.\mailslot\inbox 0 1000 NULL -> slot
client CreateFile \\.\mailslot\inbox GENERIC_WRITE FILE_SHARE_READ NULL OPEN_EXISTING 0 -> h
client WriteFile h hello == 5
server ReadFile slot 424 == 5 hello
server ReadFile slot 424 => ERROR_SEM_TIMEOUT
`))
	for _, l := range strings.Split(out.String(), "\n") {
		if !strings.HasPrefix(l, "  |") {
			fmt.Fprintln(os.Stdout, l)
		}
	}
	fmt.Println("error:", err)
	// Output:
	// > machine ALPHA CORP
	// > process server ALPHA
	// > process client ALPHA
	// > server CreateMailslot \\.\mailslot\inbox 0 1000 NULL -> slot
	//   = ok h=0x4 -> slot
	// > client CreateFile \\.\mailslot\inbox GENERIC_WRITE FILE_SHARE_READ NULL OPEN_EXISTING 0 -> h
	//   = ok h=0x4 -> h
	// > client WriteFile h hello == 5
	//   = ok n=5
	// > server ReadFile slot 424 == 5 hello
	//   = ok n=5 data="hello"
	// > server ReadFile slot 424 => ERROR_SEM_TIMEOUT
	//   = ERROR_SEM_TIMEOUT n=0 data="" (after 1s)
	//
	// error: <nil>
}
