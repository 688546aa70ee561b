package scans_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"image"
	"image/jpeg"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"tongban/app/scans"
	"tongban/scanner"
	"tongban/scanner/blob"
	"tongban/scanner/scannertest"
)

// TestWatcherFilesPagesOnTheSelectedSlot runs the real watcher with the
// SQLite sink and target source: three pages land in order on the slot
// the clerk selected, a corrupt file is quarantined with a Chinese reason,
// and every page has a thumbnail.
func TestWatcherFilesPagesOnTheSelectedSlot(t *testing.T) {
	e := mustOpen(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	e.addCase(t, "c1", true)
	_, err := e.svc.SetTarget(ctx, clerk, "", "c1", "id-card")
	require.NoError(t, err)

	hot := filepath.Join(e.dir, "hot")
	require.NoError(t, os.MkdirAll(hot, 0o750))
	st, err := blob.OpenFS(scans.BlobDir(e.dir))
	require.NoError(t, err)
	w, err := scanner.New(scanner.Config{
		Folders:       []scanner.FolderConfig{{ID: "scanner-1", Path: hot}},
		QuarantineDir: scans.QuarantineDir(e.dir),
		Debounce:      30 * time.Millisecond, PollInterval: 100 * time.Millisecond,
	}, scanner.Deps{Store: st, Targets: e.svc, Sink: e.svc, FreeSpace: func() (uint64, error) { return 1 << 40, nil }})
	require.NoError(t, err)
	done := make(chan error, 1)
	go func() { done <- w.Serve(ctx) }()

	base := time.Now().Add(-time.Minute)
	for i, name := range []string{"p1.jpg", "p2.jpg", "p3.jpg", "broken.jpg"} {
		data := scannertest.JPEG(64, 90, i)
		if name == "broken.jpg" {
			data = data[:40]
		}
		path := filepath.Join(hot, name)
		require.NoError(t, os.WriteFile(path, data, 0o600))
		require.NoError(t, os.Chtimes(path, base.Add(time.Duration(i)*time.Second), base.Add(time.Duration(i)*time.Second)))
	}
	var pages []scans.Page
	var quarantined []scans.QuarantineItem
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		pages, err = e.svc.Pages(ctx, "c1")
		require.NoError(t, err)
		quarantined, err = scans.ListQuarantine(scans.QuarantineDir(e.dir), 0)
		require.NoError(t, err)
		if len(pages) == 3 && len(quarantined) == 1 {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	cancel()
	require.NoError(t, <-done)
	require.Len(t, pages, 3)
	assert.Equal(t, []string{"p1.jpg#0@id-card", "p2.jpg#0@id-card", "p3.jpg#0@id-card"}, files(pages))
	require.Len(t, quarantined, 1)
	assert.Equal(t, "broken.jpg", quarantined[0].FileName)
	assert.NotEmpty(t, quarantined[0].ReasonZh)
	left, err := os.ReadDir(hot)
	require.NoError(t, err)
	assert.Empty(t, left, "the hot folder is empty")

	th := scans.NewThumbnailer(st, scans.ThumbDir(e.dir))
	h, err := blob.ParseHash(pages[0].Hash)
	require.NoError(t, err)
	url, err := th.DataURL(context.Background(), h)
	require.NoError(t, err)
	raw, ok := strings.CutPrefix(url, "data:image/jpeg;base64,")
	require.True(t, ok, url[:30])
	b, err := base64.StdEncoding.DecodeString(raw)
	require.NoError(t, err)
	cfg, err := jpeg.DecodeConfig(bytes.NewReader(b))
	require.NoError(t, err)
	assert.Equal(t, image.Point{64, 90}, image.Point{cfg.Width, cfg.Height}, "small pages keep their size")
	cached, err := os.ReadDir(scans.ThumbDir(e.dir))
	require.NoError(t, err)
	assert.Len(t, cached, 1, "the thumbnail is cached")
}

func TestThumbnails(t *testing.T) {
	dir := t.TempDir()
	st, err := blob.OpenFS(filepath.Join(dir, "blobs"))
	require.NoError(t, err)
	ctx := context.Background()
	th := scans.NewThumbnailer(st, filepath.Join(dir, "thumbs"))
	cases := []struct {
		name      string
		data      []byte
		mediaType string
		size      image.Point
	}{
		{"large jpeg", scannertest.JPEG(1000, 1400, 1), "image/jpeg", image.Point{228, 320}},
		{"wide png", scannertest.PNG(800, 200, 2), "image/jpeg", image.Point{320, 80}},
		{"tiff", scannertest.TIFF(400, 300, 3, 4), "image/jpeg", image.Point{320, 240}},
		{"pdf", scannertest.PDF("x", 1), "image/svg+xml", image.Point{}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h, err := blob.PutBytes(ctx, st, c.data)
			require.NoError(t, err)
			b, mt, err := th.Thumbnail(ctx, h)
			require.NoError(t, err)
			assert.Equal(t, c.mediaType, mt)
			if mt != "image/jpeg" {
				assert.Contains(t, string(b), "<svg")
				return
			}
			cfg, err := jpeg.DecodeConfig(bytes.NewReader(b))
			require.NoError(t, err)
			assert.Equal(t, c.size, image.Point{cfg.Width, cfg.Height})
		})
	}
	_, _, err = th.Thumbnail(ctx, blob.Sum([]byte("absent")))
	assert.Error(t, err)
}
