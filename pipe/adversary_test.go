package pipe_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/winsim/winsim/kernel"
	"github.com/winsim/winsim/pipe"
)

// Under the adversarial mode a client's open of a pipe whose instance listens can fail
// with ERROR_PIPE_BUSY right after WaitNamedPipe said an instance was free, as when
// another client wins the race (Microsoft, WaitNamedPipe: "A subsequent CreateFile call
// to the pipe can fail, because the instance was closed by the server or opened by
// another client"). The server sees nothing of it: its instance still listens, and the
// client that retries connects to it.
func TestAdversaryPipeBusyAfterWaitNamedPipe(t *testing.T) {
	m := newMachine(t)
	require.NoError(t, m.Network().SetAdversary(kernel.Adversary{Seed: 1, PipeBusy: 1}))
	p := newProc(t, m, "client.exe")
	name := uniqueName(t)
	srv := server(t, p, name, duplex, bytePipe, 1, 16, 16)

	busy := 0
	var cli kernel.Handle
	for {
		require.NoError(t, pipe.WaitNamedPipe(bg, p, name, pipe.NMPWAIT_NOWAIT), "an instance is free")
		h, err := p.CreateFile(name, rw, 0, nil, kernel.OPEN_EXISTING, 0)
		if err == nil {
			cli = h
			break
		}
		require.ErrorIs(t, err, kernel.ERROR_PIPE_BUSY)
		busy++
	}
	assert.Equal(t, 3, busy, "at probability 1, MaxInARow busy answers, then the open goes through")
	assert.ErrorIs(t, pipe.ConnectNamedPipe(bg, p, srv), kernel.ERROR_PIPE_CONNECTED, "the server's one instance got the client")
	require.NoError(t, p.CloseHandle(cli))
	require.NoError(t, p.CloseHandle(srv))
}

// openPipe is how a client should open a pipe (Microsoft, "Named Pipe Client"): try,
// and on ERROR_PIPE_BUSY wait for an instance and try again.
func openPipe(ctx context.Context, p *kernel.Process, name string) (kernel.Handle, error) {
	for {
		h, err := p.CreateFile(name, kernel.GENERIC_READ|kernel.GENERIC_WRITE, 0, nil, kernel.OPEN_EXISTING, 0)
		if !errors.Is(err, kernel.ERROR_PIPE_BUSY) {
			return h, err
		}
		if err := pipe.WaitNamedPipe(ctx, p, name, 5000); err != nil {
			return 0, err
		}
	}
}

// The adversarial mode finds a common bug: a client that waits for the pipe and then
// opens it once, without retrying. Under a seed that makes the open lose the race,
// the naive client fails; the one that retries, as Microsoft's "Named Pipe Client"
// example does, connects. The same seed replays the same failure.
func Example_adversarialMode() {
	n := kernel.NewNetwork()
	defer n.Close()
	m, _ := n.AddMachine("ALPHA", "WORKGROUP")
	_ = pipe.Install(m)
	srv, _ := m.NewProcess("server.exe", nil)
	cli, _ := m.NewProcess("client.exe", nil)
	name := `\\.\pipe\service`
	for range 5 { // an instance for each client that gets through
		h, _ := pipe.CreateNamedPipe(srv, name, pipe.PIPE_ACCESS_DUPLEX, pipe.PIPE_TYPE_BYTE, pipe.PIPE_UNLIMITED_INSTANCES, 512, 512, 0, nil)
		defer srv.CloseHandle(h)
	}

	_ = n.SetAdversary(kernel.Adversary{Seed: 42, PipeBusy: 0.5})

	// The naive client: wait, then open once.
	naive := func() error {
		if err := pipe.WaitNamedPipe(context.Background(), cli, name, 5000); err != nil {
			return err
		}
		c, err := cli.CreateFile(name, kernel.GENERIC_READ|kernel.GENERIC_WRITE, 0, nil, kernel.OPEN_EXISTING, 0)
		if err == nil {
			cli.CloseHandle(c)
		}
		return err
	}
	for i := 1; i <= 4; i++ {
		fmt.Printf("naive client, try %d: %v\n", i, naive())
	}

	c, err := openPipe(context.Background(), cli, name)
	fmt.Println("retrying client:", err)
	cli.CloseHandle(c)
	// Output:
	// naive client, try 1: All pipe instances are busy.
	// naive client, try 2: <nil>
	// naive client, try 3: <nil>
	// naive client, try 4: All pipe instances are busy.
	// retrying client: <nil>
}

// readRecord reads exactly len(buf) bytes from h, looping as a byte-mode reader must: a
// read returns what is available, which may be less than was written.
func readRecord(p *kernel.Process, h kernel.Handle, buf []byte) error {
	for got := 0; got < len(buf); {
		n, err := p.ReadFile(context.Background(), h, buf[got:])
		if err != nil {
			return err
		}
		got += n
	}
	return nil
}

// The adversarial mode finds another common bug: a reader that expects one ReadFile to
// return what one WriteFile sent. A byte-type pipe keeps no write boundaries and a read
// returns what is available, so under a seed that makes reads short the naive reader
// gets part of a record, and the rest arrives with the next read; the reader that
// loops until it has the whole record gets every record intact.
func Example_adversarialShortRead() {
	n := kernel.NewNetwork()
	defer n.Close()
	m, _ := n.AddMachine("ALPHA", "WORKGROUP")
	_ = pipe.Install(m)
	p, _ := m.NewProcess("app.exe", nil)
	r, w, _ := pipe.CreatePipe(p, nil, 0)
	defer p.CloseHandle(r)
	defer p.CloseHandle(w)
	ctx := context.Background()

	_ = n.SetAdversary(kernel.Adversary{Seed: 7, ShortRead: 0.5})
	record := []byte("one record, one WriteFile")

	// The naive reader: one ReadFile per record.
	for i := 1; i <= 3; i++ {
		_, _ = p.WriteFile(ctx, w, record)
		buf := make([]byte, 64)
		got, _ := p.ReadFile(ctx, r, buf)
		fmt.Printf("naive reader, record %d: %q\n", i, buf[:got])
		_ = readRecord(p, r, buf[:len(record)-got]) // what it missed is still in the pipe
	}

	// The looping reader.
	intact := 0
	for range 3 {
		_, _ = p.WriteFile(ctx, w, record)
		buf := make([]byte, len(record))
		if readRecord(p, r, buf) == nil && bytes.Equal(buf, record) {
			intact++
		}
	}
	fmt.Printf("looping reader: %d of 3 records intact\n", intact)
	// Output:
	// naive reader, record 1: "one record, one Wr"
	// naive reader, record 2: "one record, one WriteFile"
	// naive reader, record 3: "one r"
	// looping reader: 3 of 3 records intact
}
