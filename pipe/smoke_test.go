package pipe_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/winsim/winsim/kernel"
	"github.com/winsim/winsim/pipe"
)

func TestSmoke(t *testing.T) {
	m := newMachine(t)
	p := newProc(t, m, "a.exe")
	srv, cli, _ := pair(t, p, pipe.PIPE_TYPE_MESSAGE|pipe.PIPE_READMODE_MESSAGE, 1024, 1024)
	assert.ErrorIs(t, pipe.ConnectNamedPipe(bg, p, srv), kernel.ERROR_PIPE_CONNECTED)
	write(t, p, cli, "hello")
	s, err := read(p, srv, 3)
	assert.ErrorIs(t, err, kernel.ERROR_MORE_DATA)
	assert.Equal(t, "hel", s)
	s, err = read(p, srv, 3)
	require.NoError(t, err)
	assert.Equal(t, "lo", s)
	r, w, err := pipe.CreatePipe(p, nil, 0)
	require.NoError(t, err)
	write(t, p, w, "abc")
	require.NoError(t, p.CloseHandle(w))
	s, err = read(p, r, 10)
	require.NoError(t, err)
	assert.Equal(t, "abc", s)
	_, err = read(p, r, 10)
	assert.ErrorIs(t, err, kernel.ERROR_BROKEN_PIPE)
	require.NoError(t, p.CloseHandle(r))
	require.NoError(t, p.CloseHandle(srv))
	require.NoError(t, p.CloseHandle(cli))
}
