// Package ledger computes the hall's work ledger (工作台账) from the case
// journal and its projection with SQL, and exports it to .xlsx.
package ledger

import (
	"fmt"
	"time"

	"tongban/app/errs"
)

// Zone is hall time (China Standard Time).
var Zone = time.FixedZone("CST", 8*3600)

// Period kinds.
const (
	PeriodDay    = "day"
	PeriodWeek   = "week"
	PeriodMonth  = "month"
	PeriodCustom = "custom"
)

// Query selects the ledger: a period of hall days, From and To inclusive
// (YYYY-MM-DD). For day/week/month only Anchor (a day inside it; default
// today) is read.
type Query struct {
	Period string `json:"period"`
	Anchor string `json:"anchor,omitempty"`
	From   string `json:"from,omitempty"`
	To     string `json:"to,omitempty"`
}

const day = "2006-01-02"

// MaxCustomDays bounds a custom period.
const MaxCustomDays = 3 * 366

// Resolve returns the first and last day of q's period.
func Resolve(q Query, now time.Time) (from, to time.Time, err error) {
	anchor := now.In(Zone)
	if q.Anchor != "" {
		if anchor, err = time.ParseInLocation(day, q.Anchor, Zone); err != nil {
			return from, to, errs.Invalid("anchor", "bad anchor date", "日期格式应为 YYYY-MM-DD")
		}
	}
	d := time.Date(anchor.Year(), anchor.Month(), anchor.Day(), 0, 0, 0, 0, Zone)
	switch q.Period {
	case PeriodDay, "":
		return d, d, nil
	case PeriodWeek: // Monday to Sunday
		off := (int(d.Weekday()) + 6) % 7
		from = d.AddDate(0, 0, -off)
		return from, from.AddDate(0, 0, 6), nil
	case PeriodMonth:
		from = time.Date(d.Year(), d.Month(), 1, 0, 0, 0, 0, Zone)
		return from, from.AddDate(0, 1, -1), nil
	case PeriodCustom:
		f, e1 := time.ParseInLocation(day, q.From, Zone)
		t, e2 := time.ParseInLocation(day, q.To, Zone)
		if e1 != nil || e2 != nil {
			return from, to, errs.Invalid("from", "bad custom period", "自定义期间的起止日期格式应为 YYYY-MM-DD")
		}
		if t.Before(f) {
			return from, to, errs.Invalid("to", "period ends before it starts", "结束日期不能早于开始日期")
		}
		if t.Sub(f) > MaxCustomDays*24*time.Hour {
			return from, to, errs.Invalid("to", "period too long", fmt.Sprintf("统计期间最长 %d 天", MaxCustomDays))
		}
		return f, t, nil
	}
	return from, to, errs.Invalid("period", "unknown period "+q.Period, "统计周期须为日、周、月或自定义")
}

// tsLayout matches the journal's stored times.
const tsLayout = "2006-01-02T15:04:05.000Z"

// bounds turns hall days [from, to] into journal time strings [lo, hi).
func bounds(from, to time.Time) (lo, hi string) {
	return from.UTC().Format(tsLayout), to.AddDate(0, 0, 1).UTC().Format(tsLayout)
}
