package namespace

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// This file implements NT's case-insensitive name comparison.
//
// NT does not lower-case and does not use Unicode case folding: the object manager and the
// file systems compare names after upcasing every UTF-16 code unit with
// RtlUpcaseUnicodeChar, a one-to-one table (l_intl.nls). We do the same with Go's simple
// upper-case mapping (unicode.ToUpper), restricted to the Basic Multilingual Plane because a
// per-code-unit table never changes a surrogate. Consequences that differ from
// strings.EqualFold: the Kelvin sign U+212A does not match "k" (its upper case is itself),
// and "ß" matches only itself. Where Go's Unicode version upcases a character that NT's
// older table leaves alone, we differ; see docs/deviations.md.
//
// Bytes that are not valid UTF-8 are compared as themselves, so two different invalid
// bytes never fold together.

// foldRune returns the upper-case key of r.
func foldRune(r rune) rune {
	if r < utf8.RuneSelf {
		if 'a' <= r && r <= 'z' {
			return r - ('a' - 'A')
		}
		return r
	}
	if r > 0xFFFF {
		return r
	}
	return unicode.ToUpper(r)
}

// Fold returns the case-folded key NT compares names with: every character upcased (see
// the file comment). It returns s itself, without allocating, when s is already folded.
// Devices that keep their own name tables (mailslot, pipe) use it so their names compare
// exactly as directory entries do.
func Fold(s string) string {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if 'a' <= c && c <= 'z' {
				return foldFrom(s, i)
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r != utf8.RuneError || n != 1 {
			if foldRune(r) != r {
				return foldFrom(s, i)
			}
		}
		i += n
	}
	return s
}

// foldFrom folds s knowing that s[:i] is already folded.
func foldFrom(s string, i int) string {
	var b strings.Builder
	b.Grow(len(s))
	b.WriteString(s[:i])
	for i < len(s) {
		c := s[i]
		if c < utf8.RuneSelf {
			if 'a' <= c && c <= 'z' {
				c -= 'a' - 'A'
			}
			b.WriteByte(c)
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			b.WriteByte(c) // invalid byte: keep as is
		} else {
			b.WriteRune(foldRune(r))
		}
		i += n
	}
	return b.String()
}

// EqualFold reports whether a and b are equal after [Fold], without allocating: the
// comparison NT makes for case-insensitive names.
func EqualFold(a, b string) bool { return equalFold(a, b) }

// equalFold reports whether a and b are equal after [Fold], without allocating.
func equalFold(a, b string) bool {
	if a == b {
		return true
	}
	for a != "" && b != "" {
		ca, cb := a[0], b[0]
		if ca < utf8.RuneSelf && cb < utf8.RuneSelf {
			if foldRune(rune(ca)) != foldRune(rune(cb)) {
				return false
			}
			a, b = a[1:], b[1:]
			continue
		}
		ra, na := utf8.DecodeRuneInString(a)
		rb, nb := utf8.DecodeRuneInString(b)
		badA := ra == utf8.RuneError && na == 1
		badB := rb == utf8.RuneError && nb == 1
		switch {
		case badA || badB:
			if !badA || !badB || ca != cb {
				return false
			}
		case foldRune(ra) != foldRune(rb):
			return false
		}
		a, b = a[na:], b[nb:]
	}
	return a == "" && b == ""
}

// FNV-1a, 64 bit.
const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

// foldHash hashes the folded form of s without allocating: equalFold(a, b) implies
// foldHash(a) == foldHash(b).
func foldHash(s string) uint64 {
	h := uint64(fnvOffset)
	for i := 0; i < len(s); {
		c := s[i]
		var k uint32
		if c < utf8.RuneSelf {
			k = uint32(foldRune(rune(c)))
			i++
		} else {
			r, n := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && n == 1 {
				k = 0x110000 + uint32(c) // outside the rune range: cannot meet a real rune
			} else {
				k = uint32(foldRune(r))
			}
			i += n
		}
		h ^= uint64(k)
		h *= fnvPrime
	}
	return h
}

// utf16Len returns how many UTF-16 code units s takes (invalid bytes count one each), the
// unit NT's name limits are counted in.
func utf16Len(s string) int {
	n := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			n++
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r > 0xFFFF {
			n += 2
		} else {
			n++
		}
		i += size
	}
	return n
}
