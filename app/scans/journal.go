package scans

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"tongban/app/audit"
)

// ChangeKind names a journaled change of pages.
type ChangeKind string

// Change kinds.
const (
	ChangeAttached  ChangeKind = "attached"   // pages taken from a hot folder
	ChangeMovedIn   ChangeKind = "moved_in"   // pages moved here from another case, slot or the tray
	ChangeMovedOut  ChangeKind = "moved_out"  // pages moved away
	ChangeReordered ChangeKind = "reordered"  // new order within a slot
	ChangeRotated   ChangeKind = "rotated"    // a page's rotation changed
	ChangeDeleted   ChangeKind = "deleted"    // a page removed
	ChangeTarget    ChangeKind = "target_set" // the clerk selected this case as scan target
)

// Change is one journal entry about a case's pages (or the tray's, when
// CaseID is empty). Detail never holds personal data: page ids, hashes,
// slots and counts only.
type Change struct {
	Kind   ChangeKind
	Actor  Actor
	CaseID string
	SlotID string
	Detail map[string]any
}

// Journal records changes inside the transaction that makes them, so a
// change and its record commit together.
type Journal interface {
	RecordTx(ctx context.Context, tx *sql.Tx, c Change) error
}

// AuditJournal records changes in the hash-chained audit log, as actions
// "case.scan_<kind>" on the case (object type "case"), or on the tray
// (object type "scan_tray"), so they appear in the case's audit trail.
type AuditJournal struct {
	Log *audit.Log
}

// RecordTx implements Journal.
func (j AuditJournal) RecordTx(ctx context.Context, tx *sql.Tx, c Change) error {
	objType, objID := "case", c.CaseID
	if c.CaseID == "" {
		objType, objID = "scan_tray", "tray"
	}
	d := map[string]any{"slotId": c.SlotID}
	for k, v := range c.Detail {
		d[k] = v
	}
	detail, err := json.Marshal(d)
	if err != nil {
		return fmt.Errorf("journal %s: %w", c.Kind, err)
	}
	_, err = j.Log.AppendTx(ctx, tx, audit.Entry{Actor: c.Actor.Username, Role: c.Actor.Role,
		Action: "case.scan_" + string(c.Kind), ObjectType: objType, ObjectID: objID, Detail: detail})
	return err
}
