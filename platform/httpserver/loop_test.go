package httpserver_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"tongban/platform"
	"tongban/platform/httpserver"
	"tongban/platform/storetest"
	"tongban/scanner/blob"
	"tongban/sync/protocol"
)

// clock is a settable clock for the throttle tests.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// loopEnv is a platform node on newEnv's database with a settable clock.
func loopEnv(t *testing.T) (*env, *clock, *httptest.Server) {
	e := newEnv(t)
	clk := &clock{t: storetest.T0.Add(2 * time.Hour)}
	bs, err := blob.OpenFS(filepath.Join(e.dir, "blobs2"))
	require.NoError(t, err)
	srv, err := httpserver.New(httpserver.Config{Store: e.store, Blobs: bs, UploadDir: filepath.Join(e.dir, "uploads2"), Now: clk.now})
	require.NoError(t, err)
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	return e, clk, ts
}

const (
	demoName = "欧阳娜娜"
	demoID   = "41010219900101123X"
)

// pushDemoCase pushes a case as the workstation does (received with the
// full intake, accepted with the receipt) and returns its numbers.
func pushDemoCase(t *testing.T, e *env) (official, provisional string) {
	a := e.device(storetest.PlaceA.Code)
	cs := newCase(a, storetest.PlaceB.Code)
	cs.ProvisionalNumber = "L-410102-20260302-0042"
	recv := newAction(a, cs.ID, "received", 0)
	recv.Payload = storetest.ReceivedPayload(demoName, demoID, "社会保障卡申领")
	acc := newAction(a, cs.ID, "accepted", 1)
	acc.Payload = json.RawMessage(`{"dueDate":"2026-03-20","applicant":"欧阳娜娜","idMasked":"410102********123X"}`)
	disp := newAction(a, cs.ID, "dispatched", 2)
	var pr protocol.PushResponse
	a.call("POST", "/v1/push", nil, protocol.PushRequest{Cases: []protocol.Case{cs}, Actions: []protocol.Action{recv, acc, disp}}, 200, &pr)
	require.NotEmpty(t, pr.Actions[1].OfficialNumber)
	return pr.Actions[1].OfficialNumber, cs.ProvisionalNumber
}

func postCode(t *testing.T, ts *httptest.Server, number, code string, h http.Header) (int, http.Header, string) {
	t.Helper()
	req, err := http.NewRequest("POST", ts.URL+"/q/"+number, strings.NewReader(url.Values{"code": {code}}.Encode()))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for k, v := range h {
		req.Header[k] = v
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, resp.Header, string(b)
}

// personal is what must never appear on the page.
var personal = []string{demoName, "阳娜", "娜娜", demoID, "123X", "410102199", "13812345678", "建设路"}

func TestQueryPageShowsProgressOnlyWithTheCode(t *testing.T) {
	e, clk, ts := loopEnv(t)
	official, provisional := pushDemoCase(t, e)

	resp, err := http.Get(ts.URL + "/q/" + official)
	require.NoError(t, err)
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.Equal(t, 200, resp.StatusCode)
	require.NoError(t, e.spec.validateResponse("GET", "/q/{number}", resp.StatusCode, resp.Header.Get("Content-Type"), b))
	assert.Equal(t, "no-store", resp.Header.Get("Cache-Control"))
	assert.Contains(t, resp.Header.Get("Content-Security-Policy"), "frame-ancestors 'none'")
	assert.Equal(t, "nosniff", resp.Header.Get("X-Content-Type-Options"))
	assert.Contains(t, string(b), "后4位")
	assert.Contains(t, string(b), `name="viewport"`)
	assert.NotContains(t, string(b), "<script")

	for _, number := range []string{official, provisional} {
		st, h, body := postCode(t, ts, number, "123x", nil)
		require.Equal(t, 200, st, body)
		require.NoError(t, e.spec.validateResponse("POST", "/q/{number}", st, h.Get("Content-Type"), []byte(body)))
		assert.Contains(t, body, "欧***")
		assert.Contains(t, body, "社会保障卡申领")
		assert.Contains(t, body, "受理")
		assert.Contains(t, body, "2026-03-02") // dates of 收件 and 受理
		assert.Contains(t, body, "办理地签收")
		assert.Contains(t, body, storetest.PlaceB.Name)
		assert.Contains(t, body, "已寄递")
		for _, p := range personal {
			assert.NotContains(t, body, p)
		}
		clk.add(time.Minute)
	}
}

func TestQueryPageWrongCodeAndUnknownCaseLookAlike(t *testing.T) {
	e, clk, ts := loopEnv(t)
	official, _ := pushDemoCase(t, e)
	unknown := official[:len(official)-1] + "9"
	if unknown == official {
		unknown = official[:len(official)-1] + "8"
	}
	norm := func(body, number string) string { return strings.ReplaceAll(body, number, "NUMBER") }

	st1, h1, wrong := postCode(t, ts, official, "9999", nil)
	clk.add(time.Hour) // past every slow-down
	st2, h2, none := postCode(t, ts, unknown, "9999", nil)
	assert.Equal(t, st1, st2)
	assert.Equal(t, 200, st1)
	assert.Equal(t, norm(wrong, official), norm(none, unknown), "a wrong code and an unknown case answer alike")
	assert.Contains(t, wrong, "信息不匹配")
	assert.Equal(t, h1.Get("Content-Length"), h2.Get("Content-Length"))
	for _, p := range append(personal, "欧*") {
		assert.NotContains(t, wrong, p)
	}

	// Right after a failure the next attempt is slowed down, also with the
	// right code: the answer does not say whether the code was right.
	_, _, _ = postCode(t, ts, official, "0000", nil)
	st, h, body := postCode(t, ts, official, "123X", nil)
	assert.Equal(t, http.StatusTooManyRequests, st)
	assert.NotEmpty(t, h.Get("Retry-After"))
	assert.NotContains(t, body, "欧*")
	require.NoError(t, e.spec.validateResponse("POST", "/q/{number}", st, h.Get("Content-Type"), []byte(body)))
}

func TestQueryPageGuessingIsThrottled(t *testing.T) {
	e, clk, ts := loopEnv(t)
	official, _ := pushDemoCase(t, e)
	var refused, mismatched int
	var lastWait time.Duration
	start := clk.now()
	for i := range 40 { // many codes on many numbers, one client
		number := official
		if i%2 == 1 {
			number = fmt.Sprintf("TB-2026-%06d", i)
		}
		st, h, body := postCode(t, ts, number, fmt.Sprintf("%04d", i), nil)
		switch st {
		case http.StatusTooManyRequests:
			refused++
			var secs int
			_, _ = fmt.Sscan(h.Get("Retry-After"), &secs)
			lastWait = time.Duration(secs) * time.Second
			clk.add(lastWait) // a patient attacker waits every slow-down out
		case 200:
			mismatched++
			assert.Contains(t, body, "信息不匹配")
		default:
			t.Fatalf("status %d", st)
		}
		assert.NotContains(t, body, "欧*", "attempt %d revealed the case", i)
	}
	elapsed := clk.now().Sub(start)
	t.Logf("40 attempts: %d checked (all 信息不匹配), %d refused, simulated time %s, last wait %s", mismatched, refused, elapsed, lastWait)
	assert.GreaterOrEqual(t, refused, 19, "every guess after a failure is held back")
	assert.LessOrEqual(t, mismatched, 21)
	assert.Equal(t, 15*time.Minute, lastWait, "the slow-down doubles up to its cap")
	assert.Greater(t, elapsed, 2*time.Hour, "20 guesses cost hours, 10 000 codes cost months")

	// A cross-site form post is refused before anything is checked.
	st, _, _ := postCode(t, ts, official, "123X", http.Header{"Origin": {"https://evil.example"}})
	assert.Equal(t, http.StatusForbidden, st)
	st, _, _ = postCode(t, ts, official, "123X", http.Header{"Sec-Fetch-Site": {"cross-site"}})
	assert.Equal(t, http.StatusForbidden, st)
	st, _, _ = postCode(t, ts, "../etc", "123X", nil)
	assert.NotEqual(t, 200, st)
}

func TestLedgerNeedsAdmin(t *testing.T) {
	e, clk, ts := loopEnv(t)
	pushDemoCase(t, e)
	ctx := context.Background()
	weak := platform.HashParams{Memory: 1024, Time: 1, Threads: 1}
	require.NoError(t, e.store.PutAccount(ctx, platform.Account{Username: "admin1", DisplayName: "平台管理员", Role: "admin",
		Hall: storetest.PlaceA.Code, PasswordHash: platform.HashPassword("正确口令", weak)}))
	require.NoError(t, e.store.PutAccount(ctx, platform.Account{Username: "clerk1", DisplayName: "窗口", Role: "clerk",
		Hall: storetest.PlaceA.Code, PasswordHash: platform.HashPassword("正确口令", weak)}))
	get := func(user, pw, query string) (int, []byte) {
		clk.add(time.Hour) // past the slow-down of the previous failure
		req, _ := http.NewRequest("GET", ts.URL+"/v1/admin/ledger"+query, nil)
		if user != "" {
			req.SetBasicAuth(user, pw)
		}
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		require.NoError(t, e.spec.validateResponse("GET", "/v1/admin/ledger", resp.StatusCode, resp.Header.Get("Content-Type"), b))
		return resp.StatusCode, b
	}
	for _, c := range []struct{ user, pw string }{{"", ""}, {"admin1", "错误"}, {"clerk1", "正确口令"}, {"nobody", "x"}} {
		st, _ := get(c.user, c.pw, "")
		assert.Equal(t, 401, st, c.user)
	}
	st, _ := get("admin1", "正确口令", "?from=2026-13-01")
	assert.Equal(t, 400, st)
	st, b := get("admin1", "正确口令", "?from=2026-03-01&to=2026-04-01")
	require.Equal(t, 200, st, string(b))
	var lr httpserver.LedgerResponse
	require.NoError(t, json.Unmarshal(b, &lr))
	require.Len(t, lr.Rows, 1)
	assert.Equal(t, int64(1), lr.Totals.Received)
	assert.Equal(t, int64(1), lr.Rows[0].Accepted)
	assert.Equal(t, int64(1), lr.Rows[0].InProgress)
	assert.Equal(t, storetest.PlaceA.Name, lr.Rows[0].HallName)
}

// checkLedgerHappyPath is called by TestHappyPath so that the ledger's 200
// is validated against the spec there too.
func checkLedgerHappyPath(t *testing.T, e *env) {
	weak := platform.HashParams{Memory: 1024, Time: 1, Threads: 1}
	require.NoError(t, e.store.PutAccount(context.Background(), platform.Account{Username: "ledger-admin", DisplayName: "平台管理员",
		Role: "admin", Hall: storetest.PlaceA.Code, PasswordHash: platform.HashPassword("pw", weak)}))
	req, _ := http.NewRequest("GET", e.ts.URL+"/v1/admin/ledger", nil)
	req.SetBasicAuth("ledger-admin", "pw")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	require.Equal(t, 200, resp.StatusCode, string(b))
	require.NoError(t, e.spec.validateResponse("GET", "/v1/admin/ledger", 200, resp.Header.Get("Content-Type"), b))
}

// FuzzQueryPage posts arbitrary numbers and codes to a platform holding
// the demo case: the page never fails with a 5xx and never shows a case
// without its code.
func FuzzQueryPage(f *testing.F) {
	f.Add("TB-2026-000001", "123X")
	f.Add("L-410102-20260302-0042", "1234")
	f.Add("L-410102-20260302-0042", " 123x")
	f.Add("../../etc/passwd", "x")
	f.Add("%00", "12\x0034")
	f.Add("", "")
	f.Fuzz(func(t *testing.T, number, code string) {
		e, _, ts := loopEnv(t)
		pushDemoCase(t, e)
		st, _, body := postCode(t, ts, url.PathEscape(number), code, nil)
		assert.Less(t, st, 500, body)
		if platform.NormalizeLast4(code) != "123X" {
			assert.NotContains(t, body, "欧*")
		}
		assert.NotContains(t, body, demoName) // the number is echoed: check what it cannot hold
		assert.NotContains(t, body, "阳娜")
	})
}
