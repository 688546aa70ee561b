package cases

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"tongban/app/errs"
)

func TestSearchKinds(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	a := f.openCase(t, "䶮𠮷𪚥", applicantID, crimeMatter())
	*f.now = testNow.AddDate(0, 0, 3)
	other := crimeMatter()
	other.Code, other.Name = "MZ-002", "婚姻登记"
	b := f.openCase(t, "买买提·艾力", validID("65010219850505002"), other)
	_, err := f.svc.Accept(ctx, clerk, b.CaseID, b.Version)
	require.NoError(t, err)

	for _, tt := range []struct {
		name string
		q    Query
		want []string
	}{
		{"case number", Query{CaseNo: a.ProvisionalNo}, []string{a.CaseID}},
		{"rare characters prefix", Query{Name: "䶮𠮷"}, []string{a.CaseID}},
		{"middle dot look-alike", Query{Name: "买买提•艾"}, []string{b.CaseID}},
		{"phone", Query{Phone: "138-1234-5678"}, []string{b.CaseID, a.CaseID}},
		{"matter", Query{MatterCode: "MZ-002"}, []string{b.CaseID}},
		{"status", Query{Status: StatusAccepted}, []string{b.CaseID}},
		{"date range", Query{From: "2026-12-04", To: "2026-12-04"}, []string{a.CaseID}},
		{"from", Query{From: "2026-12-05"}, []string{b.CaseID}},
		{"nothing", Query{IDNumber: validID("11010519491231002")}, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			page, err := f.svc.Search(ctx, clerk, tt.q)
			require.NoError(t, err)
			var got []string
			for _, it := range page.Items {
				got = append(got, it.CaseID)
			}
			require.Equal(t, tt.want, got)
		})
	}
	if _, err := f.svc.Search(ctx, clerk, Query{From: "12/04/2026"}); errs.Code(err) != errs.EINVALID {
		t.Fatalf("bad date: %v", err)
	}
	page, err := f.svc.Search(ctx, clerk, Query{Limit: 1})
	require.NoError(t, err)
	if len(page.Items) != 1 || !page.More {
		t.Fatalf("paging: %d items, more=%v", len(page.Items), page.More)
	}
}

func TestHomeQueueFlags(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	st := f.openCase(t, "甲", applicantID, crimeMatter()) // notice due 2026-12-11
	acc := f.openCase(t, "乙", validID("41010519800101001"), crimeMatter())
	acc, err := f.svc.Accept(ctx, clerk, acc.CaseID, acc.Version) // due 2026-12-15
	require.NoError(t, err)
	*f.now = time.Date(2026, 12, 14, 9, 0, 0, 0, hallZone) // Monday
	q, err := f.svc.HomeQueue(ctx, clerk, 0)
	require.NoError(t, err)
	if q.Open != 2 || q.Overdue != 1 || q.DueSoon != 1 || len(q.Items) != 2 {
		t.Fatalf("queue = %+v", q)
	}
	if q.Items[0].CaseID != st.CaseID || !q.Items[0].Overdue || q.Items[1].CaseID != acc.CaseID || !q.Items[1].DueSoon {
		t.Fatalf("queue order/flags = %+v", q.Items)
	}
}

func TestDraftsSurviveRestart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tongban.db")
	f := openFixture(t, path, "dev-A")
	ctx := context.Background()
	d, err := f.svc.SaveDraft(ctx, clerk, Draft{Step: "matter", MatterCode: "GA-001", Data: json.RawMessage(`{"matter":"GA-001"}`)})
	require.NoError(t, err)
	d.Step, d.Data = "applicant", json.RawMessage(`{"matter":"GA-001","name":"张𠮷 🙂"}`)
	d, err = f.svc.SaveDraft(ctx, clerk, d)
	require.NoError(t, err)
	require.Equal(t, 2, d.Revision)
	stale := d
	stale.Revision = 1
	if _, err := f.svc.SaveDraft(ctx, clerk, stale); errs.Code(err) != errs.ECONFLICT {
		t.Fatalf("stale save: %v, want ECONFLICT", err)
	}
	if _, err := f.svc.GetDraft(ctx, clerk2, d.ID); errs.Code(err) != errs.ENOTFOUND {
		t.Fatalf("other clerk reads draft: %v", err)
	}
	if _, err := f.svc.SaveDraft(ctx, clerk, Draft{Step: "x", Data: json.RawMessage(`{`)}); errs.Code(err) != errs.EINVALID {
		t.Fatalf("bad JSON draft: %v", err)
	}
	f.db.Close() // the window closes

	g := openFixture(t, path, "dev-A")
	ds, err := g.svc.ListDrafts(ctx, clerk)
	require.NoError(t, err)
	require.Len(t, ds, 1)
	if ds[0].Step != "applicant" || string(ds[0].Data) != `{"matter":"GA-001","name":"张𠮷 🙂"}` {
		t.Fatalf("resumed draft = %+v", ds[0])
	}
	_, err = g.svc.Open(ctx, clerk, OpenInput{DraftID: d.ID, Intake: intake("张𠮷", applicantID, crimeMatter())})
	require.NoError(t, err)
	ds, _ = g.svc.ListDrafts(ctx, clerk)
	require.Empty(t, ds, "draft deleted with the case it became")
}

func TestOpenRejectsBadInput(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	for _, tt := range []struct {
		name  string
		edit  func(*Intake)
		field string
	}{
		{"bad check digit", func(in *Intake) { in.Applicant.IDNumber = applicantID[:17] + "0" }, "applicant.idNumber"},
		{"long name", func(in *Intake) { in.Applicant.Name = strings.Repeat("𠮷", 60) }, "applicant.name"},
		{"no matter", func(in *Intake) { in.Matter.Code = "" }, "matter"},
		{"bad mode", func(in *Intake) { in.Matter.Mode = "快递" }, "mode"},
		{"long address", func(in *Intake) { in.Applicant.Address = strings.Repeat("路", MaxAddress+1) }, ""},
		{"long form", func(in *Intake) { in.Form["purpose"] = strings.Repeat("🎓", MaxFormText+1) }, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			in := intake("张三", applicantID, crimeMatter())
			tt.edit(&in)
			_, err := f.svc.Open(ctx, clerk, OpenInput{Intake: in})
			var e *errs.Error
			require.ErrorAs(t, err, &e)
			require.Equal(t, errs.EINVALID, e.Code)
			require.NotEmpty(t, e.Zh)
			if tt.field != "" {
				require.Equal(t, tt.field, e.Field)
			}
		})
	}
}

func TestCalendar(t *testing.T) {
	f := newFixture(t)
	cal := f.svc.Calendar()
	d := func(s string) time.Time {
		t, _ := time.ParseInLocation("2006-01-02", s, hallZone)
		return t
	}
	for _, tt := range []struct {
		start string
		n     int
		want  string
		exact bool
	}{
		{"2026-09-30", 1, "2026-10-08", true}, // National Day holidays skipped
		{"2026-10-09", 1, "2026-10-10", true}, // Saturday working day (调休)
		{"2026-09-18", 1, "2026-09-20", true}, // Sunday working day
		{"2026-12-04", 5, "2026-12-11", true},
		{"2026-12-31", 1, "2027-01-01", false}, // 2027 not imported: approximate
	} {
		got, exact := cal.AddWorkingDays(d(tt.start), tt.n)
		if got.Format("2006-01-02") != tt.want || exact != tt.exact {
			t.Errorf("AddWorkingDays(%s, %d) = %s exact=%v, want %s exact=%v", tt.start, tt.n, got.Format("2006-01-02"), exact, tt.want, tt.exact)
		}
	}
	ctx := context.Background()
	require.NoError(t, cal.ImportYear(ctx, 2027, "test", []Holiday{{Day: "2027-01-01", Kind: "holiday", Name: "元旦"}}))
	got, exact := cal.AddWorkingDays(d("2026-12-31"), 1)
	if got.Format("2006-01-02") != "2027-01-04" || !exact {
		t.Errorf("after import: %s exact=%v", got.Format("2006-01-02"), exact)
	}
	if err := cal.ImportYear(ctx, 2027, "test", []Holiday{{Day: "2028-01-01", Kind: "holiday"}}); errs.Code(err) != errs.EINVALID {
		t.Errorf("wrong year accepted: %v", err)
	}
	if got, want := cal.WorkingDaysUntil(d("2026-09-30"), d("2026-10-10")), 3; got != want {
		t.Errorf("WorkingDaysUntil = %d, want %d", got, want)
	}
}
