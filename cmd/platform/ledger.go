package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"math"
	"time"

	"github.com/xuri/excelize/v2"

	"tongban/platform"
	"tongban/platform/httpserver"
	"tongban/platform/sqlstore"
)

// ledgerCmd prints the platform ledger, or writes it as .xlsx.
func ledgerCmd(ctx context.Context, st *sqlstore.Store, fs *flag.FlagSet, args []string, stdout io.Writer) error {
	from := fs.String("from", "", "first day YYYY-MM-DD (default: first day of the month 11 months ago)")
	to := fs.String("to", "", "day after the last YYYY-MM-DD (default: tomorrow)")
	hall := fs.String("hall", "", "only this hall")
	out := fs.String("xlsx", "", "write an .xlsx workbook to this file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	now := time.Now()
	f, t, err := httpserver.ParseLedgerRange(*from, *to, now)
	if err != nil {
		return err
	}
	start := time.Now()
	rows, err := st.Ledger(ctx, platform.LedgerQuery{From: f, To: t, Hall: *hall, Now: now})
	if err != nil {
		return err
	}
	took := time.Since(start)
	if *out != "" {
		if err := writeLedgerXLSX(*out, f, t, rows, now); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "ledger %s..%s: %d rows written to %s (query %s)\n", f.Format("2006-01-02"),
			t.Format("2006-01-02"), len(rows), *out, took.Round(time.Millisecond))
		return nil
	}
	fmt.Fprintln(stdout, "月份\t服务大厅\t事项编码\t事项名称\t业务模式\t通办范围\t收件\t受理\t不予受理\t办结\t在办\t超期\t平均办理时长(小时)"+
		"\t评价数\t平均满意度\t差评\t差评整改办结")
	for _, r := range append(rows, total(rows)) {
		fmt.Fprintf(stdout, "%s\t%s\t%s\t%s\t%s\t%s\t%d\t%d\t%d\t%d\t%d\t%d\t%.1f\t%d\t%.2f\t%d\t%d\n", r.Month, r.HallName,
			r.MatterCode, r.MatterName, r.Mode, r.Scope, r.Received, r.Accepted, r.Refused, r.Completed, r.InProgress, r.Overdue,
			r.AvgHandlingHours, r.Rated, r.AvgSatisfaction, r.BadRatings, r.BadFollowedUp)
	}
	fmt.Fprintf(stdout, "# %d rows, query %s\n", len(rows), took.Round(time.Millisecond))
	return nil
}

// round rounds half up to n decimals.
func round(v float64, n int) float64 {
	p := math.Pow(10, float64(n))
	return math.Floor(v*p+0.5) / p
}

func total(rows []platform.LedgerRow) platform.LedgerRow {
	t := httpserver.LedgerTotals(rows)
	t.Month, t.HallName = "合计", "全部"
	return t
}

// writeLedgerXLSX writes the layout a 大数据局 clerk submits: a title row,
// the statistics period and time of export, one header row, one line per
// month × hall × matter × mode, and a total line. It streams rows
// (excelize StreamWriter), so memory stays bounded whatever the count.
func writeLedgerXLSX(path string, from, to time.Time, rows []platform.LedgerRow, now time.Time) error {
	x := excelize.NewFile()
	defer x.Close()
	const sheet = "工作台账"
	if err := x.SetSheetName("Sheet1", sheet); err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	sw, err := x.NewStreamWriter(sheet)
	if err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	bold, _ := x.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	title, _ := x.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}})
	widths := []float64{10, 28, 10, 28, 14, 14, 10, 8, 8, 10, 8, 8, 8, 20, 8, 12, 8, 14}
	for i, w := range widths {
		if err := sw.SetColWidth(i+1, i+1, w); err != nil {
			return fmt.Errorf("xlsx: %w", err)
		}
	}
	last := to.AddDate(0, 0, -1)
	head := [][]any{
		{excelize.Cell{StyleID: title, Value: "政务服务“跨省通办”工作台账"}},
		{fmt.Sprintf("统计期间：%s 至 %s", from.Format("2006年01月02日"), last.Format("2006年01月02日"))},
		{fmt.Sprintf("导出时间：%s（北京时间）", now.In(platform.CST).Format("2006-01-02 15:04"))},
	}
	cols := []string{"月份", "服务大厅", "大厅编码", "事项名称", "事项编码", "业务模式", "通办范围", "收件量", "受理量", "不予受理量",
		"办结量", "在办量", "超期量", "平均办理时长（小时）", "评价数", "平均满意度（1–5）", "差评数", "差评整改办结数"}
	hdr := make([]any, len(cols))
	for i, c := range cols {
		hdr[i] = excelize.Cell{StyleID: bold, Value: c}
	}
	head = append(head, hdr)
	row := 1
	put := func(v []any) error {
		cell, _ := excelize.CoordinatesToCellName(1, row)
		row++
		return sw.SetRow(cell, v)
	}
	for _, h := range head {
		if err := put(h); err != nil {
			return fmt.Errorf("xlsx: %w", err)
		}
	}
	line := func(r platform.LedgerRow) []any {
		return []any{r.Month, r.HallName, r.Hall, r.MatterName, r.MatterCode, r.Mode, r.Scope, r.Received, r.Accepted, r.Refused,
			r.Completed, r.InProgress, r.Overdue, round(r.AvgHandlingHours, 1), r.Rated, round(r.AvgSatisfaction, 2),
			r.BadRatings, r.BadFollowedUp}
	}
	for _, r := range rows {
		if err := put(line(r)); err != nil {
			return fmt.Errorf("xlsx: %w", err)
		}
	}
	if err := put(line(total(rows))); err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	if err := sw.Flush(); err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	if err := x.SaveAs(path); err != nil {
		return fmt.Errorf("save %s: %w", path, err)
	}
	return nil
}
