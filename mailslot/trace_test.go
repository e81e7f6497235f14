package mailslot

import (
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/winsim/winsim/kernel"
)

// DESIGN.md "Seeing inside": every state change emits a trace event. The mailslot file
// system reports creation, each message queued and read, remote copies queued, dropped,
// lost and delayed, timeout changes and the close with what it dropped; views describe
// server and client objects.
func TestTraceEventsAndViews(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newDomain(t, [][2]string{{"ALPHA", "CORP"}, {"BETA", "CORP"}}, `\\.\mailslot\x`)
		var mu sync.Mutex
		var details []string
		cancel := f.n.Subscribe(func(ev kernel.TraceEvent) {
			if ev.Kind == kernel.EvDevice {
				mu.Lock()
				details = append(details, ev.Machine+" "+ev.Name+": "+ev.Detail)
				mu.Unlock()
			}
		})
		defer cancel()

		pa, pb := f.p["ALPHA"], f.p["BETA"]
		ha := create(t, pa, `\\.\mailslot\x`, 0, 0)
		hb := create(t, pb, `\\.\mailslot\x`, 3, 0)
		local := open(t, pa, `\\.\mailslot\x`)
		write(t, pa, local, "local")
		_, err := read(pa, ha, 8)
		require.NoError(t, err)
		require.NoError(t, SetMailslotInfo(pa, ha, 5))
		all := open(t, pa, `\\*\mailslot\x`)
		write(t, pa, all, "toolong") // BETA's maximum is 3
		write(t, pa, all, "ok")
		require.NoError(t, f.n.Partition("ALPHA", "BETA"))
		write(t, pa, all, "cut")
		f.n.HealAll()
		require.NoError(t, f.n.SetFaults(kernel.Faults{Seed: 1, Loss: 1}))
		write(t, pa, all, "lost")
		require.NoError(t, f.n.SetFaults(kernel.Faults{Seed: 1, Delay: 1, MaxDelay: time.Second}))
		write(t, pa, all, "d")

		var views []string
		for _, w := range []string{"ALPHA", "BETA"} {
			for _, o := range f.m[w].Census().Objects {
				if o.Type == "File" {
					views = append(views, w+" "+o.Name+" = "+o.Detail)
				}
			}
		}
		assert.ElementsMatch(t, []string{
			`ALPHA \Device\Mailslot\x = server of mailslot \x: 5 messages, 17 bytes`,
			`ALPHA \Device\Mailslot\x = client of \\.\mailslot\x`,
			`ALPHA \Device\Mup\*\mailslot\x = client of \\*\mailslot\x`,
			`BETA \Device\Mailslot\x = server of mailslot \x: 1 messages, 2 bytes, 1 delayed`,
		}, views)

		msb := slotOf(t, pb, hb)
		require.NoError(t, pb.CloseHandle(hb))
		assert.Equal(t, `mailslot \x (closed)`, msb.describe())
		synctest.Wait()

		mu.Lock()
		got := strings.Join(details, "\n")
		mu.Unlock()
		for _, want := range []string{
			`ALPHA \Device\Mailslot\x: mailslot created`,
			`ALPHA \Device\Mailslot\x: message queued 5 bytes`,
			`ALPHA \Device\Mailslot\x: message read 5 bytes`,
			`ALPHA \Device\Mailslot\x: read timeout set`,
			`BETA \Device\Mailslot\x: datagram from ALPHA dropped: 7 bytes is over the maximum message size`,
			`BETA \Device\Mailslot\x: datagram from ALPHA queued 2 bytes`,
			`ALPHA \Device\Mailslot\x: broadcast to domain CORP: 2 bytes, 2 machines`,
			`BETA \Device\Mailslot: datagram from ALPHA lost to a partition`,
			`BETA \Device\Mailslot: datagram from ALPHA lost`,
			`BETA \Device\Mailslot\x: datagram from ALPHA delayed`,
			`BETA \Device\Mailslot\x: mailslot closed; dropped 1 queued and 1 delayed messages`,
		} {
			assert.Contains(t, got, want)
		}
	})
}
