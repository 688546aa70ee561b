package main

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func runCmd(t *testing.T, stdin string, args ...string) (string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(stdin), &out, &errb)
	return out.String() + errb.String(), code
}

func TestAdminCommands(t *testing.T) {
	db := "sqlite:" + filepath.Join(t.TempDir(), "p.db")
	out, code := runCmd(t, "", "admin", "--db", db, "seed-demo")
	require.Equal(t, 0, code, out)
	assert.Contains(t, out, "410102")
	out, code = runCmd(t, "", "admin", "--db", db, "create-hall", "--code", "410103", "--name", "二七区", "--province", "河南省")
	require.Equal(t, 0, code, out)
	out, code = runCmd(t, "", "admin", "--db", db, "enroll-code", "--hall", "410103")
	require.Equal(t, 0, code, out)
	assert.Regexp(t, `^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}\n$`, out)
	_, code = runCmd(t, "", "admin", "--db", db, "enroll-code", "--hall", "999999")
	assert.Equal(t, 1, code, "unknown hall")
	out, code = runCmd(t, "secret-pass\n", "admin", "--db", db, "add-user", "--hall", "410102", "--username", "zhang", "--name", "张", "--role", "clerk")
	require.Equal(t, 0, code, out)
	_, code = runCmd(t, "short\n", "admin", "--db", db, "add-user", "--hall", "410102", "--username", "li", "--name", "李")
	assert.Equal(t, 1, code, "short password")
	out, code = runCmd(t, "", "admin", "--db", db, "revoke-device", "--id", "0190d6a0-0000-7000-8000-000000000000")
	assert.Equal(t, 1, code, out)
	_, code = runCmd(t, "", "admin", "--db", db, "nope")
	assert.Equal(t, 1, code)
	_, code = runCmd(t, "", "admin", "--db", "mysql://x")
	assert.Equal(t, 1, code)
	_, code = runCmd(t, "")
	assert.Equal(t, 2, code)
}

func TestServeDemo(t *testing.T) {
	dir := t.TempDir()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	ln.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int)
	var out bytes.Buffer
	go func() {
		done <- run(ctx, []string{"serve", "--db", "sqlite:" + filepath.Join(dir, "p.db"), "--addr", addr,
			"--blobs", filepath.Join(dir, "blobs"), "--demo"}, strings.NewReader(""), &out, &bytes.Buffer{})
	}()
	var resp *http.Response
	for i := 0; i < 100; i++ {
		resp, err = http.Get("http://" + addr + "/healthz")
		if err == nil {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, 200, resp.StatusCode)
	cancel()
	assert.Equal(t, 0, <-done)
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	require.GreaterOrEqual(t, len(lines), 2, out.String())
	// Hall A's line first and unchanged (scripts/run.sh reads it), then B's.
	assert.Regexp(t, `^demo: enrollment code for hall 410102 \(valid 24 h, single use\): [A-Z0-9]{4}(-[A-Z0-9]{4}){3}$`, lines[0])
	assert.Regexp(t, `^demo: enrollment code for hall 330106 杭州市西湖区行政服务中心 .*: [A-Z0-9]{4}(-[A-Z0-9]{4}){3}$`, lines[1])
	assert.NotEqual(t, lines[0][len(lines[0])-19:], lines[1][len(lines[1])-19:])
}

func TestRedact(t *testing.T) {
	if got, want := redact("postgres://u:secret@h:5432/db"), "postgres://u:***@h:5432/db"; got != want {
		t.Fatalf("redact = %q, want %q", got, want)
	}
}
