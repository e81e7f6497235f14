package namespace

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestErrorCodes: each sentinel carries the Win32 code NT's status maps to (windows-facts.md, "Error numbers";
// winerror.h).
func TestErrorCodes(t *testing.T) {
	for err, code := range map[*Error]uint32{
		ErrInvalidName:      123,
		ErrBadPathname:      161,
		ErrNameNotFound:     2,
		ErrPathNotFound:     3,
		ErrNameCollision:    183,
		ErrNameTooLong:      206,
		ErrTooManyLinks:     2,
		ErrInvalidParameter: 87,
	} {
		assert.Equal(t, code, err.Code, err.Msg)
		got, ok := Code(fmt.Errorf("wrapped: %w", err))
		assert.True(t, ok)
		assert.Equal(t, code, got)
	}
	_, ok := Code(errors.New("other"))
	assert.False(t, ok)
}

func TestErrorMatching(t *testing.T) {
	assert.Equal(t, "namespace: object name not found", ErrNameNotFound.Error())
	assert.ErrorIs(t, ErrTooManyLinks, ErrNameNotFound)
	assert.NotErrorIs(t, ErrNameNotFound, ErrTooManyLinks)
	assert.NotErrorIs(t, ErrPathNotFound, ErrNameNotFound)
	assert.NoError(t, ErrNameNotFound.Unwrap())

	err := pathError(ErrInvalidName, `\x\`)
	assert.Equal(t, `namespace: object name invalid: "\\x\\"`, err.Error())
	assert.ErrorIs(t, err, ErrInvalidName)
}
