package platform

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"

	"tongban/sync/protocol"
)

// canonicalJSON re-encodes raw with sorted object keys and exact numbers so
// that the same content sent twice has one fingerprint whatever the spacing
// or key order.
func canonicalJSON(raw json.RawMessage) []byte {
	if len(raw) == 0 {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return raw
	}
	b, err := json.Marshal(v)
	if err != nil {
		return raw
	}
	return b
}

// ActionFingerprint identifies an action's content: a replay with the same
// fingerprint is a duplicate, a different one with the same id a conflict.
func ActionFingerprint(a protocol.Action) string {
	a.Payload = canonicalJSON(a.Payload)
	a.DeviceTime = a.DeviceTime.UTC()
	b, _ := json.Marshal(a)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// CaseFingerprint identifies a case record's content.
func CaseFingerprint(c protocol.Case) string {
	c.Data = canonicalJSON(c.Data)
	c.CreatedAt = c.CreatedAt.UTC()
	b, _ := json.Marshal(c)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
