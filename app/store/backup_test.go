package store_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"tongban/app/errs"
	"tongban/app/store"
)

func putMeta(t *testing.T, db *store.DB, n int) {
	t.Helper()
	for i := 0; i < n; i++ {
		_, err := db.Writer().Exec("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)",
			"k"+strings.Repeat("x", i%7)+string(rune('a'+i%26))+time.Duration(i).String(), strings.Repeat("数据", 20))
		require.NoError(t, err)
	}
}

func countMeta(t *testing.T, db *store.DB) int {
	t.Helper()
	var n int
	require.NoError(t, db.Reader().QueryRow("SELECT count(*) FROM meta").Scan(&n))
	return n
}

func TestBackupListPrune(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db := MustOpen(t)
	putMeta(t, db, 10)
	bdir := filepath.Join(dir, "backups")
	t0 := time.Date(2024, 5, 6, 1, 30, 0, 0, time.UTC)
	var names []string
	for i := 0; i < 4; i++ {
		info, err := db.Backup(ctx, bdir, t0.Add(time.Duration(i)*time.Hour))
		require.NoError(t, err)
		require.Positive(t, info.Size)
		names = append(names, info.Name)
	}
	// Same instant twice: a distinct name, not a failure.
	dup, err := db.Backup(ctx, bdir, t0.Add(3*time.Hour))
	require.NoError(t, err)
	require.NotEqual(t, names[3], dup.Name)

	require.NoError(t, os.WriteFile(filepath.Join(bdir, "notes.txt"), []byte("x"), 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(bdir, ".tongban-x.db.tmp"), []byte("x"), 0o600))
	list, err := store.ListBackups(bdir)
	require.NoError(t, err)
	require.Len(t, list, 5)
	if got, want := list[len(list)-1].Name, "tongban-20240506T013000.000Z.db"; got != want {
		t.Fatalf("oldest = %q, want %q", got, want)
	}
	if got, want := list[len(list)-1].CreatedAt, t0; !got.Equal(want) {
		t.Fatalf("createdAt = %v, want %v", got, want)
	}
	for i := 1; i < len(list); i++ {
		require.False(t, list[i].CreatedAt.After(list[i-1].CreatedAt), "not newest first")
	}

	removed, err := store.PruneBackups(bdir, 2)
	require.NoError(t, err)
	require.Len(t, removed, 3)
	list, err = store.ListBackups(bdir)
	require.NoError(t, err)
	require.Len(t, list, 2)
	require.FileExists(t, filepath.Join(bdir, "notes.txt"), "prune deleted a non-backup file")

	_, err = store.FindBackup(bdir, "../tongban.db")
	require.Equal(t, errs.EINVALID, errs.Code(err))
	_, err = store.FindBackup(bdir, names[0])
	require.Equal(t, errs.ENOTFOUND, errs.Code(err))
	b, err := store.FindBackup(bdir, list[0].Name)
	require.NoError(t, err)
	require.Equal(t, list[0].Path, b.Path)

	empty, err := store.ListBackups(filepath.Join(dir, "none"))
	require.NoError(t, err)
	require.Empty(t, empty)
}

// TestCorruptRestore is issue 2's bad-input case: a damaged database is
// reported (ECORRUPT), never replaced by an empty one, and the latest backup
// brings the data back.
func TestCorruptRestore(t *testing.T) {
	corruptions := map[string]func(t *testing.T, path string){
		"truncated": func(t *testing.T, path string) {
			st, err := os.Stat(path)
			require.NoError(t, err)
			require.NoError(t, os.Truncate(path, st.Size()/2+100))
		},
		"header overwritten": func(t *testing.T, path string) {
			f, err := os.OpenFile(path, os.O_WRONLY, 0)
			require.NoError(t, err)
			_, err = f.WriteAt([]byte("garbage garbage garbage garbage!"), 0)
			require.NoError(t, err)
			require.NoError(t, f.Close())
		},
		"page scribbled": func(t *testing.T, path string) {
			f, err := os.OpenFile(path, os.O_WRONLY, 0)
			require.NoError(t, err)
			junk := []byte(strings.Repeat("\xff\x00\x13", 400))
			_, err = f.WriteAt(junk, 4096*2+7)
			require.NoError(t, err)
			require.NoError(t, f.Close())
		},
	}
	for name, corrupt := range corruptions {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			dir := t.TempDir()
			path := filepath.Join(dir, "tongban.db")
			bdir := filepath.Join(dir, "backups")
			db, err := store.Open(ctx, path)
			require.NoError(t, err)
			putMeta(t, db, 300)
			want := countMeta(t, db)
			_, err = db.Backup(ctx, bdir, time.Now())
			require.NoError(t, err)
			_, err = db.Writer().Exec("PRAGMA wal_checkpoint(TRUNCATE)")
			require.NoError(t, err)
			require.NoError(t, db.Close())

			corrupt(t, path)
			damaged, err := os.ReadFile(path)
			require.NoError(t, err)
			_, err = store.Open(ctx, path)
			require.Equal(t, errs.ECORRUPT, errs.Code(err), "open damaged: %v", err)
			require.NotEmpty(t, errs.Zh(err))

			latest, ok, err := store.LatestBackup(bdir)
			require.NoError(t, err)
			require.True(t, ok)
			aside, err := store.Restore(ctx, latest.Path, path)
			require.NoError(t, err)
			kept, err := os.ReadFile(aside)
			require.NoError(t, err, "damaged file must be kept aside")
			require.Equal(t, damaged, kept)
			require.NoFileExists(t, path+"-shm")

			db2, err := store.Open(ctx, path)
			require.NoError(t, err)
			defer db2.Close()
			if got := countMeta(t, db2); got != want {
				t.Fatalf("rows after restore = %d, want %d", got, want)
			}
		})
	}
}

func TestRestoreRefusesBadBackup(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "tongban.db")
	db, err := store.Open(ctx, path)
	require.NoError(t, err)
	putMeta(t, db, 5)
	require.NoError(t, db.Close())
	before, err := os.ReadFile(path)
	require.NoError(t, err)

	bad := filepath.Join(dir, "bad.db")
	require.NoError(t, os.WriteFile(bad, []byte("not a database, just some bytes of text here"), 0o600))
	foreign := filepath.Join(dir, "foreign.db")
	fdb, err := store.Open(ctx, filepath.Join(dir, "f", "x.db"))
	require.NoError(t, err)
	_, err = fdb.Writer().Exec("DROP TABLE schema_migrations")
	require.NoError(t, err)
	_, err = fdb.Writer().Exec("VACUUM INTO ?", foreign)
	require.NoError(t, err)
	fdb.Close()

	for _, b := range []string{bad, foreign, filepath.Join(dir, "missing.db")} {
		_, err := store.Restore(ctx, b, path)
		require.Equal(t, errs.ECORRUPT, errs.Code(err), "restore from %s: %v", b, err)
		after, err := os.ReadFile(path)
		require.NoError(t, err)
		require.Equal(t, before, after, "database touched by a refused restore")
		require.NoFileExists(t, path+".restoring")
	}
}

func TestRestoreRefusesOpenDatabase(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "tongban.db")
	db, err := store.Open(ctx, path)
	require.NoError(t, err)
	defer db.Close()
	putMeta(t, db, 3)
	info, err := db.Backup(ctx, filepath.Join(dir, "backups"), time.Now())
	require.NoError(t, err)
	st, err := os.Stat(info.Path)
	require.NoError(t, err)
	if got, want := st.Mode().Perm(), os.FileMode(0o600); got != want {
		t.Fatalf("backup mode = %v, want %v", got, want)
	}
	_, err = store.Restore(ctx, info.Path, path)
	require.Equal(t, errs.ECONFLICT, errs.Code(err), "%v", err)
	matches, _ := filepath.Glob(path + ".before-restore-*")
	require.Empty(t, matches, "database moved while in use")
	require.Equal(t, 3, countMeta(t, db), "open database disturbed")
}

func TestRestoreIntoEmptyDir(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t)
	putMeta(t, db, 3)
	info, err := db.Backup(ctx, t.TempDir(), time.Now())
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), "new", "tongban.db")
	aside, err := store.Restore(ctx, info.Path, path)
	require.NoError(t, err)
	require.Empty(t, aside)
	db2, err := store.Open(ctx, path)
	require.NoError(t, err)
	defer db2.Close()
	require.Equal(t, 3, countMeta(t, db2))
}

func TestBackuperServe(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	db := MustOpen(t)
	putMeta(t, db, 3)
	bdir := filepath.Join(t.TempDir(), "backups")
	b := store.NewBackuper(db, bdir, func() (time.Duration, int) { return 40 * time.Millisecond, 2 }, time.Now, nil)
	done := make(chan error, 1)
	go func() { done <- b.Serve(ctx) }()

	// The first backup is due at once (none exists), then every 40 ms; keep 2.
	// Wait until the first one has been pruned: that takes three backups.
	deadline := time.Now().Add(10 * time.Second)
	first := ""
	var list []store.BackupInfo
	for time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
		var err error
		list, err = store.ListBackups(bdir)
		require.NoError(t, err)
		if first == "" && len(list) > 0 {
			first = list[len(list)-1].Name
		}
		if first != "" && len(list) > 0 && list[len(list)-1].Name != first {
			break
		}
	}
	require.NotEmpty(t, first, "no scheduled backup")
	require.NotEqual(t, first, list[len(list)-1].Name, "schedule did not go on or did not prune")
	require.LessOrEqual(t, len(list), 2, "keep=2 not applied")

	info, err := b.BackupNow(ctx)
	require.NoError(t, err)
	require.FileExists(t, info.Path)
	require.NoError(t, b.LastError())

	cancel()
	select {
	case err := <-done:
		require.ErrorIs(t, err, context.Canceled)
	case <-time.After(5 * time.Second):
		t.Fatal("Serve did not stop")
	}
}

func TestBackuperFailureRetries(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t)
	// A file where the backup folder should be: every backup fails.
	bdir := filepath.Join(t.TempDir(), "blocked")
	require.NoError(t, os.WriteFile(bdir, []byte("x"), 0o600))
	b := store.NewBackuper(db, bdir, func() (time.Duration, int) { return time.Hour, 3 }, time.Now, nil)
	_, err := b.BackupNow(ctx)
	require.Error(t, err)
	require.Error(t, b.LastError())
}
