package kernel

import "context"

// This file is for code that issues many blocking calls with one long-lived context,
// such as a net.Conn adapter whose Close and deadlines must end the calls in flight.
// Waiting for a request and for a context's Done channel at once takes a select over
// two channels on every call that blocks; a context that implements RequestWatcher
// instead ends the requests issued with it itself, and the call waits for its request
// alone. The context is still the one way to cancel: a RequestWatcher must end every
// request issued with it when it is done, exactly as a watched Done channel would.
//
// Issuing a call with a RequestWatcher registers nothing: every pending request is
// already on its process's list (Request.Pend), and that is where the watcher's end
// finds the requests issued with it (Process.AbortRequests). The one race, an end that
// walks the list before the request is on it, is closed by the call: once its request
// is listed it looks at the context's Err once, and aborts the request itself if the
// context has ended.

// A RequestWatcher is a context.Context that, when it is done, aborts the synchronous
// requests issued with it itself, so that a call blocked on one need not also wait on
// Done. Its end must first make Err non-nil and then call Process.AbortRequests for
// every process whose calls used it.
type RequestWatcher interface {
	context.Context
	// AbortsItsRequests marks the type; it does nothing.
	AbortsItsRequests()
}

// AbortRequests aborts, with an error matching ERROR_OPERATION_ABORTED and cause (what
// a cancelled context gives: an *AbortError), every synchronous request of p pending
// with w as its context, and reports how many it found. A request that completes
// meanwhile is not aborted (a completed IRP is not cancelled). A nil w or cause is
// ERROR_INVALID_PARAMETER (a nil w would stand for every request issued without one).
func (p *Process) AbortRequests(w RequestWatcher, cause error) (int, error) {
	if w == nil || cause == nil {
		return 0, ERROR_INVALID_PARAMETER
	}
	return p.cancelPendingRequests(func(r *Request) bool { return r.watcher == w }, &AbortError{Cause: cause}), nil
}

// awaitWatched waits for r, a synchronous request issued with w and no Win32 timeout.
// r is listed (Pend), so an end of w from now on finds it; an end that came before
// might not have, so r checks w once itself.
func (r *Request) awaitWatched(w RequestWatcher) requestResult {
	if err := w.Err(); err != nil {
		r.cancel(&AbortError{Cause: err})
	}
	<-r.wake
	return r.finishAwait()
}
