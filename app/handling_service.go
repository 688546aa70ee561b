package app

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"tongban/app/account"
	"tongban/app/audit"
	"tongban/app/cases"
	"tongban/app/errs"
	"tongban/app/identity"
	"tongban/app/mailing"
	"tongban/app/remotefiles"
	"tongban/printing/courier"
)

// HandlingService is the loop as a handling place (办理地) works it — the
// inbox of cases routed here, signing for the parcel by its waybill,
// deciding and sending the result back — and as the collecting hall ends
// it: signing for a mailed result, handing it over with the collector's
// identity checked again, closing. Files: handling_files.go (materials and
// result documents), handling_result.go (the result document).
type HandlingService struct {
	w     *Workstation
	deps  *caseDeps
	print *PrintService // only its font/renderer cache (the result notice)

	// courier orders the return parcel of a mailed result when the handler
	// gives no waybill: the courier of the settings, shared with mailing
	// (the demo provider: nothing ships, numbers say 演示). nil: ask w.mail.
	courier courier.Courier
	// source reaches the platform's files; nil: the enrolled device's API.
	source func(ctx context.Context) (remotefiles.Source, error)
}

func newHandlingService(w *Workstation, cd *caseDeps) *HandlingService {
	return &HandlingService{w: w, deps: cd, print: &PrintService{w: w, deps: cd}}
}

// Roles per area of the loop.
var (
	rolesHandling     = []account.Role{account.RoleHandler}
	rolesHandlingRead = []account.Role{account.RoleHandler, account.RoleSupervisor, account.RoleAdmin}
	rolesHallResult   = rolesIntake
	rolesLoopFiles    = []account.Role{account.RoleHandler, account.RoleClerk, account.RoleFieldAgent, account.RoleSupervisor}
)

// InboxItem is a case with a task for this workstation's place, masked.
type InboxItem struct {
	CaseID        string     `json:"caseId"`
	ProvisionalNo string     `json:"provisionalNo"`
	OfficialNo    string     `json:"officialNo,omitempty"`
	MatterName    string     `json:"matterName"`
	Mode          cases.Mode `json:"mode"`
	HallCode      string     `json:"hallCode"` // the collecting hall
	HallName      string     `json:"hallName"`
	Applicant     string     `json:"applicant"` // name as the projection stores it
	IDMasked      string     `json:"idMasked"`
	Waybill       string     `json:"waybill,omitempty"`
	Batch         string     `json:"batch,omitempty"`
	TaskStatus    string     `json:"taskStatus"` // dispatched | handling | approved | refused
	DispatchedAt  string     `json:"dispatchedAt,omitempty"`
	ReceivedAt    string     `json:"receivedAt,omitempty"`
	HandledAt     string     `json:"handledAt,omitempty"`
	Version       int        `json:"version"` // basedOn for the next step
}

// DecideInput is the handling place's decision and how its result goes back.
type DecideInput struct {
	CaseID         string   `json:"caseId"`
	BasedOn        int      `json:"basedOn"`
	Decision       string   `json:"decision"` // approve | refuse
	Reasons        []string `json:"reasons"`
	Result         string   `json:"result"`
	ResultDelivery string   `json:"resultDelivery"` // electronic | mail | ""
	ReturnWaybill  string   `json:"returnWaybill"`  // mail; empty: ordered from the courier
	FileName       string   `json:"fileName"`
	FileBase64     string   `json:"fileBase64"` // optional PDF; electronic without one: the notice is rendered here
}

// HandOverInput is the handover of the result to the applicant.
type HandOverInput struct {
	CaseID    string `json:"caseId"`
	BasedOn   int    `json:"basedOn"`
	Method    string `json:"method"` // counter | mail | electronic
	Recipient string `json:"recipient"`
	IDNumber  string `json:"idNumber"` // the collector's; only its mask is kept
	Source    string `json:"source"`   // reader | manual
	Ref       string `json:"ref"`
}

// loopEnv is a case env plus this workstation's place.
type loopEnv struct {
	caseEnv
	hall string
}

func (h *HandlingService) env(op string, roles ...account.Role) (loopEnv, error) {
	e, err := h.deps.env(roles...)
	if err != nil {
		return loopEnv{}, toAPI(h.w.log, op, err)
	}
	h.w.mu.RLock()
	hall := h.w.settings.Hall.DivisionCode
	h.w.mu.RUnlock()
	return loopEnv{caseEnv: e, hall: hall}, nil
}

// done turns a changed case into the answer (personal data masked).
func (h *HandlingService) done(e loopEnv, op string, st cases.State, err error) (CaseResult, error) {
	if err != nil {
		return CaseResult{}, toAPI(h.w.log, op, err)
	}
	cs := &CaseService{w: h.w, deps: h.deps}
	return cs.result(e.caseEnv, loopMasked(st)), nil
}

// loopMasked hides the applicant's and agent's numbers, phone and address.
func loopMasked(st cases.State) cases.State {
	mask := func(p cases.Person) cases.Person {
		p.IDNumber, p.Phone = identity.MaskID(p.IDNumber), identity.MaskPhone(p.Phone)
		if r := []rune(p.Address); len(r) > 6 {
			p.Address = string(r[:6]) + "****"
		}
		return p
	}
	st.Applicant = mask(st.Applicant)
	if st.Agent != nil {
		a := mask(*st.Agent)
		st.Agent = &a
	}
	return st
}

// placeName names a place for people: by the platform's place directory
// cached here ("杭州市西湖区行政服务中心"), else by its division code.
func (h *HandlingService) placeName(code string) string {
	db, err := h.w.ready()
	if err != nil {
		return mailing.PlaceName(code)
	}
	return mailing.PlaceNameIn(context.Background(), db.Reader(), code)
}

// Inbox lists the cases with a task for this workstation's place; status
// waiting (dispatched, not signed for) | handling | done (approved or
// refused) | "" all. 全程网办 / 自助通办 cases routed here that no place has
// signed in yet are listed as waiting, without a waybill.
func (h *HandlingService) Inbox(status string) ([]InboxItem, error) {
	const op = "handling.inbox"
	e, err := h.env(op, rolesHandlingRead...)
	if err != nil {
		return nil, err
	}
	var filter, order string
	switch status {
	case "":
		order = "dispatched_at DESC"
	case "waiting":
		filter, order = "AND task_status = 'dispatched'", "dispatched_at"
	case "handling":
		filter, order = "AND task_status = 'handling'", "received_at"
	case "done":
		filter, order = "AND task_status IN ('approved', 'refused')", "handled_at DESC"
	default:
		return nil, toAPI(h.w.log, op, errs.Invalid("status", "unknown inbox status "+status, "收件箱状态须为待签收、办理中或已办结"))
	}
	db, err := h.w.ready()
	if err != nil {
		return nil, toAPI(h.w.log, op, err)
	}
	q := `SELECT * FROM (
		SELECT c.id, c.provisional_no, coalesce(c.official_no, '') AS official_no, c.matter_name, c.mode, c.hall_code, c.applicant_name,
			c.id_masked, t.waybill, t.batch, t.status AS task_status, t.dispatched_at, t.received_at, t.handled_at, c.version
		FROM case_tasks t JOIN cases c ON c.id = t.case_id WHERE t.place = ?
		UNION ALL
		SELECT c.id, c.provisional_no, coalesce(c.official_no, ''), c.matter_name, c.mode, c.hall_code, c.applicant_name,
			c.id_masked, '', '', 'dispatched', c.decided_at, '', '', c.version
		FROM cases c WHERE c.status = 'accepted' AND c.mode IN (?, ?) AND c.hall_code <> ?
			AND NOT EXISTS (SELECT 1 FROM case_tasks t WHERE t.case_id = c.id)
	) WHERE 1 = 1 ` + filter + " ORDER BY " + order + ", id LIMIT 1000"
	rows, err := db.Reader().QueryContext(context.Background(), q, e.hall, cases.ModeOnline, cases.ModeSelfService, e.hall)
	if err != nil {
		return nil, toAPI(h.w.log, op, fmt.Errorf("inbox: %w", err))
	}
	defer rows.Close()
	out := []InboxItem{}
	for rows.Next() {
		var it InboxItem
		if err := rows.Scan(&it.CaseID, &it.ProvisionalNo, &it.OfficialNo, &it.MatterName, &it.Mode, &it.HallCode, &it.Applicant,
			&it.IDMasked, &it.Waybill, &it.Batch, &it.TaskStatus, &it.DispatchedAt, &it.ReceivedAt, &it.HandledAt, &it.Version); err != nil {
			return nil, toAPI(h.w.log, op, fmt.Errorf("inbox: %w", err))
		}
		out = append(out, it)
	}
	if err := rows.Err(); err != nil {
		return nil, toAPI(h.w.log, op, fmt.Errorf("inbox: %w", err))
	}
	rows.Close()
	for i := range out {
		out[i].HallName = mailing.PlaceNameIn(context.Background(), db.Reader(), out[i].HallCode)
	}
	return out, nil
}

// loopTask is a case_tasks row found by waybill.
type loopTask struct{ caseID, place, provisionalNo string }

// SignByWaybill signs for the parcel whose waybill barcode was scanned.
// caseID is optional ("" finds the case by the waybill). A parcel for
// another place, a waybill of another case, an unknown waybill: each is
// refused with a clear message and audited (handling.sign_refused).
func (h *HandlingService) SignByWaybill(waybill, caseID string) (CaseResult, error) {
	const op = "handling.sign"
	e, err := h.env(op, rolesHandling...)
	if err != nil {
		return CaseResult{}, err
	}
	ctx := context.Background()
	w := cases.NormalizeWaybill(waybill)
	caseID = strings.TrimSpace(caseID)
	refuse := func(reason string, cause *errs.Error) (CaseResult, error) {
		h.auditSignRefusal(ctx, e, w, caseID, reason, cause)
		return CaseResult{}, toAPI(h.w.log, op, cause)
	}
	if w == "" {
		return refuse("empty", errs.Invalid("waybill", "waybill missing", "请扫描或输入邮件运单号"))
	}
	if _, err := cases.CleanWaybill(w); err != nil {
		if r := []rune(w); len(r) > cases.MaxWaybill {
			w = string(r[:cases.MaxWaybill]) // what is audited stays short
		}
		var ce *errs.Error
		if !errors.As(err, &ce) {
			ce = errs.Invalid("waybill", err.Error(), "运单号格式不正确")
		}
		return refuse("malformed", ce)
	}
	db, err := h.w.ready()
	if err != nil {
		return CaseResult{}, toAPI(h.w.log, op, err)
	}
	rows, err := db.Reader().QueryContext(ctx, `SELECT t.case_id, t.place, c.provisional_no FROM case_tasks t JOIN cases c ON c.id = t.case_id
		WHERE t.waybill = ? ORDER BY t.dispatched_at`, w)
	if err != nil {
		return CaseResult{}, toAPI(h.w.log, op, fmt.Errorf("find waybill: %w", err))
	}
	var mine, other []loopTask
	for rows.Next() {
		var r loopTask
		if err := rows.Scan(&r.caseID, &r.place, &r.provisionalNo); err != nil {
			rows.Close()
			return CaseResult{}, toAPI(h.w.log, op, fmt.Errorf("find waybill: %w", err))
		}
		if r.place == e.hall {
			mine = append(mine, r)
		} else {
			other = append(other, r)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return CaseResult{}, toAPI(h.w.log, op, fmt.Errorf("find waybill: %w", err))
	}
	elsewhere := func(place string) *errs.Error {
		return errs.Invalid("waybill", "parcel addressed to place "+place,
			"该邮件寄往"+h.placeName(place)+"，不属于本地，请勿签收并与收件地联系")
	}
	var target string
	switch {
	case caseID != "":
		for _, r := range mine {
			if r.caseID == caseID {
				target = r.caseID
			}
		}
		if target != "" {
			break
		}
		for _, r := range other {
			if r.caseID == caseID {
				return refuse("other_place", elsewhere(r.place))
			}
		}
		if len(mine)+len(other) > 0 {
			no := ""
			if len(mine) > 0 {
				no = "（" + mine[0].provisionalNo + "）"
			}
			return refuse("other_case", errs.Invalid("waybill", "waybill belongs to another case",
				"该运单号属于另一办件"+no+"，不是所选办件的寄递邮件，请核对邮件"))
		}
	case len(mine) == 1:
		target = mine[0].caseID
	case len(mine) > 1:
		return refuse("ambiguous", errs.New(errs.ECONFLICT, "waybill of several cases",
			"该运单号对应多个办件，请在收件箱中选择办件后再扫描签收"))
	case len(other) > 0:
		return refuse("other_place", elsewhere(other[0].place))
	}
	if target == "" {
		return refuse("unknown", errs.New(errs.ENOTFOUND, "waybill unknown", "未找到该运单号对应的办件（可能尚未同步），请稍后刷新或先同步"))
	}
	version, err := loopCaseVersion(ctx, db.Reader(), target)
	if err != nil {
		return CaseResult{}, toAPI(h.w.log, op, err)
	}
	st, err := e.svc.Record(ctx, e.actor, target, version, cases.KindHandlerReceived, "", cases.Handling{Place: e.hall, Waybill: w})
	return h.done(e, op, st, err)
}

// auditSignRefusal records a refused signing: the waybill, the case named
// and why (no personal data).
func (h *HandlingService) auditSignRefusal(ctx context.Context, e loopEnv, waybill, caseID, reason string, cause *errs.Error) {
	objType, objID := "case", caseID
	if caseID == "" {
		objType, objID = "waybill", waybill
	}
	detail, _ := json.Marshal(map[string]any{"waybill": waybill, "caseId": caseID, "place": e.hall, "reason": reason, "code": cause.Code})
	if _, err := e.audit.Append(ctx, audit.Entry{At: h.w.now(), Actor: e.actor.Username, Role: string(e.actor.Role),
		Action: "handling.sign_refused", ObjectType: objType, ObjectID: objID, Detail: detail}); err != nil {
		h.w.log.Error("audit refused signing", "err", err)
	}
}

type loopRowQuerier interface {
	QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row
}

// loopCaseVersion is the case's current version (ENOTFOUND when absent).
func loopCaseVersion(ctx context.Context, q loopRowQuerier, caseID string) (int, error) {
	var v int
	err := q.QueryRowContext(ctx, "SELECT version FROM cases WHERE id = ?", caseID).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, errs.New(errs.ENOTFOUND, "case not found", "办件不存在（可能尚未同步）")
	}
	if err != nil {
		return 0, fmt.Errorf("case version: %w", err)
	}
	return v, nil
}

// Receive signs a case in at this place without a parcel (nothing was
// mailed: 全程网办, 自助通办, or a task dispatched without paper).
func (h *HandlingService) Receive(caseID string, basedOn int) (CaseResult, error) {
	const op = "handling.receive"
	e, err := h.env(op, rolesHandling...)
	if err != nil {
		return CaseResult{}, err
	}
	st, err := e.svc.Record(context.Background(), e.actor, caseID, basedOn, cases.KindHandlerReceived, "", cases.Handling{Place: e.hall})
	return h.done(e, op, st, err)
}

// Decide records this place's decision. An electronic result carries a
// file (uploaded, or the 办理结果通知书 rendered here) that is stored in the
// blob store and attached to the case so sync uploads it; a mailed result
// carries a return waybill (ordered from the courier when none is given).
func (h *HandlingService) Decide(in DecideInput) (CaseResult, error) {
	const op = "handling.decide"
	e, err := h.env(op, rolesHandling...)
	if err != nil {
		return CaseResult{}, err
	}
	ctx := context.Background()
	d, err := e.svc.Detail(ctx, e.actor, in.CaseID, false)
	if err != nil {
		return CaseResult{}, toAPI(h.w.log, op, err)
	}
	st := d.State
	if err := e.svc.CheckFresh(ctx, e.actor, in.CaseID, in.BasedOn, cases.KindHandled); err != nil {
		return CaseResult{}, toAPI(h.w.log, op, err)
	}
	if err := cleanDecideInput(&in); err != nil {
		return CaseResult{}, toAPI(h.w.log, op, err)
	}
	p := cases.Handling{Place: e.hall, Decision: in.Decision, Reasons: in.Reasons, Result: in.Result,
		ResultDelivery: in.ResultDelivery, ReturnWaybill: in.ReturnWaybill}
	// The journal's own rules first, with a stand-in for the file and the
	// waybill, so a refused step (a closed case, a place not signed in)
	// stores no file and orders no parcel. The refusal is audited.
	probe := p
	switch p.ResultDelivery {
	case cases.ResultElectronic:
		probe.ResultFile = &cases.FileRef{SHA256: strings.Repeat("0", 64), Name: "probe.pdf", Size: 1}
	case cases.ResultMail:
		if probe.ReturnWaybill == "" {
			probe.ReturnWaybill = "PROBE"
		}
	}
	if err := h.check(e, st, cases.KindHandled, probe); err != nil {
		h.auditRefused(ctx, e, st.CaseID, cases.KindHandled, err)
		return CaseResult{}, toAPI(h.w.log, op, err)
	}
	switch p.ResultDelivery {
	case cases.ResultElectronic:
		ref, err := h.resultFile(ctx, e, d, in)
		if err != nil {
			return CaseResult{}, toAPI(h.w.log, op, err)
		}
		p.ResultFile = &ref
	case cases.ResultMail:
		if p.ReturnWaybill == "" {
			if p.ReturnWaybill, err = h.orderReturn(ctx, e, st); err != nil {
				return CaseResult{}, toAPI(h.w.log, op, err)
			}
		}
	}
	out, err := e.svc.Record(ctx, e.actor, in.CaseID, in.BasedOn, cases.KindHandled, "", p)
	return h.done(e, op, out, err)
}

// check asks the journal whether kind with payload may follow st.
func (h *HandlingService) check(e loopEnv, st cases.State, kind cases.Kind, payload any) error {
	raw, err := json.Marshal(payload)
	if err != nil {
		return fmt.Errorf("marshal %s: %w", kind, err)
	}
	h.w.mu.RLock()
	dev := h.w.deviceID
	h.w.mu.RUnlock()
	a := cases.Action{ID: "check", CaseID: st.CaseID, Seq: st.Version + 1, Kind: kind, Actor: e.actor.Username, Role: e.actor.Role,
		DeviceID: dev, HallCode: e.hall, DeviceTime: h.w.now().UTC(), Payload: raw, BasedOn: st.Version}
	return cases.Check(st, a)
}

// auditRefused records a refused loop step like the journal does
// (case.refused_attempt).
func (h *HandlingService) auditRefused(ctx context.Context, e loopEnv, caseID string, kind cases.Kind, cause error) {
	detail, _ := json.Marshal(map[string]any{"kind": kind, "code": errs.Code(cause), "error": cause.Error()})
	if _, err := e.audit.Append(ctx, audit.Entry{At: h.w.now(), Actor: e.actor.Username, Role: string(e.actor.Role),
		Action: "case.refused_attempt", ObjectType: "case", ObjectID: caseID, Detail: detail}); err != nil {
		h.w.log.Error("audit refused step", "err", err)
	}
}

// orderReturn orders the parcel that carries the paper result back to the
// collecting hall and returns its tracking number.
func (h *HandlingService) orderReturn(ctx context.Context, e loopEnv, st cases.State) (string, error) {
	h.w.mu.RLock()
	sender := strings.TrimSpace(h.w.settings.Hall.Name)
	h.w.mu.RUnlock()
	if sender == "" {
		sender = h.placeName(e.hall)
	}
	to, _ := identity.RegionName(st.HallCode)
	if to == "" {
		to = st.HallCode
	}
	no := st.OfficialNo
	if no == "" {
		no = st.ProvisionalNo
	}
	c := h.courier
	if c == nil {
		r := h.w.mail
		h.w.mu.RLock()
		name := h.w.settings.Mail.CourierName()
		h.w.mu.RUnlock()
		var err error
		if c, err = r.courier(name); err != nil {
			return "", err
		}
	}
	wb, err := c.CreateOrder(ctx, courier.Order{Ref: no,
		Sender:    courier.Address{Org: sender, Detail: h.placeName(e.hall)},
		Recipient: courier.Address{Org: to + "政务服务中心（收件窗口）", Detail: to + "（区划代码 " + st.HallCode + "）"},
		Contents:  "办理结果（" + st.Matter.Name + "）", WeightG: 200})
	if err != nil {
		return "", printErr(err)
	}
	return wb.TrackingNo, nil
}

// SignResult signs at the collecting hall for the parcel that brought the
// result back (its return waybill scanned).
func (h *HandlingService) SignResult(caseID, waybill string) (CaseResult, error) {
	const op = "handling.sign_result"
	e, err := h.env(op, rolesHallResult...)
	if err != nil {
		return CaseResult{}, err
	}
	ctx := context.Background()
	db, err := h.w.ready()
	if err != nil {
		return CaseResult{}, toAPI(h.w.log, op, err)
	}
	version, err := loopCaseVersion(ctx, db.Reader(), caseID)
	if err != nil {
		return CaseResult{}, toAPI(h.w.log, op, err)
	}
	if err := h.hallCase(ctx, e, caseID, cases.KindResultArrived); err != nil {
		return CaseResult{}, toAPI(h.w.log, op, err)
	}
	w, err := cases.CleanWaybill(waybill)
	if err != nil {
		return CaseResult{}, toAPI(h.w.log, op, err)
	}
	st, err := e.svc.Record(ctx, e.actor, caseID, version, cases.KindResultArrived, "", cases.ResultArrival{Waybill: w})
	return h.done(e, op, st, err)
}

// HandOver records the handover of the result. At the counter the
// collector's identity is checked again: the number is validated, a
// "reader" source must be a card this workstation's reader read, and only
// the masked number is kept.
func (h *HandlingService) HandOver(in HandOverInput) (CaseResult, error) {
	const op = "handling.hand_over"
	e, err := h.env(op, rolesHallResult...)
	if err != nil {
		return CaseResult{}, err
	}
	if err := h.hallCase(context.Background(), e, in.CaseID, cases.KindResultDelivered); err != nil {
		return CaseResult{}, toAPI(h.w.log, op, err)
	}
	p := cases.Delivery{Method: in.Method, Ref: strings.TrimSpace(in.Ref), Recipient: strings.TrimSpace(in.Recipient)}
	if strings.TrimSpace(in.IDNumber) != "" {
		now := h.w.now()
		doc, err := identity.Parse(in.IDNumber, now)
		if err != nil {
			return CaseResult{}, toAPI(h.w.log, op, err)
		}
		switch identity.Source(in.Source) {
		case identity.SourceReader:
			if !h.deps.wasRead(doc.Number, now) {
				return CaseResult{}, toAPI(h.w.log, op, errs.Invalid("identity", "reader source not confirmed",
					"未找到本机读卡器的读卡记录（可能程序已重启），请重新读卡或改为手工录入"))
			}
		case identity.SourceManual:
		default:
			return CaseResult{}, toAPI(h.w.log, op, errs.Invalid("source", "unknown identity source "+in.Source,
				"证件信息来源不明（应为读卡器或手工录入）"))
		}
		p.IdentitySource, p.IDMasked = in.Source, identity.MaskID(doc.Number)
	}
	// Without an identity check the journal refuses a counter handover
	// (and the refusal is audited).
	st, err := e.svc.Record(context.Background(), e.actor, in.CaseID, in.BasedOn, cases.KindResultDelivered, "", p)
	return h.done(e, op, st, err)
}

// Close archives a case whose result was delivered.
func (h *HandlingService) Close(caseID string, basedOn int) (CaseResult, error) {
	const op = "handling.close"
	e, err := h.env(op, rolesHallResult...)
	if err != nil {
		return CaseResult{}, err
	}
	if err := h.hallCase(context.Background(), e, caseID, cases.KindClosed); err != nil {
		return CaseResult{}, toAPI(h.w.log, op, err)
	}
	st, err := e.svc.Record(context.Background(), e.actor, caseID, basedOn, cases.KindClosed, "", nil)
	return h.done(e, op, st, err)
}

// hallCase checks that caseID was received by this workstation's hall:
// signing for a mailed result, handing it over and closing are the
// collecting hall's (a handling place holds the case too). A refusal is
// audited like the journal's (case.refused_attempt).
func (h *HandlingService) hallCase(ctx context.Context, e loopEnv, caseID string, kind cases.Kind) error {
	db, err := h.w.ready()
	if err != nil {
		return err
	}
	var hall string
	err = db.Reader().QueryRowContext(ctx, "SELECT hall_code FROM cases WHERE id = ?", caseID).Scan(&hall)
	if errors.Is(err, sql.ErrNoRows) {
		return errs.New(errs.ENOTFOUND, "case not found", "办件不存在（可能尚未同步）")
	}
	if err != nil {
		return fmt.Errorf("case hall: %w", err)
	}
	if hall == e.hall {
		return nil
	}
	cause := errs.New(errs.EFORBIDDEN, "case of another hall "+hall,
		"该办件由"+h.placeName(hall)+"收件，结果的签收、交付和归档须由收件地办理")
	h.auditRefused(ctx, e, caseID, kind, cause)
	return cause
}

// Waiting lists this hall's cases whose result waits for the counter
// (handled or sent back, not delivered), and the 全程网办 / 自助通办 cases
// of this hall that arrived from other devices and need a counter step.
func (h *HandlingService) Waiting() ([]cases.Summary, error) {
	const op = "handling.waiting"
	if _, err := h.w.session.require(); err != nil {
		return nil, toAPI(h.w.log, op, err)
	}
	if h.w.hallMissing() {
		return []cases.Summary{}, nil
	}
	e, err := h.env(op)
	if err != nil {
		return nil, err
	}
	db, err := h.w.ready()
	if err != nil {
		return nil, toAPI(h.w.log, op, err)
	}
	h.w.mu.RLock()
	dev := h.w.deviceID
	h.w.mu.RUnlock()
	rows, err := db.Reader().QueryContext(context.Background(), `SELECT id, provisional_no, coalesce(official_no, ''), matter_code,
		matter_name, mode, status, applicant_name, id_masked, phone_masked, agent_name, received_at, due_date, notice_due, checked_out_by,
		conflicts, version FROM cases WHERE hall_code = ? AND (status IN (?, ?)
			OR (status = ? AND mode IN (?, ?) AND device_id <> ?))
		ORDER BY updated_at LIMIT 1000`, e.hall, cases.StatusHandled, cases.StatusSentBack,
		cases.StatusAccepted, cases.ModeOnline, cases.ModeSelfService, dev)
	if err != nil {
		return nil, toAPI(h.w.log, op, fmt.Errorf("waiting: %w", err))
	}
	defer rows.Close()
	today := h.w.now().In(printZone).Format("2006-01-02")
	out := []cases.Summary{}
	for rows.Next() {
		var c cases.Summary
		if err := rows.Scan(&c.CaseID, &c.ProvisionalNo, &c.OfficialNo, &c.MatterCode, &c.MatterName, &c.Mode, &c.Status,
			&c.ApplicantName, &c.IDMasked, &c.PhoneMasked, &c.AgentName, &c.ReceivedAt, &c.DueDate, &c.NoticeDue,
			&c.CheckedOutBy, &c.Conflicts, &c.Version); err != nil {
			return nil, toAPI(h.w.log, op, fmt.Errorf("waiting: %w", err))
		}
		c.StatusLabel = c.Status.Label()
		c.Overdue = c.DueDate != "" && c.DueDate < today
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, toAPI(h.w.log, op, fmt.Errorf("waiting: %w", err))
	}
	return out, nil
}

// Limits of what a handler types into a decision.
const (
	maxDecisionReasons = 20
	maxResultText      = 500
)

// cleanDecideInput trims and bounds the typed parts of a decision: the
// result text, each reason, and the return waybill's format.
func cleanDecideInput(in *DecideInput) error {
	var err error
	if in.Result, err = cases.CleanText("result", "办理结果", in.Result, maxResultText); err != nil {
		return err
	}
	if len(in.Reasons) > maxDecisionReasons {
		return errs.Invalid("reasons", "too many reasons", fmt.Sprintf("不予办理理由最多 %d 条", maxDecisionReasons))
	}
	for i, r := range in.Reasons {
		if in.Reasons[i], err = cases.CleanText("reasons", "不予办理理由", r, cases.MaxReason); err != nil {
			return err
		}
	}
	if strings.TrimSpace(in.ReturnWaybill) != "" {
		if in.ReturnWaybill, err = cases.CleanWaybill(in.ReturnWaybill); err != nil {
			return err
		}
	}
	return nil
}
