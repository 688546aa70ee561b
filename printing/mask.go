package printing

import "strings"

// MaskID keeps the first 6 and last 4 characters of an identity number.
func MaskID(id string) string {
	r := []rune(strings.TrimSpace(id))
	if len(r) <= 10 {
		return strings.Repeat("*", len(r))
	}
	return string(r[:6]) + strings.Repeat("*", len(r)-10) + string(r[len(r)-4:])
}

// MaskPhone hides the middle 4 digits of an 11-digit mobile number (and
// the middle of any other number longer than 7).
func MaskPhone(p string) string {
	r := []rune(strings.TrimSpace(p))
	switch {
	case len(r) == 11:
		return string(r[:3]) + "****" + string(r[7:])
	case len(r) > 7:
		mid := len(r) / 2
		return string(r[:mid-2]) + "****" + string(r[mid+2:])
	case len(r) > 0:
		return strings.Repeat("*", len(r))
	}
	return ""
}

// MaskName keeps the first character of a personal name (张*, 欧阳**).
func MaskName(n string) string {
	r := []rune(strings.TrimSpace(n))
	if len(r) <= 1 {
		return string(r)
	}
	return string(r[:1]) + strings.Repeat("*", len(r)-1)
}
