package namespace

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestValidateComputerName checks the NetBIOS name rules: 1..MAX_COMPUTERNAME_LENGTH (15)
// characters ("Computer Names"); none of `"/\[]:|<>+=;,?*` or control characters ([MS-SRVS]
// 2.2.2.8 Name Types, NAMETYPE_COMPUTER and NAMETYPE_DOMAIN; SetComputerNameEx); no leading or
// trailing blank; not only dots and spaces.
func TestValidateComputerName(t *testing.T) {
	for _, name := range []string{
		"HOST", "host-1", "WORKGROUP", "a", strings.Repeat("N", 15), "my.pc", "a b",
		"!@#$%^&')(._{}~", "ÉCOLE", ".hidden", "trailing.",
	} {
		assert.NoError(t, ValidateComputerName(name), "%q", name)
	}
	bad := []string{
		"", strings.Repeat("N", 16), " lead", "trail ", ".", "..", ". .", "*",
		"tab\there", "nul\x00", "del\x7f", "bad\xff",
	}
	for _, c := range `"/\[]:|<>+=;,?*` {
		bad = append(bad, "a"+string(c)+"b")
	}
	for _, name := range bad {
		err := ValidateComputerName(name)
		assert.ErrorIs(t, err, ErrInvalidName, "%q", name)
	}
}
