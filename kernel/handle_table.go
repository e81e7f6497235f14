package kernel

import (
	"sync"
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

// handleEntry is one slot of a handle table. obj == nil marks a free slot.
type handleEntry struct {
	obj     *Object
	granted Access
	attrs   uint32 // HANDLE_FLAG_*
}

// HandleTable is analogous to NT's per-process handle table (Wine: struct handle_table).
// Values are (index+1)*4; the lowest free value is reused first, as on Windows.
// As NT does, the kernel ignores the two low (tag) bits of a handle value, so 5, 6 and
// 7 name the same entry as 4.
//
// Lifetime: owned by its process; emptied and closed, in one place, when the process
// exits (process_exit.go). A closed table refuses new entries.
type HandleTable struct {
	mu sync.RWMutex
	// +checklocks:mu
	entries []handleEntry
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

// insert adds an entry and returns its value. The caller transfers one handle
// reference on obj to the table.
func (t *HandleTable) insert(e handleEntry) (Handle, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.insertLocked(e)
}

// Preconditions: t.mu must be held for writing.
func (t *HandleTable) insertLocked(e handleEntry) (Handle, error) {
	if t.closed {
		// NT: STATUS_PROCESS_IS_TERMINATING.
		return 0, ERROR_ACCESS_DENIED
	}
	i := t.freeHint
	for i < len(t.entries) && t.entries[i].obj != nil {
		i++
	}
	if i == len(t.entries) {
		if i >= maxHandles {
			return 0, ERROR_NO_SYSTEM_RESOURCES
		}
		t.entries = append(t.entries, handleEntry{})
	}
	t.entries[i] = e
	t.freeHint = i + 1
	t.count++
	return indexHandle(i), nil
}

// lookup returns a copy of the entry for h with a pointer reference taken on its object.
func (t *HandleTable) lookup(h Handle) (handleEntry, bool) {
	i, ok := handleIndex(h)
	if !ok {
		return handleEntry{}, false
	}
	t.mu.RLock()
	if i >= len(t.entries) || t.entries[i].obj == nil {
		t.mu.RUnlock()
		return handleEntry{}, false
	}
	e := t.entries[i]
	e.obj.pointers.Add(1)
	t.mu.RUnlock()
	return e, true
}

// remove takes the entry out of the table and returns it; the caller owns its handle
// reference. Protected entries are left in place unless force is set (process exit).
func (t *HandleTable) remove(h Handle, force bool) (handleEntry, error) {
	i, ok := handleIndex(h)
	if !ok {
		return handleEntry{}, ERROR_INVALID_HANDLE
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if i >= len(t.entries) || t.entries[i].obj == nil {
		return handleEntry{}, ERROR_INVALID_HANDLE
	}
	e := t.entries[i]
	if e.attrs&HANDLE_FLAG_PROTECT_FROM_CLOSE != 0 && !force {
		// NT: STATUS_HANDLE_NOT_CLOSABLE, which Win32 reports as ERROR_INVALID_HANDLE.
		return handleEntry{}, ERROR_INVALID_HANDLE
	}
	t.entries[i] = handleEntry{}
	if i < t.freeHint {
		t.freeHint = i
	}
	t.count--
	return e, nil
}

// removeObject is remove(h, false) for an entry that still refers to o (any object
// when o is nil).
func (t *HandleTable) removeObject(h Handle, o *Object) (handleEntry, error) {
	i, ok := handleIndex(h)
	if !ok {
		return handleEntry{}, ERROR_INVALID_HANDLE
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if i >= len(t.entries) || t.entries[i].obj == nil || (o != nil && t.entries[i].obj != o) {
		return handleEntry{}, ERROR_INVALID_HANDLE
	}
	if t.entries[i].attrs&HANDLE_FLAG_PROTECT_FROM_CLOSE != 0 {
		return handleEntry{}, ERROR_INVALID_HANDLE
	}
	e := t.entries[i]
	t.entries[i] = handleEntry{}
	if i < t.freeHint {
		t.freeHint = i
	}
	t.count--
	return e, nil
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
	if i >= len(t.entries) || t.entries[i].obj != o || t.entries[i].attrs&HANDLE_FLAG_PROTECT_FROM_CLOSE != 0 {
		return 0, false
	}
	t.entries[i].granted = granted
	t.entries[i].attrs = attrs
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
	if i >= len(t.entries) || t.entries[i].obj == nil {
		return ERROR_INVALID_HANDLE
	}
	mask &= HANDLE_FLAG_INHERIT | HANDLE_FLAG_PROTECT_FROM_CLOSE
	e := &t.entries[i]
	e.attrs = e.attrs&^mask | flags&mask
	return nil
}

// closeAll empties and closes the table, returning every entry it held in handle
// order. The caller owns their handle references.
func (t *HandleTable) closeAll() []HandleInfo {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := make([]HandleInfo, 0, t.count)
	for i, e := range t.entries {
		if e.obj != nil {
			out = append(out, HandleInfo{Handle: indexHandle(i), Object: e.obj, Granted: e.granted, Attrs: e.attrs})
		}
	}
	t.entries = nil
	t.freeHint = 0
	t.count = 0
	t.closed = true
	return out
}

// Len reports how many handles the table holds.
func (t *HandleTable) Len() int {
	t.mu.RLock()
	defer t.mu.RUnlock()
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
	t.mu.RLock()
	defer t.mu.RUnlock()
	out := make([]HandleInfo, 0, t.count)
	for i, e := range t.entries {
		if e.obj != nil {
			out = append(out, HandleInfo{Handle: indexHandle(i), Object: e.obj, Granted: e.granted, Attrs: e.attrs})
		}
	}
	return out
}
