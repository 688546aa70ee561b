package protocol

import (
	"encoding/json"
	"time"
)

// CatalogVersion is a published version of the matter catalog.
// GET /v1/catalog (latest; ?after=N answers 204 when nothing is newer).
type CatalogVersion struct {
	Version     int             `json:"version"`
	PublishedAt time.Time       `json:"publishedAt"`
	SHA256      string          `json:"sha256"`
	Body        json.RawMessage `json:"body"`
}
