package cases

import (
	"context"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"tongban/app/audit"
	"tongban/app/errs"
	"tongban/app/identity"
)

func TestAcceptFlow(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	st := f.openCase(t, "张𠮷", applicantID, crimeMatter())

	if got, want := st.Status, StatusReviewing; got != want {
		t.Fatalf("status = %s, want %s", got, want)
	}
	if got, want := st.Version, 4; got != want {
		t.Fatalf("version = %d, want %d", got, want)
	}
	if !regexp.MustCompile(`^临-410105-20261204-[0-9A-F]{4}-0001$`).MatchString(st.ProvisionalNo) {
		t.Fatalf("provisional number = %q", st.ProvisionalNo)
	}
	if st.OfficialNo != "" {
		t.Fatalf("official number = %q, want empty until sync", st.OfficialNo)
	}
	if got, want := st.IdentitySource, "reader"; got != want {
		t.Errorf("identity source = %q, want %q", got, want)
	}
	st, err := f.svc.Accept(ctx, clerk, st.CaseID, st.Version)
	require.NoError(t, err)
	if got, want := st.Status, StatusAccepted; got != want {
		t.Fatalf("status = %s, want %s", got, want)
	}
	r := st.Receipt
	require.NotNil(t, r)
	// Friday 2026-12-04 + 7 working days = Tuesday 2026-12-15.
	if got, want := r.DueDate, "2026-12-15"; got != want {
		t.Errorf("due = %s, want %s", got, want)
	}
	if !r.Provisional || r.Approximate || len(r.Materials) != 2 || r.IDMasked != "410105********"+applicantID[14:] {
		t.Errorf("receipt = %+v", r)
	}

	// Found by ID in every typed form, masked in the list.
	for _, q := range []string{applicantID, strings.ToLower(applicantID), " " + applicantID[:6] + "\n" + applicantID[6:]} {
		page, err := f.svc.Search(ctx, clerk, Query{IDNumber: q})
		require.NoError(t, err)
		if len(page.Items) != 1 {
			t.Fatalf("search %q: %d results, want 1", q, len(page.Items))
		}
		it := page.Items[0]
		if strings.Contains(it.IDMasked, applicantID[6:14]) || it.PhoneMasked != "138****5678" || it.ApplicantName != "张𠮷" {
			t.Errorf("summary not masked: %+v", it)
		}
	}
	// The raw ID number is nowhere in the projection.
	var n int
	require.NoError(t, f.db.Reader().QueryRow("SELECT count(*) FROM cases WHERE id_hash = ? OR id_masked = ?", applicantID, applicantID).Scan(&n))
	if n != 0 {
		t.Fatal("raw ID stored in the cases projection")
	}

	// Masked detail writes no audit entry; the full one does.
	before, _ := f.audit.List(ctx, audit.Filter{ObjectID: st.CaseID, Limit: 1000})
	d, err := f.svc.Detail(ctx, clerk, st.CaseID, false)
	require.NoError(t, err)
	if d.State.Applicant.IDNumber == applicantID || strings.Contains(string(d.Journal[0].Payload), applicantID) {
		t.Fatal("masked detail shows the full ID")
	}
	d, err = f.svc.Detail(ctx, clerk, st.CaseID, true)
	require.NoError(t, err)
	if got, want := d.State.Applicant.IDNumber, applicantID; got != want {
		t.Fatalf("full detail id = %s, want %s", got, want)
	}
	after, _ := f.audit.List(ctx, audit.Filter{ObjectID: st.CaseID, Limit: 1000})
	if got, want := len(after)-len(before), 1; got != want || after[0].Action != "case.view_personal" {
		t.Fatalf("audit entries added = %d (%s), want 1 case.view_personal", got, after[0].Action)
	}
	if _, err := f.svc.Detail(ctx, Actor{Username: "admin", Role: RoleAdmin}, st.CaseID, true); errs.Code(err) != errs.EFORBIDDEN {
		t.Fatalf("admin full detail: %v, want EFORBIDDEN", err)
	}
	rep, err := f.audit.Verify(ctx)
	require.NoError(t, err)
	if !rep.OK || rep.Entries < 6 {
		t.Fatalf("audit verify = %+v", rep)
	}
	for _, e := range after {
		if strings.Contains(string(e.Detail), applicantID) {
			t.Fatalf("audit entry %d holds the raw ID", e.Seq)
		}
	}
}

func TestAcceptNeedsIdentity(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	st, err := f.svc.Open(ctx, clerk, OpenInput{Intake: intake("张三", applicantID, crimeMatter()), Materials: materials("received")})
	require.NoError(t, err)
	_, err = f.svc.Accept(ctx, clerk, st.CaseID, st.Version)
	if errs.Code(err) != errs.ECONFLICT || !strings.Contains(errs.Zh(err), "身份核验") {
		t.Fatalf("accept without identity: %v", err)
	}
	// A manual entry is recorded as such.
	st, err = f.svc.CheckIdentity(ctx, clerk, st.CaseID, st.Version, "applicant", *checked(t, "张三", applicantID, identity.SourceManual))
	require.NoError(t, err)
	if got, want := st.IdentitySource, "manual"; got != want {
		t.Fatalf("identity source = %s, want %s", got, want)
	}
	other := validID("11010519491231002")
	if _, err := f.svc.CheckIdentity(ctx, clerk, st.CaseID, st.Version, "applicant", *checked(t, "张三", other, identity.SourceReader)); errs.Code(err) != errs.EINVALID {
		t.Fatalf("identity of another person: %v, want EINVALID", err)
	}
}

func TestSupplementOnce(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	st := f.openCase(t, "李四", applicantID, crimeMatter())
	items := []SupplementItem{{MaterialID: "b", Name: "申请表", Problem: "missing", Reason: "未提交申请表"},
		{MaterialID: "a", Name: "居民身份证复印件", Problem: "faulty", Reason: "复印件不清晰 😅"}}
	st, err := f.svc.RequestSupplement(ctx, clerk, st.CaseID, st.Version, items)
	require.NoError(t, err)
	n := st.Supplement
	if st.Status != StatusSupplementPending || n == nil || len(n.Items) != 2 {
		t.Fatalf("state = %s, notice = %+v", st.Status, n)
	}
	if got, want := n.NoticeDate+"/"+n.NoticeDue, "2026-12-04/2026-12-11"; got != want || !n.WithinLimit {
		t.Errorf("notice dates = %s within=%v, want %s", got, n.WithinLimit, want)
	}
	// The applicant comes back; the case resumes.
	st, err = f.svc.ReceiveSupplement(ctx, clerk, st.CaseID, st.Version, *materials("received", "received"))
	require.NoError(t, err)
	require.Equal(t, StatusReviewing, st.Status)
	_, err = f.svc.RequestSupplement(ctx, clerk, st.CaseID, st.Version, items)
	if errs.Code(err) != errs.ECONFLICT || !strings.Contains(errs.Zh(err), "一次性告知") {
		t.Fatalf("second notice: %v, want ECONFLICT", err)
	}
	st, err = f.svc.Accept(ctx, clerk, st.CaseID, st.Version)
	require.NoError(t, err)
	require.Equal(t, StatusAccepted, st.Status)
}

func TestSupplementNoticeLate(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	st := f.openCase(t, "李四", applicantID, crimeMatter())
	*f.now = testNow.AddDate(0, 0, 10) // 2026-12-14, past the 5 working days
	st, err := f.svc.RequestSupplement(ctx, clerk, st.CaseID, st.Version, []SupplementItem{{Name: "申请表", Problem: "missing", Reason: "缺"}})
	require.NoError(t, err)
	if st.Supplement.WithinLimit {
		t.Fatalf("notice on %s within limit %s", st.Supplement.NoticeDate, st.Supplement.NoticeDue)
	}
}

func TestRefusalNeedsApproval(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	m := crimeMatter()
	m.RefusalNeedsApproval = true
	st := f.openCase(t, "买买提·艾力", applicantID, m)
	st, err := f.svc.Refuse(ctx, clerk, st.CaseID, st.Version, []string{"申请事项不属于本机关职权范围"}, []string{"《中华人民共和国行政许可法》第三十二条"})
	require.NoError(t, err)
	require.Equal(t, StatusPendingApproval, st.Status)

	q, err := f.svc.ApprovalQueue(ctx, sup1)
	require.NoError(t, err)
	require.Len(t, q, 1)
	if _, err := f.svc.ApprovalQueue(ctx, clerk); errs.Code(err) != errs.EFORBIDDEN {
		t.Fatalf("clerk queue: %v", err)
	}
	st, err = f.svc.Checkout(ctx, sup1, st.CaseID, st.Version)
	require.NoError(t, err)
	q, _ = f.svc.ApprovalQueue(ctx, sup2)
	if got, want := q[0].CheckedOutBy, "sup1"; got != want {
		t.Fatalf("queue shows checked out by %q, want %q", got, want)
	}
	_, err = f.svc.Checkout(ctx, sup2, st.CaseID, st.Version)
	if errs.Code(err) != errs.ECONFLICT || !strings.Contains(errs.Zh(err), "sup1") {
		t.Fatalf("second checkout: %v, want ECONFLICT naming sup1", err)
	}
	if _, err := f.svc.Approve(ctx, sup2, st.CaseID, st.Version, ""); errs.Code(err) != errs.ECONFLICT {
		t.Fatalf("approve by non-holder: %v", err)
	}
	if _, err := f.svc.Approve(ctx, clerk, st.CaseID, st.Version, ""); errs.Code(err) != errs.EFORBIDDEN {
		t.Fatalf("approve by clerk: %v", err)
	}
	st, err = f.svc.Approve(ctx, sup1, st.CaseID, st.Version, "同意")
	require.NoError(t, err)
	if st.Status != StatusRefused || st.Refusal == nil || st.Refusal.RightsText != RightsText || st.CheckedOutBy != "" {
		t.Fatalf("after approval: %s %+v", st.Status, st.Refusal)
	}
	if !strings.Contains(st.Refusal.RightsText, "行政复议") || !strings.Contains(st.Refusal.RightsText, "行政诉讼") {
		t.Fatal("rights text lacks remedies")
	}
}

func TestRefuseDirectAndReturn(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	st := f.openCase(t, "王五", applicantID, crimeMatter())
	if _, err := f.svc.Refuse(ctx, clerk, st.CaseID, st.Version, []string{" "}, nil); errs.Code(err) != errs.EINVALID {
		t.Fatalf("refuse without reason: %v", err)
	}
	m := crimeMatter()
	m.AcceptanceNeedsApproval = true
	st2 := f.openCase(t, "王五", validID("41010519800101001"), m)
	st2, err := f.svc.Accept(ctx, clerk, st2.CaseID, st2.Version)
	require.NoError(t, err)
	require.Equal(t, StatusPendingApproval, st2.Status)
	st2, err = f.svc.Checkout(ctx, sup1, st2.CaseID, st2.Version)
	require.NoError(t, err)
	if _, err := f.svc.Return(ctx, sup1, st2.CaseID, st2.Version, ""); errs.Code(err) != errs.EINVALID {
		t.Fatalf("return without reason: %v", err)
	}
	st2, err = f.svc.Return(ctx, sup1, st2.CaseID, st2.Version, "材料页数与清单不符")
	require.NoError(t, err)
	if st2.Status != StatusReturned || st2.ReturnReason == "" || st2.Proposal != nil {
		t.Fatalf("after return: %+v", st2)
	}
	st, err = f.svc.Refuse(ctx, clerk, st.CaseID, st.Version, []string{"不属于本机关职权范围"}, nil)
	require.NoError(t, err)
	require.Equal(t, StatusRefused, st.Status)
}

func TestStaleVersionConflicts(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	st := f.openCase(t, "赵六", applicantID, crimeMatter())
	var wg sync.WaitGroup
	results := make([]error, 4)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, results[i] = f.svc.Accept(ctx, clerk, st.CaseID, st.Version)
		}()
	}
	wg.Wait()
	ok, conflicts := 0, 0
	for _, err := range results {
		switch errs.Code(err) {
		case "":
			ok++
		case errs.ECONFLICT:
			conflicts++
		default:
			t.Fatalf("unexpected error %v", err)
		}
	}
	if ok != 1 || conflicts != 3 {
		t.Fatalf("ok=%d conflicts=%d, want 1 and 3", ok, conflicts)
	}
}

func TestDuplicates(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	st := f.openCase(t, "孙七", applicantID, crimeMatter())
	dups, err := f.svc.Duplicates(ctx, clerk, strings.ToLower(applicantID), "GA-001")
	require.NoError(t, err)
	if len(dups) != 1 || dups[0].CaseID != st.CaseID {
		t.Fatalf("duplicates = %+v", dups)
	}
	if dups, _ := f.svc.Duplicates(ctx, clerk, applicantID, "OTHER"); len(dups) != 0 {
		t.Fatalf("other matter: %d duplicates", len(dups))
	}
	_, err = f.svc.Record(ctx, clerk, st.CaseID, st.Version, KindWithdrawn, "申请人撤回", nil)
	require.NoError(t, err)
	if dups, _ := f.svc.Duplicates(ctx, clerk, applicantID, "GA-001"); len(dups) != 0 {
		t.Fatalf("closed case still a duplicate")
	}
}

func TestAppendOnly(t *testing.T) {
	f := newFixture(t)
	f.openCase(t, "周八", applicantID, crimeMatter())
	if _, err := f.db.Writer().Exec("UPDATE case_actions SET payload = '{}'"); err == nil {
		t.Fatal("journal payload updated")
	}
	if _, err := f.db.Writer().Exec("DELETE FROM case_actions"); err == nil {
		t.Fatal("journal deleted")
	}
	if _, err := f.db.Writer().Exec("UPDATE case_actions SET sync_state = 'synced'"); err != nil {
		t.Fatalf("sync state must stay updatable: %v", err)
	}
}

func TestMultiPlaceLifecycle(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	m := crimeMatter()
	m.Mode = ModeMultiPlace
	st := f.openCase(t, "吴九", applicantID, m)
	st, err := f.svc.Accept(ctx, clerk, st.CaseID, st.Version)
	require.NoError(t, err)
	_, err = f.svc.Record(ctx, clerk, st.CaseID, st.Version, KindDispatched, "", Dispatch{Places: []string{"440300", "310100"}, Waybill: "SF123"})
	require.Error(t, err, "one parcel cannot go to two places")
	waybills := map[string]string{"440300": "SF1", "310100": "SF2"}
	for _, p := range []string{"440300", "310100"} {
		st, err = f.svc.Record(ctx, clerk, st.CaseID, st.Version, KindDispatched, "", Dispatch{Places: []string{p}, Waybill: waybills[p]})
		require.NoError(t, err)
	}
	require.Equal(t, StatusDispatched, st.Status)
	h := Actor{Username: "handler1", Role: RoleHandler}
	for _, p := range []string{"440300", "310100"} {
		st, err = f.svc.Record(ctx, h, st.CaseID, st.Version, KindHandlerReceived, "", Handling{Place: p, Waybill: waybills[p]})
		require.NoError(t, err)
	}
	st, err = f.svc.Record(ctx, h, st.CaseID, st.Version, KindHandled, "", Handling{Place: "440300", Result: "ok"})
	require.NoError(t, err)
	require.Equal(t, StatusHandling, st.Status, "one of two places done")
	st, err = f.svc.Record(ctx, h, st.CaseID, st.Version, KindHandled, "", Handling{Place: "310100", Result: "ok"})
	require.NoError(t, err)
	require.Equal(t, StatusHandled, st.Status)
	st, err = f.svc.Record(ctx, clerk, st.CaseID, st.Version, KindResultDelivered, "", Delivery{Method: "counter", Recipient: "吴九", IdentitySource: "reader"})
	require.NoError(t, err)
	st, err = f.svc.Record(ctx, Actor{Username: "sync", Role: RoleSystem}, st.CaseID, st.Version, KindOfficialNumber, "", OfficialNumber{Number: "41010520261204000123"})
	require.NoError(t, err)
	st, err = f.svc.Record(ctx, clerk, st.CaseID, st.Version, KindClosed, "", nil)
	require.NoError(t, err)
	if st.Status != StatusClosed || st.OfficialNo != "41010520261204000123" {
		t.Fatalf("final = %s %q", st.Status, st.OfficialNo)
	}
	page, _ := f.svc.Search(ctx, clerk, Query{CaseNo: "41010520261204000123"})
	require.Len(t, page.Items, 1)
}
