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
	kind    string
	at      time.Time
	payload string // JSON; "" for the fixtures' default
}

type genCase struct {
	c     protocol.Case
	dev   platform.Device
	steps []step
	due   time.Time
}

// provinces of the fixture places, for the expected scope (written out
// here, not taken from platform.Scope).
var provinces = map[string]string{PlaceA.Code: "河南省", PlaceB.Code: "浙江省", PlaceC.Code: "河南省"}

// genJournal appends the handling and 好差评 part of a generated case's
// journal after acceptance at `at`: 多地联办 goes to two places, each task
// approved or refused (a refused one sometimes sent again and approved);
// other modes go to their one place. Ratings: the intake visit, and the
// handover when the result was delivered; a 差评 is sometimes followed up
// to closure, sometimes voided on appeal.
func genJournal(rng *rand.Rand, g *genCase, at time.Time) {
	add := func(kind string, at time.Time, payload string) { g.steps = append(g.steps, step{kind, at, payload}) }
	rate := func(visit string, at time.Time) {
		lvl := 1 + rng.IntN(5)
		add("rated", at, fmt.Sprintf(`{"visit":%q,"level":%d,"comment":"","channel":"counter"}`, visit, lvl))
		if lvl > 2 {
			return
		}
		f := fmt.Sprintf(`{"visit":%q,"note":"已处理"}`, visit)
		switch rng.IntN(4) {
		case 0, 1:
			add("followup_callback", at.Add(time.Hour), f)
			add("followup_rectified", at.Add(2*time.Hour), f)
			add("followup_closed", at.Add(3*time.Hour), f)
		case 2:
			add("rating_appealed", at.Add(time.Hour), fmt.Sprintf(`{"visit":%q,"note":"误评","ground":"mistaken"}`, visit))
			add("appeal_decided", at.Add(2*time.Hour), fmt.Sprintf(`{"visit":%q,"note":"成立","upheld":true}`, visit))
		}
	}
	if rng.IntN(3) > 0 {
		rate("intake", at.Add(10*time.Minute))
	}
	places := []string{g.c.HandlingPlace}
	if g.c.Mode == "多地联办" {
		for _, p := range []string{PlaceB.Code, PlaceC.Code, PlaceA.Code} {
			if p != g.c.HandlingPlace {
				places = append(places, p)
				break
			}
		}
	}
	t := at.Add(time.Hour)
	for _, p := range places {
		add("dispatched", t, fmt.Sprintf(`{"places":[%q],"waybill":"SF%d"}`, p, rng.IntN(1e9)))
		t = t.Add(time.Minute)
	}
	if rng.IntN(4) == 0 {
		return // still on its way
	}
	sentBack := false
	for _, p := range places {
		h := t.Add(time.Duration(24+rng.IntN(24*30)) * time.Hour)
		add("handler_received", h.Add(-time.Hour), fmt.Sprintf(`{"place":%q}`, p))
		if rng.IntN(4) > 0 {
			add("handled", h, fmt.Sprintf(`{"place":%q,"decision":"approve","resultDelivery":"mail","returnWaybill":"R%d"}`, p, rng.IntN(1e6)))
			continue
		}
		add("handled", h, fmt.Sprintf(`{"place":%q,"decision":"refuse","reasons":["材料不符合要求"]}`, p))
		if g.c.Mode != "多地联办" {
			continue
		}
		if rng.IntN(2) == 0 {
			sentBack = true
			continue
		}
		// Sent again after the refusal: the task starts over and is approved.
		add("dispatched", h.Add(time.Hour), fmt.Sprintf(`{"places":[%q]}`, p))
		add("handler_received", h.Add(25*time.Hour), fmt.Sprintf(`{"place":%q}`, p))
		add("handled", h.Add(48*time.Hour), fmt.Sprintf(`{"place":%q,"decision":"approve"}`, p))
	}
	if sentBack || rng.IntN(2) == 0 {
		return
	}
	last := g.steps[len(g.steps)-1].at
	add("result_received", last.Add(24*time.Hour), `{"waybill":"R1"}`)
	add("result_delivered", last.Add(25*time.Hour), `{"method":"counter","recipient":"测*","identitySource":"reader"}`)
	if rng.IntN(2) == 0 {
		rate("handover", last.Add(26*time.Hour))
	}
	add("closed", last.Add(27*time.Hour), "")
}

func testLedger(t *testing.T, open func() platform.Store) {
	s := setup(t, open)
	devA, _ := Enroll(t, s, PlaceA.Code)
	devC, _ := Enroll(t, s, PlaceC.Code)
	rng := rand.New(rand.NewPCG(7, 11))
	matters := []string{"HN-0001", "HN-0002", "HN-0003"}
	modes := []string{"异地代收代办", "多地联办"}
	handling := []string{PlaceB.Code, PlaceC.Code, PlaceA.Code}
	base := time.Date(2026, 1, 10, 9, 0, 0, 0, platform.CST)
	var gen []genCase
	for i := range 160 {
		dev := devA
		if rng.IntN(3) == 0 {
			dev = devC
		}
		created := base.AddDate(0, rng.IntN(3), rng.IntN(20)).Add(time.Duration(rng.IntN(8)) * time.Hour)
		c := protocol.Case{ID: NewID(), Hall: dev.Hall, HandlingPlace: handling[rng.IntN(3)], MatterCode: matters[rng.IntN(3)],
			Mode: modes[rng.IntN(2)], ProvisionalNumber: fmt.Sprintf("L-%s-%04d", dev.Hall, i), DeviceID: dev.ID,
			CreatedAt: created.UTC(), Data: json.RawMessage(`{"matterName":"测试事项"}`)}
		g := genCase{c: c, dev: dev, steps: []step{{"received", created, ""}}}
		at := created.Add(time.Hour)
		switch rng.IntN(5) {
		case 0:
			g.steps = append(g.steps, step{"refused", at, ""})
		case 1: // still at the counter
		default:
			g.due = time.Date(at.Year(), at.Month(), at.Day(), 0, 0, 0, 0, platform.CST).AddDate(0, 0, 5+rng.IntN(20))
			g.steps = append(g.steps, step{"accepted", at, fmt.Sprintf(`{"dueDate":%q}`, g.due.AddDate(0, 0, -1).Format("2006-01-02"))})
			if rng.IntN(5) == 0 {
				g.steps = append(g.steps, step{"withdrawn", at.Add(2 * time.Hour), ""})
			} else {
				genJournal(rng, &g, at)
			}
		}
		var acts []protocol.Action
		for v, st := range g.steps {
			a := NewAction(dev, c.ID, st.kind, v)
			a.DeviceTime = st.at.UTC()
			switch {
			case st.kind == "received":
				a.Payload = ReceivedPayload("测试人", "41010219900101123X", "测试事项")
			case st.payload != "":
				a.Payload = json.RawMessage(st.payload)
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
	long := time.Date(2026, 1, 1, 0, 0, 0, 0, platform.CST) // a quarter: another plan on SQLite
	for _, v := range []struct {
		hall string
		from time.Time
	}{{"", from}, {PlaceC.Code, from}, {"", long}} {
		hall, from := v.hall, v.from
		t.Run("hall="+hall+",from="+from.Format("01-02"), func(t *testing.T) {
			got, err := s.Ledger(ctx, platform.LedgerQuery{From: from, To: to, Hall: hall, Now: now})
			require.NoError(t, err)
			want := expectedLedger(gen, from, to, hall, now)
			require.NotEmpty(t, want)
			require.Len(t, got, len(want))
			var total platform.LedgerRow
			scopes := map[string]bool{}
			for i := range want {
				g := got[i]
				assert.NotEmpty(t, g.HallName)
				g.HallName, g.MatterName = "", ""
				assert.InDelta(t, want[i].AvgHandlingHours, g.AvgHandlingHours, 0.01, "row %d", i)
				assert.InDelta(t, want[i].AvgSatisfaction, g.AvgSatisfaction, 0.001, "row %d", i)
				g.AvgHandlingHours, g.AvgSatisfaction = want[i].AvgHandlingHours, want[i].AvgSatisfaction
				assert.Equal(t, want[i], g, "row %d", i)
				total.Received += g.Received
				total.Completed += g.Completed
				total.Rated += g.Rated
				total.BadRatings += g.BadRatings
				total.BadFollowedUp += g.BadFollowedUp
				scopes[g.Scope] = true
			}
			if hall != "" {
				for _, g := range got {
					assert.Equal(t, hall, g.Hall)
				}
			}
			assert.Positive(t, total.Received)
			if hall == "" { // the generated data exercises every figure
				assert.Positive(t, total.Completed)
				assert.Positive(t, total.Rated)
				assert.Positive(t, total.BadRatings)
				assert.Positive(t, total.BadFollowedUp)
				assert.Less(t, total.BadFollowedUp, total.BadRatings)
				assert.Len(t, scopes, 3, "本地, 全豫通办 and 跨省通办 rows: %v", scopes)
			}
		})
	}
}

// expectedScope is the routing scope of a generated case: its collecting
// hall against every place it went to.
func expectedScope(g genCase) string {
	places := []string{g.c.HandlingPlace}
	for _, st := range g.steps {
		if st.kind == "dispatched" {
			var d struct{ Places []string }
			_ = json.Unmarshal([]byte(st.payload), &d)
			places = append(places, d.Places...)
		}
	}
	scope := "本地"
	for _, p := range places {
		switch {
		case p == g.c.Hall:
		case provinces[p] == "河南省" && provinces[g.c.Hall] == "河南省":
			if scope == "本地" {
				scope = "全豫通办"
			}
		default:
			scope = "跨省通办"
		}
	}
	return scope
}

// expectedHandled folds the generated handling steps: when the case was
// handled (zero if not), by the rules of the journal.
func expectedHandled(g genCase) time.Time {
	type task struct {
		at      time.Time
		refused bool
	}
	tasks := map[string]*task{}
	for _, st := range g.steps {
		var h struct{ Place, Decision string }
		_ = json.Unmarshal([]byte(st.payload), &h)
		switch st.kind {
		case "dispatched":
			var d struct{ Places []string }
			_ = json.Unmarshal([]byte(st.payload), &d)
			for _, p := range d.Places {
				tasks[p] = &task{}
			}
		case "handled":
			tasks[h.Place] = &task{at: st.at, refused: h.Decision == "refuse"}
		}
	}
	var last time.Time
	for _, t := range tasks {
		if t.at.IsZero() {
			return time.Time{} // a place has not decided
		}
		if t.refused && g.c.Mode == "多地联办" {
			return time.Time{} // sent back
		}
		if t.at.After(last) {
			last = t.at
		}
	}
	return last
}

// expectedLedger computes the ledger from the generated journals, without
// SQL, by the definitions of platform.LedgerRow.
func expectedLedger(gen []genCase, from, to time.Time, hall string, now time.Time) []platform.LedgerRow {
	rows := map[string]*platform.LedgerRow{}
	secs := map[string]int64{}
	levels := map[string]int64{}
	for _, g := range gen {
		if g.c.CreatedAt.Before(from) || !g.c.CreatedAt.Before(to) || (hall != "" && g.c.Hall != hall) {
			continue
		}
		month := g.c.CreatedAt.In(platform.CST).Format("2006-01")
		scope := expectedScope(g)
		k := strings.Join([]string{month, g.c.Hall, g.c.MatterCode, g.c.Mode, scope}, "|")
		r := rows[k]
		if r == nil {
			r = &platform.LedgerRow{Month: month, Hall: g.c.Hall, MatterCode: g.c.MatterCode, Mode: g.c.Mode, Scope: scope}
			rows[k] = r
		}
		at := map[string]time.Time{}
		type rating struct {
			level          int
			closed, voided bool
		}
		ratings := map[string]*rating{}
		for _, st := range g.steps {
			at[st.kind] = st.at
			var p struct {
				Visit  string
				Level  int
				Upheld bool
			}
			_ = json.Unmarshal([]byte(st.payload), &p)
			switch st.kind {
			case "rated":
				ratings[p.Visit] = &rating{level: p.Level}
			case "followup_closed":
				ratings[p.Visit].closed = true
			case "appeal_decided":
				ratings[p.Visit].voided = p.Upheld
			}
		}
		has := func(k string) bool { _, ok := at[k]; return ok }
		handled := expectedHandled(g)
		r.Received++
		if has("accepted") {
			r.Accepted++
		}
		if has("refused") {
			r.Refused++
		}
		open := handled.IsZero() && !has("refused") && !has("withdrawn") && !has("closed")
		if !handled.IsZero() {
			r.Completed++
			if has("accepted") {
				secs[k] += int64(handled.Sub(at["accepted"]) / time.Second)
			}
		}
		if has("accepted") && open {
			r.InProgress++
		}
		if !g.due.IsZero() && ((!handled.IsZero() && handled.After(g.due)) || (open && g.due.Before(now))) {
			r.Overdue++
		}
		for _, rt := range ratings {
			if rt.voided {
				continue
			}
			r.Rated++
			levels[k] += int64(rt.level)
			if rt.level <= 2 {
				r.BadRatings++
				if rt.closed {
					r.BadFollowedUp++
				}
			}
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
		if r.Rated > 0 {
			r.AvgSatisfaction = float64(levels[k]) / float64(r.Rated)
		}
		out = append(out, *r)
	}
	return out
}

// testLoopProgress follows a 多地联办 case through a refused task, the
// case sent back, the place sent again, the last approval and the return
// parcel; and a 全豫通办 case refused at its one place (不予办理).
func testLoopProgress(t *testing.T, open func() platform.Store) {
	s := setup(t, open)
	devA, _ := Enroll(t, s, PlaceA.Code)
	c := NewCase(devA, PlaceB.Code)
	c.Mode, c.ProvisionalNumber = "多地联办", "L-410102-MULTI"
	v := 0
	act := func(kind, payload string) protocol.Action {
		a := NewAction(devA, c.ID, kind, v)
		a.DeviceTime = T0.Add(time.Duration(v) * time.Hour)
		if payload != "" {
			a.Payload = json.RawMessage(payload)
		}
		v++
		return a
	}
	lookup := func(number string) platform.Progress {
		t.Helper()
		ps, err := s.LookupProgress(ctx, number)
		require.NoError(t, err)
		require.Len(t, ps, 1)
		return ps[0]
	}
	first := []protocol.Action{act("received", ""), act("accepted", `{"dueDate":"2026-03-30"}`),
		act("dispatched", `{"places":["330106"],"waybill":"SF1"}`), act("dispatched", `{"places":["410105"],"waybill":"SF2"}`),
		act("handler_received", `{"place":"330106","waybill":"SF1"}`),
		act("handled", `{"place":"330106","decision":"approve","resultDelivery":"mail","returnWaybill":"R1"}`),
		act("handler_received", `{"place":"410105","waybill":"SF2"}`)}
	first[0].Payload = ReceivedPayload("张三", "410102199001011234", "多地联办事项")
	push(t, s, devA, []protocol.Case{c}, first)
	p := lookup(c.ProvisionalNumber)
	assert.Equal(t, platform.ScopeCross, p.Scope)
	assert.Equal(t, 2, p.Tasks)
	assert.Equal(t, 1, p.TasksDone)
	assert.Empty(t, p.Decision)
	assert.True(t, p.HandledAt.IsZero(), "one place still handling")
	assert.Equal(t, T0.Add(2*time.Hour), p.DispatchedAt)
	assert.Equal(t, T0.Add(4*time.Hour), p.HandlerReceivedAt)

	refused := act("handled", `{"place":"410105","decision":"refuse","reasons":["材料不全"]}`)
	push(t, s, devA, nil, []protocol.Action{refused})
	p = lookup(c.ProvisionalNumber)
	assert.Equal(t, platform.DecisionRefuse, p.Decision)
	assert.Equal(t, refused.DeviceTime, p.SentBackAt)
	assert.True(t, p.HandledAt.IsZero(), "sent back, not handled")
	assert.Equal(t, 2, p.TasksDone)

	again := []protocol.Action{act("dispatched", `{"places":["410105"],"waybill":"SF3"}`),
		act("handler_received", `{"place":"410105","waybill":"SF3"}`), act("handled", `{"place":"410105","decision":"approve"}`)}
	push(t, s, devA, nil, again)
	p = lookup(c.ProvisionalNumber)
	assert.Equal(t, platform.DecisionApprove, p.Decision)
	assert.Equal(t, again[2].DeviceTime, p.HandledAt, "handled when the last task completed")
	assert.Equal(t, refused.DeviceTime, p.SentBackAt, "the send-back stays in the history")
	assert.True(t, p.ResultReceivedAt.IsZero())

	arrived := act("result_received", `{"waybill":"R1"}`)
	push(t, s, devA, nil, []protocol.Action{arrived, act("result_delivered", `{"method":"counter"}`)})
	p = lookup(c.ProvisionalNumber)
	assert.Equal(t, arrived.DeviceTime, p.ResultReceivedAt)
	assert.False(t, p.DeliveredAt.IsZero())

	// 异地代收代办 to a Henan place, refused there: 办结 with 不予办理.
	c2 := NewCase(devA, PlaceC.Code)
	c2.ProvisionalNumber = "L-410102-HENAN"
	c, v = c2, 0
	push(t, s, devA, []protocol.Case{c2}, []protocol.Action{act("received", ""), act("accepted", ""),
		act("dispatched", `{"places":["410105"]}`), act("handler_received", `{"place":"410105"}`),
		act("handled", `{"place":"410105","decision":"refuse","reasons":["不符合条件"]}`)})
	p = lookup(c2.ProvisionalNumber)
	assert.Equal(t, platform.ScopeHenan, p.Scope)
	assert.Equal(t, platform.DecisionRefuse, p.Decision)
	assert.Equal(t, T0.Add(4*time.Hour), p.HandledAt)
	assert.True(t, p.SentBackAt.IsZero())

	// Handled where collected.
	c3 := NewCase(devA, PlaceA.Code)
	c3.ProvisionalNumber = "L-410102-LOCAL"
	c, v = c3, 0
	push(t, s, devA, []protocol.Case{c3}, []protocol.Action{act("received", "")})
	assert.Equal(t, platform.ScopeLocal, lookup(c3.ProvisionalNumber).Scope)
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
