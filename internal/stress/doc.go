// Package stress holds the checked stress test (TestCheckedStress): many goroutines in
// many processes on two machines exchange messages through named pipes and mailslots
// while clients close and reconnect at random, move their handles to other processes
// with DUPLICATE_CLOSE_SOURCE, and processes are terminated in the middle of blocking
// calls, all under the adversarial mode. Every message carries its sender, a sequence number and a checksum, so the
// test proves that none was lost where Windows keeps it, none duplicated and each
// sender's order kept; afterwards the self-check passes and the census is empty. The
// package has no API of its own.
package stress
