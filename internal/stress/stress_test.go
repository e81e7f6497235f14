package stress_test

import (
	"context"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"hash/crc32"
	"math/rand/v2"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/winsim/winsim/internal/reliability"
	"github.com/winsim/winsim/kernel"
	"github.com/winsim/winsim/kerneltest"
	"github.com/winsim/winsim/mailslot"
	"github.com/winsim/winsim/pipe"
)

// messages is the total number of messages the test sends (pipe and mailslot
// together). make test runs the CI size; make stress passes -stress.messages=1000000.
var messages = flag.Int("stress.messages", 20000, "messages TestCheckedStress sends in total")

// A message is: sender (4 bytes), sequence number (8), payload length (2), payload,
// CRC-32 (IEEE) of everything before it (4).
const headerLen = 4 + 8 + 2

func encode(dst []byte, sender uint32, seq uint64, rng *rand.Rand) []byte {
	n := rng.IntN(200)
	dst = dst[:0]
	dst = binary.LittleEndian.AppendUint32(dst, sender)
	dst = binary.LittleEndian.AppendUint64(dst, seq)
	dst = binary.LittleEndian.AppendUint16(dst, uint16(n))
	for i := 0; i < n; i++ {
		dst = append(dst, byte(seq)+byte(i))
	}
	return binary.LittleEndian.AppendUint32(dst, crc32.ChecksumIEEE(dst))
}

// decode checks a message's length and checksum and returns its sender and sequence
// number.
func decode(m []byte) (sender uint32, seq uint64, err error) {
	if len(m) < headerLen+4 {
		return 0, 0, fmt.Errorf("message of %d bytes is too short", len(m))
	}
	if want := frameLen(m); len(m) != want {
		return 0, 0, fmt.Errorf("message of %d bytes, header says %d", len(m), want)
	}
	if got, want := binary.LittleEndian.Uint32(m[len(m)-4:]), crc32.ChecksumIEEE(m[:len(m)-4]); got != want {
		return 0, 0, fmt.Errorf("checksum %#x, want %#x", got, want)
	}
	return binary.LittleEndian.Uint32(m), binary.LittleEndian.Uint64(m[4:]), nil
}

// ledger records, per sender, the last sequence number received and how many distinct
// messages arrived, and fails on a gap, a duplicate, a reordering or a corrupt message,
// counting each.
type ledger struct {
	mu sync.Mutex
	// +checklocks:mu
	last map[uint32]uint64
	// +checklocks:mu
	got map[uint32]uint64
	// +checklocks:mu
	errs []string
	// +checklocks:mu
	bad reliability.Ledger // duplicates, reorderings and corrupt messages
	n   atomic.Int64       // messages received, accessed atomically
}

func newLedger() *ledger { return &ledger{last: make(map[uint32]uint64), got: make(map[uint32]uint64)} }

// receive records a message; strict requires seq to follow the last one exactly (no
// loss allowed), otherwise only to be greater (datagrams may be lost).
func (l *ledger) receive(where string, m []byte, strict bool) {
	sender, seq, err := decode(m)
	l.mu.Lock()
	defer l.mu.Unlock()
	l.n.Add(1)
	if err != nil {
		l.bad.Corrupt++
		l.errs = append(l.errs, where+": "+err.Error())
		return
	}
	last := l.last[sender]
	switch {
	case seq == last:
		l.bad.Duplicated++
	case seq < last:
		l.bad.Reordered++
	default:
		l.got[sender]++
	}
	if (strict && seq != last+1) || (!strict && seq <= last) {
		l.errs = append(l.errs, fmt.Sprintf("%s: sender %d sent %d after %d", where, sender, seq, last))
	}
	l.last[sender] = max(last, seq)
}

func (l *ledger) lastOf(sender uint32) uint64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.last[sender]
}

// received is the number of distinct messages received from sender.
func (l *ledger) received(sender uint32) uint64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.got[sender]
}

// count adds what l saw wrong to fig.
func (l *ledger) count(fig *reliability.Ledger) {
	l.mu.Lock()
	defer l.mu.Unlock()
	fig.Duplicated += l.bad.Duplicated
	fig.Reordered += l.bad.Reordered
	fig.Corrupt += l.bad.Corrupt
}

// missing is how many of sent messages were not received.
func missing(sent, received uint64) uint64 {
	if received >= sent {
		return 0
	}
	return sent - received
}

func (l *ledger) failures() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.errs...)
}

const (
	pipeName      = `\\.\pipe\stress`
	bytePipeName  = `\\.\pipe\stressbytes`
	slotName      = `\\.\mailslot\stress`
	instances     = 6 // message-type pipe instances, each served by its own goroutine
	byteInstances = 2 // byte-type pipe instances, likewise
	pipeSends     = 8 // message-type pipe client goroutines: half local, half remote
	byteSends     = 2 // byte-type pipe client goroutines: one local, one remote
	slotSends     = 4 // mailslot writer goroutines: half local, half remote
	victims       = 4 // goroutines whose processes are terminated in blocking calls
)

// TestCheckedStress: see the package comment. The facts it relies on: a message a
// client's WriteFile completed is read by the server even if the client closes at once
// (MS docs, CloseHandle and "Named Pipe Operations": the server reads what is queued,
// then gets ERROR_BROKEN_PIPE); a pipe keeps a connection's messages in order; a local
// mailslot write queues the message whole ("About Mailslots"); a remote one is a
// datagram, which may be lost but not duplicated by winsim without faults; a byte-type
// pipe keeps the bytes of a connection in order but not the boundaries of its writes
// (MS docs, "Named Pipe Type, Read, and Wait Modes"), so its reader reassembles them; a
// terminated process's blocked I/O is cancelled (MS docs, TerminateProcess: "all of
// its pending I/O is cancelled"); and, under the adversarial mode (docs/adversarial.md),
// message-mode reads return whole messages.
func TestCheckedStress(t *testing.T) {
	rec := reliability.Report(t) // first: the record is written after the cleanup's checks
	total := *messages
	fig := &reliability.Stress{Messages: total, Race: reliability.RaceDetector}
	rec.Stress = fig
	pipeMsgs := total * 3 / 4 / (pipeSends + byteSends)
	slotMsgs := (total - pipeMsgs*(pipeSends+byteSends)) / slotSends
	n := kerneltest.NewNetwork(t)
	a := kerneltest.AddMachine(t, n, "STRESSA", "LAB", pipe.Install, mailslot.Install)
	b := kerneltest.AddMachine(t, n, "STRESSB", "LAB", pipe.Install, mailslot.Install)
	// The adversarial mode: opens lose races (the clients retry), ConnectNamedPipe finds
	// its client there (the servers take ERROR_PIPE_CONNECTED as success), and reads of
	// the byte-type pipe are shortened (its reader reassembles), which reads of the
	// message-type pipe must never be: a split message would fail its checksum.
	require.NoError(t, n.SetAdversary(kernel.Adversary{Seed: 1, PipeBusy: 0.2, ShortRead: 0.5, PipeConnected: 0.3}))
	fig.AdversarySetting = n.Adversary()

	srv := kerneltest.NewProcess(t, b, "server.exe")
	reader := kerneltest.NewProcess(t, b, "reader.exe")
	var procs []*kernel.Process
	procs = append(procs, srv, reader)
	defer func() {
		for _, p := range procs {
			p.Terminate(0)
		}
	}()
	ctx, stop := context.WithCancel(context.Background())
	defer stop()

	pipes := newLedger()
	var served sync.WaitGroup
	for i := 0; i < instances+byteInstances; i++ {
		name, mode, byteType := pipeName, pipe.PIPE_TYPE_MESSAGE|pipe.PIPE_READMODE_MESSAGE, false
		if i >= instances {
			name, mode, byteType = bytePipeName, pipe.PIPE_TYPE_BYTE|pipe.PIPE_READMODE_BYTE, true
		}
		h, err := pipe.CreateNamedPipe(srv, name, pipe.PIPE_ACCESS_DUPLEX, mode, pipe.PIPE_UNLIMITED_INSTANCES, 4096, 4096, 0, nil)
		require.NoError(t, err)
		served.Add(1)
		go func() {
			defer served.Done()
			serve(ctx, srv, h, pipes, byteType)
		}()
	}
	// Every server's first ConnectNamedPipe waits before any client comes. Only a waiting
	// connect asks for a late connect, and the draws are keyed by each caller's order of
	// asking, so this makes the asks, and which of them are injected, the same on every
	// run, however the goroutines are scheduled.
	require.Eventually(t, func() bool {
		return n.AdversaryCounts().PipeConnected.Asked >= instances+byteInstances
	}, 10*time.Second, time.Millisecond, "every server waits in ConnectNamedPipe")
	slot, err := mailslot.CreateMailslot(reader, slotName, 0, 50, nil)
	require.NoError(t, err)
	slots := newLedger()

	var sent [pipeSends + byteSends + slotSends]atomic.Uint64
	var clients sync.WaitGroup
	var failures sync.Map
	fail := func(where string, err error) { failures.Store(where+": "+err.Error(), true) }
	var mu sync.Mutex
	newProc := func(m *kernel.Machine, name string) *kernel.Process {
		p, err := m.NewProcess(name, nil)
		require.NoError(t, err)
		mu.Lock()
		procs = append(procs, p)
		mu.Unlock()
		return p
	}
	for s := 0; s < pipeSends+byteSends; s++ {
		m := a
		if s%2 == 1 {
			m = b
		}
		byteType := s >= pipeSends
		owner, helper := newProc(m, "client"+strconv.Itoa(s)+".exe"), newProc(m, "helper"+strconv.Itoa(s)+".exe")
		clients.Add(1)
		go func() {
			defer clients.Done()
			name := pipeName
			if byteType {
				name = bytePipeName
			}
			if m == a {
				name = `\\STRESSB` + name[len(`\\.`):]
			}
			if err := sendPipe(owner, helper, name, uint32(s+1), pipeMsgs, &sent[s], byteType); err != nil {
				fail("pipe sender "+strconv.Itoa(s+1), err)
			}
		}()
	}
	for s := 0; s < slotSends; s++ {
		m, name := b, slotName
		if s%2 == 1 {
			m, name = a, `\\STRESSB\mailslot\stress`
		}
		p := newProc(m, "writer"+strconv.Itoa(s)+".exe")
		sender := uint32(pipeSends + byteSends + s + 1)
		clients.Add(1)
		go func() {
			defer clients.Done()
			if err := sendSlot(p, name, sender, slotMsgs, &sent[pipeSends+byteSends+s]); err != nil {
				fail("mailslot sender "+strconv.Itoa(int(sender)), err)
			}
		}()
	}
	var writersDone atomic.Bool
	readDone := readSlot(reader, slot, slots, &writersDone, func(sender uint32) bool { return sender%2 == 1 }, fail)
	var terminated atomic.Int64
	var victimsWG sync.WaitGroup
	for v := 0; v < victims; v++ {
		victimsWG.Add(1)
		go func() {
			defer victimsWG.Done()
			rng := rand.New(rand.NewPCG(uint64(v), 7))
			for ctx.Err() == nil {
				if err := victim(ctx, newProc(a, "victim.exe"), rng); err != nil {
					fail("victim", err)
					return
				}
				terminated.Add(1)
			}
		}()
	}

	// The self-check runs throughout, for the race detector to see its locking against
	// the traffic; only its verdict at the end, with nothing in flight, counts.
	checking := make(chan struct{})
	var checks atomic.Int64
	go func() {
		defer close(checking)
		for ctx.Err() == nil && !writersDone.Load() {
			_ = n.Check()
			checks.Add(1)
			time.Sleep(time.Millisecond)
		}
	}()

	clients.Wait()
	writersDone.Store(true)
	<-checking
	<-readDone
	stop()
	victimsWG.Wait()
	served.Wait()

	failures.Range(func(k, _ any) bool { t.Error(k); return true })
	for _, f := range append(pipes.failures(), slots.failures()...) {
		t.Error(f)
	}
	for s := 0; s < pipeSends+byteSends; s++ {
		sender := uint32(s + 1)
		assert.Equal(t, sent[s].Load(), pipes.lastOf(sender), "pipe sender %d: every completed write was read", sender)
		fig.PipeSent += sent[s].Load()
		fig.PipeReceived += pipes.received(sender)
		fig.Lost += missing(sent[s].Load(), pipes.received(sender))
	}
	for s := 0; s < slotSends; s++ {
		sender := uint32(pipeSends + byteSends + s + 1)
		n, got := sent[pipeSends+byteSends+s].Load(), slots.received(sender)
		if sender%2 == 1 {
			assert.Equal(t, n, slots.lastOf(sender), "local mailslot sender %d: nothing lost", sender)
			fig.LocalSlotSent += n
			fig.LocalSlotReceived += got
			fig.Lost += missing(n, got)
		} else {
			assert.LessOrEqual(t, slots.lastOf(sender), n)
			fig.RemoteSlotSent += n
			fig.RemoteSlotReceived += got
			fig.RemoteLost += missing(n, got)
		}
	}
	pipes.count(&fig.Ledger)
	slots.count(&fig.Ledger)
	fig.Victims, fig.SelfChecks = uint64(terminated.Load()), uint64(checks.Load())
	t.Logf("pipe messages %d, mailslot messages %d (remote lost %d), victims terminated in blocking calls %d, self-checks during traffic %d",
		pipes.n.Load(), slots.n.Load(), fig.RemoteLost, terminated.Load(), checks.Load())
	for _, p := range procs {
		p.Terminate(0)
	}
	fig.Faults = n.FaultCounts()
	fig.Adversary = n.AdversaryCounts()
	t.Logf("adversarial mode: %+v", fig.Adversary)
	// Every outcome must have been injected, or the ledger above proves nothing about
	// it. Only the byte-type pipe's reads ask for a short read: a read of a message-type
	// pipe does not (docs/adversarial.md), and one it shortened would have failed its
	// checksum above.
	assert.NotZero(t, fig.Adversary.ShortRead.Injected, "short reads injected")
	assert.NotZero(t, fig.Adversary.PipeBusy.Injected, "busy opens injected")
	assert.NotZero(t, fig.Adversary.PipeConnected.Injected, "late connects injected")
	err = n.Check()
	fig.CheckPassed = err == nil
	require.NoError(t, err)
	for _, m := range n.Machines() {
		fig.Leaks += len(m.Leaks())
		assert.Empty(t, m.Leaks(), m.Name())
	}
}

// readSlot reads slot's messages into l on its own goroutine until a read times out
// after done is set; strict says which senders may lose nothing. The channel it returns
// is closed when it stops.
func readSlot(p *kernel.Process, slot kernel.Handle, l *ledger, done *atomic.Bool, strict func(sender uint32) bool, fail func(string, error)) <-chan struct{} {
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		buf := make([]byte, 512)
		for {
			n, err := p.ReadFile(context.Background(), slot, buf)
			switch {
			case err == nil:
				sender, _, _ := decode(buf[:n])
				l.receive("mailslot", buf[:n], strict(sender))
			case errors.Is(err, kernel.ERROR_SEM_TIMEOUT):
				if done.Load() {
					return
				}
			default:
				fail("mailslot reader", err)
				return
			}
		}
	}()
	return stopped
}

// serve runs one pipe instance until ctx is done: connect, read and acknowledge each
// message, and on ERROR_BROKEN_PIPE disconnect and listen again. On a message-type
// pipe (byteType false) each read must return one whole message; on a byte-type pipe
// a read may return any part of the stream, and serve reassembles the messages.
func serve(ctx context.Context, p *kernel.Process, h kernel.Handle, l *ledger, byteType bool) {
	buf := make([]byte, 1024)
	for ctx.Err() == nil {
		err := pipe.ConnectNamedPipe(ctx, p, h)
		if err != nil && !errors.Is(err, kernel.ERROR_PIPE_CONNECTED) && !errors.Is(err, kernel.ERROR_NO_DATA) {
			continue // cancelled (ctx), or a client that came and went
		}
		have := 0 // bytes of the stream read but not yet taken as a message
	connection:
		for {
			n, err := p.ReadFile(ctx, h, buf[have:])
			if err != nil {
				break // ERROR_BROKEN_PIPE once the client closed and all was read; or ctx
			}
			if !byteType {
				l.receive("pipe", buf[:n], true)
				_, _ = p.WriteFile(ctx, h, buf[:headerLen]) // the acknowledgement; fails if the client left
				continue
			}
			have += n
			for {
				m := frameLen(buf[:have])
				if m > len(buf) {
					// A corrupt header: the ledger counts it, and the connection ends.
					l.receive("byte pipe", buf[:have], true)
					break connection
				}
				if m == 0 || m > have {
					break
				}
				l.receive("byte pipe", buf[:m], true)
				_, _ = p.WriteFile(ctx, h, buf[:headerLen])
				have = copy(buf, buf[m:have])
			}
		}
		_ = pipe.DisconnectNamedPipe(p, h)
	}
}

// frameLen is the length of the message that begins b, as its header says, or 0 while
// b is shorter than a header.
func frameLen(b []byte) int {
	if len(b) < headerLen {
		return 0
	}
	return headerLen + int(binary.LittleEndian.Uint16(b[12:])) + 4
}

// open opens a pipe client, waiting while every instance is busy.
func open(ctx context.Context, p *kernel.Process, name string) (kernel.Handle, error) {
	for {
		h, err := p.CreateFile(name, kernel.GENERIC_READ|kernel.GENERIC_WRITE, 0, nil, kernel.OPEN_EXISTING, 0)
		if !errors.Is(err, kernel.ERROR_PIPE_BUSY) {
			return h, err
		}
		if err := pipe.WaitNamedPipe(ctx, p, name, 100); err != nil && !errors.Is(err, kernel.ERROR_SEM_TIMEOUT) {
			return 0, err
		}
	}
}

// sendPipe sends count messages as sender, each acknowledged before the next, closing
// and reopening the pipe at random and moving the handle between owner and helper with
// DUPLICATE_CLOSE_SOURCE. On a byte-type pipe (byteType) an acknowledgement may come in
// pieces; on a message-type pipe it must come whole.
func sendPipe(owner, helper *kernel.Process, name string, sender uint32, count int, sent *atomic.Uint64, byteType bool) error {
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(uint64(sender), 1))
	toHelper, err := owner.OpenProcess(kernel.PROCESS_DUP_HANDLE, false, helper.PID())
	if err != nil {
		return err
	}
	toOwner, err := helper.OpenProcess(kernel.PROCESS_DUP_HANDLE, false, owner.PID())
	if err != nil {
		return err
	}
	p, h := owner, kernel.Handle(0)
	msg, ack := make([]byte, 0, 512), make([]byte, 64)
	for seq := uint64(1); seq <= uint64(count); seq++ {
		if h == 0 {
			if h, err = open(ctx, p, name); err != nil {
				return err
			}
		}
		msg = encode(msg, sender, seq, rng)
		if _, err := p.WriteFile(ctx, h, msg); err != nil {
			return fmt.Errorf("write %d: %w", seq, err)
		}
		sent.Store(seq)
		n, err := p.ReadFile(ctx, h, ack)
		for byteType && err == nil && n < headerLen {
			var more int
			more, err = p.ReadFile(ctx, h, ack[n:headerLen])
			n += more
		}
		if err != nil || n != headerLen || binary.LittleEndian.Uint64(ack[4:]) != seq {
			return fmt.Errorf("acknowledgement of %d: %d bytes, %v", seq, n, err)
		}
		switch r := rng.IntN(16); {
		case r == 0:
			if err := p.CloseHandle(h); err != nil {
				return err
			}
			h = 0
		case r == 1:
			// Move the handle to the other process, closing it here.
			via, to := toHelper, helper
			if p == helper {
				via, to = toOwner, owner
			}
			moved, err := p.DuplicateHandle(kernel.CurrentProcess, h, via, 0, false, kernel.DUPLICATE_SAME_ACCESS|kernel.DUPLICATE_CLOSE_SOURCE)
			if err != nil {
				return fmt.Errorf("DuplicateHandle: %w", err)
			}
			if _, err := p.GetHandleInformation(h); !errors.Is(err, kernel.ERROR_INVALID_HANDLE) {
				return fmt.Errorf("the source handle survived DUPLICATE_CLOSE_SOURCE: %v", err)
			}
			p, h = to, moved
		}
	}
	if h != 0 {
		return p.CloseHandle(h)
	}
	return nil
}

// sendSlot writes count messages to a mailslot as sender.
func sendSlot(p *kernel.Process, name string, sender uint32, count int, sent *atomic.Uint64) error {
	rng := rand.New(rand.NewPCG(uint64(sender), 2))
	h, err := p.CreateFile(name, kernel.GENERIC_WRITE, kernel.FILE_SHARE_READ, nil, kernel.OPEN_EXISTING, 0)
	if err != nil {
		return err
	}
	msg := make([]byte, 0, 512)
	for seq := uint64(1); seq <= uint64(count); seq++ {
		msg = encode(msg, sender, seq, rng)
		if _, err := p.WriteFile(context.Background(), h, msg); err != nil {
			return fmt.Errorf("write %d: %w", seq, err)
		}
		sent.Store(seq)
		if seq%64 == 0 {
			time.Sleep(time.Microsecond) // let the reader keep up
		}
	}
	return p.CloseHandle(h)
}

// victim connects p to the pipe, blocks in a read no reply will satisfy (it sends
// nothing), and is terminated meanwhile: the read must end with
// ERROR_OPERATION_ABORTED, and p must leave nothing behind.
func victim(stop context.Context, p *kernel.Process, rng *rand.Rand) error {
	ctx := context.Background()
	h, err := open(stop, p, `\\STRESSB\pipe\stress`)
	if err != nil {
		p.Terminate(1)
		if stop.Err() != nil {
			return nil // the test is ending: the servers stopped listening
		}
		return err
	}
	done := make(chan error, 1)
	go func() {
		_, err := p.ReadFile(ctx, h, make([]byte, 64))
		done <- err
	}()
	for p.PendingRequests() == 0 { // until the read is blocked (or has failed)
		select {
		case err := <-done:
			p.Terminate(1)
			if stop.Err() != nil {
				return nil
			}
			return fmt.Errorf("read returned %v before the termination", err)
		default:
			time.Sleep(10 * time.Microsecond)
		}
	}
	time.Sleep(time.Duration(rng.IntN(200)) * time.Microsecond)
	p.Terminate(1)
	if err := <-done; !errors.Is(err, kernel.ERROR_OPERATION_ABORTED) && stop.Err() == nil {
		return fmt.Errorf("read blocked at termination returned %v, want ERROR_OPERATION_ABORTED", err)
	}
	if n := p.HandleCount(); n != 0 {
		return fmt.Errorf("terminated process holds %d handles", n)
	}
	return nil
}
