package app

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/base32"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"tongban/app/account"
	"tongban/app/audit"
	"tongban/app/cases"
	"tongban/app/config"
	"tongban/app/errs"
	"tongban/app/mailing"
	"tongban/app/printjobs"
	"tongban/printing"
	"tongban/printing/fonts"
	"tongban/printing/perr"
	"tongban/printing/spool"
)

// rolesPrint may print a case's documents (the supervisor prints the
// refusal notice of a refusal they approved).
var rolesPrint = []account.Role{account.RoleClerk, account.RoleFieldAgent, account.RoleSupervisor}

// printKinds are the case documents the workstation prints today, with the
// settings key (printers.*, papers.*) and the Chinese title.
var printKinds = []struct {
	kind  printing.Kind
	key   string
	title string
}{
	{printing.KindReceipt, "receipt", "受理回执"},
	{printing.KindSupplement, "notice", "一次性告知书"},
	{printing.KindRefusal, "notice", "不予受理通知书"},
	{printing.KindWaybill, "waybill", "快递运单"},   // ref: the case (its newest mail parcel)
	{printing.KindManifest, "manifest", "交接清单"}, // ref: the mail batch
}

// Remedies named on a refusal notice when the settings name none.
const (
	defaultReviewOrgan = "本机关的本级人民政府"
	defaultCourt       = "有管辖权的人民法院"
)

// PrintService previews and prints a case's documents (受理回执,
// 一次性告知书, 不予受理通知书) through the OS spooler, records every attempt,
// marks reprints 补打 and audits each printed copy. A document is recorded
// as printed only when the spooler reports the job completed.
type PrintService struct {
	w     *Workstation
	deps  *caseDeps
	spool spool.Printer

	mu       sync.Mutex
	fontKey  string
	renderer *printing.Renderer
}

// NewPrintService returns the print service of w printing through sp (nil:
// the system spooler, CUPS or Windows).
func NewPrintService(w *Workstation, sp spool.Printer) *PrintService {
	if sp == nil {
		sp = printjobs.SystemSpooler()
	}
	return &PrintService{w: w, deps: newCaseDeps(w), spool: sp}
}

// PrintDoc is a document a case can print now.
type PrintDoc struct {
	Kind    string          `json:"kind"`
	Title   string          `json:"title"`
	Paper   string          `json:"paper"`
	Printer string          `json:"printer"` // from the settings; empty: the system's default
	Printed int             `json:"printed"` // copies printed so far; the next one is a reprint when > 0
	Last    *printjobs.Job  `json:"last,omitempty"`
	Jobs    []printjobs.Job `json:"jobs"` // attempts for this document, newest first
}

// PrintPreview is a rendered document, exactly as Print would send it.
type PrintPreview struct {
	Kind    string  `json:"kind"`
	Title   string  `json:"title"`
	PDF     []byte  `json:"pdf"` // base64 in JSON
	Pages   int     `json:"pages"`
	Width   float64 `json:"width"` // mm
	Height  float64 `json:"height"`
	Paper   string  `json:"paper"`
	Copy    int     `json:"copy"` // copy number it would print as (> 0: 补打)
	Reprint bool    `json:"reprint"`
}

// PrinterStatus is a printer the spooler knows.
type PrinterStatus struct {
	Name      string   `json:"name"`
	State     string   `json:"state"` // idle | processing | stopped
	Accepting bool     `json:"accepting"`
	Reasons   []string `json:"reasons"`
	Default   bool     `json:"default"`
}

// PrintOptions is what the settings screen offers: the spooler's printers
// (or why they cannot be listed) and the paper sizes per document.
type PrintOptions struct {
	Printers      []PrinterStatus     `json:"printers"`
	PrintersError *APIError           `json:"printersError,omitempty"`
	Papers        map[string][]string `json:"papers"`
}

// Options lists printers and paper sizes for the settings screen. A
// spooler that cannot be reached is reported in PrintersError, not as a
// failure, so the screen still opens.
func (s *PrintService) Options() (PrintOptions, error) {
	const op = "print.options"
	if _, err := s.w.session.require(); err != nil {
		return PrintOptions{}, toAPI(s.w.log, op, err)
	}
	out := PrintOptions{Printers: []PrinterStatus{}, Papers: config.PaperChoices}
	list, err := s.spool.Printers(context.Background())
	if err != nil {
		out.PrintersError = toAPI(s.w.log, op, printErr(err)).(*APIError)
		return out, nil
	}
	for _, p := range list {
		out.Printers = append(out.Printers, PrinterStatus{Name: p.Name, State: p.State, Accepting: p.Accepting,
			Reasons: nonNil(p.Reasons), Default: p.Default})
	}
	return out, nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// Documents lists the documents case caseID can print, with the attempts
// made so far.
func (s *PrintService) Documents(caseID string) ([]PrintDoc, error) {
	const op = "print.documents"
	e, err := s.deps.env()
	if err != nil {
		return nil, toAPI(s.w.log, op, err)
	}
	ctx := context.Background()
	d, err := e.svc.Detail(ctx, e.actor, caseID, false)
	if errs.Code(err) == errs.ENOTFOUND {
		if docs, ok, berr := s.batchDocuments(ctx, e, caseID); ok || berr != nil {
			if berr != nil {
				return nil, toAPI(s.w.log, op, berr)
			}
			return docs, nil
		}
	}
	if err != nil {
		return nil, toAPI(s.w.log, op, err)
	}
	jobs, err := s.jobs().List(ctx, caseID)
	if err != nil {
		return nil, toAPI(s.w.log, op, err)
	}
	set := s.settings()
	out := []PrintDoc{}
	for _, k := range printKinds {
		if !s.printableNow(ctx, e, d.State, k.kind) {
			continue
		}
		out = append(out, printDoc(set, k, jobs))
	}
	return out, nil
}

// batchDocuments lists the documents of a mail batch (its manifest) when
// ref is a batch id; ok is false when it is not one.
func (s *PrintService) batchDocuments(ctx context.Context, e caseEnv, ref string) ([]PrintDoc, bool, error) {
	m, err := s.w.mail.service(e.svc, e.audit)
	if err != nil {
		return nil, false, err
	}
	b, err := m.BatchOf(ctx, ref)
	if errs.Code(err) == errs.ENOTFOUND {
		return nil, false, nil
	}
	if err != nil {
		return nil, true, err
	}
	if len(b.Items) == 0 {
		return []PrintDoc{}, true, nil
	}
	// Manifest jobs are recorded under the batch's first case.
	jobs, err := s.jobs().List(ctx, b.Items[0].CaseID)
	if err != nil {
		return nil, true, err
	}
	k, _ := kindInfo(string(printing.KindManifest))
	return []PrintDoc{printDoc(s.settings(), k, jobs)}, true, nil
}

// printDoc is a document kind with its print jobs (of that kind).
func printDoc(set config.Settings, k printKindInfo, jobs []printjobs.Job) PrintDoc {
	doc := PrintDoc{Kind: string(k.kind), Title: k.title, Paper: paperFor(set, k.key), Printer: printerSetting(set, k.key), Jobs: []printjobs.Job{}}
	for _, j := range jobs {
		if j.Kind != string(k.kind) {
			continue
		}
		if j.Status == printjobs.StatusPrinted {
			doc.Printed++
		}
		if doc.Last == nil {
			jj := j
			doc.Last = &jj
		}
		doc.Jobs = append(doc.Jobs, j)
	}
	return doc
}

// Preview renders document kind of case caseID as Print would print it
// now: a reprint when a copy was printed before.
func (s *PrintService) Preview(caseID, kind string) (PrintPreview, error) {
	const op = "print.preview"
	e, err := s.deps.env()
	if err != nil {
		return PrintPreview{}, toAPI(s.w.log, op, err)
	}
	ctx := context.Background()
	src, k, err := s.source(ctx, e, caseID, kind)
	if err != nil {
		return PrintPreview{}, toAPI(s.w.log, op, err)
	}
	n, err := s.jobs().Printed(ctx, src.jobCase, kind)
	if err != nil {
		return PrintPreview{}, toAPI(s.w.log, op, err)
	}
	set := s.settings()
	out, paper, err := s.render(ctx, set, src, k, n)
	if err != nil {
		return PrintPreview{}, toAPI(s.w.log, op, err)
	}
	return PrintPreview{Kind: kind, Title: k.title, PDF: out.PDF, Pages: out.Pages, Width: out.Width, Height: out.Height,
		Paper: string(paper), Copy: n, Reprint: n > 0}, nil
}

// Print prints document kind of case caseID and waits for the spooler. It
// returns the recorded job when the spooler reported it completed; a
// printer that is offline, out of paper, stopped, rejecting or missing
// gives an error with a Chinese message, the attempt is recorded as failed
// and can be retried.
func (s *PrintService) Print(caseID, kind string) (printjobs.Job, error) {
	j, err := s.print(caseID, kind, "")
	return j, toAPI(s.w.log, "print.print", err)
}

// Retry prints again the document of a failed attempt.
func (s *PrintService) Retry(jobID string) (printjobs.Job, error) {
	const op = "print.retry"
	if _, err := s.w.session.require(rolesPrint...); err != nil {
		return printjobs.Job{}, toAPI(s.w.log, op, err)
	}
	if _, err := s.w.ready(); err != nil {
		return printjobs.Job{}, toAPI(s.w.log, op, err)
	}
	old, err := s.jobs().Get(context.Background(), jobID)
	if err != nil {
		return printjobs.Job{}, toAPI(s.w.log, op, err)
	}
	if old.Status == printjobs.StatusPrinted {
		return printjobs.Job{}, toAPI(s.w.log, op, errs.New(errs.ECONFLICT, "job already printed",
			"该文书已打印成功；如需再打一份，请使用“补打”"))
	}
	j, err := s.print(old.CaseID, old.Kind, old.ID)
	return j, toAPI(s.w.log, op, err)
}

// Jobs lists every print attempt of a case, newest first.
func (s *PrintService) Jobs(caseID string) ([]printjobs.Job, error) {
	const op = "print.jobs"
	if _, err := s.deps.env(); err != nil {
		return nil, toAPI(s.w.log, op, err)
	}
	out, err := s.jobs().List(context.Background(), caseID)
	return out, toAPI(s.w.log, op, err)
}

func (s *PrintService) print(caseID, kind, retryOf string) (printjobs.Job, error) {
	e, err := s.deps.env(rolesPrint...)
	if err != nil {
		return printjobs.Job{}, err
	}
	ctx := context.Background()
	src, k, err := s.source(ctx, e, caseID, kind)
	if err != nil {
		return printjobs.Job{}, err
	}
	caseID = src.jobCase
	set := s.settings()
	printer, err := s.printerFor(ctx, set, k.key)
	if err != nil {
		return printjobs.Job{}, err
	}
	store := s.jobs()
	n, err := store.Printed(ctx, caseID, kind)
	if err != nil {
		return printjobs.Job{}, err
	}
	out, paper, err := s.render(ctx, set, src, k, n)
	if err != nil {
		return printjobs.Job{}, err
	}
	j, err := store.Begin(ctx, printjobs.Job{CaseID: caseID, Kind: kind, Printer: printer, Paper: string(paper),
		RetryOf: retryOf, Actor: e.actor.Username, Pages: out.Pages, Bytes: len(out.PDF)})
	if err != nil {
		return printjobs.Job{}, err
	}
	if j.Copy != n { // another copy was printed between counting and Begin
		if out, _, err = s.render(ctx, set, src, k, j.Copy); err != nil {
			return s.failed(ctx, store, j, "", err)
		}
	}
	title := k.title + " " + src.number
	if j.Copy > 0 {
		title += " 补打"
	}
	res, err := s.spool.Print(ctx, printer, spool.Job{Title: title, PDF: out.PDF, Copies: 1})
	if err != nil {
		return s.failed(ctx, store, j, res.JobID, printErr(err))
	}
	action := "case.printed"
	if j.Copy > 0 {
		action = "case.reprinted"
	}
	done, err := store.Finish(ctx, j.ID, res.JobID, func(tx *sql.Tx, j printjobs.Job) error {
		detail, _ := json.Marshal(map[string]any{"kind": kind, "title": k.title, "copy": j.Copy, "printer": printer,
			"spoolJobId": res.JobID, "printJobId": j.ID, "caseNo": src.number})
		_, err := e.audit.AppendTx(ctx, tx, audit.Entry{Actor: e.actor.Username, Role: string(e.actor.Role),
			Action: action, ObjectType: src.objectType, ObjectID: src.objectID, Detail: detail})
		return err
	})
	if err != nil {
		return printjobs.Job{}, fmt.Errorf("record printed job: %w", err)
	}
	s.w.log.Info("document printed", "case", caseID, "kind", kind, "copy", done.Copy, "printer", printer, "spoolJob", res.JobID)
	return done, nil
}

// failed records a failed attempt and returns cause (the clerk's message).
func (s *PrintService) failed(ctx context.Context, store *printjobs.Store, j printjobs.Job, spoolID string, cause error) (printjobs.Job, error) {
	if _, err := store.Fail(ctx, j.ID, spoolID, errs.Code(cause), errs.Zh(cause)); err != nil {
		return printjobs.Job{}, errors.Join(cause, fmt.Errorf("record failed print job: %w", err))
	}
	return printjobs.Job{}, cause
}

func (s *PrintService) jobs() *printjobs.Store {
	db, _ := s.w.ready() // callers checked ready() through env()
	return printjobs.New(db, s.w.now)
}

func (s *PrintService) deviceID() string {
	s.w.mu.RLock()
	defer s.w.mu.RUnlock()
	return s.w.deviceID
}

func (s *PrintService) settings() config.Settings {
	s.w.mu.RLock()
	defer s.w.mu.RUnlock()
	return s.w.settings
}

// caseDoc loads the (masked) case and checks it has document kind.
func (s *PrintService) caseDoc(ctx context.Context, e caseEnv, caseID, kind string) (cases.Detail, printKindInfo, error) {
	k, ok := kindInfo(kind)
	if !ok {
		return cases.Detail{}, k, errs.Invalid("kind", "unknown document kind "+kind, "不支持打印该类文书："+kind)
	}
	d, err := e.svc.Detail(ctx, e.actor, caseID, false)
	if err != nil {
		return cases.Detail{}, k, err
	}
	if !printable(d.State, k.kind) {
		return cases.Detail{}, k, errs.New(errs.ECONFLICT, "case has no "+kind,
			"该办件当前没有“"+k.title+"”可打印")
	}
	return d, k, nil
}

type printKindInfo = struct {
	kind  printing.Kind
	key   string
	title string
}

func kindInfo(kind string) (printKindInfo, bool) {
	for _, k := range printKinds {
		if string(k.kind) == kind {
			return k, true
		}
	}
	return printKindInfo{}, false
}

func printable(st cases.State, k printing.Kind) bool {
	switch k {
	case printing.KindReceipt:
		return st.Receipt != nil
	case printing.KindSupplement:
		return st.Supplement != nil
	case printing.KindRefusal:
		return st.Refusal != nil && st.Status == cases.StatusRefused
	}
	return false
}

func printerSetting(set config.Settings, key string) string {
	switch key {
	case "receipt":
		return set.Printers.Receipt
	case "notice":
		return set.Printers.Notice
	case "waybill":
		return set.Printers.Waybill
	case "manifest":
		return set.Printers.Manifest
	}
	return ""
}

func paperFor(set config.Settings, key string) string {
	p := map[string]string{"receipt": set.Papers.Receipt, "notice": set.Papers.Notice,
		"waybill": set.Papers.Waybill, "manifest": set.Papers.Manifest}[key]
	if p == "" && len(config.PaperChoices[key]) > 0 {
		p = config.PaperChoices[key][0]
	}
	return p
}

// printerFor is the printer set for the document, else the spooler's
// default, else its only printer.
func (s *PrintService) printerFor(ctx context.Context, set config.Settings, key string) (string, error) {
	if p := printerSetting(set, key); p != "" {
		return p, nil
	}
	list, err := s.spool.Printers(ctx)
	if err != nil {
		return "", printErr(err)
	}
	for _, p := range list {
		if p.Default {
			return p.Name, nil
		}
	}
	switch len(list) {
	case 0:
		return "", errs.New(errs.ENOTFOUND, "no printer installed",
			"本机没有可用的打印机：请先安装打印机，或请管理员在“系统设置”中为该文书指定打印机")
	case 1:
		return list[0].Name, nil
	}
	return "", errs.Invalid("printers."+key, "several printers and none chosen",
		"本机有多台打印机，请管理员在“系统设置”的“打印机”中为该文书指定一台")
}

// render builds and renders the document as copy number n.
func (s *PrintService) render(ctx context.Context, set config.Settings, src docSource, k printKindInfo, n int) (*printing.Output, printing.Paper, error) {
	doc, err := src.build(set, n)
	if err != nil {
		return nil, "", err
	}
	r, err := s.rendererFor(ctx, set)
	if err != nil {
		return nil, "", err
	}
	paper := printing.Paper(paperFor(set, k.key))
	out, err := r.Render(ctx, doc, paper)
	if err != nil {
		return nil, "", printErr(err)
	}
	return out, paper, nil
}

// rendererFor loads the fonts once per configured font path: the
// configured file, else a system Chinese font, else the bundled default
// next to the executable or in the source tree's printing/fonts.
func (s *PrintService) rendererFor(ctx context.Context, set config.Settings) (*printing.Renderer, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	key := set.Printing.FontPath
	if s.renderer != nil && s.fontKey == key {
		return s.renderer, nil
	}
	start := time.Now()
	fs, err := fonts.Load(ctx, fonts.Config{Path: key, DefaultDirs: fontDirs()})
	if err != nil {
		if key != "" {
			return nil, errs.Wrap(err, perr.Code(err), "printing.fontPath: "+err.Error(), "设置项 printing.fontPath："+perr.Zh(err))
		}
		return nil, printErr(err)
	}
	for _, n := range fs.Notes {
		s.w.log.Warn("font skipped", "note", n)
	}
	s.w.log.Info("fonts loaded", "elapsed", time.Since(start).Round(time.Millisecond))
	s.renderer, s.fontKey = printing.NewRenderer(fs), key
	return s.renderer, nil
}

// fontDirs are where the bundled default font may be: beside the
// executable (installed), and printing/fonts of the source tree found
// from the working directory (development, tests).
func fontDirs() []string {
	var dirs []string
	if exe, err := os.Executable(); err == nil {
		dir := filepath.Dir(exe)
		dirs = append(dirs, dir, filepath.Join(dir, "fonts"))
	}
	if wd, err := os.Getwd(); err == nil {
		for i := 0; i < 4; i++ {
			dirs = append(dirs, filepath.Join(wd, "printing", "fonts"))
			parent := filepath.Dir(wd)
			if parent == wd {
				break
			}
			wd = parent
		}
	}
	return dirs
}

// printErr turns a printing error into the app's error with the same code
// and Chinese message.
func printErr(err error) error {
	var pe *perr.Error
	if errors.As(err, &pe) {
		return errs.Wrap(err, pe.Code, "printing", pe.Zh)
	}
	return err
}

// printZone is China Standard Time, for the dates printed.
var printZone = time.FixedZone("CST", 8*3600)

func caseNo(st cases.State) printing.CaseNo {
	if st.OfficialNo != "" {
		return printing.CaseNo{Number: st.OfficialNo}
	}
	// The template labels it 临时编号; the barcode needs ASCII.
	return printing.CaseNo{Number: strings.TrimPrefix(st.ProvisionalNo, cases.ProvisionalPrefix), Provisional: true}
}

// verifyCode is the 查验码 printed with the QR code: stable for a case, so
// a reprint carries the same code.
func verifyCode(deviceID string, st cases.State) string {
	sum := sha256.Sum256([]byte("tongban-verify|" + deviceID + "|" + st.CaseID))
	return base32.StdEncoding.EncodeToString(sum[:])[:8]
}

func parseDay(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02", s, printZone)
	if err != nil {
		return time.Time{}
	}
	return t
}

func parseStamp(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}
	}
	return t.In(printZone)
}

// actorOf is who took the last action of kind in the journal.
func actorOf(j []cases.Action, kinds ...cases.Kind) string {
	for i := len(j) - 1; i >= 0; i-- {
		for _, k := range kinds {
			if j[i].Kind == k {
				return j[i].Actor
			}
		}
	}
	return ""
}

// buildDocument fills the printing package's document from a masked case
// detail; the printing package masks again what it prints masked.
func buildDocument(set config.Settings, d cases.Detail, kind printing.Kind, reprint int, deviceID string) (printing.Document, error) {
	st := d.State
	hall := strings.TrimSpace(set.Hall.Name)
	if hall == "" {
		return nil, errs.Invalid("hall.name", "hall name not set", "请管理员先在“系统设置”中填写服务大厅名称，文书上须印有受理单位")
	}
	person := printing.Person{Name: st.Applicant.Name, IDNumber: st.Applicant.IDNumber, Phone: st.Applicant.Phone, Address: st.Applicant.Address}
	no := caseNo(st)
	verify := verifyCode(deviceID, st)
	switch kind {
	case printing.KindReceipt:
		r := st.Receipt
		at := parseStamp(r.AcceptedAt)
		doc := printing.Receipt{Meta: printing.Meta{Hall: hall, Date: at, Reprint: reprint}, Case: no, Matter: r.MatterName,
			Applicant: person, AcceptedAt: at, PromisedDays: st.Matter.PromisedLimitDays, PromisedDate: parseDay(r.DueDate),
			HandlingPlace: strings.Join(st.Places, "、"), VerifyCode: verify, Clerk: r.Clerk}
		for _, m := range r.Materials {
			note := ""
			if m.Pages > 0 {
				note = fmt.Sprintf("%d 页", m.Pages)
			}
			if m.CheckedOriginal {
				note = strings.TrimPrefix(note+"，已核对原件", "，")
			}
			doc.Materials = append(doc.Materials, printing.Material{Name: m.Name, Form: m.Form, Note: note})
		}
		return doc, nil
	case printing.KindSupplement:
		n := st.Supplement
		doc := printing.SupplementNotice{Meta: printing.Meta{Hall: hall, Date: parseDay(n.NoticeDate), Reprint: reprint}, Case: no,
			Matter: st.Matter.Name, Applicant: person, VerifyCode: verify, Clerk: actorOf(d.Journal, cases.KindSupplementRequest)}
		for _, it := range n.Items {
			what := "缺少"
			if it.Problem == "faulty" {
				what = "不符合要求"
			}
			doc.Items = append(doc.Items, printing.SupplementItem{Material: it.Name, Requirement: what + "：" + it.Reason})
		}
		return doc, nil
	case printing.KindRefusal:
		ref := st.Refusal
		organ, court := strings.TrimSpace(set.Printing.ReviewOrgan), strings.TrimSpace(set.Printing.Court)
		if organ == "" {
			organ = defaultReviewOrgan
		}
		if court == "" {
			court = defaultCourt
		}
		return printing.RefusalNotice{Meta: printing.Meta{Hall: hall, Date: st.DecidedAt.In(printZone), Reprint: reprint}, Case: no,
			Matter: st.Matter.Name, Applicant: person, Reasons: ref.Reasons, Basis: strings.Join(ref.Basis, "；"),
			ReviewOrgan: organ, Court: court, VerifyCode: verify}, nil
	}
	return nil, errs.Invalid("kind", "unknown document kind "+string(kind), "不支持打印该类文书")
}

// docSource is a document to print and what its print jobs and audit
// entries are recorded against.
type docSource struct {
	build      func(set config.Settings, reprint int) (printing.Document, error)
	jobCase    string // print_jobs.case_id (a manifest: the batch's first case)
	number     string // case, waybill or batch number, in the spool title
	objectType string // audit object
	objectID   string
}

// source resolves ref (a case id; a batch id for the manifest) to the
// document of kind.
func (s *PrintService) source(ctx context.Context, e caseEnv, ref, kind string) (docSource, printKindInfo, error) {
	switch printing.Kind(kind) {
	case printing.KindWaybill, printing.KindManifest:
		k, _ := kindInfo(kind)
		m, err := s.w.mail.service(e.svc, e.audit)
		if err != nil {
			return docSource{}, k, err
		}
		if k.kind == printing.KindWaybill {
			return s.waybillSource(ctx, e, m, ref, k)
		}
		return s.manifestSource(ctx, e, m, ref, k)
	}
	d, k, err := s.caseDoc(ctx, e, ref, kind)
	if err != nil {
		return docSource{}, k, err
	}
	dev := s.deviceID()
	return docSource{jobCase: ref, number: caseNo(d.State).Number, objectType: "case", objectID: ref,
		build: func(set config.Settings, n int) (printing.Document, error) {
			return buildDocument(set, d, k.kind, n, dev)
		}}, k, nil
}

// printableNow tells whether a case lists document kind: the case's own
// documents by its state, the waybill once the case is in a mail batch;
// the manifest belongs to a batch, not a case.
func (s *PrintService) printableNow(ctx context.Context, e caseEnv, st cases.State, kind printing.Kind) bool {
	switch kind {
	case printing.KindManifest:
		return false
	case printing.KindWaybill:
		m, err := s.w.mail.service(e.svc, e.audit)
		if err != nil {
			return false
		}
		_, _, err = m.ItemOf(ctx, st.CaseID)
		return err == nil
	}
	return printable(st, kind)
}

func hallName(set config.Settings) (string, error) {
	hall := strings.TrimSpace(set.Hall.Name)
	if hall == "" {
		return "", errs.Invalid("hall.name", "hall name not set", "请管理员先在“系统设置”中填写服务大厅名称，文书上须印有受理单位")
	}
	return hall, nil
}

// courierLabel is the carrier printed on a waybill.
func courierLabel(name string) string {
	if name == "demo" {
		return "演示快递"
	}
	return name
}

func (s *PrintService) waybillSource(ctx context.Context, e caseEnv, m *mailing.Service, caseID string, k printKindInfo) (docSource, printKindInfo, error) {
	b, it, err := m.ItemOf(ctx, caseID)
	if err != nil {
		return docSource{}, k, err
	}
	no := it.OfficialNo
	if no == "" {
		no = strings.TrimPrefix(it.ProvisionalNo, cases.ProvisionalPrefix)
	}
	build := func(set config.Settings, n int) (printing.Document, error) {
		hall, err := hallName(set)
		if err != nil {
			return nil, err
		}
		sender := printing.Party{Org: hall, Name: set.Mail.SenderName, Phone: set.Mail.SenderPhone, Address: set.Mail.SenderAddress}
		if sender.Address == "" {
			sender.Address = hall
		}
		return printing.Waybill{Date: parseStamp(it.AddedAt), TrackingNo: it.Waybill, Demo: it.Demo, Carrier: courierLabel(b.Courier),
			Service: "政务专递", RouteCode: it.RouteCode, Sender: sender,
			Recipient: printing.Party{Org: b.PlaceName + "跨省通办专窗", Address: b.PlaceName + "政务服务中心"},
			Contents:  "跨省通办申请材料（交接清单 " + b.Number + "）", CaseNos: []string{no}, Reprint: n}, nil
	}
	return docSource{build: build, jobCase: caseID, number: it.Waybill, objectType: "case", objectID: caseID}, k, nil
}

func (s *PrintService) manifestSource(ctx context.Context, e caseEnv, m *mailing.Service, ref string, k printKindInfo) (docSource, printKindInfo, error) {
	d, err := m.BatchOf(ctx, ref)
	if err != nil {
		return docSource{}, k, err
	}
	if len(d.Items) == 0 {
		return docSource{}, k, errs.New(errs.ECONFLICT, "empty batch", "批次中没有办件，没有交接清单可打印")
	}
	items := make([]printing.ManifestItem, 0, len(d.Items))
	for _, it := range d.Items {
		cd, err := e.svc.Detail(ctx, e.actor, it.CaseID, false)
		if err != nil {
			return docSource{}, k, err
		}
		mi := printing.ManifestItem{CaseNo: caseNo(cd.State).Number, Matter: it.MatterName, Applicant: it.Applicant}
		for _, mat := range cd.State.Materials {
			if mat.Status == "received" {
				mi.Materials++
				mi.Pages += mat.Pages
			}
		}
		items = append(items, mi)
	}
	b := d.Batch
	build := func(set config.Settings, n int) (printing.Document, error) {
		hall, err := hallName(set)
		if err != nil {
			return nil, err
		}
		date := parseStamp(b.CreatedAt)
		if b.DispatchedAt != "" {
			date = parseStamp(b.DispatchedAt)
		}
		handedBy := b.DispatchedBy
		if handedBy == "" {
			handedBy = e.actor.DisplayName
		}
		return printing.Manifest{Meta: printing.Meta{Hall: hall, Date: date, Reprint: n}, BatchNo: b.Number, From: hall,
			To: b.PlaceName, TrackingNo: fmt.Sprintf("每件一单，共 %d 件", len(items)), Items: items, HandedBy: handedBy}, nil
	}
	return docSource{build: build, jobCase: d.Items[0].CaseID, number: b.Number, objectType: "mail_batch", objectID: b.ID}, k, nil
}
