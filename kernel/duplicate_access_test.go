package kernel_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/winsim/winsim/kernel"
	"github.com/winsim/winsim/kerneltest"
)

// DuplicateHandle without DUPLICATE_SAME_ACCESS: access within the source handle's is
// given as asked, more is checked against the object's descriptor with the caller's
// token, and MAXIMUM_ALLOWED asks for the source's access and whatever the DACL grants
// besides. Each row is an event whose DACL is sddl (%s stands for the caller's user),
// opened by the caller with source access, then duplicated asking for desired.
func TestDuplicateHandleAccessTable(t *testing.T) {
	m := kerneltest.NewMachine(t)
	ps := procsAs(t, m)
	const all = kernel.EVENT_ALL_ACCESS
	for i, r := range []struct {
		source  string
		who     string // the caller; the event's creator is SYSTEM, or the caller for an O:%s row
		sddl    string
		src     kernel.Access
		desired kernel.Access
		granted kernel.Access
		err     error
	}{
		{"Wine security.c test_event_security: 0 from a full handle is a handle with no access", "user", "D:(A;;GA;;;WD)", all, 0, 0, nil},
		{"Wine security.c test_event_security: GENERIC_READ from a full handle, mapped", "user", "D:(A;;GA;;;WD)", all, kernel.GENERIC_READ, kernel.READ_CONTROL | kernel.EVENT_QUERY_STATE, nil},
		{"Wine security.c test_event_security: GENERIC_ALL from a full handle", "user", "D:(A;;GA;;;WD)", all, kernel.GENERIC_ALL, all, nil},
		{"MS docs DuplicateHandle: a subset needs no access check, even when the DACL grants the caller nothing", "user", "D:(A;;GA;;;SY)", all, kernel.SYNCHRONIZE, kernel.SYNCHRONIZE, nil},
		{"Wine security.c test_process_security_child: more than the source, refused by the DACL", "other", "D:(A;;GX;;;WD)", kernel.SYNCHRONIZE, kernel.EVENT_MODIFY_STATE, 0, kernel.ERROR_ACCESS_DENIED},
		{"Wine security.c test_process_security_child: a deny ACE for one right refuses the wider duplicate", "other", "D:(D;;0x1;;;WD)(A;;GA;;;WD)", kernel.SYNCHRONIZE, all, 0, kernel.ERROR_ACCESS_DENIED},
		{"Wine server/handle.c duplicate_handle: more than the source, granted by the DACL", "other", "D:(A;;GA;;;WD)", kernel.SYNCHRONIZE, kernel.EVENT_MODIFY_STATE, kernel.EVENT_MODIFY_STATE, nil},
		{"Wine server/handle.c duplicate_handle: MAXIMUM_ALLOWED is what the DACL grants", "other", "D:(A;;GX;;;WD)(A;;0x1;;;BU)", kernel.SYNCHRONIZE, kernel.MAXIMUM_ALLOWED, kernel.SYNCHRONIZE | kernel.READ_CONTROL | kernel.EVENT_QUERY_STATE, nil},
		{"MAXIMUM_ALLOWED keeps the source's access the DACL no longer grants", "other", "D:(A;;0x1;;;WD)", kernel.EVENT_QUERY_STATE | kernel.SYNCHRONIZE, kernel.MAXIMUM_ALLOWED, kernel.EVENT_QUERY_STATE | kernel.SYNCHRONIZE, nil},
		{"MAXIMUM_ALLOWED with a right the DACL does not grant", "other", "D:(A;;GX;;;WD)", kernel.SYNCHRONIZE, kernel.MAXIMUM_ALLOWED | kernel.EVENT_MODIFY_STATE, 0, kernel.ERROR_ACCESS_DENIED},
		{"MAXIMUM_ALLOWED with a right the source has", "other", "D:(A;;GX;;;WD)", kernel.SYNCHRONIZE, kernel.MAXIMUM_ALLOWED | kernel.SYNCHRONIZE, kernel.SYNCHRONIZE | kernel.READ_CONTROL, nil},
		{"How DACLs Control Access: MAXIMUM_ALLOWED includes the owner's implicit rights", "user", "O:%sD:(A;;GX;;;WD)", kernel.SYNCHRONIZE, kernel.MAXIMUM_ALLOWED, kernel.SYNCHRONIZE | kernel.READ_CONTROL | kernel.WRITE_DAC, nil},
		{"Synchronization Object Security and Access Rights: a right events do not define", "user", "D:(A;;GA;;;WD)", all, 0x100, 0, kernel.ERROR_ACCESS_DENIED},
	} {
		p, creator := ps[r.who], ps["system"]
		sddl := r.sddl
		if strings.HasPrefix(sddl, "O:%s") {
			// Only the user itself may make itself the owner (SeAssignSecurity's owner check).
			sddl, creator = "O:"+string(p.Token().User())+sddl[4:], p
		}
		sd, err := kernel.ParseSDDL(sddl)
		require.NoError(t, err, r.source)
		name := "dupacc" + string(rune('a'+i))
		h, err := creator.CreateEvent(&kernel.SecurityAttributes{SecurityDescriptor: sd}, true, false, name)
		require.NoError(t, err, r.source)
		src, err := creator.DuplicateHandle(kernel.CurrentProcess, h, kernel.CurrentProcess, r.src, false, 0)
		require.NoError(t, err, "the creator narrows its own handle: %s", r.source)
		theirs := handleIn(t, creator, p, src)
		dup, err := p.DuplicateHandle(kernel.CurrentProcess, theirs, kernel.CurrentProcess, r.desired, false, 0)
		if r.err != nil {
			assert.ErrorIs(t, err, r.err, r.source)
		} else if assert.NoError(t, err, r.source) {
			assert.Equal(t, r.granted, grantedOf(t, p, dup), "%s: %#x", r.source, uint32(grantedOf(t, p, dup)))
			require.NoError(t, p.CloseHandle(dup))
		}
		require.NoError(t, p.CloseHandle(theirs))
		for _, hh := range []kernel.Handle{h, src} {
			require.NoError(t, creator.CloseHandle(hh))
		}
	}
}

// handleIn duplicates h, a handle of from, into to with the same access (the way a
// server hands a client a handle), so that the duplicate's access is h's whatever to's
// identity.
func handleIn(t *testing.T, from, to *kernel.Process, h kernel.Handle) kernel.Handle {
	t.Helper()
	toH, err := from.OpenProcess(kernel.PROCESS_DUP_HANDLE, false, to.PID())
	require.NoError(t, err)
	defer func() { require.NoError(t, from.CloseHandle(toH)) }()
	out, err := from.DuplicateHandle(kernel.CurrentProcess, h, toH, 0, false, kernel.DUPLICATE_SAME_ACCESS)
	require.NoError(t, err)
	return out
}

// The pseudo-handle of the current process duplicates to full access whatever the
// process's DACL says, and a file handle never gains access by duplication:
// MAXIMUM_ALLOWED gives it the source's (Wine dlls/advapi32/tests/security.c
// test_process_security_child, "Documented privilege elevation"; MS docs
// DuplicateHandle).
func TestDuplicateHandlePseudoAndFileMaximum(t *testing.T) {
	m := kerneltest.NewMachine(t)
	p := kerneltest.NewProcess(t, m, "a.exe")
	defer p.Terminate(0)
	deny, err := kernel.ParseSDDL("D:(D;;0x10;;;WD)(A;;0x1;;;WD)")
	require.NoError(t, err)
	require.NoError(t, p.SetSecurityInfo(kernel.CurrentProcess, kernel.DACL_SECURITY_INFORMATION, deny))
	_, err = p.OpenProcess(kernel.PROCESS_VM_READ, false, p.PID())
	assert.ErrorIs(t, err, kernel.ERROR_ACCESS_DENIED, "test_process_security_child: denied by the ACL")
	h, err := p.DuplicateHandle(kernel.CurrentProcess, kernel.CurrentProcess, kernel.CurrentProcess, kernel.PROCESS_ALL_ACCESS, false, 0)
	require.NoError(t, err, "documented privilege elevation")
	assert.Equal(t, kernel.PROCESS_ALL_ACCESS, grantedOf(t, p, h))
	vm, err := p.DuplicateHandle(kernel.CurrentProcess, h, kernel.CurrentProcess, kernel.PROCESS_VM_READ, false, 0)
	require.NoError(t, err, "a subset of the full handle")
	assert.Equal(t, kernel.PROCESS_VM_READ, grantedOf(t, p, vm))
	mx, err := p.DuplicateHandle(kernel.CurrentProcess, kernel.CurrentProcess, kernel.CurrentProcess, kernel.MAXIMUM_ALLOWED, false, 0)
	require.NoError(t, err)
	assert.Equal(t, kernel.PROCESS_ALL_ACCESS, grantedOf(t, p, mx), "the pseudo-handle's access is the source's")

	rd := newFile(t, p, &testFile{}, kernel.FILE_GENERIC_READ)
	f, err := p.DuplicateHandle(kernel.CurrentProcess, rd, kernel.CurrentProcess, kernel.MAXIMUM_ALLOWED, false, 0)
	require.NoError(t, err)
	assert.Equal(t, kernel.FILE_GENERIC_READ, grantedOf(t, p, f), "MAXIMUM_ALLOWED on a file handle is the source's access")
	_, err = p.DuplicateHandle(kernel.CurrentProcess, rd, kernel.CurrentProcess, kernel.MAXIMUM_ALLOWED|kernel.FILE_WRITE_DATA, false, 0)
	assert.ErrorIs(t, err, kernel.ERROR_ACCESS_DENIED, "MS docs DuplicateHandle: no more than the file handle had")
	for _, hh := range []kernel.Handle{h, vm, mx, rd, f} {
		require.NoError(t, p.CloseHandle(hh))
	}
}
