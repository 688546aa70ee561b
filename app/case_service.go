package app

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"tongban/app/account"
	"tongban/app/audit"
	"tongban/app/cases"
	"tongban/app/catalog"
	"tongban/app/errs"
	"tongban/app/identity"
	"tongban/app/store"
)

// caseDeps builds the case journal, audit log and calendar for the open
// database on first use and rebuilds them when the database (a restore) or
// the hall code (settings) changes. It also remembers which cards this
// workstation's reader read, so an identity check claimed as "reader" can
// be trusted.
type caseDeps struct {
	w *Workstation

	mu    sync.Mutex
	db    *store.DB
	hall  string
	svc   *cases.Service
	audit *audit.Log
	cal   *cases.Calendar
	reads map[string]time.Time // canonical number → when the reader read it
}

// readTrust is how long a card read vouches for an identity check.
const readTrust = 4 * time.Hour

func newCaseDeps(w *Workstation) *caseDeps {
	return &caseDeps{w: w, reads: map[string]time.Time{}}
}

type caseEnv struct {
	svc   *cases.Service
	audit *audit.Log
	cat   *catalog.Catalog
	actor cases.Actor
	user  *account.User
}

// env checks the session for roles and returns what a case call needs.
func (d *caseDeps) env(roles ...account.Role) (caseEnv, error) {
	u, err := d.w.session.require(roles...)
	if err != nil {
		return caseEnv{}, err
	}
	svc, log, err := d.build()
	if err != nil {
		return caseEnv{}, err
	}
	d.w.mu.RLock()
	cat := d.w.catalog
	d.w.mu.RUnlock()
	return caseEnv{svc: svc, audit: log, cat: cat, user: u,
		actor: cases.Actor{Username: u.Username, DisplayName: u.DisplayName, Role: cases.Role(u.Role)}}, nil
}

// build returns the case journal and audit log of the open database for
// the hall in the settings, made once and rebuilt when the database (a
// restore) or the hall changes. It needs no session: background work
// (courier tracking) uses it too.
func (d *caseDeps) build() (*cases.Service, *audit.Log, error) {
	db, err := d.w.ready()
	if err != nil {
		return nil, nil, err
	}
	d.w.mu.RLock()
	hall, dev, now := d.w.settings.Hall.DivisionCode, d.w.deviceID, d.w.now
	d.w.mu.RUnlock()
	if hall == "" {
		return nil, nil, errs.New(errs.EINVALID, "hall division code not set",
			"本机尚未设置服务大厅的行政区划代码，暂不能办件：请管理员在“系统设置”中填写后再试")
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.svc == nil || d.db != db || d.hall != hall {
		ctx := context.Background()
		if d.db != db || d.cal == nil {
			cal, err := cases.LoadCalendar(ctx, db)
			if err != nil {
				return nil, nil, fmt.Errorf("calendar: %w", err)
			}
			if err := cal.EnsureBuiltin(ctx); err != nil {
				return nil, nil, fmt.Errorf("calendar: %w", err)
			}
			d.cal = cal
			d.audit = audit.New(db, dev, now)
		}
		svc, err := cases.New(ctx, db, d.audit, d.cal, cases.Config{DeviceID: dev, HallCode: hall, Now: now})
		if err != nil {
			return nil, nil, fmt.Errorf("case service: %w", err)
		}
		d.db, d.hall, d.svc = db, hall, svc
	}
	return d.svc, d.audit, nil
}

// rememberRead records that the reader read number now.
func (d *caseDeps) rememberRead(number string, at time.Time) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for k, t := range d.reads {
		if at.Sub(t) > readTrust {
			delete(d.reads, k)
		}
	}
	d.reads[number] = at
}

func (d *caseDeps) wasRead(number string, now time.Time) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	t, ok := d.reads[number]
	return ok && now.Sub(t) <= readTrust
}

// Roles allowed per area.
var (
	rolesIntake    = []account.Role{account.RoleClerk, account.RoleFieldAgent}
	rolesApprove   = []account.Role{account.RoleSupervisor}
	rolesRelease   = []account.Role{account.RoleSupervisor, account.RoleAdmin}
	rolesApprovalQ = []account.Role{account.RoleSupervisor, account.RoleAdmin}
)

// CaseResult is a case after a change, with the §32 clock of an undecided
// case: the last day the law allows for the one-time supplement notice.
type CaseResult struct {
	State           cases.State `json:"state"`
	NoticeDue       string      `json:"noticeDue,omitempty"`       // YYYY-MM-DD
	NoticeDaysLeft  int         `json:"noticeDaysLeft"`            // working days left until NoticeDue (0: today or past)
	NoticeOverdue   bool        `json:"noticeOverdue,omitempty"`   // NoticeDue has passed
	NoticeApprox    bool        `json:"noticeApprox,omitempty"`    // beyond the holiday calendar
	ProvisionalNote string      `json:"provisionalNote,omitempty"` // shown while the number is provisional
}

// CaseService is the counter's case work: intake, decisions, drafts,
// queues, search, detail and supervisor approval.
type CaseService struct {
	w    *Workstation
	deps *caseDeps
}

func (s *CaseService) result(e caseEnv, st cases.State) CaseResult {
	r := CaseResult{State: st}
	if st.OfficialNo == "" && st.ProvisionalNo != "" {
		r.ProvisionalNote = "临时编号：平台分配正式受理编号后以正式编号为准"
	}
	switch st.Status {
	case cases.StatusReceived, cases.StatusReviewing, cases.StatusReturned:
		if st.Supplements == 0 {
			cal := e.svc.Calendar()
			due, exact := cal.AddWorkingDays(st.ReceivedAt, cases.NoticeWorkingDays)
			now := s.w.now()
			r.NoticeDue, r.NoticeApprox = due.Format("2006-01-02"), !exact
			r.NoticeDaysLeft = cal.WorkingDaysUntil(now, due)
			r.NoticeOverdue = now.In(due.Location()).Format("2006-01-02") > r.NoticeDue
		}
	}
	return r
}

func (s *CaseService) done(e caseEnv, op string, st cases.State, err error) (CaseResult, error) {
	if err != nil {
		return CaseResult{}, toAPI(s.w.log, op, err)
	}
	return s.result(e, st), nil
}

// matterRef builds what the journal keeps of the matter from the active
// catalog: the client names the matter and mode, the rules come from the
// guide.
func matterRef(ctx context.Context, cat *catalog.Catalog, code string, mode cases.Mode) (cases.MatterRef, *catalog.Guide, error) {
	if strings.TrimSpace(code) == "" {
		return cases.MatterRef{}, nil, errs.Invalid("matter", "matter missing", "请先选择办理事项")
	}
	m, err := cat.Get(ctx, code)
	if err != nil {
		return cases.MatterRef{}, nil, err
	}
	if mode == "" {
		mode = cases.ModeProxy
		if len(m.ServiceModes) > 0 && !slices.Contains(m.ServiceModes, catalog.ModeProxy) {
			mode = cases.Mode(m.ServiceModes[0])
		}
	}
	if len(m.ServiceModes) > 0 && !slices.Contains(m.ServiceModes, catalog.ServiceMode(mode)) {
		return cases.MatterRef{}, nil, errs.Invalid("mode", "mode not offered by matter",
			fmt.Sprintf("事项“%s”不支持“%s”模式", m.Name, mode))
	}
	ref := cases.MatterRef{Code: m.Code, Name: m.Name, Mode: mode}
	if g := m.Guide; g != nil {
		ref.Kind, ref.LegalLimitDays, ref.PromisedLimitDays = g.Kind, g.LegalLimitDays, g.PromisedLimitDays
		ref.RefusalNeedsApproval = g.RefusalNeedsApproval
	}
	return ref, m.Guide, nil
}

// checkForm enforces the guide's required fields and lengths.
func checkForm(g *catalog.Guide, form map[string]string) error {
	if g == nil {
		return nil
	}
	for _, f := range g.Form {
		v := strings.TrimSpace(form[f.Key])
		if f.Required && v == "" {
			return errs.Invalid("form."+f.Key, "required form field "+f.Key+" empty", "请填写“"+f.Label+"”")
		}
		if f.MaxLength > 0 && utf8.RuneCountInString(v) > f.MaxLength {
			return errs.Invalid("form."+f.Key, "form field "+f.Key+" too long",
				fmt.Sprintf("“%s”过长（最多 %d 个字）", f.Label, f.MaxLength))
		}
		if f.Type == "select" && v != "" && len(f.Options) > 0 && !slices.Contains(f.Options, v) {
			return errs.Invalid("form."+f.Key, "form field "+f.Key+" not an option", "“"+f.Label+"”请从选项中选择")
		}
	}
	return nil
}

// trusted re-checks an identity check sent by the UI: the document is
// parsed again here, and a "reader" source must match a card this
// workstation's reader actually read.
func (s *CaseService) trusted(c *identity.Checked) (*identity.Checked, error) {
	if c == nil {
		return nil, nil
	}
	now := s.w.now()
	card := c.Card
	ck, err := card.Check(now)
	if err != nil {
		return nil, err
	}
	if card.Source == identity.SourceReader && !s.deps.wasRead(ck.Document.Number, now) {
		return nil, errs.Invalid("identity", "reader source not confirmed",
			"未找到本机读卡器的读卡记录（可能程序已重启），请重新读卡或改为手工录入")
	}
	return &ck, nil
}

// Open creates a case from the intake wizard: matter (code and mode; the
// rules come from the catalog), applicant, optional agent, form, identity
// check, materials and review. The draft named in the input is deleted in
// the same transaction.
func (s *CaseService) Open(in cases.OpenInput) (CaseResult, error) {
	const op = "cases.open"
	e, err := s.deps.env(rolesIntake...)
	if err != nil {
		return CaseResult{}, toAPI(s.w.log, op, err)
	}
	ctx := context.Background()
	ref, guide, err := matterRef(ctx, e.cat, in.Intake.Matter.Code, in.Intake.Matter.Mode)
	if err != nil {
		return CaseResult{}, toAPI(s.w.log, op, err)
	}
	in.Intake.Matter = ref
	if err := checkForm(guide, in.Intake.Form); err != nil {
		return CaseResult{}, toAPI(s.w.log, op, err)
	}
	if in.Identity, err = s.trusted(in.Identity); err != nil {
		return CaseResult{}, toAPI(s.w.log, op, err)
	}
	st, err := e.svc.Open(ctx, e.actor, in)
	return s.done(e, op, st, err)
}

// CheckIdentity records the identity check of the applicant or the agent
// (who: applicant | agent) on an open case.
func (s *CaseService) CheckIdentity(caseID string, basedOn int, who string, c identity.Checked) (CaseResult, error) {
	const op = "cases.check_identity"
	e, err := s.deps.env(rolesIntake...)
	if err != nil {
		return CaseResult{}, toAPI(s.w.log, op, err)
	}
	ck, err := s.trusted(&c)
	if err != nil {
		return CaseResult{}, toAPI(s.w.log, op, err)
	}
	st, err := e.svc.CheckIdentity(context.Background(), e.actor, caseID, basedOn, who, *ck)
	return s.done(e, op, st, err)
}

// ReceiveMaterials records (part of) the materials checklist.
func (s *CaseService) ReceiveMaterials(caseID string, basedOn int, m cases.Materials) (CaseResult, error) {
	const op = "cases.materials"
	e, err := s.deps.env(rolesIntake...)
	if err != nil {
		return CaseResult{}, toAPI(s.w.log, op, err)
	}
	st, err := e.svc.ReceiveMaterials(context.Background(), e.actor, caseID, basedOn, m)
	return s.done(e, op, st, err)
}

// FormalReview records the formal review, a reason per problem.
func (s *CaseService) FormalReview(caseID string, basedOn int, r cases.Review) (CaseResult, error) {
	const op = "cases.review"
	e, err := s.deps.env(rolesIntake...)
	if err != nil {
		return CaseResult{}, toAPI(s.w.log, op, err)
	}
	st, err := e.svc.FormalReview(context.Background(), e.actor, caseID, basedOn, r)
	return s.done(e, op, st, err)
}

// Accept accepts the application (受理); the state carries the receipt, or
// the pending approval when the matter requires one.
func (s *CaseService) Accept(caseID string, basedOn int) (CaseResult, error) {
	const op = "cases.accept"
	e, err := s.deps.env(rolesIntake...)
	if err != nil {
		return CaseResult{}, toAPI(s.w.log, op, err)
	}
	st, err := e.svc.Accept(context.Background(), e.actor, caseID, basedOn)
	return s.done(e, op, st, err)
}

// RequestSupplement issues the one-time supplement notice (一次性告知).
func (s *CaseService) RequestSupplement(caseID string, basedOn int, items []cases.SupplementItem) (CaseResult, error) {
	const op = "cases.supplement"
	e, err := s.deps.env(rolesIntake...)
	if err != nil {
		return CaseResult{}, toAPI(s.w.log, op, err)
	}
	st, err := e.svc.RequestSupplement(context.Background(), e.actor, caseID, basedOn, items)
	return s.done(e, op, st, err)
}

// ReceiveSupplement records the materials brought back after the notice.
func (s *CaseService) ReceiveSupplement(caseID string, basedOn int, m cases.Materials) (CaseResult, error) {
	const op = "cases.supplement_received"
	e, err := s.deps.env(rolesIntake...)
	if err != nil {
		return CaseResult{}, toAPI(s.w.log, op, err)
	}
	st, err := e.svc.ReceiveSupplement(context.Background(), e.actor, caseID, basedOn, m)
	return s.done(e, op, st, err)
}

// Refuse decides not to accept (不予受理), with reasons and legal basis;
// goes to a supervisor when the matter's guide says so.
func (s *CaseService) Refuse(caseID string, basedOn int, reasons, basis []string) (CaseResult, error) {
	const op = "cases.refuse"
	e, err := s.deps.env(rolesIntake...)
	if err != nil {
		return CaseResult{}, toAPI(s.w.log, op, err)
	}
	st, err := e.svc.Refuse(context.Background(), e.actor, caseID, basedOn, reasons, basis)
	return s.done(e, op, st, err)
}

// Checkout takes a pending case for this supervisor.
func (s *CaseService) Checkout(caseID string, basedOn int) (CaseResult, error) {
	const op = "cases.checkout"
	e, err := s.deps.env(rolesApprove...)
	if err != nil {
		return CaseResult{}, toAPI(s.w.log, op, err)
	}
	st, err := e.svc.Checkout(context.Background(), e.actor, caseID, basedOn)
	return s.done(e, op, st, err)
}

// Release gives a checked-out case back to the queue.
func (s *CaseService) Release(caseID string, basedOn int, reason string) (CaseResult, error) {
	const op = "cases.release"
	e, err := s.deps.env(rolesRelease...)
	if err != nil {
		return CaseResult{}, toAPI(s.w.log, op, err)
	}
	st, err := e.svc.Release(context.Background(), e.actor, caseID, basedOn, reason)
	return s.done(e, op, st, err)
}

// Approve approves the proposal of a case this supervisor has checked out.
func (s *CaseService) Approve(caseID string, basedOn int, reason string) (CaseResult, error) {
	const op = "cases.approve"
	e, err := s.deps.env(rolesApprove...)
	if err != nil {
		return CaseResult{}, toAPI(s.w.log, op, err)
	}
	st, err := e.svc.Approve(context.Background(), e.actor, caseID, basedOn, reason)
	return s.done(e, op, st, err)
}

// Return sends the proposal back with a reason.
func (s *CaseService) Return(caseID string, basedOn int, reason string) (CaseResult, error) {
	const op = "cases.return"
	e, err := s.deps.env(rolesApprove...)
	if err != nil {
		return CaseResult{}, toAPI(s.w.log, op, err)
	}
	st, err := e.svc.Return(context.Background(), e.actor, caseID, basedOn, reason)
	return s.done(e, op, st, err)
}

// SaveDraft saves the intake wizard's state (create: id empty).
func (s *CaseService) SaveDraft(d cases.Draft) (cases.Draft, error) {
	const op = "cases.save_draft"
	e, err := s.deps.env(rolesIntake...)
	if err != nil {
		return cases.Draft{}, toAPI(s.w.log, op, err)
	}
	out, err := e.svc.SaveDraft(context.Background(), e.actor, d)
	return out, toAPI(s.w.log, op, err)
}

// GetDraft loads one of the signed-in user's drafts.
func (s *CaseService) GetDraft(id string) (cases.Draft, error) {
	const op = "cases.get_draft"
	e, err := s.deps.env(rolesIntake...)
	if err != nil {
		return cases.Draft{}, toAPI(s.w.log, op, err)
	}
	out, err := e.svc.GetDraft(context.Background(), e.actor, id)
	return out, toAPI(s.w.log, op, err)
}

// ListDrafts lists the signed-in user's drafts on this workstation, newest
// first.
func (s *CaseService) ListDrafts() ([]cases.Draft, error) {
	const op = "cases.list_drafts"
	e, err := s.deps.env(rolesIntake...)
	if err != nil {
		return nil, toAPI(s.w.log, op, err)
	}
	out, err := e.svc.ListDrafts(context.Background(), e.actor)
	if out == nil {
		out = []cases.Draft{}
	}
	return out, toAPI(s.w.log, op, err)
}

// DiscardDraft deletes one of the signed-in user's drafts.
func (s *CaseService) DiscardDraft(id string) error {
	const op = "cases.discard_draft"
	e, err := s.deps.env(rolesIntake...)
	if err != nil {
		return toAPI(s.w.log, op, err)
	}
	return toAPI(s.w.log, op, e.svc.DiscardDraft(context.Background(), e.actor, id))
}

// Search finds cases; personal data masked. MatterName is resolved to
// matter codes through the catalog (case_search.go).
func (s *CaseService) Search(q CaseQuery) (cases.Page, error) {
	const op = "cases.search"
	e, err := s.deps.env()
	if err != nil {
		return cases.Page{}, toAPI(s.w.log, op, err)
	}
	ctx := context.Background()
	run := func(cq cases.Query) (cases.Page, error) { return e.svc.Search(ctx, e.actor, cq) }
	if strings.TrimSpace(q.MatterName) == "" {
		p, err := run(q.Query)
		return p, toAPI(s.w.log, op, err)
	}
	codes, err := matterCodes(ctx, e.cat, q.MatterName)
	if err != nil {
		return cases.Page{}, toAPI(s.w.log, op, err)
	}
	if len(codes) == 0 {
		return cases.Page{Items: []cases.Summary{}}, nil
	}
	p, err := searchMatters(run, q.Query, codes)
	return p, toAPI(s.w.log, op, err)
}

// HomeQueue lists this workstation's open cases, most urgent first.
func (s *CaseService) HomeQueue(limit int) (cases.Queue, error) {
	const op = "cases.queue"
	if _, err := s.w.session.require(); err != nil {
		return cases.Queue{}, toAPI(s.w.log, op, err)
	}
	if s.w.hallMissing() {
		// No hall yet means no case can exist here: an empty queue, and the
		// home screen tells the admin to fill in the hall.
		return cases.Queue{Items: []cases.Summary{}}, nil
	}
	e, err := s.deps.env()
	if err != nil {
		return cases.Queue{}, toAPI(s.w.log, op, err)
	}
	q, err := e.svc.HomeQueue(context.Background(), e.actor, limit)
	return q, toAPI(s.w.log, op, err)
}

// ApprovalQueue lists cases waiting for a supervisor.
func (s *CaseService) ApprovalQueue() ([]cases.Summary, error) {
	const op = "cases.approval_queue"
	e, err := s.deps.env(rolesApprovalQ...)
	if err != nil {
		return nil, toAPI(s.w.log, op, err)
	}
	q, err := e.svc.ApprovalQueue(context.Background(), e.actor)
	return q, toAPI(s.w.log, op, err)
}

// Duplicates lists open cases of this workstation for the same ID number
// and matter.
func (s *CaseService) Duplicates(idNumber, matterCode string) ([]cases.Summary, error) {
	const op = "cases.duplicates"
	e, err := s.deps.env(rolesIntake...)
	if err != nil {
		return nil, toAPI(s.w.log, op, err)
	}
	d, err := e.svc.Duplicates(context.Background(), e.actor, idNumber, matterCode)
	return d, toAPI(s.w.log, op, err)
}

// Detail returns a case with its journal; full=true unmasks personal data
// for the roles allowed to see it and writes an audit entry first.
func (s *CaseService) Detail(caseID string, full bool) (cases.Detail, error) {
	const op = "cases.detail"
	e, err := s.deps.env()
	if err != nil {
		return cases.Detail{}, toAPI(s.w.log, op, err)
	}
	d, err := e.svc.Detail(context.Background(), e.actor, caseID, full)
	return d, toAPI(s.w.log, op, err)
}

// Audit lists the audit entries of one case, newest first.
func (s *CaseService) Audit(caseID string) ([]audit.Entry, error) {
	const op = "cases.audit"
	e, err := s.deps.env()
	if err != nil {
		return nil, toAPI(s.w.log, op, err)
	}
	if strings.TrimSpace(caseID) == "" {
		return nil, toAPI(s.w.log, op, errs.Invalid("caseId", "case id missing", "请指定办件"))
	}
	out, err := e.audit.List(context.Background(), audit.Filter{ObjectType: "case", ObjectID: caseID, Limit: 1000})
	if out == nil {
		out = []audit.Entry{}
	}
	return out, toAPI(s.w.log, op, err)
}

// AuditLog lists the whole audit log, newest first (supervisor, admin).
func (s *CaseService) AuditLog(f audit.Filter) ([]audit.Entry, error) {
	const op = "cases.audit_log"
	e, err := s.deps.env(account.RoleSupervisor, account.RoleAdmin)
	if err != nil {
		return nil, toAPI(s.w.log, op, err)
	}
	out, err := e.audit.List(context.Background(), f)
	if out == nil {
		out = []audit.Entry{}
	}
	return out, toAPI(s.w.log, op, err)
}
