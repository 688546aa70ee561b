package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"tongban/app/audit"
	"tongban/app/cases"
	"tongban/app/identity"
	"tongban/app/store"
	"tongban/app/syncstore"
	"tongban/platform"
	"tongban/platform/sqlitestore"
	"tongban/platform/storetest"
	"tongban/scanner/blob"
	"tongban/sync/client"
)

// workstation is a real, durable workstation data dir: app/store
// (synchronous FULL), the case journal, a blob store and app/syncstore.
type workstation struct {
	dir   string
	db    *store.DB
	cases *cases.Service
	blobs *blob.FS
	st    *syncstore.Store
}

var benchClerk = cases.Actor{Username: "clerk1", DisplayName: "王窗口", Role: cases.RoleClerk}

func openWorkstation(ctx context.Context, dir, hall string) (*workstation, error) {
	db, err := store.Open(ctx, filepath.Join(dir, "tongban.db"))
	if err != nil {
		return nil, fmt.Errorf("open workstation db: %w", err)
	}
	cal, err := cases.LoadCalendar(ctx, db)
	if err != nil {
		return nil, fmt.Errorf("load calendar: %w", err)
	}
	if err := cal.EnsureBuiltin(ctx); err != nil {
		return nil, fmt.Errorf("builtin calendar: %w", err)
	}
	svc, err := cases.New(ctx, db, audit.New(db, "WS-bench", nil), cal, cases.Config{DeviceID: "WS-" + filepath.Base(dir), HallCode: hall})
	if err != nil {
		return nil, fmt.Errorf("case service: %w", err)
	}
	bs, err := blob.OpenFS(filepath.Join(dir, "blobs"))
	if err != nil {
		return nil, fmt.Errorf("open blobs: %w", err)
	}
	w := &workstation{dir: dir, db: db, cases: svc, blobs: bs}
	w.st = syncstore.New(db, func(context.Context) (syncstore.Journal, error) { return svc, nil }, bs, nil)
	return w, nil
}

func (w *workstation) close() { _ = w.db.Close() }

// addCase opens and accepts one case (5 journal actions) with pages scans
// of size incompressible bytes, and returns the payload bytes it adds
// (scan bytes; the JSON of cases and actions is counted by the caller).
func (w *workstation) addCase(ctx context.Context, i, pages, size int) (int64, error) {
	body := "41010219900307123"
	id := body + string(identity.CheckDigit(body))
	name := "申请人" + string(rune(0x4e00+i%20000))
	m := cases.MatterRef{Code: "GA-001", Name: "开具有无犯罪记录证明", Mode: cases.ModeProxy, Kind: "承诺件", PromisedLimitDays: 7}
	c := identity.Card{Name: name, Number: id, ValidUntil: "长期", Source: identity.SourceReader}
	ck, err := c.Check(time.Now())
	if err != nil {
		return 0, fmt.Errorf("check card: %w", err)
	}
	st, err := w.cases.Open(ctx, benchClerk, cases.OpenInput{
		Intake:    cases.Intake{Matter: m, Applicant: cases.Person{Name: name, IDNumber: id, Phone: "13812345678"}},
		Identity:  &ck,
		Materials: &cases.Materials{Items: []cases.MaterialItem{{ID: "a", Name: "居民身份证", Status: "received", Form: "原件", Pages: 1}}},
		Review:    &cases.Review{Passed: true}})
	if err != nil {
		return 0, fmt.Errorf("open case: %w", err)
	}
	var payload int64
	buf := make([]byte, size)
	for p := 0; p < pages; p++ {
		_, _ = rand.Read(buf)
		h, _, err := w.blobs.Put(ctx, bytes.NewReader(buf))
		if err != nil {
			return 0, fmt.Errorf("put scan: %w", err)
		}
		now := time.Now().UTC().Format(time.RFC3339Nano)
		if _, err := w.db.Writer().ExecContext(ctx, `INSERT INTO scan_files(source, folder_id, file_name, file_size, kind, original, case_id, actor, taken_at)
			VALUES (?, '', 'scan.jpg', ?, 'jpeg', ?, ?, 'clerk1', ?)`, h.String(), size, h.String(), st.CaseID, now); err != nil {
			return 0, fmt.Errorf("insert scan file: %w", err)
		}
		if _, err := w.db.Writer().ExecContext(ctx, `INSERT INTO scan_pages(id, case_id, slot_id, position, hash, media_type, size, source, source_index, added_at)
			VALUES (?, ?, 'a', ?, ?, 'image/jpeg', ?, ?, 0, ?)`, h.String()[:32], st.CaseID, p, h.String(), size, h.String(), now); err != nil {
			return 0, fmt.Errorf("insert scan page: %w", err)
		}
		payload += int64(size)
	}
	if _, err := w.cases.Accept(ctx, benchClerk, st.CaseID, st.Version); err != nil {
		return 0, fmt.Errorf("accept case: %w", err)
	}
	return payload, nil
}

// countingStore is the workstation's sync store that sums the JSON size
// of every distinct outbox item it offers (the push payload besides scans).
type countingStore struct {
	*syncstore.Store
	seen map[string]bool
	json int64
}

func (c *countingStore) Pending(ctx context.Context, limit int) ([]client.Item, error) {
	items, err := c.Store.Pending(ctx, limit)
	if err != nil {
		return nil, err
	}
	for _, it := range items {
		if c.seen[it.Key] {
			continue
		}
		c.seen[it.Key] = true
		b, err := jsonSize(it)
		if err != nil {
			return nil, err
		}
		c.json += b
	}
	return items, nil
}

// enrollCodes writes n enrollment codes for hall into the platform's
// database (before the platform starts) and returns them.
func enrollCodes(ctx context.Context, dbPath, hall string, n int) ([]string, error) {
	st, err := sqlitestore.Open(ctx, dbPath)
	if err != nil {
		return nil, fmt.Errorf("open platform db: %w", err)
	}
	defer st.Close()
	for _, p := range []platform.Place{storetest.PlaceA, storetest.PlaceB} {
		if err := st.PutPlace(ctx, p); err != nil {
			return nil, fmt.Errorf("put place: %w", err)
		}
	}
	var out []string
	for i := 0; i < n; i++ {
		code := platform.NewEnrollCode()
		now := time.Now()
		if err := st.CreateEnrollCode(ctx, platform.EnrollCode{Hash: platform.HashSecret(platform.NormalizeEnrollCode(code)),
			Hall: hall, CreatedAt: now, ExpiresAt: now.Add(2 * time.Hour)}); err != nil {
			return nil, fmt.Errorf("create enroll code: %w", err)
		}
		out = append(out, code)
	}
	return out, nil
}

// syncUntilDone runs rounds until the outbox and uploads are empty or the
// deadline passes; it returns the summed report, rounds and failed rounds.
func syncUntilDone(ctx context.Context, s *client.Syncer, w *workstation, deadline time.Time) (client.Report, int, int, error) {
	var sum client.Report
	rounds, failed := 0, 0
	for time.Now().Before(deadline) && rounds < 10000 {
		rep, err := s.SyncNow(ctx)
		rounds++
		sum.Pushed += rep.Pushed
		sum.Uploaded += rep.Uploaded
		sum.Pulled += rep.Pulled
		sum.Requests += rep.Requests
		if err != nil {
			failed++
			time.Sleep(200 * time.Millisecond)
			continue
		}
		c, err := w.st.Counts(ctx)
		if err != nil {
			return sum, rounds, failed, err
		}
		if c.Pending == 0 && c.UploadsPending == 0 {
			return sum, rounds, failed, nil
		}
	}
	return sum, rounds, failed, fmt.Errorf("not done after %d rounds", rounds)
}

// figAReal is figure (a) with real durable workstations as client stores.
func figAReal(dir, bin string, n, scans, scanSize int) {
	ctx := context.Background()
	dbPath := filepath.Join(dir, "p.db")
	codes, err := enrollCodes(ctx, dbPath, storetest.PlaceA.Code, 2)
	must(err)
	wa, err := openWorkstation(ctx, mkdir(filepath.Join(dir, "wsA")), storetest.PlaceA.Code)
	must(err)
	defer wa.close()
	t0 := time.Now()
	var payload int64
	for i := 0; i < n; i++ {
		b, err := wa.addCase(ctx, i, scans, scanSize)
		must(err)
		payload += b
	}
	fmt.Printf("generated %d cases in %.1f s\n", n, time.Since(t0).Seconds())
	p := startPlatform(dir, bin, dbPath)
	defer p.stop()
	var ca counter
	_, err = client.Enroll(ctx, wa.st, ca.client(), p.base, codes[0], "测试窗口A", time.Now())
	must(err)
	ca.n.Store(0)
	cs := &countingStore{Store: wa.st, seen: map[string]bool{}}
	sa := client.New(client.Config{Store: cs, HTTP: ca.client(), MinBackoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond})
	t1 := time.Now()
	rep, rounds, failed, err := syncUntilDone(ctx, sa, wa, time.Now().Add(20*time.Minute))
	must(err)
	push := time.Since(t1)
	pushWire := ca.n.Load()
	js, items := cs.json, len(cs.seen)
	payload += js

	we, err := openWorkstation(ctx, mkdir(filepath.Join(dir, "wsE")), storetest.PlaceA.Code)
	must(err)
	defer we.close()
	var ce counter
	_, err = client.Enroll(ctx, we.st, ce.client(), p.base, codes[1], "测试窗口E", time.Now())
	must(err)
	ce.n.Store(0)
	se := client.New(client.Config{Store: we.st, HTTP: ce.client()})
	t2 := time.Now()
	rep2, err := se.SyncNow(ctx)
	must(err)
	pull := time.Since(t2)

	ca.n.Store(0)
	rep3, err := sa.SyncNow(ctx)
	must(err)
	srvRSS := procStatus(p.cmd.Process.Pid, "VmHWM")
	cliRSS := procStatus(os.Getpid(), "VmHWM")
	cnt, err := wa.st.Counts(ctx)
	must(err)
	fmt.Printf("| cases | scans | outbox items | push wall | push rounds (failed) | push requests | pushed / uploaded | wire ÷ payload | pull wall | pull requests | pulled | pull wire | second push requests / bytes | client VmHWM | platform VmHWM | quarantined |\n")
	fmt.Printf("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n")
	fmt.Printf("| %d | %d | %d | %.2f s | %d (%d) | %d | %d / %d | %.4f | %.2f s | %d | %d | %d | %d / %d B | %d MiB | %d MiB | %d |\n",
		n, n*scans, items, push.Seconds(), rounds, failed, rep.Requests, rep.Pushed, rep.Uploaded, float64(pushWire)/float64(payload),
		pull.Seconds(), rep2.Requests, rep2.Pulled, ce.n.Load(), rep3.Requests, ca.n.Load(), cliRSS>>10, srvRSS>>10, cnt.Failed)
	fmt.Printf("\npayload %d B (json %d), push wire %d B, actions/s %.0f\n", payload, js, pushWire, float64(rep.Pushed)/push.Seconds())
}

// httpClient is a counting client with a custom timeout.
func (c *counter) clientTimeout(d time.Duration) *http.Client {
	hc := c.client()
	hc.Timeout = d
	return hc
}

// jsonSize is the JSON size of an outbox item's case record and action.
func jsonSize(it client.Item) (int64, error) {
	var n int64
	if it.Case != nil {
		b, err := json.Marshal(it.Case)
		if err != nil {
			return 0, fmt.Errorf("marshal case: %w", err)
		}
		n += int64(len(b))
	}
	b, err := json.Marshal(it.Action)
	if err != nil {
		return 0, fmt.Errorf("marshal action: %w", err)
	}
	return n + int64(len(b)), nil
}

func mkdir(p string) string {
	must(os.MkdirAll(p, 0o755))
	return p
}
