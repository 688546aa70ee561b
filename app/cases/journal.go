package cases

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/google/uuid"

	"tongban/app/audit"
	"tongban/app/errs"
	"tongban/app/identity"
)

// step is one action to append; payload may depend on the state reached so
// far (a receipt needs the case).
type step struct {
	kind    Kind
	reason  string
	payload func(State) (any, error)
}

func fixed(v any) func(State) (any, error) { return func(State) (any, error) { return v, nil } }

type querier interface {
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
}

const actionCols = "id, case_id, seq, kind, actor, role, device_id, hall_code, device_time, reason, payload, based_on, sync_state"

func loadJournal(ctx context.Context, q querier, caseID string) ([]Action, error) {
	rows, err := q.QueryContext(ctx, "SELECT "+actionCols+" FROM case_actions WHERE case_id = ? ORDER BY seq", caseID)
	if err != nil {
		return nil, fmt.Errorf("load journal: %w", err)
	}
	defer rows.Close()
	var out []Action
	for rows.Next() {
		var a Action
		var t, payload string
		if err := rows.Scan(&a.ID, &a.CaseID, &a.Seq, &a.Kind, &a.Actor, &a.Role, &a.DeviceID, &a.HallCode, &t, &a.Reason, &payload, &a.BasedOn, &a.SyncState); err != nil {
			return nil, fmt.Errorf("scan action: %w", err)
		}
		a.DeviceTime, _ = parseTS(t)
		a.Payload = json.RawMessage(payload)
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("load journal: %w", err)
	}
	if len(out) == 0 {
		return nil, errs.New(errs.ENOTFOUND, "case "+caseID+" not found", "办件不存在")
	}
	return out, nil
}

// Journal returns a case's actions in order (full payloads: for the detail
// view after its audit entry, and for sync).
func (s *Service) journal(ctx context.Context, caseID string) ([]Action, error) {
	return loadJournal(ctx, s.db.Reader(), caseID)
}

// Get returns the current state of a case.
func (s *Service) get(ctx context.Context, caseID string) (State, []Action, error) {
	j, err := s.journal(ctx, caseID)
	if err != nil {
		return State{}, nil, err
	}
	st, err := Fold(j)
	return st, j, err
}

// CheckFresh reports (ECONFLICT) whether a step of kind based on version
// basedOn would be refused as stale, without writing anything.
func (s *Service) CheckFresh(ctx context.Context, actor Actor, caseID string, basedOn int, kind Kind) error {
	st, j, err := s.get(ctx, caseID)
	if err != nil {
		return err
	}
	return s.fresh(j, st, basedOn, actor, []step{{kind: kind}})
}

func (s *Service) fresh(j []Action, st State, basedOn int, actor Actor, steps []step) error {
	if st.Version == basedOn || s.otherPlacesOnly(j, basedOn, actor, steps) {
		return nil
	}
	return errs.New(errs.ECONFLICT, fmt.Sprintf("case is at version %d, action based on %d", st.Version, basedOn),
		fmt.Sprintf("办件已被他人更新（最后操作：%s），请刷新后再操作", st.LastActor))
}

// otherPlacesOnly reports whether a handling place's step may go on from a
// stale version: every action since basedOn was taken at another place (a
// 多地联办 case's other tasks, pulled meanwhile), so nothing this place saw
// has changed. The machine still checks the step against the current state.
func (s *Service) otherPlacesOnly(j []Action, basedOn int, actor Actor, steps []step) bool {
	if actor.Role != RoleHandler || basedOn < 1 || basedOn > len(j) {
		return false
	}
	for _, st := range steps {
		if st.kind != KindHandlerReceived && st.kind != KindHandled {
			return false
		}
	}
	for _, a := range j[basedOn:] {
		if a.HallCode == s.cfg.HallCode {
			return false
		}
	}
	return true
}

// appendSteps appends steps to an existing case in one transaction, after
// checking that the case is still at version basedOn (or that only other
// places acted since: otherPlacesOnly).
func (s *Service) appendSteps(ctx context.Context, actor Actor, caseID string, basedOn int, steps ...step) (State, error) {
	if err := checkActor(actor); err != nil {
		return State{}, err
	}
	var out State
	err := s.db.WriteTx(ctx, func(tx *sql.Tx) error {
		j, err := loadJournal(ctx, tx, caseID)
		if err != nil {
			return err
		}
		st, err := Fold(j)
		if err != nil {
			return err
		}
		if err := s.fresh(j, st, basedOn, actor, steps); err != nil {
			return err
		}
		st, err = s.write(ctx, tx, actor, st, steps)
		out = st
		return err
	})
	return out, err
}

// write appends steps to st (the current state, Version actions so far),
// then saves the projection. It runs inside tx.
func (s *Service) write(ctx context.Context, tx *sql.Tx, actor Actor, st State, steps []step) (State, error) {
	for _, stp := range steps {
		var raw json.RawMessage
		if stp.payload != nil {
			p, err := stp.payload(st)
			if err != nil {
				return st, err
			}
			if raw, err = json.Marshal(p); err != nil {
				return st, fmt.Errorf("marshal %s: %w", stp.kind, err)
			}
		}
		id, err := uuid.NewV7()
		if err != nil {
			return st, fmt.Errorf("action id: %w", err)
		}
		reason, err := CleanText("reason", "理由", stp.reason, MaxReason)
		if err != nil {
			return st, err
		}
		a := Action{ID: id.String(), CaseID: st.CaseID, Seq: st.Version + 1, Kind: stp.kind, Actor: actor.Username,
			Role: actor.Role, DeviceID: s.cfg.DeviceID, HallCode: s.cfg.HallCode, DeviceTime: s.now(),
			Reason: reason, Payload: raw, BasedOn: st.Version}
		next, err := apply(st, a)
		if err != nil {
			return st, err
		}
		if a.Kind == KindReceived {
			if err := s.saveProjection(ctx, tx, next, true); err != nil {
				return st, err
			}
		}
		if len(a.Payload) == 0 {
			a.Payload = json.RawMessage("{}")
		}
		_, err = tx.ExecContext(ctx, "INSERT INTO case_actions("+actionCols+") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending')",
			a.ID, a.CaseID, a.Seq, a.Kind, a.Actor, a.Role, a.DeviceID, a.HallCode, ts(a.DeviceTime), a.Reason, string(a.Payload), a.BasedOn)
		if err != nil {
			return st, fmt.Errorf("insert action: %w", err)
		}
		detail, _ := json.Marshal(map[string]any{"kind": a.Kind, "seq": a.Seq, "provisionalNo": next.ProvisionalNo, "reason": a.Reason})
		if _, err := s.audit.AppendTx(ctx, tx, audit.Entry{At: a.DeviceTime, Actor: actor.Username, Role: string(actor.Role),
			Action: "case." + string(a.Kind), ObjectType: "case", ObjectID: a.CaseID, Detail: detail}); err != nil {
			return st, err
		}
		st = next
	}
	return st, s.saveProjection(ctx, tx, st, false)
}

// saveProjection writes the searchable row of a case.
func (s *Service) saveProjection(ctx context.Context, tx *sql.Tx, st State, insert bool) error {
	idHash, phoneHash := "", ""
	if st.Applicant.IDNumber != "" {
		idHash = s.HashID(st.Applicant.IDNumber)
	}
	if st.Applicant.Phone != "" {
		phoneHash = s.HashID("tel:" + st.Applicant.Phone)
	}
	due := ""
	if st.Receipt != nil && st.Status.Open() {
		due = st.Receipt.DueDate
	}
	noticeDue := ""
	switch st.Status {
	case StatusReceived, StatusReviewing, StatusReturned:
		if st.Supplements == 0 {
			d, _ := s.cal.AddWorkingDays(st.ReceivedAt, NoticeWorkingDays)
			noticeDue = d.Format("2006-01-02")
		}
	}
	queueKey := "9999-12-31"
	for _, d := range []string{due, noticeDue} {
		if d != "" && d < queueKey {
			queueKey = d
		}
	}
	agent := ""
	if st.Agent != nil {
		agent = st.Agent.Name
	}
	var official any
	if st.OfficialNo != "" {
		official = st.OfficialNo
	}
	open := 0
	if st.Status.Open() {
		open = 1
	}
	if insert {
		_, err := tx.ExecContext(ctx, `INSERT INTO cases(id, provisional_no, official_no, hall_code, device_id, matter_code, matter_name, mode,
			status, open, version, applicant_name, id_type, id_hash, id_masked, phone_hash, phone_masked, agent_name, received_at, updated_at,
			notice_due, queue_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			st.CaseID, st.ProvisionalNo, official, st.HallCode, st.DeviceID, st.Matter.Code, st.Matter.Name, st.Matter.Mode,
			st.Status, open, st.Version, st.Applicant.Name, st.Applicant.IDType, idHash, identity.MaskID(st.Applicant.IDNumber),
			phoneHash, identity.MaskPhone(st.Applicant.Phone), agent, ts(st.ReceivedAt), ts(st.UpdatedAt), noticeDue, queueKey)
		if err != nil {
			return fmt.Errorf("insert case: %w", err)
		}
		return nil
	}
	if err := saveTasks(ctx, tx, st); err != nil {
		return err
	}
	if err := saveRatings(ctx, tx, st); err != nil {
		return err
	}
	res, err := tx.ExecContext(ctx, `UPDATE cases SET official_no = ?, status = ?, open = ?, version = ?, decided_at = ?, due_date = ?,
		notice_due = ?, queue_key = ?, checked_out_by = ?, checked_out_at = ?, conflicts = ?, updated_at = ?, handled_at = ? WHERE id = ?`,
		official, st.Status, open, st.Version, ts(st.DecidedAt), due, noticeDue, queueKey, st.CheckedOutBy, ts(st.CheckedOutAt),
		len(st.Conflicts), ts(st.UpdatedAt), handledAt(st), st.CaseID)
	if err != nil {
		return fmt.Errorf("update case: %w", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return errors.New("update case: row missing")
	}
	return nil
}

// saveTasks rewrites the case's rows of case_tasks (a handling place's
// inbox). Cases that never left the hall have none and cost one DELETE.
func saveTasks(ctx context.Context, tx *sql.Tx, st State) error {
	if _, err := tx.ExecContext(ctx, "DELETE FROM case_tasks WHERE case_id = ?", st.CaseID); err != nil {
		return fmt.Errorf("save tasks: %w", err)
	}
	for _, t := range st.Tasks {
		if _, err := tx.ExecContext(ctx, `INSERT INTO case_tasks(case_id, place, waybill, batch, status, dispatched_at, received_at, handled_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, st.CaseID, t.Place, NormalizeWaybill(t.Waybill), t.Batch, t.TaskStatus(),
			ts(t.DispatchedAt), ts(t.ReceivedAt), ts(t.HandledAt)); err != nil {
			return fmt.Errorf("save tasks: %w", err)
		}
	}
	return nil
}

// handledAt is when the case's result was complete (the last "handled"),
// "" while there is none.
func handledAt(st State) string {
	if st.Result == nil {
		return ""
	}
	return ts(st.Result.At)
}

// saveRatings rewrites the case's rows of case_ratings (the ledger's
// satisfaction figures). Cases without ratings cost one DELETE.
func saveRatings(ctx context.Context, tx *sql.Tx, st State) error {
	if _, err := tx.ExecContext(ctx, "DELETE FROM case_ratings WHERE case_id = ?", st.CaseID); err != nil {
		return fmt.Errorf("save ratings: %w", err)
	}
	for _, r := range st.Ratings {
		if _, err := tx.ExecContext(ctx, `INSERT INTO case_ratings(case_id, visit, hall_code, matter_code, matter_name, mode, level,
			rated_at, follow_up_due, voided, closed) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			st.CaseID, r.Visit, st.HallCode, st.Matter.Code, st.Matter.Name, st.Matter.Mode, r.Level, ts(r.RatedAt), r.FollowUpDue,
			r.FollowUp == FollowVoided, !r.FollowClosedAt.IsZero()); err != nil {
			return fmt.Errorf("save ratings: %w", err)
		}
	}
	return nil
}
