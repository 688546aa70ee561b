package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCalendarCommands(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "2027.json")
	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(good, []byte(`{"year": 2027, "source": "测试通知", "days": [
		{"day": "2027-01-01", "kind": "holiday", "name": "元旦"},
		{"day": "2027-02-06", "kind": "workday", "name": "春节调休"}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bad, []byte(`{"year": 2027, "source": "s", "days": [
		{"day": "2027-01-01", "kind": "holiday", "name": "元旦"},
		{"day": "2027-01-05", "kind": "workday", "name": "周二"}]}`), 0o600); err != nil {
		t.Fatal(err)
	}

	code, out, _ := ctl(t, dir, "", "calendar", "list")
	if code != 0 || !strings.Contains(out, "2026") || strings.Contains(out, "2027") {
		t.Fatalf("list before import: code %d\n%s", code, out)
	}
	code, _, stderr := ctl(t, dir, "", "calendar", "import", bad)
	if code == 0 || !strings.Contains(stderr, "row 2") || !strings.Contains(stderr, "调休上班日应为周六或周日") {
		t.Fatalf("bad import: code %d\n%s", code, stderr)
	}
	code, _, stderr = ctl(t, dir, "", "calendar", "show", "2027")
	if code == 0 {
		t.Fatalf("bad file was partly imported: %s", stderr)
	}
	code, out, stderr = ctl(t, dir, "", "calendar", "import", good)
	if code != 0 || !strings.Contains(out, "imported 2027: 2 day(s)") {
		t.Fatalf("good import: code %d\n%s%s", code, out, stderr)
	}
	code, out, _ = ctl(t, dir, "", "calendar", "show", "2027")
	if code != 0 || !strings.Contains(out, "2027-02-06  workday  春节调休") {
		t.Fatalf("show: code %d\n%s", code, out)
	}
	code, _, _ = ctl(t, dir, "", "calendar", "frobnicate")
	if code == 0 {
		t.Fatal("unknown subcommand accepted")
	}
}
