package kernel

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// The census lists its objects by ID whatever order they were listed and unlisted in:
// a process is listed only once its PID is set, after objects with higher IDs may have
// been listed (newUnlistedObject).
func TestCensusListsByIDAfterAnyOrderOfAddAndRemove(t *testing.T) {
	objs := make([]*Object, 6)
	for i := range objs {
		objs[i] = &Object{id: ObjectID(i + 1)}
	}
	var c census
	ids := func() []ObjectID {
		var out []ObjectID
		for _, o := range c.list() {
			out = append(out, o.id)
		}
		return out
	}
	assert.Empty(t, ids())
	for _, i := range []int{0, 2, 1, 3, 5, 4} {
		c.add(objs[i])
	}
	assert.Equal(t, []ObjectID{1, 2, 3, 4, 5, 6}, ids())
	c.remove(objs[0]) // the head
	c.remove(objs[4]) // the tail
	c.remove(objs[3]) // the middle
	c.remove(objs[3]) // again: nothing
	assert.Equal(t, []ObjectID{2, 3, 6}, ids())
	assert.False(t, c.has(objs[3]))
	assert.True(t, c.has(objs[5]))
	c.add(objs[0])
	assert.Equal(t, []ObjectID{1, 2, 3, 6}, ids())
	for _, o := range objs {
		c.remove(o)
	}
	assert.Empty(t, ids())
	assert.Zero(t, c.n)
	assert.EqualValues(t, 14, c.seq, "7 additions, 7 removals")
	assert.Nil(t, c.head)
	assert.Nil(t, c.tail)
}
