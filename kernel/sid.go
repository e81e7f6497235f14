package kernel

import (
	"hash/fnv"
	"strconv"
	"strings"
)

// A SID is a security identifier in its canonical string form ("S-1-5-18"), the form
// ConvertSidToStringSid gives: revision 1, the identifier authority in decimal (or
// 0x-prefixed hexadecimal, 12 digits, when it does not fit 32 bits) and up to 15
// sub-authorities in decimal. Canonical strings compare equal exactly when the SIDs
// do, so a SID is a plain comparable value. The zero SID ("") is no SID.
//
// Build SIDs with ParseSID or the well-known constants below; a SID made by
// converting an arbitrary string is not checked.
type SID string

// Well-known SIDs (MS docs, "Well-known SIDs"; winnt.h). Their SDDL aliases are in
// sidAliases.
const (
	SIDNull              SID = "S-1-0-0"
	SIDWorld             SID = "S-1-1-0" // Everyone (WD)
	SIDLocal             SID = "S-1-2-0"
	SIDCreatorOwner      SID = "S-1-3-0" // CO
	SIDCreatorGroup      SID = "S-1-3-1" // CG
	SIDOwnerRights       SID = "S-1-3-4" // OW
	SIDNetwork           SID = "S-1-5-2" // NU
	SIDInteractive       SID = "S-1-5-4" // IU
	SIDService           SID = "S-1-5-6" // SU
	SIDAnonymous         SID = "S-1-5-7" // AN
	SIDEnterpriseDCs     SID = "S-1-5-9" // ED
	SIDSelf              SID = "S-1-5-10"
	SIDAuthenticated     SID = "S-1-5-11" // AU
	SIDRestricted        SID = "S-1-5-12" // RC
	SIDLocalSystem       SID = "S-1-5-18" // SY
	SIDLocalService      SID = "S-1-5-19" // LS
	SIDNetworkService    SID = "S-1-5-20" // NS
	SIDAdministrators    SID = "S-1-5-32-544"
	SIDUsers             SID = "S-1-5-32-545"
	SIDGuests            SID = "S-1-5-32-546"
	SIDPowerUsers        SID = "S-1-5-32-547"
	SIDWriteRestricted   SID = "S-1-5-33"
	SIDLowLabel          SID = "S-1-16-4096"
	SIDMediumLabel       SID = "S-1-16-8192"
	SIDHighLabel         SID = "S-1-16-12288"
	SIDSystemLabel       SID = "S-1-16-16384"
	SIDAllAppPackages    SID = "S-1-15-2-1"
	maxSubAuthorities        = 15
	maxIdentifierAuthMax     = 1<<48 - 1
	ntAuthorityPrefix        = "S-1-5-21-"
)

// ParseSID converts a string SID to a SID (ConvertStringSidToSidW): "S-1-<authority>
// (-<sub-authority>)*", with the authority in decimal or 0x-hexadecimal (at most 48
// bits) and at most 15 sub-authorities of 32 bits each, or one of the two-letter SDDL
// aliases that name a fixed SID ("SY", "BA", "WD", ...). Aliases relative to a machine
// or domain (LA, DA, ...) need Machine.ParseSID. Anything else gives ERROR_INVALID_SID
// (MS docs, ConvertStringSidToSidW; Wine dlls/advapi32/tests/security.c test_sid).
func ParseSID(s string) (SID, error) { return parseSID(s, nil) }

// ParseSID is ParseSID with the aliases relative to m's accounts domain (LA, LG) and
// its domain (DA, DU, DG, DC, DD, CA, SA, EA, RS, RO) resolved too.
func (m *Machine) ParseSID(s string) (SID, error) { return parseSID(s, m) }

func parseSID(s string, m *Machine) (SID, error) {
	if len(s) == 2 {
		if sid, ok := resolveAlias(s, m); ok {
			return sid, nil
		}
		return "", ERROR_INVALID_SID
	}
	sid, ok := canonicalSID(s)
	if !ok {
		return "", ERROR_INVALID_SID
	}
	return sid, nil
}

// canonicalSID parses the S-1-... form and returns it canonicalised.
func canonicalSID(s string) (SID, bool) {
	if len(s) < 4 || (s[0] != 'S' && s[0] != 's') || s[1] != '-' {
		return "", false
	}
	parts := strings.Split(s[2:], "-")
	if len(parts) < 2 || len(parts) > 2+maxSubAuthorities || parts[0] != "1" {
		return "", false
	}
	var b strings.Builder
	b.Grow(len(s))
	b.WriteString("S-1-")
	auth, ok := parseAuthority(parts[1])
	if !ok {
		return "", false
	}
	if auth >= 1<<32 {
		b.WriteString("0x")
		h := strings.ToUpper(strconv.FormatUint(auth, 16))
		b.WriteString(strings.Repeat("0", 12-len(h)))
		b.WriteString(h)
	} else {
		b.WriteString(strconv.FormatUint(auth, 10))
	}
	for _, p := range parts[2:] {
		if !allDigits(p) {
			return "", false
		}
		v, err := strconv.ParseUint(p, 10, 32)
		if err != nil {
			return "", false
		}
		b.WriteByte('-')
		b.WriteString(strconv.FormatUint(v, 10))
	}
	return SID(b.String()), true
}

func parseAuthority(p string) (uint64, bool) {
	if len(p) > 2 && (p[:2] == "0x" || p[:2] == "0X") {
		v, err := strconv.ParseUint(p[2:], 16, 64)
		return v, err == nil && v <= maxIdentifierAuthMax && p[2] != '+'
	}
	if !allDigits(p) {
		return 0, false
	}
	v, err := strconv.ParseUint(p, 10, 64)
	return v, err == nil && v <= maxIdentifierAuthMax
}

func allDigits(p string) bool {
	if p == "" {
		return false
	}
	for i := 0; i < len(p); i++ {
		if p[i] < '0' || p[i] > '9' {
			return false
		}
	}
	return true
}

// String returns the canonical string form.
func (s SID) String() string { return string(s) }

// Valid reports whether s is a well-formed canonical SID.
func (s SID) Valid() bool {
	c, ok := canonicalSID(string(s))
	return ok && c == s
}

// Child returns the SID with rid appended (a domain's account SID from its RID).
func (s SID) Child(rid uint32) SID { return s + SID("-"+strconv.FormatUint(uint64(rid), 10)) }

// sidAlias is one two-letter SDDL SID string (MS docs, "SID Strings"). Exactly one of
// sid, machineRID and domainRID is set: a fixed SID, or a RID in the machine's or the
// domain's accounts domain.
type sidAlias struct {
	alias      string
	sid        SID
	machineRID uint32
	domainRID  uint32
}

// sidAliases lists the SDDL SID strings. Formatting uses the first alias of a SID.
var sidAliases = []sidAlias{
	{alias: "AA", sid: "S-1-5-32-579"},
	{alias: "AC", sid: SIDAllAppPackages},
	{alias: "AN", sid: SIDAnonymous},
	{alias: "AO", sid: "S-1-5-32-548"},
	{alias: "AU", sid: SIDAuthenticated},
	{alias: "BA", sid: SIDAdministrators},
	{alias: "BG", sid: SIDGuests},
	{alias: "BO", sid: "S-1-5-32-551"},
	{alias: "BU", sid: SIDUsers},
	{alias: "CA", domainRID: 517},
	{alias: "CD", sid: "S-1-5-32-574"},
	{alias: "CG", sid: SIDCreatorGroup},
	{alias: "CO", sid: SIDCreatorOwner},
	{alias: "CY", sid: "S-1-5-32-569"},
	{alias: "DA", domainRID: 512},
	{alias: "DC", domainRID: 515},
	{alias: "DD", domainRID: 516},
	{alias: "DG", domainRID: 514},
	{alias: "DU", domainRID: 513},
	{alias: "EA", domainRID: 519},
	{alias: "ED", sid: SIDEnterpriseDCs},
	{alias: "ER", sid: "S-1-5-32-573"},
	{alias: "HA", sid: "S-1-5-32-578"},
	{alias: "HI", sid: SIDHighLabel},
	{alias: "IS", sid: "S-1-5-32-568"},
	{alias: "IU", sid: SIDInteractive},
	{alias: "LA", machineRID: 500},
	{alias: "LG", machineRID: 501},
	{alias: "LS", sid: SIDLocalService},
	{alias: "LU", sid: "S-1-5-32-559"},
	{alias: "LW", sid: SIDLowLabel},
	{alias: "ME", sid: SIDMediumLabel},
	{alias: "MU", sid: "S-1-5-32-558"},
	{alias: "NO", sid: "S-1-5-32-556"},
	{alias: "NS", sid: SIDNetworkService},
	{alias: "NU", sid: SIDNetwork},
	{alias: "OW", sid: SIDOwnerRights},
	{alias: "PO", sid: "S-1-5-32-550"},
	{alias: "PS", sid: SIDSelf},
	{alias: "PU", sid: SIDPowerUsers},
	{alias: "RC", sid: SIDRestricted},
	{alias: "RD", sid: "S-1-5-32-555"},
	{alias: "RE", sid: "S-1-5-32-552"},
	{alias: "RM", sid: "S-1-5-32-580"},
	{alias: "RO", domainRID: 498},
	{alias: "RS", domainRID: 553},
	{alias: "RU", sid: "S-1-5-32-554"},
	{alias: "SA", domainRID: 518},
	{alias: "SI", sid: SIDSystemLabel},
	{alias: "SO", sid: "S-1-5-32-549"},
	{alias: "SU", sid: SIDService},
	{alias: "SY", sid: SIDLocalSystem},
	{alias: "WD", sid: SIDWorld},
	{alias: "WR", sid: SIDWriteRestricted},
}

// fixedAliasOf maps a fixed SID to its alias for formatting.
var fixedAliasOf = func() map[SID]string {
	out := make(map[SID]string, len(sidAliases))
	for _, a := range sidAliases {
		if a.sid != "" {
			out[a.sid] = a.alias
		}
	}
	return out
}()

// resolveAlias resolves a two-letter SDDL SID string (case-insensitively, as Windows
// does) against m's accounts; m nil resolves only fixed SIDs.
func resolveAlias(s string, m *Machine) (SID, bool) {
	up := strings.ToUpper(s)
	for _, a := range sidAliases {
		if a.alias != up {
			continue
		}
		switch {
		case a.sid != "":
			return a.sid, true
		case m == nil:
			return "", false
		case a.machineRID != 0:
			return m.SID().Child(a.machineRID), true
		default:
			return m.DomainSID().Child(a.domainRID), true
		}
	}
	return "", false
}

// aliasOf returns the SDDL alias for sid, or "" (formatting: the SID is then written
// in S-1-... form). m nil formats only fixed SIDs as aliases.
func aliasOf(sid SID, m *Machine) string {
	if a, ok := fixedAliasOf[sid]; ok {
		return a
	}
	if m == nil || !strings.HasPrefix(string(sid), ntAuthorityPrefix) {
		return ""
	}
	for _, a := range sidAliases {
		switch {
		case a.machineRID != 0 && sid == m.SID().Child(a.machineRID):
			return a.alias
		case a.domainRID != 0 && sid == m.DomainSID().Child(a.domainRID):
			return a.alias
		}
	}
	return ""
}

// accountsDomainSID derives the SID of an accounts domain (a machine's SAM, or a
// domain) from its name: S-1-5-21 and three sub-authorities from an FNV hash of the
// folded name. Windows picks them at random at setup; winsim keeps them deterministic
// so that runs repeat (docs/security.md).
func accountsDomainSID(name string) SID {
	h := fnv.New64a()
	h.Write([]byte(strings.ToUpper(name)))
	v := h.Sum64()
	h.Write([]byte{0})
	w := h.Sum64()
	return SID(ntAuthorityPrefix + strconv.FormatUint(v>>32, 10) + "-" + strconv.FormatUint(v&0xffffffff, 10) + "-" + strconv.FormatUint(w>>32, 10))
}
