package scans

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"tongban/scanner/blob"
)

// referencedHashes lists the blobs still needed: every page, every kept
// original whose file still has pages and is not yet synced, and every file
// fetched from the platform for a routed case (remote_files).
func (s *Service) referencedHashes(ctx context.Context) ([]blob.Hash, error) {
	rows, err := s.db.Reader().QueryContext(ctx, `SELECT hash FROM scan_pages
		UNION SELECT f.original FROM scan_files f WHERE f.original != '' AND f.synced_at = ''
		AND EXISTS (SELECT 1 FROM scan_pages p WHERE p.source = f.source)
		UNION SELECT sha256 FROM remote_files`)
	if err != nil {
		return nil, fmt.Errorf("referenced blobs: %w", err)
	}
	defer rows.Close()
	var out []blob.Hash
	for rows.Next() {
		var h string
		if err := rows.Scan(&h); err != nil {
			return nil, fmt.Errorf("referenced blobs: %w", err)
		}
		bh, err := blob.ParseHash(h)
		if err != nil {
			return nil, fmt.Errorf("referenced blobs: %w", err)
		}
		out = append(out, bh)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("referenced blobs: %w", err)
	}
	return out, nil
}

// Referenced returns the set of blobs still needed (for blob.Store.Collect).
func (s *Service) Referenced(ctx context.Context) (func(blob.Hash) bool, error) {
	hs, err := s.referencedHashes(ctx)
	if err != nil {
		return nil, err
	}
	set := make(map[blob.Hash]bool, len(hs))
	for _, h := range hs {
		set[h] = true
	}
	return func(h blob.Hash) bool { return set[h] }, nil
}

// MarkCaseSynced records that the platform confirmed a case's pages: the
// originals of files whose remaining pages all belong to that case are no
// longer kept. It returns how many files were marked.
func (s *Service) MarkCaseSynced(ctx context.Context, caseID string) (int, error) {
	var n int64
	err := s.db.WriteTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE scan_files SET synced_at = ? WHERE synced_at = ''
			AND source IN (SELECT source FROM scan_pages WHERE case_id = ?)
			AND NOT EXISTS (SELECT 1 FROM scan_pages p WHERE p.source = scan_files.source AND p.case_id IS NOT ?)`,
			s.ts(), caseID, caseID)
		if err != nil {
			return fmt.Errorf("mark synced: %w", err)
		}
		n, err = res.RowsAffected()
		return err
	})
	return int(n), err
}

// Collect removes blobs nothing references that are older than minAge (a
// page being attached while the collection runs is younger).
func (s *Service) Collect(ctx context.Context, st blob.Store, minAge time.Duration) (blob.CollectReport, error) {
	ref, err := s.Referenced(ctx)
	if err != nil {
		return blob.CollectReport{}, err
	}
	rep, err := st.Collect(ctx, ref, minAge)
	if err != nil {
		return rep, fmt.Errorf("collect blobs: %w", err)
	}
	return rep, nil
}

// CheckReport is the result of Check.
type CheckReport struct {
	blob.VerifyReport
	Missing []blob.Hash // referenced by the database but not in the store
}

// OK reports whether every blob is intact and present.
func (r CheckReport) OK() bool { return r.VerifyReport.OK() && len(r.Missing) == 0 }

// Check verifies every blob against its hash and that every referenced
// blob is in the store. A nil st means there is no store yet: every
// referenced blob is missing.
func (s *Service) Check(ctx context.Context, st blob.Store) (CheckReport, error) {
	var rep CheckReport
	if st != nil {
		v, err := st.Verify(ctx)
		if err != nil {
			return rep, fmt.Errorf("verify blobs: %w", err)
		}
		rep.VerifyReport = v
	}
	hashes, err := s.referencedHashes(ctx)
	if err != nil {
		return rep, err
	}
	for _, h := range hashes {
		if st == nil {
			rep.Missing = append(rep.Missing, h)
			continue
		}
		if _, err := st.Stat(h); err != nil {
			rep.Missing = append(rep.Missing, h)
		}
	}
	return rep, nil
}
