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
// their column; the first occurrence wins. The handling steps (dispatched,
// handler_received, handled) also go through the tasks (projectTask).
var stepColumns = map[string]string{
	"accepted":         "accepted_at",
	"refused":          "refused_at",
	"dispatched":       "dispatched_at",
	"handler_received": "handler_received_at",
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

// loopPayload is the part of the loop actions' payloads the projection
// reads: cases.Dispatch (places) and cases.Handling (place, decision).
type loopPayload struct {
	Places   []string `json:"places"`
	Place    string   `json:"place"`
	Decision string   `json:"decision"`
}

// ratingPayload is the part of cases.RatingInput ("rated") and
// cases.FollowUpStep (follow-up and appeal actions) the projection reads.
type ratingPayload struct {
	Visit  string `json:"visit"`
	Level  int    `json:"level"`
	Upheld bool   `json:"upheld"`
}

// projectCase starts a case's progress row when the case is created.
func (p *pushTx) projectCase(c protocol.Case) error {
	var data struct {
		MatterName string `json:"matterName"`
	}
	_ = json.Unmarshal(c.Data, &data)
	scope, err := p.scope(c.Hall, c.HandlingPlace)
	if err != nil {
		return err
	}
	_, err = p.s.exec(p.ctx, p.tx, `INSERT INTO case_progress (case_id, hall, handling_place, matter_code, matter_name, mode,
		received_month, received_at, scope) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (case_id) DO NOTHING`,
		c.ID, c.Hall, c.HandlingPlace, c.MatterCode, truncate(data.MatterName, 200), c.Mode,
		c.CreatedAt.In(platform.CST).Format("2006-01"), us(c.CreatedAt), scope)
	if err != nil {
		return fmt.Errorf("project case: %w", err)
	}
	return nil
}

// scope is the routing scope between two places of the directory.
func (p *pushTx) scope(hall, place string) (string, error) {
	var pl [2]platform.Place
	for i, code := range []string{hall, place} {
		pl[i].Code = code
		err := p.s.row(p.ctx, p.tx, `SELECT province FROM places WHERE code = ?`, code).Scan(&pl[i].Province)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return "", fmt.Errorf("read place: %w", err)
		}
	}
	return platform.Scope(pl[0], pl[1]), nil
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
	case "dispatched", "handler_received", "handled":
		if err := p.projectTask(a); err != nil {
			return err
		}
	case "result_received":
		// The last return parcel signed for: the result is at the hall.
		if _, err := p.s.exec(p.ctx, p.tx, `UPDATE case_progress SET result_received_at = ? WHERE case_id = ?`,
			us(a.DeviceTime), a.CaseID); err != nil {
			return fmt.Errorf("project result_received: %w", err)
		}
		return nil
	case "rated", "followup_closed", "appeal_decided":
		return p.projectRating(a)
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

// projectTask applies a dispatch, a handling place's sign-in or decision
// to the case's tasks, then derives the case's decision: the journal's
// rules, from what the workstations already checked. 多地联办: handled when
// every task is approved (at the last approval), a refused task sends the
// case back; other modes: the one place's decision is the case's (不予办理
// included).
func (p *pushTx) projectTask(a protocol.Action) error {
	var lp loopPayload
	_ = json.Unmarshal(a.Payload, &lp)
	var place, mode, hall, scope string
	err := p.s.row(p.ctx, p.tx, `SELECT handling_place, mode, hall, scope FROM case_progress WHERE case_id = ?`, a.CaseID).
		Scan(&place, &mode, &hall, &scope)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("project %s: %w", a.Kind, err)
	}
	at := us(a.DeviceTime)
	places := []string{place}
	switch a.Kind {
	case "dispatched":
		if len(lp.Places) > 0 {
			places = lp.Places
		}
	default:
		if lp.Place != "" {
			places = []string{lp.Place}
		}
	}
	for _, pl := range places {
		if !protocol.ValidPlaceCode(pl) {
			continue
		}
		var q string
		args := []any{a.CaseID, pl}
		switch a.Kind {
		case "dispatched": // a new task, or one sent again after a refusal: it starts over
			q = `INSERT INTO case_progress_tasks (case_id, place, dispatched_at) VALUES (?, ?, ?)
				ON CONFLICT (case_id, place) DO UPDATE SET dispatched_at = excluded.dispatched_at,
				received_at = NULL, handled_at = NULL, decision = ''`
			args = append(args, at)
		case "handler_received":
			q = `INSERT INTO case_progress_tasks (case_id, place, received_at) VALUES (?, ?, ?)
				ON CONFLICT (case_id, place) DO UPDATE SET received_at = COALESCE(case_progress_tasks.received_at, excluded.received_at)`
			args = append(args, at)
		default: // handled
			d := lp.Decision
			if d != platform.DecisionRefuse {
				d = platform.DecisionApprove
			}
			q = `INSERT INTO case_progress_tasks (case_id, place, received_at, handled_at, decision) VALUES (?, ?, ?, ?, ?)
				ON CONFLICT (case_id, place) DO UPDATE SET handled_at = excluded.handled_at, decision = excluded.decision`
			args = append(args, at, at, d)
		}
		if _, err := p.s.exec(p.ctx, p.tx, q, args...); err != nil {
			return fmt.Errorf("project task: %w", err)
		}
		if a.Kind == "dispatched" {
			sc, err := p.scope(hall, pl)
			if err != nil {
				return err
			}
			scope = platform.WiderScope(scope, sc)
		}
	}
	// Case level, from every task.
	var n, approved, refused int64
	var lastApproved, lastRefused int64
	rows, err := p.s.query(p.ctx, p.tx, `SELECT decision, COALESCE(handled_at, 0) FROM case_progress_tasks WHERE case_id = ?`, a.CaseID)
	if err != nil {
		return fmt.Errorf("project tasks: %w", err)
	}
	for rows.Next() {
		var d string
		var h int64
		if err := rows.Scan(&d, &h); err != nil {
			rows.Close()
			return fmt.Errorf("project tasks: %w", err)
		}
		n++
		switch {
		case h == 0:
		case d == platform.DecisionRefuse:
			refused++
			lastRefused = max(lastRefused, h)
		default:
			approved++
			lastApproved = max(lastApproved, h)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("project tasks: %w", err)
	}
	decision, handled, sentBack := "", int64(0), int64(0)
	switch {
	case refused > 0 && mode == "多地联办":
		decision, sentBack = platform.DecisionRefuse, lastRefused
	case refused > 0:
		decision, handled = platform.DecisionRefuse, max(lastRefused, lastApproved)
	case n > 0 && approved == n:
		decision, handled = platform.DecisionApprove, lastApproved
	}
	_, err = p.s.exec(p.ctx, p.tx, `UPDATE case_progress SET tasks = ?, tasks_done = ?, decision = ?, handled_at = ?,
		sent_back_at = COALESCE(?, sent_back_at), scope = ? WHERE case_id = ?`,
		n, approved+refused, decision, nullInt(handled), nullInt(sentBack), scope, a.CaseID)
	if err != nil {
		return fmt.Errorf("project %s: %w", a.Kind, err)
	}
	return nil
}

func nullInt(v int64) any {
	if v == 0 {
		return nil
	}
	return v
}

// projectRating keeps one rating per visit with its follow-up and sums
// them into the case's row: the ledger reads only case_progress.
func (p *pushTx) projectRating(a protocol.Action) error {
	var r ratingPayload
	if err := json.Unmarshal(a.Payload, &r); err != nil || r.Visit == "" || len(r.Visit) > 32 {
		return nil // not a workstation rating: nothing to count
	}
	var q string
	var args []any
	switch a.Kind {
	case "rated":
		if r.Level < 1 || r.Level > 5 {
			return nil
		}
		q = `INSERT INTO case_progress_ratings (case_id, visit, level) VALUES (?, ?, ?) ON CONFLICT (case_id, visit) DO NOTHING`
		args = []any{a.CaseID, r.Visit, r.Level}
	case "followup_closed":
		q = `UPDATE case_progress_ratings SET closed = 1 WHERE case_id = ? AND visit = ?`
		args = []any{a.CaseID, r.Visit}
	default: // appeal_decided: an upheld appeal voids the rating
		if !r.Upheld {
			return nil
		}
		q = `UPDATE case_progress_ratings SET voided = 1 WHERE case_id = ? AND visit = ?`
		args = []any{a.CaseID, r.Visit}
	}
	if _, err := p.s.exec(p.ctx, p.tx, q, args...); err != nil {
		return fmt.Errorf("project %s: %w", a.Kind, err)
	}
	_, err := p.s.exec(p.ctx, p.tx, `UPDATE case_progress SET
		ratings = (SELECT COUNT(*) FROM case_progress_ratings r WHERE r.case_id = case_progress.case_id AND r.voided = 0),
		rating_sum = (SELECT COALESCE(SUM(r.level), 0) FROM case_progress_ratings r WHERE r.case_id = case_progress.case_id AND r.voided = 0),
		bad_ratings = (SELECT COUNT(*) FROM case_progress_ratings r WHERE r.case_id = case_progress.case_id AND r.voided = 0 AND r.level <= 2),
		bad_followed_up = (SELECT COUNT(*) FROM case_progress_ratings r WHERE r.case_id = case_progress.case_id AND r.voided = 0
			AND r.level <= 2 AND r.closed = 1)
		WHERE case_id = ?`, a.CaseID)
	if err != nil {
		return fmt.Errorf("project ratings: %w", err)
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
		p.dispatched_at, p.handler_received_at, p.handled_at, p.delivered_at, p.closed_at, p.withdrawn_at, p.due_at,
		p.decision, p.sent_back_at, p.result_received_at, p.tasks, p.tasks_done, p.scope
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
		var ts [11]sql.NullInt64
		var tasks, done int64
		if err := rows.Scan(&pr.CaseID, &pr.Hall, &pr.HandlingPlace, &pr.MatterCode, &pr.MatterName, &pr.Mode,
			&pr.ProvisionalNumber, &pr.OfficialNumber, &pr.MaskedName, &pr.Verifier, &received,
			&ts[0], &ts[1], &ts[2], &ts[3], &ts[4], &ts[5], &ts[6], &ts[7], &ts[8],
			&pr.Decision, &ts[9], &ts[10], &tasks, &done, &pr.Scope); err != nil {
			return nil, fmt.Errorf("look up case: %w", err)
		}
		pr.ReceivedAt = fromUS(received)
		for i, t := range []*time.Time{&pr.AcceptedAt, &pr.RefusedAt, &pr.DispatchedAt, &pr.HandlerReceivedAt,
			&pr.HandledAt, &pr.DeliveredAt, &pr.ClosedAt, &pr.WithdrawnAt, &pr.DueAt, &pr.SentBackAt, &pr.ResultReceivedAt} {
			*t = fromNullUS(ts[i])
		}
		pr.Tasks, pr.TasksDone = int(tasks), int(done)
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
