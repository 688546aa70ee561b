package httpserver_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"tongban/platform"
	"tongban/platform/httpserver"
	"tongban/platform/storetest"
	"tongban/sync/protocol"
)

// TestQueryPageShowsTheLoop: a 多地联办 case to a Zhejiang and a Henan
// place; the page shows the send-back with its date, then the last
// approval, the return parcel signed for at the hall and the handover.
func TestQueryPageShowsTheLoop(t *testing.T) {
	e, clk, ts := loopEnv(t)
	a := e.device(storetest.PlaceA.Code)
	cs := newCase(a, storetest.PlaceB.Code)
	cs.Mode, cs.ProvisionalNumber = "多地联办", "L-410102-20260302-0099"
	v := 0
	act := func(kind, payload string, at time.Time) protocol.Action {
		x := newAction(a, cs.ID, kind, v)
		x.DeviceTime = at
		if payload != "" {
			x.Payload = json.RawMessage(payload)
		}
		v++
		return x
	}
	day := func(d int) time.Time { return time.Date(2026, 3, d, 10, 0, 0, 0, time.UTC) }
	push := func(cases []protocol.Case, acts ...protocol.Action) {
		var pr protocol.PushResponse
		a.call("POST", "/v1/push", nil, protocol.PushRequest{Cases: cases, Actions: acts}, 200, &pr)
		for _, r := range append(pr.Cases, pr.Actions...) {
			require.Equal(t, protocol.StatusCreated, r.Status, "%+v", r.Error)
		}
	}
	page := func() string {
		clk.add(time.Hour) // past the per-case bucket
		st, _, body := postCode(t, ts, cs.ProvisionalNumber, "123X", nil)
		require.Equal(t, 200, st, body)
		for _, p := range personal {
			assert.NotContains(t, body, p)
		}
		return body
	}
	recv := act("received", "", day(2))
	recv.Payload = storetest.ReceivedPayload(demoName, demoID, "多地联办测试事项")
	push([]protocol.Case{cs}, recv, act("accepted", `{"dueDate":"2026-04-30"}`, day(2)),
		act("dispatched", `{"places":["330106"],"waybill":"SF1"}`, day(3)),
		act("dispatched", `{"places":["410105"],"waybill":"SF2"}`, day(3)),
		act("handler_received", `{"place":"330106","waybill":"SF1"}`, day(5)),
		act("handled", `{"place":"330106","decision":"approve","resultDelivery":"mail","returnWaybill":"R1"}`, day(6)),
		act("handler_received", `{"place":"410105","waybill":"SF2"}`, day(5)),
		act("handled", `{"place":"410105","decision":"refuse","reasons":["材料不全"]}`, day(7)))
	body := page()
	assert.Contains(t, body, "跨省通办")
	assert.Contains(t, body, "等 2 个办理地（已办结 2 个）")
	assert.Contains(t, body, "退回收件地（办理地不予办理）<time>2026-03-07</time>")
	assert.Contains(t, body, "<strong>已退回收件地：办理地不予办理，请联系收件窗口</strong>")
	assert.Contains(t, body, "办结（各办理地均已办结）<time>待办理</time>")
	assert.NotContains(t, body, "承诺办结", "no deadline shown once sent back")

	push(nil, act("dispatched", `{"places":["410105"],"waybill":"SF3"}`, day(9)),
		act("handler_received", `{"place":"410105","waybill":"SF3"}`, day(10)),
		act("handled", `{"place":"410105","decision":"approve"}`, day(12)))
	body = page()
	assert.Contains(t, body, "办结（各办理地均已办结）<time>2026-03-12</time>", "办结 when the last task is approved")
	assert.Contains(t, body, "<strong>已办结</strong>")
	assert.Contains(t, body, "退回收件地（办理地不予办理）<time>2026-03-07</time>", "the send-back stays visible")

	push(nil, act("result_received", `{"waybill":"R1"}`, day(14)))
	body = page()
	assert.Contains(t, body, "收件地签收寄回的办理结果<time>2026-03-14</time>")
	assert.Contains(t, body, "<strong>办理结果已寄回收件地，待领取</strong>")

	push(nil, act("result_delivered", `{"method":"counter","recipient":"欧*","identitySource":"reader"}`, day(15)))
	body = page()
	assert.Contains(t, body, "结果送达<time>2026-03-15</time>")
	assert.Equal(t, 1, strings.Count(body, "<strong>"), "one status")
	assert.Contains(t, body, "<strong>已结果送达</strong>")
}

// TestQueryPageRefusedAtTheHandlingPlace: 异地代收代办 inside Henan, 不予办理.
func TestQueryPageRefusedAtTheHandlingPlace(t *testing.T) {
	e, clk, ts := loopEnv(t)
	a := e.device(storetest.PlaceA.Code)
	cs := newCase(a, storetest.PlaceC.Code)
	cs.ProvisionalNumber = "L-410102-20260302-0100"
	recv := newAction(a, cs.ID, "received", 0)
	recv.Payload = storetest.ReceivedPayload(demoName, demoID, "全豫通办测试事项")
	acts := []protocol.Action{recv, newAction(a, cs.ID, "accepted", 1), newAction(a, cs.ID, "dispatched", 2),
		newAction(a, cs.ID, "handler_received", 3), newAction(a, cs.ID, "handled", 4)}
	acts[2].Payload = json.RawMessage(`{"places":["410105"]}`)
	acts[3].Payload = json.RawMessage(`{"place":"410105"}`)
	acts[4].Payload = json.RawMessage(`{"place":"410105","decision":"refuse","reasons":["不符合条件"]}`)
	var pr protocol.PushResponse
	a.call("POST", "/v1/push", nil, protocol.PushRequest{Cases: []protocol.Case{cs}, Actions: acts}, http.StatusOK, &pr)
	clk.add(time.Hour)
	st, _, body := postCode(t, ts, cs.ProvisionalNumber, "123X", nil)
	require.Equal(t, 200, st)
	assert.Contains(t, body, "全豫通办")
	assert.Contains(t, body, "办结（不予办理）<time>2026-03-02</time>")
	assert.Contains(t, body, "<strong>已办结：办理地决定不予办理</strong>")
	assert.NotContains(t, body, "退回收件地")
}

// TestLedgerShowsSatisfactionAndScope: the admin ledger carries the
// ratings, the 差评 follow-up and the routing scope.
func TestLedgerShowsSatisfactionAndScope(t *testing.T) {
	e, _, ts := loopEnv(t)
	a := e.device(storetest.PlaceA.Code)
	weak := platform.HashParams{Memory: 1024, Time: 1, Threads: 1}
	require.NoError(t, e.store.PutAccount(context.Background(), platform.Account{Username: "admin1", DisplayName: "平台管理员",
		Role: "admin", Hall: storetest.PlaceA.Code, PasswordHash: platform.HashPassword("pw", weak)}))
	for i, rating := range []string{`{"visit":"intake","level":5}`, `{"visit":"intake","level":1,"reasons":["服务态度"]}`} {
		cs := newCase(a, storetest.PlaceB.Code)
		cs.ProvisionalNumber = fmt.Sprintf("L-410102-20260302-02%02d", i)
		acts := []protocol.Action{newAction(a, cs.ID, "received", 0), newAction(a, cs.ID, "accepted", 1), newAction(a, cs.ID, "rated", 2)}
		acts[2].Payload = json.RawMessage(rating)
		if i == 1 {
			acts = append(acts, newAction(a, cs.ID, "followup_closed", 3))
			acts[3].Payload = json.RawMessage(`{"visit":"intake","note":"已整改"}`)
		}
		var pr protocol.PushResponse
		a.call("POST", "/v1/push", nil, protocol.PushRequest{Cases: []protocol.Case{cs}, Actions: acts}, http.StatusOK, &pr)
	}
	req, _ := http.NewRequest("GET", ts.URL+"/v1/admin/ledger?from=2026-03-01&to=2026-04-01", nil)
	req.SetBasicAuth("admin1", "pw")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	require.Equal(t, 200, resp.StatusCode, string(b))
	require.NoError(t, e.spec.validateResponse("GET", "/v1/admin/ledger", 200, resp.Header.Get("Content-Type"), b))
	var lr httpserver.LedgerResponse
	require.NoError(t, json.Unmarshal(b, &lr))
	require.Len(t, lr.Rows, 1)
	r := lr.Rows[0]
	assert.Equal(t, platform.ScopeCross, r.Scope)
	assert.Equal(t, int64(2), r.Rated)
	assert.InDelta(t, 3.0, r.AvgSatisfaction, 1e-9)
	assert.Equal(t, int64(1), r.BadRatings)
	assert.Equal(t, int64(1), r.BadFollowedUp)
	assert.Equal(t, int64(2), lr.Totals.Rated)
	assert.InDelta(t, 3.0, lr.Totals.AvgSatisfaction, 1e-9)
}
