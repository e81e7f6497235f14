//go:build !race

package pipe_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/winsim/winsim/kernel"
	"github.com/winsim/winsim/pipe"
)

// This file is built without -race: the race detector allocates on its own.

// Steady-state reads and writes allocate nothing: a write that fits and the read that
// drains it, on a byte pipe and on a message pipe (docs/pipes.md, "Performance").
func TestSteadyStateReadWriteDoNotAllocate(t *testing.T) {
	m := newMachine(t)
	p := newProc(t, m, "a.exe")
	r, w, err := pipe.CreatePipe(p, nil, 0)
	require.NoError(t, err)
	srv, cli, _ := pair(t, p, msgPipe, 4096, 4096)
	msg := make([]byte, 64)
	buf := make([]byte, 64)
	ctx := context.Background()
	for _, ends := range [][2]kernel.Handle{{w, r}, {cli, srv}, {srv, cli}} {
		allocs := testing.AllocsPerRun(1000, func() {
			if _, err := p.WriteFile(ctx, ends[0], msg); err != nil {
				panic(err)
			}
			if _, err := p.ReadFile(ctx, ends[1], buf); err != nil {
				panic(err)
			}
		})
		assert.Zero(t, allocs)
	}
}

// Blocking reads and writes allocate nothing either once warm: a round trip between
// two goroutines in which every read blocks, and a stream whose writes block on the
// quota.
func TestBlockingReadWriteDoNotAllocate(t *testing.T) {
	m := newMachine(t)
	p := newProc(t, m, "a.exe")
	srv, cli, _ := pair(t, p, msgPipe, 4096, 4096)
	ctx := context.Background()
	done := make(chan struct{})
	go func() {
		defer close(done)
		buf := make([]byte, 64)
		for {
			n, err := p.ReadFile(ctx, cli, buf)
			if err != nil {
				return
			}
			if _, err := p.WriteFile(ctx, cli, buf[:n]); err != nil {
				return
			}
		}
	}()
	msg := make([]byte, 64)
	buf := make([]byte, 64)
	allocs := testing.AllocsPerRun(1000, func() {
		if _, err := p.WriteFile(ctx, srv, msg); err != nil {
			panic(err)
		}
		if _, err := p.ReadFile(ctx, srv, buf); err != nil {
			panic(err)
		}
	})
	assert.Zero(t, allocs)
	require.NoError(t, p.CloseHandle(srv))
	<-done

	r, w, err := pipe.CreatePipe(p, nil, 16)
	require.NoError(t, err)
	done = make(chan struct{})
	go func() {
		defer close(done)
		buf := make([]byte, 1000)
		for {
			if _, err := p.ReadFile(ctx, r, buf); err != nil {
				return
			}
		}
	}()
	big := make([]byte, 1000)
	allocs = testing.AllocsPerRun(1000, func() {
		if _, err := p.WriteFile(ctx, w, big); err != nil {
			panic(err)
		}
	})
	assert.Zero(t, allocs)
	require.NoError(t, p.CloseHandle(w))
	<-done
	require.NoError(t, p.CloseHandle(r))
	require.NoError(t, p.CloseHandle(cli))
}
