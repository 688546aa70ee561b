package cases

import (
	"slices"
	"strings"
	"time"

	"tongban/app/errs"
)

// Task is the work of one handling place on a case (多地联办 has several;
// 异地代收代办 one): the parcel that brought the paper, who signed for it,
// and the place's decision.
type Task struct {
	Place        string    `json:"place"`
	Waybill      string    `json:"waybill,omitempty"` // parcel of the paper materials
	Batch        string    `json:"batch,omitempty"`   // mailing batch it left in
	Courier      string    `json:"courier,omitempty"`
	DispatchedAt time.Time `json:"dispatchedAt,omitzero"`
	DispatchedBy string    `json:"dispatchedBy,omitempty"`
	ReceivedAt   time.Time `json:"receivedAt,omitzero"` // 办理地签收
	ReceivedBy   string    `json:"receivedBy,omitempty"`
	HandledAt    time.Time `json:"handledAt,omitzero"`
	HandledBy    string    `json:"handledBy,omitempty"`
	Decision     string    `json:"decision,omitempty"` // approve | refuse
	Reasons      []string  `json:"reasons,omitempty"`
	Result       string    `json:"result,omitempty"`
	// How the place sends its result back (handled).
	ResultDelivery string   `json:"resultDelivery,omitempty"`
	ResultFile     *FileRef `json:"resultFile,omitempty"`
	ReturnWaybill  string   `json:"returnWaybill,omitempty"`
}

// TaskStatus is where a task stands: dispatched, receiving (signed for,
// being handled), approved or refused.
func (t Task) TaskStatus() string {
	switch {
	case t.Decision == DecisionRefuse:
		return "refused"
	case !t.HandledAt.IsZero():
		return "approved"
	case !t.ReceivedAt.IsZero():
		return "handling"
	}
	return "dispatched"
}

// Result is what the handling places decided, and how the result travels
// back to the collecting hall.
type Result struct {
	Decision       string    `json:"decision"` // approve | refuse
	Reasons        []string  `json:"reasons,omitempty"`
	Text           string    `json:"text,omitempty"`
	Delivery       string    `json:"delivery,omitempty"` // electronic | mail | ""
	Files          []FileRef `json:"files,omitempty"`    // electronic result documents
	ReturnWaybills []string  `json:"returnWaybills,omitempty"`
	Arrived        []string  `json:"arrived,omitempty"` // return waybills signed for at the collecting hall
	Places         []string  `json:"places"`
	By             string    `json:"by"`
	At             time.Time `json:"at"`
}

// DeliveryRecord is the handover of the result to the applicant.
type DeliveryRecord struct {
	Delivery
	By string    `json:"by"`
	At time.Time `json:"at"`
}

// TaskFor returns the index of place's task, or -1.
func (st State) TaskFor(place string) int {
	return slices.IndexFunc(st.Tasks, func(t Task) bool { return t.Place == place })
}

// TaskByWaybill returns the index of the task whose parcel has waybill, or -1.
func (st State) TaskByWaybill(waybill string) int {
	w := NormalizeWaybill(waybill)
	if w == "" {
		return -1
	}
	return slices.IndexFunc(st.Tasks, func(t Task) bool { return NormalizeWaybill(t.Waybill) == w })
}

// MaxWaybill is the longest tracking number accepted (UPU S10 is 13; couriers
// use up to ~20; room for prefixes).
const MaxWaybill = 40

// CleanWaybill normalizes a scanned or typed tracking number and checks it
// is 2–40 letters, digits or hyphens.
func CleanWaybill(s string) (string, error) {
	w := NormalizeWaybill(s)
	ok := len(w) >= 2 && len(w) <= MaxWaybill
	for i := 0; ok && i < len(w); i++ {
		c := w[i]
		ok = c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-'
	}
	if !ok {
		return "", errs.Invalid("waybill", "malformed waybill number", "运单号格式不正确：应为 2–40 位字母、数字（请重新扫描邮件条码）")
	}
	return w, nil
}

// NormalizeWaybill upper-cases and drops spaces (what a scanner or a hand
// types may add).
func NormalizeWaybill(s string) string {
	return strings.ToUpper(strings.Join(strings.Fields(s), ""))
}

// multiStatus derives a 多地联办 case's status from its tasks: a refused
// task sends it back to the collecting hall; it is handled when every task
// is approved, handling once any place signed, else dispatched.
func multiStatus(st State) Status {
	received, approved := false, 0
	for _, t := range st.Tasks {
		switch t.TaskStatus() {
		case "refused":
			return StatusSentBack
		case "approved":
			approved++
			received = true
		case "handling":
			received = true
		}
	}
	switch {
	case len(st.Tasks) > 0 && approved == len(st.Tasks):
		return StatusHandled
	case received:
		return StatusHandling
	}
	return StatusDispatched
}

// applyLoop applies dispatch, handling, result arrival and delivery.
func applyLoop(st State, a Action, mode Mode) (State, error) {
	st.Tasks = slices.Clone(st.Tasks)
	switch a.Kind {
	case KindDispatched:
		var p Dispatch
		if err := decode(a, &p); err != nil {
			return st, err
		}
		return dispatch(st, a, mode, p)
	case KindHandlerReceived:
		var p Handling
		if err := decode(a, &p); err != nil {
			return st, err
		}
		return handlerReceived(st, a, mode, p)
	case KindHandled:
		var p Handling
		if err := decode(a, &p); err != nil {
			return st, err
		}
		return handled(st, a, mode, p)
	case KindResultArrived:
		var p ResultArrival
		if err := decode(a, &p); err != nil {
			return st, err
		}
		if st.Result == nil || len(st.Result.ReturnWaybills) == 0 {
			return st, conflict("result not mailed", "本件办理结果不是邮寄回收件地的，无需签收回寄结果")
		}
		w := NormalizeWaybill(p.Waybill)
		i := slices.IndexFunc(st.Result.ReturnWaybills, func(x string) bool { return NormalizeWaybill(x) == w })
		if i < 0 || w == "" {
			return st, errs.Invalid("waybill", "return waybill does not match",
				"扫描的运单号与本件结果回寄运单（"+strings.Join(st.Result.ReturnWaybills, "、")+"）不符，请核对邮件")
		}
		if slices.Contains(st.Result.Arrived, st.Result.ReturnWaybills[i]) {
			return st, conflict("result already received", "该回寄邮件已签收")
		}
		st.Result = cloneResult(st.Result)
		st.Result.Arrived = append(st.Result.Arrived, st.Result.ReturnWaybills[i])
		if len(st.Result.Arrived) < len(st.Result.ReturnWaybills) {
			return st, nil
		}
		st.ResultArrivedAt = a.DeviceTime
		return st, nil
	default: // KindResultDelivered
		var p Delivery
		if err := decode(a, &p); err != nil {
			return st, err
		}
		return delivered(st, a, p)
	}
}

func dispatch(st State, a Action, mode Mode, p Dispatch) (State, error) {
	if len(p.Places) == 0 {
		return st, errs.Invalid("places", "no handling place", "请填写办理地")
	}
	if mode != ModeMultiPlace && len(p.Places) > 1 {
		return st, errs.Invalid("places", "several places outside 多地联办", "只有多地联办可以流转到多个办理地")
	}
	if p.Waybill != "" && len(p.Places) > 1 {
		return st, errs.Invalid("waybill", "one waybill for several places", "一个邮件只能寄往一个办理地，请按办理地分别寄递")
	}
	if w := NormalizeWaybill(p.Waybill); w != "" {
		if i := st.TaskByWaybill(w); i >= 0 && st.Tasks[i].Place != p.Places[0] {
			return st, errs.Invalid("waybill", "waybill already used for another place", "该运单号已用于寄往其他办理地的邮件")
		}
	}
	for _, place := range p.Places {
		t := Task{Place: place, Waybill: p.Waybill, Batch: p.Batch, Courier: p.Courier, DispatchedAt: a.DeviceTime, DispatchedBy: a.Actor}
		i := st.TaskFor(place)
		switch {
		case i < 0:
			st.Tasks = append(st.Tasks, t)
		case st.Tasks[i].Decision == DecisionRefuse:
			st.Tasks[i] = t // sent again after a refusal: the task starts over
		default:
			return st, conflict("place already dispatched", "该办件已流转到此办理地，不能重复寄递")
		}
	}
	st.Places = taskPlaces(st.Tasks)
	st.Result = nil
	return st, nil
}

func handlerReceived(st State, a Action, mode Mode, p Handling) (State, error) {
	i := st.TaskFor(p.Place)
	if i < 0 {
		if mode == ModeMultiPlace || len(st.Tasks) > 0 {
			return st, errs.Invalid("place", "unknown place "+p.Place, "该办理地不在本件的流转范围内")
		}
		// 全程网办 / 自助通办: nothing was mailed; the place signs it in.
		st.Tasks = append(st.Tasks, Task{Place: p.Place})
		st.Places = taskPlaces(st.Tasks)
		i = len(st.Tasks) - 1
	}
	t := st.Tasks[i]
	if !t.ReceivedAt.IsZero() {
		return st, conflict("place already received", "该办理地已签收")
	}
	if t.Waybill != "" && NormalizeWaybill(p.Waybill) != NormalizeWaybill(t.Waybill) {
		if p.Waybill == "" {
			return st, errs.Invalid("waybill", "waybill not scanned", "纸质材料随邮件寄来，请扫描邮件运单条码签收")
		}
		return st, errs.Invalid("waybill", "waybill belongs to another parcel",
			"扫描的运单号（"+p.Waybill+"）不是本件的寄递运单（"+t.Waybill+"），请核对邮件后再签收")
	}
	t.ReceivedAt, t.ReceivedBy = a.DeviceTime, a.Actor
	st.Tasks[i] = t
	st.PlacesReceived = appendOnce(st.PlacesReceived, p.Place)
	return st, nil
}

func handled(st State, a Action, mode Mode, p Handling) (State, error) {
	i := st.TaskFor(p.Place)
	if i < 0 {
		if len(st.Tasks) == 0 && mode != ModeMultiPlace {
			// Journals from before tasks: handled by the only place there is.
			st.Tasks = append(st.Tasks, Task{Place: p.Place, ReceivedAt: a.DeviceTime, ReceivedBy: a.Actor})
			i = 0
		} else {
			return st, errs.Invalid("place", "unknown place "+p.Place, "该办理地不在本件的流转范围内")
		}
	}
	t := st.Tasks[i]
	if t.ReceivedAt.IsZero() || !t.HandledAt.IsZero() {
		return st, conflict("place not receiving", "该办理地尚未签收或已办结")
	}
	decision := p.Decision
	if decision == "" {
		decision = DecisionApprove
	}
	switch decision {
	case DecisionApprove:
	case DecisionRefuse:
		if len(nonEmpty(p.Reasons)) == 0 {
			return st, errs.Invalid("reasons", "refusal without reasons", "不予办理须写明理由")
		}
	default:
		return st, errs.Invalid("decision", "unknown decision "+p.Decision, "办理决定须为准予或不予办理")
	}
	switch p.ResultDelivery {
	case "":
	case ResultElectronic:
		if p.ResultFile == nil || len(p.ResultFile.SHA256) != 64 {
			return st, errs.Invalid("resultFile", "electronic result without file", "电子送达须附办理结果文件")
		}
	case ResultMail:
		if NormalizeWaybill(p.ReturnWaybill) == "" {
			return st, errs.Invalid("returnWaybill", "mailed result without waybill", "邮寄送达须填写回寄运单号")
		}
	default:
		return st, errs.Invalid("resultDelivery", "unknown result delivery "+p.ResultDelivery, "结果送达方式须为电子送达或邮寄")
	}
	t.HandledAt, t.HandledBy = a.DeviceTime, a.Actor
	t.Decision, t.Reasons, t.Result = decision, nonEmpty(p.Reasons), p.Result
	t.ResultDelivery, t.ResultFile, t.ReturnWaybill = p.ResultDelivery, p.ResultFile, strings.TrimSpace(p.ReturnWaybill)
	st.Tasks[i] = t
	if decision == DecisionApprove {
		st.PlacesHandled = appendOnce(st.PlacesHandled, p.Place)
	}
	prev, prevAt := st.Result, st.ResultArrivedAt
	st.Result = caseResult(st.Tasks, a)
	st.ResultArrivedAt = time.Time{}
	if prev != nil && st.Result != nil {
		// Return parcels the hall already signed for stay signed for.
		for _, w := range prev.Arrived {
			if slices.Contains(st.Result.ReturnWaybills, w) {
				st.Result.Arrived = append(st.Result.Arrived, w)
			}
		}
		if n := len(st.Result.ReturnWaybills); n > 0 && len(st.Result.Arrived) == n {
			st.ResultArrivedAt = prevAt
			if prevAt.IsZero() {
				st.ResultArrivedAt = a.DeviceTime
			}
		}
	}
	return st, nil
}

// caseResult is the case's result once the places have decided: a refused
// task decides it at once (多地联办: the case goes back with the reasons);
// otherwise it is complete when every task is approved. nil while open.
func caseResult(tasks []Task, a Action) *Result {
	res := &Result{Decision: DecisionApprove, By: a.Actor, At: a.DeviceTime}
	done := 0
	for _, t := range tasks {
		switch t.TaskStatus() {
		case "refused":
			res.Decision = DecisionRefuse
			res.Reasons = append(res.Reasons, t.Reasons...)
		case "approved":
		default:
			continue
		}
		done++
		res.Places = append(res.Places, t.Place)
		if t.Result != "" {
			res.Text = joinText(res.Text, t.Result)
		}
		if t.ResultDelivery != "" {
			res.Delivery = t.ResultDelivery
		}
		if t.ResultFile != nil {
			res.Files = append(res.Files, *t.ResultFile)
		}
		if t.ReturnWaybill != "" {
			res.ReturnWaybills = append(res.ReturnWaybills, t.ReturnWaybill)
		}
	}
	if res.Decision != DecisionRefuse && done < len(tasks) {
		return nil
	}
	return res
}

func delivered(st State, a Action, p Delivery) (State, error) {
	switch p.Method {
	case DeliverCounter:
		if p.IdentitySource == "" || strings.TrimSpace(p.Recipient) == "" {
			return st, errs.Invalid("identity", "handover without identity check", "当面交付结果前须再次核验领取人身份")
		}
	case DeliverMail, DeliverElectronic:
	default:
		return st, errs.Invalid("method", "unknown delivery method "+p.Method, "结果交付方式须为窗口领取、邮寄或电子送达")
	}
	if st.Result != nil && len(st.Result.ReturnWaybills) > 0 && st.ResultArrivedAt.IsZero() && a.Role != RoleHandler {
		return st, conflict("mailed result not received", "办理地邮寄回的结果尚未签收，请先扫描回寄运单签收")
	}
	st.Delivered = &DeliveryRecord{Delivery: p, By: a.Actor, At: a.DeviceTime}
	return st, nil
}

func taskPlaces(ts []Task) []string {
	out := make([]string, 0, len(ts))
	for _, t := range ts {
		out = append(out, t.Place)
	}
	return out
}

func appendOnce(list []string, v string) []string {
	if slices.Contains(list, v) {
		return list
	}
	return append(slices.Clone(list), v)
}

func nonEmpty(in []string) []string {
	var out []string
	for _, s := range in {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

func joinText(a, b string) string {
	if a == "" {
		return b
	}
	return a + "；" + b
}

func cloneResult(r *Result) *Result {
	c := *r
	c.Arrived = slices.Clone(r.Arrived)
	return &c
}
