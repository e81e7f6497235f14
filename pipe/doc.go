// Package pipe is winsim's pipe file system: anonymous pipes (CreatePipe) and named
// pipes (CreateNamedPipe, ConnectNamedPipe, CreateFile of \\.\pipe\name, ...), with the
// byte and message modes, quotas, states and errors of Windows. It is analogous to NT's
// named-pipe file system, NPFS (Wine: server/named_pipe.c).
//
// Install registers the file system on a machine as \Device\NamedPipe; Win32 names
// reach it as \\.\pipe\name through the \??\PIPE link, and as \\HOST\pipe\name from
// the other machines of the network. Each Win32 call is a function taking the calling
// *kernel.Process; ReadFile, WriteFile, FlushFileBuffers, CloseHandle, DuplicateHandle
// and WaitForSingleObject are the kernel's, dispatched to the pipe ends' capabilities.
//
//	srv, _ := pipe.CreateNamedPipe(server, `\\.\pipe\echo`, pipe.PIPE_ACCESS_DUPLEX,
//		pipe.PIPE_TYPE_MESSAGE|pipe.PIPE_READMODE_MESSAGE, 1, 4096, 4096, 0, nil)
//	cli, _ := client.CreateFile(`\\.\pipe\echo`, kernel.GENERIC_READ|kernel.GENERIC_WRITE, 0, nil, kernel.OPEN_EXISTING, 0)
//	_ = pipe.ConnectNamedPipe(ctx, server, srv) // ERROR_PIPE_CONNECTED: the client came first
//	client.WriteFile(ctx, cli, []byte("ping"))
//
// docs/pipes.md is the user guide, with a table of what each call returns in each state;
// docs/deviations.md lists where winsim knowingly differs from Windows.
//
// # Structure
//
//   - namedPipe (named.go): a pipe name, its fixed configuration and its instances
//     (NT's FCB). device.go keeps the names and opens client ends.
//   - instance (instance.go): one server end, its current client end and the two data
//     queues; its state machine (listening, connected, closing, disconnected, closed).
//   - end (end.go): the body of a pipe end's file object; ReadFile, WriteFile and
//     FlushFileBuffers land here.
//   - buffer (buffer.go): one direction's data: records with message boundaries, a byte
//     ring, pending reads and the quota that blocks writers.
//   - op (op.go): a blocked read or write, reused per end.
//   - ntcreate.go: CreateNamedPipeFile (NtCreateNamedPipeFile) and the one path that
//     creates an instance's server end, which CreateNamedPipe shares.
//
// go-winio's net.Conn and net.Listener API is package winio, built on this package's
// calls (docs/winio.md).
//
// # Lock order
//
// Outermost first:
//
//	device.mu          (one machine's pipe names)
//	  namedPipe.mu     (a pipe's instance count and listening queue)
//	    instance.mu    (an instance: both ends' state and both data queues)
//	      kernel: Process.reqMu, census and trace locks; the dispatcher lock
//
// At most one of each is held at a time. The two ends of an instance share its lock, so
// no order between a server end and a client end is needed (a rule "server end before
// client end" is not needed: there is one lock per instance). Waiters are woken, and blocked
// operations signalled, only after every pipe lock is released (wakeList). Kernel objects
// are created with pipe locks held only in device.openClient, and NewObject takes only
// the census and trace locks.
//
// # Blocking
//
// ReadFile, WriteFile, TransactNamedPipe, ConnectNamedPipe, FlushFileBuffers and
// WaitNamedPipe that cannot finish at once queue a kernel.Request (op.go) and complete
// it when the pipe changes, so they need no goroutine or timer, and synchronous reads
// and writes no allocation. With an OVERLAPPED on a handle opened with
// FILE_FLAG_OVERLAPPED they return ERROR_IO_PENDING instead of waiting. Every blocking
// call gives up when its context is done, CancelIo/CancelIoEx cancel it or its process
// exits, with an error matching kernel.ERROR_OPERATION_ABORTED; WaitNamedPipe's timeout
// runs on the machine's clock.
package pipe
