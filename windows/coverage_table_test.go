package windows

// The coverage table: every function golang.org/x/sys/windows exports, sorted into the families
// package windows serves (each row: implemented or not, and why) and, for the rest, the areas
// outside them. TestCoverage checks the table against this package's exported functions and
// signatures, and writes docs/coverage.md from it (go test ./windows/ -run TestCoverage
// -update-coverage).
//
// Names and signatures are x/sys/windows' own, as of the version below. To bring the table up
// to a newer x/sys, list its exported package-level functions (GOOS=windows go doc -short
// golang.org/x/sys/windows | grep '^func', in a module that requires it), place each new one
// here, and update xsysVersion.

// xsysVersion is the x/sys version the table lists.
const xsysVersion = "v0.47.0-7-ge8c1c327 (the master branch after v0.47.0)"

// Links into docs/deviations.md, for the rows whose difference is described there.
const (
	devWindows = "[deviations.md](deviations.md#windows-xsyswindows-functions)"
	devKernel  = "[deviations.md](deviations.md#kernel-handles-access-and-processes)"
	devPipe    = "[deviations.md](deviations.md#pipe-named-and-anonymous-pipes)"
)

// Reasons shared by several rows.
const (
	whyNoThreads   = "no threads: a winsim process has no thread objects"
	whyNoJobs      = "winsim has no job objects"
	whyNoMutex     = "winsim has no mutex objects"
	whyDiskFiles   = "file-system calls on disk files are out of scope: winsim's files are pipe ends and mailslots"
	whyNoToolhelp  = "no Toolhelp snapshots; a machine's processes are listed by `kernel.Machine.Census`"
	whyNoMemory    = "winsim models no address spaces or working sets"
	whyTokenValues = "winsim's tokens are values (`kernel.Process.Token`), not objects in a handle table"
	whyNoModules   = "no native modules: `LoadDLL` and `NewLazySystemDLL` serve kernel32.dll's procedures"
	whyNoDLLPath   = "no DLL search path: the one module, kernel32.dll, is built in"
	whyNoNative    = "no native code: there is nothing that could call a Go callback"
	whyNoNTStrings = "NT native calls are not exposed, so their string types are not either"
)

var coverageFamilies = []coverageFamily{
	{
		title: "Handles",
		about: "Closing, duplicating and flagging handles, whatever object they refer to.",
		rows: []coverageRow{
			impl("func CloseHandle(handle Handle) (err error)",
				"an unknown, closed or HANDLE_FLAG_PROTECT_FROM_CLOSE handle is ERROR_INVALID_HANDLE"),
			impl("func DuplicateHandle(hSourceProcessHandle Handle, hSourceHandle Handle, hTargetProcessHandle Handle, lpTargetHandle *Handle, dwDesiredAccess uint32, bInheritHandle bool, dwOptions uint32) (err error)",
				"between any processes of one machine; wider access is checked against the object's descriptor"),
			differs("func SetHandleInformation(handle Handle, mask uint32, flags uint32) (err error)",
				"pseudo-handles give ERROR_INVALID_HANDLE, where Windows' answer is not pinned down ("+devKernel+")"),
		},
	},
	{
		title: "Processes and threads",
		about: "Starting, opening, ending and querying processes; threads, jobs, and process enumeration.",
		rows: []coverageRow{
			differs("func CreateProcess(appName *uint16, commandLine *uint16, procSecurity *SecurityAttributes, threadSecurity *SecurityAttributes, inheritHandles bool, creationFlags uint32, env *uint16, currentDir *uint16, startupInfo *StartupInfo, outProcInfo *ProcessInformation) (err error)",
				"runs the Go function RegisterProgram registered for the image; Thread is a second process handle, CREATE_SUSPENDED is ERROR_NOT_SUPPORTED ("+devWindows+")"),
			missing("CreateProcessAsUser", whyTokenValues),
			impl("func OpenProcess(desiredAccess uint32, inheritHandle bool, processId uint32) (handle Handle, err error)",
				"access-checked against the process's descriptor"),
			differs("func TerminateProcess(handle Handle, exitcode uint32) (err error)",
				"returns once the process has exited and its handles are closed ("+devKernel+")"),
			impl("func GetExitCodeProcess(handle Handle, exitcode *uint32) (err error)",
				"STILL_ACTIVE while the process runs"),
			differs("func ExitProcess(exitcode uint32)",
				"returns to its caller, which must return: Go cannot end the calling goroutine ("+devKernel+")"),
			impl("func CurrentProcess() Handle", "the pseudo-handle (HANDLE)-1"),
			impl("func GetCurrentProcess() (Handle, error)", "deprecated in x/sys too; CurrentProcess with a nil error"),
			impl("func GetCurrentProcessId() (pid uint32)", "the default (or Caller's) process"),
			impl("func GetProcessId(process Handle) (id uint32, err error)", "needs PROCESS_QUERY_LIMITED_INFORMATION"),
			missing("QueryFullProcessImageName", "not provided: a winsim process has an image name (`kernel.Process.Name`), no image path"),
			missing("GetStartupInfo", "not provided: a Program gets its command line as an argument, its standard handles from GetStdHandle"),
			missing("GetCommandLine", "not provided: a Program gets its command line as an argument"),
			missing("ComposeCommandLine", "not provided: command-line quoting helpers; CreateProcess takes the command line as given"),
			missing("DecomposeCommandLine", "not provided: command-line parsing helpers; a Program gets the command line as one string"),
			missing("CommandLineToArgv", "not provided: shell32's parser; a Program gets the command line as one string"),
			missing("EscapeArg", "not provided: command-line quoting helpers; CreateProcess takes the command line as given"),
			missing("NewProcThreadAttributeList", "not provided: CreateProcess takes no STARTUPINFOEX attribute list"),
			missing("EnumProcesses", "not provided: a machine's processes are listed by `kernel.Machine.Census`"),
			missing("CreateToolhelp32Snapshot", whyNoToolhelp),
			missing("Process32First", whyNoToolhelp),
			missing("Process32Next", whyNoToolhelp),
			missing("Thread32First", whyNoThreads),
			missing("Thread32Next", whyNoThreads),
			missing("Module32First", "no modules: a winsim process loads no images"),
			missing("Module32Next", "no modules: a winsim process loads no images"),
			missing("ProcessIdToSessionId", "winsim has no logon sessions"),
			missing("GetPriorityClass", "winsim has no scheduler: processes have no priority"),
			missing("SetPriorityClass", "winsim has no scheduler: processes have no priority"),
			missing("SetProcessPriorityBoost", "winsim has no scheduler: processes have no priority"),
			missing("GetProcessTimes", "winsim keeps no CPU-time accounting"),
			missing("GetProcessShutdownParameters", "winsim has no system shutdown"),
			missing("SetProcessShutdownParameters", "winsim has no system shutdown"),
			missing("GetProcessWorkingSetSizeEx", whyNoMemory),
			missing("SetProcessWorkingSetSizeEx", whyNoMemory),
			missing("IsWow64Process", "winsim has no processor architectures"),
			missing("IsWow64Process2", "winsim has no processor architectures"),
			missing("NtQueryInformationProcess", "NT native calls are not exposed; the kernel package has the process's PID, parent, image and state"),
			missing("NtSetInformationProcess", "NT native calls are not exposed"),
			missing("CurrentThread", whyNoThreads),
			missing("GetCurrentThread", whyNoThreads),
			missing("GetCurrentThreadId", whyNoThreads),
			missing("OpenThread", whyNoThreads),
			missing("ResumeThread", whyNoThreads+" (CREATE_SUSPENDED is refused)"),
			missing("CreateJobObject", whyNoJobs),
			missing("AssignProcessToJobObject", whyNoJobs),
			missing("QueryInformationJobObject", whyNoJobs),
			missing("SetInformationJobObject", whyNoJobs),
			missing("TerminateJobObject", whyNoJobs),
		},
	},
	{
		title: "Synchronization",
		about: "Events, mutexes and the waits (x/sys/windows has no semaphore or waitable-timer functions).",
		rows: []coverageRow{
			impl("func CreateEvent(eventAttrs *SecurityAttributes, manualReset uint32, initialState uint32, name *uint16) (handle Handle, err error)",
				"an existing name gives its handle and ERROR_ALREADY_EXISTS, as on Windows"),
			impl("func CreateEventEx(eventAttrs *SecurityAttributes, name *uint16, flags uint32, desiredAccess uint32) (handle Handle, err error)",
				"the handle has the access asked for"),
			impl("func OpenEvent(desiredAccess uint32, inheritHandle bool, name *uint16) (handle Handle, err error)",
				"access-checked against the event's descriptor"),
			impl("func SetEvent(event Handle) (err error)", ""),
			impl("func ResetEvent(event Handle) (err error)", ""),
			impl("func PulseEvent(event Handle) (err error)", "releases the waiters waiting at the time"),
			missing("CreateMutex", whyNoMutex),
			missing("CreateMutexEx", whyNoMutex),
			missing("OpenMutex", whyNoMutex),
			missing("ReleaseMutex", whyNoMutex),
			impl("func WaitForSingleObject(handle Handle, waitMilliseconds uint32) (event uint32, err error)",
				"events, processes and files; the timeout runs on the machine's clock"),
			impl("func WaitForMultipleObjects(handles []Handle, waitAll bool, waitMilliseconds uint32) (event uint32, err error)",
				"wait-any and wait-all, up to MAXIMUM_WAIT_OBJECTS"),
			impl("func SleepEx(milliseconds uint32, alertable bool) (ret uint32)",
				"on the machine's clock; alertable runs the process's queued APCs"),
		},
	},
	{
		title: "Files and pipes",
		about: "Opening, reading and writing files, named and anonymous pipes, and the calls on an open file's handle.",
		rows: []coverageRow{
			differs("func CreateFile(name *uint16, access uint32, mode uint32, sa *SecurityAttributes, createmode uint32, attrs uint32, templatefile Handle) (handle Handle, err error)",
				"opens pipes and mailslots (local, remote, domain-wide) only: there are no disk files ("+devWindows+")"),
			impl("func ReadFile(fd Handle, p []byte, done *uint32, overlapped *Overlapped) error",
				"synchronous and overlapped; ERROR_MORE_DATA for a longer message"),
			impl("func WriteFile(fd Handle, p []byte, done *uint32, overlapped *Overlapped) error",
				"synchronous and overlapped; byte and message pipes, mailslots"),
			impl("func FlushFileBuffers(handle Handle) (err error)", "on a pipe end, waits until the other end has read everything"),
			differs("func GetFileType(filehandle Handle) (n uint32, err error)",
				"FILE_TYPE_PIPE for pipe ends; FILE_TYPE_DISK for mailslot handles, as Wine gives, where Windows' answer is not pinned down ("+devWindows+")"),
			impl("func CreatePipe(readhandle *Handle, writehandle *Handle, sa *SecurityAttributes, size uint32) (err error)", ""),
			impl("func CreateNamedPipe(name *uint16, flags uint32, pipeMode uint32, maxInstances uint32, outSize uint32, inSize uint32, defaultTimeout uint32, sa *SecurityAttributes) (handle Handle, err error)",
				"byte and message pipes, instance limits, remote clients"),
			impl("func ConnectNamedPipe(pipe Handle, overlapped *Overlapped) (err error)", "synchronous and overlapped"),
			impl("func DisconnectNamedPipe(pipe Handle) (err error)", ""),
			impl("func GetNamedPipeInfo(pipe Handle, flags *uint32, outSize *uint32, inSize *uint32, maxInstances *uint32) (err error)", ""),
			impl("func GetNamedPipeHandleState(pipe Handle, state *uint32, curInstances *uint32, maxCollectionCount *uint32, collectDataTimeout *uint32, userName *uint16, maxUserNameSize uint32) (err error)",
				"the client's user name on a server end"),
			impl("func SetNamedPipeHandleState(pipe Handle, state *uint32, maxCollectionCount *uint32, collectDataTimeout *uint32) (err error)",
				"a client end needs FILE_WRITE_ATTRIBUTES, as NT requires ("+devPipe+")"),
			impl("func GetNamedPipeClientProcessId(pipe Handle, clientProcessID *uint32) (err error)", ""),
			impl("func GetNamedPipeServerProcessId(pipe Handle, serverProcessID *uint32) (err error)", ""),
			missing("NtCreateNamedPipeFile", "NT native calls are not exposed here; `pipe.CreateNamedPipeFile` takes its parameters"),
			missing("NtCreateFile", "NT native calls are not exposed; CreateFile opens pipes and mailslots"),
			missing("NtQueryInformationFile", "NT native calls are not exposed; pipe information comes from GetNamedPipeInfo and GetNamedPipeHandleState"),
			missing("NtSetInformationFile", "NT native calls are not exposed; SetNamedPipeHandleState sets a pipe end's modes"),
			missing("NtQueryEaFile", whyDiskFiles),
			missing("NtSetEaFile", whyDiskFiles),
			missing("GetFileInformationByHandle", whyDiskFiles),
			missing("GetFileInformationByHandleEx", whyDiskFiles),
			missing("SetFileInformationByHandle", whyDiskFiles),
			missing("GetFinalPathNameByHandle", whyDiskFiles),
			missing("SetFilePointer", whyDiskFiles),
			missing("SetEndOfFile", whyDiskFiles),
			missing("SetFileValidData", whyDiskFiles),
			missing("GetFileTime", whyDiskFiles),
			missing("SetFileTime", whyDiskFiles),
			missing("LockFileEx", whyDiskFiles),
			missing("UnlockFileEx", whyDiskFiles),
			missing("DeviceIoControl", "no device I/O controls: the pipe FSCTLs are served as PeekNamedPipe and TransactNamedPipe"),
		},
	},
	{
		title: "Overlapped I/O and completion ports",
		about: "Results and cancellation of overlapped operations, completion ports and their notification modes.",
		rows: []coverageRow{
			impl("func GetOverlappedResult(handle Handle, overlapped *Overlapped, done *uint32, wait bool) (err error)",
				"ERROR_IO_INCOMPLETE while pending, or waits"),
			differs("func CancelIo(s Handle) (err error)",
				"cancels the calling process's requests on the file: there are no threads whose I/O it could single out ("+devPipe+")"),
			impl("func CancelIoEx(s Handle, o *Overlapped) (err error)", "one operation, or all of the process's on the file; ERROR_NOT_FOUND when none"),
			differs("func CreateIoCompletionPort(filehandle Handle, cphandle Handle, key uintptr, threadcnt uint32) (handle Handle, err error)",
				"threadcnt is recorded, not enforced: there are no threads to limit ("+devWindows+")"),
			impl("func GetQueuedCompletionStatus(cphandle Handle, qty *uint32, key *uintptr, overlapped **Overlapped, timeout uint32) (err error)",
				"returns the very *Overlapped the operation started with"),
			impl("func PostQueuedCompletionStatus(cphandle Handle, qty uint32, key uintptr, overlapped *Overlapped) (err error)", ""),
			impl("func SetFileCompletionNotificationModes(handle Handle, flags uint8) (err error)",
				"FILE_SKIP_COMPLETION_PORT_ON_SUCCESS and FILE_SKIP_SET_EVENT_ON_HANDLE"),
			missing("LoadCancelIoEx", "not provided: x/sys's probe for Windows versions without CancelIoEx; here CancelIoEx always exists"),
			missing("LoadSetFileCompletionNotificationModes", "not provided: x/sys's probe for Windows versions without it; here it always exists"),
		},
	},
	{
		title: "Security on objects",
		about: "Security descriptors of objects and the tokens of processes and threads " +
			"(SIDs, accounts and privileges on their own are outside the families).",
		rows: []coverageRow{
			differs("func SecurityDescriptorFromString(sddl string) (sd *SECURITY_DESCRIPTOR, err error)",
				"winsim's SDDL parser (docs/security.md); a string it rejects may get another code than Windows'; the descriptor has x/sys's readers, not its setters ("+devWindows+")"),
			missing("NewSecurityDescriptor", "not provided: descriptors are built from SDDL (SecurityDescriptorFromString)"),
			missing("BuildSecurityDescriptor", "not provided: descriptors are built from SDDL (SecurityDescriptorFromString)"),
			missing("ACLFromEntries", "not provided: ACLs are written in SDDL (SecurityDescriptorFromString)"),
			differs("func GetSecurityInfo(handle Handle, objectType SE_OBJECT_TYPE, securityInformation SECURITY_INFORMATION) (sd *SECURITY_DESCRIPTOR, err error)",
				"needs READ_CONTROL (the SACL: ACCESS_SYSTEM_SECURITY, granted to no one); SE_KERNEL_OBJECT and SE_FILE_OBJECT only, others ERROR_INVALID_PARAMETER ("+devWindows+")"),
			differs("func SetSecurityInfo(handle Handle, objectType SE_OBJECT_TYPE, securityInformation SECURITY_INFORMATION, owner *SID, group *SID, dacl *ACL, sacl *ACL) (ret error)",
				"needs WRITE_DAC or WRITE_OWNER; a nil DACL is a NULL DACL; object types as GetSecurityInfo ("+devWindows+")"),
			impl("func SetKernelObjectSecurity(handle Handle, securityInformation SECURITY_INFORMATION, securityDescriptor *SECURITY_DESCRIPTOR) (err error)",
				"the parts of a descriptor (SecurityDescriptorFromString), with SetSecurityInfo's rights and rules"),
			missing("GetNamedSecurityInfo", "not provided: it names files, registry keys and services, which winsim does not have"),
			missing("SetNamedSecurityInfo", "not provided: it names files, registry keys and services, which winsim does not have"),
			missing("RtlDefaultNpAcl", "not provided: a pipe's default descriptor is applied by CreateNamedPipe (docs/security.md)"),
			missing("OpenProcessToken", whyTokenValues),
			missing("OpenCurrentProcessToken", whyTokenValues),
			missing("GetCurrentProcessToken", whyTokenValues),
			missing("OpenThreadToken", whyNoThreads),
			missing("GetCurrentThreadToken", whyNoThreads),
			missing("GetCurrentThreadEffectiveToken", whyNoThreads),
			missing("SetThreadToken", whyNoThreads),
			missing("ImpersonateSelf", "impersonation is an explicit value (`pipe.ImpersonateNamedPipeClient`), not a thread's token"),
			missing("RevertToSelf", "impersonation is an explicit value: `kernel.Impersonation.RevertToSelf` ends it"),
			missing("DuplicateTokenEx", whyTokenValues),
			missing("GetTokenInformation", whyTokenValues),
			missing("SetTokenInformation", whyTokenValues),
			missing("AdjustTokenPrivileges", "not provided here: tokens are values; `kernel.Process.AdjustTokenPrivileges` enables and disables a process's privileges"),
			missing("AdjustTokenGroups", whyTokenValues),
		},
	},
	{
		title: "Standard handles",
		about: "A process's standard input, output and error.",
		rows: []coverageRow{
			differs("func GetStdHandle(stdhandle uint32) (handle Handle, err error)",
				"the handles CreateProcess was given with STARTF_USESTDHANDLES, else 0: there are no consoles ("+devWindows+")"),
			missing("SetStdHandle", "not provided: standard handles are set by CreateProcess's StartupInfo only"),
		},
	},
	{
		title: "DLL loading",
		about: "Loading modules and finding their procedures, the way code calls Win32 functions x/sys lacks.",
		rows: []coverageRow{
			differs("func LoadDLL(name string) (dll *DLL, err error)",
				"kernel32.dll only, whose procedures run this package's functions; others are ERROR_MOD_NOT_FOUND ("+devWindows+")"),
			differs("func MustLoadDLL(name string) *DLL", "as LoadDLL"),
			differs("func NewLazyDLL(name string) *LazyDLL", "as LoadDLL"),
			differs("func NewLazySystemDLL(name string) *LazyDLL", "as LoadDLL"),
			missing("LoadLibrary", whyNoModules),
			missing("LoadLibraryEx", whyNoModules),
			missing("FreeLibrary", whyNoModules+"; DLL.Release does nothing"),
			missing("GetProcAddress", whyNoModules+"; DLL.FindProc looks procedures up"),
			missing("GetProcAddressByOrdinal", whyNoModules),
			missing("GetModuleHandleEx", whyNoModules),
			missing("GetModuleFileName", whyNoModules),
			missing("AddDllDirectory", whyNoDLLPath),
			missing("RemoveDllDirectory", whyNoDLLPath),
			missing("SetDllDirectory", whyNoDLLPath),
			missing("SetDefaultDllDirectories", whyNoDLLPath),
			missing("NewCallback", whyNoNative),
			missing("NewCallbackCDecl", whyNoNative),
		},
	},
	{
		title: "Strings and errors",
		about: "Converting Go strings to and from the forms Win32 takes, and reading errors.",
		rows: []coverageRow{
			impl("func UTF16FromString(s string) ([]uint16, error)",
				"WTF-8, as Go's syscall, which x/sys calls, since Go 1.21: a surrogate's WTF-8 form becomes that lone surrogate; a NUL gives syscall.EINVAL"),
			impl("func UTF16ToString(s []uint16) string",
				"WTF-8, as Go's syscall: an unpaired surrogate becomes its WTF-8 bytes, so UTF16FromString gives the units back"),
			impl("func UTF16PtrFromString(s string) (*uint16, error)", "as UTF16FromString"),
			impl("func UTF16PtrToString(p *uint16) string", "as UTF16ToString"),
			impl("func StringToUTF16(s string) []uint16", "deprecated in x/sys too; as UTF16FromString, panicking on a NUL"),
			impl("func StringToUTF16Ptr(s string) *uint16", "deprecated in x/sys too; as StringToUTF16"),
			impl("func BytePtrFromString(s string) (*byte, error)", ""),
			impl("func BytePtrToString(p *byte) string", ""),
			impl("func ByteSliceFromString(s string) ([]byte, error)", ""),
			impl("func ByteSliceToString(s []byte) string", ""),
			missing("GetLastError", "not provided: errors are returned as Errno values (LazyProc.Call returns the last error)"),
			missing("FormatMessage", "not provided: Errno.Error is Windows' message text for the code"),
			missing("NewNTString", whyNoNTStrings),
			missing("NewNTUnicodeString", whyNoNTStrings),
			missing("RtlInitString", whyNoNTStrings),
			missing("RtlInitUnicodeString", whyNoNTStrings),
		},
	},
	{
		title: "syscall-style wrappers",
		about: "x/sys/windows' POSIX-named wrappers (as in package syscall) over the Win32 calls on handles and processes.",
		rows: []coverageRow{
			impl("func Close(fd Handle) (err error)", "CloseHandle"),
			impl("func Read(fd Handle, p []byte) (n int, err error)", "ReadFile; ERROR_BROKEN_PIPE is (0, nil), end of file, and any other error has a count of 0, as in x/sys"),
			impl("func Write(fd Handle, p []byte) (n int, err error)", "WriteFile; an error has a count of 0, as in x/sys"),
			impl("func Pipe(p []Handle) (err error)", "CreatePipe with inheritable handles, as in x/sys; a p not of length 2 is syscall.EINVAL"),
			impl("func Fsync(fd Handle) (err error)", "FlushFileBuffers"),
			missing("Open", whyDiskFiles),
			differs("func Seek(fd Handle, offset int64, whence int) (newoffset int64, err error)",
				"a pipe gives syscall.EPIPE, as in x/sys; a mailslot ERROR_INVALID_FUNCTION, where Windows' answer is not pinned down: there are no file positions ("+devWindows+")"),
			missing("Ftruncate", whyDiskFiles),
			impl("func CloseOnExec(fd Handle)", "clears HANDLE_FLAG_INHERIT"),
			impl("func Getpid() (pid int)", "GetCurrentProcessId"),
			impl("func Getppid() (ppid int)", "the creating process's PID, `kernel.Process.ParentPID`"),
			differs("func Exit(code int)", "as ExitProcess: returns to its caller, which must return ("+devKernel+")"),
		},
	},
}

// coverageMethodTypes are the x/sys/windows types whose methods coverageMethods lists: the
// security types GetSecurityInfo and SetSecurityInfo hand out and take. TestCoverage requires
// every exported method package windows gives them to be listed.
var coverageMethodTypes = []string{"SECURITY_DESCRIPTOR", "SID", "ACL"}

// Reasons shared by several method rows.
const (
	whyAbsolute = "not provided: it changes an absolute descriptor (ToAbsolute, NewSecurityDescriptor), which winsim does not make; those it hands out are self-relative, as x/sys's, and read-only"
	whyNoBinary = "not provided: winsim's descriptors have no binary form"
	whySIDParts = "not provided: String gives the SID's parts"
)

// coverageMethods lists the methods x/sys/windows gives its security types, as x/sys declares
// them (security_windows.go), whether package windows has them, and why not.
var coverageMethods = []coverageRow{
	impl("func (sd *SECURITY_DESCRIPTOR) String() string", "SDDL, every part the descriptor has"),
	impl("func (sd *SECURITY_DESCRIPTOR) IsValid() bool", "true for every descriptor this package makes"),
	impl("func (sd *SECURITY_DESCRIPTOR) Control() (control SECURITY_DESCRIPTOR_CONTROL, revision uint32, err error)", "SE_SELF_RELATIVE set, as on x/sys's descriptors; revision 1"),
	impl("func (sd *SECURITY_DESCRIPTOR) Owner() (owner *SID, defaulted bool, err error)", "nil when there is none"),
	impl("func (sd *SECURITY_DESCRIPTOR) Group() (group *SID, defaulted bool, err error)", "nil when there is none"),
	impl("func (sd *SECURITY_DESCRIPTOR) DACL() (dacl *ACL, defaulted bool, err error)", "ERROR_OBJECT_NOT_FOUND with no DACL, nil for a NULL DACL"),
	impl("func (sd *SECURITY_DESCRIPTOR) SACL() (sacl *ACL, defaulted bool, err error)", "as DACL"),
	missing("SECURITY_DESCRIPTOR.SetControl", whyAbsolute),
	missing("SECURITY_DESCRIPTOR.SetDACL", whyAbsolute),
	missing("SECURITY_DESCRIPTOR.SetSACL", whyAbsolute),
	missing("SECURITY_DESCRIPTOR.SetOwner", whyAbsolute),
	missing("SECURITY_DESCRIPTOR.SetGroup", whyAbsolute),
	missing("SECURITY_DESCRIPTOR.RMControl", "not provided: winsim's descriptors carry no resource-manager bits"),
	missing("SECURITY_DESCRIPTOR.SetRMControl", "not provided: winsim's descriptors carry no resource-manager bits"),
	missing("SECURITY_DESCRIPTOR.Length", whyNoBinary),
	missing("SECURITY_DESCRIPTOR.ToAbsolute", whyNoBinary),
	missing("SECURITY_DESCRIPTOR.ToSelfRelative", whyNoBinary),
	impl("func (sid *SID) String() string", "the S-1-... form, never an alias"),
	impl("func (sid *SID) IsValid() bool", ""),
	impl("func (sid *SID) Equals(sid2 *SID) bool", ""),
	impl("func (sid *SID) Len() int", "the binary form's length, 8 + 4 per sub-authority"),
	impl("func (sid *SID) Copy() (*SID, error)", ""),
	missing("SID.IdentifierAuthority", whySIDParts),
	missing("SID.SubAuthorityCount", whySIDParts),
	missing("SID.SubAuthority", whySIDParts),
	missing("SID.IsWellKnown", "not provided: compare with Equals"),
	missing("SID.LookupAccount", "not provided: accounts are outside the families (docs/security.md)"),
}

// coverageMethodFamily is the page's section on coverageMethods.
func coverageMethodFamily() coverageFamily {
	return coverageFamily{
		title: "Methods of the security types",
		about: "What x/sys/windows' SECURITY_DESCRIPTOR, SID and ACL offer (ACL has no methods, only its AceCount field, which package windows has too).",
		rows:  coverageMethods,
	}
}

// coverageOutside lists the rest of x/sys/windows' functions by area. Package windows provides
// none of them.
var coverageOutside = []coverageArea{
	{"Sockets (Winsock)", "winsim has no network stack: its network carries pipe and mailslot traffic only", []string{
		"Accept", "AcceptEx", "Bind", "Closesocket", "Connect", "ConnectEx", "FreeAddrInfoW", "GetAcceptExSockaddrs",
		"GetAddrInfoW", "GetHostByName", "GetProtoByName", "GetServByName", "Getpeername", "Getsockname", "Getsockopt",
		"GetsockoptInt", "Listen", "LoadConnectEx", "LoadGetAddrInfo", "Ntohs", "Recvfrom", "Sendto", "Setsockopt",
		"SetsockoptIPMreq", "SetsockoptIPv6Mreq", "SetsockoptInet4Addr", "SetsockoptInt", "SetsockoptLinger",
		"SetsockoptTimeval", "Shutdown", "Socket", "TransmitFile", "WSACleanup", "WSADuplicateSocket", "WSAEnumProtocols",
		"WSAGetOverlappedResult", "WSAIoctl", "WSALookupServiceBegin", "WSALookupServiceEnd", "WSALookupServiceNext",
		"WSARecv", "WSARecvFrom", "WSARecvMsg", "WSASend", "WSASendMsg", "WSASendTo", "WSASendto", "WSASocket", "WSAStartup",
	}},
	{"Network configuration and DNS", "winsim's network has machines and domains, no interfaces, addresses or DNS", []string{
		"CancelMibChangeNotify2", "DnsNameCompare", "DnsQuery", "DnsRecordListFree", "FreeMibTable", "GetAdaptersAddresses",
		"GetAdaptersInfo", "GetBestInterfaceEx", "GetIfEntry", "GetIfEntry2Ex", "GetIfTable2Ex", "GetIpForwardEntry2",
		"GetIpForwardTable2", "GetIpInterfaceEntry", "GetIpInterfaceTable", "GetUnicastIpAddressEntry",
		"GetUnicastIpAddressTable", "NotifyIpInterfaceChange", "NotifyRouteChange2", "NotifyUnicastIpAddressChange",
	}},
	{"File system: paths, directories, volumes, change notification", "file-system calls on disk files are out of scope", []string{
		"Chdir", "Chmod", "Chown", "CreateDirectory", "CreateHardLink", "CreateSymbolicLink", "DefineDosDevice", "DeleteFile",
		"DeleteVolumeMountPoint", "Fchdir", "Fchmod", "Fchown", "FindClose", "FindCloseChangeNotification",
		"FindFirstChangeNotification", "FindFirstFile", "FindFirstVolume", "FindFirstVolumeMountPoint",
		"FindNextChangeNotification", "FindNextFile", "FindNextVolume", "FindNextVolumeMountPoint", "FindVolumeClose",
		"FindVolumeMountPointClose", "FullPath", "GetCurrentDirectory", "GetDiskFreeSpaceEx", "GetDriveType",
		"GetFileAttributes", "GetFileAttributesEx", "GetFileVersionInfo", "GetFileVersionInfoSize", "GetFullPathName",
		"GetLogicalDriveStrings", "GetLogicalDrives", "GetLongPathName", "GetShortPathName", "GetSystemDirectory",
		"GetSystemWindowsDirectory", "GetTempPath", "GetUserProfileDirectory", "GetVolumeInformation",
		"GetVolumeInformationByHandle", "GetVolumeNameForVolumeMountPoint", "GetVolumePathName",
		"GetVolumePathNamesForVolumeName", "GetWindowsDirectory", "Getwd", "KnownFolderPath", "Lchown", "Link",
		"LoadCreateSymbolicLink", "Mkdir", "MoveFile", "MoveFileEx", "QueryDosDevice", "ReadDirectoryChanges", "Readlink",
		"RemoveDirectory", "Rename", "Rmdir", "RtlDosPathNameToNtPathName", "RtlDosPathNameToRelativeNtPathName",
		"SetCurrentDirectory", "SetFileAttributes", "SetVolumeLabel", "SetVolumeMountPoint", "Symlink", "Unlink", "Utimes",
		"UtimesNano", "VerQueryValue",
	}},
	{"Memory, file mapping, other processes' memory", "winsim models no address spaces", []string{
		"CreateFileMapping", "FlushViewOfFile", "GetLargePageMinimum", "LocalAlloc", "LocalFree", "MapViewOfFile",
		"QueryWorkingSetEx", "ReadProcessMemory", "RtlAddFunctionTable", "RtlDeleteFunctionTable", "UnmapViewOfFile",
		"VirtualAlloc", "VirtualFree", "VirtualLock", "VirtualProtect", "VirtualProtectEx", "VirtualQuery",
		"VirtualQueryEx", "VirtualUnlock", "WriteProcessMemory",
	}},
	{"Modules and resources", "a winsim process loads no images", []string{
		"EnumProcessModules", "EnumProcessModulesEx", "FindResource", "GetModuleBaseName", "GetModuleFileNameEx",
		"GetModuleInformation", "LoadResource", "LoadResourceData", "LockResource", "SizeofResource",
	}},
	{"Registry", "winsim has no registry", []string{
		"RegCloseKey", "RegEnumKeyEx", "RegNotifyChangeKeyValue", "RegOpenKeyEx", "RegQueryInfoKey", "RegQueryValueEx",
	}},
	{"Services and the event log", "winsim has no service control manager or event log", []string{
		"ChangeServiceConfig", "ChangeServiceConfig2", "CloseServiceHandle", "ControlService", "CreateService",
		"DeleteService", "DeregisterEventSource", "EnumDependentServices", "EnumServicesStatusEx",
		"NotifyServiceStatusChange", "OpenSCManager", "OpenService", "QueryServiceConfig", "QueryServiceConfig2",
		"QueryServiceDynamicInformation", "QueryServiceLockStatus", "QueryServiceStatus", "QueryServiceStatusEx",
		"RegisterEventSource", "RegisterServiceCtrlHandlerEx", "ReportEvent", "SetServiceStatus", "StartService",
		"StartServiceCtrlDispatcher", "SubscribeServiceChangeNotifications", "UnsubscribeServiceChangeNotifications",
	}},
	{"Certificates and cryptography", "outside winsim's object model", []string{
		"CertAddCertificateContextToStore", "CertCloseStore", "CertCreateCertificateContext",
		"CertDeleteCertificateFromStore", "CertDuplicateCertificateContext", "CertEnumCertificatesInStore",
		"CertFindCertificateInStore", "CertFindChainInStore", "CertFindExtension", "CertFreeCertificateChain",
		"CertFreeCertificateContext", "CertGetCertificateChain", "CertGetNameString", "CertOpenStore",
		"CertOpenSystemStore", "CertVerifyCertificateChainPolicy", "CryptAcquireCertificatePrivateKey",
		"CryptAcquireContext", "CryptDecodeObject", "CryptGenRandom", "CryptProtectData", "CryptQueryObject",
		"CryptReleaseContext", "CryptUnprotectData", "PFXImportCertStore", "WinVerifyTrustEx",
	}},
	{"SIDs, accounts, privileges and sessions", "winsim's users and SIDs are Go values (docs/security.md); no account database or sessions", []string{
		"AllocateAndInitializeSid", "ConvertSidToStringSid", "ConvertStringSidToSid", "CopySid", "CreateWellKnownDomainSid",
		"CreateWellKnownSid", "EqualSid", "FreeSid", "GetAce", "GetLengthSid", "GetUserNameEx", "Getegid", "Geteuid",
		"Getgid", "Getgroups", "Getuid", "LookupAccountName", "LookupAccountSid", "LookupPrivilegeValue", "LookupSID",
		"NetApiBufferFree", "NetGetJoinInformation", "NetUserEnum", "NetUserGetInfo", "StringToSid",
		"TranslateAccountName", "TranslateName", "TrusteeValueFromObjectsAndName", "TrusteeValueFromObjectsAndSid",
		"TrusteeValueFromSID", "TrusteeValueFromString", "WTSEnumerateSessions", "WTSFreeMemory",
		"WTSGetActiveConsoleSessionId", "WTSQueryUserToken",
	}},
	{"Environment", "winsim processes have no environment blocks; CreateProcess ignores env", []string{
		"Clearenv", "CreateEnvironmentBlock", "DestroyEnvironmentBlock", "Environ", "ExpandEnvironmentStrings",
		"FreeEnvironmentStrings", "GetEnvironmentStrings", "GetEnvironmentVariable", "Getenv", "SetEnvironmentVariable",
		"Setenv", "Unsetenv",
	}},
	{"Consoles and pseudo-consoles", "winsim has no consoles", []string{
		"ClosePseudoConsole", "CreatePseudoConsole", "FlushConsoleInputBuffer", "GenerateConsoleCtrlEvent", "GetConsoleCP",
		"GetConsoleMode", "GetConsoleOutputCP", "GetConsoleScreenBufferInfo", "GetNumberOfConsoleInputEvents",
		"ReadConsole", "ResizePseudoConsole", "SetConsoleCP", "SetConsoleCursorPosition", "SetConsoleMode",
		"SetConsoleOutputCP", "WriteConsole",
	}},
	{"Serial ports", "winsim has no devices besides its file systems", []string{
		"ClearCommBreak", "ClearCommError", "EscapeCommFunction", "GetCommModemStatus", "GetCommState", "GetCommTimeouts",
		"PurgeComm", "SetCommBreak", "SetCommMask", "SetCommState", "SetCommTimeouts", "SetupComm", "WaitCommEvent",
	}},
	{"Device installation (SetupAPI, configuration manager)", "winsim has no devices besides its file systems", []string{
		"CM_Get_DevNode_Status", "CM_Get_Device_Interface_List", "MakeClassInstallHeader", "SetupDiBuildDriverInfoList",
		"SetupDiCallClassInstaller", "SetupDiCancelDriverInfoSearch", "SetupDiClassGuidsFromNameEx",
		"SetupDiClassNameFromGuidEx", "SetupDiCreateDeviceInfo", "SetupDiCreateDeviceInfoListEx",
		"SetupDiDestroyDeviceInfoList", "SetupDiDestroyDriverInfoList", "SetupDiEnumDeviceInfo", "SetupDiEnumDriverInfo",
		"SetupDiGetClassDevsEx", "SetupDiGetClassInstallParams", "SetupDiGetDeviceInfoListDetail",
		"SetupDiGetDeviceInstallParams", "SetupDiGetDeviceInstanceId", "SetupDiGetDeviceProperty",
		"SetupDiGetDeviceRegistryProperty", "SetupDiGetDriverInfoDetail", "SetupDiGetSelectedDevice",
		"SetupDiGetSelectedDriver", "SetupDiOpenDevRegKey", "SetupDiSetClassInstallParams",
		"SetupDiSetDeviceInstallParams", "SetupDiSetDeviceRegistryProperty", "SetupDiSetSelectedDevice",
		"SetupDiSetSelectedDriver", "SetupUninstallOEMInf",
	}},
	{"Windows, desktop, keyboard, shell, COM, shutdown", "winsim has no user interface, COM or system shutdown", []string{
		"CoGetObject", "CoInitializeEx", "CoTaskMemFree", "CoUninitialize", "DwmGetWindowAttribute",
		"DwmSetWindowAttribute", "EnumChildWindows", "EnumWindows", "ExitWindowsEx", "GetClassName", "GetDesktopWindow",
		"GetForegroundWindow", "GetGUIThreadInfo", "GetKeyboardLayout", "GetShellWindow", "GetWindowThreadProcessId",
		"InitiateSystemShutdownEx", "IsWindow", "IsWindowUnicode", "IsWindowVisible", "LoadKeyboardLayout", "MessageBox",
		"ShellExecute", "ToUnicodeEx", "UnloadKeyboardLayout",
	}},
	{"System information, time, locale, GUIDs", "these describe the host Windows, which winsim does not model", []string{
		"ComputerName", "DurationSinceBoot", "GUIDFromString", "GenerateGUID", "GetACP", "GetActiveProcessorCount",
		"GetComputerName", "GetComputerNameEx", "GetMaximumProcessorCount", "GetProcessPreferredUILanguages",
		"GetSystemPreferredUILanguages", "GetSystemTimeAsFileTime", "GetSystemTimePreciseAsFileTime",
		"GetThreadPreferredUILanguages", "GetTimeZoneInformation", "GetUserPreferredUILanguages", "GetVersion",
		"Getpagesize", "Gettimeofday", "IsProcessorFeaturePresent", "LoadGetSystemTimePreciseAsFileTime",
		"MultiByteToWideChar", "NsecToFiletime", "NsecToTimespec", "NsecToTimeval", "NtQuerySystemInformation",
		"NtSetSystemInformation", "RtlGetCurrentPeb", "RtlGetNtVersionNumbers", "RtlGetVersion", "SetErrorMode",
		"TimeBeginPeriod", "TimeEndPeriod", "TimespecToNsec",
	}},
}

// coverageBeyond lists the Win32 functions package windows exports that x/sys/windows lacks, in
// the style mksyscall would give them; Windows code loads them from kernel32.dll by hand.
var coverageBeyond = []coverageExtra{
	{"GetHandleInformation", "a handle's HANDLE_FLAG_* bits"},
	{"PeekNamedPipe", "what a pipe holds, without reading it"},
	{"TransactNamedPipe", "a write and a read on a message pipe as one operation"},
	{"CallNamedPipe", "connect, transact and close in one call"},
	{"WaitNamedPipe", "wait until an instance of a pipe listens"},
	{"CreateMailslot", "a mailslot's server end"},
	{"GetMailslotInfo", "a mailslot's limits and what it holds"},
	{"SetMailslotInfo", "a mailslot's read timeout"},
}

// coverageWinsim lists the functions of winsim's own: they choose which process the calls act
// as and which programs CreateProcess can start.
var coverageWinsim = []coverageExtra{
	{"On", "a Caller whose methods are this package's functions acting as a given process"},
	{"SetDefaultProcess", "the process the package-level functions act as"},
	{"DefaultProcess", "that process, made on first use"},
	{"RegisterProgram", "the Go function CreateProcess runs for an image name"},
}
