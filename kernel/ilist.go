package kernel

import "iter"

// ilist is an intrusive doubly linked list of *T, in the order its elements entered
// it: each element embeds an ilink of its own for the list, so entering and leaving it
// allocate nothing and take constant time. A link names its element, which is how a
// walk yields elements and how a link tells whether it is listed. An element is on at
// most one list through a given link.
//
// A list and its links are protected by the lock its owner names; an ilist locks
// nothing itself. Its zero value is empty. A process keeps two: its pending requests
// (request.go) and its blocked waits (wait.go). (A machine's census chains its objects
// by hand, with two-word links and no element pointer, to keep an Object small.)
type ilist[T any] struct{ head, tail *ilink[T] }

// ilink is an element's place in an ilist.
type ilink[T any] struct {
	prev, next *ilink[T]
	elem       *T // the element while it is listed, else nil
}

// listed reports whether k's element is on a list.
func (k *ilink[T]) listed() bool { return k.elem != nil }

// pushBack appends e through its link k. Preconditions: k is e's and not listed.
func (l *ilist[T]) pushBack(k *ilink[T], e *T) {
	k.prev, k.next, k.elem = l.tail, nil, e
	if l.tail != nil {
		l.tail.next = k
	} else {
		l.head = k
	}
	l.tail = k
}

// remove takes k's element off l, if it is listed, and reports whether it was.
// Preconditions: k is listed on l or on no list.
func (l *ilist[T]) remove(k *ilink[T]) bool {
	if !k.listed() {
		return false
	}
	if k.prev != nil {
		k.prev.next = k.next
	} else {
		l.head = k.next
	}
	if k.next != nil {
		k.next.prev = k.prev
	} else {
		l.tail = k.prev
	}
	k.prev, k.next, k.elem = nil, nil, nil
	return true
}

// all yields the elements in order. The loop's body may remove the element it was
// given, and no other.
func (l *ilist[T]) all() iter.Seq[*T] {
	return func(yield func(*T) bool) {
		for k := l.head; k != nil; {
			next := k.next
			if !yield(k.elem) {
				return
			}
			k = next
		}
	}
}
