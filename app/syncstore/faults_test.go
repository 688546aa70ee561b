package syncstore_test

import (
	"bytes"
	"context"
	crand "crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"tongban/app/cases"
	"tongban/platform/storetest"
	"tongban/sync/client"
)

// faultProxy sits in front of the platform and, by a seeded die, drops a
// request, drops the answer after the platform acted, sends a request
// twice, truncates the answer or delays it.
type faultProxy struct {
	mu    sync.Mutex
	rng   *rand.Rand
	stats map[string]int
}

func newFaultProxy(seed uint64) *faultProxy {
	return &faultProxy{rng: rand.New(rand.NewPCG(seed, seed+1)), stats: map[string]int{}}
}

func (f *faultProxy) roll() float64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.rng.Float64()
}

func (f *faultProxy) count(k string) {
	f.mu.Lock()
	f.stats[k]++
	f.mu.Unlock()
}

func (f *faultProxy) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		forward := func() *httptest.ResponseRecorder {
			rr := httptest.NewRecorder()
			r2 := r.Clone(r.Context())
			r2.Body = io.NopCloser(bytes.NewReader(body))
			next.ServeHTTP(rr, r2)
			return rr
		}
		x := f.roll()
		switch {
		case x < 0.10:
			f.count("drop request")
			http.Error(w, "bad gateway", http.StatusBadGateway)
			return
		case x < 0.20:
			f.count("drop answer")
			forward()
			http.Error(w, "bad gateway", http.StatusBadGateway)
			return
		case x < 0.28:
			f.count("duplicate")
			forward()
		case x < 0.38:
			f.count("truncate")
			rr := forward()
			copyHeader(w, rr)
			w.Header().Del("Content-Length")
			w.WriteHeader(rr.Code)
			b := rr.Body.Bytes()
			_, _ = w.Write(b[:len(b)/2])
			return
		case x < 0.48:
			f.count("delay")
			time.Sleep(time.Duration(1+int(x*100)%20) * time.Millisecond)
		}
		rr := forward()
		copyHeader(w, rr)
		w.WriteHeader(rr.Code)
		_, _ = w.Write(rr.Body.Bytes())
	})
}

func copyHeader(w http.ResponseWriter, rr *httptest.ResponseRecorder) {
	for k, v := range rr.Header() {
		w.Header()[k] = v
	}
}

func TestFaultProxyEveryActionExactlyOnce(t *testing.T) {
	seeds := []uint64{1, 2, 3, 4, 5, 6}
	if testing.Short() {
		seeds = seeds[:2]
	}
	for _, seed := range seeds {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			ctx := context.Background()
			p := newPlatform(t)
			d := newDevice(t, storetest.PlaceA.Code)
			d.enroll(p)
			fp := newFaultProxy(seed)
			p.wrap = fp.wrap
			s := d.syncer(client.Config{BatchSize: 4, PullLimit: 5, Seed: seed})
			var ids []string
			for round := 0; round < 60; round++ {
				if round < 8 { // work goes on while syncing
					st := d.accept(d.openCase("申请人" + string(rune(0x4e00+round))))
					ids = append(ids, st.CaseID)
				}
				_, err := s.SyncNow(ctx)
				c, cerr := d.st.Counts(ctx)
				require.NoError(t, cerr)
				if err == nil && round >= 8 && c.Pending == 0 {
					break
				}
			}
			p.wrap = nil
			_, err := s.SyncNow(ctx)
			require.NoError(t, err)
			c, err := d.st.Counts(ctx)
			require.NoError(t, err)
			require.Equal(t, client.Counts{}, c, "outbox drained, nothing quarantined")
			on := p.serverActions(storetest.PlaceA.Code)
			local := d.localIDs()
			for _, id := range local {
				require.Equal(t, 1, on[id], "action %s on the platform", id)
			}
			// Both sides hold the same journal: local rows = platform rows.
			require.Equal(t, len(on), d.states()[cases.SyncSynced])
			for _, id := range ids {
				require.NotEmpty(t, d.officialNo(id), "official number of %s", id)
			}
			t.Logf("seed %d faults %v", seed, fp.stats)
		})
	}
}

func TestCursorRefusedRebuildKeepsOutbox(t *testing.T) {
	ctx := context.Background()
	p := newPlatform(t)
	d := newDevice(t, storetest.PlaceA.Code)
	d.enroll(p)
	d.accept(d.openCase("甲"))
	s := d.syncer(client.Config{})
	_, err := s.SyncNow(ctx)
	require.NoError(t, err)
	// A poison case keeps items in the outbox (one quarantined, three held).
	d.openCaseForm("乙", map[string]string{"handlingPlace": "999999"})
	_, err = s.SyncNow(ctx)
	require.NoError(t, err)
	before, err := d.st.Counts(ctx)
	require.NoError(t, err)
	require.Equal(t, client.Counts{Pending: 3, Failed: 1}, before)
	synced := d.states()[cases.SyncSynced]

	// The platform was restored from a backup: the cursor cannot go on.
	_, err = p.store.ResetEpoch(ctx)
	require.NoError(t, err)
	ct := &countingTransport{}
	s2 := d.syncer(client.Config{HTTP: &http.Client{Transport: ct}})
	_, err = s2.SyncNow(ctx)
	require.NoError(t, err)
	after, err := d.st.Counts(ctx)
	require.NoError(t, err)
	require.Equal(t, before, after, "the rebuild touched the outbox")
	require.Equal(t, synced, d.states()[cases.SyncSynced])
	require.GreaterOrEqual(t, ct.n, 2, "a refused pull and a full one")
	cur, err := d.st.Cursor(ctx)
	require.NoError(t, err)
	require.NotEmpty(t, cur)
}

// cutter passes limit bytes of a body, then fails like a dropped link.
type cutter struct {
	r    io.Reader
	left int64
}

func (c *cutter) Read(p []byte) (int, error) {
	if c.left <= 0 {
		return 0, errors.New("link cut")
	}
	if int64(len(p)) > c.left {
		p = p[:c.left]
	}
	n, err := c.r.Read(p)
	c.left -= int64(n)
	return n, err
}

func TestUploadResumesAfterInterruption(t *testing.T) {
	for _, frac := range []float64{0.10, 0.50, 0.99} {
		t.Run(fmt.Sprint(frac), func(t *testing.T) {
			ctx := context.Background()
			p := newPlatform(t)
			d := newDevice(t, storetest.PlaceA.Code)
			d.enroll(p)
			data := make([]byte, 300<<10)
			_, _ = crand.Read(data)
			sum := sha256.Sum256(data)
			sha := hex.EncodeToString(sum[:])
			h, _, err := d.blobs.Put(ctx, bytes.NewReader(data))
			require.NoError(t, err)
			require.Equal(t, sha, h.String())
			require.NoError(t, d.st.QueueUpload(ctx, sha, int64(len(data)), storetest.NewID()))

			cutAt := int64(float64(len(data)) * frac)
			var mu sync.Mutex
			var patched int64
			cut := false
			p.wrap = func(next http.Handler) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if r.Method == http.MethodPatch {
						mu.Lock()
						patched += r.ContentLength
						if !cut {
							cut = true
							r.Body = io.NopCloser(&cutter{r: r.Body, left: cutAt})
						}
						mu.Unlock()
					}
					next.ServeHTTP(w, r)
				})
			}
			_, err = d.syncer(client.Config{}).SyncNow(ctx)
			require.Error(t, err, "the cut upload fails the round")
			state, off, url, err := d.st.UploadState(ctx, sha)
			require.NoError(t, err)
			require.Equal(t, "pending", state)
			require.NotEmpty(t, url, "upload URL persisted")
			require.Zero(t, off)

			// A restarted client (a new Syncer and store on the same file).
			d2 := openDevice(t, d.path, d.hall)
			mu.Lock()
			patched = 0
			mu.Unlock()
			_, err = d2.syncer(client.Config{}).SyncNow(ctx)
			require.NoError(t, err)
			state, _, _, err = d2.st.UploadState(ctx, sha)
			require.NoError(t, err)
			require.Equal(t, "done", state)
			if got, want := patched, int64(len(data))-cutAt; got != want {
				t.Fatalf("resumed upload sent %d bytes, want %d (the rest only)", got, want)
			}
			ok, err := p.store.HasBlob(ctx, sha)
			require.NoError(t, err)
			require.True(t, ok)
		})
	}
}
