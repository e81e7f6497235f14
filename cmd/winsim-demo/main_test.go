package main

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// The demo prints the object table before and after server.exe exits: the event
// survives the creator's exit with one handle, and leaves with the last one.
func TestDemoShowsTheEventOutlivingItsCreator(t *testing.T) {
	var buf bytes.Buffer
	require.NoError(t, run(&buf))
	out := buf.String()
	assert.Regexp(t, `(?s)Before server.exe exits.*Event\s+2\s+2\s+\\BaseNamedObjects\\ready`, out)
	assert.Regexp(t, `(?s)After server.exe exits.*Event\s+1\s+1\s+\\BaseNamedObjects\\ready`, out)
	assert.Contains(t, out, "WAIT_OBJECT_0")
	last := out[bytes.LastIndex(buf.Bytes(), []byte("After client.exe closes")):]
	assert.NotContains(t, last, "Event")
}
