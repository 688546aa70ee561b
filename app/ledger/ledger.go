package ledger

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"time"

	"tongban/app/store"
)

// Row is one line of the ledger: a matter in a service mode.
type Row struct {
	MatterCode      string  `json:"matterCode"`
	MatterName      string  `json:"matterName"`
	Mode            string  `json:"mode"`
	Received        int     `json:"received"`        // 收件
	Accepted        int     `json:"accepted"`        // 受理 (and every later step)
	Refused         int     `json:"refused"`         // 不予受理
	Completed       int     `json:"completed"`       // 办结 (handled, delivered, closed)
	InProgress      int     `json:"inProgress"`      // 在办
	Overdue         int     `json:"overdue"`         // 逾期 (in progress past the due date)
	AvgHandlingDays float64 `json:"avgHandlingDays"` // received → handled, calendar days
	Ratings         int     `json:"ratings"`         // 评价数 (appeals upheld excluded)
	AvgLevel        float64 `json:"avgLevel"`        // 平均评分 1–5
	Bad             int     `json:"bad"`             // 差评数
	BadShare        float64 `json:"badShare"`        // 差评率 0–1
	FollowClosed    int     `json:"followClosed"`    // 差评已办结
	FollowPending   int     `json:"followPending"`   // 差评待办
	FollowOverdue   int     `json:"followOverdue"`   // 差评超期未办结
	Voided          int     `json:"voided"`          // 申诉成立

	handledDays float64
	handledN    int
	levelSum    int
}

// Report is the ledger of one hall for one period.
type Report struct {
	HallCode    string    `json:"hallCode"`
	HallName    string    `json:"hallName"`
	From        string    `json:"from"`
	To          string    `json:"to"`
	Rows        []Row     `json:"rows"`
	Total       Row       `json:"total"`
	GeneratedAt time.Time `json:"generatedAt"`
	Millis      int64     `json:"millis"` // time to compute
}

// Ledger computes reports over the workstation database.
type Ledger struct {
	db  *store.DB
	now func() time.Time
}

// New returns a Ledger over db (migration 0009 indexes the journal by kind
// and time for it).
func New(ctx context.Context, db *store.DB, now func() time.Time) (*Ledger, error) {
	if now == nil {
		now = time.Now
	}
	return &Ledger{db: db, now: now}, nil
}

type key struct{ code, mode string }

const completedIn = "('handled','delivered','closed')"

// Report computes the ledger of hall for q's period: case figures by
// receipt day, satisfaction by rating day.
func (l *Ledger) Report(ctx context.Context, hallCode, hallName string, q Query) (Report, error) {
	start := time.Now()
	now := l.now()
	from, to, err := Resolve(q, now)
	if err != nil {
		return Report{}, err
	}
	lo, hi := bounds(from, to)
	today := now.In(Zone).Format(day)
	rows := map[key]*Row{}
	get := func(code, name, mode string) *Row {
		k := key{code, mode}
		r := rows[k]
		if r == nil {
			r = &Row{MatterCode: code, MatterName: name, Mode: mode}
			rows[k] = r
		}
		if r.MatterName == "" {
			r.MatterName = name
		}
		return r
	}
	rd := l.db.Reader()
	err = each(ctx, rd, `SELECT matter_code, MAX(matter_name), mode, COUNT(*),
		SUM(status IN ('accepted','dispatched','handling','handled','delivered','closed')),
		SUM(status = 'refused'),
		SUM(status IN `+completedIn+`),
		SUM(open = 1 AND status NOT IN ('handled','delivered')),
		SUM(open = 1 AND status NOT IN ('handled','delivered') AND due_date <> '' AND due_date < ?)
		FROM cases WHERE hall_code = ? AND received_at >= ? AND received_at < ? GROUP BY matter_code, mode`,
		[]any{today, hallCode, lo, hi}, func(s scanner) error {
			var code, name, mode string
			var n, acc, ref, done, prog, over int
			if err := s.Scan(&code, &name, &mode, &n, &acc, &ref, &done, &prog, &over); err != nil {
				return err
			}
			r := get(code, name, mode)
			r.Received, r.Accepted, r.Refused, r.Completed, r.InProgress, r.Overdue = n, acc, ref, done, prog, over
			return nil
		})
	if err != nil {
		return Report{}, fmt.Errorf("ledger cases: %w", err)
	}
	err = each(ctx, rd, `SELECT matter_code, mode, COUNT(*), COALESCE(SUM(julianday(handled_at) - julianday(received_at)), 0)
		FROM cases WHERE hall_code = ? AND received_at >= ? AND received_at < ? AND status IN `+completedIn+` AND handled_at <> ''
		GROUP BY matter_code, mode`, []any{hallCode, lo, hi}, func(s scanner) error {
		var code, mode string
		var n int
		var days float64
		if err := s.Scan(&code, &mode, &n, &days); err != nil {
			return err
		}
		r := get(code, "", mode)
		r.handledN, r.handledDays = n, days
		return nil
	})
	if err != nil {
		return Report{}, fmt.Errorf("ledger handling time: %w", err)
	}
	err = each(ctx, rd, `SELECT matter_code, MAX(matter_name), mode, COUNT(*) - SUM(voided), COALESCE(SUM(CASE WHEN voided = 0 THEN level END), 0),
		SUM(level <= 2 AND voided = 0), SUM(level <= 2 AND voided = 0 AND closed = 1),
		SUM(level <= 2 AND voided = 0 AND closed = 0 AND follow_up_due <> '' AND follow_up_due < ?), SUM(voided)
	FROM case_ratings WHERE hall_code = ? AND rated_at >= ? AND rated_at < ? GROUP BY matter_code, mode`, []any{today, hallCode, lo, hi}, func(s scanner) error {
		var code, name, mode string
		var n, sum, bad, closed, over, voided int
		if err := s.Scan(&code, &name, &mode, &n, &sum, &bad, &closed, &over, &voided); err != nil {
			return err
		}
		r := get(code, name, mode)
		r.Ratings, r.levelSum, r.Bad, r.FollowClosed, r.FollowOverdue, r.Voided = n, sum, bad, closed, over, voided
		r.FollowPending = bad - closed
		return nil
	})
	if err != nil {
		return Report{}, fmt.Errorf("ledger ratings: %w", err)
	}
	rep := Report{HallCode: hallCode, HallName: hallName, From: from.Format(day), To: to.Format(day), GeneratedAt: now}
	for _, r := range rows {
		r.finish()
		rep.Rows = append(rep.Rows, *r)
	}
	sort.Slice(rep.Rows, func(i, j int) bool {
		a, b := rep.Rows[i], rep.Rows[j]
		if a.MatterCode != b.MatterCode {
			return a.MatterCode < b.MatterCode
		}
		return a.Mode < b.Mode
	})
	rep.Total = total(rep.Rows)
	rep.Millis = time.Since(start).Milliseconds()
	return rep, nil
}

func (r *Row) finish() {
	if r.handledN > 0 {
		r.AvgHandlingDays = round2(r.handledDays / float64(r.handledN))
	}
	if r.Ratings > 0 {
		r.AvgLevel = round2(float64(r.levelSum) / float64(r.Ratings))
		r.BadShare = round4(float64(r.Bad) / float64(r.Ratings))
	}
}

func total(rows []Row) Row {
	t := Row{MatterName: "合计"}
	for _, r := range rows {
		t.Received += r.Received
		t.Accepted += r.Accepted
		t.Refused += r.Refused
		t.Completed += r.Completed
		t.InProgress += r.InProgress
		t.Overdue += r.Overdue
		t.Ratings += r.Ratings
		t.Bad += r.Bad
		t.FollowClosed += r.FollowClosed
		t.FollowPending += r.FollowPending
		t.FollowOverdue += r.FollowOverdue
		t.Voided += r.Voided
		t.handledN += r.handledN
		t.handledDays += r.handledDays
		t.levelSum += r.levelSum
	}
	t.finish()
	return t
}

func round2(f float64) float64 { return float64(int64(f*100+0.5)) / 100 }
func round4(f float64) float64 { return float64(int64(f*10000+0.5)) / 10000 }

type scanner interface{ Scan(dest ...any) error }

func each(ctx context.Context, db *sql.DB, q string, args []any, fn func(scanner) error) error {
	rows, err := db.QueryContext(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}
