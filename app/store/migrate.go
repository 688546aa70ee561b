package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"
	"time"

	"tongban/app/errs"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// migration is one numbered SQL file, e.g. migrations/0002_catalog.sql.
type migration struct {
	version  int
	name     string
	sql      string
	checksum string
}

func loadMigrations() ([]migration, error) {
	entries, err := fs.ReadDir(migrationFS, "migrations")
	if err != nil {
		return nil, fmt.Errorf("read migrations: %w", err)
	}
	var ms []migration
	for _, e := range entries {
		name := e.Name()
		num, _, ok := strings.Cut(name, "_")
		if !ok || !strings.HasSuffix(name, ".sql") {
			return nil, fmt.Errorf("migration %q: name must be NNNN_name.sql", name)
		}
		v, err := strconv.Atoi(num)
		if err != nil {
			return nil, fmt.Errorf("migration %q: %w", name, err)
		}
		b, err := migrationFS.ReadFile("migrations/" + name)
		if err != nil {
			return nil, fmt.Errorf("read migration %q: %w", name, err)
		}
		sum := sha256.Sum256(b)
		ms = append(ms, migration{version: v, name: name, sql: string(b), checksum: hex.EncodeToString(sum[:])})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	for i := range ms {
		if ms[i].version != i+1 {
			return nil, fmt.Errorf("migrations must be numbered 1..n without gaps, found %s", ms[i].name)
		}
	}
	return ms, nil
}

// migrate applies every pending migration, each in its own transaction,
// recording version, name and checksum. It refuses a database whose schema
// is newer than this binary knows, and one whose applied migrations were
// changed after the fact (checksum mismatch).
func (db *DB) migrate(ctx context.Context) error {
	ms, err := loadMigrations()
	if err != nil {
		return err
	}
	_, err = db.writer.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY,
		name TEXT NOT NULL,
		checksum TEXT NOT NULL,
		applied_at TEXT NOT NULL)`)
	if err != nil {
		return corrupt(db.path, fmt.Errorf("create schema_migrations: %w", err))
	}
	applied := map[int]string{}
	maxApplied := 0
	rows, err := db.writer.QueryContext(ctx, "SELECT version, checksum FROM schema_migrations")
	if err != nil {
		return corrupt(db.path, fmt.Errorf("read schema_migrations: %w", err))
	}
	for rows.Next() {
		var v int
		var sum string
		if err := rows.Scan(&v, &sum); err != nil {
			rows.Close()
			return fmt.Errorf("scan schema_migrations: %w", err)
		}
		applied[v] = sum
		maxApplied = max(maxApplied, v)
	}
	rows.Close()
	if maxApplied > len(ms) {
		return errs.New(errs.ECONFLICT,
			fmt.Sprintf("database schema version %d is newer than this program supports (%d)", maxApplied, len(ms)),
			fmt.Sprintf("本机数据库由更新版本的通办工作台创建（数据库版本 %d，本程序支持到 %d），请升级程序后再打开，数据未做任何改动", maxApplied, len(ms)))
	}
	for _, m := range ms {
		if sum, ok := applied[m.version]; ok {
			if sum != m.checksum {
				return errs.New(errs.ECONFLICT,
					fmt.Sprintf("migration %s was changed after it was applied (checksum mismatch)", m.name),
					"数据库结构记录与程序不一致（迁移校验和不符），请联系技术支持")
			}
			continue
		}
		err := db.WriteTx(ctx, func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, m.sql); err != nil {
				return fmt.Errorf("apply %s: %w", m.name, err)
			}
			_, err := tx.ExecContext(ctx,
				"INSERT INTO schema_migrations(version, name, checksum, applied_at) VALUES (?, ?, ?, ?)",
				m.version, m.name, m.checksum, time.Now().UTC().Format(time.RFC3339))
			return err
		})
		if err != nil {
			return fmt.Errorf("migrate: %w", err)
		}
	}
	db.schema = len(ms)
	return nil
}
