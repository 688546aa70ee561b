package scans

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"tongban/scanner"
)

// SetTarget selects where the next pages from folderID ("" = every folder
// without its own target) go. A zero CaseID selects the unsorted tray. The
// case must exist and be open; whether the slot belongs to the case's
// matter is the caller's check (it knows the catalog).
func (s *Service) SetTarget(ctx context.Context, actor Actor, folderID, caseID, slotID string) (Target, error) {
	if err := checkActor(actor); err != nil {
		return Target{}, err
	}
	if caseID == "" {
		slotID = ""
	}
	t := Target{FolderID: folderID, CaseID: caseID, SlotID: slotID, Actor: actor.Username, SetAt: s.ts()}
	err := s.db.WriteTx(ctx, func(tx *sql.Tx) error {
		if err := writable(ctx, tx, caseID); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO scan_targets(folder_id, case_id, slot_id, actor, role, set_at) VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT(folder_id) DO UPDATE SET case_id = excluded.case_id, slot_id = excluded.slot_id, actor = excluded.actor,
			role = excluded.role, set_at = excluded.set_at`, folderID, nullCase(caseID), slotID, actor.Username, actor.Role, t.SetAt)
		if err != nil {
			return fmt.Errorf("set scan target: %w", err)
		}
		if caseID == "" {
			return nil
		}
		return s.journal.RecordTx(ctx, tx, Change{Kind: ChangeTarget, Actor: actor, CaseID: caseID, SlotID: slotID,
			Detail: map[string]any{"folderId": folderID}})
	})
	if err != nil {
		return Target{}, err
	}
	return t, nil
}

// ClearTargets sends every folder's pages to the unsorted tray again (at
// sign-out, so that the next clerk's pages never land on this clerk's case).
func (s *Service) ClearTargets(ctx context.Context) error {
	return s.db.WriteTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, "DELETE FROM scan_targets")
		if err != nil {
			return fmt.Errorf("clear scan targets: %w", err)
		}
		return nil
	})
}

// target reads folderID's own target, else the default, else the tray.
func (s *Service) target(ctx context.Context, folderID string) (Target, string, error) {
	var t Target
	var caseID sql.NullString
	var role string
	err := s.db.Reader().QueryRowContext(ctx, `SELECT folder_id, case_id, slot_id, actor, role, set_at FROM scan_targets
		WHERE folder_id IN (?, '') ORDER BY folder_id = '' LIMIT 1`, folderID).
		Scan(&t.FolderID, &caseID, &t.SlotID, &t.Actor, &role, &t.SetAt)
	if errors.Is(err, sql.ErrNoRows) {
		return Target{FolderID: folderID}, "", nil
	}
	if err != nil {
		return Target{}, "", fmt.Errorf("read scan target: %w", err)
	}
	t.CaseID = caseID.String
	return t, role, nil
}

// Target returns the target in force for folderID ("" the default).
func (s *Service) Target(ctx context.Context, folderID string) (Target, error) {
	t, _, err := s.target(ctx, folderID)
	return t, err
}

// ScanTarget implements scanner.TargetSource.
func (s *Service) ScanTarget(folderID string) (scanner.Target, error) {
	t, _, err := s.target(context.Background(), folderID)
	if err != nil {
		return scanner.Target{}, err
	}
	return scanner.Target{CaseID: t.CaseID, SlotID: t.SlotID}, nil
}

var _ scanner.TargetSource = (*Service)(nil)
