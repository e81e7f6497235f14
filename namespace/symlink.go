package namespace

// MaxSymlinkDepth is NT's OBJ_MAX_REPARSE_ATTEMPTS (32, ntobapi.h). ObpLookupObjectName
// starts a counter at this value, decrements it for every symbolic link it reparses and gives
// up when it reaches zero, so a single lookup follows at most MaxSymlinkDepth-1 (31) links;
// meeting the 32nd fails with [ErrTooManyLinks]. ReactOS (ntoskrnl/ob/obname.c) keeps the
// same shape; Wine's server (server/object.c lookup_named_object) nests at most 32 lookups
// and reports STATUS_INVALID_PARAMETER instead. No Windows-run test checks the limit, so
// docs/deviations.md records it as unverified.
const MaxSymlinkDepth = 32

// A Symlink is an NT symbolic link object (type "SymbolicLink"), analogous to Wine's
// struct symlink. When a lookup meets one, the path consumed so far is replaced by Target
// and the walk starts again at the root with whatever remained (ObpParseSymbolicLink).
//
// Target is an absolute NT path such as `\Device\NamedPipe`. The empty target names the
// root itself, which is how \GLOBAL??\GLOBALROOT works. NT accepts any target when the link
// is created; a relative one makes every lookup through the link fail with
// ErrNameNotFound, as NT's reparse of a relative name does.
//
// Lifetime: a Symlink is a plain value owned by whoever inserted it; the directory holds a
// pointer to it until Remove. Target must not change while the link is in a directory.
type Symlink struct {
	Target string // immutable once inserted
}

// NewSymlink returns a symbolic link to target.
func NewSymlink(target string) *Symlink { return &Symlink{Target: target} }
