package audit_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"path/filepath"
	"testing"
	"time"

	"tongban/app/audit"
	"tongban/app/store"
)

// mustOpen opens a fresh workstation database (migration 0004 holds the
// audit tables).
func mustOpen(tb testing.TB) *store.DB {
	tb.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(tb.TempDir(), "tongban.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

func fill(t *testing.T, l *audit.Log, n int) {
	t.Helper()
	for i := 0; i < n; i++ {
		_, err := l.Append(context.Background(), audit.Entry{Actor: "clerk1", Role: "clerk", Action: "case.viewed",
			ObjectType: "case", ObjectID: "c" + string(rune('0'+i%10)), Detail: json.RawMessage(`{"note":"查看 🙂 𠮷"}`)})
		if err != nil {
			t.Fatal(err)
		}
	}
}

func TestAppendListVerify(t *testing.T) {
	db := mustOpen(t)
	ctx := context.Background()
	clock := time.Date(2026, 12, 4, 9, 0, 0, 123456789, time.FixedZone("CST", 8*3600))
	l := audit.New(db, "dev-1", func() time.Time { return clock })
	fill(t, l, 12)
	got, err := l.List(ctx, audit.Filter{ObjectType: "case", ObjectID: "c1"})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Seq != 12 || got[1].Seq != 2 {
		t.Fatalf("list c1 = %+v, want seqs 12, 2", got)
	}
	if got, want := got[0].At, clock; !got.Equal(want) {
		t.Errorf("at = %v, want %v", got, want)
	}
	if got, want := got[0].DeviceID, "dev-1"; got != want {
		t.Errorf("device = %q, want %q", got, want)
	}
	rep, err := l.Verify(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK || rep.Entries != 12 || rep.HeadSeq != 12 {
		t.Fatalf("verify = %+v, want ok with 12 entries", rep)
	}
}

func TestVerifyFindsTampering(t *testing.T) {
	tests := []struct {
		name   string
		tamper func(*sql.DB) error
		kind   string
		seq    int64
	}{
		{"edited detail", func(db *sql.DB) error {
			_, err := db.Exec(`UPDATE audit_log SET detail = '{"note":"改过"}' WHERE seq = 4`)
			return err
		}, audit.ProblemEdited, 4},
		{"edited actor", func(db *sql.DB) error {
			_, err := db.Exec(`UPDATE audit_log SET actor = 'someone' WHERE seq = 7`)
			return err
		}, audit.ProblemEdited, 7},
		{"deleted in the middle", func(db *sql.DB) error {
			_, err := db.Exec(`DELETE FROM audit_log WHERE seq = 5`)
			return err
		}, audit.ProblemDeleted, 5},
		{"deleted at the end", func(db *sql.DB) error {
			_, err := db.Exec(`DELETE FROM audit_log WHERE seq >= 9`)
			return err
		}, audit.ProblemDeleted, 9},
		{"inserted with renumbering", func(db *sql.DB) error {
			// Shift 6.. up by one and put a forged entry at 6 that links to 5.
			if _, err := db.Exec(`UPDATE audit_log SET seq = -seq WHERE seq >= 6`); err != nil {
				return err
			}
			if _, err := db.Exec(`UPDATE audit_log SET seq = 1 - seq WHERE seq < 0`); err != nil {
				return err
			}
			var prev string
			if err := db.QueryRow(`SELECT hash FROM audit_log WHERE seq = 5`).Scan(&prev); err != nil {
				return err
			}
			e := audit.Entry{Seq: 6, ID: "forged", At: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), Actor: "x", Role: "clerk",
				DeviceID: "dev-1", Action: "case.viewed", ObjectType: "case", ObjectID: "c9", Detail: json.RawMessage("{}"), PrevHash: prev}
			e.Hash = e.ComputeHash()
			_, err := db.Exec(`INSERT INTO audit_log VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, e.Seq, e.ID, "2026-01-01T00:00:00.000000000Z",
				e.Actor, e.Role, e.DeviceID, e.Action, e.ObjectType, e.ObjectID, "{}", e.PrevHash, e.Hash)
			return err
		}, audit.ProblemInserted, 6},
		{"appended behind the program's back", func(db *sql.DB) error {
			_, err := db.Exec(`INSERT INTO audit_log SELECT 11, 'x', at, actor, role, device_id, action, object_type, object_id, detail, hash, hash FROM audit_log WHERE seq = 10`)
			return err
		}, audit.ProblemInserted, 11},
		{"deleted with renumbering", func(db *sql.DB) error {
			if _, err := db.Exec(`DELETE FROM audit_log WHERE seq = 3`); err != nil {
				return err
			}
			_, err := db.Exec(`UPDATE audit_log SET seq = seq - 1 WHERE seq > 3`)
			return err
		}, audit.ProblemDeleted, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := mustOpen(t)
			l := audit.New(db, "dev-1", nil)
			fill(t, l, 10)
			if err := tt.tamper(db.Writer()); err != nil {
				t.Fatal(err)
			}
			rep, err := l.Verify(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if rep.OK || len(rep.Problems) == 0 {
				t.Fatalf("verify OK after tampering: %+v", rep)
			}
			found := false
			for _, p := range rep.Problems {
				found = found || p.Kind == tt.kind && p.Seq == tt.seq && p.Zh != ""
			}
			if !found {
				t.Fatalf("problems = %+v, want %s at %d", rep.Problems, tt.kind, tt.seq)
			}
		})
	}
}

func TestAppendNeedsActor(t *testing.T) {
	l := audit.New(mustOpen(t), "dev-1", nil)
	if _, err := l.Append(context.Background(), audit.Entry{Action: "x"}); err == nil {
		t.Fatal("append without actor succeeded")
	}
}
