package main

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"tongban/app/audit"
	"tongban/app/paths"
	"tongban/app/scans"
	"tongban/app/store"
	"tongban/scanner"
	"tongban/scanner/blob"
	"tongban/scanner/format"
)

func TestCheckVerifiesPageBlobs(t *testing.T) {
	dir := t.TempDir()
	code, _, stderr := ctl(t, dir, "Admin2024\n", "user", "add", "--role", "admin", "--password-stdin", "admin")
	require.Equal(t, 0, code, stderr)

	ctx := context.Background()
	db, err := store.Open(ctx, paths.DBPath(dir))
	require.NoError(t, err)
	svc := scans.New(db, scans.AuditJournal{Log: audit.New(db, "WS-test", nil)}, nil)
	// A page referenced before any store exists is missing.
	page := blob.Sum([]byte("page"))
	_, err = svc.Attach(ctx, scanner.Attachment{FolderID: "hot", FileName: "p.jpg", Kind: format.JPEG, Source: page,
		TakenAt: time.Now(), Pages: []scanner.Page{{Hash: page, MediaType: "image/jpeg"}}})
	require.NoError(t, err)
	require.NoError(t, db.Close())

	code, out, _ := ctl(t, dir, "", "check")
	require.Equal(t, 1, code)
	require.Contains(t, out, "page blobs")
	require.Contains(t, out, "1 referenced but missing")

	st, err := blob.OpenFS(scans.BlobDir(dir))
	require.NoError(t, err)
	_, err = blob.PutBytes(ctx, st, []byte("page"))
	require.NoError(t, err)
	code, out, _ = ctl(t, dir, "", "check")
	require.Equal(t, 0, code, out)
	require.Contains(t, out, "all checks passed")

	require.NoError(t, os.Chmod(st.Path(page), 0o600))
	require.NoError(t, os.WriteFile(st.Path(page), []byte("tampered"), 0o600))
	code, out, _ = ctl(t, dir, "", "check")
	require.Equal(t, 1, code)
	require.Contains(t, out, "1 of 1 page blobs corrupt")
	require.Contains(t, out, "内容与校验值不符")
}
