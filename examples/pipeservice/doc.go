// Package pipeservice is a small Windows service written as Windows code is written in Go,
// against golang.org/x/sys/windows, whose tests run on Linux over winsim by changing one import.
//
// The service serves a message-type named pipe through several overlapped instances, driven
// by one goroutine that waits for their operations with WaitForMultipleObjects (Server);
// clients open the pipe, waiting with WaitNamedPipe when every instance is busy (Dial); and the
// service announces itself to a mailslot when it starts and stops, where a listener hears it
// (Listen). The protocol is one request message, one reply message: PING, ECHO text, COUNT.
//
// # One source, two builds
//
// service_windows.go is the Windows program: it imports golang.org/x/sys/windows and builds
// against it unchanged. service_other.go, built everywhere else, is the same file with that
// import line changed to github.com/winsim/winsim/windows, which has x/sys/windows' names and
// signatures over winsim; it also starts with a "Code generated" marker and a
// //go:build !windows line. go generate writes it from service_windows.go, and
// TestOtherIsTheWindowsFileWithOneImportChanged fails when the two differ by anything else.
// Functions x/sys/windows lacks (WaitNamedPipeW, CreateMailslotW) are loaded by hand from
// kernel32.dll with NewLazySystemDLL(...).NewProc(...).Call, which winsim's package serves
// too, so they need no second version either. What needs no Win32 call (the protocol, the
// announcement's format) is in protocol.go, shared by both builds.
//
// The tests are winsim's alone (//go:build !windows): they make the machine the calls act on,
// check it for leaked handles and objects, and run timeouts on synctest's virtual clock.
// examples/README.md says more.
package pipeservice

//go:generate go run ../internal/twin/gentwin service_windows.go service_other.go
