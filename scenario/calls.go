package scenario

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/winsim/winsim/kernel"
	"github.com/winsim/winsim/mailslot"
	"github.com/winsim/winsim/pipe"
)

// A param is one argument of a call: its kind and its Win32 name.
//
//	h handle   u DWORD (numbers, constants, A|B)   s string (NULL is empty)
//	d data (text, bytes:N)   n buffer size   b BOOL   a SECURITY_ATTRIBUTES (NULL, INHERIT)
//	N name of a new script process   H... any number of handles (last only)
//	o an OVERLAPPED, named by the script (made on first use; NULL is none)
type param struct{ kind, name string }

// A callSpec describes one Win32 call a script can make.
type callSpec struct {
	params  []param
	results []string // the names of what it returns, in order
	doc     string
	run     func(ctx context.Context, p *kernel.Process, a args) ([]value, error)
}

// args are a call's parsed arguments, in param order.
type args []any

func (a args) h(i int) kernel.Handle               { return a[i].(kernel.Handle) }
func (a args) u(i int) uint32                      { return a[i].(uint32) }
func (a args) s(i int) string                      { return a[i].(string) }
func (a args) d(i int) []byte                      { return a[i].([]byte) }
func (a args) n(i int) int                         { return a[i].(int) }
func (a args) b(i int) bool                        { return a[i].(bool) }
func (a args) sa(i int) *kernel.SecurityAttributes { return a[i].(*kernel.SecurityAttributes) }
func (a args) hs(i int) []kernel.Handle            { return a[i].([]kernel.Handle) }
func (a args) access(i int) kernel.Access          { return kernel.Access(a.u(i)) }
func (a args) optU(i int) *uint32                  { v, _ := a[i].(*uint32); return v }
func (a args) o(i int) *ovRec                      { v, _ := a[i].(*ovRec); return v }
func ps(spec string) []param {
	var out []param
	for _, f := range strings.Fields(spec) {
		k, n, _ := strings.Cut(f, ":")
		out = append(out, param{k, n})
	}
	return out
}

func one(v value, err error) ([]value, error) { return []value{v}, err }

// calls is every Win32 call a script can make, by name.
var calls = map[string]callSpec{
	// Handles and objects (kernel).
	"CloseHandle": {ps("h:hObject"), nil, "closes a handle", func(_ context.Context, p *kernel.Process, a args) ([]value, error) {
		return nil, p.CloseHandle(a.h(0))
	}},
	"DuplicateHandle": {ps("h:hSourceProcess h:hSourceHandle h:hTargetProcess u:dwDesiredAccess b:bInheritHandle u:dwOptions"), []string{"h"},
		"copies a handle into a process's table (DUPLICATE_SAME_ACCESS, DUPLICATE_CLOSE_SOURCE)",
		func(_ context.Context, p *kernel.Process, a args) ([]value, error) {
			h, err := p.DuplicateHandle(a.h(0), a.h(1), a.h(2), a.access(3), a.b(4), a.u(5))
			return one(hval("h", h), err)
		}},
	"GetHandleInformation": {ps("h:hObject"), []string{"flags"}, "reports HANDLE_FLAG_INHERIT and HANDLE_FLAG_PROTECT_FROM_CLOSE",
		func(_ context.Context, p *kernel.Process, a args) ([]value, error) {
			f, err := p.GetHandleInformation(a.h(0))
			return one(hex("flags", f), err)
		}},
	"SetHandleInformation": {ps("h:hObject u:dwMask u:dwFlags"), nil, "changes a handle's flags",
		func(_ context.Context, p *kernel.Process, a args) ([]value, error) {
			return nil, p.SetHandleInformation(a.h(0), a.u(1), a.u(2))
		}},
	// Events and waits.
	"CreateEvent": {ps("a:lpEventAttributes b:bManualReset b:bInitialState s:lpName"), []string{"h"},
		"creates or opens an event; an existing name gives a handle and ERROR_ALREADY_EXISTS",
		func(_ context.Context, p *kernel.Process, a args) ([]value, error) {
			h, err := p.CreateEvent(a.sa(0), a.b(1), a.b(2), a.s(3))
			return one(hval("h", h), err)
		}},
	"OpenEvent": {ps("u:dwDesiredAccess b:bInheritHandle s:lpName"), []string{"h"}, "opens a named event",
		func(_ context.Context, p *kernel.Process, a args) ([]value, error) {
			h, err := p.OpenEvent(a.access(0), a.b(1), a.s(2))
			return one(hval("h", h), err)
		}},
	"SetEvent":   {ps("h:hEvent"), nil, "signals an event", func(_ context.Context, p *kernel.Process, a args) ([]value, error) { return nil, p.SetEvent(a.h(0)) }},
	"ResetEvent": {ps("h:hEvent"), nil, "unsignals an event", func(_ context.Context, p *kernel.Process, a args) ([]value, error) { return nil, p.ResetEvent(a.h(0)) }},
	"PulseEvent": {ps("h:hEvent"), nil, "signals and unsignals an event, releasing current waiters", func(_ context.Context, p *kernel.Process, a args) ([]value, error) {
		return nil, p.PulseEvent(a.h(0))
	}},
	"WaitForSingleObject": {ps("h:hHandle u:dwMilliseconds"), []string{"result"}, "waits for an object to be signalled (blocks)",
		func(ctx context.Context, p *kernel.Process, a args) ([]value, error) {
			res, err := p.WaitForSingleObject(ctx, a.h(0), a.u(1))
			return one(value{name: "result", kind: kindWait, n: uint64(res)}, err)
		}},
	"WaitForMultipleObjects": {ps("b:bWaitAll u:dwMilliseconds H:lpHandles..."), []string{"result"}, "waits for one or all of the handles (blocks)",
		func(ctx context.Context, p *kernel.Process, a args) ([]value, error) {
			res, err := p.WaitForMultipleObjects(ctx, a.hs(2), a.b(0), a.u(1))
			return one(value{name: "result", kind: kindWait, n: uint64(res)}, err)
		}},
	// Processes.
	"CreateProcess": {ps("N:lpApplicationName b:bInheritHandles"), []string{"hProcess", "pid"},
		"starts a child process, which the script can then name as a caller; with bInheritHandles it inherits every inheritable handle at the same value",
		func(_ context.Context, p *kernel.Process, a args) ([]value, error) {
			h, child, err := p.CreateProcess(imageName(a.s(0)), a.b(1), nil)
			if err != nil {
				return []value{hval("hProcess", 0), num("pid", 0)}, err
			}
			return []value{{name: "hProcess", kind: kindHandle, n: uint64(h), ref: child}, num("pid", uint64(child.PID()))}, nil
		}},
	"ExitProcess": {ps("u:uExitCode"), nil, "ends the calling process: its handles close and its blocked calls fail",
		func(_ context.Context, p *kernel.Process, a args) ([]value, error) {
			p.ExitProcess(a.u(0))
			return nil, nil
		}},
	"TerminateProcess": {ps("h:hProcess u:uExitCode"), nil, "ends another process",
		func(_ context.Context, p *kernel.Process, a args) ([]value, error) {
			return nil, p.TerminateProcess(a.h(0), a.u(1))
		}},
	"GetExitCodeProcess": {ps("h:hProcess"), []string{"code"}, "reports a process's exit code, STILL_ACTIVE while it runs",
		func(_ context.Context, p *kernel.Process, a args) ([]value, error) {
			c, err := p.GetExitCodeProcess(a.h(0))
			return one(num("code", uint64(c)), err)
		}},
	"GetProcessId": {ps("h:Process"), []string{"pid"}, "reports the PID of a process handle",
		func(_ context.Context, p *kernel.Process, a args) ([]value, error) {
			id, err := p.GetProcessId(a.h(0))
			return one(num("pid", uint64(id)), err)
		}},
	"OpenProcess": {ps("u:dwDesiredAccess b:bInheritHandle u:dwProcessId"), []string{"h"}, "opens a process by PID (a script process name stands for its PID)",
		func(_ context.Context, p *kernel.Process, a args) ([]value, error) {
			h, err := p.OpenProcess(a.access(0), a.b(1), a.u(2))
			return one(hval("h", h), err)
		}},
	// Files.
	"CreateFile": {ps("s:lpFileName u:dwDesiredAccess u:dwShareMode a:lpSecurityAttributes u:dwCreationDisposition u:dwFlagsAndAttributes"), []string{"h"},
		"opens a mailslot or pipe client, or a device",
		func(_ context.Context, p *kernel.Process, a args) ([]value, error) {
			h, err := p.CreateFile(a.s(0), a.access(1), a.u(2), a.sa(3), a.u(4), a.u(5))
			return one(hval("h", h), err)
		}},
	"ReadFile": {ps("h:hFile n:nNumberOfBytesToRead"), []string{"n", "data"}, "reads a message or bytes (blocks while there is nothing)",
		func(ctx context.Context, p *kernel.Process, a args) ([]value, error) {
			buf := make([]byte, a.n(1))
			n, err := p.ReadFile(ctx, a.h(0), buf)
			return []value{num("n", uint64(n)), str("data", string(buf[:max(n, 0)]))}, err
		}},
	"WriteFile": {ps("h:hFile d:lpBuffer"), []string{"n"}, "writes a message or bytes (blocks while a pipe's quota is full)",
		func(ctx context.Context, p *kernel.Process, a args) ([]value, error) {
			n, err := p.WriteFile(ctx, a.h(0), a.d(1))
			return one(num("n", uint64(n)), err)
		}},
	"FlushFileBuffers": {ps("h:hFile"), nil, "waits until the other end of a pipe has read everything (blocks)",
		func(ctx context.Context, p *kernel.Process, a args) ([]value, error) {
			return nil, p.FlushFileBuffers(ctx, a.h(0))
		}},
	// Mailslots.
	"CreateMailslot": {ps("s:lpName u:nMaxMessageSize u:lReadTimeout a:lpSecurityAttributes"), []string{"h"}, "creates a mailslot and returns its server handle",
		func(_ context.Context, p *kernel.Process, a args) ([]value, error) {
			h, err := mailslot.CreateMailslot(p, a.s(0), a.u(1), a.u(2), a.sa(3))
			return one(hval("h", h), err)
		}},
	"GetMailslotInfo": {ps("h:hMailslot"), []string{"max", "next", "count", "timeout"}, "reports the maximum size, next message size, message count and read timeout",
		func(_ context.Context, p *kernel.Process, a args) ([]value, error) {
			i, err := mailslot.GetMailslotInfo(p, a.h(0))
			return []value{num("max", uint64(i.MaxMessageSize)), num("next", uint64(i.NextSize)), num("count", uint64(i.MessageCount)), num("timeout", uint64(i.ReadTimeout))}, err
		}},
	"SetMailslotInfo": {ps("h:hMailslot u:lReadTimeout"), nil, "changes the read timeout",
		func(_ context.Context, p *kernel.Process, a args) ([]value, error) {
			return nil, mailslot.SetMailslotInfo(p, a.h(0), a.u(1))
		}},
	// Pipes.
	"CreatePipe": {ps("a:lpPipeAttributes u:nSize"), []string{"hRead", "hWrite"}, "creates an anonymous pipe",
		func(_ context.Context, p *kernel.Process, a args) ([]value, error) {
			rh, wh, err := pipe.CreatePipe(p, a.sa(0), a.u(1))
			return []value{hval("hRead", rh), hval("hWrite", wh)}, err
		}},
	"CreateNamedPipe": {ps("s:lpName u:dwOpenMode u:dwPipeMode u:nMaxInstances u:nOutBufferSize u:nInBufferSize u:nDefaultTimeOut a:lpSecurityAttributes"), []string{"h"},
		"creates an instance of a named pipe, listening from the start",
		func(_ context.Context, p *kernel.Process, a args) ([]value, error) {
			h, err := pipe.CreateNamedPipe(p, a.s(0), a.u(1), a.u(2), a.u(3), a.u(4), a.u(5), a.u(6), a.sa(7))
			return one(hval("h", h), err)
		}},
	"ConnectNamedPipe": {ps("h:hNamedPipe"), nil, "waits for a client (blocks); ERROR_PIPE_CONNECTED means one is there",
		func(ctx context.Context, p *kernel.Process, a args) ([]value, error) {
			return nil, pipe.ConnectNamedPipe(ctx, p, a.h(0))
		}},
	"DisconnectNamedPipe": {ps("h:hNamedPipe"), nil, "cuts the client off and discards unread data",
		func(_ context.Context, p *kernel.Process, a args) ([]value, error) {
			return nil, pipe.DisconnectNamedPipe(p, a.h(0))
		}},
	"WaitNamedPipe": {ps("s:lpNamedPipeName u:nTimeOut"), nil, "waits until an instance listens (blocks)",
		func(ctx context.Context, p *kernel.Process, a args) ([]value, error) {
			return nil, pipe.WaitNamedPipe(ctx, p, a.s(0), a.u(1))
		}},
	"CallNamedPipe": {ps("s:lpNamedPipeName d:lpInBuffer n:nOutBufferSize u:nTimeOut"), []string{"n", "data"}, "opens, transacts one message and closes",
		func(ctx context.Context, p *kernel.Process, a args) ([]value, error) {
			out := make([]byte, a.n(2))
			n, err := pipe.CallNamedPipe(ctx, p, a.s(0), a.d(1), out, a.u(3))
			return []value{num("n", uint64(n)), str("data", string(out[:max(n, 0)]))}, err
		}},
	"TransactNamedPipe": {ps("h:hNamedPipe d:lpInBuffer n:nOutBufferSize"), []string{"n", "data"}, "writes a message and reads the reply (blocks)",
		func(ctx context.Context, p *kernel.Process, a args) ([]value, error) {
			out := make([]byte, a.n(2))
			n, err := pipe.TransactNamedPipe(ctx, p, a.h(0), a.d(1), out)
			return []value{num("n", uint64(n)), str("data", string(out[:max(n, 0)]))}, err
		}},
	"PeekNamedPipe": {ps("h:hNamedPipe n:nBufferSize"), []string{"read", "avail", "left", "data"}, "copies without consuming",
		func(_ context.Context, p *kernel.Process, a args) ([]value, error) {
			buf := make([]byte, a.n(1))
			rd, av, left, err := pipe.PeekNamedPipe(p, a.h(0), buf)
			return []value{num("read", uint64(rd)), num("avail", uint64(av)), num("left", uint64(left)), str("data", string(buf[:min(int(rd), len(buf))]))}, err
		}},
	"GetNamedPipeInfo": {ps("h:hNamedPipe"), []string{"flags", "outSize", "inSize", "maxInstances"}, "reports the end, the type, the buffer sizes and the instance limit",
		func(_ context.Context, p *kernel.Process, a args) ([]value, error) {
			f, o, i, mx, err := pipe.GetNamedPipeInfo(p, a.h(0))
			return []value{hex("flags", f), num("outSize", uint64(o)), num("inSize", uint64(i)), num("maxInstances", uint64(mx))}, err
		}},
	"GetNamedPipeHandleState": {ps("h:hNamedPipe"), []string{"state", "instances"}, "reports the read and completion mode and the current instances",
		func(_ context.Context, p *kernel.Process, a args) ([]value, error) {
			var st, inst uint32
			err := pipe.GetNamedPipeHandleState(p, a.h(0), &st, &inst, nil, nil, nil)
			return []value{hex("state", st), num("instances", uint64(inst))}, err
		}},
	"SetNamedPipeHandleState": {ps("h:hNamedPipe U:lpMode U:lpMaxCollectionCount U:lpCollectDataTimeout"), nil,
		"changes the read mode (PIPE_READMODE_*) and completion mode (PIPE_WAIT, PIPE_NOWAIT); NULL leaves a value alone",
		func(_ context.Context, p *kernel.Process, a args) ([]value, error) {
			return nil, pipe.SetNamedPipeHandleState(p, a.h(0), a.optU(1), a.optU(2), a.optU(3))
		}},
	"GetNamedPipeClientComputerName": {ps("h:Pipe"), []string{"name"}, "reports the client's machine (ERROR_PIPE_LOCAL for a local one)",
		func(_ context.Context, p *kernel.Process, a args) ([]value, error) {
			s, err := pipe.GetNamedPipeClientComputerName(p, a.h(0))
			return one(str("name", s), err)
		}},
	"GetNamedPipeClientProcessId": {ps("h:Pipe"), []string{"pid"}, "reports the client's PID",
		func(_ context.Context, p *kernel.Process, a args) ([]value, error) {
			id, err := pipe.GetNamedPipeClientProcessId(p, a.h(0))
			return one(num("pid", uint64(id)), err)
		}},
	"GetNamedPipeServerProcessId": {ps("h:Pipe"), []string{"pid"}, "reports the server's PID",
		func(_ context.Context, p *kernel.Process, a args) ([]value, error) {
			id, err := pipe.GetNamedPipeServerProcessId(p, a.h(0))
			return one(num("pid", uint64(id)), err)
		}},
}

// imageName is the image a script process name runs: the name itself if it has a dot,
// else name.exe.
func imageName(name string) string {
	if strings.Contains(name, ".") {
		return name
	}
	return name + ".exe"
}

// CallNames lists every Win32 call a script can make, sorted.
func CallNames() []string {
	names := make([]string, 0, len(calls))
	for n := range calls {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// CallSignature describes a call as a script writes it: its arguments and results.
func CallSignature(name string) (string, bool) {
	c, ok := calls[name]
	if !ok {
		return "", false
	}
	var b strings.Builder
	b.WriteString(name)
	for _, p := range c.params {
		b.WriteString(" " + p.name)
	}
	if len(c.results) > 0 {
		b.WriteString(" -> " + strings.Join(c.results, " "))
	}
	return b.String(), true
}

// CallDoc is a call's one-line description.
func CallDoc(name string) string { return calls[name].doc }

// parseArgs checks the number of arguments and resolves each one.
func (r *Runner) parseArgs(name string, spec callSpec, toks []string) (args, error) {
	n := len(spec.params)
	variadic := n > 0 && spec.params[n-1].kind == "H"
	if variadic && len(toks) < n-1 || !variadic && len(toks) != n {
		sig, _ := CallSignature(name)
		want := fmt.Sprint(n)
		if variadic {
			want = fmt.Sprintf("at least %d", n-1)
		}
		return nil, usagef("%s takes %s arguments, got %d (%s)", name, want, len(toks), sig)
	}
	out := make(args, n)
	for i, p := range spec.params {
		tok := ""
		if i < len(toks) {
			tok = toks[i]
		}
		var v any
		var err error
		switch p.kind {
		case "h":
			v, err = r.handle(tok)
		case "u":
			v, err = r.u32(tok)
		case "U":
			if tok == "NULL" {
				v = (*uint32)(nil)
				break
			}
			var u uint32
			u, err = r.u32(tok)
			v = &u
		case "s":
			v = text(tok)
		case "N":
			if !isIdent(tok) {
				err = usagef("%q cannot name a process", tok)
			} else if r.isTaken(tok) {
				err = usagef("%q is already a process or a command", tok)
			}
			v = tok
		case "o":
			v, err = r.overlapped(tok)
		case "d":
			v, err = data(tok)
		case "n":
			v, err = r.size(tok)
		case "b":
			v, err = r.boolean(tok)
		case "a":
			v, err = security(tok)
		case "H":
			hs := []kernel.Handle{}
			for _, t := range toks[i:] {
				h, herr := r.handle(t)
				if herr != nil {
					err = herr
					break
				}
				hs = append(hs, h)
			}
			v = hs
		}
		if err != nil {
			return nil, fmt.Errorf("argument %d (%s): %w", i+1, p.name, err)
		}
		out[i] = v
	}
	return out, nil
}
