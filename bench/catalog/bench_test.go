// Package catalogbench measures catalog search on 83 national + 10,000
// synthetic provincial matters, and opening + migrating an empty database.
// Run: go test -run '^$' -bench . -benchtime 1x ./bench/catalog/
// Results go to bench/results/foundation.md (sections "Catalog search" and
// "Open and migrate"; other sections are left alone).
package catalogbench

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"tongban/app/catalog"
	"tongban/app/catalog/catalogtest"
	"tongban/app/store"
)

const (
	provincialN = 10000
	queryCount  = 200
	resultsFile = "../results/foundation.md"
	command     = "go test -run '^$' -bench . -benchtime 1x ./bench/catalog/"
)

// queries mixes what a clerk types: 1–2 character words (character index),
// 3+ character words (trigram index), aliases, codes, filters, misses.
func queries() []catalog.Query {
	texts := []string{"户口", "婚姻", "社保", "医保", "证明", "登记", "社保卡", "户口迁移", "公积金", "残疾人证",
		"道路运输", "药品经营许可", "异地就医", "结婚登记", "QG-2021-0", "YU-SYN-0999", "变更登记", "养老机构备案",
		"不存在的事项", "省公安厅", "工伤", "探矿权", "婚", "证"}
	var qs []catalog.Query
	for i := 0; len(qs) < queryCount; i++ {
		q := catalog.Query{Text: texts[i%len(texts)], Limit: 50}
		switch i % 5 {
		case 1:
			q.Mode = catalog.Modes[i%len(catalog.Modes)]
		case 2:
			q.Batch = catalog.Batches[i%len(catalog.Batches)]
		case 3:
			q.Department = "省人力资源社会保障厅"
		case 4:
			q.Offset = 50
		}
		if i%23 == 0 {
			q.Text = "" // plain browse
		}
		qs = append(qs, q)
	}
	return qs
}

func BenchmarkCatalogSearch(b *testing.B) {
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(b.TempDir(), "tongban.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	c := catalog.New(db)
	if _, err := c.EnsureSeed(ctx); err != nil {
		b.Fatal(err)
	}
	national, err := catalog.National()
	if err != nil {
		b.Fatal(err)
	}
	t0 := time.Now()
	v, err := c.CreateVersion(ctx, "bench", "synthetic", append(national, catalogtest.Provincial(provincialN, 1)...), true)
	if err != nil {
		b.Fatal(err)
	}
	loadTime := time.Since(t0)
	qs := queries()
	for _, q := range qs { // warm up
		if _, err := c.Search(ctx, q); err != nil {
			b.Fatal(err)
		}
	}
	lat := make([]time.Duration, len(qs))
	hits := 0
	for i, q := range qs {
		t := time.Now()
		p, err := c.Search(ctx, q)
		lat[i] = time.Since(t)
		if err != nil {
			b.Fatal(err)
		}
		if p.Total > 0 {
			hits++
		}
	}
	sorted := slices.Clone(lat)
	slices.Sort(sorted)
	p50, p95, pmax := pct(sorted, 50), pct(sorted, 95), sorted[len(sorted)-1]
	var short, long []time.Duration
	for i, q := range qs {
		if n := len([]rune(q.Text)); n > 0 && n < 3 {
			short = append(short, lat[i])
		} else if n >= 3 {
			long = append(long, lat[i])
		}
	}
	slices.Sort(short)
	slices.Sort(long)
	load, _ := os.ReadFile("/proc/loadavg")
	b.ReportMetric(float64(p50.Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(p95.Microseconds())/1000, "p95-ms")

	body := fmt.Sprintf(`Command: `+"`%s`"+` (%s, %d CPU, %s/%s, load average at the time: %s).

- Data: %d matters in the active version (83 national + %d synthetic provincial, `+"`catalogtest.Provincial`"+`),
  stored in %s (one transaction; FTS5 trigram index and one-character-per-token index).
- %d queries (1–2 character words via the character index, 3+ via FTS5 trigram, aliases, codes, filters by mode,
  batch and department, page 2, misses); %d had hits. Each timed once after one warm-up pass.
- **p50 %s, p95 %s, max %s** per query (target p95 ≤ 10 ms).
- 1–2 character queries (character index + instr, %d): p50 %s, p95 %s. 3+ characters (trigram, %d): p50 %s, p95 %s.
`, command, runtime.Version(), runtime.NumCPU(), runtime.GOOS, runtime.GOARCH, loadavg(load),
		v.MatterCount, provincialN, ms(loadTime), len(qs), hits, ms(p50), ms(p95), ms(pmax),
		len(short), ms(pct(short, 50)), ms(pct(short, 95)), len(long), ms(pct(long, 50)), ms(pct(long, 95)))
	if err := writeSection(resultsFile, "Catalog search", body); err != nil {
		b.Fatal(err)
	}

	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		if _, err := c.Search(ctx, qs[i%len(qs)]); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkOpenMigrate(b *testing.B) {
	ctx := context.Background()
	const runs = 21
	dir := b.TempDir()
	lat := make([]time.Duration, runs)
	schema := 0
	for i := range lat {
		p := filepath.Join(dir, fmt.Sprintf("empty%d.db", i))
		t := time.Now()
		db, err := store.Open(ctx, p)
		lat[i] = time.Since(t)
		if err != nil {
			b.Fatal(err)
		}
		schema = db.SchemaVersion()
		db.Close()
	}
	slices.Sort(lat)
	b.ReportMetric(float64(pct(lat, 50).Microseconds())/1000, "median-ms")
	body := fmt.Sprintf(`Command: `+"`%s`"+` (%s, %d CPU).

- `+"`store.Open`"+` on a new file in a temp dir (create, WAL, all %d migrations each in its own transaction), %d runs:
  **median %s**, min %s, max %s (target ≤ 200 ms). synchronous=FULL, so this includes fsyncs.
`, command, runtime.Version(), runtime.NumCPU(), schema, runs, ms(pct(lat, 50)), ms(lat[0]), ms(lat[len(lat)-1]))
	if err := writeSection(resultsFile, "Open and migrate", body); err != nil {
		b.Fatal(err)
	}
	for i := 0; b.Loop(); i++ {
		db, err := store.Open(ctx, filepath.Join(dir, fmt.Sprintf("loop%d.db", i)))
		if err != nil {
			b.Fatal(err)
		}
		db.Close()
	}
}

// pct is the nearest-rank percentile of sorted durations.
func pct(sorted []time.Duration, p int) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := (p*len(sorted)+99)/100 - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d.Microseconds())/1000) }

// writeSection replaces "## title" (up to the next "## ") in path, or
// appends it; the file is created with a heading when missing.
func writeSection(path, title, body string) error {
	old, err := os.ReadFile(path)
	if err != nil && !os.IsNotExist(err) {
		return fmt.Errorf("read results: %w", err)
	}
	text := string(old)
	if text == "" {
		text = "# Foundation figures\n"
	}
	head := "## " + title + "\n"
	section := head + "\n" + strings.TrimRight(body, "\n") + "\n\n"
	if i := strings.Index(text, head); i >= 0 {
		end := len(text)
		if j := strings.Index(text[i+len(head):], "\n## "); j >= 0 {
			end = i + len(head) + j + 1
		}
		text = text[:i] + section + text[end:]
	} else {
		text = strings.TrimRight(text, "\n") + "\n\n" + section
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("results dir: %w", err)
	}
	return os.WriteFile(path, []byte(strings.TrimRight(text, "\n")+"\n"), 0o644)
}

// loadavg is the 1-minute load average from /proc/loadavg ("?" elsewhere):
// the machine is shared, so figures say how busy it was.
func loadavg(b []byte) string {
	if f := strings.Fields(string(b)); len(f) > 0 {
		return f[0]
	}
	return "?"
}
