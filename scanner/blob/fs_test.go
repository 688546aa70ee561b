package blob

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

func mustOpen(tb testing.TB) *FS {
	tb.Helper()
	s, err := OpenFS(filepath.Join(tb.TempDir(), "blobs"))
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

func TestPutOpenStat(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t)
	data := bytes.Repeat([]byte("页面"), 300000) // larger than the copy buffer
	h, n, err := s.Put(ctx, bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := h, Sum(data); got != want {
		t.Fatalf("hash = %s, want %s", got, want)
	}
	if got, want := n, int64(len(data)); got != want {
		t.Fatalf("size = %d, want %d", got, want)
	}
	size, err := s.Stat(h)
	if err != nil || size != int64(len(data)) {
		t.Fatalf("stat = %d, %v", size, err)
	}
	r, err := s.Open(h)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	got, _ := io.ReadAll(r)
	if !bytes.Equal(got, data) {
		t.Fatal("content differs")
	}
	if r.Size() != int64(len(data)) {
		t.Fatalf("Size() = %d", r.Size())
	}
	// Second put of the same content: same hash, one file.
	h2, _, err := s.Put(ctx, bytes.NewReader(data))
	if err != nil || h2 != h {
		t.Fatalf("re-put = %s, %v", h2, err)
	}
	count := 0
	_ = s.Walk(ctx, func(Hash, int64) error { count++; return nil })
	if count != 1 {
		t.Fatalf("walk found %d blobs, want 1", count)
	}
	tmps, _ := os.ReadDir(filepath.Join(s.Root(), tmpDir))
	if len(tmps) != 0 {
		t.Fatalf("%d temp files left", len(tmps))
	}
}

func TestOpenMissing(t *testing.T) {
	s := mustOpen(t)
	if _, err := s.Open(Sum([]byte("x"))); !errors.Is(err, ErrNotFound) {
		t.Fatalf("err = %v, want ErrNotFound", err)
	}
	if _, err := s.Stat(Sum([]byte("x"))); !errors.Is(err, ErrNotFound) {
		t.Fatalf("err = %v, want ErrNotFound", err)
	}
}

type failingReader struct{ n int }

func (f *failingReader) Read(p []byte) (int, error) {
	if f.n <= 0 {
		return 0, errors.New("device gone")
	}
	f.n--
	return copy(p, "abc"), nil
}

func TestPutFailureLeavesNothing(t *testing.T) {
	s := mustOpen(t)
	if _, _, err := s.Put(context.Background(), &failingReader{n: 3}); err == nil {
		t.Fatal("want error")
	}
	tmps, _ := os.ReadDir(filepath.Join(s.Root(), tmpDir))
	if len(tmps) != 0 {
		t.Fatalf("%d temp files left", len(tmps))
	}
	count := 0
	_ = s.Walk(context.Background(), func(Hash, int64) error { count++; return nil })
	if count != 0 {
		t.Fatalf("%d blobs after failed put", count)
	}
}

func TestConcurrentPuts(t *testing.T) {
	s := mustOpen(t)
	var wg sync.WaitGroup
	for i := 0; i < 16; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			data := []byte(strings.Repeat(string(rune('a'+i%4)), 1000))
			if _, _, err := s.Put(context.Background(), bytes.NewReader(data)); err != nil {
				t.Error(err)
			}
		}(i)
	}
	wg.Wait()
	count := 0
	_ = s.Walk(context.Background(), func(Hash, int64) error { count++; return nil })
	if got, want := count, 4; got != want {
		t.Fatalf("blobs = %d, want %d", got, want)
	}
}

func TestVerify(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t)
	good, _ := PutBytes(ctx, s, []byte("good page"))
	bad, _ := PutBytes(ctx, s, []byte("bad page"))
	if err := os.WriteFile(s.Path(bad), []byte("bit rot"), 0o640); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(s.Root(), good.String()[:2], "notes.txt"), []byte("x"), 0o640); err != nil {
		t.Fatal(err)
	}
	rep, err := s.Verify(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := rep.Checked, 2; got != want {
		t.Fatalf("checked = %d, want %d", got, want)
	}
	if len(rep.Corrupt) != 1 || rep.Corrupt[0] != bad {
		t.Fatalf("corrupt = %v, want [%s]", rep.Corrupt, bad)
	}
	if len(rep.Stray) != 1 {
		t.Fatalf("stray = %v", rep.Stray)
	}
	if rep.OK() {
		t.Fatal("report should not be OK")
	}
}

func TestCollect(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t)
	keep, _ := PutBytes(ctx, s, []byte("referenced"))
	old, _ := PutBytes(ctx, s, []byte("orphan, old"))
	young, _ := PutBytes(ctx, s, []byte("orphan, just written"))
	past := time.Now().Add(-2 * time.Hour)
	for _, h := range []Hash{keep, old} {
		if err := os.Chtimes(s.Path(h), past, past); err != nil {
			t.Fatal(err)
		}
	}
	rep, err := s.Collect(ctx, func(h Hash) bool { return h == keep }, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Removed) != 1 || rep.Removed[0] != old {
		t.Fatalf("removed = %v, want [%s]", rep.Removed, old)
	}
	if rep.Kept != 1 || rep.TooYoung != 1 {
		t.Fatalf("kept=%d young=%d", rep.Kept, rep.TooYoung)
	}
	if _, err := s.Stat(old); !errors.Is(err, ErrNotFound) {
		t.Fatal("old orphan still there")
	}
	for _, h := range []Hash{keep, young} {
		if _, err := s.Stat(h); err != nil {
			t.Fatalf("%s: %v", h, err)
		}
	}
	// Re-putting an old orphan refreshes it so Collect spares it.
	again, _ := PutBytes(ctx, s, []byte("orphan, old"))
	rep, _ = s.Collect(ctx, func(h Hash) bool { return h == keep }, time.Hour)
	if len(rep.Removed) != 0 {
		t.Fatalf("removed re-put blob %s", again)
	}
}

func TestParseHash(t *testing.T) {
	h := Sum([]byte("x"))
	tests := []struct {
		in   string
		want bool
	}{
		{h.String(), true},
		{strings.ToUpper(h.String()), true},
		{h.String()[:10], false},
		{strings.Repeat("zz", 32), false},
	}
	for _, tt := range tests {
		p, err := ParseHash(tt.in)
		if got := err == nil; got != tt.want {
			t.Errorf("ParseHash(%q) ok = %v, want %v", tt.in, got, tt.want)
		}
		if tt.want && p != h {
			t.Errorf("ParseHash(%q) = %s", tt.in, p)
		}
	}
}
