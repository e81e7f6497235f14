package view_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/winsim/winsim/kernel"
	"github.com/winsim/winsim/view"
)

// Security lists each object's owner and DACL in SDDL, with the machine's own
// accounts written as SIDs and well-known ones as their aliases (MS docs, "Security
// Descriptor String Format").
func TestSecurityShowsOwnerAndDACL(t *testing.T) {
	m, a, _, ev, _ := setup(t)
	sd, err := kernel.ParseSDDL("D:P(A;;GA;;;SY)(A;;GR;;;WD)")
	require.NoError(t, err)
	h, err := a.CreateEvent(&kernel.SecurityAttributes{SecurityDescriptor: sd}, false, false, "guarded")
	require.NoError(t, err)
	defer func() { require.NoError(t, a.CloseHandle(h)) }()
	var buf bytes.Buffer
	view.Security(&buf, m)
	out := buf.String()
	u := string(a.Token().User())
	assert.Contains(t, out, `\BaseNamedObjects\guarded`)
	assert.Contains(t, out, "O:"+u+"D:P(A;;0x1f0003;;;SY)(A;;CCRC;;;WD)", "an explicit DACL, mapped for events (GR = READ_CONTROL|EVENT_QUERY_STATE)")
	assert.Contains(t, out, "O:"+u+"D:(A;;0x1f0003;;;"+u+")(A;;0x1f0003;;;SY)", "the default DACL of the shared event")
	assert.Contains(t, out, "O:BAD:(A;;0x1fffff;;;SY)(A;;0x120410;;;BA)", "the System process's, owned by Administrators")
	require.NotZero(t, ev)
	assert.True(t, strings.HasPrefix(out, "Security of objects on VIEWHOST:"))
}
