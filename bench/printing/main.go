// Command printing measures Tongban's document rendering and writes
// bench/results/printing.md. Run from the repository root:
//
//	go run ./bench/printing
package main

import (
	"context"
	"fmt"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"time"

	"tongban/printing"
	"tongban/printing/fonts"
)

func receipt() printing.Receipt {
	d := time.Date(2026, 12, 4, 10, 0, 0, 0, time.Local)
	return printing.Receipt{Meta: printing.Meta{Hall: "郑州市金水区政务服务中心", Date: d}, Case: printing.CaseNo{Number: "TB4101052026120400017"},
		Matter: "户口迁移（跨省通办：异地代收代办）", Applicant: printing.Person{Name: "刘䶮", IDNumber: "41010519900307123X", Phone: "13812345678"},
		Materials:  []printing.Material{{Name: "居民身份证", Form: "原件", Copies: 1}, {Name: "户口簿（户主页及本人页）", Form: "复印件", Copies: 2}, {Name: "《跨省通办申请表》", Form: "原件", Copies: 1}},
		AcceptedAt: d, PromisedDays: 5, HandlingPlace: "广东省深圳市南山区公安分局户政科", Contact: "0371-12345678", VerifyCode: "K7Q2M9", Clerk: "王小明"}
}

func waybill(i int) printing.Waybill {
	return printing.Waybill{Date: time.Now(), TrackingNo: fmt.Sprintf("DEMO%010d", i), Demo: true, Carrier: "中国邮政 EMS", Service: "政务专递", RouteCode: "518-南山-07",
		Sender:    printing.Party{Org: "郑州市金水区政务服务中心", Phone: "0371-12345678", Address: "河南省郑州市金水区花园路 1 号"},
		Recipient: printing.Party{Name: "张三丰", Phone: "13812345678", Address: "广东省深圳市南山区粤海街道科技园南区 8 栋 1201", Private: true}, Contents: "办件材料"}
}

func peakRSS() string {
	b, _ := os.ReadFile("/proc/self/status")
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "VmHWM:") {
			return strings.TrimSpace(strings.TrimPrefix(l, "VmHWM:"))
		}
	}
	return "?"
}

func main() {
	ctx := context.Background()
	var out strings.Builder
	fmt.Fprintf(&out, "# Printing figures\n\nMachine: %d CPUs (shared), %s, %s. Font: printing/fonts/NotoSansSC-Regular.ttf (10 MB TTF).\n\n", runtime.NumCPU(), runtime.Version(), time.Now().Format("2006-01-02"))

	t0 := time.Now()
	fs, err := fonts.Load(ctx, fonts.Config{NoSystem: true, DefaultDirs: []string{"printing/fonts"}})
	if err != nil {
		log.Fatal(err)
	}
	r := printing.NewRenderer(fs)
	first, err := r.Render(ctx, receipt(), printing.PaperA4)
	if err != nil {
		log.Fatal(err)
	}
	firstDur := time.Since(t0)

	var ds []time.Duration
	for i := 0; i < 200; i++ {
		s := time.Now()
		if _, err := r.Render(ctx, receipt(), printing.PaperA4); err != nil {
			log.Fatal(err)
		}
		ds = append(ds, time.Since(s))
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	p50, p95 := ds[len(ds)/2], ds[len(ds)*95/100]
	fmt.Fprintf(&out, "| figure | value | target |\n|---|---|---|\n")
	fmt.Fprintf(&out, "| first receipt after start (font load + render) | %v | — |\n", firstDur.Round(time.Millisecond))
	fmt.Fprintf(&out, "| receipt A4, warm, p50 (200 runs) | %v | ≤ 20 ms |\n", p50.Round(10*time.Microsecond))
	fmt.Fprintf(&out, "| receipt A4, warm, p95 | %v | — |\n", p95.Round(10*time.Microsecond))
	fmt.Fprintf(&out, "| receipt A4 PDF size (subset font embedded) | %.1f KB | ≤ 80 KB |\n", float64(len(first.PDF))/1024)

	var docs []printing.Document
	for i := 0; i < 500; i++ {
		docs = append(docs, waybill(i))
	}
	s := time.Now()
	batch, err := r.RenderBatch(ctx, docs, printing.PaperWaybill)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Fprintf(&out, "| 500 waybills 100×150 in one PDF | %v, %d pages, %.0f KB | — |\n", time.Since(s).Round(time.Millisecond), batch.Pages, float64(len(batch.PDF))/1024)
	fmt.Fprintf(&out, "| peak RSS of the whole run (VmHWM, incl. 10 MB font) | %s | — |\n", peakRSS())

	// Chromium baseline: the same receipt as HTML printed to PDF.
	dir, _ := os.MkdirTemp("", "tbbench")
	defer os.RemoveAll(dir)
	html := filepath.Join(dir, "r.html")
	os.WriteFile(html, []byte(receiptHTML), 0o644)
	var cd []time.Duration
	var size int64
	for i := 0; i < 3; i++ {
		pdf := filepath.Join(dir, fmt.Sprintf("r%d.pdf", i))
		s := time.Now()
		cmd := exec.Command("/usr/bin/chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer", "--print-to-pdf="+pdf, "file://"+html)
		if err := cmd.Run(); err != nil {
			fmt.Fprintf(&out, "| headless Chromium HTML→PDF | failed: %v | — |\n", err)
			break
		}
		cd = append(cd, time.Since(s))
		if st, err := os.Stat(pdf); err == nil {
			size = st.Size()
		}
	}
	if len(cd) > 0 {
		sort.Slice(cd, func(i, j int) bool { return cd[i] < cd[j] })
		med := cd[len(cd)/2]
		fmt.Fprintf(&out, "| headless Chromium HTML→PDF, same receipt (median of %d, process start included) | %v, %.1f KB | baseline |\n", len(cd), med.Round(time.Millisecond), float64(size)/1024)
		fmt.Fprintf(&out, "| ratio Chromium / Tongban warm p50 | %.0f× | — |\n", float64(med)/float64(p50))
	}
	fmt.Fprintf(&out, "\nRe-run: `go run ./bench/printing` from the repository root (needs scripts/fetch-fonts.sh and Debian chromium).\n")
	os.MkdirAll("bench/results", 0o755)
	if err := os.WriteFile("bench/results/printing.md", []byte(out.String()), 0o644); err != nil {
		log.Fatal(err)
	}
	fmt.Print(out.String())
}

const receiptHTML = `<!doctype html><html lang="zh-CN"><meta charset="utf-8"><style>
@page{size:A4;margin:15mm} body{font-family:"Noto Sans CJK SC",sans-serif;font-size:11pt}
h1{text-align:center} table{border-collapse:collapse;width:100%} td,th{border:1px solid #000;padding:2px}</style>
<p><b>郑州市金水区政务服务中心</b></p><h1>受理回执</h1><p>受理编号：TB4101052026120400017　查验码：K7Q2M9</p>
<p>申请人：刘䶮　证件号码：410105********123X</p><p>联系电话：138****5678</p><p>申请事项：户口迁移（跨省通办：异地代收代办）</p>
<p>受理日期：2026年12月4日　办理地：广东省深圳市南山区公安分局户政科</p><p>承诺办结时限：5个工作日</p>
<table><tr><th>序号</th><th>材料名称</th><th>形式</th><th>份数</th></tr><tr><td>1</td><td>居民身份证</td><td>原件</td><td>1</td></tr>
<tr><td>2</td><td>户口簿（户主页及本人页）</td><td>复印件</td><td>2</td></tr><tr><td>3</td><td>《跨省通办申请表》</td><td>原件</td><td>1</td></tr></table>
<p>受理人：王小明　咨询电话：0371-12345678</p><p style="text-align:right">郑州市金水区政务服务中心（印章）<br>2026年12月4日</p></html>`
