package kernel_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/winsim/winsim/kernel"
	"github.com/winsim/winsim/kerneltest"
)

// The descriptor a new object gets from its parent's and its creator's
// (CreatePrivateObjectSecurity and CreatePrivateObjectSecurityEx, SeAssignSecurityEx).
// Sources: the Windows-run ReactOS kmtest ntos_se/SeInheritance.c (SeInheritance.c
// below: inherited ACEs carry no INHERITED_ACE without auto-inheritance, an explicit
// DACL wins unless it is defaulted, no *_DEFAULTED flag is ever set), Forshaw, "Windows
// Security Internals", ch. 6 (table 6-4 of inherited flags, listings 6-15 to 6-27) and
// MS docs "ACE Inheritance Rules", "DACL for a New Object".
func TestCreatePrivateObjectSecurityInheritance(t *testing.T) {
	m := kerneltest.NewMachine(t)
	_, err := m.CreateUser("root", kernel.SIDAdministrators)
	require.NoError(t, err)
	admin, err := m.LogonUser("root")
	require.NoError(t, err)
	toks := map[string]*kernel.Token{"user": m.DefaultToken(), "admin": admin}
	u := string(m.DefaultToken().User())
	a := string(admin.User())
	ug := "O:" + u + "G:" + u
	def := ug + "D:(A;;FA;;;" + u + ")(A;;FA;;;SY)"
	for _, r := range []struct {
		source    string
		who       string
		parent    string
		explicit  string
		defaulted bool // the explicit DACL is SE_DACL_DEFAULTED
		container bool
		flags     uint32
		event     bool // map with the event type instead of files
		want      string
		err       error
	}{
		{"SeInheritance.c: an OI ACE reaches a leaf object with no inheritance flags", "user", "D:(A;OI;FR;;;WD)", "", false, false, 0, false, ug + "D:(A;;FR;;;WD)", nil},
		{"table 6-4: CI reaches no leaf object; the token's default DACL", "user", "D:(A;CI;FR;;;WD)", "", false, false, 0, false, def, nil},
		{"table 6-4: CI on a container stays CI", "user", "D:(A;CI;FR;;;WD)", "", false, true, 0, false, ug + "D:(A;CI;FR;;;WD)", nil},
		{"table 6-4: OI on a container becomes inherit-only OI", "user", "D:(A;OI;FR;;;WD)", "", false, true, 0, false, ug + "D:(A;OIIO;FR;;;WD)", nil},
		{"table 6-4: OICI on a container stays OICI", "user", "D:(A;OICI;FR;;;WD)", "", false, true, 0, false, ug + "D:(A;OICI;FR;;;WD)", nil},
		{"table 6-4: CINP on a container is effective only", "user", "D:(A;CINP;FR;;;WD)", "", false, true, 0, false, ug + "D:(A;;FR;;;WD)", nil},
		{"table 6-4: OINP reaches no container", "user", "D:(A;OINP;FR;;;WD)", "", false, true, 0, false, def, nil},
		{"table 6-4: OICINP on a leaf object", "user", "D:(A;OICINP;FR;;;WD)", "", false, false, 0, false, ug + "D:(A;;FR;;;WD)", nil},
		{"listing 6-17: the parent's IO does not stop inheritance, generic rights are mapped", "user", "D:(A;OIIO;GA;;;BU)", "", false, false, 0, false, ug + "D:(A;;FA;;;BU)", nil},
		{"listing 6-18: CI with generic rights splits into an effective ACE and an inherit-only copy", "user", "D:(A;CIIO;GA;;;BU)", "", false, true, 0, false, ug + "D:(A;;FA;;;BU)(A;CIIO;GA;;;BU)", nil},
		{"ACE Inheritance Rules: CREATOR OWNER becomes the creator's owner", "user", "D:(A;OIIO;GA;;;CO)", "", false, false, 0, false, ug + "D:(A;;FA;;;" + u + ")", nil},
		{"ACE Inheritance Rules: CREATOR GROUP becomes the creator's group", "admin", "D:(A;OIIO;GR;;;CG)", "", false, false, 0, false, "O:BAG:" + a + "D:(A;;FR;;;" + a + ")", nil},
		{"SeInheritance.c: CREATOR OWNER on a container splits", "user", "D:(A;OICI;GA;;;CO)", "", false, true, 0, false, ug + "D:(A;;FA;;;" + u + ")(A;OICIIO;GA;;;CO)", nil},
		{"listing 6-16: an inherited mask keeps only the bits the object's type has", "user", "D:(A;OI;0x1f01ff;;;WD)", "", false, false, 0, true, ug + "D:(A;;0x1f0003;;;WD)", nil},
		{"listing 6-24: an explicit DACL overrides inheritance", "user", "D:(A;OIIO;GA;;;BU)", "D:P(A;;GA;;;BA)", false, false, 0, false, ug + "D:P(A;;FA;;;BA)", nil},
		{"listing 6-24: even an empty explicit DACL overrides inheritance", "user", "D:(A;OIIO;GA;;;BU)", "D:", false, false, 0, false, ug + "D:", nil},
		{"SeInheritance.c: even a NULL explicit DACL overrides inheritance", "user", "D:(A;OIIO;GA;;;BU)", "D:NO_ACCESS_CONTROL", false, false, 0, false, ug + "D:NO_ACCESS_CONTROL", nil},
		{"listing 6-23: a creator descriptor without a DACL inherits", "user", "D:(A;OIIO;GA;;;BU)", "G:WD", false, false, 0, false, "O:" + u + "G:WDD:(A;;FA;;;BU)", nil},
		{"listing 6-27: a defaulted explicit DACL gives way to inheritable ACEs", "user", "D:(A;OIIO;GA;;;BU)", "D:(A;;GA;;;NU)", true, false, 0, false, ug + "D:(A;;FA;;;BU)", nil},
		{"listing 6-27: a defaulted explicit DACL is used when nothing is inherited", "user", "D:(A;;GA;;;BU)", "D:(A;;GA;;;NU)", true, false, 0, false, ug + "D:(A;;FA;;;NU)", nil},
		{"listing 6-6: an owner the token may not assign is ERROR_INVALID_OWNER", "user", "", "O:SY", false, false, 0, false, "", kernel.ERROR_INVALID_OWNER},
		{"listing 6-6: an administrator may assign Administrators", "admin", "", "O:BA", false, false, 0, false, "O:BAG:" + a + "D:(A;;FA;;;" + a + ")(A;;FA;;;SY)", nil},
		{"listing 6-21: auto-inheritance marks inherited ACEs and the DACL", "user", "D:AI(A;OIIO;GA;;;BU)", "", false, false, kernel.SEF_DACL_AUTO_INHERIT, false, ug + "D:AI(A;ID;FA;;;BU)", nil},
		{"listing 6-21: auto-inheritance on a container", "user", "D:AI(A;CI;FR;;;WD)", "", false, true, kernel.SEF_DACL_AUTO_INHERIT, false, ug + "D:AI(A;CIID;FR;;;WD)", nil},
		{"listing 6-25: auto-inheritance merges explicit ACEs (inherited ones dropped) with the parent's", "user", "D:AI(A;OIIO;GA;;;BU)", "D:(A;;GA;;;NU)(A;ID;GA;;;IU)", false, false, kernel.SEF_DACL_AUTO_INHERIT, false, ug + "D:AI(A;;FA;;;NU)(A;ID;FA;;;BU)", nil},
		{"listing 6-26: a protected explicit DACL keeps its ACEs, inherited flags cleared", "user", "D:AI(A;OIIO;GA;;;BU)", "D:P(A;;GA;;;NU)(A;ID;GA;;;IU)", false, false, kernel.SEF_DACL_AUTO_INHERIT, false, ug + "D:PAI(A;;FA;;;NU)(A;;FA;;;IU)", nil},
		{"ACE Inheritance Rules: SACL ACEs are inherited by the same rules", "user", "S:(AU;OISA;FR;;;WD)", "", false, false, 0, false, def + "S:(AU;SA;FR;;;WD)", nil},
	} {
		var parent, explicit *kernel.SecurityDescriptor
		if r.parent != "" {
			parent, err = kernel.ParseSDDL(r.parent)
			require.NoError(t, err, r.source)
		}
		if r.explicit != "" {
			explicit, err = kernel.ParseSDDL(r.explicit)
			require.NoError(t, err, r.source)
			if r.defaulted {
				explicit.Control |= kernel.SE_DACL_DEFAULTED
			}
		}
		g := kernel.FileType.Generic
		if r.event {
			g = kernel.EventType.Generic
		}
		sd, err := kernel.CreatePrivateObjectSecurityEx(parent, explicit, r.container, r.flags, toks[r.who], g)
		if r.err != nil {
			assert.ErrorIs(t, err, r.err, r.source)
			continue
		}
		if assert.NoError(t, err, r.source) {
			assert.Equal(t, r.want, sd.String(), r.source)
			assert.Zero(t, sd.Control&(kernel.SE_OWNER_DEFAULTED|kernel.SE_GROUP_DEFAULTED|kernel.SE_DACL_DEFAULTED|kernel.SE_SACL_DEFAULTED), "SeInheritance.c: nothing defaulted: %s", r.source)
		}
		if r.flags == 0 {
			plain, err := kernel.CreatePrivateObjectSecurity(parent, explicit, r.container, toks[r.who], g)
			require.NoError(t, err)
			assert.Equal(t, sd, plain, "CreatePrivateObjectSecurity is the Ex call without flags: %s", r.source)
		}
	}
}

// CreateProcessWithAttributes gives the child the descriptor lpProcessAttributes
// carries and the returned handle its inherit flag (MS docs CreateProcessW,
// lpProcessAttributes): a NULL DACL lets another user open the child.
func TestCreateProcessWithAttributes(t *testing.T) {
	m := kerneltest.NewMachine(t)
	p := kerneltest.NewProcess(t, m, "parent.exe")
	defer p.Terminate(0)
	_, err := m.CreateUser("alice")
	require.NoError(t, err)
	alice, err := m.LogonUser("alice")
	require.NoError(t, err)
	other, err := m.NewProcessAs(alice, "other.exe", nil)
	require.NoError(t, err)
	defer other.Terminate(0)

	h, child, err := p.CreateProcess("private.exe", false, nil)
	require.NoError(t, err)
	_, err = other.OpenProcess(kernel.SYNCHRONIZE, false, child.PID())
	assert.ErrorIs(t, err, kernel.ERROR_ACCESS_DENIED, "the default DACL is the parent's user and SYSTEM")
	child.Terminate(0)
	require.NoError(t, p.CloseHandle(h))

	open, err := kernel.ParseSDDL("D:NO_ACCESS_CONTROL")
	require.NoError(t, err)
	h, child, err = p.CreateProcessWithAttributes("open.exe", &kernel.SecurityAttributes{SecurityDescriptor: open, InheritHandle: true}, false, nil)
	require.NoError(t, err)
	defer func() { child.Terminate(0); require.NoError(t, p.CloseHandle(h)) }()
	oh, err := other.OpenProcess(kernel.SYNCHRONIZE, false, child.PID())
	require.NoError(t, err)
	require.NoError(t, other.CloseHandle(oh))
	flags, err := p.GetHandleInformation(h)
	require.NoError(t, err)
	assert.Equal(t, kernel.HANDLE_FLAG_INHERIT, flags)
	assert.Equal(t, p.Token().User(), child.Token().User(), "the child runs as its parent's user")
}
