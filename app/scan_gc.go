package app

import (
	"context"
	"errors"
	"time"

	"tongban/scanner/blob"
)

// Blob garbage collection: once a day the workstation removes stored page
// files that no page and no kept original refer to any more (deleted
// pages, originals of synced cases). blobMinAge spares blobs being
// attached while the collection runs.
const (
	blobGCFirst = 10 * time.Minute
	blobGCEvery = 24 * time.Hour
	blobMinAge  = 24 * time.Hour
)

// collectLoop runs collectBlobs daily until ctx ends.
func (s *scanState) collectLoop(ctx context.Context) {
	t := time.NewTimer(blobGCFirst)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if _, err := s.collectBlobs(ctx, blobMinAge); err != nil && !errors.Is(err, context.Canceled) {
			s.w.log.Warn("blob collection failed", "err", err)
		}
		t.Reset(blobGCEvery)
	}
}

// collectBlobs removes unreferenced blobs older than minAge.
func (s *scanState) collectBlobs(ctx context.Context, minAge time.Duration) (blob.CollectReport, error) {
	svc, err := s.service()
	if err != nil {
		return blob.CollectReport{}, err
	}
	fs, _, err := s.store()
	if err != nil {
		return blob.CollectReport{}, err
	}
	rep, err := svc.Collect(ctx, fs, minAge)
	if err != nil {
		return rep, err
	}
	s.w.log.Info("blobs collected", "removed", len(rep.Removed), "bytes", rep.RemovedBytes, "kept", rep.Kept, "young", rep.TooYoung)
	return rep, nil
}
