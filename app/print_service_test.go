package app_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"tongban/app"
	"tongban/app/cases"
	"tongban/app/config"
	"tongban/app/identity"
	"tongban/app/printjobs"
	"tongban/printing"
	"tongban/printing/perr"
	"tongban/printing/spool"
)

// fakeSpool is a spooler whose outcome the test sets.
type fakeSpool struct {
	mu       sync.Mutex
	printers []spool.Info
	fail     error
	jobs     []spool.Job
	to       []string
}

func (f *fakeSpool) Printers(context.Context) ([]spool.Info, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.printers, nil
}

func (f *fakeSpool) Print(_ context.Context, printer string, j spool.Job) (spool.Result, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.jobs = append(f.jobs, j)
	f.to = append(f.to, printer)
	if f.fail != nil {
		return spool.Result{Printer: printer, JobID: printer + "-9"}, f.fail
	}
	return spool.Result{Printer: printer, JobID: printer + "-" + string(rune('0'+len(f.jobs))), State: "completed"}, nil
}

func (f *fakeSpool) setFail(err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.fail = err
}

type printWS struct {
	caseWS
	print *app.PrintService
	spool *fakeSpool
}

func openPrintWS(t *testing.T) printWS {
	t.Helper()
	s := openCaseWS(t)
	fs := &fakeSpool{printers: []spool.Info{{Name: "Counter-A4", State: "idle", Accepting: true}}}
	return printWS{caseWS: s, print: app.NewPrintService(s.ws, fs), spool: fs}
}

// accepted opens and accepts a case for 张三 (manual identity check).
func (s printWS) accepted(t *testing.T) cases.State {
	t.Helper()
	id := validID("41010519900307123")
	ck, err := s.identity.CheckManual(identity.Card{Name: "张三", Number: id, ValidUntil: "长期"})
	require.NoError(t, err)
	res, err := s.cases.Open(crimeInput("张三", id, &ck))
	require.NoError(t, err)
	acc, err := s.cases.Accept(res.State.CaseID, res.State.Version)
	require.NoError(t, err)
	return acc.State
}

// pdfText returns the text of a PDF through poppler's pdftotext, or skips.
func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext missing (Debian poppler-utils)")
	}
	cmd := exec.Command("pdftotext", "-enc", "UTF-8", "-", "-")
	cmd.Stdin = bytes.NewReader(pdf)
	out, err := cmd.Output()
	require.NoError(t, err)
	return string(out)
}

func apiErr(t *testing.T, err error) *app.APIError {
	t.Helper()
	var ae *app.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("error %v is not an *app.APIError", err)
	}
	return ae
}

func auditActions(t *testing.T, s printWS, caseID string) []string {
	t.Helper()
	es, err := s.cases.Audit(caseID)
	require.NoError(t, err)
	var out []string
	for _, e := range es {
		out = append(out, e.Action)
	}
	return out
}

func TestPrintReceiptThenReprintIsMarkedAndAudited(t *testing.T) {
	s := openPrintWS(t)
	st := s.accepted(t)

	docs, err := s.print.Documents(st.CaseID)
	require.NoError(t, err)
	require.Len(t, docs, 1)
	if got, want := docs[0].Kind, "receipt"; got != want {
		t.Fatalf("document = %q, want %q", got, want)
	}
	require.Equal(t, "a4", docs[0].Paper)

	pv, err := s.print.Preview(st.CaseID, "receipt")
	require.NoError(t, err)
	require.True(t, bytes.HasPrefix(pv.PDF, []byte("%PDF-")))
	require.False(t, pv.Reprint)
	text := pdfText(t, pv.PDF)
	for _, want := range []string{"受理回执", "郑州市金水区政务服务中心", "开具有无犯罪记录证明", "临时编号", "张三", "410105********123"} {
		require.Contains(t, text, want)
	}
	require.NotContains(t, text, "补打")
	require.NotContains(t, text, "19900307", "ID number printed unmasked")
	require.NotContains(t, text, "13812345678", "phone printed unmasked")

	j, err := s.print.Print(st.CaseID, "receipt")
	require.NoError(t, err)
	require.Equal(t, printjobs.StatusPrinted, j.Status)
	require.Equal(t, 0, j.Copy)
	require.Equal(t, "Counter-A4", j.Printer, "the only printer when none is set")
	require.Equal(t, "Counter-A4-1", j.SpoolJobID)
	require.NotContains(t, s.spool.jobs[0].Title, "张三", "the spool queue shows no personal data")

	pv, err = s.print.Preview(st.CaseID, "receipt")
	require.NoError(t, err)
	require.True(t, pv.Reprint)
	require.Contains(t, pdfText(t, pv.PDF), "补打")

	j2, err := s.print.Print(st.CaseID, "receipt")
	require.NoError(t, err)
	require.Equal(t, 1, j2.Copy)
	require.Contains(t, pdfText(t, s.spool.jobs[1].PDF), "补打", "the reprint sent to the printer is marked")
	require.True(t, strings.HasSuffix(s.spool.jobs[1].Title, "补打"))

	acts := auditActions(t, s, st.CaseID)
	require.Contains(t, acts, "case.printed")
	require.Contains(t, acts, "case.reprinted")

	docs, err = s.print.Documents(st.CaseID)
	require.NoError(t, err)
	require.Equal(t, 2, docs[0].Printed)
	require.Len(t, docs[0].Jobs, 2)
}

func TestFailedPrintIsNotRecordedPrintedAndCanBeRetried(t *testing.T) {
	s := openPrintWS(t)
	st := s.accepted(t)
	s.spool.setFail(perr.New(perr.ECONFLICT, "printer out of paper", "打印机“Counter-A4”无法打印：打印机缺纸，请装纸。处理后请重试，文书未打印"))

	_, err := s.print.Print(st.CaseID, "receipt")
	ae := apiErr(t, err)
	require.Equal(t, "ECONFLICT", ae.Code)
	require.Contains(t, ae.Zh, "缺纸")

	jobs, err := s.print.Jobs(st.CaseID)
	require.NoError(t, err)
	require.Len(t, jobs, 1)
	require.Equal(t, printjobs.StatusFailed, jobs[0].Status)
	require.Contains(t, jobs[0].ErrorZh, "缺纸")
	require.NotContains(t, auditActions(t, s, st.CaseID), "case.printed")

	s.spool.setFail(nil)
	j, err := s.print.Retry(jobs[0].ID)
	require.NoError(t, err)
	require.Equal(t, printjobs.StatusPrinted, j.Status)
	require.Equal(t, 0, j.Copy, "nothing was printed before: the retry is the original")
	require.Equal(t, jobs[0].ID, j.RetryOf)
	require.NotContains(t, pdfText(t, s.spool.jobs[1].PDF), "补打")

	_, err = s.print.Retry(j.ID)
	require.Equal(t, "ECONFLICT", apiErr(t, err).Code, "a printed job is reprinted, not retried")
}

func TestPrinterErrorsReachTheClerkInChinese(t *testing.T) {
	tests := []struct {
		name     string
		printers []spool.Info
		setting  string
		fail     error
		code     string
		zh       string
	}{
		{"missing printer", nil, "NoSuch", perr.New(perr.ENOTFOUND, "printer NoSuch does not exist", "打印机“NoSuch”不存在，请在设置中重新选择打印机"), "ENOTFOUND", "不存在"},
		{"offline spooler", nil, "P", perr.New(perr.EOFFLINE, "cups unreachable", "无法连接打印服务（CUPS），请确认打印服务已启动"), "EOFFLINE", "无法连接打印服务"},
		{"rejecting", nil, "P", perr.New(perr.ECONFLICT, "rejecting", "打印机“P”拒绝接收新的打印任务"), "ECONFLICT", "拒绝"},
		{"no printer at all", []spool.Info{}, "", nil, "ENOTFOUND", "没有可用的打印机"},
		{"several printers none chosen", []spool.Info{{Name: "A"}, {Name: "B"}}, "", nil, "EINVALID", "指定"},
	}
	s := openPrintWS(t) // one workstation: failures never count as printed
	st := s.accepted(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s.spool.printers, s.spool.fail = tt.printers, tt.fail
			s.login(t, "admin")
			v, err := s.settings.Get()
			require.NoError(t, err)
			v.Settings.Printers.Receipt = tt.setting
			_, err = s.settings.Save(v.Settings)
			require.NoError(t, err)
			s.login(t, "clerk1")
			_, err = s.print.Print(st.CaseID, "receipt")
			ae := apiErr(t, err)
			if got, want := ae.Code, tt.code; got != want {
				t.Fatalf("code = %q, want %q (%s)", got, want, ae.Zh)
			}
			require.Contains(t, ae.Zh, tt.zh)
			docs, err := s.print.Documents(st.CaseID)
			require.NoError(t, err)
			require.Equal(t, 0, docs[0].Printed)
		})
	}
}

func TestSupplementAndRefusalNotices(t *testing.T) {
	s := openPrintWS(t)
	id := validID("41010519850101002")
	manual, err := s.identity.CheckManual(identity.Card{Name: "阿依古丽·买买提", Number: id, ValidUntil: "长期"})
	require.NoError(t, err)
	in := crimeInput("阿依古丽·买买提", id, &manual)
	in.Materials.Items[1] = cases.MaterialItem{ID: "application", Name: "有无犯罪记录证明申请表", Status: "missing", Problem: "未提交申请表", Required: true}
	res, err := s.cases.Open(in)
	require.NoError(t, err)
	sup, err := s.cases.RequestSupplement(res.State.CaseID, res.State.Version,
		[]cases.SupplementItem{{MaterialID: "application", Name: "有无犯罪记录证明申请表", Problem: "missing", Reason: "未提交申请表"}})
	require.NoError(t, err)
	caseID := sup.State.CaseID

	pv, err := s.print.Preview(caseID, "supplement")
	require.NoError(t, err)
	text := pdfText(t, pv.PDF)
	require.Contains(t, text, "一次性告知书")
	require.Contains(t, text, "未提交申请表")
	_, err = s.print.Preview(caseID, "refusal")
	require.Equal(t, "ECONFLICT", apiErr(t, err).Code, "no refusal yet")
	_, err = s.print.Preview(caseID, "waybill")
	require.Equal(t, "ENOTFOUND", apiErr(t, err).Code, "not in a mailing batch: no waybill")
	require.Contains(t, apiErr(t, err).Zh, "尚未加入邮寄批次")

	ref, err := s.cases.Refuse(caseID, sup.State.Version, []string{"补正后仍不符合要求"}, []string{"《行政许可法》第三十二条"})
	require.NoError(t, err)
	s.login(t, "sup1")
	co, err := s.cases.Checkout(caseID, ref.State.Version)
	require.NoError(t, err)
	_, err = s.cases.Approve(caseID, co.State.Version, "同意")
	require.NoError(t, err)

	docs, err := s.print.Documents(caseID)
	require.NoError(t, err)
	var kinds []string
	for _, d := range docs {
		kinds = append(kinds, d.Kind)
	}
	require.Equal(t, []string{"supplement", "refusal"}, kinds)
	j, err := s.print.Print(caseID, "refusal")
	require.NoError(t, err, "the supervisor prints the refusal notice")
	text = pdfText(t, s.spool.jobs[0].PDF)
	for _, want := range []string{"不予受理通知书", "补正后仍不符合要求", "行政复议", "行政诉讼", "有管辖权的人民法院"} {
		require.Contains(t, text, want)
	}
	require.Equal(t, "sup1", j.Actor)
}

func TestAdminSeesOptionsButCannotPrint(t *testing.T) {
	s := openPrintWS(t)
	st := s.accepted(t)
	s.login(t, "admin")
	_, err := s.print.Print(st.CaseID, "receipt")
	require.Equal(t, "EFORBIDDEN", apiErr(t, err).Code)
	require.Empty(t, s.spool.jobs)

	o, err := s.print.Options()
	require.NoError(t, err)
	require.Len(t, o.Printers, 1)
	require.Equal(t, "Counter-A4", o.Printers[0].Name)
	require.Equal(t, []string{"a4", "roll80"}, o.Papers["receipt"])
	require.Nil(t, o.PrintersError)
}

func TestBadFontPathNamesTheSetting(t *testing.T) {
	s := openPrintWS(t)
	st := s.accepted(t)
	s.login(t, "admin")
	v, err := s.settings.Get()
	require.NoError(t, err)
	notFont := t.TempDir() + "/not-a-font.ttf"
	require.NoError(t, os.WriteFile(notFont, []byte("this is not a font"), 0o600))
	v.Settings.Printing.FontPath = notFont
	_, err = s.settings.Save(v.Settings)
	require.NoError(t, err)
	s.login(t, "clerk1")
	_, err = s.print.Preview(st.CaseID, "receipt")
	ae := apiErr(t, err)
	require.Equal(t, "EINVALID", ae.Code)
	require.Contains(t, ae.Zh, "printing.fontPath")
}

func TestPaperChoicesHaveTemplates(t *testing.T) {
	kinds := map[string][]printing.Kind{
		"receipt":  {printing.KindReceipt},
		"notice":   {printing.KindSupplement, printing.KindRefusal, printing.KindResult},
		"waybill":  {printing.KindWaybill},
		"manifest": {printing.KindManifest},
	}
	for key, papers := range config.PaperChoices {
		for _, k := range kinds[key] {
			for _, p := range papers {
				if _, err := printing.LoadTemplate(k, printing.Paper(p)); err != nil {
					t.Errorf("papers.%s = %s: no %s template: %v", key, p, k, err)
				}
			}
		}
	}
}

// TestPrintOnRealCUPS prints a receipt through the CUPS server started by
// scripts/start-cups.sh (eval its output first); skipped without it.
func TestPrintOnRealCUPS(t *testing.T) {
	printer := os.Getenv("TONGBAN_TEST_PRINTER")
	if printer == "" {
		t.Skip("TONGBAN_TEST_PRINTER not set: eval \"$(scripts/start-cups.sh)\"")
	}
	s := openCaseWS(t)
	ps := printWS{caseWS: s, print: app.NewPrintService(s.ws, spool.NewCUPS(""))}
	st := ps.accepted(t)
	s.login(t, "admin")
	v, err := s.settings.Get()
	require.NoError(t, err)
	v.Settings.Printers.Receipt = printer
	_, err = s.settings.Save(v.Settings)
	require.NoError(t, err)
	s.login(t, "clerk1")
	j, err := ps.print.Print(st.CaseID, "receipt")
	require.NoError(t, err)
	require.Equal(t, printjobs.StatusPrinted, j.Status)
	require.True(t, strings.HasPrefix(j.SpoolJobID, printer+"-"), j.SpoolJobID)

	v.Settings.Printers.Receipt = "TongbanNoSuchPrinter"
	s.login(t, "admin")
	_, err = s.settings.Save(v.Settings)
	require.NoError(t, err)
	s.login(t, "clerk1")
	_, err = ps.print.Print(st.CaseID, "receipt")
	require.Equal(t, "ENOTFOUND", apiErr(t, err).Code)
}
