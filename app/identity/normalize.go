// Package identity parses and validates identity documents presented at the
// counter (居民身份证, residence permits, foreigner permanent residence cards,
// passports), masks personal data for display, and reads cards through
// vendor-specific drivers behind one Reader interface.
package identity

import (
	"strings"
	"unicode"
)

// Normalize turns what a clerk typed or pasted into the canonical form of a
// document number: full-width digits and letters become ASCII, every kind of
// space, line break and zero-width character is removed, letters are upper
// case (so a trailing x becomes X).
func Normalize(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r >= 0xFF01 && r <= 0xFF5E: // full-width ASCII block
			r -= 0xFEE0
		case r == 0x3000: // ideographic space
			continue
		}
		if unicode.IsSpace(r) || isInvisible(r) {
			continue
		}
		b.WriteRune(unicode.ToUpper(r))
	}
	return b.String()
}

func isInvisible(r rune) bool {
	switch r {
	case 0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x00AD:
		return true
	}
	return unicode.Is(unicode.Cc, r)
}
