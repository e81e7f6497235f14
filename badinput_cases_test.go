package winsim_test

import (
	"context"
	"strings"

	"github.com/winsim/winsim/kernel"
	"github.com/winsim/winsim/mailslot"
	"github.com/winsim/winsim/pipe"
)

// Sources of the input cases, by group.
const (
	srcMailslotTest  = "Wine dlls/kernel32/tests/mailslot.c mailslot_test"
	srcPipeCreate    = "Wine dlls/kernel32/tests/pipe.c test_CreateNamedPipe"
	srcInstances     = "Wine dlls/kernel32/tests/pipe.c test_CreateNamedPipe_instances_must_match (windows-facts.md NP-12, NP-13)"
	srcCreatePipeMS  = "Microsoft, CreateNamedPipeW: nMaxInstances is 1 through PIPE_UNLIMITED_INSTANCES (255) (windows-facts.md DOC-3)"
	srcPipeState     = "Wine dlls/ntdll/tests/pipe.c test_pipe_state; dlls/kernel32/tests/pipe.c test_DisconnectNamedPipe (windows-facts.md, Named-pipe state table)"
	srcFilePipeInfo  = "Wine dlls/ntdll/tests/pipe.c test_filepipeinfo; dlls/kernel32/tests/pipe.c test_CreateNamedPipe (windows-facts.md NP-77, NP-80)"
	srcTransact      = "Wine dlls/kernel32/tests/pipe.c test_TransactNamedPipe (STATUS_INVALID_READ_MODE)"
	srcAnonAccess    = "Wine dlls/kernel32/tests/pipe.c test_CreatePipe: the read end has no FILE_WRITE_DATA, the write end no FILE_READ_DATA (inferred: the call needs the right)"
	srcExited        = "docs/deviations.md, Process exit is synchronous: a process that has exited creates nothing (NT: STATUS_PROCESS_IS_TERMINATING)"
	srcWaitMultiple  = "Microsoft, WaitForMultipleObjects: nCount is 1 through MAXIMUM_WAIT_OBJECTS"
	srcOpenProcess   = "Microsoft, OpenProcess: an unknown PID or the System Idle Process (0) is ERROR_INVALID_PARAMETER, the System process ERROR_ACCESS_DENIED"
	srcEventNames    = "Wine dlls/kernel32/tests/sync.c test_event (OpenEvent of a name nobody created); dlls/ntdll/tests/om.c test_name_limits (empty name)"
	srcPrivileges    = "Microsoft, AdjustTokenPrivileges and LookupPrivilegeValueW: a name that is no privilege"
	srcSACLRight     = "Microsoft, SACL Access Right: granted only with SE_SECURITY_NAME enabled"
	srcOwnerCheck    = "Forshaw, Windows Security Internals, listing 6-6: SeAssignSecurityEx's owner check (STATUS_INVALID_OWNER)"
	srcDirectory     = "Wine dlls/ntdll/tests/om.c test_directory (NtCreateDirectoryObject, NtOpenDirectoryObject)"
	srcSDDL          = "Wine dlls/advapi32/tests/security.c test_ConvertStringSecurityDescriptor, test_ConvertStringSidToSid"
	srcCompletion    = "Microsoft, SetFileCompletionNotificationModes: FILE_SKIP_COMPLETION_PORT_ON_SUCCESS and FILE_SKIP_SET_EVENT_ON_HANDLE are the flags"
	srcAbortRequests = "winsim's own call for RequestWatcher contexts (kernel/request_watch.go): a nil watcher would stand for every request issued without one, and a nil cause has no error to report"
	srcCreateFile    = "Wine dlls/kernel32/tests/file.c test_CreateFileA (empty name); windows-facts.md NP-5 (no such pipe), MS-2 (no such mailslot)"
)

func inputCases() []inputCase {
	long := `\\.\pipe\` + strings.Repeat("n", 300)
	return []inputCase{
		// ReadFile and WriteFile on the wrong end, empty and nil buffers.
		{"Process.ReadFile", "nil buffer, empty mailslot, timeout 0", kernel.ERROR_SEM_TIMEOUT, srcMailslotTest + " (windows-facts.md MS-9)",
			func(f *badFixture) error { return errOnly(f.p.ReadFile(f.ctx, f.h["mailslot"], nil)) }},
		{"Process.ReadFile", "empty buffer, empty mailslot, timeout 0", kernel.ERROR_SEM_TIMEOUT, srcMailslotTest + " (windows-facts.md MS-9)",
			func(f *badFixture) error { return errOnly(f.p.ReadFile(f.ctx, f.h["mailslot"], []byte{})) }},
		{"Process.ReadFile", "a mailslot client handle opened with GENERIC_READ", kernel.ERROR_INVALID_PARAMETER, srcMailslotTest + " (windows-facts.md MS-16)",
			func(f *badFixture) error {
				return errOnly(f.p.ReadFile(f.ctx, f.h["mailslot client/GENERIC_READ"], f.buf))
			}},
		{"Process.WriteFile", "a mailslot server handle", kernel.ERROR_ACCESS_DENIED, srcMailslotTest + " (windows-facts.md MS-11)",
			func(f *badFixture) error { return errOnly(f.p.WriteFile(f.ctx, f.h["mailslot"], f.buf)) }},
		{"Process.WriteFile", "a message over the mailslot's maximum size", kernel.ERROR_INVALID_PARAMETER, "Microsoft, CreateMailslotW: nMaxMessageSize bounds a message (the code is winsim's choice: mailslot/client.go)",
			func(f *badFixture) error {
				return errOnly(f.p.WriteFile(f.ctx, f.h["mailslot client"], make([]byte, 65)))
			}},
		{"Process.ReadFile", "the write end of an anonymous pipe", kernel.ERROR_ACCESS_DENIED, srcAnonAccess,
			func(f *badFixture) error { return errOnly(f.p.ReadFile(f.ctx, f.h["write end"], f.buf)) }},
		{"Process.WriteFile", "the read end of an anonymous pipe", kernel.ERROR_ACCESS_DENIED, srcAnonAccess,
			func(f *badFixture) error { return errOnly(f.p.WriteFile(f.ctx, f.h["read end"], f.buf)) }},
		{"Process.ReadFile", "a listening server", kernel.ERROR_PIPE_LISTENING, srcPipeState,
			func(f *badFixture) error { return errOnly(f.p.ReadFile(f.ctx, f.h["listening server"], f.buf)) }},
		{"Process.WriteFile", "a listening server", kernel.ERROR_PIPE_LISTENING, srcPipeState,
			func(f *badFixture) error { return errOnly(f.p.WriteFile(f.ctx, f.h["listening server"], f.buf)) }},
		{"Process.AbortRequests", "nil watcher", kernel.ERROR_INVALID_PARAMETER, srcAbortRequests,
			func(f *badFixture) error { return errOnly(f.p.AbortRequests(nil, context.Canceled)) }},
		{"Process.AbortRequests", "nil cause", kernel.ERROR_INVALID_PARAMETER, srcAbortRequests,
			func(f *badFixture) error { return errOnly(f.p.AbortRequests(badWatcher{f.ctx}, nil)) }},
		{"Process.GetOverlappedResult", "nil OVERLAPPED", kernel.ERROR_INVALID_PARAMETER, "Microsoft, GetOverlappedResult: lpOverlapped is required",
			func(f *badFixture) error { return errOnly(f.p.GetOverlappedResult(f.ctx, f.h["server"], nil, false)) }},
		{"Process.SetFileCompletionNotificationModes", "unknown flag bits", kernel.ERROR_INVALID_PARAMETER, srcCompletion,
			func(f *badFixture) error { return f.p.SetFileCompletionNotificationModes(f.h["server"], 0x80) }},

		// Waits.
		{"Process.WaitForMultipleObjects", "no handles", kernel.ERROR_INVALID_PARAMETER, srcWaitMultiple,
			func(f *badFixture) error { return errOnly(f.p.WaitForMultipleObjects(f.ctx, nil, false, 0)) }},
		{"Process.WaitForMultipleObjects", "65 handles", kernel.ERROR_INVALID_PARAMETER, srcWaitMultiple,
			func(f *badFixture) error {
				hs := make([]kernel.Handle, kernel.MAXIMUM_WAIT_OBJECTS+1)
				for i := range hs {
					hs[i] = f.h["event"]
				}
				return errOnly(f.p.WaitForMultipleObjects(f.ctx, hs, false, 0))
			}},

		// Names.
		{"Process.CreateFile", "empty name", kernel.ERROR_PATH_NOT_FOUND, srcCreateFile,
			func(f *badFixture) error {
				return errOnly(f.p.CreateFile("", kernel.GENERIC_READ, 0, nil, kernel.OPEN_EXISTING, 0))
			}},
		{"Process.CreateFile", "a pipe nobody created", kernel.ERROR_FILE_NOT_FOUND, srcCreateFile,
			func(f *badFixture) error {
				return errOnly(f.p.CreateFile(`\\.\pipe\nobody`, kernel.GENERIC_READ, 0, nil, kernel.OPEN_EXISTING, 0))
			}},
		{"Process.CreateFile", "a mailslot nobody created", kernel.ERROR_FILE_NOT_FOUND, srcCreateFile,
			func(f *badFixture) error {
				return errOnly(f.p.CreateFile(`\\.\mailslot\nobody`, kernel.GENERIC_WRITE, kernel.FILE_SHARE_READ, nil, kernel.OPEN_EXISTING, 0))
			}},
		{"Process.CreateFile", "a pipe whose only instance is connected", kernel.ERROR_PIPE_BUSY, srcPipeCreate + " (windows-facts.md NP-28)",
			func(f *badFixture) error {
				return errOnly(f.p.CreateFile(badPipe, kernel.GENERIC_READ, 0, nil, kernel.OPEN_EXISTING, 0))
			}},
		{"Process.CreateEvent", "caller exited", kernel.ERROR_ACCESS_DENIED, srcExited,
			func(f *badFixture) error { return errOnly(f.exited.CreateEvent(nil, true, false, "")) }},
		{"Process.OpenEvent", "a name nobody created", kernel.ERROR_FILE_NOT_FOUND, srcEventNames,
			func(f *badFixture) error { return errOnly(f.p.OpenEvent(kernel.EVENT_ALL_ACCESS, false, "nobody")) }},
		{"Process.OpenEvent", "empty name", kernel.ERROR_INVALID_HANDLE, srcEventNames,
			func(f *badFixture) error { return errOnly(f.p.OpenEvent(kernel.EVENT_ALL_ACCESS, false, "")) }},
		{"Process.OpenProcess", "PID 0", kernel.ERROR_INVALID_PARAMETER, srcOpenProcess,
			func(f *badFixture) error { return errOnly(f.p.OpenProcess(kernel.PROCESS_ALL_ACCESS, false, 0)) }},
		{"Process.OpenProcess", "a PID nobody has", kernel.ERROR_INVALID_PARAMETER, srcOpenProcess,
			func(f *badFixture) error {
				return errOnly(f.p.OpenProcess(kernel.PROCESS_ALL_ACCESS, false, 0x7ffffff0))
			}},
		{"Process.OpenProcess", "the System process", kernel.ERROR_ACCESS_DENIED, srcOpenProcess,
			func(f *badFixture) error { return errOnly(f.p.OpenProcess(kernel.PROCESS_ALL_ACCESS, false, 4)) }},
		{"Process.CreateProcess", "caller exited", kernel.ERROR_ACCESS_DENIED, srcExited,
			func(f *badFixture) error {
				_, _, err := f.exited.CreateProcess("child.exe", false, nil)
				return err
			}},
		{"Process.CreateProcessWithAttributes", "caller exited", kernel.ERROR_ACCESS_DENIED, srcExited,
			func(f *badFixture) error {
				_, _, err := f.exited.CreateProcessWithAttributes("child.exe", nil, false, nil)
				return err
			}},
		{"Process.CreateIoCompletionPort", "caller exited", kernel.ERROR_ACCESS_DENIED, srcExited,
			func(f *badFixture) error {
				return errOnly(f.exited.CreateIoCompletionPort(kernel.InvalidHandle, 0, 0, 0))
			}},
		{"Process.QueueUserAPC", "nil function", kernel.ERROR_INVALID_PARAMETER, "Microsoft, QueueUserAPC: pfnAPC is required",
			func(f *badFixture) error { return f.p.QueueUserAPC(nil, 0) }},

		{"pipe.CreateNamedPipe", "empty name", kernel.ERROR_PATH_NOT_FOUND, srcPipeCreate + " (NULL name; windows-facts.md NP-4)",
			func(f *badFixture) error { return errOnly(createPipe(f, "", pipe.PIPE_ACCESS_DUPLEX, 0, 1)) }},
		{"pipe.CreateNamedPipe", "not a pipe name", kernel.ERROR_INVALID_NAME, srcPipeCreate + " (windows-facts.md NP-2)",
			func(f *badFixture) error {
				return errOnly(createPipe(f, "not a named pipe", pipe.PIPE_ACCESS_DUPLEX, 0, 1))
			}},
		{"pipe.CreateNamedPipe", "a 300-character name", kernel.ERROR_FILENAME_EXCED_RANGE, "Microsoft, CreateNamedPipeW: at most 256 characters; the code is Wine's (windows-facts.md NP-9, Wine code only)",
			func(f *badFixture) error { return errOnly(createPipe(f, long, pipe.PIPE_ACCESS_DUPLEX, 0, 1)) }},
		{"pipe.CreateNamedPipe", "no direction in openMode", kernel.ERROR_INVALID_PARAMETER, "Microsoft, CreateNamedPipeW: dwOpenMode must name a direction (windows-facts.md NP-10)",
			func(f *badFixture) error { return errOnly(createPipe(f, `\\.\pipe\fresh`, 0, 0, 1)) }},
		{"pipe.CreateNamedPipe", "message read mode on a byte pipe", kernel.ERROR_INVALID_PARAMETER, srcPipeCreate + " (windows-facts.md NP-3)",
			func(f *badFixture) error {
				return errOnly(createPipe(f, `\\.\pipe\fresh`, pipe.PIPE_ACCESS_DUPLEX, pipe.PIPE_READMODE_MESSAGE, 1))
			}},
		{"pipe.CreateNamedPipe", "zero instances", kernel.ERROR_INVALID_PARAMETER, srcCreatePipeMS,
			func(f *badFixture) error {
				return errOnly(createPipe(f, `\\.\pipe\fresh`, pipe.PIPE_ACCESS_DUPLEX, 0, 0))
			}},
		{"pipe.CreateNamedPipe", "256 instances", kernel.ERROR_INVALID_PARAMETER, srcCreatePipeMS,
			func(f *badFixture) error {
				return errOnly(createPipe(f, `\\.\pipe\fresh`, pipe.PIPE_ACCESS_DUPLEX, 0, 256))
			}},
		{"pipe.CreateNamedPipe", "an instance over the limit", kernel.ERROR_PIPE_BUSY, srcInstances,
			func(f *badFixture) error { return errOnly(createPipe(f, badPipe, pipe.PIPE_ACCESS_DUPLEX, 0, 1)) }},
		{"pipe.CreateNamedPipe", "caller exited", kernel.ERROR_ACCESS_DENIED, srcExited,
			func(f *badFixture) error {
				return errOnly(pipe.CreateNamedPipe(f.exited, `\\.\pipe\fresh`, pipe.PIPE_ACCESS_DUPLEX, 0, 1, 0, 0, 0, nil))
			}},
		{"pipe.CreatePipe", "caller exited", kernel.ERROR_ACCESS_DENIED, srcExited,
			func(f *badFixture) error {
				_, _, err := pipe.CreatePipe(f.exited, nil, 0)
				return err
			}},
		{"pipe.WaitNamedPipe", "a pipe nobody created", kernel.ERROR_FILE_NOT_FOUND, "Wine dlls/kernel32/tests/pipe.c test_CreateNamedPipe, test_wait_pipe (windows-facts.md NP-1)",
			func(f *badFixture) error { return pipe.WaitNamedPipe(f.ctx, f.p, `\\.\pipe\nobody`, 0) }},
		{"pipe.WaitNamedPipe", "every instance busy, 1 ms", kernel.ERROR_SEM_TIMEOUT, srcPipeCreate + " (windows-facts.md NP-27)",
			func(f *badFixture) error { return pipe.WaitNamedPipe(f.ctx, f.p, badPipe, 1) }},
		{"pipe.CallNamedPipe", "a pipe nobody created", kernel.ERROR_FILE_NOT_FOUND, "Microsoft, CallNamedPipeW: CreateFile's errors (windows-facts.md NP-5)",
			func(f *badFixture) error {
				return errOnly(pipe.CallNamedPipe(f.ctx, f.p, `\\.\pipe\nobody`, f.buf, f.buf, 0))
			}},
		{"pipe.CreateNamedPipeFile", "no parameters", kernel.ERROR_INVALID_PARAMETER, "Microsoft, NtCreateNamedPipeFile: the parameters are required",
			func(f *badFixture) error { return errOnly(pipe.CreateNamedPipeFile(f.p, `\\.\pipe\nt-bad`, nil)) }},
		{"pipe.CreateNamedPipeFile", "no direction in the share access", kernel.ERROR_INVALID_PARAMETER, "Microsoft, NtCreateNamedPipeFile: ShareAccess gives the pipe's direction",
			func(f *badFixture) error {
				return errOnly(pipe.CreateNamedPipeFile(f.p, `\\.\pipe\nt-bad`, &pipe.NamedPipeFileParams{Access: kernel.GENERIC_READ, Disposition: pipe.FILE_CREATE, MaxInstances: 1}))
			}},
		{"pipe.CreateNamedPipeFile", "FILE_OPEN of a pipe nobody created", kernel.ERROR_FILE_NOT_FOUND, "Microsoft, NtCreateNamedPipeFile, CreateDisposition FILE_OPEN: fail if the file does not exist",
			func(f *badFixture) error {
				return errOnly(pipe.CreateNamedPipeFile(f.p, `\\.\pipe\nobody`, &pipe.NamedPipeFileParams{Access: kernel.GENERIC_READ, ShareAccess: kernel.FILE_SHARE_WRITE, Disposition: pipe.FILE_OPEN, MaxInstances: 1}))
			}},
		{"pipe.PeekNamedPipe", "a listening server", kernel.ERROR_BAD_PIPE, srcPipeState,
			func(f *badFixture) error {
				_, _, _, err := pipe.PeekNamedPipe(f.p, f.h["listening server"], nil)
				return err
			}},
		{"pipe.TransactNamedPipe", "a caller in byte read mode", kernel.ERROR_BAD_PIPE, srcTransact + " (windows-facts.md NP-118)",
			func(f *badFixture) error {
				return errOnly(pipe.TransactNamedPipe(f.ctx, f.p, f.h["client"], f.buf, f.buf))
			}},
		{"pipe.TransactNamedPipe", "a listening server", kernel.ERROR_BAD_PIPE, srcPipeState,
			func(f *badFixture) error {
				return errOnly(pipe.TransactNamedPipe(f.ctx, f.p, f.h["listening server"], f.buf, f.buf))
			}},
		{"pipe.ConnectNamedPipe", "a client end", kernel.ERROR_INVALID_FUNCTION, srcPipeCreate + " (windows-facts.md NP-37)",
			func(f *badFixture) error { return pipe.ConnectNamedPipe(f.ctx, f.p, f.h["client"]) }},
		{"pipe.ConnectNamedPipeOverlapped", "a client end", kernel.ERROR_INVALID_FUNCTION, srcPipeCreate + " (windows-facts.md NP-37)",
			func(f *badFixture) error {
				return pipe.ConnectNamedPipeOverlapped(f.ctx, f.p, f.h["client"], &kernel.Overlapped{})
			}},
		{"pipe.DisconnectNamedPipe", "a client end", kernel.ERROR_INVALID_FUNCTION, "FSCTL_PIPE_DISCONNECT is a server call: on a client end STATUS_ILLEGAL_FUNCTION, as for FSCTL_PIPE_LISTEN (Wine dlls/ntdll/tests/pipe.c test_create; inferred)",
			func(f *badFixture) error { return pipe.DisconnectNamedPipe(f.p, f.h["client"]) }},
		{"pipe.SetNamedPipeHandleState", "message read mode on a byte pipe", kernel.ERROR_INVALID_PARAMETER, srcFilePipeInfo,
			func(f *badFixture) error {
				mode := pipe.PIPE_READMODE_MESSAGE
				return pipe.SetNamedPipeHandleState(f.p, f.h["read end"], &mode, nil, nil)
			}},
		{"pipe.SetNamedPipeHandleState", "unknown mode bits", kernel.ERROR_INVALID_PARAMETER, srcFilePipeInfo,
			func(f *badFixture) error {
				mode := uint32(0x10)
				return pipe.SetNamedPipeHandleState(f.p, f.h["client"], &mode, nil, nil)
			}},
		{"pipe.SetNamedPipeHandleState", "collection count on a local pipe", kernel.ERROR_INVALID_PARAMETER, srcFilePipeInfo,
			func(f *badFixture) error {
				n := uint32(4)
				return pipe.SetNamedPipeHandleState(f.p, f.h["client"], nil, &n, nil)
			}},
		{"pipe.GetNamedPipeHandleState", "collection count on a local pipe", kernel.ERROR_INVALID_PARAMETER, srcFilePipeInfo,
			func(f *badFixture) error {
				var n uint32
				return pipe.GetNamedPipeHandleState(f.p, f.h["client"], nil, nil, &n, nil, nil)
			}},
		{"pipe.ImpersonateNamedPipeClient", "nothing read from the client yet", kernel.ERROR_CANNOT_IMPERSONATE, "Wine dlls/kernel32/tests/pipe.c test_ImpersonateNamedPipeClient (windows-facts.md NP-153)",
			func(f *badFixture) error { return errOnly(pipe.ImpersonateNamedPipeClient(f.p, f.h["server"])) }},

		{"mailslot.CreateMailslot", "empty name", kernel.ERROR_PATH_NOT_FOUND, srcMailslotTest + " (NULL name; windows-facts.md MS-4)",
			func(f *badFixture) error { return errOnly(mailslot.CreateMailslot(f.p, "", 0, 0, nil)) }},
		{"mailslot.CreateMailslot", "not a mailslot name", kernel.ERROR_INVALID_NAME, srcMailslotTest + " (windows-facts.md MS-3)",
			func(f *badFixture) error { return errOnly(mailslot.CreateMailslot(f.p, "blah", 0, 0, nil)) }},
		{"mailslot.CreateMailslot", "a remote name", kernel.ERROR_INVALID_NAME, "Microsoft, About Mailslots: only the creating computer's mailslots are created (STATUS_OBJECT_NAME_INVALID)",
			func(f *badFixture) error {
				return errOnly(mailslot.CreateMailslot(f.p, `\\OTHER\mailslot\x`, 0, 0, nil))
			}},
		{"mailslot.CreateMailslot", "a name in use", kernel.ERROR_ALREADY_EXISTS, srcMailslotTest + " (STATUS_OBJECT_NAME_COLLISION; windows-facts.md MS-20)",
			func(f *badFixture) error { return errOnly(mailslot.CreateMailslot(f.p, badSlot, 0, 0, nil)) }},
		{"mailslot.CreateMailslot", "caller exited", kernel.ERROR_ACCESS_DENIED, srcExited,
			func(f *badFixture) error {
				return errOnly(mailslot.CreateMailslot(f.exited, `\\.\mailslot\fresh`, 0, 0, nil))
			}},
		{"mailslot.Listen", "not a mailslot name", kernel.ERROR_INVALID_NAME, "CreateMailslot's error (windows-facts.md MS-3)",
			func(f *badFixture) error { return errOnly(mailslot.Listen(f.p, "blah", nil)) }},
		{"mailslot.Dial", "a mailslot nobody created", kernel.ERROR_FILE_NOT_FOUND, "CreateFile's error (windows-facts.md MS-2)",
			func(f *badFixture) error { return errOnly(mailslot.Dial(f.p, `\\.\mailslot\nobody`)) }},

		{"kernel.ParseSID", "not a SID", kernel.ERROR_INVALID_SID, srcSDDL,
			func(f *badFixture) error { return errOnly(kernel.ParseSID("S-1-x")) }},
		{"kernel.ParseSDDL", "an unbalanced ACE", kernel.ERROR_INVALID_ACL, srcSDDL,
			func(f *badFixture) error { return errOnly(kernel.ParseSDDL("D:(A;;GA;;;WD")) }},
		{"kernel.ConvertStringSecurityDescriptorToSecurityDescriptor", "revision 2", kernel.ERROR_UNKNOWN_REVISION, srcSDDL,
			func(f *badFixture) error {
				return errOnly(kernel.ConvertStringSecurityDescriptorToSecurityDescriptor("D:(A;;GA;;;WD)", 2))
			}},
		{"kernel.CreatePrivateObjectSecurity", "an owner the token may not assign", kernel.ERROR_INVALID_OWNER, srcOwnerCheck,
			func(f *badFixture) error {
				return errOnly(kernel.CreatePrivateObjectSecurity(nil, foreignOwner(), false, f.p.Token(), kernel.EventType.Generic))
			}},
		{"kernel.CreatePrivateObjectSecurityEx", "an owner the token may not assign", kernel.ERROR_INVALID_OWNER, srcOwnerCheck,
			func(f *badFixture) error {
				return errOnly(kernel.CreatePrivateObjectSecurityEx(nil, foreignOwner(), false, kernel.SEF_DACL_AUTO_INHERIT, f.p.Token(), kernel.EventType.Generic))
			}},
		{"kernel.NewObjectSecurity", "an owner the token may not assign", kernel.ERROR_INVALID_OWNER, srcOwnerCheck,
			func(f *badFixture) error {
				return errOnly(kernel.NewObjectSecurity(kernel.EventType, f.p.Token(), foreignOwner(), nil))
			}},
		{"Process.CreateEvent", "an owner the caller may not assign", kernel.ERROR_INVALID_OWNER, srcOwnerCheck,
			func(f *badFixture) error {
				return errOnly(f.p.CreateEvent(&kernel.SecurityAttributes{SecurityDescriptor: foreignOwner()}, true, false, "bad-owner"))
			}},
		{"Process.AdjustTokenPrivileges", "an unknown privilege name", kernel.ERROR_NO_SUCH_PRIVILEGE, srcPrivileges,
			func(f *badFixture) error {
				return errOnly(f.p.AdjustTokenPrivileges(false, []kernel.Privilege{{Name: "SeNoSuchPrivilege", Enabled: true}}))
			}},
		{"kernel.LookupPrivilegeValue", "an unknown privilege name", kernel.ERROR_NO_SUCH_PRIVILEGE, srcPrivileges,
			func(f *badFixture) error { return errOnly(kernel.LookupPrivilegeValue("SeNoSuchPrivilege")) }},
		{"Process.OpenProcess", "ACCESS_SYSTEM_SECURITY without SeSecurityPrivilege", kernel.ERROR_PRIVILEGE_NOT_HELD, srcSACLRight,
			func(f *badFixture) error {
				return errOnly(f.p.OpenProcess(kernel.ACCESS_SYSTEM_SECURITY, false, f.other.PID()))
			}},
		{"pipe.CreateNamedPipe", "ACCESS_SYSTEM_SECURITY without SeSecurityPrivilege", kernel.ERROR_PRIVILEGE_NOT_HELD, srcSACLRight + "; Wine dlls/advapi32/tests/security.c test_named_pipe_security",
			func(f *badFixture) error {
				return errOnly(pipe.CreateNamedPipe(f.p, `\\.\pipe\bad-sacl`, pipe.PIPE_ACCESS_DUPLEX|uint32(kernel.ACCESS_SYSTEM_SECURITY), pipe.PIPE_TYPE_BYTE, 1, 0, 0, 0, nil))
			}},
		{"Process.CreateDirectoryObject", "a parent that does not exist", kernel.ERROR_PATH_NOT_FOUND, srcDirectory,
			func(f *badFixture) error {
				return errOnly(f.p.CreateDirectoryObject(kernel.DIRECTORY_ALL_ACCESS, `\Sessions\1\BaseNamedObjects\nowhere\x`, nil))
			}},
		{"Process.CreateDirectoryObject", "not an absolute NT path", kernel.ERROR_BAD_PATHNAME, srcDirectory,
			func(f *badFixture) error {
				return errOnly(f.p.CreateDirectoryObject(kernel.DIRECTORY_ALL_ACCESS, `relative`, nil))
			}},
		{"Process.CreateDirectoryObject", "a name in use", kernel.ERROR_ALREADY_EXISTS, srcDirectory,
			func(f *badFixture) error {
				return errOnly(f.p.CreateDirectoryObject(kernel.DIRECTORY_ALL_ACCESS, `\Sessions\1\BaseNamedObjects`, nil))
			}},
		{"Process.CreateDirectoryObject", "no DIRECTORY_CREATE_SUBDIRECTORY on the parent", kernel.ERROR_ACCESS_DENIED, srcDirectory,
			func(f *badFixture) error {
				return errOnly(f.p.CreateDirectoryObject(kernel.DIRECTORY_ALL_ACCESS, `\Mine`, nil))
			}},
		{"Process.CreateDirectoryObject", "caller exited", kernel.ERROR_ACCESS_DENIED, srcExited,
			func(f *badFixture) error {
				return errOnly(f.exited.CreateDirectoryObject(kernel.DIRECTORY_ALL_ACCESS, `\Sessions\1\BaseNamedObjects\x`, nil))
			}},
		{"Process.OpenDirectoryObject", "a name nobody created", kernel.ERROR_FILE_NOT_FOUND, srcDirectory,
			func(f *badFixture) error {
				return errOnly(f.p.OpenDirectoryObject(kernel.DIRECTORY_QUERY, `\Sessions\1\BaseNamedObjects\nobody`))
			}},
		{"Process.OpenDirectoryObject", "a device, not a directory", kernel.ERROR_INVALID_HANDLE, srcDirectory + " (STATUS_OBJECT_TYPE_MISMATCH)",
			func(f *badFixture) error {
				return errOnly(f.p.OpenDirectoryObject(kernel.DIRECTORY_QUERY, `\Device\NamedPipe`))
			}},
		{"Process.OpenDirectoryObject", "WRITE_DAC on BaseNamedObjects as a user", kernel.ERROR_ACCESS_DENIED, "docs/security.md, Object directories",
			func(f *badFixture) error {
				return errOnly(f.p.OpenDirectoryObject(kernel.WRITE_DAC, `\Sessions\1\BaseNamedObjects`))
			}},
	}
}

func createPipe(f *badFixture, name string, openMode, pipeMode, max uint32) (kernel.Handle, error) {
	h, err := pipe.CreateNamedPipe(f.p, name, openMode, pipeMode, max, 512, 512, 0, nil)
	if err == nil {
		_ = f.p.CloseHandle(h)
	}
	return h, err
}

// foreignOwner is a descriptor naming LocalSystem as owner, which an ordinary user's
// token may not assign.
func foreignOwner() *kernel.SecurityDescriptor {
	return &kernel.SecurityDescriptor{Owner: kernel.SIDLocalSystem}
}

// badWatcher is a kernel.RequestWatcher for the bad-input rows of Process.AbortRequests.
type badWatcher struct{ context.Context }

func (badWatcher) AbortsItsRequests() {}
