package protocol

import (
	"encoding/json"
	"strings"
	"time"
)

// Action is one entry of a case's append-only journal, created on a device.
// BasedOnVersion is the case version (number of actions) the actor saw.
type Action struct {
	ID             string          `json:"id"` // UUIDv7, client generated
	CaseID         string          `json:"caseId"`
	Kind           string          `json:"kind"`
	Actor          string          `json:"actor"` // username
	Role           string          `json:"role"`
	DeviceID       string          `json:"deviceId"`
	Hall           string          `json:"hall"` // place code of the device
	DeviceTime     time.Time       `json:"deviceTime"`
	BasedOnVersion int             `json:"basedOnVersion"`
	Payload        json.RawMessage `json:"payload,omitempty"`
	Attachments    []Attachment    `json:"attachments,omitempty"`
}

// StoredAction is an action as the platform holds it: its place in the
// platform's receipt order (Seq), in the case (CaseVersion), and when the
// platform received it. Flagged marks a concurrent decision: the action was
// based on an older version of the case and another device had acted on it
// since; a supervisor reviews it (nothing is merged silently).
type StoredAction struct {
	Action
	Seq         int64     `json:"seq"`
	CaseVersion int       `json:"caseVersion"`
	ReceivedAt  time.Time `json:"receivedAt"`
	Flagged     bool      `json:"flagged,omitempty"`
}

// Action kinds the platform itself interprets. Others are stored as sent.
const (
	KindAccepted       = "accepted"                 // 受理: the platform assigns the 受理编号
	KindOfficialNumber = "official_number_assigned" // written by the platform (role "system")
	KindCheckedOut     = "checked_out"              // 签出 before an offline decision
	KindReleased       = "released"
)

// Decision kinds: concurrent ones on one case are flagged.
var decisionKinds = map[string]bool{
	"accepted": true, "refused": true, "supplement_requested": true, "approved": true,
	"returned": true, "handled": true, "withdrawn": true, "checked_out": true,
}

// IsDecision reports whether kind is a decision that must not be taken
// concurrently by two people.
func IsDecision(kind string) bool { return decisionKinds[kind] }

// Roles an action may carry.
var roles = map[string]bool{"clerk": true, "supervisor": true, "field_agent": true, "handler": true,
	"admin": true, "kiosk": true, "system": true}

// ValidRole reports whether r is a known role.
func ValidRole(r string) bool { return roles[r] }

// OfficialNumberPayload is the payload of an official_number_assigned
// action, and what an accepted action may carry when the number was taken
// offline from a reserved block.
type OfficialNumberPayload struct {
	OfficialNumber string `json:"officialNumber"`
	Source         string `json:"source,omitempty"` // "platform" or "block"
}

// HolderKey names who holds a case checked out on the platform: usernames
// are per workstation database, so the hall is part of the name.
func HolderKey(actor, hall string) string { return actor + "@" + hall }

// SplitHolder splits a HolderKey (hall "" for a bare username).
func SplitHolder(key string) (actor, hall string) {
	if i := strings.LastIndexByte(key, '@'); i >= 0 {
		return key[:i], key[i+1:]
	}
	return key, ""
}
