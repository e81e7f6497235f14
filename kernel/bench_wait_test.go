package kernel_test

import (
	"context"
	"sync"
	"testing"

	"github.com/winsim/winsim/kernel"
)

// BenchmarkEventPingPong measures a dispatcher round trip: two goroutines of one
// process hand a turn back and forth through two auto-reset events, each SetEvent
// waking the other's WaitForSingleObject (INFINITE). One op is one round trip, two
// waits that block and two satisfactions. The "signalled" case waits on an event
// already set, the wait that never blocks, for comparison.
func BenchmarkEventPingPong(b *testing.B) {
	ctx := context.Background()
	b.Run("blocking", func(b *testing.B) {
		_, p := benchMachine(b)
		ping, err := p.CreateEvent(nil, false, false, "")
		if err != nil {
			b.Fatal(err)
		}
		pong, err := p.CreateEvent(nil, false, false, "")
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		b.ResetTimer()
		var wg sync.WaitGroup
		wg.Go(func() {
			for range b.N {
				if _, err := p.WaitForSingleObject(ctx, ping, kernel.INFINITE); err != nil {
					b.Error(err)
					return
				}
				if err := p.SetEvent(pong); err != nil {
					b.Error(err)
					return
				}
			}
		})
		for range b.N {
			if err := p.SetEvent(ping); err != nil {
				b.Fatal(err)
			}
			if _, err := p.WaitForSingleObject(ctx, pong, kernel.INFINITE); err != nil {
				b.Fatal(err)
			}
		}
		b.StopTimer()
		wg.Wait()
	})
	b.Run("signalled", func(b *testing.B) {
		_, p := benchMachine(b)
		ev, err := p.CreateEvent(nil, true, true, "")
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			if _, err := p.WaitForSingleObject(ctx, ev, kernel.INFINITE); err != nil {
				b.Fatal(err)
			}
		}
	})
}
