package kernel_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/winsim/winsim/kernel"
	"github.com/winsim/winsim/kerneltest"
)

// String SIDs parse to their canonical form and the SDDL aliases to their SIDs; bad
// strings are ERROR_INVALID_SID (MS docs ConvertStringSidToSidW and "SID Strings";
// Wine dlls/advapi32/tests/security.c test_sid, which also converts an authority
// above 32 bits to the 0x form).
func TestParseSID(t *testing.T) {
	for _, c := range []struct {
		in   string
		want kernel.SID
	}{
		{"S-1-5-18", kernel.SIDLocalSystem},
		{"SY", kernel.SIDLocalSystem},
		{"sy", kernel.SIDLocalSystem},
		{"BA", kernel.SIDAdministrators},
		{"BU", kernel.SIDUsers},
		{"WD", kernel.SIDWorld},
		{"AN", kernel.SIDAnonymous},
		{"AU", kernel.SIDAuthenticated},
		{"CO", kernel.SIDCreatorOwner},
		{"OW", kernel.SIDOwnerRights},
		{"NS", kernel.SIDNetworkService},
		{"LS", kernel.SIDLocalService},
		{"NU", kernel.SIDNetwork},
		{"IU", kernel.SIDInteractive},
		{"SU", "S-1-5-6"},
		{"S-1-0-0", kernel.SIDNull},
		{"S-1-5-21-93476-23408-4576", "S-1-5-21-93476-23408-4576"},
		{"S-1-5-021-1", "S-1-5-21-1"},
		{"S-1-0x5-18", "S-1-5-18"},
		{"S-1-0x10000000000-1", "S-1-0x010000000000-1"},
		{"S-1-5-32-544", kernel.SIDAdministrators},
	} {
		got, err := kernel.ParseSID(c.in)
		require.NoError(t, err, c.in)
		assert.Equal(t, c.want, got, c.in)
	}
	for _, bad := range []string{"", "S", "S-1", "S-2-5-18", "S-1-5-", "S-1-5-x", "S-1-5-4294967296",
		"S-1-5-1-2-3-4-5-6-7-8-9-10-11-12-13-14-15-16", "XX", "LA", "S-1--5", "S-1-281474976710656"} {
		_, err := kernel.ParseSID(bad)
		assert.ErrorIs(t, err, kernel.ERROR_INVALID_SID, "%q", bad)
	}
}

// Aliases relative to a machine or its domain (LA, LG, DA, DU) resolve against that
// machine's accounts domain and domain SIDs, and format back as aliases (MS docs, "SID
// Strings": LA is the local administrator, DA domain admins).
func TestMachineRelativeSIDAliases(t *testing.T) {
	n := kerneltest.NewNetwork(t)
	m := kerneltest.AddMachine(t, n, "ALPHA", "CORP")
	la, err := m.ParseSID("LA")
	require.NoError(t, err)
	assert.Equal(t, m.SID().Child(500), la)
	da, err := m.ParseSID("DA")
	require.NoError(t, err)
	assert.Equal(t, m.DomainSID().Child(512), da)
	sd, err := m.ParseSDDL("O:LAD:(A;;GA;;;DA)(A;;GR;;;LG)")
	require.NoError(t, err)
	assert.Equal(t, "O:LAD:(A;;GA;;;DA)(A;;GR;;;LG)", m.FormatSDDL(sd, kernel.OWNER_SECURITY_INFORMATION|kernel.DACL_SECURITY_INFORMATION))
	assert.Equal(t, "O:"+string(la)+"D:(A;;GA;;;"+string(da)+")(A;;GR;;;"+string(m.SID().Child(501))+")", sd.String(), "without a machine, relative SIDs are written out")
	other := kerneltest.AddMachine(t, n, "BETA", "CORP")
	assert.NotEqual(t, m.SID(), other.SID(), "each machine has its own accounts domain")
	assert.Equal(t, m.DomainSID(), other.DomainSID(), "machines of one domain share its SID")
}

// Round trips: each string parses and formats back to itself; Windows writes O:, G:,
// D:, S: in that order, rights as names when all bits have one and in hex otherwise,
// and ACE flags in bit order (Wine dlls/advapi32/tests/security.c
// test_ConvertSecurityDescriptorToString and test_PrivateObjectSecurity).
func TestSDDLRoundTrip(t *testing.T) {
	for _, s := range []string{
		"",
		"O:SY",
		"O:S-1-2-0",
		"O:SYG:S-1-5-21-93476-23408-4576",
		"G:S-1-5-21-93476-23408-4576",
		"O:SYG:S-1-5-21-93476-23408-4576D:",
		"O:SYG:S-1-5-21-93476-23408-4576D:(A;NP;GAGXGWGR;;;SU)",
		"O:SYG:S-1-5-21-93476-23408-4576D:(A;NP;GAGXGWGR;;;SU)(A;IOID;CCDC;;;SU)",
		"O:SYG:S-1-5-21-93476-23408-4576D:(A;NP;GAGXGWGR;;;SU)(A;IOID;CCDC;;;SU)(D;OICI;0xffffffff;;;S-1-5-21-93476-23408-4576)",
		"O:SYG:S-1-5-21-93476-23408-4576D:S:",
		"O:SYG:S-1-5-21-93476-23408-4576D:NO_ACCESS_CONTROLS:(AU;OICINPIOIDSAFA;CCDCLCSWRPRC;;;SU)",
		"O:SYG:S-1-5-21-93476-23408-4576D:NO_ACCESS_CONTROLS:(AU;OICINPIOIDSAFA;CCDCLCSWRPRC;;;SU)(AU;NPSA;0x12019f;;;SU)",
		"D:P(A;;GA;;;SY)(A;;GWGR;;;BU)",
		"S:(ML;;NWNR;;;HI)",
		"D:PAI(A;;FA;;;SY)(A;;FA;;;BA)(A;;FR;;;WD)",
		"D:AR(D;;FW;;;AN)",
		"D:(OA;CI;RPWP;bf967a7f-0de6-11d0-a285-00aa003049e2;bf967aba-0de6-11d0-a285-00aa003049e2;AU)",
		"S:(ML;;NW;;;LW)",
		"D:(A;;KA;;;BA)(A;;KR;;;BU)",
	} {
		sd, err := kernel.ParseSDDL(s)
		require.NoError(t, err, s)
		assert.Equal(t, s, sd.String(), s)
	}
}

// Parsing normalises: rights combinations and hex masks that have names are written
// with their names, "FX" is accepted, and leading spaces are skipped (Wine
// test_ConvertStringSecurityDescriptor accepts each of those inputs). Lower-case SID
// aliases ("wd") are accepted too, which no Wine row shows (docs/security.md).
func TestSDDLParseNormalises(t *testing.T) {
	for _, c := range []struct{ in, out string }{
		{"D:(A;;0x1f01ff;;;WD)", "D:(A;;FA;;;WD)"},
		{"D:(A;;0x3;;;WD)", "D:(A;;CCDC;;;WD)"},
		{"D:(A;;3;;;WD)", "D:(A;;CCDC;;;WD)"},
		{"D:(A;;RCSDWDWO;;;WD)", "D:(A;;SDRCWDWO;;;WD)"},
		{"D:(A;;RPWPCCDCLCSWLODTCR;;;WD)", "D:(A;;CCDCLCSWRPWPDTLOCR;;;WD)"},
		{"D:(A;;FAFRFWFX;;;WD)", "D:(A;;FA;;;WD)"},
		{"D:(A;;KAKRKWKX;;;WD)", "D:(A;;KA;;;WD)"},
		{"D:(A;;0xFFFFFFFF;;;WD)", "D:(A;;0xffffffff;;;WD)"},
		{"S:(AU;;0xFFFFFFFF;;;WD)", "S:(AU;;0xffffffff;;;WD)"},
		// Rows of the current Wine test_ConvertStringSecurityDescriptor table, which
		// Windows converts: a number in any base strtoul reads, mixed with names.
		{"D:(A;;1;;;WD)", "D:(A;;CC;;;WD)"},
		{"D:(A;;020000000000;;;WD)", "D:(A;;GR;;;WD)"},
		{"D:(A;;0X40000000;;;WD)", "D:(A;;GW;;;WD)"},
		{"S:(AU;;0xDeAdBeEf;;;WD)", "S:(AU;;0xdeadbeef;;;WD)"},
		{"S:(AU;;GR0xFFFFFFFF;;;WD)", "S:(AU;;0xffffffff;;;WD)"},
		{"S:(AU;;0xFFFFFFFFGR;;;WD)", "S:(AU;;0xffffffff;;;WD)"},
		{"S:(AU;;0xFFFFFGR;;;WD)", "S:(AU;;0x800fffff;;;WD)"},
		{"D:(A;;GA1;;;WD)", "D:(A;;CCGA;;;WD)"},
		{"D:(D;;GA;;;S-1-0-0)", "D:(D;;GA;;;S-1-0-0)"},
		{"D:(A;;GA;;;wd)", "D:(A;;GA;;;WD)"},
		{" D:(D;;GA;;;WD)", "D:(D;;GA;;;WD)"},
		{"D:( D;;GA;;;WD)", "D:(D;;GA;;;WD)"},
		{"D:(D;;GA;;; WD )", "D:(D;;GA;;;WD)"},
		{"D: (D;;GA;;;WD)", "D:(D;;GA;;;WD)"},
		{"D:(D; ;GA;;;WD)", "D:(D;;GA;;;WD)"},
		{"D:(D;; GA;;;WD)", "D:(D;;GA;;;WD)"},
		{"D:(D;;GA; ;;WD)", "D:(D;;GA;;;WD)"},
		{"D:(D;;GA;; ;WD)", "D:(D;;GA;;;WD)"},
		{"G:BAO:SY", "O:SYG:BA"},
		{"D:P(A;;GA;;;SY)(A;;GRGW;;;BU)", "D:P(A;;GA;;;SY)(A;;GWGR;;;BU)"},
		{"D:(A;;GA;;;S-1-5-32-544)", "D:(A;;GA;;;BA)"},
	} {
		sd, err := kernel.ParseSDDL(c.in)
		require.NoError(t, err, c.in)
		assert.Equal(t, c.out, sd.String(), c.in)
	}
}

// The descriptor's parts: NO_ACCESS_CONTROL is a NULL DACL, "D:" an empty one, P and
// AI set the protected and auto-inherited flags (MS docs, "Security Descriptor String
// Format").
func TestSDDLParsesParts(t *testing.T) {
	sd, err := kernel.ParseSDDL("O:BAG:SYD:PAI(D;OICI;FW;;;AN)(A;;GA;;;WD)S:P(AU;FA;GA;;;WD)")
	require.NoError(t, err)
	assert.Equal(t, kernel.SIDAdministrators, sd.Owner)
	assert.Equal(t, kernel.SIDLocalSystem, sd.Group)
	require.NotNil(t, sd.Dacl)
	require.Len(t, sd.Dacl.Entries, 2)
	assert.Equal(t, kernel.ACE{Type: kernel.ACCESS_DENIED_ACE_TYPE, Flags: kernel.OBJECT_INHERIT_ACE | kernel.CONTAINER_INHERIT_ACE, Mask: kernel.FILE_GENERIC_WRITE, SID: kernel.SIDAnonymous}, sd.Dacl.Entries[0])
	assert.Equal(t, kernel.SE_DACL_PRESENT|kernel.SE_DACL_PROTECTED|kernel.SE_DACL_AUTO_INHERITED|kernel.SE_SACL_PRESENT|kernel.SE_SACL_PROTECTED, sd.Control)
	require.Len(t, sd.Sacl.Entries, 1)

	null, err := kernel.ParseSDDL("D:NO_ACCESS_CONTROL")
	require.NoError(t, err)
	assert.Nil(t, null.Dacl)
	assert.Equal(t, kernel.SE_DACL_PRESENT, null.Control)
	empty, err := kernel.ParseSDDL("D:")
	require.NoError(t, err)
	require.NotNil(t, empty.Dacl)
	assert.Empty(t, empty.Dacl.Entries)
}

// Malformed strings get Windows' errors (Wine dlls/advapi32/tests/security.c
// test_ConvertStringSecurityDescriptor): an unknown revision ERROR_UNKNOWN_REVISION,
// an unknown component ERROR_INVALID_PARAMETER, a bad right, ACE type or ACE SID
// ERROR_INVALID_ACL ("D:(A;;ROB;;;WD)", "D:(D;;GA;;;Nonexistent account)"), a space
// after the ACE type or the rights ERROR_INVALID_ACL as on Vista and later. A bad
// owner or group is ERROR_INVALID_SID. Lower-case ACE types and rights are refused:
// no Wine row shows Windows accepting them (docs/security.md, Deviations).
func TestSDDLErrors(t *testing.T) {
	_, err := kernel.ConvertStringSecurityDescriptorToSecurityDescriptor("D:(A;;GA;;;WD)", 0xdeadbeef)
	assert.ErrorIs(t, err, kernel.ERROR_UNKNOWN_REVISION)
	_, err = kernel.ConvertStringSecurityDescriptorToSecurityDescriptor("D:(A;;GA;;;WD)", kernel.SDDL_REVISION_1)
	assert.NoError(t, err)
	for _, c := range []struct {
		in   string
		want kernel.Errno
	}{
		{"ERROR:(D;;GA;;;WD)", kernel.ERROR_INVALID_PARAMETER},
		{"X:SY", kernel.ERROR_INVALID_PARAMETER},
		{"O:SYO:BA", kernel.ERROR_INVALID_PARAMETER},
		{"D:(A;;GA;;;WD)D:(A;;GA;;;WD)", kernel.ERROR_INVALID_PARAMETER},
		{"O", kernel.ERROR_INVALID_PARAMETER},
		{"D:(A;;ROB;;;WD)", kernel.ERROR_INVALID_ACL},
		{"D:(A;;0x100000000;;;WD)", kernel.ERROR_INVALID_ACL},
		{"D:(A;;0xGR;;;WD)", kernel.ERROR_INVALID_ACL},
		{"D:(A;;G;;;WD)", kernel.ERROR_INVALID_ACL},
		{"D:(A;;ga;;;WD)", kernel.ERROR_INVALID_ACL},
		{"D:(a;;GA;;;WD)", kernel.ERROR_INVALID_ACL},
		{"D:(xa;;GA;;;WD;(Exists a))", kernel.ERROR_INVALID_ACL},
		{"D:(D;;GA;;;Nonexistent account)", kernel.ERROR_INVALID_ACL},
		{"D:(D;;GA;;;WDANDSUCH)", kernel.ERROR_INVALID_ACL},
		{"D:(D ;;GA;;;WD)", kernel.ERROR_INVALID_ACL},
		{"D:(D;;GA ;;;WD)", kernel.ERROR_INVALID_ACL},
		{"D:(Q;;GA;;;WD)", kernel.ERROR_INVALID_ACL},
		{"D:(A;XX;GA;;;WD)", kernel.ERROR_INVALID_ACL},
		{"D:(A;;GA;;WD)", kernel.ERROR_INVALID_ACL},
		{"D:(A;;GA;;;WD", kernel.ERROR_INVALID_ACL},
		{"D:A;;GA;;;WD)", kernel.ERROR_INVALID_ACL},
		{"D:(A;;GA;not-a-guid;;WD)", kernel.ERROR_INVALID_ACL},
		{"D:(A;;GA;bf967a7f-0de6-11d0-a285-00aa003049e2;;WD)", kernel.ERROR_INVALID_ACL},
		{"D:(XA;;GA;;;WD)", kernel.ERROR_INVALID_ACL},
		{"D:(A;;GA;;;WD;(x))", kernel.ERROR_INVALID_ACL},
		{"D:(RA;;;;;WD;(\"colour\",TS,0,\"blue\"))", kernel.ERROR_INVALID_ACL},
		{"D:(AU;;GA;;;WD)", kernel.ERROR_INVALID_ACL},
		{"S:(A;;GA;;;WD)", kernel.ERROR_INVALID_ACL},
		{"D:NO_ACCESS_CONTROL(A;;GA;;;WD)", kernel.ERROR_INVALID_ACL},
		{"D:Z(A;;GA;;;WD)", kernel.ERROR_INVALID_ACL},
		{"O:XX", kernel.ERROR_INVALID_SID},
		{"O:", kernel.ERROR_INVALID_SID},
		{"G:S-1-5-x", kernel.ERROR_INVALID_SID},
		{"O:LA", kernel.ERROR_INVALID_SID},
	} {
		_, err := kernel.ParseSDDL(c.in)
		assert.ErrorIs(t, err, c.want, "%q", c.in)
	}
}

// FuzzParseSDDL: any string either fails with one of the SDDL errors or parses to a
// descriptor whose formatted form parses again to the same formatted form (no panic,
// no other error).
func FuzzParseSDDL(f *testing.F) {
	for _, s := range []string{"", "O:SYG:BAD:P(A;;GA;;;SY)(A;;GRGW;;;BU)", "D:NO_ACCESS_CONTROLS:(AU;SA;0x12019f;;;SU)",
		"D:(OA;CI;RPWP;bf967a7f-0de6-11d0-a285-00aa003049e2;;AU)", "S:(ML;;NW;;;LW)", "D:(A;;0x1200FF;;;WD)", "O:S-1-0x10000000000-1",
		`D:(XA;;FX;;;WD;((@USER.Title == "PM") && ((@USER.Division == "Finance") || (@USER.Division == "Sales"))))`,
		`D:(XA;;FR;;;WD;(Member_of {SID(S-1-999-777-7-7), SID(BO)} && @Device.Bitlocker))`,
		`D:(XD;;FX;;;WD;(!(@USER.Project Not_Any_of {1, -2, 0x3, 04})))`,
		`D:AI(XA;OICI;FA;;;WD;(OctetStringType==#1#2#3##))`,
		`D:(XA;;CC;;;AA;(Not_Device_Member_of_any(SID(BA)) || Exists @RESOURCE.a || Not_Exists b))`,
		`D:(ZA;;CR;bf967a7f-0de6-11d0-a285-00aa003049e2;;WD;(@User.a Contains "x;)y"))S:(XU;SA;FR;;;WD;(a >= 1))`,
		`S:(RA;CI;;;;S-1-1-0; ("Project",TS,0,"Windows","S;Q)L"))(SP;;;;;S-1-17-1)`,
		`S:(RA;;;;;WD;("Age",TI,0x3,-0x10,077,+42))(RA;;;;;WD;("Owners",TD,0,BA,S-1-5-21-1-2-3-1000))`,
		`S:(RA;;;;;WD;("Blob",TX,0,#0011f#,#))(RA;;;;;WD;("Managed",TB,0,0,1))(RA;;;;;WD;("n",TU,0))`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		sd, err := kernel.ParseSDDL(s)
		if err != nil {
			switch err {
			case kernel.ERROR_INVALID_PARAMETER, kernel.ERROR_INVALID_ACL, kernel.ERROR_INVALID_SID:
				return
			}
			t.Fatalf("ParseSDDL(%q): unexpected error %v", s, err)
		}
		out := sd.String()
		again, err := kernel.ParseSDDL(out)
		if err != nil {
			t.Fatalf("ParseSDDL(%q) formatted as %q, which does not parse: %v", s, out, err)
		}
		if again.String() != out {
			t.Fatalf("ParseSDDL(%q): %q formats again as %q", s, out, again.String())
		}
	})
}

// Resource-attribute (RA) and scoped-policy-ID (SP) ACEs parse and format both ways in
// a SACL (MS docs "ACE Strings": the RA ACE's seventh field is its resource attribute,
// ("name",type,flags,values...), with the page's example
// (RA;CI;;;;S-1-1-0; ("Project",TS,0,"Windows","SQL")); MS-DTYP 2.5.1.1 for the value
// types TI, TU, TS, TD, TX, TB; 2.4.4.15 and 2.4.4.16: the mask is zero, an RA ACE's SID
// is Everyone). winsim writes the flags in 0x hex and integers in decimal.
func TestSDDLResourceAttributeAndScopedPolicy(t *testing.T) {
	for _, s := range []string{
		`S:(RA;;;;;WD;("Secrecy",TU,0x0,3))`,
		`S:(RA;CI;;;;WD;("Project",TS,0x0,"Windows","SQL"))`,
		`S:(RA;;;;;WD;("Classification",TS,0x3,"TopSecret","Most, Secret"))`,
		`S:(RA;;;;;WD;("Level",TI,0x0,-1,0,9223372036854775807,-9223372036854775808))`,
		`S:(RA;;;;;WD;("Owners",TD,0x0,BA,S-1-5-21-1-2-3-1000))`,
		`S:(RA;;;;;WD;("Blob",TX,0x0,#0011ff,#))`,
		`S:(RA;;;;;WD;("Managed",TB,0x0,0,1))`,
		`S:(RA;;;;;WD;("Empty",TS,0x0))`,
		`S:(SP;;;;;S-1-17-1)`,
		`D:(XA;;FR;;;WD;(@RESOURCE.Secrecy >= 3))S:(RA;;;;;WD;("Secrecy",TU,0x0,3))(SP;OICI;;;;S-1-17-22)`,
	} {
		sd, err := kernel.ParseSDDL(s)
		require.NoError(t, err, s)
		assert.Equal(t, s, sd.String(), s)
	}
	for _, c := range []struct{ in, out string }{
		{`S:(RA;CI;;;;S-1-1-0; ("Project",TS,0,"Windows","SQL"))`, `S:(RA;CI;;;;WD;("Project",TS,0x0,"Windows","SQL"))`},
		{`S:(RA;;;;;WD;("Age",TI,0,0x10,077,+42))`, `S:(RA;;;;;WD;("Age",TI,0x0,16,63,42))`},
		{`S:(RA;;;;;WD;("Bits",TX,3,#ABC))`, `S:(RA;;;;;WD;("Bits",TX,0x3,#0abc))`},
		{`S:(SP;;0;;;S-1-17-1)`, `S:(SP;;;;;S-1-17-1)`},
	} {
		sd, err := kernel.ParseSDDL(c.in)
		require.NoError(t, err, c.in)
		assert.Equal(t, c.out, sd.String(), c.in)
	}
	sd, err := kernel.ParseSDDL(`S:(RA;;;;;WD;("Secrecy",TU,0x0,3))(SP;;;;;S-1-17-1)`)
	require.NoError(t, err)
	require.Len(t, sd.Sacl.Entries, 2)
	assert.Equal(t, kernel.ACE{Type: kernel.SYSTEM_RESOURCE_ATTRIBUTE_ACE_TYPE, SID: kernel.SIDWorld,
		Attribute: &kernel.ResourceAttribute{Name: "Secrecy", Type: "TU", Values: []string{"3"}}}, sd.Sacl.Entries[0])
	assert.Equal(t, kernel.ACE{Type: kernel.SYSTEM_SCOPED_POLICY_ID_ACE_TYPE, SID: "S-1-17-1"}, sd.Sacl.Entries[1])
}

// Malformed RA and SP ACEs are ERROR_INVALID_ACL, as every other fault inside an ACE
// (Wine dlls/advapi32/tests/security.c test_ConvertStringSecurityDescriptor gives it for
// a bad ACE type, right or SID): RA and SP belong to the SACL, have no rights, an RA
// ACE needs its attribute and Everyone as its SID (MS-DTYP 2.4.4.15, 2.4.4.16, 2.5.1.1).
func TestSDDLResourceAttributeErrors(t *testing.T) {
	for _, s := range []string{
		`S:(RA;;;;;WD)`,
		`S:(RA;;;;;BA;("a",TS,0,"x"))`,
		`S:(RA;;GA;;;WD;("a",TS,0,"x"))`,
		`S:(RA;;;bf967a7f-0de6-11d0-a285-00aa003049e2;;WD;("a",TS,0,"x"))`,
		`S:(RA;;;;;WD;("a",ZZ,0,"x"))`,
		`S:(RA;;;;;WD;("a",ts,0,"x"))`,
		`S:(RA;;;;;WD;("",TS,0,"x"))`,
		`S:(RA;;;;;WD;(a,TS,0,"x"))`,
		`S:(RA;;;;;WD;("a",TS,0,x))`,
		`S:(RA;;;;;WD;("a",TS,"x"))`,
		`S:(RA;;;;;WD;("a",TS))`,
		`S:(RA;;;;;WD;("a"))`,
		`S:(RA;;;;;WD;())`,
		`S:(RA;;;;;WD;"a",TS,0,"x")`,
		`S:(RA;;;;;WD;("a",TS,0x100000000,"x"))`,
		`S:(RA;;;;;WD;("a",TS,-1,"x"))`,
		`S:(RA;;;;;WD;("a",TI,0,9223372036854775808))`,
		`S:(RA;;;;;WD;("a",TI,0,-9223372036854775809))`,
		`S:(RA;;;;;WD;("a",TU,0,-1))`,
		`S:(RA;;;;;WD;("a",TU,0,18446744073709551616))`,
		`S:(RA;;;;;WD;("a",TB,0,2))`,
		`S:(RA;;;;;WD;("a",TB,0,01))`,
		`S:(RA;;;;;WD;("a",TX,0,0102))`,
		`S:(RA;;;;;WD;("a",TD,0,XX))`,
		`S:(RA;;;;;WD;("a",TS,0,"x",))`,
		`S:(RA;;;;;WD;("a",TI,0,))`,
		`S:(RA;;;;;WD;("a",TI,0,-))`,
		`S:(RA;;;;;WD;("a",TX,0,))`,
		`S:(RA;;;;;WD;("a",TD,0,))`,
		`S:(RA;;;;;WD;("a",TS,0,"x") junk)`,
		`D:(RA;;;;;WD;("a",TS,0,"x"))`,
		`D:(SP;;;;;S-1-17-1)`,
		`S:(SP;;GA;;;S-1-17-1)`,
		`S:(SP;;;;;S-1-17-1;(x))`,
		`S:(SP;;;;;XX)`,
		`S:(ra;;;;;WD;("a",TS,0,"x"))`,
		`S:(sp;;;;;S-1-17-1)`,
	} {
		_, err := kernel.ParseSDDL(s)
		assert.ErrorIs(t, err, kernel.ERROR_INVALID_ACL, "%q", s)
	}
}

// AccessCheck decides from the DACL alone: RA and SP ACEs in the SACL neither grant nor
// deny (MS docs "How DACLs Control Access to an Object": the system examines the ACEs
// of the DACL; winsim has no central access policies for an SP ACE to name).
func TestAccessCheckIgnoresResourceAttributes(t *testing.T) {
	m := kerneltest.NewMachine(t)
	tok := m.DefaultToken()
	for _, c := range []struct {
		sddl string
		want kernel.Access
	}{
		{`D:(A;;GR;;;WD)S:(RA;;;;;WD;("Secrecy",TU,0x0,3))(SP;;;;;S-1-17-1)`, kernel.EventType.Generic.Read},
		{`D:S:(RA;;;;;WD;("Secrecy",TU,0x0,3))`, 0},
	} {
		sd, err := kernel.ParseSDDL(c.sddl)
		require.NoError(t, err)
		got, err := kernel.AccessCheck(sd, tok, kernel.MAXIMUM_ALLOWED, kernel.EventType.Generic)
		if c.want == 0 {
			assert.ErrorIs(t, err, kernel.ERROR_ACCESS_DENIED, c.sddl)
			continue
		}
		require.NoError(t, err, c.sddl)
		assert.Equal(t, c.want, got, c.sddl)
	}
}
