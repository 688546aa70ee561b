package sqlstore

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"tongban/platform"
	"tongban/sync/protocol"
)

// stepColumns maps the journal kinds the progress projection follows to
// their column; the first occurrence wins.
var stepColumns = map[string]string{
	"accepted":         "accepted_at",
	"refused":          "refused_at",
	"dispatched":       "dispatched_at",
	"handler_received": "handler_received_at",
	"handled":          "handled_at",
	"result_delivered": "delivered_at",
	"closed":           "closed_at",
	"withdrawn":        "withdrawn_at",
}

// receivedPayload is the part of a "received" action's payload (the
// workstation's cases.Intake) the projection reads. The full ID number is
// read here only to derive the verifier; it is never copied.
type receivedPayload struct {
	Matter struct {
		Name string `json:"name"`
	} `json:"matter"`
	Applicant struct {
		Name     string `json:"name"`
		IDNumber string `json:"idNumber"`
	} `json:"applicant"`
}

// acceptedPayload is the part of an "accepted" action's payload (the
// workstation's cases.Receipt) the projection reads.
type acceptedPayload struct {
	DueDate string `json:"dueDate"` // YYYY-MM-DD, the promised deadline
}

// projectCase starts a case's progress row when the case is created.
func (p *pushTx) projectCase(c protocol.Case) error {
	var data struct {
		MatterName string `json:"matterName"`
	}
	_ = json.Unmarshal(c.Data, &data)
	_, err := p.s.exec(p.ctx, p.tx, `INSERT INTO case_progress (case_id, hall, handling_place, matter_code, matter_name, mode,
		received_month, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (case_id) DO NOTHING`,
		c.ID, c.Hall, c.HandlingPlace, c.MatterCode, truncate(data.MatterName, 200), c.Mode,
		c.CreatedAt.In(platform.CST).Format("2006-01"), us(c.CreatedAt))
	if err != nil {
		return fmt.Errorf("project case: %w", err)
	}
	return nil
}

// projectAction updates the progress row with a stored action.
func (p *pushTx) projectAction(a protocol.Action) error {
	switch a.Kind {
	case "received":
		var in receivedPayload
		if err := json.Unmarshal(a.Payload, &in); err != nil {
			return nil // not the workstation's intake: nothing to derive
		}
		verifier := ""
		if l4 := platform.Last4(in.Applicant.IDNumber); l4 != "" {
			key, err := p.s.lookupKey(p.ctx, p.tx)
			if err != nil {
				return err
			}
			verifier = platform.Verifier(key, a.CaseID, l4)
		}
		_, err := p.s.exec(p.ctx, p.tx, `UPDATE case_progress SET masked_name = ?, verifier = ?,
			matter_name = CASE WHEN matter_name = '' THEN ? ELSE matter_name END WHERE case_id = ?`,
			platform.MaskName(in.Applicant.Name), verifier, truncate(in.Matter.Name, 200), a.CaseID)
		if err != nil {
			return fmt.Errorf("project received: %w", err)
		}
		return nil
	case "accepted":
		var acc acceptedPayload
		_ = json.Unmarshal(a.Payload, &acc)
		if d, err := time.ParseInLocation("2006-01-02", acc.DueDate, platform.CST); err == nil {
			if _, err := p.s.exec(p.ctx, p.tx, `UPDATE case_progress SET due_at = COALESCE(due_at, ?) WHERE case_id = ?`,
				us(d.AddDate(0, 0, 1)), a.CaseID); err != nil {
				return fmt.Errorf("project deadline: %w", err)
			}
		}
	}
	col, ok := stepColumns[a.Kind]
	if !ok {
		return nil
	}
	// col comes from the fixed map above, never from the request.
	if _, err := p.s.exec(p.ctx, p.tx, `UPDATE case_progress SET `+col+` = COALESCE(`+col+`, ?) WHERE case_id = ?`,
		us(a.DeviceTime), a.CaseID); err != nil {
		return fmt.Errorf("project %s: %w", a.Kind, err)
	}
	return nil
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n])
}

// LookupKey implements platform.LoopStore.
func (s *Store) LookupKey(ctx context.Context) ([]byte, error) { return s.lookupKey(ctx, s.db) }

// lookupKey returns the verifier key, creating it on first use (every
// node then reads the same one).
func (s *Store) lookupKey(ctx context.Context, q queryer) ([]byte, error) {
	var v string
	err := s.row(ctx, q, `SELECT value FROM meta WHERE key = 'lookup_key'`).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		b := make([]byte, 32)
		_, _ = rand.Read(b)
		if _, err := s.exec(ctx, q, `INSERT INTO meta (key, value) VALUES ('lookup_key', ?) ON CONFLICT (key) DO NOTHING`,
			hex.EncodeToString(b)); err != nil {
			return nil, fmt.Errorf("create lookup key: %w", err)
		}
		err = s.row(ctx, q, `SELECT value FROM meta WHERE key = 'lookup_key'`).Scan(&v)
	}
	if err != nil {
		return nil, fmt.Errorf("read lookup key: %w", err)
	}
	key, err := hex.DecodeString(v)
	if err != nil || len(key) < 16 {
		return nil, errors.New("lookup key is corrupt")
	}
	return key, nil
}

// LookupProgress implements platform.LoopStore.
func (s *Store) LookupProgress(ctx context.Context, number string) ([]platform.Progress, error) {
	const cols = `p.case_id, p.hall, p.handling_place, p.matter_code, p.matter_name, p.mode, c.provisional_number,
		COALESCE(c.official_number, ''), p.masked_name, p.verifier, p.received_at, p.accepted_at, p.refused_at,
		p.dispatched_at, p.handler_received_at, p.handled_at, p.delivered_at, p.closed_at, p.withdrawn_at, p.due_at
		FROM case_progress p JOIN cases c ON c.id = p.case_id`
	rows, err := s.query(ctx, s.rdb, `SELECT `+cols+` WHERE c.official_number = ?
		UNION SELECT `+cols+` WHERE c.provisional_number = ? LIMIT 4`, number, number)
	if err != nil {
		return nil, fmt.Errorf("look up case: %w", err)
	}
	defer rows.Close()
	var out []platform.Progress
	for rows.Next() {
		var pr platform.Progress
		var received int64
		var ts [9]sql.NullInt64
		if err := rows.Scan(&pr.CaseID, &pr.Hall, &pr.HandlingPlace, &pr.MatterCode, &pr.MatterName, &pr.Mode,
			&pr.ProvisionalNumber, &pr.OfficialNumber, &pr.MaskedName, &pr.Verifier, &received,
			&ts[0], &ts[1], &ts[2], &ts[3], &ts[4], &ts[5], &ts[6], &ts[7], &ts[8]); err != nil {
			return nil, fmt.Errorf("look up case: %w", err)
		}
		pr.ReceivedAt = fromUS(received)
		for i, t := range []*time.Time{&pr.AcceptedAt, &pr.RefusedAt, &pr.DispatchedAt, &pr.HandlerReceivedAt,
			&pr.HandledAt, &pr.DeliveredAt, &pr.ClosedAt, &pr.WithdrawnAt, &pr.DueAt} {
			*t = fromNullUS(ts[i])
		}
		out = append(out, pr)
	}
	return out, rows.Err()
}

// AccountByUsername implements platform.LoopStore.
func (s *Store) AccountByUsername(ctx context.Context, username string) (platform.Account, error) {
	var a platform.Account
	var disabled int
	var updated int64
	err := s.row(ctx, s.db, `SELECT username, display_name, role, hall, password_hash, disabled, updated_at
		FROM accounts WHERE username = ?`, username).
		Scan(&a.Username, &a.DisplayName, &a.Role, &a.Hall, &a.PasswordHash, &disabled, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return platform.Account{}, platform.ErrNotFound
	}
	if err != nil {
		return platform.Account{}, fmt.Errorf("read account: %w", err)
	}
	a.Disabled, a.UpdatedAt = disabled != 0, fromUS(updated)
	return a, nil
}
