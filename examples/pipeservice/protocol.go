package pipeservice

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// This file is the part of the service that makes no Win32 call: the request/response
// protocol and the announcement's format. It is plain Go, the same in every build.

// Sizes of the protocol.
const (
	// MaxRequest is the longest request the service accepts, in bytes. A longer one is read
	// to its end and answered with ReplyTooLong.
	MaxRequest = 4096

	// MaxAnnouncement is the longest announcement: a mailslot message sent to a whole domain
	// (\\*\mailslot\...) may be at most 424 bytes (Microsoft's "About Mailslots").
	MaxAnnouncement = 424

	// readChunk is the server's read buffer. A request longer than it arrives in pieces, each
	// read but the last failing with ERROR_MORE_DATA (Microsoft's "Named Pipe Type, Read, and
	// Wait Modes"), so the server's handling of that error is exercised by ordinary requests.
	readChunk = 512

	// MaxInstances is the most pipe instances a Server serves: it waits for them with
	// WaitForMultipleObjects, which takes at most MAXIMUM_WAIT_OBJECTS (64) handles, and one of
	// them is the stop event (Microsoft's WaitForMultipleObjects page).
	MaxInstances = 64 - 1

	// pipeBuffer is the in and out buffer size the service asks CreateNamedPipe for.
	pipeBuffer = 4096
)

// WaitForever, as Dial's or Listen's timeout, waits without limit: it is NMPWAIT_WAIT_FOREVER
// for WaitNamedPipe and MAILSLOT_WAIT_FOREVER for CreateMailslot, both 0xFFFFFFFF (Microsoft's
// WaitNamedPipeW and CreateMailslotW pages).
const WaitForever = 0xffffffff

// Replies the service gives besides a request's answer.
const (
	ReplyTooLong = "ERR request too long"
	ReplyUnknown = "ERR unknown request"
)

// A Config says what a Server serves.
type Config struct {
	// Name is the service's name in its announcements; it may not be empty or hold a space.
	Name string

	// Pipe is the pipe the service creates, \\.\pipe\name.
	Pipe string

	// Instances is how many pipe instances the service creates, so how many clients it talks
	// to at once: 1 to MaxInstances. A client that finds them all busy waits (Dial).
	Instances int

	// Announce is the mailslot the service announces itself to when it starts and stops:
	// \\*\mailslot\name reaches every machine of the domain, this one included, and can always
	// be opened; \\.\mailslot\name only this machine's, and must exist. "" announces nothing.
	Announce string
}

// check returns why c cannot be served, or nil.
func (c Config) check() error {
	switch {
	case c.Name == "" || strings.ContainsAny(c.Name, " \t\r\n"):
		return fmt.Errorf("pipeservice: service name %q is empty or has a space", c.Name)
	case c.Instances < 1 || c.Instances > MaxInstances:
		return fmt.Errorf("pipeservice: %d instances; the service serves 1 to %d", c.Instances, MaxInstances)
	case len(Announcement{Name: c.Name, Pipe: c.Pipe, PID: 1<<32 - 1}.String()) > MaxAnnouncement:
		return fmt.Errorf("pipeservice: an announcement of %q would be longer than %d bytes", c.Pipe, MaxAnnouncement)
	}
	return nil
}

// answer returns the service's reply to one request message. served is how many requests
// the service has answered before this one, across all clients.
//
//	PING         -> PONG
//	ECHO <text>  -> <text>
//	COUNT        -> the number of requests answered before this one
//	anything else -> ReplyUnknown
func answer(request []byte, served uint64) []byte {
	req := string(request)
	verb, rest, _ := strings.Cut(req, " ")
	switch {
	case req == "PING":
		return []byte("PONG")
	case verb == "ECHO":
		return []byte(rest)
	case req == "COUNT":
		return strconv.AppendUint(nil, served, 10)
	}
	return []byte(ReplyUnknown)
}

// An Announcement is what the service broadcasts about itself to a mailslot: that it is up,
// with the pipe clients should open, or that it is going down.
type Announcement struct {
	Up   bool   // true when the service starts, false when it stops
	Name string // the service's name (Config.Name)
	Pipe string // the pipe it serves (Config.Pipe)
	PID  uint32 // the process it runs in
}

// String is the announcement's text as the service writes it to the mailslot:
// "UP name pid pipe" or "DOWN name pid pipe".
func (a Announcement) String() string {
	state := "DOWN"
	if a.Up {
		state = "UP"
	}
	return fmt.Sprintf("%s %s %d %s", state, a.Name, a.PID, a.Pipe)
}

// errBadAnnouncement is what parseAnnouncement returns for a message that is not one.
var errBadAnnouncement = errors.New("pipeservice: not an announcement")

// parseAnnouncement reads a message written by Announcement.String.
func parseAnnouncement(msg []byte) (Announcement, error) {
	f := strings.SplitN(string(msg), " ", 4)
	if len(f) != 4 || (f[0] != "UP" && f[0] != "DOWN") || f[1] == "" || f[3] == "" {
		return Announcement{}, fmt.Errorf("%w: %q", errBadAnnouncement, msg)
	}
	pid, err := strconv.ParseUint(f[2], 10, 32)
	if err != nil {
		return Announcement{}, fmt.Errorf("%w: %q", errBadAnnouncement, msg)
	}
	return Announcement{Up: f[0] == "UP", Name: f[1], PID: uint32(pid), Pipe: f[3]}, nil
}
