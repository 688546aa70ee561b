package main

import (
	"context"
	"flag"
	"fmt"

	"tongban/app/config"
	"tongban/app/errs"
	"tongban/app/paths"
	"tongban/app/store"
)

func init() {
	commands["check"] = command{
		summary: "check the database (integrity, foreign keys) and the settings file",
		run:     runCheck,
	}
}

// checkStep is one verification of `tongbanctl check`.
type checkStep struct {
	name string
	run  func(ctx context.Context, db *store.DB, dataDir string) error
}

// checkSteps run in order against an open database.
//
// "page blobs" is the scanner's blob verification: every stored page's
// SHA-256 matches its content address and every page row has its blob.
func checkSteps() []checkStep {
	return []checkStep{
		{"database integrity", func(ctx context.Context, db *store.DB, _ string) error { return db.Check(ctx) }},
		{"foreign keys", checkForeignKeys},
		{"settings file", checkSettings},
		{"page blobs", checkBlobs}, // check_blobs.go
	}
}

func checkForeignKeys(ctx context.Context, db *store.DB, _ string) error {
	rows, err := db.Reader().QueryContext(ctx, "PRAGMA foreign_key_check")
	if err != nil {
		return fmt.Errorf("foreign key check: %w", err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		n++
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("foreign key check: %w", err)
	}
	if n > 0 {
		return errs.New(errs.ECORRUPT, fmt.Sprintf("%d rows violate foreign keys", n),
			fmt.Sprintf("有 %d 行数据的关联记录缺失", n))
	}
	return nil
}

func checkSettings(_ context.Context, _ *store.DB, dataDir string) error {
	_, ps := config.Load(paths.ConfigPath(dataDir))
	if len(ps) == 0 {
		return nil
	}
	e := config.ProblemsError(ps)
	return e
}

func runCheck(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	if err := fs.Parse(args); err != nil || fs.NArg() != 0 {
		return errs.New(errs.EINVALID, "usage: tongbanctl check", "用法：tongbanctl check")
	}
	db, dir, err := ctlOpenExisting(ctx, e)
	if err != nil {
		fmt.Fprintf(e.stdout, "%-20s FAILED\n", "database integrity")
		return err
	}
	defer db.Close()
	failed := 0
	for _, s := range checkSteps() {
		if err := s.run(ctx, db, dir); err != nil {
			failed++
			fmt.Fprintf(e.stdout, "%-20s FAILED: %v\n", s.name, err)
			if zh := errs.Zh(err); zh != "" {
				fmt.Fprintf(e.stdout, "%-20s %s\n", "", zh)
			}
			continue
		}
		fmt.Fprintf(e.stdout, "%-20s ok\n", s.name)
	}
	if failed > 0 {
		return errs.New(errs.ECORRUPT, fmt.Sprintf("%d checks failed", failed), fmt.Sprintf("%d 项检查未通过", failed))
	}
	fmt.Fprintf(e.stdout, "all checks passed (%s, schema %d)\n", paths.DBPath(dir), db.SchemaVersion())
	return nil
}
