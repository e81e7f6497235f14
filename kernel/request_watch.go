package kernel

import "context"

// This file is for code that issues many blocking calls with one long-lived context,
// such as a net.Conn adapter whose Close and deadlines must end the calls in flight.
// Waiting for a request and for a context's Done channel at once takes a select over
// two channels on every call that blocks; a context that implements RequestWatcher
// instead ends the requests issued with it itself, and the call waits for its request
// alone. The context is still the one way to cancel: a RequestWatcher must end every
// request it watches when it is done, exactly as a watched Done channel would.

// A RequestWatcher is a context.Context that, when it is done, aborts the synchronous
// requests issued with it itself (Request.Abort), so that a call blocked on one need
// not also wait on Done.
//
// A blocking call issued with a RequestWatcher calls WatchRequest once its request is
// pending, and UnwatchRequest after the request has completed, before the request is
// reused. Between the two the watcher may Abort the request at any time, any number of
// times; after UnwatchRequest returns it must not touch it again.
type RequestWatcher interface {
	context.Context
	// WatchRequest registers r, to be aborted when the context is done. It reports
	// false, registering nothing, if the context is done already; the call then
	// aborts r itself with the context's Err.
	WatchRequest(r *Request) bool
	// UnwatchRequest forgets r. When it returns, no Abort of r is in progress.
	UnwatchRequest(r *Request)
}

// Abort cancels r, if it has not completed, with an error matching
// ERROR_OPERATION_ABORTED and cause (the error a cancelled context gives: an
// *AbortError). It is what a RequestWatcher calls when it is done.
func (r *Request) Abort(cause error) {
	r.cancel(&AbortError{Cause: cause})
}

// awaitWatched waits for r, a synchronous request issued with w and no Win32 timeout.
func (r *Request) awaitWatched(w RequestWatcher) (int, error) {
	if !w.WatchRequest(r) {
		r.Abort(w.Err())
		<-r.wake
		return r.finishAwait()
	}
	<-r.wake
	w.UnwatchRequest(r)
	return r.finishAwait()
}
