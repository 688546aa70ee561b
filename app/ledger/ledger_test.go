package ledger_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"tongban/app/audit"
	"tongban/app/cases"
	"tongban/app/identity"
	"tongban/app/ledger"
	"tongban/app/store"
)

var (
	clerk = cases.Actor{Username: "clerk1", Role: cases.RoleClerk}
	sup1  = cases.Actor{Username: "sup1", Role: cases.RoleSupervisor}
	sup2  = cases.Actor{Username: "sup2", Role: cases.RoleSupervisor}
	hand  = cases.Actor{Username: "h1", Role: cases.RoleHandler}
	// Monday 2026-11-30 09:00 hall time.
	weekStart = time.Date(2026, 11, 30, 9, 0, 0, 0, ledger.Zone)
)

const hall = "410105"

type env struct {
	db  *store.DB
	svc *cases.Service
	now *time.Time
}

func newEnv(tb testing.TB) *env {
	tb.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(tb.TempDir(), "tongban.db"))
	require.NoError(tb, err)
	tb.Cleanup(func() { db.Close() })
	e := &env{db: db}
	now := weekStart
	e.now = &now
	clock := func() time.Time { return *e.now }
	cal, err := cases.LoadCalendar(ctx, db)
	require.NoError(tb, err)
	require.NoError(tb, cal.EnsureBuiltin(ctx))
	e.svc, err = cases.New(ctx, db, audit.New(db, "dev-A", clock), cal, cases.Config{DeviceID: "dev-A", HallCode: hall, Now: clock})
	require.NoError(tb, err)
	return e
}

func validID(body17 string) string { return body17 + string(identity.CheckDigit(body17)) }

var matters = []cases.MatterRef{
	{Code: "GA-001", Name: "开具有无犯罪记录证明", Mode: cases.ModeProxy, Kind: "承诺件", LegalLimitDays: 20, PromisedLimitDays: 7},
	{Code: "RS-002", Name: "社会保障卡申领", Mode: cases.ModeProxy, Kind: "承诺件", LegalLimitDays: 20, PromisedLimitDays: 5},
	{Code: "RS-002", Name: "社会保障卡申领", Mode: cases.ModeOnline, Kind: "承诺件", LegalLimitDays: 20, PromisedLimitDays: 5},
}

// populate creates n cases with random outcomes and ratings over the week.
func (e *env) populate(tb testing.TB, n int, seed uint64) {
	tb.Helper()
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(seed, 1))
	id := validID("41010519900307123")
	for i := range n {
		*e.now = weekStart.Add(time.Duration(rng.IntN(6*24)) * time.Hour)
		m := matters[rng.IntN(len(matters))]
		card := identity.Card{Name: "张三", Number: id, ValidUntil: "长期", Source: identity.SourceReader}
		ck, err := card.Check(*e.now)
		require.NoError(tb, err)
		st, err := e.svc.Open(ctx, clerk, cases.OpenInput{Intake: cases.Intake{Matter: m,
			Applicant: cases.Person{Name: "张三", IDNumber: id, Phone: "13812345678"}}, Identity: &ck,
			Materials: &cases.Materials{Items: []cases.MaterialItem{{ID: "a", Name: "居民身份证", Status: "received", Form: "原件", Pages: 1}}},
			Review:    &cases.Review{}})
		require.NoError(tb, err, "case %d", i)
		switch rng.IntN(5) {
		case 0: // stays under review
			continue
		case 1:
			st, err = e.svc.Refuse(ctx, clerk, st.CaseID, st.Version, []string{"不属于受理范围"}, nil)
			require.NoError(tb, err)
		default:
			st, err = e.svc.Accept(ctx, clerk, st.CaseID, st.Version)
			require.NoError(tb, err)
			if rng.IntN(2) == 0 {
				if m.Mode == cases.ModeProxy {
					st, err = e.svc.Record(ctx, clerk, st.CaseID, st.Version, cases.KindDispatched, "", cases.Dispatch{Places: []string{"440300"}})
					require.NoError(tb, err)
				}
				*e.now = e.now.Add(time.Duration(1+rng.IntN(72)) * time.Hour)
				st, err = e.svc.Record(ctx, hand, st.CaseID, st.Version, cases.KindHandlerReceived, "", cases.Handling{Place: "440300"})
				require.NoError(tb, err)
				st, err = e.svc.Record(ctx, hand, st.CaseID, st.Version, cases.KindHandled, "", cases.Handling{Place: "440300", Result: "ok"})
				require.NoError(tb, err)
			}
		}
		if rng.IntN(4) == 0 {
			continue // not rated
		}
		lvl := 1 + rng.IntN(5)
		in := cases.RatingInput{Visit: cases.VisitIntake, Level: lvl}
		if lvl <= 2 {
			in.Reasons = []string{"办事效率"}
		}
		st, err = e.svc.Rate(ctx, clerk, st.CaseID, st.Version, in, 3)
		require.NoError(tb, err)
		if lvl > 2 {
			continue
		}
		step := func(a cases.Actor, k cases.Kind, p cases.FollowUpStep) {
			p.Visit, p.Note = cases.VisitIntake, "记录"
			st, err = e.svc.FollowUp(ctx, a, st.CaseID, st.Version, k, p)
			require.NoError(tb, err)
		}
		switch rng.IntN(4) {
		case 0: // pending
		case 1:
			step(clerk, cases.KindCallback, cases.FollowUpStep{Contact: "phone"})
			step(clerk, cases.KindRectified, cases.FollowUpStep{})
			step(sup1, cases.KindFollowUpClosed, cases.FollowUpStep{})
		case 2:
			step(clerk, cases.KindAppealed, cases.FollowUpStep{Ground: "malicious"})
			step(sup1, cases.KindAppealDecided, cases.FollowUpStep{Upheld: true})
		case 3:
			step(clerk, cases.KindAppealed, cases.FollowUpStep{Ground: "mistaken"})
			step(sup2, cases.KindAppealDecided, cases.FollowUpStep{Upheld: false})
		}
	}
}

// expected folds every journal in Go, independently of the ledger's SQL.
func (e *env) expected(tb testing.TB, today string) map[string]*ledger.Row {
	tb.Helper()
	rows, err := e.db.Reader().Query("SELECT id, case_id, seq, kind, actor, role, hall_code, device_time, payload, based_on FROM case_actions ORDER BY case_id, seq")
	require.NoError(tb, err)
	defer rows.Close()
	byCase := map[string][]cases.Action{}
	var order []string
	for rows.Next() {
		var a cases.Action
		var t, p string
		require.NoError(tb, rows.Scan(&a.ID, &a.CaseID, &a.Seq, &a.Kind, &a.Actor, &a.Role, &a.HallCode, &t, &p, &a.BasedOn))
		a.DeviceTime, _ = time.Parse(time.RFC3339Nano, t)
		a.Payload = json.RawMessage(p)
		if _, ok := byCase[a.CaseID]; !ok {
			order = append(order, a.CaseID)
		}
		byCase[a.CaseID] = append(byCase[a.CaseID], a)
	}
	require.NoError(tb, rows.Err())
	out := map[string]*ledger.Row{}
	for _, id := range order {
		j := byCase[id]
		st, err := cases.Fold(j)
		require.NoError(tb, err)
		k := st.Matter.Code + "|" + string(st.Matter.Mode)
		r := out[k]
		if r == nil {
			r = &ledger.Row{MatterCode: st.Matter.Code, Mode: string(st.Matter.Mode)}
			out[k] = r
		}
		r.Received++
		switch st.Status {
		case cases.StatusRefused:
			r.Refused++
		case cases.StatusAccepted, cases.StatusDispatched, cases.StatusHandling:
			r.Accepted++
			r.InProgress++
			if st.Receipt != nil && st.Receipt.DueDate < today {
				r.Overdue++
			}
		case cases.StatusHandled:
			r.Accepted++
			r.Completed++
		case cases.StatusReviewing, cases.StatusReceived:
			r.InProgress++
		}
		lo := time.Date(2026, 11, 30, 0, 0, 0, 0, ledger.Zone)
		for _, rt := range st.Ratings {
			if rt.RatedAt.Before(lo) || !rt.RatedAt.Before(lo.AddDate(0, 0, 7)) {
				continue // satisfaction counts by rating day
			}
			if rt.FollowUp == cases.FollowVoided {
				r.Voided++
				continue
			}
			r.Ratings++
			if rt.Bad() {
				r.Bad++
				if rt.FollowUp == cases.FollowClosed {
					r.FollowClosed++
				} else {
					r.FollowPending++
					if rt.FollowUpDue < today {
						r.FollowOverdue++
					}
				}
			}
		}
	}
	return out
}

func TestReportMatchesJournal(t *testing.T) {
	e := newEnv(t)
	e.populate(t, 120, 7)
	ctx := context.Background()
	now := weekStart.AddDate(0, 0, 10) // Thursday of the next week: some cases and follow-ups overdue
	l, err := ledger.New(ctx, e.db, func() time.Time { return now })
	require.NoError(t, err)
	rep, err := l.Report(ctx, hall, "金水区政务服务中心", ledger.Query{Period: ledger.PeriodWeek, Anchor: "2026-12-02"})
	require.NoError(t, err)
	require.Equal(t, "2026-11-30", rep.From)
	require.Equal(t, "2026-12-06", rep.To)
	want := e.expected(t, now.Format("2006-01-02"))
	require.Len(t, rep.Rows, len(want))
	total := 0
	for _, got := range rep.Rows {
		w := want[got.MatterCode+"|"+got.Mode]
		require.NotNil(t, w, "unexpected row %s %s", got.MatterCode, got.Mode)
		name := got.MatterCode + " " + got.Mode
		require.Equal(t, w.Received, got.Received, name+" received")
		require.Equal(t, w.Accepted, got.Accepted, name+" accepted")
		require.Equal(t, w.Refused, got.Refused, name+" refused")
		require.Equal(t, w.Completed, got.Completed, name+" completed")
		require.Equal(t, w.InProgress, got.InProgress, name+" in progress")
		require.Equal(t, w.Overdue, got.Overdue, name+" overdue")
		require.Equal(t, w.Ratings, got.Ratings, name+" ratings")
		require.Equal(t, w.Bad, got.Bad, name+" bad")
		require.Equal(t, w.FollowClosed, got.FollowClosed, name+" follow closed")
		require.Equal(t, w.FollowPending, got.FollowPending, name+" follow pending")
		require.Equal(t, w.FollowOverdue, got.FollowOverdue, name+" follow overdue")
		require.Equal(t, w.Voided, got.Voided, name+" voided")
		total += got.Received
	}
	require.Equal(t, 120, total)
	require.Equal(t, 120, rep.Total.Received)
	require.Positive(t, rep.Total.Bad, "the seed yields bad ratings")
	require.Positive(t, rep.Total.Overdue, "the seed yields overdue cases")
	require.Positive(t, rep.Total.AvgHandlingDays)

	// Another hall's ledger is empty; so is the week before.
	other, err := l.Report(ctx, "440300", "", ledger.Query{Period: ledger.PeriodWeek, Anchor: "2026-12-02"})
	require.NoError(t, err)
	require.Empty(t, other.Rows)
	before, err := l.Report(ctx, hall, "", ledger.Query{Period: ledger.PeriodWeek, Anchor: "2026-11-29"})
	require.NoError(t, err)
	require.Empty(t, before.Rows)

	// The export holds the same figures.
	var buf bytes.Buffer
	n, err := l.Export(ctx, &buf, rep)
	require.NoError(t, err)
	require.Equal(t, 120, n)
	f, err := excelize.OpenReader(&buf)
	require.NoError(t, err)
	defer f.Close()
	require.Equal(t, []string{ledger.SheetSummary, ledger.SheetDetail}, f.GetSheetList())
	title, _ := f.GetCellValue(ledger.SheetSummary, "A1")
	require.Contains(t, title, "金水区政务服务中心")
	require.Contains(t, title, "2026-11-30 至 2026-12-06")
	h, _ := f.GetCellValue(ledger.SheetSummary, "E4")
	require.Equal(t, "收件", h)
	totRow := 5 + len(rep.Rows)
	lbl, _ := f.GetCellValue(ledger.SheetSummary, fmt.Sprintf("A%d", totRow))
	require.Equal(t, "合计", lbl)
	recv, _ := f.GetCellValue(ledger.SheetSummary, fmt.Sprintf("E%d", totRow))
	require.Equal(t, "120", recv)
	bad, _ := f.GetCellValue(ledger.SheetSummary, fmt.Sprintf("N%d", totRow))
	require.Equal(t, fmt.Sprint(rep.Total.Bad), bad)
	first, _ := f.GetCellValue(ledger.SheetSummary, "B5")
	require.Equal(t, rep.Rows[0].MatterCode, first)
	panes, err := f.GetPanes(ledger.SheetSummary)
	require.NoError(t, err)
	require.True(t, panes.Freeze)
	require.Equal(t, 4, panes.YSplit)
	wd, _ := f.GetColWidth(ledger.SheetSummary, "C")
	require.Greater(t, wd, 20.0)
	detail, err := f.GetRows(ledger.SheetDetail)
	require.NoError(t, err)
	require.Len(t, detail, 122)
	require.Equal(t, "受理编号", detail[1][1])
}

func TestResolve(t *testing.T) {
	now := time.Date(2026, 12, 2, 23, 30, 0, 0, time.UTC) // 07:30 on the 3rd in the hall
	for _, tc := range []struct {
		q        ledger.Query
		from, to string
		bad      bool
	}{
		{ledger.Query{Period: "day"}, "2026-12-03", "2026-12-03", false},
		{ledger.Query{Period: "week"}, "2026-11-30", "2026-12-06", false},
		{ledger.Query{Period: "month", Anchor: "2026-02-10"}, "2026-02-01", "2026-02-28", false},
		{ledger.Query{Period: "custom", From: "2026-01-01", To: "2026-03-31"}, "2026-01-01", "2026-03-31", false},
		{ledger.Query{Period: "custom", From: "2026-03-01", To: "2026-01-31"}, "", "", true},
		{ledger.Query{Period: "custom", From: "2020-01-01", To: "2026-01-31"}, "", "", true},
		{ledger.Query{Period: "year"}, "", "", true},
		{ledger.Query{Period: "day", Anchor: "12/03"}, "", "", true},
	} {
		f, to, err := ledger.Resolve(tc.q, now)
		if tc.bad {
			require.Error(t, err, "%+v", tc.q)
			continue
		}
		require.NoError(t, err)
		if got, want := f.Format("2006-01-02")+" "+to.Format("2006-01-02"), tc.from+" "+tc.to; got != want {
			t.Errorf("%+v: %s, want %s", tc.q, got, want)
		}
	}
}

func FuzzResolve(f *testing.F) {
	f.Add("custom", "", "2026-01-01", "2026-01-31")
	f.Add("week", "2026-13-01", "", "")
	f.Add("month", "2026-02-29", "", "")
	f.Fuzz(func(t *testing.T, period, anchor, from, to string) {
		a, b, err := ledger.Resolve(ledger.Query{Period: period, Anchor: anchor, From: from, To: to}, weekStart)
		if err == nil && b.Before(a) {
			t.Fatalf("%s..%s", a, b)
		}
	})
}
