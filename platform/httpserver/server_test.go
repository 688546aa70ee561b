package httpserver_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"tongban/platform"
	"tongban/platform/storetest"
	"tongban/sync/protocol"
)

func TestSpecListsExactlyTheServedRoutes(t *testing.T) {
	e := newEnv(t)
	served := e.server.Patterns()
	sort.Strings(served)
	assert.Equal(t, e.spec.patterns(), served)
}

func newCase(c *client, place string) protocol.Case {
	return storetest.NewCase(c.dev(), place)
}

func newAction(c *client, caseID, kind string, version int) protocol.Action {
	return storetest.NewAction(c.dev(), caseID, kind, version)
}

// TestHappyPaths walks every operation once and validates each JSON answer
// against docs/openapi.json.
func TestHappyPaths(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	a := e.device(storetest.PlaceA.Code)
	a.gzip = true
	b := e.device(storetest.PlaceB.Code)

	var health protocol.Health
	a.call("GET", "/healthz", nil, nil, 200, &health)
	assert.Equal(t, "ok", health.Status)
	var me protocol.Me
	a.call("GET", "/v1/me", nil, nil, 200, &me)
	assert.Equal(t, a.id, me.DeviceID)
	assert.Equal(t, storetest.PlaceA.Name, me.HallName)
	a.call("GET", "/v1/places", nil, nil, 200, nil)

	require.NoError(t, e.store.PutAccount(ctx, platform.Account{Username: "zhang", DisplayName: "张窗口", Role: "clerk",
		Hall: a.hall, PasswordHash: platform.HashPassword("pw", platform.HashParams{Memory: 64, Time: 1, Threads: 1}), UpdatedAt: storetest.T0}))
	var accts protocol.AccountsResponse
	a.call("GET", "/v1/accounts", nil, nil, 200, &accts)
	require.Len(t, accts.Accounts, 1)
	b.call("GET", "/v1/accounts", nil, nil, 200, &accts)
	assert.Empty(t, accts.Accounts, "accounts of another hall are not listed")

	a.call("GET", "/v1/catalog", nil, nil, 404, nil)
	_, err := e.store.PublishCatalog(ctx, []byte(`{"matters":[{"code":"HN-0001","name":"示例"}]}`), storetest.T0)
	require.NoError(t, err)
	var cv protocol.CatalogVersion
	a.call("GET", "/v1/catalog", nil, nil, 200, &cv)
	a.call("GET", "/v1/catalog?after="+strconv.Itoa(cv.Version), nil, nil, 204, nil)

	// Push a case routed to B with two actions.
	cs := newCase(a, storetest.PlaceB.Code)
	acts := []protocol.Action{newAction(a, cs.ID, "received", 0), newAction(a, cs.ID, "accepted", 1)}
	var pr protocol.PushResponse
	a.call("POST", "/v1/push", nil, protocol.PushRequest{Cases: []protocol.Case{cs}, Actions: acts}, 200, &pr)
	require.Equal(t, protocol.StatusCreated, pr.Actions[1].Status)
	assert.NotEmpty(t, pr.Actions[1].OfficialNumber)

	// One action by PUT: created, replayed, conflicting.
	one := newAction(a, cs.ID, "material_received", 3)
	var ir protocol.ItemResult
	a.call("PUT", "/v1/cases/{caseId}/actions/{id}", []string{cs.ID, one.ID}, one, 201, &ir)
	a.call("PUT", "/v1/cases/{caseId}/actions/{id}", []string{cs.ID, one.ID}, one, 200, &ir)
	assert.Equal(t, protocol.StatusDuplicate, ir.Status)
	changed := one
	changed.Payload = json.RawMessage(`{"other":true}`)
	a.call("PUT", "/v1/cases/{caseId}/actions/{id}", []string{cs.ID, one.ID}, changed, 409, nil)

	var cr struct {
		Case    protocol.StoredCase     `json:"case"`
		Actions []protocol.StoredAction `json:"actions"`
	}
	b.call("GET", "/v1/cases/{id}", []string{cs.ID}, nil, 200, &cr)
	assert.Len(t, cr.Actions, 4, "received, accepted, number, material")

	// B's inbox.
	var pull protocol.PullResponse
	b.call("GET", "/v1/pull?limit=2", nil, nil, 200, &pull)
	assert.True(t, pull.More)
	seen := len(pull.Actions)
	for pull.More {
		b.call("GET", "/v1/pull?limit=2&cursor="+pull.Cursor, nil, nil, 200, &pull)
		seen += len(pull.Actions)
	}
	assert.Equal(t, 4, seen)

	var nb protocol.NumberBlock
	a.call("POST", "/v1/numbers/blocks", nil, protocol.NumberBlockRequest{Count: 3}, 201, &nb)
	assert.Len(t, nb.Numbers, 3)

	// A scan: upload, then visible to B once a case references it.
	data := make([]byte, 100_000)
	_, _ = rand.Read(data)
	sha := sum(data)
	loc := a.tusCreate(sha, len(data), cs.ID, 201)
	off := a.tusPatch(loc, 0, data, 204)
	assert.Equal(t, len(data), off)
	st, _, _ := b.raw("HEAD", "/v1/blobs/"+sha, nil, nil)
	assert.Equal(t, 404, st, "not referenced by a case in B's scope yet")
	att := newAction(a, cs.ID, "material_received", 4)
	att.Attachments = []protocol.Attachment{{SHA256: sha, Size: int64(len(data))}}
	a.call("POST", "/v1/push", nil, protocol.PushRequest{Actions: []protocol.Action{att}}, 200, &pr)
	st, _, _ = b.raw("HEAD", "/v1/blobs/"+sha, nil, nil)
	assert.Equal(t, 200, st)
	st, _, got := b.raw("GET", "/v1/blobs/"+sha, nil, nil)
	require.Equal(t, 200, st)
	assert.True(t, bytes.Equal(data, got))
	st, _, got = b.raw("GET", "/v1/blobs/"+sha, nil, http.Header{"Range": {"bytes=10-19"}})
	assert.Equal(t, 206, st)
	assert.Equal(t, data[10:20], got)

	st, _, body := a.raw("GET", "/metrics", nil, nil)
	require.Equal(t, 200, st)
	assert.Contains(t, string(body), `tongban_platform_push_items_total{kind="action",status="created"}`)

	checkLedgerHappyPath(t, e)
	for _, op := range e.spec.jsonOperations() {
		assert.True(t, e.spec.checked[op], "happy path never validated %s", op)
	}
}

// TestAuthorizationMatrix: every device route refuses a missing, unknown
// and revoked token; a device of hall C reaches none of A's and B's cases.
func TestAuthorizationMatrix(t *testing.T) {
	e := newEnv(t)
	a := e.device(storetest.PlaceA.Code)
	c := e.device(storetest.PlaceC.Code)
	revoked := e.device(storetest.PlaceA.Code)
	require.NoError(t, e.store.RevokeDevice(context.Background(), revoked.id, storetest.T0))

	cs := newCase(a, storetest.PlaceB.Code)
	var pr protocol.PushResponse
	a.call("POST", "/v1/push", nil, protocol.PushRequest{Cases: []protocol.Case{cs},
		Actions: []protocol.Action{newAction(a, cs.ID, "received", 0)}}, 200, &pr)
	data := []byte("scan of hall A")
	sha := sum(data)
	loc := a.tusCreate(sha, len(data)+10, cs.ID, 201) // left unfinished
	att := newAction(a, cs.ID, "material_received", 1)
	att.Attachments = []protocol.Attachment{{SHA256: sha, Size: int64(len(data))}}
	a.call("POST", "/v1/push", nil, protocol.PushRequest{Actions: []protocol.Action{att}}, 200, &pr)

	public := map[string]bool{"GET /healthz": true, "GET /metrics": true, "POST /v1/enroll": true, "OPTIONS /v1/uploads/": true,
		"GET /q/{number}": true, "POST /q/{number}": true} // the query page checks a code, not a token
	sample := strings.NewReplacer("{caseId}", cs.ID, "{id}", cs.ID, "{sha256}", sha)
	nobody := &client{e: e}
	unknown := &client{e: e, token: platform.NewToken()}
	for _, p := range e.server.Patterns() {
		if public[p] {
			continue
		}
		method, path, _ := strings.Cut(p, " ")
		path = sample.Replace(path)
		for name, cl := range map[string]*client{"none": nobody, "unknown": unknown, "revoked": revoked} {
			st, _, body := cl.raw(method, path, map[string]any{}, http.Header{"Tus-Resumable": {"1.0.0"}})
			assert.Equal(t, 401, st, "%s with %s token: %s", p, name, body)
		}
	}

	// Hall C: nothing of A's case by any route.
	st, _, _ := c.raw("GET", "/v1/cases/"+cs.ID, nil, nil)
	assert.Equal(t, 404, st)
	act := newAction(c, cs.ID, "handled", 2)
	st, _, _ = c.raw("PUT", "/v1/cases/"+cs.ID+"/actions/"+act.ID, act, nil)
	assert.Equal(t, 403, st)
	var pr2 protocol.PushResponse
	c.call("POST", "/v1/push", nil, protocol.PushRequest{Actions: []protocol.Action{act}}, 200, &pr2)
	assert.Equal(t, protocol.EFORBIDDEN, pr2.Actions[0].Error.Code)
	spoof := newCase(a, storetest.PlaceB.Code) // a case claiming to be A's, pushed by C
	c.call("POST", "/v1/push", nil, protocol.PushRequest{Cases: []protocol.Case{spoof}}, 200, &pr2)
	assert.Equal(t, protocol.EFORBIDDEN, pr2.Cases[0].Error.Code)
	var pull protocol.PullResponse
	c.call("GET", "/v1/pull", nil, nil, 200, &pull)
	assert.Empty(t, pull.Cases)
	assert.Empty(t, pull.Actions)
	st, _, _ = c.raw("GET", "/v1/blobs/"+sha, nil, nil)
	assert.Equal(t, 404, st)
	st, _, _ = c.raw("HEAD", strings.TrimPrefix(loc, e.ts.URL), nil, http.Header{"Tus-Resumable": {"1.0.0"}})
	assert.Equal(t, 404, st, "another device's upload")
	st, _, _ = c.raw("PATCH", strings.TrimPrefix(loc, e.ts.URL), nil, http.Header{"Tus-Resumable": {"1.0.0"}, "Upload-Offset": {"0"}})
	assert.Equal(t, 404, st)

	// A revoked device is refused on its next request; an enrollment code works once.
	code := platform.NewEnrollCode()
	require.NoError(t, e.store.CreateEnrollCode(context.Background(), platform.EnrollCode{Hash: platform.HashSecret(platform.NormalizeEnrollCode(code)),
		Hall: storetest.PlaceA.Code, CreatedAt: storetest.T0, ExpiresAt: storetest.T0.Add(2 * time.Hour)}))
	nobody.call("POST", "/v1/enroll", nil, map[string]string{"code": code, "deviceName": "x"}, 201, nil)
	nobody.call("POST", "/v1/enroll", nil, map[string]string{"code": code, "deviceName": "y"}, 401, nil)
	a.call("GET", "/v1/me", nil, nil, 200, nil)
	require.NoError(t, e.store.RevokeDevice(context.Background(), a.id, storetest.T0))
	a.call("GET", "/v1/me", nil, nil, 401, nil)
}

func TestPullCursorCannotContinue(t *testing.T) {
	e := newEnv(t)
	a := e.device(storetest.PlaceA.Code)
	c := e.device(storetest.PlaceC.Code)
	cs := newCase(a, storetest.PlaceA.Code)
	a.call("POST", "/v1/push", nil, protocol.PushRequest{Cases: []protocol.Case{cs}}, 200, nil)
	var p protocol.PullResponse
	a.call("GET", "/v1/pull", nil, nil, 200, &p)
	require.Len(t, p.Cases, 1)
	a.call("GET", "/v1/pull?cursor="+p.Cursor, nil, nil, 200, nil)
	for name, cur := range map[string]string{"garbage": "not-a-cursor", "tampered": p.Cursor[:len(p.Cursor)-2] + "xx"} {
		t.Run(name, func(t *testing.T) {
			var eb protocol.ErrorBody
			a.call("GET", "/v1/pull?cursor="+cur, nil, nil, 412, &eb)
			assert.Equal(t, protocol.ECURSOR, eb.Error.Code)
		})
	}
	c.call("GET", "/v1/pull?cursor="+p.Cursor, nil, nil, 412, nil) // another hall's cursor
	_, err := e.store.ResetEpoch(context.Background())
	require.NoError(t, err)
	a.call("GET", "/v1/pull?cursor="+p.Cursor, nil, nil, 412, nil)
	a.call("GET", "/v1/pull", nil, nil, 200, &p) // a rebuild from the start works
	assert.Len(t, p.Cases, 1)
}

// TestUploadResumes interrupts an upload at 10%, 50% and 99%, restarting
// the server node between pieces, and finishes it; a wrong hash is refused.
func TestUploadResumes(t *testing.T) {
	e := newEnv(t)
	a := e.device(storetest.PlaceA.Code)
	data := make([]byte, 1<<20)
	_, _ = rand.Read(data)
	sha := sum(data)
	loc := a.tusCreate(sha, len(data), "", 201)
	off := 0
	for _, pct := range []int{10, 50, 99} {
		end := len(data) * pct / 100
		off = a.tusPatch(loc, off, data[off:end], 204)
		require.Equal(t, end, off)
		e.start() // a new node: nothing of the upload is in memory
		loc = strings.Replace(loc, loc[:strings.Index(loc, "/v1/")], e.ts.URL, 1)
		if got := a.tusOffset(loc); got != off {
			t.Fatalf("offset after restart at %d%% = %d, want %d", pct, got, off)
		}
	}
	a.tusPatch(loc, off, data[off:], 204)
	st, _, _ := a.raw("HEAD", "/v1/blobs/"+sha, nil, nil)
	assert.Equal(t, 200, st)
	h, _ := hex.DecodeString(sha)
	var bh [32]byte
	copy(bh[:], h)
	size, err := e.blobs.Stat(bh)
	require.NoError(t, err)
	assert.Equal(t, int64(len(data)), size)

	// Declared hash does not match the bytes.
	wrong := sum([]byte("something else"))
	loc = a.tusCreate(wrong, 1000, "", 201)
	a.tusPatch(loc, 0, data[:1000], 460)
	st, _, _ = a.raw("HEAD", "/v1/blobs/"+wrong, nil, nil)
	assert.Equal(t, 404, st)
	// Bad metadata.
	a.tusCreate("xyz", 10, "", 400)
}

func TestGzipBothWays(t *testing.T) {
	e := newEnv(t)
	a := e.device(storetest.PlaceA.Code)
	a.gzip = true
	var cases []protocol.Case
	for i := 0; i < 50; i++ {
		cases = append(cases, newCase(a, storetest.PlaceA.Code))
	}
	var pr protocol.PushResponse
	a.call("POST", "/v1/push", nil, protocol.PushRequest{Cases: cases}, 200, &pr)
	require.Len(t, pr.Cases, 50)

	req, _ := http.NewRequest("GET", e.ts.URL+"/v1/pull", nil)
	req.Header.Set("Authorization", "Bearer "+a.token)
	req.Header.Set("Accept-Encoding", "gzip")
	resp, err := (&http.Client{Transport: &http.Transport{DisableCompression: true}}).Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	assert.Equal(t, "gzip", resp.Header.Get("Content-Encoding"))
	zr, err := gzip.NewReader(resp.Body)
	require.NoError(t, err)
	var p protocol.PullResponse
	require.NoError(t, json.NewDecoder(zr).Decode(&p))
	assert.Len(t, p.Cases, 50)

	// A gzip bomb stops at the body limit.
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	_, _ = zw.Write([]byte(`{"cases":[`))
	_, _ = io.CopyN(zw, zeroReader{}, protocol.MaxBodyBytes+10)
	_ = zw.Close()
	req, _ = http.NewRequest("POST", e.ts.URL+"/v1/push", &buf)
	req.Header.Set("Authorization", "Bearer "+a.token)
	req.Header.Set("Content-Encoding", "gzip")
	resp, err = http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, 413, resp.StatusCode)
}

type zeroReader struct{}

func (zeroReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = ' '
	}
	return len(p), nil
}

func TestLogsHoldNoPersonalData(t *testing.T) {
	e := newEnv(t)
	a := e.device(storetest.PlaceA.Code)
	cs := newCase(a, storetest.PlaceB.Code)
	cs.Data = json.RawMessage(`{"applicant":{"name":"李四","idNo":"410102199001011234","phone":"13812345678","address":"郑州市中原区建设路1号"}}`)
	act := newAction(a, cs.ID, "received", 0)
	act.Payload = cs.Data
	a.call("POST", "/v1/push", nil, protocol.PushRequest{Cases: []protocol.Case{cs}, Actions: []protocol.Action{act}}, 200, nil)
	bad := act
	bad.Payload = json.RawMessage(`{"idNo":"410102199001011234","x":1}`)
	a.call("PUT", "/v1/cases/{caseId}/actions/{id}", []string{cs.ID, act.ID}, bad, 409, nil)
	logs := e.logs.String()
	require.Contains(t, logs, `"route":"POST /v1/push"`, "requests are logged")
	for _, secret := range []string{"410102199001011234", "13812345678", "李四", "建设路", a.token} {
		assert.NotContains(t, logs, secret)
	}
}

func sum(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// Minimal tus client.

func (c *client) tusCreate(sha string, size int, caseID string, want int) string {
	c.e.t.Helper()
	md := "sha256 " + b64(sha)
	if caseID != "" {
		md += ",caseId " + b64(caseID)
	}
	st, h, body := c.raw("POST", "/v1/uploads/", nil, http.Header{"Tus-Resumable": {"1.0.0"},
		"Upload-Length": {strconv.Itoa(size)}, "Upload-Metadata": {md}})
	require.Equal(c.e.t, want, st, "tus create: %s", body)
	loc := h.Get("Location")
	if want == 201 {
		require.NotEmpty(c.e.t, loc)
	}
	return loc
}

func (c *client) tusPatch(loc string, off int, chunk []byte, want int) int {
	c.e.t.Helper()
	req, err := http.NewRequest("PATCH", loc, bytes.NewReader(chunk))
	require.NoError(c.e.t, err)
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("Tus-Resumable", "1.0.0")
	req.Header.Set("Content-Type", "application/offset+octet-stream")
	req.Header.Set("Upload-Offset", strconv.Itoa(off))
	resp, err := http.DefaultClient.Do(req)
	require.NoError(c.e.t, err)
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.Equal(c.e.t, want, resp.StatusCode, "tus patch: %s", b)
	n, _ := strconv.Atoi(resp.Header.Get("Upload-Offset"))
	return n
}

func (c *client) tusOffset(loc string) int {
	c.e.t.Helper()
	req, _ := http.NewRequest("HEAD", loc, nil)
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("Tus-Resumable", "1.0.0")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(c.e.t, err)
	resp.Body.Close()
	require.Equal(c.e.t, 200, resp.StatusCode)
	n, err := strconv.Atoi(resp.Header.Get("Upload-Offset"))
	require.NoError(c.e.t, err, fmt.Sprint(resp.Header))
	return n
}
