package cases

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"tongban/app/errs"
)

var handlerB = Actor{Username: "handlerB", DisplayName: "李办理", Role: RoleHandler}

const resultHash = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"

// acceptedProxy opens and accepts a 异地代收代办 case.
func (f *fixture) acceptedProxy(t *testing.T, m MatterRef) State {
	t.Helper()
	st := f.openCase(t, "赵六", applicantID, m)
	st, err := f.svc.Accept(context.Background(), clerk, st.CaseID, st.Version)
	require.NoError(t, err)
	return st
}

func (f *fixture) record(t *testing.T, a Actor, st State, k Kind, p any) (State, error) {
	t.Helper()
	return f.svc.Record(context.Background(), a, st.CaseID, st.Version, k, "", p)
}

func mustRecord(t *testing.T, f *fixture, a Actor, st State, k Kind, p any) State {
	t.Helper()
	st, err := f.record(t, a, st, k, p)
	require.NoError(t, err, "%s", k)
	return st
}

// TestLoopElectronicResult: dispatched with a waybill, signed for by the
// barcode, approved with a result file, handed over with a fresh identity
// check, closed.
func TestLoopElectronicResult(t *testing.T) {
	f := newFixture(t)
	st := f.acceptedProxy(t, crimeMatter())
	st = mustRecord(t, f, clerk, st, KindDispatched, Dispatch{Places: []string{"330106"}, Waybill: "1151234567890", Batch: "PJ1"})
	require.Equal(t, StatusDispatched, st.Status)
	require.Len(t, st.Tasks, 1)
	require.Equal(t, "PJ1", st.Tasks[0].Batch)

	// A barcode of another parcel is refused, nothing changes.
	_, err := f.record(t, handlerB, st, KindHandlerReceived, Handling{Place: "330106", Waybill: "1159999999999"})
	require.Equal(t, errs.EINVALID, errs.Code(err))
	require.Contains(t, errs.Zh(err), "不是本件的寄递运单")
	_, err = f.record(t, handlerB, st, KindHandlerReceived, Handling{Place: "330106"})
	require.Contains(t, errs.Zh(err), "请扫描邮件运单条码")
	again, err := f.svc.Detail(context.Background(), clerk, st.CaseID, false)
	require.NoError(t, err)
	require.Equal(t, st.Version, again.State.Version, "refusals leave the journal as it was")

	st = mustRecord(t, f, handlerB, st, KindHandlerReceived, Handling{Place: "330106", Waybill: " 115 1234567890 "})
	require.Equal(t, StatusHandling, st.Status)
	require.Equal(t, "handling", st.Tasks[0].TaskStatus())

	_, err = f.record(t, handlerB, st, KindHandled, Handling{Place: "330106", ResultDelivery: ResultElectronic})
	require.Contains(t, errs.Zh(err), "电子送达须附办理结果文件")
	file := &FileRef{SHA256: resultHash, Name: "结果.pdf", Size: 1200}
	st = mustRecord(t, f, handlerB, st, KindHandled, Handling{Place: "330106", Result: "无犯罪记录证明已开具",
		ResultDelivery: ResultElectronic, ResultFile: file})
	require.Equal(t, StatusHandled, st.Status)
	require.NotNil(t, st.Result)
	require.Equal(t, DecisionApprove, st.Result.Decision)
	require.Equal(t, []FileRef{*file}, st.Result.Files)

	// Not mailed: there is nothing to sign for.
	_, err = f.record(t, clerk, st, KindResultArrived, ResultArrival{Waybill: "x"})
	require.Equal(t, errs.ECONFLICT, errs.Code(err))
	_, err = f.record(t, clerk, st, KindResultDelivered, Delivery{Method: DeliverCounter})
	require.Contains(t, errs.Zh(err), "再次核验领取人身份")
	st = mustRecord(t, f, clerk, st, KindResultDelivered, Delivery{Method: DeliverCounter, Recipient: "赵六", IdentitySource: "reader"})
	require.Equal(t, StatusDelivered, st.Status)
	require.Equal(t, "clerk1", st.Delivered.By)
	st = mustRecord(t, f, clerk, st, KindClosed, nil)
	require.Equal(t, StatusClosed, st.Status)

	// A result for a closed case is refused.
	_, err = f.record(t, handlerB, st, KindHandled, Handling{Place: "330106"})
	require.Equal(t, errs.ECONFLICT, errs.Code(err))
}

// TestLoopMailedResult: the result travels back by mail; the hall signs for
// the return parcel before the handover.
func TestLoopMailedResult(t *testing.T) {
	f := newFixture(t)
	st := f.acceptedProxy(t, crimeMatter())
	st = mustRecord(t, f, clerk, st, KindDispatched, Dispatch{Places: []string{"330106"}, Waybill: "W1"})
	st = mustRecord(t, f, handlerB, st, KindHandlerReceived, Handling{Place: "330106", Waybill: "w1"})
	_, err := f.record(t, handlerB, st, KindHandled, Handling{Place: "330106", ResultDelivery: ResultMail})
	require.Contains(t, errs.Zh(err), "回寄运单号")
	st = mustRecord(t, f, handlerB, st, KindHandled, Handling{Place: "330106", ResultDelivery: ResultMail, ReturnWaybill: "R1"})

	_, err = f.record(t, clerk, st, KindResultDelivered, Delivery{Method: DeliverCounter, Recipient: "赵六", IdentitySource: "manual"})
	require.Contains(t, errs.Zh(err), "尚未签收")
	_, err = f.record(t, clerk, st, KindResultArrived, ResultArrival{Waybill: "R2"})
	require.Contains(t, errs.Zh(err), "不符")
	st = mustRecord(t, f, clerk, st, KindResultArrived, ResultArrival{Waybill: "r1"})
	require.False(t, st.ResultArrivedAt.IsZero())
	_, err = f.record(t, clerk, st, KindResultArrived, ResultArrival{Waybill: "R1"})
	require.Equal(t, errs.ECONFLICT, errs.Code(err))
	st = mustRecord(t, f, clerk, st, KindResultDelivered, Delivery{Method: DeliverCounter, Recipient: "赵六", IdentitySource: "manual"})
	require.Equal(t, StatusDelivered, st.Status)
}

// TestLoopMultiPlaceRefusal: one of two tasks refused sends the case back
// with the reasons; sent again, both approve, one result.
func TestLoopMultiPlaceRefusal(t *testing.T) {
	f := newFixture(t)
	m := crimeMatter()
	m.Mode = ModeMultiPlace
	st := f.acceptedProxy(t, m)
	st = mustRecord(t, f, clerk, st, KindDispatched, Dispatch{Places: []string{"440300"}, Waybill: "P1"})
	st = mustRecord(t, f, clerk, st, KindDispatched, Dispatch{Places: []string{"310100"}, Waybill: "P2"})
	_, err := f.record(t, clerk, st, KindDispatched, Dispatch{Places: []string{"310100"}, Waybill: "P3"})
	require.Contains(t, errs.Zh(err), "不能重复寄递")
	_, err = f.record(t, clerk, st, KindDispatched, Dispatch{Places: []string{"320100"}, Waybill: "P1"})
	require.Contains(t, errs.Zh(err), "已用于寄往其他办理地")
	h2 := Actor{Username: "h2", Role: RoleHandler}
	// A barcode of the other place's parcel is refused.
	_, err = f.record(t, handlerB, st, KindHandlerReceived, Handling{Place: "440300", Waybill: "P2"})
	require.Equal(t, errs.EINVALID, errs.Code(err))
	st = mustRecord(t, f, handlerB, st, KindHandlerReceived, Handling{Place: "440300", Waybill: "P1"})
	require.Equal(t, StatusHandling, st.Status)
	st = mustRecord(t, f, h2, st, KindHandlerReceived, Handling{Place: "310100", Waybill: "P2"})
	st = mustRecord(t, f, handlerB, st, KindHandled, Handling{Place: "440300", Result: "同意迁入"})
	require.Equal(t, StatusHandling, st.Status)
	require.Nil(t, st.Result, "no result while a task is open")
	_, err = f.record(t, h2, st, KindHandled, Handling{Place: "310100", Decision: DecisionRefuse})
	require.Contains(t, errs.Zh(err), "须写明理由")
	st = mustRecord(t, f, h2, st, KindHandled, Handling{Place: "310100", Decision: DecisionRefuse, Reasons: []string{"缺少准迁证明原件"}})
	require.Equal(t, StatusSentBack, st.Status)
	require.Equal(t, DecisionRefuse, st.Result.Decision)
	require.Equal(t, []string{"缺少准迁证明原件"}, st.Result.Reasons)

	// Sent again to the refusing place: it starts over.
	st = mustRecord(t, f, clerk, st, KindDispatched, Dispatch{Places: []string{"310100"}, Waybill: "P4"})
	require.Equal(t, StatusHandling, st.Status, "one task approved, one dispatched")
	require.Nil(t, st.Result)
	st = mustRecord(t, f, h2, st, KindHandlerReceived, Handling{Place: "310100", Waybill: "P4"})
	st = mustRecord(t, f, h2, st, KindHandled, Handling{Place: "310100", Result: "准予迁出"})
	require.Equal(t, StatusHandled, st.Status)
	require.Equal(t, DecisionApprove, st.Result.Decision)
	require.True(t, strings.Contains(st.Result.Text, "同意迁入") && strings.Contains(st.Result.Text, "准予迁出"), st.Result.Text)
	require.ElementsMatch(t, []string{"440300", "310100"}, st.Result.Places)

	// A fold of the stored journal gives the same state.
	_, acts, err := f.svc.get(context.Background(), st.CaseID)
	require.NoError(t, err)
	again, err := Fold(acts)
	require.NoError(t, err)
	require.Equal(t, st.Status, again.Status)
	require.Equal(t, st.Result, again.Result)
}

// TestLoopDirectModes: a 全程网办 case is signed in by the place without a
// parcel.
func TestLoopDirectModes(t *testing.T) {
	f := newFixture(t)
	m := crimeMatter()
	m.Mode = ModeOnline
	st := f.acceptedProxy(t, m)
	_, err := f.record(t, clerk, st, KindDispatched, Dispatch{Places: []string{"330106"}})
	require.Equal(t, errs.ECONFLICT, errs.Code(err), "nothing is mailed in 全程网办")
	st = mustRecord(t, f, handlerB, st, KindHandlerReceived, Handling{Place: "410102"})
	st = mustRecord(t, f, handlerB, st, KindHandled, Handling{Place: "410102", Decision: DecisionRefuse, Reasons: []string{"不符合条件"}})
	require.Equal(t, StatusHandled, st.Status)
	require.Equal(t, DecisionRefuse, st.Result.Decision)
}

// TestLoopRefusalsAreRecorded: a refused loop step leaves an audit entry.
func TestLoopRefusalsAreRecorded(t *testing.T) {
	f := newFixture(t)
	st := f.acceptedProxy(t, crimeMatter())
	st = mustRecord(t, f, clerk, st, KindDispatched, Dispatch{Places: []string{"330106"}, Waybill: "W1"})
	_, err := f.record(t, handlerB, st, KindHandlerReceived, Handling{Place: "330106", Waybill: "W2"})
	require.Error(t, err)
	var n int
	require.NoError(t, f.db.Reader().QueryRow(`SELECT COUNT(*) FROM audit_log WHERE action = 'case.refused_attempt' AND object_id = ?
		AND actor = 'handlerB' AND detail LIKE '%handler_received%'`, st.CaseID).Scan(&n))
	require.Equal(t, 1, n)
}

// TestLoopOtherPlacesDoNotMakeStale: a handling place may decide on the
// version it saw when only another place of a 多地联办 case acted since; any
// other change still makes its step stale.
func TestLoopOtherPlacesDoNotMakeStale(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	m := crimeMatter()
	m.Mode = ModeMultiPlace
	st := f.acceptedProxy(t, m)
	st = mustRecord(t, f, clerk, st, KindDispatched, Dispatch{Places: []string{"330106"}, Waybill: "B1"})
	st = mustRecord(t, f, clerk, st, KindDispatched, Dispatch{Places: []string{"410305"}, Waybill: "C1"})
	placeSvc := func(hall string) *Service {
		s, err := New(ctx, f.db, f.audit, f.svc.Calendar(), Config{DeviceID: "dev-" + hall, HallCode: hall, Now: func() time.Time { return testNow }})
		require.NoError(t, err)
		return s
	}
	b, c := placeSvc("330106"), placeSvc("410305")
	seenByC := st.Version
	st, err := b.Record(ctx, handlerB, st.CaseID, st.Version, KindHandlerReceived, "", Handling{Place: "330106", Waybill: "B1"})
	require.NoError(t, err)
	st, err = c.Record(ctx, handlerB, st.CaseID, seenByC, KindHandlerReceived, "", Handling{Place: "410305", Waybill: "C1"})
	require.NoError(t, err, "only B acted since C looked")
	seenByC = st.Version
	st, err = b.Record(ctx, handlerB, st.CaseID, st.Version, KindHandled, "", Handling{Place: "330106", Result: "同意"})
	require.NoError(t, err)
	_, err = c.Record(ctx, handlerB, st.CaseID, seenByC, KindHandled, "", Handling{Place: "410305", Result: "同意"})
	require.NoError(t, err)

	// The collecting hall's clerk on a stale version is refused as before.
	st2 := f.acceptedProxy(t, m)
	_, err = f.svc.Record(ctx, clerk, st2.CaseID, st2.Version-1, KindDispatched, "", Dispatch{Places: []string{"330106"}})
	require.Equal(t, errs.ECONFLICT, errs.Code(err))
	// So is a place whose own earlier work came in between.
	st2 = mustRecord(t, f, clerk, st2, KindDispatched, Dispatch{Places: []string{"410305"}, Waybill: "C2"})
	seen := st2.Version
	st2, err = c.Record(ctx, handlerB, st2.CaseID, st2.Version, KindHandlerReceived, "", Handling{Place: "410305", Waybill: "C2"})
	require.NoError(t, err)
	_, err = c.Record(ctx, handlerB, st2.CaseID, seen, KindHandled, "", Handling{Place: "410305"})
	require.Equal(t, errs.ECONFLICT, errs.Code(err))
}

// TestLoopMultiPlaceArrivalKept: a mailed refusal signed for at the hall
// stays signed for when another place decides afterwards (the case's result
// is recomputed from the tasks).
func TestLoopMultiPlaceArrivalKept(t *testing.T) {
	f := newFixture(t)
	m := crimeMatter()
	m.Mode = ModeMultiPlace
	st := f.acceptedProxy(t, m)
	st = mustRecord(t, f, clerk, st, KindDispatched, Dispatch{Places: []string{"440300"}, Waybill: "P1"})
	st = mustRecord(t, f, clerk, st, KindDispatched, Dispatch{Places: []string{"310100"}, Waybill: "P2"})
	h2 := Actor{Username: "h2", Role: RoleHandler}
	st = mustRecord(t, f, handlerB, st, KindHandlerReceived, Handling{Place: "440300", Waybill: "P1"})
	st = mustRecord(t, f, h2, st, KindHandlerReceived, Handling{Place: "310100", Waybill: "P2"})
	st = mustRecord(t, f, handlerB, st, KindHandled, Handling{Place: "440300", Decision: DecisionRefuse,
		Reasons: []string{"材料不全"}, ResultDelivery: ResultMail, ReturnWaybill: "R1"})
	require.Equal(t, StatusSentBack, st.Status)
	st = mustRecord(t, f, clerk, st, KindResultArrived, ResultArrival{Waybill: "R1"})
	require.False(t, st.ResultArrivedAt.IsZero())

	// The other place decides later: R1 is still signed for.
	st = mustRecord(t, f, h2, st, KindHandled, Handling{Place: "310100", Result: "准予迁出"})
	require.Equal(t, []string{"R1"}, st.Result.Arrived)
	require.False(t, st.ResultArrivedAt.IsZero(), "the return parcel was signed for")
	_, err := f.record(t, clerk, st, KindResultArrived, ResultArrival{Waybill: "R1"})
	require.Equal(t, errs.ECONFLICT, errs.Code(err), "already signed for")
	st = mustRecord(t, f, clerk, st, KindResultDelivered, Delivery{Method: DeliverCounter, Recipient: "赵六", IdentitySource: "manual"})
	require.Equal(t, StatusDelivered, st.Status)
}

// FuzzCleanWaybill: whatever a barcode scanner types, a waybill is either
// refused or 2–40 of [A-Z0-9-], and cleaning it again changes nothing.
func FuzzCleanWaybill(f *testing.F) {
	for _, s := range []string{"EE123456785CN", " ee 1234 5678 5cn ", "DEMO17964123540-6", "", "邮件123", "A\x00B", strings.Repeat("9", 41)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		w, err := CleanWaybill(s)
		if err != nil {
			if errs.Code(err) != errs.EINVALID || errs.Zh(err) == "" {
				t.Fatalf("refusal %v without code or Chinese message", err)
			}
			return
		}
		if len(w) < 2 || len(w) > MaxWaybill {
			t.Fatalf("accepted %q of length %d", w, len(w))
		}
		for _, c := range w {
			if !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
				t.Fatalf("accepted %q with %q", w, c)
			}
		}
		if again, err := CleanWaybill(w); err != nil || again != w {
			t.Fatalf("not idempotent: %q → %q, %v", w, again, err)
		}
	})
}
