package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"tongban/app/audit"
	"tongban/app/paths"
	"tongban/app/store"
)

// ctl runs tongbanctl with --data-dir dir and the given stdin for passwords.
func ctl(t *testing.T, dir, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(context.Background(), append([]string{"--data-dir", dir}, args...), strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

func TestUserCommands(t *testing.T) {
	dir := t.TempDir()

	code, _, stderr := ctl(t, dir, "Clerk2024\n", "user", "add", "--password-stdin", "zhangsan")
	require.Equal(t, 1, code)
	require.Contains(t, stderr, "第一个账户必须是管理员")

	code, _, stderr = ctl(t, dir, "", "user", "add", "--role", "admin", "--password", "Admin2024", "admin")
	require.Equal(t, 1, code)
	require.Contains(t, stderr, "--password-stdin")

	code, out, stderr := ctl(t, dir, "Admin2024\n", "user", "add", "--role", "admin", "--name", "系统管理员", "--password-stdin", "admin")
	require.Equal(t, 0, code, stderr)
	require.Contains(t, out, "added admin")

	code, _, stderr = ctl(t, dir, "short\n", "user", "add", "--password-stdin", "zhangsan")
	require.Equal(t, 1, code)
	require.Contains(t, stderr, "密码至少 8 位")

	code, _, stderr = ctl(t, dir, "Clerk2024\r\n", "user", "add", "--name", "张三", "--password-stdin", "zhangsan")
	require.Equal(t, 0, code, stderr)
	code, _, stderr = ctl(t, dir, "Super2024", "user", "add", "--role", "supervisor", "lisi")
	require.Equal(t, 0, code, stderr)
	require.Contains(t, stderr, "密码", "prompt expected without --password-stdin")

	code, _, stderr = ctl(t, dir, "", "user", "disable", "zhangsan")
	require.Equal(t, 0, code, stderr)
	code, _, stderr = ctl(t, dir, "", "user", "disable", "admin")
	require.Equal(t, 1, code)
	require.Contains(t, stderr, "ECONFLICT")

	code, out, _ = ctl(t, dir, "", "user", "list")
	require.Equal(t, 0, code)
	require.Contains(t, out, "张三")
	require.Contains(t, out, "停用")
	require.Contains(t, out, "审核人员")

	code, out, _ = ctl(t, dir, "", "user", "list", "--json")
	require.Equal(t, 0, code)
	var users []map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &users))
	require.Len(t, users, 3)
	require.NotContains(t, out, "argon2id", "hash leaked")

	code, _, stderr = ctl(t, dir, "Reset2025x\n", "user", "passwd", "--password-stdin", "lisi")
	require.Equal(t, 0, code, stderr)

	code, _, _ = ctl(t, dir, "", "user", "bogus")
	require.Equal(t, 1, code)
}

func TestBackupCheckRestore(t *testing.T) {
	dir := t.TempDir()
	code, _, stderr := ctl(t, dir, "", "check")
	require.Equal(t, 1, code, "check must not create a database")
	require.NoFileExists(t, paths.DBPath(dir))

	code, _, stderr = ctl(t, dir, "Admin2024\n", "user", "add", "--role", "admin", "--password-stdin", "admin")
	require.Equal(t, 0, code, stderr)
	code, out, stderr := ctl(t, dir, "", "check")
	require.Equal(t, 0, code, stderr)
	require.Contains(t, out, "all checks passed")

	code, out, stderr = ctl(t, dir, "", "backup")
	require.Equal(t, 0, code, stderr)
	require.Contains(t, out, "backup written")
	code, out, _ = ctl(t, dir, "", "backup", "--list", "--json")
	require.Equal(t, 0, code)
	var list []struct{ Name string }
	require.NoError(t, json.Unmarshal([]byte(out), &list))
	require.Len(t, list, 1)

	// Damage the database: check and user list report it and point at restore.
	dbPath := paths.DBPath(dir)
	st, err := os.Stat(dbPath)
	require.NoError(t, err)
	require.NoError(t, os.Truncate(dbPath, st.Size()/2))
	code, _, stderr = ctl(t, dir, "", "check")
	require.Equal(t, 1, code)
	require.Contains(t, stderr, "ECORRUPT")
	require.Contains(t, stderr, "restore --latest")

	code, _, _ = ctl(t, dir, "", "restore")
	require.Equal(t, 1, code, "restore needs NAME or --latest")
	code, _, _ = ctl(t, dir, "", "restore", "../../etc/passwd")
	require.Equal(t, 1, code)

	code, out, stderr = ctl(t, dir, "", "restore", "--latest")
	require.Equal(t, 0, code, stderr)
	require.Contains(t, out, "restored "+list[0].Name)
	require.Contains(t, out, "previous database kept at")

	code, out, _ = ctl(t, dir, "", "user", "list")
	require.Equal(t, 0, code)
	require.Contains(t, out, "admin", "account lost by restore")
	code, _, stderr = ctl(t, dir, "", "check")
	require.Equal(t, 0, code, stderr)

	aside, err := filepath.Glob(dbPath + ".before-restore-*")
	require.NoError(t, err)
	require.Len(t, aside, 1)

	// A bad settings key fails the check and names the key.
	require.NoError(t, os.WriteFile(paths.ConfigPath(dir), []byte("[hall]\ndivisionCode = \"12\"\n"), 0o600))
	code, out, _ = ctl(t, dir, "", "check")
	require.Equal(t, 1, code)
	require.Contains(t, out, "hall.divisionCode")
}

func TestVersion(t *testing.T) {
	dir := t.TempDir()
	code, out, _ := ctl(t, dir, "", "version")
	require.Equal(t, 0, code)
	require.Contains(t, out, "tongbanctl dev")
	require.Contains(t, out, "not created yet")
	ctl(t, dir, "Admin2024\n", "user", "add", "--role", "admin", "--password-stdin", "admin")
	code, out, _ = ctl(t, dir, "", "version")
	require.Equal(t, 0, code)
	require.Regexp(t, `schema supported: [1-9]`, out)
	require.Regexp(t, `\(schema [1-9][0-9]*\)`, out)
}

func TestDemoSeed(t *testing.T) {
	dir := t.TempDir()
	code, stdout, stderr := ctl(t, dir, "", "demo", "seed")
	require.Equal(t, 0, code, stderr)
	require.Contains(t, stdout, "clerk")

	code, stdout, _ = ctl(t, dir, "", "user", "list", "--json")
	require.Equal(t, 0, code)
	for _, u := range []string{"admin", "clerk", "supervisor", "field", "handler"} {
		require.Contains(t, stdout, `"`+u+`"`)
	}
	// A second seed changes nothing: accounts exist.
	code, stdout, _ = ctl(t, dir, "", "demo", "seed")
	require.Equal(t, 0, code)
	require.Contains(t, stdout, "nothing seeded")

	code, _, _ = ctl(t, dir, "", "demo", "wipe")
	require.Equal(t, 1, code)
}

func TestAuditVerifyFindsEditedEntry(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	db, err := store.Open(ctx, paths.DBPath(dir))
	require.NoError(t, err)
	log := audit.New(db, "WS-test", time.Now)
	for i := 0; i < 3; i++ {
		_, err := log.Append(ctx, audit.Entry{Actor: "clerk", Role: "clerk", Action: "case.view_personal",
			ObjectType: "case", ObjectID: fmt.Sprint("case-", i), Detail: json.RawMessage(`{}`)})
		require.NoError(t, err)
	}
	db.Close()

	code, stdout, stderr := ctl(t, dir, "", "audit", "verify")
	require.Equal(t, 0, code, stderr)
	require.Contains(t, stdout, "entries: 3")

	db, err = store.Open(ctx, paths.DBPath(dir))
	require.NoError(t, err)
	_, err = db.Writer().Exec("UPDATE audit_log SET actor = 'mallory' WHERE seq = 2")
	require.NoError(t, err)
	db.Close()

	code, stdout, stderr = ctl(t, dir, "", "audit", "verify")
	require.Equal(t, 1, code)
	require.Contains(t, stdout, "#2")
	require.Contains(t, stderr, "审计日志哈希链校验失败")
}
