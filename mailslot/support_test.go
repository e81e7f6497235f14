package mailslot

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/winsim/winsim/kernel"
	"github.com/winsim/winsim/kerneltest"
)

// testName is the mailslot name kernel32/tests/mailslot.c uses.
const testName = `\\.\mailslot\wine_mailslot_test`

// newMachine returns a machine with the mailslot file system on its own network, checked
// for leaks when the test ends.
func newMachine(t testing.TB) *kernel.Machine {
	t.Helper()
	return kerneltest.NewMachine(t, Install)
}

// newProc starts a process on m that is terminated when the test ends (before the leak
// check, so its handles are closed by its exit).
func newProc(t testing.TB, m *kernel.Machine, name string) *kernel.Process {
	t.Helper()
	p := kerneltest.NewProcess(t, m, name)
	t.Cleanup(func() { p.Terminate(0) })
	return p
}

// create is CreateMailslot that must succeed.
func create(t testing.TB, p *kernel.Process, name string, maxSize, timeout uint32) kernel.Handle {
	t.Helper()
	h, err := CreateMailslot(p, name, maxSize, timeout, nil)
	require.NoError(t, err)
	return h
}

// open is CreateFile of a writing client that must succeed.
func open(t testing.TB, p *kernel.Process, name string) kernel.Handle {
	t.Helper()
	h, err := p.CreateFile(name, kernel.GENERIC_WRITE, kernel.FILE_SHARE_READ, nil, kernel.OPEN_EXISTING, 0)
	require.NoError(t, err)
	return h
}

// write is WriteFile that must succeed and write everything.
func write(t testing.TB, p *kernel.Process, h kernel.Handle, msg string) {
	t.Helper()
	n, err := p.WriteFile(context.Background(), h, []byte(msg))
	require.NoError(t, err)
	require.Equal(t, len(msg), n)
}

// read is ReadFile with a buffer of size bytes.
func read(p *kernel.Process, h kernel.Handle, size int) (string, error) {
	buf := make([]byte, size)
	n, err := p.ReadFile(context.Background(), h, buf)
	return string(buf[:n]), err
}

// info is GetMailslotInfo that must succeed.
func info(t testing.TB, p *kernel.Process, h kernel.Handle) Info {
	t.Helper()
	in, err := GetMailslotInfo(p, h)
	require.NoError(t, err)
	return in
}

// drain reads every queued message of a server handle with timeout 0.
func drain(t testing.TB, p *kernel.Process, h kernel.Handle) []string {
	t.Helper()
	var out []string
	for {
		in := info(t, p, h)
		if in.MessageCount == 0 {
			return out
		}
		s, err := read(p, h, int(in.NextSize))
		require.NoError(t, err)
		out = append(out, s)
	}
}

// granted returns the access h grants in p.
func granted(t testing.TB, p *kernel.Process, h kernel.Handle) kernel.Access {
	t.Helper()
	for _, hi := range p.Handles() {
		if hi.Handle == h {
			return hi.Granted
		}
	}
	t.Fatalf("handle %#x not in the table", h)
	return 0
}

// objectOf returns the object h refers to in p (no reference kept).
func objectOf(t testing.TB, p *kernel.Process, h kernel.Handle) *kernel.Object {
	t.Helper()
	o, _, err := p.Reference(h, 0, nil)
	require.NoError(t, err)
	o.DecRef()
	return o
}

// slotOf returns the mailslot behind a server handle.
func slotOf(t testing.TB, p *kernel.Process, h kernel.Handle) *mailslot {
	t.Helper()
	s, ok := objectOf(t, p, h).Body().(*serverEnd)
	require.True(t, ok, "not a server handle")
	return s.ms
}
