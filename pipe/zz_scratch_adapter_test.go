package pipe_test

import (
	"context"
	"testing"
	"testing/synctest"
	"time"

	"github.com/winsim/winsim/pipe"
)

func TestZZScratchA(t *testing.T) {
	m := newMachine(t)
	p := newProc(t, m, "a.exe")
	srv, cli, _ := pair(t, p, pipe.PIPE_TYPE_BYTE, 0, 0)
	done := make(chan struct{})
	go func() { read(p, srv, 10); close(done) }()
	time.Sleep(10 * time.Millisecond)
	write(t, p, cli, "x")
	<-done
	p.CloseHandle(srv)
	p.CloseHandle(cli)
}

func TestZZScratchB(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newMachine(t)
		p := newProc(t, m, "a.exe")
		srv, cli, _ := pair(t, p, pipe.PIPE_TYPE_BYTE, 0, 0)
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		_, err := p.ReadFile(ctx, srv, make([]byte, 10))
		t.Log(err)
		p.CloseHandle(srv)
		p.CloseHandle(cli)
	})
}
