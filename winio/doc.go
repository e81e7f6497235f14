// Package winio is go-winio's named-pipe API (github.com/Microsoft/go-winio) over winsim:
// ListenPipe, DialPipe, DialPipeContext, DialPipeAccess, DialPipeAccessImpLevel,
// PipeConfig, PipeConn, NewOpenFile, with go-winio's names, signatures and behaviour.
// Code written against go-winio runs on winsim by changing its imports to this package
// and to github.com/winsim/winsim/windows.
//
// go-winio acts as the current Windows process. Here the package-level functions act as
// a default winsim process (SetDefaultProcess binds one; with none, the first call makes
// a machine "WINSIM" with a process "app.exe"), and On(p) returns a Caller whose methods
// are the same functions acting as p, for tests of several processes or machines:
//
//	l, err := winio.On(server).ListenPipe(`\\.\pipe\echo`, nil)
//	c, err := winio.On(client).DialPipe(`\\.\pipe\echo`, nil)
//
// As in go-winio, clients wait until Accept (the listener's first instance is created
// without read or write access, which the pipe file system leaves disconnected), remote
// clients are rejected, connections of message-type pipes have CloseWrite, Close cancels
// what is in flight (ErrFileClosed) and deadlines end calls with ErrTimeout. What differs
// from go-winio, and why, is in docs/winio.md.
package winio
