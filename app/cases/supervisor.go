package cases

import (
	"context"

	"tongban/app/errs"
)

// Checkout takes a case waiting for approval for this supervisor; another
// supervisor trying gets ECONFLICT naming who has it.
func (s *Service) Checkout(ctx context.Context, actor Actor, caseID string, basedOn int) (State, error) {
	return s.appendSteps(ctx, actor, caseID, basedOn, step{kind: KindCheckedOut})
}

// Release gives a checked-out case back to the queue (the holder, or an
// admin for a supervisor who left).
func (s *Service) Release(ctx context.Context, actor Actor, caseID string, basedOn int, reason string) (State, error) {
	return s.appendSteps(ctx, actor, caseID, basedOn, step{kind: KindReleased, reason: reason})
}

// Approve approves the proposal of a case this supervisor has checked out:
// an acceptance gets its receipt, a refusal becomes final.
func (s *Service) Approve(ctx context.Context, actor Actor, caseID string, basedOn int, reason string) (State, error) {
	st, _, err := s.get(ctx, caseID)
	if err != nil {
		return State{}, err
	}
	if st.Proposal == nil {
		return State{}, errs.New(errs.ECONFLICT, "nothing to approve", "该办件没有待审核的决定")
	}
	stp := step{kind: KindApproved, reason: reason}
	if st.Proposal.Decision == "accept" {
		stp.payload = s.receipt(actor)
	}
	return s.appendSteps(ctx, actor, caseID, basedOn, stp)
}

// Return sends the proposal back to the front office with a reason.
func (s *Service) Return(ctx context.Context, actor Actor, caseID string, basedOn int, reason string) (State, error) {
	return s.appendSteps(ctx, actor, caseID, basedOn, step{kind: KindReturned, reason: reason})
}
