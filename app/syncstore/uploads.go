package syncstore

import (
	"context"
	"database/sql"
	"fmt"

	"tongban/sync/client"
	"tongban/sync/protocol"
)

// PendingUploads queues the pages of every case (a scan goes up before the
// action that lists it, which waits for it) and returns up to limit scans
// still to upload.
func (s *Store) PendingUploads(ctx context.Context, limit int) ([]client.Upload, error) {
	err := s.db.WriteTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO sync_uploads(sha256, size, case_id, updated_at)
			SELECT p.hash, MAX(p.size), MIN(p.case_id), ? FROM scan_pages p
			WHERE p.case_id IS NOT NULL
			AND NOT EXISTS (SELECT 1 FROM sync_uploads u WHERE u.sha256 = p.hash)
			GROUP BY p.hash`, s.ts())
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("queue uploads: %w", err)
	}
	rows, err := s.db.Reader().QueryContext(ctx, `SELECT sha256, size, case_id, url, offset FROM sync_uploads
		WHERE state = 'pending' ORDER BY rowid LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("read uploads: %w", err)
	}
	defer rows.Close()
	var out []client.Upload
	for rows.Next() {
		var u client.Upload
		if err := rows.Scan(&u.SHA256, &u.Size, &u.CaseID, &u.URL, &u.Offset); err != nil {
			return nil, fmt.Errorf("scan upload: %w", err)
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// QueueUpload adds a scan to the upload queue directly (tests, tools).
func (s *Store) QueueUpload(ctx context.Context, sha string, size int64, caseID string) error {
	return s.db.WriteTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, "INSERT OR IGNORE INTO sync_uploads(sha256, size, case_id, updated_at) VALUES (?, ?, ?, ?)",
			sha, size, caseID, s.ts())
		return err
	})
}

// SaveUpload persists an upload's URL and confirmed offset.
func (s *Store) SaveUpload(ctx context.Context, sha, url string, offset int64) error {
	return s.updateUpload(ctx, "UPDATE sync_uploads SET url = ?, offset = ?, updated_at = ? WHERE sha256 = ?", url, offset, s.ts(), sha)
}

// UploadDone records a scan the platform verified.
func (s *Store) UploadDone(ctx context.Context, sha string) error {
	if err := s.updateUpload(ctx, "UPDATE sync_uploads SET state = 'done', offset = size, url = '', error = '', updated_at = ? WHERE sha256 = ?",
		s.ts(), sha); err != nil {
		return err
	}
	if s.OnSubmitted == nil {
		return nil
	}
	rows, err := s.db.Reader().QueryContext(ctx, "SELECT DISTINCT case_id FROM scan_pages WHERE hash = ? AND case_id IS NOT NULL", sha)
	if err != nil {
		return fmt.Errorf("cases of scan: %w", err)
	}
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return fmt.Errorf("cases of scan: %w", err)
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("cases of scan: %w", err)
	}
	return s.notifySubmitted(ctx, ids)
}

// UploadFailed sets a scan aside with the reason.
func (s *Store) UploadFailed(ctx context.Context, sha string, reason *protocol.Error) error {
	zh := ""
	if reason != nil {
		zh = reason.Zh
	}
	return s.updateUpload(ctx, "UPDATE sync_uploads SET state = 'error', url = '', offset = 0, error = ?, updated_at = ? WHERE sha256 = ?",
		zh, s.ts(), sha)
}

// RetryUploads puts every failed scan back in the queue.
func (s *Store) RetryUploads(ctx context.Context) (int, error) {
	var n int64
	err := s.db.WriteTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, "UPDATE sync_uploads SET state = 'pending', error = '' WHERE state = 'error'")
		if err == nil {
			n, _ = res.RowsAffected()
		}
		return err
	})
	return int(n), err
}

// UploadState returns a scan's upload state ("" when not queued), for tests and the panel.
func (s *Store) UploadState(ctx context.Context, sha string) (state string, offset int64, url string, err error) {
	err = s.db.Reader().QueryRowContext(ctx, "SELECT state, offset, url FROM sync_uploads WHERE sha256 = ?", sha).Scan(&state, &offset, &url)
	if err == sql.ErrNoRows {
		return "", 0, "", nil
	}
	return state, offset, url, err
}

func (s *Store) updateUpload(ctx context.Context, q string, args ...any) error {
	return s.db.WriteTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, q, args...); err != nil {
			return fmt.Errorf("update upload: %w", err)
		}
		return nil
	})
}
