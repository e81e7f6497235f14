package pipe

import (
	"context"
	"sync/atomic"

	"github.com/winsim/winsim/kernel"
)

// This file holds the security of named pipes: the default descriptor, the access
// check of a new instance, the descriptor every end shares, and impersonation of the
// client.

// defaultPipeKey keys the named-pipe default in a token's cache (Token.DefaultSecurity).
type defaultPipeKey struct{}

// defaultPipeSecurity is the descriptor a pipe created without one gets: full control
// for LocalSystem, Administrators and the creator owner, read access for Everyone and
// the anonymous account (MS docs, "Named Pipe Security and Access Rights").
func defaultPipeSecurity(creator *kernel.Token) *kernel.SecurityDescriptor {
	allow := func(mask kernel.Access, sid kernel.SID) kernel.ACE {
		return kernel.ACE{Type: kernel.ACCESS_ALLOWED_ACE_TYPE, Mask: mask, SID: sid}
	}
	return &kernel.SecurityDescriptor{
		Owner: creator.Owner(),
		Group: creator.PrimaryGroup(),
		Dacl: &kernel.ACL{Entries: []kernel.ACE{
			allow(kernel.FILE_ALL_ACCESS, kernel.SIDLocalSystem),
			allow(kernel.FILE_ALL_ACCESS, kernel.SIDAdministrators),
			allow(kernel.FILE_ALL_ACCESS, creator.Owner()),
			allow(kernel.FILE_GENERIC_READ, kernel.SIDWorld),
			allow(kernel.FILE_GENERIC_READ, kernel.SIDAnonymous),
		}},
		Control: kernel.SE_DACL_PRESENT,
	}
}

// mayCreateInstance is the access check of CreateNamedPipe on an existing pipe: the
// descriptor must grant the server end's access and FILE_CREATE_PIPE_INSTANCE (MS
// docs, "Named Pipe Security and Access Rights"). WRITE_OWNER, which
// FILE_FLAG_FIRST_PIPE_INSTANCE shares a bit with, is not asked for: such a call fails
// anyway.
// Preconditions: fcb.mu is held.
func mayCreateInstance(fcb *namedPipe, tok *kernel.Token, access kernel.Access) bool {
	_, err := kernel.AccessCheck(fcb.sd.Load(), tok, access&^kernel.WRITE_OWNER|kernel.FILE_CREATE_PIPE_INSTANCE, kernel.FileType.Generic)
	return err == nil
}

// SharedSecurity implements kernel.SharedSecurity: every end of a pipe reads and
// changes the pipe's descriptor.
func (e *end) SharedSecurity() *atomic.Pointer[kernel.SecurityDescriptor] { return &e.inst.fcb.sd }

var _ kernel.SharedSecurity = (*end)(nil)

// ImpersonateNamedPipeClient makes p act as the client connected to the server end h
// (ImpersonateNamedPipeClient), at the level the client's CreateFile allowed
// (kernel.RequestedLevel): identification lets the server learn who the client is,
// impersonation open local objects as it, delegation also remote ones; an anonymous
// client is ANONYMOUS LOGON. End it with Impersonation.RevertToSelf. A remote client
// is impersonated as the server's machine sees it (a domain account, a mirrored local
// account, or ANONYMOUS LOGON).
//
// Errors: ERROR_CANNOT_IMPERSONATE before a client has connected and written (Wine
// dlls/kernel32/tests/pipe.c test_ImpersonateNamedPipeClient: before
// ConnectNamedPipe), also after DisconnectNamedPipe; after the client closed its end
// the call still succeeds, as in the same test; ERROR_INVALID_FUNCTION on a client end
// or a file that is not a pipe.
func ImpersonateNamedPipeClient(p *kernel.Process, h kernel.Handle) (*kernel.Impersonation, error) {
	tok, level, err := clientIdentity(p, h)
	if err != nil {
		return nil, err
	}
	return p.ImpersonateAt(tok, level), nil
}

// clientIdentity returns the token and level of the client of the server end h.
func clientIdentity(p *kernel.Process, h kernel.Handle) (*kernel.Token, kernel.ImpersonationLevel, error) {
	c, e, err := callEnd(context.Background(), p, h, 0)
	if err != nil {
		return nil, 0, err
	}
	defer c.Object.DecRef()
	if !e.server || e.inst.fcb.anonymous {
		return nil, 0, kernel.ERROR_INVALID_FUNCTION
	}
	in := e.inst
	in.mu.Lock()
	defer in.mu.Unlock()
	if !in.hasClient || in.clientToken == nil || in.toServer.seq == in.clientSeq {
		return nil, 0, kernel.ERROR_CANNOT_IMPERSONATE
	}
	return in.clientToken, in.clientLevel, nil
}

// clientUserName is the user name GetNamedPipeHandleState reports on a server end:
// the client's account name without its domain, found by impersonating it, so it needs
// what ImpersonateNamedPipeClient needs (and "ANONYMOUS LOGON" for an anonymous
// client). A client end gives ERROR_INVALID_PARAMETER (MS docs,
// GetNamedPipeHandleStateW: lpUserName must be NULL on a client end).
func clientUserName(p *kernel.Process, h kernel.Handle, server bool) (string, error) {
	if !server {
		return "", kernel.ERROR_INVALID_PARAMETER
	}
	imp, err := ImpersonateNamedPipeClient(p, h)
	if err != nil {
		return "", err
	}
	defer func() { _ = imp.RevertToSelf() }()
	return imp.GetUserName()
}
