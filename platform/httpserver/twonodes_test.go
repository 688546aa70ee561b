package httpserver_test

import (
	"context"
	"crypto/rand"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"tongban/platform/httpserver"
	"tongban/platform/pgstore"
	"tongban/platform/pgstore/pgtest"
	"tongban/platform/storetest"
	"tongban/scanner/blob"
	"tongban/sync/protocol"
)

// twoNodesOnPostgres starts two platform nodes on one fresh PostgreSQL
// database and one shared blob directory; env is node 1's, urls both.
func twoNodesOnPostgres(t *testing.T) (*env, []string) {
	t.Helper()
	dsn := pgtest.NewDatabase(t, pgtest.DSN(t))
	dir := t.TempDir()
	var urls []string
	var first *env
	for i := 0; i < 2; i++ {
		st, err := pgstore.Open(context.Background(), dsn)
		require.NoError(t, err)
		t.Cleanup(func() { st.Close() })
		bs, err := blob.OpenFS(filepath.Join(dir, "blobs"))
		require.NoError(t, err)
		srv, err := httpserver.New(httpserver.Config{Store: st, Blobs: bs, UploadDir: filepath.Join(dir, "uploads"),
			Now: func() time.Time { return storetest.T0.Add(time.Hour) }})
		require.NoError(t, err)
		ts := httptest.NewServer(srv.Handler())
		t.Cleanup(ts.Close)
		urls = append(urls, ts.URL)
		if i == 0 {
			storetest.SeedPlaces(t, st)
			first = &env{t: t, store: st, server: srv, ts: ts, dir: dir, blobs: bs, spec: openSpec(t)}
		}
	}
	return first, urls
}

// TestTwoNodesOnPostgres runs two platform nodes on one PostgreSQL database
// and one shared blob directory: a device pushes through one node, the
// handling place pulls through the other, and an upload begun on one node
// is finished on the other.
func TestTwoNodesOnPostgres(t *testing.T) {
	first, urls := twoNodesOnPostgres(t)
	a := first.device(storetest.PlaceA.Code)
	b := first.device(storetest.PlaceB.Code)
	second := *first
	second.ts = httptest.NewUnstartedServer(nil)
	second.ts.URL = urls[1]
	b.e = &second // B talks to node 2 only

	cs := newCase(a, storetest.PlaceB.Code)
	var pr protocol.PushResponse
	a.call("POST", "/v1/push", nil, protocol.PushRequest{Cases: []protocol.Case{cs},
		Actions: []protocol.Action{newAction(a, cs.ID, "received", 0), newAction(a, cs.ID, "accepted", 1)}}, 200, &pr)
	require.Equal(t, protocol.StatusCreated, pr.Actions[1].Status)
	var p protocol.PullResponse
	b.call("GET", "/v1/pull", nil, nil, 200, &p)
	require.Len(t, p.Cases, 1)
	assert.Equal(t, pr.Actions[1].OfficialNumber, p.Cases[0].OfficialNumber)
	assert.Len(t, p.Actions, 3)

	data := make([]byte, 300_000)
	_, _ = rand.Read(data)
	sha := sum(data)
	loc := a.tusCreate(sha, len(data), cs.ID, 201)
	off := a.tusPatch(loc, 0, data[:100_000], 204)
	loc2 := strings.Replace(loc, urls[0], urls[1], 1)
	require.NotEqual(t, loc, loc2)
	assert.Equal(t, off, a.tusOffset(loc2), "node 2 knows the offset")
	a.tusPatch(loc2, off, data[off:], 204)
	att := newAction(a, cs.ID, "material_received", 3)
	att.Attachments = []protocol.Attachment{{SHA256: sha, Size: int64(len(data))}}
	a.call("POST", "/v1/push", nil, protocol.PushRequest{Actions: []protocol.Action{att}}, 200, &pr)
	st, _, got := b.raw("GET", "/v1/blobs/"+sha, nil, nil)
	require.Equal(t, 200, st)
	assert.Equal(t, len(data), len(got))
}
