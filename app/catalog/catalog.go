package catalog

import (
	"time"

	"tongban/app/store"
)

// Catalog is the workstation's matter catalog over its SQLite store.
type Catalog struct {
	db  *store.DB
	now func() time.Time
}

// New returns a Catalog on db. The schema comes from the store's migrations.
func New(db *store.DB) *Catalog {
	return &Catalog{db: db, now: time.Now}
}

// WithClock returns a copy of c that reads the time from now (tests).
func (c *Catalog) WithClock(now func() time.Time) *Catalog {
	cp := *c
	cp.now = now
	return &cp
}
