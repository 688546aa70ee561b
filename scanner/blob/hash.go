// Package blob is a content-addressed store: every blob is named by the
// SHA-256 of its bytes. The filesystem implementation writes to a temporary
// file, fsyncs it, renames it into place and fsyncs the directory, so a blob
// that is visible is complete and durable.
package blob

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
)

// Hash is the SHA-256 of a blob's content.
type Hash [sha256.Size]byte

// String returns the lowercase hex form used in file names and records.
func (h Hash) String() string { return hex.EncodeToString(h[:]) }

// IsZero reports whether h is the zero value (no hash).
func (h Hash) IsZero() bool { return h == Hash{} }

// MarshalText implements encoding.TextMarshaler.
func (h Hash) MarshalText() ([]byte, error) { return []byte(h.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (h *Hash) UnmarshalText(b []byte) error {
	p, err := ParseHash(string(b))
	if err != nil {
		return err
	}
	*h = p
	return nil
}

// ParseHash parses the 64-character lowercase or uppercase hex form.
func ParseHash(s string) (Hash, error) {
	var h Hash
	if len(s) != 2*sha256.Size {
		return h, fmt.Errorf("parse hash: want %d hex characters, got %d", 2*sha256.Size, len(s))
	}
	if _, err := hex.Decode(h[:], []byte(s)); err != nil {
		return h, fmt.Errorf("parse hash: %w", err)
	}
	return h, nil
}

// Sum returns the hash of b.
func Sum(b []byte) Hash { return Hash(sha256.Sum256(b)) }
