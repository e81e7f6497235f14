package windows

import (
	"strings"
	"sync"
)

// This file lets code that loads Win32 functions by hand, as x/sys/windows users do for the
// functions x/sys lacks, run unchanged:
//
//	proc := windows.NewLazySystemDLL("kernel32.dll").NewProc("PeekNamedPipe")
//	r1, _, err := proc.Call(uintptr(h), 0, 0, 0, uintptr(unsafe.Pointer(&avail)), 0)
//
// The only module is kernel32.dll, whose procedures (kernel32.go) run this package's functions
// as the process the DLL was bound to. Any other module gives ERROR_MOD_NOT_FOUND, any other
// procedure ERROR_PROC_NOT_FOUND, as LoadLibrary and GetProcAddress report them.

// DLLError describes why a module or procedure could not be found, as x/sys/windows' DLLError:
// Err is the Errno (ERROR_MOD_NOT_FOUND, ERROR_PROC_NOT_FOUND), ObjName the name looked for and
// Msg the text Error returns.
type DLLError struct {
	Err     error
	ObjName string
	Msg     string
}

func (e *DLLError) Error() string { return e.Msg }

// Unwrap returns Err, so errors.Is(err, windows.ERROR_PROC_NOT_FOUND) holds.
func (e *DLLError) Unwrap() error { return e.Err }

// A module is one DLL winsim serves: its procedures by exported name.
type module struct {
	name   string
	handle uintptr // the fake module handle Handle reports
	procs  map[string]*procEntry
}

// procEntry is one procedure of a module: its fake address and its implementation.
type procEntry struct {
	addr uintptr
	fn   procFunc
}

// findModule looks a DLL name up the way LoadLibrary matches a loaded system DLL: by base name,
// case-insensitively, ".dll" implied.
func findModule(name string) (*module, error) {
	base := strings.ToLower(baseName(name, false))
	if !strings.Contains(base, ".") {
		base += ".dll"
	}
	if base == kernel32.name {
		return &kernel32, nil
	}
	return nil, &DLLError{Err: ERROR_MOD_NOT_FOUND, ObjName: name, Msg: "Failed to load " + name + ": " + ERROR_MOD_NOT_FOUND.Error()}
}

// find looks a procedure up by exact, case-sensitive name, as GetProcAddress does.
func (m *module) find(dllName, name string) (*procEntry, error) {
	if e, ok := m.procs[name]; ok {
		return e, nil
	}
	return nil, &DLLError{Err: ERROR_PROC_NOT_FOUND, ObjName: name, Msg: "Failed to find " + name + " procedure in " + dllName + ": " + ERROR_PROC_NOT_FOUND.Error()}
}

// A DLL is a loaded module, as x/sys/windows' DLL.
type DLL struct {
	Name   string
	Handle Handle
	caller *Caller
	mod    *module
}

// LoadDLL loads the module name, bound to the default process (LoadLibrary).
func LoadDLL(name string) (dll *DLL, err error) { return std.LoadDLL(name) }

// MustLoadDLL is LoadDLL that panics on failure.
func MustLoadDLL(name string) *DLL { return std.MustLoadDLL(name) }

// LoadDLL loads the module name; its procedures act as c's process.
func (c *Caller) LoadDLL(name string) (dll *DLL, err error) {
	m, err := findModule(name)
	if err != nil {
		return nil, err
	}
	return &DLL{Name: name, Handle: Handle(m.handle), caller: c, mod: m}, nil
}

// MustLoadDLL is LoadDLL that panics on failure.
func (c *Caller) MustLoadDLL(name string) *DLL {
	d, err := c.LoadDLL(name)
	if err != nil {
		panic(err)
	}
	return d
}

// FindProc looks the procedure name up in d (GetProcAddress).
func (d *DLL) FindProc(name string) (proc *Proc, err error) {
	e, err := d.mod.find(d.Name, name)
	if err != nil {
		return nil, err
	}
	return &Proc{Dll: d, Name: name, entry: e}, nil
}

// MustFindProc is FindProc that panics on failure.
func (d *DLL) MustFindProc(name string) *Proc {
	p, err := d.FindProc(name)
	if err != nil {
		panic(err)
	}
	return p
}

// Release unloads d; winsim's modules stay, so it does nothing and returns nil.
func (d *DLL) Release() (err error) { return nil }

// A Proc is a procedure of a DLL, as x/sys/windows' Proc.
type Proc struct {
	Dll   *DLL
	Name  string
	entry *procEntry
}

// Addr returns the procedure's address. winsim's are tokens, not code: the value is non-zero
// and distinct per procedure, and nothing can call it but Call.
func (p *Proc) Addr() uintptr { return p.entry.addr }

// Call runs the procedure with the arguments a, as x/sys/windows' Call: pointers passed as
// uintptr(unsafe.Pointer(&x)), missing arguments read as 0. r1 is the Win32 return value (a BOOL,
// a handle, ...) and lastErr, never nil, the last-error code: ERROR_SUCCESS when the call
// succeeded. As with x/sys/windows, check r1 before lastErr.
//
//go:uintptrescapes
func (p *Proc) Call(a ...uintptr) (r1, r2 uintptr, lastErr error) {
	return p.entry.fn(p.Dll.caller, a)
}

// A LazyDLL is a DLL loaded on first use, as x/sys/windows' LazyDLL.
type LazyDLL struct {
	Name string

	// System asks for the DLL from the Windows system directory only; winsim's modules are all
	// system DLLs, so it changes nothing.
	System bool

	caller *Caller
	mu     sync.Mutex
	dll    *DLL // protected by mu; set once loaded
}

// NewLazyDLL returns a LazyDLL for the module name whose procedures act as the default process.
func NewLazyDLL(name string) *LazyDLL { return std.NewLazyDLL(name) }

// NewLazySystemDLL is NewLazyDLL for a system DLL.
func NewLazySystemDLL(name string) *LazyDLL { return std.NewLazySystemDLL(name) }

// NewLazyDLL returns a LazyDLL for the module name whose procedures act as c's process.
func (c *Caller) NewLazyDLL(name string) *LazyDLL { return &LazyDLL{Name: name, caller: c} }

// NewLazySystemDLL is NewLazyDLL for a system DLL.
func (c *Caller) NewLazySystemDLL(name string) *LazyDLL {
	return &LazyDLL{Name: name, System: true, caller: c}
}

// Load loads the module if it is not loaded yet; it fails with a *DLLError carrying
// ERROR_MOD_NOT_FOUND for a module winsim does not serve.
func (d *LazyDLL) Load() error {
	_, err := d.load()
	return err
}

func (d *LazyDLL) load() (*DLL, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.dll != nil {
		return d.dll, nil
	}
	c := d.caller
	if c == nil {
		c = std // a LazyDLL made as a literal acts as the default process
	}
	dll, err := c.LoadDLL(d.Name)
	if err != nil {
		return nil, err
	}
	d.dll = dll
	return dll, nil
}

// Handle returns the module handle; it panics if the module cannot be loaded, as x/sys/windows'.
func (d *LazyDLL) Handle() uintptr {
	dll, err := d.load()
	if err != nil {
		panic(err)
	}
	return uintptr(dll.Handle)
}

// NewProc returns a LazyProc for the procedure name of d.
func (d *LazyDLL) NewProc(name string) *LazyProc { return &LazyProc{Name: name, l: d} }

// A LazyProc is a procedure looked up on first use, as x/sys/windows' LazyProc.
type LazyProc struct {
	Name string

	mu   sync.Mutex
	l    *LazyDLL
	proc *Proc // protected by mu; set once found
}

// Find looks the procedure up if it is not found yet. It fails with a *DLLError carrying
// ERROR_MOD_NOT_FOUND or ERROR_PROC_NOT_FOUND.
func (p *LazyProc) Find() error {
	_, err := p.find()
	return err
}

func (p *LazyProc) find() (*Proc, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.proc != nil {
		return p.proc, nil
	}
	dll, err := p.l.load()
	if err != nil {
		return nil, err
	}
	proc, err := dll.FindProc(p.Name)
	if err != nil {
		return nil, err
	}
	p.proc = proc
	return proc, nil
}

// mustFind is find that panics, as x/sys/windows' Addr and Call do for a missing procedure.
func (p *LazyProc) mustFind() *Proc {
	proc, err := p.find()
	if err != nil {
		panic(err)
	}
	return proc
}

// Addr returns the procedure's address (see Proc.Addr); it panics if it cannot be found.
func (p *LazyProc) Addr() uintptr { return p.mustFind().Addr() }

// Call runs the procedure as Proc.Call does. As with x/sys/windows it panics, with the
// *DLLError, if the procedure cannot be found: call Find first to get the error instead.
//
//go:uintptrescapes
func (p *LazyProc) Call(a ...uintptr) (r1, r2 uintptr, lastErr error) {
	return p.mustFind().Call(a...)
}
