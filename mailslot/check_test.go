package mailslot

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/winsim/winsim/kernel"
)

// The mailslot file system's part of the self-check: a mailslot exists exactly while
// its server has a handle (MS docs CreateMailslot: "The mailslot exists until the last
// server handle is closed") and then its unread messages are deleted (MS docs,
// "Reading from a Mailslot"), so every queued message belongs to a live server; a live
// mailslot is in its device's name table.

func checkBreaches(err error) []kernel.Breach {
	var out []kernel.Breach
	for _, b := range kernel.Breaches(err) {
		out = append(out, *b)
	}
	return out
}

func TestCheckMailslotClean(t *testing.T) {
	m := newMachine(t)
	p := newProc(t, m, "app.exe")
	s := create(t, p, `\\.\mailslot\check\clean`, 0, 0)
	c := open(t, p, `\\.\mailslot\check\clean`)
	write(t, p, c, "one")
	write(t, p, c, "two")
	assert.NoError(t, m.Check())
	require.NoError(t, p.CloseHandle(s))
	assert.NoError(t, m.Check(), "the closed mailslot dropped its messages")
	require.NoError(t, p.CloseHandle(c))
}

func TestCheckMailslotMessagesOfClosedMailslot(t *testing.T) {
	m := newMachine(t)
	p := newProc(t, m, "app.exe")
	s := create(t, p, `\\.\mailslot\check\closed`, 0, 0)
	o := objectOf(t, p, s)
	ms := slotOf(t, p, s)
	ms.mu.Lock()
	ms.closed.Store(true)
	ms.q.push([]byte("stray"), false)
	ms.mu.Unlock()
	defer func() {
		ms.mu.Lock()
		ms.closed.Store(false)
		ms.q.reset()
		ms.mu.Unlock()
	}()
	assert.Equal(t, []kernel.Breach{
		{Machine: m.Name(), Subject: o.String(), What: "mailslot closed while its server has handles", Expected: "open", Found: "closed with 1 handles"},
		{Machine: m.Name(), Subject: o.String(), What: "messages of a closed mailslot", Expected: "none queued, read or delayed", Found: "1 queued, 0 reads, 0 delayed"},
		{Machine: m.Name(), Subject: `mailslot \Device\Mailslot\check\closed`, What: "closed mailslot in the name table", Expected: "live", Found: "closed"},
	}, checkBreaches(m.Check()))
}

func TestCheckMailslotMissingFromTable(t *testing.T) {
	m := newMachine(t)
	p := newProc(t, m, "app.exe")
	s := create(t, p, `\\.\mailslot\check\gone`, 0, 0)
	o := objectOf(t, p, s)
	ms := slotOf(t, p, s)
	ms.dev.remove(ms)
	defer func() {
		ms.dev.mu.Lock()
		ms.dev.slots[ms.key] = ms
		ms.dev.mu.Unlock()
	}()
	ms.mu.Lock()
	ms.q.bytes += 3
	ms.mu.Unlock()
	defer func() {
		ms.mu.Lock()
		ms.q.bytes -= 3
		ms.mu.Unlock()
	}()
	assert.Equal(t, []kernel.Breach{
		{Machine: m.Name(), Subject: o.String(), What: "queued bytes", Expected: "0 (the messages' sum)", Found: "3"},
		{Machine: m.Name(), Subject: o.String(), What: "device name table entry of a live mailslot", Expected: "this mailslot", Found: "another or none"},
	}, checkBreaches(m.Check()))
}
