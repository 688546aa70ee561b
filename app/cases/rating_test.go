package cases

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"tongban/app/errs"
)

func TestRatingFollowUpLifecycle(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	st := f.openCase(t, "张三", applicantID, crimeMatter())

	// Not before the intake visit has ended.
	_, err := f.svc.Rate(ctx, clerk, st.CaseID, st.Version, RatingInput{Visit: VisitIntake, Level: 5}, 0)
	require.Equal(t, errs.ECONFLICT, errs.Code(err), "rating while still reviewing: %v", err)

	st, err = f.svc.Accept(ctx, clerk, st.CaseID, st.Version)
	require.NoError(t, err)
	// Handover visit is rated only after the result was handed over.
	_, err = f.svc.Rate(ctx, clerk, st.CaseID, st.Version, RatingInput{Visit: VisitHandover, Level: 4}, 0)
	require.Equal(t, errs.ECONFLICT, errs.Code(err))
	// A bad rating needs reasons from the list.
	_, err = f.svc.Rate(ctx, clerk, st.CaseID, st.Version, RatingInput{Visit: VisitIntake, Level: 2}, 0)
	require.Equal(t, errs.EINVALID, errs.Code(err))
	_, err = f.svc.Rate(ctx, clerk, st.CaseID, st.Version, RatingInput{Visit: VisitIntake, Level: 2, Reasons: []string{"太慢"}}, 0)
	require.Equal(t, errs.EINVALID, errs.Code(err))

	st, err = f.svc.Rate(ctx, clerk, st.CaseID, st.Version, RatingInput{Visit: VisitIntake, Level: 2,
		Comment: "等了很久 😞", Reasons: []string{"办事效率", "服务态度"}}, 10)
	require.NoError(t, err)
	require.Len(t, st.Ratings, 1)
	r := st.Ratings[0]
	if got, want := r.FollowUp, FollowOpen; got != want {
		t.Fatalf("follow-up = %q, want %q", got, want)
	}
	// testNow is Friday 2026-12-04: 10 working days later is Friday 2026-12-18.
	if got, want := r.FollowUpDue, "2026-12-18"; got != want {
		t.Errorf("due = %s, want %s", got, want)
	}
	if got, want := r.Comment, "等了很久 😞"; got != want {
		t.Errorf("comment = %q", got)
	}
	// One rating per visit.
	_, err = f.svc.Rate(ctx, clerk, st.CaseID, st.Version, RatingInput{Visit: VisitIntake, Level: 5}, 0)
	require.Equal(t, errs.ECONFLICT, errs.Code(err))

	// Closing before call-back and rectification is refused.
	_, err = f.svc.FollowUp(ctx, sup1, st.CaseID, st.Version, KindFollowUpClosed, FollowUpStep{Visit: VisitIntake, Note: "x"})
	require.Equal(t, errs.ECONFLICT, errs.Code(err))
	// A clerk may not close.
	st, err = f.svc.FollowUp(ctx, clerk, st.CaseID, st.Version, KindCallback, FollowUpStep{Visit: VisitIntake, Note: "电话回访，申请人反映排队久", Contact: "phone"})
	require.NoError(t, err)
	st, err = f.svc.FollowUp(ctx, clerk, st.CaseID, st.Version, KindRectified, FollowUpStep{Visit: VisitIntake, Note: "增开窗口"})
	require.NoError(t, err)
	_, err = f.svc.FollowUp(ctx, clerk, st.CaseID, st.Version, KindFollowUpClosed, FollowUpStep{Visit: VisitIntake, Note: "办结"})
	require.Equal(t, errs.EFORBIDDEN, errs.Code(err))
	st, err = f.svc.FollowUp(ctx, sup1, st.CaseID, st.Version, KindFollowUpClosed, FollowUpStep{Visit: VisitIntake, Note: "申请人认可整改"})
	require.NoError(t, err)
	if got, want := st.Ratings[0].FollowUp, FollowClosed; got != want {
		t.Fatalf("follow-up = %q, want %q", got, want)
	}
	require.Len(t, st.Ratings[0].Notes, 3)

	// Refold from the stored journal gives the same ratings.
	j, err := f.svc.journal(ctx, st.CaseID)
	require.NoError(t, err)
	again, err := Fold(j)
	require.NoError(t, err)
	require.Empty(t, again.Conflicts)
	require.Equal(t, st.Ratings[0].FollowUp, again.Ratings[0].FollowUp)
	require.Equal(t, StatusAccepted, again.Status, "ratings do not change the status")
}

func TestRatingAppeal(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	st := f.openCase(t, "李四", applicantID, crimeMatter())
	st, err := f.svc.Accept(ctx, clerk, st.CaseID, st.Version)
	require.NoError(t, err)
	st, err = f.svc.Rate(ctx, clerk, st.CaseID, st.Version, RatingInput{Visit: VisitIntake, Level: 1, Reasons: []string{"其他"}}, 0)
	require.NoError(t, err)
	_, err = f.svc.FollowUp(ctx, sup1, st.CaseID, st.Version, KindAppealed, FollowUpStep{Visit: VisitIntake, Note: "误点", Ground: "typo"})
	require.Equal(t, errs.EINVALID, errs.Code(err))
	st, err = f.svc.FollowUp(ctx, sup1, st.CaseID, st.Version, KindAppealed, FollowUpStep{Visit: VisitIntake, Note: "申请人当场表示误点", Ground: "mistaken"})
	require.NoError(t, err)
	// The appellant cannot decide the appeal.
	_, err = f.svc.FollowUp(ctx, sup1, st.CaseID, st.Version, KindAppealDecided, FollowUpStep{Visit: VisitIntake, Note: "成立", Upheld: true})
	require.Equal(t, errs.EFORBIDDEN, errs.Code(err))
	// Rejected: back to where it was.
	st, err = f.svc.FollowUp(ctx, sup2, st.CaseID, st.Version, KindAppealDecided, FollowUpStep{Visit: VisitIntake, Note: "证据不足"})
	require.NoError(t, err)
	require.Equal(t, FollowOpen, st.Ratings[0].FollowUp)
	// One appeal only.
	_, err = f.svc.FollowUp(ctx, clerk, st.CaseID, st.Version, KindAppealed, FollowUpStep{Visit: VisitIntake, Note: "再申诉", Ground: "malicious"})
	require.Equal(t, errs.ECONFLICT, errs.Code(err))
}

func TestRatingOtherHallRefused(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	st := f.openCase(t, "王五", applicantID, crimeMatter())
	st, err := f.svc.Accept(ctx, clerk, st.CaseID, st.Version)
	require.NoError(t, err)
	other, err := New(ctx, f.db, f.audit, f.svc.Calendar(), Config{DeviceID: "dev-B", HallCode: "440300", Now: func() time.Time { return testNow }})
	require.NoError(t, err)
	_, err = other.Rate(ctx, clerk, st.CaseID, st.Version, RatingInput{Visit: VisitIntake, Level: 5}, 0)
	require.Equal(t, errs.EFORBIDDEN, errs.Code(err))
	j, err := f.svc.journal(ctx, st.CaseID)
	require.NoError(t, err)
	require.Len(t, j, st.Version, "nothing recorded")
	var n int
	require.NoError(t, f.db.Reader().QueryRow(`SELECT COUNT(*) FROM audit_log WHERE action = 'case.refused_attempt'
		AND object_id = ? AND detail LIKE '%rated%'`, st.CaseID).Scan(&n))
	require.Equal(t, 1, n, "the refused rating is recorded in the audit log")
}

// FuzzRatingPayload feeds arbitrary payloads of every 好差评 kind to the
// fold: it must never panic and an accepted rating must be within limits.
func FuzzRatingPayload(f *testing.F) {
	f.Add("rated", `{"visit":"intake","level":2,"reasons":["服务态度"],"followUpDue":"2026-12-18"}`)
	f.Add("rated", `{"visit":"handover","level":9}`)
	f.Add("rated", `{"visit":"intake","level":5,"comment":"\u0000好"}`)
	f.Add("followup_callback", `{"visit":"intake","note":"回访"}`)
	f.Add("rating_appealed", `{"visit":"intake","note":"x","ground":"mistaken"}`)
	f.Add("appeal_decided", `[]`)
	f.Fuzz(func(t *testing.T, kind, payload string) {
		st := State{CaseID: "c", Status: StatusAccepted, Matter: MatterRef{Mode: ModeProxy}, Version: 1}
		a := Action{ID: "a", CaseID: "c", Seq: 2, Kind: Kind(kind), Actor: "u", Role: RoleSupervisor, Payload: json.RawMessage(payload)}
		if a.Kind == KindRated {
			a.Role = RoleClerk
		}
		next, err := apply(st, a)
		if err != nil {
			return
		}
		for _, r := range next.Ratings {
			if r.Level < MinLevel || r.Level > MaxLevel {
				t.Fatalf("level %d accepted", r.Level)
			}
			if r.Bad() != (r.FollowUp != "") {
				t.Fatalf("bad=%v follow-up=%q", r.Bad(), r.FollowUp)
			}
		}
	})
}
