package kernel

import (
	"strings"
	"sync"
	"sync/atomic"
)

// ImpersonationLevel is how far a server may act as a client (SECURITY_IMPERSONATION_LEVEL).
type ImpersonationLevel int

// Impersonation levels, in order.
const (
	SecurityAnonymous ImpersonationLevel = iota
	SecurityIdentification
	SecurityImpersonation
	SecurityDelegation
)

func (l ImpersonationLevel) String() string {
	switch l {
	case SecurityAnonymous:
		return "anonymous"
	case SecurityIdentification:
		return "identification"
	case SecurityImpersonation:
		return "impersonation"
	case SecurityDelegation:
		return "delegation"
	}
	return "ImpersonationLevel(?)"
}

// A Token is an access token: the user and groups a process (or an impersonating
// server) acts as, its default owner, primary group and default DACL, and for an
// impersonation token its level. A Token is the token object: every holder of the
// same *Token (each OpenProcessToken handle to a primary token) sees the same
// privilege states, which AdjustTokenPrivileges changes in place; everything else in
// it is fixed at creation. A new process gets its own copy (CreateProcess duplicates
// its parent's primary token), as does Duplicate (DuplicateTokenEx).
//
// Lock order: mu serializes AdjustPrivileges and is a leaf: nothing else is locked
// under it.
type Token struct {
	user     SID
	name     string // DOMAIN\user
	groups   []SID
	owner    SID
	group    SID
	dacl     *ACL
	level    ImpersonationLevel
	imperson bool // an impersonation token (level applies)
	// held names the privileges the token holds, in whoami /priv's order; it is fixed
	// at creation and shared by duplicates.
	held []string
	mu   sync.Mutex
	// enabledPrivs is the set of held privileges that are enabled, one bit per
	// privilege (privilegeBits): the only record of their states. It is written under
	// mu and read without it, the checks' one atomic load. memo is the last AccessCheck
	// answer, keyed by the set it was computed under.
	enabledPrivs atomic.Uint64
	memo         atomic.Pointer[accessMemo]

	// defaults caches default descriptors: per object type (defaultSecurityFor) and per
	// file-system key (DefaultSecurity).
	defaults sync.Map // *Type or a file system's key -> *SecurityDescriptor
}

// User returns the token's user SID.
func (t *Token) User() SID { return t.user }

// UserName returns the user's account name as DOMAIN\name ("NT AUTHORITY\SYSTEM",
// "ALPHA\User", "CORP\alice", "NT AUTHORITY\ANONYMOUS LOGON").
func (t *Token) UserName() string { return t.name }

// Groups returns the token's group SIDs (a copy).
func (t *Token) Groups() []SID { return append([]SID(nil), t.groups...) }

// Owner is the SID new objects get as their owner.
func (t *Token) Owner() SID { return t.owner }

// PrimaryGroup is the SID new objects get as their group.
func (t *Token) PrimaryGroup() SID { return t.group }

// DefaultDACL is the DACL new objects get when neither their creator nor their type
// supplies one. It must not be changed.
func (t *Token) DefaultDACL() *ACL { return t.dacl }

// Level returns an impersonation token's level; a primary token reports
// SecurityImpersonation, what its owner can do as itself.
func (t *Token) Level() ImpersonationLevel {
	if !t.imperson {
		return SecurityImpersonation
	}
	return t.level
}

// IsMember reports whether sid is the token's user or one of its groups
// (CheckTokenMembership).
func (t *Token) IsMember(sid SID) bool {
	if sid == t.user {
		return true
	}
	for _, g := range t.groups {
		if g == sid {
			return true
		}
	}
	return false
}

// impersonation returns a copy of t as an impersonation token at level.
func (t *Token) impersonation(level ImpersonationLevel) *Token {
	if level == SecurityAnonymous {
		a := anonymousToken()
		a.imperson, a.level = true, SecurityAnonymous
		return a
	}
	d := t.Duplicate()
	d.level, d.imperson = level, true
	return d
}

// Duplicate returns a new token object with t's contents and its privileges' current
// states (DuplicateTokenEx, and the copy CreateProcess gives a child): changing the
// privileges of one leaves the other's alone (MS docs DuplicateTokenEx: "creates a new
// access token that duplicates an existing token").
func (t *Token) Duplicate() *Token {
	d := &Token{user: t.user, name: t.name, groups: t.groups, owner: t.owner, group: t.group, dacl: t.dacl,
		level: t.level, imperson: t.imperson, held: t.held}
	d.enabledPrivs.Store(t.enabledPrivs.Load())
	return d
}

// newToken builds a token for user with the given groups (Everyone and the
// authenticated-users group are the caller's to include). The default DACL grants
// GENERIC_ALL to the user and to SYSTEM, as a logon session's does (MS docs, "DACL for
// a New Object"; Wine dlls/advapi32/tests/security.c test_token_security_descriptor).
func newToken(user SID, name string, groups ...SID) *Token {
	privs := defaultPrivileges(user, groups)
	t := &Token{user: user, name: name, groups: groups, owner: user, group: user, held: make([]string, len(privs))}
	var enabled uint64
	for i, p := range privs {
		t.held[i] = p.Name
		if p.Enabled {
			enabled |= privilegeBits[p.Name]
		}
	}
	t.enabledPrivs.Store(enabled)
	t.dacl = &ACL{Entries: []ACE{
		{Type: ACCESS_ALLOWED_ACE_TYPE, Mask: GENERIC_ALL, SID: user},
		{Type: ACCESS_ALLOWED_ACE_TYPE, Mask: GENERIC_ALL, SID: SIDLocalSystem},
	}}
	if user == SIDLocalSystem {
		t.dacl.Entries = t.dacl.Entries[:1]
		t.dacl.Entries = append(t.dacl.Entries, ACE{Type: ACCESS_ALLOWED_ACE_TYPE, Mask: GENERIC_READ | GENERIC_EXECUTE | READ_CONTROL, SID: SIDAdministrators})
		t.owner = SIDAdministrators
	}
	for _, g := range groups {
		if g == SIDAdministrators && user != SIDLocalSystem {
			// Members of Administrators own what they create through the group
			// (the token's default owner; MS docs, "Default Owner").
			t.owner = SIDAdministrators
		}
	}
	return t
}

// systemToken is the LocalSystem token (the System process, services).
func systemToken() *Token {
	return newToken(SIDLocalSystem, `NT AUTHORITY\SYSTEM`, SIDAdministrators, SIDWorld, SIDAuthenticated)
}

// anonymousToken is the token of an unauthenticated network caller: ANONYMOUS LOGON
// and NETWORK, and not Everyone (Windows' default "Let Everyone permissions apply to
// anonymous users: Disabled"; MS docs, "Anonymous access").
func anonymousToken() *Token {
	return newToken(SIDAnonymous, `NT AUTHORITY\ANONYMOUS LOGON`, SIDNetwork)
}

// defaultSecurityFor returns the descriptor an object of type t created with tok and
// no explicit descriptor gets, computed once per token and type.
func (tok *Token) defaultSecurityFor(t *Type) *SecurityDescriptor {
	return tok.DefaultSecurity(t, func(tok *Token) *SecurityDescriptor {
		sd, _ := assignSecurity(t.Generic, nil, nil, tok, false, 0) // N.B. no explicit owner: no error
		return sd
	})
}

// mayOwn reports whether tok may make sid the owner of an object (MS docs, "Default
// Owner" and SetSecurityInfo): its user, or a group it owns through (Administrators
// for its members); any SID with SeRestorePrivilege enabled (Forshaw, "Windows
// Security Internals", ch. 6: the owner check gives way to it).
func (tok *Token) mayOwn(sid SID) bool {
	return sid == tok.user || (sid == SIDAdministrators && tok.IsMember(SIDAdministrators)) ||
		tok.privilegeOn(privRestore)
}

// DefaultSecurity returns the default descriptor a file system gives the objects tok
// creates, built by build once per token and key (a comparable value private to the
// file system), so creating objects with default descriptors allocates none. The
// descriptor returned is shared and must not be changed.
func (tok *Token) DefaultSecurity(key any, build func(*Token) *SecurityDescriptor) *SecurityDescriptor {
	if v, ok := tok.defaults.Load(key); ok {
		return v.(*SecurityDescriptor)
	}
	v, _ := tok.defaults.LoadOrStore(key, build(tok))
	return v.(*SecurityDescriptor)
}

// An Account is a user or group in a machine's or a domain's account database.
type Account struct {
	SID    SID
	Name   string // the account name without its domain
	Domain string // the machine or domain name that holds it
	Groups []SID  // for users: the groups it belongs to, beyond the implicit ones
	Group  bool   // a group, not a user
}

// QualifiedName is DOMAIN\name.
func (a *Account) QualifiedName() string { return a.Domain + `\` + a.Name }

// accountDB is the account database of one machine (its SAM) or one domain.
// Lock: mu is a leaf.
type accountDB struct {
	name string // machine or domain name (immutable)
	sid  SID    // accounts domain SID (immutable)

	mu sync.Mutex
	// +checklocks:mu
	byName map[string]*Account // by upper-cased name
	// +checklocks:mu
	nextRID uint32
}

func newAccountDB(name string, sid SID) *accountDB {
	return &accountDB{name: name, sid: sid, byName: make(map[string]*Account), nextRID: 1000}
}

// add creates an account with the given RID (0: the next free one from 1000 up).
func (db *accountDB) add(name string, rid uint32, group bool, groups ...SID) (*Account, error) {
	if name == "" || strings.ContainsAny(name, `\/"[]:|<>+=;,?*@`) {
		return nil, ERROR_INVALID_PARAMETER
	}
	db.mu.Lock()
	defer db.mu.Unlock()
	key := strings.ToUpper(name)
	if _, ok := db.byName[key]; ok {
		return nil, ERROR_USER_EXISTS
	}
	if rid == 0 {
		rid = db.nextRID
		db.nextRID++
	}
	a := &Account{SID: db.sid.Child(rid), Name: name, Domain: db.name, Groups: append([]SID(nil), groups...), Group: group}
	db.byName[key] = a
	return a, nil
}

func (db *accountDB) lookup(name string) *Account {
	db.mu.Lock()
	defer db.mu.Unlock()
	return db.byName[strings.ToUpper(name)]
}

// DefaultUserName is the interactive user every machine has and that
// Machine.NewProcess runs processes as (docs/security.md).
const DefaultUserName = "User"

// machineSecurity is the per-machine part of the security model.
type machineSecurity struct {
	once        sync.Once
	db          *accountDB
	defaultUser *Token
	system      *Token
}

// security returns m's account database and standard tokens, made on first use: the
// built-in Administrator (RID 500, in Administrators) and Guest (501, in Guests)
// and the default interactive user (in Users).
func (m *Machine) security() *machineSecurity {
	s := &m.sec
	s.once.Do(func() {
		s.db = newAccountDB(m.name, accountsDomainSID(`\machine\`+m.name))
		_, _ = s.db.add("Administrator", 500, false, SIDAdministrators)
		_, _ = s.db.add("Guest", 501, false, SIDGuests)
		u, _ := s.db.add(DefaultUserName, 0, false)
		s.system = systemToken()
		s.defaultUser = m.interactiveToken(u)
	})
	return s
}

// SID returns the SID of m's accounts domain (its local accounts are its children).
func (m *Machine) SID() SID { return m.security().db.sid }

// DomainSID returns the SID of the domain m belongs to, derived from its name.
func (m *Machine) DomainSID() SID { return accountsDomainSID(m.Domain()) }

// CreateUser adds a local user account to m (NetUserAdd) in Users and the given
// groups (SIDAdministrators for an administrator). A name already used gives
// ERROR_USER_EXISTS; an invalid name ERROR_INVALID_PARAMETER.
func (m *Machine) CreateUser(name string, groups ...SID) (*Account, error) {
	return m.security().db.add(name, 0, false, groups...)
}

// CreateGroup adds a local group to m (NetLocalGroupAdd); AddToGroup-style
// membership is given when users are created.
func (m *Machine) CreateGroup(name string) (*Account, error) {
	return m.security().db.add(name, 0, true)
}

// LookupAccountName finds an account by name (LookupAccountNameW): "name" looks in m's
// database, then m's domain; "MACHINE\name" or "DOMAIN\name" in that database. An
// unknown name gives ERROR_NONE_MAPPED.
func (m *Machine) LookupAccountName(name string) (*Account, error) {
	dom, user, qualified := strings.Cut(name, `\`)
	if !qualified {
		user, dom = dom, ""
	}
	if dom == "" || strings.EqualFold(dom, m.name) {
		if a := m.security().db.lookup(user); a != nil {
			return a, nil
		}
		if qualified {
			return nil, ERROR_NONE_MAPPED
		}
	}
	if dom == "" || strings.EqualFold(dom, m.Domain()) {
		if db := m.network.domainDB(m.Domain(), false); db != nil {
			if a := db.lookup(user); a != nil {
				return a, nil
			}
		}
	}
	return nil, ERROR_NONE_MAPPED
}

// LogonUser returns a primary token for the account name names, logged on
// interactively at m (LogonUserW with LOGON32_LOGON_INTERACTIVE; no passwords in
// winsim). Errors: ERROR_NONE_MAPPED for an unknown account or a group.
func (m *Machine) LogonUser(name string) (*Token, error) {
	a, err := m.LookupAccountName(name)
	if err != nil {
		return nil, err
	}
	if a.Group {
		return nil, ERROR_NONE_MAPPED
	}
	return m.interactiveToken(a), nil
}

// interactiveToken is a's token for an interactive logon at m: its groups, Users,
// Everyone, INTERACTIVE and Authenticated Users (and, for domain accounts, Domain
// Users).
func (m *Machine) interactiveToken(a *Account) *Token {
	return m.logonToken(a, SIDInteractive)
}

func (m *Machine) logonToken(a *Account, kind SID) *Token {
	groups := append([]SID(nil), a.Groups...)
	if !strings.EqualFold(a.Domain, m.name) {
		groups = append(groups, accountsDomainSID(a.Domain).Child(513)) // Domain Users
	}
	if a.Name != "Guest" {
		groups = append(groups, SIDUsers)
	}
	groups = append(groups, SIDWorld, kind, SIDAuthenticated)
	return newToken(a.SID, a.QualifiedName(), groups...)
}

// DefaultToken is the token Machine.NewProcess gives processes: the default
// interactive user's.
func (m *Machine) DefaultToken() *Token { return m.security().defaultUser }

// SystemToken is the LocalSystem token (the System process's).
func (m *Machine) SystemToken() *Token { return m.security().system }

// networkToken returns the identity a caller with token client on another machine
// has on m (a network logon, MS docs "Network logon"): a domain account of m's
// domain stays itself; a local account is mapped to m's local account of the same
// name if there is one (workgroup "mirrored" accounts, as NTLM does with matching
// credentials); LocalSystem is the caller machine's domain account (MACHINE$) when
// both machines share a domain; everything else is ANONYMOUS LOGON. Network tokens
// carry NETWORK instead of INTERACTIVE.
func (m *Machine) networkToken(client *Token, from *Machine) *Token {
	dom, user, _ := strings.Cut(client.UserName(), `\`)
	switch {
	case client.user == SIDAnonymous:
		return anonymousToken()
	case client.user == SIDLocalSystem:
		if from != nil && strings.EqualFold(from.Domain(), m.Domain()) {
			if db := m.network.domainDB(m.Domain(), false); db != nil {
				a := db.lookup(from.name + "$")
				if a == nil {
					a, _ = db.add(from.name+"$", 0, false, accountsDomainSID(m.Domain()).Child(515))
				}
				if a != nil {
					return m.logonToken(a, SIDNetwork)
				}
			}
		}
		return anonymousToken()
	}
	if db := m.network.domainDB(dom, false); db != nil && strings.EqualFold(dom, m.Domain()) {
		if a := db.lookup(user); a != nil {
			return m.logonToken(a, SIDNetwork)
		}
	}
	if a := m.security().db.lookup(user); a != nil {
		return m.logonToken(a, SIDNetwork)
	}
	return anonymousToken()
}

// TokenFor returns the identity p has when it calls into m: p's own token when p
// runs on m, otherwise its network logon on m.
func (m *Machine) TokenFor(p *Process) *Token {
	if p.machine == m {
		return p.Token()
	}
	return m.networkToken(p.Token(), p.machine)
}

// domainDB returns the account database of the domain named name, creating it when
// create is set; nil for a name that is no domain (a workgroup).
func (n *Network) domainDB(name string, create bool) *accountDB {
	if n == nil || name == "" {
		return nil
	}
	key := strings.ToUpper(name)
	n.domainsMu.Lock()
	defer n.domainsMu.Unlock()
	db := n.domains[key]
	if db == nil && create {
		if n.domains == nil {
			n.domains = make(map[string]*accountDB)
		}
		db = newAccountDB(name, accountsDomainSID(name))
		n.domains[key] = db
	}
	return db
}

// CreateDomainUser adds a user account to the domain named domain (which becomes a
// domain, rather than a workgroup, with its first account), in Domain Users and the
// given groups. Machines of that domain log it on and see it over the network as
// itself. Errors as Machine.CreateUser.
func (n *Network) CreateDomainUser(domain, name string, groups ...SID) (*Account, error) {
	if domain == "" {
		return nil, ERROR_INVALID_PARAMETER
	}
	return n.domainDB(domain, true).add(name, 0, false, groups...)
}
