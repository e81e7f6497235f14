// Package windows is golang.org/x/sys/windows' names and signatures over winsim: code written
// against x/sys/windows for named pipes, mailslots, events, processes, overlapped I/O and
// completion ports runs on Linux and macOS by swapping the import
//
//	import "golang.org/x/sys/windows"          // on Windows
//	import "github.com/winsim/winsim/windows"  // over winsim
//
// Functions, types and constants have x/sys/windows' names, parameter and result types, and
// values: names are NUL-terminated *uint16 (UTF16PtrFromString), results come back through
// out-pointers, errors are Errno values that compare equal to the ERROR_* constants, and an
// *Overlapped passed to ReadFile comes back from GetQueuedCompletionStatus as the same pointer.
// docs/coverage.md lists every x/sys/windows function, whether this package has it, and why not.
//
// # Which process calls
//
// On Windows the caller is the current process. Over winsim it is a kernel.Process: the
// package-level functions act as the default process (SetDefaultProcess; with none set, a
// machine WINSIM with one process app.exe is made on first use, shared with package winio).
// On(p) returns a Caller whose methods are the same functions acting as p, for tests of several
// processes or machines. Handles are values in that process's table.
//
// # Beyond x/sys/windows
//
// Functions x/sys/windows lacks but Windows code loads by hand have the same style here:
// CreateMailslot, GetMailslotInfo, SetMailslotInfo, PeekNamedPipe, TransactNamedPipe,
// CallNamedPipe, WaitNamedPipe, GetHandleInformation. Code that loads them through
// NewLazySystemDLL("kernel32.dll").NewProc(...).Call(...) works too: kernel32.dll's procedures
// dispatch to this package (dll.go). CreateProcess runs Go functions registered with
// RegisterProgram under an image name.
//
// # Blocking
//
// Blocking calls (ReadFile, ConnectNamedPipe, WaitForSingleObject, GetQueuedCompletionStatus, …)
// wait as Windows does, on the machine's clock, and return ERROR_OPERATION_ABORTED when the
// calling process exits or is terminated.
//
// Where winsim differs from Windows, docs/deviations.md says so.
package windows
