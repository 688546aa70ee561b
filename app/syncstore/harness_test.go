package syncstore_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"tongban/app/audit"
	"tongban/app/cases"
	"tongban/app/identity"
	"tongban/app/store"
	"tongban/app/syncstore"
	"tongban/platform"
	"tongban/platform/httpserver"
	"tongban/platform/sqlitestore"
	"tongban/platform/sqlstore"
	"tongban/platform/storetest"
	"tongban/scanner/blob"
	"tongban/sync/client"
)

// plat is an in-process platform on a SQLite file; wrap lets a test put a
// fault proxy in front of it.
type plat struct {
	t     testing.TB
	store *sqlstore.Store
	srv   *httpserver.Server
	ts    *httptest.Server
	wrap  func(http.Handler) http.Handler
}

func newPlatform(t testing.TB) *plat {
	t.Helper()
	dir := t.TempDir()
	st, err := sqlitestore.Open(context.Background(), filepath.Join(dir, "platform.db"))
	require.NoError(t, err)
	t.Cleanup(func() { st.Close() })
	storetest.SeedPlaces(t, st)
	bs, err := blob.OpenFS(filepath.Join(dir, "blobs"))
	require.NoError(t, err)
	srv, err := httpserver.New(httpserver.Config{Store: st, Blobs: bs, UploadDir: filepath.Join(dir, "uploads")})
	require.NoError(t, err)
	p := &plat{t: t, store: st, srv: srv}
	p.ts = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := srv.Handler()
		if p.wrap != nil {
			h = p.wrap(h)
		}
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(p.ts.Close)
	return p
}

func (p *plat) enrollCode(hall string) string {
	p.t.Helper()
	code := platform.NewEnrollCode()
	require.NoError(p.t, p.store.CreateEnrollCode(context.Background(), platform.EnrollCode{
		Hash: platform.HashSecret(platform.NormalizeEnrollCode(code)), Hall: hall,
		CreatedAt: time.Now(), ExpiresAt: time.Now().Add(time.Hour)}))
	return code
}

// serverActions returns every action id on the platform in hall's scope
// with how often it appears (a fresh device pulls everything).
func (p *plat) serverActions(hall string) map[string]int {
	p.t.Helper()
	d, _ := storetest.Enroll(p.t, p.store, hall)
	out := map[string]int{}
	var after int64
	for {
		b, err := p.store.Pull(context.Background(), d, after, 1000)
		require.NoError(p.t, err)
		for _, a := range b.Actions {
			out[a.ID]++
		}
		after = b.Upto
		if !b.More {
			return out
		}
	}
}

// device is a workstation: its database, case journal, blob store and sync store.
type device struct {
	t     testing.TB
	path  string
	db    *store.DB
	cases *cases.Service
	blobs *blob.FS
	st    *syncstore.Store
	hall  string
}

var clerk = cases.Actor{Username: "clerk1", DisplayName: "王窗口", Role: cases.RoleClerk}

func newDevice(t testing.TB, hall string) *device {
	t.Helper()
	dir := t.TempDir()
	return openDevice(t, filepath.Join(dir, "tongban.db"), hall)
}

func openDevice(t testing.TB, path, hall string) *device {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, path)
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	cal, err := cases.LoadCalendar(ctx, db)
	require.NoError(t, err)
	require.NoError(t, cal.EnsureBuiltin(ctx))
	log := audit.New(db, "WS-test", nil)
	svc, err := cases.New(ctx, db, log, cal, cases.Config{DeviceID: "WS-" + filepath.Base(filepath.Dir(path)), HallCode: hall})
	require.NoError(t, err)
	bs, err := blob.OpenFS(filepath.Join(filepath.Dir(path), "blobs"))
	require.NoError(t, err)
	d := &device{t: t, path: path, db: db, cases: svc, blobs: bs, hall: hall}
	d.st = syncstore.New(db, func(context.Context) (syncstore.Journal, error) { return svc, nil }, bs, nil)
	return d
}

func (d *device) enroll(p *plat) {
	d.t.Helper()
	_, err := client.Enroll(context.Background(), d.st, nil, p.ts.URL, p.enrollCode(d.hall), "测试窗口", time.Now())
	require.NoError(d.t, err)
}

func (d *device) syncer(cfg client.Config) *client.Syncer {
	cfg.Store = d.st
	if cfg.MinBackoff == 0 {
		cfg.MinBackoff = time.Millisecond
		cfg.MaxBackoff = 5 * time.Millisecond
	}
	return client.New(cfg)
}

func validID(body17 string) string { return body17 + string(identity.CheckDigit(body17)) }

// openCase opens a case ready for a decision (4 actions).
func (d *device) openCase(name string) cases.State { return d.openCaseForm(name, nil) }

func (d *device) openCaseForm(name string, form map[string]string) cases.State {
	d.t.Helper()
	id := validID("41010219900307123")
	m := cases.MatterRef{Code: "GA-001", Name: "开具有无犯罪记录证明", Mode: cases.ModeProxy, Kind: "承诺件", PromisedLimitDays: 7}
	c := identity.Card{Name: name, Number: id, ValidUntil: "长期", Source: identity.SourceReader}
	ck, err := c.Check(time.Now())
	require.NoError(d.t, err)
	st, err := d.cases.Open(context.Background(), clerk, cases.OpenInput{
		Intake:    cases.Intake{Matter: m, Applicant: cases.Person{Name: name, IDNumber: id, Phone: "13812345678"}, Form: form},
		Identity:  &ck,
		Materials: &cases.Materials{Items: []cases.MaterialItem{{ID: "a", Name: "居民身份证", Status: "received", Form: "原件", Pages: 1}}},
		Review:    &cases.Review{Passed: true}})
	require.NoError(d.t, err)
	return st
}

func (d *device) accept(st cases.State) cases.State {
	d.t.Helper()
	out, err := d.cases.Accept(context.Background(), clerk, st.CaseID, st.Version)
	require.NoError(d.t, err)
	return out
}

// states counts journal rows by sync state.
func (d *device) states() map[string]int {
	d.t.Helper()
	rows, err := d.db.Reader().Query("SELECT sync_state, COUNT(*) FROM case_actions GROUP BY sync_state")
	require.NoError(d.t, err)
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var s string
		var n int
		require.NoError(d.t, rows.Scan(&s, &n))
		out[s] = n
	}
	return out
}

func (d *device) localIDs() []string {
	d.t.Helper()
	rows, err := d.db.Reader().Query("SELECT id FROM case_actions WHERE device_id LIKE 'WS-%' ORDER BY rowid")
	require.NoError(d.t, err)
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		require.NoError(d.t, rows.Scan(&s))
		out = append(out, s)
	}
	return out
}

func (d *device) officialNo(caseID string) string {
	d.t.Helper()
	var no *string
	require.NoError(d.t, d.db.Reader().QueryRow("SELECT official_no FROM cases WHERE id = ?", caseID).Scan(&no))
	if no == nil {
		return ""
	}
	return *no
}

// countingTransport counts requests and body bytes on the wire.
type countingTransport struct {
	n     int
	bytes int64
}

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c.n++
	if r.ContentLength > 0 {
		c.bytes += r.ContentLength
	}
	return http.DefaultTransport.RoundTrip(r)
}

func tokenHash(t testing.TB, d *device) string { return platform.HashSecret(credToken(t, d)) }
