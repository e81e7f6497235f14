package kernel_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/winsim/winsim/kernel"
	"github.com/winsim/winsim/kerneltest"
)

// srcSamba names the record of Windows' answers the Samba project made for conditional
// ACE SDDL: the strings ConvertStringSecurityDescriptorToSecurityDescriptor accepts,
// as ConvertSecurityDescriptorToStringSecurityDescriptor writes them back
// (libcli/security/tests/data/conditional_aces.txt and conditional_aces_windows_only.txt),
// and the ones it refuses (conditional_aces_should_fail.txt).
const srcSamba = "Samba libcli/security/tests/data/conditional_aces"

// Conditional ACEs in SDDL are read and written the way Windows' advapi32 does (MS docs
// "Security Descriptor Definition Language for Conditional ACEs"; the pairs Samba
// recorded from Windows): every operand of && and || in parentheses, operators between
// single spaces, attribute prefixes upper-case, keywords in canonical case, SIDs as
// aliases, integers in their base, octet strings with "#" as "0". The written form
// reads back to itself.
func TestConditionalACESDDL(t *testing.T) {
	for _, r := range []struct{ source, in, out string }{
		{srcSamba + ".txt", `D:(XD;;CC;;;S-1-2-3;(@User.Title == @User.Title))`, `D:(XD;;CC;;;S-1-2-3;(@USER.Title == @USER.Title))`},
		{srcSamba + ".txt", `D:(XA;;FX;;;S-1-1-0;(@User.Title == "PM"))`, `D:(XA;;FX;;;WD;(@USER.Title == "PM"))`},
		{srcSamba + ".txt", `O:SYG:SYD:(XA;OICI;CR;;;WD;(@USER.ad://ext/AuthenticationSilo == "siloname"))`, `O:SYG:SYD:(XA;OICI;CR;;;WD;(@USER.ad://ext/AuthenticationSilo == "siloname"))`},
		{srcSamba + ".txt", `D:(D;OICI;GA;;;BG)(A;OICI;GRGWGX;;;AU)(XA;;FX;;;S-1-1-0;(@User.Title == ""))(A;OICI;GA;;;BA)`, `D:(D;OICI;GA;;;BG)(A;OICI;GXGWGR;;;AU)(XA;;FX;;;WD;(@USER.Title == ""))(A;OICI;GA;;;BA)`},
		{srcSamba + ".txt", `D:(XD;;FX;;;S-1-1-0;(@User.Title != "PM"))`, `D:(XD;;FX;;;WD;(@USER.Title != "PM"))`},
		{srcSamba + ".txt", `D:(XD;;FX;;;S-1-1-0;(@User.Project Any_of @Resource.Project))`, `D:(XD;;FX;;;WD;(@USER.Project Any_of @RESOURCE.Project))`},
		{srcSamba + ".txt", `D:AI(XA;OICI;FA;;;WD;(OctetStringType==##1#2#3##))`, `D:AI(XA;OICI;FA;;;WD;(OctetStringType == #01020300))`},
		{srcSamba + "_windows_only.txt: an odd count of digits gets a leading 0", `D:AI(XA;OICI;FA;;;WD;(OctetStringType==#1#2#3##))`, `D:AI(XA;OICI;FA;;;WD;(OctetStringType == #01020300))`},
		{srcSamba + ".txt", `D:(XA;;FR;;;S-1-1-0;(Member_of {SID(S-1-999-777-7-7), SID(BO)} && @Device.Bitlocker))`, `D:(XA;;FR;;;WD;((Member_of {SID(S-1-999-777-7-7), SID(BO)}) && (@DEVICE.Bitlocker)))`},
		{srcSamba + ".txt", `D:(XA;;FX;;;S-1-1-0;(@User.Title=="PM" && (@User.Division=="Finance" || @User.Division =="Sales")))`, `D:(XA;;FX;;;WD;((@USER.Title == "PM") && ((@USER.Division == "Finance") || (@USER.Division == "Sales"))))`},
		{srcSamba + ".txt", `D:(XA;;0x1f;;;AA;(@Device.colour == {"orange", "blue"}))`, `D:(XA;;CCDCLCSWRP;;;AA;(@DEVICE.colour == {"orange", "blue"}))`},
		{srcSamba + ".txt", `D:(XA;;0x1f;;;AA;(@Device.legs >= 1))`, `D:(XA;;CCDCLCSWRP;;;AA;(@DEVICE.legs >= 1))`},
		{srcSamba + ".txt", `D:(XA;;0x1f;;;AA;(Device_Member_of{SID(BA)} && Member_of{SID(WD)}))`, `D:(XA;;CCDCLCSWRP;;;AA;((Device_Member_of {SID(BA)}) && (Member_of {SID(WD)})))`},
		{srcSamba + ".txt", `D:(XA;;0x1f;;;AA;(Device_Member_of{SID(BG)} || Member_of{SID(WR)}))`, `D:(XA;;CCDCLCSWRP;;;AA;((Device_Member_of {SID(BG)}) || (Member_of {SID(WR)})))`},
		{srcSamba + ".txt: Windows writes Member_of_any", `D:(XA;;0x1ff;;;S-1-222-333;(Member_of_Any{SID(S-1-222-333)}))`, `D:(XA;;CCDCLCSWRPWPDTLOCR;;;S-1-222-333;(Member_of_any {SID(S-1-222-333)}))`},
		{srcSamba + ".txt", `O:S-1-1-0D:(XA;;0x1ff;;;WD;(Member_of SID(S-1-1-0)))`, `O:WDD:(XA;;CCDCLCSWRPWPDTLOCR;;;WD;(Member_of SID(WD)))`},
		{srcSamba + ".txt: parentheses around the operand", `O:S-1-1-0D:(XA;;0x1ff;;;WD;(Member_of(SID(S-1-1-0))))`, `O:WDD:(XA;;CCDCLCSWRPWPDTLOCR;;;WD;(Member_of SID(WD)))`},
		{srcSamba + ".txt", `O:S-1-1-0D:(XA;;0x1ff;;;WD;(Member_of_Any{SID(S-1-1-0), SID(S-1-222-333)}))`, `O:WDD:(XA;;CCDCLCSWRPWPDTLOCR;;;WD;(Member_of_any {SID(WD), SID(S-1-222-333)}))`},
		{srcSamba + ".txt", `D:(XA;;0x1f;;;AA;(!(! (Member_of{SID(AA)}))))`, `D:(XA;;CCDCLCSWRP;;;AA;(!(!(Member_of {SID(AA)}))))`},
		{srcSamba + ".txt", `D:(XA;;0x1f;;;AA;(@Device.colour == @Resource.colour))`, `D:(XA;;CCDCLCSWRP;;;AA;(@DEVICE.colour == @RESOURCE.colour))`},
		{srcSamba + ".txt: keywords in any case", `O:S-1-1-0D:(XA;;0x1ff;;;WD;(mEMBER_of{SID(S-1-1-0)}))`, `O:WDD:(XA;;CCDCLCSWRPWPDTLOCR;;;WD;(Member_of {SID(WD)}))`},
		{srcSamba + ".txt", `O:S-1-1-0D:(XA;;0x0;;;WD;(Member_Of SID(S-1-1-0)))`, `O:WDD:(XA;;;;;WD;(Member_of SID(WD)))`},
		{srcSamba + ".txt", `D:(XD;;FX;;;WD;(@USER.Project Any_of 1))`, `D:(XD;;FX;;;WD;(@USER.Project Any_of 1))`},
		{srcSamba + ".txt", `D:(XD;;FX;;;WD;(!(@USER.Project Not_Any_of 1)))`, `D:(XD;;FX;;;WD;(!(@USER.Project Not_Any_of 1)))`},
		{srcSamba + ".txt: a local attribute on the left", `D:(XA;;CC;;;AA;(a == @User.a))`, `D:(XA;;CC;;;AA;(a == @USER.a))`},
		{srcSamba + ".txt: && binds tighter, equal operators left to right", `D:(XA;;FR;;;S-1-1-0;(@USER.A || @Device.B && @USER.C))`, `D:(XA;;FR;;;WD;((@USER.A) || ((@DEVICE.B) && (@USER.C))))`},
		{srcSamba + ".txt", `D:(XA;;FR;;;S-1-1-0;(@USER.A && @Device.B || @USER.C))`, `D:(XA;;FR;;;WD;(((@USER.A) && (@DEVICE.B)) || (@USER.C)))`},
		{srcSamba + ".txt", `D:(XA;;FR;;;S-1-1-0;(@USER.A || @Device.B || @USER.C))`, `D:(XA;;FR;;;WD;(((@USER.A) || (@DEVICE.B)) || (@USER.C)))`},
		{srcSamba + ".txt", `D:(XA;;;;;WD;(@Device.bb == 0x7fffffffffffffff))`, `D:(XA;;;;;WD;(@DEVICE.bb == 0x7fffffffffffffff))`},
		{srcSamba + "_windows_only.txt", `D:(XA;;;;;WD;(@Device.bb == 0xffffffffffffffff))`, `D:(XA;;;;;WD;(@DEVICE.bb == 0xffffffffffffffff))`},
		{srcSamba + ".txt: Member_of takes other literals too", `D:(XD;;FX;;;WD;(Member_of {1, 2, 3}))(A;;CR;;;WD)`, `D:(XD;;FX;;;WD;(Member_of {1, 2, 3}))(A;;CR;;;WD)`},
		{srcSamba + ".txt: list order and repeats are kept", `D:(XD;;FX;;;WD;(@USER.Project Any_of {3, 2, 1, 1}))`, `D:(XD;;FX;;;WD;(@USER.Project Any_of {3, 2, 1, 1}))`},
		{srcSamba + "_windows_only.txt: space before the condition, lower-case keywords and SIDs", `O:s-1-1-0D:(XA;;;;;WD; (member_of((sid(s-1-1-0)))))`, `O:WDD:(XA;;;;;WD;(Member_of SID(WD)))`},
		{srcSamba + "_case_insensitive.txt", `D:AI(XA;OICI;FA;;;WD;(OctetStringType==#abcdef))`, `D:AI(XA;OICI;FA;;;WD;(OctetStringType == #abcdef))`},
		{"MS-DTYP 2.5.1: Exists, Not_Exists, Contains, negative and octal integers", `D:(XA;;CC;;;WD;(Exists @User.a && Not_Exists b && @Device.c Contains {-1, 017}))`, `D:(XA;;CC;;;WD;(((Exists @USER.a) && (Not_Exists b)) && (@DEVICE.c Contains {-1, 017})))`},
		{"ACE Strings: ZA, an object callback ACE, and XU in a SACL; a string may hold ; and )", `D:(ZA;;CR;bf967a7f-0de6-11d0-a285-00aa003049e2;;WD;(@User.a == "x;)y"))S:(XU;SA;FR;;;WD;(a >= 1))`, `D:(ZA;;CR;bf967a7f-0de6-11d0-a285-00aa003049e2;;WD;(@USER.a == "x;)y"))S:(XU;SA;FR;;;WD;(a >= 1))`},
	} {
		sd, err := kernel.ParseSDDL(r.in)
		if !assert.NoError(t, err, "%s: %s", r.source, r.in) {
			continue
		}
		assert.Equal(t, r.out, sd.String(), r.source)
		again, err := kernel.ParseSDDL(r.out)
		if assert.NoError(t, err, "the written form reads back: %s", r.out) {
			assert.Equal(t, r.out, again.String(), "round trip: %s", r.out)
		}
	}
}

// The strings Windows refuses (Samba's conditional_aces_should_fail.txt), and callback
// ACEs without a condition, give ERROR_INVALID_ACL, as every other error inside an ACE
// does.
func TestConditionalACEErrors(t *testing.T) {
	for _, in := range []string{
		`D:(XA;;FR;;;S-1-1-0; (Member_of {SID(ernie), SID(BO)} && @Device.Bitlocker))`,
		`D:(XA;;0x1f;;;AA;(!!! !!!  !!! Member_of{SID(BA)}))`,
		`O:S-1-1-0D:(XA;;0x1ff;;;WD;(Member_of_AnySID(S-1-1-0)))`,
		`D:(XA;;CC;;;S-1-2-3;(@User.Title == !(@User.Title)))`,
		`D:(XA;;0x1f;;;AA;(! Member_of{SID(BA)}))`,
		`D:(XA;;0x1f;;;AA;(a == a))`,
		`D:(XA;;;;;WD;(@Device.bb == 055555624677746777766777767))`,
		`D:(XA;;;;;WD;(@Device.bb == 0x624677746777766777767))`,
		`D:(XA;;;;;WD;(@Device.bb == 624677746777766777767))`,
		`D:(XA;;;;;WD;(@Device.bb == 0x10000000000000000))`,
		`D:(XA;;FX;;;WD)`,
		`D:(XA;;FX;;;WD;)`,
		`D:(XA;;FX;;;WD;@User.a)`,
		`D:(XA;;FX;;;WD;(@User.a == "open))`,
		`D:(XA;;FX;;;WD;(@User.a ==))`,
		`D:(XA;;FX;;;WD;(@User.a Contains"x"))`,
		`D:(XA;;FX;;;WD;(@Other.a))`,
		`D:(XA;;FX;;;WD;((@User.a))`,
		`D:(XA;;FX;;;WD;(Member_of @User.a))`,
		`D:(XA;;FX;;;WD;(@User.a && ))`,
		`D:(A;;FX;;;WD;(@User.a))`,
	} {
		_, err := kernel.ParseSDDL(in)
		assert.ErrorIs(t, err, kernel.ERROR_INVALID_ACL, in)
	}
}

// Conditional ACEs in access checks (MS docs, "Security Descriptor Definition Language
// for Conditional ACEs": "Unknown Values", the AND/OR tables, "Conditional ACE
// Evaluation": an allow ACE applies when its condition is TRUE, a deny ACE when it is
// TRUE or UNKNOWN). winsim's tokens carry no claims, so every attribute is absent:
// relations on it are UNKNOWN, Exists FALSE, Not_Exists TRUE; Member_of tests the
// token's user and groups; Device_Member_of tests an empty device set.
func TestConditionalACEEvaluation(t *testing.T) {
	m := kerneltest.NewMachine(t)
	who := tokens(t, m)
	const read = kernel.FILE_READ_DATA
	const (
		granted = true
		denied  = false
	)
	for _, r := range []struct {
		source string
		who    string
		sddl   string
		want   bool
	}{
		{"Member_of: the token is in every SID", "user", "D:(XA;;FR;;;WD;(Member_of {SID(BU), SID(IU)}))", granted},
		{"Member_of: one SID missing", "user", "D:(XA;;FR;;;WD;(Member_of {SID(BU), SID(BA)}))", denied},
		{"Member_of_any: one SID is enough", "user", "D:(XA;;FR;;;WD;(Member_of_any {SID(BA), SID(BU)}))", granted},
		{"Not_Member_of: the inverse of Member_of", "user", "D:(XA;;FR;;;WD;(Not_Member_of {SID(BA)}))", granted},
		{"Not_Member_of: in the group", "admin", "D:(XA;;FR;;;WD;(Not_Member_of {SID(BA)}))", denied},
		{"Not_Member_of_any: in none", "user", "D:(XA;;FR;;;WD;(Not_Member_of_any {SID(BA), SID(BG)}))", granted},
		{"Device_Member_of: no device groups", "user", "D:(XA;;FR;;;WD;(Device_Member_of {SID(WD)}))", denied},
		{"Not_Device_Member_of: no device groups", "user", "D:(XA;;FR;;;WD;(Not_Device_Member_of {SID(WD)}))", granted},
		{"the ACE's SID must match as well", "user", "D:(XA;;FR;;;BA;(Member_of {SID(WD)}))", denied},
		{"Unknown Values: a relation on an absent attribute leaves an allow ACE out", "user", `D:(XA;;FR;;;WD;(@User.Title == "PM"))`, denied},
		{"Unknown Values: ... and applies a deny ACE", "user", `D:(XD;;FR;;;WD;(@User.Title == "PM"))(A;;FR;;;WD)`, denied},
		{"a bare absent attribute is UNKNOWN: the deny ACE applies", "user", `D:(XD;;FR;;;WD;(@Device.Bitlocker))(A;;FR;;;WD)`, denied},
		{"Exists of an absent attribute is FALSE: the deny ACE is ignored", "user", `D:(XD;;FR;;;WD;(Exists @User.a))(A;;FR;;;WD)`, granted},
		{"Not_Exists of an absent attribute is TRUE", "user", `D:(XA;;FR;;;WD;(Not_Exists @User.a))`, granted},
		{"AND table: TRUE && UNKNOWN is UNKNOWN (allow left out)", "user", `D:(XA;;FR;;;WD;(Member_of {SID(BU)} && @User.a == 1))`, denied},
		{"AND table: FALSE && UNKNOWN is FALSE (deny ignored)", "user", `D:(XD;;FR;;;WD;(Member_of {SID(BA)} && @User.a == 1))(A;;FR;;;WD)`, granted},
		{"OR table: TRUE || UNKNOWN is TRUE", "user", `D:(XA;;FR;;;WD;(Member_of {SID(BU)} || @User.a == 1))`, granted},
		{"OR table: FALSE || UNKNOWN is UNKNOWN (deny applies)", "user", `D:(XD;;FR;;;WD;(Member_of {SID(BA)} || @User.a == 1))(A;;FR;;;WD)`, denied},
		{"the negation of UNKNOWN is UNKNOWN", "user", `D:(XD;;FR;;;WD;(!(@User.a == 1)))(A;;FR;;;WD)`, denied},
		{"the negation of FALSE is TRUE", "user", `D:(XA;;FR;;;WD;(!(Member_of {SID(BA)})))`, granted},
		{"Member_of with literals that are no SIDs has no answer", "user", `D:(XA;;FR;;;WD;(Member_of {1, 2}))`, denied},
		{"a resource attribute is absent too", "user", `D:(XA;;FR;;;WD;(@User.a Any_of @Resource.b))`, denied},
		{"an object callback ACE (ZA) takes no part, as object ACEs do not", "user", `D:(ZA;;FR;bf967a7f-0de6-11d0-a285-00aa003049e2;;WD;(Member_of {SID(WD)}))`, denied},
	} {
		sd, err := kernel.ParseSDDL(r.sddl)
		require.NoError(t, err, r.sddl)
		_, err = kernel.AccessCheck(sd, who[r.who], read, kernel.FileType.Generic)
		if r.want {
			assert.NoError(t, err, r.source)
		} else {
			assert.ErrorIs(t, err, kernel.ERROR_ACCESS_DENIED, r.source)
		}
	}
}
