package printing

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Receipt is a 受理回执 (acceptance receipt).
type Receipt struct {
	Meta
	Case          CaseNo
	Matter        string
	Applicant     Person
	FullID        bool // print the full ID number (default masked)
	Materials     []Material
	AcceptedAt    time.Time
	PromisedDays  int       // 承诺办结时限, working days
	PromisedDate  time.Time // optional expected completion date
	HandlingPlace string    // 办理地
	Contact       string    // 咨询电话
	VerifyCode    string    // 查验码
	Clerk         string    // 受理人
}

// Kind implements Document.
func (Receipt) Kind() Kind { return KindReceipt }

// Content implements Document.
func (d Receipt) Content() (Content, error) {
	ct, err := common(d.Meta, d.Case, true, d.VerifyCode)
	if err != nil {
		return ct, err
	}
	if strings.TrimSpace(d.Matter) == "" {
		return ct, invalid("matter", "缺少事项名称")
	}
	f := ct.Fields
	f["matter"] = d.Matter
	applicant(f, d.Applicant, d.FullID)
	f["acceptedAt"] = dateZh(d.AcceptedAt)
	if d.PromisedDays > 0 {
		f["promised"] = strconv.Itoa(d.PromisedDays) + "个工作日"
		if !d.PromisedDate.IsZero() {
			f["promised"] += "（预计" + dateZh(d.PromisedDate) + "前办结）"
		}
	}
	f["handlingPlace"] = d.HandlingPlace
	f["contact"] = d.Contact
	f["clerk"] = d.Clerk
	ct.Tables["materials"] = materialRows(d.Materials)
	return ct, nil
}

// SupplementItem is one thing the applicant must bring or correct.
type SupplementItem struct {
	Material    string
	Requirement string // what is missing or wrong, and what is needed
}

// SupplementNotice is a 一次性告知书: every missing item at once, dated.
type SupplementNotice struct {
	Meta
	Case       CaseNo
	Matter     string
	Applicant  Person
	Items      []SupplementItem
	Deadline   time.Time // optional date by which to supplement
	Contact    string
	VerifyCode string
	Clerk      string
}

// Kind implements Document.
func (SupplementNotice) Kind() Kind { return KindSupplement }

// Content implements Document.
func (d SupplementNotice) Content() (Content, error) {
	ct, err := common(d.Meta, d.Case, true, d.VerifyCode)
	if err != nil {
		return ct, err
	}
	if len(d.Items) == 0 {
		return ct, invalid("items", "一次性告知书至少需要一项补正内容")
	}
	if d.Date.IsZero() {
		return ct, invalid("date", "一次性告知书必须注明日期")
	}
	f := ct.Fields
	f["matter"] = d.Matter
	applicant(f, d.Applicant, false)
	f["deadline"] = dateZh(d.Deadline)
	f["contact"] = d.Contact
	f["clerk"] = d.Clerk
	rows := make([][]string, 0, len(d.Items))
	for i, it := range d.Items {
		rows = append(rows, []string{strconv.Itoa(i + 1), it.Material, it.Requirement})
	}
	ct.Tables["items"] = rows
	f["itemCount"] = strconv.Itoa(len(d.Items))
	return ct, nil
}

// RefusalNotice is a 不予受理通知书 with reasons and the remedies.
type RefusalNotice struct {
	Meta
	Case        CaseNo
	Matter      string
	Applicant   Person
	Reasons     []string
	Basis       string // legal basis
	ReviewOrgan string // 行政复议机关
	Court       string // 人民法院
	VerifyCode  string
}

// Kind implements Document.
func (RefusalNotice) Kind() Kind { return KindRefusal }

// Content implements Document.
func (d RefusalNotice) Content() (Content, error) {
	ct, err := common(d.Meta, d.Case, true, d.VerifyCode)
	if err != nil {
		return ct, err
	}
	if len(d.Reasons) == 0 {
		return ct, invalid("reasons", "不予受理通知书必须写明理由")
	}
	if strings.TrimSpace(d.ReviewOrgan) == "" || strings.TrimSpace(d.Court) == "" {
		return ct, invalid("remedies", "不予受理通知书必须写明行政复议机关和人民法院")
	}
	f := ct.Fields
	f["matter"] = d.Matter
	applicant(f, d.Applicant, false)
	var b strings.Builder
	for i, r := range d.Reasons {
		if i > 0 {
			b.WriteString("\n")
		}
		fmt.Fprintf(&b, "%d. %s", i+1, r)
	}
	f["reasons"] = b.String()
	f["basis"] = d.Basis
	f["remedy"] = "如对本决定不服，可以自收到本通知书之日起六十日内向" + d.ReviewOrgan +
		"申请行政复议，或者自收到本通知书之日起六个月内向" + d.Court + "提起行政诉讼。"
	return ct, nil
}

// Party is a waybill sender or recipient.
type Party struct {
	Name    string
	Org     string
	Phone   string
	Address string
	Private bool // a private person: name and phone masked on the waybill
}

// Waybill is a 快递电子运单.
type Waybill struct {
	Date        time.Time
	TrackingNo  string
	Demo        bool   // demo provider: printed as 演示, not a real number
	Carrier     string // e.g. 中国邮政 EMS
	Service     string // e.g. 标准快递
	RouteCode   string // 目的地代码 / sorting code
	Sender      Party
	Recipient   Party
	Contents    string // 内件
	CaseNos     []string
	Weight      string
	Reprint     int
	HandlingTip string
}

// Kind implements Document.
func (Waybill) Kind() Kind { return KindWaybill }

func (p Party) name() string {
	n := p.Name
	if p.Private {
		n = MaskName(n)
	}
	if p.Org != "" {
		if n != "" {
			return p.Org + " " + n
		}
		return p.Org
	}
	return n
}

func (p Party) phone() string {
	if p.Private {
		return MaskPhone(p.Phone)
	}
	return p.Phone
}

// Content implements Document.
func (d Waybill) Content() (Content, error) {
	if err := checkCode128("trackingNo", d.TrackingNo); err != nil {
		return Content{}, err
	}
	if strings.TrimSpace(d.Recipient.Address) == "" || strings.TrimSpace(d.Recipient.name()) == "" {
		return Content{}, invalid("recipient", "收件人姓名和地址不能为空")
	}
	f := map[string]string{
		"date": dateZh(d.Date), "trackingNo": d.TrackingNo, "carrier": d.Carrier, "service": d.Service,
		"routeCode": d.RouteCode, "contents": d.Contents, "weight": d.Weight, "tip": d.HandlingTip,
		"senderName": d.Sender.name(), "senderPhone": d.Sender.phone(), "senderAddress": d.Sender.Address,
		"recipientName": d.Recipient.name(), "recipientPhone": d.Recipient.phone(), "recipientAddress": d.Recipient.Address,
		"caseNos": strings.Join(d.CaseNos, "，"),
	}
	if d.Demo {
		f["demo"] = "演示运单·非真实单号·不可寄递"
	}
	if d.Reprint > 0 {
		f["reprint"] = "补打"
	}
	return Content{Fields: f, Tables: map[string][][]string{}, Barcode: d.TrackingNo, QR: "TBW|" + d.TrackingNo}, nil
}

// ManifestItem is one case in a mail batch.
type ManifestItem struct {
	CaseNo    string
	Matter    string
	Applicant string // printed masked
	Materials int    // number of material items
	Pages     int
}

// Manifest is a 交接清单 for cases mailed together.
type Manifest struct {
	Meta
	BatchNo    string
	From       string // 收件地
	To         string // 办理地
	TrackingNo string
	Items      []ManifestItem
	HandedBy   string
}

// Kind implements Document.
func (Manifest) Kind() Kind { return KindManifest }

// Content implements Document.
func (d Manifest) Content() (Content, error) {
	if strings.TrimSpace(d.Hall) == "" {
		return Content{}, invalid("hall", "缺少受理单位名称")
	}
	if err := checkCode128("batchNo", d.BatchNo); err != nil {
		return Content{}, err
	}
	if len(d.Items) == 0 {
		return Content{}, invalid("items", "交接清单没有办件")
	}
	f := map[string]string{}
	d.Meta.fields(f)
	f["batchNo"], f["from"], f["to"], f["trackingNo"], f["handedBy"] = d.BatchNo, d.From, d.To, d.TrackingNo, d.HandedBy
	rows := make([][]string, 0, len(d.Items))
	total := 0
	for i, it := range d.Items {
		rows = append(rows, []string{strconv.Itoa(i + 1), it.CaseNo, it.Matter, MaskName(it.Applicant), strconv.Itoa(it.Materials), strconv.Itoa(it.Pages)})
		total += it.Pages
	}
	f["count"] = strconv.Itoa(len(d.Items))
	f["totalPages"] = strconv.Itoa(total)
	return Content{Fields: f, Tables: map[string][][]string{"items": rows}, Barcode: d.BatchNo, QR: "TBM|" + d.BatchNo + "|" + strconv.Itoa(len(d.Items))}, nil
}

// ResultNotice is a 办结通知 / 结果送达单.
type ResultNotice struct {
	Meta
	Case        CaseNo
	Matter      string
	Applicant   Person
	Result      string // e.g. 准予许可
	ResultDocs  string // 证照名称及编号
	Delivery    string // 邮寄 / 窗口领取 / 电子送达
	TrackingNo  string
	PickupPlace string
	VerifyCode  string
}

// Kind implements Document.
func (ResultNotice) Kind() Kind { return KindResult }

// Content implements Document.
func (d ResultNotice) Content() (Content, error) {
	ct, err := common(d.Meta, d.Case, true, d.VerifyCode)
	if err != nil {
		return ct, err
	}
	if strings.TrimSpace(d.Result) == "" {
		return ct, invalid("result", "缺少办理结果")
	}
	f := ct.Fields
	f["matter"] = d.Matter
	applicant(f, d.Applicant, false)
	f["result"], f["resultDocs"], f["delivery"] = d.Result, d.ResultDocs, d.Delivery
	f["trackingNo"], f["pickupPlace"] = d.TrackingNo, d.PickupPlace
	return ct, nil
}
