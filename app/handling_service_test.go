package app_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"tongban/app"
	"tongban/app/account"
	"tongban/app/audit"
	"tongban/app/cases"
	"tongban/app/errs"
	"tongban/app/identity"
	"tongban/app/remotefiles"
	"tongban/app/store"
)

type loopWS struct {
	ws       *app.Workstation
	auth     *app.AuthService
	handling *app.HandlingService
	db       *store.DB
	hall     string
}

// openLoopWS opens a workstation of hall with a handler and a clerk; the
// handler is signed in.
func openLoopWS(t *testing.T, hall string) loopWS {
	t.Helper()
	ws, err := app.Open(context.Background(), app.Options{DataDir: t.TempDir(), Version: "test",
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	require.NoError(t, err)
	t.Cleanup(func() { ws.Close() })
	m := ws.Services()
	s := loopWS{ws: ws, auth: m["AuthService"].(*app.AuthService), handling: m["HandlingService"].(*app.HandlingService),
		db: ws.LoopDBForTest(), hall: hall}
	_, err = s.auth.Setup("admin", "管理员", "Admin1234")
	require.NoError(t, err)
	for name, role := range map[string]account.Role{"handler1": account.RoleHandler, "clerk1": account.RoleClerk} {
		_, err := s.auth.AddUser(name, name, role, "Passw0rd1")
		require.NoError(t, err)
	}
	set := m["SettingsService"].(*app.SettingsService)
	v, err := set.Get()
	require.NoError(t, err)
	v.Settings.Hall.DivisionCode = hall
	v.Settings.Hall.Name = "测试政务服务中心"
	_, err = set.Save(v.Settings)
	require.NoError(t, err)
	s.login(t, "handler1")
	return s
}

func (s loopWS) login(t *testing.T, user string) {
	t.Helper()
	s.auth.Logout()
	_, err := s.auth.Login(user, "Passw0rd1")
	require.NoError(t, err)
}

// journalAt is a case journal on db as workstation device of hall.
func journalAt(t *testing.T, db *store.DB, hall, device string) *cases.Service {
	t.Helper()
	ctx := context.Background()
	cal, err := cases.LoadCalendar(ctx, db)
	require.NoError(t, err)
	require.NoError(t, cal.EnsureBuiltin(ctx))
	svc, err := cases.New(ctx, db, audit.New(db, device, nil), cal, cases.Config{DeviceID: device, HallCode: hall})
	require.NoError(t, err)
	return svc
}

var (
	loopClerk   = cases.Actor{Username: "clerk1", DisplayName: "王窗口", Role: cases.RoleClerk}
	loopHandler = cases.Actor{Username: "handler1", DisplayName: "李办理", Role: cases.RoleHandler}
	loopID      = validID("41010219900307123")
)

// acceptedCase opens and accepts a case in mode on svc.
func acceptedCase(t *testing.T, svc *cases.Service, name string, mode cases.Mode) cases.State {
	t.Helper()
	ctx := context.Background()
	ck, err := identity.Card{Name: name, Number: loopID, ValidUntil: "长期", Source: identity.SourceReader}.Check(time.Now())
	require.NoError(t, err)
	m := cases.MatterRef{Code: "GA-001", Name: "开具有无犯罪记录证明", Mode: mode, Kind: "承诺件", PromisedLimitDays: 7}
	st, err := svc.Open(ctx, loopClerk, cases.OpenInput{
		Intake:    cases.Intake{Matter: m, Applicant: cases.Person{Name: name, IDNumber: loopID, Phone: "13812345678"}},
		Identity:  &ck,
		Materials: &cases.Materials{Items: []cases.MaterialItem{{ID: "a", Name: "居民身份证", Status: "received", Form: "原件", Pages: 1}}},
		Review:    &cases.Review{Passed: true}})
	require.NoError(t, err)
	st, err = svc.Accept(ctx, loopClerk, st.CaseID, st.Version)
	require.NoError(t, err)
	return st
}

// pull applies the whole journal of caseID from svc (hall A's) to db, as a
// pull from the platform would.
func pull(t *testing.T, from *cases.Service, to *cases.Service, db *store.DB, caseID string) {
	t.Helper()
	ctx := context.Background()
	d, err := from.Detail(ctx, loopClerk, caseID, true)
	require.NoError(t, err)
	acts := make([]cases.RemoteAction, len(d.Journal))
	for i, a := range d.Journal {
		acts[i] = cases.RemoteAction{Action: a, ServerSeq: int64(i + 1), ServerTime: time.Now()}
	}
	require.NoError(t, db.WriteTx(ctx, func(tx *sql.Tx) error {
		_, err := to.ApplyRemoteTx(ctx, tx, acts)
		return err
	}))
}

func apiCodeZh(t *testing.T, err error) (string, string) {
	t.Helper()
	require.Error(t, err)
	var ae *app.APIError
	require.ErrorAs(t, err, &ae)
	return ae.Code, ae.Zh
}

func countAudit(t *testing.T, db *store.DB, action string) int {
	t.Helper()
	var n int
	require.NoError(t, db.Reader().QueryRow("SELECT COUNT(*) FROM audit_log WHERE action = ?", action).Scan(&n))
	return n
}

type memSource struct {
	files map[string][]byte
	err   error
}

func (m memSource) Blob(_ context.Context, sha string) (io.ReadCloser, error) {
	if m.err != nil {
		return nil, m.err
	}
	b, ok := m.files[sha]
	if !ok {
		return nil, errs.New(errs.ENOTFOUND, "no such blob", "平台上没有该文件")
	}
	return io.NopCloser(bytes.NewReader(b)), nil
}

// badCheckDigit changes the last character of an 18-digit number.
func badCheckDigit(id string) string {
	if id[17] == '1' {
		return id[:17] + "2"
	}
	return id[:17] + "1"
}

func sum(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// TestHandlingPlaceSignDecideAndFiles: cases routed from hall A reach B's
// inbox; wrong waybills are refused and audited; B signs by barcode,
// decides with a rendered electronic result and a mailed one, and reads
// A's scans fetched from the platform.
func TestHandlingPlaceSignDecideAndFiles(t *testing.T) {
	ctx := context.Background()
	b := openLoopWS(t, "330106")
	adb, err := store.Open(ctx, filepath.Join(t.TempDir(), "a.db"))
	require.NoError(t, err)
	t.Cleanup(func() { adb.Close() })
	ja := journalAt(t, adb, "410102", "WS-hallA")
	jb := journalAt(t, b.db, "330106", b.ws.DeviceIDForTest())

	var ids []string
	for i, d := range []cases.Dispatch{
		{Places: []string{"330106"}, Waybill: "EA000000001CN", Batch: "JJ1"},
		{Places: []string{"330106"}, Waybill: "EA000000002CN", Batch: "JJ1"},
		{Places: []string{"440300"}, Waybill: "EA000000003CN", Batch: "JJ2"},
	} {
		st := acceptedCase(t, ja, []string{"甲", "乙", "丙"}[i], cases.ModeProxy)
		_, err := ja.Record(ctx, loopClerk, st.CaseID, st.Version, cases.KindDispatched, "", d)
		require.NoError(t, err)
		pull(t, ja, jb, b.db, st.CaseID)
		ids = append(ids, st.CaseID)
	}
	scan := []byte("a scanned page of hall A")
	require.NoError(t, b.db.WriteTx(ctx, func(tx *sql.Tx) error {
		return remotefiles.RecordTx(ctx, tx, "act-1", ids[0], "accepted", []remotefiles.Attachment{{SHA256: sum(scan), Size: int64(len(scan))}})
	}))

	inbox, err := b.handling.Inbox("waiting")
	require.NoError(t, err)
	require.Len(t, inbox, 2, "the parcel for 440300 is not B's")
	for _, it := range inbox {
		require.Equal(t, "410102", it.HallCode)
		require.Contains(t, it.HallName, "郑州")
		require.NotContains(t, it.IDMasked, loopID[6:14], "masked")
		require.Equal(t, "dispatched", it.TaskStatus)
	}

	// Wrong waybills: another place, another case, unknown; each audited.
	_, err = b.handling.SignByWaybill("EA000000003CN", "")
	code, zh := apiCodeZh(t, err)
	require.Equal(t, errs.EINVALID, code)
	require.Contains(t, zh, "不属于本地")
	_, err = b.handling.SignByWaybill("EA000000002CN", ids[0])
	code, zh = apiCodeZh(t, err)
	require.Equal(t, errs.EINVALID, code)
	require.Contains(t, zh, "属于另一办件")
	_, err = b.handling.SignByWaybill("XX999", "")
	code, zh = apiCodeZh(t, err)
	require.Equal(t, errs.ENOTFOUND, code)
	require.Contains(t, zh, "未找到该运单号对应的办件")
	require.Equal(t, 3, countAudit(t, b.db, "handling.sign_refused"))
	var detail string
	require.NoError(t, b.db.Reader().QueryRow("SELECT detail FROM audit_log WHERE action = 'handling.sign_refused' ORDER BY seq LIMIT 1").Scan(&detail))
	require.NotContains(t, detail, loopID, "no personal data in the audit detail")

	// The right barcode, as a scanner types it.
	res, err := b.handling.SignByWaybill(" ea000000001cn ", "")
	require.NoError(t, err)
	require.Equal(t, cases.StatusHandling, res.State.Status)
	require.NotEqual(t, loopID, res.State.Applicant.IDNumber, "answers are masked")
	handling, err := b.handling.Inbox("handling")
	require.NoError(t, err)
	require.Len(t, handling, 1)
	require.Equal(t, ids[0], handling[0].CaseID)

	// Uploaded result files must be PDFs within 20 MB.
	for name, body := range map[string][]byte{"not pdf": []byte("GIF89a..."), "too large": append([]byte("%PDF-"), make([]byte, 21<<20)...)} {
		_, err = b.handling.Decide(app.DecideInput{CaseID: ids[0], BasedOn: res.State.Version, Decision: "approve",
			ResultDelivery: "electronic", FileName: "x.pdf", FileBase64: base64.StdEncoding.EncodeToString(body)})
		code, _ = apiCodeZh(t, err)
		require.Equal(t, errs.EINVALID, code, name)
	}
	// Electronic without a file: the notice is rendered and attached.
	res, err = b.handling.Decide(app.DecideInput{CaseID: ids[0], BasedOn: res.State.Version, Decision: "approve",
		Result: "无犯罪记录证明已开具", ResultDelivery: "electronic"})
	require.NoError(t, err)
	require.Equal(t, cases.StatusHandled, res.State.Status)
	require.Len(t, res.State.Result.Files, 1)
	ref := res.State.Result.Files[0]
	require.Equal(t, "办理结果通知书.pdf", ref.Name)
	var slot string
	require.NoError(t, b.db.Reader().QueryRow("SELECT slot_id FROM scan_pages WHERE case_id = ? AND hash = ?", ids[0], ref.SHA256).Scan(&slot))
	require.Equal(t, "result", slot, "a scan page of the case, so sync uploads it")
	fd, err := b.handling.File(ids[0], ref.SHA256)
	require.NoError(t, err)
	pdf, err := base64.StdEncoding.DecodeString(fd.Base64)
	require.NoError(t, err)
	require.True(t, bytes.HasPrefix(pdf, []byte("%PDF-")))
	require.Equal(t, ref.SHA256, sum(pdf))
	require.Equal(t, "application/pdf", fd.MediaType)

	// A's scan: listed, not local; offline says so; then fetched and verified.
	mats, err := b.handling.Materials(ids[0])
	require.NoError(t, err)
	local := map[string]bool{}
	for _, m := range mats {
		local[m.SHA256] = m.Local
	}
	require.Equal(t, map[string]bool{ref.SHA256: true, sum(scan): false}, local)
	b.handling.UseSourceForTest(func(context.Context) (remotefiles.Source, error) {
		return memSource{err: errs.New(errs.EOFFLINE, "down", "离线，暂不能从平台获取文件")}, nil
	})
	_, err = b.handling.File(ids[0], sum(scan))
	code, zh = apiCodeZh(t, err)
	require.Equal(t, errs.EOFFLINE, code)
	require.Contains(t, zh, "离线")
	b.handling.UseSourceForTest(func(context.Context) (remotefiles.Source, error) {
		return memSource{files: map[string][]byte{sum(scan): scan}}, nil
	})
	fd, err = b.handling.File(ids[0], sum(scan))
	require.NoError(t, err)
	got, _ := base64.StdEncoding.DecodeString(fd.Base64)
	require.Equal(t, scan, got)
	_, err = b.handling.File(ids[1], sum(scan))
	code, _ = apiCodeZh(t, err)
	require.Equal(t, errs.ENOTFOUND, code, "only files attached to that case")
	// A pulled file is never served as something the viewer would run.
	page := []byte("<html><script>window.go.app.AuthService.Logout()</script></html>")
	require.NoError(t, b.db.WriteTx(ctx, func(tx *sql.Tx) error {
		return remotefiles.RecordTx(ctx, tx, "act-2", ids[0], "handled", []remotefiles.Attachment{{SHA256: sum(page), Size: int64(len(page))}})
	}))
	b.handling.UseSourceForTest(func(context.Context) (remotefiles.Source, error) {
		return memSource{files: map[string][]byte{sum(page): page}}, nil
	})
	fd, err = b.handling.File(ids[0], sum(page))
	require.NoError(t, err)
	require.Equal(t, "application/octet-stream", fd.MediaType)

	// A result for a case already handled is refused and recorded.
	before := countAudit(t, b.db, "case.refused_attempt")
	_, err = b.handling.Decide(app.DecideInput{CaseID: ids[0], BasedOn: res.State.Version, Decision: "approve", ResultDelivery: "electronic"})
	code, _ = apiCodeZh(t, err)
	require.Equal(t, errs.ECONFLICT, code)
	require.Equal(t, before+1, countAudit(t, b.db, "case.refused_attempt"))

	// Mailed result without a waybill: one is ordered from the courier.
	res, err = b.handling.SignByWaybill("EA000000002CN", ids[1])
	require.NoError(t, err)
	res, err = b.handling.Decide(app.DecideInput{CaseID: ids[1], BasedOn: res.State.Version, Decision: "refuse",
		Reasons: []string{"材料不符合要求"}, ResultDelivery: "mail"})
	require.NoError(t, err)
	require.Len(t, res.State.Result.ReturnWaybills, 1)
	require.True(t, strings.HasPrefix(res.State.Result.ReturnWaybills[0], "DEMO"), res.State.Result.ReturnWaybills[0])

	// The end of the loop is the collecting hall's: a clerk of the handling
	// place cannot sign for the result, hand it over or close A's case.
	b.login(t, "clerk1")
	before = countAudit(t, b.db, "case.refused_attempt")
	_, err = b.handling.SignResult(ids[1], res.State.Result.ReturnWaybills[0])
	code, zh = apiCodeZh(t, err)
	require.Equal(t, errs.EFORBIDDEN, code)
	require.Contains(t, zh, "收件地")
	_, err = b.handling.HandOver(app.HandOverInput{CaseID: ids[1], BasedOn: res.State.Version, Method: "mail", Ref: "X1"})
	code, _ = apiCodeZh(t, err)
	require.Equal(t, errs.EFORBIDDEN, code)
	_, err = b.handling.Close(ids[1], res.State.Version)
	code, _ = apiCodeZh(t, err)
	require.Equal(t, errs.EFORBIDDEN, code)
	require.Equal(t, before+3, countAudit(t, b.db, "case.refused_attempt"))
	var version int
	require.NoError(t, b.db.Reader().QueryRow("SELECT version FROM cases WHERE id = ?", ids[1]).Scan(&version))
	require.Equal(t, res.State.Version, version, "nothing recorded")
}

// TestHandlingHallResultHandOver: the hall signs for a mailed result before the
// handover; the handover needs the collector's identity, keeps only its
// mask; a closed case takes no result.
func TestHandlingHallResultHandOver(t *testing.T) {
	ctx := context.Background()
	a := openLoopWS(t, "410105")
	j := journalAt(t, a.db, "410105", a.ws.DeviceIDForTest())
	st := acceptedCase(t, j, "赵六", cases.ModeProxy)
	st, err := j.Record(ctx, loopClerk, st.CaseID, st.Version, cases.KindDispatched, "", cases.Dispatch{Places: []string{"330106"}, Waybill: "W1"})
	require.NoError(t, err)
	st, err = j.Record(ctx, loopHandler, st.CaseID, st.Version, cases.KindHandlerReceived, "", cases.Handling{Place: "330106", Waybill: "W1"})
	require.NoError(t, err)
	st, err = j.Record(ctx, loopHandler, st.CaseID, st.Version, cases.KindHandled, "",
		cases.Handling{Place: "330106", Result: "已开具", ResultDelivery: cases.ResultMail, ReturnWaybill: "R1"})
	require.NoError(t, err)
	// A 全程网办 case of this hall taken on another device needs a counter step too.
	other := journalAt(t, a.db, "410105", "WS-other")
	online := acceptedCase(t, other, "钱七", cases.ModeOnline)
	own := acceptedCase(t, j, "孙八", cases.ModeOnline)

	a.login(t, "clerk1")
	waiting, err := a.handling.Waiting()
	require.NoError(t, err)
	var got []string
	for _, c := range waiting {
		got = append(got, c.CaseID)
	}
	require.ElementsMatch(t, []string{st.CaseID, online.CaseID}, got, "not %s (this device's own)", own.CaseID)

	manual := app.HandOverInput{CaseID: st.CaseID, BasedOn: st.Version, Method: "counter", Recipient: "赵六", IDNumber: loopID, Source: "manual"}
	_, err = a.handling.HandOver(manual)
	code, zh := apiCodeZh(t, err)
	require.Equal(t, errs.ECONFLICT, code)
	require.Contains(t, zh, "尚未签收")
	_, err = a.handling.SignResult(st.CaseID, "R2")
	code, _ = apiCodeZh(t, err)
	require.Equal(t, errs.EINVALID, code, "another parcel")
	res, err := a.handling.SignResult(st.CaseID, " r1 ")
	require.NoError(t, err)

	before := countAudit(t, a.db, "case.refused_attempt")
	_, err = a.handling.HandOver(app.HandOverInput{CaseID: st.CaseID, BasedOn: res.State.Version, Method: "counter", Recipient: "赵六"})
	code, zh = apiCodeZh(t, err)
	require.Equal(t, errs.EINVALID, code)
	require.Contains(t, zh, "再次核验")
	require.Equal(t, before+1, countAudit(t, a.db, "case.refused_attempt"), "refusal recorded")
	_, err = a.handling.HandOver(app.HandOverInput{CaseID: st.CaseID, BasedOn: res.State.Version, Method: "counter", Recipient: "赵六",
		IDNumber: loopID, Source: "reader"})
	code, zh = apiCodeZh(t, err)
	require.Equal(t, errs.EINVALID, code)
	require.Contains(t, zh, "读卡记录")
	_, err = a.handling.HandOver(app.HandOverInput{CaseID: st.CaseID, BasedOn: res.State.Version, Method: "counter", Recipient: "赵六",
		IDNumber: badCheckDigit(loopID), Source: "manual"})
	code, _ = apiCodeZh(t, err)
	require.Equal(t, errs.EINVALID, code, "bad check digit")

	manual.BasedOn = res.State.Version
	res, err = a.handling.HandOver(manual)
	require.NoError(t, err)
	require.Equal(t, cases.StatusDelivered, res.State.Status)
	require.Equal(t, identity.MaskID(loopID), res.State.Delivered.IDMasked)
	require.Equal(t, "manual", res.State.Delivered.IdentitySource)
	var n int
	require.NoError(t, a.db.Reader().QueryRow("SELECT COUNT(*) FROM case_actions WHERE kind = 'result_delivered' AND payload LIKE ?",
		"%"+loopID+"%").Scan(&n))
	require.Zero(t, n, "the full number is not stored with the handover")

	waiting, err = a.handling.Waiting()
	require.NoError(t, err)
	for _, c := range waiting {
		require.NotEqual(t, st.CaseID, c.CaseID, "delivered: no longer waiting")
	}
	res, err = a.handling.Close(st.CaseID, res.State.Version)
	require.NoError(t, err)
	require.Equal(t, cases.StatusClosed, res.State.Status)

	// A result for the closed case is refused, recorded, and stores nothing.
	a.login(t, "handler1")
	var pages int
	require.NoError(t, a.db.Reader().QueryRow("SELECT COUNT(*) FROM scan_pages").Scan(&pages))
	before = countAudit(t, a.db, "case.refused_attempt")
	_, err = a.handling.Decide(app.DecideInput{CaseID: st.CaseID, BasedOn: res.State.Version, Decision: "approve", ResultDelivery: "electronic"})
	code, _ = apiCodeZh(t, err)
	require.Equal(t, errs.ECONFLICT, code)
	require.Equal(t, before+1, countAudit(t, a.db, "case.refused_attempt"))
	var after int
	require.NoError(t, a.db.Reader().QueryRow("SELECT COUNT(*) FROM scan_pages").Scan(&after))
	require.Equal(t, pages, after, "no result file stored for a refused step")

	// Roles: a clerk cannot decide, a handler cannot hand over.
	_, err = a.handling.HandOver(manual)
	code, _ = apiCodeZh(t, err)
	require.Equal(t, errs.EFORBIDDEN, code)
}

// TestHandlingMalformedWaybill: a barcode that is not a waybill number is
// refused with a Chinese message and the refusal is audited, kept short.
func TestHandlingMalformedWaybill(t *testing.T) {
	b := openLoopWS(t, "330106")
	b.login(t, "handler1")
	before := countAudit(t, b.db, "handling.sign_refused")
	_, err := b.handling.SignByWaybill("<script>"+strings.Repeat("9", 80), "")
	code, zh := apiCodeZh(t, err)
	require.Equal(t, errs.EINVALID, code)
	require.Contains(t, zh, "运单号格式不正确")
	require.Equal(t, before+1, countAudit(t, b.db, "handling.sign_refused"))
	var detail string
	require.NoError(t, b.db.Reader().QueryRow(`SELECT detail FROM audit_log WHERE action = 'handling.sign_refused' ORDER BY seq DESC LIMIT 1`).Scan(&detail))
	require.Less(t, len(detail), 300, "the audited waybill is cut short: %s", detail)
}
