package pipe

import "github.com/winsim/winsim/kernel"

// This file implements one direction of a pipe: the data queue the writing end fills and
// the reading end drains (NT's NPFS data queue, Wine's pipe_end message_queue). It holds
//
//   - records: one per write (per message in a message-type pipe), in order, each with
//     the bytes not yet read. Byte-type pipes merge consecutive settled writes into one
//     record, so a stream is one record however many writes made it;
//   - a byte ring: the settled bytes of every record whose data the pipe owns, in record
//     order. A record whose writer is still blocked has no bytes in the ring: its data is
//     read straight out of the writer's buffer, which stays valid until the writer is
//     woken;
//   - the pending reads: readers blocked on an empty queue, with their buffers. A write
//     hands its data straight to them before anything is queued;
//   - the quota: how many unread bytes may be queued before a writer blocks (the reader's
//     buffer size, nInBufferSize or nOutBufferSize).
//
// The life of a write (windows-facts.md NP-72 to NP-76, dlls/kernel32/tests/pipe.c test_blocking_rw):
//
//  1. Its record is appended, referring to the writer's buffer; its bytes are visible to
//     the reader at once (peek counts them).
//  2. Pending reads take from it, copying directly from the writer's buffer.
//  3. If the unread bytes up to and including the record's end are within the quota, the
//     rest is copied into the ring ("settled") and the write completes. Otherwise the
//     writer blocks until reads bring that total within the quota; the reader settles it
//     then, or reads it to the end, and wakes the writer.
//  4. A write that completed waiting reads hands the processor to their readers before it
//     returns, where that lets its next write find a read waiting (handOverLocked).
//
// So data moves with one copy whenever a reader or a writer is waiting, and with two
// (through the ring) when neither is. Nothing allocates once the ring and the record and
// reader queues have grown to the pipe's working size.
//
// Every method here requires the owning instance's mu (Preconditions: in.mu must be held).

// record is one write's unread data.
type record struct {
	// src is where the unread bytes are: nil when they are in the ring, else a slice of
	// the blocked writer's buffer, or a private copy (see settleLocked).
	src []byte
	// rem is the number of unread bytes.
	rem int
	// total is the length of the write, reported to its writer on completion.
	total int
	// w is the blocked writer, nil once the write has completed.
	w *kernel.Request
	// seq orders records; ring records appear in the ring in seq order.
	seq uint64
}

// buffer is one direction of one pipe instance.
type buffer struct {
	// quota is the reader's buffer size: a writer blocks while the unread bytes up to the
	// end of its write exceed it. Immutable after creation.
	quota int
	// message is set for message-type pipes: records are never merged. Immutable.
	message bool
	// net is the network of the pipe's machine, whose adversarial mode may shorten
	// reads of this buffer and writes to it (adversary.go). Immutable.
	net *kernel.Network

	recs   recordQueue
	ring   byteRing
	unread int // bytes in all records
	npend  int // records whose writer is blocked
	seq    uint64
	// ringSeq is the seq of the newest record whose bytes went into the ring; a record
	// settled later with a smaller seq gets a private copy instead, to keep ring order.
	ringSeq uint64

	readers reqQueue // pending reads, oldest first; non-empty only while recs is empty
	// flushes are the pending FlushFileBuffers of the end that writes into this
	// buffer: they complete when it is empty (and fail when the connection breaks).
	flushes reqQueue
}

// emptyLocked reports whether nothing is queued: no bytes and no (empty) messages.
func (b *buffer) emptyLocked() bool { return b.recs.n == 0 }

// appendLocked queues p as a new record that refers to p (not yet settled, no waiter)
// and returns its seq. Byte-type pipes queue nothing for an empty p.
func (b *buffer) appendLocked(p []byte) uint64 {
	b.seq++
	b.recs.push(record{src: p, rem: len(p), total: len(p), seq: b.seq})
	b.unread += len(p)
	return b.seq
}

// tailLocked returns the newest record if its seq is seq, else nil.
func (b *buffer) tailLocked(seq uint64) *record {
	if b.recs.n == 0 {
		return nil
	}
	r := b.recs.at(b.recs.n - 1)
	if r.seq != seq {
		return nil
	}
	return r
}

// settleRecordLocked moves r's unread bytes out of the writer's buffer into storage the
// pipe owns, and completes its writer if it is blocked.
func (b *buffer) settleRecordLocked(r *record, wl *wakeList) {
	if w := r.w; w != nil {
		completeLocked(w, r.total, nil, wl)
		r.w = nil
		b.npend--
	}
	if r.src == nil {
		return
	}
	if r.seq < b.ringSeq {
		// A later record already owns ring space: keep this one's bytes apart.
		r.src = append([]byte(nil), r.src[:r.rem]...)
		return
	}
	if r.rem > 0 {
		b.ring.write(r.src[:r.rem])
	}
	b.ringSeq = r.seq
	r.src = nil
	// A byte stream needs no boundaries: merge with a settled record just before it.
	if !b.message && b.recs.n >= 2 && b.recs.at(b.recs.n-1) == r {
		if prev := b.recs.at(b.recs.n - 2); prev.src == nil && prev.w == nil {
			prev.rem += r.rem
			prev.seq = r.seq
			*r = record{}
			b.recs.n--
		}
	}
}

// settleLocked completes every blocked write whose record now ends within the quota
// (Wine's reselect_write_queue: unread bytes up to its end <= the reader's buffer size).
func (b *buffer) settleLocked(wl *wakeList) {
	if b.npend == 0 {
		return
	}
	cum := 0
	for i := 0; i < b.recs.n; i++ {
		r := b.recs.at(i)
		cum += r.rem
		if r.w == nil {
			continue
		}
		if cum > b.quota {
			return
		}
		b.settleRecordLocked(r, wl)
		if b.npend == 0 {
			return
		}
	}
}

// takeLocked copies k bytes of the head record into dst and consumes them.
func (b *buffer) takeLocked(r *record, dst []byte) {
	k := len(dst)
	if r.src == nil {
		b.ring.read(dst)
	} else {
		copy(dst, r.src[:k])
		r.src = r.src[k:]
	}
	r.rem -= k
	b.unread -= k
}

// popHeadLocked removes the fully read head record, completing its writer if blocked.
func (b *buffer) popHeadLocked(wl *wakeList) {
	r := b.recs.at(0)
	if r.w != nil {
		completeLocked(r.w, r.total, nil, wl)
		b.npend--
	}
	b.recs.pop()
}

// readLocked consumes data for one read of len(dst) bytes and reports how many it
// copied and whether a message was left unfinished (ERROR_MORE_DATA). The queue must not
// be empty.
//
// Message read mode returns at most the head message; a shorter buffer leaves the rest
// in the pipe for the next read (windows-facts.md NP-52 to NP-53). A zero-size read completes without
// consuming a non-empty message and reports ERROR_MORE_DATA (NP-60, NP-92).
//
// Byte read mode copies min(len(dst), unread) bytes across message boundaries (NP-54),
// consuming the records it empties, including empty messages it passes on the way; when
// it copies nothing it consumes at most an empty head message (NP-76, NP-90, NP-91; the same
// walk as Wine's message_queue_read).
func (b *buffer) readLocked(dst []byte, msgMode bool, wl *wakeList) (n int, more bool) {
	if msgMode {
		r := b.recs.at(0)
		k := min(len(dst), r.rem)
		b.takeLocked(r, dst[:k])
		if r.rem > 0 {
			more = true
		} else {
			b.popHeadLocked(wl)
		}
		b.settleLocked(wl)
		return k, more
	}
	want := min(len(dst), b.unread)
	for {
		r := b.recs.at(0)
		k := min(want-n, r.rem)
		b.takeLocked(r, dst[n:n+k])
		n += k
		if r.rem == 0 {
			b.popHeadLocked(wl)
		}
		if n >= want || b.recs.n == 0 {
			break
		}
	}
	b.settleLocked(wl)
	return n, false
}

// peekLocked copies queued data into dst without consuming it (FSCTL_PIPE_PEEK, Wine's
// pipe_end_peek). It returns the bytes copied, the unread total, and the length of the
// head message (0 for a byte-type pipe). In a message-type pipe the copy stops at the end
// of the head message whatever the reader's read mode (windows-facts.md NP-66 to NP-67).
func (b *buffer) peekLocked(dst []byte) (n, avail, msgLen int) {
	avail = b.unread
	want := min(len(dst), avail)
	if b.message && b.recs.n > 0 {
		msgLen = b.recs.at(0).rem
		want = min(want, msgLen)
	}
	ringOff := 0
	for i := 0; i < b.recs.n && n < want; i++ {
		r := b.recs.at(i)
		k := min(want-n, r.rem)
		if r.src == nil {
			b.ring.peekAt(ringOff, dst[n:n+k])
			ringOff += r.rem
		} else {
			copy(dst[n:n+k], r.src[:k])
		}
		n += k
	}
	return n, avail, msgLen
}

// serveReadersLocked hands queued data to pending reads, oldest first, while both exist
// (Wine's reselect_read_queue), then settles blocked writes the reads made room for.
func (b *buffer) serveReadersLocked(wl *wakeList) {
	for b.readers.n > 0 && b.recs.n > 0 {
		r := b.readers.pop()
		buf := r.Buf
		if b.net.AdversaryOn() {
			buf = b.adversaryShortLocked(r.Owner().(*end), r.Process(), buf)
		}
		n, more := b.readLocked(buf, r.Flags&reqMsgMode != 0, wl)
		var err error
		if more {
			err = errMoreData
		}
		completeLocked(r, n, err, wl)
	}
}

// handOverLocked reports whether a write of n bytes that found waiting reads pending
// (and left b.readers.n of them) should hand the processor to the readers it completed
// before it returns.
//
// Windows boosts the priority of a thread whose wait is satisfied (Microsoft's "Priority
// Boosts" page; a driver completes an I/O request with a priority increment for the
// thread that issued it), so a woken reader tends to run, and ask again, before its
// writer's next write. winsim models that with a runtime.Gosched after the write, where
// it saves a copy: when another write of this size would fit the quota. Without the
// hand-over that next write would find no read waiting and go through the ring (two
// copies); with it, it finds the reader's next read waiting (one copy). A write that
// would not fit blocks anyway, and the reader then copies straight out of the writer's
// buffer, so yielding there would only add a goroutine switch. The hand-over changes no
// result, only which goroutine runs first.
//
// Below handOverMin bytes the switch costs more than the copy it saves.
func (b *buffer) handOverLocked(waiting, n int) bool {
	return n >= handOverMin && b.readers.n < waiting && b.unread+n <= b.quota
}

// handOverMin is the smallest write that hands over (handOverLocked). It was measured by
// streams of writes through a 1 MiB pipe (BenchmarkHandOver), built with the hand-over
// at every size against without it. With one P and two: 32 KiB writes were 24 % and 38 %
// faster with it, 24 KiB writes no faster and 22 % faster, 16 KiB writes 64 % slower and
// no faster, 4 KiB writes three and two times slower.
const handOverMin = 32 << 10

// readerCapacityLocked is the most that the pending reads would take from one new message.
func (b *buffer) readerCapacityLocked() int {
	c := 0
	for i := 0; i < b.readers.n; i++ {
		c += len(b.readers.at(i).Buf)
	}
	return c
}

// discardLocked drops every queued byte. Blocked writers fail with err (their data is
// gone with the rest), as on DisconnectNamedPipe or when the reader's last handle closes.
func (b *buffer) discardLocked(err error, wl *wakeList) {
	for b.recs.n > 0 {
		r := b.recs.at(0)
		if r.w != nil {
			completeLocked(r.w, 0, err, wl)
		}
		b.recs.pop()
	}
	b.ring.reset()
	b.unread, b.npend = 0, 0
}

// failWritersLocked removes the records of blocked writers, with their unread bytes, and
// fails them with err. Completed writes stay readable (docs/windows-facts.md#np-close: nothing written before
// a close is lost).
func (b *buffer) failWritersLocked(err error, wl *wakeList) {
	if b.npend == 0 {
		return
	}
	for i := 0; i < b.recs.n; {
		r := b.recs.at(i)
		if r.w == nil {
			i++
			continue
		}
		completeLocked(r.w, 0, err, wl)
		b.unread -= r.rem
		b.npend--
		b.recs.removeAt(i)
	}
}

// failReadersLocked completes every pending read with err.
func (b *buffer) failReadersLocked(err error, wl *wakeList) {
	b.readers.failAllLocked(err, wl)
}

// cancelWriteLocked removes the record of the blocked writer w and its unread bytes,
// even those a reader could already see (windows-facts.md NP-130), and lets writes queued
// behind it settle. It reports whether w was blocked here.
func (b *buffer) cancelWriteLocked(w *kernel.Request, wl *wakeList) bool {
	found := false
	for i := 0; i < b.recs.n; i++ {
		r := b.recs.at(i)
		if r.w == w {
			b.unread -= r.rem
			b.npend--
			b.recs.removeAt(i)
			found = true
			break
		}
	}
	b.settleLocked(wl)
	return found
}

// recordQueue is a growable FIFO ring of records. Its zero value is empty.
type recordQueue struct {
	buf  []record
	head int
	n    int
}

func (q *recordQueue) at(i int) *record { return &q.buf[(q.head+i)&(len(q.buf)-1)] }

func (q *recordQueue) push(r record) {
	if q.n == len(q.buf) {
		q.grow()
	}
	q.buf[(q.head+q.n)&(len(q.buf)-1)] = r
	q.n++
}

func (q *recordQueue) grow() {
	nb := make([]record, max(8, 2*len(q.buf)))
	for i := 0; i < q.n; i++ {
		nb[i] = *q.at(i)
	}
	q.buf, q.head = nb, 0
}

func (q *recordQueue) pop() {
	*q.at(0) = record{} // drop references to writers' buffers
	q.head = (q.head + 1) & (len(q.buf) - 1)
	q.n--
}

func (q *recordQueue) removeAt(i int) {
	for j := i; j < q.n-1; j++ {
		*q.at(j) = *q.at(j + 1)
	}
	*q.at(q.n - 1) = record{}
	q.n--
}

// byteRing is a growable ring of bytes; its capacity is a power of two. Its zero value
// is empty.
type byteRing struct {
	buf  []byte
	head int
	n    int
}

// write appends p, growing the ring to the next power of two if needed.
func (r *byteRing) write(p []byte) {
	if r.n+len(p) > len(r.buf) {
		r.grow(r.n + len(p))
	}
	mask := len(r.buf) - 1
	tail := (r.head + r.n) & mask
	c := copy(r.buf[tail:], p)
	copy(r.buf, p[c:])
	r.n += len(p)
}

func (r *byteRing) grow(need int) {
	size := max(512, len(r.buf))
	for size < need {
		size *= 2
	}
	nb := make([]byte, size)
	r.peekAt(0, nb[:r.n])
	r.buf, r.head = nb, 0
}

// read copies len(dst) bytes out of the ring and consumes them.
func (r *byteRing) read(dst []byte) {
	r.peekAt(0, dst)
	r.head = (r.head + len(dst)) & (len(r.buf) - 1)
	r.n -= len(dst)
	if r.n == 0 {
		r.head = 0
	}
}

// peekAt copies len(dst) bytes starting off bytes after the head, without consuming.
func (r *byteRing) peekAt(off int, dst []byte) {
	if len(dst) == 0 {
		return
	}
	start := (r.head + off) & (len(r.buf) - 1)
	c := copy(dst, r.buf[start:])
	copy(dst[c:], r.buf)
}

func (r *byteRing) reset() { r.head, r.n = 0, 0 }
