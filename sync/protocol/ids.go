package protocol

import (
	"encoding/hex"
	"strings"
)

// ValidUUIDv7 reports whether s is a canonical lowercase UUID of version 7
// and the RFC 9562 variant (every case, action and device id is one).
func ValidUUIDv7(s string) bool {
	if len(s) != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-' {
		return false
	}
	if strings.ToLower(s) != s {
		return false
	}
	raw := s[0:8] + s[9:13] + s[14:18] + s[19:23] + s[24:36]
	b, err := hex.DecodeString(raw)
	if err != nil || len(b) != 16 {
		return false
	}
	return b[6]>>4 == 7 && b[8]>>6 == 2
}

// ValidSHA256 reports whether s is 64 lowercase hex characters.
func ValidSHA256(s string) bool {
	if len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// ValidPlaceCode reports whether s is a place code: 6 to 12 digits, an
// administrative division code (410102) optionally followed by digits that
// tell one hall of that division from another.
func ValidPlaceCode(s string) bool {
	if len(s) < 6 || len(s) > 12 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
