package windows

// This file holds the package-level functions: each is the Caller method of the same name acting
// as the default process (SetDefaultProcess). TestPackageFunctionsForwardEveryCallerMethod keeps
// it complete.

// CallNamedPipe is Caller.CallNamedPipe as the default process.
func CallNamedPipe(name *uint16, inBuf *byte, inBufSize uint32, outBuf *byte, outBufSize uint32, bytesRead *uint32, timeout uint32) (err error) {
	return std.CallNamedPipe(name, inBuf, inBufSize, outBuf, outBufSize, bytesRead, timeout)
}

// CancelIo is Caller.CancelIo as the default process.
func CancelIo(s Handle) (err error) { return std.CancelIo(s) }

// CancelIoEx is Caller.CancelIoEx as the default process.
func CancelIoEx(s Handle, o *Overlapped) (err error) { return std.CancelIoEx(s, o) }

// Close is Caller.Close as the default process.
func Close(fd Handle) (err error) { return std.Close(fd) }

// CloseHandle is Caller.CloseHandle as the default process.
func CloseHandle(handle Handle) (err error) { return std.CloseHandle(handle) }

// CloseOnExec is Caller.CloseOnExec as the default process.
func CloseOnExec(fd Handle) { std.CloseOnExec(fd) }

// ConnectNamedPipe is Caller.ConnectNamedPipe as the default process.
func ConnectNamedPipe(pipeHandle Handle, overlapped *Overlapped) (err error) {
	return std.ConnectNamedPipe(pipeHandle, overlapped)
}

// CreateEvent is Caller.CreateEvent as the default process.
func CreateEvent(eventAttrs *SecurityAttributes, manualReset uint32, initialState uint32, name *uint16) (handle Handle, err error) {
	return std.CreateEvent(eventAttrs, manualReset, initialState, name)
}

// CreateEventEx is Caller.CreateEventEx as the default process.
func CreateEventEx(eventAttrs *SecurityAttributes, name *uint16, flags uint32, desiredAccess uint32) (handle Handle, err error) {
	return std.CreateEventEx(eventAttrs, name, flags, desiredAccess)
}

// CreateFile is Caller.CreateFile as the default process.
func CreateFile(name *uint16, access uint32, mode uint32, sa *SecurityAttributes, createmode uint32, attrs uint32, templatefile Handle) (handle Handle, err error) {
	return std.CreateFile(name, access, mode, sa, createmode, attrs, templatefile)
}

// CreateIoCompletionPort is Caller.CreateIoCompletionPort as the default process.
func CreateIoCompletionPort(filehandle Handle, cphandle Handle, key uintptr, threadcnt uint32) (handle Handle, err error) {
	return std.CreateIoCompletionPort(filehandle, cphandle, key, threadcnt)
}

// CreateMailslot is Caller.CreateMailslot as the default process.
func CreateMailslot(name *uint16, maxMessageSize uint32, readTimeout uint32, sa *SecurityAttributes) (handle Handle, err error) {
	return std.CreateMailslot(name, maxMessageSize, readTimeout, sa)
}

// CreateNamedPipe is Caller.CreateNamedPipe as the default process.
func CreateNamedPipe(name *uint16, flags uint32, pipeMode uint32, maxInstances uint32, outSize uint32, inSize uint32, defaultTimeout uint32, sa *SecurityAttributes) (handle Handle, err error) {
	return std.CreateNamedPipe(name, flags, pipeMode, maxInstances, outSize, inSize, defaultTimeout, sa)
}

// CreatePipe is Caller.CreatePipe as the default process.
func CreatePipe(readhandle *Handle, writehandle *Handle, sa *SecurityAttributes, size uint32) (err error) {
	return std.CreatePipe(readhandle, writehandle, sa, size)
}

// CreateProcess is Caller.CreateProcess as the default process.
func CreateProcess(appName *uint16, commandLine *uint16, procSecurity *SecurityAttributes, threadSecurity *SecurityAttributes, inheritHandles bool, creationFlags uint32, env *uint16, currentDir *uint16, startupInfo *StartupInfo, outProcInfo *ProcessInformation) (err error) {
	return std.CreateProcess(appName, commandLine, procSecurity, threadSecurity, inheritHandles, creationFlags, env, currentDir, startupInfo, outProcInfo)
}

// CurrentProcess is Caller.CurrentProcess as the default process.
func CurrentProcess() Handle { return std.CurrentProcess() }

// DisconnectNamedPipe is Caller.DisconnectNamedPipe as the default process.
func DisconnectNamedPipe(pipeHandle Handle) (err error) { return std.DisconnectNamedPipe(pipeHandle) }

// DuplicateHandle is Caller.DuplicateHandle as the default process.
func DuplicateHandle(hSourceProcessHandle Handle, hSourceHandle Handle, hTargetProcessHandle Handle, lpTargetHandle *Handle, dwDesiredAccess uint32, bInheritHandle bool, dwOptions uint32) (err error) {
	return std.DuplicateHandle(hSourceProcessHandle, hSourceHandle, hTargetProcessHandle, lpTargetHandle, dwDesiredAccess, bInheritHandle, dwOptions)
}

// Exit is Caller.Exit as the default process.
func Exit(code int) { std.Exit(code) }

// ExitProcess is Caller.ExitProcess as the default process.
func ExitProcess(exitcode uint32) { std.ExitProcess(exitcode) }

// FlushFileBuffers is Caller.FlushFileBuffers as the default process.
func FlushFileBuffers(handle Handle) (err error) { return std.FlushFileBuffers(handle) }

// Fsync is Caller.Fsync as the default process.
func Fsync(fd Handle) (err error) { return std.Fsync(fd) }

// GetCurrentProcess is Caller.GetCurrentProcess as the default process.
func GetCurrentProcess() (Handle, error) { return std.GetCurrentProcess() }

// GetCurrentProcessId is Caller.GetCurrentProcessId as the default process.
func GetCurrentProcessId() (pid uint32) { return std.GetCurrentProcessId() }

// GetExitCodeProcess is Caller.GetExitCodeProcess as the default process.
func GetExitCodeProcess(handle Handle, exitcode *uint32) (err error) {
	return std.GetExitCodeProcess(handle, exitcode)
}

// GetFileType is Caller.GetFileType as the default process.
func GetFileType(filehandle Handle) (n uint32, err error) { return std.GetFileType(filehandle) }

// GetHandleInformation is Caller.GetHandleInformation as the default process.
func GetHandleInformation(handle Handle, flags *uint32) (err error) {
	return std.GetHandleInformation(handle, flags)
}

// GetMailslotInfo is Caller.GetMailslotInfo as the default process.
func GetMailslotInfo(mailslotHandle Handle, maxMessageSize *uint32, nextSize *uint32, messageCount *uint32, readTimeout *uint32) (err error) {
	return std.GetMailslotInfo(mailslotHandle, maxMessageSize, nextSize, messageCount, readTimeout)
}

// GetNamedPipeClientProcessId is Caller.GetNamedPipeClientProcessId as the default process.
func GetNamedPipeClientProcessId(pipeHandle Handle, clientProcessID *uint32) (err error) {
	return std.GetNamedPipeClientProcessId(pipeHandle, clientProcessID)
}

// GetNamedPipeHandleState is Caller.GetNamedPipeHandleState as the default process.
func GetNamedPipeHandleState(pipeHandle Handle, state *uint32, curInstances *uint32, maxCollectionCount *uint32, collectDataTimeout *uint32, userName *uint16, maxUserNameSize uint32) (err error) {
	return std.GetNamedPipeHandleState(pipeHandle, state, curInstances, maxCollectionCount, collectDataTimeout, userName, maxUserNameSize)
}

// GetNamedPipeInfo is Caller.GetNamedPipeInfo as the default process.
func GetNamedPipeInfo(pipeHandle Handle, flags *uint32, outSize *uint32, inSize *uint32, maxInstances *uint32) (err error) {
	return std.GetNamedPipeInfo(pipeHandle, flags, outSize, inSize, maxInstances)
}

// GetNamedPipeServerProcessId is Caller.GetNamedPipeServerProcessId as the default process.
func GetNamedPipeServerProcessId(pipeHandle Handle, serverProcessID *uint32) (err error) {
	return std.GetNamedPipeServerProcessId(pipeHandle, serverProcessID)
}

// GetOverlappedResult is Caller.GetOverlappedResult as the default process.
func GetOverlappedResult(handle Handle, overlapped *Overlapped, done *uint32, wait bool) (err error) {
	return std.GetOverlappedResult(handle, overlapped, done, wait)
}

// GetProcessId is Caller.GetProcessId as the default process.
func GetProcessId(process Handle) (id uint32, err error) { return std.GetProcessId(process) }

// GetQueuedCompletionStatus is Caller.GetQueuedCompletionStatus as the default process.
func GetQueuedCompletionStatus(cphandle Handle, qty *uint32, key *uintptr, overlapped **Overlapped, timeout uint32) (err error) {
	return std.GetQueuedCompletionStatus(cphandle, qty, key, overlapped, timeout)
}

// GetSecurityInfo is Caller.GetSecurityInfo as the default process.
func GetSecurityInfo(handle Handle, objectType SE_OBJECT_TYPE, securityInformation SECURITY_INFORMATION) (sd *SECURITY_DESCRIPTOR, err error) {
	return std.GetSecurityInfo(handle, objectType, securityInformation)
}

// GetStdHandle is Caller.GetStdHandle as the default process.
func GetStdHandle(stdhandle uint32) (handle Handle, err error) { return std.GetStdHandle(stdhandle) }

// Getpid is Caller.Getpid as the default process.
func Getpid() (pid int) { return std.Getpid() }

// Getppid is Caller.Getppid as the default process.
func Getppid() (ppid int) { return std.Getppid() }

// OpenEvent is Caller.OpenEvent as the default process.
func OpenEvent(desiredAccess uint32, inheritHandle bool, name *uint16) (handle Handle, err error) {
	return std.OpenEvent(desiredAccess, inheritHandle, name)
}

// OpenProcess is Caller.OpenProcess as the default process.
func OpenProcess(desiredAccess uint32, inheritHandle bool, processId uint32) (handle Handle, err error) {
	return std.OpenProcess(desiredAccess, inheritHandle, processId)
}

// PeekNamedPipe is Caller.PeekNamedPipe as the default process.
func PeekNamedPipe(pipeHandle Handle, buf *byte, bufSize uint32, bytesRead *uint32, totalBytesAvail *uint32, bytesLeftThisMessage *uint32) (err error) {
	return std.PeekNamedPipe(pipeHandle, buf, bufSize, bytesRead, totalBytesAvail, bytesLeftThisMessage)
}

// Pipe is Caller.Pipe as the default process.
func Pipe(p []Handle) (err error) { return std.Pipe(p) }

// PostQueuedCompletionStatus is Caller.PostQueuedCompletionStatus as the default process.
func PostQueuedCompletionStatus(cphandle Handle, qty uint32, key uintptr, overlapped *Overlapped) (err error) {
	return std.PostQueuedCompletionStatus(cphandle, qty, key, overlapped)
}

// PulseEvent is Caller.PulseEvent as the default process.
func PulseEvent(event Handle) (err error) { return std.PulseEvent(event) }

// Read is Caller.Read as the default process.
func Read(fd Handle, p []byte) (n int, err error) { return std.Read(fd, p) }

// ReadFile is Caller.ReadFile as the default process.
func ReadFile(fd Handle, p []byte, done *uint32, overlapped *Overlapped) error {
	return std.ReadFile(fd, p, done, overlapped)
}

// ResetEvent is Caller.ResetEvent as the default process.
func ResetEvent(event Handle) (err error) { return std.ResetEvent(event) }

// Seek is Caller.Seek as the default process.
func Seek(fd Handle, offset int64, whence int) (newoffset int64, err error) {
	return std.Seek(fd, offset, whence)
}

// SetEvent is Caller.SetEvent as the default process.
func SetEvent(event Handle) (err error) { return std.SetEvent(event) }

// SetFileCompletionNotificationModes is Caller.SetFileCompletionNotificationModes as the default process.
func SetFileCompletionNotificationModes(handle Handle, flags uint8) (err error) {
	return std.SetFileCompletionNotificationModes(handle, flags)
}

// SetHandleInformation is Caller.SetHandleInformation as the default process.
func SetHandleInformation(handle Handle, mask uint32, flags uint32) (err error) {
	return std.SetHandleInformation(handle, mask, flags)
}

// SetKernelObjectSecurity is Caller.SetKernelObjectSecurity as the default process.
func SetKernelObjectSecurity(handle Handle, securityInformation SECURITY_INFORMATION, securityDescriptor *SECURITY_DESCRIPTOR) (err error) {
	return std.SetKernelObjectSecurity(handle, securityInformation, securityDescriptor)
}

// SetMailslotInfo is Caller.SetMailslotInfo as the default process.
func SetMailslotInfo(mailslotHandle Handle, readTimeout uint32) (err error) {
	return std.SetMailslotInfo(mailslotHandle, readTimeout)
}

// SetNamedPipeHandleState is Caller.SetNamedPipeHandleState as the default process.
func SetNamedPipeHandleState(pipeHandle Handle, state *uint32, maxCollectionCount *uint32, collectDataTimeout *uint32) (err error) {
	return std.SetNamedPipeHandleState(pipeHandle, state, maxCollectionCount, collectDataTimeout)
}

// SetSecurityInfo is Caller.SetSecurityInfo as the default process.
func SetSecurityInfo(handle Handle, objectType SE_OBJECT_TYPE, securityInformation SECURITY_INFORMATION, owner *SID, group *SID, dacl *ACL, sacl *ACL) (ret error) {
	return std.SetSecurityInfo(handle, objectType, securityInformation, owner, group, dacl, sacl)
}

// SleepEx is Caller.SleepEx as the default process.
func SleepEx(milliseconds uint32, alertable bool) (ret uint32) {
	return std.SleepEx(milliseconds, alertable)
}

// TerminateProcess is Caller.TerminateProcess as the default process.
func TerminateProcess(handle Handle, exitcode uint32) (err error) {
	return std.TerminateProcess(handle, exitcode)
}

// TransactNamedPipe is Caller.TransactNamedPipe as the default process.
func TransactNamedPipe(pipeHandle Handle, inBuf *byte, inBufSize uint32, outBuf *byte, outBufSize uint32, bytesRead *uint32, overlapped *Overlapped) (err error) {
	return std.TransactNamedPipe(pipeHandle, inBuf, inBufSize, outBuf, outBufSize, bytesRead, overlapped)
}

// WaitForMultipleObjects is Caller.WaitForMultipleObjects as the default process.
func WaitForMultipleObjects(handles []Handle, waitAll bool, waitMilliseconds uint32) (event uint32, err error) {
	return std.WaitForMultipleObjects(handles, waitAll, waitMilliseconds)
}

// WaitForSingleObject is Caller.WaitForSingleObject as the default process.
func WaitForSingleObject(handle Handle, waitMilliseconds uint32) (event uint32, err error) {
	return std.WaitForSingleObject(handle, waitMilliseconds)
}

// WaitNamedPipe is Caller.WaitNamedPipe as the default process.
func WaitNamedPipe(name *uint16, timeout uint32) (err error) { return std.WaitNamedPipe(name, timeout) }

// Write is Caller.Write as the default process.
func Write(fd Handle, p []byte) (n int, err error) { return std.Write(fd, p) }

// WriteFile is Caller.WriteFile as the default process.
func WriteFile(fd Handle, p []byte, done *uint32, overlapped *Overlapped) error {
	return std.WriteFile(fd, p, done, overlapped)
}
