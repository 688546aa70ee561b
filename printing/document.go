package printing

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"tongban/printing/perr"
)

// Kind names a document type; it is also the template file prefix.
type Kind string

// Document types.
const (
	KindReceipt    Kind = "receipt"    // 受理回执
	KindSupplement Kind = "supplement" // 一次性告知书
	KindRefusal    Kind = "refusal"    // 不予受理通知书
	KindWaybill    Kind = "waybill"    // 快递电子运单
	KindManifest   Kind = "manifest"   // 交接清单
	KindResult     Kind = "result"     // 办结通知 / 结果送达单
)

// Paper names a paper size; templates exist per (Kind, Paper).
type Paper string

// Paper sizes.
const (
	PaperA4        Paper = "a4"
	PaperRoll80    Paper = "roll80"  // 80 mm thermal roll
	PaperWaybill   Paper = "100x150" // two-part waybill with cut line
	PaperWaybill76 Paper = "76x130"  // single-part waybill
)

// Document is anything this package can print.
type Document interface {
	Kind() Kind
	// Content validates the data and returns the values templates refer to.
	Content() (Content, error)
}

// Content is what a template is filled from.
type Content struct {
	Fields  map[string]string
	Tables  map[string][][]string
	QR      string // QR code payload
	Barcode string // Code128 payload (ASCII)
}

// Meta is common to every document.
type Meta struct {
	Hall    string    // 受理单位 / service hall name
	Phone   string    // hall contact phone
	Date    time.Time // document date
	Reprint int       // 0 original; n > 0: n-th reprint, marked 补打
}

// CaseNo is a case number; Provisional marks an offline number not yet
// confirmed by the platform.
type CaseNo struct {
	Number      string
	Provisional bool
}

// Person is an applicant.
type Person struct {
	Name     string
	IDNumber string
	Phone    string
	Address  string
}

// Material is one item of a materials list.
type Material struct {
	Name   string
	Form   string // 原件 / 复印件 / 电子
	Copies int
	Note   string
}

func (m Meta) fields(f map[string]string) {
	f["hall"] = m.Hall
	f["hallPhone"] = m.Phone
	f["date"] = dateZh(m.Date)
	if m.Reprint > 0 {
		f["reprint"] = "补打"
		if m.Reprint > 1 {
			f["reprint"] = fmt.Sprintf("补打（第%d次）", m.Reprint)
		}
	}
}

func (c CaseNo) fields(f map[string]string) {
	f["caseNo"] = c.Number
	f["caseLabel"] = "受理编号"
	if c.Provisional {
		f["caseLabel"] = "临时编号"
		f["caseNote"] = "（离线临时编号，同步后以平台正式受理编号为准）"
	}
}

func dateZh(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return fmt.Sprintf("%d年%d月%d日", t.Year(), int(t.Month()), t.Day())
}

func invalid(field, zh string) error {
	return perr.New(perr.EINVALID, "missing or invalid "+field, zh)
}

// checkCode128 checks that s can be a Code128 barcode (printable ASCII).
func checkCode128(field, s string) error {
	if s == "" || len(s) > 48 {
		return invalid(field, "编号为空或过长，无法生成条码")
	}
	for _, r := range s {
		if r < 0x20 || r > 0x7E {
			return invalid(field, "编号含有非 ASCII 字符，无法生成条码："+s)
		}
	}
	return nil
}

func qrPayload(c CaseNo, verify string) string {
	return "TB1|" + c.Number + "|" + verify
}

func common(m Meta, c CaseNo, needVerify bool, verify string) (Content, error) {
	if strings.TrimSpace(m.Hall) == "" {
		return Content{}, invalid("hall", "缺少受理单位名称")
	}
	if err := checkCode128("caseNo", c.Number); err != nil {
		return Content{}, err
	}
	if needVerify && verify == "" {
		return Content{}, invalid("verifyCode", "缺少查验码")
	}
	ct := Content{Fields: map[string]string{}, Tables: map[string][][]string{}, Barcode: c.Number, QR: qrPayload(c, verify)}
	m.fields(ct.Fields)
	c.fields(ct.Fields)
	ct.Fields["verifyCode"] = verify
	return ct, nil
}

func materialRows(ms []Material) [][]string {
	rows := make([][]string, 0, len(ms))
	for i, m := range ms {
		copies := ""
		if m.Copies > 0 {
			copies = strconv.Itoa(m.Copies)
		}
		rows = append(rows, []string{strconv.Itoa(i + 1), m.Name, m.Form, copies, m.Note})
	}
	return rows
}

func applicant(f map[string]string, p Person, fullID bool) {
	f["applicant"] = p.Name
	f["idNumber"] = MaskID(p.IDNumber)
	if fullID {
		f["idNumber"] = p.IDNumber
	}
	f["applicantPhone"] = MaskPhone(p.Phone)
	f["applicantAddress"] = p.Address
}
