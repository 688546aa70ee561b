package scans_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"tongban/scanner"
	"tongban/scanner/blob"
	"tongban/scanner/format"
)

func TestCollectKeepsPagesAndUnsyncedOriginals(t *testing.T) {
	e := mustOpen(t)
	ctx := context.Background()
	e.addCase(t, "c1", true)
	st, err := blob.OpenFS(filepath.Join(e.dir, "blobs"))
	require.NoError(t, err)
	put := func(s string) blob.Hash {
		h, err := blob.PutBytes(ctx, st, []byte(s))
		require.NoError(t, err)
		return h
	}
	orig, page1, page2, stray := put("original tiff"), put("page one"), put("page two"), put("nobody's")
	a := scanner.Attachment{Target: scanner.Target{CaseID: "c1", SlotID: "form"}, FolderID: "hot", FileName: "two.tif",
		Kind: format.TIFF, Source: blob.Sum([]byte("original tiff")), Original: orig, TakenAt: time.Now(),
		Pages: []scanner.Page{{Index: 0, Hash: page1, MediaType: "image/png"}, {Index: 1, Hash: page2, MediaType: "image/png"}}}
	_, err = e.svc.Attach(ctx, a)
	require.NoError(t, err)
	ps, err := e.svc.Pages(ctx, "c1")
	require.NoError(t, err)
	require.NoError(t, e.svc.Delete(ctx, clerk, ps[1].ID))

	rep, err := e.svc.Collect(ctx, st, 0)
	require.NoError(t, err)
	assert.ElementsMatch(t, []blob.Hash{page2, stray}, rep.Removed)
	for _, h := range []blob.Hash{orig, page1} {
		_, err := st.Stat(h)
		assert.NoError(t, err, "kept: %s", h)
	}

	n, err := e.svc.MarkCaseSynced(ctx, "c1")
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	rep, err = e.svc.Collect(ctx, st, 0)
	require.NoError(t, err)
	assert.Equal(t, []blob.Hash{orig}, rep.Removed, "the original goes once its case is synced")

	chk, err := e.svc.Check(ctx, st)
	require.NoError(t, err)
	assert.True(t, chk.OK())
	require.NoError(t, os.Remove(st.Path(page1)))
	chk, err = e.svc.Check(ctx, st)
	require.NoError(t, err)
	assert.False(t, chk.OK())
	assert.Equal(t, []blob.Hash{page1}, chk.Missing)
}
