// Package pgtest gives tests a private PostgreSQL database on the server
// that scripts/start-postgres.sh started (TONGBAN_TEST_PG). Without it the
// tests skip, except under CI (CI set), where they fail.
package pgtest

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/google/uuid"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
)

// DSN returns the admin DSN of the test server, or skips (fails under CI).
func DSN(t testing.TB) string {
	t.Helper()
	dsn := os.Getenv("TONGBAN_TEST_PG")
	if dsn == "" {
		dsn = os.Getenv("TONGBAN_TEST_POSTGRES_DSN")
	}
	if dsn == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("TONGBAN_TEST_PG is not set under CI: run eval \"$(scripts/start-postgres.sh)\" first")
		}
		t.Skip("TONGBAN_TEST_PG not set (eval \"$(scripts/start-postgres.sh)\" to run the PostgreSQL tests)")
	}
	return dsn
}

// NewDatabase creates an empty database for this test, dropped at its end,
// and returns its DSN.
func NewDatabase(t testing.TB, admin string) string {
	t.Helper()
	name := "tb_" + strings.ReplaceAll(uuid.NewString(), "-", "")[:20]
	db, err := sql.Open("pgx", admin)
	if err != nil {
		t.Fatalf("open admin: %v", err)
	}
	if _, err := db.ExecContext(context.Background(), "CREATE DATABASE "+name); err != nil {
		db.Close()
		t.Fatalf("create database: %v", err)
	}
	t.Cleanup(func() {
		_, _ = db.ExecContext(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
		db.Close()
	})
	u, err := url.Parse(admin)
	if err != nil {
		t.Fatalf("parse dsn: %v", err)
	}
	u.Path = "/" + name
	return fmt.Sprint(u)
}
