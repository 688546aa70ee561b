package cases

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"tongban/app/errs"
)

// State is a case as derived from its journal. It holds full personal data:
// views given to lists and logs are masked (see Summary, Detail).
type State struct {
	CaseID          string            `json:"caseId"`
	ProvisionalNo   string            `json:"provisionalNo"`
	OfficialNo      string            `json:"officialNo,omitempty"` // empty until the platform assigns the 受理编号
	Matter          MatterRef         `json:"matter"`
	Applicant       Person            `json:"applicant"`
	Agent           *Person           `json:"agent,omitempty"`
	Form            map[string]string `json:"form,omitempty"`
	Status          Status            `json:"status"`
	Version         int               `json:"version"` // number of actions; the next action is based on it
	HallCode        string            `json:"hallCode"`
	DeviceID        string            `json:"deviceId"`
	ReceivedAt      time.Time         `json:"receivedAt"`
	UpdatedAt       time.Time         `json:"updatedAt"`
	DecidedAt       time.Time         `json:"decidedAt,omitzero"`
	IdentityChecked bool              `json:"identityChecked"`
	IdentitySource  string            `json:"identitySource,omitempty"` // reader | manual
	Materials       []MaterialItem    `json:"materials,omitempty"`
	Findings        []Finding         `json:"findings,omitempty"`
	Supplements     int               `json:"supplements"`
	Supplement      *SupplementNotice `json:"supplement,omitempty"`
	Proposal        *Proposal         `json:"proposal,omitempty"`
	ProposedBy      string            `json:"proposedBy,omitempty"`
	CheckedOutBy    string            `json:"checkedOutBy,omitempty"`
	CheckedOutAt    time.Time         `json:"checkedOutAt,omitzero"`
	Receipt         *Receipt          `json:"receipt,omitempty"`
	Refusal         *Refusal          `json:"refusal,omitempty"`
	ReturnReason    string            `json:"returnReason,omitempty"`
	Places          []string          `json:"places,omitempty"`
	PlacesReceived  []string          `json:"placesReceived,omitempty"`
	PlacesHandled   []string          `json:"placesHandled,omitempty"`
	Tasks           []Task            `json:"tasks,omitempty"`          // one per handling place (loop.go)
	Result          *Result           `json:"result,omitempty"`         // the handling places' decision, once made
	ResultArrivedAt time.Time         `json:"resultArrivedAt,omitzero"` // a mailed result was signed for at the hall
	Delivered       *DeliveryRecord   `json:"delivered,omitempty"`      // the result reached the applicant
	Conflicts       []Conflict        `json:"conflicts,omitempty"`
	LastActor       string            `json:"lastActor,omitempty"`
	Ratings         []RatingRecord    `json:"ratings,omitempty"` // 好差评, one per visit (rating.go)
}

// Conflict is an action in the journal that was not applied or was decided
// on a stale version (concurrent decisions after sync): flagged for a
// supervisor, never merged silently.
type Conflict struct {
	ActionID string `json:"actionId"`
	Seq      int    `json:"seq"`
	Kind     Kind   `json:"kind"`
	Zh       string `json:"zh"`
}

// Fold derives the state of a case from its journal. It is pure. The first
// action must be "received" and Seq must run 1..n; other problems (an action
// the machine forbids, a stale BasedOn) do not fail the fold: they are
// recorded in Conflicts.
func Fold(actions []Action) (State, error) {
	var st State
	for i, a := range actions {
		if a.Seq != i+1 {
			return State{}, fmt.Errorf("fold: action %s has seq %d at position %d", a.ID, a.Seq, i+1)
		}
		if i == 0 {
			if a.Kind != KindReceived {
				return State{}, fmt.Errorf("fold: first action is %s, want received", a.Kind)
			}
		} else if a.CaseID != st.CaseID {
			return State{}, fmt.Errorf("fold: action %s belongs to case %s, not %s", a.ID, a.CaseID, st.CaseID)
		}
		next, err := apply(st, a)
		if err != nil {
			if i == 0 {
				return State{}, fmt.Errorf("fold: %w", err)
			}
			st.Conflicts = append(st.Conflicts, Conflict{ActionID: a.ID, Seq: a.Seq, Kind: a.Kind, Zh: errs.Zh(err)})
			st.Version = a.Seq
			continue
		}
		if a.BasedOn != i && i > 0 && decisive(a.Kind) {
			next.Conflicts = append(next.Conflicts, Conflict{ActionID: a.ID, Seq: a.Seq, Kind: a.Kind,
				Zh: fmt.Sprintf("“%s”是基于第 %d 版作出的，其间办件已有其他操作（并发决定），请审核人员确认", a.Kind.Label(), a.BasedOn)})
		}
		st = next
	}
	return st, nil
}

// decisive kinds change what happens to the application.
func decisive(k Kind) bool {
	switch k {
	case KindAccepted, KindRefused, KindSupplementRequest, KindSubmitted, KindApproved, KindReturned, KindWithdrawn:
		return true
	}
	return false
}

// Check reports whether a may be appended to a case in state st: the
// machine's table, then the guards that depend on the case (checkout
// holder, one-time notice, approval policy...).
func Check(st State, a Action) error {
	_, err := apply(st, a)
	return err
}

func decode(a Action, v any) error {
	if len(a.Payload) == 0 {
		return nil
	}
	if err := json.Unmarshal(a.Payload, v); err != nil {
		return errs.Wrap(err, errs.EINVALID, "bad payload for "+string(a.Kind), "操作数据格式不正确")
	}
	return nil
}

func conflict(msg, zh string) error { return errs.New(errs.ECONFLICT, msg, zh) }

// apply returns the state after a, or why a is not allowed. st is a value;
// slices are copied before they are changed so the input is left intact.
func apply(st State, a Action) (State, error) {
	mode := st.Matter.Mode
	var intake Intake
	if a.Kind == KindReceived {
		if err := decode(a, &intake); err != nil {
			return st, err
		}
		mode = intake.Matter.Mode
	}
	r, err := findRule(mode, st.Status, a.Kind, a.Role)
	if err != nil {
		return st, err
	}
	st.Conflicts = slices.Clone(st.Conflicts)
	switch a.Kind {
	case KindReceived:
		st.CaseID = a.CaseID
		st.Matter = intake.Matter
		st.Applicant = intake.Applicant
		st.Agent = intake.Agent
		st.Form = intake.Form
		st.ProvisionalNo = intake.ProvisionalNo
		st.HallCode = a.HallCode
		st.DeviceID = a.DeviceID
		st.ReceivedAt = a.DeviceTime
	case KindIdentityChecked:
		var p IdentityCheck
		if err := decode(a, &p); err != nil {
			return st, err
		}
		if p.Who == "" || p.Who == "applicant" {
			st.IdentityChecked = true
			st.IdentitySource = p.Source
		}
	case KindMaterialReceived, KindSupplementReceived:
		var p Materials
		if err := decode(a, &p); err != nil {
			return st, err
		}
		st.Materials = mergeMaterials(st.Materials, p.Items)
	case KindFormalReview:
		var p Review
		if err := decode(a, &p); err != nil {
			return st, err
		}
		st.Findings = p.Findings
	case KindAccepted:
		if !st.IdentityChecked {
			return st, conflict("identity not checked", "尚未完成身份核验，不能受理")
		}
		if st.Matter.AcceptanceNeedsApproval {
			return st, conflict("acceptance needs approval", "本事项受理须经审核人员审批，请提交审核")
		}
		var p Receipt
		if err := decode(a, &p); err != nil {
			return st, err
		}
		st.Receipt = &p
		st.DecidedAt = a.DeviceTime
	case KindSupplementRequest:
		if st.Supplements > 0 {
			return st, conflict("supplement already requested once",
				"本件已一次性告知过补正内容，依法不能再次告知；补正后材料仍不符合要求的，请作出不予受理决定")
		}
		var p SupplementNotice
		if err := decode(a, &p); err != nil {
			return st, err
		}
		if len(p.Items) == 0 {
			return st, errs.Invalid("items", "empty supplement notice", "补正告知须列明需要补正的全部内容")
		}
		st.Supplements++
		st.Supplement = &p
	case KindRefused:
		if st.Matter.RefusalNeedsApproval {
			return st, conflict("refusal needs approval", "本事项不予受理须经审核人员审批，请提交审核")
		}
		var p Refusal
		if err := decode(a, &p); err != nil {
			return st, err
		}
		if len(p.Reasons) == 0 {
			return st, errs.Invalid("reasons", "refusal without reasons", "不予受理须写明理由")
		}
		st.Refusal = &p
		st.DecidedAt = a.DeviceTime
	case KindSubmitted:
		var p Proposal
		if err := decode(a, &p); err != nil {
			return st, err
		}
		switch p.Decision {
		case "accept":
			if !st.IdentityChecked {
				return st, conflict("identity not checked", "尚未完成身份核验，不能提交受理")
			}
		case "refuse":
			if p.Refusal == nil || len(p.Refusal.Reasons) == 0 {
				return st, errs.Invalid("reasons", "refusal without reasons", "不予受理须写明理由")
			}
		default:
			return st, errs.Invalid("decision", "unknown decision "+p.Decision, "提交审核的决定须为受理或不予受理")
		}
		st.Proposal = &p
		st.ProposedBy = a.Actor
		st.ReturnReason = ""
	case KindCheckedOut:
		if st.CheckedOutBy != "" && st.CheckedOutBy != a.Actor {
			return st, checkedOutBy(st)
		}
		st.CheckedOutBy = a.Actor
		st.CheckedOutAt = a.DeviceTime
	case KindReleased:
		if st.CheckedOutBy == "" {
			return st, conflict("not checked out", "该办件未被签出")
		}
		if st.CheckedOutBy != a.Actor && a.Role != RoleAdmin {
			return st, checkedOutBy(st)
		}
		st.CheckedOutBy, st.CheckedOutAt = "", time.Time{}
	case KindApproved, KindReturned:
		if st.CheckedOutBy != a.Actor {
			if st.CheckedOutBy == "" {
				return st, conflict("check out first", "请先签出该办件再作审核决定")
			}
			return st, checkedOutBy(st)
		}
		if st.ProposedBy == a.Actor {
			return st, errs.New(errs.EFORBIDDEN, "cannot approve own proposal", "不能审核自己提交的决定")
		}
		st.CheckedOutBy, st.CheckedOutAt = "", time.Time{}
		if a.Kind == KindReturned {
			if strings.TrimSpace(a.Reason) == "" {
				return st, errs.Invalid("reason", "return without reason", "退回须写明理由")
			}
			st.ReturnReason = a.Reason
			st.Proposal, st.ProposedBy = nil, ""
			break
		}
		switch st.Proposal.Decision {
		case "accept":
			var p Receipt
			if err := decode(a, &p); err != nil {
				return st, err
			}
			st.Receipt = &p
			r.to = StatusAccepted
		case "refuse":
			st.Refusal = st.Proposal.Refusal
			r.to = StatusRefused
		}
		st.DecidedAt = a.DeviceTime
	case KindDispatched, KindHandlerReceived, KindHandled, KindResultArrived, KindResultDelivered:
		if st, err = applyLoop(st, a, mode); err != nil {
			return st, err
		}
		if mode == ModeMultiPlace && a.Kind != KindResultArrived && a.Kind != KindResultDelivered {
			r.to = multiStatus(st)
		}
	case KindRated, KindCallback, KindRectified, KindFollowUpClosed, KindAppealed, KindAppealDecided:
		if st, err = applyRating(st, a); err != nil {
			return st, err
		}
	case KindOfficialNumber:
		var p OfficialNumber
		if err := decode(a, &p); err != nil {
			return st, err
		}
		if p.Number == "" {
			return st, errs.Invalid("number", "empty official number", "受理编号为空")
		}
		st.OfficialNo = p.Number
	}
	if r.to != StatusNew {
		st.Status = r.to
	}
	st.Version = a.Seq
	st.UpdatedAt = a.DeviceTime
	st.LastActor = a.Actor
	return st, nil
}

func checkedOutBy(st State) error {
	return errs.New(errs.ECONFLICT, "checked out by "+st.CheckedOutBy,
		fmt.Sprintf("该办件已由 %s 于 %s 签出审核，其他人暂不能操作", st.CheckedOutBy, st.CheckedOutAt.In(hallZone).Format("01月02日 15:04")))
}

// mergeMaterials replaces checklist lines by id, keeping order.
func mergeMaterials(old, upd []MaterialItem) []MaterialItem {
	out := slices.Clone(old)
	for _, u := range upd {
		i := slices.IndexFunc(out, func(m MaterialItem) bool { return m.ID == u.ID && u.ID != "" })
		if i >= 0 {
			out[i] = u
		} else {
			out = append(out, u)
		}
	}
	return out
}

// hallZone is China Standard Time (no daylight saving), used for dates
// shown to people and for working days.
var hallZone = time.FixedZone("CST", 8*3600)
