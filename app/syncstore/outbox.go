package syncstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"tongban/app/cases"
	"tongban/app/mailing"
	"tongban/sync/client"
	"tongban/sync/protocol"
)

// Pending returns up to limit outbox items: pending journal rows in the
// order they were written, a case record with the case's first action,
// nothing of a case behind a quarantined row of it (it is held, and still
// counted as pending). Device id and hall come from the credential.
func (s *Store) Pending(ctx context.Context, limit int) ([]client.Item, error) {
	cred, ok, err := s.Credential(ctx)
	if err != nil || !ok {
		return nil, err
	}
	if err := s.snapshotFiles(ctx, limit); err != nil {
		return nil, err
	}
	rows, err := s.db.Reader().QueryContext(ctx, `SELECT a.id, a.case_id, a.seq, a.kind, a.actor, a.role, a.hall_code, a.device_time,
			a.reason, a.payload, a.based_on
		FROM case_actions a
		WHERE a.sync_state = 'pending' AND EXISTS (SELECT 1 FROM sync_action_snap s WHERE s.action_id = a.id)
		AND NOT EXISTS (SELECT 1 FROM case_actions b
			WHERE b.case_id = a.case_id AND b.seq < a.seq AND b.sync_state = 'error')
		AND NOT EXISTS (SELECT 1 FROM case_actions b JOIN sync_action_files f ON f.action_id = b.id
			LEFT JOIN sync_uploads u ON u.sha256 = f.sha256
			WHERE b.case_id = a.case_id AND b.seq <= a.seq AND b.sync_state = 'pending' AND COALESCE(u.state, '') <> 'done')
		ORDER BY a.rowid LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("read outbox: %w", err)
	}
	defer rows.Close()
	var out []client.Item
	for rows.Next() {
		var a protocol.Action
		var seq int
		var t, reason, payload string
		if err := rows.Scan(&a.ID, &a.CaseID, &seq, &a.Kind, &a.Actor, &a.Role, &a.Hall, &t, &reason, &payload, &a.BasedOnVersion); err != nil {
			return nil, fmt.Errorf("scan outbox: %w", err)
		}
		a.DeviceID = cred.DeviceID
		a.DeviceTime = parseTS(t)
		a.Payload = PushPayload(json.RawMessage(payload), reason)
		it := client.Item{Key: a.ID, Action: a}
		if it.Action.Attachments, err = s.actionFiles(ctx, a.ID); err != nil {
			return nil, err
		}
		if seq == 1 && a.Kind == string(cases.KindReceived) {
			c := CaseRecord(a, json.RawMessage(payload))
			it.Case = &c
		}
		out = append(out, it)
	}
	return out, rows.Err()
}

// CaseRecord builds the platform's case record from a case's "received"
// action. The handling place is the intake form's "handlingPlace" when it
// names a place, else the collecting hall. A 多地联办 case also carries its
// further handling places (the form's "handlingPlaces", read as the mailing
// does) so that every one of them receives the case.
func CaseRecord(received protocol.Action, intakeJSON json.RawMessage) protocol.Case {
	var in cases.Intake
	_ = json.Unmarshal(intakeJSON, &in)
	place := received.Hall
	if p := in.Form["handlingPlace"]; protocol.ValidPlaceCode(p) {
		place = p
	}
	var more []string
	if in.Matter.Mode == cases.ModeMultiPlace {
		all := mailing.Places(in.Matter.Mode, in.Form, received.Hall)
		if place == received.Hall && len(all) > 0 {
			place = all[0] // no valid "handlingPlace": the first of the list
		}
		for _, p := range all {
			if p != place && len(more) < protocol.MaxCasePlaces {
				more = append(more, p)
			}
		}
	}
	data, _ := json.Marshal(map[string]any{"matterName": in.Matter.Name, "catalogVersion": in.Matter.CatalogVersion})
	return protocol.Case{ID: received.CaseID, Hall: received.Hall, HandlingPlace: place, Places: more, MatterCode: in.Matter.Code,
		Mode: string(in.Matter.Mode), ProvisionalNumber: in.ProvisionalNo, DeviceID: received.DeviceID,
		CreatedAt: received.DeviceTime, Data: data}
}

// reasonKey carries a journal row's reason inside the payload on the wire.
const reasonKey = "_reason"

// PushPayload is the payload sent for a journal row: its payload with the
// reason added under "_reason" (the protocol has no reason field).
func PushPayload(payload json.RawMessage, reason string) json.RawMessage {
	if reason == "" {
		return payload
	}
	m := map[string]json.RawMessage{}
	if len(payload) > 0 {
		if err := json.Unmarshal(payload, &m); err != nil {
			return payload
		}
	}
	r, _ := json.Marshal(reason)
	m[reasonKey] = r
	b, err := json.Marshal(m)
	if err != nil {
		return payload
	}
	return b
}

// PulledPayload undoes PushPayload and gives an official number entry the
// field the local journal reads ("number").
func PulledPayload(kind string, payload json.RawMessage) (json.RawMessage, string) {
	if len(payload) == 0 {
		return payload, ""
	}
	m := map[string]json.RawMessage{}
	if err := json.Unmarshal(payload, &m); err != nil {
		return payload, ""
	}
	changed := false
	var reason string
	if r, ok := m[reasonKey]; ok {
		_ = json.Unmarshal(r, &reason)
		delete(m, reasonKey)
		changed = true
	}
	if kind == protocol.KindOfficialNumber {
		if n, ok := m["officialNumber"]; ok {
			if _, has := m["number"]; !has {
				m["number"] = n
				changed = true
			}
		}
	}
	if !changed {
		return payload, reason
	}
	b, err := json.Marshal(m)
	if err != nil {
		return payload, reason
	}
	return b, reason
}

// MarkSynced records the platform's receipts.
func (s *Store) MarkSynced(ctx context.Context, items []client.Synced) error {
	if len(items) == 0 {
		return nil
	}
	var caseIDs []string
	err := s.db.WriteTx(ctx, func(tx *sql.Tx) error {
		caseIDs = caseIDs[:0]
		for _, it := range items {
			var c string
			if err := tx.QueryRowContext(ctx, "SELECT case_id FROM case_actions WHERE id = ?", it.Key).Scan(&c); err == nil {
				caseIDs = append(caseIDs, c)
			}
			if _, err := tx.ExecContext(ctx, `UPDATE case_actions SET sync_state = 'synced', server_seq = ?, server_time = ?
				WHERE id = ? AND sync_state IN ('pending', 'error')`, it.Seq, fmtTS(it.ReceivedAt), it.Key); err != nil {
				return fmt.Errorf("mark synced: %w", err)
			}
			if _, err := tx.ExecContext(ctx, "DELETE FROM sync_quarantine WHERE action_id = ?", it.Key); err != nil {
				return fmt.Errorf("clear quarantine: %w", err)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	return s.notifySubmitted(ctx, caseIDs)
}

// Quarantine sets an item aside with the platform's reason.
func (s *Store) Quarantine(ctx context.Context, key string, reason *protocol.Error) error {
	if reason == nil {
		reason = &protocol.Error{Code: protocol.EINTERNAL, Message: "refused", Zh: "平台拒收该条记录"}
	}
	return s.db.WriteTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "UPDATE case_actions SET sync_state = 'error' WHERE id = ? AND sync_state = 'pending'", key); err != nil {
			return fmt.Errorf("quarantine: %w", err)
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO sync_quarantine(action_id, code, message, zh, attempts, at) VALUES (?, ?, ?, ?, 1, ?)
			ON CONFLICT(action_id) DO UPDATE SET code = excluded.code, message = excluded.message, zh = excluded.zh,
			attempts = attempts + 1, at = excluded.at`, key, reason.Code, reason.Message, reason.Zh, s.ts())
		if err != nil {
			return fmt.Errorf("quarantine reason: %w", err)
		}
		return nil
	})
}

// Quarantined is a set-aside outbox item as the sync panel lists it.
type Quarantined struct {
	ActionID string    `json:"actionId"`
	CaseID   string    `json:"caseId"`
	CaseNo   string    `json:"caseNo"` // official or provisional number
	Kind     string    `json:"kind"`
	KindZh   string    `json:"kindZh"`
	Actor    string    `json:"actor"`
	Code     string    `json:"code"`
	Zh       string    `json:"zh"`
	Attempts int       `json:"attempts"`
	At       time.Time `json:"at"`
	Held     int       `json:"held"` // later actions of the case waiting behind it
}

// ListQuarantined returns the quarantined items, oldest first.
func (s *Store) ListQuarantined(ctx context.Context, limit int) ([]Quarantined, error) {
	rows, err := s.db.Reader().QueryContext(ctx, `SELECT a.id, a.case_id, COALESCE(c.official_no, c.provisional_no, ''), a.kind, a.actor,
			COALESCE(q.code, ''), COALESCE(q.zh, ''), COALESCE(q.attempts, 0), COALESCE(q.at, ''),
			(SELECT COUNT(*) FROM case_actions h WHERE h.case_id = a.case_id AND h.seq > a.seq AND h.sync_state = 'pending')
		FROM case_actions a LEFT JOIN sync_quarantine q ON q.action_id = a.id LEFT JOIN cases c ON c.id = a.case_id
		WHERE a.sync_state = 'error' ORDER BY a.rowid LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("list quarantine: %w", err)
	}
	defer rows.Close()
	out := []Quarantined{}
	for rows.Next() {
		var q Quarantined
		var at string
		if err := rows.Scan(&q.ActionID, &q.CaseID, &q.CaseNo, &q.Kind, &q.Actor, &q.Code, &q.Zh, &q.Attempts, &at, &q.Held); err != nil {
			return nil, fmt.Errorf("scan quarantine: %w", err)
		}
		q.KindZh = cases.Kind(q.Kind).Label()
		q.At = parseTS(at)
		out = append(out, q)
	}
	return out, rows.Err()
}

// Retry puts a quarantined item back in the outbox. It reports whether
// the item was quarantined.
func (s *Store) Retry(ctx context.Context, actionID string) (bool, error) {
	return s.setQuarantined(ctx, actionID, cases.SyncPending)
}

// Discard gives up on a quarantined item: it stays in the journal, marked
// discarded, and is never sent again; neither are the later actions of its
// case that were held behind it.
func (s *Store) Discard(ctx context.Context, actionID string) (bool, error) {
	return s.setQuarantined(ctx, actionID, cases.SyncDiscarded)
}

func (s *Store) setQuarantined(ctx context.Context, id, state string) (bool, error) {
	var n int64
	err := s.db.WriteTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, "UPDATE case_actions SET sync_state = ? WHERE id = ? AND sync_state = 'error'", state, id)
		if err != nil {
			return fmt.Errorf("update quarantined: %w", err)
		}
		n, _ = res.RowsAffected()
		if state == cases.SyncDiscarded && n > 0 {
			// The actions of the case held behind it cannot go without it.
			_, err = tx.ExecContext(ctx, `UPDATE case_actions SET sync_state = 'discarded' WHERE sync_state = 'pending'
				AND case_id = (SELECT case_id FROM case_actions WHERE id = ?) AND seq > (SELECT seq FROM case_actions WHERE id = ?)`, id, id)
		}
		return err
	})
	return n > 0, err
}
