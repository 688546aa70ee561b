package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"

	"tongban/app/config"
	"tongban/app/errs"
	"tongban/app/paths"
	"tongban/app/store"
)

// ctlDataDir resolves the data directory from --data-dir, TONGBAN_DATA_DIR
// or the OS default.
func ctlDataDir(e *env) (string, error) {
	return paths.DataDir(e.dataDir)
}

// ctlOpenStore opens (creating and migrating if needed) the workstation
// database. A damaged database is reported with the restore command to run.
func ctlOpenStore(ctx context.Context, e *env) (*store.DB, string, error) {
	dir, err := ctlDataDir(e)
	if err != nil {
		return nil, "", err
	}
	db, err := store.Open(ctx, paths.DBPath(dir))
	if err != nil {
		if errs.Code(err) == errs.ECORRUPT {
			ctlHintRestore(e, dir)
		}
		return nil, dir, err
	}
	return db, dir, nil
}

// ctlOpenExisting is ctlOpenStore for commands that must not create a new
// empty database (check, version).
func ctlOpenExisting(ctx context.Context, e *env) (*store.DB, string, error) {
	dir, err := ctlDataDir(e)
	if err != nil {
		return nil, "", err
	}
	if _, err := os.Stat(paths.DBPath(dir)); errors.Is(err, fs.ErrNotExist) {
		return nil, dir, errs.New(errs.ENOTFOUND, fmt.Sprintf("no database at %s", paths.DBPath(dir)),
			"该数据目录下还没有数据库（首次启动工作台或执行任一 tongbanctl 命令时创建）")
	}
	return ctlOpenStore(ctx, e)
}

func ctlHintRestore(e *env, dir string) {
	latest, ok, err := store.LatestBackup(paths.BackupDir(dir))
	if err != nil || !ok {
		fmt.Fprintln(e.stderr, "没有可用的备份。/ No backup found.")
		return
	}
	fmt.Fprintf(e.stderr, "最近的备份 / latest backup: %s (%s)\n恢复 / restore: tongbanctl --data-dir %q restore --latest\n",
		latest.Name, latest.CreatedAt.Local().Format("2006-01-02 15:04:05"), dir)
}

// ctlSettings loads the settings file, printing its problems as warnings.
func ctlSettings(e *env, dir string) config.Settings {
	s, ps := config.Load(paths.ConfigPath(dir))
	for _, p := range ps {
		fmt.Fprintf(e.stderr, "warning: settings %s: %s / %s\n", p.Key, p.Message, p.Zh)
	}
	return s
}
