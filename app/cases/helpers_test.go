package cases

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"tongban/app/audit"
	"tongban/app/identity"
	"tongban/app/store"
)

// testNow is a Friday, 10:00 in the hall.
var testNow = time.Date(2026, 12, 4, 10, 0, 0, 0, hallZone)

var (
	clerk  = Actor{Username: "clerk1", DisplayName: "王窗口", Role: RoleClerk}
	clerk2 = Actor{Username: "clerk2", Role: RoleClerk}
	sup1   = Actor{Username: "sup1", DisplayName: "李审核", Role: RoleSupervisor}
	sup2   = Actor{Username: "sup2", Role: RoleSupervisor}
)

// mustOpenDB opens a workstation database (migration 0004 holds the
// issue-3 schema).
func mustOpenDB(tb testing.TB, path string) *store.DB {
	tb.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, path)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

type fixture struct {
	db    *store.DB
	svc   *Service
	audit *audit.Log
	now   *time.Time
	path  string
}

func newFixture(tb testing.TB) *fixture {
	tb.Helper()
	return openFixture(tb, filepath.Join(tb.TempDir(), "tongban.db"), "dev-A")
}

func openFixture(tb testing.TB, path, device string) *fixture {
	tb.Helper()
	ctx := context.Background()
	db := mustOpenDB(tb, path)
	now := testNow
	f := &fixture{db: db, now: &now, path: path}
	clock := func() time.Time { return *f.now }
	f.audit = audit.New(db, device, clock)
	cal, err := LoadCalendar(ctx, db)
	if err != nil {
		tb.Fatal(err)
	}
	if err := cal.EnsureBuiltin(ctx); err != nil {
		tb.Fatal(err)
	}
	svc, err := New(ctx, db, f.audit, cal, Config{DeviceID: device, HallCode: "410105", Now: clock})
	if err != nil {
		tb.Fatal(err)
	}
	f.svc = svc
	return f
}

func validID(body17 string) string { return body17 + string(identity.CheckDigit(body17)) }

var applicantID = validID("41010519900307123")

func crimeMatter() MatterRef {
	return MatterRef{Code: "GA-001", Name: "开具有无犯罪记录证明", Mode: ModeProxy, Kind: "承诺件", LegalLimitDays: 20, PromisedLimitDays: 7}
}

func intake(name, id string, m MatterRef) Intake {
	return Intake{Matter: m, Applicant: Person{Name: name, IDNumber: id, Phone: "13812345678", Address: "河南省郑州市金水区经三路 1 号"},
		Form: map[string]string{"purpose": "出国留学 🎓"}}
}

func checked(tb testing.TB, name, id string, src identity.Source) *identity.Checked {
	tb.Helper()
	c := identity.Card{Name: name, Number: id, ValidUntil: "长期", Source: src}
	ck, err := c.Check(testNow)
	if err != nil {
		tb.Fatal(err)
	}
	return &ck
}

func materials(status ...string) *Materials {
	m := &Materials{}
	names := []string{"居民身份证", "申请表"}
	for i, s := range status {
		it := MaterialItem{ID: string(rune('a' + i)), Name: names[i%2], Status: s, Form: "原件", Pages: 1}
		if s != "received" {
			it.Problem = "未提供"
		}
		m.Items = append(m.Items, it)
	}
	return m
}

// openCase opens a reviewed case ready for a decision.
func (f *fixture) openCase(tb testing.TB, name, id string, m MatterRef) State {
	tb.Helper()
	st, err := f.svc.Open(context.Background(), clerk, OpenInput{Intake: intake(name, id, m),
		Identity: checked(tb, name, id, identity.SourceReader), Materials: materials("received", "received"), Review: &Review{}})
	if err != nil {
		tb.Fatal(err)
	}
	return st
}
