package storetest

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"tongban/platform"
	"tongban/sync/protocol"
)

// PlaceD is a fourth hall, outside every case of the 多地联办 test.
var PlaceD = platform.Place{Code: "440305", Name: "深圳市南山区政务服务中心", Province: "广东省"}

// testMultiPlace: a 多地联办 case from hall A handled at B and C reaches
// both pulls with its actions, both may act on it and see each other's
// steps, and a fourth hall D sees nothing and is refused.
func testMultiPlace(t *testing.T, open func() platform.Store) {
	s := setup(t, open)
	require.NoError(t, s.PutPlace(ctx, PlaceD))
	a, _ := Enroll(t, s, PlaceA.Code)
	b, _ := Enroll(t, s, PlaceB.Code)
	c, _ := Enroll(t, s, PlaceC.Code)
	d, _ := Enroll(t, s, PlaceD.Code)

	multi := NewCase(a, PlaceB.Code)
	multi.Mode, multi.Places = "多地联办", []string{PlaceC.Code}
	onlyB := NewCase(a, PlaceB.Code)
	local := NewCase(a, PlaceA.Code)
	hr, touches := s.(interface {
		platform.HeadReader
		platform.TouchReader
	})
	var head0 int64
	if touches {
		var err error
		head0, err = hr.HeadSeq(ctx)
		require.NoError(t, err)
	}
	sha := "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210"
	require.NoError(t, s.PutBlob(ctx, platform.Blob{SHA256: sha, Size: 5, DeviceID: a.ID, Hall: a.Hall, UploadedAt: T0}))
	recv := NewAction(a, multi.ID, "received", 0)
	recv.Attachments = []protocol.Attachment{{SHA256: sha, Size: 5}}
	r := push(t, s, a, []protocol.Case{multi, onlyB, local}, []protocol.Action{
		recv, NewAction(a, onlyB.ID, "received", 0), NewAction(a, local.ID, "received", 0)})
	for _, it := range append(r.Cases, r.Actions...) {
		require.Equal(t, protocol.StatusCreated, it.Status, "%+v", it.Error)
	}
	if touches {
		// The long poll wakes exactly the places these changes concern.
		head1, err := hr.HeadSeq(ctx)
		require.NoError(t, err)
		places, err := hr.Touched(ctx, head0, head1)
		require.NoError(t, err)
		assert.ElementsMatch(t, []string{PlaceA.Code, PlaceB.Code, PlaceC.Code}, places)
		places, err = hr.Touched(ctx, head1, head1)
		require.NoError(t, err)
		assert.Empty(t, places)
	}
	again := push(t, s, a, []protocol.Case{multi}, nil)
	assert.Equal(t, protocol.StatusDuplicate, again.Cases[0].Status, "same places: a replay")

	// B has both routed cases; C only the 多地联办 one, with its places and
	// its action, also when paging one item at a time.
	cases, actions, curB := pullAll(t, s, b, 0, 100)
	assert.ElementsMatch(t, []string{multi.ID, onlyB.ID}, caseIDs(cases))
	assert.Len(t, actions, 2)
	cases, actions, _ = pullAll(t, s, c, 0, 1)
	assert.Equal(t, []string{recv.ID}, actionIDs(actions))
	for _, got := range cases { // the action's batch repeats its case
		assert.Equal(t, multi.ID, got.ID)
	}
	cases, actions, curC := pullAll(t, s, c, 0, 100)
	require.Len(t, cases, 1)
	assert.Equal(t, multi.ID, cases[0].ID)
	assert.Equal(t, []string{PlaceC.Code}, cases[0].Places)
	require.Len(t, actions, 1)
	assert.Equal(t, recv.ID, actions[0].ID)
	got, acts, err := s.Case(ctx, c, multi.ID)
	require.NoError(t, err)
	assert.Equal(t, []string{PlaceC.Code}, got.Places)
	assert.Len(t, acts, 1)
	vis, err := s.BlobVisible(ctx, c, sha)
	require.NoError(t, err)
	assert.True(t, vis, "a further handling place sees the case's scans")

	// Both places act; each sees the other's step, and so does A.
	_, _, curA := pullAll(t, s, a, 0, 100)
	hb := NewAction(b, multi.ID, "handler_received", 1)
	hb.Role = "handler"
	hc := NewAction(c, multi.ID, "handler_received", 1)
	hc.Role = "handler"
	rb := push(t, s, b, nil, []protocol.Action{hb})
	require.Equal(t, protocol.StatusCreated, rb.Actions[0].Status, "%+v", rb.Actions[0].Error)
	rc := push(t, s, c, nil, []protocol.Action{hc})
	require.Equal(t, protocol.StatusCreated, rc.Actions[0].Status, "%+v", rc.Actions[0].Error)
	_, actions, _ = pullAll(t, s, b, curB, 100)
	assert.Equal(t, []string{hb.ID, hc.ID}, actionIDs(actions))
	cases, actions, _ = pullAll(t, s, c, curC, 100)
	assert.Equal(t, []string{hb.ID, hc.ID}, actionIDs(actions))
	require.Len(t, cases, 1, "the touched case comes with the batch")
	assert.Equal(t, []string{PlaceC.Code}, cases[0].Places)
	assert.Equal(t, 3, cases[0].Version)
	_, actions, _ = pullAll(t, s, a, curA, 100)
	assert.Equal(t, []string{hb.ID, hc.ID}, actionIDs(actions))

	// Each place decides its own task on the version it saw: the other
	// place's work meanwhile is not a concurrent decision (not flagged);
	// a second decision at the same place on a stale version is.
	db := NewAction(b, multi.ID, "handled", 3)
	db.Role = "handler"
	dc := NewAction(c, multi.ID, "handled", 3)
	dc.Role = "handler"
	rb = push(t, s, b, nil, []protocol.Action{db})
	require.Equal(t, protocol.StatusCreated, rb.Actions[0].Status, "%+v", rb.Actions[0].Error)
	rc = push(t, s, c, nil, []protocol.Action{dc})
	require.Equal(t, protocol.StatusCreated, rc.Actions[0].Status, "%+v", rc.Actions[0].Error)
	assert.False(t, rc.Actions[0].Flagged, "another place's task is not a concurrent decision")
	b2, _ := Enroll(t, s, b.Hall)
	db2 := NewAction(b2, multi.ID, "handled", 3)
	db2.Role, db2.Actor = "handler", "handler2"
	rb2 := push(t, s, b2, nil, []protocol.Action{db2})
	require.Equal(t, protocol.StatusCreated, rb2.Actions[0].Status, "%+v", rb2.Actions[0].Error)
	assert.True(t, rb2.Actions[0].Flagged, "a second decision at the same place on a stale version is flagged")

	// A check-out is held by a user of a hall: the same username at another
	// place is another person. B's handler checks the case out; C's handler
	// of the same name deciding C's own task is not flagged, while a
	// decision at B by someone else is.
	co := NewAction(b, multi.ID, protocol.KindCheckedOut, 6)
	co.Role, co.Actor = "handler", "handler"
	rco := push(t, s, b, nil, []protocol.Action{co})
	require.Equal(t, protocol.StatusCreated, rco.Actions[0].Status, "%+v", rco.Actions[0].Error)
	require.False(t, rco.Actions[0].Flagged)
	dc2 := NewAction(c, multi.ID, "handled", 7)
	dc2.Role, dc2.Actor = "handler", "handler"
	rc2 := push(t, s, c, nil, []protocol.Action{dc2})
	require.Equal(t, protocol.StatusCreated, rc2.Actions[0].Status, "%+v", rc2.Actions[0].Error)
	assert.False(t, rc2.Actions[0].Flagged, "another place's check-out does not hold this place's task")
	db3 := NewAction(b2, multi.ID, "handled", 8)
	db3.Role, db3.Actor = "handler", "handler2"
	rb3 := push(t, s, b2, nil, []protocol.Action{db3})
	require.Equal(t, protocol.StatusCreated, rb3.Actions[0].Status, "%+v", rb3.Actions[0].Error)
	assert.True(t, rb3.Actions[0].Flagged, "a decision at B while B's handler holds the case is flagged")

	// D sees nothing, by pull, by id or by blob, and may not act.
	cases, actions, _ = pullAll(t, s, d, 0, 100)
	assert.Empty(t, cases)
	assert.Empty(t, actions)
	_, _, err = s.Case(ctx, d, multi.ID)
	assert.Equal(t, protocol.ENOTFOUND, protocol.CodeOf(err))
	vis, err = s.BlobVisible(ctx, d, sha)
	require.NoError(t, err)
	assert.False(t, vis)
	rd := push(t, s, d, nil, []protocol.Action{NewAction(d, multi.ID, "handler_received", 3)})
	assert.Equal(t, protocol.StatusRejected, rd.Actions[0].Status)
	assert.Equal(t, protocol.EFORBIDDEN, rd.Actions[0].Error.Code)

	// A place unknown to the platform rejects the case, which is not stored.
	bad := NewCase(a, PlaceB.Code)
	bad.Mode, bad.Places = "多地联办", []string{PlaceC.Code, "999999"}
	rbad := push(t, s, a, []protocol.Case{bad}, nil)
	require.Equal(t, protocol.StatusRejected, rbad.Cases[0].Status)
	assert.Equal(t, "places", rbad.Cases[0].Error.Field)
	_, _, err = s.Case(ctx, a, bad.ID)
	assert.Equal(t, protocol.ENOTFOUND, protocol.CodeOf(err))
	cases, _, _ = pullAll(t, s, c, 0, 100)
	assert.Equal(t, []string{multi.ID}, caseIDs(cases))
}

func caseIDs(cs []protocol.StoredCase) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.ID
	}
	return out
}

func actionIDs(as []protocol.StoredAction) []string {
	out := make([]string, len(as))
	for i, a := range as {
		out[i] = a.ID
	}
	return out
}
