package syncstore_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"tongban/app/cases"
	"tongban/platform"
	"tongban/platform/httpserver"
	"tongban/platform/pgstore"
	"tongban/platform/pgstore/pgtest"
	"tongban/platform/sqlstore"
	"tongban/platform/storetest"
	"tongban/scanner/blob"
	"tongban/sync/client"
)

// splitRouter sends a device's writes (push, uploads) to one node and its
// reads (pull, blobs, catalog...) to the other, through a fault proxy.
// Faults apply while faulty is set.
func splitRouter(write, read http.Handler, fp *faultProxy, faulty *atomic.Bool) *httptest.Server {
	route := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet || r.Method == http.MethodHead {
			read.ServeHTTP(w, r)
			return
		}
		write.ServeHTTP(w, r)
	})
	bad := fp.wrap(route)
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if faulty.Load() {
			bad.ServeHTTP(w, r)
			return
		}
		route.ServeHTTP(w, r)
	}))
}

// TestTwoNodesOnPostgresWorkstations: two platform nodes on one PostgreSQL
// database (shared blob and upload directories), a workstation of hall A
// that writes through node 1 and reads through node 2, a workstation of
// place B the other way round, both behind a fault proxy. A's cases routed
// to B (with scans) reach B's inbox, B's decisions flow back, every action
// is on the platform exactly once and both sides show the same state.
func TestTwoNodesOnPostgresWorkstations(t *testing.T) {
	admin := pgtest.DSN(t)
	for _, seed := range soakSeeds(2, 8) {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			ctx := context.Background()
			dsn := pgtest.NewDatabase(t, admin)
			dir := t.TempDir()
			var nodes [2]*httpserver.Server
			var st *sqlstore.Store
			for i := range nodes {
				s, err := pgstore.Open(ctx, dsn)
				require.NoError(t, err)
				t.Cleanup(func() { s.Close() })
				bs, err := blob.OpenFS(filepath.Join(dir, "blobs"))
				require.NoError(t, err)
				nodes[i], err = httpserver.New(httpserver.Config{Store: s, Blobs: bs, UploadDir: filepath.Join(dir, "uploads")})
				require.NoError(t, err)
				if i == 0 {
					st = s
					storetest.SeedPlaces(t, s)
				}
			}
			h1, h2 := nodes[0].Handler(), nodes[1].Handler()
			fa, fb := newFaultProxy(seed), newFaultProxy(seed+100)
			var faulty atomic.Bool
			ra, rb := splitRouter(h1, h2, fa, &faulty), splitRouter(h2, h1, fb, &faulty)
			defer ra.Close()
			defer rb.Close()

			enroll := func(d *device, url string) {
				code := platform.NewEnrollCode()
				require.NoError(t, st.CreateEnrollCode(ctx, platform.EnrollCode{
					Hash: platform.HashSecret(platform.NormalizeEnrollCode(code)), Hall: d.hall,
					CreatedAt: time.Now(), ExpiresAt: time.Now().Add(time.Hour)}))
				_, err := client.Enroll(ctx, d.st, nil, url, code, "测试窗口", time.Now())
				require.NoError(t, err)
			}
			a, b := newDevice(t, storetest.PlaceA.Code), newDevice(t, storetest.PlaceB.Code)
			enroll(a, ra.URL)
			enroll(b, rb.URL)
			faulty.Store(true)
			var err error
			sa := a.syncer(client.Config{BatchSize: 3, PullLimit: 4, ChunkSize: 8 << 10, Seed: seed})
			sb := b.syncer(client.Config{BatchSize: 3, PullLimit: 4, Seed: seed + 1})
			var routed []string
			for i := 0; i < 6; i++ {
				form := map[string]string(nil)
				if i%2 == 0 {
					form = map[string]string{"handlingPlace": storetest.PlaceB.Code}
				}
				cs := a.openCaseForm("申请人"+string(rune(0x4e00+i)), form)
				a.addPages(cs.CaseID, 2, 12<<10)
				cs = a.accept(cs)
				if form != nil {
					cs, err = a.cases.Record(ctx, clerk, cs.CaseID, cs.Version, cases.KindDispatched, "",
						cases.Dispatch{Places: []string{storetest.PlaceB.Code}})
					require.NoError(t, err)
					routed = append(routed, cs.CaseID)
				}
			}
			settle := func(s *client.Syncer, d *device) {
				for i := 0; i < 80; i++ {
					_, err := s.SyncNow(ctx)
					c, cerr := d.st.Counts(ctx)
					require.NoError(t, cerr)
					if err == nil && c.Pending == 0 {
						return
					}
				}
				t.Fatalf("device of %s did not settle behind the fault proxy", d.hall)
			}
			settle(sa, a)
			settle(sb, b)
			// B decides on every routed case; the decisions flow back to A.
			handler := cases.Actor{Username: "handler1", DisplayName: "李办理", Role: cases.RoleHandler}
			for _, id := range routed {
				det, err := b.cases.Detail(ctx, handler, id, false)
				require.NoError(t, err, "routed case %s in B's inbox", id)
				_, err = b.cases.Record(ctx, handler, id, det.State.Version, cases.KindHandlerReceived, "",
					cases.Handling{Place: storetest.PlaceB.Code})
				require.NoError(t, err)
			}
			settle(sb, b)
			settle(sa, a)
			// Quiet rounds without faults so both sides hold the last word.
			faulty.Store(false)
			for _, s := range []*client.Syncer{sb, sa, sb} {
				_, err = s.SyncNow(ctx)
				require.NoError(t, err)
			}
			for _, d := range []*device{a, b} {
				c, err := d.st.Counts(ctx)
				require.NoError(t, err)
				require.Equal(t, client.Counts{}, c, "outbox of %s drained, nothing quarantined", d.hall)
			}
			sameState(t, st, a)
			sameState(t, st, b)
			for _, id := range routed {
				var kind string
				require.NoError(t, a.db.Reader().QueryRow("SELECT kind FROM case_actions WHERE case_id = ? ORDER BY seq DESC LIMIT 1", id).Scan(&kind))
				require.Equal(t, string(cases.KindHandlerReceived), kind, "B's decision back at A")
			}
			t.Logf("seed %d faults A %v B %v", seed, fa.stats, fb.stats)
		})
	}
}
