// Package kernel is winsim's object manager: named, reference-counted kernel objects;
// per-process handle tables; processes with inheritance and exit; events and waits;
// machines in domains on a network; Win32 error codes; clocks; trace events and a
// census of everything the kernel holds.
//
// It follows the Windows NT kernel (and Wine's server, which re-implements it) because
// that is what winsim's users emulate:
//
//   - An Object is a header (type, optional name, handle count, pointer count) and a
//     type-specific body. Handles add to both counts; internal references add to the
//     pointer count only. The body's Close runs when the last handle goes, Delete when
//     the last reference goes.
//   - A HandleTable per process maps handle values 4, 8, 12, … to {object, granted
//     access, attributes}. Every call checks, in order: the handle is valid, the object
//     is of the right type, the handle grants the access the call needs (NT's
//     ObReferenceObjectByHandle; Wine dlls/ntdll/tests/om.c test_type_mismatch).
//   - Win32 calls are methods of the *Process that makes them:
//     p.CreateEvent, p.CloseHandle, p.DuplicateHandle, p.ReadFile, …
//   - File systems (packages mailslot and pipe) install a Device on a machine;
//     CreateFile resolves names to devices through package namespace.
//   - Every process runs with a Token (a user and groups of the machine or its
//     domain) and every object carries a SecurityDescriptor; opens by name and
//     OpenProcess run AccessCheck, descriptors convert to and from SDDL, and a pipe
//     server impersonates its client through an explicit Impersonation value
//     (docs/security.md).
//
// # Lock order
//
// See Machine for the tree. Waiters are woken after the lock protecting what they wait
// for is released (I/O waits), or satisfied under the dispatcher lock (dispatcher waits).
//
// # Blocking
//
// Dispatcher waits are in wait.go; every operation of a file system that cannot finish
// at once is an I/O request (request.go), which is also how overlapped I/O, CancelIo
// and completion ports work. Every blocking call honours its Win32 timeout (read from
// the machine's Clock), a context.Context, and the exit of the calling process (which
// cancels and completes its requests before closing its handles).
package kernel
