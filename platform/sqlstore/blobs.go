package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"tongban/platform"
)

// PutBlob records a verified upload (idempotent: the first upload wins).
func (s *Store) PutBlob(ctx context.Context, b platform.Blob) error {
	_, err := s.exec(ctx, s.db, `INSERT INTO blobs (sha256, size, device_id, hall, uploaded_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (sha256) DO NOTHING`, b.SHA256, b.Size, b.DeviceID, b.Hall, us(b.UploadedAt))
	if err != nil {
		return fmt.Errorf("record blob: %w", err)
	}
	return nil
}

// HasBlob implements platform.Store.
func (s *Store) HasBlob(ctx context.Context, sha string) (bool, error) {
	var one int
	err := s.row(ctx, s.db, `SELECT 1 FROM blobs WHERE sha256 = ?`, sha).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("read blob: %w", err)
	}
	return true, nil
}

// BlobVisible implements platform.Store.
func (s *Store) BlobVisible(ctx context.Context, d platform.Device, sha string) (bool, error) {
	var one int
	err := s.row(ctx, s.db, `SELECT 1 FROM blobs WHERE sha256 = ? AND hall = ?
		UNION ALL SELECT 1 FROM case_blobs cb JOIN cases c ON c.id = cb.case_id
			WHERE cb.sha256 = ? AND (c.hall = ? OR c.handling_place = ?)
		UNION ALL SELECT 1 FROM case_blobs cb JOIN case_places cp ON cp.case_id = cb.case_id
			WHERE cb.sha256 = ? AND cp.place = ?
		LIMIT 1`, sha, d.Hall, sha, d.Hall, d.Hall, sha, d.Hall).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("check blob scope: %w", err)
	}
	return true, nil
}
