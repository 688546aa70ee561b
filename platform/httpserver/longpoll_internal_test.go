package httpserver

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"tongban/platform"
	"tongban/platform/sqlitestore"
	"tongban/platform/storetest"
	"tongban/scanner/blob"
	"tongban/sync/protocol"
)

// TestLongPollRefusesBeyondTheCap: with a cap of one waiter, a second long
// poll gets 503 EBUSY with Retry-After at once; a plain pull still works;
// a graceful shutdown ends the held wait at once.
func TestLongPollRefusesBeyondTheCap(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	st, err := sqlitestore.Open(ctx, filepath.Join(dir, "p.db"))
	require.NoError(t, err)
	t.Cleanup(func() { st.Close() })
	storetest.SeedPlaces(t, st)
	bs, err := blob.OpenFS(filepath.Join(dir, "blobs"))
	require.NoError(t, err)
	s, err := New(Config{Store: st, Blobs: bs, UploadDir: filepath.Join(dir, "up")})
	require.NoError(t, err)
	lp := newLongPoll(st, 20*time.Millisecond, 1, s)
	s.polls = lp

	code, token := platform.NewEnrollCode(), platform.NewToken()
	require.NoError(t, st.CreateEnrollCode(ctx, platform.EnrollCode{Hash: platform.HashSecret(platform.NormalizeEnrollCode(code)),
		Hall: storetest.PlaceA.Code, CreatedAt: time.Now(), ExpiresAt: time.Now().Add(time.Hour)}))
	_, err = st.Enroll(ctx, platform.HashSecret(platform.NormalizeEnrollCode(code)), platform.Device{ID: newDeviceID(), Name: "t"},
		platform.HashSecret(token), time.Now())
	require.NoError(t, err)

	hs := &http.Server{Handler: s.Handler()}
	ts := httptest.NewUnstartedServer(nil)
	ts.Config = hs
	ts.Start()
	t.Cleanup(ts.Close)
	get := func(q string) (*http.Response, error) {
		req, _ := http.NewRequest("GET", ts.URL+"/v1/pull"+q, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		return http.DefaultClient.Do(req)
	}
	held := make(chan int, 1)
	go func() {
		resp, err := get("?wait=20")
		if err != nil {
			held <- -1
			return
		}
		resp.Body.Close()
		held <- resp.StatusCode
	}()
	require.Eventually(t, func() bool { return lp.w.Waiters() == 1 }, 5*time.Second, 10*time.Millisecond)

	resp, err := get("?wait=20")
	require.NoError(t, err)
	var eb protocol.ErrorBody
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&eb))
	resp.Body.Close()
	assert.Equal(t, http.StatusServiceUnavailable, resp.StatusCode)
	assert.Equal(t, "5", resp.Header.Get("Retry-After"))
	require.NotNil(t, eb.Error)
	assert.Equal(t, protocol.EBUSY, eb.Error.Code)

	resp, err = get("")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode, "a plain pull is not limited")

	t0 := time.Now()
	sctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	require.NoError(t, hs.Shutdown(sctx))
	assert.Equal(t, http.StatusOK, <-held, "the held wait answers (empty) on shutdown")
	assert.Less(t, time.Since(t0), 3*time.Second)
	assert.Equal(t, 0, lp.w.Waiters())
}

func TestParseWait(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want time.Duration
		bad  bool
	}{
		{"", 0, false}, {"0", 0, false}, {"25", 25 * time.Second, false}, {"30", 30 * time.Second, false},
		{"31", protocol.MaxPullWait, false}, {"99999999999", protocol.MaxPullWait, false},
		{"-1", 0, true}, {"x", 0, true}, {"2.5", 0, true},
	} {
		got, err := parseWait(tc.in)
		if tc.bad {
			assert.Error(t, err, tc.in)
			continue
		}
		require.NoError(t, err, tc.in)
		assert.Equal(t, tc.want, got, tc.in)
	}
}

// FuzzParseWait: any ?wait= value is either refused or a wait in 0..MaxPullWait.
func FuzzParseWait(f *testing.F) {
	for _, s := range []string{"", "0", "25", "31", "-1", "x", "1e3", "99999999999999999999", " 5", "+5"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := parseWait(s)
		if err != nil {
			return
		}
		if d < 0 || d > protocol.MaxPullWait {
			t.Fatalf("parseWait(%q) = %s", s, d)
		}
	})
}

// TestLongPollNodeCap: a node built by New admits exactly longPollWaiters
// waits and refuses the next (the cap measured in bench/results/sync.md
// (d”)).
func TestLongPollNodeCap(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	st, err := sqlitestore.Open(ctx, filepath.Join(dir, "p.db"))
	require.NoError(t, err)
	t.Cleanup(func() { st.Close() })
	bs, err := blob.OpenFS(filepath.Join(dir, "blobs"))
	require.NoError(t, err)
	s, err := New(Config{Store: st, Blobs: bs, UploadDir: filepath.Join(dir, "up")})
	require.NoError(t, err)
	require.NotNil(t, s.polls.w)

	var releases []func()
	defer func() {
		for _, r := range releases {
			r()
		}
		// The head poller stops at its next tick once nobody waits; let it
		// go before the store closes and the temp dir is removed.
		time.Sleep(3 * longPollEvery)
	}()
	for i := 0; i < longPollWaiters; i++ {
		r, err := s.polls.w.Acquire()
		require.NoError(t, err, "waiter %d", i)
		releases = append(releases, r)
	}
	_, err = s.polls.w.Acquire()
	assert.ErrorIs(t, err, platform.ErrTooManyWaiters)
}
