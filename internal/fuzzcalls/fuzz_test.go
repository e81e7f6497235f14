package fuzzcalls_test

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/winsim/winsim/kernel"
	"github.com/winsim/winsim/mailslot"
	"github.com/winsim/winsim/pipe"
)

// machineNames are the three machines, all in domain LAB, two processes each.
var machineNames = [3]string{"A", "B", "C"}

const nProcs = 6

// The names the calls use: few, so that calls meet on them.
var (
	eventNames    = []string{"", "e0", "e1", `Global\e0`}
	pipeNames     = []string{`\\.\pipe\f0`, `\\.\pipe\f1`, `\\B\pipe\f0`, `\\A\pipe\f1`, `\\.\pipe\`}
	mailslotNames = []string{`\\.\mailslot\m0`, `\\.\mailslot\m1\x`, `\\*\mailslot\m0`, `\\LAB\mailslot\m1\x`, `\\C\mailslot\m0`, `\\.\mailslot`}
)

// watchdog is how long one input may run in real time before the run is failed as
// hung (a livelock; a deadlock of the bubble is reported by synctest itself).
const watchdog = 10 * time.Second

// maxCalls bounds one input's calls.
const maxCalls = 300

// world is one run: the network, the processes, and what is in flight.
type world struct {
	t     *testing.T
	net   *kernel.Network
	ms    [3]*kernel.Machine
	procs [nProcs]*kernel.Process
	data  []byte
	log   []string
	wg    sync.WaitGroup    // blocking calls started on their own goroutines
	ovs   []*inflight       // overlapped operations issued
	gone  []*kernel.Machine // machines removed from the network, checked at the end too
	seq   int
}

// inflight is one overlapped operation: its OVERLAPPED and buffer stay alive until the
// run ends, as a Win32 caller must keep them.
type inflight struct {
	p   *kernel.Process
	h   kernel.Handle
	ov  *kernel.Overlapped
	buf []byte
}

func (w *world) next() byte {
	if len(w.data) == 0 {
		return 0
	}
	b := w.data[0]
	w.data = w.data[1:]
	return b
}

func (w *world) proc() *kernel.Process { return w.procs[int(w.next())%nProcs] }

// handle picks one of p's handles, or now and then a value that is not one.
func (w *world) handle(p *kernel.Process) kernel.Handle {
	b := w.next()
	switch b {
	case 255:
		return kernel.InvalidHandle
	case 254:
		return 0
	case 253:
		return 0x7ffc
	}
	hs := p.Handles()
	if len(hs) == 0 {
		return 4
	}
	return hs[int(b)%len(hs)].Handle
}

func (w *world) timeout() uint32 {
	return [...]uint32{0, 1, 10, 50, kernel.INFINITE}[int(w.next())%5]
}

func (w *world) buf() []byte {
	n := int(w.next()) % 48
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(w.seq + i)
	}
	return b
}

func (w *world) logf(format string, args ...any) {
	w.log = append(w.log, fmt.Sprintf(format, args...))
}

func (w *world) trail() string {
	start := max(0, len(w.log)-40)
	return "last calls:\n\t" + strings.Join(w.log[start:], "\n\t")
}

// result requires err to be nil or a Win32 error (an Errno, or an error matching one,
// such as kernel.AbortError): bad input gets an error code, never anything else.
func (w *world) result(call string, err error) {
	if err == nil {
		return
	}
	var e kernel.Errno
	if !errors.As(err, &e) {
		w.t.Errorf("%s returned %v (%T), not a Win32 error\n%s", call, err, err, w.trail())
	}
}

// async runs a call that may block on its own goroutine, with a context that gives up
// after a short virtual time, and lets it reach its blocking point.
func (w *world) async(call string, p *kernel.Process, fn func(ctx context.Context) error) {
	d := time.Duration(w.next()%64) * time.Millisecond
	w.wg.Add(1)
	go func() {
		defer w.wg.Done()
		ctx, cancel := context.WithTimeout(context.Background(), d)
		defer cancel()
		w.resultAsync(call, fn(ctx))
	}()
}

func (w *world) resultAsync(call string, err error) {
	if err == nil {
		return
	}
	var e kernel.Errno
	if !errors.As(err, &e) {
		w.t.Errorf("%s returned %v (%T), not a Win32 error", call, err, err)
	}
}

// check settles the bubble and runs the self-check.
func (w *world) check() {
	synctest.Wait()
	if err := w.net.Check(); err != nil {
		w.t.Fatalf("self-check failed:\n%v\n%s", err, w.trail())
	}
}

func newWorld(t *testing.T, data []byte) *world {
	w := &world{t: t, net: kernel.NewNetwork(), data: data}
	for i, name := range machineNames {
		w.ms[i] = w.addMachine(name)
	}
	for i := range w.procs {
		p, err := w.ms[i/2].NewProcess(fmt.Sprintf("p%d.exe", i), nil)
		if err != nil {
			t.Fatal(err)
		}
		w.procs[i] = p
	}
	return w
}

// step decodes and runs one call.
func (w *world) step() {
	w.seq++
	op := w.next() % 29
	p := w.proc()
	who := fmt.Sprintf("p%d", p.PID())
	switch op {
	case 0:
		name := eventNames[int(w.next())%len(eventNames)]
		b := w.next()
		h, err := p.CreateEvent(&kernel.SecurityAttributes{InheritHandle: b&4 != 0}, b&1 != 0, b&2 != 0, name)
		w.logf("%s CreateEvent(%q) = %#x, %v", who, name, h, err)
		if !errors.Is(err, kernel.ERROR_ALREADY_EXISTS) {
			w.result("CreateEvent", err)
		}
	case 1:
		h := w.handle(p)
		var err error
		switch w.next() % 3 {
		case 0:
			err = p.SetEvent(h)
		case 1:
			err = p.ResetEvent(h)
		default:
			err = p.PulseEvent(h)
		}
		w.logf("%s Set/Reset/PulseEvent(%#x) = %v", who, h, err)
		w.result("SetEvent", err)
	case 2:
		h, to := w.handle(p), w.timeout()
		w.logf("%s WaitForSingleObject(%#x, %d)", who, h, to)
		w.async("WaitForSingleObject", p, func(ctx context.Context) error {
			_, err := p.WaitForSingleObject(ctx, h, to)
			return err
		})
	case 3:
		h := w.handle(p)
		err := p.CloseHandle(h)
		w.logf("%s CloseHandle(%#x) = %v", who, h, err)
		w.result("CloseHandle", err)
	case 4:
		w.duplicate(p, who)
	case 5:
		h, b := w.handle(p), w.next()
		err := p.SetHandleInformation(h, uint32(b&3), uint32(b>>2&3))
		w.logf("%s SetHandleInformation(%#x, %d) = %v", who, h, b, err)
		w.result("SetHandleInformation", err)
	case 6:
		w.respawn()
	case 7:
		w.terminate(p, who)
	case 8:
		name := pipeNames[int(w.next())%len(pipeNames)]
		b := w.next()
		openMode := [...]uint32{pipe.PIPE_ACCESS_DUPLEX, pipe.PIPE_ACCESS_INBOUND, pipe.PIPE_ACCESS_OUTBOUND, 0}[b&3]
		if b&4 != 0 {
			openMode |= kernel.FILE_FLAG_OVERLAPPED
		}
		pipeMode := uint32(b>>3&7) &^ 0 // type, read mode and wait mode bits
		pipeMode = (pipeMode&4)<<0 | (pipeMode & 3)
		maxInst := [...]uint32{1, 2, pipe.PIPE_UNLIMITED_INSTANCES, 0}[b>>6]
		size := uint32(w.next() % 32)
		h, err := pipe.CreateNamedPipe(p, name, openMode, pipeMode, maxInst, size, size, 0, nil)
		w.logf("%s CreateNamedPipe(%q, %#x, %#x, %d, %d) = %#x, %v", who, name, openMode, pipeMode, maxInst, size, h, err)
		w.result("CreateNamedPipe", err)
	case 9:
		names := append(append([]string(nil), pipeNames...), mailslotNames...)
		name := names[int(w.next())%len(names)]
		b := w.next()
		access := [...]kernel.Access{kernel.GENERIC_READ | kernel.GENERIC_WRITE, kernel.GENERIC_READ, kernel.GENERIC_WRITE, 0}[b&3]
		var flags uint32
		if b&4 != 0 {
			flags = kernel.FILE_FLAG_OVERLAPPED
		}
		h, err := p.CreateFile(name, access, kernel.FILE_SHARE_READ|kernel.FILE_SHARE_WRITE, &kernel.SecurityAttributes{InheritHandle: b&8 != 0}, kernel.OPEN_EXISTING, flags)
		w.logf("%s CreateFile(%q, %#x) = %#x, %v", who, name, access, h, err)
		w.result("CreateFile", err)
	case 10:
		h := w.handle(p)
		w.logf("%s ConnectNamedPipe(%#x)", who, h)
		w.async("ConnectNamedPipe", p, func(ctx context.Context) error { return pipe.ConnectNamedPipe(ctx, p, h) })
	case 11:
		h := w.handle(p)
		err := pipe.DisconnectNamedPipe(p, h)
		w.logf("%s DisconnectNamedPipe(%#x) = %v", who, h, err)
		w.result("DisconnectNamedPipe", err)
	case 12:
		h, n := w.handle(p), int(w.next()%40)
		w.logf("%s ReadFile(%#x, %d)", who, h, n)
		w.async("ReadFile", p, func(ctx context.Context) error {
			_, err := p.ReadFile(ctx, h, make([]byte, n))
			return err
		})
	case 13:
		h, b := w.handle(p), w.buf()
		w.logf("%s WriteFile(%#x, %d bytes)", who, h, len(b))
		w.async("WriteFile", p, func(ctx context.Context) error {
			_, err := p.WriteFile(ctx, h, b)
			return err
		})
	case 14:
		h, n := w.handle(p), int(w.next()%16)
		_, _, _, err := pipe.PeekNamedPipe(p, h, make([]byte, n))
		w.logf("%s PeekNamedPipe(%#x, %d) = %v", who, h, n, err)
		w.result("PeekNamedPipe", err)
	case 15:
		h, in, n := w.handle(p), w.buf(), int(w.next()%40)
		w.logf("%s TransactNamedPipe(%#x, %d, %d)", who, h, len(in), n)
		w.async("TransactNamedPipe", p, func(ctx context.Context) error {
			_, err := pipe.TransactNamedPipe(ctx, p, h, in, make([]byte, n))
			return err
		})
	case 16:
		name := mailslotNames[int(w.next())%len(mailslotNames)]
		b := w.next()
		h, err := mailslot.CreateMailslot(p, name, uint32(b%3)*8, w.timeout(), &kernel.SecurityAttributes{InheritHandle: b&4 != 0})
		w.logf("%s CreateMailslot(%q) = %#x, %v", who, name, h, err)
		w.result("CreateMailslot", err)
	case 17:
		h := w.handle(p)
		w.logf("%s FlushFileBuffers(%#x)", who, h)
		w.async("FlushFileBuffers", p, func(ctx context.Context) error { return p.FlushFileBuffers(ctx, h) })
	case 18:
		w.overlapped(p, who)
	case 19:
		w.cancel()
	case 20:
		w.faults()
	case 21:
		name := pipeNames[int(w.next())%len(pipeNames)]
		to := w.timeout()
		if to == kernel.INFINITE {
			to = 20
		}
		w.logf("%s WaitNamedPipe(%q, %d)", who, name, to)
		w.async("WaitNamedPipe", p, func(ctx context.Context) error { return pipe.WaitNamedPipe(ctx, p, name, to) })
	case 22:
		b := w.next()
		r, wr, err := pipe.CreatePipe(p, &kernel.SecurityAttributes{InheritHandle: b&1 != 0}, uint32(b>>1))
		w.logf("%s CreatePipe(%d) = %#x, %#x, %v", who, b>>1, r, wr, err)
		w.result("CreatePipe", err)
	case 23:
		h, b := w.handle(p), w.next()
		mode := uint32(b & 3)
		err := pipe.SetNamedPipeHandleState(p, h, &mode, nil, nil)
		w.logf("%s SetNamedPipeHandleState(%#x, %#x) = %v", who, h, mode, err)
		w.result("SetNamedPipeHandleState", err)
	case 24:
		w.completionPort(p, who)
	case 25:
		d := time.Duration(w.next()%100+1) * time.Millisecond
		w.logf("sleep %v", d)
		time.Sleep(d) // virtual time: timeouts and delayed deliveries fire
	case 26:
		q := w.proc()
		h, err := p.OpenProcess(kernel.PROCESS_ALL_ACCESS, w.next()&1 != 0, q.PID())
		w.logf("%s OpenProcess(%d) = %#x, %v", who, q.PID(), h, err)
		w.result("OpenProcess", err)
	case 28:
		w.replaceMachine()
	case 27:
		name := pipeNames[int(w.next())%len(pipeNames)]
		in, n, to := w.buf(), int(w.next()%40), w.timeout()
		w.logf("%s CallNamedPipe(%q, %d, %d, %d)", who, name, len(in), n, to)
		w.async("CallNamedPipe", p, func(ctx context.Context) error {
			_, err := pipe.CallNamedPipe(ctx, p, name, in, make([]byte, n), to)
			return err
		})
	}
}

// replaceMachine removes a machine in the middle of whatever it is doing and adds a
// new one of the same name, with two new processes.
func (w *world) replaceMachine() {
	i := int(w.next()) % len(w.ms)
	name := machineNames[i]
	err := w.net.RemoveMachine(name)
	w.logf("RemoveMachine(%s) = %v", name, err)
	w.result("RemoveMachine", err)
	w.gone = append(w.gone, w.ms[i])
	m := w.addMachine(name)
	w.ms[i] = m
	for j := 2 * i; j < 2*i+2; j++ {
		p, err := m.NewProcess(fmt.Sprintf("n%d.exe", w.seq), nil)
		if err != nil {
			w.t.Fatal(err)
		}
		w.procs[j] = p
	}
}

// addMachine adds a machine to the network with both file systems.
func (w *world) addMachine(name string) *kernel.Machine {
	m, err := w.net.AddMachine(name, "LAB")
	if err != nil {
		w.t.Fatal(err)
	}
	if err := pipe.Install(m); err != nil {
		w.t.Fatal(err)
	}
	if err := mailslot.Install(m); err != nil {
		w.t.Fatal(err)
	}
	return m
}

// duplicate copies a handle of p into p or another process of its machine, sometimes
// closing the source.
func (w *world) duplicate(p *kernel.Process, who string) {
	src := w.handle(p)
	q := w.proc()
	b := w.next()
	target := kernel.CurrentProcess
	var th kernel.Handle
	if q != p && q.Machine() == p.Machine() {
		var err error
		if th, err = p.OpenProcess(kernel.PROCESS_DUP_HANDLE, false, q.PID()); err == nil {
			target = th
		}
	}
	opts := uint32(b & 3)
	h, err := p.DuplicateHandle(kernel.CurrentProcess, src, target, kernel.Access(b>>2)&kernel.GENERIC_READ, b&0x10 != 0, opts)
	w.logf("%s DuplicateHandle(%#x → pid %d, options %d) = %#x, %v", who, src, q.PID(), opts, h, err)
	w.result("DuplicateHandle", err)
	if th != 0 {
		w.result("CloseHandle", p.CloseHandle(th))
	}
}

// respawn replaces an exited process slot with a child of a live process on the same
// machine (inheriting handles or not), or a new root process.
func (w *world) respawn() {
	i := int(w.next()) % nProcs
	b := w.next()
	if w.procs[i].State() != kernel.ProcessExited {
		return
	}
	m := w.ms[i/2]
	for _, parent := range w.procs {
		if parent.Machine() == m && parent.State() == kernel.ProcessRunning {
			h, child, err := parent.CreateProcess(fmt.Sprintf("c%d.exe", w.seq), b&1 != 0, nil)
			w.logf("pid %d CreateProcess(inherit %v) = %#x, %v", parent.PID(), b&1 != 0, h, err)
			w.result("CreateProcess", err)
			if err == nil {
				w.procs[i] = child
			}
			return
		}
	}
	child, err := m.NewProcess(fmt.Sprintf("r%d.exe", w.seq), nil)
	w.logf("NewProcess on %s = %v", m.Name(), err)
	w.result("NewProcess", err)
	if err == nil {
		w.procs[i] = child
	}
}

func (w *world) terminate(p *kernel.Process, who string) {
	q := w.proc()
	switch w.next() % 3 {
	case 0:
		h, err := p.OpenProcess(kernel.PROCESS_TERMINATE, false, q.PID())
		if err == nil {
			err = p.TerminateProcess(h, 7)
			w.result("CloseHandle", p.CloseHandle(h))
		}
		w.logf("%s TerminateProcess(pid %d) = %v", who, q.PID(), err)
		w.result("TerminateProcess", err)
	case 1:
		w.logf("%s ExitProcess", who)
		p.ExitProcess(3)
	default:
		w.logf("pid %d Terminate", q.PID())
		q.Terminate(9)
	}
}

// overlapped issues an overlapped read, write or connect, with an event or none.
func (w *world) overlapped(p *kernel.Process, who string) {
	h := w.handle(p)
	b := w.next()
	ov := &kernel.Overlapped{}
	if b&4 != 0 {
		ov.HEvent = w.handle(p)
	}
	op := &inflight{p: p, h: h, ov: ov}
	// On a handle opened without FILE_FLAG_OVERLAPPED the call is synchronous and may
	// block: the context gives up after a short virtual time.
	ctx, cancel := context.WithTimeout(context.Background(), time.Duration(b>>3)*time.Millisecond)
	defer cancel()
	var err error
	switch b & 3 {
	case 0:
		op.buf = make([]byte, int(w.next()%40))
		_, err = p.ReadFileOverlapped(ctx, h, op.buf, ov)
	case 1:
		op.buf = w.buf()
		_, err = p.WriteFileOverlapped(ctx, h, op.buf, ov)
	case 2:
		err = pipe.ConnectNamedPipeOverlapped(ctx, p, h, ov)
	default:
		op.buf = make([]byte, int(w.next()%40))
		_, err = pipe.TransactNamedPipeOverlapped(ctx, p, h, w.buf(), op.buf, ov)
	}
	w.logf("%s overlapped op %d on %#x (event %#x) = %v", who, b&3, h, ov.HEvent, err)
	if !errors.Is(err, kernel.ERROR_IO_PENDING) {
		w.result("overlapped", err)
	}
	w.ovs = append(w.ovs, op)
}

// cancel cancels, or asks the result of, an overlapped operation issued earlier.
func (w *world) cancel() {
	if len(w.ovs) == 0 {
		return
	}
	op := w.ovs[int(w.next())%len(w.ovs)]
	var err error
	switch w.next() % 4 {
	case 0:
		err = op.p.CancelIoEx(op.h, op.ov)
	case 1:
		err = op.p.CancelIoEx(op.h, nil)
	case 2:
		err = op.p.CancelIo(op.h)
	default:
		_, err = op.p.GetOverlappedResult(context.Background(), op.h, op.ov, false)
		if errors.Is(err, kernel.ERROR_IO_INCOMPLETE) {
			err = nil
		}
	}
	w.logf("pid %d cancel/result on %#x = %v", op.p.PID(), op.h, err)
	if !errors.Is(err, kernel.ERROR_NOT_FOUND) {
		w.result("CancelIoEx", err)
	}
}

// faults changes the network's fault settings or partitions, or turns off the faults
// and sets the adversarial mode (each of its outcomes on or off by a bit).
func (w *world) faults() {
	b := w.next()
	half := func(bit uint) float64 { return float64(b>>bit&1) / 2 }
	var err error
	switch b & 3 {
	case 0:
		err = w.net.SetFaults(kernel.Faults{Seed: uint64(w.seq), Loss: float64(b>>2&3) / 4, Duplicate: float64(b>>4&1) / 2, Delay: float64(b>>5&1) / 2, MaxDelay: 20 * time.Millisecond})
	case 1:
		err = w.net.SetFaults(kernel.Faults{})
		if err == nil {
			err = w.net.SetAdversary(kernel.Adversary{Seed: uint64(w.seq), PipeBusy: half(2), ShortRead: half(3), PartialWrite: half(4), PipeConnected: half(5)})
		}
	case 2:
		a, c := machineNames[int(b>>2)%3], machineNames[int(b>>4)%3]
		if a != c {
			err = w.net.Partition(a, c)
		}
	default:
		w.net.HealAll()
	}
	w.logf("faults %#x = %v", b, err)
	w.result("faults", err)
}

// completionPort creates a port for a handle, or dequeues a packet without waiting.
func (w *world) completionPort(p *kernel.Process, who string) {
	b := w.next()
	if b&1 == 0 {
		h := w.handle(p)
		if b&2 != 0 {
			h = kernel.InvalidHandle
		}
		port, err := p.CreateIoCompletionPort(h, 0, uintptr(b), 0)
		w.logf("%s CreateIoCompletionPort(%#x) = %#x, %v", who, h, port, err)
		w.result("CreateIoCompletionPort", err)
		return
	}
	h := w.handle(p)
	_, err := p.GetQueuedCompletionStatus(context.Background(), h, 0)
	w.logf("%s GetQueuedCompletionStatus(%#x, 0) = %v", who, h, err)
	if !errors.Is(err, kernel.WAIT_TIMEOUT) {
		w.result("GetQueuedCompletionStatus", err)
	}
}

// finish exits every process and requires an empty census on every machine.
func (w *world) finish() {
	for _, m := range w.ms {
		for _, p := range m.Processes() {
			if p != m.System() {
				p.Terminate(0)
			}
		}
	}
	w.wg.Wait()
	w.log = append(w.log, "every process exited")
	w.check()
	for _, m := range append(w.ms[:], w.gone...) {
		if leaks := m.Leaks(); len(leaks) > 0 {
			w.t.Fatalf("machine %s left behind:\n\t%s\n%s", m.Name(), strings.Join(leaks, "\n\t"), w.trail())
		}
		if got := len(m.Processes()); got != 1 {
			w.t.Fatalf("machine %s has %d processes, want only System\n%s", m.Name(), got, w.trail())
		}
	}
}

// run executes one input.
func run(t *testing.T, data []byte) {
	wd := time.AfterFunc(watchdog, func() {
		debug.SetTraceback("all")
		panic(fmt.Sprintf("fuzzcalls: watchdog: input %x ran for more than %v", data, watchdog))
	})
	defer wd.Stop()
	synctest.Test(t, func(t *testing.T) {
		w := newWorld(t, data)
		defer w.net.Close()
		for len(w.data) > 0 && w.seq < maxCalls {
			w.step()
			w.check()
		}
		w.finish()
	})
}

// FuzzCallSequences: see the package comment. The seed corpus (testdata/fuzz) runs in
// plain go test.
func FuzzCallSequences(f *testing.F) {
	for _, s := range seeds {
		f.Add(s)
	}
	if fuzzWorker() {
		// Each worker of go test -fuzz is a process of its own, and -parallel of them
		// run side by side, one a core by default. One input runs its goroutines one
		// at a time in a synctest bubble, so a second P in a worker adds no work, only
		// the cost of waking threads to move the bubble's goroutines between Ps, about
		// a third of a worker's time.
		runtime.GOMAXPROCS(1)
	}
	f.Fuzz(run)
}

// fuzzWorker reports whether this process is a worker of go test -fuzz, which the
// go command starts with the testing package's -test.fuzzworker flag.
func fuzzWorker() bool {
	fl := flag.Lookup("test.fuzzworker")
	return fl != nil && fl.Value.String() == "true"
}
