package pipe

import (
	"context"

	"github.com/winsim/winsim/kernel"
)

// This file holds the query and configuration calls of a pipe end: its handle state,
// its pipe's info, and who is at either end.

// GetNamedPipeHandleState reports the end h's state (GetNamedPipeHandleStateW). Each
// non-nil pointer is filled in; all nil just checks h (windows-facts.md NP-79).
//
//   - state: PIPE_READMODE_MESSAGE if the end reads messages, | PIPE_NOWAIT if it is
//     non-blocking (NP-49, NP-112).
//   - curInstances: the pipe's current number of instances; 0 on a client whose server
//     closed (NP-86).
//   - maxCollectionCount, collectDataTimeout: the remote client's values from
//     SetNamedPipeHandleState; only a client end of a pipe on another machine has them,
//     every other end gets ERROR_INVALID_PARAMETER (NP-80).
//   - userName: on a server end, the connected client's user name (security.go
//     clientUserName: ERROR_CANNOT_IMPERSONATE before the client has written); a
//     client end gives ERROR_INVALID_PARAMETER.
//
// It needs FILE_READ_ATTRIBUTES to report state or curInstances (NP-84). It keeps working
// after the other end has closed (NP-81). Errors: ERROR_PIPE_NOT_CONNECTED on a client
// cut off by DisconnectNamedPipe (NP-85); ERROR_ACCESS_DENIED; ERROR_INVALID_FUNCTION on a
// file that is not a pipe.
func GetNamedPipeHandleState(p *kernel.Process, h kernel.Handle, state, curInstances, maxCollectionCount, collectDataTimeout *uint32, userName *string) error {
	c, e, err := callEnd(context.Background(), p, h, 0)
	if err != nil {
		return err
	}
	defer c.Object.DecRef()
	in := e.inst
	if maxCollectionCount != nil || collectDataTimeout != nil {
		if !e.remote {
			return kernel.ERROR_INVALID_PARAMETER
		}
	}
	if userName != nil {
		name, err := clientUserName(p, h, e.server)
		if err != nil {
			return err
		}
		*userName = name
	}
	if (state != nil || curInstances != nil) && !c.Granted.Has(kernel.FILE_READ_ATTRIBUTES) {
		return kernel.ERROR_ACCESS_DENIED
	}
	in.mu.Lock()
	if !e.server && e.state == stateDisconnected && (state != nil || curInstances != nil || maxCollectionCount != nil || collectDataTimeout != nil) {
		in.mu.Unlock()
		return kernel.ERROR_PIPE_NOT_CONNECTED
	}
	if state != nil {
		*state = 0
		if e.msgRead {
			*state |= PIPE_READMODE_MESSAGE
		}
		if e.nowait {
			*state |= PIPE_NOWAIT
		}
	}
	if maxCollectionCount != nil {
		*maxCollectionCount = e.maxCollection
	}
	if collectDataTimeout != nil {
		*collectDataTimeout = e.collectTimeout
	}
	in.mu.Unlock()
	if curInstances != nil {
		in.fcb.mu.Lock()
		*curInstances = uint32(in.fcb.instances)
		in.fcb.mu.Unlock()
	}
	return nil
}

// SetNamedPipeHandleState changes the end h's read mode and completion mode
// (SetNamedPipeHandleState). mode, if not nil, is PIPE_READMODE_BYTE or
// PIPE_READMODE_MESSAGE combined with PIPE_WAIT or PIPE_NOWAIT; the change applies to
// every handle of the end, and to reads issued after it. maxCollectionCount and
// collectDataTimeout apply only to a client end of a pipe on another machine; they are
// stored and reported back, winsim sends every write at once.
//
// It needs FILE_WRITE_ATTRIBUTES (windows-facts.md NP-83; MS docs: a client must open the pipe
// with it to change the read mode). It keeps working after the other end has closed
// (NP-81).
//
// Errors: ERROR_INVALID_PARAMETER for other bits in mode, for message read mode on a
// byte-type pipe (NP-77), for collection parameters on a local pipe or a server end;
// ERROR_ACCESS_DENIED; ERROR_PIPE_NOT_CONNECTED on a client cut off by
// DisconnectNamedPipe (NP-85); ERROR_INVALID_FUNCTION on a file that is not a pipe.
func SetNamedPipeHandleState(p *kernel.Process, h kernel.Handle, mode, maxCollectionCount, collectDataTimeout *uint32) error {
	if mode != nil && *mode&^(PIPE_READMODE_MESSAGE|PIPE_NOWAIT) != 0 {
		return kernel.ERROR_INVALID_PARAMETER // kernelbase checks before calling NT
	}
	c, e, err := callEnd(context.Background(), p, h, kernel.FILE_WRITE_ATTRIBUTES)
	if err != nil {
		return err
	}
	defer c.Object.DecRef()
	in := e.inst
	in.mu.Lock()
	defer in.mu.Unlock()
	if !e.server && e.state == stateDisconnected {
		return kernel.ERROR_PIPE_NOT_CONNECTED
	}
	if (maxCollectionCount != nil || collectDataTimeout != nil) && !e.remote {
		return kernel.ERROR_INVALID_PARAMETER
	}
	if mode != nil {
		if *mode&PIPE_READMODE_MESSAGE != 0 && !in.fcb.message {
			return kernel.ERROR_INVALID_PARAMETER
		}
		e.msgRead = *mode&PIPE_READMODE_MESSAGE != 0
		e.nowait = *mode&PIPE_NOWAIT != 0
	}
	if maxCollectionCount != nil {
		e.maxCollection = *maxCollectionCount
	}
	if collectDataTimeout != nil {
		e.collectTimeout = *collectDataTimeout
	}
	return nil
}

// GetNamedPipeInfo reports the pipe of the end h (GetNamedPipeInfo): flags is
// PIPE_SERVER_END or PIPE_CLIENT_END, | PIPE_TYPE_MESSAGE for a message-type pipe;
// outSize and inSize are the instance's buffer sizes as created, the same on both ends
// (windows-facts.md NP-82, AP-1, AP-7); maxInstances is the pipe's limit (255 for
// PIPE_UNLIMITED_INSTANCES, 1 for an anonymous pipe). It needs FILE_READ_ATTRIBUTES
// (NP-84).
//
// Errors: ERROR_PIPE_NOT_CONNECTED on a client cut off by DisconnectNamedPipe (NP-85);
// ERROR_ACCESS_DENIED; ERROR_INVALID_FUNCTION on a file that is not a pipe.
func GetNamedPipeInfo(p *kernel.Process, h kernel.Handle) (flags, outSize, inSize, maxInstances uint32, err error) {
	c, e, err := callEnd(context.Background(), p, h, kernel.FILE_READ_ATTRIBUTES)
	if err != nil {
		return 0, 0, 0, 0, err
	}
	defer c.Object.DecRef()
	in := e.inst
	in.mu.Lock()
	disconnected := !e.server && e.state == stateDisconnected
	in.mu.Unlock()
	if disconnected {
		return 0, 0, 0, 0, kernel.ERROR_PIPE_NOT_CONNECTED
	}
	if e.server {
		flags |= PIPE_SERVER_END
	}
	if in.fcb.message {
		flags |= PIPE_TYPE_MESSAGE
	}
	return flags, in.outQuota, in.inQuota, in.fcb.maxInstances, nil
}

// GetNamedPipeClientProcessId returns the PID of the process that opened the client
// end connected to h's instance (GetNamedPipeClientProcessId; for a client on another
// machine, that machine's PID). Both ends answer, and keep answering after either end
// closes (windows-facts.md NP-148, NP-150, NP-152).
//
// Errors: ERROR_NOT_FOUND on a server with no client since its last disconnect (NP-151);
// ERROR_PIPE_NOT_CONNECTED on a client cut off by DisconnectNamedPipe (NP-151);
// ERROR_INVALID_FUNCTION on a file that is not a pipe.
func GetNamedPipeClientProcessId(p *kernel.Process, h kernel.Handle) (uint32, error) {
	return peer(p, h, true)
}

// GetNamedPipeServerProcessId returns the PID of the process that created h's instance
// (GetNamedPipeServerProcessId). It answers on both ends, on a disconnected server too,
// and after either end closes (windows-facts.md NP-148, NP-150 to NP-152).
//
// Errors: ERROR_PIPE_NOT_CONNECTED on a client cut off by DisconnectNamedPipe (NP-151);
// ERROR_INVALID_FUNCTION on a file that is not a pipe.
func GetNamedPipeServerProcessId(p *kernel.Process, h kernel.Handle) (uint32, error) {
	return peer(p, h, false)
}

// GetNamedPipeClientComputerName returns the computer name of the client connected to
// the server end h (GetNamedPipeClientComputerNameW). A client on the server's own
// machine has none: ERROR_PIPE_LOCAL (see docs/pipes.md).
//
// Errors: ERROR_INVALID_PARAMETER on a client end; ERROR_NOT_FOUND with no client since
// the last disconnect; ERROR_INVALID_FUNCTION on a file that is not a pipe.
func GetNamedPipeClientComputerName(p *kernel.Process, h kernel.Handle) (string, error) {
	c, e, err := callEnd(context.Background(), p, h, 0)
	if err != nil {
		return "", err
	}
	defer c.Object.DecRef()
	if !e.server {
		return "", kernel.ERROR_INVALID_PARAMETER
	}
	in := e.inst
	in.mu.Lock()
	defer in.mu.Unlock()
	switch {
	case !in.hasClient:
		return "", kernel.ERROR_NOT_FOUND
	case in.clientHost == "":
		return "", ERROR_PIPE_LOCAL
	}
	return in.clientHost, nil
}

// peer answers the PID getters for h.
func peer(p *kernel.Process, h kernel.Handle, client bool) (uint32, error) {
	c, e, err := callEnd(context.Background(), p, h, 0)
	if err != nil {
		return 0, err
	}
	defer c.Object.DecRef()
	in := e.inst
	in.mu.Lock()
	defer in.mu.Unlock()
	if !e.server && e.state == stateDisconnected {
		return 0, kernel.ERROR_PIPE_NOT_CONNECTED
	}
	if !client {
		return in.serverPID, nil
	}
	if !in.hasClient {
		return 0, kernel.ERROR_NOT_FOUND
	}
	return in.clientPID, nil
}
