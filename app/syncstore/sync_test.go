package syncstore_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"tongban/app/cases"
	"tongban/platform/storetest"
	"tongban/sync/client"
	"tongban/sync/protocol"
)

func TestPushExactlyOnceAndQuietSecondRound(t *testing.T) {
	ctx := context.Background()
	p := newPlatform(t)
	d := newDevice(t, storetest.PlaceA.Code)
	d.enroll(p)
	for i := range 3 {
		st := d.openCase("张三" + strings.Repeat("一", i))
		d.accept(st)
	}
	ct := &countingTransport{}
	s := d.syncer(client.Config{HTTP: &http.Client{Transport: ct}})
	rep, err := s.SyncNow(ctx)
	require.NoError(t, err)
	if got, want := rep.Pushed, 15; got != want {
		t.Fatalf("pushed %d, want %d", got, want)
	}
	if got, want := d.states()["pending"], 0; got != want {
		t.Fatalf("pending after sync %d, want %d", got, want)
	}
	on := p.serverActions(storetest.PlaceA.Code)
	for _, id := range d.localIDs() {
		if got, want := on[id], 1; got != want {
			t.Fatalf("action %s on the platform %d times, want %d", id, got, want)
		}
	}
	// Replaying the same items (as after a lost answer) stores nothing twice.
	_, err = d.db.Writer().Exec("UPDATE case_actions SET sync_state = 'pending' WHERE device_id LIKE 'WS-%'")
	require.NoError(t, err)
	_, err = s.SyncNow(ctx)
	require.NoError(t, err)
	require.Equal(t, len(on), len(p.serverActions(storetest.PlaceA.Code)), "replay created actions")
	// Nothing new: at most 2 requests.
	before := ct.n
	_, err = s.SyncNow(ctx)
	require.NoError(t, err)
	if got := ct.n - before; got > 2 {
		t.Fatalf("a round with nothing new used %d requests, want ≤ 2", got)
	}
}

func TestOfficialNumberArrivesByPull(t *testing.T) {
	ctx := context.Background()
	p := newPlatform(t)
	d := newDevice(t, storetest.PlaceA.Code)
	d.enroll(p)
	st := d.accept(d.openCase("李四"))
	require.Equal(t, "", d.officialNo(st.CaseID))
	_, err := d.syncer(client.Config{}).SyncNow(ctx)
	require.NoError(t, err)
	no := d.officialNo(st.CaseID)
	if !strings.HasPrefix(no, "410102-") {
		t.Fatalf("official number %q, want one of hall 410102", no)
	}
}

func TestPullIntoEmptyDeviceAndRouting(t *testing.T) {
	ctx := context.Background()
	p := newPlatform(t)
	a := newDevice(t, storetest.PlaceA.Code)
	a.enroll(p)
	st := a.accept(a.openCase("王五"))
	_, err := a.syncer(client.Config{}).SyncNow(ctx)
	require.NoError(t, err)

	// A second, empty device of the same hall gets the whole case.
	b := newDevice(t, storetest.PlaceA.Code)
	b.enroll(p)
	_, err = b.syncer(client.Config{PullLimit: 2}).SyncNow(ctx)
	require.NoError(t, err)
	if got, want := b.states()["synced"], 6; got != want { // 5 actions + the official number
		t.Fatalf("pulled %d actions, want %d", got, want)
	}
	require.Equal(t, a.officialNo(st.CaseID), b.officialNo(st.CaseID))
	var status string
	require.NoError(t, b.db.Reader().QueryRow("SELECT status FROM cases WHERE id = ?", st.CaseID).Scan(&status))
	require.Equal(t, "accepted", status)

	// A hall-C device sees nothing of it.
	c := newDevice(t, storetest.PlaceC.Code)
	c.enroll(p)
	_, err = c.syncer(client.Config{}).SyncNow(ctx)
	require.NoError(t, err)
	require.Equal(t, 0, c.states()["synced"])
}

func TestPulledDataNeverOverwritesPendingRows(t *testing.T) {
	ctx := context.Background()
	p := newPlatform(t)
	d := newDevice(t, storetest.PlaceA.Code)
	d.enroll(p)
	st := d.openCase("赵六")
	// The platform already holds the received action under this id with
	// another content (another copy of the database pushed it).
	var payload string
	require.NoError(t, d.db.Reader().QueryRow("SELECT payload FROM case_actions WHERE case_id = ? AND seq = 1", st.CaseID).Scan(&payload))
	items, err := d.st.Pending(ctx, 10)
	require.NoError(t, err)
	first := items[0]
	other := first.Action
	other.Payload = json.RawMessage(strings.Replace(string(first.Action.Payload), "赵六", "赵七", 1))
	require.NotEqual(t, string(first.Action.Payload), string(other.Payload))
	dev, err := p.store.DeviceByTokenHash(ctx, tokenHash(t, d))
	require.NoError(t, err)
	res, err := p.store.Push(ctx, dev, protocol.PushRequest{Cases: []protocol.Case{*first.Case}, Actions: []protocol.Action{other}}, first.Action.DeviceTime)
	require.NoError(t, err)
	require.Equal(t, protocol.StatusCreated, res.Actions[0].Status)

	// Pull first (as after a 412 rebuild), then push.
	require.NoError(t, d.st.ResetCursor(ctx))
	api, err := client.NewAPI(p.ts.URL, credToken(t, d), nil)
	require.NoError(t, err)
	b, err := api.Pull(ctx, "", 100)
	require.NoError(t, err)
	require.NoError(t, d.st.ApplyPull(ctx, b))
	var after, state string
	require.NoError(t, d.db.Reader().QueryRow("SELECT payload, sync_state FROM case_actions WHERE id = ?", first.Key).Scan(&after, &state))
	require.Equal(t, payload, after, "pulled data overwrote a pending row")
	require.Equal(t, cases.SyncPending, state)

	// The push then finds the conflict: the item is quarantined, not merged.
	_, err = d.syncer(client.Config{}).SyncNow(ctx)
	require.NoError(t, err)
	q, err := d.st.ListQuarantined(ctx, 10)
	require.NoError(t, err)
	require.Len(t, q, 1)
	require.Equal(t, protocol.ECONFLICT, q[0].Code)
	counts, err := d.st.Counts(ctx)
	require.NoError(t, err)
	require.Equal(t, client.Counts{Failed: 1}, counts, "the later actions went through: the case is on the platform")
}

func credToken(t testing.TB, d *device) string {
	t.Helper()
	c, ok, err := d.st.Credential(context.Background())
	require.NoError(t, err)
	require.True(t, ok)
	return c.Token
}

func TestPoisonItemDoesNotBlockAndRetryDiscard(t *testing.T) {
	ctx := context.Background()
	p := newPlatform(t)
	d := newDevice(t, storetest.PlaceA.Code)
	d.enroll(p)
	// The first case names a handling place the platform does not know.
	bad := d.openCaseForm("坏件", map[string]string{"handlingPlace": "999999"})
	good := d.accept(d.openCase("好件"))
	s := d.syncer(client.Config{})
	_, err := s.SyncNow(ctx)
	require.NoError(t, err, "a poison item must not fail the round")
	on := p.serverActions(storetest.PlaceA.Code)
	if got, want := len(on), good.Version+1; got != want { // + the official number
		t.Fatalf("platform holds %d actions, want %d", got, want)
	}
	q, err := d.st.ListQuarantined(ctx, 10)
	require.NoError(t, err)
	require.Len(t, q, 1)
	require.Equal(t, bad.CaseID, q[0].CaseID)
	require.NotEmpty(t, q[0].Zh)
	require.Equal(t, bad.Version-1, q[0].Held)

	// Retry: refused again, attempts counted.
	ok, err := d.st.Retry(ctx, q[0].ActionID)
	require.NoError(t, err)
	require.True(t, ok)
	_, err = s.SyncNow(ctx)
	require.NoError(t, err)
	q, err = d.st.ListQuarantined(ctx, 10)
	require.NoError(t, err)
	require.Len(t, q, 1)
	require.Equal(t, 2, q[0].Attempts)

	// Discard: the item and the actions held behind it leave the outbox.
	ok, err = d.st.Discard(ctx, q[0].ActionID)
	require.NoError(t, err)
	require.True(t, ok)
	c, err := d.st.Counts(ctx)
	require.NoError(t, err)
	require.Equal(t, client.Counts{}, c)
	require.Equal(t, bad.Version, d.states()[cases.SyncDiscarded])
}
