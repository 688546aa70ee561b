// Package sqlstore implements platform.Store over database/sql for any
// dialect that has RETURNING and ON CONFLICT (SQLite 3.35+, PostgreSQL).
// sqlitestore and pgstore open the database, bring their migrations and a
// Dialect, and both run the same conformance suite (platform/storetest).
package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"strings"
	"time"

	"github.com/google/uuid"

	"tongban/platform"
)

// Dialect is what differs between databases.
type Dialect struct {
	Name string
	// Placeholders: "?" (SQLite) or "$" ($1, $2 ... for PostgreSQL).
	Placeholders string
	// LockMigrations runs first in the migration transaction (PostgreSQL
	// takes an advisory lock so that nodes starting together migrate once).
	LockMigrations string
	// ReadTx are the options of a pull's read transaction: one snapshot for
	// all its statements.
	ReadTx *sql.TxOptions
}

// Store is platform.Store on a database/sql pool. Writes go to db; reads
// that need a snapshot go to rdb (the same pool on PostgreSQL, a pool of
// read-only connections on SQLite).
type Store struct {
	db, rdb *sql.DB
	d       Dialect
	// platformID signs the platform's own journal entries (deviceId of
	// system actions).
	platformID string
}

var _ platform.Store = (*Store)(nil)

// New migrates db with the numbered NNNN_name.sql files of migrations and
// returns the store. rdb may be db.
func New(ctx context.Context, db, rdb *sql.DB, d Dialect, migrations fs.FS) (*Store, error) {
	s := &Store{db: db, rdb: rdb, d: d}
	if err := s.migrate(ctx, migrations); err != nil {
		return nil, err
	}
	if err := s.initMeta(ctx); err != nil {
		return nil, err
	}
	id, err := s.PlatformID(ctx)
	if err != nil {
		return nil, err
	}
	s.platformID = id
	return s, nil
}

// DB returns the write pool (tests and the admin CLI use it).
func (s *Store) DB() *sql.DB { return s.db }

// Close closes the pools.
func (s *Store) Close() error {
	err := s.db.Close()
	if s.rdb != s.db {
		if e := s.rdb.Close(); err == nil {
			err = e
		}
	}
	return err
}

// Ping checks the database.
func (s *Store) Ping(ctx context.Context) error { return s.db.PingContext(ctx) }

// rebind turns "?" placeholders into the dialect's.
func (s *Store) rebind(q string) string {
	if s.d.Placeholders != "$" {
		return q
	}
	var b strings.Builder
	n := 0
	for i := 0; i < len(q); i++ {
		if q[i] == '?' {
			n++
			fmt.Fprintf(&b, "$%d", n)
			continue
		}
		b.WriteByte(q[i])
	}
	return b.String()
}

type queryer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func (s *Store) exec(ctx context.Context, q queryer, query string, args ...any) (sql.Result, error) {
	return q.ExecContext(ctx, s.rebind(query), args...)
}

func (s *Store) query(ctx context.Context, q queryer, query string, args ...any) (*sql.Rows, error) {
	return q.QueryContext(ctx, s.rebind(query), args...)
}

func (s *Store) row(ctx context.Context, q queryer, query string, args ...any) *sql.Row {
	return q.QueryRowContext(ctx, s.rebind(query), args...)
}

// inTx runs fn in a write transaction.
func (s *Store) inTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// Times are stored as Unix microseconds in both dialects.
func us(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMicro()
}

func fromUS(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return time.UnixMicro(v).UTC()
}

func nullUS(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UnixMicro()
}

func fromNullUS(v sql.NullInt64) time.Time {
	if !v.Valid {
		return time.Time{}
	}
	return fromUS(v.Int64)
}

func newID() string { return uuid.Must(uuid.NewV7()).String() }
