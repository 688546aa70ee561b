package catalog

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"tongban/app/errs"
)

// Annex2 is a provincial 特色事项 list read from a spreadsheet in the layout
// of the seed's Annex 2.
type Annex2 struct {
	Unit    string       // 填报单位
	Date    string       // 报送时间, as written
	Sheets  []string     // sheets that held the list
	Matters []Annex2Item // in file order
}

// Annex2Item is one good row and where it came from.
type Annex2Item struct {
	Sheet  string
	Row    int
	Matter Matter
}

// Column keys of the Annex 2 layout.
const (
	colSeq      = "序号"
	colMain     = "主项"
	colSub      = "子项"
	colHandling = "业务办理项"
	colType     = "事项类型"
	colLevel    = "行使层级"
	colModes    = "通办业务模式"
	colSystem   = "办理系统名称"
	colScene    = "应用场景"
	colYushiban = "是否可在豫事办办理"
	colRemark   = "备注"
	colCode     = "事项编码" // optional, not in the seed's layout
)

var requiredCols = []string{colSeq, colMain, colType, colLevel, colModes, colScene, colYushiban}

var optionalCols = []string{colSub, colHandling, colSystem, colRemark, colCode}

// columns maps column keys to 0-based indexes of one sheet.
type columns map[string]int

// maxCell bounds one cell's text (runes).
const maxCell = 500

var codePattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9-]{0,39}$`)

// ParseAnnex2 reads an .xlsx workbook in the Annex 2 layout. Every sheet
// whose header matches is read. Any problem anywhere yields an
// *ImportError listing every bad row; then no matter is returned.
func ParseAnnex2(r io.Reader) (*Annex2, error) {
	f, err := excelize.OpenReader(r)
	if err != nil {
		return nil, errs.Wrap(err, errs.EINVALID, "not an xlsx workbook",
			"文件不是有效的 Excel（.xlsx）工作簿，请用附件2样表另存为 .xlsx 后再导入")
	}
	defer f.Close()
	out := &Annex2{}
	var problems []RowError
	for _, sheet := range f.GetSheetList() {
		rows, err := f.GetRows(sheet)
		if err != nil {
			problems = append(problems, RowError{Sheet: sheet, Reason: "无法读取该工作表：" + err.Error()})
			continue
		}
		items, probs, found := parseSheet(sheet, rows, out)
		if found {
			out.Sheets = append(out.Sheets, sheet)
		}
		out.Matters = append(out.Matters, items...)
		problems = append(problems, probs...)
	}
	if len(out.Sheets) == 0 && len(problems) == 0 {
		for _, sheet := range f.GetSheetList() {
			problems = append(problems, RowError{Sheet: sheet,
				Reason: "不是附件2格式的工作表：未找到“序号、事项名称、事项类型、行使层级、通办业务模式……”表头，请确认选择了正确的工作表和文件"})
		}
	}
	problems = append(problems, crossCheck(out.Matters)...)
	if len(problems) == 0 && len(out.Matters) == 0 {
		problems = append(problems, RowError{Sheet: strings.Join(out.Sheets, "、"), Reason: "表中没有任何事项行"})
	}
	if len(problems) > 0 {
		return nil, newImportError(problems)
	}
	return out, nil
}

// parseSheet finds the header in rows and parses the data rows under it.
// found reports whether the sheet had an Annex 2 header.
func parseSheet(sheet string, rows [][]string, out *Annex2) (items []Annex2Item, problems []RowError, found bool) {
	hdr := -1
	for i, row := range rows {
		if isHeader(row) {
			hdr = i
			break
		}
		readPreamble(row, out)
	}
	if hdr < 0 {
		return nil, nil, false
	}
	cols, dataStart := mapColumns(rows, hdr)
	for _, key := range requiredCols {
		if _, ok := cols[key]; !ok {
			problems = append(problems, RowError{Sheet: sheet, Row: hdr + 1, Column: key,
				Reason: "缺少“" + displayCol(key) + "”列（表头应与附件2样表一致）"})
		}
	}
	if len(problems) > 0 {
		return nil, problems, true
	}
	for i := dataStart; i < len(rows); i++ {
		if isFooter(rows[i]) {
			break
		}
		m, probs, ok := parseRow(cols, sheet, i+1, rows[i])
		problems = append(problems, probs...)
		if ok {
			items = append(items, Annex2Item{Sheet: sheet, Row: i + 1, Matter: m})
		}
	}
	return items, problems, true
}

// norm removes spaces and quote marks so that header text written with
// “” or "" or full-width spaces still matches.
func norm(s string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case ' ', '\t', '\n', '\r', '\u3000', '"', '“', '”', '\'', '‘', '’':
			return -1
		}
		return r
	}, s)
}

func isHeader(row []string) bool {
	var seq, name bool
	for _, c := range row {
		n := norm(c)
		seq = seq || n == colSeq
		name = name || strings.HasPrefix(n, "事项名称")
	}
	return seq && name
}

func isFooter(row []string) bool {
	for _, c := range row {
		n := norm(c)
		if n == "" {
			continue
		}
		for _, p := range []string{"联系人", "联系方式", "填报说明", "填表说明"} {
			if strings.HasPrefix(n, p) {
				return true
			}
		}
		return false
	}
	return false
}

// readPreamble picks 填报单位 and 报送时间 out of the lines above the header.
func readPreamble(row []string, out *Annex2) {
	for i, c := range row {
		n := norm(c)
		var dst *string
		switch {
		case strings.HasPrefix(n, "填报单位"):
			dst = &out.Unit
		case strings.HasPrefix(n, "报送时间"):
			dst = &out.Date
		default:
			continue
		}
		v := ""
		if _, after, ok := strings.Cut(strings.ReplaceAll(c, ":", "："), "："); ok {
			v = strings.TrimSpace(after)
		}
		for j := i + 1; v == "" && j < len(row); j++ {
			v = strings.TrimSpace(row[j])
		}
		if v != "" && *dst == "" {
			*dst = v
		}
	}
}

// mapColumns maps header texts of row hdr (and the 主项/子项/业务办理项 row
// under it, if any) to indexes, returning where data starts.
func mapColumns(rows [][]string, hdr int) (columns, int) {
	cols := columns{}
	nameCol := -1
	for j, c := range rows[hdr] {
		n := norm(c)
		switch {
		case strings.HasPrefix(n, "事项名称"):
			nameCol = j
		case strings.HasPrefix(n, "是否可在"):
			cols[colYushiban] = j
		default:
			for _, k := range append(append([]string{}, requiredCols...), optionalCols...) {
				if n == k {
					if _, dup := cols[k]; !dup {
						cols[k] = j
					}
				}
			}
		}
	}
	dataStart := hdr + 1
	if hdr+1 < len(rows) {
		sub := rows[hdr+1]
		isSub := false
		for j, c := range sub {
			switch norm(c) {
			case colMain, colSub, colHandling:
				cols[norm(c)] = j
				isSub = true
			}
		}
		if isSub {
			dataStart = hdr + 2
		}
	}
	if _, ok := cols[colMain]; !ok && nameCol >= 0 {
		cols[colMain] = nameCol
	}
	return cols, dataStart
}

func displayCol(key string) string {
	switch key {
	case colMain:
		return "事项名称（主项）"
	case colYushiban:
		return "是否可在“豫事办”办理"
	}
	return key
}

// colLabel names a column for a RowError: letter and header, e.g. F（通办业务模式）.
func colLabel(cols columns, key string) string {
	name, err := excelize.ColumnNumberToName(cols[key] + 1)
	if err != nil {
		return displayCol(key)
	}
	return name + "（" + displayCol(key) + "）"
}

// parseRow parses and validates one data row (1-based rowNum). ok is false
// when the row is blank (skipped) or bad (problems says why).
func parseRow(cols columns, sheet string, rowNum int, cells []string) (m Matter, problems []RowError, ok bool) {
	get := func(key string) string {
		j, has := cols[key]
		if !has || j >= len(cells) {
			return ""
		}
		return strings.TrimFunc(cells[j], func(r rune) bool {
			return r == ' ' || r == '\u3000' || r == '\t' || r == '\n' || r == '\r' || r == '\u00a0'
		})
	}
	blank := true
	for k := range cols {
		if k != colSeq && get(k) != "" {
			blank = false
		}
	}
	if blank {
		return m, nil, false
	}
	bad := func(key, reason string) {
		problems = append(problems, RowError{Sheet: sheet, Row: rowNum, Column: colLabel(cols, key), Reason: reason})
	}
	for k := range cols {
		v := get(k)
		if utf8.RuneCountInString(v) > maxCell {
			bad(k, fmt.Sprintf("内容过长（最多 %d 个字）", maxCell))
		}
		if !utf8.ValidString(v) || strings.ContainsFunc(v, func(r rune) bool { return r < 0x20 && r != '\n' && r != '\t' }) {
			bad(k, "含有无法识别的字符")
		}
	}
	seq, err := strconv.Atoi(strings.TrimSuffix(get(colSeq), ".0"))
	if err != nil || seq < 1 {
		bad(colSeq, "序号应为正整数")
	}
	main, sub, handling := get(colMain), get(colSub), get(colHandling)
	if main == "" {
		bad(colMain, "事项名称（主项）不能为空")
	}
	if get(colType) == "" {
		bad(colType, "事项类型不能为空")
	}
	if get(colLevel) == "" {
		bad(colLevel, "行使层级不能为空")
	}
	modes, modeErr := ParseModes(get(colModes))
	if modeErr != "" {
		bad(colModes, modeErr)
	}
	if get(colScene) == "" {
		bad(colScene, "应用场景不能为空")
	}
	var ysb bool
	switch get(colYushiban) {
	case "是":
		ysb = true
	case "否":
	case "":
		bad(colYushiban, "“是否可在豫事办办理”不能为空，应填写“是”或“否”")
	default:
		bad(colYushiban, "“是否可在豫事办办理”应填写“是”或“否”，不能填写“"+clip(get(colYushiban))+"”")
	}
	code := get(colCode)
	if code != "" && !codePattern.MatchString(code) {
		bad(colCode, "事项编码只能由字母、数字和“-”组成，最长40位")
	}
	if len(problems) > 0 {
		return m, problems, false
	}
	name := joinNonEmpty("-", main, sub, handling)
	if code == "" {
		code = ProvincialCode(name)
	}
	m = Matter{
		MatterSummary: MatterSummary{
			Code:         code,
			Name:         name,
			Scene:        get(colScene),
			Batch:        BatchProvincial,
			ServiceModes: modes,
		},
		Seq:            seq,
		MainItem:       main,
		SubItem:        sub,
		HandlingItem:   handling,
		MatterType:     get(colType),
		Level:          get(colLevel),
		HandlingSystem: get(colSystem),
		Yushiban:       &ysb,
		Remark:         get(colRemark),
	}
	m.normalize()
	return m, nil, true
}

// ParseModes splits a 通办业务模式 cell ("全程网办、异地代收代办") into modes.
// reason is a Chinese message when the cell is empty or has an unknown mode.
func ParseModes(cell string) (modes []ServiceMode, reason string) {
	parts := strings.FieldsFunc(cell, func(r rune) bool {
		return strings.ContainsRune("、，,；;/／ \u3000\n+＋", r)
	})
	for _, p := range parts {
		md := ServiceMode(norm(p))
		if !md.Valid() {
			return nil, "未知的通办业务模式“" + clip(p) + "”（应为全程网办、异地代收代办、多地联办、自助通办之一，多个用“、”分隔）"
		}
		if !contains(modeStrings(modes), string(md)) {
			modes = append(modes, md)
		}
	}
	if len(modes) == 0 {
		return nil, "通办业务模式不能为空"
	}
	return modes, ""
}

// ProvincialCode derives a stable code for a provincial matter without an
// explicit 事项编码: YU-TS- and 8 hex digits of the name's SHA-256, so that
// re-importing the same list keeps codes (and diffs stay meaningful).
func ProvincialCode(name string) string {
	sum := sha256.Sum256([]byte(name))
	return "YU-TS-" + strings.ToUpper(hex.EncodeToString(sum[:4]))
}

// crossCheck reports duplicate 序号 (per sheet), names and codes.
func crossCheck(items []Annex2Item) []RowError {
	var out []RowError
	type key struct {
		sheet string
		seq   int
	}
	seqs := map[key]int{}
	names := map[string]Annex2Item{}
	codes := map[string]Annex2Item{}
	for _, it := range items {
		m := it.Matter
		k := key{it.Sheet, m.Seq}
		if prev, dup := seqs[k]; dup {
			out = append(out, RowError{Sheet: it.Sheet, Row: it.Row, Column: colSeq,
				Reason: fmt.Sprintf("序号 %d 与第 %d 行重复", m.Seq, prev)})
		} else {
			seqs[k] = it.Row
		}
		if prev, dup := names[m.Name]; dup {
			out = append(out, RowError{Sheet: it.Sheet, Row: it.Row, Column: "事项名称",
				Reason: fmt.Sprintf("事项名称“%s”与%s第 %d 行重复", clip(m.Name), sheetRef(prev.Sheet, it.Sheet), prev.Row)})
			continue
		}
		names[m.Name] = it
		if prev, dup := codes[m.Code]; dup {
			out = append(out, RowError{Sheet: it.Sheet, Row: it.Row, Column: colCode,
				Reason: fmt.Sprintf("事项编码“%s”与%s第 %d 行重复", m.Code, sheetRef(prev.Sheet, it.Sheet), prev.Row)})
			continue
		}
		codes[m.Code] = it
	}
	return out
}

func sheetRef(prev, cur string) string {
	if prev == cur {
		return ""
	}
	return "工作表“" + prev + "”"
}

func clip(s string) string {
	s = strings.ToValidUTF8(s, "�")
	if utf8.RuneCountInString(s) <= 30 {
		return s
	}
	return string([]rune(s)[:30]) + "…"
}

func joinNonEmpty(sep string, parts ...string) string {
	var out []string
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, sep)
}

func modeStrings(ms []ServiceMode) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = string(m)
	}
	return out
}
