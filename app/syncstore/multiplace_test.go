package syncstore_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"tongban/app/cases"
	"tongban/app/identity"
	"tongban/app/syncstore"
	"tongban/sync/client"
	"tongban/sync/protocol"
)

func TestCaseRecordPlaces(t *testing.T) {
	recv := protocol.Action{CaseID: "c1", Hall: "410102", DeviceID: "d1", DeviceTime: time.Now()}
	tests := []struct {
		name      string
		mode      cases.Mode
		form      map[string]string
		first     string
		furtherOf []string
	}{
		{"proxy keeps one place", cases.ModeProxy, map[string]string{"handlingPlace": "330106", "handlingPlaces": "330106,410105"}, "330106", nil},
		{"multi", cases.ModeMultiPlace, map[string]string{"handlingPlace": "330106", "handlingPlaces": "330106，410105、440305"}, "330106", []string{"410105", "440305"}},
		{"multi drops hall, repeats, bad codes", cases.ModeMultiPlace, map[string]string{"handlingPlace": "330106", "handlingPlaces": "410102,330106,41010,410105,410105"}, "330106", []string{"410105"}},
		{"multi without handlingPlace", cases.ModeMultiPlace, map[string]string{"handlingPlaces": "330106,410105"}, "330106", []string{"410105"}},
		{"multi with one place", cases.ModeMultiPlace, map[string]string{"handlingPlace": "330106"}, "330106", nil},
		{"local", cases.ModeOnline, nil, "410102", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in, err := json.Marshal(cases.Intake{Matter: cases.MatterRef{Code: "X", Mode: tc.mode}, Form: tc.form})
			require.NoError(t, err)
			c := syncstore.CaseRecord(recv, in)
			if got, want := c.HandlingPlace, tc.first; got != want {
				t.Fatalf("handling place = %s, want %s", got, want)
			}
			assert.Equal(t, tc.furtherOf, c.Places)
			assert.Nil(t, protocol.ValidateCase(protocol.Case{ID: "0190d6a0-1a2b-7c3d-8e4f-0123456789ab", Hall: c.Hall,
				HandlingPlace: c.HandlingPlace, Places: c.Places, MatterCode: "X", DeviceID: "0190d6a0-1a2b-7c3d-8e4f-0123456789ac",
				CreatedAt: c.CreatedAt}), "the record passes the platform's validation")
		})
	}
}

// TestMultiPlaceRouting: a 多地联办 case collected in hall A (410102) with
// handling places B (330106) and C (410105) reaches both workstations with
// its journal and tasks; each place's step flows to the other and to A.
func TestMultiPlaceRouting(t *testing.T) {
	ctx := context.Background()
	p := newPlatform(t)
	a, b, c := newDevice(t, "410102"), newDevice(t, "330106"), newDevice(t, "410105")
	for _, d := range []*device{a, b, c} {
		d.enroll(p)
	}
	id := validID("41010219900307123")
	card := identity.Card{Name: "联办", Number: id, ValidUntil: "长期", Source: identity.SourceReader}
	ck, err := card.Check(time.Now())
	require.NoError(t, err)
	st, err := a.cases.Open(ctx, clerk, cases.OpenInput{
		Intake: cases.Intake{Matter: cases.MatterRef{Code: "HN-ML-1", Name: "企业迁移登记", Mode: cases.ModeMultiPlace, Kind: "承诺件", PromisedLimitDays: 10},
			Applicant: cases.Person{Name: "联办", IDNumber: id, Phone: "13812345678"},
			Form:      map[string]string{"handlingPlace": "330106", "handlingPlaces": "330106,410105"}},
		Identity:  &ck,
		Materials: &cases.Materials{Items: []cases.MaterialItem{{ID: "a", Name: "居民身份证", Status: "received", Form: "原件", Pages: 1}}},
		Review:    &cases.Review{Passed: true}})
	require.NoError(t, err)
	st = a.accept(st)
	for _, place := range []string{"330106", "410105"} {
		st, err = a.cases.Record(ctx, clerk, st.CaseID, st.Version, cases.KindDispatched, "", cases.Dispatch{Places: []string{place}})
		require.NoError(t, err)
	}
	sa, sb, sc := a.syncer(client.Config{}), b.syncer(client.Config{}), c.syncer(client.Config{})
	_, err = sa.SyncNow(ctx)
	require.NoError(t, err)
	require.Zero(t, a.states()["pending"], "A pushed everything: %v", a.states())

	for _, w := range []struct {
		d  *device
		sy *client.Syncer
	}{{b, sb}, {c, sc}} {
		_, err = w.sy.SyncNow(ctx)
		require.NoError(t, err)
		var n, tasks int
		require.NoError(t, w.d.db.Reader().QueryRow("SELECT COUNT(*) FROM case_actions WHERE case_id = ?", st.CaseID).Scan(&n))
		if got, want := n, st.Version; got < want {
			t.Fatalf("%s has %d actions of the case, want ≥ %d", w.d.hall, got, want)
		}
		require.NoError(t, w.d.db.Reader().QueryRow("SELECT COUNT(*) FROM case_tasks WHERE case_id = ? AND place = ?", st.CaseID, w.d.hall).Scan(&tasks))
		if got, want := tasks, 1; got != want {
			t.Fatalf("%s has %d tasks of its own for the case, want %d", w.d.hall, got, want)
		}
	}

	// C signs in; B and A learn of it.
	cst, err := c.cases.Detail(ctx, cases.Actor{Username: "h2", Role: cases.RoleHandler}, st.CaseID, false)
	require.NoError(t, err)
	_, err = c.cases.Record(ctx, cases.Actor{Username: "handler2", DisplayName: "赵办理", Role: cases.RoleHandler}, st.CaseID,
		cst.State.Version, cases.KindHandlerReceived, "", cases.Handling{Place: "410105"})
	require.NoError(t, err)
	_, err = sc.SyncNow(ctx)
	require.NoError(t, err)
	require.Zero(t, c.states()["pending"], "C's step accepted by the platform: %v", c.states())
	for _, w := range []struct {
		d  *device
		sy *client.Syncer
	}{{a, sa}, {b, sb}} {
		_, err = w.sy.SyncNow(ctx)
		require.NoError(t, err)
		var kind string
		require.NoError(t, w.d.db.Reader().QueryRow("SELECT kind FROM case_actions WHERE case_id = ? ORDER BY seq DESC LIMIT 1", st.CaseID).Scan(&kind))
		if got, want := kind, string(cases.KindHandlerReceived); got != want {
			t.Fatalf("%s's last action of the case: %s, want %s", w.d.hall, got, want)
		}
	}
}
