package mailslot

// msgQueue is a FIFO of whole messages: a ring of slices that grows by doubling and
// never shrinks, so a queue that is drained as fast as it fills allocates nothing.
// Entries may share their backing arrays with other queues (one broadcast payload is
// stored once and referenced by every receiving queue); entries are read-only.
//
// msgQueue is not safe for concurrent use: its mailslot's mu protects it.
type msgQueue struct {
	buf   [][]byte // len(buf) is 0 or a power of two
	head  int
	n     int
	bytes int // total payload bytes queued
}

// len returns the number of queued messages.
func (q *msgQueue) len() int { return q.n }

// push appends m.
func (q *msgQueue) push(m []byte) {
	if q.n == len(q.buf) {
		q.grow()
	}
	q.buf[(q.head+q.n)&(len(q.buf)-1)] = m
	q.n++
	q.bytes += len(m)
}

func (q *msgQueue) grow() {
	size := 2 * len(q.buf)
	if size == 0 {
		size = 8
	}
	nb := make([][]byte, size)
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
	return q.buf[q.head], true
}

// pop removes and returns the oldest message. Preconditions: the queue is not empty.
func (q *msgQueue) pop() []byte {
	m := q.buf[q.head]
	q.buf[q.head] = nil // let a consumed payload go
	q.head = (q.head + 1) & (len(q.buf) - 1)
	q.n--
	q.bytes -= len(m)
	return m
}

// reset drops every message and the ring itself.
func (q *msgQueue) reset() { *q = msgQueue{} }
