package app

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"tongban/app/account"
	"tongban/app/errs"
	"tongban/app/scans"
	"tongban/scanner"
	"tongban/scanner/blob"
)

// ScanService is the scanner hot folder as the clerk uses it: choose the
// case and material slot the next pages go to, see them arrive, reorder,
// rotate, delete and move them, combine a material into one PDF, and see
// what was refused and why.
type ScanService struct {
	w  *Workstation
	st *scanState
}

// ScanTargetView is the scan target with what the screen shows of it.
type ScanTargetView struct {
	scans.Target
	CaseNo     string `json:"caseNo,omitempty"`
	MatterName string `json:"matterName,omitempty"`
	SlotName   string `json:"slotName,omitempty"`
}

// ScanSlot is a material slot of a case: the matter guide's materials,
// the case's unsorted pages (id "") and any slot that holds pages but is
// no longer in the guide.
type ScanSlot struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Form     string `json:"form,omitempty"`
	Required bool   `json:"required"`
	Pages    int    `json:"pages"`
}

// CombinedPDF is a material's pages as one PDF: written to Path, and
// inline (base64) when at most combinedInlineMax bytes.
type CombinedPDF struct {
	FileName string `json:"fileName"`
	Path     string `json:"path"`
	Size     int64  `json:"size"`
	Pages    int    `json:"pages"`
	Base64   string `json:"base64,omitempty"`
}

const combinedInlineMax = 16 << 20

// unsortedSlotName names the case's pages not yet sorted into a material.
const unsortedSlotName = "未分类页面"

var rolesScan = rolesIntake

func (s *ScanService) env(op string, roles ...account.Role) (*scans.Service, scans.Actor, error) {
	u, err := s.w.session.require(roles...)
	if err != nil {
		return nil, scans.Actor{}, toAPI(s.w.log, op, err)
	}
	svc, err := s.st.service()
	if err != nil {
		return nil, scans.Actor{}, toAPI(s.w.log, op, err)
	}
	return svc, scans.Actor{Username: u.Username, Role: string(u.Role)}, nil
}

// Status reports the hot folders, disk space and counters.
func (s *ScanService) Status() (ScanStatus, error) {
	if _, err := s.w.session.require(); err != nil {
		return ScanStatus{}, toAPI(s.w.log, "scan.status", err)
	}
	return s.st.snapshot(), nil
}

// slots lists a case's material slots with their page counts.
func (s *ScanService) slots(ctx context.Context, svc *scans.Service, caseID string) (scans.CaseInfo, []ScanSlot, error) {
	c, err := svc.Case(ctx, caseID)
	if err != nil {
		return c, nil, err
	}
	counts, err := svc.Counts(ctx, caseID)
	if err != nil {
		return c, nil, err
	}
	out := []ScanSlot{}
	known := map[string]bool{}
	s.w.mu.RLock()
	cat := s.w.catalog
	s.w.mu.RUnlock()
	if cat != nil {
		if m, err := cat.Get(ctx, c.MatterCode); err == nil && m.Guide != nil {
			for _, mat := range m.Guide.Materials {
				known[mat.ID] = true
				out = append(out, ScanSlot{ID: mat.ID, Name: mat.Name, Form: mat.Form, Required: mat.Required, Pages: counts[mat.ID]})
			}
		}
	}
	for id, n := range counts {
		if id != "" && !known[id] {
			out = append(out, ScanSlot{ID: id, Name: id, Pages: n})
		}
	}
	out = append(out, ScanSlot{ID: "", Name: unsortedSlotName, Pages: counts[""]})
	return c, out, nil
}

// checkSlot refuses a slot the case's matter does not have.
func (s *ScanService) checkSlot(ctx context.Context, svc *scans.Service, caseID, slotID string) (scans.CaseInfo, ScanSlot, error) {
	if caseID == "" {
		return scans.CaseInfo{}, ScanSlot{Name: "未分类托盘"}, nil
	}
	c, slots, err := s.slots(ctx, svc, caseID)
	if err != nil {
		return c, ScanSlot{}, err
	}
	for _, sl := range slots {
		if sl.ID == slotID {
			return c, sl, nil
		}
	}
	return c, ScanSlot{}, errs.Invalid("slotId", "slot "+slotID+" is not a material of this case",
		"所选材料不属于该办件的申请材料，请重新选择")
}

// Slots returns a case's material slots and how many pages each holds.
func (s *ScanService) Slots(caseID string) ([]ScanSlot, error) {
	const op = "scan.slots"
	svc, _, err := s.env(op)
	if err != nil {
		return nil, err
	}
	_, out, err := s.slots(context.Background(), svc, caseID)
	if err != nil {
		return nil, toAPI(s.w.log, op, err)
	}
	return out, nil
}

// Target returns where pages from folderID ("" every folder) go now.
func (s *ScanService) Target(folderID string) (ScanTargetView, error) {
	const op = "scan.target"
	svc, _, err := s.env(op)
	if err != nil {
		return ScanTargetView{}, err
	}
	ctx := context.Background()
	t, err := svc.Target(ctx, folderID)
	if err != nil {
		return ScanTargetView{}, toAPI(s.w.log, op, err)
	}
	return s.view(ctx, svc, t), nil
}

func (s *ScanService) view(ctx context.Context, svc *scans.Service, t scans.Target) ScanTargetView {
	v := ScanTargetView{Target: t, SlotName: "未分类托盘"}
	if t.CaseID == "" {
		return v
	}
	if c, slot, err := s.checkSlot(ctx, svc, t.CaseID, t.SlotID); err == nil {
		v.CaseNo, v.MatterName, v.SlotName = c.No, c.MatterName, slot.Name
	} else if c, err := svc.Case(ctx, t.CaseID); err == nil {
		v.CaseNo, v.MatterName, v.SlotName = c.No, c.MatterName, t.SlotID
	}
	return v
}

// SetTarget selects the case and material slot (caseId "" for the
// unsorted tray) the next pages from folderID ("" every folder) go to.
func (s *ScanService) SetTarget(folderID, caseID, slotID string) (ScanTargetView, error) {
	const op = "scan.set_target"
	svc, actor, err := s.env(op, rolesScan...)
	if err != nil {
		return ScanTargetView{}, err
	}
	ctx := context.Background()
	if _, _, err := s.checkSlot(ctx, svc, caseID, slotID); err != nil {
		return ScanTargetView{}, toAPI(s.w.log, op, err)
	}
	t, err := svc.SetTarget(ctx, actor, folderID, caseID, slotID)
	if err != nil {
		return ScanTargetView{}, toAPI(s.w.log, op, err)
	}
	return s.view(ctx, svc, t), nil
}

// Pages returns a case's pages ("" the unsorted tray), by slot and order.
func (s *ScanService) Pages(caseID string) ([]scans.Page, error) {
	const op = "scan.pages"
	svc, _, err := s.env(op)
	if err != nil {
		return nil, err
	}
	ps, err := svc.Pages(context.Background(), caseID)
	return ps, toAPI(s.w.log, op, err)
}

// Reorder sets the order of one slot's pages (all of them, by id).
func (s *ScanService) Reorder(caseID, slotID string, pageIDs []string) ([]scans.Page, error) {
	const op = "scan.reorder"
	svc, actor, err := s.env(op, rolesScan...)
	if err != nil {
		return nil, err
	}
	ps, err := svc.Reorder(context.Background(), actor, caseID, slotID, pageIDs)
	return ps, toAPI(s.w.log, op, err)
}

// Rotate turns a page by degrees (±90, 180).
func (s *ScanService) Rotate(pageID string, degrees int) (scans.Page, error) {
	const op = "scan.rotate"
	svc, actor, err := s.env(op, rolesScan...)
	if err != nil {
		return scans.Page{}, err
	}
	p, err := svc.Rotate(context.Background(), actor, pageID, degrees)
	return p, toAPI(s.w.log, op, err)
}

// Delete removes a page.
func (s *ScanService) Delete(pageID string) error {
	const op = "scan.delete"
	svc, actor, err := s.env(op, rolesScan...)
	if err != nil {
		return err
	}
	return toAPI(s.w.log, op, svc.Delete(context.Background(), actor, pageID))
}

// Move appends pages to another slot, case, or the tray (caseId "").
func (s *ScanService) Move(pageIDs []string, caseID, slotID string) ([]scans.Page, error) {
	const op = "scan.move"
	svc, actor, err := s.env(op, rolesScan...)
	if err != nil {
		return nil, err
	}
	ctx := context.Background()
	if _, _, err := s.checkSlot(ctx, svc, caseID, slotID); err != nil {
		return nil, toAPI(s.w.log, op, err)
	}
	ps, err := svc.Move(ctx, actor, pageIDs, caseID, slotID)
	return ps, toAPI(s.w.log, op, err)
}

// CombinedPDF combines one slot's pages, in order and rotated, into a PDF
// for upload and printing.
func (s *ScanService) CombinedPDF(caseID, slotID string) (CombinedPDF, error) {
	const op = "scan.combined_pdf"
	svc, _, err := s.env(op)
	if err != nil {
		return CombinedPDF{}, err
	}
	ctx := context.Background()
	c, slot, err := s.checkSlot(ctx, svc, caseID, slotID)
	if err != nil {
		return CombinedPDF{}, toAPI(s.w.log, op, err)
	}
	refs, err := svc.SlotPages(ctx, caseID, slotID)
	if err != nil {
		return CombinedPDF{}, toAPI(s.w.log, op, err)
	}
	if len(refs) == 0 {
		return CombinedPDF{}, toAPI(s.w.log, op, errs.Invalid("slotId", "no pages in slot", "该材料还没有扫描页面"))
	}
	fs, _, err := s.st.store()
	if err != nil {
		return CombinedPDF{}, toAPI(s.w.log, op, err)
	}
	var buf bytes.Buffer
	if err := scanner.CombinePDF(ctx, fs, refs, &buf); err != nil {
		return CombinedPDF{}, toAPI(s.w.log, op, errs.Wrap(err, errs.EINTERNAL, "combine pdf", "合成 PDF 失败："+err.Error()))
	}
	name := safeFileName(strings.TrimSpace(c.No+"-"+slot.Name)) + ".pdf"
	if c.No == "" {
		name = "未分类托盘.pdf"
	}
	dir := filepath.Join(filepath.Dir(scans.BlobDir(s.w.opts.DataDir)), "export")
	out := CombinedPDF{FileName: name, Path: filepath.Join(dir, name), Size: int64(buf.Len()), Pages: len(refs)}
	if err := os.MkdirAll(dir, 0o750); err == nil {
		if err := os.WriteFile(out.Path, buf.Bytes(), 0o640); err != nil {
			out.Path = ""
		}
	} else {
		out.Path = ""
	}
	if buf.Len() <= combinedInlineMax {
		out.Base64 = base64.StdEncoding.EncodeToString(buf.Bytes())
	}
	return out, nil
}

// safeFileName keeps a name usable on Windows and Linux.
func safeFileName(s string) string {
	r := strings.NewReplacer("/", "_", `\`, "_", ":", "_", "*", "_", "?", "_", `"`, "_", "<", "_", ">", "_", "|", "_")
	s = r.Replace(s)
	if s == "" || s == "-" {
		return "pages"
	}
	return s
}

// Quarantine lists the files the hot folder refused, with the reason.
func (s *ScanService) Quarantine() ([]scans.QuarantineItem, error) {
	const op = "scan.quarantine"
	if _, err := s.w.session.require(); err != nil {
		return nil, toAPI(s.w.log, op, err)
	}
	items, err := scans.ListQuarantine(scans.QuarantineDir(s.w.opts.DataDir), 0)
	return items, toAPI(s.w.log, op, err)
}

// Thumbnail returns a small preview of a page as a data: URL.
func (s *ScanService) Thumbnail(hash string) (string, error) {
	const op = "scan.thumbnail"
	if _, err := s.w.session.require(); err != nil {
		return "", toAPI(s.w.log, op, err)
	}
	h, err := blob.ParseHash(hash)
	if err != nil {
		return "", toAPI(s.w.log, op, errs.Invalid("hash", err.Error(), "页面标识无效"))
	}
	_, th, err := s.st.store()
	if err != nil {
		return "", toAPI(s.w.log, op, err)
	}
	url, err := th.DataURL(context.Background(), h)
	if err != nil {
		return "", toAPI(s.w.log, op, errs.Wrap(err, errs.ENOTFOUND, fmt.Sprintf("thumbnail %s", hash[:12]), "页面预览无法生成"))
	}
	return url, nil
}
