package mailslot

import (
	"sync/atomic"

	"github.com/winsim/winsim/kernel"
)

// A mailslot's descriptor comes from SECURITY_ATTRIBUTES or, without one, from the
// creator's token ("The ACLs in the default security descriptor for a mailslot come
// from the primary or impersonation token of the creator", MS docs, "Mailslot
// Security"). Local CreateFile calls are checked against it (device.go Open); writes
// to another machine's mailslot, which Windows sends as unauthenticated datagrams, are
// not.

// SharedSecurity implements kernel.SharedSecurity: the server handle reads and
// changes the mailslot's descriptor.
func (s *serverEnd) SharedSecurity() *atomic.Pointer[kernel.SecurityDescriptor] { return &s.ms.sd }

// SharedSecurity implements kernel.SharedSecurity: a local client shares its
// mailslot's descriptor; a client of a remote or broadcast name has none of its own.
func (c *clientEnd) SharedSecurity() *atomic.Pointer[kernel.SecurityDescriptor] {
	if c.ms == nil {
		return nil
	}
	return &c.ms.sd
}

var (
	_ kernel.SharedSecurity = (*serverEnd)(nil)
	_ kernel.SharedSecurity = (*clientEnd)(nil)
)
