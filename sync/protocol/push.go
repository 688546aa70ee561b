package protocol

// PushRequest carries new cases and actions from one device, in the order
// the device created them (cases first). POST /v1/push.
type PushRequest struct {
	Cases   []Case   `json:"cases,omitempty"`
	Actions []Action `json:"actions,omitempty"`
}

// Item statuses in a PushResponse.
const (
	StatusCreated   = "created"   // stored now
	StatusDuplicate = "duplicate" // stored before with the same content: the stored result
	StatusConflict  = "conflict"  // the same id was stored with a different content
	StatusRejected  = "rejected"  // invalid or forbidden; Error says why
)

// ItemResult is the outcome of one case or action of a push, in request
// order. A rejected item does not stop the others.
type ItemResult struct {
	ID             string `json:"id"`
	Status         string `json:"status"`
	Seq            int64  `json:"seq,omitempty"`
	CaseVersion    int    `json:"caseVersion,omitempty"`
	ReceivedAt     string `json:"receivedAt,omitempty"`
	Flagged        bool   `json:"flagged,omitempty"`
	OfficialNumber string `json:"officialNumber,omitempty"`
	Error          *Error `json:"error,omitempty"`
}

// PushResponse answers a PushRequest.
type PushResponse struct {
	Cases   []ItemResult `json:"cases"`
	Actions []ItemResult `json:"actions"`
}
