package cases

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"tongban/app/errs"
)

// CalendarFile is the JSON file an admin imports for one year (the State
// Council notice is published each November):
//
//	{"year": 2027, "source": "国办发明电〔2026〕N号",
//	 "days": [{"day": "2027-01-01", "kind": "holiday", "name": "元旦"}, …]}
//
// kind is holiday (放假) or workday (调休上班, a Saturday or Sunday).
type CalendarFile struct {
	Year   int       `json:"year"`
	Source string    `json:"source"`
	Days   []Holiday `json:"days"`
}

// CalendarProblem is one bad row of a calendar file. Row is 1-based; 0
// means the file as a whole.
type CalendarProblem struct {
	Row    int    `json:"row"`
	Day    string `json:"day,omitempty"`
	Reason string `json:"reason"` // English
	Zh     string `json:"zh"`
}

// Limits of a calendar file.
const (
	maxCalendarFile = 256 << 10
	maxCalendarName = 40
	maxCalendarSrc  = 100
	minCalendarYear = 2000
	maxCalendarYear = 2100
)

// ParseCalendarFile reads and checks a calendar file. It reports every bad
// row; a file with any problem must not be imported. err is set only when
// the file is not a calendar file at all (not JSON, too large).
func ParseCalendarFile(b []byte) (CalendarFile, []CalendarProblem, error) {
	var f CalendarFile
	if len(b) > maxCalendarFile {
		return f, nil, errs.Invalid("file", "calendar file too large", fmt.Sprintf("日历文件过大（上限 %d KB）", maxCalendarFile>>10))
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return CalendarFile{}, nil, errs.Wrap(err, errs.EINVALID, "calendar file is not valid JSON: "+err.Error(),
			"日历文件不是规定格式的 JSON："+err.Error())
	}
	if dec.More() {
		return CalendarFile{}, nil, errs.Invalid("file", "trailing data after the calendar object", "日历文件在 JSON 对象之后还有多余内容")
	}
	var ps []CalendarProblem
	file := func(reason, zh string) { ps = append(ps, CalendarProblem{Reason: reason, Zh: zh}) }
	f.Source = strings.TrimSpace(f.Source)
	if f.Year < minCalendarYear || f.Year > maxCalendarYear {
		file(fmt.Sprintf("year %d out of range %d–%d", f.Year, minCalendarYear, maxCalendarYear),
			fmt.Sprintf("年份 %d 不在 %d–%d 之间", f.Year, minCalendarYear, maxCalendarYear))
	}
	if f.Source == "" {
		file("source is empty", "请填写来源（如国务院办公厅通知的文号）")
	} else if utf8.RuneCountInString(f.Source) > maxCalendarSrc || !utf8.ValidString(f.Source) {
		file("source too long or not UTF-8", fmt.Sprintf("来源过长（上限 %d 字）或含非法字符", maxCalendarSrc))
	}
	if len(f.Days) == 0 {
		file("no days", "文件中没有任何放假或调休日期")
	}
	seen := map[string]int{}
	for i := range f.Days {
		h := &f.Days[i]
		row := func(reason, zh string) {
			ps = append(ps, CalendarProblem{Row: i + 1, Day: h.Day, Reason: reason, Zh: zh})
		}
		h.Day, h.Kind, h.Name = strings.TrimSpace(h.Day), strings.TrimSpace(h.Kind), strings.TrimSpace(h.Name)
		t, err := time.Parse("2006-01-02", h.Day)
		switch {
		case err != nil:
			row("day is not YYYY-MM-DD", "日期须为 YYYY-MM-DD 格式的真实日期")
		case t.Year() != f.Year:
			row("day not in the file's year", fmt.Sprintf("日期不属于 %d 年", f.Year))
		case seen[h.Day] > 0:
			row(fmt.Sprintf("day repeats row %d", seen[h.Day]), fmt.Sprintf("与第 %d 行日期重复", seen[h.Day]))
		}
		if err == nil && seen[h.Day] == 0 {
			seen[h.Day] = i + 1
		}
		switch h.Kind {
		case "holiday":
		case "workday":
			if err == nil && t.Weekday() != time.Saturday && t.Weekday() != time.Sunday {
				row("workday is not a weekend day", "调休上班日应为周六或周日")
			}
		default:
			row("kind must be holiday or workday", "类型须为 holiday（放假）或 workday（调休上班）")
		}
		if h.Name == "" {
			row("name is empty", "请填写节日名称")
		} else if utf8.RuneCountInString(h.Name) > maxCalendarName || !utf8.ValidString(h.Name) {
			row("name too long or not UTF-8", fmt.Sprintf("名称过长（上限 %d 字）或含非法字符", maxCalendarName))
		}
	}
	return f, ps, nil
}

// ProblemsError sums the problems of a calendar file up as one error.
func ProblemsError(ps []CalendarProblem) error {
	if len(ps) == 0 {
		return nil
	}
	p := ps[0]
	where, whereZh := "file", "文件"
	if p.Row > 0 {
		where, whereZh = fmt.Sprintf("row %d", p.Row), fmt.Sprintf("第 %d 行", p.Row)
	}
	return errs.Invalid("days", fmt.Sprintf("calendar file has %d problem(s); first: %s: %s", len(ps), where, p.Reason),
		fmt.Sprintf("日历文件有 %d 处问题，未导入任何内容。第一处：%s：%s", len(ps), whereZh, p.Zh))
}
