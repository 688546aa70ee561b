package platform

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/base64"
	"encoding/hex"
	"strings"
)

// NewToken returns a random device token (256 bits, URL-safe).
func NewToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	return base64.RawURLEncoding.EncodeToString(b)
}

// HashSecret returns the hash stored for a token or an enrollment code.
// Both are high-entropy random values, so a plain SHA-256 suffices.
func HashSecret(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

var codeEnc = base32.NewEncoding("ABCDEFGHJKLMNPQRSTUVWXYZ23456789").WithPadding(base32.NoPadding)

// NewEnrollCode returns a code an admin can read out over the phone:
// 16 characters without 0/O/1/I in groups of four (80 bits).
func NewEnrollCode() string {
	b := make([]byte, 10)
	_, _ = rand.Read(b)
	s := codeEnc.EncodeToString(b)
	return s[0:4] + "-" + s[4:8] + "-" + s[8:12] + "-" + s[12:16]
}

// NormalizeEnrollCode removes separators and spaces and upper-cases, so a
// code typed as "abcd efgh ..." matches.
func NormalizeEnrollCode(s string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(s) {
		if r == '-' || r == ' ' {
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}
