package syncstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"tongban/app/cases"
	"tongban/app/remotefiles"
	"tongban/sync/protocol"
)

// ApplyPull applies one pulled batch and stores its cursor in one
// transaction: actions parked earlier whose case has arrived go first, then
// the batch in platform order. Actions of cases not here yet are parked.
func (s *Store) ApplyPull(ctx context.Context, b protocol.PullResponse) error {
	j, err := s.journal(ctx)
	if err != nil {
		return fmt.Errorf("case journal: %w", err)
	}
	return s.db.WriteTx(ctx, func(tx *sql.Tx) error {
		ready, err := readyParked(ctx, tx)
		if err != nil {
			return err
		}
		acts := make([]cases.RemoteAction, 0, len(ready)+len(b.Actions))
		acts = append(acts, ready...)
		for _, a := range b.Actions {
			acts = append(acts, Remote(a))
		}
		res, err := j.ApplyRemoteTx(ctx, tx, acts)
		if err != nil {
			return err
		}
		if err := recordRemoteFiles(ctx, tx, b.Actions); err != nil {
			return err
		}
		for _, r := range ready {
			if _, err := tx.ExecContext(ctx, "DELETE FROM sync_parked WHERE action_id = ? AND EXISTS (SELECT 1 FROM case_actions WHERE id = ?)",
				r.ID, r.ID); err != nil {
				return fmt.Errorf("unpark: %w", err)
			}
		}
		for _, p := range res.Parked {
			body, err := json.Marshal(p)
			if err != nil {
				return fmt.Errorf("park: %w", err)
			}
			if _, err := tx.ExecContext(ctx, "INSERT OR IGNORE INTO sync_parked(action_id, case_id, server_seq, body) VALUES (?, ?, ?, ?)",
				p.ID, p.CaseID, p.ServerSeq, string(body)); err != nil {
				return fmt.Errorf("park: %w", err)
			}
		}
		if err := setStateTx(ctx, tx, "cursor", b.Cursor); err != nil {
			return fmt.Errorf("save cursor: %w", err)
		}
		return nil
	})
}

// recordRemoteFiles notes the files each pulled action lists (parked
// ones too: their case comes later), so the handling place can open the
// collecting hall's scans and the hall the result document.
func recordRemoteFiles(ctx context.Context, tx *sql.Tx, acts []protocol.StoredAction) error {
	for _, a := range acts {
		if len(a.Attachments) == 0 {
			continue
		}
		atts := make([]remotefiles.Attachment, len(a.Attachments))
		for i, at := range a.Attachments {
			atts[i] = remotefiles.Attachment{SHA256: at.SHA256, Size: at.Size}
		}
		if err := remotefiles.RecordTx(ctx, tx, a.ID, a.CaseID, a.Kind, atts); err != nil {
			return err
		}
	}
	return nil
}

func readyParked(ctx context.Context, tx *sql.Tx) ([]cases.RemoteAction, error) {
	rows, err := tx.QueryContext(ctx, `SELECT body FROM sync_parked p WHERE EXISTS (SELECT 1 FROM cases c WHERE c.id = p.case_id)
		ORDER BY server_seq`)
	if err != nil {
		return nil, fmt.Errorf("read parked: %w", err)
	}
	defer rows.Close()
	var out []cases.RemoteAction
	for rows.Next() {
		var body string
		if err := rows.Scan(&body); err != nil {
			return nil, err
		}
		var ra cases.RemoteAction
		if err := json.Unmarshal([]byte(body), &ra); err != nil {
			continue // unreadable: left parked
		}
		out = append(out, ra)
	}
	return out, rows.Err()
}

// Remote converts a pulled action to a journal entry.
func Remote(a protocol.StoredAction) cases.RemoteAction {
	payload, reason := PulledPayload(a.Kind, a.Payload)
	return cases.RemoteAction{
		Action: cases.Action{ID: a.ID, CaseID: a.CaseID, Kind: cases.Kind(a.Kind), Actor: a.Actor, Role: cases.Role(a.Role),
			DeviceID: a.DeviceID, HallCode: a.Hall, DeviceTime: a.DeviceTime, Reason: reason, Payload: payload,
			BasedOn: a.BasedOnVersion},
		ServerSeq: a.Seq, ServerTime: a.ReceivedAt,
	}
}

// Parked is the number of pulled actions waiting for their case.
func (s *Store) Parked(ctx context.Context) (int, error) {
	var n int
	err := s.db.Reader().QueryRowContext(ctx, "SELECT COUNT(*) FROM sync_parked").Scan(&n)
	return n, err
}
