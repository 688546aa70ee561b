package syncstore_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"tongban/app/cases"
	"tongban/app/errs"
	"tongban/platform/storetest"
	"tongban/sync/client"
	"tongban/sync/protocol"
)

// platformCase reads a case from the platform as device d sees it.
func platformCase(t *testing.T, p *plat, d *device, id string) client.CaseRecord {
	t.Helper()
	api, err := client.NewAPI(p.ts.URL, credToken(t, d), nil)
	require.NoError(t, err)
	rec, err := api.Case(context.Background(), id)
	require.NoError(t, err)
	return rec
}

func lastOf(rec client.CaseRecord, kind, actor string) protocol.StoredAction {
	var out protocol.StoredAction
	for _, a := range rec.Actions {
		if a.Kind == kind && a.Actor == actor {
			out = a
		}
	}
	return out
}

// TestCheckOutBeforeOfflineDecision: clerk 1 on device A1 checks a case
// out on the platform before going offline. Clerk 2 on device A2 (same
// hall, up to date) cannot check it out locally, and the acceptance A2
// pushes meanwhile is flagged by the platform; clerk 1's own offline
// acceptance is not. After clerk 1 checks in nobody holds the case.
func TestCheckOutBeforeOfflineDecision(t *testing.T) {
	ctx := context.Background()
	p := newPlatform(t)
	a1, a2 := newDevice(t, storetest.PlaceA.Code), newDevice(t, storetest.PlaceA.Code)
	a1.enroll(p)
	a2.enroll(p)
	s1, s2 := a1.syncer(client.Config{}), a2.syncer(client.Config{})
	clerk2 := cases.Actor{Username: "clerk2", DisplayName: "赵窗口", Role: cases.RoleClerk}

	st := a1.openCase("张三")
	_, err := s1.SyncNow(ctx)
	require.NoError(t, err)

	// Check-out, pushed at once (what SyncService.CheckOut does).
	co, err := a1.cases.Checkout(ctx, clerk, st.CaseID, st.Version)
	require.NoError(t, err)
	assert.Equal(t, clerk.Username, co.CheckedOutBy)
	_, err = s1.SyncNow(ctx)
	require.NoError(t, err)
	rec := platformCase(t, p, a1, st.CaseID)
	assert.Equal(t, protocol.HolderKey(clerk.Username, "410102"), client.CheckoutHolder(rec.Actions), "granted")
	assert.False(t, lastOf(rec, protocol.KindCheckedOut, clerk.Username).Flagged)

	// A2 learns of it: its own check-out is refused locally, naming the holder.
	_, err = s2.SyncNow(ctx)
	require.NoError(t, err)
	det, err := a2.cases.Detail(ctx, clerk2, st.CaseID, false)
	require.NoError(t, err)
	assert.Equal(t, clerk.Username, det.State.CheckedOutBy)
	_, err = a2.cases.Checkout(ctx, clerk2, st.CaseID, det.State.Version)
	require.Error(t, err)
	assert.Equal(t, errs.ECONFLICT, errs.Code(err))
	assert.Contains(t, errs.Zh(err), clerk.Username)

	// A2 decides anyway, on the current version: the platform flags it
	// because clerk 1 holds the case (not because of the version).
	_, err = a2.cases.Accept(ctx, clerk2, st.CaseID, det.State.Version)
	require.NoError(t, err)
	_, err = s2.SyncNow(ctx)
	require.NoError(t, err)
	rec = platformCase(t, p, a2, st.CaseID)
	other := lastOf(rec, protocol.KindAccepted, clerk2.Username)
	require.NotEmpty(t, other.ID)
	assert.Equal(t, det.State.Version, other.BasedOnVersion, "based on the current version")
	assert.True(t, other.Flagged, "a decision by another user while the case is checked out is flagged")

	// Clerk 1 decides offline and syncs later: the holder's decision stands.
	_, err = a1.cases.Accept(ctx, clerk, st.CaseID, co.Version)
	require.NoError(t, err)
	_, err = s1.SyncNow(ctx)
	require.NoError(t, err)
	rec = platformCase(t, p, a1, st.CaseID)
	own := lastOf(rec, protocol.KindAccepted, clerk.Username)
	require.NotEmpty(t, own.ID)
	assert.False(t, own.Flagged, "the holder's own offline decision is not flagged")
	assert.NotEmpty(t, rec.Case.OfficialNumber)

	// Check-in.
	cur, err := a1.cases.Detail(ctx, clerk, st.CaseID, false)
	require.NoError(t, err)
	_, err = a1.cases.Release(ctx, clerk, st.CaseID, cur.State.Version, "签入")
	require.NoError(t, err)
	_, err = s1.SyncNow(ctx)
	require.NoError(t, err)
	rec = platformCase(t, p, a1, st.CaseID)
	assert.Equal(t, "", client.CheckoutHolder(rec.Actions), "released")
	c, err := a1.st.Counts(ctx)
	require.NoError(t, err)
	assert.Equal(t, client.Counts{}, c, "nothing pending or quarantined")

	// Offline: a round fails with ErrOffline, which SyncService.CheckOut
	// turns into its Chinese "connect first" error.
	p.ts.Close()
	_, err = s1.SyncNow(ctx)
	require.Error(t, err)
	assert.True(t, errors.Is(err, client.ErrOffline), "offline round: %v", err)
}

func TestCheckoutHolder(t *testing.T) {
	// Usernames are per workstation: the same name at another hall is
	// another person.
	act := func(kind, actor, hall string, flagged bool) protocol.StoredAction {
		return protocol.StoredAction{Action: protocol.Action{Kind: kind, Actor: actor, Hall: hall}, Flagged: flagged}
	}
	const a, b = "410102", "330106"
	for _, tc := range []struct {
		name string
		acts []protocol.StoredAction
		want string
	}{
		{"none", nil, ""},
		{"granted", []protocol.StoredAction{act("checked_out", "u", a, false)}, "u@" + a},
		{"refused", []protocol.StoredAction{act("checked_out", "u", a, false), act("checked_out", "v", a, true)}, "u@" + a},
		{"released", []protocol.StoredAction{act("checked_out", "u", a, false), act("released", "u", a, false)}, ""},
		{"released by another", []protocol.StoredAction{act("checked_out", "u", a, false), act("released", "v", a, false)}, "u@" + a},
		{"same name, other hall", []protocol.StoredAction{act("checked_out", "u", a, false), act("released", "u", b, false)}, "u@" + a},
		{"again", []protocol.StoredAction{act("checked_out", "u", a, false), act("released", "u", a, false), act("checked_out", "v", b, false)}, "v@" + b},
	} {
		if got := client.CheckoutHolder(tc.acts); got != tc.want {
			t.Errorf("%s: holder %q, want %q", tc.name, got, tc.want)
		}
	}
}
