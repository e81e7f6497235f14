package kernel

// AccessCheck decides what a caller with token tok may do to an object with
// descriptor sd (AccessCheck; MS docs, "How DACLs Control Access to an Object" and
// "Access Rights and Access Masks"). desired may hold generic rights, which g maps,
// and MAXIMUM_ALLOWED. It returns the granted access, or ERROR_ACCESS_DENIED.
//
//   - No descriptor, or a NULL DACL: everything asked for is granted; MAXIMUM_ALLOWED
//     grants g.All.
//   - Otherwise the ACEs are read in order. A conditional (callback) allow ACE takes
//     part when its condition is TRUE, a conditional deny ACE when it is TRUE or
//     UNKNOWN (condition.go). An allow ACE for a SID in the token grants
//     the rights it names that no earlier deny ACE refused; a deny ACE for a SID in the
//     token refuses those that no earlier ACE granted. Inherit-only and SACL ACEs take
//     no part. ACLs written in canonical order (deny before allow) therefore let deny
//     win; out-of-order ACLs are read as Windows reads them, first match wins.
//   - The owner is granted READ_CONTROL and WRITE_DAC implicitly, unless the DACL has
//     an ACE for OWNER RIGHTS (S-1-3-4), which then says what the owner gets.
//   - Without MAXIMUM_ALLOWED, every right asked for must be granted. With it, the
//     result is every right the DACL grants, and the rights asked for beside it must be
//     among them; an empty result is ERROR_ACCESS_DENIED.
//
// Privileges grant what no DACL can (MS docs "Privilege Constants", "SACL Access Right";
// Wine dlls/advapi32/tests/security.c test_default_handle_security and
// test_system_security_access): ACCESS_SYSTEM_SECURITY only with SeSecurityPrivilege
// enabled, else the check fails with ERROR_PRIVILEGE_NOT_HELD, whatever the DACL, and
// MAXIMUM_ALLOWED never includes it; WRITE_OWNER with SeTakeOwnershipPrivilege enabled,
// when asked for or with MAXIMUM_ALLOWED.
//
// The answer depends on sd, which is never changed once stored (SetSecurityInfo stores
// a new one), on the token's fixed contents and on its privileges' states, so a token
// keeps its last answer and gives it again to the same question while its privileges
// have not changed (Token.memo, keyed by the set of enabled privileges the answer was
// computed under, read once): a process opening the same object again pays for no
// second reading of the DACL.
func AccessCheck(sd *SecurityDescriptor, tok *Token, desired Access, g GenericMapping) (Access, error) {
	if tok == nil {
		return accessCheck(sd, tok, 0, desired, g)
	}
	privs := tok.enabledPrivs.Load()
	if m := tok.memo.Load(); m != nil && m.sd == sd && m.desired == desired && m.g == g && m.privs == privs {
		return m.granted, m.err
	}
	granted, err := accessCheck(sd, tok, privs, desired, g)
	tok.memo.Store(&accessMemo{sd: sd, desired: desired, g: g, privs: privs, granted: granted, err: err})
	return granted, err
}

// accessMemo is a token's last AccessCheck question and answer; privs is the set of
// enabled privileges the answer was computed under. It is immutable.
type accessMemo struct {
	sd      *SecurityDescriptor
	desired Access
	g       GenericMapping
	privs   uint64
	granted Access
	err     error
}

// accessCheck is AccessCheck without the memo; privs is the token's set of enabled
// privileges, read once by the caller, so that the answer is the one for that set.
func accessCheck(sd *SecurityDescriptor, tok *Token, privs uint64, desired Access, g GenericMapping) (Access, error) {
	maxAllowed := desired&MAXIMUM_ALLOWED != 0
	want := g.Map(desired&^MAXIMUM_ALLOWED) &^ ACCESS_SYSTEM_SECURITY
	var privileged Access
	if desired&ACCESS_SYSTEM_SECURITY != 0 {
		if privs&privSecurity == 0 {
			return 0, ERROR_PRIVILEGE_NOT_HELD
		}
		privileged |= ACCESS_SYSTEM_SECURITY
	}
	if (want&WRITE_OWNER != 0 || maxAllowed) && privs&privTakeOwnership != 0 {
		privileged |= WRITE_OWNER
		want &^= WRITE_OWNER
	}
	granted, err := discretionaryCheck(sd, tok, want, maxAllowed, g)
	if err != nil {
		// MAXIMUM_ALLOWED that the DACL grants nothing of still has what privileges grant.
		if maxAllowed && want == 0 && privileged != 0 {
			return privileged, nil
		}
		return 0, err
	}
	return granted | privileged, nil
}

// discretionaryCheck is AccessCheck's DACL part: want holds no generic rights, no
// MAXIMUM_ALLOWED and no ACCESS_SYSTEM_SECURITY.
func discretionaryCheck(sd *SecurityDescriptor, tok *Token, want Access, maxAllowed bool, g GenericMapping) (Access, error) {
	if sd == nil || sd.Dacl == nil {
		if maxAllowed {
			return want | g.All, nil
		}
		return want, nil
	}
	var granted, denied Access
	for _, e := range sd.Dacl.Entries {
		if !e.appliesToObject() {
			continue
		}
		var allow bool
		switch e.Type {
		case ACCESS_ALLOWED_ACE_TYPE, ACCESS_ALLOWED_CALLBACK_ACE_TYPE:
			allow = true
		case ACCESS_DENIED_ACE_TYPE, ACCESS_DENIED_CALLBACK_ACE_TYPE:
		default:
			continue
		}
		sid := e.SID
		if sid == SIDOwnerRights {
			if sd.Owner == "" || !tok.IsMember(sd.Owner) {
				continue
			}
		} else if !tok.IsMember(sid) {
			continue
		}
		if e.Condition != nil {
			// A conditional ACE applies when its condition is TRUE; a deny ACE also
			// when it is UNKNOWN (MS docs, "Conditional ACE Evaluation").
			switch e.Condition.root.eval(tok) {
			case condFalse:
				continue
			case condUnknown:
				if allow {
					continue
				}
			}
		}
		mask := g.Map(e.Mask)
		if allow {
			granted |= mask &^ denied
		} else {
			denied |= mask &^ granted
		}
		if !maxAllowed && granted&want == want {
			break
		}
	}
	if granted&want != want || maxAllowed {
		// The owner's implicit rights matter only when the ACEs fell short, or for
		// MAXIMUM_ALLOWED; an OWNER RIGHTS ACE anywhere in the DACL replaces them.
		if sd.Owner != "" && !hasOwnerRightsACE(sd.Dacl) && tok.IsMember(sd.Owner) {
			granted |= READ_CONTROL | WRITE_DAC
		}
	}
	if maxAllowed {
		if granted == 0 || granted&want != want {
			return 0, ERROR_ACCESS_DENIED
		}
		return granted, nil
	}
	if granted&want != want {
		return 0, ERROR_ACCESS_DENIED
	}
	return want, nil
}

// hasOwnerRightsACE reports whether acl has an effective ACE for OWNER RIGHTS
// (S-1-3-4), which takes away the owner's implicit rights.
func hasOwnerRightsACE(acl *ACL) bool {
	for _, e := range acl.Entries {
		if e.appliesToObject() && e.SID == SIDOwnerRights {
			return true
		}
	}
	return false
}
