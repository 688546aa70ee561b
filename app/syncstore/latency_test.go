package syncstore_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"tongban/app/cases"
	"tongban/platform"
	"tongban/platform/httpserver"
	"tongban/platform/pgstore"
	"tongban/platform/pgstore/pgtest"
	"tongban/platform/storetest"
	"tongban/scanner/blob"
	"tongban/sync/client"
)

// loop runs a device's sync loop (Serve) until the test ends.
func (d *device) loop(cfg client.Config) *client.Syncer {
	d.t.Helper()
	s := d.syncer(cfg)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = s.Serve(ctx) }()
	d.t.Cleanup(func() { cancel(); <-done })
	return s
}

// hasAction reports whether the device's journal holds an action of kind
// for the case (for B: the case is in its inbox with that step).
func (d *device) hasAction(caseID string, kind cases.Kind) bool {
	var n int
	err := d.db.Reader().QueryRow("SELECT COUNT(*) FROM case_actions WHERE case_id = ? AND kind = ?", caseID, string(kind)).Scan(&n)
	return err == nil && n > 0
}

// waitFor polls cond every 5 ms up to limit and returns when it held.
func waitFor(limit time.Duration, cond func() bool) (time.Time, bool) {
	end := time.Now().Add(limit)
	for time.Now().Before(end) {
		if cond() {
			return time.Now(), true
		}
		time.Sleep(5 * time.Millisecond)
	}
	return time.Time{}, false
}

// routedCase opens a case at A for handling place B (with pages scans of
// pageSize bytes), kicks A as the app does on a write, and waits until B
// has it, so both devices are idle before the acceptance.
func routedCase(t testing.TB, a, b *device, sa *client.Syncer, i, pages, pageSize int, limit time.Duration) cases.State {
	t.Helper()
	st := a.openCaseForm("申请人"+string(rune(0x4e00+i)), map[string]string{"handlingPlace": storetest.PlaceB.Code})
	if pages > 0 {
		a.addPages(st.CaseID, pages, pageSize)
	}
	sa.Kick()
	if _, ok := waitFor(limit, func() bool { return b.hasAction(st.CaseID, cases.KindReceived) || b.hasCase(st.CaseID) }); !ok {
		t.Fatalf("case %d never reached B before its acceptance", i)
	}
	return st
}

func (d *device) hasCase(id string) bool {
	var n int
	err := d.db.Reader().QueryRow("SELECT COUNT(*) FROM cases WHERE id = ?", id).Scan(&n)
	return err == nil && n > 0
}

// acceptAndTime accepts st at A, kicks A, and returns how long the
// acceptance took to reach B's journal.
func acceptAndTime(t testing.TB, a, b *device, sa *client.Syncer, st cases.State, limit time.Duration) time.Duration {
	t.Helper()
	t0 := time.Now()
	a.accept(st)
	sa.Kick()
	at, ok := waitFor(limit, func() bool { return b.hasAction(st.CaseID, cases.KindAccepted) })
	if !ok {
		t.Fatalf("the acceptance of %s did not reach B within %s", st.CaseID, limit)
	}
	return at.Sub(t0)
}

// carriedByLongPoll runs both devices' loops with an hourly timer, so only
// A's kick and B's long poll can carry A's work to B, and checks three
// accepted cases reach B far below the timer. The timing figure (p50
// 0.17 s) is in bench/results/loop.md; a loaded CI machine only has to stay
// far below the timer here.
func carriedByLongPoll(t *testing.T, a, b *device) {
	t.Helper()
	cfg := client.Config{Interval: time.Hour}
	sa := a.loop(cfg)
	b.loop(cfg)
	for i := range 3 {
		st := routedCase(t, a, b, sa, i, 0, 0, 15*time.Second)
		time.Sleep(time.Duration(rand.IntN(300)) * time.Millisecond)
		d := acceptAndTime(t, a, b, sa, st, 15*time.Second)
		t.Logf("case %d: acceptance at A → B's journal in %s", i, d)
		if d > 10*time.Second {
			t.Errorf("case %d took %s: not carried by the long poll", i, d)
		}
	}
}

// TestAcceptanceReachesIdleInboxByLongPoll: both devices run their loops
// with a one-hour timer, so only A's kick and B's long poll can carry A's
// acceptance to B (SQLite platform); the timing figure is a benchmark.
func TestAcceptanceReachesIdleInboxByLongPoll(t *testing.T) {
	p := newPlatform(t)
	a, b := newDevice(t, storetest.PlaceA.Code), newDevice(t, storetest.PlaceB.Code)
	a.enroll(p)
	b.enroll(p)
	carriedByLongPoll(t, a, b)
}

// TestAcceptanceReachesIdleInboxTwoNodesOnPostgres: the same with A on
// node 1 and B on node 2 of one PostgreSQL: node 2's sequence watcher sees
// A's push committed through node 1.
func TestAcceptanceReachesIdleInboxTwoNodesOnPostgres(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.NewDatabase(t, pgtest.DSN(t))
	dir := t.TempDir()
	var urls [2]string
	var admin platform.Store
	for i := range urls {
		s, err := pgstore.Open(ctx, dsn)
		require.NoError(t, err)
		t.Cleanup(func() { s.Close() })
		bs, err := blob.OpenFS(filepath.Join(dir, "blobs"))
		require.NoError(t, err)
		srv, err := httpserver.New(httpserver.Config{Store: s, Blobs: bs, UploadDir: filepath.Join(dir, "uploads")})
		require.NoError(t, err)
		ts := httptest.NewServer(srv.Handler())
		t.Cleanup(ts.Close)
		urls[i] = ts.URL
		if i == 0 {
			admin = s
			storetest.SeedPlaces(t, s)
		}
	}
	enroll := func(d *device, url string) {
		code := platform.NewEnrollCode()
		require.NoError(t, admin.CreateEnrollCode(ctx, platform.EnrollCode{
			Hash: platform.HashSecret(platform.NormalizeEnrollCode(code)), Hall: d.hall,
			CreatedAt: time.Now(), ExpiresAt: time.Now().Add(time.Hour)}))
		_, err := client.Enroll(ctx, d.st, nil, url, code, "测试窗口", time.Now())
		require.NoError(t, err)
	}
	a, b := newDevice(t, storetest.PlaceA.Code), newDevice(t, storetest.PlaceB.Code)
	enroll(a, urls[0])
	enroll(b, urls[1])
	carriedByLongPoll(t, a, b)
}

// TestInboxLatencyFigure measures issue 7's figure: A's acceptance → B's
// inbox with both devices idle, real syncers and workstation stores, the
// platform on SQLite over loopback. Off unless TONGBAN_LATENCY_CASES is set:
//
//	TONGBAN_LATENCY_CASES=30 TONGBAN_LATENCY_MODE=timer|longpoll TONGBAN_LATENCY_INTERVAL=30s \
//	  go test -run TestInboxLatencyFigure -v -timeout 60m ./app/syncstore
//
// Each case has 2 scan pages of 50 KiB, pushed with the open case before
// the acceptance. The acceptance comes after a random pause (up to one
// interval in timer mode, up to 1 s with the long poll), so it falls at a
// random phase of B's timer or of the platform's watcher.
func TestInboxLatencyFigure(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("TONGBAN_LATENCY_CASES"))
	if n <= 0 {
		t.Skip("set TONGBAN_LATENCY_CASES (and TONGBAN_LATENCY_MODE, TONGBAN_LATENCY_INTERVAL) to measure")
	}
	mode := os.Getenv("TONGBAN_LATENCY_MODE")
	interval := 30 * time.Second
	if v := os.Getenv("TONGBAN_LATENCY_INTERVAL"); v != "" {
		var err error
		interval, err = time.ParseDuration(v)
		require.NoError(t, err)
	}
	cfg := client.Config{Interval: interval}
	switch mode {
	case "timer":
		cfg.LongPoll = -1
	case "longpoll", "":
		mode = "longpoll"
	default:
		t.Fatalf("TONGBAN_LATENCY_MODE %q: timer or longpoll", mode)
	}
	p := newPlatform(t)
	a, b := newDevice(t, storetest.PlaceA.Code), newDevice(t, storetest.PlaceB.Code)
	a.enroll(p)
	b.enroll(p)
	sa := a.loop(cfg)
	b.loop(cfg)
	limit := 2*interval + 10*time.Second
	var got []time.Duration
	t0 := time.Now()
	for i := range n {
		// Open the case and let A push it (A idle again), then accept at a
		// random moment: the phase against B's timer or the watcher's poll.
		st := a.openCaseForm("申请人"+string(rune(0x4e00+i)), map[string]string{"handlingPlace": storetest.PlaceB.Code})
		a.addPages(st.CaseID, 2, 50<<10)
		sa.Kick()
		if _, ok := waitFor(limit, func() bool {
			c, err := a.st.Counts(context.Background())
			return err == nil && c.Pending == 0 && c.UploadsPending == 0
		}); !ok {
			t.Fatalf("case %d: A's outbox did not drain", i)
		}
		pause := time.Duration(rand.Int64N(int64(time.Second)))
		if mode == "timer" {
			pause = time.Duration(rand.Int64N(int64(interval)))
		}
		time.Sleep(pause)
		got = append(got, acceptAndTime(t, a, b, sa, st, limit))
	}
	slices.Sort(got)
	q := func(p float64) time.Duration { return got[min(len(got)-1, int(p*float64(len(got))))] }
	var sum time.Duration
	for _, d := range got {
		sum += d
	}
	msg := fmt.Sprintf("mode=%s interval=%s cases=%d p50=%s p95=%s mean=%s min=%s max=%s (run %s)", mode, interval, n,
		q(0.50).Round(time.Millisecond), q(0.95).Round(time.Millisecond), (sum / time.Duration(n)).Round(time.Millisecond),
		got[0].Round(time.Millisecond), got[n-1].Round(time.Millisecond), time.Since(t0).Round(time.Second))
	t.Log(msg)
	fmt.Println("FIGURE", msg)
	if mode == "longpoll" && q(0.50) > 2*time.Second {
		t.Errorf("long poll p50 %s, want about 1 s", q(0.50))
	}
}

// TestLongPollIgnoredDoesNotSpin: a platform that answers a long poll at
// once (an older one that ignores wait) does not make the idle loop spin;
// the timer takes over.
func TestLongPollIgnoredDoesNotSpin(t *testing.T) {
	p := newPlatform(t)
	var pulls atomic.Int64
	p.wrap = func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/v1/pull" {
				pulls.Add(1)
				q := r.URL.Query()
				q.Del("wait")
				r.URL.RawQuery = q.Encode()
			}
			h.ServeHTTP(w, r)
		})
	}
	a := newDevice(t, storetest.PlaceA.Code)
	a.enroll(p)
	a.loop(client.Config{Interval: time.Hour, LongPoll: 2 * time.Second})
	time.Sleep(1500 * time.Millisecond)
	if got := pulls.Load(); got < 2 || got > 3 {
		t.Fatalf("%d pulls in 1.5 s: want the round's pull and one long poll (2–3)", got)
	}
}

// TestLongPollReopensAfterAnEmptyWait: an idle device keeps exactly one
// long poll open, reopening it when a wait ends without news.
func TestLongPollReopensAfterAnEmptyWait(t *testing.T) {
	p := newPlatform(t)
	var pulls atomic.Int64
	p.wrap = func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/v1/pull" {
				pulls.Add(1)
			}
			h.ServeHTTP(w, r)
		})
	}
	a := newDevice(t, storetest.PlaceA.Code)
	a.enroll(p)
	a.loop(client.Config{Interval: time.Hour, LongPoll: time.Second})
	time.Sleep(2500 * time.Millisecond)
	// The round's pull, then waits ending at ≈1 s and ≈2 s, and the third open.
	if got := pulls.Load(); got < 3 || got > 4 {
		t.Fatalf("%d pulls in 2.5 s with 1 s waits: want 3–4", got)
	}
}
