package syncstore

import (
	"context"
	"database/sql"
	"fmt"

	"tongban/sync/protocol"
)

// snapshotFiles fixes the attachment list of the next pending actions that
// have none yet: the case's scan pages not listed on an earlier action of
// the case. The list never changes afterwards, so a replayed push carries
// the same content (the platform would answer a different one with 409).
// Pages scanned after a case's last action is snapshotted go with its next
// action.
func (s *Store) snapshotFiles(ctx context.Context, limit int) error {
	return s.db.WriteTx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT a.id, a.case_id FROM case_actions a
			WHERE a.sync_state = 'pending' AND NOT EXISTS (SELECT 1 FROM sync_action_snap s WHERE s.action_id = a.id)
			ORDER BY a.rowid LIMIT ?`, limit)
		if err != nil {
			return fmt.Errorf("find unsnapshotted actions: %w", err)
		}
		type act struct{ id, caseID string }
		var acts []act
		for rows.Next() {
			var a act
			if err := rows.Scan(&a.id, &a.caseID); err != nil {
				rows.Close()
				return fmt.Errorf("scan action: %w", err)
			}
			acts = append(acts, a)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("find unsnapshotted actions: %w", err)
		}
		for _, a := range acts {
			if _, err := tx.ExecContext(ctx, `INSERT INTO sync_action_files(action_id, case_id, sha256, size)
				SELECT ?, ?, p.hash, MAX(p.size) FROM scan_pages p WHERE p.case_id = ?
				AND NOT EXISTS (SELECT 1 FROM sync_action_files f WHERE f.case_id = p.case_id AND f.sha256 = p.hash)
				GROUP BY p.hash`, a.id, a.caseID, a.caseID); err != nil {
				return fmt.Errorf("list attachments: %w", err)
			}
			if _, err := tx.ExecContext(ctx, "INSERT INTO sync_action_snap(action_id, case_id) VALUES (?, ?)", a.id, a.caseID); err != nil {
				return fmt.Errorf("snapshot attachments: %w", err)
			}
		}
		return nil
	})
}

// actionFiles returns the attachments listed for an action, by hash.
func (s *Store) actionFiles(ctx context.Context, actionID string) ([]protocol.Attachment, error) {
	rows, err := s.db.Reader().QueryContext(ctx, "SELECT sha256, size FROM sync_action_files WHERE action_id = ? ORDER BY sha256", actionID)
	if err != nil {
		return nil, fmt.Errorf("read attachments: %w", err)
	}
	defer rows.Close()
	var out []protocol.Attachment
	for rows.Next() {
		var a protocol.Attachment
		if err := rows.Scan(&a.SHA256, &a.Size); err != nil {
			return nil, fmt.Errorf("read attachments: %w", err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// CaseSubmitted reports whether a case counts as submitted: every journal
// row of it is on the platform (synced or discarded by an admin), and every
// scan page of it is listed on a synced action and confirmed by the
// platform's SHA-256 check.
func (s *Store) CaseSubmitted(ctx context.Context, caseID string) (bool, error) {
	var open, files int
	err := s.db.Reader().QueryRowContext(ctx, `SELECT
		(SELECT COUNT(*) FROM case_actions WHERE case_id = ? AND sync_state IN ('pending', 'error')),
		(SELECT COUNT(*) FROM scan_pages p WHERE p.case_id = ? AND NOT EXISTS (
			SELECT 1 FROM sync_action_files f JOIN case_actions a ON a.id = f.action_id
			JOIN sync_uploads u ON u.sha256 = f.sha256
			WHERE f.case_id = p.case_id AND f.sha256 = p.hash AND a.sync_state = 'synced' AND u.state = 'done'))`,
		caseID, caseID).Scan(&open, &files)
	if err != nil {
		return false, fmt.Errorf("case submitted: %w", err)
	}
	var n int
	if err := s.db.Reader().QueryRowContext(ctx, "SELECT COUNT(*) FROM case_actions WHERE case_id = ?", caseID).Scan(&n); err != nil {
		return false, fmt.Errorf("case submitted: %w", err)
	}
	return n > 0 && open == 0 && files == 0, nil
}

// notifySubmitted calls the OnSubmitted hook for each of the cases that
// now count as submitted.
func (s *Store) notifySubmitted(ctx context.Context, caseIDs []string) error {
	if s.OnSubmitted == nil {
		return nil
	}
	seen := map[string]bool{}
	for _, id := range caseIDs {
		if id == "" || seen[id] {
			continue
		}
		seen[id] = true
		ok, err := s.CaseSubmitted(ctx, id)
		if err != nil {
			return err
		}
		if ok {
			if err := s.OnSubmitted(ctx, id); err != nil {
				return fmt.Errorf("case submitted hook: %w", err)
			}
		}
	}
	return nil
}
