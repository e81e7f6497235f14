package kernel

import (
	"strings"
	"sync/atomic"
)

// Security quality of service flags of CreateFile (dwFlagsAndAttributes, winbase.h):
// how far the server of a named pipe may act as the client.
const (
	SECURITY_ANONYMOUS        uint32 = 0 << 16
	SECURITY_IDENTIFICATION   uint32 = 1 << 16
	SECURITY_IMPERSONATION    uint32 = 2 << 16
	SECURITY_DELEGATION       uint32 = 3 << 16
	SECURITY_CONTEXT_TRACKING uint32 = 0x00040000
	SECURITY_EFFECTIVE_ONLY   uint32 = 0x00080000
	SECURITY_SQOS_PRESENT     uint32 = 0x00100000
)

// RequestedLevel returns the impersonation level a client's CreateFile flags grant the
// server: the SECURITY_* level when SECURITY_SQOS_PRESENT is set, else
// SecurityImpersonation (MS docs CreateFileW, "If SECURITY_SQOS_PRESENT is not
// specified ... SecurityImpersonation"; Wine dlls/kernel32/tests/pipe.c
// test_ImpersonateNamedPipeClient reads SecurityImpersonation from a client that gave
// no flags).
func RequestedLevel(flags uint32) ImpersonationLevel {
	if flags&SECURITY_SQOS_PRESENT == 0 {
		return SecurityImpersonation
	}
	return ImpersonationLevel(flags >> 16 & 3)
}

// Identity returns the token of the caller of req as machine m (the device's machine)
// sees it: req.Token when the caller runs on m, otherwise its network logon on m
// (Machine.TokenFor). A caller acting for someone else (an impersonation token below
// SecurityDelegation) cannot carry that identity to another machine and arrives as
// ANONYMOUS LOGON (MS docs, "Impersonation Levels": impersonation reaches only local
// resources).
func (req *OpenRequest) Identity(m *Machine) *Token {
	tok := req.Token
	if tok == nil {
		tok = req.Process.Token()
	}
	if req.Process.machine == m {
		return tok
	}
	if tok.imperson && tok.level < SecurityDelegation {
		return anonymousToken()
	}
	return m.networkToken(tok, req.Process.machine)
}

// CheckOpen runs the access check of req against sd, for the caller as m sees it
// (Identity): the granted access, or ERROR_ACCESS_DENIED.
func (req *OpenRequest) CheckOpen(m *Machine, sd *SecurityDescriptor) (*Token, Access, error) {
	tok := req.Identity(m)
	granted, err := AccessCheck(sd, tok, req.Desired, FileType.Generic)
	if err != nil {
		return tok, 0, err
	}
	return tok, granted & (FileType.Valid | ACCESS_SYSTEM_SECURITY), nil
}

// An Impersonation is a process acting as someone else: what a thread holds between
// ImpersonateNamedPipeClient (or ImpersonateLoggedOnUser) and RevertToSelf. winsim
// has no threads, so the impersonation is an explicit value the caller holds and makes
// its calls through; the process's own calls stay its own (docs/security.md).
//
// Lifetime: valid until RevertToSelf; an Impersonation may be used from one goroutine
// at a time, as a thread's token is.
type Impersonation struct {
	p        *Process
	tok      *Token
	reverted atomic.Bool
}

// Impersonate makes p act as tok (ImpersonateLoggedOnUser with a token from
// LogonUser), at SecurityImpersonation. A token made by LogonUser, with explicit
// credentials, may always be impersonated (MS docs ImpersonateLoggedOnUser: "The
// calling thread does not need to have any particular privileges").
func (p *Process) Impersonate(tok *Token) *Impersonation {
	return &Impersonation{p: p, tok: tok.impersonation(SecurityImpersonation)}
}

// ImpersonateAt makes p act as the client tok at the level the client allowed, as a
// server does (file systems call it for ImpersonateNamedPipeClient). The level is
// granted when it is below SecurityImpersonation, when p's token has
// SeImpersonatePrivilege enabled, or when the client is p's own user; otherwise the
// server gets an identification-level token (MS docs ImpersonateNamedPipeClient: "All
// impersonate functions ... allow the requested impersonation if one of the following
// is true"; "Client Impersonation"). The fourth condition of that list, a token made
// with explicit credentials, is Impersonate's.
func (p *Process) ImpersonateAt(tok *Token, level ImpersonationLevel) *Impersonation {
	if level >= SecurityImpersonation {
		self := p.Token()
		if !self.privilegeOn(privImpersonate) && tok.User() != self.User() {
			level = SecurityIdentification
		}
	}
	return &Impersonation{p: p, tok: tok.impersonation(level)}
}

// Level is the impersonation level.
func (i *Impersonation) Level() ImpersonationLevel { return i.tok.level }

// RevertToSelf ends the impersonation (RevertToSelf); later calls through i fail with
// ERROR_NO_TOKEN. Reverting twice succeeds, as RevertToSelf does.
func (i *Impersonation) RevertToSelf() error {
	i.reverted.Store(true)
	return nil
}

// token returns the impersonation token, or ERROR_NO_TOKEN after RevertToSelf.
func (i *Impersonation) token() (*Token, error) {
	if i.reverted.Load() {
		return nil, ERROR_NO_TOKEN
	}
	return i.tok, nil
}

// OpenThreadToken returns the impersonation token (OpenThreadToken). An anonymous
// impersonation has a token nobody may open: ERROR_CANT_OPEN_ANONYMOUS (MS docs,
// "Impersonation Levels"); after RevertToSelf there is none: ERROR_NO_TOKEN.
func (i *Impersonation) OpenThreadToken() (*Token, error) {
	tok, err := i.token()
	if err != nil {
		return nil, err
	}
	if tok.level == SecurityAnonymous {
		return nil, ERROR_CANT_OPEN_ANONYMOUS
	}
	return tok, nil
}

// GetUserName returns the name of the user being impersonated, without its domain
// (GetUserNameW while impersonating): "ANONYMOUS LOGON" for an anonymous client.
func (i *Impersonation) GetUserName() (string, error) {
	tok, err := i.token()
	if err != nil {
		return "", err
	}
	_, name, _ := strings.Cut(tok.name, `\`)
	return name, nil
}

// AccessCheck checks the impersonated client's access to sd (AccessCheck with the
// thread's token). Identification is enough for it; an anonymous impersonation gives
// ERROR_CANT_OPEN_ANONYMOUS, as opening its token does.
func (i *Impersonation) AccessCheck(sd *SecurityDescriptor, desired Access, g GenericMapping) (Access, error) {
	tok, err := i.OpenThreadToken()
	if err != nil {
		return 0, err
	}
	return AccessCheck(sd, tok, desired, g)
}

// actingToken is the token opens made through i use. Objects cannot be opened as a
// client that allowed only identification: ERROR_BAD_IMPERSONATION_LEVEL (MS docs,
// "Impersonation Levels"; NT's STATUS_BAD_IMPERSONATION_LEVEL). An anonymous
// impersonation opens as ANONYMOUS LOGON.
func (i *Impersonation) actingToken() (*Token, error) {
	tok, err := i.token()
	if err != nil {
		return nil, err
	}
	if tok.level == SecurityIdentification {
		return nil, ERROR_BAD_IMPERSONATION_LEVEL
	}
	return tok, nil
}

// CreateFile is the process's CreateFile made as the impersonated client: the access
// check uses the client's token; the handle goes into the process's table.
func (i *Impersonation) CreateFile(name string, access Access, shareMode uint32, sa *SecurityAttributes, disposition uint32, flags uint32) (Handle, error) {
	tok, err := i.actingToken()
	if err != nil {
		return 0, err
	}
	return i.p.createFile(tok, name, access, shareMode, sa, disposition, flags)
}

// OpenEvent is the process's OpenEvent made as the impersonated client.
func (i *Impersonation) OpenEvent(access Access, inherit bool, name string) (Handle, error) {
	tok, err := i.actingToken()
	if err != nil {
		return 0, err
	}
	return i.p.openEvent(tok, access, inherit, name)
}

// OpenProcess is the process's OpenProcess made as the impersonated client.
func (i *Impersonation) OpenProcess(access Access, inherit bool, pid uint32) (Handle, error) {
	tok, err := i.actingToken()
	if err != nil {
		return 0, err
	}
	return i.p.openProcess(tok, access, inherit, pid)
}
