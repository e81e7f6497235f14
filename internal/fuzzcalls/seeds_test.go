package fuzzcalls_test

// seeds are hand-written call sequences, one per area, in the fuzzer's encoding: an
// operation byte (step's switch), a process byte (index into the six processes), then
// the operation's own bytes. The committed corpus in testdata/fuzz/FuzzCallSequences
// holds the same and more; both run in plain go test.
var seeds = [][]byte{
	// A local pipe's life: create, connect a client, write, read, peek, flush,
	// disconnect, close.
	{8, 0, 0, 0, 16, 9, 1, 0, 0, 13, 1, 0, 12, 5, 12, 0, 0, 20, 5, 14, 0, 0, 8,
		13, 0, 0, 6, 0, 17, 0, 0, 3, 12, 1, 0, 40, 3, 11, 0, 0, 3, 0, 0, 3, 1, 0},
	// A mailslot broadcast to two servers in the domain, under loss, read with
	// timeouts.
	{16, 2, 0, 0, 0, 16, 4, 0, 0, 0, 9, 0, 8, 2, 13, 0, 0, 10, 1, 12, 2, 0, 40, 3,
		12, 4, 0, 40, 3, 20, 0, 0x04, 13, 0, 0, 12, 1, 25, 0, 30, 12, 2, 0, 40, 0, 3, 2, 0},
	// Events, waits and processes: a named event opened twice, a blocked wait, a
	// signal, a child inheriting, terminations.
	{0, 0, 1, 4, 0, 1, 1, 0, 2, 1, 0, 4, 10, 1, 0, 0, 0, 7, 0, 0, 0, 6, 0, 1, 6, 1,
		1, 4, 0, 0, 1, 1, 2, 0, 0, 0, 3, 3, 4, 0, 0, 0, 26, 1, 0, 1, 7, 1, 1, 1, 25, 0, 5},
	// Overlapped I/O on a pipe, a completion port, cancellation and results.
	{8, 0, 0, 4, 16, 9, 1, 0, 4, 24, 0, 0, 0, 18, 0, 0, 0, 10, 19, 0, 0, 0, 18, 1, 0,
		1, 5, 24, 0, 1, 1, 18, 0, 0, 4, 1, 10, 19, 0, 1, 3, 19, 0, 2, 3, 24, 1, 1, 0},
	// A remote pipe: a client on A of a server on B, a transaction, a partition and
	// its healing.
	{8, 2, 0, 0x08, 16, 9, 0, 2, 0, 13, 0, 0, 7, 2, 12, 2, 0, 20, 2, 15, 0, 0, 4, 20,
		4, 20, 0, 0x12, 13, 0, 0, 4, 1, 12, 2, 0, 10, 1, 20, 0, 3, 21, 1, 2, 1, 27, 1, 2, 3, 8, 1},
	// A machine removed in the middle of a remote pipe's traffic and a broadcast, and
	// a new one of the same name.
	{8, 2, 0, 0, 16, 9, 0, 2, 0, 16, 4, 0, 0, 4, 9, 1, 2, 2, 12, 0, 0, 10, 20,
		13, 1, 0, 9, 5, 28, 0, 1, 13, 0, 0, 5, 3, 13, 1, 0, 9, 5, 8, 2, 0, 0, 16, 3, 0, 0, 28, 3, 2},
	// The adversarial mode with every outcome on: a byte pipe connected while its
	// ConnectNamedPipe waits, written and read in pieces, then written in PIPE_NOWAIT
	// mode.
	{20, 0, 0x3d, 8, 0, 0, 0, 16, 10, 0, 0, 40, 9, 1, 0, 0, 13, 1, 0, 40, 10, 12, 0, 0, 39, 10,
		12, 0, 0, 39, 10, 23, 1, 0, 1, 13, 1, 0, 30, 0, 13, 1, 0, 30, 0, 13, 1, 0, 30, 0,
		12, 0, 0, 39, 10, 25, 0, 20, 12, 0, 0, 39, 10, 3, 1, 0, 3, 0, 0},
	// Duplicates between processes, with DUPLICATE_CLOSE_SOURCE, and handle flags.
	{22, 0, 3, 4, 0, 0, 1, 3, 4, 0, 1, 0x11, 5, 0, 0, 0x0b, 3, 0, 0, 4, 1, 0, 0, 2,
		5, 0, 1, 0x03, 7, 0, 2, 0, 6, 0, 1, 3, 0, 1},
}
