package cases

import (
	"encoding/json"
	"time"
)

// Actor is who takes an action (from the logged-in session).
type Actor struct {
	Username    string `json:"username"`
	DisplayName string `json:"displayName,omitempty"`
	Role        Role   `json:"role"`
}

// Action is one journal entry. BasedOn is the case version (number of
// actions) the actor saw when deciding; Seq is the action's position.
type Action struct {
	ID         string          `json:"id"`     // UUIDv7, client generated
	CaseID     string          `json:"caseId"` // UUIDv7
	Seq        int             `json:"seq"`
	Kind       Kind            `json:"kind"`
	Actor      string          `json:"actor"`
	Role       Role            `json:"role"`
	DeviceID   string          `json:"deviceId"`
	HallCode   string          `json:"hallCode"`
	DeviceTime time.Time       `json:"deviceTime"`
	Reason     string          `json:"reason,omitempty"`
	Payload    json.RawMessage `json:"payload,omitempty"`
	BasedOn    int             `json:"basedOn"`
	SyncState  string          `json:"syncState,omitempty"` // pending | synced | error (sync issue)
}
