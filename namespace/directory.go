package namespace

import (
	"cmp"
	"errors"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
)

// Match selects how names are compared: NT's OBJ_CASE_INSENSITIVE object attribute.
type Match uint8

const (
	// CaseInsensitive compares names after [Fold]. CreateFile passes OBJ_CASE_INSENSITIVE,
	// so pipes, mailslots, devices and every `\??\` name are looked up this way, and it is
	// what Lookup, Insert and Remove use.
	CaseInsensitive Match = iota
	// CaseSensitive compares names exactly, every component of the path included.
	// kernel32's named objects (CreateEvent, CreateMutex, CreateSemaphore, ...) are created
	// and opened without OBJ_CASE_INSENSITIVE: the CreateEventExW docs say "Name comparison
	// is case sensitive", and ntdll/tests/om.c test_case_sensitive creates an event
	// `\BaseNamedObjects\Test` beside a mutant `\BaseNamedObjects\test` and gets
	// STATUS_OBJECT_PATH_NOT_FOUND for `\BASENamedObjects\test`.
	CaseSensitive
)

// String returns the Go name of m.
func (m Match) String() string {
	switch m {
	case CaseInsensitive:
		return "CaseInsensitive"
	case CaseSensitive:
		return "CaseSensitive"
	}
	return "Match(" + strconv.Itoa(int(m)) + ")"
}

// A Directory is an NT object directory (type "Directory"), analogous to Wine's struct
// directory: a table of named entries. Names are case-preserving; lookups compare them
// case-insensitively or exactly as the caller's [Match] asks, so one directory may hold
// both "x" and "X" when they were created case-sensitively (as kernel32's events are). A
// case-insensitive lookup that matches several entries returns the newest one, as NT does
// (it inserts at the head of a hash chain): ntdll/tests/om.c test_case_sensitive opens
// "TEst" case-insensitively and finds the event "Test" created after the mutant "test".
//
// Entries are `any`: this package knows nothing of object types. It treats *Directory and
// *Symlink specially during lookups and stops at anything else (see LookupMatch).
//
// A Directory is safe for concurrent use. Its zero value is an empty directory.
//
// Lifetime: created by NewDirectory, NewRoot or Mkdir; lives while anything references it.
// A directory holds its entries' values until they are removed; it does not reference
// count them, that is the kernel's business. Directories must not be copied.
type Directory struct {
	mu sync.RWMutex

	// names maps foldHash(name) to the entries whose names hash there, oldest first.
	// +checklocks:mu
	names map[uint64][]*dirEntry
	// count is the number of entries.
	// +checklocks:mu
	count int

	// attachment is what the kernel keeps with the directory (its security), opaque to
	// this package. Set once, then read without locks.
	attachment atomic.Value
}

// SetAttachment stores v with d, once: a second call is ignored and reports false. The
// kernel keeps a directory's security descriptor here; this package never looks at it.
func (d *Directory) SetAttachment(v any) bool {
	return d.attachment.CompareAndSwap(nil, v)
}

// Attachment returns what SetAttachment stored, or nil.
func (d *Directory) Attachment() any { return d.attachment.Load() }

// dirEntry is one name in a directory. Immutable.
type dirEntry struct {
	name  string // as created
	value any
}

// Entry is one directory entry for listings.
type Entry struct {
	Name  string // as created
	Value any
}

// NewDirectory returns an empty directory.
func NewDirectory() *Directory { return &Directory{} }

// Len returns the number of entries in d.
func (d *Directory) Len() int {
	d.mu.RLock()
	defer d.mu.RUnlock()
	return d.count
}

// findLocked returns the entry called name, or nil.
//
// Preconditions: d.mu must be held (read or write).
func (d *Directory) findLocked(name string, m Match) *dirEntry {
	bucket := d.names[foldHash(name)]
	if m == CaseSensitive {
		for _, e := range bucket {
			if e.name == name {
				return e
			}
		}
		return nil
	}
	for i := len(bucket) - 1; i >= 0; i-- { // newest first
		if e := bucket[i]; equalFold(e.name, name) {
			return e
		}
	}
	return nil
}

// find looks name up in d alone. It never holds d.mu while returning.
func (d *Directory) find(name string, m Match) (any, bool) {
	d.mu.RLock()
	e := d.findLocked(name, m)
	d.mu.RUnlock()
	if e == nil {
		return nil, false
	}
	return e.value, true
}

// Entry returns the value of d's own entry called name, if there is one; symbolic links
// are not followed.
func (d *Directory) Entry(name string, m Match) (any, bool) { return d.find(name, m) }

// link adds name -> v to d unless the name is taken, in which case it returns the value
// already there and false.
func (d *Directory) link(name string, v any, m Match) (any, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if e := d.findLocked(name, m); e != nil {
		return e.value, false
	}
	if d.names == nil {
		d.names = make(map[uint64][]*dirEntry)
	}
	h := foldHash(name)
	d.names[h] = append(d.names[h], &dirEntry{name: name, value: v})
	d.count++
	return nil, true
}

// unlink removes the entry called name (compared case-insensitively) whose value is v.
func (d *Directory) unlink(name string, v any) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	h := foldHash(name)
	bucket := d.names[h]
	for i := len(bucket) - 1; i >= 0; i-- {
		e := bucket[i]
		if !equalFold(e.name, name) || !sameValue(e.value, v) {
			continue
		}
		bucket = slices.Delete(bucket, i, i+1)
		if len(bucket) == 0 {
			delete(d.names, h)
		} else {
			d.names[h] = bucket
		}
		d.count--
		return true
	}
	return false
}

// sameValue reports whether a and b are the same entry value: == for comparable values,
// and never true (instead of a panic) for values Go cannot compare.
func sameValue(a, b any) bool {
	ta, tb := reflect.TypeOf(a), reflect.TypeOf(b)
	if ta != tb || ta == nil || !ta.Comparable() {
		return false
	}
	return a == b
}

// Insert creates an entry at an absolute NT path, comparing names case-insensitively
// (InsertMatch with CaseInsensitive).
func (d *Directory) Insert(path string, v any) (existing any, err error) {
	return d.InsertMatch(path, v, CaseInsensitive)
}

// InsertResolved is InsertMatch that also returns the path the entry got: path with the
// symbolic links of its parent part resolved (`\Sessions\1\BaseNamedObjects\Global\x` is
// inserted as `\BaseNamedObjects\x`), which is the object's name as NT reports it.
func (d *Directory) InsertResolved(path string, v any, m Match) (resolved string, existing any, err error) {
	if v == nil {
		return "", nil, ErrInvalidParameter
	}
	parent, name, resolved, err := d.ParentOf(path, m)
	if err != nil {
		return "", parent, err
	}
	if err := parent.Link(path, name, v, m); err != nil {
		var ce *CollisionError
		if errors.As(err, &ce) {
			return "", ce.Existing, err
		}
		return "", nil, err
	}
	return resolved, nil, nil
}

// ParentOf resolves the parent part of an absolute path for a create, as InsertMatch
// does (d being the root): it returns the directory that would hold the last component,
// the component, and the path the entry would get (the parent's links resolved, as
// InsertResolved reports it). A caller that must see the parent before the entry exists
// (the kernel computes a new object's security from its directory's) then calls Link.
// Errors are InsertMatch's; for the root itself the error is ErrNameCollision and the
// directory returned is d.
func (d *Directory) ParentOf(path string, m Match) (parent *Directory, name, resolved string, err error) {
	if err := checkPath(path); err != nil {
		return nil, "", "", pathError(err, path)
	}
	if path == `\` {
		return d, "", "", pathError(ErrNameCollision, path)
	}
	parent, name, prefix, err := d.resolveParent(path, m)
	if err != nil {
		return nil, "", "", err
	}
	return parent, name, prefix + `\` + name, nil
}

// Link adds the entry name -> v to d (a directory ParentOf returned; path is the full
// path, for the error). A name already there is ErrNameCollision, wrapped with path,
// whose Existing is the value there.
func (d *Directory) Link(path, name string, v any, m Match) error {
	if v == nil {
		return ErrInvalidParameter
	}
	if existing, ok := d.link(name, v, m); !ok {
		return &CollisionError{Err: pathError(ErrNameCollision, path), Existing: existing}
	}
	return nil
}

// CollisionError is the error Link gives for a name already taken: it matches
// ErrNameCollision (errors.Is) and carries the value that holds the name.
type CollisionError struct {
	Err      error
	Existing any
}

func (e *CollisionError) Error() string { return e.Err.Error() }

// Unwrap returns the wrapped ErrNameCollision.
func (e *CollisionError) Unwrap() error { return e.Err }

// InsertMatch creates the entry v at path, d being the root. Symbolic links in the parent
// part of the path are followed; the last component is never followed, so inserting over
// an existing link is a collision, as NtCreateSymbolicLinkObject's is (ntdll/tests/om.c
// test_symboliclink).
//
// Errors (ntdll/tests/om.c test_directory, test_symboliclink, test_name_collisions):
//   - ErrBadPathname: path does not start with `\`.
//   - ErrInvalidName: an empty component, including an empty last one (`\dir\`).
//   - ErrPathNotFound: the parent does not exist, or is not a directory (creating a mutant
//     as `\??\PIPE\x` reaches the pipe device and fails this way).
//   - ErrNameCollision: the name exists; existing is the value there, so callers can
//     implement NT's open-if. Inserting `\` itself collides with the root.
//   - ErrInvalidParameter: v is nil.
//   - anything a lookup of the parent reports (ErrTooManyLinks, ErrNameTooLong).
func (d *Directory) InsertMatch(path string, v any, m Match) (existing any, err error) {
	if v == nil {
		return nil, ErrInvalidParameter
	}
	if err := checkPath(path); err != nil {
		return nil, pathError(err, path)
	}
	if path == `\` {
		return d, pathError(ErrNameCollision, path)
	}
	parent, name, err := d.parentOf(path, m)
	if err != nil {
		return nil, err
	}
	existing, ok := parent.link(name, v, m)
	if !ok {
		return existing, pathError(ErrNameCollision, path)
	}
	return nil, nil
}

// parentOf walks path (which starts with `\` and is not the root) up to its last
// component and returns the directory that holds, or would hold, that component and the
// component itself. The walk is LookupMatch's, in the same order, so errors come out as NT
// reports them for a create: an empty component is ErrInvalidName wherever it is, a missing
// or non-directory intermediate component is ErrPathNotFound. The last component is never
// looked up, so a symbolic link there is not followed.
func (d *Directory) parentOf(path string, m Match) (*Directory, string, error) {
	dir, name, _, err := d.resolveParent(path, m)
	return dir, name, err
}

// resolveParent is parentOf that also returns the parent's own path: the path with every
// symbolic link in the parent part replaced by what it points to.
func (d *Directory) resolveParent(path string, m Match) (*Directory, string, string, error) {
	cur, remaining, links := d, path, 0
	prefix := ""
	for {
		name, after := remaining[1:], ""
		if i := strings.IndexByte(name, '\\'); i >= 0 {
			name, after = name[:i], name[i:]
		}
		if name == "" {
			return nil, "", "", pathError(ErrInvalidName, path)
		}
		if after == "" {
			return cur, name, prefix, nil
		}
		v, ok := cur.find(name, m)
		if !ok {
			return nil, "", "", pathError(ErrPathNotFound, path)
		}
		switch x := v.(type) {
		case *Directory:
			cur, remaining = x, after
			prefix += `\` + name
		case *Symlink:
			links++
			if links >= MaxSymlinkDepth {
				return nil, "", "", pathError(ErrTooManyLinks, path)
			}
			next := x.Target + after // after starts with `\`, so next is not empty
			switch {
			case next[0] != '\\':
				return nil, "", "", pathError(ErrPathNotFound, path)
			case len(next) > MaxNTPathLen && utf16Len(next) > MaxNTPathLen:
				return nil, "", "", pathError(ErrNameTooLong, path)
			}
			cur, remaining = d, next
			prefix = ""
		default:
			// A device or other object is not a directory: om.c test_name_collisions gets
			// STATUS_OBJECT_PATH_NOT_FOUND creating a mutant as `\??\PIPE\om.c-mutant`.
			return nil, "", "", pathError(ErrPathNotFound, path)
		}
	}
}

// Remove deletes the entry at path only if its value is v (== for comparable values);
// it reports whether it did. The parent part of path is resolved like Insert's, and the last
// component is matched case-insensitively; identity with v decides among case variants.
func (d *Directory) Remove(path string, v any) bool {
	if checkPath(path) != nil || path == `\` {
		return false
	}
	parent, name, err := d.parentOf(path, CaseInsensitive)
	if err != nil {
		return false
	}
	return parent.unlink(name, v)
}

// Mkdir creates a directory at path (the parent must exist) and returns it. When a
// directory already has that name it returns the existing one and no error, as
// NtCreateDirectoryObject with OBJ_OPENIF does; any other value there is ErrNameCollision.
func (d *Directory) Mkdir(path string) (*Directory, error) {
	nd := NewDirectory()
	existing, err := d.Insert(path, nd)
	if err == nil {
		return nd, nil
	}
	if errors.Is(err, ErrNameCollision) {
		if dir, ok := existing.(*Directory); ok {
			return dir, nil
		}
	}
	return nil, err
}

// List returns d's entries in a stable order: by [Fold] of the name, then by the name.
func (d *Directory) List() []Entry {
	out := d.appendEntries([]Entry{})
	sortEntries(out)
	return out
}

// appendEntries appends d's entries to out, in no particular order, and returns it.
func (d *Directory) appendEntries(out []Entry) []Entry {
	d.mu.RLock()
	defer d.mu.RUnlock()
	out = slices.Grow(out, d.count)
	for _, bucket := range d.names {
		for _, e := range bucket {
			out = append(out, Entry{Name: e.name, Value: e.value})
		}
	}
	return out
}

// sortEntries puts entries in List order.
func sortEntries(entries []Entry) {
	keys := make(map[string]string, len(entries))
	for _, e := range entries {
		keys[e.Name] = Fold(e.Name)
	}
	slices.SortFunc(entries, func(a, b Entry) int {
		if c := cmp.Compare(keys[a.Name], keys[b.Name]); c != 0 {
			return c
		}
		return cmp.Compare(a.Name, b.Name)
	})
}

// Walk visits every entry below d, depth first in List order, with its path: `\name` for
// d's own entries, `\name\child` below, so the paths are full NT paths when d is the root
// (a WinObj-style view). fn returning false stops the walk. Symbolic links are reported,
// not followed. A directory reachable under several names is listed each time but descended
// into once, so a directory inserted into itself cannot make Walk loop. fn runs with no
// namespace lock held and may change the tree; the walk sees each directory as List returned
// it.
func (d *Directory) Walk(fn func(path string, v any) bool) {
	walk(d, true, func(p *WalkPath, v any) bool { return fn(p.String(), v) })
}

// Scan visits what Walk visits, by the same rules, in no particular order, and passes
// each entry's path as a WalkPath, which builds the string only when asked: the walk
// for a check that looks at every entry and names the few that are wrong (the kernel's
// self-check), at no cost for sorting or paths.
func (d *Directory) Scan(fn func(path *WalkPath, v any) bool) {
	walk(d, false, fn)
}

// A WalkPath is the path of the entry a Scan callback visits. It is valid during that
// call only.
type WalkPath struct {
	names []string
}

// String returns the path, as Walk gives it: `\name\child`.
func (p *WalkPath) String() string {
	return `\` + strings.Join(p.names, `\`)
}

// walker is one Walk or Scan: the entries of the directories being visited are kept in
// one buffer, each directory's run after its parent's. Walkers are reused (walkers), so
// a walk of a tree no larger than the last allocates nothing.
type walker struct {
	sorted bool
	fn     func(*WalkPath, any) bool
	seen   map[*Directory]bool
	buf    []Entry
	path   WalkPath
}

var walkers = sync.Pool{New: func() any { return &walker{seen: make(map[*Directory]bool)} }}

func walk(d *Directory, sorted bool, fn func(*WalkPath, any) bool) {
	w := walkers.Get().(*walker)
	w.sorted, w.fn = sorted, fn
	w.seen[d] = true
	w.dir(d)
	clear(w.seen)
	clear(w.buf[:cap(w.buf)]) // drop the values, so the pool keeps no object alive
	w.buf, w.path.names, w.fn = w.buf[:0], w.path.names[:0], nil
	walkers.Put(w)
}

func (w *walker) dir(d *Directory) bool {
	start := len(w.buf)
	w.buf = d.appendEntries(w.buf)
	end := len(w.buf)
	if w.sorted {
		sortEntries(w.buf[start:end])
	}
	defer func() { w.buf = w.buf[:start] }()
	for i := start; i < end; i++ {
		e := w.buf[i] // w.buf may grow below: index it afresh
		w.path.names = append(w.path.names, e.Name)
		if !w.fn(&w.path, e.Value) {
			return false
		}
		if sub, ok := e.Value.(*Directory); ok && !w.seen[sub] {
			w.seen[sub] = true
			if !w.dir(sub) {
				return false
			}
		}
		w.path.names = w.path.names[:len(w.path.names)-1]
	}
	return true
}
