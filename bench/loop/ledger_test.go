// Package loop benchmarks the work ledger and its .xlsx export over
// generated journals: go test -run XXX -bench . -benchtime 5x ./bench/loop/
package loop

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"tongban/app/ledger"
	"tongban/app/store"
)

const hall = "410105"

// now is 2026-12-20 in the hall; cases spread over the twelve months before.
var now = time.Date(2026, 12, 20, 10, 0, 0, 0, ledger.Zone)

var matters = [][3]string{{"GA-001", "开具有无犯罪记录证明", "异地代收代办"}, {"RS-002", "社会保障卡申领", "异地代收代办"},
	{"RS-002", "社会保障卡申领", "全程网办"}, {"GA-010", "工作调动户口迁移", "异地代收代办"}, {"YB-003", "基本医疗保险关系转移接续", "多地联办"},
	{"JY-004", "普通话水平测试等级证书查询", "全程网办"}, {"CS-005", "机动车驾驶证补领", "异地代收代办"}, {"HY-006", "婚姻登记档案查询", "自助通办"}}

// openGenerated returns a workstation database holding n generated cases
// of the last year (cached in the temp dir between runs).
func openGenerated(tb testing.TB, n int) *store.DB {
	tb.Helper()
	ctx := context.Background()
	path := filepath.Join(os.TempDir(), fmt.Sprintf("tongban-loop-%d.db", n))
	_, statErr := os.Stat(path)
	db, err := store.Open(ctx, path)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	var have int
	_ = db.Reader().QueryRow("SELECT COUNT(*) FROM cases").Scan(&have)
	if statErr == nil && have == n {
		return db
	}
	if have != 0 {
		tb.Fatalf("%s holds %d cases, want %d: remove it", path, have, n)
	}
	start := time.Now()
	if err := db.WriteTx(ctx, func(tx *sql.Tx) error { return generate(ctx, tx, n) }); err != nil {
		tb.Fatal(err)
	}
	tb.Logf("generated %d cases in %s", n, time.Since(start))
	return db
}

func ts(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

func generate(ctx context.Context, tx *sql.Tx, n int) error {
	insCase, err := tx.PrepareContext(ctx, `INSERT INTO cases(id, provisional_no, hall_code, device_id, matter_code, matter_name, mode, status, open,
		version, applicant_name, id_type, id_hash, id_masked, phone_hash, phone_masked, received_at, decided_at, due_date, updated_at, handled_at)
		VALUES (?, ?, ?, 'dev-A', ?, ?, ?, ?, ?, ?, '张*', 'resident', '', '', '', '', ?, ?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	insAct, err := tx.PrepareContext(ctx, `INSERT INTO case_actions(id, case_id, seq, kind, actor, role, device_id, hall_code, device_time, payload, based_on)
		VALUES (?, ?, ?, ?, 'clerk1', 'clerk', 'dev-A', ?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	// The projection the case service keeps (handled_at, case_ratings) is
	// written here directly, as the service would.
	insRating, err := tx.PrepareContext(ctx, `INSERT INTO case_ratings(case_id, visit, hall_code, matter_code, matter_name, mode, level,
		rated_at, follow_up_due, voided, closed) VALUES (?, 'intake', ?, ?, ?, ?, ?, ?, ?, 0, ?)`)
	if err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range n {
		m := matters[rng.IntN(len(matters))]
		recv := now.Add(-time.Duration(rng.IntN(365*24*60)) * time.Minute)
		id := fmt.Sprintf("c%07d", i)
		status, open := "accepted", 1
		acts := [][2]string{{"received", "{}"}, {"accepted", "{}"}}
		at := recv
		due := recv.AddDate(0, 0, 10).Format("2006-01-02")
		switch r := rng.IntN(10); {
		case r == 0:
			status, open, acts = "refused", 0, [][2]string{{"received", "{}"}, {"refused", "{}"}}
			due = ""
		case r < 7:
			acts = append(acts, [2]string{"dispatched", "{}"}, [2]string{"handler_received", "{}"}, [2]string{"handled", "{}"})
			status = "handled"
			if r < 5 {
				acts = append(acts, [2]string{"result_delivered", "{}"}, [2]string{"closed", "{}"})
				status, open, due = "closed", 0, ""
			}
		}
		if rng.IntN(10) < 6 {
			lvl := 3 + rng.IntN(3)
			if rng.IntN(10) == 0 {
				lvl = 1 + rng.IntN(2)
			}
			acts = append(acts, [2]string{"rated", fmt.Sprintf(`{"visit":"intake","level":%d,"followUpDue":"%s"}`, lvl, recv.AddDate(0, 0, 21).Format("2006-01-02"))})
			if lvl <= 2 && rng.IntN(2) == 0 {
				acts = append(acts, [2]string{"followup_callback", `{"visit":"intake","note":"回访"}`}, [2]string{"followup_rectified", `{"visit":"intake","note":"整改"}`},
					[2]string{"followup_closed", `{"visit":"intake","note":"办结"}`})
			}
		}
		times := make([]time.Time, len(acts))
		handledAt := ""
		for j, a := range acts {
			at = at.Add(time.Duration(1+rng.IntN(36)) * time.Hour)
			times[j] = at
			if a[0] == "handled" {
				handledAt = ts(at)
			}
		}
		if _, err := insCase.ExecContext(ctx, id, fmt.Sprintf("临-%s-%07d", hall, i), hall, m[0], m[1], m[2], status, open, len(acts),
			ts(recv), ts(recv.Add(time.Hour)), due, ts(recv), handledAt); err != nil {
			return err
		}
		for j, a := range acts {
			if _, err := insAct.ExecContext(ctx, fmt.Sprintf("%s-%02d", id, j), id, j+1, a[0], hall, ts(times[j]), a[1], j); err != nil {
				return err
			}
			if a[0] == "rated" {
				var lvl int
				var fdue string
				fmt.Sscanf(a[1], `{"visit":"intake","level":%d,"followUpDue":"%10s"}`, &lvl, &fdue)
				closed := j+3 < len(acts) && acts[j+3][0] == "followup_closed"
				if _, err := insRating.ExecContext(ctx, id, hall, m[0], m[1], m[2], lvl, ts(times[j]), fdue, closed); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

func benchReport(b *testing.B, q ledger.Query) {
	db := openGenerated(b, 200_000)
	ctx := context.Background()
	l, err := ledger.New(ctx, db, func() time.Time { return now })
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	var rep ledger.Report
	for b.Loop() {
		if rep, err = l.Report(ctx, hall, "金水区政务服务中心", q); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(rep.Total.Received), "cases")
}

// BenchmarkLedgerMonth is the default view (this month) over 200,000 cases.
func BenchmarkLedgerMonth(b *testing.B) { benchReport(b, ledger.Query{Period: ledger.PeriodMonth}) }

// BenchmarkLedgerYear covers all 200,000 cases.
func BenchmarkLedgerYear(b *testing.B) {
	benchReport(b, ledger.Query{Period: ledger.PeriodCustom, From: "2025-12-01", To: "2026-12-31"})
}

// BenchmarkExport100k exports a period of about 100,000 cases (the detail
// sheet) and reports the peak Go heap while exporting.
func BenchmarkExport100k(b *testing.B) {
	db := openGenerated(b, 200_000)
	ctx := context.Background()
	l, err := ledger.New(ctx, db, func() time.Time { return now })
	if err != nil {
		b.Fatal(err)
	}
	rep, err := l.Report(ctx, hall, "金水区政务服务中心", ledger.Query{Period: ledger.PeriodCustom, From: "2026-06-22", To: "2026-12-20"})
	if err != nil {
		b.Fatal(err)
	}
	runtime.GC()
	var peak atomic.Uint64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > peak.Load() {
				peak.Store(ms.HeapInuse)
			}
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
			}
		}
	})
	b.ResetTimer()
	var rows int
	for b.Loop() {
		cw := &countWriter{}
		if rows, err = l.Export(ctx, cw, rep); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(cw.n)/1e6, "MB-xlsx")
	}
	close(stop)
	wg.Wait()
	b.ReportMetric(float64(rows), "rows")
	b.ReportMetric(float64(peak.Load())/1e6, "peak-heap-MB")
}

type countWriter struct{ n int64 }

func (c *countWriter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }

var _ io.Writer = (*countWriter)(nil)
