package catalogtest

import (
	"fmt"
	"strconv"

	"github.com/xuri/excelize/v2"
)

// Row is one data row of an Annex 2 sheet, cell by cell.
type Row struct {
	Seq, Main, Sub, Handling, Type, Level, Modes, System, Scene, Yushiban, Remark string
}

// Header is the Annex 2 header, in column order A..K.
var Header = []string{"序号", "事项名称", "", "", "事项类型", "行使层级", "通办业务模式", "办理系统名称",
	"应用场景", "是否可在“豫事办”办理", "备注"}

// Workbook describes an Annex 2 workbook to write.
type Workbook struct {
	Sheet       string   // default "特色事项清单"
	Unit, Date  string   // 填报单位, 报送时间
	Rows        []Row    // data rows, written from row 6
	OmitColumn  string   // header text to leave out (a bad file)
	ExtraSheets []string // further sheets, left empty but for a note
	NoHeader    bool     // write the rows without any header (wrong sheet)
}

// DataRow is the spreadsheet row number of Rows[i].
func DataRow(i int) int { return 6 + i }

// GoodRows returns n valid, distinct rows.
func GoodRows(n int) []Row {
	modes := []string{"全程网办", "异地代收代办", "全程网办、异地代收代办", "多地联办", "自助通办，全程网办"}
	rows := make([]Row, n)
	for i := range rows {
		rows[i] = Row{
			Seq:      strconv.Itoa(i + 1),
			Main:     fmt.Sprintf("特色事项样例%d", i+1),
			Sub:      "子项",
			Handling: "",
			Type:     "公共服务",
			Level:    "省级",
			Modes:    modes[i%len(modes)],
			System:   "河南省政务服务网",
			Scene:    fmt.Sprintf("申请人可异地申请特色事项样例%d，不受地域限制。", i+1),
			Yushiban: []string{"是", "否"}[i%2],
		}
	}
	return rows
}

// WriteAnnex2 writes wb to path as .xlsx in the layout of the seed's Annex 2:
// title, 填报单位, 报送时间, a two-row header (事项名称 over 主项/子项/业务办理项),
// data rows from row 6, then the 联系人/联系方式/填报说明 lines.
func WriteAnnex2(path string, wb Workbook) error {
	f := excelize.NewFile()
	defer f.Close()
	sheet := wb.Sheet
	if sheet == "" {
		sheet = "特色事项清单"
	}
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return fmt.Errorf("name sheet: %w", err)
	}
	set := func(cell string, v any) error { return f.SetCellValue(sheet, cell, v) }
	if err := set("A1", "河南高频政务服务“跨省通办”特色事项清单"); err != nil {
		return err
	}
	if err := set("A2", "填报单位（印章）："+wb.Unit); err != nil {
		return err
	}
	if err := set("A3", "报送时间："+wb.Date); err != nil {
		return err
	}
	if !wb.NoHeader {
		for j, h := range Header {
			if h == "" || h == wb.OmitColumn {
				continue
			}
			cell, _ := excelize.CoordinatesToCellName(j+1, 4)
			if err := set(cell, h); err != nil {
				return err
			}
		}
		if err := f.MergeCell(sheet, "B4", "D4"); err != nil {
			return fmt.Errorf("merge: %w", err)
		}
		for j, h := range []string{"主项", "子项", "业务办理项"} {
			if h == wb.OmitColumn {
				continue
			}
			cell, _ := excelize.CoordinatesToCellName(j+2, 5)
			if err := set(cell, h); err != nil {
				return err
			}
		}
	}
	for i, r := range wb.Rows {
		vals := []string{r.Seq, r.Main, r.Sub, r.Handling, r.Type, r.Level, r.Modes, r.System, r.Scene, r.Yushiban, r.Remark}
		for j, v := range vals {
			if v == "" {
				continue
			}
			cell, _ := excelize.CoordinatesToCellName(j+1, DataRow(i))
			if err := set(cell, v); err != nil {
				return err
			}
		}
	}
	foot := DataRow(len(wb.Rows)) + 1
	for k, line := range []string{"联系人：张三", "联系方式：0371-00000000", "填报说明：1. 此表由省直各部门填报。", "2. 事项名称、事项类型、行使层级必须与目录一致。"} {
		if err := set(fmt.Sprintf("A%d", foot+k), line); err != nil {
			return err
		}
	}
	for _, s := range wb.ExtraSheets {
		if _, err := f.NewSheet(s); err != nil {
			return fmt.Errorf("new sheet: %w", err)
		}
		if err := f.SetCellValue(s, "A1", "说明"); err != nil {
			return err
		}
	}
	if err := f.SaveAs(path); err != nil {
		return fmt.Errorf("save %s: %w", path, err)
	}
	return nil
}
