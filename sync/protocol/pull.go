package protocol

import "time"

// PullResponse is one batch of what changed in the device's scope (its
// hall's cases and the cases routed to it), in platform order. The client
// applies a batch in one transaction, then stores Cursor. GET /v1/pull.
type PullResponse struct {
	Cases   []StoredCase   `json:"cases"`   // cases created in, or touched by, this batch
	Actions []StoredAction `json:"actions"` // in Seq order
	Cursor  string         `json:"cursor"`  // opaque; send it back as ?cursor=
	More    bool           `json:"more"`    // another batch is ready now
}

// Long-poll pull (GET /v1/pull?wait=N): the platform holds a pull with
// nothing new for up to N seconds, capped at MaxPullWait.
const (
	MaxPullWait = 30 * time.Second
	// EBUSY (503, with Retry-After) answers a long poll when the node
	// already holds as many as it allows; the client falls back to its timer.
	EBUSY = "EBUSY"
)

// Empty reports whether the batch carries nothing (a long poll that ended
// without news, or a pull with nothing new).
func (p PullResponse) Empty() bool { return len(p.Cases) == 0 && len(p.Actions) == 0 && !p.More }
