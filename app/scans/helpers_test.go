package scans_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"tongban/app/audit"
	"tongban/app/scans"
	"tongban/app/store"
	"tongban/scanner"
	"tongban/scanner/blob"
	"tongban/scanner/format"
)

var clerk = scans.Actor{Username: "clerk1", Role: "clerk"}

type env struct {
	db  *store.DB
	svc *scans.Service
	dir string
}

// mustOpen opens a fresh workstation database with the scans service.
func mustOpen(tb testing.TB) env {
	tb.Helper()
	dir := tb.TempDir()
	db, err := store.Open(context.Background(), filepath.Join(dir, "tongban.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	j := scans.AuditJournal{Log: audit.New(db, "WS-test", nil)}
	return env{db: db, svc: scans.New(db, j, nil), dir: dir}
}

// addCase inserts a case projection row (the scans package needs only
// its id and whether it is open).
func (e env) addCase(tb testing.TB, id string, open bool) {
	tb.Helper()
	o := 0
	if open {
		o = 1
	}
	_, err := e.db.Writer().Exec(`INSERT INTO cases(id, provisional_no, hall_code, device_id, matter_code, matter_name, mode, status, open,
		version, applicant_name, id_type, id_hash, id_masked, phone_hash, phone_masked, received_at, updated_at)
		VALUES (?, ?, '410105', 'WS-test', 'QG-2021-001', '开具有无犯罪记录证明', '异地代收代办', 'received', ?, 1, '张三', 'resident', '', '', '', '', ?, ?)`,
		id, "临-"+id, o, time.Now().UTC().Format(time.RFC3339), time.Now().UTC().Format(time.RFC3339))
	if err != nil {
		tb.Fatal(err)
	}
}

func (e env) setOpen(tb testing.TB, id string, open bool) {
	tb.Helper()
	o := 0
	if open {
		o = 1
	}
	if _, err := e.db.Writer().Exec("UPDATE cases SET open = ? WHERE id = ?", o, id); err != nil {
		tb.Fatal(err)
	}
}

// journal lists the audit actions recorded on an object.
func (e env) journal(tb testing.TB, objType, objID string) []string {
	tb.Helper()
	rows, err := e.db.Reader().Query("SELECT action FROM audit_log WHERE object_type = ? AND object_id = ? ORDER BY seq", objType, objID)
	if err != nil {
		tb.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var a string
		if err := rows.Scan(&a); err != nil {
			tb.Fatal(err)
		}
		out = append(out, a)
	}
	return out
}

// attachment builds a file of n fake pages whose hashes derive from name.
func attachment(folder, name string, n int, t scanner.Target) scanner.Attachment {
	a := scanner.Attachment{Target: t, FolderID: folder, FileName: name, FileSize: 100, Kind: format.JPEG,
		Source: blob.Sum([]byte("file:" + name)), TakenAt: time.Now()}
	for i := range n {
		a.Pages = append(a.Pages, scanner.Page{Index: i, Hash: blob.Sum([]byte(name + ":" + string(rune('a'+i)))), Size: 10, MediaType: "image/jpeg"})
	}
	return a
}

func ids(ps []scans.Page) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.ID
	}
	return out
}

func files(ps []scans.Page) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.FileName + "#" + string(rune('0'+p.SourceIndex)) + "@" + p.SlotID
	}
	return out
}
