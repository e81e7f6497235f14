package kernel_test

import (
	"context"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/winsim/winsim/kernel"
	"github.com/winsim/winsim/kerneltest"
)

var epoch = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// received reports whether ch has a value ready, and the value.
func received(ch <-chan time.Time) (time.Time, bool) {
	select {
	case v := <-ch:
		return v, true
	default:
		return time.Time{}, false
	}
}

// A machine's clock is the real one unless another is given; the real clock's timers
// follow time (here the synctest bubble's fake time).
func TestRealClockIsTheDefault(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := kerneltest.NewMachine(t)
		c := m.Clock()
		assert.Equal(t, time.Now(), c.Now())

		tm := c.NewTimer(time.Second)
		start := time.Now()
		<-tm.C()
		assert.Equal(t, time.Second, time.Since(start))
		assert.False(t, tm.Stop(), "a fired timer cannot be stopped")

		ran := make(chan time.Duration, 1)
		c.AfterFunc(2*time.Second, func() { ran <- time.Since(start) })
		stopped := c.AfterFunc(time.Second, func() { t.Error("a stopped AfterFunc ran") })
		assert.True(t, stopped.Stop())
		assert.Equal(t, 3*time.Second, <-ran)
	})
}

// A VirtualClock moves only when told: timers fire during the Advance or Set that moves
// time past their deadline, in deadline order, each receiving its deadline; Set never
// moves time backwards; Pending counts the timers still waiting.
func TestVirtualClockTimersFireInDeadlineOrderOnAdvance(t *testing.T) {
	c := kernel.NewVirtualClock(epoch)
	assert.Equal(t, epoch, c.Now())
	t30 := c.NewTimer(30 * time.Millisecond)
	t10 := c.NewTimer(10 * time.Millisecond)
	t20 := c.NewTimer(20 * time.Millisecond)
	t20b := c.NewTimer(20 * time.Millisecond)
	assert.Equal(t, 4, c.Pending())
	_, fired := received(t10.C())
	assert.False(t, fired, "nothing fires without Advance")

	c.Advance(15 * time.Millisecond)
	v, fired := received(t10.C())
	assert.True(t, fired)
	assert.Equal(t, epoch.Add(10*time.Millisecond), v, "a timer receives its deadline")
	_, fired = received(t20.C())
	assert.False(t, fired)
	assert.Equal(t, epoch.Add(15*time.Millisecond), c.Now())
	assert.Equal(t, 3, c.Pending())

	c.Set(epoch.Add(20 * time.Millisecond))
	_, fired = received(t20.C())
	assert.True(t, fired, "a deadline equal to the new time has passed")
	_, fired = received(t20b.C())
	assert.True(t, fired)
	_, fired = received(t30.C())
	assert.False(t, fired)

	c.Set(epoch) // backwards: ignored
	assert.Equal(t, epoch.Add(20*time.Millisecond), c.Now())
	c.Advance(time.Hour)
	_, fired = received(t30.C())
	assert.True(t, fired)
	assert.Equal(t, 0, c.Pending())
}

// Stopping a VirtualClock timer keeps it from firing and reports whether it was still
// pending; a timer for a duration <= 0 fires at once.
func TestVirtualClockStop(t *testing.T) {
	c := kernel.NewVirtualClock(epoch)
	a := c.NewTimer(time.Second)
	b := c.NewTimer(2 * time.Second)
	assert.True(t, a.Stop())
	assert.False(t, a.Stop(), "already stopped")
	assert.Equal(t, 1, c.Pending())
	c.Advance(3 * time.Second)
	_, fired := received(a.C())
	assert.False(t, fired, "a stopped timer never fires")
	_, fired = received(b.C())
	assert.True(t, fired)
	assert.False(t, b.Stop(), "already fired")

	now := c.NewTimer(0)
	v, fired := received(now.C())
	assert.True(t, fired)
	assert.Equal(t, c.Now(), v)
	assert.False(t, now.Stop())
	neg := c.NewTimer(-time.Second)
	_, fired = received(neg.C())
	assert.True(t, fired)
}

// VirtualClock.AfterFunc runs f on its own goroutine once the clock passes the
// deadline, unless stopped first; for a duration <= 0 it runs f at once, as
// time.AfterFunc does.
func TestVirtualClockAfterFunc(t *testing.T) {
	c := kernel.NewVirtualClock(epoch)
	ran := make(chan string, 3)
	c.AfterFunc(10*time.Millisecond, func() { ran <- "late" })
	stop := c.AfterFunc(5*time.Millisecond, func() { ran <- "stopped" })
	assert.Nil(t, stop.C(), "AfterFunc timers have no channel")
	assert.True(t, stop.Stop())
	c.Advance(9 * time.Millisecond)
	assert.Empty(t, ran)

	now := c.AfterFunc(0, func() { ran <- "now" })
	assert.Equal(t, "now", <-ran, "no Advance needed for a deadline already passed")
	assert.False(t, now.Stop())

	c.Advance(time.Millisecond)
	assert.Equal(t, "late", <-ran)
	assert.Equal(t, 0, c.Pending())
}

// A simulator steps a VirtualClock one timer at a time: Next names the earliest
// deadline, FireNext fires only that timer (timers of one deadline in creation order),
// moving the clock to it, and moves the clock to its limit when nothing is due;
// RunCallbacksWith runs AfterFunc callbacks through the simulator's own function.
func TestVirtualClockFiresOneTimerAtATime(t *testing.T) {
	c := kernel.NewVirtualClock(epoch)
	var fired []string
	c.RunCallbacksWith(func(f func()) { f() }) // synchronously: the order is the firing order
	_, ok := c.Next()
	assert.False(t, ok, "no timers")
	c.AfterFunc(20*time.Millisecond, func() { fired = append(fired, "b") })
	ch := c.NewTimer(10 * time.Millisecond)
	c.AfterFunc(20*time.Millisecond, func() { fired = append(fired, "c") })
	c.AfterFunc(0, func() { fired = append(fired, "now") })
	assert.Equal(t, []string{"now"}, fired, "a deadline already passed runs through the simulator's function at once")

	next, ok := c.Next()
	require.True(t, ok)
	assert.Equal(t, epoch.Add(10*time.Millisecond), next)
	assert.False(t, c.FireNext(epoch.Add(5*time.Millisecond)), "nothing due by the limit")
	assert.Equal(t, epoch.Add(5*time.Millisecond), c.Now(), "moved to the limit")
	assert.True(t, c.FireNext(epoch.Add(time.Hour)))
	assert.Equal(t, epoch.Add(10*time.Millisecond), c.Now(), "moved to the timer's deadline, not the limit")
	v, got := received(ch.C())
	assert.True(t, got)
	assert.Equal(t, epoch.Add(10*time.Millisecond), v)
	assert.True(t, c.FireNext(epoch.Add(time.Hour)))
	assert.Equal(t, []string{"now", "b"}, fired, "one timer per call")
	assert.True(t, c.FireNext(epoch.Add(time.Hour)))
	assert.Equal(t, []string{"now", "b", "c"}, fired, "same deadline: creation order")
	assert.False(t, c.FireNext(epoch.Add(time.Second)))
	assert.Equal(t, epoch.Add(time.Second), c.Now())
	assert.False(t, c.FireNext(epoch), "never backwards")
	assert.Equal(t, epoch.Add(time.Second), c.Now())
	assert.Equal(t, 0, c.Pending())
}

// Every timeout in winsim reads the machine's clock: on a machine with a VirtualClock, a
// WaitForSingleObject timeout and a blocking read's timeout do not fire, however much
// real (here: bubble) time passes, until the clock is advanced past them.
func TestWaitTimeoutFollowsTheMachineClock(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		vc := kernel.NewVirtualClock(epoch)
		n := kerneltest.NewNetwork(t)
		m, err := n.AddMachine("VIRTUAL", "WORKGROUP", kernel.WithClock(vc))
		require.NoError(t, err)
		assert.Equal(t, kernel.Clock(vc), m.Clock())
		p := kerneltest.NewProcess(t, m, "a.exe")
		defer p.Terminate(0)
		ev := newEvent(t, p, true, false)
		f := newFile(t, p, &rwFile{timeout: 500 * time.Millisecond}, kernel.FILE_ALL_ACCESS)

		waited := make(chan waitResult, 1)
		go func() {
			r, err := p.WaitForSingleObject(context.Background(), ev, 1000)
			waited <- waitResult{r: r, err: err}
		}()
		read := make(chan error, 1)
		go func() {
			_, err := p.ReadFile(context.Background(), f, make([]byte, 1))
			read <- err
		}()
		synctest.Wait()
		assert.Equal(t, 2, vc.Pending(), "both timeouts are timers on the machine's clock")
		time.Sleep(time.Hour) // bubble time passes; the machine's clock does not
		synctest.Wait()
		assert.Empty(t, waited)
		assert.Empty(t, read)

		vc.Advance(500 * time.Millisecond)
		assert.ErrorIs(t, <-read, kernel.ERROR_SEM_TIMEOUT)
		synctest.Wait()
		assert.Empty(t, waited, "999 ms short of its timeout")
		vc.Advance(499 * time.Millisecond)
		synctest.Wait()
		assert.Empty(t, waited)
		vc.Advance(time.Millisecond)
		res := <-waited
		require.NoError(t, res.err)
		assert.Equal(t, kernel.WAIT_TIMEOUT_, res.r)
		assert.Equal(t, 0, vc.Pending(), "finished waits leave no timers behind")
		require.NoError(t, p.CloseHandle(ev))
		require.NoError(t, p.CloseHandle(f))
	})
}
