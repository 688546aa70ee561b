package storetest

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"tongban/platform"
	"tongban/sync/protocol"
)

// NewDB makes a fresh, empty database for one test and returns a function
// that opens a handle on it; each handle behaves as one platform node. The
// function closes its handles when the test ends.
type NewDB func(t *testing.T) (open func() platform.Store)

// Run runs the conformance suite.
func Run(t *testing.T, newDB NewDB) {
	tests := []struct {
		name string
		fn   func(t *testing.T, open func() platform.Store)
	}{
		{"Migrations", testMigrations},
		{"Enrollment", testEnrollment},
		{"PushIdempotent", testPushIdempotent},
		{"PushRejects", testPushRejects},
		{"OfficialNumbers", testOfficialNumbers},
		{"NumberBlocks", testNumberBlocks},
		{"RoutingAndScope", testRoutingAndScope},
		{"MultiPlace", testMultiPlace},
		{"PullPaging", testPullPaging},
		{"ConcurrentDecisions", testConcurrentDecisions},
		{"AccountsCatalog", testAccountsCatalog},
		{"Blobs", testBlobs},
		{"TwoNodes", testTwoNodes},
		{"Ledger", testLedger},
		{"Lookup", testLookup},
		{"LoopProgress", testLoopProgress},
		{"Throttle", testThrottle},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, newDB(t)) })
	}
}

var ctx = context.Background()

func setup(t *testing.T, open func() platform.Store) platform.Store {
	s := open()
	SeedPlaces(t, s)
	return s
}

func push(t *testing.T, s platform.Store, d platform.Device, cases []protocol.Case, actions []protocol.Action) protocol.PushResponse {
	t.Helper()
	resp, err := s.Push(ctx, d, protocol.PushRequest{Cases: cases, Actions: actions}, T0.Add(time.Hour))
	require.NoError(t, err)
	require.Len(t, resp.Cases, len(cases))
	require.Len(t, resp.Actions, len(actions))
	return resp
}

// pullAll pulls until More is false and returns everything in order.
func pullAll(t *testing.T, s platform.Store, d platform.Device, after int64, limit int) ([]protocol.StoredCase, []protocol.StoredAction, int64) {
	t.Helper()
	var cases []protocol.StoredCase
	var actions []protocol.StoredAction
	for i := 0; ; i++ {
		require.Less(t, i, 10000, "pull does not end")
		b, err := s.Pull(ctx, d, after, limit)
		require.NoError(t, err)
		cases = append(cases, b.Cases...)
		actions = append(actions, b.Actions...)
		require.GreaterOrEqual(t, b.Upto, after, "cursor went back")
		after = b.Upto
		if !b.More {
			return cases, actions, after
		}
	}
}

func testMigrations(t *testing.T, open func() platform.Store) {
	s1 := open()
	id1, err := s1.PlatformID(ctx)
	require.NoError(t, err)
	s2 := open() // migrating again is a no-op and keeps the ids
	id2, err := s2.PlatformID(ctx)
	require.NoError(t, err)
	if got, want := id2, id1; got != want {
		t.Fatalf("platform id after reopen = %s, want %s", got, want)
	}
	e1, err := s1.Epoch(ctx)
	require.NoError(t, err)
	e2, err := s2.ResetEpoch(ctx)
	require.NoError(t, err)
	assert.NotEqual(t, e1, e2)
	e3, err := s1.Epoch(ctx)
	require.NoError(t, err)
	assert.Equal(t, e2, e3, "epoch is shared by every node")
	require.NoError(t, s1.Ping(ctx))
}

func testEnrollment(t *testing.T, open func() platform.Store) {
	s := setup(t, open)
	code := "ABCD-EFGH-JKLM-NPQR"
	h := platform.HashSecret(platform.NormalizeEnrollCode(code))
	require.NoError(t, s.CreateEnrollCode(ctx, platform.EnrollCode{Hash: h, Hall: PlaceA.Code, CreatedAt: T0, ExpiresAt: T0.Add(time.Hour)}))
	tok := platform.NewToken()
	d, err := s.Enroll(ctx, platform.HashSecret(platform.NormalizeEnrollCode("abcd efgh jklm npqr")), platform.Device{ID: NewID(), Name: "1号窗口"},
		platform.HashSecret(tok), T0.Add(time.Minute))
	require.NoError(t, err)
	if got, want := d.Hall, PlaceA.Code; got != want {
		t.Fatalf("hall = %s, want %s", got, want)
	}
	// Single use.
	_, err = s.Enroll(ctx, h, platform.Device{ID: NewID(), Name: "2"}, platform.HashSecret(platform.NewToken()), T0.Add(2*time.Minute))
	assert.Equal(t, protocol.EUNAUTHORIZED, protocol.CodeOf(err), "second use of a code: %v", err)
	// Expired.
	h2 := platform.HashSecret("EXPIRED")
	require.NoError(t, s.CreateEnrollCode(ctx, platform.EnrollCode{Hash: h2, Hall: PlaceA.Code, CreatedAt: T0, ExpiresAt: T0.Add(time.Hour)}))
	_, err = s.Enroll(ctx, h2, platform.Device{ID: NewID(), Name: "3"}, platform.HashSecret(platform.NewToken()), T0.Add(2*time.Hour))
	assert.Equal(t, protocol.EUNAUTHORIZED, protocol.CodeOf(err), "expired code: %v", err)
	// Unknown hall.
	err = s.CreateEnrollCode(ctx, platform.EnrollCode{Hash: "x", Hall: "999999", CreatedAt: T0, ExpiresAt: T0.Add(time.Hour)})
	assert.Error(t, err)
	// Token lookup and revocation.
	got, err := s.DeviceByTokenHash(ctx, platform.HashSecret(tok))
	require.NoError(t, err)
	assert.Equal(t, d.ID, got.ID)
	assert.False(t, got.Revoked())
	_, err = s.DeviceByTokenHash(ctx, platform.HashSecret("wrong"))
	assert.Equal(t, protocol.EUNAUTHORIZED, protocol.CodeOf(err))
	require.NoError(t, s.RevokeDevice(ctx, d.ID, T0.Add(3*time.Hour)))
	got, err = s.DeviceByTokenHash(ctx, platform.HashSecret(tok))
	require.NoError(t, err)
	assert.True(t, got.Revoked())
	assert.Equal(t, protocol.ENOTFOUND, protocol.CodeOf(s.RevokeDevice(ctx, d.ID, T0)), "revoking twice")
	devs, err := s.Devices(ctx)
	require.NoError(t, err)
	assert.Len(t, devs, 1)
}

func testPushIdempotent(t *testing.T, open func() platform.Store) {
	s := setup(t, open)
	d, _ := Enroll(t, s, PlaceA.Code)
	c := NewCase(d, PlaceB.Code)
	a := NewAction(d, c.ID, "received", 0)
	r1 := push(t, s, d, []protocol.Case{c}, []protocol.Action{a})
	require.Equal(t, protocol.StatusCreated, r1.Cases[0].Status, "%+v", r1.Cases[0].Error)
	require.Equal(t, protocol.StatusCreated, r1.Actions[0].Status, "%+v", r1.Actions[0].Error)
	if got, want := r1.Actions[0].CaseVersion, 1; got != want {
		t.Fatalf("case version = %d, want %d", got, want)
	}
	assert.Greater(t, r1.Actions[0].Seq, r1.Cases[0].Seq)

	// A replay (key order and spacing changed in the payload) returns the stored result.
	a2 := a
	a2.Payload = json.RawMessage(`{ "n": 1, "note": "ok" }`)
	a2.DeviceTime = a.DeviceTime.In(time.FixedZone("CST", 8*3600))
	r2 := push(t, s, d, []protocol.Case{c}, []protocol.Action{a2})
	assert.Equal(t, protocol.StatusDuplicate, r2.Cases[0].Status)
	assert.Equal(t, protocol.StatusDuplicate, r2.Actions[0].Status)
	assert.Equal(t, r1.Actions[0].Seq, r2.Actions[0].Seq)
	assert.Equal(t, r1.Actions[0].ReceivedAt, r2.Actions[0].ReceivedAt)
	assert.Equal(t, r1.Actions[0].CaseVersion, r2.Actions[0].CaseVersion)

	// Same id, different content: conflict, nothing stored.
	a3 := a
	a3.Payload = json.RawMessage(`{"note":"changed"}`)
	c3 := c
	c3.MatterCode = "OTHER"
	r3 := push(t, s, d, []protocol.Case{c3}, []protocol.Action{a3})
	assert.Equal(t, protocol.StatusConflict, r3.Cases[0].Status)
	assert.Equal(t, protocol.StatusConflict, r3.Actions[0].Status)
	assert.Equal(t, protocol.ECONFLICT, r3.Actions[0].Error.Code)

	sc, acts, err := s.Case(ctx, d, c.ID)
	require.NoError(t, err)
	assert.Equal(t, 1, sc.Version)
	require.Len(t, acts, 1)
	assert.JSONEq(t, `{"note":"ok","n":1}`, string(acts[0].Payload))
	assert.Equal(t, "HN-0001", sc.MatterCode)
	assert.True(t, acts[0].DeviceTime.Equal(a.DeviceTime), "device time kept: %v", acts[0].DeviceTime)
	assert.Equal(t, T0.Add(time.Hour), acts[0].ReceivedAt, "server receipt time")
}

func testPushRejects(t *testing.T, open func() platform.Store) {
	s := setup(t, open)
	d, _ := Enroll(t, s, PlaceA.Code)
	other, _ := Enroll(t, s, PlaceC.Code)
	good := NewCase(d, PlaceB.Code)
	foreign := NewCase(other, PlaceB.Code) // d pushes a case of hall C
	unknownPlace := NewCase(d, "999999")
	bad := NewCase(d, PlaceB.Code)
	bad.ID = "not-a-uuid"
	orphan := NewAction(d, NewID(), "received", 0)
	spoofed := NewAction(other, good.ID, "received", 0)
	ok := NewAction(d, good.ID, "received", 0)
	sys := NewAction(d, good.ID, protocol.KindOfficialNumber, 0)
	r := push(t, s, d, []protocol.Case{good, foreign, unknownPlace, bad}, []protocol.Action{orphan, spoofed, ok, sys})
	want := []string{protocol.StatusCreated, protocol.StatusRejected, protocol.StatusRejected, protocol.StatusRejected}
	for i, w := range want {
		assert.Equal(t, w, r.Cases[i].Status, "case %d", i)
	}
	assert.Equal(t, protocol.EFORBIDDEN, r.Cases[1].Error.Code)
	assert.Equal(t, "handlingPlace", r.Cases[2].Error.Field)
	assert.Equal(t, protocol.EINVALID, r.Cases[3].Error.Code)
	assert.Equal(t, protocol.ENOTFOUND, r.Actions[0].Error.Code)
	assert.Equal(t, protocol.EFORBIDDEN, r.Actions[1].Error.Code)
	assert.Equal(t, protocol.StatusCreated, r.Actions[2].Status)
	assert.Equal(t, protocol.EINVALID, r.Actions[3].Error.Code)
	// C's device cannot act on A's case either.
	r = push(t, s, other, nil, []protocol.Action{NewAction(other, good.ID, "handled", 1)})
	assert.Equal(t, protocol.EFORBIDDEN, r.Actions[0].Error.Code)
}

func testOfficialNumbers(t *testing.T, open func() platform.Store) {
	s := setup(t, open)
	d, _ := Enroll(t, s, PlaceA.Code)
	c1, c2 := NewCase(d, PlaceB.Code), NewCase(d, PlaceA.Code)
	r := push(t, s, d, []protocol.Case{c1, c2}, []protocol.Action{
		NewAction(d, c1.ID, "received", 0), NewAction(d, c1.ID, protocol.KindAccepted, 1),
		NewAction(d, c2.ID, protocol.KindAccepted, 0)})
	n1, n2 := r.Actions[1].OfficialNumber, r.Actions[2].OfficialNumber
	assert.Equal(t, "410102-2026-000001", n1)
	assert.Equal(t, "410102-2026-000002", n2)
	sc, acts, err := s.Case(ctx, d, c1.ID)
	require.NoError(t, err)
	assert.Equal(t, n1, sc.OfficialNumber)
	require.Len(t, acts, 3, "received, accepted, official_number_assigned")
	assert.Equal(t, protocol.KindOfficialNumber, acts[2].Kind)
	assert.Equal(t, "system", acts[2].Role)
	var p protocol.OfficialNumberPayload
	require.NoError(t, json.Unmarshal(acts[2].Payload, &p))
	assert.Equal(t, n1, p.OfficialNumber)
	assert.Equal(t, "platform", p.Source)
	// A second acceptance keeps the number.
	r = push(t, s, d, nil, []protocol.Action{NewAction(d, c1.ID, protocol.KindAccepted, 3)})
	assert.Equal(t, n1, r.Actions[0].OfficialNumber)
	_, acts, err = s.Case(ctx, d, c1.ID)
	require.NoError(t, err)
	assert.Len(t, acts, 4)
}

func testNumberBlocks(t *testing.T, open func() platform.Store) {
	s := setup(t, open)
	d, _ := Enroll(t, s, PlaceA.Code)
	d2, _ := Enroll(t, s, PlaceA.Code)
	_, err := s.ReserveNumbers(ctx, d, 0, T0)
	assert.Equal(t, protocol.EINVALID, protocol.CodeOf(err))
	b1, err := s.ReserveNumbers(ctx, d, 5, T0)
	require.NoError(t, err)
	b2, err := s.ReserveNumbers(ctx, d2, 3, T0)
	require.NoError(t, err)
	assert.Len(t, b1.Numbers, 5)
	seen := map[string]bool{}
	for _, n := range append(append([]string{}, b1.Numbers...), b2.Numbers...) {
		assert.False(t, seen[n], "number %s reserved twice", n)
		seen[n] = true
	}
	// d accepts offline with its block number; d2 tries to use d's number.
	c1, c2 := NewCase(d, PlaceB.Code), NewCase(d2, PlaceB.Code)
	a1 := NewAction(d, c1.ID, protocol.KindAccepted, 0)
	a1.Payload, _ = json.Marshal(protocol.OfficialNumberPayload{OfficialNumber: b1.Numbers[2]})
	r := push(t, s, d, []protocol.Case{c1}, []protocol.Action{a1})
	assert.Equal(t, b1.Numbers[2], r.Actions[0].OfficialNumber)
	a2 := NewAction(d2, c2.ID, protocol.KindAccepted, 0)
	a2.Payload, _ = json.Marshal(protocol.OfficialNumberPayload{OfficialNumber: b1.Numbers[3]})
	r = push(t, s, d2, []protocol.Case{c2}, []protocol.Action{a2})
	got := r.Actions[0].OfficialNumber
	assert.NotEqual(t, b1.Numbers[3], got, "another device's reserved number is not honoured")
	assert.False(t, seen[got], "a platform number never collides with a reserved one: %s", got)
}

func testRoutingAndScope(t *testing.T, open func() platform.Store) {
	s := setup(t, open)
	a, _ := Enroll(t, s, PlaceA.Code)
	b, _ := Enroll(t, s, PlaceB.Code)
	c, _ := Enroll(t, s, PlaceC.Code)
	routed := NewCase(a, PlaceB.Code)
	local := NewCase(a, PlaceA.Code)
	push(t, s, a, []protocol.Case{routed, local}, []protocol.Action{
		NewAction(a, routed.ID, "received", 0), NewAction(a, local.ID, "received", 0)})

	// B's inbox has the routed case, not A's local one.
	cases, actions, _ := pullAll(t, s, b, 0, 100)
	require.Len(t, cases, 1)
	assert.Equal(t, routed.ID, cases[0].ID)
	require.Len(t, actions, 1)
	// C sees nothing, by pull or by id.
	cases, actions, _ = pullAll(t, s, c, 0, 100)
	assert.Empty(t, cases)
	assert.Empty(t, actions)
	_, _, err := s.Case(ctx, c, routed.ID)
	assert.Equal(t, protocol.ENOTFOUND, protocol.CodeOf(err))

	// B's decision flows back to A.
	_, _, cur := pullAll(t, s, a, 0, 100)
	h := NewAction(b, routed.ID, "handled", 1)
	h.Role = "handler"
	r := push(t, s, b, nil, []protocol.Action{h})
	require.Equal(t, protocol.StatusCreated, r.Actions[0].Status, "%+v", r.Actions[0].Error)
	cases, actions, _ = pullAll(t, s, a, cur, 100)
	require.Len(t, actions, 1)
	assert.Equal(t, h.ID, actions[0].ID)
	require.Len(t, cases, 1, "the touched case comes with the batch")
	assert.Equal(t, 2, cases[0].Version)
}

func testPullPaging(t *testing.T, open func() platform.Store) {
	s := setup(t, open)
	d, _ := Enroll(t, s, PlaceA.Code)
	var want []int64
	for i := 0; i < 7; i++ {
		c := NewCase(d, PlaceA.Code)
		r := push(t, s, d, []protocol.Case{c}, []protocol.Action{NewAction(d, c.ID, "received", 0), NewAction(d, c.ID, "formal_review", 1)})
		want = append(want, r.Cases[0].Seq, r.Actions[0].Seq, r.Actions[1].Seq)
	}
	for _, limit := range []int{1, 2, 5, 1000} {
		t.Run(fmt.Sprint(limit), func(t *testing.T) {
			var got []int64
			after := int64(0)
			for i := 0; ; i++ {
				require.Less(t, i, 100)
				b, err := s.Pull(ctx, d, after, limit)
				require.NoError(t, err)
				n := 0
				for _, c := range b.Cases {
					if c.Seq > after && c.Seq <= b.Upto {
						got = append(got, c.Seq)
						n++
					}
				}
				for _, a := range b.Actions {
					got = append(got, a.Seq)
					n++
				}
				assert.LessOrEqual(t, n, limit)
				after = b.Upto
				if !b.More {
					break
				}
			}
			sort.Slice(got, func(i, j int) bool { return got[i] < got[j] })
			assert.Equal(t, want, got, "every change exactly once")
			b, err := s.Pull(ctx, d, after, limit)
			require.NoError(t, err)
			assert.Empty(t, b.Actions)
			assert.Empty(t, b.Cases)
			assert.Equal(t, after, b.Upto)
		})
	}
}

func testConcurrentDecisions(t *testing.T, open func() platform.Store) {
	s := setup(t, open)
	d1, _ := Enroll(t, s, PlaceA.Code)
	d2, _ := Enroll(t, s, PlaceA.Code)
	c := NewCase(d1, PlaceA.Code)
	push(t, s, d1, []protocol.Case{c}, []protocol.Action{NewAction(d1, c.ID, "received", 0)})
	// Both devices decide on version 1: the second to arrive is flagged.
	first := NewAction(d1, c.ID, "accepted", 1)
	second := NewAction(d2, c.ID, "refused", 1)
	r1 := push(t, s, d1, nil, []protocol.Action{first})
	r2 := push(t, s, d2, nil, []protocol.Action{second})
	assert.False(t, r1.Actions[0].Flagged)
	assert.True(t, r2.Actions[0].Flagged)
	// A non-decision on an old version is not flagged.
	r3 := push(t, s, d2, nil, []protocol.Action{NewAction(d2, c.ID, "material_received", 1)})
	assert.False(t, r3.Actions[0].Flagged)

	// Check-out: a decision by someone else while checked out is flagged.
	c2 := NewCase(d1, PlaceA.Code)
	co := NewAction(d1, c2.ID, protocol.KindCheckedOut, 0)
	co.Actor, co.Role = "super1", "supervisor"
	push(t, s, d1, []protocol.Case{c2}, []protocol.Action{co})
	other := NewAction(d2, c2.ID, "approved", 1)
	other.Actor, other.Role = "super2", "supervisor"
	own := NewAction(d1, c2.ID, "approved", 1)
	own.Actor, own.Role = "super1", "supervisor"
	r := push(t, s, d2, nil, []protocol.Action{other})
	assert.True(t, r.Actions[0].Flagged, "decision on a case checked out by someone else")
	r = push(t, s, d1, nil, []protocol.Action{own})
	assert.False(t, r.Actions[0].Flagged, "decision by the one who checked it out")
	_, acts, err := s.Case(ctx, d1, c2.ID)
	require.NoError(t, err)
	require.Len(t, acts, 3)
	assert.True(t, acts[1].Flagged)
}

func testAccountsCatalog(t *testing.T, open func() platform.Store) {
	s := setup(t, open)
	h := platform.HashPassword("pw", platform.HashParams{Memory: 64, Time: 1, Threads: 1})
	require.NoError(t, s.PutAccount(ctx, platform.Account{Username: "zhang", DisplayName: "张窗口", Role: "clerk", Hall: PlaceA.Code, PasswordHash: h, UpdatedAt: T0}))
	require.NoError(t, s.PutAccount(ctx, platform.Account{Username: "li", DisplayName: "李审核", Role: "supervisor", Hall: PlaceA.Code, PasswordHash: h, UpdatedAt: T0}))
	require.NoError(t, s.PutAccount(ctx, platform.Account{Username: "wang", DisplayName: "王办理", Role: "handler", Hall: PlaceB.Code, PasswordHash: h, UpdatedAt: T0}))
	require.Error(t, s.PutAccount(ctx, platform.Account{Username: "x", Role: "nope", Hall: PlaceA.Code, PasswordHash: h}))
	require.Error(t, s.PutAccount(ctx, platform.Account{Username: "x", Role: "clerk", Hall: "999999", PasswordHash: h}))
	accts, err := s.Accounts(ctx, PlaceA.Code)
	require.NoError(t, err)
	require.Len(t, accts, 2)
	assert.Equal(t, "li", accts[0].Username)
	assert.Equal(t, h, accts[0].PasswordHash)
	// Disable = update.
	require.NoError(t, s.PutAccount(ctx, platform.Account{Username: "li", DisplayName: "李审核", Role: "supervisor", Hall: PlaceA.Code, PasswordHash: h, Disabled: true, UpdatedAt: T0.Add(time.Hour)}))
	accts, err = s.Accounts(ctx, PlaceA.Code)
	require.NoError(t, err)
	assert.True(t, accts[0].Disabled)

	_, err = s.LatestCatalog(ctx)
	assert.Equal(t, protocol.ENOTFOUND, protocol.CodeOf(err))
	_, err = s.PublishCatalog(ctx, []byte(`{not json`), T0)
	assert.Equal(t, protocol.EINVALID, protocol.CodeOf(err))
	v1, err := s.PublishCatalog(ctx, []byte(`{"matters":[]}`), T0)
	require.NoError(t, err)
	v2, err := s.PublishCatalog(ctx, []byte(`{"matters":[{"code":"HN-0001"}]}`), T0.Add(time.Hour))
	require.NoError(t, err)
	assert.Equal(t, v1.Version+1, v2.Version)
	latest, err := s.LatestCatalog(ctx)
	require.NoError(t, err)
	assert.Equal(t, v2.Version, latest.Version)
	assert.Equal(t, v2.SHA256, latest.SHA256)
	assert.JSONEq(t, `{"matters":[{"code":"HN-0001"}]}`, string(latest.Body))
}

func testBlobs(t *testing.T, open func() platform.Store) {
	s := setup(t, open)
	a, _ := Enroll(t, s, PlaceA.Code)
	b, _ := Enroll(t, s, PlaceB.Code)
	c, _ := Enroll(t, s, PlaceC.Code)
	sha := "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	ok, err := s.HasBlob(ctx, sha)
	require.NoError(t, err)
	assert.False(t, ok)
	require.NoError(t, s.PutBlob(ctx, platform.Blob{SHA256: sha, Size: 10, DeviceID: a.ID, Hall: a.Hall, UploadedAt: T0}))
	require.NoError(t, s.PutBlob(ctx, platform.Blob{SHA256: sha, Size: 10, DeviceID: a.ID, Hall: a.Hall, UploadedAt: T0}), "idempotent")
	ok, err = s.HasBlob(ctx, sha)
	require.NoError(t, err)
	assert.True(t, ok)
	vis := func(d platform.Device) bool {
		v, err := s.BlobVisible(ctx, d, sha)
		require.NoError(t, err)
		return v
	}
	assert.True(t, vis(a), "uploader's hall")
	assert.False(t, vis(b), "not referenced yet")
	cs := NewCase(a, PlaceB.Code)
	act := NewAction(a, cs.ID, "material_received", 0)
	act.Attachments = []protocol.Attachment{{SHA256: sha, Size: 10}}
	push(t, s, a, []protocol.Case{cs}, []protocol.Action{act})
	assert.True(t, vis(b), "handling place of a case that references it")
	assert.False(t, vis(c))
}

// testTwoNodes runs pushes through two handles on one database while a
// puller reads continuously: sequence numbers must be unique, and a cursor
// must never step over a change that commits later.
func testTwoNodes(t *testing.T, open func() platform.Store) {
	n1 := setup(t, open)
	n2 := open()
	nodes := []platform.Store{n1, n2}
	const writers, casesPer = 4, 12
	devs := make([]platform.Device, writers)
	for i := range devs {
		devs[i], _ = Enroll(t, nodes[i%2], PlaceA.Code)
	}
	reader, _ := Enroll(t, n1, PlaceB.Code)

	var wg sync.WaitGroup
	errc := make(chan error, writers)
	var mu sync.Mutex
	wantActions := map[string]bool{}
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			d, s := devs[w], nodes[w%2]
			for i := 0; i < casesPer; i++ {
				c := NewCase(d, PlaceB.Code)
				acts := []protocol.Action{NewAction(d, c.ID, "received", 0), NewAction(d, c.ID, protocol.KindAccepted, 1)}
				req := protocol.PushRequest{Cases: []protocol.Case{c}, Actions: acts}
				for try := 0; try < 2; try++ { // the second try is a replay
					r, err := s.Push(ctx, d, req, T0)
					if err != nil {
						errc <- err
						return
					}
					for _, ar := range r.Actions {
						if ar.Status != protocol.StatusCreated && ar.Status != protocol.StatusDuplicate {
							errc <- fmt.Errorf("action %s: %s %+v", ar.ID, ar.Status, ar.Error)
							return
						}
					}
				}
				mu.Lock()
				for _, a := range acts {
					wantActions[a.ID] = true
				}
				mu.Unlock()
			}
		}(w)
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()

	got := map[string]int{}
	numbers := map[string]string{}
	var after int64
	lastSeq := int64(0)
	pullOnce := func(s platform.Store) bool {
		b, err := s.Pull(ctx, reader, after, 7)
		require.NoError(t, err)
		for _, a := range b.Actions {
			require.Greater(t, a.Seq, lastSeq, "pull order")
			lastSeq = a.Seq
			got[a.ID]++
			if a.Kind == protocol.KindOfficialNumber {
				var p protocol.OfficialNumberPayload
				require.NoError(t, json.Unmarshal(a.Payload, &p))
				if prev, dup := numbers[p.OfficialNumber]; dup {
					t.Fatalf("official number %s given to %s and %s", p.OfficialNumber, prev, a.CaseID)
				}
				numbers[p.OfficialNumber] = a.CaseID
			}
		}
		after = b.Upto
		return b.More
	}
	for i := 0; ; i++ {
		select {
		case <-done:
			for more := true; more; {
				more = pullOnce(nodes[i%2])
			}
			close(errc)
			for err := range errc {
				t.Fatal(err)
			}
			for id := range wantActions {
				if got[id] != 1 {
					t.Fatalf("action %s pulled %d times, want 1", id, got[id])
				}
			}
			if g, w := len(numbers), writers*casesPer; g != w {
				t.Fatalf("official numbers = %d, want %d", g, w)
			}
			if g, w := len(got), len(wantActions)+writers*casesPer; g != w {
				t.Fatalf("pulled actions = %d, want %d (client + system)", g, w)
			}
			return
		default:
			pullOnce(nodes[i%2])
		}
	}
}
