package kernel

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// Every privilege "Privilege Constants" names has a bit of its own in a token's set of
// enabled privileges, which is one 64-bit word.
func TestPrivilegeBitsAreDistinct(t *testing.T) {
	assert.LessOrEqual(t, len(privilegeNames), 64)
	var all uint64
	for _, n := range privilegeNames {
		b := privilegeBits[n]
		assert.NotZero(t, b, n)
		assert.Zero(t, all&b, "%s shares a bit", n)
		all |= b
	}
	assert.Len(t, privilegeBits, len(privilegeNames))
}
