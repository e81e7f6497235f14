package mailslot

import (
	"github.com/winsim/winsim/kernel"
	"github.com/winsim/winsim/namespace"
)

// targetKind says where a client's writes go.
type targetKind int

const (
	toLocal  targetKind = iota + 1 // \\.\mailslot\x: one mailslot of this machine, bound at open
	toHost                         // \\NAME\mailslot\x: machine NAME, or every member of domain NAME
	toDomain                       // \\*\mailslot\x: every member of the writer's own domain
)

// target is the destination of a client's writes. It is immutable.
type target struct {
	kind targetKind
	host string // as written (toHost)
	path string // below \Device\Mailslot, as written: `\x`
	key  string // namespace.Fold(path)
}

// remoteTarget is the target of a CreateFile of \\host\mailslot<path> for a host other
// than the local machine.
func remoteTarget(host, path string) target {
	t := target{kind: toHost, host: host, path: path, key: namespace.Fold(path)}
	if host == "*" {
		t.kind = toDomain
	}
	return t
}

func (t target) String() string {
	switch t.kind {
	case toLocal:
		return `\\.\mailslot` + t.path
	case toDomain:
		return `\\*\mailslot` + t.path
	}
	return `\\` + t.host + `\mailslot` + t.path
}

// A clientEnd is the body of a mailslot client file object, the write-only end CreateFile
// opens (Wine: struct mail_writer; ReactOS msfs: a client CCB). Remote and broadcast
// ones stand for the redirector's datagram writes.
//
// A local client is bound to the mailslot it opened, as Wine's writer and ReactOS's CCB
// point at theirs. When that mailslot's server goes, the client is closed with it
// ("Reading from a Mailslot": all client handles to the mailslot are closed), so its
// writes fail with ERROR_HANDLE_EOF (an unverified code; see mailslot.close) even if a
// new mailslot of the same name exists (see docs/deviations.md). Remote and broadcast
// clients resolve their destination at every write.
//
// Lifetime: created by CreateFile with one handle; duplicated and inherited handles
// share it; nothing happens when the last one closes. It holds no kernel references.
type clientEnd struct {
	kernel.NoOps
	target target    // immutable
	ms     *mailslot // immutable; the bound mailslot of a local client, else nil
}

var (
	_ kernel.Reader      = (*clientEnd)(nil)
	_ kernel.Writer      = (*clientEnd)(nil)
	_ kernel.Describer   = (*clientEnd)(nil)
	_ kernel.DeviceTyper = (*clientEnd)(nil)
)

// Read implements kernel.Reader: a client cannot read, even with read access
// (kernel32/tests/mailslot.c: ERROR_INVALID_PARAMETER; windows-facts.md MS-16).
func (*clientEnd) Read(kernel.Call, []byte) (int, error) { return 0, kernel.ERROR_INVALID_PARAMETER }

// Write implements kernel.Writer: WriteFile on a client sends p as one message and never
// blocks. A zero-length write is a message (windows-facts.md MS-25).
//
// Local clients: ERROR_HANDLE_EOF once the server has gone, ERROR_INVALID_PARAMETER for
// a message over the mailslot's maximum size (nothing is queued). Both codes are
// unverified; mailslot.write says why they were chosen.
//
// Remote and broadcast clients: the message goes to the machines the target names at the
// moment of the write, where it lands in the mailslot of that name if there is one
// (route.go). More than MaxRemoteMessageSize bytes gives ERROR_INVALID_PARAMETER and
// nothing is sent. Otherwise the write succeeds whatever happens to the copies.
func (c *clientEnd) Write(call kernel.Call, p []byte) (int, error) {
	if c.ms != nil {
		if err := c.ms.write(call.Process.PID(), p); err != nil {
			return 0, err
		}
		return len(p), nil
	}
	return route(call.Process, c.target, p)
}

// info is GetMailslotInfo on a client. Windows 8 and later answer it for a local client
// with the server's values (kernel32/tests/mailslot.c, windows-facts.md MS-28); after the server
// has gone it fails as every operation on the client does (unverified; see
// mailslot.close). Remote and broadcast clients have no local mailslot to describe:
// ERROR_INVALID_PARAMETER. Unverified: that is what Windows before 8 answered for every
// client (windows-facts.md MS-28); on Windows the redirector, not the mailslot file system, would
// answer.
func (c *clientEnd) info() (Info, error) {
	if c.ms == nil {
		return Info{}, kernel.ERROR_INVALID_PARAMETER
	}
	if c.ms.closed.Load() {
		return Info{}, kernel.ERROR_HANDLE_EOF
	}
	return c.ms.info(), nil
}

// Describe implements kernel.Describer.
func (c *clientEnd) Describe() string {
	if c.ms != nil && c.ms.closed.Load() {
		return "client of " + c.target.String() + " (server gone)"
	}
	return "client of " + c.target.String()
}
