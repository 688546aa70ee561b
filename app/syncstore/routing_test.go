package syncstore_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"tongban/app/cases"
	"tongban/platform/storetest"
	"tongban/sync/client"
)

// addPages stores n pages of incompressible bytes for caseID as the scan
// store would (a file row and its pages) and returns their hashes.
func (d *device) addPages(caseID string, n, size int) []string {
	d.t.Helper()
	ctx := context.Background()
	var out []string
	for i := 0; i < n; i++ {
		b := make([]byte, size)
		_, _ = rand.Read(b)
		h, _, err := d.blobs.Put(ctx, bytes.NewReader(b))
		require.NoError(d.t, err)
		now := time.Now().UTC().Format(time.RFC3339Nano)
		_, err = d.db.Writer().ExecContext(ctx, `INSERT INTO scan_files(source, folder_id, file_name, file_size, kind, original, case_id, actor, taken_at)
			VALUES (?, '', 'scan.jpg', ?, 'jpeg', ?, ?, 'clerk1', ?)`, h.String(), size, h.String(), caseID, now)
		require.NoError(d.t, err)
		_, err = d.db.Writer().ExecContext(ctx, `INSERT INTO scan_pages(id, case_id, slot_id, position, hash, media_type, size, source, source_index, added_at)
			VALUES (?, ?, 'a', ?, ?, 'image/jpeg', ?, ?, 0, ?)`, h.String()[:32], caseID, i, h.String(), size, h.String(), now)
		require.NoError(d.t, err)
		out = append(out, h.String())
	}
	return out
}

// get fetches a platform path with the device's credential.
func (d *device) get(p *plat, path string) int {
	d.t.Helper()
	req, err := http.NewRequest(http.MethodGet, p.ts.URL+path, nil)
	require.NoError(d.t, err)
	req.Header.Set("Authorization", "Bearer "+credToken(d.t, d))
	resp, err := http.DefaultClient.Do(req)
	require.NoError(d.t, err)
	resp.Body.Close()
	return resp.StatusCode
}

// TestRoutingAToB: a case collected in hall A (410102) for a matter handled
// in B (330106) reaches B's inbox with its scans; B's decision flows back.
func TestRoutingAToB(t *testing.T) {
	ctx := context.Background()
	p := newPlatform(t)
	a, b := newDevice(t, "410102"), newDevice(t, "330106")
	a.enroll(p)
	b.enroll(p)
	var submitted []string
	a.st.OnSubmitted = func(_ context.Context, id string) error { submitted = append(submitted, id); return nil }

	st := a.openCaseForm("甲", map[string]string{"handlingPlace": "330106"})
	pages := a.addPages(st.CaseID, 3, 20<<10)
	st = a.accept(st)
	st, err := a.cases.Record(ctx, clerk, st.CaseID, st.Version, cases.KindDispatched, "", cases.Dispatch{Places: []string{"330106"}})
	require.NoError(t, err)

	sa, sb := a.syncer(client.Config{ChunkSize: 8 << 10}), b.syncer(client.Config{})
	ok, err := a.st.CaseSubmitted(ctx, st.CaseID)
	require.NoError(t, err)
	assert.False(t, ok, "not submitted before sync")
	_, err = sa.SyncNow(ctx)
	require.NoError(t, err)
	assert.Zero(t, a.states()["pending"])
	ok, err = a.st.CaseSubmitted(ctx, st.CaseID)
	require.NoError(t, err)
	assert.True(t, ok, "submitted once every action and scan is confirmed")
	assert.Contains(t, submitted, st.CaseID)

	// B pulls: the case and its whole journal, and may read the scans.
	_, err = sb.SyncNow(ctx)
	require.NoError(t, err)
	var n int
	require.NoError(t, b.db.Reader().QueryRow("SELECT COUNT(*) FROM case_actions WHERE case_id = ?", st.CaseID).Scan(&n))
	if got, want := n, st.Version; got < want {
		t.Fatalf("B has %d actions of the case, want ≥ %d", got, want)
	}
	for _, h := range pages {
		if got, want := b.get(p, "/v1/blobs/"+h), http.StatusOK; got != want {
			t.Fatalf("B GET blob %s: %d, want %d", h[:8], got, want)
		}
	}
	// The scans are listed as attachments on the platform's journal.
	dev, _ := storetest.Enroll(t, p.store, "330106")
	_, acts, err := p.store.Case(ctx, dev, st.CaseID)
	require.NoError(t, err)
	listed := map[string]bool{}
	for _, act := range acts {
		for _, at := range act.Attachments {
			listed[at.SHA256] = true
		}
	}
	for _, h := range pages {
		assert.True(t, listed[h], "page %s listed on an action", h[:8])
	}
	// A third hall sees nothing of it.
	c := newDevice(t, "410105")
	c.enroll(p)
	if got, want := c.get(p, "/v1/blobs/"+pages[0]), http.StatusNotFound; got != want {
		t.Fatalf("hall C GET blob: %d, want %d", got, want)
	}

	// B's decision flows back to A.
	bst, err := b.cases.Detail(ctx, cases.Actor{Username: "h1", Role: cases.RoleHandler}, st.CaseID, false)
	require.NoError(t, err)
	handler := cases.Actor{Username: "handler1", DisplayName: "李办理", Role: cases.RoleHandler}
	_, err = b.cases.Record(ctx, handler, st.CaseID, bst.State.Version, cases.KindHandlerReceived, "", cases.Handling{Place: "330106"})
	require.NoError(t, err)
	_, err = sb.SyncNow(ctx)
	require.NoError(t, err)
	_, err = sa.SyncNow(ctx)
	require.NoError(t, err)
	var kind string
	require.NoError(t, a.db.Reader().QueryRow("SELECT kind FROM case_actions WHERE case_id = ? ORDER BY seq DESC LIMIT 1", st.CaseID).Scan(&kind))
	if got, want := kind, string(cases.KindHandlerReceived); got != want {
		t.Fatalf("A's last action of the case: %s, want %s", got, want)
	}
}
