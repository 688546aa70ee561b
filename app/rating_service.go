package app

import (
	"context"

	"tongban/app/account"
	"tongban/app/cases"
	"tongban/app/errs"
)

// RatingService is 好差评 at the counter: the applicant's rating of a visit
// on the applicant-facing screen, and the hall's follow-up of bad ratings
// (call-back, rectification, closing, appeal).
type RatingService struct {
	w    *Workstation
	deps *caseDeps
}

var (
	rolesRate     = []account.Role{account.RoleClerk, account.RoleFieldAgent}
	rolesFollowUp = []account.Role{account.RoleClerk, account.RoleFieldAgent, account.RoleSupervisor}
)

// RatingOptions is what the rating screen offers.
type RatingOptions struct {
	Levels              []RatingLevel `json:"levels"`
	Reasons             []string      `json:"reasons"`
	MaxComment          int           `json:"maxComment"`
	FollowUpWorkingDays int           `json:"followUpWorkingDays"`
}

// RatingLevel is one of the five levels.
type RatingLevel struct {
	Level int    `json:"level"`
	Label string `json:"label"`
	Bad   bool   `json:"bad"`
}

// Options returns the levels, the reasons for a bad rating and the limits.
func (s *RatingService) Options() RatingOptions {
	o := RatingOptions{Reasons: cases.BadRatingReasons, MaxComment: cases.MaxRatingText, FollowUpWorkingDays: s.followUpDays()}
	for l := cases.MaxLevel; l >= cases.MinLevel; l-- {
		o.Levels = append(o.Levels, RatingLevel{Level: l, Label: cases.LevelLabels[l], Bad: l <= cases.BadLevel})
	}
	return o
}

func (s *RatingService) followUpDays() int {
	s.w.mu.RLock()
	defer s.w.mu.RUnlock()
	if d := s.w.settings.FollowUpWorkingDays; d > 0 {
		return d
	}
	return cases.DefaultFollowUpWorkingDays
}

// Rate records the applicant's rating of a visit (intake or handover).
func (s *RatingService) Rate(caseID string, basedOn int, in cases.RatingInput) (CaseResult, error) {
	e, err := s.deps.env(rolesRate...)
	if err != nil {
		return CaseResult{}, toAPI(s.w.log, "rate", err)
	}
	st, err := e.svc.Rate(context.Background(), e.actor, caseID, basedOn, in, s.followUpDays())
	cs := &CaseService{w: s.w, deps: s.deps}
	return cs.done(e, "rate", st, err)
}

// FollowUp records a step of a bad rating's follow-up: kind is
// followup_callback, followup_rectified, followup_closed (supervisor),
// rating_appealed or appeal_decided (supervisor, not the appellant).
func (s *RatingService) FollowUp(caseID string, basedOn int, kind string, step cases.FollowUpStep) (CaseResult, error) {
	e, err := s.deps.env(rolesFollowUp...)
	if err != nil {
		return CaseResult{}, toAPI(s.w.log, "rating follow-up", err)
	}
	if kind == string(cases.KindRated) {
		return CaseResult{}, toAPI(s.w.log, "rating follow-up", errs.Invalid("kind", "use Rate", "评价请在评价界面进行"))
	}
	st, err := e.svc.FollowUp(context.Background(), e.actor, caseID, basedOn, cases.Kind(kind), step)
	cs := &CaseService{w: s.w, deps: s.deps}
	return cs.done(e, "rating follow-up", st, err)
}
