// Package audit keeps the workstation's hash-chained audit log: every entry
// carries the SHA-256 of the previous one, so editing, deleting or inserting
// an entry breaks the chain, and Verify says where.
package audit

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strconv"
	"time"
)

// Entry is one audited event. Detail is JSON and must never hold unmasked
// personal data (mask ID numbers and phones before logging them).
type Entry struct {
	Seq        int64           `json:"seq"`
	ID         string          `json:"id"`
	At         time.Time       `json:"at"`
	Actor      string          `json:"actor"`
	Role       string          `json:"role"`
	DeviceID   string          `json:"deviceId"`
	Action     string          `json:"action"`     // e.g. case.accepted, case.view_personal, account.login
	ObjectType string          `json:"objectType"` // e.g. case, account
	ObjectID   string          `json:"objectId"`
	Detail     json.RawMessage `json:"detail"`
	PrevHash   string          `json:"prevHash"`
	Hash       string          `json:"hash"`
}

// Genesis is the previous hash of the first entry.
var Genesis = hex.EncodeToString(make([]byte, sha256.Size))

// timeLayout keeps nanoseconds and a fixed zone so the hashed text is stable.
const timeLayout = "2006-01-02T15:04:05.000000000Z"

// ComputeHash is SHA-256 over every field but Hash, each length-prefixed so
// that moving bytes between fields changes the result.
func (e Entry) ComputeHash() string {
	h := sha256.New()
	put := func(s string) {
		h.Write([]byte(strconv.Itoa(len(s))))
		h.Write([]byte{':'})
		h.Write([]byte(s))
		h.Write([]byte{'\n'})
	}
	put("tongban-audit-v1")
	put(strconv.FormatInt(e.Seq, 10))
	put(e.ID)
	put(e.At.UTC().Format(timeLayout))
	put(e.Actor)
	put(e.Role)
	put(e.DeviceID)
	put(e.Action)
	put(e.ObjectType)
	put(e.ObjectID)
	put(string(e.Detail))
	put(e.PrevHash)
	return hex.EncodeToString(h.Sum(nil))
}
