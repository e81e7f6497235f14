package kernel

import (
	"sync"
	"sync/atomic"
)

// Handle is a handle value: meaningful only inside the process whose table holds it.
type Handle uintptr

// Pseudo-handles and the invalid handle value. As on Windows, CurrentProcess and
// InvalidHandle are the same bits (-1): passed where a process is expected it means
// "this process"; passed to a file call it is not a file (ERROR_INVALID_HANDLE).
const (
	InvalidHandle  Handle = ^Handle(0)     // INVALID_HANDLE_VALUE
	CurrentProcess Handle = ^Handle(0)     // GetCurrentProcess()
	CurrentThread  Handle = ^Handle(0) - 1 // GetCurrentThread(): winsim has no thread objects
)

// Handle attribute flags (HANDLE_FLAG_*), as Get/SetHandleInformation use them.
const (
	HANDLE_FLAG_INHERIT            uint32 = 0x1
	HANDLE_FLAG_PROTECT_FROM_CLOSE uint32 = 0x2
)

// maxHandles bounds one table: NT's per-process limit is 2^24 handles.
const maxHandles = 1 << 24

// handleEntry is one handle-table entry. Entries are immutable once published in a
// table: a change (SetHandleInformation, a same-process DUPLICATE_CLOSE_SOURCE) publishes
// a new entry, so readers never see a half-written one.
type handleEntry struct {
	obj     *Object
	granted Access
	attrs   uint32 // HANDLE_FLAG_*
}

// slotArray is one generation of a table's slots. A slot holds nil (free) or an entry.
type slotArray struct {
	s []atomic.Pointer[handleEntry]
}

// HandleTable is analogous to NT's per-process handle table (Wine: struct handle_table).
// Values are (index+1)*4; the lowest free value is reused first, as on Windows.
// As NT does, the kernel ignores the two low (tag) bits of a handle value, so 5, 6 and
// 7 name the same entry as 4.
//
// Lookups take no lock, as NT's ExpLookupHandleTableEntry takes none: they load the
// current slot array and the slot's entry, then take a pointer reference on the object
// with TryIncRef semantics (an object whose last reference went while the lookup ran is
// not resurrected: the handle was closed first). Writers (insert, remove, attribute
// changes) hold mu; growing copies the slots into a larger array and publishes it.
// A reader still holding the old array sees the table as it was when it loaded it,
// which is a valid order for two concurrent calls.
//
// Lifetime: owned by its process; emptied and closed, in one place, when the process
// exits (process_exit.go). A closed table refuses new entries.
type HandleTable struct {
	// slots is accessed atomically; stores happen with mu held.
	slots atomic.Pointer[slotArray]

	mu sync.Mutex
	// +checklocks:mu
	freeHint int // no free slot below this index
	// +checklocks:mu
	count int
	// +checklocks:mu
	closed bool
}

func handleIndex(h Handle) (int, bool) {
	v := uint64(h) >> 2
	if v == 0 || v > maxHandles {
		return 0, false
	}
	return int(v - 1), true
}

func indexHandle(i int) Handle { return Handle(i+1) << 2 }

// slot returns the slot for index i in the current array, or nil when out of range.
func (t *HandleTable) slot(i int) *atomic.Pointer[handleEntry] {
	a := t.slots.Load()
	if a == nil || i >= len(a.s) {
		return nil
	}
	return &a.s[i]
}

// get returns the entry for h without taking a reference (for reading attributes).
func (t *HandleTable) get(h Handle) *handleEntry {
	i, ok := handleIndex(h)
	if !ok {
		return nil
	}
	if sl := t.slot(i); sl != nil {
		return sl.Load()
	}
	return nil
}

// insert adds an entry and returns its value. The caller transfers one handle
// reference on obj to the table.
func (t *HandleTable) insert(e handleEntry) (Handle, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.insertLocked(&e)
}

// Preconditions: t.mu must be held.
func (t *HandleTable) insertLocked(e *handleEntry) (Handle, error) {
	if t.closed {
		// NT: STATUS_PROCESS_IS_TERMINATING.
		return 0, ERROR_ACCESS_DENIED
	}
	a := t.slots.Load()
	n := 0
	if a != nil {
		n = len(a.s)
	}
	i := t.freeHint
	for i < n && a.s[i].Load() != nil {
		i++
	}
	if i == n {
		if i >= maxHandles {
			return 0, ERROR_NO_SYSTEM_RESOURCES
		}
		a = t.growLocked(i + 1)
	}
	a.s[i].Store(e)
	t.freeHint = i + 1
	t.count++
	return indexHandle(i), nil
}

// growLocked publishes a slot array with room for at least n slots.
// Preconditions: t.mu must be held.
func (t *HandleTable) growLocked(n int) *slotArray {
	old := t.slots.Load()
	size := 16
	if old != nil {
		size = 2 * len(old.s)
	}
	for size < n {
		size *= 2
	}
	a := &slotArray{s: make([]atomic.Pointer[handleEntry], min(size, maxHandles))}
	if old != nil {
		for i := range old.s {
			a.s[i].Store(old.s[i].Load())
		}
	}
	t.slots.Store(a)
	return a
}

// lookup returns the entry for h with a pointer reference taken on its object.
func (t *HandleTable) lookup(h Handle) (*handleEntry, bool) {
	e := t.get(h)
	if e == nil || !e.obj.tryIncRef() {
		return nil, false
	}
	return e, true
}

// takeLocked clears slot i and returns its entry. Preconditions: t.mu must be held and
// the slot must hold an entry.
func (t *HandleTable) takeLocked(i int, sl *atomic.Pointer[handleEntry]) handleEntry {
	e := sl.Swap(nil)
	if i < t.freeHint {
		t.freeHint = i
	}
	t.count--
	return *e
}

// remove takes the entry h out of the table and returns it; the caller owns its handle
// reference. With o non-nil only an entry that still refers to o is taken. A protected
// entry stays (process exit empties the table with closeAll instead).
func (t *HandleTable) remove(h Handle, o *Object) (handleEntry, error) {
	i, ok := handleIndex(h)
	if !ok {
		return handleEntry{}, ERROR_INVALID_HANDLE
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	sl := t.slot(i)
	if sl == nil {
		return handleEntry{}, ERROR_INVALID_HANDLE
	}
	e := sl.Load()
	if e == nil || (o != nil && e.obj != o) {
		return handleEntry{}, ERROR_INVALID_HANDLE
	}
	if e.attrs&HANDLE_FLAG_PROTECT_FROM_CLOSE != 0 {
		// NT: STATUS_HANDLE_NOT_CLOSABLE, which Win32 reports as ERROR_INVALID_HANDLE.
		return handleEntry{}, ERROR_INVALID_HANDLE
	}
	return t.takeLocked(i, sl), nil
}

// reuse gives the entry h new access and attributes, keeping its object and handle
// reference, if it still refers to o and is not protected from close: a same-process
// DuplicateHandle with DUPLICATE_CLOSE_SOURCE. It returns the entry's handle value.
func (t *HandleTable) reuse(h Handle, o *Object, granted Access, attrs uint32) (Handle, bool) {
	i, ok := handleIndex(h)
	if !ok {
		return 0, false
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	sl := t.slot(i)
	if sl == nil {
		return 0, false
	}
	e := sl.Load()
	if e == nil || e.obj != o || e.attrs&HANDLE_FLAG_PROTECT_FROM_CLOSE != 0 {
		return 0, false
	}
	sl.Store(&handleEntry{obj: o, granted: granted, attrs: attrs})
	return indexHandle(i), true
}

// setAttrs changes the attribute bits selected by mask.
func (t *HandleTable) setAttrs(h Handle, mask, flags uint32) error {
	i, ok := handleIndex(h)
	if !ok {
		return ERROR_INVALID_HANDLE
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	sl := t.slot(i)
	if sl == nil || sl.Load() == nil {
		return ERROR_INVALID_HANDLE
	}
	e := *sl.Load()
	mask &= HANDLE_FLAG_INHERIT | HANDLE_FLAG_PROTECT_FROM_CLOSE
	e.attrs = e.attrs&^mask | flags&mask
	sl.Store(&e)
	return nil
}

// closeAll empties and closes the table, returning every entry it held in handle
// order. The caller owns their handle references.
func (t *HandleTable) closeAll() []HandleInfo {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := make([]HandleInfo, 0, t.count)
	if a := t.slots.Load(); a != nil {
		for i := range a.s {
			if e := a.s[i].Swap(nil); e != nil {
				out = append(out, HandleInfo{Handle: indexHandle(i), Object: e.obj, Granted: e.granted, Attrs: e.attrs})
			}
		}
	}
	t.slots.Store(nil)
	t.freeHint = 0
	t.count = 0
	t.closed = true
	return out
}

// inheritFrom fills an empty, unpublished table with every inheritable entry of parent,
// at the same indexes, calling add for each (to take its handle reference). Entries are
// immutable, so the child shares them with the parent. All or nothing: nobody sees a
// half-filled table. It reports false, doing nothing, if t is already closed.
func (t *HandleTable) inheritFrom(parent *HandleTable, add func(i int, e *handleEntry)) bool {
	parent.mu.Lock()
	defer parent.mu.Unlock()
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		return false
	}
	pa := parent.slots.Load()
	if pa == nil {
		return true
	}
	a := t.growLocked(len(pa.s))
	for i := range pa.s {
		if e := pa.s[i].Load(); e != nil && e.attrs&HANDLE_FLAG_INHERIT != 0 {
			add(i, e)
			a.s[i].Store(e)
			t.count++
		}
	}
	t.freeHint = 0
	return true
}

// Len reports how many handles the table holds.
func (t *HandleTable) Len() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.count
}

// HandleInfo describes one handle-table entry for views, census and inheritance.
type HandleInfo struct {
	Handle  Handle
	Object  *Object
	Granted Access
	Attrs   uint32
}

// snapshot lists the entries in handle order. Object pointers are for display; no
// references are taken.
func (t *HandleTable) snapshot() []HandleInfo {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := make([]HandleInfo, 0, t.count)
	if a := t.slots.Load(); a != nil {
		for i := range a.s {
			if e := a.s[i].Load(); e != nil {
				out = append(out, HandleInfo{Handle: indexHandle(i), Object: e.obj, Granted: e.granted, Attrs: e.attrs})
			}
		}
	}
	return out
}
