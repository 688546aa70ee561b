package app_test

import (
	"database/sql"
	"strings"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"tongban/app"
	"tongban/app/cases"
	"tongban/app/errs"
	"tongban/app/paths"
)

var cstZone = time.FixedZone("CST", 8*3600)

// auditWS opens a case workstation with two accepted cases for the same
// matter and returns it with the audit service.
func auditWS(t *testing.T) (caseWS, *app.AuditService, string) {
	t.Helper()
	s := openCaseWS(t)
	id := validID("41010519900307123")
	s.placeCard(t, "买买提·艾力", id)
	ck, err := s.identity.ReadCard()
	if err != nil {
		t.Fatalf("read card: %v", err)
	}
	res, err := s.cases.Open(crimeInput("买买提·艾力", id, &ck))
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	if _, err := s.cases.Accept(res.State.CaseID, res.State.Version); err != nil {
		t.Fatalf("accept: %v", err)
	}
	return s, s.ws.Services()["AuditService"].(*app.AuditService), res.State.CaseID
}

func TestAuditLogFilters(t *testing.T) {
	s, a, caseID := auditWS(t)
	if _, err := a.Log(app.AuditQuery{}); code(err) != errs.EFORBIDDEN {
		t.Fatalf("clerk reads the overall audit log: err = %v, want EFORBIDDEN", err)
	}
	s.login(t, "sup1")
	all, err := a.Log(app.AuditQuery{})
	if err != nil {
		t.Fatal(err)
	}
	if len(all.Items) < 3 {
		t.Fatalf("audit log has %d entries, want the case's actions", len(all.Items))
	}
	for i := 1; i < len(all.Items); i++ {
		if all.Items[i].Seq >= all.Items[i-1].Seq {
			t.Fatalf("not newest first: %d after %d", all.Items[i].Seq, all.Items[i-1].Seq)
		}
	}
	today := all.Items[0].At.In(cstZone).Format("2006-01-02")
	tests := []struct {
		name    string
		q       app.AuditQuery
		want    func(n int) bool
		check   func(act, actor, obj string) bool
		wantErr string
	}{
		{name: "action exact", q: app.AuditQuery{Action: "case.accepted"}, want: func(n int) bool { return n == 1 },
			check: func(act, _, _ string) bool { return act == "case.accepted" }},
		{name: "action prefix", q: app.AuditQuery{Action: "case.*"}, want: func(n int) bool { return n >= 3 },
			check: func(act, _, _ string) bool { return strings.HasPrefix(act, "case.") }},
		{name: "actor", q: app.AuditQuery{Actor: "clerk1"}, want: func(n int) bool { return n >= 3 },
			check: func(_, actor, _ string) bool { return actor == "clerk1" }},
		{name: "unknown actor", q: app.AuditQuery{Actor: "nobody"}, want: func(n int) bool { return n == 0 }},
		{name: "object", q: app.AuditQuery{ObjectType: "case", ObjectID: caseID}, want: func(n int) bool { return n >= 3 },
			check: func(_, _, obj string) bool { return obj == caseID }},
		{name: "today", q: app.AuditQuery{From: today, To: today}, want: func(n int) bool { return n == len(all.Items) }},
		{name: "tomorrow on", q: app.AuditQuery{From: "2999-01-01"}, want: func(n int) bool { return n == 0 }},
		{name: "before 2000", q: app.AuditQuery{To: "1999-12-31"}, want: func(n int) bool { return n == 0 }},
		{name: "bad date", q: app.AuditQuery{From: "2026-02-30"}, wantErr: errs.EINVALID},
		{name: "from after to", q: app.AuditQuery{From: "2026-03-02", To: "2026-03-01"}, wantErr: errs.EINVALID},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := a.Log(tc.q)
			if tc.wantErr != "" {
				if got := code(err); got != tc.wantErr {
					t.Fatalf("err = %v, want %s", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !tc.want(len(p.Items)) {
				t.Fatalf("%d entries", len(p.Items))
			}
			for _, e := range p.Items {
				if tc.check != nil && !tc.check(e.Action, e.Actor, e.ObjectID) {
					t.Fatalf("entry does not match the filter: %+v", e)
				}
			}
		})
	}

	// Paging: one at a time walks the whole log without repeats.
	seen := map[int64]bool{}
	var before int64
	for range len(all.Items) + 1 {
		p, err := a.Log(app.AuditQuery{Limit: 1, BeforeSeq: before})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range p.Items {
			if seen[e.Seq] {
				t.Fatalf("entry %d twice", e.Seq)
			}
			seen[e.Seq] = true
		}
		if !p.More {
			break
		}
		before = p.NextBeforeSeq
	}
	if got, want := len(seen), len(all.Items); got != want {
		t.Fatalf("paged through %d entries, want %d", got, want)
	}
}

func TestAuditVerifyFindsEditedEntry(t *testing.T) {
	s, a, _ := auditWS(t)
	s.login(t, "admin")
	r, err := a.Verify()
	if err != nil {
		t.Fatal(err)
	}
	if !r.OK || r.Entries == 0 || len(r.HeadHash) != 64 {
		t.Fatalf("fresh chain: %+v", r)
	}
	db, err := sql.Open("sqlite", "file:"+paths.DBPath(s.dir)+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`UPDATE audit_log SET actor = 'mallory' WHERE seq = (SELECT min(seq) FROM audit_log WHERE action = 'case.accepted')`); err != nil {
		t.Fatal(err)
	}
	r, err = a.Verify()
	if err != nil {
		t.Fatal(err)
	}
	if r.OK || len(r.Problems) == 0 {
		t.Fatalf("edited entry not found: %+v", r)
	}
}

func TestCaseSearchByMatterName(t *testing.T) {
	s, _, caseID := auditWS(t)
	tests := []struct {
		name string
		q    app.CaseQuery
		want int
	}{
		{"part of the name", app.CaseQuery{MatterName: "犯罪记录"}, 1},
		{"two short terms", app.CaseQuery{MatterName: "犯罪 证明"}, 1},
		{"exact code", app.CaseQuery{MatterName: crimeCode}, 1},
		{"other matter", app.CaseQuery{MatterName: "驾驶证"}, 0},
		{"no such matter", app.CaseQuery{MatterName: "不存在的事项名称"}, 0},
		{"with status", app.CaseQuery{MatterName: "犯罪记录", Query: cases.Query{Status: cases.StatusRefused}}, 0},
		{"name and applicant", app.CaseQuery{MatterName: "犯罪记录", Query: cases.Query{Name: "买买提"}}, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := s.cases.Search(tc.q)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := len(p.Items), tc.want; got != want {
				t.Fatalf("%d cases, want %d", got, want)
			}
			if tc.want == 1 && p.Items[0].CaseID != caseID {
				t.Fatalf("found %s, want %s", p.Items[0].CaseID, caseID)
			}
		})
	}
}
