package winsim_test

import (
	"context"
	"errors"
	"testing"

	"github.com/winsim/winsim"
	"github.com/winsim/winsim/kernel"
	"github.com/winsim/winsim/kerneltest"
	"github.com/winsim/winsim/mailslot"
	"github.com/winsim/winsim/pipe"
)

// FuzzNames feeds arbitrary names to every call that takes one. Each call either
// succeeds or returns a Win32 error (never panics, never hangs: waits use timeout 0),
// and once the handles are closed the machines hold nothing.
func FuzzNames(f *testing.F) {
	for _, s := range []string{
		`\\.\pipe\x`, `\\.\mailslot\a\b`, `\\*\mailslot\x`, `\\PEER\pipe\x`, `\\CORP\mailslot\m`,
		`\\?\pipe\x`, `\\.\PIPE\`, `\\.\mailslot`, `Global\ev`, `Local\ev`, `x\y`, ``, `\\`, `\\.`,
		`\\.\pipe\a/b`, `\\.\pipe\..\x`, "\\\\.\\pipe\\\x00", `C:\x`, `\\HOST`, `\\HOST\pipe`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		n := kerneltest.NewNetwork(t)
		m := kerneltest.AddMachine(t, n, "HOME", "CORP", winsim.Install)
		kerneltest.AddMachine(t, n, "PEER", "CORP", winsim.Install)
		p := kerneltest.NewProcess(t, m, "fuzz.exe")
		defer p.Terminate(0)
		ctx := context.Background()
		var opened []kernel.Handle
		check := func(call string, h kernel.Handle, err error) {
			if err != nil {
				var errno kernel.Errno
				if !errors.As(err, &errno) {
					t.Fatalf("%s(%q): not a Win32 error: %T %v", call, name, err, err)
				}
				if errors.Is(err, kernel.ERROR_ALREADY_EXISTS) && h != 0 {
					opened = append(opened, h) // CreateEvent of an existing name: a handle and the error
				}
				return
			}
			if h != 0 {
				opened = append(opened, h)
			}
		}
		h, err := p.CreateFile(name, kernel.GENERIC_READ|kernel.GENERIC_WRITE, kernel.FILE_SHARE_READ|kernel.FILE_SHARE_WRITE, nil, kernel.OPEN_EXISTING, 0)
		check("CreateFile", h, err)
		h, err = mailslot.CreateMailslot(p, name, 0, 0, nil)
		check("CreateMailslot", h, err)
		h, err = pipe.CreateNamedPipe(p, name, pipe.PIPE_ACCESS_DUPLEX, pipe.PIPE_TYPE_MESSAGE, 1, 512, 512, 0, nil)
		check("CreateNamedPipe", h, err)
		check("WaitNamedPipe", 0, pipe.WaitNamedPipe(ctx, p, name, pipe.NMPWAIT_NOWAIT))
		h, err = p.CreateFile(name, kernel.GENERIC_WRITE, kernel.FILE_SHARE_READ, nil, kernel.OPEN_EXISTING, 0)
		check("CreateFile again", h, err)
		h, err = p.CreateEvent(nil, true, false, name)
		check("CreateEvent", h, err)
		h, err = p.OpenEvent(kernel.SYNCHRONIZE, false, name)
		check("OpenEvent", h, err)
		for _, h := range opened {
			if err := p.CloseHandle(h); err != nil {
				t.Fatalf("CloseHandle(%#x) after %q: %v", h, name, err)
			}
		}
	})
}
