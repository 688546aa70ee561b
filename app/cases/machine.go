package cases

import (
	"fmt"
	"slices"

	"tongban/app/errs"
)

// rule allows kind from any of the statuses, for roles, in modes (nil: all
// modes). to is the resulting status; StatusNew means "unchanged".
type rule struct {
	kind  Kind
	from  []Status
	to    Status
	roles []Role
	modes []Mode
}

var (
	front      = []Role{RoleClerk, RoleFieldAgent}
	frontKiosk = []Role{RoleClerk, RoleFieldAgent, RoleKiosk}
	review     = []Status{StatusReceived, StatusReviewing, StatusReturned}
	deciding   = []Status{StatusReviewing, StatusReturned}
	afterStart = []Status{StatusReceived, StatusReviewing, StatusSupplementPending, StatusPendingApproval, StatusReturned,
		StatusAccepted, StatusRefused, StatusDispatched, StatusHandling, StatusSentBack, StatusHandled, StatusDelivered, StatusClosed}
	notSelf     = []Mode{ModeOnline, ModeProxy, ModeMultiPlace}
	multi       = []Mode{ModeMultiPlace}
	direct      = []Mode{ModeOnline, ModeSelfService}
	selfService = []Mode{ModeSelfService}
)

// rules is the whole state machine. Intake and decisions are the front
// office's (clerk, field agent; a self-service terminal may receive and
// accept in 自助通办 but hands supplements and refusals to a clerk);
// approvals are the supervisor's; handling is the handling place's.
var rules = []rule{
	{KindReceived, []Status{StatusNew}, StatusReceived, front, notSelf},
	{KindReceived, []Status{StatusNew}, StatusReceived, frontKiosk, selfService},
	{KindIdentityChecked, review, StatusReviewing, front, notSelf},
	{KindIdentityChecked, review, StatusReviewing, frontKiosk, selfService},
	{KindMaterialReceived, review, StatusReviewing, front, notSelf},
	{KindMaterialReceived, review, StatusReviewing, frontKiosk, selfService},
	{KindFormalReview, review, StatusReviewing, front, notSelf},
	{KindFormalReview, review, StatusReviewing, frontKiosk, selfService},
	{KindAccepted, deciding, StatusAccepted, front, notSelf},
	{KindAccepted, deciding, StatusAccepted, frontKiosk, selfService},
	{KindSupplementRequest, deciding, StatusSupplementPending, front, nil},
	{KindSupplementReceived, []Status{StatusSupplementPending}, StatusReviewing, front, nil},
	{KindRefused, []Status{StatusReviewing, StatusReturned, StatusSupplementPending}, StatusRefused, front, nil},
	{KindSubmitted, []Status{StatusReviewing, StatusReturned, StatusSupplementPending}, StatusPendingApproval, front, nil},
	{KindCheckedOut, []Status{StatusPendingApproval}, StatusNew, []Role{RoleSupervisor}, nil},
	{KindReleased, []Status{StatusPendingApproval}, StatusNew, []Role{RoleSupervisor, RoleAdmin}, nil},
	{KindApproved, []Status{StatusPendingApproval}, StatusNew, []Role{RoleSupervisor}, nil}, // to: the proposal's outcome
	{KindReturned, []Status{StatusPendingApproval}, StatusReturned, []Role{RoleSupervisor}, nil},
	{KindDispatched, []Status{StatusAccepted}, StatusDispatched, front, []Mode{ModeProxy}},
	{KindDispatched, []Status{StatusAccepted, StatusDispatched, StatusHandling, StatusSentBack}, StatusNew, front, multi}, // status: multiStatus
	{KindHandlerReceived, []Status{StatusDispatched}, StatusHandling, []Role{RoleHandler}, []Mode{ModeProxy}},
	{KindHandlerReceived, []Status{StatusDispatched, StatusHandling, StatusSentBack}, StatusNew, []Role{RoleHandler}, multi},
	{KindHandlerReceived, []Status{StatusAccepted}, StatusHandling, []Role{RoleHandler}, direct},
	{KindHandled, []Status{StatusHandling}, StatusHandled, []Role{RoleHandler}, []Mode{ModeProxy, ModeOnline, ModeSelfService}},
	{KindHandled, []Status{StatusDispatched, StatusHandling, StatusSentBack}, StatusNew, []Role{RoleHandler}, multi},
	{KindResultArrived, []Status{StatusHandled, StatusSentBack}, StatusNew, front, nil},
	{KindResultDelivered, []Status{StatusHandled, StatusSentBack}, StatusDelivered, []Role{RoleClerk, RoleFieldAgent, RoleHandler}, nil},
	{KindClosed, []Status{StatusDelivered}, StatusClosed, []Role{RoleClerk, RoleFieldAgent, RoleSystem}, nil},
	{KindWithdrawn, []Status{StatusReceived, StatusReviewing, StatusSupplementPending, StatusPendingApproval, StatusReturned}, StatusWithdrawn, front, nil},
	{KindOfficialNumber, afterStart, StatusNew, []Role{RoleSystem}, nil},
}

// findRule returns the rule for kind in mode and status that admits role.
// It distinguishes "never in this state" (ECONFLICT) from "not for this
// role" (EFORBIDDEN).
func findRule(mode Mode, st Status, kind Kind, role Role) (rule, error) {
	if !slices.Contains(AllModes, mode) {
		return rule{}, errs.Invalid("mode", fmt.Sprintf("unknown service mode %q", mode), fmt.Sprintf("未知的通办业务模式“%s”", mode))
	}
	stateOK := false
	for _, r := range rules {
		if r.kind != kind || !slices.Contains(r.from, st) || (r.modes != nil && !slices.Contains(r.modes, mode)) {
			continue
		}
		stateOK = true
		if slices.Contains(r.roles, role) {
			return r, nil
		}
	}
	if !stateOK {
		return rule{}, errs.New(errs.ECONFLICT,
			fmt.Sprintf("%s not allowed in status %s (%s)", kind, st, mode),
			fmt.Sprintf("办件当前为“%s”，%s模式下不能进行“%s”", st.Label(), mode, kind.Label()))
	}
	return rule{}, errs.New(errs.EFORBIDDEN,
		fmt.Sprintf("role %s may not %s", role, kind),
		fmt.Sprintf("%s无权进行“%s”", role.Label(), kind.Label()))
}

// Allowed reports whether role may take an action of kind on a case in mode
// and status, by the table alone (state guards such as the checkout holder
// are checked by Check).
func Allowed(mode Mode, st Status, kind Kind, role Role) error {
	_, err := findRule(mode, st, kind, role)
	return err
}
