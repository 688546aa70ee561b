package cases

// Offline check-out (签出): before going offline to decide, the clerk of
// the collecting hall (or the handler of the handling place) checks a case
// out on the platform, so that a decision another device takes on it in the
// meantime is flagged for a supervisor. The decider checks it in
// (released) when back online. The supervisor's 审核签出 in
// pending_approval stays the supervisor's alone (machine.go).
func init() {
	frontOut := []Status{StatusReceived, StatusReviewing, StatusReturned, StatusSupplementPending}
	handlerOut := []Status{StatusAccepted, StatusDispatched, StatusHandling, StatusSentBack}
	// Check-in after the offline work, in whatever working status it left
	// the case (a final status needs none: no decision can follow there).
	checkIn := []Status{StatusReceived, StatusReviewing, StatusReturned, StatusSupplementPending, StatusPendingApproval,
		StatusAccepted, StatusDispatched, StatusHandling, StatusSentBack, StatusHandled, StatusDelivered}
	rules = append(rules,
		rule{KindCheckedOut, frontOut, StatusNew, front, nil},
		rule{KindCheckedOut, handlerOut, StatusNew, []Role{RoleHandler}, nil},
		rule{KindReleased, checkIn, StatusNew, []Role{RoleClerk, RoleFieldAgent, RoleHandler, RoleAdmin}, nil},
	)
}
