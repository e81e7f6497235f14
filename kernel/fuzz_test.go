package kernel_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/winsim/winsim/kernel"
)

// fuzzState is one run of FuzzHandleCalls: the machine, its three processes and the
// input still to decode.
type fuzzState struct {
	t     *testing.T
	m     *kernel.Machine
	procs []*kernel.Process
	// ph[i][j] is process i's handle to process j (CurrentProcess when i == j).
	ph   [][]kernel.Handle
	data []byte
	log  []string
}

// next returns the next input byte (0 once the input is used up).
func (s *fuzzState) next() byte {
	if len(s.data) == 0 {
		return 0
	}
	b := s.data[0]
	s.data = s.data[1:]
	return b
}

// handle picks a handle value: mostly small table values, sometimes tag bits, the
// pseudo-handles, zero or a value beyond any table.
func (s *fuzzState) handle() kernel.Handle {
	b := s.next()
	switch b % 16 {
	case 12:
		return kernel.CurrentProcess
	case 13:
		return kernel.CurrentThread
	case 14:
		return 0
	case 15:
		return 0x10000
	}
	return kernel.Handle(b%12+1)*4 | kernel.Handle(b>>6)&3
}

func (s *fuzzState) proc() int { return int(s.next()) % len(s.procs) }

var fuzzAccess = []kernel.Access{0, kernel.SYNCHRONIZE, kernel.EVENT_MODIFY_STATE | kernel.SYNCHRONIZE, kernel.GENERIC_ALL, kernel.PROCESS_DUP_HANDLE, kernel.GENERIC_READ}

// step runs one call chosen by the input.
func (s *fuzzState) step() {
	ctx := context.Background()
	op := s.next() % 9
	i := s.proc()
	p := s.procs[i]
	var err error
	switch op {
	case 0: // CreateEvent
		flags := s.next()
		name := ""
		if flags&4 != 0 {
			name = fmt.Sprintf("fz%d", flags>>4&3)
		}
		var h kernel.Handle
		h, err = p.CreateEvent(&kernel.SecurityAttributes{InheritHandle: flags&1 != 0}, flags&2 != 0, flags&8 != 0, name)
		s.log = append(s.log, fmt.Sprintf("p%d CreateEvent(%q) = %#x, %v", i, name, h, err))
	case 1: // CloseHandle
		h := s.handle()
		err = p.CloseHandle(h)
		s.log = append(s.log, fmt.Sprintf("p%d CloseHandle(%#x) = %v", i, h, err))
	case 2: // DuplicateHandle
		src, dst := s.proc(), s.proc()
		h := s.handle()
		opts := uint32(s.next() % 4)
		access := fuzzAccess[int(s.next())%len(fuzzAccess)]
		inherit := s.next()&1 != 0
		var d kernel.Handle
		d, err = p.DuplicateHandle(s.ph[i][src], h, s.ph[i][dst], access, inherit, opts)
		s.log = append(s.log, fmt.Sprintf("p%d DuplicateHandle(p%d %#x -> p%d, %#x, %v, %d) = %#x, %v", i, src, h, dst, access, inherit, opts, d, err))
	case 3: // SetHandleInformation
		h := s.handle()
		b := s.next()
		err = p.SetHandleInformation(h, uint32(b&3), uint32(b>>2&3))
		s.log = append(s.log, fmt.Sprintf("p%d SetHandleInformation(%#x, %d, %d) = %v", i, h, b&3, b>>2&3, err))
	case 4: // WaitForSingleObject(0)
		h := s.handle()
		var r uint32
		r, err = p.WaitForSingleObject(ctx, h, 0)
		s.log = append(s.log, fmt.Sprintf("p%d WaitForSingleObject(%#x, 0) = %#x, %v", i, h, r, err))
	case 5: // WaitForMultipleObjects(0)
		all := s.next()&1 != 0
		hs := []kernel.Handle{s.handle(), s.handle(), s.handle()}[:1+int(s.next())%3]
		var r uint32
		r, err = p.WaitForMultipleObjects(ctx, hs, all, 0)
		s.log = append(s.log, fmt.Sprintf("p%d WaitForMultipleObjects(%v, %v, 0) = %#x, %v", i, hs, all, r, err))
	case 6: // TerminateProcess
		j := s.proc()
		err = p.TerminateProcess(s.ph[i][j], 1)
		s.log = append(s.log, fmt.Sprintf("p%d TerminateProcess(p%d) = %v", i, j, err))
	case 7: // Set/Reset/PulseEvent
		h := s.handle()
		switch s.next() % 3 {
		case 0:
			err = p.SetEvent(h)
		case 1:
			err = p.ResetEvent(h)
		default:
			err = p.PulseEvent(h)
		}
		s.log = append(s.log, fmt.Sprintf("p%d Set/Reset/PulseEvent(%#x) = %v", i, h, err))
	case 8: // OpenEvent
		name := fmt.Sprintf("fz%d", s.next()%4)
		var h kernel.Handle
		h, err = p.OpenEvent(kernel.SYNCHRONIZE|kernel.EVENT_MODIFY_STATE, false, name)
		s.log = append(s.log, fmt.Sprintf("p%d OpenEvent(%q) = %#x, %v", i, name, h, err))
	}
	if err != nil {
		var e kernel.Errno
		if !asErrno(err, &e) {
			s.t.Fatalf("a call failed with a non-Win32 error %v\n%s", err, s.trail())
		}
	}
	s.checkCounts()
}

func asErrno(err error, e *kernel.Errno) bool {
	x, ok := err.(kernel.Errno)
	if ok {
		*e = x
	}
	return ok
}

func (s *fuzzState) trail() string {
	out := ""
	for _, l := range s.log {
		out += "\t" + l + "\n"
	}
	return out
}

// checkCounts runs the kernel's self-check (Machine.Check): among its invariants,
// every object's handle count is the number of table entries referring to it, and no
// entry refers to an object the census lacks.
func (s *fuzzState) checkCounts() {
	if err := s.m.Check(); err != nil {
		s.t.Fatalf("%v\n%s", err, s.trail())
	}
}

// FuzzHandleCalls runs random sequences of handle calls (create, close, duplicate,
// set-information, wait with timeout 0, terminate, signal, open) by three processes that
// hold handles to one another, and checks after every call that nothing panicked, every
// failure is a Win32 error, and every object's handle count equals the number of table
// entries referring to it; after all processes are terminated nothing is left.
func FuzzHandleCalls(f *testing.F) {
	f.Add([]byte{0, 0, 0, 2, 0, 0, 1, 0, 2, 1, 1})
	f.Add([]byte{0, 1, 5, 0, 2, 0, 4, 0, 3, 0, 3, 4, 2, 1, 0, 4, 1, 1, 0, 6, 0, 1, 1, 0, 4})
	f.Add([]byte{0, 0, 0x0d, 3, 0, 0, 7, 2, 2, 1, 0, 1, 0, 0, 0, 1, 0, 0, 6, 2, 2, 5, 1, 1, 0, 1, 2})
	f.Add([]byte{8, 0, 0, 0, 2, 0x14, 4, 1, 0x14, 5, 2, 1, 0, 0, 1, 2, 6, 1, 1, 6, 0, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		n := kernel.NewNetwork()
		defer n.Close()
		m, err := n.AddMachine("FUZZ", "WORKGROUP")
		if err != nil {
			t.Fatal(err)
		}
		root, err := m.NewProcess("p0.exe", nil)
		if err != nil {
			t.Fatal(err)
		}
		s := &fuzzState{t: t, m: m, procs: []*kernel.Process{root}, data: data}
		for k := 1; k < 3; k++ {
			_, c, err := root.CreateProcess(fmt.Sprintf("p%d.exe", k), false, nil)
			if err != nil {
				t.Fatal(err)
			}
			s.procs = append(s.procs, c)
		}
		for i, p := range s.procs {
			row := make([]kernel.Handle, len(s.procs))
			for j, q := range s.procs {
				if i == j {
					row[j] = kernel.CurrentProcess
					continue
				}
				if row[j], err = p.OpenProcess(kernel.PROCESS_ALL_ACCESS, false, q.PID()); err != nil {
					t.Fatal(err)
				}
			}
			s.ph = append(s.ph, row)
		}
		for len(s.data) > 0 && len(s.log) < 200 {
			s.step()
		}
		for _, p := range s.procs {
			p.Terminate(0)
		}
		s.checkCounts()
		if leaks := m.Leaks(); len(leaks) > 0 {
			t.Fatalf("after every process exited, left behind: %v\n%s", leaks, s.trail())
		}
		if got := len(m.Processes()); got != 1 {
			t.Fatalf("%d processes left, want only System\n%s", got, s.trail())
		}
	})
}
