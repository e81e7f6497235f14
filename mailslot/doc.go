// Package mailslot is winsim's mailslot file system: one-way queues of whole messages
// that one server reads and any number of clients write, on one machine or across a
// domain, with Windows' semantics. It is analogous to a mailslot file system driver
// (Wine: server/mailslot.c; ReactOS: drivers/filesystems/msfs) plus the datagram side
// of the redirector that carries remote mailslot writes ([MS-MAIL]).
//
// Install registers the file system on a machine as \Device\Mailslot, which
// \\.\mailslot\… names reach. Then, with the Win32 calls:
//
//	h, _ := mailslot.CreateMailslot(p, `\\.\mailslot\app\events`, 0, mailslot.MAILSLOT_WAIT_FOREVER, nil)
//	c, _ := q.CreateFile(`\\.\mailslot\app\events`, kernel.GENERIC_WRITE, kernel.FILE_SHARE_READ, nil, kernel.OPEN_EXISTING, 0)
//	q.WriteFile(ctx, c, []byte("hello"))  // one message
//	n, _ := p.ReadFile(ctx, h, buf)       // one whole message, oldest first
//	info, _ := mailslot.GetMailslotInfo(p, h)
//
// or with the Go layer: Listen returns a Server with ReadMessage, Dial a Client whose
// every Write is one message.
//
// A client addresses this machine (\\.\mailslot\x, or \\OWNNAME\mailslot\x), another
// machine (\\HOST\mailslot\x), every machine of a domain (\\DOMAIN\mailslot\x) or of the
// writer's own domain (\\*\mailslot\x). Remote and broadcast writes go through the
// kernel.Network, which may lose, duplicate, delay or partition them (kernel.Faults);
// local writes are never faulted. docs/mailslot.md is the user guide and lists every
// limit; docs/deviations.md lists where winsim differs from Windows.
//
// # Objects
//
//   - mailslot: the control block (a file system's FCB) of one mailslot: name, queue,
//     maximum message size, read timeout. It lives in its Device's case-insensitive
//     name table.
//   - serverEnd: the server file object CreateMailslot returns a handle to. Its last
//     handle closing closes the mailslot.
//   - clientEnd: a client file object from CreateFile. A local one is bound to the
//     mailslot it opened; a remote or broadcast one resolves its destination at each
//     write.
//   - deviceEnd: a file object for the device itself or its root directory.
//
// # Lock order
//
//	Device.mu (the name table; never held while taking another lock)
//	mailslot.mu (one mailslot at a time)
//	  the machine clock's lock (AfterFunc for a delayed delivery)
//
// kernel.FaultInjector's lock, kernel.Network.mu and kernel.Machine.mu are taken only
// with no lock of this package held. Pending reads are notified only after
// mailslot.mu is released.
//
// # Blocking
//
// ReadFile on an empty mailslot queues a kernel.Request on the mailslot (read.go): it
// waits up to the read timeout on the machine's clock (then
// ERROR_SEM_TIMEOUT), until the context is done or the calling process exits (an error
// matching ERROR_OPERATION_ABORTED), or until the mailslot closes (ERROR_HANDLE_EOF).
// WriteFile never blocks. No goroutine runs per mailslot or per handle; a delayed
// delivery is a timer on the receiving machine's clock, stopped when its mailslot
// closes.
package mailslot
