package cases

import (
	"context"
	"fmt"
	"slices"

	"tongban/app/errs"
)

// DefaultFollowUpWorkingDays is the follow-up deadline for a 差评 when the
// province sets none: 15 working days (国办发〔2019〕51号, 差评整改反馈).
const DefaultFollowUpWorkingDays = 15

// Rate records the applicant's rating of one visit. A rating of 1–2 opens a
// follow-up due followUpDays working days from now (0: the default). A case
// of another hall cannot be rated here.
func (s *Service) Rate(ctx context.Context, actor Actor, caseID string, basedOn int, in RatingInput, followUpDays int) (State, error) {
	if followUpDays <= 0 {
		followUpDays = DefaultFollowUpWorkingDays
	}
	in.FollowUpDue = ""
	st, err := s.appendSteps(ctx, actor, caseID, basedOn, step{kind: KindRated, payload: func(st State) (any, error) {
		if err := s.ownHall(st); err != nil {
			return nil, err
		}
		if in.Level >= MinLevel && in.Level <= BadLevel {
			due, _ := s.cal.AddWorkingDays(s.now(), followUpDays)
			in.FollowUpDue = due.Format("2006-01-02")
		}
		return in, nil
	}})
	if err != nil {
		s.recordRefusal(ctx, actor, caseID, KindRated, err) // another hall's case, a second rating...
	}
	return st, err
}

// FollowUp records a step of a 差评's follow-up or appeal: kind is one of
// KindCallback, KindRectified, KindFollowUpClosed, KindAppealed,
// KindAppealDecided.
func (s *Service) FollowUp(ctx context.Context, actor Actor, caseID string, basedOn int, kind Kind, p FollowUpStep) (State, error) {
	if kind == KindRated || !slices.Contains(RatingKinds, kind) {
		return State{}, errs.Invalid("kind", "not a follow-up kind: "+string(kind), "不是差评跟进操作")
	}
	st, err := s.appendSteps(ctx, actor, caseID, basedOn, step{kind: kind, reason: "", payload: func(st State) (any, error) {
		if err := s.ownHall(st); err != nil {
			return nil, err
		}
		return p, nil
	}})
	if err != nil {
		s.recordRefusal(ctx, actor, caseID, kind, err)
	}
	return st, err
}

func (s *Service) ownHall(st State) error {
	if st.HallCode != s.cfg.HallCode {
		return errs.New(errs.EFORBIDDEN, fmt.Sprintf("case of hall %s, this hall is %s", st.HallCode, s.cfg.HallCode),
			"该办件不是本大厅收件的，不能在本机评价或跟进")
	}
	return nil
}
