package app

import (
	"context"
	"time"

	"tongban/scanner/blob"
)

// CollectBlobsForTest runs one blob collection now.
func (w *Workstation) CollectBlobsForTest(ctx context.Context, minAge time.Duration) (blob.CollectReport, error) {
	return w.scans.collectBlobs(ctx, minAge)
}
