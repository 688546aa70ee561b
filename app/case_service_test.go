package app_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"tongban/app"
	"tongban/app/account"
	"tongban/app/cases"
	"tongban/app/identity"
)

const crimeCode = "QG-2021-001" // 开具有无犯罪记录证明: refusal needs approval

type caseWS struct {
	services
	dir      string
	cases    *app.CaseService
	identity *app.IdentityService
}

// openCaseWS opens a workstation with a hall code, a clerk, a second clerk
// and two supervisors; the clerk is signed in.
func openCaseWS(t *testing.T) caseWS {
	t.Helper()
	dir := t.TempDir()
	ws, err := app.Open(context.Background(), app.Options{DataDir: dir, Version: "test",
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ws.Close() })
	m := ws.Services()
	s := caseWS{dir: dir, services: services{ws: ws,
		system:   m["SystemService"].(*app.SystemService),
		auth:     m["AuthService"].(*app.AuthService),
		catalog:  m["CatalogService"].(*app.CatalogService),
		settings: m["SettingsService"].(*app.SettingsService),
		sync:     m["SyncService"].(*app.SyncService),
	}, cases: m["CaseService"].(*app.CaseService), identity: m["IdentityService"].(*app.IdentityService)}
	if _, err := s.auth.Setup("admin", "管理员", "Admin1234"); err != nil {
		t.Fatal(err)
	}
	for _, u := range []struct {
		name string
		role account.Role
	}{{"clerk1", account.RoleClerk}, {"clerk2", account.RoleClerk}, {"sup1", account.RoleSupervisor}, {"sup2", account.RoleSupervisor}} {
		if _, err := s.auth.AddUser(u.name, u.name, u.role, "Passw0rd1"); err != nil {
			t.Fatal(err)
		}
	}
	v, err := s.settings.Get()
	if err != nil {
		t.Fatal(err)
	}
	v.Settings.Hall.DivisionCode = "410105"
	v.Settings.Hall.Name = "郑州市金水区政务服务中心"
	if _, err := s.settings.Save(v.Settings); err != nil {
		t.Fatal(err)
	}
	s.login(t, "clerk1")
	return s
}

func (s caseWS) login(t *testing.T, user string) {
	t.Helper()
	s.auth.Logout()
	pw := "Passw0rd1"
	if user == "admin" {
		pw = "Admin1234"
	}
	if _, err := s.auth.Login(user, pw); err != nil {
		t.Fatalf("login %s: %v", user, err)
	}
}

func validID(body17 string) string { return body17 + string(identity.CheckDigit(body17)) }

// placeCard configures the file simulator and puts card on it.
func (s caseWS) placeCard(t *testing.T, name, number string) {
	t.Helper()
	cfg := `{"driver":"file","path":"sim/card.json","timeoutSeconds":2}`
	if err := os.WriteFile(filepath.Join(s.dir, app.ReaderConfigFile), []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(s.dir, "sim"), 0o700); err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(identity.Card{Name: name, Number: number, Sex: "男", Address: "河南省郑州市金水区经三路1号", ValidUntil: "长期"})
	if err := os.WriteFile(filepath.Join(s.dir, "sim", "card.json"), b, 0o600); err != nil {
		t.Fatal(err)
	}
}

func crimeInput(name, id string, ck *identity.Checked) cases.OpenInput {
	return cases.OpenInput{Intake: cases.Intake{
		Matter:    cases.MatterRef{Code: crimeCode},
		Applicant: cases.Person{Name: name, IDNumber: id, Phone: "13812345678", Address: "河南省郑州市金水区经三路1号"},
		Form: map[string]string{"name": name, "idNo": id, "phone": "13812345678", "householdAddress": "河南省郑州市",
			"purpose": "就业", "agent": "本人办理"},
	}, Identity: ck, Materials: &cases.Materials{Items: []cases.MaterialItem{
		{ID: "id-card", Name: "申请人居民身份证", Status: "received", Form: "原件", Pages: 1, CheckedOriginal: true, Required: true},
		{ID: "application", Name: "有无犯罪记录证明申请表", Status: "received", Form: "原件", Pages: 2, Required: true},
	}}, Review: &cases.Review{}}
}

func TestIntakeWithCardReadAcceptAndQueue(t *testing.T) {
	s := openCaseWS(t)
	id := validID("41010519900307123")
	s.placeCard(t, "张𠮷", id)

	ck, err := s.identity.ReadCard()
	if err != nil {
		t.Fatalf("read card: %v", err)
	}
	if got, want := ck.Card.Source, identity.SourceReader; got != want {
		t.Fatalf("source = %q, want %q", got, want)
	}
	res, err := s.cases.Open(crimeInput("张𠮷", id, &ck))
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	st := res.State
	if got, want := st.Matter.Name, "开具有无犯罪记录证明"; got != want {
		t.Fatalf("matter name from catalog = %q, want %q", got, want)
	}
	if !st.Matter.RefusalNeedsApproval || st.Matter.PromisedLimitDays != 3 {
		t.Fatalf("matter rules not taken from the guide: %+v", st.Matter)
	}
	if !strings.HasPrefix(st.ProvisionalNo, cases.ProvisionalPrefix) || res.ProvisionalNote == "" {
		t.Fatalf("provisional number %q / note %q", st.ProvisionalNo, res.ProvisionalNote)
	}
	if res.NoticeDue == "" || res.NoticeDaysLeft != 5 {
		t.Fatalf("notice clock = %q, %d days left; want a date 5 working days ahead", res.NoticeDue, res.NoticeDaysLeft)
	}
	if got, want := st.IdentitySource, "reader"; got != want {
		t.Fatalf("identity source = %q, want %q", got, want)
	}

	acc, err := s.cases.Accept(st.CaseID, st.Version)
	if err != nil {
		t.Fatalf("accept: %v", err)
	}
	if acc.State.Status != cases.StatusAccepted || acc.State.Receipt == nil || acc.State.Receipt.DueDate == "" {
		t.Fatalf("after accept: status %q receipt %+v", acc.State.Status, acc.State.Receipt)
	}
	if got := acc.State.Receipt.IDMasked; got != identity.MaskID(id) {
		t.Fatalf("receipt id = %q, want masked", got)
	}

	q, err := s.cases.HomeQueue(0)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(q.Items), 1; got != want {
		t.Fatalf("queue has %d cases, want %d", got, want)
	}
	if got := q.Items[0].IDMasked; strings.Contains(got, id[6:14]) {
		t.Fatalf("queue shows unmasked id %q", got)
	}

	page, err := s.cases.Search(app.CaseQuery{Query: cases.Query{IDNumber: strings.ToLower(id)}})
	if err != nil || len(page.Items) != 1 {
		t.Fatalf("search by id: %+v, %v", page, err)
	}
	page, err = s.cases.Search(app.CaseQuery{Query: cases.Query{Name: "张"}})
	if err != nil || len(page.Items) != 1 || page.Items[0].ApplicantName != "张𠮷" {
		t.Fatalf("search by name prefix: %+v, %v", page, err)
	}

	d, err := s.cases.Detail(st.CaseID, false)
	if err != nil || d.Full || d.State.Applicant.IDNumber == id {
		t.Fatalf("masked detail: full=%v id=%q err=%v", d.Full, d.State.Applicant.IDNumber, err)
	}
	before, _ := s.cases.Audit(st.CaseID)
	d, err = s.cases.Detail(st.CaseID, true)
	if err != nil || d.State.Applicant.IDNumber != id {
		t.Fatalf("full detail: id=%q err=%v", d.State.Applicant.IDNumber, err)
	}
	after, err := s.cases.Audit(st.CaseID)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(after), len(before)+1; got != want || after[0].Action != "case.view_personal" {
		t.Fatalf("audit after full view: %d entries (want %d), newest %q", got, want, after[0].Action)
	}

	// The same applicant for the same matter again: a duplicate warning.
	dups, err := s.cases.Duplicates(id, crimeCode)
	if err != nil || len(dups) != 1 || dups[0].CaseID != st.CaseID {
		t.Fatalf("duplicates = %+v, %v", dups, err)
	}
}

func TestReaderSourceMustBeARealRead(t *testing.T) {
	s := openCaseWS(t)
	id := validID("41010519900307123")
	forged := identity.Checked{Card: identity.Card{Name: "李四", Number: id, ValidUntil: "长期", Source: identity.SourceReader}}
	_, err := s.cases.Open(crimeInput("李四", id, &forged))
	if got, want := code(err), "EINVALID"; got != want {
		t.Fatalf("forged reader check: code %q, want %q", got, want)
	}
	manual, err := s.identity.CheckManual(identity.Card{Name: "李四", Number: id, ValidUntil: "长期", Source: identity.SourceReader})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := manual.Card.Source, identity.SourceManual; got != want {
		t.Fatalf("manual source = %q, want %q", got, want)
	}
	res, err := s.cases.Open(crimeInput("李四", id, &manual))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := res.State.IdentitySource, "manual"; got != want {
		t.Fatalf("journal source = %q, want %q", got, want)
	}
}

func TestSupplementRefusalAndApproval(t *testing.T) {
	s := openCaseWS(t)
	id := validID("41010519850101002")
	manual, err := s.identity.CheckManual(identity.Card{Name: "阿依古丽·买买提", Number: id, ValidUntil: "长期"})
	if err != nil {
		t.Fatal(err)
	}
	in := crimeInput("阿依古丽·买买提", id, &manual)
	in.Materials.Items[1] = cases.MaterialItem{ID: "application", Name: "有无犯罪记录证明申请表", Status: "missing", Problem: "未提交申请表", Required: true}
	in.Review = &cases.Review{Findings: []cases.Finding{{Item: "application", Reason: "缺少申请表"}}}
	res, err := s.cases.Open(in)
	if err != nil {
		t.Fatal(err)
	}
	sup, err := s.cases.RequestSupplement(res.State.CaseID, res.State.Version,
		[]cases.SupplementItem{{MaterialID: "application", Name: "有无犯罪记录证明申请表", Problem: "missing", Reason: "未提交申请表"}})
	if err != nil {
		t.Fatal(err)
	}
	n := sup.State.Supplement
	if sup.State.Status != cases.StatusSupplementPending || n == nil || !n.WithinLimit || n.NoticeDue == "" || len(n.Items) != 1 {
		t.Fatalf("supplement: status %q notice %+v", sup.State.Status, n)
	}
	if _, err := s.cases.RequestSupplement(sup.State.CaseID, sup.State.Version,
		[]cases.SupplementItem{{Name: "x", Problem: "missing", Reason: "y"}}); code(err) != "ECONFLICT" {
		t.Fatalf("second notice: code %q, want ECONFLICT", code(err))
	}

	// Refusal of this matter goes to a supervisor.
	ref, err := s.cases.Refuse(sup.State.CaseID, sup.State.Version, []string{"补正后仍不符合要求"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := ref.State.Status, cases.StatusPendingApproval; got != want {
		t.Fatalf("refusal status = %q, want %q", got, want)
	}
	caseID := ref.State.CaseID
	if _, err := s.cases.ApprovalQueue(); code(err) != "EFORBIDDEN" {
		t.Fatalf("clerk approval queue: code %q, want EFORBIDDEN", code(err))
	}

	s.login(t, "sup1")
	q, err := s.cases.ApprovalQueue()
	if err != nil || len(q) != 1 {
		t.Fatalf("approval queue = %+v, %v", q, err)
	}
	co, err := s.cases.Checkout(caseID, q[0].Version)
	if err != nil {
		t.Fatal(err)
	}
	s.login(t, "sup2")
	q, _ = s.cases.ApprovalQueue()
	if len(q) != 1 || q[0].CheckedOutBy != "sup1" {
		t.Fatalf("second supervisor sees %+v; want checked out by sup1", q)
	}
	if _, err := s.cases.Checkout(caseID, co.State.Version); code(err) != "ECONFLICT" {
		t.Fatalf("second checkout: code %q, want ECONFLICT", code(err))
	}
	s.login(t, "sup1")
	if _, err := s.cases.Return(caseID, co.State.Version, ""); code(err) != "EINVALID" {
		t.Fatalf("return without reason: code %q, want EINVALID", code(err))
	}
	ap, err := s.cases.Approve(caseID, co.State.Version, "同意")
	if err != nil {
		t.Fatal(err)
	}
	if ap.State.Status != cases.StatusRefused || ap.State.Refusal == nil || !strings.Contains(ap.State.Refusal.RightsText, "行政复议") {
		t.Fatalf("after approval: %q %+v", ap.State.Status, ap.State.Refusal)
	}
	d, err := s.cases.Detail(caseID, false)
	if err != nil {
		t.Fatal(err)
	}
	kinds := []cases.Kind{}
	for _, a := range d.Journal {
		kinds = append(kinds, a.Kind)
	}
	if got, want := len(kinds), 8; got != want || kinds[len(kinds)-1] != cases.KindApproved {
		t.Fatalf("journal kinds = %v", kinds)
	}
}

func TestCaseRulesAtTheBoundary(t *testing.T) {
	s := openCaseWS(t)
	id := validID("41010519900307123")
	manual, err := s.identity.CheckManual(identity.Card{Name: "王五", Number: id, ValidUntil: "长期"})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		edit func(*cases.OpenInput)
		code string
	}{
		{"required form field", func(in *cases.OpenInput) { delete(in.Intake.Form, "purpose") }, "EINVALID"},
		{"select outside options", func(in *cases.OpenInput) { in.Intake.Form["purpose"] = "旅游" }, "EINVALID"},
		{"mode the matter lacks", func(in *cases.OpenInput) { in.Intake.Matter.Mode = cases.ModeOnline }, "EINVALID"},
		{"unknown matter", func(in *cases.OpenInput) { in.Intake.Matter.Code = "NOPE" }, "ENOTFOUND"},
		{"over-long address", func(in *cases.OpenInput) { in.Intake.Applicant.Address = strings.Repeat("路", 201) }, "EINVALID"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := crimeInput("王五", id, &manual)
			tc.edit(&in)
			if _, err := s.cases.Open(in); code(err) != tc.code {
				t.Fatalf("code %q, want %q (err %v)", code(err), tc.code, err)
			}
		})
	}
	s.login(t, "sup1")
	if _, err := s.cases.Open(crimeInput("王五", id, &manual)); code(err) != "EFORBIDDEN" {
		t.Fatalf("supervisor intake: code %q, want EFORBIDDEN", code(err))
	}
}

func TestHallCodeRequired(t *testing.T) {
	dir := t.TempDir()
	s := openWS(t, dir)
	m := s.ws.Services()
	cs := m["CaseService"].(*app.CaseService)
	if _, err := s.auth.Setup("admin", "管理员", "Admin1234"); err != nil {
		t.Fatal(err)
	}
	// The home screen still opens: no hall means no case can exist here.
	q, err := cs.HomeQueue(0)
	if err != nil || len(q.Items) != 0 || q.Items == nil {
		t.Fatalf("queue without hall code = %+v, %v; want an empty list", q, err)
	}
	al, err := m["LedgerService"].(*app.LedgerService).Alerts()
	if err != nil || al.OverdueCount != 0 || al.Overdue == nil {
		t.Fatalf("alerts without hall code = %+v, %v; want empty lists", al, err)
	}
	// Case work is refused with a message naming what is missing.
	if _, err := s.auth.AddUser("clerk", "窗口", account.RoleClerk, "Clerk1234"); err != nil {
		t.Fatal(err)
	}
	s.auth.Logout()
	if _, err := s.auth.Login("clerk", "Clerk1234"); err != nil {
		t.Fatal(err)
	}
	_, err = cs.ListDrafts()
	var ae *app.APIError
	if code(err) != "EINVALID" || !asAPI(err, &ae) || !strings.Contains(ae.Zh, "行政区划代码") {
		t.Fatalf("case work without hall code: %v", err)
	}
}

func asAPI(err error, out **app.APIError) bool {
	ae, ok := err.(*app.APIError)
	*out = ae
	return ok
}

func TestDraftsSurviveRestart(t *testing.T) {
	s := openCaseWS(t)
	d, err := s.cases.SaveDraft(cases.Draft{Step: "identity", MatterCode: crimeCode, Data: json.RawMessage(`{"applicant":{"name":"𪚥"}}`)})
	if err != nil {
		t.Fatal(err)
	}
	s.ws.Close()
	ws, err := app.Open(context.Background(), app.Options{DataDir: s.dir, Version: "test",
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	m := ws.Services()
	if _, err := m["AuthService"].(*app.AuthService).Login("clerk1", "Passw0rd1"); err != nil {
		t.Fatal(err)
	}
	list, err := m["CaseService"].(*app.CaseService).ListDrafts()
	if err != nil || len(list) != 1 || list[0].ID != d.ID || !strings.Contains(string(list[0].Data), "𪚥") {
		t.Fatalf("drafts after restart = %+v, %v", list, err)
	}
}

func TestReadCardFaults(t *testing.T) {
	s := openCaseWS(t)
	if _, err := s.identity.ReadCard(); code(err) != "EOFFLINE" {
		t.Fatalf("no reader configured: code %q, want EOFFLINE", code(err))
	}
	info, err := s.identity.Reader()
	if err != nil || info.Configured {
		t.Fatalf("reader info without config = %+v, %v", info, err)
	}
	// Configured, but the simulator folder is missing: unplugged.
	cfg := `{"driver":"file","path":"nowhere/card.json","timeoutSeconds":1}`
	if err := os.WriteFile(filepath.Join(s.dir, app.ReaderConfigFile), []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = s.identity.ReadCard()
	var ae *app.APIError
	if code(err) != "EOFFLINE" || !asAPI(err, &ae) || !strings.Contains(ae.Zh, "读卡器") {
		t.Fatalf("unplugged: %v", err)
	}
	// Folder present, no card: a timeout after 1 s.
	if err := os.MkdirAll(filepath.Join(s.dir, "nowhere"), 0o700); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_, err = s.identity.ReadCard()
	if code(err) != "EOFFLINE" || !asAPI(err, &ae) || !strings.Contains(ae.Zh, "超时") {
		t.Fatalf("timeout: %v", err)
	}
	if el := time.Since(start); el > 5*time.Second {
		t.Fatalf("timeout took %v", el)
	}
	// A broken configuration is reported, not crashed on.
	if err := os.WriteFile(filepath.Join(s.dir, app.ReaderConfigFile), []byte(`{"driver":"usb"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := s.identity.ReadCard(); code(err) != "EINVALID" {
		t.Fatalf("bad config: code %q, want EINVALID", code(err))
	}
	info, _ = s.identity.Reader()
	if info.Problem == "" {
		t.Fatalf("reader info with a bad config has no problem: %+v", info)
	}
	// An expired card read from the simulator is refused with a message.
	s.placeCard(t, "赵六", validID("41010519900307123"))
	b, _ := json.Marshal(identity.Card{Name: "赵六", Number: validID("41010519900307123"), ValidUntil: "2001.01.01"})
	if err := os.WriteFile(filepath.Join(s.dir, "sim", "card.json"), b, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := s.identity.ReadCard(); code(err) != "EINVALID" || !asAPI(err, &ae) || !strings.Contains(ae.Zh, "过期") {
		t.Fatalf("expired card: %v", err)
	}
}

func TestValidateLive(t *testing.T) {
	s := openCaseWS(t)
	good := validID("41010519900307123")
	bad := good[:17] + string("0123456789X"[(strings.IndexByte("0123456789X", good[17])+1)%11])
	tests := []struct {
		name, in string
		ok       bool
		zh       string
	}{
		{"valid", good, true, ""},
		{"full-width and spaces", " " + strings.Map(func(r rune) rune {
			if r >= '0' && r <= '9' {
				return r - '0' + '０'
			}
			return r
		}, good[:6]) + " " + good[6:], true, ""},
		{"wrong check digit", bad, false, "校验"},
		{"30 February", validID("41010519900230123"), false, "不存在"},
		{"17 characters", good[:17], false, "少了"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v, err := s.identity.Validate("", tc.in, "")
			if err != nil {
				t.Fatal(err)
			}
			if v.OK != tc.ok || !strings.Contains(v.Zh, tc.zh) {
				t.Fatalf("Validate(%q) = %+v; want ok=%v zh containing %q", tc.in, v, tc.ok, tc.zh)
			}
		})
	}
}
