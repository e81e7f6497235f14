package kernel

import (
	"strconv"
	"strings"
)

// This file converts security descriptors to and from the Security Descriptor
// Definition Language (MS docs: "Security Descriptor String Format", "ACE Strings",
// "SID Strings"; ConvertStringSecurityDescriptorToSecurityDescriptorW and
// ConvertSecurityDescriptorToStringSecurityDescriptorW).
//
// Grammar: O:owner_sid G:group_sid D:dacl_flags(ace)(ace)... S:sacl_flags(ace)...,
// each component at most once and in any order; dacl_flags and sacl_flags are any of
// "P", "AR", "AI" and "NO_ACCESS_CONTROL" (a NULL ACL). An ACE is
// (type;flags;rights;object_guid;inherit_object_guid;account_sid): type A, D, OA, OD,
// AU, AL, OU, OL, ML, RA or SP; flags any of CI OI NP IO ID SA FA; rights the two-letter
// names (GA GR GW GX RC SD WD WO RP WP CC DC LC SW LO DT CR FA FR FW FX KA KR KW KX NR
// NW NX) and numbers (0x hex, 0 octal or decimal), mixed in any order; GUIDs only on object ACEs; the SID a
// two-letter alias or S-1-... form. Callback ACEs (XA, XD, ZA in a DACL, XU in a SACL)
// take a seventh field, their conditional expression (condition.go); a
// resource-attribute ACE (RA, SACL only) takes a seventh field, its attribute
// (sddl_attribute.go), has no rights and Everyone as its SID; a scoped-policy-ID ACE
// (SP, SACL only) has no rights and the central access policy's SID (MS docs "ACE
// Strings"; MS-DTYP 2.4.4.15 and 2.4.4.16: the mask "MUST be set to zero", the RA SID
// is Everyone's).
//
// Errors, as Windows gives them (Wine dlls/advapi32/tests/security.c
// test_ConvertStringSecurityDescriptor): an unknown component tag or a malformed
// component boundary is ERROR_INVALID_PARAMETER; anything wrong inside an ACL (an
// unknown ACE type, flag or right, a bad GUID, an unknown or malformed SID in an ACE,
// unbalanced parentheses) is ERROR_INVALID_ACL; a bad owner or group SID is
// ERROR_INVALID_SID; a revision other than SDDL_REVISION_1 is ERROR_UNKNOWN_REVISION.

// SDDL_REVISION_1 is the only SDDL revision.
const SDDL_REVISION_1 uint32 = 1

// ParseSDDL converts an SDDL string to a security descriptor
// (ConvertStringSecurityDescriptorToSecurityDescriptorW with SDDL_REVISION_1). SID
// aliases relative to a machine or domain (LA, DA, ...) need Machine.ParseSDDL.
func ParseSDDL(s string) (*SecurityDescriptor, error) { return parseSDDL(s, nil) }

// ParseSDDL is ParseSDDL with m's machine- and domain-relative aliases resolved.
func (m *Machine) ParseSDDL(s string) (*SecurityDescriptor, error) { return parseSDDL(s, m) }

// ConvertStringSecurityDescriptorToSecurityDescriptor is ParseSDDL with the revision
// argument checked: anything but SDDL_REVISION_1 gives ERROR_UNKNOWN_REVISION.
func ConvertStringSecurityDescriptorToSecurityDescriptor(s string, revision uint32) (*SecurityDescriptor, error) {
	if revision != SDDL_REVISION_1 {
		return nil, ERROR_UNKNOWN_REVISION
	}
	return parseSDDL(s, nil)
}

func parseSDDL(s string, m *Machine) (*SecurityDescriptor, error) {
	sd := &SecurityDescriptor{}
	var seen [4]bool
	s = strings.TrimLeft(s, " ")
	for s != "" {
		if len(s) < 2 || s[1] != ':' {
			return nil, ERROR_INVALID_PARAMETER
		}
		idx := strings.IndexByte("OGDS", s[0])
		if idx < 0 || seen[idx] {
			return nil, ERROR_INVALID_PARAMETER
		}
		seen[idx] = true
		tag := s[0]
		body, rest, err := splitComponent(s[2:])
		if err != nil {
			return nil, err
		}
		s = rest
		switch tag {
		case 'O', 'G':
			sid, err := parseSID(strings.TrimSpace(body), m)
			if err != nil {
				return nil, ERROR_INVALID_SID
			}
			if tag == 'O' {
				sd.Owner = sid
			} else {
				sd.Group = sid
			}
		case 'D', 'S':
			acl, ctl, err := parseACL(body, m, tag == 'S')
			if err != nil {
				return nil, err
			}
			if tag == 'D' {
				sd.Dacl, sd.Control = acl, sd.Control|ctl|SE_DACL_PRESENT
			} else {
				sd.Sacl, sd.Control = acl, sd.Control|ctl<<1|SE_SACL_PRESENT
			}
		}
	}
	return sd, nil
}

// splitComponent returns a component's body (up to the next tag outside parentheses)
// and what follows it. Quoted strings (in conditional expressions) are skipped whole.
func splitComponent(s string) (body, rest string, err error) {
	depth := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '"':
			if depth > 0 {
				end := strings.IndexByte(s[i+1:], '"')
				if end < 0 {
					return "", "", ERROR_INVALID_ACL
				}
				i += end + 1
			}
		case '(':
			depth++
		case ')':
			depth--
			if depth < 0 {
				return "", "", ERROR_INVALID_ACL
			}
		case ':':
			if depth == 0 && i >= 1 {
				// s[i-1] is the next tag; NO_ACCESS_CONTROL has no colon.
				return s[:i-1], s[i-1:], nil
			}
		}
	}
	if depth != 0 {
		return "", "", ERROR_INVALID_ACL
	}
	return s, "", nil
}

// parseACL parses an ACL component's flags and ACE strings. The control bits returned
// are the DACL ones (the caller shifts them for a SACL).
func parseACL(s string, m *Machine, sacl bool) (*ACL, SecurityDescriptorControl, error) {
	var ctl SecurityDescriptorControl
	null := false
	for s != "" && s[0] != '(' {
		switch {
		case strings.HasPrefix(s, "NO_ACCESS_CONTROL"):
			null, s = true, s[len("NO_ACCESS_CONTROL"):]
		case s[0] == 'P':
			ctl, s = ctl|SE_DACL_PROTECTED, s[1:]
		case strings.HasPrefix(s, "AI"):
			ctl, s = ctl|SE_DACL_AUTO_INHERITED, s[2:]
		case strings.HasPrefix(s, "AR"):
			ctl, s = ctl|SE_DACL_AUTO_INHERIT_REQ, s[2:]
		case s[0] == ' ':
			s = s[1:]
		default:
			return nil, 0, ERROR_INVALID_ACL
		}
	}
	acl := &ACL{}
	for s != "" {
		if s[0] == ' ' {
			s = s[1:]
			continue
		}
		if s[0] != '(' {
			return nil, 0, ERROR_INVALID_ACL
		}
		end := aceEnd(s)
		if end < 0 {
			return nil, 0, ERROR_INVALID_ACL
		}
		ace, err := parseACE(s[1:end], m, sacl)
		if err != nil {
			return nil, 0, err
		}
		acl.Entries = append(acl.Entries, ace)
		s = s[end+1:]
	}
	if null {
		if len(acl.Entries) != 0 {
			return nil, 0, ERROR_INVALID_ACL
		}
		acl = nil
	}
	return acl, ctl, nil
}

// aceEnd returns the index of the parenthesis that closes the ACE string s starts
// with, counting the parentheses of a conditional expression and skipping quoted
// strings; -1 when there is none.
func aceEnd(s string) int {
	depth := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '"':
			end := strings.IndexByte(s[i+1:], '"')
			if end < 0 {
				return -1
			}
			i += end + 1
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return i
			}
		}
	}
	return -1
}

var aceTypeNames = []struct {
	name string
	typ  AceType
}{
	{"A", ACCESS_ALLOWED_ACE_TYPE},
	{"D", ACCESS_DENIED_ACE_TYPE},
	{"OA", ACCESS_ALLOWED_OBJECT_ACE_TYPE},
	{"OD", ACCESS_DENIED_OBJECT_ACE_TYPE},
	{"AU", SYSTEM_AUDIT_ACE_TYPE},
	{"AL", SYSTEM_ALARM_ACE_TYPE},
	{"OU", SYSTEM_AUDIT_OBJECT_ACE_TYPE},
	{"OL", SYSTEM_ALARM_OBJECT_ACE_TYPE},
	{"ML", SYSTEM_MANDATORY_LABEL_ACE_TYPE},
	{"XA", ACCESS_ALLOWED_CALLBACK_ACE_TYPE},
	{"XD", ACCESS_DENIED_CALLBACK_ACE_TYPE},
	{"ZA", ACCESS_ALLOWED_CALLBACK_OBJECT_ACE_TYPE},
	{"XU", SYSTEM_AUDIT_CALLBACK_ACE_TYPE},
	{"RA", SYSTEM_RESOURCE_ATTRIBUTE_ACE_TYPE},
	{"SP", SYSTEM_SCOPED_POLICY_ID_ACE_TYPE},
}

var aceFlagNames = []struct {
	name string
	flag AceFlags
}{
	{"OI", OBJECT_INHERIT_ACE},
	{"CI", CONTAINER_INHERIT_ACE},
	{"NP", NO_PROPAGATE_INHERIT_ACE},
	{"IO", INHERIT_ONLY_ACE},
	{"ID", INHERITED_ACE},
	{"SA", SUCCESSFUL_ACCESS_ACE_FLAG},
	{"FA", FAILED_ACCESS_ACE_FLAG},
}

// rightNames are the SDDL access-right strings, single bits in ascending order (the
// order formatting writes them), then the file and registry combinations that are
// only written when the whole mask equals one of them.
var rightNames = []struct {
	name string
	mask Access
}{
	{"CC", 0x1}, {"DC", 0x2}, {"LC", 0x4}, {"SW", 0x8}, {"RP", 0x10}, {"WP", 0x20},
	{"DT", 0x40}, {"LO", 0x80}, {"CR", 0x100},
	{"SD", DELETE}, {"RC", READ_CONTROL}, {"WD", WRITE_DAC}, {"WO", WRITE_OWNER},
	{"GA", GENERIC_ALL}, {"GX", GENERIC_EXECUTE}, {"GW", GENERIC_WRITE}, {"GR", GENERIC_READ},
}

// singleBitRights is how many leading rows of rightNames are single bits.
var singleBitRights = len(rightNames)

var combinedRightNames = []struct {
	name string
	mask Access
}{
	{"FA", FILE_ALL_ACCESS}, {"FR", FILE_GENERIC_READ}, {"FW", FILE_GENERIC_WRITE}, {"FX", FILE_GENERIC_EXECUTE},
	{"KA", 0xF003F}, {"KR", 0x20019}, {"KW", 0x20006}, {"KX", 0x20019},
	{"NW", 0x1}, {"NR", 0x2}, {"NX", 0x4},
}

func parseACE(s string, m *Machine, sacl bool) (ACE, error) {
	// Six fields, and for a callback ACE a seventh, its condition, which may itself
	// hold semicolons.
	f := strings.SplitN(s, ";", 7)
	if len(f) < 6 {
		return ACE{}, ERROR_INVALID_ACL
	}
	var ace ACE
	t := strings.TrimLeft(f[0], " ")
	found := false
	for _, n := range aceTypeNames {
		if n.name == t {
			ace.Type, found = n.typ, true
		}
	}
	if !found {
		return ACE{}, ERROR_INVALID_ACL
	}
	isAttribute := ace.Type == SYSTEM_RESOURCE_ATTRIBUTE_ACE_TYPE
	if (ace.Type.isCallback() || isAttribute) != (len(f) == 7) {
		// A condition belongs to callback ACEs and an attribute to RA ACEs, and
		// they need theirs.
		return ACE{}, ERROR_INVALID_ACL
	}
	switch {
	case isAttribute:
		a, err := parseResourceAttribute(f[6], m)
		if err != nil {
			return ACE{}, err
		}
		ace.Attribute = a
	case len(f) == 7:
		c, err := parseCondition(f[6], m)
		if err != nil {
			return ACE{}, err
		}
		ace.Condition = c
	}
	isSACLType := ace.Type == SYSTEM_AUDIT_ACE_TYPE || ace.Type == SYSTEM_ALARM_ACE_TYPE ||
		ace.Type == SYSTEM_AUDIT_OBJECT_ACE_TYPE || ace.Type == SYSTEM_ALARM_OBJECT_ACE_TYPE ||
		ace.Type == SYSTEM_MANDATORY_LABEL_ACE_TYPE || ace.Type == SYSTEM_AUDIT_CALLBACK_ACE_TYPE ||
		isAttribute || ace.Type == SYSTEM_SCOPED_POLICY_ID_ACE_TYPE
	if isSACLType != sacl {
		return ACE{}, ERROR_INVALID_ACL
	}
	for fl := strings.TrimLeft(f[1], " "); fl != ""; {
		ok := false
		for _, n := range aceFlagNames {
			if strings.HasPrefix(fl, n.name) {
				ace.Flags |= n.flag
				fl, ok = fl[2:], true
				break
			}
		}
		if !ok {
			return ACE{}, ERROR_INVALID_ACL
		}
	}
	mask, ok := parseRights(strings.TrimLeft(f[2], " "))
	if !ok {
		return ACE{}, ERROR_INVALID_ACL
	}
	ace.Mask = mask
	isObject := ace.Type == ACCESS_ALLOWED_OBJECT_ACE_TYPE || ace.Type == ACCESS_DENIED_OBJECT_ACE_TYPE ||
		ace.Type == SYSTEM_AUDIT_OBJECT_ACE_TYPE || ace.Type == SYSTEM_ALARM_OBJECT_ACE_TYPE ||
		ace.Type == ACCESS_ALLOWED_CALLBACK_OBJECT_ACE_TYPE
	for i, g := range []*string{&ace.ObjectType, &ace.InheritedObjectType} {
		v := strings.TrimSpace(f[3+i])
		if v == "" {
			continue
		}
		if !isObject || !validGUID(v) {
			return ACE{}, ERROR_INVALID_ACL
		}
		*g = strings.ToLower(v)
	}
	sid, err := parseSID(strings.TrimSpace(f[5]), m)
	if err != nil {
		return ACE{}, ERROR_INVALID_ACL
	}
	ace.SID = sid
	if (isAttribute || ace.Type == SYSTEM_SCOPED_POLICY_ID_ACE_TYPE) && ace.Mask != 0 || isAttribute && sid != SIDWorld {
		return ACE{}, ERROR_INVALID_ACL
	}
	return ace, nil
}

// parseRights reads an ACE's rights: a run of two-letter names and numbers (0x hex,
// 0 octal or decimal, each as long as its digits go), or'ed together. Windows takes a
// number mixed with names on either side: "GR0xFFFFFFFF", "0xFFFFFFFFGR" and
// "0xFFFFFGR" all convert (Wine dlls/advapi32/tests/security.c
// test_ConvertStringSecurityDescriptor; the mask of such a mix is not in the test, or'ing
// is winsim's reading).
func parseRights(s string) (Access, bool) {
	var mask Access
	for s != "" {
		if s[0] >= '0' && s[0] <= '9' {
			v, n, ok := rightsNumber(s)
			if !ok {
				return 0, false
			}
			mask, s = mask|v, s[n:]
			continue
		}
		if len(s) < 2 {
			return 0, false
		}
		name := s[:2]
		ok := false
		for _, r := range rightNames {
			if r.name == name {
				mask, ok = mask|r.mask, true
				break
			}
		}
		if !ok {
			for _, r := range combinedRightNames {
				if r.name == name {
					mask, ok = mask|r.mask, true
					break
				}
			}
		}
		if !ok {
			return 0, false
		}
		s = s[2:]
	}
	return mask, true
}

// rightsNumber reads the number s starts with, as strtoul with base 0 does: 0x (or 0X)
// and hex digits, 0 and octal digits, or decimal digits, as many as there are. It
// returns the value and how many bytes it took; a value above 32 bits fails.
func rightsNumber(s string) (Access, int, bool) {
	base, start := 10, 0
	switch {
	case len(s) > 2 && (s[1] == 'x' || s[1] == 'X') && s[0] == '0' && hexDigit(s[2]):
		base, start = 16, 2
	case s[0] == '0':
		base = 8
	}
	end := start
	for end < len(s) && (base == 16 && hexDigit(s[end]) || base == 10 && s[end] >= '0' && s[end] <= '9' ||
		base == 8 && s[end] >= '0' && s[end] <= '7') {
		end++
	}
	v, err := strconv.ParseUint(s[start:end], base, 32)
	return Access(v), end, err == nil
}

func hexDigit(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// validGUID checks the registry form of a GUID without braces:
// xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx.
func validGUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !hexDigit(c) {
				return false
			}
		}
	}
	return true
}

// String formats sd in SDDL with every component it has
// (ConvertSecurityDescriptorToStringSecurityDescriptorW with owner, group, DACL and
// SACL information), SIDs relative to a machine in S-1-... form. The order is O:, G:,
// D:, S:, as Windows writes it.
func (sd *SecurityDescriptor) String() string {
	return sd.format(nil, OWNER_SECURITY_INFORMATION|GROUP_SECURITY_INFORMATION|DACL_SECURITY_INFORMATION|SACL_SECURITY_INFORMATION)
}

// FormatSDDL formats the parts of sd that info selects, with m's machine- and
// domain-relative SIDs written as their aliases (LA, DA, ...).
func (m *Machine) FormatSDDL(sd *SecurityDescriptor, info uint32) string { return sd.format(m, info) }

func (sd *SecurityDescriptor) format(m *Machine, info uint32) string {
	if sd == nil {
		return ""
	}
	var b strings.Builder
	if info&OWNER_SECURITY_INFORMATION != 0 && sd.Owner != "" {
		b.WriteString("O:")
		writeSID(&b, sd.Owner, m)
	}
	if info&GROUP_SECURITY_INFORMATION != 0 && sd.Group != "" {
		b.WriteString("G:")
		writeSID(&b, sd.Group, m)
	}
	if info&DACL_SECURITY_INFORMATION != 0 && sd.Control&SE_DACL_PRESENT != 0 {
		b.WriteString("D:")
		writeACL(&b, sd.Dacl, sd.Control, m)
	}
	if info&SACL_SECURITY_INFORMATION != 0 && sd.Control&SE_SACL_PRESENT != 0 {
		b.WriteString("S:")
		writeACL(&b, sd.Sacl, sd.Control>>1, m)
	}
	return b.String()
}

func writeSID(b *strings.Builder, sid SID, m *Machine) {
	if a := aliasOf(sid, m); a != "" {
		b.WriteString(a)
		return
	}
	b.WriteString(string(sid))
}

// writeACL writes an ACL's flags and ACEs; ctl's DACL bits describe it.
func writeACL(b *strings.Builder, acl *ACL, ctl SecurityDescriptorControl, m *Machine) {
	if ctl&SE_DACL_PROTECTED != 0 {
		b.WriteString("P")
	}
	if ctl&SE_DACL_AUTO_INHERIT_REQ != 0 {
		b.WriteString("AR")
	}
	if ctl&SE_DACL_AUTO_INHERITED != 0 {
		b.WriteString("AI")
	}
	if acl == nil {
		b.WriteString("NO_ACCESS_CONTROL")
		return
	}
	for _, e := range acl.Entries {
		b.WriteByte('(')
		for _, n := range aceTypeNames {
			if n.typ == e.Type {
				b.WriteString(n.name)
				break
			}
		}
		b.WriteByte(';')
		for _, n := range aceFlagNames {
			if e.Flags&n.flag != 0 {
				b.WriteString(n.name)
			}
		}
		b.WriteByte(';')
		if e.Type == SYSTEM_MANDATORY_LABEL_ACE_TYPE {
			writeLabelRights(b, e.Mask)
		} else {
			writeRights(b, e.Mask)
		}
		b.WriteByte(';')
		b.WriteString(e.ObjectType)
		b.WriteByte(';')
		b.WriteString(e.InheritedObjectType)
		b.WriteByte(';')
		writeSID(b, e.SID, m)
		if e.Condition != nil {
			b.WriteByte(';')
			b.WriteString(e.Condition.format(m))
		}
		if e.Attribute != nil {
			b.WriteByte(';')
			e.Attribute.write(b, m)
		}
		b.WriteByte(')')
	}
}

// writeLabelRights writes a mandatory label's policy bits as NW, NR, NX, in bit order
// (SYSTEM_MANDATORY_LABEL_NO_WRITE_UP = 1, NO_READ_UP = 2, NO_EXECUTE_UP = 4), or in
// hex when other bits are set.
func writeLabelRights(b *strings.Builder, mask Access) {
	if mask&^7 != 0 {
		b.WriteString("0x")
		b.WriteString(strconv.FormatUint(uint64(mask), 16))
		return
	}
	for _, r := range combinedRightNames[len(combinedRightNames)-3:] {
		if mask&r.mask != 0 {
			b.WriteString(r.name)
		}
	}
}

// writeRights writes a mask as Windows does: a file or key combination when the mask
// is exactly one (FA, FR, FW, FX, KA, KR, KW), else the single-bit names in ascending
// bit order when every bit has one, else 0x-prefixed lower-case hexadecimal (Wine
// dlls/advapi32/tests/security.c test_ConvertSecurityDescriptorToString: 0xf0000000
// is "GAGXGWGR", 3 is "CCDC", 0x12019f is "0x12019f").
func writeRights(b *strings.Builder, mask Access) {
	for _, r := range combinedRightNames[:7] {
		if mask == r.mask {
			b.WriteString(r.name)
			return
		}
	}
	rest := mask
	for _, r := range rightNames[:singleBitRights] {
		rest &^= r.mask
	}
	if rest != 0 || mask == 0 {
		if mask == 0 {
			return
		}
		b.WriteString("0x")
		b.WriteString(strconv.FormatUint(uint64(mask), 16))
		return
	}
	for _, r := range rightNames[:singleBitRights] {
		if mask&r.mask != 0 {
			b.WriteString(r.name)
		}
	}
}
