package identity

import "strings"

// MaskID hides the middle of a document number: 18-character numbers keep
// the first 6 and last 4 (110105********123X). Shorter numbers keep less so
// that at least half is always hidden.
func MaskID(s string) string {
	r := []rune(s)
	n := len(r)
	switch {
	case n == 0:
		return ""
	case n >= 14:
		return string(r[:6]) + strings.Repeat("*", n-10) + string(r[n-4:])
	case n >= 6:
		return string(r[:2]) + strings.Repeat("*", n-4) + string(r[n-2:])
	default:
		return strings.Repeat("*", n)
	}
}

// MaskPhone hides the middle four digits of a phone number (138****5678);
// separators such as '-' are kept where they are. Numbers with fewer than
// 7 digits are hidden entirely.
func MaskPhone(s string) string {
	r := []rune(s)
	var pos []int
	for i, c := range r {
		if c >= '0' && c <= '9' {
			pos = append(pos, i)
		}
	}
	if len(pos) < 7 {
		for _, i := range pos {
			r[i] = '*'
		}
		return string(r)
	}
	start := (len(pos) - 4 + 1) / 2
	if len(pos) == 11 {
		start = 3 // mobile numbers: 3 + 4 hidden + 4
	}
	for _, i := range pos[start : start+4] {
		r[i] = '*'
	}
	return string(r)
}

// MaskName keeps the first character of a name (张*, 欧**, 买*******).
func MaskName(s string) string {
	r := []rune(s)
	if len(r) <= 1 {
		return s
	}
	return string(r[0]) + strings.Repeat("*", len(r)-1)
}
