package pipeservice

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestAnswer checks the protocol's replies, which make no Win32 call.
func TestAnswer(t *testing.T) {
	for _, tc := range []struct{ req, want string }{
		{"PING", "PONG"},
		{"ECHO hello there", "hello there"},
		{"ECHO ", ""},
		{"COUNT", "41"},
		{"ping", ReplyUnknown},
		{"PING now", ReplyUnknown},
		{"", ReplyUnknown},
	} {
		assert.Equal(t, tc.want, string(answer([]byte(tc.req), 41)), "%q", tc.req)
	}
}

// TestAnnouncementRoundTrip checks that what the service writes is what a listener reads back,
// and that a message that is not an announcement is refused.
func TestAnnouncementRoundTrip(t *testing.T) {
	for _, a := range []Announcement{
		{Up: true, Name: "svc", Pipe: `\\.\pipe\svc`, PID: 8},
		{Up: false, Name: "svc", Pipe: `\\.\pipe\with space`, PID: 1<<32 - 1},
	} {
		got, err := parseAnnouncement([]byte(a.String()))
		require.NoError(t, err)
		assert.Equal(t, a, got)
	}
	for _, msg := range []string{"", "UP", "UP svc 8", "SIDEWAYS svc 8 p", "UP svc x p", "UP svc 4294967296 p", "UP  8 p"} {
		_, err := parseAnnouncement([]byte(msg))
		assert.ErrorIs(t, err, errBadAnnouncement, "%q", msg)
	}
}

// TestConfigCheck checks the limits New applies before making anything: a name with no space
// (the announcement's fields are separated by spaces), 1 to MaxInstances instances, and an
// announcement that fits a domain-wide mailslot message, at most 424 bytes (Microsoft's "About
// Mailslots").
func TestConfigCheck(t *testing.T) {
	ok := Config{Name: "svc", Pipe: `\\.\pipe\svc`, Instances: 1}
	require.NoError(t, ok.check())
	long := ok
	long.Pipe = `\\.\pipe\` + strings.Repeat("p", MaxAnnouncement)
	for _, c := range []Config{
		{Name: "", Pipe: ok.Pipe, Instances: 1},
		{Name: "a b", Pipe: ok.Pipe, Instances: 1},
		{Name: "svc", Pipe: ok.Pipe, Instances: 0},
		{Name: "svc", Pipe: ok.Pipe, Instances: MaxInstances + 1},
		long,
	} {
		assert.Error(t, c.check(), "%+v", c)
	}
	most := ok
	most.Instances = MaxInstances
	most.Pipe = `\\.\pipe\` + strings.Repeat("p", MaxAnnouncement-len("DOWN svc 4294967295 \\\\.\\pipe\\"))
	assert.NoError(t, most.check())
}
