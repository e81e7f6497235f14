package mailslot

// msgQueue is a FIFO of whole messages: a ring that grows by doubling and never
// shrinks. Entries may share their backing arrays with other queues (one broadcast
// payload is stored once and referenced by every receiving queue); entries are
// read-only. A message a local write stored for this queue alone is owned by it: once
// read, its array is kept as a spare for the next local write (alloc). So a queue that
// is drained as fast as it fills allocates nothing at all.
//
// msgQueue is not safe for concurrent use: its mailslot's mu protects it.
type msgQueue struct {
	buf   []queued // len(buf) is 0 or a power of two
	head  int
	n     int
	bytes int // total payload bytes queued
	// spare holds arrays of owned messages already read: at most maxSpares, none
	// larger than maxSpareSize, so a mailslot keeps at most 16 KiB this way.
	spare [][]byte
}

type queued struct {
	m     []byte
	owned bool // stored for this queue alone (a local write): reusable once read
}

const (
	maxSpares    = 4
	maxSpareSize = 4 << 10
)

// len returns the number of queued messages.
func (q *msgQueue) len() int { return q.n }

// alloc returns an array of length n for a message this queue will own: a spare if one
// is large enough, else a new one.
func (q *msgQueue) alloc(n int) []byte {
	for i, b := range q.spare {
		if cap(b) >= n {
			last := len(q.spare) - 1
			q.spare[i] = q.spare[last]
			q.spare[last] = nil
			q.spare = q.spare[:last]
			return b[:n]
		}
	}
	return make([]byte, n)
}

// push appends m; owned says the queue may reuse m's array once m has been read.
func (q *msgQueue) push(m []byte, owned bool) {
	if q.n == len(q.buf) {
		q.grow()
	}
	q.buf[(q.head+q.n)&(len(q.buf)-1)] = queued{m: m, owned: owned}
	q.n++
	q.bytes += len(m)
}

func (q *msgQueue) grow() {
	size := 2 * len(q.buf)
	if size == 0 {
		size = 8
	}
	nb := make([]queued, size)
	for i := 0; i < q.n; i++ {
		nb[i] = q.buf[(q.head+i)&(len(q.buf)-1)]
	}
	q.buf, q.head = nb, 0
}

// peek returns the oldest message; ok is false when the queue is empty.
func (q *msgQueue) peek() (m []byte, ok bool) {
	if q.n == 0 {
		return nil, false
	}
	return q.buf[q.head].m, true
}

// pop removes the oldest message. The caller must be done with what peek returned: an
// owned message's array is reused by a later alloc. Preconditions: the queue is not
// empty.
func (q *msgQueue) pop() {
	e := q.buf[q.head]
	q.buf[q.head] = queued{} // let a consumed payload go
	q.head = (q.head + 1) & (len(q.buf) - 1)
	q.n--
	q.bytes -= len(e.m)
	if e.owned && cap(e.m) <= maxSpareSize && len(q.spare) < maxSpares {
		q.spare = append(q.spare, e.m[:0])
	}
}

// reset drops every message, the ring and the spares.
func (q *msgQueue) reset() { *q = msgQueue{} }
