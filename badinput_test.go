package winsim_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/winsim/winsim"
	"github.com/winsim/winsim/kernel"
	"github.com/winsim/winsim/kerneltest"
	"github.com/winsim/winsim/mailslot"
	"github.com/winsim/winsim/pipe"
)

// Every handle-taking call of every package answers bad handles with a Win32 error —
// never a panic, never a hang: values never opened, closed values, pseudo-handles
// (GetCurrentProcess is also INVALID_HANDLE_VALUE, windows-facts.md HD-1, HD-2), a handle of
// another type (an event), and a value that is only valid in another process.
func TestBadHandlesGetWin32ErrorsEverywhere(t *testing.T) {
	m := kerneltest.NewMachine(t, winsim.Install)
	p := kerneltest.NewProcess(t, m, "caller.exe")
	other := kerneltest.NewProcess(t, m, "other.exe")
	defer p.Terminate(0)
	defer other.Terminate(0)
	ctx := context.Background()

	ev, err := p.CreateEvent(nil, true, false, "")
	require.NoError(t, err)
	closed, err := p.CreateEvent(nil, true, false, "")
	require.NoError(t, err)
	require.NoError(t, p.CloseHandle(closed))
	for i := 0; i < 3; i++ { // so the other process's mailslot lands at a value p never had
		_, err := other.CreateEvent(nil, true, false, "")
		require.NoError(t, err)
	}
	foreign, err := mailslot.CreateMailslot(other, `\\.\mailslot\foreign`, 0, 0, nil)
	require.NoError(t, err)
	require.Equal(t, kernel.Handle(16), foreign)

	bad := map[string]kernel.Handle{
		"zero":            0,
		"never opened":    0x4000,
		"closed":          closed,
		"pseudo process":  kernel.CurrentProcess,
		"pseudo thread":   kernel.CurrentThread,
		"an event":        ev,
		"other's process": foreign, // valid in other.exe only
	}
	buf := make([]byte, 16)
	mode := pipe.PIPE_READMODE_MESSAGE
	var state uint32
	calls := map[string]func(h kernel.Handle) error{
		"ReadFile":         func(h kernel.Handle) error { _, err := p.ReadFile(ctx, h, buf); return err },
		"WriteFile":        func(h kernel.Handle) error { _, err := p.WriteFile(ctx, h, buf); return err },
		"FlushFileBuffers": func(h kernel.Handle) error { return p.FlushFileBuffers(ctx, h) },
		"GetMailslotInfo":  func(h kernel.Handle) error { _, err := mailslot.GetMailslotInfo(p, h); return err },
		"SetMailslotInfo":  func(h kernel.Handle) error { return mailslot.SetMailslotInfo(p, h, 0) },
		"ConnectNamedPipe": func(h kernel.Handle) error { return pipe.ConnectNamedPipe(ctx, p, h) },
		"DisconnectNamedPipe": func(h kernel.Handle) error {
			return pipe.DisconnectNamedPipe(p, h)
		},
		"PeekNamedPipe": func(h kernel.Handle) error { _, _, _, err := pipe.PeekNamedPipe(p, h, buf); return err },
		"TransactNamedPipe": func(h kernel.Handle) error {
			_, err := pipe.TransactNamedPipe(ctx, p, h, buf, buf)
			return err
		},
		"GetNamedPipeInfo": func(h kernel.Handle) error { _, _, _, _, err := pipe.GetNamedPipeInfo(p, h); return err },
		"GetNamedPipeHandleState": func(h kernel.Handle) error {
			return pipe.GetNamedPipeHandleState(p, h, &state, nil, nil, nil, nil)
		},
		"SetNamedPipeHandleState": func(h kernel.Handle) error {
			return pipe.SetNamedPipeHandleState(p, h, &mode, nil, nil)
		},
		"GetNamedPipeClientProcessId":    func(h kernel.Handle) error { _, err := pipe.GetNamedPipeClientProcessId(p, h); return err },
		"GetNamedPipeServerProcessId":    func(h kernel.Handle) error { _, err := pipe.GetNamedPipeServerProcessId(p, h); return err },
		"GetNamedPipeClientComputerName": func(h kernel.Handle) error { _, err := pipe.GetNamedPipeClientComputerName(p, h); return err },
		"SetEvent":                       func(h kernel.Handle) error { return p.SetEvent(h) },
		"GetExitCodeProcess":             func(h kernel.Handle) error { _, err := p.GetExitCodeProcess(h); return err },
	}
	for callName, call := range calls {
		for badName, h := range bad {
			t.Run(fmt.Sprintf("%s/%s", callName, badName), func(t *testing.T) {
				var err error
				require.NotPanics(t, func() { err = call(h) })
				if (badName == "pseudo process" && callName == "GetExitCodeProcess") ||
					(badName == "an event" && callName == "SetEvent") {
					assert.NoError(t, err, "a valid use of that handle")
					return
				}
				require.Error(t, err)
				var errno kernel.Errno
				assert.True(t, errors.As(err, &errno), "a Win32 error, got %T %v", err, err)
				if badName != "an event" {
					assert.ErrorIs(t, err, kernel.ERROR_INVALID_HANDLE)
				}
			})
		}
	}
	require.NoError(t, p.CloseHandle(ev))
}
