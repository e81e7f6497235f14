package kernel

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// waitList is an ilist of wait blocks, the list a process keeps its blocked waits on.
type waitList = ilist[waitBlock]

func push(l *waitList, wb *waitBlock) { l.pushBack(&wb.blockedLink, wb) }

func unlink(l *waitList, wb *waitBlock) bool { return l.remove(&wb.blockedLink) }

// listed returns the waits of l in order, walking it both ways, so that a broken prev
// link shows as well as a broken next link.
func listed(t *testing.T, l *waitList) []*waitBlock {
	t.Helper()
	fwd := slices.Collect(l.all())
	var back []*waitBlock
	for k := l.tail; k != nil; k = k.prev {
		back = append(back, k.elem)
	}
	slices.Reverse(back)
	require.Equal(t, fwd, back, "the list reads the same both ways")
	return fwd
}

func TestIlistKeepsOrderThroughRemovalsAnywhere(t *testing.T) {
	var l waitList
	assert.Nil(t, l.head, "the zero list is empty")
	wbs := make([]*waitBlock, 5)
	for i := range wbs {
		wbs[i] = &waitBlock{pid: uint32(i)}
		assert.False(t, wbs[i].blockedLink.listed())
		push(&l, wbs[i])
		assert.True(t, wbs[i].blockedLink.listed())
	}
	assert.Equal(t, wbs, listed(t, &l))

	assert.True(t, unlink(&l, wbs[0]), "the head")
	assert.True(t, unlink(&l, wbs[4]), "the tail")
	assert.True(t, unlink(&l, wbs[2]), "the middle")
	assert.False(t, unlink(&l, wbs[2]), "no longer listed")
	assert.False(t, wbs[0].blockedLink.listed())
	assert.Equal(t, []*waitBlock{wbs[1], wbs[3]}, listed(t, &l))

	push(&l, wbs[0]) // a removed element may enter again, at the back
	assert.Equal(t, []*waitBlock{wbs[1], wbs[3], wbs[0]}, listed(t, &l))
	for _, wb := range wbs {
		unlink(&l, wb)
	}
	assert.Equal(t, waitList{}, l, "empty: no head, no tail")
	for _, wb := range wbs {
		assert.Equal(t, ilink[waitBlock]{}, wb.blockedLink, "an unlisted link is clear")
	}
}

// A walk may remove the element it is given (abortWaits does): the walk goes on to the
// next one.
func TestIlistWalkMayRemoveTheElementItIsGiven(t *testing.T) {
	var l waitList
	wbs := []*waitBlock{{}, {}, {}, {}}
	for _, wb := range wbs {
		push(&l, wb)
	}
	var seen []*waitBlock
	for wb := range l.all() {
		seen = append(seen, wb)
		if wb != wbs[1] {
			require.True(t, unlink(&l, wb))
		}
	}
	assert.Equal(t, wbs, seen)
	assert.Equal(t, []*waitBlock{wbs[1]}, listed(t, &l))

	seen = nil
	for wb := range l.all() {
		seen = append(seen, wb)
		break
	}
	assert.Equal(t, []*waitBlock{wbs[1]}, seen, "a walk can stop early")
}
