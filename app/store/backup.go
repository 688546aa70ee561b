package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"time"

	"tongban/app/errs"
)

// Backup file names: tongban-20240506T013000.123Z.db (UTC), so that the
// names sort by age and a half-written backup (.tmp) is never listed.
const (
	backupPrefix = "tongban-"
	backupSuffix = ".db"
	backupStamp  = "20060102T150405.000Z"
)

// BackupInfo describes one backup file (docs/api.md BackupInfo).
type BackupInfo struct {
	Name      string    `json:"name"`
	Path      string    `json:"path"`
	Size      int64     `json:"size"`
	CreatedAt time.Time `json:"createdAt"`
}

// Backup writes a consistent online copy of the database into dir with
// VACUUM INTO, through its own connection so that writers are not blocked
// (WAL). The copy is written under a temporary name, synced, checked with
// quick_check and only then renamed to its final name.
func (db *DB) Backup(ctx context.Context, dir string, now time.Time) (BackupInfo, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return BackupInfo{}, fmt.Errorf("create backup dir: %w", err)
	}
	name := backupPrefix + now.UTC().Format(backupStamp) + backupSuffix
	final := filepath.Join(dir, name)
	for i := 2; fileExists(final); i++ { // two backups in the same millisecond
		name = fmt.Sprintf("%s%s-%d%s", backupPrefix, now.UTC().Format(backupStamp), i, backupSuffix)
		final = filepath.Join(dir, name)
	}
	tmp := filepath.Join(dir, "."+name+".tmp")
	_ = os.Remove(tmp)
	if err := db.vacuumInto(ctx, tmp); err != nil {
		_ = os.Remove(tmp)
		return BackupInfo{}, err
	}
	if err := os.Chmod(tmp, 0o600); err != nil { // personal data: owner only
		_ = os.Remove(tmp)
		return BackupInfo{}, fmt.Errorf("protect backup: %w", err)
	}
	if err := syncFile(tmp); err != nil {
		_ = os.Remove(tmp)
		return BackupInfo{}, err
	}
	if err := verifyFile(ctx, tmp, "quick_check"); err != nil {
		_ = os.Remove(tmp)
		return BackupInfo{}, fmt.Errorf("verify new backup: %w", err)
	}
	if err := os.Rename(tmp, final); err != nil {
		_ = os.Remove(tmp)
		return BackupInfo{}, fmt.Errorf("name backup: %w", err)
	}
	if err := syncDir(dir); err != nil {
		return BackupInfo{}, err
	}
	st, err := os.Stat(final)
	if err != nil {
		return BackupInfo{}, fmt.Errorf("stat backup: %w", err)
	}
	return BackupInfo{Name: name, Path: final, Size: st.Size(), CreatedAt: now.UTC().Truncate(time.Millisecond)}, nil
}

func (db *DB) vacuumInto(ctx context.Context, target string) error {
	c, err := sql.Open("sqlite", dsn(db.path, false))
	if err != nil {
		return fmt.Errorf("open for backup: %w", err)
	}
	defer c.Close()
	c.SetMaxOpenConns(1)
	if _, err := c.ExecContext(ctx, "VACUUM INTO ?", target); err != nil {
		return fmt.Errorf("vacuum into: %w", err)
	}
	return nil
}

// ListBackups returns the backups in dir, newest first. A missing dir is
// an empty list.
func ListBackups(dir string) ([]BackupInfo, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return []BackupInfo{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("list backups: %w", err)
	}
	list := []BackupInfo{}
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasPrefix(name, backupPrefix) || !strings.HasSuffix(name, backupSuffix) {
			continue
		}
		st, err := e.Info()
		if err != nil {
			continue // removed meanwhile
		}
		created, ok := backupTime(name)
		if !ok {
			created = st.ModTime().UTC()
		}
		list = append(list, BackupInfo{Name: name, Path: filepath.Join(dir, name), Size: st.Size(), CreatedAt: created})
	}
	sort.SliceStable(list, func(i, j int) bool {
		if !list[i].CreatedAt.Equal(list[j].CreatedAt) {
			return list[i].CreatedAt.After(list[j].CreatedAt)
		}
		return list[i].Name > list[j].Name
	})
	return list, nil
}

func backupTime(name string) (time.Time, bool) {
	s := strings.TrimSuffix(strings.TrimPrefix(name, backupPrefix), backupSuffix)
	if len(s) < len(backupStamp) {
		return time.Time{}, false
	}
	t, err := time.Parse(backupStamp, s[:len(backupStamp)])
	return t, err == nil
}

// LatestBackup returns the newest backup in dir; ok is false when there is none.
func LatestBackup(dir string) (info BackupInfo, ok bool, err error) {
	list, err := ListBackups(dir)
	if err != nil || len(list) == 0 {
		return BackupInfo{}, false, err
	}
	return list[0], true, nil
}

// FindBackup resolves a backup by file name inside dir (no paths: a name
// from the UI or the command line cannot point outside the backup folder).
func FindBackup(dir, name string) (BackupInfo, error) {
	if name == "" || name != filepath.Base(name) || strings.ContainsAny(name, `/\`) {
		return BackupInfo{}, errs.Invalid("name", fmt.Sprintf("bad backup name %q", name), "备份名称无效")
	}
	list, err := ListBackups(dir)
	if err != nil {
		return BackupInfo{}, err
	}
	for _, b := range list {
		if b.Name == name {
			return b, nil
		}
	}
	return BackupInfo{}, errs.New(errs.ENOTFOUND, fmt.Sprintf("backup %q not found", name), fmt.Sprintf("找不到备份 %s", name))
}

// PruneBackups deletes all but the keep newest backups in dir (keep < 1
// counts as 1) and returns the names deleted. Only backup copies are ever
// deleted, never the database or a file moved aside by Restore.
func PruneBackups(dir string, keep int) ([]string, error) {
	keep = max(keep, 1)
	list, err := ListBackups(dir)
	if err != nil {
		return nil, err
	}
	var removed []string
	var errList []error
	for _, b := range list[min(keep, len(list)):] {
		if err := os.Remove(b.Path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			errList = append(errList, fmt.Errorf("remove old backup: %w", err))
			continue
		}
		removed = append(removed, b.Name)
	}
	return removed, errors.Join(errList...)
}

// Restore replaces the database at dbPath with the backup at backupPath.
// The database must be closed. The backup is verified first (opens, full
// integrity check, is a Tongban database); if it is bad nothing is touched.
// A database still open by a running program is refused (ECONFLICT).
// The current file, if any, is moved aside to <dbPath>.before-restore-<time>
// together with its -wal (never deleted); a stale -shm is removed. It
// returns the path the old file was moved to ("" if there was none).
func Restore(ctx context.Context, backupPath, dbPath string) (aside string, err error) {
	if err := verifyFile(ctx, backupPath, "integrity_check"); err != nil {
		return "", errs.Wrap(err, errs.ECORRUPT, fmt.Sprintf("backup %s is damaged", filepath.Base(backupPath)),
			"所选备份文件已损坏或不是通办工作台的数据库，未做任何改动，请选择其他备份")
	}
	if err := ensureNotInUse(ctx, dbPath); err != nil {
		return "", err
	}
	dir := filepath.Dir(dbPath)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("create data dir: %w", err)
	}
	tmp := dbPath + ".restoring"
	if err := copyFile(backupPath, tmp); err != nil {
		_ = os.Remove(tmp)
		return "", err
	}
	if _, err := os.Stat(dbPath); err == nil {
		aside = fmt.Sprintf("%s.before-restore-%s", dbPath, time.Now().UTC().Format("20060102T150405.000Z"))
		if err := os.Rename(dbPath, aside); err != nil {
			_ = os.Remove(tmp)
			return "", fmt.Errorf("move old database aside (is the program still running?): %w", err)
		}
		if _, err := os.Stat(dbPath + "-wal"); err == nil {
			if err := os.Rename(dbPath+"-wal", aside+"-wal"); err != nil {
				return aside, fmt.Errorf("move old wal aside: %w", err)
			}
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		_ = os.Remove(tmp)
		return "", fmt.Errorf("stat database: %w", err)
	}
	// A -wal or -shm left from the old file must not be applied to the restored one.
	for _, ext := range []string{"-wal", "-shm", "-journal"} {
		if err := os.Remove(dbPath + ext); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return aside, fmt.Errorf("remove stale %s: %w", ext, err)
		}
	}
	if err := os.Rename(tmp, dbPath); err != nil {
		return aside, fmt.Errorf("put restored database in place: %w", err)
	}
	return aside, syncDir(dir)
}

// ensureNotInUse refuses when another connection (this process or a
// running workstation) has the database open: an EXCLUSIVE-mode write lock
// cannot be taken then. A damaged file that SQLite cannot read is not "in
// use" and passes.
func ensureNotInUse(ctx context.Context, dbPath string) error {
	if !fileExists(dbPath) {
		return nil
	}
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(0)")
	q.Add("_pragma", "locking_mode(EXCLUSIVE)")
	c, err := sql.Open("sqlite", "file:"+filepath.ToSlash(dbPath)+"?"+q.Encode())
	if err != nil {
		return nil
	}
	defer c.Close()
	c.SetMaxOpenConns(1)
	_, err = c.ExecContext(ctx, "BEGIN IMMEDIATE; ROLLBACK;")
	var coded interface{ Code() int }
	if errors.As(err, &coded) && coded.Code()&0xff == sqliteBusy || err != nil && strings.Contains(err.Error(), "database is locked") {
		return errs.Wrap(err, errs.ECONFLICT, "database is in use by a running program",
			"数据库正被通办工作台程序使用，请先关闭程序再恢复备份")
	}
	return nil
}

const sqliteBusy = 5 // SQLITE_BUSY

// verifyFile opens path read-only (never creating it) and runs the given
// check pragma; it also requires Tongban's schema_migrations table.
func verifyFile(ctx context.Context, path, pragma string) error {
	st, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("open backup: %w", err)
	}
	if st.Size() == 0 {
		return errors.New("backup file is empty")
	}
	q := url.Values{}
	q.Set("mode", "ro")
	c, err := sql.Open("sqlite", "file:"+filepath.ToSlash(path)+"?"+q.Encode())
	if err != nil {
		return fmt.Errorf("open backup: %w", err)
	}
	defer c.Close()
	rows, err := c.QueryContext(ctx, "PRAGMA "+pragma)
	if err != nil {
		return fmt.Errorf("check backup: %w", err)
	}
	var problems []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			rows.Close()
			return fmt.Errorf("check backup: %w", err)
		}
		if s != "ok" {
			problems = append(problems, s)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("check backup: %w", err)
	}
	if len(problems) > 0 {
		return fmt.Errorf("%s: %v", pragma, problems)
	}
	var n int
	if err := c.QueryRowContext(ctx, "SELECT count(*) FROM schema_migrations").Scan(&n); err != nil {
		return fmt.Errorf("not a tongban database: %w", err)
	}
	return nil
}

func copyFile(src, dst string) (err error) {
	in, err := os.Open(src)
	if err != nil {
		return fmt.Errorf("open backup: %w", err)
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return fmt.Errorf("create restored file: %w", err)
	}
	defer func() {
		if cerr := out.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("close restored file: %w", cerr)
		}
	}()
	if _, err := io.Copy(out, in); err != nil {
		return fmt.Errorf("copy backup: %w", err)
	}
	if err := out.Sync(); err != nil {
		return fmt.Errorf("sync restored file: %w", err)
	}
	return nil
}

func syncFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return fmt.Errorf("open backup for sync: %w", err)
	}
	defer f.Close()
	if err := f.Sync(); err != nil {
		return fmt.Errorf("sync backup: %w", err)
	}
	return nil
}

func syncDir(dir string) error {
	if runtime.GOOS == "windows" {
		return nil // directories cannot be fsynced on Windows; rename is durable there
	}
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("open dir for sync: %w", err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync dir: %w", err)
	}
	return nil
}
