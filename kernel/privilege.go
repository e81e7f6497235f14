package kernel

import (
	"slices"
	"strings"
)

// This file holds privileges: their names, the privileges each kind of token holds and
// has enabled when it is made, AdjustTokenPrivileges, and the queries. Only four checks
// consult them (docs/security.md, "Privileges"): SeSecurityPrivilege for
// ACCESS_SYSTEM_SECURITY and SACLs, SeTakeOwnershipPrivilege for WRITE_OWNER,
// SeDebugPrivilege for OpenProcess, SeImpersonatePrivilege for impersonation, and
// SeRestorePrivilege for the owner a descriptor may name.

// Privilege names (MS docs, "Privilege Constants"; winnt.h SE_*_NAME).
const (
	SE_ASSIGNPRIMARYTOKEN_NAME                = "SeAssignPrimaryTokenPrivilege"
	SE_AUDIT_NAME                             = "SeAuditPrivilege"
	SE_BACKUP_NAME                            = "SeBackupPrivilege"
	SE_CHANGE_NOTIFY_NAME                     = "SeChangeNotifyPrivilege"
	SE_CREATE_GLOBAL_NAME                     = "SeCreateGlobalPrivilege"
	SE_CREATE_PAGEFILE_NAME                   = "SeCreatePagefilePrivilege"
	SE_CREATE_PERMANENT_NAME                  = "SeCreatePermanentPrivilege"
	SE_CREATE_SYMBOLIC_LINK_NAME              = "SeCreateSymbolicLinkPrivilege"
	SE_CREATE_TOKEN_NAME                      = "SeCreateTokenPrivilege"
	SE_DEBUG_NAME                             = "SeDebugPrivilege"
	SE_DELEGATE_SESSION_USER_IMPERSONATE_NAME = "SeDelegateSessionUserImpersonatePrivilege"
	SE_ENABLE_DELEGATION_NAME                 = "SeEnableDelegationPrivilege"
	SE_IMPERSONATE_NAME                       = "SeImpersonatePrivilege"
	SE_INC_BASE_PRIORITY_NAME                 = "SeIncreaseBasePriorityPrivilege"
	SE_INCREASE_QUOTA_NAME                    = "SeIncreaseQuotaPrivilege"
	SE_INC_WORKING_SET_NAME                   = "SeIncreaseWorkingSetPrivilege"
	SE_LOAD_DRIVER_NAME                       = "SeLoadDriverPrivilege"
	SE_LOCK_MEMORY_NAME                       = "SeLockMemoryPrivilege"
	SE_MACHINE_ACCOUNT_NAME                   = "SeMachineAccountPrivilege"
	SE_MANAGE_VOLUME_NAME                     = "SeManageVolumePrivilege"
	SE_PROF_SINGLE_PROCESS_NAME               = "SeProfileSingleProcessPrivilege"
	SE_RELABEL_NAME                           = "SeRelabelPrivilege"
	SE_REMOTE_SHUTDOWN_NAME                   = "SeRemoteShutdownPrivilege"
	SE_RESTORE_NAME                           = "SeRestorePrivilege"
	SE_SECURITY_NAME                          = "SeSecurityPrivilege"
	SE_SHUTDOWN_NAME                          = "SeShutdownPrivilege"
	SE_SYNC_AGENT_NAME                        = "SeSyncAgentPrivilege"
	SE_SYSTEM_ENVIRONMENT_NAME                = "SeSystemEnvironmentPrivilege"
	SE_SYSTEM_PROFILE_NAME                    = "SeSystemProfilePrivilege"
	SE_SYSTEMTIME_NAME                        = "SeSystemtimePrivilege"
	SE_TAKE_OWNERSHIP_NAME                    = "SeTakeOwnershipPrivilege"
	SE_TCB_NAME                               = "SeTcbPrivilege"
	SE_TIME_ZONE_NAME                         = "SeTimeZonePrivilege"
	SE_TRUSTED_CREDMAN_ACCESS_NAME            = "SeTrustedCredManAccessPrivilege"
	SE_UNDOCK_NAME                            = "SeUndockPrivilege"
)

// privilegeNames are the names "Privilege Constants" lists, the ones AdjustTokenPrivileges
// and LookupPrivilegeValue know.
var privilegeNames = []string{
	SE_ASSIGNPRIMARYTOKEN_NAME, SE_AUDIT_NAME, SE_BACKUP_NAME, SE_CHANGE_NOTIFY_NAME, SE_CREATE_GLOBAL_NAME,
	SE_CREATE_PAGEFILE_NAME, SE_CREATE_PERMANENT_NAME, SE_CREATE_SYMBOLIC_LINK_NAME, SE_CREATE_TOKEN_NAME,
	SE_DEBUG_NAME, SE_DELEGATE_SESSION_USER_IMPERSONATE_NAME, SE_ENABLE_DELEGATION_NAME, SE_IMPERSONATE_NAME,
	SE_INC_BASE_PRIORITY_NAME, SE_INCREASE_QUOTA_NAME, SE_INC_WORKING_SET_NAME, SE_LOAD_DRIVER_NAME,
	SE_LOCK_MEMORY_NAME, SE_MACHINE_ACCOUNT_NAME, SE_MANAGE_VOLUME_NAME, SE_PROF_SINGLE_PROCESS_NAME,
	SE_RELABEL_NAME, SE_REMOTE_SHUTDOWN_NAME, SE_RESTORE_NAME, SE_SECURITY_NAME, SE_SHUTDOWN_NAME,
	SE_SYNC_AGENT_NAME, SE_SYSTEM_ENVIRONMENT_NAME, SE_SYSTEM_PROFILE_NAME, SE_SYSTEMTIME_NAME,
	SE_TAKE_OWNERSHIP_NAME, SE_TCB_NAME, SE_TIME_ZONE_NAME, SE_TRUSTED_CREDMAN_ACCESS_NAME, SE_UNDOCK_NAME,
}

// privilegeBits gives each name of privilegeNames its bit in a token's set of enabled
// privileges (Token.enabledPrivs); those the checks consult have names of their own.
var (
	privilegeBits = func() map[string]uint64 {
		m := make(map[string]uint64, len(privilegeNames))
		for i, n := range privilegeNames {
			m[n] = 1 << i
		}
		return m
	}()
	privSecurity      = privilegeBits[SE_SECURITY_NAME]
	privTakeOwnership = privilegeBits[SE_TAKE_OWNERSHIP_NAME]
	privDebug         = privilegeBits[SE_DEBUG_NAME]
	privImpersonate   = privilegeBits[SE_IMPERSONATE_NAME]
	privRestore       = privilegeBits[SE_RESTORE_NAME]
)

// LookupPrivilegeValue returns the canonical name of a privilege, matched
// case-insensitively as LookupPrivilegeValueW matches it; an unknown name is
// ERROR_NO_SUCH_PRIVILEGE. (winsim names privileges by their names, not LUIDs.)
func LookupPrivilegeValue(name string) (string, error) {
	for _, n := range privilegeNames {
		if strings.EqualFold(n, name) {
			return n, nil
		}
	}
	return "", ERROR_NO_SUCH_PRIVILEGE
}

// A Privilege is one privilege a token holds, and whether it is enabled
// (LUID_AND_ATTRIBUTES with SE_PRIVILEGE_ENABLED; GetTokenInformation TokenPrivileges).
type Privilege struct {
	Name    string
	Enabled bool
}

// Default privileges of the tokens winsim makes, in the order whoami /priv lists them.
// SYSTEM's are the "LocalSystem Account" page's, with the states it gives. An
// administrator holds what "User Rights Assignment" assigns the Administrators group
// by default on a workstation, a user what it assigns Users (and Everyone, for
// SeChangeNotifyPrivilege); of those only SeChangeNotifyPrivilege,
// SeImpersonatePrivilege and SeCreateGlobalPrivilege are enabled when the token is
// made (SE_PRIVILEGE_ENABLED_BY_DEFAULT, as the "LocalService Account" page shows for
// them). The anonymous logon holds none.
var (
	systemPrivileges = []Privilege{
		{SE_ASSIGNPRIMARYTOKEN_NAME, false}, {SE_AUDIT_NAME, true}, {SE_BACKUP_NAME, false},
		{SE_CHANGE_NOTIFY_NAME, true}, {SE_CREATE_GLOBAL_NAME, true}, {SE_CREATE_PAGEFILE_NAME, true},
		{SE_CREATE_PERMANENT_NAME, true}, {SE_CREATE_TOKEN_NAME, false}, {SE_DEBUG_NAME, true},
		{SE_IMPERSONATE_NAME, true}, {SE_INC_BASE_PRIORITY_NAME, true}, {SE_INCREASE_QUOTA_NAME, false},
		{SE_LOAD_DRIVER_NAME, false}, {SE_LOCK_MEMORY_NAME, true}, {SE_MANAGE_VOLUME_NAME, false},
		{SE_PROF_SINGLE_PROCESS_NAME, true}, {SE_RESTORE_NAME, false}, {SE_SECURITY_NAME, false},
		{SE_SHUTDOWN_NAME, false}, {SE_SYSTEM_ENVIRONMENT_NAME, false}, {SE_SYSTEMTIME_NAME, false},
		{SE_TAKE_OWNERSHIP_NAME, false}, {SE_TCB_NAME, true}, {SE_UNDOCK_NAME, false},
	}
	adminPrivileges = []Privilege{
		{SE_INCREASE_QUOTA_NAME, false}, {SE_SECURITY_NAME, false}, {SE_TAKE_OWNERSHIP_NAME, false},
		{SE_LOAD_DRIVER_NAME, false}, {SE_SYSTEM_PROFILE_NAME, false}, {SE_SYSTEMTIME_NAME, false},
		{SE_PROF_SINGLE_PROCESS_NAME, false}, {SE_INC_BASE_PRIORITY_NAME, false}, {SE_CREATE_PAGEFILE_NAME, false},
		{SE_BACKUP_NAME, false}, {SE_RESTORE_NAME, false}, {SE_SHUTDOWN_NAME, false}, {SE_DEBUG_NAME, false},
		{SE_SYSTEM_ENVIRONMENT_NAME, false}, {SE_CHANGE_NOTIFY_NAME, true}, {SE_REMOTE_SHUTDOWN_NAME, false},
		{SE_UNDOCK_NAME, false}, {SE_MANAGE_VOLUME_NAME, false}, {SE_IMPERSONATE_NAME, true},
		{SE_CREATE_GLOBAL_NAME, true}, {SE_INC_WORKING_SET_NAME, false}, {SE_TIME_ZONE_NAME, false},
		{SE_CREATE_SYMBOLIC_LINK_NAME, false}, {SE_DELEGATE_SESSION_USER_IMPERSONATE_NAME, false},
	}
	userPrivileges = []Privilege{
		{SE_SHUTDOWN_NAME, false}, {SE_CHANGE_NOTIFY_NAME, true}, {SE_UNDOCK_NAME, false},
		{SE_INC_WORKING_SET_NAME, false}, {SE_TIME_ZONE_NAME, false},
	}
	everyonePrivileges = []Privilege{{SE_CHANGE_NOTIFY_NAME, true}}
)

// defaultPrivileges returns the privileges a token for user with groups starts with.
func defaultPrivileges(user SID, groups []SID) []Privilege {
	has := func(s SID) bool {
		for _, g := range groups {
			if g == s {
				return true
			}
		}
		return false
	}
	switch {
	case user == SIDLocalSystem:
		return systemPrivileges
	case has(SIDAdministrators):
		return adminPrivileges
	case has(SIDUsers):
		return userPrivileges
	case has(SIDWorld):
		return everyonePrivileges
	}
	return nil
}

// Privileges returns the privileges the token holds, each with its state (a copy;
// GetTokenInformation with TokenPrivileges).
func (t *Token) Privileges() []Privilege {
	enabled := t.enabledPrivs.Load()
	privs := make([]Privilege, len(t.held))
	for i, n := range t.held {
		privs[i] = Privilege{Name: n, Enabled: enabled&privilegeBits[n] != 0}
	}
	return privs
}

// PrivilegeEnabled reports whether the token holds the privilege name and has it
// enabled (PrivilegeCheck of one privilege). Checks only ever use enabled privileges.
func (t *Token) PrivilegeEnabled(name string) bool {
	return t.privilegeOn(privilegeBits[name])
}

// privilegeOn reports whether the privilege whose bit is priv is enabled in t: one
// atomic load.
func (t *Token) privilegeOn(priv uint64) bool {
	return priv != 0 && t.enabledPrivs.Load()&priv != 0
}

// AdjustTokenPrivileges enables or disables privileges of p's primary token
// (AdjustTokenPrivileges on OpenProcessToken's handle); it is p.Token().AdjustPrivileges.
func (p *Process) AdjustTokenPrivileges(disableAll bool, changes []Privilege) (previous []Privilege, err error) {
	return p.Token().AdjustPrivileges(disableAll, changes)
}

// AdjustPrivileges enables or disables privileges of t (AdjustTokenPrivileges): with
// disableAll every privilege is disabled and changes is ignored; otherwise each change
// sets its privilege's state. It returns the states the changed privileges had
// before, for a later call to restore. A privilege the token does not hold is left
// alone and the call reports ERROR_NOT_ALL_ASSIGNED after applying the others (Windows
// returns success with that last error; MS docs AdjustTokenPrivileges); an unknown
// name is ERROR_NO_SUCH_PRIVILEGE and changes nothing.
//
// The change is made to the token object: every holder of t (each handle
// OpenProcessToken gave for the same process, and the process's own access checks)
// sees it at once; a Duplicate made before keeps its own states (MS docs
// AdjustTokenPrivileges, OpenProcessToken, DuplicateTokenEx).
func (t *Token) AdjustPrivileges(disableAll bool, changes []Privilege) (previous []Privilege, err error) {
	names := make([]string, len(changes))
	for i, c := range changes {
		if disableAll {
			break
		}
		name, lerr := LookupPrivilegeValue(c.Name)
		if lerr != nil {
			return nil, lerr
		}
		names[i] = name
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	set := t.enabledPrivs.Load()
	if disableAll {
		for _, n := range t.held {
			if set&privilegeBits[n] != 0 {
				previous = append(previous, Privilege{Name: n, Enabled: true})
			}
		}
		t.enabledPrivs.Store(0)
		return previous, nil
	}
	for i, c := range changes {
		if !slices.Contains(t.held, names[i]) {
			err = ERROR_NOT_ALL_ASSIGNED
			continue
		}
		bit := privilegeBits[names[i]]
		previous = append(previous, Privilege{Name: names[i], Enabled: set&bit != 0})
		if c.Enabled {
			set |= bit
		} else {
			set &^= bit
		}
	}
	t.enabledPrivs.Store(set)
	return previous, err
}
