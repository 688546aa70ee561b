package app

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"path"
	"strings"
	"time"

	"tongban/app/cases"
	"tongban/app/errs"
	"tongban/app/remotefiles"
	"tongban/printing"
	"tongban/scanner"
	"tongban/scanner/blob"
	"tongban/scanner/format"
	"tongban/sync/client"
	"tongban/sync/protocol"
)

// RemoteFile is a file of a routed case: the collecting hall's scans
// (attachments of pulled actions), local scan pages and result documents.
// Local says whether the bytes are on this workstation already.
type RemoteFile struct {
	SHA256 string `json:"sha256"`
	Size   int64  `json:"size"`
	Name   string `json:"name"`
	Local  bool   `json:"local"`
}

// FileData is a file's content for the viewer.
type FileData struct {
	Name      string `json:"name"`
	MediaType string `json:"mediaType"`
	Base64    string `json:"base64"`
}

// Limits of an uploaded result document.
const (
	maxResultFile = 20 << 20
	resultSlot    = "result" // scan slot of result documents (sync uploads every page of a case)
	resultFolder  = "handling"
)

// resultFile stores the electronic result (the uploaded PDF, or the
// 办理结果通知书 rendered here) and attaches it to the case as a page of
// the "result" slot, so the next pushed action lists it and sync uploads
// it before that action.
func (h *HandlingService) resultFile(ctx context.Context, e loopEnv, d cases.Detail, in DecideInput) (cases.FileRef, error) {
	var pdf []byte
	name := strings.TrimSpace(in.FileName)
	if strings.TrimSpace(in.FileBase64) != "" {
		b, err := decodeResultPDF(in.FileBase64)
		if err != nil {
			return cases.FileRef{}, err
		}
		pdf = b
	} else {
		b, err := h.renderResult(ctx, d, in)
		if err != nil {
			return cases.FileRef{}, err
		}
		pdf = b
		if name == "" {
			name = "办理结果通知书.pdf"
		}
	}
	name = safeFileName(path.Base(strings.ReplaceAll(name, `\`, "/")))
	if name == "pages" || name == "." {
		name = "办理结果.pdf"
	}
	if !strings.HasSuffix(strings.ToLower(name), ".pdf") {
		name += ".pdf"
	}
	fs, _, err := h.w.scans.store()
	if err != nil {
		return cases.FileRef{}, err
	}
	hash, err := blob.PutBytes(ctx, fs, pdf)
	if err != nil {
		return cases.FileRef{}, errs.Wrap(err, errs.EINTERNAL, "store result file", "办理结果文件保存失败")
	}
	svc, err := h.w.scans.service()
	if err != nil {
		return cases.FileRef{}, err
	}
	now := h.w.now()
	size := int64(len(pdf))
	res, err := svc.Attach(ctx, scanner.Attachment{Target: scanner.Target{CaseID: d.State.CaseID, SlotID: resultSlot},
		FolderID: resultFolder, FileName: name, FileSize: size, FileModTime: now, Kind: format.PDF, Source: hash,
		Pages: []scanner.Page{{Index: 0, Hash: hash, Size: size, MediaType: "application/pdf"}}, TakenAt: now})
	if err != nil {
		return cases.FileRef{}, fmt.Errorf("attach result file: %w", err)
	}
	if res.Target.CaseID != d.State.CaseID {
		return cases.FileRef{}, errs.Invalid("fileBase64", "file already attached to another case",
			"该文件已作为其他办件的材料上传过，请核对是否选错了文件")
	}
	return cases.FileRef{SHA256: hash.String(), Name: name, Size: size}, nil
}

// decodeResultPDF decodes an uploaded result document (plain base64 or a
// data: URL) and checks that it is a PDF within the size limit.
func decodeResultPDF(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	if i := strings.Index(s, ";base64,"); strings.HasPrefix(s, "data:") && i > 0 {
		s = s[i+len(";base64,"):]
	}
	if base64.StdEncoding.DecodedLen(len(s)) > maxResultFile+3 {
		return nil, errs.Invalid("fileBase64", "result file too large", "办理结果文件不能超过 20 MB")
	}
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return nil, errs.Invalid("fileBase64", "result file is not base64", "办理结果文件内容无法读取，请重新选择文件")
	}
	if len(b) > maxResultFile {
		return nil, errs.Invalid("fileBase64", "result file too large", "办理结果文件不能超过 20 MB")
	}
	if !bytes.HasPrefix(b, []byte("%PDF-")) {
		return nil, errs.Invalid("fileBase64", "result file is not a PDF", "办理结果文件须为 PDF 文件")
	}
	return b, nil
}

// renderResult renders the 办理结果通知书 with the print service's renderer.
func (h *HandlingService) renderResult(ctx context.Context, d cases.Detail, in DecideInput) ([]byte, error) {
	h.w.mu.RLock()
	set := h.w.settings
	dev := h.w.deviceID
	h.w.mu.RUnlock()
	st := d.State
	hall := strings.TrimSpace(set.Hall.Name)
	if hall == "" {
		hall = h.placeName(set.Hall.DivisionCode)
	}
	result := "准予办理"
	if in.Decision == cases.DecisionRefuse {
		result = "不予办理：" + strings.Join(nonBlank(in.Reasons), "；")
	}
	if t := strings.TrimSpace(in.Result); t != "" {
		result += "（" + t + "）"
	}
	doc := printing.ResultNotice{Meta: printing.Meta{Hall: hall, Date: h.w.now().In(printZone)}, Case: caseNo(st),
		Matter: st.Matter.Name, Applicant: printing.Person{Name: st.Applicant.Name, IDNumber: st.Applicant.IDNumber},
		Result: result, Delivery: "电子送达（同步至收件地 " + h.placeName(st.HallCode) + "）", VerifyCode: verifyCode(dev, st)}
	r, err := h.print.rendererFor(ctx, set)
	if err != nil {
		return nil, err
	}
	out, err := r.Render(ctx, doc, printing.PaperA4)
	if err != nil {
		return nil, printErr(err)
	}
	return out.PDF, nil
}

func nonBlank(in []string) []string {
	var out []string
	for _, s := range in {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// caseFile is a file the case may show, with where it came from.
type caseFile struct {
	RemoteFile
	mediaType string
}

// caseFiles lists every file of a case: local scan pages, attachments of
// pulled actions and the result documents the journal names.
func (h *HandlingService) caseFiles(ctx context.Context, caseID string) ([]caseFile, error) {
	db, err := h.w.ready()
	if err != nil {
		return nil, err
	}
	if _, err := loopCaseVersion(ctx, db.Reader(), caseID); err != nil {
		return nil, err
	}
	e, err := h.deps.env()
	if err != nil {
		return nil, err
	}
	d, err := e.svc.Detail(ctx, e.actor, caseID, false)
	if err != nil {
		return nil, err
	}
	names := map[string]string{} // result documents by hash
	for _, t := range d.State.Tasks {
		if t.ResultFile != nil {
			names[t.ResultFile.SHA256] = t.ResultFile.Name
		}
	}
	fs, _, err := h.w.scans.store()
	if err != nil {
		return nil, err
	}
	local := func(sha string) bool {
		hh, err := blob.ParseHash(sha)
		if err != nil {
			return false
		}
		_, err = fs.Stat(hh)
		return err == nil
	}
	var out []caseFile
	seen := map[string]bool{}
	add := func(f caseFile) {
		if seen[f.SHA256] {
			return
		}
		seen[f.SHA256] = true
		if n := names[f.SHA256]; n != "" {
			f.Name = n
		}
		f.Local = local(f.SHA256)
		out = append(out, f)
	}
	svc, err := h.w.scans.service()
	if err != nil {
		return nil, err
	}
	pages, err := svc.Pages(ctx, caseID)
	if err != nil {
		return nil, err
	}
	for _, p := range pages {
		add(caseFile{RemoteFile: RemoteFile{SHA256: p.Hash, Size: p.Size, Name: p.FileName}, mediaType: p.MediaType})
	}
	remote, err := remotefiles.New(db).List(ctx, caseID)
	if err != nil {
		return nil, err
	}
	n := 0
	for _, f := range remote {
		name := names[f.SHA256]
		if name == "" {
			n++
			name = fmt.Sprintf("材料扫描件 %d", n)
		}
		add(caseFile{RemoteFile: RemoteFile{SHA256: f.SHA256, Size: f.Size, Name: name}})
	}
	for _, t := range d.State.Tasks {
		if t.ResultFile != nil {
			add(caseFile{RemoteFile: RemoteFile{SHA256: t.ResultFile.SHA256, Size: t.ResultFile.Size, Name: t.ResultFile.Name}})
		}
	}
	return out, nil
}

// Materials lists the files of a case: the collecting hall's scans of a
// routed case, local scans, and result documents.
func (h *HandlingService) Materials(caseID string) ([]RemoteFile, error) {
	const op = "handling.materials"
	if _, err := h.env(op, rolesLoopFiles...); err != nil {
		return nil, err
	}
	fs, err := h.caseFiles(context.Background(), caseID)
	if err != nil {
		return nil, toAPI(h.w.log, op, err)
	}
	out := make([]RemoteFile, 0, len(fs))
	for _, f := range fs {
		out = append(out, f.RemoteFile)
	}
	return out, nil
}

// File returns one file of a case, fetched from the platform into the
// local blob store (SHA-256 verified) when it is not here yet. Only files
// attached to that case are served.
func (h *HandlingService) File(caseID, sha256 string) (FileData, error) {
	const op = "handling.file"
	if _, err := h.env(op, rolesLoopFiles...); err != nil {
		return FileData{}, err
	}
	ctx := context.Background()
	files, err := h.caseFiles(ctx, caseID)
	if err != nil {
		return FileData{}, toAPI(h.w.log, op, err)
	}
	var f *caseFile
	for i := range files {
		if files[i].SHA256 == sha256 {
			f = &files[i]
		}
	}
	if f == nil {
		return FileData{}, toAPI(h.w.log, op, errs.New(errs.ENOTFOUND, "file not attached to case", "该文件不属于此办件"))
	}
	b, err := h.fileBytes(ctx, *f)
	if err != nil {
		return FileData{}, toAPI(h.w.log, op, err)
	}
	mt := f.mediaType
	if mt == "" {
		mt = http.DetectContentType(b)
		if i := strings.IndexByte(mt, ';'); i > 0 {
			mt = mt[:i]
		}
	}
	if !viewableTypes[mt] {
		// Bytes from another workstation are shown in the app's own origin
		// (a blob: URL in an iframe): never as HTML or script.
		mt = "application/octet-stream"
	}
	return FileData{Name: f.Name, MediaType: mt, Base64: base64.StdEncoding.EncodeToString(b)}, nil
}

// viewableTypes are the media types the viewer may render.
var viewableTypes = map[string]bool{"application/pdf": true, "image/jpeg": true, "image/png": true, "image/gif": true,
	"image/webp": true, "image/bmp": true, "image/tiff": true}

// fileBytes reads a file from the blob store, fetching it first if needed.
func (h *HandlingService) fileBytes(ctx context.Context, f caseFile) ([]byte, error) {
	fs, _, err := h.w.scans.store()
	if err != nil {
		return nil, err
	}
	hash, err := blob.ParseHash(f.SHA256)
	if err != nil {
		return nil, errs.Invalid("sha256", err.Error(), "文件标识无效")
	}
	if r, err := fs.Open(hash); err == nil {
		defer r.Close()
		b, err := io.ReadAll(io.LimitReader(r, remotefiles.MaxFile+1))
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", f.SHA256[:12], err)
		}
		if err := remotefiles.Verify(b, f.SHA256, -1); err != nil {
			return nil, err // damaged on disk: say so rather than serve it
		}
		return b, nil
	}
	src, err := h.platformSource(ctx)
	if err != nil {
		return nil, err
	}
	fctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	size := f.Size
	if size <= 0 {
		size = -1
	}
	b, err := remotefiles.Fetch(fctx, src, fs, f.SHA256, size)
	if err != nil {
		return nil, fetchErr(err)
	}
	return b, nil
}

// platformSource is the enrolled device's view of the platform's files.
func (h *HandlingService) platformSource(ctx context.Context) (remotefiles.Source, error) {
	if h.source != nil {
		return h.source(ctx)
	}
	st, _, err := h.w.sync.current()
	if err != nil {
		return nil, err
	}
	cred, ok, err := st.Credential(ctx)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, errs.New(errs.EOFFLINE, "device not enrolled", "本机尚未注册到省级平台，离线，暂不能从平台获取文件")
	}
	api, err := client.NewAPI(cred.PlatformURL, cred.Token, &http.Client{Timeout: 2 * time.Minute})
	if err != nil {
		return nil, err
	}
	return api, nil
}

// fetchErr explains a failed fetch in the clerk's words.
func fetchErr(err error) error {
	var de *errs.Error
	if errors.As(err, &de) {
		return err
	}
	if errors.Is(err, client.ErrOffline) || errors.Is(err, context.DeadlineExceeded) {
		return errs.Wrap(err, errs.EOFFLINE, "platform unreachable", "离线，暂不能从平台获取文件，请联网后重试")
	}
	var pe *protocol.Error
	if errors.As(err, &pe) && pe.Code == protocol.ENOTFOUND {
		return errs.Wrap(err, errs.ENOTFOUND, "file not on the platform", "平台上还没有该文件（可能收件地尚未上传完成），请稍后重试")
	}
	return syncErr(err)
}
