package store_test

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"testing"

	"tongban/app/errs"
	"tongban/app/store"
)

// MustOpen opens a fresh database in a temporary directory.
func MustOpen(tb testing.TB) *store.DB {
	tb.Helper()
	db, err := store.Open(context.Background(), filepath.Join(tb.TempDir(), "tongban.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

func TestOpenMigratesAndReopens(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "tongban.db")
	db, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if db.SchemaVersion() < 1 {
		t.Fatalf("schema version = %d, want >= 1", db.SchemaVersion())
	}
	var mode string
	if err := db.Writer().QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
		t.Fatal(err)
	}
	if mode != "wal" {
		t.Fatalf("journal_mode = %q, want wal", mode)
	}
	var fk int
	if err := db.Reader().QueryRowContext(ctx, "PRAGMA foreign_keys").Scan(&fk); err != nil {
		t.Fatal(err)
	}
	if fk != 1 {
		t.Fatalf("foreign_keys on reader = %d, want 1", fk)
	}
	v := db.SchemaVersion()
	db.Close()
	db2, err := store.Open(ctx, path)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer db2.Close()
	if got := db2.SchemaVersion(); got != v {
		t.Fatalf("reopened schema = %d, want %d", got, v)
	}
}

func TestOpenRefusesNewerSchema(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "tongban.db")
	db, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Writer().Exec("INSERT INTO schema_migrations VALUES (9999, '9999_future.sql', 'x', '2030-01-01T00:00:00Z')"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	_, err = store.Open(ctx, path)
	if got, want := errs.Code(err), errs.ECONFLICT; got != want {
		t.Fatalf("code = %q (%v), want %q", got, err, want)
	}
}

func TestOpenRefusesCorruptFile(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	t.Run("garbage", func(t *testing.T) {
		path := filepath.Join(dir, "garbage.db")
		if err := os.WriteFile(path, []byte("this is not a database at all, just text that is long enough"), 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := store.Open(ctx, path)
		if got, want := errs.Code(err), errs.ECORRUPT; got != want {
			t.Fatalf("code = %q (%v), want %q", got, err, want)
		}
		b, _ := os.ReadFile(path)
		if len(b) == 0 || string(b[:4]) != "this" {
			t.Fatal("corrupt file was overwritten")
		}
	})
	t.Run("truncated", func(t *testing.T) {
		path := filepath.Join(dir, "trunc.db")
		db, err := store.Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 200; i++ {
			if _, err := db.Writer().Exec("INSERT INTO meta(key, value) VALUES (?, ?)", i, "value value value value value value value value"); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := db.Writer().Exec("PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
			t.Fatal(err)
		}
		db.Close()
		st, _ := os.Stat(path)
		if err := os.Truncate(path, st.Size()/2+100); err != nil {
			t.Fatal(err)
		}
		_, err = store.Open(ctx, path)
		if got, want := errs.Code(err), errs.ECORRUPT; got != want {
			t.Fatalf("code = %q (%v), want %q", got, err, want)
		}
	})
}

func TestWriteTxRollsBack(t *testing.T) {
	db := MustOpen(t)
	ctx := context.Background()
	_ = db.WriteTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.Exec("INSERT INTO meta(key, value) VALUES ('a', 'b')"); err != nil {
			t.Fatal(err)
		}
		return errs.New(errs.EINVALID, "stop", "停止")
	})
	var n int
	if err := db.Reader().QueryRow("SELECT count(*) FROM meta WHERE key = 'a'").Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Fatalf("rows after rollback = %d, want 0", n)
	}
}
