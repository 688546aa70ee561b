// Package remotefiles keeps track of the files attached to actions pulled
// from the platform — the collecting hall's scans of a case routed to a
// handling place, the handling place's result document back at the hall —
// and fetches their bytes from the platform into the local blob store,
// verified by SHA-256, when someone opens one.
package remotefiles

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"tongban/app/store"
)

// Attachment is a file listed on a pulled action.
type Attachment struct {
	SHA256 string
	Size   int64
}

// File is a file attached to a pulled action of a case.
type File struct {
	CaseID   string `json:"caseId"`
	ActionID string `json:"actionId"` // the first pulled action that listed it
	Kind     string `json:"kind"`     // that action's kind ("handled": a result document)
	SHA256   string `json:"sha256"`
	Size     int64  `json:"size"`
}

// RecordTx records the attachments of one pulled action inside tx (the
// pull's batch transaction). Recording the same action again changes
// nothing.
func RecordTx(ctx context.Context, tx *sql.Tx, actionID, caseID, kind string, atts []Attachment) error {
	for _, a := range atts {
		if !validSHA256(a.SHA256) || a.Size < 0 {
			continue // the sync client validated the batch; never store junk
		}
		if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO remote_files(action_id, case_id, kind, sha256, size)
			VALUES (?, ?, ?, ?, ?)`, actionID, caseID, kind, a.SHA256, a.Size); err != nil {
			return fmt.Errorf("record remote file: %w", err)
		}
	}
	return nil
}

// Store reads the recorded files.
type Store struct {
	db *store.DB
}

// New returns a Store over db.
func New(db *store.DB) *Store { return &Store{db: db} }

// List returns the files attached to pulled actions of a case, each once,
// in the order they arrived.
func (s *Store) List(ctx context.Context, caseID string) ([]File, error) {
	rows, err := s.db.Reader().QueryContext(ctx, `SELECT action_id, kind, sha256, size FROM remote_files r
		WHERE case_id = ? AND rowid = (SELECT MIN(rowid) FROM remote_files q WHERE q.case_id = r.case_id AND q.sha256 = r.sha256)
		ORDER BY rowid`, caseID)
	if err != nil {
		return nil, fmt.Errorf("list remote files: %w", err)
	}
	defer rows.Close()
	out := []File{}
	for rows.Next() {
		f := File{CaseID: caseID}
		if err := rows.Scan(&f.ActionID, &f.Kind, &f.SHA256, &f.Size); err != nil {
			return nil, fmt.Errorf("list remote files: %w", err)
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

// Find returns the file sha256 of a case, if a pulled action listed it.
func (s *Store) Find(ctx context.Context, caseID, sha256 string) (File, bool, error) {
	f := File{CaseID: caseID, SHA256: sha256}
	err := s.db.Reader().QueryRowContext(ctx, `SELECT action_id, kind, size FROM remote_files WHERE case_id = ? AND sha256 = ?
		ORDER BY rowid LIMIT 1`, caseID, sha256).Scan(&f.ActionID, &f.Kind, &f.Size)
	if errors.Is(err, sql.ErrNoRows) {
		return File{}, false, nil
	}
	if err != nil {
		return File{}, false, fmt.Errorf("find remote file: %w", err)
	}
	return f, true, nil
}

// validSHA256 accepts 64 lowercase hex digits.
func validSHA256(s string) bool {
	if len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}
