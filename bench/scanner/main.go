// Command scanner measures the scanner hot folder: a burst of 500 A4
// 300 dpi JPEG pages (about 1 MB each) until all are attached, against
// sha256sum + cp of the same files on the same disk as the floor, the peak
// resident memory of the Go process, and the latency from a file's last
// write to its attached (thumbnail) event.
//
//	go run ./bench/scanner -out bench/results/scanner.md
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"sort"
	"strings"
	"sync"
	"time"

	"tongban/scanner"
	"tongban/scanner/blob"
	"tongban/scanner/scannertest"
)

func main() {
	n := flag.Int("n", 500, "pages in the burst")
	trickle := flag.Int("trickle", 40, "pages written one by one for the latency figure")
	out := flag.String("out", "", "write the Markdown report here (default: stdout)")
	dir := flag.String("dir", "", "work folder (default: a temporary folder)")
	flag.Parse()
	if *dir == "" {
		d, err := os.MkdirTemp("", "scanner-bench-")
		if err != nil {
			log.Fatal(err)
		}
		defer os.RemoveAll(d)
		*dir = d
	}
	report, err := run(*dir, *n, *trickle)
	if err != nil {
		log.Fatal(err)
	}
	if *out == "" {
		fmt.Print(report)
		return
	}
	if err := os.WriteFile(*out, []byte(report), 0o644); err != nil {
		log.Fatal(err)
	}
	fmt.Print(report)
}

// page makes an A4 300 dpi page (2480x3508) that looks like a scanned
// form: paper noise, text-like strokes, encoded near 1 MB.
func page() []byte {
	img := image.NewGray(image.Rect(0, 0, 2480, 3508))
	seed := uint32(7)
	for i := range img.Pix {
		seed = seed*1664525 + 1013904223
		img.Pix[i] = 235 + byte(seed>>28)
	}
	for y := 300; y < 3300; y += 60 {
		for x := 200; x < 2280; x++ {
			seed = seed*1664525 + 1013904223
			if seed>>29 < 4 {
				for dy := 0; dy < 28; dy++ {
					img.Set(x, y+dy, color.Gray{Y: byte(seed >> 24 & 63)})
				}
			}
		}
	}
	var best []byte
	for q := 40; q <= 95; q += 5 {
		var buf bytes.Buffer
		_ = jpeg.Encode(&buf, img, &jpeg.Options{Quality: q})
		best = buf.Bytes()
		if buf.Len() >= 900<<10 {
			break
		}
	}
	return best
}

func peakRSS() (hwm, rss string) {
	b, _ := os.ReadFile("/proc/self/status")
	for _, l := range strings.Split(string(b), "\n") {
		f := strings.Fields(l)
		if len(f) >= 2 && f[0] == "VmHWM:" {
			hwm = f[1] + " kB"
		}
		if len(f) >= 2 && f[0] == "VmRSS:" {
			rss = f[1] + " kB"
		}
	}
	return
}

func timeCmd(name string, args ...string) (time.Duration, error) {
	start := time.Now()
	cmd := exec.Command(name, args...)
	cmd.Stderr = os.Stderr
	err := cmd.Run()
	return time.Since(start), err
}

type collector struct {
	mu       sync.Mutex
	attached map[string]time.Time // file name -> event time
	lat      []time.Duration
	ch       chan struct{}
}

func (c *collector) notify(e scanner.Event) {
	if e.Kind != scanner.EventAttached {
		if e.Kind == scanner.EventQuarantined || e.Kind == scanner.EventFolderError || e.Kind == scanner.EventDiskFull {
			log.Printf("event %s %s %v %s", e.Kind, e.FileName, e.Reason, e.Err)
		}
		return
	}
	c.mu.Lock()
	c.attached[e.FileName] = e.Time
	c.lat = append(c.lat, e.Time.Sub(e.LastWrite))
	c.mu.Unlock()
	select {
	case c.ch <- struct{}{}:
	default:
	}
}

func (c *collector) count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.attached)
}

func pct(d []time.Duration, p float64) time.Duration {
	s := append([]time.Duration(nil), d...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[min(len(s)-1, int(float64(len(s))*p))]
}

func run(dir string, n, trickle int) (string, error) {
	stage, copyDst, hot := filepath.Join(dir, "stage"), filepath.Join(dir, "cp"), filepath.Join(dir, "hot")
	for _, d := range []string{stage, copyDst, hot} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return "", err
		}
	}
	base := page()
	var total int64
	for i := 0; i < n; i++ {
		b := scannertest.WithComment(base, fmt.Sprintf("page %d", i), 0)
		total += int64(len(b))
		if err := os.WriteFile(filepath.Join(stage, fmt.Sprintf("scan_%04d.jpg", i)), b, 0o644); err != nil {
			return "", err
		}
	}
	_ = exec.Command("sync").Run()

	// Floor: sha256sum and cp of the same files, to the same disk.
	files, _ := filepath.Glob(filepath.Join(stage, "*.jpg"))
	shaT, err := timeCmd("sha256sum", files...)
	if err != nil {
		return "", err
	}
	cpT, err := timeCmd("cp", append(files, copyDst)...)
	if err != nil {
		return "", err
	}
	syncT, _ := timeCmd("sync")
	floor := shaT + cpT + syncT

	// The watcher, in this process, after dropping the generator's memory.
	base = nil
	runtime.GC()
	debug.FreeOSMemory()
	_ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) // reset VmHWM
	store, err := blob.OpenFS(filepath.Join(dir, "blobs"))
	if err != nil {
		return "", err
	}
	sink, err := scannertest.OpenFileSink(filepath.Join(dir, "journal.jsonl"))
	if err != nil {
		return "", err
	}
	col := &collector{attached: map[string]time.Time{}, ch: make(chan struct{}, 1)}
	w, err := scanner.New(scanner.Config{
		Folders:       []scanner.FolderConfig{{ID: "bench", Path: hot}},
		QuarantineDir: filepath.Join(dir, "quarantine"),
		MinFreeBytes:  64 << 20,
	}, scanner.Deps{Store: store, Sink: sink, Notify: col.notify,
		Targets: scanner.TargetFunc(func(string) (scanner.Target, error) { return scanner.Target{CaseID: "bench"}, nil })})
	if err != nil {
		return "", err
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	served := make(chan error, 1)
	go func() { served <- w.Serve(ctx) }()
	time.Sleep(200 * time.Millisecond)

	// Burst: the scanner software finishes each page by renaming it in.
	start := time.Now()
	for _, f := range files {
		now := time.Now()
		_ = os.Chtimes(f, now, now)
		if err := os.Rename(f, filepath.Join(hot, filepath.Base(f))); err != nil {
			return "", err
		}
	}
	for col.count() < n {
		select {
		case <-col.ch:
		case <-time.After(2 * time.Minute):
			return "", fmt.Errorf("burst: only %d of %d attached", col.count(), n)
		}
	}
	burst := time.Since(start)
	burstHWM, _ := peakRSS()
	col.mu.Lock()
	burstLat := append([]time.Duration(nil), col.lat...)
	col.lat = nil
	col.mu.Unlock()

	// Trickle: pages written one by one (about 30 pages a minute is a
	// fast counter scanner; we write every 250 ms), for the latency figure.
	b0, _ := os.ReadFile(filepath.Join(copyDst, filepath.Base(files[0])))
	for i := 0; i < trickle; i++ {
		b := scannertest.WithComment(b0, fmt.Sprintf("trickle %d", i), 0)
		if err := os.WriteFile(filepath.Join(hot, fmt.Sprintf("t_%04d.jpg", i)), b, 0o644); err != nil {
			return "", err
		}
		time.Sleep(250 * time.Millisecond)
	}
	for col.count() < n+trickle {
		select {
		case <-col.ch:
		case <-time.After(time.Minute):
			return "", fmt.Errorf("trickle: only %d attached", col.count()-n)
		}
	}
	cancel()
	if err := <-served; err != nil {
		return "", err
	}
	hwm, _ := peakRSS()
	col.mu.Lock()
	trickleLat := col.lat
	col.mu.Unlock()

	mb := float64(total) / float64(n) / (1 << 20)
	var r strings.Builder
	fmt.Fprintf(&r, "# Scanner hot folder figures\n\n")
	fmt.Fprintf(&r, "Measured by `go run ./bench/scanner -out bench/results/scanner.md` on %s, %s/%s, %d CPUs (shared with other work), %s.\n\n",
		time.Now().Format("2006-01-02"), runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), runtime.Version())
	fmt.Fprintf(&r, "Burst: %d A4 pages at 300 dpi (2480x3508 grey JPEG, %.2f MB each, %.0f MB in all), renamed into the hot folder at once. "+
		"The watcher stores each file in the SHA-256 blob store (temp file, fsync, rename, fsync dir), checks the JPEG structure, records it in a "+
		"JSON-lines sink with fsync per file, and removes it from the hot folder (fsync dir). Default settings (debounce 150 ms, writer check by read lease).\n\n",
		n, mb, float64(total)/(1<<20))
	fmt.Fprintf(&r, "| figure | value |\n|---|---|\n")
	fmt.Fprintf(&r, "| burst: time until all %d attached | %v |\n", n, burst.Round(time.Millisecond))
	fmt.Fprintf(&r, "| burst: pages per second | %.1f |\n", float64(n)/burst.Seconds())
	fmt.Fprintf(&r, "| floor: `sha256sum` of the %d files | %v |\n", n, shaT.Round(time.Millisecond))
	fmt.Fprintf(&r, "| floor: `cp` to the same disk | %v |\n", cpT.Round(time.Millisecond))
	fmt.Fprintf(&r, "| floor: `sync` after `cp` | %v |\n", syncT.Round(time.Millisecond))
	fmt.Fprintf(&r, "| floor total (sha256sum + cp + sync) | %v |\n", floor.Round(time.Millisecond))
	fmt.Fprintf(&r, "| watcher / floor | %.2fx (target ≤ 2x) |\n", burst.Seconds()/floor.Seconds())
	fmt.Fprintf(&r, "| peak RSS of the Go process during the burst (VmHWM) | %s (target ≤ 150 MB) |\n", burstHWM)
	fmt.Fprintf(&r, "| peak RSS including the trickle | %s |\n", hwm)
	fmt.Fprintf(&r, "| burst latency last write → attached event, p50 / p95 | %v / %v |\n", pct(burstLat, .5).Round(time.Millisecond), pct(burstLat, .95).Round(time.Millisecond))
	fmt.Fprintf(&r, "| trickle (%d pages, one per 250 ms) latency, p50 / p95 | %v / %v |\n", trickle, pct(trickleLat, .5).Round(time.Millisecond), pct(trickleLat, .95).Round(time.Millisecond))
	fmt.Fprintf(&r, "\nNotes: the floor does no fsync per file (one `sync` at the end); the watcher fsyncs every blob, its directory, the sink record and the hot folder. "+
		"Burst latency is dominated by queueing (all %d pages arrive at once and are attached in order); the trickle figure is what a clerk sees per page. "+
		"The latency floor is the debounce (150 ms): a page is taken once nobody has it open for writing and it has been quiet that long.\n", n)
	return r.String(), nil
}
