package kerneltest

import (
	"runtime"
	"testing"

	"github.com/winsim/winsim/kernel"
)

// AllocsPerBlockedCall is testing.AllocsPerRun for a call of p that blocks: each run,
// call is made while another goroutine waits until the call is pending in p (its
// request is queued: Process.PendingRequests), then runs unblock, which must let the
// call finish. It measures the waiting path of a blocking call, which a call that finds
// its work done at once never takes; the allocations of unblock count too. An error
// from call fails the test. call must block until unblock runs, or the test hangs.
func AllocsPerBlockedCall(t testing.TB, p *kernel.Process, runs int, call func() error, unblock func()) float64 {
	t.Helper()
	turn, stop := make(chan struct{}), make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		for {
			select {
			case <-turn:
			case <-stop:
				return
			}
			for p.PendingRequests() == 0 {
				select {
				case <-stop:
					return
				default:
					runtime.Gosched()
				}
			}
			unblock()
		}
	}()
	var err error
	allocs := testing.AllocsPerRun(runs, func() {
		turn <- struct{}{}
		if e := call(); e != nil && err == nil {
			err = e
		}
	})
	close(stop)
	<-finished
	if err != nil {
		t.Fatalf("kerneltest: the blocked call failed: %v", err)
	}
	return allocs
}
