package app_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"tongban/app"
	"tongban/app/account"
	"tongban/app/catalog"
	"tongban/app/config"
	"tongban/app/paths"
)

type services struct {
	ws       *app.Workstation
	system   *app.SystemService
	auth     *app.AuthService
	catalog  *app.CatalogService
	settings *app.SettingsService
	sync     *app.SyncService
}

func openWS(t *testing.T, dir string) services {
	t.Helper()
	ws, err := app.Open(context.Background(), app.Options{DataDir: dir, Version: "test",
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ws.Close() })
	m := ws.Services()
	return services{ws: ws,
		system:   m["SystemService"].(*app.SystemService),
		auth:     m["AuthService"].(*app.AuthService),
		catalog:  m["CatalogService"].(*app.CatalogService),
		settings: m["SettingsService"].(*app.SettingsService),
		sync:     m["SyncService"].(*app.SyncService),
	}
}

func code(err error) string {
	var ae *app.APIError
	if errors.As(err, &ae) {
		return ae.Code
	}
	if err == nil {
		return ""
	}
	return "not an APIError: " + err.Error()
}

func TestFirstRunSetupLoginAndRoles(t *testing.T) {
	s := openWS(t, t.TempDir())

	st, err := s.auth.Status()
	if err != nil || !st.NeedsSetup || st.User != nil {
		t.Fatalf("fresh status = %+v, %v; want needsSetup and nobody signed in", st, err)
	}
	if _, err := s.catalog.Search(catalog.Query{Text: "户口"}); code(err) != "EUNAUTHORIZED" {
		t.Fatalf("search before login: code %q, want EUNAUTHORIZED", code(err))
	}
	if got := s.sync.Status(); got.State == "connected" || got.Label != "未连接平台" {
		t.Fatalf("sync status = %+v; must honestly say 未连接平台", got)
	}

	admin, err := s.auth.Setup("admin", "管理员甲", "Secret123")
	if err != nil || admin.Role != account.RoleAdmin {
		t.Fatalf("setup = %+v, %v", admin, err)
	}
	if _, err := s.auth.Setup("admin2", "second", "Secret123"); err == nil {
		t.Fatal("second setup succeeded; setup must work only while no user exists")
	}

	page, err := s.catalog.Search(catalog.Query{Text: "户口"})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, m := range page.Items {
		found = found || m.Name == "工作调动户口迁移"
	}
	if !found {
		t.Fatalf("search 户口 did not find 工作调动户口迁移 among %d items", len(page.Items))
	}

	if _, err := s.auth.AddUser("clerk1", "窗口甲", account.RoleClerk, "Clerk1234"); err != nil {
		t.Fatal(err)
	}
	s.auth.Logout()
	if _, err := s.auth.Login("clerk1", "wrong-pass1"); code(err) != "EUNAUTHORIZED" {
		t.Fatalf("wrong password: code %q", code(err))
	}
	if _, err := s.auth.Login("clerk1", "Clerk1234"); err != nil {
		t.Fatal(err)
	}
	view, err := s.settings.Get()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.settings.Save(view.Settings); code(err) != "EFORBIDDEN" {
		t.Fatalf("clerk saving settings: code %q, want EFORBIDDEN", code(err))
	}
	if _, err := s.system.Backup(); code(err) != "EFORBIDDEN" {
		t.Fatalf("clerk backup: code %q, want EFORBIDDEN", code(err))
	}

	s.auth.Lock()
	if _, err := s.catalog.Get("QG-2021-003"); code(err) != "ELOCKED" {
		t.Fatalf("while locked: code %q, want ELOCKED", code(err))
	}
	if _, err := s.auth.Unlock("nope-nope1"); code(err) != "EUNAUTHORIZED" {
		t.Fatalf("unlock with wrong password: code %q", code(err))
	}
	if _, err := s.auth.Unlock("Clerk1234"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.catalog.Facets(); err != nil {
		t.Fatalf("after unlock: %v", err)
	}
}

func TestSettingsSaveNamesBadKey(t *testing.T) {
	dir := t.TempDir()
	s := openWS(t, dir)
	if _, err := s.auth.Setup("admin", "管理员", "Secret123"); err != nil {
		t.Fatal(err)
	}
	view, err := s.settings.Get()
	if err != nil {
		t.Fatal(err)
	}
	bad := view.Settings
	bad.Hall.DivisionCode = "41A"
	_, err = s.settings.Save(bad)
	var ae *app.APIError
	if !errors.As(err, &ae) || ae.Code != "EINVALID" || ae.Field != "hall.divisionCode" || ae.Zh == "" {
		t.Fatalf("bad division code: %v; want EINVALID naming hall.divisionCode with a Chinese message", err)
	}
	good := view.Settings
	good.Hall = config.Hall{DivisionCode: "410102", Name: "郑州市中原区政务服务中心"}
	good.PlatformURL = "https://127.0.0.1:8443"
	if _, err := s.settings.Save(good); err != nil {
		t.Fatal(err)
	}
	if got := s.system.Info().HallName; got != "郑州市中原区政务服务中心" {
		t.Fatalf("hall name after save = %q", got)
	}
	if got := s.sync.Status(); got.State != "disconnected" || got.Label != "未连接平台" {
		t.Fatalf("sync status with a URL but no client = %+v", got)
	}
	s.ws.Close()
	s2 := openWS(t, dir)
	if got := s2.system.Info().HallName; got != "郑州市中原区政务服务中心" {
		t.Fatalf("hall name after restart = %q", got)
	}
}

func TestMalformedSettingsFileStartsSafely(t *testing.T) {
	dir := t.TempDir()
	if err := paths.Ensure(dir); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(paths.ConfigPath(dir), []byte("idleLockMinutes = \"soon\"\n[hall\nname = 1"), 0o600); err != nil {
		t.Fatal(err)
	}
	s := openWS(t, dir)
	if _, err := s.auth.Setup("admin", "管理员", "Secret123"); err != nil {
		t.Fatal(err)
	}
	view, err := s.settings.Get()
	if err != nil {
		t.Fatal(err)
	}
	if len(view.Problems) == 0 {
		t.Fatal("a malformed settings file reported no problem")
	}
	if view.Settings.IdleLockMinutes != config.Defaults().IdleLockMinutes {
		t.Fatalf("idle lock = %d, want the safe default", view.Settings.IdleLockMinutes)
	}
}

func TestCorruptDatabaseOffersRestore(t *testing.T) {
	dir := t.TempDir()
	s := openWS(t, dir)
	if _, err := s.auth.Setup("admin", "管理员", "Secret123"); err != nil {
		t.Fatal(err)
	}
	b, err := s.system.Backup()
	if err != nil {
		t.Fatal(err)
	}
	if err := s.ws.Close(); err != nil {
		t.Fatal(err)
	}
	dbPath := paths.DBPath(dir)
	if err := os.WriteFile(dbPath, []byte(strings.Repeat("garbage!", 1000)), 0o600); err != nil {
		t.Fatal(err)
	}
	os.Remove(dbPath + "-wal")
	os.Remove(dbPath + "-shm")

	s2 := openWS(t, dir)
	rec, err := s2.system.Recovery()
	if err != nil {
		t.Fatal(err)
	}
	if !rec.Needed || rec.Problem == nil || rec.Problem.Code != "ECORRUPT" || rec.Problem.Zh == "" {
		t.Fatalf("recovery = %+v; want needed with ECORRUPT and a Chinese message", rec)
	}
	if rec.LatestBackup == nil || rec.LatestBackup.Name != b.Name {
		t.Fatalf("latest backup = %+v, want %s", rec.LatestBackup, b.Name)
	}
	if _, err := s2.auth.Login("admin", "Secret123"); code(err) != "ECORRUPT" {
		t.Fatalf("login on a corrupt db: code %q, want ECORRUPT", code(err))
	}
	st, err := os.ReadFile(dbPath)
	if err != nil || !strings.HasPrefix(string(st), "garbage!") {
		t.Fatal("the damaged file was replaced before the user chose to restore")
	}
	rec, err = s2.system.RestoreBackup(rec.LatestBackup.Name)
	if err != nil {
		t.Fatal(err)
	}
	if rec.Needed {
		t.Fatalf("still needs recovery after restore: %+v", rec.Problem)
	}
	if _, err := s2.auth.Login("admin", "Secret123"); err != nil {
		t.Fatalf("login after restore: %v", err)
	}
	kept, _ := filepath.Glob(dbPath + "*")
	foundDamaged := false
	for _, k := range kept {
		if b, err := os.ReadFile(k); err == nil && strings.HasPrefix(string(b), "garbage!") {
			foundDamaged = true
		}
	}
	if !foundDamaged {
		t.Fatalf("the damaged database was deleted; files: %v", kept)
	}
}

// A restore while background work runs (backups, scanner, sync) must stop
// it, swap the file and start it again without deadlocking; Close then
// returns promptly.
func TestRestoreWhileRunning(t *testing.T) {
	dir := t.TempDir()
	s := openWS(t, dir)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s.ws.Start(ctx)
	if _, err := s.auth.Setup("admin", "管理员", "Secret123"); err != nil {
		t.Fatal(err)
	}
	b, err := s.system.Backup()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.auth.AddUser("later", "后加用户", account.RoleClerk, "Later1234"); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := s.system.RestoreBackup(b.Name)
		done <- err
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("restore did not finish in 30 s (deadlock?)")
	}
	if _, err := s.auth.Login("later", "Later1234"); code(err) != "EUNAUTHORIZED" {
		t.Fatalf("user added after the backup still exists after restore: %v", err)
	}
	if _, err := s.auth.Login("admin", "Secret123"); err != nil {
		t.Fatal(err)
	}
	closed := make(chan error, 1)
	go func() { closed <- s.ws.Close() }()
	select {
	case <-closed:
	case <-time.After(30 * time.Second):
		t.Fatal("Close did not return in 30 s after a restore")
	}
}
