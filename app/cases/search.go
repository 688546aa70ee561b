package cases

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"tongban/app/audit"
	"tongban/app/errs"
	"tongban/app/identity"
)

// Summary is a case as lists show it: personal data masked.
type Summary struct {
	CaseID        string `json:"caseId"`
	ProvisionalNo string `json:"provisionalNo"`
	OfficialNo    string `json:"officialNo,omitempty"`
	MatterCode    string `json:"matterCode"`
	MatterName    string `json:"matterName"`
	Mode          Mode   `json:"mode"`
	Status        Status `json:"status"`
	StatusLabel   string `json:"statusLabel"`
	ApplicantName string `json:"applicantName"`
	IDMasked      string `json:"idMasked"`
	PhoneMasked   string `json:"phoneMasked"`
	AgentName     string `json:"agentName,omitempty"`
	ReceivedAt    string `json:"receivedAt"`
	DueDate       string `json:"dueDate,omitempty"`   // promised limit (accepted cases)
	NoticeDue     string `json:"noticeDue,omitempty"` // §32 limit for the supplement notice (undecided cases)
	Overdue       bool   `json:"overdue"`
	DueSoon       bool   `json:"dueSoon"`
	CheckedOutBy  string `json:"checkedOutBy,omitempty"`
	Conflicts     int    `json:"conflicts,omitempty"`
	Version       int    `json:"version"`
}

// Query selects cases. Fields combine with AND; empty fields match all.
type Query struct {
	CaseNo     string `json:"caseNo,omitempty"`   // provisional or official number, exact
	IDNumber   string `json:"idNumber,omitempty"` // exact, normalised (full-width, spaces, x)
	Name       string `json:"name,omitempty"`     // prefix of the applicant's name
	Phone      string `json:"phone,omitempty"`    // exact
	MatterCode string `json:"matterCode,omitempty"`
	Status     Status `json:"status,omitempty"`
	OpenOnly   bool   `json:"openOnly,omitempty"`
	From       string `json:"from,omitempty"` // YYYY-MM-DD, received on or after (hall time)
	To         string `json:"to,omitempty"`   // YYYY-MM-DD, received on or before
	Limit      int    `json:"limit,omitempty"`
	Offset     int    `json:"offset,omitempty"`
}

// Page is one page of results; More says whether another page exists
// (no total count: counting a large table on every keystroke is slow).
type Page struct {
	Items []Summary `json:"items"`
	More  bool      `json:"more"`
}

const summaryCols = `id, provisional_no, coalesce(official_no, ''), matter_code, matter_name, mode, status, applicant_name, id_masked,
	phone_masked, agent_name, received_at, due_date, notice_due, checked_out_by, conflicts, version`

// dueSoonDays is how close (in working days) a limit must be to be flagged.
const dueSoonDays = 2

type flagger struct {
	today, soon string
}

func (s *Service) flagger() flagger {
	now := s.now()
	soon, _ := s.cal.AddWorkingDays(now, dueSoonDays)
	return flagger{today: hallDay(now), soon: soon.Format("2006-01-02")}
}

func (f flagger) scan(rows *sql.Rows) (Summary, error) {
	var c Summary
	if err := rows.Scan(&c.CaseID, &c.ProvisionalNo, &c.OfficialNo, &c.MatterCode, &c.MatterName, &c.Mode, &c.Status,
		&c.ApplicantName, &c.IDMasked, &c.PhoneMasked, &c.AgentName, &c.ReceivedAt, &c.DueDate, &c.NoticeDue,
		&c.CheckedOutBy, &c.Conflicts, &c.Version); err != nil {
		return c, fmt.Errorf("scan case: %w", err)
	}
	c.StatusLabel = c.Status.Label()
	for _, d := range []string{c.DueDate, c.NoticeDue} {
		if d == "" {
			continue
		}
		c.Overdue = c.Overdue || d < f.today
		c.DueSoon = c.DueSoon || (d >= f.today && d <= f.soon)
	}
	return c, nil
}

// Search finds cases; results are masked. Searching by ID number or phone
// compares keyed hashes, so the raw values are neither indexed nor logged.
func (s *Service) Search(ctx context.Context, actor Actor, q Query) (Page, error) {
	if err := checkActor(actor); err != nil {
		return Page{}, err
	}
	var where []string
	var args []any
	if no := strings.TrimSpace(q.CaseNo); no != "" {
		where = append(where, "(provisional_no = ? OR official_no = ?)")
		args = append(args, no, no)
	}
	if q.IDNumber != "" {
		where = append(where, "id_hash = ?")
		args = append(args, s.HashID(identity.Normalize(q.IDNumber)))
	}
	if q.Phone != "" {
		p, err := CleanPhone("phone", q.Phone)
		if err != nil {
			return Page{}, err
		}
		where = append(where, "phone_hash = ?")
		args = append(args, s.HashID("tel:"+p))
	}
	if name := strings.TrimSpace(middleDots.Replace(q.Name)); name != "" {
		// Prefix range on the name index: [name, name+U+10FFFF).
		where = append(where, "applicant_name >= ? AND applicant_name < ?")
		args = append(args, name, name+"\U0010FFFF")
	}
	if q.MatterCode != "" {
		where = append(where, "matter_code = ?")
		args = append(args, q.MatterCode)
	}
	if q.Status != "" {
		where = append(where, "status = ?")
		args = append(args, q.Status)
	}
	if q.OpenOnly {
		where = append(where, "open = 1")
	}
	for _, b := range []struct {
		day, op string
		add     int
	}{{q.From, ">=", 0}, {q.To, "<", 1}} {
		if b.day == "" {
			continue
		}
		d, err := time.ParseInLocation("2006-01-02", b.day, hallZone)
		if err != nil {
			return Page{}, errs.Invalid("date", "bad date "+b.day, "日期格式应为 年-月-日（如 2026-01-31）")
		}
		where = append(where, "received_at "+b.op+" ?")
		args = append(args, ts(d.AddDate(0, 0, b.add)))
	}
	limit := q.Limit
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	sqlq := "SELECT " + summaryCols + " FROM cases"
	if len(where) > 0 {
		sqlq += " WHERE " + strings.Join(where, " AND ")
	}
	sqlq += " ORDER BY received_at DESC, id DESC LIMIT ? OFFSET ?"
	args = append(args, limit+1, max(q.Offset, 0))
	rows, err := s.db.Reader().QueryContext(ctx, sqlq, args...)
	if err != nil {
		return Page{}, fmt.Errorf("search cases: %w", err)
	}
	defer rows.Close()
	f := s.flagger()
	page := Page{Items: []Summary{}}
	for rows.Next() {
		c, err := f.scan(rows)
		if err != nil {
			return Page{}, err
		}
		page.Items = append(page.Items, c)
	}
	if len(page.Items) > limit {
		page.Items, page.More = page.Items[:limit], true
	}
	return page, rows.Err()
}

// Queue is the home screen: this workstation's open cases, most urgent
// first, with the counts shown on the badges.
type Queue struct {
	Items           []Summary `json:"items"`
	Open            int       `json:"open"`
	Overdue         int       `json:"overdue"`
	DueSoon         int       `json:"dueSoon"`
	PendingApproval int       `json:"pendingApproval"`
	Supplement      int       `json:"supplement"`
}

// HomeQueue lists open cases of this workstation ordered by the nearest
// limit (overdue first), then newest; limit 0 means 100.
func (s *Service) HomeQueue(ctx context.Context, actor Actor, limit int) (Queue, error) {
	if err := checkActor(actor); err != nil {
		return Queue{}, err
	}
	if limit <= 0 {
		limit = 100
	}
	f := s.flagger()
	var q Queue
	err := s.db.Reader().QueryRowContext(ctx, `SELECT count(*),
		coalesce(sum((due_date != '' AND due_date < ?1) OR (notice_due != '' AND notice_due < ?1)), 0),
		coalesce(sum((due_date >= ?1 AND due_date <= ?2) OR (notice_due >= ?1 AND notice_due <= ?2)), 0),
		coalesce(sum(status = 'pending_approval'), 0), coalesce(sum(status = 'supplement_pending'), 0)
		FROM cases WHERE open = 1 AND device_id = ?3`, f.today, f.soon, s.cfg.DeviceID).
		Scan(&q.Open, &q.Overdue, &q.DueSoon, &q.PendingApproval, &q.Supplement)
	if err != nil {
		return Queue{}, fmt.Errorf("queue counts: %w", err)
	}
	rows, err := s.db.Reader().QueryContext(ctx, "SELECT "+summaryCols+` FROM cases WHERE open = 1 AND device_id = ?
		ORDER BY queue_key, received_at DESC LIMIT ?`, s.cfg.DeviceID, limit)
	if err != nil {
		return Queue{}, fmt.Errorf("queue: %w", err)
	}
	defer rows.Close()
	q.Items = []Summary{}
	for rows.Next() {
		c, err := f.scan(rows)
		if err != nil {
			return Queue{}, err
		}
		q.Items = append(q.Items, c)
	}
	return q, rows.Err()
}

// ApprovalQueue lists cases waiting for a supervisor, oldest first, with
// who has each one checked out.
func (s *Service) ApprovalQueue(ctx context.Context, actor Actor) ([]Summary, error) {
	if err := checkActor(actor); err != nil {
		return nil, err
	}
	if actor.Role != RoleSupervisor && actor.Role != RoleAdmin {
		return nil, errs.New(errs.EFORBIDDEN, "approval queue is for supervisors", "只有审核人员可以查看待审核队列")
	}
	rows, err := s.db.Reader().QueryContext(ctx, "SELECT "+summaryCols+" FROM cases WHERE status = 'pending_approval' ORDER BY updated_at, id")
	if err != nil {
		return nil, fmt.Errorf("approval queue: %w", err)
	}
	defer rows.Close()
	f := s.flagger()
	out := []Summary{}
	for rows.Next() {
		c, err := f.scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// Duplicates returns this workstation's open cases for the same ID number
// and matter (warn, with a link, before opening another).
func (s *Service) Duplicates(ctx context.Context, actor Actor, idNumber, matterCode string) ([]Summary, error) {
	if err := checkActor(actor); err != nil {
		return nil, err
	}
	rows, err := s.db.Reader().QueryContext(ctx, "SELECT "+summaryCols+` FROM cases
		WHERE id_hash = ? AND matter_code = ? AND open = 1 AND device_id = ? ORDER BY received_at DESC LIMIT 20`,
		s.HashID(identity.Normalize(idNumber)), matterCode, s.cfg.DeviceID)
	if err != nil {
		return nil, fmt.Errorf("duplicates: %w", err)
	}
	defer rows.Close()
	f := s.flagger()
	out := []Summary{}
	for rows.Next() {
		c, err := f.scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// Detail is one case for the detail view.
type Detail struct {
	Summary Summary  `json:"summary"`
	State   State    `json:"state"`
	Journal []Action `json:"journal"`
	Full    bool     `json:"full"` // personal data unmasked (and audited)
}

// rolesFull may see unmasked personal data (an audited view).
var rolesFull = map[Role]bool{RoleClerk: true, RoleSupervisor: true, RoleFieldAgent: true, RoleHandler: true}

// Detail returns a case with its journal. With full=false personal data is
// masked. With full=true the actor's role must be allowed to see it, and
// an audit entry (case.view_personal) is written before anything is
// returned.
func (s *Service) Detail(ctx context.Context, actor Actor, caseID string, full bool) (Detail, error) {
	if err := checkActor(actor); err != nil {
		return Detail{}, err
	}
	if full && !rolesFull[actor.Role] {
		return Detail{}, errs.New(errs.EFORBIDDEN, "role may not see personal data", "当前角色无权查看完整个人信息")
	}
	st, j, err := s.get(ctx, caseID)
	if err != nil {
		return Detail{}, err
	}
	if full {
		detail, _ := json.Marshal(map[string]any{"provisionalNo": st.ProvisionalNo, "fields": []string{"applicant", "agent"}})
		if _, err := s.audit.Append(ctx, audit.Entry{Actor: actor.Username, Role: string(actor.Role),
			Action: "case.view_personal", ObjectType: "case", ObjectID: caseID, Detail: detail}); err != nil {
			return Detail{}, fmt.Errorf("audit view: %w", err)
		}
	} else {
		st = maskState(st)
		j = maskJournal(j)
	}
	page, err := s.Search(ctx, actor, Query{CaseNo: st.ProvisionalNo, Limit: 1})
	if err != nil {
		return Detail{}, err
	}
	d := Detail{State: st, Journal: j, Full: full}
	if len(page.Items) == 1 {
		d.Summary = page.Items[0]
	}
	return d, nil
}

func maskPerson(p Person) Person {
	p.IDNumber = identity.MaskID(p.IDNumber)
	p.Phone = identity.MaskPhone(p.Phone)
	if p.Address != "" {
		r := []rune(p.Address)
		p.Address = string(r[:min(len(r), 6)]) + "****"
	}
	return p
}

func maskState(st State) State {
	st.Applicant = maskPerson(st.Applicant)
	if st.Agent != nil {
		a := maskPerson(*st.Agent)
		st.Agent = &a
	}
	return st
}

func maskJournal(j []Action) []Action {
	out := make([]Action, len(j))
	copy(out, j)
	for i, a := range out {
		if a.Kind != KindReceived {
			continue
		}
		var in Intake
		if err := json.Unmarshal(a.Payload, &in); err != nil {
			out[i].Payload = json.RawMessage("{}")
			continue
		}
		in.Applicant = maskPerson(in.Applicant)
		if in.Agent != nil {
			ag := maskPerson(*in.Agent)
			in.Agent = &ag
		}
		out[i].Payload, _ = json.Marshal(in)
	}
	return out
}
