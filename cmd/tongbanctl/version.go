package main

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"

	"tongban/app/paths"
	"tongban/app/store"
)

// version is set at build time: go build -ldflags "-X main.version=1.2.3".
var version = "dev"

func init() {
	commands["version"] = command{
		summary: "print the program version and the schema versions",
		run:     runVersion,
	}
}

func runVersion(ctx context.Context, e *env, _ []string) error {
	fmt.Fprintf(e.stdout, "tongbanctl %s (%s, %s/%s)\n", version, runtime.Version(), runtime.GOOS, runtime.GOARCH)
	fmt.Fprintf(e.stdout, "schema supported: %d\n", store.SupportedSchemaVersion())
	dir, err := ctlDataDir(e)
	if err != nil {
		return err
	}
	dbPath := paths.DBPath(dir)
	v, err := dbSchemaVersion(ctx, dbPath)
	switch {
	case err != nil:
		fmt.Fprintf(e.stdout, "database: %s (unreadable: %v)\n", dbPath, err)
	case v < 0:
		fmt.Fprintf(e.stdout, "database: %s (not created yet)\n", dbPath)
	default:
		fmt.Fprintf(e.stdout, "database: %s (schema %d)\n", dbPath, v)
	}
	return nil
}

// dbSchemaVersion reads the applied schema version without migrating or
// creating anything; -1 means there is no database file.
func dbSchemaVersion(ctx context.Context, path string) (int, error) {
	if _, err := os.Stat(path); err != nil {
		return -1, nil
	}
	q := url.Values{}
	q.Set("mode", "ro")
	c, err := sql.Open("sqlite", "file:"+filepath.ToSlash(path)+"?"+q.Encode())
	if err != nil {
		return 0, err
	}
	defer c.Close()
	var v sql.NullInt64
	if err := c.QueryRowContext(ctx, "SELECT max(version) FROM schema_migrations").Scan(&v); err != nil {
		return 0, err
	}
	return int(v.Int64), nil
}
