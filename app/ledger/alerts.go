package ledger

import (
	"context"
	"fmt"
)

// AlertCase is a case that needs attention on the home screen (no personal
// data beyond the number).
type AlertCase struct {
	CaseID     string `json:"caseId"`
	CaseNo     string `json:"caseNo"`
	MatterName string `json:"matterName"`
	Status     string `json:"status"`
	Due        string `json:"due"`             // YYYY-MM-DD
	Visit      string `json:"visit,omitempty"` // bad ratings: intake | handover
	Level      int    `json:"level,omitempty"`
}

// Alerts are the hall's overdue cases and bad ratings waiting for follow-up.
type Alerts struct {
	Overdue          []AlertCase `json:"overdue"`
	OverdueCount     int         `json:"overdueCount"`
	BadRatings       []AlertCase `json:"badRatings"`
	BadRatingsCount  int         `json:"badRatingsCount"`
	BadRatingsLate   int         `json:"badRatingsLate"` // past the follow-up deadline
	ParcelsStuck     []AlertCase `json:"parcelsStuck"`   // courier tracking (later)
	ParcelsStuckNote string      `json:"parcelsStuckNote,omitempty"`
}

// Alerts lists up to limit of each kind, nearest deadline first.
func (l *Ledger) Alerts(ctx context.Context, hallCode string, limit int) (Alerts, error) {
	if limit <= 0 || limit > 200 {
		limit = 20
	}
	today := l.now().In(Zone).Format(day)
	out := Alerts{Overdue: []AlertCase{}, BadRatings: []AlertCase{}, ParcelsStuck: []AlertCase{}}
	rd := l.db.Reader()
	err := each(ctx, rd, `SELECT id, COALESCE(official_no, provisional_no), matter_name, status, due_date, COUNT(*) OVER ()
		FROM cases WHERE hall_code = ? AND open = 1 AND status NOT IN ('handled','delivered') AND due_date <> '' AND due_date < ?
		ORDER BY due_date LIMIT ?`, []any{hallCode, today, limit}, func(s scanner) error {
		var a AlertCase
		if err := s.Scan(&a.CaseID, &a.CaseNo, &a.MatterName, &a.Status, &a.Due, &out.OverdueCount); err != nil {
			return err
		}
		out.Overdue = append(out.Overdue, a)
		return nil
	})
	if err != nil {
		return out, fmt.Errorf("overdue alerts: %w", err)
	}
	err = each(ctx, rd, `WITH b AS (
		SELECT a.case_id AS cid, json_extract(a.payload, '$.visit') AS visit, CAST(json_extract(a.payload, '$.level') AS INTEGER) AS lvl,
			COALESCE(json_extract(a.payload, '$.followUpDue'), '') AS due
		FROM case_actions a JOIN cases c ON c.id = a.case_id
		WHERE a.kind = 'rated' AND c.hall_code = ? AND CAST(json_extract(a.payload, '$.level') AS INTEGER) <= 2)
	SELECT b.cid, COALESCE(c.official_no, c.provisional_no), c.matter_name, c.status, b.due, b.visit, b.lvl, COUNT(*) OVER (),
		SUM(b.due < ?) OVER ()
	FROM b JOIN cases c ON c.id = b.cid
	WHERE NOT EXISTS (SELECT 1 FROM case_actions x WHERE x.case_id = b.cid AND json_extract(x.payload, '$.visit') = b.visit
		AND (x.kind = 'followup_closed' OR (x.kind = 'appeal_decided' AND json_extract(x.payload, '$.upheld') = 1)))
	ORDER BY b.due LIMIT ?`, []any{hallCode, today, limit}, func(s scanner) error {
		var a AlertCase
		if err := s.Scan(&a.CaseID, &a.CaseNo, &a.MatterName, &a.Status, &a.Due, &a.Visit, &a.Level, &out.BadRatingsCount, &out.BadRatingsLate); err != nil {
			return err
		}
		out.BadRatings = append(out.BadRatings, a)
		return nil
	})
	if err != nil {
		return out, fmt.Errorf("rating alerts: %w", err)
	}
	out.ParcelsStuckNote = "快递轨迹跟踪接入后显示滞留包裹"
	return out, nil
}
