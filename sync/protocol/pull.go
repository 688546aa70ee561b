package protocol

// PullResponse is one batch of what changed in the device's scope (its
// hall's cases and the cases routed to it), in platform order. The client
// applies a batch in one transaction, then stores Cursor. GET /v1/pull.
type PullResponse struct {
	Cases   []StoredCase   `json:"cases"`   // cases created in, or touched by, this batch
	Actions []StoredAction `json:"actions"` // in Seq order
	Cursor  string         `json:"cursor"`  // opaque; send it back as ?cursor=
	More    bool           `json:"more"`    // another batch is ready now
}
