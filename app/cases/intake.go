package cases

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"tongban/app/audit"
	"tongban/app/errs"
	"tongban/app/identity"
)

// OpenInput is what the intake wizard has collected when the clerk reaches
// the decision. Identity, Materials and Review are optional here and can be
// recorded later with their own calls.
type OpenInput struct {
	DraftID   string            `json:"draftId,omitempty"` // deleted in the same transaction
	Intake    Intake            `json:"intake"`
	Identity  *identity.Checked `json:"identity,omitempty"`
	Materials *Materials        `json:"materials,omitempty"`
	Review    *Review           `json:"review,omitempty"`
}

// Open creates a case: a UUIDv7 id, a provisional number and the journal's
// first actions (received, then identity_checked, material_received and
// formal_review when given), all in one transaction.
func (s *Service) Open(ctx context.Context, actor Actor, in OpenInput) (State, error) {
	if err := checkActor(actor); err != nil {
		return State{}, err
	}
	intake, err := s.cleanIntake(in.Intake)
	if err != nil {
		return State{}, err
	}
	var idStep *step
	if in.Identity != nil {
		st, err := s.identityStep("applicant", intake.Applicant, *in.Identity)
		if err != nil {
			return State{}, err
		}
		idStep = &st
	}
	var matStep, revStep *step
	if in.Materials != nil {
		items, err := cleanMaterials(in.Materials.Items)
		if err != nil {
			return State{}, err
		}
		matStep = &step{kind: KindMaterialReceived, payload: fixed(Materials{Items: items})}
	}
	if in.Review != nil {
		r, err := cleanReview(*in.Review)
		if err != nil {
			return State{}, err
		}
		revStep = &step{kind: KindFormalReview, payload: fixed(r)}
	}
	id, err := uuid.NewV7()
	if err != nil {
		return State{}, fmt.Errorf("case id: %w", err)
	}
	var out State
	err = s.db.WriteTx(ctx, func(tx *sql.Tx) error {
		no, err := s.nextProvisional(ctx, tx, s.now())
		if err != nil {
			return err
		}
		intake.ProvisionalNo = no
		steps := []step{{kind: KindReceived, payload: fixed(intake)}}
		for _, p := range []*step{idStep, matStep, revStep} {
			if p != nil {
				steps = append(steps, *p)
			}
		}
		st, err := s.write(ctx, tx, actor, State{CaseID: id.String()}, steps)
		if err != nil {
			return err
		}
		if in.DraftID != "" {
			if _, err := tx.ExecContext(ctx, "DELETE FROM case_drafts WHERE id = ? AND owner = ?", in.DraftID, actor.Username); err != nil {
				return fmt.Errorf("delete draft: %w", err)
			}
		}
		out = st
		return nil
	})
	return out, err
}

func (s *Service) cleanIntake(in Intake) (Intake, error) {
	m := in.Matter
	if strings.TrimSpace(m.Code) == "" || strings.TrimSpace(m.Name) == "" {
		return in, errs.Invalid("matter", "matter missing", "请先选择办理事项")
	}
	if !slices.Contains(AllModes, m.Mode) {
		return in, errs.Invalid("mode", "unknown mode "+string(m.Mode), "请选择通办业务模式")
	}
	p, err := s.cleanPerson("applicant", in.Applicant, true)
	if err != nil {
		return in, err
	}
	in.Applicant = p
	if in.Agent != nil {
		a, err := s.cleanPerson("agent", *in.Agent, false)
		if err != nil {
			return in, err
		}
		in.Agent = &a
	}
	if len(in.Form) > MaxItems {
		return in, errs.Invalid("form", "too many form fields", "表单字段过多")
	}
	form := make(map[string]string, len(in.Form))
	for k, v := range in.Form {
		c, err := CleanText("form."+k, "表单内容", v, MaxFormText)
		if err != nil {
			return in, err
		}
		form[k] = c
	}
	in.Form = form
	return in, nil
}

func (s *Service) cleanPerson(field string, p Person, phoneRequired bool) (Person, error) {
	label := map[string]string{"applicant": "申请人", "agent": "代办人"}[field]
	name, err := CleanName(field+".name", p.Name)
	if err != nil {
		return p, err
	}
	p.Name = name
	doc, err := parseDoc(p, s.now())
	if err != nil {
		var e *errs.Error
		if ee, ok := err.(*errs.Error); ok {
			e = &errs.Error{Code: ee.Code, Message: ee.Message, Zh: label + "：" + ee.Zh, Field: field + "." + ee.Field}
			return p, e
		}
		return p, err
	}
	p.IDType, p.IDNumber, p.Country = string(doc.Type), doc.Number, doc.Country
	if p.Phone != "" || phoneRequired {
		if p.Phone, err = CleanPhone(field+".phone", p.Phone); err != nil {
			return p, err
		}
	}
	if p.Address, err = CleanText(field+".address", "地址", p.Address, MaxAddress); err != nil {
		return p, err
	}
	return p, nil
}

func parseDoc(p Person, now time.Time) (identity.Document, error) {
	if p.IDType == "" {
		return identity.Parse(p.IDNumber, now)
	}
	return identity.ParseAs(identity.DocType(p.IDType), p.IDNumber, p.Country, now)
}

func (s *Service) identityStep(who string, p Person, c identity.Checked) (step, error) {
	if c.Document.Number != p.IDNumber {
		return step{}, errs.Invalid("identity", "checked document differs from "+who,
			"核验的证件号码与"+map[string]string{"applicant": "申请人", "agent": "代办人"}[who]+"填写的证件号码不一致")
	}
	var warns []string
	for _, w := range c.Warnings {
		warns = append(warns, w.Zh)
	}
	return step{kind: KindIdentityChecked, payload: fixed(IdentityCheck{Who: who, Source: string(c.Card.Source),
		DocType: string(c.Document.Type), Masked: c.Document.Masked(), ReaderID: c.Card.ReaderID, Warnings: warns})}, nil
}

// CheckIdentity records the identity check of the applicant or the agent
// (who: "applicant" | "agent"). c comes from identity.Card.Check, so a
// manual entry is recorded as such.
func (s *Service) CheckIdentity(ctx context.Context, actor Actor, caseID string, basedOn int, who string, c identity.Checked) (State, error) {
	st, _, err := s.get(ctx, caseID)
	if err != nil {
		return State{}, err
	}
	p := st.Applicant
	if who == "agent" {
		if st.Agent == nil {
			return State{}, errs.Invalid("who", "no agent", "本件没有代办人")
		}
		p = *st.Agent
	} else if who != "applicant" {
		return State{}, errs.Invalid("who", "who must be applicant or agent", "核验对象须为申请人或代办人")
	}
	stp, err := s.identityStep(who, p, c)
	if err != nil {
		return State{}, err
	}
	return s.appendSteps(ctx, actor, caseID, basedOn, stp)
}

func cleanMaterials(items []MaterialItem) ([]MaterialItem, error) {
	if len(items) > MaxItems {
		return nil, errs.Invalid("materials", "too many items", "材料条目过多")
	}
	out := make([]MaterialItem, len(items))
	for i, m := range items {
		var err error
		if m.Name, err = CleanText("materials.name", "材料名称", m.Name, MaxAddress); err != nil {
			return nil, err
		}
		if m.Problem, err = CleanText("materials.problem", "材料问题说明", m.Problem, MaxReason); err != nil {
			return nil, err
		}
		if m.LicenceRef, err = CleanText("materials.licenceRef", "电子证照编号", m.LicenceRef, MaxAddress); err != nil {
			return nil, err
		}
		switch m.Status {
		case "received", "not_applicable":
		case "missing", "faulty":
			if m.Problem == "" {
				return nil, errs.Invalid("materials.problem", "problem without reason", fmt.Sprintf("材料“%s”有问题，请写明原因", m.Name))
			}
		default:
			return nil, errs.Invalid("materials.status", "bad status "+m.Status, "材料状态须为已收、缺少、有误或不适用")
		}
		if m.Pages < 0 || m.Pages > 10000 {
			return nil, errs.Invalid("materials.pages", "bad page count", "页数不正确")
		}
		out[i] = m
	}
	return out, nil
}

func cleanReview(r Review) (Review, error) {
	if len(r.Findings) > MaxItems {
		return r, errs.Invalid("findings", "too many findings", "审查意见过多")
	}
	for i, f := range r.Findings {
		reason, err := CleanText("findings.reason", "审查意见", f.Reason, MaxReason)
		if err != nil {
			return r, err
		}
		if reason == "" {
			return r, errs.Invalid("findings.reason", "finding without reason", "每个审查问题都须写明原因")
		}
		r.Findings[i].Reason = reason
	}
	r.Passed = len(r.Findings) == 0
	return r, nil
}

// ReceiveMaterials records (part of) the materials checklist.
func (s *Service) ReceiveMaterials(ctx context.Context, actor Actor, caseID string, basedOn int, m Materials) (State, error) {
	items, err := cleanMaterials(m.Items)
	if err != nil {
		return State{}, err
	}
	return s.appendSteps(ctx, actor, caseID, basedOn, step{kind: KindMaterialReceived, payload: fixed(Materials{Items: items})})
}

// FormalReview records the formal review with a reason per problem.
func (s *Service) FormalReview(ctx context.Context, actor Actor, caseID string, basedOn int, r Review) (State, error) {
	r, err := cleanReview(r)
	if err != nil {
		return State{}, err
	}
	return s.appendSteps(ctx, actor, caseID, basedOn, step{kind: KindFormalReview, payload: fixed(r)})
}

// Accept accepts the application (受理) and fills the receipt; when the
// matter requires approval of acceptances it is submitted to a supervisor
// instead (the returned state says which).
func (s *Service) Accept(ctx context.Context, actor Actor, caseID string, basedOn int) (State, error) {
	st, _, err := s.get(ctx, caseID)
	if err != nil {
		return State{}, err
	}
	if st.Matter.AcceptanceNeedsApproval {
		return s.appendSteps(ctx, actor, caseID, basedOn, step{kind: KindSubmitted, payload: fixed(Proposal{Decision: "accept"})})
	}
	return s.appendSteps(ctx, actor, caseID, basedOn, step{kind: KindAccepted, payload: s.receipt(actor)})
}

// receipt builds the acceptance receipt from the case at decision time.
func (s *Service) receipt(actor Actor) func(State) (any, error) {
	return func(st State) (any, error) {
		now := s.now()
		r := Receipt{CaseID: st.CaseID, ProvisionalNo: st.ProvisionalNo, Provisional: st.OfficialNo == "",
			MatterCode: st.Matter.Code, MatterName: st.Matter.Name, Mode: st.Matter.Mode, Applicant: st.Applicant.Name,
			IDMasked: identity.MaskID(st.Applicant.IDNumber), AcceptedAt: ts(now), Clerk: actor.Username, HallCode: s.cfg.HallCode}
		if st.Agent != nil {
			r.Agent = st.Agent.Name
		}
		for _, m := range st.Materials {
			if m.Status == "received" {
				r.Materials = append(r.Materials, m)
			}
		}
		due, exact := s.cal.AddWorkingDays(now, st.Matter.PromisedLimitDays)
		r.DueDate, r.Approximate = due.Format("2006-01-02"), !exact
		return r, nil
	}
}

// RequestSupplement issues the one-time supplement notice (一次性告知):
// every missing or faulty item with its reason, dated, with the §32 limit.
// A case gets one notice; a second is refused by the state machine.
func (s *Service) RequestSupplement(ctx context.Context, actor Actor, caseID string, basedOn int, items []SupplementItem) (State, error) {
	if len(items) == 0 {
		return State{}, errs.Invalid("items", "empty supplement notice", "补正告知须列明需要补正的全部内容")
	}
	if len(items) > MaxItems {
		return State{}, errs.Invalid("items", "too many items", "补正条目过多")
	}
	clean := make([]SupplementItem, len(items))
	for i, it := range items {
		var err error
		if it.Name, err = CleanText("items.name", "材料名称", it.Name, MaxAddress); err != nil {
			return State{}, err
		}
		if it.Reason, err = CleanText("items.reason", "补正原因", it.Reason, MaxReason); err != nil {
			return State{}, err
		}
		if it.Name == "" || it.Reason == "" {
			return State{}, errs.Invalid("items.reason", "item without name or reason", "每一项补正内容都须写明材料名称和原因")
		}
		if it.Problem != "missing" && it.Problem != "faulty" {
			return State{}, errs.Invalid("items.problem", "problem must be missing or faulty", "补正类型须为缺少或不符合要求")
		}
		clean[i] = it
	}
	return s.appendSteps(ctx, actor, caseID, basedOn, step{kind: KindSupplementRequest, payload: func(st State) (any, error) {
		now := s.now()
		due, exact := s.cal.AddWorkingDays(st.ReceivedAt, NoticeWorkingDays)
		n := SupplementNotice{Items: clean, NoticeDate: hallDay(now), NoticeDue: due.Format("2006-01-02"), Approximate: !exact}
		n.WithinLimit = n.NoticeDate <= n.NoticeDue
		return n, nil
	}})
}

// ReceiveSupplement records the materials the applicant brought back; the
// case returns to review.
func (s *Service) ReceiveSupplement(ctx context.Context, actor Actor, caseID string, basedOn int, m Materials) (State, error) {
	items, err := cleanMaterials(m.Items)
	if err != nil {
		return State{}, err
	}
	return s.appendSteps(ctx, actor, caseID, basedOn, step{kind: KindSupplementReceived, payload: fixed(Materials{Items: items})})
}

// Refuse decides not to accept (不予受理) with reasons; the refusal carries
// the applicant's remedies. When the matter's guide says
// refusalNeedsApproval it goes to the supervisor queue instead.
func (s *Service) Refuse(ctx context.Context, actor Actor, caseID string, basedOn int, reasons, basis []string) (State, error) {
	ref := Refusal{RightsText: RightsText}
	for _, r := range reasons {
		c, err := CleanText("reasons", "不予受理理由", r, MaxReason)
		if err != nil {
			return State{}, err
		}
		if c != "" {
			ref.Reasons = append(ref.Reasons, c)
		}
	}
	for _, b := range basis {
		c, err := CleanText("basis", "依据", b, MaxReason)
		if err != nil {
			return State{}, err
		}
		if c != "" {
			ref.Basis = append(ref.Basis, c)
		}
	}
	if len(ref.Reasons) == 0 {
		return State{}, errs.Invalid("reasons", "refusal without reasons", "不予受理须写明理由")
	}
	st, _, err := s.get(ctx, caseID)
	if err != nil {
		return State{}, err
	}
	if st.Matter.RefusalNeedsApproval {
		return s.appendSteps(ctx, actor, caseID, basedOn, step{kind: KindSubmitted, reason: ref.Reasons[0],
			payload: fixed(Proposal{Decision: "refuse", Refusal: &ref})})
	}
	return s.appendSteps(ctx, actor, caseID, basedOn, step{kind: KindRefused, reason: ref.Reasons[0], payload: fixed(ref)})
}

// Record appends one of the actions without a dedicated method:
// dispatched, handler_received, handled, result_received, result_delivered, closed,
// withdrawn, official_number_assigned. payload is that kind's payload type
// (Dispatch, Handling, ResultArrival, Delivery, OfficialNumber) or nil.
func (s *Service) Record(ctx context.Context, actor Actor, caseID string, basedOn int, kind Kind, reason string, payload any) (State, error) {
	switch kind {
	case KindDispatched, KindHandlerReceived, KindHandled, KindResultArrived, KindResultDelivered, KindClosed, KindWithdrawn, KindOfficialNumber:
	default:
		return State{}, errs.Invalid("kind", "use the dedicated method for "+string(kind), "该操作须通过专门的功能完成")
	}
	if kind == KindWithdrawn && strings.TrimSpace(reason) == "" {
		return State{}, errs.Invalid("reason", "withdrawal without reason", "撤回须写明原因")
	}
	st, err := s.appendSteps(ctx, actor, caseID, basedOn, step{kind: kind, reason: reason, payload: fixed(payload)})
	if err != nil {
		s.recordRefusal(ctx, actor, caseID, kind, err)
	}
	return st, err
}

// recordRefusal writes a refused attempt of a loop step (a wrong waybill, a
// result for a closed case...) to the audit log: the attempt is recorded,
// the journal is left as it was. Stale versions are not refusals.
func (s *Service) recordRefusal(ctx context.Context, actor Actor, caseID string, kind Kind, cause error) {
	switch errs.Code(cause) {
	case errs.EINVALID, errs.EFORBIDDEN, errs.ECONFLICT:
	default:
		return
	}
	if strings.Contains(cause.Error(), "action based on") {
		return
	}
	detail, _ := json.Marshal(map[string]any{"kind": kind, "code": errs.Code(cause), "error": cause.Error()})
	_, _ = s.audit.Append(ctx, audit.Entry{At: s.now(), Actor: actor.Username, Role: string(actor.Role),
		Action: "case.refused_attempt", ObjectType: "case", ObjectID: caseID, Detail: detail})
}
