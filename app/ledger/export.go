package ledger

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/xuri/excelize/v2"

	"tongban/app/cases"
)

// Sheet names of the export.
const (
	SheetSummary = "工作台账"
	SheetDetail  = "办件明细"
)

// SummaryHeader is the second header row of the summary sheet; the first
// groups it (办件情况, 满意度, 差评跟进).
var SummaryHeader = []string{"序号", "事项编码", "事项名称", "通办模式", "收件", "受理", "不予受理", "办结", "在办", "逾期",
	"平均办理天数", "评价数", "平均评分", "差评数", "差评率", "差评已办结", "差评待办", "差评超期", "申诉成立"}

// DetailHeader is the header of the detail sheet (no personal data).
var DetailHeader = []string{"序号", "受理编号", "事项编码", "事项名称", "通办模式", "状态", "收件时间", "决定时间", "承诺办结日期", "是否逾期"}

// Export writes the report and, on a second sheet, one line per case
// received in the period, with excelize's streaming writer: memory stays
// bounded whatever the number of cases.
func (l *Ledger) Export(ctx context.Context, w io.Writer, rep Report) (cases int, err error) {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", SheetSummary); err != nil {
		return 0, fmt.Errorf("sheet: %w", err)
	}
	st, err := newStyles(f)
	if err != nil {
		return 0, err
	}
	if err := writeSummary(f, st, rep); err != nil {
		return 0, fmt.Errorf("summary sheet: %w", err)
	}
	if _, err := f.NewSheet(SheetDetail); err != nil {
		return 0, fmt.Errorf("sheet: %w", err)
	}
	n, err := l.writeDetail(ctx, f, st, rep)
	if err != nil {
		return 0, fmt.Errorf("detail sheet: %w", err)
	}
	f.SetActiveSheet(0)
	if _, err := f.WriteTo(w); err != nil {
		return 0, fmt.Errorf("write xlsx: %w", err)
	}
	return n, nil
}

type styles struct{ title, head, cell, num, pct, total int }

func newStyles(f *excelize.File) (styles, error) {
	border := []excelize.Border{{Type: "left", Color: "000000", Style: 1}, {Type: "right", Color: "000000", Style: 1},
		{Type: "top", Color: "000000", Style: 1}, {Type: "bottom", Color: "000000", Style: 1}}
	font := &excelize.Font{Family: "宋体", Size: 11}
	var s styles
	var err error
	mk := func(dst *int, st *excelize.Style) {
		if err == nil {
			*dst, err = f.NewStyle(st)
		}
	}
	mk(&s.title, &excelize.Style{Font: &excelize.Font{Family: "黑体", Size: 16, Bold: true},
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center"}})
	mk(&s.head, &excelize.Style{Font: &excelize.Font{Family: "宋体", Size: 11, Bold: true}, Border: border,
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"D9E1F2"}},
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}})
	mk(&s.cell, &excelize.Style{Font: font, Border: border, Alignment: &excelize.Alignment{Vertical: "center"}})
	mk(&s.num, &excelize.Style{Font: font, Border: border, NumFmt: 2})
	mk(&s.pct, &excelize.Style{Font: font, Border: border, NumFmt: 10})
	mk(&s.total, &excelize.Style{Font: &excelize.Font{Family: "宋体", Size: 11, Bold: true}, Border: border})
	if err != nil {
		return s, fmt.Errorf("styles: %w", err)
	}
	return s, nil
}

func cell(style int, v any) excelize.Cell { return excelize.Cell{StyleID: style, Value: v} }

func writeSummary(f *excelize.File, st styles, rep Report) error {
	sw, err := f.NewStreamWriter(SheetSummary)
	if err != nil {
		return err
	}
	widths := []float64{6, 14, 34, 14, 8, 8, 10, 8, 8, 8, 12, 8, 10, 8, 9, 11, 10, 10, 10}
	for i, wd := range widths {
		if err := sw.SetColWidth(i+1, i+1, wd); err != nil {
			return err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 4, XSplit: 3, TopLeftCell: "D5", ActivePane: "bottomRight"}); err != nil {
		return err
	}
	last, _ := excelize.ColumnNumberToName(len(SummaryHeader))
	hall := rep.HallName
	if hall == "" {
		hall = rep.HallCode
	}
	title := fmt.Sprintf("%s“跨省通办”工作台账（%s 至 %s）", hall, rep.From, rep.To)
	if err := sw.SetRow("A1", []any{cell(st.title, title)}, excelize.RowOpts{Height: 30}); err != nil {
		return err
	}
	sub := fmt.Sprintf("服务大厅区划代码：%s    统计口径：办件按收件日期，评价按评价日期    制表时间：%s",
		rep.HallCode, rep.GeneratedAt.In(Zone).Format("2006-01-02 15:04"))
	if err := sw.SetRow("A2", []any{sub}); err != nil {
		return err
	}
	group := make([]any, len(SummaryHeader))
	for i := range group {
		group[i] = cell(st.head, "")
	}
	group[0], group[4], group[11], group[15] = cell(st.head, "基本信息"), cell(st.head, "办件情况"), cell(st.head, "满意度（好差评）"), cell(st.head, "差评跟进")
	if err := sw.SetRow("A3", group, excelize.RowOpts{Height: 20}); err != nil {
		return err
	}
	head := make([]any, len(SummaryHeader))
	for i, h := range SummaryHeader {
		head[i] = cell(st.head, h)
	}
	if err := sw.SetRow("A4", head, excelize.RowOpts{Height: 32}); err != nil {
		return err
	}
	line := func(r Row, seq any, s int) []any {
		return []any{cell(s, seq), cell(s, r.MatterCode), cell(s, r.MatterName), cell(s, r.Mode), cell(s, r.Received), cell(s, r.Accepted),
			cell(s, r.Refused), cell(s, r.Completed), cell(s, r.InProgress), cell(s, r.Overdue), cell(st.num, r.AvgHandlingDays),
			cell(s, r.Ratings), cell(st.num, r.AvgLevel), cell(s, r.Bad), cell(st.pct, r.BadShare), cell(s, r.FollowClosed),
			cell(s, r.FollowPending), cell(s, r.FollowOverdue), cell(s, r.Voided)}
	}
	rowN := 5
	for i, r := range rep.Rows {
		if err := sw.SetRow(fmt.Sprintf("A%d", rowN), line(r, i+1, st.cell)); err != nil {
			return err
		}
		rowN++
	}
	tl := line(rep.Total, "合计", st.total)
	tl[2] = cell(st.total, "")
	if err := sw.SetRow(fmt.Sprintf("A%d", rowN), tl); err != nil {
		return err
	}
	note := "说明：差评为“不满意”“非常不满意”两级；申诉成立的评价不计入评价数和差评数；平均办理天数为收件至办结的自然日。"
	if err := sw.SetRow(fmt.Sprintf("A%d", rowN+2), []any{note}); err != nil {
		return err
	}
	for _, m := range [][2]string{{"A1", last + "1"}, {"A2", last + "2"}, {"A3", "D3"}, {"E3", "K3"}, {"L3", "O3"}, {"P3", last + "3"}} {
		if err := sw.MergeCell(m[0], m[1]); err != nil {
			return err
		}
	}
	return sw.Flush()
}

func (l *Ledger) writeDetail(ctx context.Context, f *excelize.File, st styles, rep Report) (int, error) {
	sw, err := f.NewStreamWriter(SheetDetail)
	if err != nil {
		return 0, err
	}
	for i, wd := range []float64{8, 26, 14, 34, 14, 10, 18, 18, 14, 10} {
		if err := sw.SetColWidth(i+1, i+1, wd); err != nil {
			return 0, err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 2, TopLeftCell: "A3", ActivePane: "bottomLeft"}); err != nil {
		return 0, err
	}
	if err := sw.SetRow("A1", []any{cell(st.title, fmt.Sprintf("办件明细（%s 至 %s）", rep.From, rep.To))}, excelize.RowOpts{Height: 26}); err != nil {
		return 0, err
	}
	head := make([]any, len(DetailHeader))
	for i, h := range DetailHeader {
		head[i] = cell(st.head, h)
	}
	if err := sw.SetRow("A2", head); err != nil {
		return 0, err
	}
	from, _ := time.ParseInLocation(day, rep.From, Zone)
	to, _ := time.ParseInLocation(day, rep.To, Zone)
	lo, hi := bounds(from, to)
	today := l.now().In(Zone).Format(day)
	n := 0
	err = each(ctx, l.db.Reader(), `SELECT COALESCE(official_no, provisional_no), matter_code, matter_name, mode, status, received_at, decided_at, due_date, open
		FROM cases WHERE hall_code = ? AND received_at >= ? AND received_at < ? ORDER BY received_at`, []any{rep.HallCode, lo, hi},
		func(s scanner) error {
			var no, code, name, mode, status, recv, dec, due string
			var open int
			if err := s.Scan(&no, &code, &name, &mode, &status, &recv, &dec, &due, &open); err != nil {
				return err
			}
			n++
			over := ""
			if open == 1 && due != "" && due < today && status != string(cases.StatusHandled) && status != string(cases.StatusDelivered) {
				over = "是"
			}
			return sw.SetRow(fmt.Sprintf("A%d", n+2), []any{n, no, code, name, mode, cases.Status(status).Label(),
				hallTime(recv), hallTime(dec), due, over})
		})
	if err != nil {
		return 0, err
	}
	last, _ := excelize.ColumnNumberToName(len(DetailHeader))
	if err := sw.MergeCell("A1", last+"1"); err != nil {
		return 0, err
	}
	return n, sw.Flush()
}

func hallTime(s string) string {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return ""
	}
	return t.In(Zone).Format("2006-01-02 15:04")
}
