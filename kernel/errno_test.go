package kernel

import (
	"context"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Errno is an error, and carries Timeout the way net.Error and syscall.Errno do.
var (
	_ error                       = ERROR_SUCCESS
	_ interface{ Timeout() bool } = ERROR_SUCCESS
	_ interface{ Is(error) bool } = ERROR_SUCCESS
	_ interface{ Code() uint32 }  = ERROR_SUCCESS
	_ interface{ Name() string }  = ERROR_SUCCESS
)

// declaredErrnos parses errno.go and returns every constant declared with type Errno, by name,
// with the number written in the source.
func declaredErrnos(t *testing.T) map[string]uint32 {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), "errno.go", nil, 0)
	require.NoError(t, err)
	out := make(map[string]uint32)
	for _, decl := range f.Decls {
		gd, ok := decl.(*ast.GenDecl)
		if !ok || gd.Tok != token.CONST {
			continue
		}
		for _, spec := range gd.Specs {
			vs := spec.(*ast.ValueSpec)
			typ, ok := vs.Type.(*ast.Ident)
			if !ok || typ.Name != "Errno" {
				continue
			}
			require.Len(t, vs.Values, len(vs.Names), "every Errno constant has an explicit number")
			for i, name := range vs.Names {
				lit, ok := vs.Values[i].(*ast.BasicLit)
				require.True(t, ok, "%s: number must be a literal", name.Name)
				n, err := strconv.ParseUint(lit.Value, 0, 32)
				require.NoError(t, err, name.Name)
				out[name.Name] = uint32(n)
			}
		}
	}
	return out
}

// TestErrnoTableMatchesDeclaredConstants checks that errno.go, errnoTable and allErrnos describe
// the same codes: every declared constant is in allErrnos and in the table, its Name is its
// identifier, and its Code is the number written next to it. The numbers themselves come from
// Microsoft's "System Error Codes" pages and match golang.org/x/sys/windows zerrors_windows.go.
func TestErrnoTableMatchesDeclaredConstants(t *testing.T) {
	declared := declaredErrnos(t)
	require.NotEmpty(t, declared)
	assert.Equal(t, len(declared), len(allErrnos), "allErrnos lists every constant once")
	assert.Equal(t, len(declared), len(errnoTable), "errnoTable has one row per constant")

	seen := make(map[string]bool)
	for _, e := range allErrnos {
		name := e.Name()
		assert.False(t, seen[name], "%s listed twice in allErrnos", name)
		seen[name] = true
		num, ok := declared[name]
		if assert.True(t, ok, "Name %q of code %d is not a constant in errno.go", name, e.Code()) {
			assert.Equal(t, num, e.Code(), "%s: Code", name)
		}
	}
	for name := range declared {
		assert.True(t, seen[name], "%s declared in errno.go but missing from allErrnos", name)
	}
}

// TestErrnoTableIsSortedByCode checks the invariant lookupErrno's binary search relies on:
// strictly ascending codes, so no code has two rows.
func TestErrnoTableIsSortedByCode(t *testing.T) {
	for i := 1; i < len(errnoTable); i++ {
		assert.Less(t, errnoTable[i-1].code, errnoTable[i].code,
			"row %d (%s) must come after row %d (%s)", i, errnoTable[i].name, i-1, errnoTable[i-1].name)
	}
}

// TestErrnoEveryCodeHasMessageAndNameRoundTrip checks every constant: Error is FormatMessage-style
// text (non-empty, no trailing CR/LF, no surrounding spaces), and Name maps back to the same code.
func TestErrnoEveryCodeHasMessageAndNameRoundTrip(t *testing.T) {
	byName := make(map[string]Errno, len(allErrnos))
	for _, e := range allErrnos {
		byName[e.Name()] = e
	}
	for _, e := range allErrnos {
		t.Run(e.Name(), func(t *testing.T) {
			msg := e.Error()
			assert.NotEmpty(t, msg)
			assert.Equal(t, strings.TrimSpace(msg), msg, "no CR/LF or spaces around the text")
			assert.NotContains(t, msg, "\n")
			assert.False(t, strings.HasPrefix(msg, "winsim: unknown error"), "known code has Windows text")

			name := e.Name()
			assert.NotEmpty(t, name)
			assert.False(t, strings.HasPrefix(name, "Errno("), "known code has a constant name")
			assert.Equal(t, e, byName[name], "Name round trip")
			assert.Equal(t, uint32(e), e.Code())
		})
	}
}

// TestErrnoErrorIsWindowsMessageText pins the exact FormatMessage text of the codes winsim's IPC
// objects return, as Microsoft's "System Error Codes (0-499)", "(500-999)", "(1000-1299)" and
// "(1300-1699)" pages list them.
func TestErrnoErrorIsWindowsMessageText(t *testing.T) {
	for _, tc := range []struct {
		e    Errno
		want string
	}{
		{ERROR_SUCCESS, "The operation completed successfully."},
		{ERROR_FILE_NOT_FOUND, "The system cannot find the file specified."},
		{ERROR_PATH_NOT_FOUND, "The system cannot find the path specified."},
		{ERROR_ACCESS_DENIED, "Access is denied."},
		{ERROR_INVALID_HANDLE, "The handle is invalid."},
		{ERROR_NOT_ENOUGH_MEMORY, "Not enough memory resources are available to process this command."},
		{ERROR_INVALID_PARAMETER, "The parameter is incorrect."},
		{ERROR_BROKEN_PIPE, "The pipe has been ended."},
		{ERROR_SEM_TIMEOUT, "The semaphore timeout period has expired."},
		{ERROR_INSUFFICIENT_BUFFER, "The data area passed to a system call is too small."},
		{ERROR_INVALID_NAME, "The filename, directory name, or volume label syntax is incorrect."},
		{ERROR_ALREADY_EXISTS, "Cannot create a file when that file already exists."},
		{ERROR_BAD_PIPE, "The pipe state is invalid."},
		{ERROR_PIPE_BUSY, "All pipe instances are busy."},
		{ERROR_NO_DATA, "The pipe is being closed."},
		{ERROR_PIPE_NOT_CONNECTED, "No process is on the other end of the pipe."},
		{ERROR_MORE_DATA, "More data is available."},
		{WAIT_TIMEOUT, "The wait operation timed out."},
		{ERROR_PIPE_CONNECTED, "There is a process on other end of the pipe."},
		{ERROR_PIPE_LISTENING, "Waiting for a process to open the other end of the pipe."},
		{ERROR_ABANDONED_WAIT_0, "ERROR_ABANDONED_WAIT_0"},
		{ERROR_OPERATION_ABORTED, "The I/O operation has been aborted because of either a thread exit or an application request."},
		{ERROR_IO_PENDING, "Overlapped I/O operation is in progress."},
		{ERROR_NOT_FOUND, "Element not found."},
		{ERROR_CANNOT_IMPERSONATE, "Unable to impersonate using a named pipe until data has been read from that pipe."},
		{ERROR_TIMEOUT, "This operation returned because the timeout period expired."},
	} {
		assert.Equal(t, tc.want, tc.e.Error(), tc.e.Name())
	}
}

// TestErrnoErrorKeepsInsertsUnexpanded checks that a message with a "%1" insert keeps it, as
// FormatMessage with FORMAT_MESSAGE_IGNORE_INSERTS (what Go's syscall.Errno.Error uses) returns
// it. Source: "System Error Codes (0-499)", ERROR_CHILD_NOT_COMPLETE.
func TestErrnoErrorKeepsInsertsUnexpanded(t *testing.T) {
	assert.Equal(t, "The %1 application cannot be run in Win32 mode.", ERROR_CHILD_NOT_COMPLETE.Error())
}

// TestErrnoUnknownCodeHasGenericTextAndName checks codes winsim has no row for, including a real
// Win32 code it does not list (7, ERROR_ARENA_TRASHED) and the largest value.
func TestErrnoUnknownCodeHasGenericTextAndName(t *testing.T) {
	for _, tc := range []struct {
		e        Errno
		wantText string
		wantName string
		wantCode uint32
	}{
		{Errno(12345), "winsim: unknown error 12345", "Errno(12345)", 12345},
		{Errno(7), "winsim: unknown error 7", "Errno(7)", 7},
		{Errno(0xFFFFFFFF), "winsim: unknown error 4294967295", "Errno(4294967295)", 0xFFFFFFFF},
	} {
		assert.Equal(t, tc.wantText, tc.e.Error())
		assert.Equal(t, tc.wantName, tc.e.Name())
		assert.Equal(t, tc.wantCode, tc.e.Code())
		assert.False(t, tc.e.Timeout())
		for _, target := range []error{fs.ErrPermission, fs.ErrExist, fs.ErrNotExist, errors.ErrUnsupported} {
			assert.NotErrorIs(t, tc.e, target)
		}
	}
}

// TestErrnoIsMatchesGoSyscallSentinels checks errors.Is against the io/fs and errors sentinels for
// every code: exactly the codes Go's syscall.Errno.Is maps on Windows match
// (src/syscall/syscall_windows.go), and nothing else does.
func TestErrnoIsMatchesGoSyscallSentinels(t *testing.T) {
	mapping := map[error][]Errno{
		fs.ErrPermission:      {ERROR_ACCESS_DENIED},
		fs.ErrExist:           {ERROR_ALREADY_EXISTS, ERROR_FILE_EXISTS, ERROR_DIR_NOT_EMPTY},
		fs.ErrNotExist:        {ERROR_FILE_NOT_FOUND, ERROR_PATH_NOT_FOUND, ERROR_BAD_NETPATH},
		errors.ErrUnsupported: {ERROR_NOT_SUPPORTED, ERROR_CALL_NOT_IMPLEMENTED},
	}
	for target, matching := range mapping {
		for _, e := range allErrnos {
			want := slices.Contains(matching, e)
			assert.Equal(t, want, errors.Is(e, target), "errors.Is(%s, %v)", e.Name(), target)
			assert.Equal(t, want, errors.Is(fmt.Errorf("op: %w", e), target), "wrapped %s, %v", e.Name(), target)
		}
	}
	// Unrelated errors never match.
	assert.NotErrorIs(t, ERROR_ACCESS_DENIED, fs.ErrClosed)
	assert.NotErrorIs(t, ERROR_FILE_NOT_FOUND, errors.New("file does not exist"))
}

// TestErrnoIsMatchesOnlyItself checks that distinct codes never match each other, even where
// Windows uses them for related conditions (ERROR_BROKEN_PIPE on read vs ERROR_NO_DATA on write
// after the peer closed, windows-facts.md DOC-10).
func TestErrnoIsMatchesOnlyItself(t *testing.T) {
	for _, a := range allErrnos {
		for _, b := range allErrnos {
			assert.Equal(t, a == b, errors.Is(a, b), "errors.Is(%s, %s)", a.Name(), b.Name())
		}
	}
}

// facadeErrno stands for another package's error type carrying a Win32 code, as windows.Errno
// does (x/sys/windows code compares its errors with its own constants).
type facadeErrno uintptr

func (e facadeErrno) Error() string     { return "facade error" }
func (e facadeErrno) Win32Errno() Errno { return Errno(e) }

// TestErrnoIsMatchesFacadeErrnoWithSameCode checks the hook errors.Is uses between kernel.Errno
// and the facade's Errno: a kernel error matches a facade target of the same Win32 code only.
func TestErrnoIsMatchesFacadeErrnoWithSameCode(t *testing.T) {
	for _, tc := range []struct {
		err    error
		target error
		want   bool
	}{
		{ERROR_ACCESS_DENIED, facadeErrno(5), true},
		{fmt.Errorf("CreateFile: %w", ERROR_PIPE_BUSY), facadeErrno(231), true},
		{&AbortError{Cause: context.Canceled}, facadeErrno(995), true},
		{ERROR_ACCESS_DENIED, facadeErrno(6), false},
		{ERROR_SUCCESS, facadeErrno(0), true},
	} {
		assert.Equal(t, tc.want, errors.Is(tc.err, tc.target), "errors.Is(%v, facade %d)", tc.err, tc.target)
	}
}

// TestErrnoKnownOnlyForTabledCodes checks Known, which the facade uses to choose between Windows'
// text and its own fallback for a code winsim has no text for.
func TestErrnoKnownOnlyForTabledCodes(t *testing.T) {
	for _, e := range allErrnos {
		assert.True(t, e.Known(), e.Name())
	}
	assert.False(t, Errno(0xFFFF).Known())
}

// TestErrnoTimeoutTrueForTimeoutCodes checks that ERROR_SEM_TIMEOUT (mailslot read and
// WaitNamedPipe timeouts, from STATUS_IO_TIMEOUT), WAIT_TIMEOUT and ERROR_TIMEOUT (STATUS_TIMEOUT)
// report Timeout, and no other code does. Go's syscall reports none of them; this is the
// deliberate difference recorded in docs/deviations.md.
func TestErrnoTimeoutTrueForTimeoutCodes(t *testing.T) {
	timeouts := []Errno{ERROR_SEM_TIMEOUT, WAIT_TIMEOUT, ERROR_TIMEOUT}
	for _, e := range allErrnos {
		assert.Equal(t, slices.Contains(timeouts, e), e.Timeout(), e.Name())
	}

	// Generic code finds Timeout through a wrapper, as it does for net.Error.
	var te interface{ Timeout() bool }
	require.ErrorAs(t, fmt.Errorf("ReadFile: %w", ERROR_SEM_TIMEOUT), &te)
	assert.True(t, te.Timeout())
}

// TestErrnoWrappedStillMatches checks that an Errno wrapped with %w, in an *fs.PathError or in
// errors.Join is still found by errors.Is and recovered by errors.As, the way callers of winsim
// test errors (require.ErrorIs(t, err, kernel.ERROR_BROKEN_PIPE)).
func TestErrnoWrappedStillMatches(t *testing.T) {
	wrapped := fmt.Errorf("x: %w", ERROR_BROKEN_PIPE)
	assert.ErrorIs(t, wrapped, ERROR_BROKEN_PIPE)
	assert.NotErrorIs(t, wrapped, ERROR_NO_DATA)
	assert.Equal(t, "x: The pipe has been ended.", wrapped.Error())

	var got Errno
	require.ErrorAs(t, wrapped, &got)
	assert.Equal(t, ERROR_BROKEN_PIPE, got)
	assert.Equal(t, uint32(109), got.Code())

	pathErr := &fs.PathError{Op: "open", Path: `\\.\pipe\missing`, Err: ERROR_FILE_NOT_FOUND}
	assert.ErrorIs(t, pathErr, ERROR_FILE_NOT_FOUND)
	assert.ErrorIs(t, pathErr, fs.ErrNotExist)
	require.ErrorAs(t, pathErr, &got)
	assert.Equal(t, ERROR_FILE_NOT_FOUND, got)

	joined := errors.Join(errors.New("first"), fmt.Errorf("second: %w", ERROR_ACCESS_DENIED))
	assert.ErrorIs(t, joined, ERROR_ACCESS_DENIED)
	assert.ErrorIs(t, joined, fs.ErrPermission)
}

// TestErrnoErrorAndNameDoNotAllocate checks the documented promise that Error and Name of a known
// code return static strings, so hot error paths and traces cost no allocation.
func TestErrnoErrorAndNameDoNotAllocate(t *testing.T) {
	var sink string
	allocs := testing.AllocsPerRun(10, func() {
		for _, e := range allErrnos {
			sink = e.Error()
			sink = e.Name()
		}
	})
	assert.Zero(t, allocs)
	assert.NotEmpty(t, sink)
}

func BenchmarkErrnoError(b *testing.B) {
	codes := []Errno{ERROR_SUCCESS, ERROR_BROKEN_PIPE, ERROR_PIPE_BUSY, ERROR_SEM_TIMEOUT, ERROR_NOT_ENOUGH_QUOTA}
	b.ReportAllocs()
	var n int
	for i := 0; b.Loop(); i++ {
		n += len(codes[i%len(codes)].Error())
	}
	if n == 0 {
		b.Fatal("empty messages")
	}
}

func BenchmarkErrnoName(b *testing.B) {
	codes := []Errno{ERROR_SUCCESS, ERROR_BROKEN_PIPE, ERROR_PIPE_BUSY, ERROR_SEM_TIMEOUT, ERROR_NOT_ENOUGH_QUOTA}
	b.ReportAllocs()
	var n int
	for i := 0; b.Loop(); i++ {
		n += len(codes[i%len(codes)].Name())
	}
	if n == 0 {
		b.Fatal("empty names")
	}
}

// A failed open reports the Win32 code; generic Go code still recognises "does not exist".
func ExampleErrno_Is() {
	err := fmt.Errorf("CreateFile: %w", ERROR_FILE_NOT_FOUND)

	var code Errno
	if errors.As(err, &code) {
		fmt.Println(code.Name(), code.Code())
	}
	fmt.Println(errors.Is(err, ERROR_FILE_NOT_FOUND))
	fmt.Println(errors.Is(err, fs.ErrNotExist))
	fmt.Println(err)
	// Output:
	// ERROR_FILE_NOT_FOUND 2
	// true
	// true
	// CreateFile: The system cannot find the file specified.
}

// allErrnos lists every Errno constant declared in errno.go, for table-driven tests. It is
// written out independently of errnoTable so that a test can catch one drifting from the other.
var allErrnos = []Errno{
	ERROR_SUCCESS,
	ERROR_INVALID_FUNCTION,
	ERROR_FILE_NOT_FOUND,
	ERROR_PATH_NOT_FOUND,
	ERROR_TOO_MANY_OPEN_FILES,
	ERROR_ACCESS_DENIED,
	ERROR_INVALID_HANDLE,
	ERROR_NOT_ENOUGH_MEMORY,
	ERROR_INVALID_ACCESS,
	ERROR_INVALID_DATA,
	ERROR_OUTOFMEMORY,
	ERROR_NOT_READY,
	ERROR_BAD_LENGTH,
	ERROR_GEN_FAILURE,
	ERROR_SHARING_VIOLATION,
	ERROR_HANDLE_EOF,
	ERROR_NOT_SUPPORTED,
	ERROR_REM_NOT_LIST,
	ERROR_DUP_NAME,
	ERROR_BAD_NETPATH,
	ERROR_NETWORK_BUSY,
	ERROR_BAD_NET_RESP,
	ERROR_UNEXP_NET_ERR,
	ERROR_NETNAME_DELETED,
	ERROR_BAD_NET_NAME,
	ERROR_FILE_EXISTS,
	ERROR_INVALID_PARAMETER,
	ERROR_BROKEN_PIPE,
	ERROR_OPEN_FAILED,
	ERROR_BUFFER_OVERFLOW,
	ERROR_CALL_NOT_IMPLEMENTED,
	ERROR_SEM_TIMEOUT,
	ERROR_INSUFFICIENT_BUFFER,
	ERROR_INVALID_NAME,
	ERROR_INVALID_LEVEL,
	ERROR_MOD_NOT_FOUND,
	ERROR_PROC_NOT_FOUND,
	ERROR_WAIT_NO_CHILDREN,
	ERROR_CHILD_NOT_COMPLETE,
	ERROR_DIR_NOT_EMPTY,
	ERROR_INVALID_EVENT_COUNT,
	ERROR_BAD_PATHNAME,
	ERROR_BUSY,
	ERROR_ALREADY_EXISTS,
	WAIT_IO_COMPLETION,
	ERROR_FILENAME_EXCED_RANGE,
	ERROR_PIPE_LOCAL,
	ERROR_BAD_PIPE,
	ERROR_PIPE_BUSY,
	ERROR_NO_DATA,
	ERROR_PIPE_NOT_CONNECTED,
	ERROR_MORE_DATA,
	WAIT_TIMEOUT,
	ERROR_NO_MORE_ITEMS,
	ERROR_DIRECTORY,
	ERROR_NOT_OWNER,
	ERROR_TOO_MANY_POSTS,
	ERROR_PARTIAL_COPY,
	ERROR_INVALID_ADDRESS,
	ERROR_PIPE_CONNECTED,
	ERROR_PIPE_LISTENING,
	ERROR_CANT_WAIT,
	ERROR_ABANDONED_WAIT_0,
	ERROR_OPERATION_ABORTED,
	ERROR_IO_INCOMPLETE,
	ERROR_IO_PENDING,
	ERROR_NOACCESS,
	ERROR_INVALID_FLAGS,
	ERROR_NO_TOKEN,
	ERROR_PROCESS_ABORTED,
	ERROR_NOT_FOUND,
	ERROR_BAD_DEVICE,
	ERROR_INVALID_COMPUTERNAME,
	ERROR_INVALID_DOMAINNAME,
	ERROR_NO_NETWORK,
	ERROR_CONNECTION_REFUSED,
	ERROR_NETWORK_UNREACHABLE,
	ERROR_HOST_UNREACHABLE,
	ERROR_NOT_ALL_ASSIGNED,
	ERROR_UNKNOWN_REVISION,
	ERROR_INVALID_OWNER,
	ERROR_NO_SUCH_PRIVILEGE,
	ERROR_PRIVILEGE_NOT_HELD,
	ERROR_USER_EXISTS,
	ERROR_NO_SUCH_USER,
	ERROR_NONE_MAPPED,
	ERROR_INVALID_ACL,
	ERROR_INVALID_SID,
	ERROR_INVALID_SECURITY_DESCR,
	ERROR_BAD_IMPERSONATION_LEVEL,
	ERROR_CANT_OPEN_ANONYMOUS,
	ERROR_NO_SUCH_DOMAIN,
	ERROR_CANNOT_IMPERSONATE,
	ERROR_NO_SYSTEM_RESOURCES,
	ERROR_TIMEOUT,
	ERROR_INVALID_USER_BUFFER,
	ERROR_NOT_ENOUGH_QUOTA,
	ERROR_OBJECT_NOT_FOUND,
}
