package storetest

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"tongban/platform"
	"tongban/sync/protocol"
)

// ReceivedPayload is a "received" action's payload as the workstation sends
// it (cases.Intake): the full ID number travels in it.
func ReceivedPayload(name, idNumber, matter string) json.RawMessage {
	b, _ := json.Marshal(map[string]any{
		"matter":        map[string]any{"code": "HN-0001", "name": matter, "promisedLimitDays": 10},
		"applicant":     map[string]any{"name": name, "idType": "resident", "idNumber": idNumber, "phone": "13812345678", "address": "郑州市中原区建设路1号"},
		"provisionalNo": "L-0001",
	})
	return b
}

// step is one generated journal entry of the ledger test.
type step struct {
	kind string
	at   time.Time
}

type genCase struct {
	c     protocol.Case
	dev   platform.Device
	steps []step
	due   time.Time
}

func testLedger(t *testing.T, open func() platform.Store) {
	s := setup(t, open)
	devA, _ := Enroll(t, s, PlaceA.Code)
	devC, _ := Enroll(t, s, PlaceC.Code)
	rng := rand.New(rand.NewPCG(7, 11))
	matters := []string{"HN-0001", "HN-0002", "HN-0003"}
	modes := []string{"异地代收代办", "多地联办"}
	base := time.Date(2026, 1, 10, 9, 0, 0, 0, platform.CST)
	var gen []genCase
	for i := range 120 {
		dev := devA
		if rng.IntN(3) == 0 {
			dev = devC
		}
		created := base.AddDate(0, rng.IntN(3), rng.IntN(20)).Add(time.Duration(rng.IntN(8)) * time.Hour)
		c := protocol.Case{ID: NewID(), Hall: dev.Hall, HandlingPlace: PlaceB.Code, MatterCode: matters[rng.IntN(3)],
			Mode: modes[rng.IntN(2)], ProvisionalNumber: fmt.Sprintf("L-%s-%04d", dev.Hall, i), DeviceID: dev.ID,
			CreatedAt: created.UTC(), Data: json.RawMessage(`{"matterName":"测试事项"}`)}
		g := genCase{c: c, dev: dev, steps: []step{{"received", created}}}
		at := created.Add(time.Hour)
		switch rng.IntN(5) {
		case 0:
			g.steps = append(g.steps, step{"refused", at})
		case 1: // still at the counter
		default:
			g.steps = append(g.steps, step{"accepted", at})
			g.due = time.Date(at.Year(), at.Month(), at.Day(), 0, 0, 0, 0, platform.CST).AddDate(0, 0, 5+rng.IntN(20))
			switch rng.IntN(4) {
			case 0: // in progress
			case 1:
				g.steps = append(g.steps, step{"withdrawn", at.Add(2 * time.Hour)})
			default:
				h := at.Add(time.Duration(24+rng.IntN(24*30)) * time.Hour)
				g.steps = append(g.steps, step{"dispatched", at.Add(time.Hour)}, step{"handled", h})
				if rng.IntN(2) == 0 {
					g.steps = append(g.steps, step{"result_delivered", h.Add(time.Hour)}, step{"closed", h.Add(2 * time.Hour)})
				}
			}
		}
		var acts []protocol.Action
		for v, st := range g.steps {
			a := NewAction(dev, c.ID, st.kind, v)
			a.DeviceTime = st.at.UTC()
			switch st.kind {
			case "received":
				a.Payload = ReceivedPayload("测试人", "41010219900101123X", "测试事项")
			case "accepted":
				a.Payload = json.RawMessage(fmt.Sprintf(`{"dueDate":%q}`, g.due.AddDate(0, 0, -1).Format("2006-01-02")))
			}
			acts = append(acts, a)
		}
		resp := push(t, s, dev, []protocol.Case{c}, acts)
		for _, r := range append(resp.Cases, resp.Actions...) {
			require.Equal(t, protocol.StatusCreated, r.Status, "%+v", r.Error)
		}
		gen = append(gen, g)
	}

	now := time.Date(2026, 3, 20, 12, 0, 0, 0, platform.CST)
	from := time.Date(2026, 2, 1, 0, 0, 0, 0, platform.CST)
	to := time.Date(2026, 4, 1, 0, 0, 0, 0, platform.CST)
	for _, hall := range []string{"", PlaceC.Code} {
		t.Run("hall="+hall, func(t *testing.T) {
			got, err := s.Ledger(ctx, platform.LedgerQuery{From: from, To: to, Hall: hall, Now: now})
			require.NoError(t, err)
			want := expectedLedger(gen, from, to, hall, now)
			require.NotEmpty(t, want)
			require.Len(t, got, len(want))
			var total int64
			for i := range want {
				g := got[i]
				assert.NotEmpty(t, g.HallName)
				g.HallName, g.MatterName = "", ""
				assert.InDelta(t, want[i].AvgHandlingHours, g.AvgHandlingHours, 0.01, "row %d", i)
				g.AvgHandlingHours = want[i].AvgHandlingHours
				assert.Equal(t, want[i], g, "row %d", i)
				total += g.Received
			}
			if hall != "" {
				for _, g := range got {
					assert.Equal(t, hall, g.Hall)
				}
			}
			assert.Positive(t, total)
		})
	}
}

// expectedLedger computes the ledger from the generated journals, without
// SQL, by the definitions of platform.LedgerRow.
func expectedLedger(gen []genCase, from, to time.Time, hall string, now time.Time) []platform.LedgerRow {
	rows := map[string]*platform.LedgerRow{}
	secs := map[string]int64{}
	for _, g := range gen {
		if g.c.CreatedAt.Before(from) || !g.c.CreatedAt.Before(to) || (hall != "" && g.c.Hall != hall) {
			continue
		}
		month := g.c.CreatedAt.In(platform.CST).Format("2006-01")
		k := strings.Join([]string{month, g.c.Hall, g.c.MatterCode, g.c.Mode}, "|")
		r := rows[k]
		if r == nil {
			r = &platform.LedgerRow{Month: month, Hall: g.c.Hall, MatterCode: g.c.MatterCode, Mode: g.c.Mode}
			rows[k] = r
		}
		at := map[string]time.Time{}
		for _, st := range g.steps {
			at[st.kind] = st.at
		}
		has := func(k string) bool { _, ok := at[k]; return ok }
		r.Received++
		if has("accepted") {
			r.Accepted++
		}
		if has("refused") {
			r.Refused++
		}
		open := !has("handled") && !has("refused") && !has("withdrawn") && !has("closed")
		if has("handled") {
			r.Completed++
			if has("accepted") {
				secs[k] += int64(at["handled"].Sub(at["accepted"]) / time.Second)
			}
		}
		if has("accepted") && open {
			r.InProgress++
		}
		if !g.due.IsZero() && ((has("handled") && at["handled"].After(g.due)) || (open && g.due.Before(now))) {
			r.Overdue++
		}
	}
	keys := make([]string, 0, len(rows))
	for k := range rows {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]platform.LedgerRow, 0, len(keys))
	for _, k := range keys {
		r := rows[k]
		if r.Completed > 0 {
			r.AvgHandlingHours = float64(secs[k]) / float64(r.Completed) / 3600
		}
		out = append(out, *r)
	}
	return out
}

func testLookup(t *testing.T, open func() platform.Store) {
	s := setup(t, open)
	devA, _ := Enroll(t, s, PlaceA.Code)
	c := NewCase(devA, PlaceB.Code)
	c.ProvisionalNumber = "L-410102-20260302-0007"
	recv := NewAction(devA, c.ID, "received", 0)
	recv.Payload = ReceivedPayload("欧阳娜娜", "41010219900101123x", "社会保障卡申领")
	acc := NewAction(devA, c.ID, "accepted", 1)
	acc.Payload = json.RawMessage(`{"dueDate":"2026-03-16"}`)
	resp := push(t, s, devA, []protocol.Case{c}, []protocol.Action{recv, acc})
	official := resp.Actions[1].OfficialNumber
	require.NotEmpty(t, official)

	key, err := s.LookupKey(ctx)
	require.NoError(t, err)
	key2, err := open().LookupKey(ctx) // a second node reads the same key
	require.NoError(t, err)
	require.Equal(t, key, key2)

	for _, number := range []string{official, c.ProvisionalNumber} {
		ps, err := s.LookupProgress(ctx, number)
		require.NoError(t, err)
		require.Len(t, ps, 1, number)
		p := ps[0]
		assert.Equal(t, c.ID, p.CaseID)
		assert.Equal(t, "欧***", p.MaskedName)
		assert.Equal(t, official, p.OfficialNumber)
		assert.True(t, platform.CheckVerifier(key, p.CaseID, "123X", p.Verifier))
		assert.True(t, platform.CheckVerifier(key, p.CaseID, " 123x", p.Verifier))
		assert.False(t, platform.CheckVerifier(key, p.CaseID, "1234", p.Verifier))
		assert.False(t, p.AcceptedAt.IsZero())
		assert.Equal(t, time.Date(2026, 3, 17, 0, 0, 0, 0, platform.CST).Unix(), p.DueAt.Unix())
		assert.True(t, p.HandledAt.IsZero())
	}
	ps, err := s.LookupProgress(ctx, "L-410102-20260302-9999")
	require.NoError(t, err)
	assert.Empty(t, ps)

	// The projection keeps no personal data: not the ID number, its last
	// 4, the phone or the address.
	db, ok := s.(interface{ DB() *sql.DB })
	require.True(t, ok)
	rows, err := db.DB().QueryContext(ctx, `SELECT case_id, masked_name, verifier, matter_name, mode FROM case_progress`)
	require.NoError(t, err)
	defer rows.Close()
	n := 0
	for rows.Next() {
		var cols [5]string
		require.NoError(t, rows.Scan(&cols[0], &cols[1], &cols[2], &cols[3], &cols[4]))
		all := strings.Join(cols[:], "|")
		for _, secret := range []string{"123X", "123x", "410102199", "13812345678", "建设路", "娜娜"} {
			assert.NotContains(t, all, secret)
		}
		n++
	}
	require.NoError(t, rows.Err())
	assert.Equal(t, 1, n)
}

func testThrottle(t *testing.T, open func() platform.Store) {
	s1, s2 := open(), open() // two nodes
	now := T0
	lim := []platform.ThrottleLimit{{Key: "ip:192.0.2.1", Burst: 3, Every: time.Minute}}
	for i := range 3 {
		node := s1
		if i%2 == 1 {
			node = s2
		}
		wait, err := node.Admit(ctx, lim, now)
		require.NoError(t, err)
		require.Zero(t, wait, "request %d", i)
	}
	wait, err := s2.Admit(ctx, lim, now)
	require.NoError(t, err)
	assert.Equal(t, time.Minute, wait, "the buckets are shared by the nodes")
	wait, err = s1.Admit(ctx, lim, now.Add(time.Minute))
	require.NoError(t, err)
	assert.Zero(t, wait, "one token refilled")

	// Failures slow down exponentially.
	caseLim := []platform.ThrottleLimit{{Key: "case:X", Burst: 100, Every: time.Second}}
	now = now.Add(time.Hour)
	var prev time.Duration
	for i := range 4 {
		wait, err := s1.Admit(ctx, caseLim, now)
		require.NoError(t, err)
		require.Zero(t, wait, "attempt %d waited the slow-down out", i)
		require.NoError(t, s1.Penalize(ctx, []string{"case:X"}, now))
		wait, err = s2.Admit(ctx, caseLim, now)
		require.NoError(t, err)
		assert.Greater(t, wait, prev, "attempt %d", i)
		assert.Equal(t, 500*time.Millisecond<<i, wait)
		prev = wait
		now = now.Add(wait)
	}
}
