package main

import (
	"context"
	"fmt"
	"strings"

	"tongban/platform/pgstore"
	"tongban/platform/sqlitestore"
	"tongban/platform/sqlstore"
)

// openStore opens sqlite:PATH or postgres://... (postgresql:// too).
func openStore(ctx context.Context, db string) (*sqlstore.Store, error) {
	switch {
	case strings.HasPrefix(db, "sqlite:"):
		path := strings.TrimPrefix(db, "sqlite:")
		if path == "" {
			return nil, fmt.Errorf("--db sqlite: needs a path")
		}
		return sqlitestore.Open(ctx, path)
	case strings.HasPrefix(db, "postgres://"), strings.HasPrefix(db, "postgresql://"):
		return pgstore.Open(ctx, db)
	case db == "":
		return nil, fmt.Errorf("--db is required (sqlite:PATH or postgres://...)")
	}
	return nil, fmt.Errorf("--db %q: want sqlite:PATH or postgres://", redact(db))
}

// redact hides a password in a DSN before it is printed.
func redact(dsn string) string {
	at := strings.LastIndex(dsn, "@")
	scheme := strings.Index(dsn, "://")
	if at < 0 || scheme < 0 {
		return dsn
	}
	userinfo := dsn[scheme+3 : at]
	if user, _, ok := strings.Cut(userinfo, ":"); ok {
		return dsn[:scheme+3] + user + ":***" + dsn[at:]
	}
	return dsn
}
