// Package store owns the workstation's one SQLite file: opening it with the
// right pragmas, migrating it, checking it, backing it up and restoring it.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"

	"tongban/app/errs"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// DB is the workstation database: one writer connection (SQLite allows one
// writer at a time; a single pooled connection makes that explicit and
// avoids "database is locked" on lock upgrades) and a pool of readers.
type DB struct {
	path    string
	writer  *sql.DB
	readers *sql.DB
	schema  int
}

// dsn builds a modernc DSN with pragmas applied to every pooled connection.
func dsn(path string, readOnly bool) string {
	q := url.Values{}
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "busy_timeout(5000)")
	q.Add("_pragma", "synchronous(FULL)")
	if readOnly {
		q.Add("_pragma", "query_only(1)")
	} else {
		q.Add("_pragma", "journal_mode(WAL)")
		q.Set("_txlock", "immediate")
	}
	return "file:" + filepath.ToSlash(path) + "?" + q.Encode()
}

// Open opens (creating if absent) the database at path, checks its
// integrity, refuses a database written by a newer Tongban, and applies
// pending migrations. A damaged file yields an *errs.Error with code
// ECORRUPT; it is never replaced by a new empty database.
func Open(ctx context.Context, path string) (*DB, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("create data dir: %w", err)
	}
	existed := fileExists(path)
	w, err := sql.Open("sqlite", dsn(path, false))
	if err != nil {
		return nil, fmt.Errorf("open writer: %w", err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	db := &DB{path: path, writer: w}
	if err := db.ping(ctx); err != nil {
		w.Close()
		return nil, err
	}
	// The file holds personal data: owner only, however it was created.
	if err := os.Chmod(path, 0o600); err != nil {
		w.Close()
		return nil, fmt.Errorf("restrict database file: %w", err)
	}
	if existed {
		if err := db.Check(ctx); err != nil {
			w.Close()
			return nil, err
		}
	}
	if err := db.migrate(ctx); err != nil {
		w.Close()
		return nil, err
	}
	r, err := sql.Open("sqlite", dsn(path, true))
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("open readers: %w", err)
	}
	r.SetMaxOpenConns(4)
	db.readers = r
	return db, nil
}

func (db *DB) ping(ctx context.Context) error {
	// journal_mode(WAL) runs on first use, so a non-database file fails here.
	var n int
	err := db.writer.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_master").Scan(&n)
	if err != nil {
		return corrupt(db.path, err)
	}
	return nil
}

// Check runs SQLite's integrity check and reports ECORRUPT when it fails.
func (db *DB) Check(ctx context.Context) error {
	rows, err := db.writer.QueryContext(ctx, "PRAGMA integrity_check")
	if err != nil {
		return corrupt(db.path, err)
	}
	defer rows.Close()
	var problems []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return corrupt(db.path, err)
		}
		if s != "ok" {
			problems = append(problems, s)
		}
	}
	if err := rows.Err(); err != nil {
		return corrupt(db.path, err)
	}
	if len(problems) > 0 {
		return corrupt(db.path, fmt.Errorf("integrity check: %v", problems))
	}
	return nil
}

func corrupt(path string, err error) error {
	return errs.Wrap(err, errs.ECORRUPT,
		fmt.Sprintf("database %s is damaged or not a Tongban database", path),
		"本机数据库文件已损坏或不是通办工作台的数据库，请从最近的备份恢复（不会自动新建空数据库）")
}

// Path is the database file's path.
func (db *DB) Path() string { return db.path }

// Writer is the single writer connection pool (max one connection).
func (db *DB) Writer() *sql.DB { return db.writer }

// Reader is the read-only pool; use it for queries that need not see
// uncommitted writes of the caller.
func (db *DB) Reader() *sql.DB { return db.readers }

// SchemaVersion is the highest migration applied.
func (db *DB) SchemaVersion() int { return db.schema }

// WriteTx runs fn in one IMMEDIATE transaction on the writer connection,
// committing when fn returns nil and rolling back otherwise.
func (db *DB) WriteTx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := db.writer.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	if err := fn(tx); err != nil {
		if rbErr := tx.Rollback(); rbErr != nil && !errors.Is(rbErr, sql.ErrTxDone) {
			return errors.Join(err, fmt.Errorf("rollback: %w", rbErr))
		}
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// Close closes both pools.
func (db *DB) Close() error {
	var rerr error
	if db.readers != nil {
		rerr = db.readers.Close()
	}
	return errors.Join(rerr, db.writer.Close())
}

func fileExists(path string) bool {
	st, err := os.Stat(path)
	return err == nil && st.Size() > 0
}
