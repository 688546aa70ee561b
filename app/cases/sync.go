package cases

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"tongban/app/audit"
)

// Sync states of a journal row (case_actions.sync_state).
const (
	SyncPending   = "pending"   // in the outbox
	SyncSynced    = "synced"    // on the platform
	SyncError     = "error"     // quarantined: the platform refused it; retry or discard
	SyncDiscarded = "discarded" // an admin gave up on it; it stays in the journal
)

// RemoteAction is a journal entry that arrived from the platform.
type RemoteAction struct {
	Action               // Seq is ignored: it is placed after the case's last local entry
	ServerSeq  int64     // platform receipt order
	ServerTime time.Time // platform receipt time
}

// RemoteResult says what ApplyRemoteTx did.
type RemoteResult struct {
	Applied int            // new journal entries
	Known   int            // already here (a pending or quarantined row is left as it is)
	Parked  []RemoteAction // their case is not here yet and they do not create it
	Cases   []string       // cases whose projection changed
}

// ApplyRemoteTx appends actions pulled from the platform to the local
// journals inside tx (the caller's batch transaction) and refreshes the
// touched cases' projections. An action already in the journal is never
// rewritten: a synced row only takes the platform's receipt, a row that is
// pending or quarantined is left entirely alone (the outbox decides). A
// "received" action of an unknown case creates the case; other actions of
// an unknown case are returned as parked. Each new entry is audited.
func (s *Service) ApplyRemoteTx(ctx context.Context, tx *sql.Tx, acts []RemoteAction) (RemoteResult, error) {
	var res RemoteResult
	touched := map[string]bool{}
	var order []string
	for _, ra := range acts {
		var state string
		err := tx.QueryRowContext(ctx, "SELECT sync_state FROM case_actions WHERE id = ?", ra.ID).Scan(&state)
		switch {
		case err == nil:
			res.Known++
			if state == SyncSynced && ra.ServerSeq > 0 {
				if _, err := tx.ExecContext(ctx, "UPDATE case_actions SET server_seq = ?, server_time = ? WHERE id = ? AND sync_state = ?",
					ra.ServerSeq, ts(ra.ServerTime), ra.ID, SyncSynced); err != nil {
					return res, fmt.Errorf("record receipt: %w", err)
				}
			}
			continue
		case !errors.Is(err, sql.ErrNoRows):
			return res, fmt.Errorf("look up action: %w", err)
		}
		var last sql.NullInt64
		if err := tx.QueryRowContext(ctx, "SELECT MAX(seq) FROM case_actions WHERE case_id = ?", ra.CaseID).Scan(&last); err != nil {
			return res, fmt.Errorf("journal length: %w", err)
		}
		a := ra.Action
		if !last.Valid {
			if a.Kind != KindReceived {
				res.Parked = append(res.Parked, ra)
				continue
			}
			a.Seq = 1
			st, err := Fold([]Action{a})
			if err != nil {
				res.Parked = append(res.Parked, ra) // an intake this version cannot read: kept, not applied
				continue
			}
			var clash int
			if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM cases WHERE provisional_no = ? AND id <> ?",
				st.ProvisionalNo, st.CaseID).Scan(&clash); err != nil {
				return res, fmt.Errorf("check number: %w", err)
			}
			if clash > 0 {
				res.Parked = append(res.Parked, ra)
				continue
			}
			if err := s.saveProjection(ctx, tx, st, true); err != nil {
				return res, err
			}
		} else {
			a.Seq = int(last.Int64) + 1
		}
		if len(a.Payload) == 0 {
			a.Payload = json.RawMessage("{}")
		}
		_, err = tx.ExecContext(ctx, "INSERT INTO case_actions("+actionCols+", server_seq, server_time) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
			a.ID, a.CaseID, a.Seq, a.Kind, a.Actor, a.Role, a.DeviceID, a.HallCode, ts(a.DeviceTime), a.Reason, string(a.Payload),
			a.BasedOn, SyncSynced, ra.ServerSeq, ts(ra.ServerTime))
		if err != nil {
			return res, fmt.Errorf("insert pulled action: %w", err)
		}
		detail, _ := json.Marshal(map[string]any{"kind": a.Kind, "seq": a.Seq, "serverSeq": ra.ServerSeq, "remote": true})
		if _, err := s.audit.AppendTx(ctx, tx, audit.Entry{At: s.now(), Actor: a.Actor, Role: string(a.Role),
			Action: "case." + string(a.Kind), ObjectType: "case", ObjectID: a.CaseID, DeviceID: a.DeviceID, Detail: detail}); err != nil {
			return res, err
		}
		res.Applied++
		if !touched[a.CaseID] {
			touched[a.CaseID] = true
			order = append(order, a.CaseID)
		}
	}
	for _, id := range order {
		j, err := loadJournal(ctx, tx, id)
		if err != nil {
			return res, err
		}
		st, err := Fold(j)
		if err != nil {
			return res, fmt.Errorf("fold pulled case %s: %w", id, err)
		}
		if err := s.saveProjection(ctx, tx, st, false); err != nil {
			return res, err
		}
	}
	res.Cases = order
	return res, nil
}
