package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"time"

	"tongban/app/errs"
	"tongban/app/paths"
	"tongban/app/store"
)

func init() {
	commands["backup"] = command{
		summary: "back up the database now (VACUUM INTO <data-dir>/backups), --list to list backups",
		run:     runBackup,
	}
	commands["restore"] = command{
		summary: "restore NAME|--latest: replace the database with a verified backup (old file kept aside)",
		run:     runRestore,
	}
}

func runBackup(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("backup", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	list := fs.Bool("list", false, "list backups, newest first, instead of making one")
	asJSON := fs.Bool("json", false, "print JSON")
	if err := fs.Parse(args); err != nil || fs.NArg() != 0 {
		return errs.New(errs.EINVALID, "usage: tongbanctl backup [--list] [--json]", "用法：tongbanctl backup [--list] [--json]")
	}
	if *list {
		dir, err := ctlDataDir(e)
		if err != nil {
			return err
		}
		bs, err := store.ListBackups(paths.BackupDir(dir))
		if err != nil {
			return err
		}
		if *asJSON {
			return json.NewEncoder(e.stdout).Encode(bs)
		}
		if len(bs) == 0 {
			fmt.Fprintln(e.stdout, "没有备份 / no backups")
		}
		for _, b := range bs {
			fmt.Fprintf(e.stdout, "%s\t%s\t%d bytes\n", b.Name, b.CreatedAt.Local().Format("2006-01-02 15:04:05"), b.Size)
		}
		return nil
	}
	db, dir, err := ctlOpenStore(ctx, e)
	if err != nil {
		return err
	}
	defer db.Close()
	settings := ctlSettings(e, dir)
	b := store.NewBackuper(db, paths.BackupDir(dir), func() (time.Duration, int) {
		return time.Duration(settings.Backup.IntervalHours) * time.Hour, settings.Backup.Keep
	}, time.Now, nil)
	info, err := b.BackupNow(ctx)
	if err != nil {
		return errs.Wrap(err, errs.EINTERNAL, "backup failed", "备份失败："+err.Error())
	}
	if *asJSON {
		return json.NewEncoder(e.stdout).Encode(info)
	}
	fmt.Fprintf(e.stdout, "backup written: %s (%d bytes, keeping %d newest)\n", info.Path, info.Size, settings.Backup.Keep)
	return nil
}

func runRestore(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("restore", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	latest := fs.Bool("latest", false, "restore the newest backup")
	usage := errs.New(errs.EINVALID, "usage: tongbanctl restore NAME | --latest (see: tongbanctl backup --list)",
		"用法：tongbanctl restore 备份名称 或 --latest（备份列表：tongbanctl backup --list）")
	if err := fs.Parse(args); err != nil {
		return usage
	}
	if *latest == (fs.NArg() == 1) || fs.NArg() > 1 {
		return usage
	}
	dir, err := ctlDataDir(e)
	if err != nil {
		return err
	}
	bdir := paths.BackupDir(dir)
	var b store.BackupInfo
	if *latest {
		var ok bool
		b, ok, err = store.LatestBackup(bdir)
		if err != nil {
			return err
		}
		if !ok {
			return errs.New(errs.ENOTFOUND, "no backup to restore", "没有可恢复的备份")
		}
	} else if b, err = store.FindBackup(bdir, fs.Arg(0)); err != nil {
		return err
	}
	fmt.Fprintln(e.stderr, "请先关闭通办工作台程序。/ Close the Tongban workstation first.")
	aside, err := store.Restore(ctx, b.Path, paths.DBPath(dir))
	if err != nil {
		return err
	}
	db, err := store.Open(ctx, paths.DBPath(dir))
	if err != nil {
		return fmt.Errorf("open restored database: %w", err)
	}
	defer db.Close()
	fmt.Fprintf(e.stdout, "restored %s (schema %d)\n", b.Name, db.SchemaVersion())
	if aside != "" {
		fmt.Fprintf(e.stdout, "previous database kept at %s\n", aside)
	}
	return nil
}
