package namespace

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestFoldUpcases: NT compares names by upcasing each UTF-16 unit (RtlUpcaseUnicodeChar), so
// the key is upper case; characters without a one-to-one upper case stay as they are.
func TestFoldUpcases(t *testing.T) {
	for in, want := range map[string]string{
		"":                  "",
		"pipe":              "PIPE",
		"PiPe\\Tests.c":     "PIPE\\TESTS.C",
		"ALREADY":           "ALREADY",
		"école":             "ÉCOLE",
		"straße":            "STRAßE", // no simple upper case for ß
		"ÿ":                 "Ÿ",
		"\u212a":            "\u212a",     // Kelvin sign is its own upper case
		"\U00010428":        "\U00010428", // outside the BMP: a surrogate pair NT never upcases
		"a\xffb":            "A\xffB",     // invalid bytes kept
		"\xff\xfe":          "\xff\xfe",
		"mixed\xffÉé":       "MIXED\xffÉÉ",
		"x" + "\u0131" + "": "X" + "I", // dotless i upcases to I
	} {
		assert.Equal(t, want, Fold(in), "%q", in)
	}
}

// TestFoldDoesNotAllocateWhenFolded: Fold returns its argument when nothing changes.
func TestFoldDoesNotAllocateWhenFolded(t *testing.T) {
	s := strings.Repeat("ALREADY\\FOLDED-É", 4)
	assert.Equal(t, 0.0, testing.AllocsPerRun(100, func() { _ = Fold(s) }))
}

// TestEqualFoldIsUpcaseEquality: equalFold matches exactly the pairs whose Fold is equal, and
// foldHash agrees; strings.EqualFold differs (it matches "k" with the Kelvin sign).
func TestEqualFoldIsUpcaseEquality(t *testing.T) {
	samples := []string{
		"", "a", "A", "pipe", "PIPE", "PiPe", "pip", "pipes", "é", "É", "ß", "SS", "k", "K",
		"\u212a", "ı", "I", "i", "\xff", "\xfe", "a\xff", "A\xff", "\U00010428", "\U00010400",
		"ΣΑΣ", "σας", "ς",
	}
	for _, a := range samples {
		for _, b := range samples {
			want := Fold(a) == Fold(b)
			assert.Equal(t, want, equalFold(a, b), "%q %q", a, b)
			if want {
				assert.Equal(t, foldHash(a), foldHash(b), "%q %q", a, b)
			}
		}
	}
	assert.True(t, strings.EqualFold("k", "\u212a"))
	assert.False(t, equalFold("k", "\u212a"), "NT does not match k with the Kelvin sign")
}

func TestUTF16Len(t *testing.T) {
	assert.Equal(t, 0, utf16Len(""))
	assert.Equal(t, 3, utf16Len("abc"))
	assert.Equal(t, 1, utf16Len("é"))
	assert.Equal(t, 2, utf16Len("\U0001F600"))
	assert.Equal(t, 2, utf16Len("\xff\xfe"))
}
