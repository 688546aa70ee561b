package app_test

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"tongban/app/scans"
	"tongban/scanner/blob"
	"tongban/scanner/scannertest"
)

// An unreferenced blob older than the minimum age is collected; the pages
// of a case and the kept original of a not-yet-synced case stay, and so
// does an unreferenced blob that is too young (a page being attached).
func TestBlobCollectionKeepsReferencedBlobs(t *testing.T) {
	s := openScanWS(t)
	caseID := s.openCase(t)
	_, err := s.scan.SetTarget("", caseID, "application")
	require.NoError(t, err)

	tiff := scannertest.TIFF(120, 160, 7, 8)
	p := filepath.Join(s.hot, "scan-tiff.tif")
	require.NoError(t, os.WriteFile(p, tiff, 0o600))
	old := time.Now().Add(-time.Minute)
	require.NoError(t, os.Chtimes(p, old, old))
	pages := waitPages(t, s, caseID, 2)

	ctx := context.Background()
	st, err := blob.OpenFS(scans.BlobDir(s.dir))
	require.NoError(t, err)
	orphan, err := blob.PutBytes(ctx, st, []byte("a page nobody refers to"))
	require.NoError(t, err)
	// A result document fetched from the platform for a routed case.
	fetched, err := blob.PutBytes(ctx, st, []byte("%PDF-1.7 a result fetched from the platform"))
	require.NoError(t, err)
	_, err = s.ws.LoopDBForTest().Writer().ExecContext(ctx, `INSERT INTO remote_files(action_id, case_id, kind, sha256, size)
		VALUES ('a1', 'c1', 'handled', ?, 10)`, fetched.String())
	require.NoError(t, err)

	// Age every blob past the minimum age, then add a young orphan.
	long := time.Now().Add(-72 * time.Hour)
	require.NoError(t, filepath.WalkDir(st.Root(), func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		return os.Chtimes(path, long, long)
	}))
	young, err := blob.PutBytes(ctx, st, []byte("a page being attached right now"))
	require.NoError(t, err)

	rep, err := s.ws.CollectBlobsForTest(ctx, 24*time.Hour)
	require.NoError(t, err)
	require.Equal(t, []blob.Hash{orphan}, rep.Removed)
	if got, want := rep.TooYoung, 1; got != want {
		t.Errorf("too young = %d, want %d", got, want)
	}

	_, err = st.Stat(orphan)
	require.Error(t, err, "the unreferenced old blob is gone")
	_, err = st.Stat(young)
	require.NoError(t, err, "a young unreferenced blob stays")
	_, err = st.Stat(fetched)
	require.NoError(t, err, "a file fetched for a routed case stays")
	_, err = st.Stat(blob.Sum(tiff))
	require.NoError(t, err, "the kept original of an unsynced case stays")
	for _, pg := range pages {
		h, err := blob.ParseHash(pg.Hash)
		require.NoError(t, err)
		_, err = st.Stat(h)
		require.NoError(t, err, "page %s stays", pg.ID)
	}
	// The pages still read back.
	url, err := s.scan.Thumbnail(pages[0].Hash)
	require.NoError(t, err)
	require.Contains(t, url, "base64,")
}
