// Package sqlitestore is the platform's embedded default database: one
// SQLite file (modernc, pure Go) for a single node, demos and tests.
package sqlitestore

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"

	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"tongban/platform/sqlstore"
)

//go:embed migrations/*.sql
var migrations embed.FS

// dsn sets the pragmas on every pooled connection (a PRAGMA through Exec
// would reach only one of them). Writers take the write lock at BEGIN so a
// transaction never fails half-way on a lock upgrade.
func dsn(path string, readOnly bool) string {
	q := url.Values{}
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "synchronous(FULL)")
	if readOnly {
		q.Add("_pragma", "query_only(1)")
	} else {
		q.Add("_pragma", "journal_mode(WAL)")
		q.Set("_txlock", "immediate")
	}
	return "file:" + filepath.ToSlash(path) + "?" + q.Encode()
}

// Open opens (creating if needed) the platform database at path.
func Open(ctx context.Context, path string) (*sqlstore.Store, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("create data dir: %w", err)
	}
	w, err := sql.Open("sqlite", dsn(path, false))
	if err != nil {
		return nil, fmt.Errorf("open sqlite: %w", err)
	}
	w.SetMaxOpenConns(1) // SQLite has one writer; one connection makes it explicit
	w.SetConnMaxLifetime(0)
	r, err := sql.Open("sqlite", dsn(path, true))
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("open sqlite readers: %w", err)
	}
	r.SetMaxOpenConns(4)
	sub, _ := fs.Sub(migrations, "migrations")
	s, err := sqlstore.New(ctx, w, r, sqlstore.Dialect{Name: "sqlite", Placeholders: "?"}, sub)
	if err != nil {
		w.Close()
		r.Close()
		return nil, fmt.Errorf("open platform db %s: %w", path, err)
	}
	return s, nil
}
