// Package fuzzcalls holds the call-sequence fuzzer (FuzzCallSequences): it decodes its
// input into Win32 calls by six processes on three machines — handles, events,
// processes, named and anonymous pipes, mailslots and their broadcasts, overlapped I/O
// and its cancellation, completion ports, waits with short virtual timeouts, network
// faults and the adversarial mode — runs them inside a testing/synctest bubble, and after every call requires
// the kernel's self-check (kernel.Network.Check) to pass. At the end every process
// exits and every machine's census must be empty. The package has no API of its own.
package fuzzcalls
