package pipe

import "github.com/winsim/winsim/kernel"

// Peer returns the file object of the other end of e's instance (the client of a
// server end, the server of a client end), or nil while there is none. Views use it to
// draw the two ends of a pipe, local or across machines, as one connection.
// Preconditions: none; it takes the instance's lock.
func (e *end) Peer() *kernel.Object {
	in := e.inst
	in.mu.Lock()
	defer in.mu.Unlock()
	other := in.client
	if !e.server {
		if in.client != e {
			return nil // disconnected, or never the instance's client
		}
		other = in.server
	}
	if other == nil {
		return nil
	}
	return other.obj
}
