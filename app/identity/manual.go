package identity

import "time"

// Manual returns a Card typed in by the clerk, marked SourceManual so the
// journal records that no reader was used.
func Manual(c Card, now time.Time) Card {
	c.Source = SourceManual
	c.ReaderID = ""
	c.Photo = nil
	c.ReadAt = now
	return c
}
