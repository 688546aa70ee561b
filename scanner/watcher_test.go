package scanner_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"tongban/scanner"
	"tongban/scanner/blob"
	"tongban/scanner/pdf"
	"tongban/scanner/scannertest"
)

type harness struct {
	hot, quarantine string
	store           *blob.FS
	sink            *scannertest.MemorySink
	mu              sync.Mutex
	events          []scanner.Event
	free            atomic.Uint64
	target          atomic.Value // scanner.Target
	cancel          func()
}

func start(t *testing.T, mutate func(*scanner.Config)) *harness {
	t.Helper()
	dir := t.TempDir()
	h := &harness{hot: filepath.Join(dir, "hot"), quarantine: filepath.Join(dir, "quarantine"), sink: scannertest.NewMemorySink()}
	if err := os.MkdirAll(h.hot, 0o755); err != nil {
		t.Fatal(err)
	}
	var err error
	if h.store, err = blob.OpenFS(filepath.Join(dir, "blobs")); err != nil {
		t.Fatal(err)
	}
	h.free.Store(1 << 40)
	h.target.Store(scanner.Target{CaseID: "case-1", SlotID: "id-card"})
	cfg := scanner.Config{
		Folders:        []scanner.FolderConfig{{ID: "scanner-1", Path: h.hot}},
		QuarantineDir:  h.quarantine,
		Debounce:       30 * time.Millisecond,
		StableFor:      300 * time.Millisecond,
		PollInterval:   100 * time.Millisecond,
		RescanInterval: time.Second,
	}
	if mutate != nil {
		mutate(&cfg)
	}
	w, err := scanner.New(cfg, scanner.Deps{
		Store:     h.store,
		Targets:   scanner.TargetFunc(func(string) (scanner.Target, error) { return h.target.Load().(scanner.Target), nil }),
		Sink:      h.sink,
		Notify:    func(e scanner.Event) { h.mu.Lock(); h.events = append(h.events, e); h.mu.Unlock() },
		FreeSpace: func() (uint64, error) { return h.free.Load(), nil },
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.Serve(ctx) }()
	h.cancel = func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	}
	t.Cleanup(func() {
		if ctx.Err() == nil {
			h.cancel()
		}
	})
	return h
}

func (h *harness) eventsOf(kind scanner.EventKind) []scanner.Event {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []scanner.Event
	for _, e := range h.events {
		if e.Kind == kind {
			out = append(out, e)
		}
	}
	return out
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func writeFile(t *testing.T, dir, name string, data []byte, mtime time.Time) {
	t.Helper()
	tmp := filepath.Join(dir, ".tmp-"+name)
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		t.Fatal(err)
	}
	if !mtime.IsZero() {
		if err := os.Chtimes(tmp, mtime, mtime); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Rename(tmp, filepath.Join(dir, name)); err != nil {
		t.Fatal(err)
	}
}

func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	return names
}

func TestFormatsAndQuarantine(t *testing.T) {
	h := start(t, nil)
	jpg := scannertest.JPEG(64, 48, 1)
	files := map[string][]byte{
		"a.jpg":         jpg,
		"b.png":         scannertest.PNG(30, 20, 2),
		"c.tif":         scannertest.TIFF(16, 12, 1, 2, 3),
		"d.pdf":         scannertest.PDF("d", 3),
		"e.pdf":         scannertest.PDF("e", 1),
		"notes.txt":     []byte("not a page"),
		"broken.jpg":    jpg[:len(jpg)/2],
		"picture.bmp":   append([]byte("BM"), make([]byte, 40)...),
		"empty.jpg":     nil,
		"misnamed.jpeg": scannertest.PNG(5, 5, 9), // content decides, not the name
	}
	for name, data := range files {
		writeFile(t, h.hot, name, data, time.Time{})
	}
	waitFor(t, "hot folder empty", func() bool { return len(dirNames(t, h.hot)) == 0 })
	waitFor(t, "events", func() bool {
		return len(h.eventsOf(scanner.EventQuarantined))+len(h.eventsOf(scanner.EventAttached)) == len(files)
	})
	wantPages := map[string]int{"a.jpg": 1, "b.png": 1, "c.tif": 3, "d.pdf": 3, "e.pdf": 1, "misnamed.jpeg": 1}
	got := map[string]int{}
	for _, a := range h.sink.Attachments() {
		got[a.FileName] = len(a.Pages)
		if a.Target.CaseID != "case-1" || a.FolderID != "scanner-1" {
			t.Errorf("%s: target %+v folder %q", a.FileName, a.Target, a.FolderID)
		}
		for _, p := range a.Pages {
			if _, err := h.store.Stat(p.Hash); err != nil {
				t.Errorf("%s page %d: %v", a.FileName, p.Index, err)
			}
		}
	}
	if len(got) != len(wantPages) {
		t.Fatalf("attached %v, want %v", got, wantPages)
	}
	for name, n := range wantPages {
		if got[name] != n {
			t.Errorf("%s: %d pages, want %d", name, got[name], n)
		}
	}
	// Split PDF pages are real one-page PDFs.
	for _, a := range h.sink.Attachments() {
		if a.FileName != "d.pdf" {
			continue
		}
		for _, p := range a.Pages {
			r, err := h.store.Open(p.Hash)
			if err != nil {
				t.Fatal(err)
			}
			d, err := pdf.Open(r, r.Size())
			r.Close()
			if err != nil || d.NumPages() != 1 {
				t.Fatalf("page %d: %v", p.Index, err)
			}
		}
	}
	q := dirNames(t, h.quarantine)
	for _, bad := range []string{"notes.txt", "broken.jpg", "picture.bmp", "empty.jpg"} {
		var file, note string
		for _, n := range q {
			if strings.HasSuffix(n, "-"+bad) {
				file = n
			}
			if strings.HasSuffix(n, "-"+bad+scanner.ReasonSuffix) {
				note = n
			}
		}
		if file == "" || note == "" {
			t.Errorf("%s not quarantined with a note: %v", bad, q)
			continue
		}
		b, _ := os.ReadFile(filepath.Join(h.quarantine, note))
		if !strings.Contains(string(b), "Reason: ") || !strings.Contains(string(b), "原因：") {
			t.Errorf("%s note lacks a bilingual reason:\n%s", bad, b)
		}
	}
	if got, want := len(h.eventsOf(scanner.EventQuarantined)), 4; got != want {
		t.Errorf("quarantined events = %d, want %d", got, want)
	}
	if got, want := len(h.eventsOf(scanner.EventAttached)), 6; got != want {
		t.Errorf("attached events = %d, want %d", got, want)
	}
}

func TestStartupScanKeepsOrderAndDeduplicates(t *testing.T) {
	// Files present before the watcher starts are taken, oldest first.
	pre := t.TempDir()
	base := time.Now().Add(-time.Hour)
	for i := 0; i < 12; i++ {
		data := scannertest.JPEG(16, 16, i)
		name := string(rune('z'-i)) + ".jpg" // names in reverse order of time
		writeFile(t, pre, name, data, base.Add(time.Duration(i)*time.Second))
	}
	writeFile(t, pre, "dup.jpg", scannertest.JPEG(16, 16, 3), base.Add(time.Minute))
	h := start(t, func(c *scanner.Config) { c.Folders[0].Path = pre })
	waitFor(t, "all taken", func() bool { return len(dirNames(t, pre)) == 0 })
	// The duplicate's event is sent after its file leaves the folder: wait for it too.
	waitFor(t, "duplicate reported", func() bool { return len(h.eventsOf(scanner.EventDuplicate)) > 0 })
	atts := h.sink.Attachments()
	if got, want := len(atts), 12; got != want {
		t.Fatalf("attachments = %d, want %d", got, want)
	}
	for i, a := range atts {
		if want := string(rune('z'-i)) + ".jpg"; a.FileName != want {
			t.Fatalf("attachment %d = %s, want %s", i, a.FileName, want)
		}
	}
	if d := h.eventsOf(scanner.EventDuplicate); len(d) != 1 || d[0].FileName != "dup.jpg" {
		t.Fatalf("duplicate events = %+v", d)
	}
}

func TestSlowWriterIsNotTakenEarly(t *testing.T) {
	for _, noLease := range []bool{false, true} {
		t.Run(map[bool]string{false: "writer check", true: "stability only"}[noLease], func(t *testing.T) {
			h := start(t, func(c *scanner.Config) { c.DisableWriterCheck = noLease })
			data := scannertest.JPEG(200, 150, 7)
			f, err := os.Create(filepath.Join(h.hot, "slow.jpg"))
			if err != nil {
				t.Fatal(err)
			}
			for i := 0; i < 4; i++ {
				chunk := data[i*len(data)/4 : (i+1)*len(data)/4]
				if _, err := f.Write(chunk); err != nil {
					t.Fatal(err)
				}
				time.Sleep(120 * time.Millisecond) // four times the debounce
			}
			if n := len(h.sink.Attachments()) + len(h.eventsOf(scanner.EventQuarantined)); n != 0 {
				t.Fatalf("file taken while still being written (%d)", n)
			}
			f.Close()
			waitFor(t, "taken", func() bool { return len(h.sink.Attachments()) == 1 })
			if got := h.sink.Attachments()[0].FileSize; got != int64(len(data)) {
				t.Fatalf("size = %d, want %d", got, len(data))
			}
		})
	}
}

func TestPolledFoldersAndTargets(t *testing.T) {
	second := t.TempDir()
	h := start(t, func(c *scanner.Config) {
		c.Folders = append(c.Folders, scanner.FolderConfig{ID: "scanner-2", Path: second, Poll: true})
	})
	writeFile(t, h.hot, "one.png", scannertest.PNG(8, 8, 1), time.Time{})
	writeFile(t, second, "two.png", scannertest.PNG(8, 8, 2), time.Time{})
	waitFor(t, "both taken", func() bool { return len(h.sink.Attachments()) == 2 })
	for _, a := range h.sink.Attachments() {
		if want := map[string]string{"one.png": "scanner-1", "two.png": "scanner-2"}[a.FileName]; a.FolderID != want {
			t.Errorf("%s from %s, want %s", a.FileName, a.FolderID, want)
		}
	}
}

func TestDiskFullStopsAndResumes(t *testing.T) {
	h := start(t, nil)
	h.free.Store(1 << 20) // below the 512 MiB default minimum
	writeFile(t, h.hot, "p1.jpg", scannertest.JPEG(16, 16, 1), time.Time{})
	waitFor(t, "disk full event", func() bool { return len(h.eventsOf(scanner.EventDiskFull)) == 1 })
	time.Sleep(200 * time.Millisecond)
	if n := len(h.sink.Attachments()); n != 0 {
		t.Fatalf("took %d files on a full disk", n)
	}
	if got := dirNames(t, h.hot); len(got) != 1 {
		t.Fatalf("hot folder = %v", got)
	}
	h.free.Store(1 << 40)
	waitFor(t, "taken after space returned", func() bool { return len(h.sink.Attachments()) == 1 })
	if n := len(h.eventsOf(scanner.EventDiskOK)); n != 1 {
		t.Fatalf("disk ok events = %d", n)
	}
}

func TestSinkFailureKeepsFilesAndOrder(t *testing.T) {
	h := start(t, nil)
	h.sink.SetFail(errors.New("database is locked"))
	base := time.Now().Add(-time.Minute)
	for i := 0; i < 5; i++ {
		writeFile(t, h.hot, string(rune('a'+i))+".png", scannertest.PNG(8, 8, i), base.Add(time.Duration(i)*time.Second))
	}
	waitFor(t, "an error event", func() bool { return len(h.eventsOf(scanner.EventFolderError)) > 0 })
	if got := len(dirNames(t, h.hot)); got != 5 {
		t.Fatalf("hot folder has %d files, want 5", got)
	}
	h.sink.SetFail(nil)
	waitFor(t, "all taken", func() bool { return len(h.sink.Attachments()) == 5 })
	for i, a := range h.sink.Attachments() {
		if want := string(rune('a'+i)) + ".png"; a.FileName != want {
			t.Fatalf("attachment %d = %s, want %s", i, a.FileName, want)
		}
	}
}

func TestReencodeKeepsOriginal(t *testing.T) {
	h := start(t, func(c *scanner.Config) {
		c.Reencode = &scanner.Reencode{MaxLongEdge: 100, Quality: 70}
		c.KeepOriginal = true
	})
	writeFile(t, h.hot, "big.jpg", scannertest.JPEG(400, 300, 1), time.Time{})
	writeFile(t, h.hot, "pages.tif", scannertest.TIFF(50, 40, 1, 2), time.Time{})
	waitFor(t, "taken", func() bool { return len(h.sink.Attachments()) == 2 })
	for _, a := range h.sink.Attachments() {
		if a.Original != a.Source || a.Original.IsZero() {
			t.Errorf("%s: original %s, source %s", a.FileName, a.Original, a.Source)
		}
		for _, p := range a.Pages {
			if p.MediaType != "image/jpeg" || max(p.Width, p.Height) > 100 {
				t.Errorf("%s page %d: %s %dx%d", a.FileName, p.Index, p.MediaType, p.Width, p.Height)
			}
		}
	}
}

func TestCombinePDF(t *testing.T) {
	ctx := context.Background()
	store, err := blob.OpenFS(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	var refs []scanner.PageRef
	for i, b := range [][]byte{scannertest.JPEG(80, 60, 1), scannertest.PNG(20, 30, 2), scannertest.TIFF(10, 10, 1, 2), scannertest.PDF("x", 2)} {
		h, err := blob.PutBytes(ctx, store, b)
		if err != nil {
			t.Fatal(err)
		}
		refs = append(refs, scanner.PageRef{Hash: h, Rotate: 90 * i})
	}
	var out bytes.Buffer
	if err := scanner.CombinePDF(ctx, store, refs, &out); err != nil {
		t.Fatal(err)
	}
	d, err := pdf.Open(bytes.NewReader(out.Bytes()), int64(out.Len()))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := d.NumPages(), 1+1+2+2; got != want {
		t.Fatalf("pages = %d, want %d", got, want)
	}
	var again bytes.Buffer
	if err := scanner.CombinePDF(ctx, store, refs, &again); err != nil || !bytes.Equal(again.Bytes(), out.Bytes()) {
		t.Fatalf("combine is not deterministic (%v)", err)
	}
	if err := scanner.CombinePDF(ctx, store, []scanner.PageRef{{Hash: blob.Sum([]byte("missing"))}}, &out); !errors.Is(err, blob.ErrNotFound) {
		t.Fatalf("missing page: err = %v", err)
	}
}

func TestConfigErrors(t *testing.T) {
	dir := t.TempDir()
	store, _ := blob.OpenFS(filepath.Join(dir, "b"))
	deps := scanner.Deps{Store: store, Sink: scannertest.NewMemorySink(),
		Targets: scanner.TargetFunc(func(string) (scanner.Target, error) { return scanner.Target{}, nil })}
	tests := map[string]scanner.Config{
		"no folder":             {QuarantineDir: dir},
		"no quarantine":         {Folders: []scanner.FolderConfig{{Path: dir}}},
		"quarantine in hot dir": {Folders: []scanner.FolderConfig{{Path: dir}}, QuarantineDir: filepath.Join(dir, "q")},
		"same folder twice":     {Folders: []scanner.FolderConfig{{Path: dir}, {Path: dir}}, QuarantineDir: t.TempDir()},
	}
	for name, cfg := range tests {
		if _, err := scanner.New(cfg, deps); err == nil {
			t.Errorf("%s: want error", name)
		}
	}
}
