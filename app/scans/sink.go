package scans

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/google/uuid"

	"tongban/scanner"
	"tongban/scanner/blob"
)

// Attach implements scanner.Sink: it records the file and its pages at the
// end of the target's slot, in one transaction with the journal entry. It
// is idempotent on a.Source: a file seen before records nothing and
// reports where it went. A target case that is gone or closed meanwhile
// sends the pages to the unsorted tray instead (never onto another case,
// never lost).
func (s *Service) Attach(ctx context.Context, a scanner.Attachment) (scanner.AttachResult, error) {
	if a.Source.IsZero() {
		return scanner.AttachResult{}, errors.New("attach: no source hash")
	}
	var res scanner.AttachResult
	err := s.db.WriteTx(ctx, func(tx *sql.Tx) error {
		var caseID sql.NullString
		var slotID string
		err := tx.QueryRowContext(ctx, "SELECT case_id, slot_id FROM scan_files WHERE source = ?", a.Source.String()).Scan(&caseID, &slotID)
		if err == nil {
			res = scanner.AttachResult{Duplicate: true, Target: scanner.Target{CaseID: caseID.String, SlotID: slotID}}
			return nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("attach: %w", err)
		}
		target, actor, redirected, err := s.resolve(ctx, tx, a)
		if err != nil {
			return err
		}
		original := ""
		if !a.Original.IsZero() {
			original = a.Original.String()
		}
		now := s.ts()
		_, err = tx.ExecContext(ctx, `INSERT INTO scan_files(source, folder_id, file_name, file_size, kind, original, case_id, slot_id, actor, taken_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, a.Source.String(), a.FolderID, a.FileName, a.FileSize, string(a.Kind), original,
			nullCase(target.CaseID), target.SlotID, actor.Username, now)
		if err != nil {
			return fmt.Errorf("attach: insert file: %w", err)
		}
		pos, err := nextPosition(ctx, tx, target.CaseID, target.SlotID)
		if err != nil {
			return err
		}
		ids := make([]string, 0, len(a.Pages))
		for i, p := range a.Pages {
			id, err := uuid.NewV7()
			if err != nil {
				return fmt.Errorf("attach: page id: %w", err)
			}
			_, err = tx.ExecContext(ctx, `INSERT INTO scan_pages(id, case_id, slot_id, position, hash, media_type, size, width, height, dpi,
				rotate, source, source_index, added_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?)`,
				id.String(), nullCase(target.CaseID), target.SlotID, pos+i, p.Hash.String(), p.MediaType, p.Size, p.Width, p.Height, p.DPI,
				a.Source.String(), p.Index, now)
			if err != nil {
				return fmt.Errorf("attach: insert page: %w", err)
			}
			ids = append(ids, id.String())
		}
		detail := map[string]any{"pageIds": ids, "source": short(a.Source), "pages": len(ids), "folderId": a.FolderID}
		if redirected {
			detail["redirectedFrom"] = a.Target.CaseID
		}
		res = scanner.AttachResult{Target: target}
		return s.journal.RecordTx(ctx, tx, Change{Kind: ChangeAttached, Actor: actor, CaseID: target.CaseID, SlotID: target.SlotID, Detail: detail})
	})
	if err != nil {
		return scanner.AttachResult{}, err
	}
	return res, nil
}

var _ scanner.Sink = (*Service)(nil)

// resolve decides where a's pages go and who is recorded as having
// scanned them: the clerk who selected the target, if it is still the one
// in force for the folder; otherwise the system.
func (s *Service) resolve(ctx context.Context, tx *sql.Tx, a scanner.Attachment) (scanner.Target, Actor, bool, error) {
	target := a.Target
	redirected := false
	if target.CaseID != "" {
		exists, open, err := caseState(ctx, tx, target.CaseID)
		if err != nil {
			return target, Actor{}, false, err
		}
		if !exists || !open {
			target, redirected = scanner.Target{}, true
		}
	}
	if target.CaseID == "" {
		target.SlotID = ""
	}
	actor := SystemActor
	var caseID sql.NullString
	var slotID, user, role string
	err := tx.QueryRowContext(ctx, `SELECT case_id, slot_id, actor, role FROM scan_targets WHERE folder_id IN (?, '')
		ORDER BY folder_id = '' LIMIT 1`, a.FolderID).Scan(&caseID, &slotID, &user, &role)
	switch {
	case err == nil:
		if caseID.String == target.CaseID && slotID == target.SlotID && user != "" {
			actor = Actor{Username: user, Role: role}
		}
	case !errors.Is(err, sql.ErrNoRows):
		return target, Actor{}, false, fmt.Errorf("attach: read target: %w", err)
	}
	return target, actor, redirected, nil
}

// nextPosition is the position after the last page of (caseID, slotID).
func nextPosition(ctx context.Context, tx *sql.Tx, caseID, slotID string) (int, error) {
	var n int
	err := tx.QueryRowContext(ctx, "SELECT coalesce(max(position) + 1, 0) FROM scan_pages WHERE case_id IS ? AND slot_id = ?",
		nullCase(caseID), slotID).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("next position: %w", err)
	}
	return n, nil
}

// short is the first 12 hex digits of a hash, enough to find a file.
func short(h blob.Hash) string { return h.String()[:12] }
