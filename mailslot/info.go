package mailslot

import (
	"context"

	"github.com/winsim/winsim/kernel"
)

// MAILSLOT_NO_MESSAGE is the NextSize GetMailslotInfo reports for an empty mailslot
// (winbase.h: (DWORD)-1).
const MAILSLOT_NO_MESSAGE uint32 = 0xFFFFFFFF

// Info is what GetMailslotInfo reports, its four optional out-parameters in one value.
type Info struct {
	// MaxMessageSize is the maximum message size the mailslot was created with; 0 means
	// any size.
	MaxMessageSize uint32
	// NextSize is the size of the oldest message, or MAILSLOT_NO_MESSAGE when there is
	// none (a zero-length message reports 0).
	NextSize uint32
	// MessageCount is the number of messages waiting.
	MessageCount uint32
	// ReadTimeout is the read timeout in milliseconds, or MAILSLOT_WAIT_FOREVER.
	ReadTimeout uint32
}

// GetMailslotInfo returns the state of the mailslot h refers to (GetMailslotInfo). h is
// normally the server handle (the docs: a handle CreateMailslot created). It needs no
// particular access: ReactOS's I/O manager asks none for FileMailslotQueryInformation
// (ntoskrnl/include/io_i.h IopQueryOperationAccess; an implementation, unverified on
// Windows).
//
// Errors:
//   - ERROR_INVALID_HANDLE: h is not a valid handle, or not a file (INVALID_HANDLE_VALUE
//     included; windows-facts.md MS-1).
//   - ERROR_INVALID_PARAMETER: a file that is no mailslot's: the mailslot device or its
//     root, another file system's file, a remote or broadcast client. Unverified: it is
//     the answer Windows before 8 gave for a client (windows-facts.md MS-28), the nearest tested
//     case of a handle that is not a server's.
//   - ERROR_HANDLE_EOF: a local client whose server has gone (unverified; see
//     mailslot.close).
//
// A local client handle is answered with its server's values, as Windows 8 and later do
// (windows-facts.md MS-28: NtQueryInformationFile(FileMailslotQueryInformation) on a client
// succeeds there; earlier versions gave ERROR_INVALID_PARAMETER). See docs/deviations.md.
func GetMailslotInfo(p *kernel.Process, h kernel.Handle) (Info, error) {
	c, err := p.CallFor(context.Background(), h, 0)
	if err != nil {
		return Info{}, err
	}
	defer c.Object.DecRef()
	switch b := c.Object.Body().(type) {
	case *serverEnd:
		return b.ms.info(), nil
	case *clientEnd:
		return b.info()
	}
	return Info{}, kernel.ERROR_INVALID_PARAMETER
}

// SetMailslotInfo sets the read timeout of the mailslot whose server handle is h
// (SetMailslotInfo; the docs: a handle CreateMailslot created): milliseconds, 0 for
// none, or MAILSLOT_WAIT_FOREVER. Reads that are already waiting keep the timeout they
// started with; later reads use the new one. It needs no particular access: ReactOS's
// I/O manager asks none for FileMailslotSetInformation (ntoskrnl/include/io_i.h
// IopSetOperationAccess) and Wine's set_mailslot_info request asks none
// (implementations, unverified on Windows).
//
// Errors: ERROR_INVALID_HANDLE for an invalid or non-file handle; ERROR_INVALID_PARAMETER
// for any file other than a mailslot's server, client handles included; ERROR_HANDLE_EOF
// for a local client whose server has gone (see mailslot.close).
//
// Unverified: no Windows-run test sets information through a client. The
// implementations disagree (Wine fails it as a wrong object type, ERROR_INVALID_HANDLE;
// ReactOS msfs finfo.c with STATUS_ACCESS_DENIED). ERROR_INVALID_PARAMETER is chosen
// because Windows before 8 gave it for the matching query on a client (windows-facts.md MS-28),
// and current Windows, which answers that query, still documents SetMailslotInfo for
// server handles only.
func SetMailslotInfo(p *kernel.Process, h kernel.Handle, readTimeout uint32) error {
	c, err := p.CallFor(context.Background(), h, 0)
	if err != nil {
		return err
	}
	defer c.Object.DecRef()
	switch b := c.Object.Body().(type) {
	case *serverEnd:
		b.ms.setTimeout(readTimeout)
		b.ms.trace(p.PID(), "read timeout set")
		return nil
	case *clientEnd:
		if b.ms != nil && b.ms.closed.Load() {
			return kernel.ERROR_HANDLE_EOF
		}
	}
	return kernel.ERROR_INVALID_PARAMETER
}
