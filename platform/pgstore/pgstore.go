// Package pgstore is the platform's production database: PostgreSQL through
// pgx. Several stateless platform nodes share one database.
package pgstore

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver

	"tongban/platform/sqlstore"
)

//go:embed migrations/*.sql
var migrations embed.FS

// migrationLock is the advisory lock key taken while migrating.
const migrationLock = 7_346_0006

// Open connects to the PostgreSQL database at dsn (postgres://...) and
// migrates it.
func Open(ctx context.Context, dsn string) (*sqlstore.Store, error) {
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	db.SetMaxOpenConns(20)
	db.SetMaxIdleConns(10)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("connect postgres: %w", err)
	}
	sub, _ := fs.Sub(migrations, "migrations")
	d := sqlstore.Dialect{
		Name:           "postgres",
		Placeholders:   "$",
		LockMigrations: fmt.Sprintf("SELECT pg_advisory_xact_lock(%d)", migrationLock),
		ReadTx:         &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true},
	}
	s, err := sqlstore.New(ctx, db, db, d, sub)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("open platform db: %w", err)
	}
	return s, nil
}
