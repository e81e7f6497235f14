package mailslot

import (
	"context"
	"strings"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/winsim/winsim/kernel"
	"github.com/winsim/winsim/kerneltest"
)

// domainFixture is a network of machines, each with one process that holds a server of
// the same mailslot where wanted.
type domainFixture struct {
	n     *kernel.Network
	m     map[string]*kernel.Machine
	p     map[string]*kernel.Process
	slot  map[string]kernel.Handle
	names []string
}

// newDomain adds the machines (name -> domain) and creates name on those listed in with.
func newDomain(t *testing.T, machines [][2]string, name string, with ...string) *domainFixture {
	t.Helper()
	f := &domainFixture{n: kerneltest.NewNetwork(t), m: map[string]*kernel.Machine{}, p: map[string]*kernel.Process{}, slot: map[string]kernel.Handle{}}
	for _, md := range machines {
		m := kerneltest.AddMachine(t, f.n, md[0], md[1], Install)
		f.m[md[0]] = m
		f.p[md[0]] = newProc(t, m, "server.exe")
		f.names = append(f.names, md[0])
	}
	for _, w := range with {
		f.slot[w] = create(t, f.p[w], name, 0, 0)
	}
	return f
}

// received drains every server and returns what each got.
func (f *domainFixture) received(t *testing.T) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	for w, h := range f.slot {
		out[w] = drain(t, f.p[w], h)
	}
	return out
}

// The three-machine domain (About Mailslots: a message sent to a domain is
// received by every process there that created a mailslot of that name; Mailslot Names:
// \\*\mailslot\name is the writer's primary domain, \\DomainName\mailslot\name a named
// one): one broadcast, each server of the domain gets exactly one copy (the writer's own
// machine included); a domain machine without the mailslot gets nothing and the write
// does not fail; a machine of another domain gets nothing.
func TestBroadcastReachesEveryServerOfTheDomainOnce(t *testing.T) {
	f := newDomain(t, [][2]string{{"ALPHA", "CORP"}, {"BETA", "CORP"}, {"GAMMA", "CORP"}, {"DELTA", "CORP"}, {"OMEGA", "OTHER"}},
		`\\.\mailslot\news`, "ALPHA", "BETA", "GAMMA", "OMEGA")
	other := create(t, f.p["DELTA"], `\\.\mailslot\weather`, 0, 0) // DELTA has another mailslot only
	c := open(t, f.p["ALPHA"], `\\*\mailslot\news`)
	write(t, f.p["ALPHA"], c, "hello domain")
	got := f.received(t)
	assert.Equal(t, map[string][]string{
		"ALPHA": {"hello domain"}, "BETA": {"hello domain"}, "GAMMA": {"hello domain"}, "OMEGA": nil,
	}, got)
	assert.Equal(t, uint32(0), info(t, f.p["DELTA"], other).MessageCount)

	// \\CORP\mailslot\news from the other domain reaches the same three.
	c2 := open(t, f.p["OMEGA"], `\\corp\mailslot\NEWS`)
	write(t, f.p["OMEGA"], c2, "from outside")
	got = f.received(t)
	assert.Equal(t, map[string][]string{
		"ALPHA": {"from outside"}, "BETA": {"from outside"}, "GAMMA": {"from outside"}, "OMEGA": nil,
	}, got)
}

// Mailslot Names: \\ComputerName\mailslot\name writes to that computer's mailslot only.
func TestRemoteWriteReachesOneMachine(t *testing.T) {
	f := newDomain(t, [][2]string{{"ALPHA", "CORP"}, {"BETA", "CORP"}, {"GAMMA", "CORP"}}, `\\.\mailslot\app\events`, "ALPHA", "BETA", "GAMMA")
	c := open(t, f.p["ALPHA"], `\\beta\mailslot\App\Events`)
	write(t, f.p["ALPHA"], c, "for beta")
	write(t, f.p["ALPHA"], c, "")
	assert.Equal(t, map[string][]string{"ALPHA": nil, "BETA": {"for beta", ""}, "GAMMA": nil}, f.received(t))
}

// A remote write is a datagram ([MS-MAIL] 1.3: unreliable): it succeeds when the machine
// has no such mailslot, when the machine does not exist, and when the machine lacks the
// mailslot file system.
func TestRemoteWriteWithoutReceiverSucceeds(t *testing.T) {
	f := newDomain(t, [][2]string{{"ALPHA", "CORP"}, {"BETA", "CORP"}}, `\\.\mailslot\x`, "ALPHA")
	kerneltest.AddMachine(t, f.n, "BARE", "CORP")
	for _, name := range []string{`\\BETA\mailslot\x`, `\\NOWHERE\mailslot\x`, `\\BARE\mailslot\x`, `\\EMPTYDOMAIN\mailslot\x`} {
		c := open(t, f.p["ALPHA"], name)
		write(t, f.p["ALPHA"], c, "anyone?")
	}
	assert.Equal(t, map[string][]string{"ALPHA": nil}, f.received(t))
}

// About Mailslots: a message sent between computers carries at most 424 bytes. winsim refuses a longer remote or broadcast write with
// ERROR_INVALID_PARAMETER before sending anything (docs/deviations.md: the code Windows
// returns is not documented); 424 bytes go through. A local write has no such limit.
func TestRemoteWriteOver424BytesFails(t *testing.T) {
	f := newDomain(t, [][2]string{{"ALPHA", "CORP"}, {"BETA", "CORP"}}, `\\.\mailslot\x`, "ALPHA", "BETA")
	for _, name := range []string{`\\BETA\mailslot\x`, `\\*\mailslot\x`, `\\CORP\mailslot\x`} {
		c := open(t, f.p["ALPHA"], name)
		n, err := f.p["ALPHA"].WriteFile(context.Background(), c, make([]byte, 425))
		assert.ErrorIs(t, err, kernel.ERROR_INVALID_PARAMETER, name)
		assert.Zero(t, n)
	}
	assert.Equal(t, map[string][]string{"ALPHA": nil, "BETA": nil}, f.received(t), "nothing was sent")
	c := open(t, f.p["ALPHA"], `\\*\mailslot\x`)
	write(t, f.p["ALPHA"], c, strings.Repeat("x", MaxRemoteMessageSize))
	got := f.received(t)
	assert.Len(t, got["ALPHA"], 1)
	assert.Len(t, got["BETA"], 1)
	local := open(t, f.p["ALPHA"], `\\.\mailslot\x`)
	write(t, f.p["ALPHA"], local, strings.Repeat("y", 4096))
}

// A remote copy larger than the receiving mailslot's maximum is refused by the receiver,
// as a local write of it would be (CreateMailslot docs: nMaxMessageSize bounds every
// message written); the sender of a datagram never learns it ([MS-MAIL] 1.3), so the
// write succeeds and only that copy is lost.
func TestRemoteCopyOverReceiverMaximumIsDropped(t *testing.T) {
	f := newDomain(t, [][2]string{{"ALPHA", "CORP"}, {"BETA", "CORP"}, {"GAMMA", "CORP"}}, `\\.\mailslot\x`, "ALPHA")
	f.slot["BETA"] = create(t, f.p["BETA"], `\\.\mailslot\x`, 4, 0)
	f.slot["GAMMA"] = create(t, f.p["GAMMA"], `\\.\mailslot\x`, 10, 0)
	c := open(t, f.p["ALPHA"], `\\*\mailslot\x`)
	write(t, f.p["ALPHA"], c, "eight ch")
	assert.Equal(t, map[string][]string{"ALPHA": {"eight ch"}, "BETA": nil, "GAMMA": {"eight ch"}}, f.received(t))
}

// The issue: "machines join and leave domains at run time, and a broadcast reaches the
// members at the moment of the write". A client opened before a change sees it.
func TestBroadcastReachesMembersAtTheMomentOfTheWrite(t *testing.T) {
	f := newDomain(t, [][2]string{{"ALPHA", "CORP"}, {"BETA", "CORP"}, {"GAMMA", "OTHER"}}, `\\.\mailslot\x`, "ALPHA", "BETA", "GAMMA")
	c := open(t, f.p["ALPHA"], `\\*\mailslot\x`)
	write(t, f.p["ALPHA"], c, "1")
	require.NoError(t, f.m["BETA"].SetDomain("OTHER"))
	require.NoError(t, f.m["GAMMA"].SetDomain("corp"))
	write(t, f.p["ALPHA"], c, "2")
	assert.Equal(t, map[string][]string{"ALPHA": {"1", "2"}, "BETA": {"1"}, "GAMMA": {"2"}}, f.received(t))

	// The writer's own domain is read at each write too.
	require.NoError(t, f.m["ALPHA"].SetDomain("OTHER"))
	write(t, f.p["ALPHA"], c, "3")
	assert.Equal(t, map[string][]string{"ALPHA": {"3"}, "BETA": {"3"}, "GAMMA": nil}, f.received(t))

	// A machine that joins later is reached; one removed from the network is not.
	d := kerneltest.AddMachine(t, f.n, "DELTA", "OTHER", Install)
	pd := newProc(t, d, "server.exe")
	f.p["DELTA"], f.slot["DELTA"] = pd, create(t, pd, `\\.\mailslot\x`, 0, 0)
	require.NoError(t, f.n.RemoveMachine("BETA"))
	delete(f.slot, "BETA")
	write(t, f.p["ALPHA"], c, "4")
	assert.Equal(t, map[string][]string{"ALPHA": {"4"}, "DELTA": {"4"}, "GAMMA": nil}, f.received(t))
}

// A remote client names a machine, resolved at each write: one opened before the machine
// existed reaches it once it does.
func TestRemoteClientResolvesTheMachineAtEachWrite(t *testing.T) {
	f := newDomain(t, [][2]string{{"ALPHA", "CORP"}}, `\\.\mailslot\x`)
	c := open(t, f.p["ALPHA"], `\\LATE\mailslot\x`)
	write(t, f.p["ALPHA"], c, "too early")
	late := kerneltest.AddMachine(t, f.n, "LATE", "ELSEWHERE", Install)
	pl := newProc(t, late, "server.exe")
	f.p["LATE"], f.slot["LATE"] = pl, create(t, pl, `\\.\mailslot\x`, 0, 0)
	write(t, f.p["ALPHA"], c, "on time")
	assert.Equal(t, map[string][]string{"LATE": {"on time"}}, f.received(t))
}

// GetMailslotInfo on a remote or broadcast client has no local mailslot to describe:
// ERROR_INVALID_PARAMETER, as is SetMailslotInfo. Unverified: on Windows the redirector
// answers; the code is what Windows before 8 gave for any client's query (windows-facts.md MS-28).
// ReadFile on it is refused like any client's (windows-facts.md MS-16).
func TestRemoteClientInfoAndReadFail(t *testing.T) {
	f := newDomain(t, [][2]string{{"ALPHA", "CORP"}, {"BETA", "CORP"}}, `\\.\mailslot\x`, "BETA")
	p := f.p["ALPHA"]
	c, err := p.CreateFile(`\\*\mailslot\x`, kernel.GENERIC_READ|kernel.GENERIC_WRITE, kernel.FILE_SHARE_READ, nil, kernel.OPEN_EXISTING, 0)
	require.NoError(t, err)
	_, err = GetMailslotInfo(p, c)
	assert.ErrorIs(t, err, kernel.ERROR_INVALID_PARAMETER)
	assert.ErrorIs(t, SetMailslotInfo(p, c, 0), kernel.ERROR_INVALID_PARAMETER)
	_, err = read(p, c, 8)
	assert.ErrorIs(t, err, kernel.ERROR_INVALID_PARAMETER)
	o := objectOf(t, p, c)
	assert.Equal(t, `\Device\Mup\*\mailslot\x`, o.Name())
	assert.Equal(t, `client of \\*\mailslot\x`, o.Body().(*clientEnd).Describe())
	r := open(t, p, `\\BETA\mailslot\x`)
	assert.Equal(t, `client of \\BETA\mailslot\x`, objectOf(t, p, r).Body().(*clientEnd).Describe())
}

// The issue: "A broadcast stores the payload once, shared read-only by every queue". The
// queued messages of every receiver are the same bytes; each reader gets its own copy
// through ReadFile, so one reader's buffer cannot touch another's message.
func TestBroadcastStoresThePayloadOnce(t *testing.T) {
	f := newDomain(t, [][2]string{{"ALPHA", "CORP"}, {"BETA", "CORP"}, {"GAMMA", "CORP"}}, `\\.\mailslot\x`, "ALPHA", "BETA", "GAMMA")
	c := open(t, f.p["ALPHA"], `\\*\mailslot\x`)
	write(t, f.p["ALPHA"], c, "shared")
	var data []*byte
	for _, w := range f.names {
		ms := slotOf(t, f.p[w], f.slot[w])
		ms.mu.Lock()
		m, ok := ms.q.peek()
		ms.mu.Unlock()
		require.True(t, ok)
		data = append(data, unsafe.SliceData(m))
	}
	assert.Same(t, data[0], data[1])
	assert.Same(t, data[0], data[2])
	buf := make([]byte, 6)
	_, err := f.p["BETA"].ReadFile(context.Background(), f.slot["BETA"], buf)
	require.NoError(t, err)
	buf[0] = 'X'
	assert.Equal(t, map[string][]string{"ALPHA": {"shared"}, "GAMMA": {"shared"}, "BETA": nil}, f.received(t))
}

// kernel.Network.AppendDomainMembers lists a domain's machines case-insensitively,
// without allocating when the slice has room.
func TestAppendDomainMembers(t *testing.T) {
	n := kerneltest.NewNetwork(t)
	for _, md := range [][2]string{{"A", "corp"}, {"B", "CORP"}, {"C", "Other"}, {"D", "Corp"}} {
		kerneltest.AddMachine(t, n, md[0], md[1])
	}
	var names []string
	for _, m := range n.AppendDomainMembers(nil, "cOrP") {
		names = append(names, m.Name())
	}
	assert.ElementsMatch(t, []string{"A", "B", "D"}, names)
	buf := make([]*kernel.Machine, 0, 8)
	allocs := testing.AllocsPerRun(100, func() { buf = n.AppendDomainMembers(buf[:0], "CORP") })
	assert.Zero(t, allocs)
	assert.Len(t, buf, 3)
	assert.Empty(t, n.AppendDomainMembers(nil, "NONE"))
}
