package printing

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"tongban/printing/fonts"
)

// rare is a name of rare characters: Ext A 䶮, Ext B 𠮷 and 𪚥.
const rare = "刘䶮𠮷𪚥"

var day = time.Date(2026, 12, 4, 10, 30, 0, 0, time.Local)

// addr200 is a 200-character address.
var addr200 = func() string {
	s := "河南省郑州市金水区花园路街道农业路东段“跨省通办”综合服务中心（东区）、第三窗口；"
	var b []rune
	for len(b) < 200 {
		b = append(b, []rune(s)...)
	}
	return string(b[:200])
}()

func meta() Meta {
	return Meta{Hall: "郑州市金水区政务服务中心", Phone: "0371-12345678", Date: day}
}

// fixtures returns every document type with edge data: full, and with
// empty optional fields.
func fixtures() map[string]Document {
	app := Person{Name: rare, IDNumber: "41010519900307123X", Phone: "13812345678", Address: addr200}
	mats := []Material{{Name: "居民身份证", Form: "原件", Copies: 1}, {Name: "户口簿（户主页及本人页）", Form: "复印件", Copies: 2, Note: "需与原件核对一致"},
		{Name: "《跨省通办申请表》（“一网通办”版本）、授权委托书", Form: "原件", Copies: 1}}
	cn := CaseNo{Number: "TB4101052026120400017"}
	docs := map[string]Document{
		"receipt": Receipt{Meta: meta(), Case: cn, Matter: "户口迁移（跨省通办：异地代收代办）", Applicant: app, Materials: mats, AcceptedAt: day,
			PromisedDays: 5, PromisedDate: day.AddDate(0, 0, 7), HandlingPlace: "广东省深圳市南山区公安分局户政科", Contact: "0371-12345678", VerifyCode: "K7Q2M9", Clerk: "王小明"},
		"receipt-empty": Receipt{Meta: Meta{Hall: "某乡镇便民服务中心"}, Case: CaseNo{Number: "TMP-7F3A-0001", Provisional: true}, Matter: "社会保障卡申领", VerifyCode: "A1"},
		"supplement": SupplementNotice{Meta: Meta{Hall: "郑州市金水区政务服务中心", Date: day, Reprint: 2}, Case: cn, Matter: "机动车驾驶证换证", Applicant: app,
			Items:    []SupplementItem{{"身体条件证明", "缺少，请到有资质的医疗机构体检后提交"}, {"照片", "背景颜色不符合要求，请提供白底一寸照片"}, {"申请表", "第3栏“联系地址”未填写：" + addr200}},
			Deadline: day.AddDate(0, 0, 30), Contact: "0371-12345678", VerifyCode: "Z9Y8", Clerk: "李四"},
		"supplement-empty": SupplementNotice{Meta: Meta{Hall: "H", Date: day}, Case: CaseNo{Number: "X1"}, Items: []SupplementItem{{Material: "材料"}}, VerifyCode: "1"},
		"refusal": RefusalNotice{Meta: meta(), Case: cn, Matter: "个体工商户设立登记", Applicant: app, Reasons: []string{"申请事项依法不需要取得行政许可。", "申请事项不属于本机关职权范围，请向" + addr200 + "申请。"},
			Basis: "《中华人民共和国行政许可法》第三十二条第一款第（一）项、第（二）项", ReviewOrgan: "郑州市金水区人民政府", Court: "郑州市金水区人民法院", VerifyCode: "R5"},
		"result": ResultNotice{Meta: meta(), Case: cn, Matter: "居民身份证换领", Applicant: app, Result: "准予办理", ResultDocs: "居民身份证（有效期限 2026.12.04—2046.12.04）",
			Delivery: "邮政寄递", TrackingNo: "EE123456785CN", PickupPlace: addr200, VerifyCode: "RS1"},
		"result-empty": ResultNotice{Meta: Meta{Hall: "H"}, Case: CaseNo{Number: "C1"}, Result: "不予许可", VerifyCode: "V"},
		"manifest": Manifest{Meta: meta(), BatchNo: "MB20261204-003", From: "河南省郑州市金水区政务服务中心", To: "广东省深圳市南山区行政服务大厅", TrackingNo: "EE123456785CN",
			Items: manifestItems(45), HandedBy: "王小明"},
	}
	for _, p := range []Paper{PaperWaybill, PaperWaybill76} {
		docs["waybill-"+string(p)] = Waybill{Date: day, TrackingNo: "EE123456785CN", Carrier: "中国邮政 EMS", Service: "政务专递", RouteCode: "518-南山-07",
			Sender:    Party{Org: "郑州市金水区政务服务中心", Name: "王小明", Phone: "0371-12345678", Address: "河南省郑州市金水区花园路 1 号"},
			Recipient: Party{Name: rare, Phone: "13812345678", Address: addr200, Private: true}, Contents: "跨省通办办件材料（3件，共27页）",
			CaseNos: []string{"TB4101052026120400017", "TB4101052026120400018", "TB4101052026120400019"}, Weight: "0.5kg", Demo: true, Reprint: 1, HandlingTip: "政务文件，请勿折叠"}
		docs["waybill-empty-"+string(p)] = Waybill{TrackingNo: "DEMO0000000001", Recipient: Party{Name: "某", Address: "某地"}}
	}
	return docs
}

func manifestItems(n int) []ManifestItem {
	var items []ManifestItem
	for i := 0; i < n; i++ {
		items = append(items, ManifestItem{CaseNo: "TB41010520261204" + strings.Repeat("0", 3) + string(rune('0'+i%10)) + string(rune('0'+i/10)),
			Matter: "户口迁移（跨省通办）", Applicant: rare, Materials: 3, Pages: 9})
	}
	return items
}

func paperOf(name string, d Document) Paper {
	switch {
	case strings.HasSuffix(name, string(PaperWaybill76)):
		return PaperWaybill76
	case d.Kind() == KindWaybill:
		return PaperWaybill
	}
	return PaperA4
}

func testFonts(tb testing.TB) *fonts.Set {
	tb.Helper()
	s, err := fonts.Load(context.Background(), fonts.Config{DefaultDirs: []string{"fonts"}, NoSystem: true,
		FallbackPaths: fallbackFonts(tb)})
	if err != nil {
		tb.Fatalf("load fonts (run scripts/fetch-fonts.sh; apt-get install fonts-hanazono): %v", err)
	}
	return s
}

func fallbackFonts(tb testing.TB) []string {
	p := "/usr/share/fonts/truetype/hanazono/HanaMinB.ttf"
	if v := os.Getenv("TONGBAN_TEST_FALLBACK_FONT"); v != "" {
		p = v
	}
	if _, err := os.Stat(p); err != nil {
		tb.Logf("no Ext-B fallback font at %s", p)
		return nil
	}
	return []string{filepath.Clean(p)}
}
