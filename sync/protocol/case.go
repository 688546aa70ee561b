package protocol

import (
	"encoding/json"
	"time"
)

// Case is the record a workstation creates once per application (办件). It
// never changes afterwards: everything that happens to the case is an Action.
// Hall is where it was collected (收件地); HandlingPlace is the place that
// handles the matter (办理地): when they differ the case is routed there.
// Places are the further handling places of a 多地联办 case (each also
// receives the case; HandlingPlace is the first place).
type Case struct {
	ID                string          `json:"id"`   // UUIDv7, client generated
	Hall              string          `json:"hall"` // collecting hall's place code
	HandlingPlace     string          `json:"handlingPlace"`
	Places            []string        `json:"places,omitempty"` // 多地联办: places beyond HandlingPlace
	MatterCode        string          `json:"matterCode"`
	Mode              string          `json:"mode"` // 通办业务模式
	ProvisionalNumber string          `json:"provisionalNumber,omitempty"`
	DeviceID          string          `json:"deviceId"`
	CreatedAt         time.Time       `json:"createdAt"` // device time
	Data              json.RawMessage `json:"data,omitempty"`
}

// StoredCase is a case as the platform holds it.
type StoredCase struct {
	Case
	OfficialNumber string    `json:"officialNumber,omitempty"` // 受理编号
	Version        int       `json:"version"`                  // number of actions
	Seq            int64     `json:"seq"`                      // platform sequence of its creation
	ReceivedAt     time.Time `json:"receivedAt"`
}

// Attachment is a scan referenced by an action. The bytes travel separately
// through the resumable upload endpoint and are verified by SHA-256.
type Attachment struct {
	SHA256 string `json:"sha256"`
	Size   int64  `json:"size"`
}
