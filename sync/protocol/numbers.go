package protocol

import "time"

// NumberBlockRequest reserves official numbers for offline use.
// POST /v1/numbers/blocks.
type NumberBlockRequest struct {
	Count int `json:"count"`
}

// NumberBlock is a reserved range of 受理编号: Numbers[i] may be printed on
// an offline acceptance; the acceptance is final once synced.
type NumberBlock struct {
	ID        string    `json:"id"`
	Hall      string    `json:"hall"`
	Numbers   []string  `json:"numbers"`
	ExpiresAt time.Time `json:"expiresAt"`
}
