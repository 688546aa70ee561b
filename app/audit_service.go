package app

import (
	"context"
	"strings"
	"time"

	"tongban/app/audit"
	"tongban/app/errs"
)

// AuditService is the overall audit view (supervisor, admin): the whole
// hash-chained log with filters, and the chain check `tongbanctl audit
// verify` also runs.
type AuditService struct {
	w    *Workstation
	deps *caseDeps
}

// AuditQuery filters the overall audit log. Empty fields match all. Action
// is exact, or a prefix when it ends in '*' ("case.*"). From and To are
// days (YYYY-MM-DD, hall time, both inclusive). BeforeSeq continues a page.
type AuditQuery struct {
	Actor      string `json:"actor,omitempty"`
	Action     string `json:"action,omitempty"`
	ObjectType string `json:"objectType,omitempty"`
	ObjectID   string `json:"objectId,omitempty"`
	From       string `json:"from,omitempty"`
	To         string `json:"to,omitempty"`
	BeforeSeq  int64  `json:"beforeSeq,omitempty"`
	Limit      int    `json:"limit,omitempty"` // default 100, max 500
}

// AuditPage is one page of the audit log, newest first. When More is set,
// ask again with BeforeSeq = NextBeforeSeq: the search stopped at the page
// size or at its scan budget (Scanned entries looked at).
type AuditPage struct {
	Items         []audit.Entry `json:"items"`
	More          bool          `json:"more"`
	NextBeforeSeq int64         `json:"nextBeforeSeq,omitempty"`
	Scanned       int           `json:"scanned"`
}

// auditZone is the hall's time zone for the day filters.
var auditZone = time.FixedZone("CST", 8*3600)

// auditScanBudget bounds how many entries one call reads when the filter
// (action, dates) is applied here rather than in SQL.
const auditScanBudget = 50000

// auditBatch is how many entries one read of the log takes.
const auditBatch = 1000

var rolesAudit = rolesApprovalQ // supervisor, admin

// Log lists the audit log, newest first, filtered.
func (s *AuditService) Log(q AuditQuery) (AuditPage, error) {
	const op = "audit.log"
	e, err := s.deps.env(rolesAudit...)
	if err != nil {
		return AuditPage{}, toAPI(s.w.log, op, err)
	}
	f, err := compileAuditQuery(q)
	if err != nil {
		return AuditPage{}, toAPI(s.w.log, op, err)
	}
	p, err := scanAudit(func(before int64) ([]audit.Entry, error) {
		return e.audit.List(context.Background(), audit.Filter{ObjectType: q.ObjectType, ObjectID: strings.TrimSpace(q.ObjectID),
			Actor: strings.TrimSpace(q.Actor), BeforeSeq: before, Limit: auditBatch})
	}, f, q.BeforeSeq, auditScanBudget)
	return p, toAPI(s.w.log, op, err)
}

// Verify walks the whole chain and reports every edited, deleted or
// inserted entry (the same check as `tongbanctl audit verify`).
func (s *AuditService) Verify() (audit.Report, error) {
	const op = "audit.verify"
	e, err := s.deps.env(rolesAudit...)
	if err != nil {
		return audit.Report{}, toAPI(s.w.log, op, err)
	}
	r, err := e.audit.Verify(context.Background())
	if err == nil && !r.OK {
		s.w.log.Warn("audit chain broken", "problems", len(r.Problems), "entries", r.Entries)
	}
	return r, toAPI(s.w.log, op, err)
}

// auditFilter is the part of AuditQuery applied in memory.
type auditFilter struct {
	action   string
	prefix   bool
	from, to time.Time // zero: open
	limit    int
}

func compileAuditQuery(q AuditQuery) (auditFilter, error) {
	f := auditFilter{action: strings.TrimSpace(q.Action), limit: q.Limit}
	if strings.HasSuffix(f.action, "*") {
		f.action, f.prefix = strings.TrimSuffix(f.action, "*"), true
	}
	if f.limit <= 0 {
		f.limit = 100
	}
	f.limit = min(f.limit, 500)
	for _, d := range []struct {
		day string
		to  *time.Time
		add int
	}{{q.From, &f.from, 0}, {q.To, &f.to, 1}} {
		if d.day == "" {
			continue
		}
		t, err := time.ParseInLocation("2006-01-02", d.day, auditZone)
		if err != nil {
			return auditFilter{}, errs.Invalid("date", "bad date "+d.day, "日期格式应为 年-月-日（如 2026-01-31）")
		}
		*d.to = t.AddDate(0, 0, d.add)
	}
	if !f.from.IsZero() && !f.to.IsZero() && !f.from.Before(f.to) {
		return auditFilter{}, errs.Invalid("date", "from date after to date", "起始日期不能晚于截止日期")
	}
	return f, nil
}

func (f auditFilter) match(e audit.Entry) bool {
	if f.action != "" {
		if f.prefix && !strings.HasPrefix(e.Action, f.action) {
			return false
		}
		if !f.prefix && e.Action != f.action {
			return false
		}
	}
	if !f.from.IsZero() && e.At.Before(f.from) {
		return false
	}
	if !f.to.IsZero() && !e.At.Before(f.to) {
		return false
	}
	return true
}

// scanAudit pages backwards through the log from before (0: the newest)
// with list, keeping entries that match f, until it has f.limit of them,
// the log ends, entries get older than f.from, or budget entries were read.
// Entries are in seq order; their times follow it except after a clock
// change, which the From cut-off accepts.
func scanAudit(list func(before int64) ([]audit.Entry, error), f auditFilter, before int64, budget int) (AuditPage, error) {
	page := AuditPage{Items: []audit.Entry{}}
	for {
		batch, err := list(before)
		if err != nil {
			return AuditPage{}, err
		}
		if len(batch) == 0 {
			return page, nil
		}
		for _, e := range batch {
			if !f.from.IsZero() && e.At.Before(f.from) {
				return page, nil
			}
			page.Scanned++
			before = e.Seq
			if f.match(e) {
				if len(page.Items) == f.limit {
					page.More, page.NextBeforeSeq = true, page.Items[len(page.Items)-1].Seq
					page.Scanned--
					return page, nil
				}
				page.Items = append(page.Items, e)
			}
			if page.Scanned >= budget {
				page.More, page.NextBeforeSeq = true, e.Seq
				return page, nil
			}
		}
	}
}
