package syncstore_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"tongban/app/audit"
	"tongban/app/cases"
	"tongban/app/store"
	"tongban/app/syncstore"
	"tongban/platform"
	"tongban/platform/httpserver"
	"tongban/platform/sqlitestore"
	"tongban/platform/storetest"
	"tongban/scanner/blob"
	"tongban/sync/client"
)

// Environment of the re-executed platform child of TestPlatformKilledMidCommit.
const (
	envPlatDir  = "TONGBAN_PLATFORM_CHILD_DIR"
	envPlatAddr = "TONGBAN_PLATFORM_CHILD_ADDR"
)

// TestPlatformChild is the child process: a platform node on the SQLite
// file in $TONGBAN_PLATFORM_CHILD_DIR serving $TONGBAN_PLATFORM_CHILD_ADDR
// until it is killed.
func TestPlatformChild(t *testing.T) {
	dir := os.Getenv(envPlatDir)
	if dir == "" {
		t.Skip("child of TestPlatformKilledMidCommit only")
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()
	st, err := sqlitestore.Open(ctx, filepath.Join(dir, "platform.db"))
	require.NoError(t, err)
	defer st.Close()
	bs, err := blob.OpenFS(filepath.Join(dir, "blobs"))
	require.NoError(t, err)
	srv, err := httpserver.New(httpserver.Config{Store: st, Blobs: bs, UploadDir: filepath.Join(dir, "uploads")})
	require.NoError(t, err)
	_ = srv.Serve(ctx, os.Getenv(envPlatAddr))
}

// platformProc runs the platform child on a fixed loopback address.
type platformProc struct {
	t    *testing.T
	exe  string
	dir  string
	addr string
	cmd  *exec.Cmd
}

func (p *platformProc) url() string { return "http://" + p.addr }

func (p *platformProc) start() {
	p.t.Helper()
	cmd := exec.Command(p.exe, "-test.run=^TestPlatformChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), envPlatDir+"="+p.dir, envPlatAddr+"="+p.addr)
	require.NoError(p.t, cmd.Start())
	p.cmd = cmd
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) { // wait until it listens
		if c, err := net.DialTimeout("tcp", p.addr, 100*time.Millisecond); err == nil {
			c.Close()
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	p.t.Fatalf("platform child did not listen on %s", p.addr)
}

func (p *platformProc) kill() {
	if p.cmd != nil {
		_ = p.cmd.Process.Kill() // SIGKILL: no deferred Close, no graceful shutdown
		_ = p.cmd.Wait()
		p.cmd = nil
	}
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	return ln.Addr().String()
}

// storeActions counts every action id in hall's scope on a platform store.
func storeActions(t testing.TB, st platform.Store, hall string) map[string]int {
	t.Helper()
	d, _ := storetest.Enroll(t, st, hall)
	out := map[string]int{}
	var after int64
	for {
		b, err := st.Pull(context.Background(), d, after, 1000)
		require.NoError(t, err)
		for _, a := range b.Actions {
			out[a.ID]++
		}
		after = b.Upto
		if !b.More {
			return out
		}
	}
}

// sameState asserts that every local action is on the platform exactly
// once, the platform has nothing of the hall the device does not have,
// and every case has the same version and official number on both sides.
func sameState(t testing.TB, st platform.Store, d *device) {
	t.Helper()
	ctx := context.Background()
	onServer := storeActions(t, st, d.hall)
	var local []string
	rows, err := d.db.Reader().Query("SELECT id FROM case_actions")
	require.NoError(t, err)
	for rows.Next() {
		var s string
		require.NoError(t, rows.Scan(&s))
		local = append(local, s)
	}
	require.NoError(t, rows.Close())
	for _, id := range local {
		if got, want := onServer[id], 1; got != want {
			t.Fatalf("action %s on the platform %d times, want %d", id, got, want)
		}
	}
	if got, want := len(onServer), len(local); got != want {
		t.Fatalf("platform has %d actions of hall %s, device %d", got, d.hall, want)
	}
	dev, _ := storetest.Enroll(t, st, d.hall)
	rows, err = d.db.Reader().Query("SELECT c.id, COALESCE(c.official_no, ''), (SELECT COUNT(*) FROM case_actions a WHERE a.case_id = c.id) FROM cases c")
	require.NoError(t, err)
	defer rows.Close()
	n := 0
	for rows.Next() {
		var id, no string
		var version int
		require.NoError(t, rows.Scan(&id, &no, &version))
		sc, _, err := st.Case(ctx, dev, id)
		require.NoError(t, err, "case %s on the platform", id)
		if got, want := sc.Version, version; got != want {
			t.Fatalf("case %s: platform version %d, device %d", id, got, want)
		}
		if got, want := no, sc.OfficialNumber; got != want {
			t.Fatalf("case %s: device official number %q, platform %q", id, got, want)
		}
		n++
	}
	require.NoError(t, rows.Err())
	require.NotZero(t, n, "no cases compared")
}

func soakSeeds(normal, soak int) []uint64 {
	n := normal
	if os.Getenv("TONGBAN_SOAK") != "" {
		n = soak
	}
	out := make([]uint64, n)
	for i := range out {
		out[i] = uint64(i + 1)
	}
	return out
}

// TestPlatformKilledMidCommit kills the platform process (SQLite, durable
// writes) with SIGKILL at random points while a workstation pushes actions
// and uploads scans in small batches, restarts it each time, and lets the
// workstation finish: every action is on the platform exactly once and both
// sides show the same state. TONGBAN_SOAK=1 runs more seeds.
func TestPlatformKilledMidCommit(t *testing.T) {
	if os.Getenv(envPlatDir) != "" || os.Getenv(envKillDB) != "" {
		t.Skip("in a child")
	}
	exe, err := os.Executable()
	require.NoError(t, err)
	for _, seed := range soakSeeds(2, 10) {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			ctx := context.Background()
			rng := rand.New(rand.NewPCG(seed, 7))
			dir := t.TempDir()
			st, err := sqlitestore.Open(ctx, filepath.Join(dir, "platform.db"))
			require.NoError(t, err)
			storetest.SeedPlaces(t, st)
			code := platform.NewEnrollCode()
			require.NoError(t, st.CreateEnrollCode(ctx, platform.EnrollCode{
				Hash: platform.HashSecret(platform.NormalizeEnrollCode(code)), Hall: "410102",
				CreatedAt: time.Now(), ExpiresAt: time.Now().Add(time.Hour)}))
			require.NoError(t, st.Close())

			p := &platformProc{t: t, exe: exe, dir: dir, addr: freeAddr(t)}
			t.Cleanup(p.kill)
			p.start()
			d := newDevice(t, "410102")
			_, err = client.Enroll(ctx, d.st, nil, p.url(), code, "测试窗口", time.Now())
			require.NoError(t, err)
			for i := 0; i < 10; i++ {
				cs := d.openCase("申请人" + string([]rune("甲乙丙丁戊己庚辛壬癸")[i:i+1]))
				d.addPages(cs.CaseID, 1, 24<<10)
				if i%2 == 0 {
					d.accept(cs)
				}
			}

			// The workstation syncs without pause while the platform dies.
			s := d.syncer(client.Config{BatchSize: 2, ChunkSize: 4 << 10})
			var stop atomic.Bool
			done := make(chan struct{})
			go func() {
				defer close(done)
				for !stop.Load() {
					if _, err := s.SyncNow(ctx); err != nil {
						time.Sleep(5 * time.Millisecond)
					}
				}
			}()
			for kill := 0; kill < 4; kill++ {
				time.Sleep(time.Duration(5+rng.IntN(120)) * time.Millisecond)
				p.kill()
				time.Sleep(time.Duration(rng.IntN(50)) * time.Millisecond)
				p.start()
			}
			stop.Store(true)
			<-done

			for i := 0; i < 20 && d.states()["pending"] > 0; i++ {
				if _, err := s.SyncNow(ctx); err != nil {
					t.Logf("recovery round %d: %v", i, err)
				}
			}
			_, err = s.SyncNow(ctx)
			require.NoError(t, err)
			if got := d.states()["pending"]; got != 0 {
				var ups []string
				rows, err := d.db.Reader().Query("SELECT state, offset, size, error FROM sync_uploads WHERE state <> 'done'")
				require.NoError(t, err)
				for rows.Next() {
					var st, msg string
					var off, size int64
					require.NoError(t, rows.Scan(&st, &off, &size, &msg))
					ups = append(ups, fmt.Sprintf("%s %d/%d %s", st, off, size, msg))
				}
				rows.Close()
				rows, err = d.db.Reader().Query(`SELECT a.case_id, a.seq, a.kind, a.sync_state, COALESCE(f.sha256, '-'), COALESCE(u.state, '-')
					FROM case_actions a LEFT JOIN sync_action_files f ON f.action_id = a.id LEFT JOIN sync_uploads u ON u.sha256 = f.sha256
					WHERE a.case_id IN (SELECT case_id FROM case_actions WHERE sync_state = 'pending') ORDER BY a.case_id, a.seq`)
				require.NoError(t, err)
				for rows.Next() {
					var cid, kind, state, sha, us string
					var seq int
					require.NoError(t, rows.Scan(&cid, &seq, &kind, &state, &sha, &us))
					t.Logf("%s #%d %s %s file %.8s upload %s", cid[:8], seq, kind, state, sha, us)
				}
				rows.Close()
				rows, err = d.db.Reader().Query("SELECT * FROM sync_quarantine")
				require.NoError(t, err)
				cols, _ := rows.Columns()
				for rows.Next() {
					vals := make([]any, len(cols))
					ptrs := make([]any, len(cols))
					for i := range vals {
						ptrs[i] = &vals[i]
					}
					require.NoError(t, rows.Scan(ptrs...))
					t.Logf("quarantine %v %v", cols, vals)
				}
				rows.Close()
				c, _ := d.st.Counts(ctx)
				t.Fatalf("pending after the platform came back: %d (uploads not done: %q, counts %+v, states %v)", got, ups, c, d.states())
			}
			p.kill()
			st, err = sqlitestore.Open(ctx, filepath.Join(dir, "platform.db"))
			require.NoError(t, err)
			defer st.Close()
			sameState(t, st, d)
		})
	}
}

// openDeviceClock is openDevice with the workstation's clock skewed by skew
// (journal device times and the syncer's clock).
func openDeviceClock(t testing.TB, hall string, skew time.Duration) (*device, func() time.Time) {
	t.Helper()
	ctx := context.Background()
	now := func() time.Time { return time.Now().Add(skew) }
	path := filepath.Join(t.TempDir(), "tongban.db")
	db, err := store.Open(ctx, path)
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	cal, err := cases.LoadCalendar(ctx, db)
	require.NoError(t, err)
	require.NoError(t, cal.EnsureBuiltin(ctx))
	svc, err := cases.New(ctx, db, audit.New(db, "WS-test", nil), cal,
		cases.Config{DeviceID: "WS-" + filepath.Base(filepath.Dir(path)), HallCode: hall, Now: now})
	require.NoError(t, err)
	bs, err := blob.OpenFS(filepath.Join(filepath.Dir(path), "blobs"))
	require.NoError(t, err)
	d := &device{t: t, path: path, db: db, cases: svc, blobs: bs, hall: hall}
	d.st = syncstore.New(db, func(context.Context) (syncstore.Journal, error) { return svc, nil }, bs, nil)
	return d, now
}

// TestDeviceClockHoursWrong: two workstations of one hall, one clock 6 h
// fast and one 6 h slow, sync in turns. The platform orders their actions by
// its own sequence (receipt order), stamps its own receipt time, and keeps
// each action's device time as recorded; a third device pulls the same
// order and the same device times.
func TestDeviceClockHoursWrong(t *testing.T) {
	ctx := context.Background()
	p := newPlatform(t)
	fast, fastNow := openDeviceClock(t, "410102", 6*time.Hour)
	slow, slowNow := openDeviceClock(t, "410102", -6*time.Hour)
	fast.enroll(p)
	slow.enroll(p)
	sf := fast.syncer(client.Config{Now: fastNow})
	ss := slow.syncer(client.Config{Now: slowNow})

	c1 := fast.openCase("甲")
	_, err := sf.SyncNow(ctx)
	require.NoError(t, err)
	c2 := slow.openCase("乙")
	_, err = ss.SyncNow(ctx)
	require.NoError(t, err)
	fast.accept(c1)
	_, err = sf.SyncNow(ctx)
	require.NoError(t, err)
	_, err = ss.SyncNow(ctx)
	require.NoError(t, err)
	_, err = sf.SyncNow(ctx)
	require.NoError(t, err)

	// Platform: receipt order, server receipt time, device time untouched.
	dev, _ := storetest.Enroll(t, p.store, "410102")
	b, err := p.store.Pull(ctx, dev, 0, 1000)
	require.NoError(t, err)
	realNow := time.Now()
	var order []string // case id per action, in server sequence
	var lastSeq int64
	for _, a := range b.Actions {
		require.Greater(t, a.Seq, lastSeq, "server sequence ascends")
		lastSeq = a.Seq
		if a.Role == "system" { // the platform's own actions (official number)
			continue
		}
		order = append(order, a.CaseID)
		if d := realNow.Sub(a.ReceivedAt); d < 0 || d > time.Minute {
			t.Fatalf("action %s received at %v, %v from the real clock", a.ID, a.ReceivedAt, d)
		}
		skew := a.DeviceTime.Sub(a.ReceivedAt)
		switch a.CaseID {
		case c1.CaseID:
			require.InDelta(t, float64(6*time.Hour), float64(skew), float64(time.Minute), "fast device time kept")
		case c2.CaseID:
			require.InDelta(t, float64(-6*time.Hour), float64(skew), float64(time.Minute), "slow device time kept")
		}
	}
	// c1's opening actions, then all of c2, then c1's acceptance: by receipt,
	// although c2's device times are 12 h before c1's.
	n1 := c1.Version
	want := []string{}
	for i := 0; i < n1; i++ {
		want = append(want, c1.CaseID)
	}
	for i := 0; i < c2.Version; i++ {
		want = append(want, c2.CaseID)
	}
	want = append(want, c1.CaseID)
	require.Equal(t, want, order)

	// A third device (right clock) pulls the same order and device times.
	third := newDevice(t, "410102")
	third.enroll(p)
	_, err = third.syncer(client.Config{}).SyncNow(ctx)
	require.NoError(t, err)
	var mine []int // indexes of the workstations' actions in b.Actions
	for j, a := range b.Actions {
		if a.Role != "system" {
			mine = append(mine, j)
		}
	}
	rows, err := third.db.Reader().Query("SELECT case_id, device_time FROM case_actions WHERE role <> 'system' ORDER BY server_seq")
	require.NoError(t, err)
	defer rows.Close()
	var got []string
	i := 0
	for rows.Next() {
		var cid, dt string
		require.NoError(t, rows.Scan(&cid, &dt))
		got = append(got, cid)
		at, err := time.Parse(time.RFC3339Nano, dt)
		require.NoError(t, err)
		if pa := b.Actions[mine[i]]; !at.Equal(pa.DeviceTime) {
			t.Fatalf("pulled action %d: device time %v, platform %v", i, at, pa.DeviceTime)
		}
		i++
	}
	require.Equal(t, want, got)
	sameState(t, p.store, fast)
	sameState(t, p.store, slow)
}
