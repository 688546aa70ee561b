package remotefiles_test

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"io"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"tongban/app/errs"
	"tongban/app/remotefiles"
	"tongban/app/store"
	"tongban/scanner/blob"
)

type bytesSource struct {
	b   []byte
	err error
}

func (s bytesSource) Blob(context.Context, string) (io.ReadCloser, error) {
	if s.err != nil {
		return nil, s.err
	}
	return io.NopCloser(bytes.NewReader(s.b)), nil
}

func openStore(t *testing.T) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "t.db"))
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	return db
}

func TestRemoteRecordListFind(t *testing.T) {
	ctx := context.Background()
	db := openStore(t)
	h1, h2 := blob.Sum([]byte("one")).String(), blob.Sum([]byte("two")).String()
	record := func(action, caseID, kind string, atts ...remotefiles.Attachment) {
		require.NoError(t, db.WriteTx(ctx, func(tx *sql.Tx) error {
			return remotefiles.RecordTx(ctx, tx, action, caseID, kind, atts)
		}))
	}
	record("a1", "c1", "accepted", remotefiles.Attachment{SHA256: h1, Size: 3}, remotefiles.Attachment{SHA256: "NOT-A-HASH", Size: 1})
	record("a1", "c1", "accepted", remotefiles.Attachment{SHA256: h1, Size: 3}) // replayed batch
	record("a2", "c1", "handled", remotefiles.Attachment{SHA256: h1, Size: 3}, remotefiles.Attachment{SHA256: h2, Size: 3})
	record("a3", "c2", "accepted", remotefiles.Attachment{SHA256: h2, Size: 3})

	s := remotefiles.New(db)
	got, err := s.List(ctx, "c1")
	require.NoError(t, err)
	require.Len(t, got, 2, "each file once, junk hashes dropped")
	require.Equal(t, h1, got[0].SHA256)
	require.Equal(t, "a1", got[0].ActionID, "first action that listed it")
	require.Equal(t, h2, got[1].SHA256)
	require.Equal(t, "handled", got[1].Kind)
	none, err := s.List(ctx, "c9")
	require.NoError(t, err)
	require.Empty(t, none)
	_, ok, err := s.Find(ctx, "c2", h1)
	require.NoError(t, err)
	require.False(t, ok, "c2 does not have file one")
	f, ok, err := s.Find(ctx, "c2", h2)
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, int64(3), f.Size)
}

func TestRemoteFetch(t *testing.T) {
	ctx := context.Background()
	bs, err := blob.OpenFS(t.TempDir())
	require.NoError(t, err)
	good := []byte("%PDF-1.7 result")
	sha := blob.Sum(good).String()
	tests := []struct {
		name string
		src  bytesSource
		sha  string
		size int64
		code string
	}{
		{"ok", bytesSource{b: good}, sha, int64(len(good)), ""},
		{"size unknown", bytesSource{b: good}, sha, -1, ""},
		{"wrong bytes", bytesSource{b: []byte("%PDF-1.7 forged")}, sha, int64(len(good)), errs.ECORRUPT},
		{"short", bytesSource{b: good[:4]}, sha, int64(len(good)), errs.ECORRUPT},
		{"bad hash", bytesSource{b: good}, "XYZ", 1, errs.EINVALID},
		{"too large", bytesSource{b: good}, sha, remotefiles.MaxFile + 1, errs.ETOOLARGE},
		{"offline", bytesSource{err: errs.New(errs.EOFFLINE, "down", "离线")}, sha, 1, errs.EOFFLINE},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b, err := remotefiles.Fetch(ctx, tc.src, bs, tc.sha, tc.size)
			if got, want := errs.Code(err), tc.code; got != want {
				t.Fatalf("code = %q, want %q (%v)", got, want, err)
			}
			if tc.code == "" {
				require.Equal(t, good, b)
				_, err := bs.Stat(blob.Sum(good))
				require.NoError(t, err)
			}
		})
	}
	_, err = bs.Stat(blob.Sum([]byte("%PDF-1.7 forged")))
	require.True(t, errors.Is(err, blob.ErrNotFound), "forged bytes were not stored: %v", err)
}

// FuzzFetch: whatever the platform serves, Fetch never panics and stores
// only bytes whose SHA-256 is the one asked for.
func FuzzFetch(f *testing.F) {
	f.Add([]byte("%PDF-1.4"), "", int64(-1))
	f.Add([]byte("hello"), blob.Sum([]byte("hello")).String(), int64(5))
	f.Add([]byte{}, blob.Sum(nil).String(), int64(0))
	f.Add([]byte("x"), "zz", int64(1))
	bs, err := blob.OpenFS(f.TempDir())
	require.NoError(f, err)
	f.Fuzz(func(t *testing.T, served []byte, sha string, size int64) {
		b, err := remotefiles.Fetch(context.Background(), bytesSource{b: served}, bs, sha, size)
		if err != nil {
			return
		}
		if got := blob.Sum(b).String(); got != sha {
			t.Fatalf("accepted bytes with hash %s for %s", got, sha)
		}
	})
}
