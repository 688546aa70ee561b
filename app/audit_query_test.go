package app

import (
	"testing"
	"time"

	"tongban/app/audit"
)

func TestScanAuditStopsAtFromAndBudget(t *testing.T) {
	base := time.Date(2026, 3, 10, 2, 0, 0, 0, time.UTC)
	var log []audit.Entry // newest first, one per hour back
	for i := range 300 {
		log = append(log, audit.Entry{Seq: int64(300 - i), Action: []string{"case.accepted", "case.received"}[i%2],
			At: base.Add(-time.Duration(i) * time.Hour)})
	}
	reads := 0
	list := func(before int64) ([]audit.Entry, error) {
		reads++
		var out []audit.Entry
		for _, e := range log {
			if (before == 0 || e.Seq < before) && len(out) < 40 {
				out = append(out, e)
			}
		}
		return out, nil
	}
	tests := []struct {
		name      string
		q         AuditQuery
		budget    int
		wantN     int
		wantMore  bool
		wantFirst int64
	}{
		{"all, page of 100", AuditQuery{}, 1000, 100, true, 300},
		{"action", AuditQuery{Action: "case.received", Limit: 500}, 1000, 150, false, 299},
		{"prefix", AuditQuery{Action: "case.*", Limit: 500}, 1000, 300, false, 300},
		{"one day (CST)", AuditQuery{From: "2026-03-09", To: "2026-03-09", Limit: 500}, 1000, 24, false, 289},
		{"budget", AuditQuery{Action: "case.received", Limit: 500}, 50, 25, true, 299},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, err := compileAuditQuery(tc.q)
			if err != nil {
				t.Fatal(err)
			}
			p, err := scanAudit(list, f, 0, tc.budget)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := len(p.Items), tc.wantN; got != want {
				t.Fatalf("%d entries, want %d", got, want)
			}
			if got, want := p.More, tc.wantMore; got != want {
				t.Fatalf("more = %v, want %v", got, want)
			}
			if got, want := p.Items[0].Seq, tc.wantFirst; got != want {
				t.Fatalf("first seq %d, want %d", got, want)
			}
			for _, e := range p.Items {
				if !f.match(e) {
					t.Fatalf("entry %d does not match", e.Seq)
				}
			}
			if p.More {
				next, err := scanAudit(list, f, p.NextBeforeSeq, tc.budget)
				if err != nil {
					t.Fatal(err)
				}
				if len(next.Items) > 0 && next.Items[0].Seq >= p.Items[len(p.Items)-1].Seq {
					t.Fatalf("next page starts at %d, after %d", next.Items[0].Seq, p.Items[len(p.Items)-1].Seq)
				}
			}
		})
	}
}

// FuzzCompileAuditQuery: the audit filters typed in the UI never panic, and
// an accepted date range is never empty or reversed.
func FuzzCompileAuditQuery(f *testing.F) {
	for _, s := range [][4]string{
		{"case.*", "2026-03-01", "2026-03-02", "sup1"},
		{"case.accepted", "", "", ""},
		{"*", "2026-02-30", "", ""},
		{"", "2026-03-02", "2026-03-01", ""},
		{"案件", "２０２６-01-01", "2026-1-1", "张𠮷"},
	} {
		f.Add(s[0], s[1], s[2], s[3], 10)
	}
	f.Fuzz(func(t *testing.T, action, from, to, actor string, limit int) {
		af, err := compileAuditQuery(AuditQuery{Action: action, From: from, To: to, Actor: actor, Limit: limit})
		if err != nil {
			return
		}
		if af.limit < 1 || af.limit > 500 {
			t.Fatalf("limit %d out of range", af.limit)
		}
		if !af.from.IsZero() && !af.to.IsZero() && !af.from.Before(af.to) {
			t.Fatalf("empty range %v..%v accepted", af.from, af.to)
		}
		_ = af.match(audit.Entry{Action: action, At: af.from})
	})
}
