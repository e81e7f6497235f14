// Package scenario runs scenario scripts: plain-text descriptions of what processes on
// a network of fake Windows machines do, one Win32 call per line, with the expected
// result written inline, so that a script is both a demonstration and a test. The
// engine is rsc.io/script; the winsim command (cmd/winsim) runs scripts from the shell,
// and testdata/scenarios holds a library of them.
//
// # A script
//
//	# A comment explains what comes next; it is shown with the next line.
//	machine ALPHA CORP                      # a machine in domain CORP
//	machine BETA CORP
//	process server BETA                     # server.exe on BETA
//	process client ALPHA
//	server CreateMailslot \\.\mailslot\inbox 0 MAILSLOT_WAIT_FOREVER NULL -> slot
//	server ReadFile slot 424 == 5 hello &   # in the background: it blocks
//	client CreateFile \\BETA\mailslot\inbox GENERIC_WRITE FILE_SHARE_READ NULL OPEN_EXISTING 0 -> h
//	client WriteFile h hello == 5
//	wait                                    # the read completes
//	server SetMailslotInfo slot 1000
//	server ReadFile slot 424 => ERROR_SEM_TIMEOUT   # after exactly 1s of virtual time
//
// A line that starts with a declared process's name is a Win32 call made by that
// process: the call's name, then its arguments in the Win32 order (winsim calls, or
// CallNames and CallSignature, list them). After the arguments:
//
//   - -> NAME... binds the call's results, in order, to names that later lines use
//     (_ skips one). A handle is a number, meaningful in its process's table: a name
//     bound to it means that value in whichever process uses it (as with inheritance).
//   - == VALUE... checks the results, in order (_ skips one).
//   - => ERROR checks that the call fails with that Win32 error (=> ok: that it
//     succeeds). Without =>, the call must succeed.
//   - & at the end runs the call in the background; wait waits for every background
//     call and checks its expectations.
//
// Arguments are written as Win32 has them: numbers (decimal or 0x), constant names
// joined with | (GENERIC_READ|GENERIC_WRITE), error names, TRUE and FALSE, NULL (a null
// pointer, a NULL name, no SECURITY_ATTRIBUTES), INHERIT (SECURITY_ATTRIBUTES with
// bInheritHandle), INVALID_HANDLE_VALUE, CURRENT_PROCESS (GetCurrentProcess()), bound
// names, and a declared process's name where a PID is expected. Text is taken as
// written; quote it with '…' when it has spaces; bytes:N is N bytes of data. Buffers
// are given by size (ReadFile h 64), and what was read is a result.
//
// Other commands: machine, process, advance DURATION, partition A B, heal [A B],
// faults [seed=N loss=P duplicate=P delay=P maxdelay=D], the views objects, handles,
// processes, namespace, leaks and picture, calls, and the engine's wait, echo, stop
// and help (winsim commands lists them all). A child made with CreateProcess NAME
// becomes a process that later lines can name.
//
// # Time and determinism
//
// Every machine reads one virtual clock. It moves when advance says so, and when every
// call in flight is blocked and a timer is the only thing that can happen next: then
// it jumps to that timer, so a timeout takes exactly its time. A call that nothing can
// wake (everything blocked, no timer) is cancelled and reported as a script error
// instead of hanging. Each line settles (every call it woke has finished or blocked
// again) before the next one runs, and its trace events are listed grouped by the
// call that caused them, so a script's transcript is the same on every run.
//
// # Errors
//
// A line that is not a command or call, has the wrong number of arguments, names an
// unknown constant or name, or whose expectation does not hold, stops the script with
// "file:line: the line: what was expected, what happened". No script can panic or hang
// the runner (FuzzScript).
package scenario
