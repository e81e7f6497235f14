package kernel_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/winsim/winsim/kernel"
	"github.com/winsim/winsim/kerneltest"
)

// Inheritance of ACEs into new objects and containers (MS docs "ACE Inheritance
// Rules" and CreatePrivateObjectSecurity; Wine dlls/advapi32/tests/security.c
// test_CreateDirectoryA and test_inherited_dacl, which read inherited ACEs back with
// INHERITED_ACE set and CREATOR OWNER replaced by the creator).
func TestCreatePrivateObjectSecurityInheritance(t *testing.T) {
	m := kerneltest.NewMachine(t)
	tok := m.DefaultToken()
	u := string(tok.User())
	g := kernel.FileType.Generic
	for _, r := range []struct {
		source    string
		parent    string
		explicit  string
		container bool
		want      string
	}{
		{"OI: a leaf object inherits, without inheritance flags", "D:(A;OI;FR;;;WD)", "", false, "O:" + u + "G:" + u + "D:(A;ID;FR;;;WD)"},
		{"CI only: a leaf object inherits nothing and gets the default DACL", "D:(A;CI;FR;;;WD)", "", false, "O:" + u + "G:" + u + "D:(A;;FA;;;" + u + ")(A;;FA;;;SY)"},
		{"CI: a container inherits and passes it on", "D:(A;CI;FR;;;WD)", "", true, "O:" + u + "G:" + u + "D:(A;CIID;FR;;;WD)"},
		{"OI on a container: inherit-only, for its children", "D:(A;OI;FR;;;WD)", "", true, "O:" + u + "G:" + u + "D:(A;OIIOID;FR;;;WD)"},
		{"NP: the container takes it and passes nothing on", "D:(A;OICINP;FR;;;WD)", "", true, "O:" + u + "G:" + u + "D:(A;ID;FR;;;WD)"},
		{"IO in the parent does not stop inheritance", "D:(A;OIIO;FR;;;WD)", "", false, "O:" + u + "G:" + u + "D:(A;ID;FR;;;WD)"},
		{"CREATOR OWNER becomes the creator; generic rights are mapped", "D:(A;OICI;GA;;;CO)", "", true, "O:" + u + "G:" + u + "D:(A;ID;FA;;;" + u + ")(A;OICIIOID;GA;;;CO)"},
		{"no inheritable ACEs: the token's default DACL", "D:(A;;FA;;;WD)", "", false, "O:" + u + "G:" + u + "D:(A;;FA;;;" + u + ")(A;;FA;;;SY)"},
		{"an explicit DACL wins over inheritance", "D:(A;OI;FR;;;WD)", "D:P(A;;GA;;;BA)", false, "O:" + u + "G:" + u + "D:P(A;;FA;;;BA)"},
		{"an explicit owner is kept", "D:(A;OI;FR;;;WD)", "O:BA", false, "O:BAG:" + u + "D:(A;ID;FR;;;WD)"},
	} {
		parent, err := kernel.ParseSDDL(r.parent)
		require.NoError(t, err)
		var explicit *kernel.SecurityDescriptor
		if r.explicit != "" {
			explicit, err = kernel.ParseSDDL(r.explicit)
			require.NoError(t, err)
		}
		sd := kernel.CreatePrivateObjectSecurity(parent, explicit, r.container, tok, g)
		assert.Equal(t, r.want, sd.String(), r.source)
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
	assert.Same(t, p.Token(), child.Token())
}
