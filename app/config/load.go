package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"sort"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"
)

// maxFileSize bounds the settings file read into memory.
const maxFileSize = 1 << 20

// maxSyntaxRetries bounds how many broken lines Load skips before giving up
// on the file and using all defaults.
const maxSyntaxRetries = 16

// Load reads the settings file at path. A missing file yields the defaults
// and no problems. A malformed file or bad values never fail: each bad key
// falls back to its default and is reported. Load never panics.
func Load(path string) (Settings, []Problem) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return Defaults(), nil
	}
	if err != nil {
		return Defaults(), []Problem{{Message: fmt.Sprintf("cannot read settings file %s: %v; using defaults", path, err),
			Zh: "无法读取设置文件，全部设置暂用默认值：" + err.Error()}}
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxFileSize+1))
	if err != nil {
		return Defaults(), []Problem{{Message: fmt.Sprintf("cannot read settings file %s: %v; using defaults", path, err),
			Zh: "无法读取设置文件，全部设置暂用默认值：" + err.Error()}}
	}
	if len(b) > maxFileSize {
		return Defaults(), []Problem{{Message: fmt.Sprintf("settings file is larger than %d bytes; using defaults", maxFileSize),
			Zh: "设置文件过大，可能不是通办工作台的设置文件，全部设置暂用默认值"}}
	}
	return LoadBytes(b)
}

// LoadBytes parses the content of a settings file; see Load.
func LoadBytes(b []byte) (Settings, []Problem) {
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf")) // Notepad's UTF-8 BOM
	var ps []Problem
	var raw map[string]any
	lines := strings.Split(string(b), "\n")
	for attempt := 0; ; attempt++ {
		raw = map[string]any{}
		_, err := toml.Decode(strings.Join(lines, "\n"), &raw)
		if err == nil {
			break
		}
		line := 0
		var pe toml.ParseError
		key := ""
		if errors.As(err, &pe) {
			line, key = errorLine(lines, pe), pe.LastKey
		}
		p := Problem{Key: key, Line: line}
		if line < 1 || line > len(lines) || attempt >= maxSyntaxRetries {
			p.Message = fmt.Sprintf("TOML syntax error: %v; all settings use defaults", shortErr(err))
			p.Zh = "设置文件格式错误" + lineZh(line) + "，无法读取，全部设置暂用默认值"
			return Defaults(), append(ps, p)
		}
		p.Message = fmt.Sprintf("TOML syntax error on line %d: %v; line ignored", line, shortErr(err))
		p.Zh = fmt.Sprintf("设置文件第 %d 行格式错误，已忽略该行（相关设置使用默认值）", line)
		ps = append(ps, p)
		lines[line-1] = ""
	}
	s, typePs := fromMap(raw)
	ps = append(ps, typePs...)
	ps = append(ps, fixInvalid(&s)...)
	return s, ps
}

// errorLine finds the line to blank for a parse error: the line holding the
// error's byte offset (the parser's own line number can be one too far when
// the error is the newline ending a line), walking back over lines already
// blanked so each retry makes progress.
func errorLine(lines []string, pe toml.ParseError) int {
	line := pe.Position.Line
	off := 0
	for i, l := range lines {
		if pe.Position.Start >= off && pe.Position.Start <= off+len(l) {
			line = i + 1
			break
		}
		off += len(l) + 1
	}
	if line > len(lines) {
		line = len(lines)
	}
	for line >= 1 && strings.TrimSpace(lines[line-1]) == "" {
		line--
	}
	return line
}

func lineZh(line int) string {
	if line > 0 {
		return fmt.Sprintf("（第 %d 行）", line)
	}
	return ""
}

// shortErr keeps the first line of a parser error: the full text quotes
// the file, which may hold a personal path.
func shortErr(err error) string {
	var pe toml.ParseError
	if errors.As(err, &pe) {
		return pe.Message
	}
	s, _, _ := strings.Cut(err.Error(), "\n")
	return s
}

// decoder collects type problems while copying known keys into a Settings.
type decoder struct {
	ps []Problem
}

func (d *decoder) bad(key, want, zhWant string, v any) {
	d.ps = append(d.ps, Problem{Key: key,
		Message: fmt.Sprintf("must be %s, got %s; using the default", want, typeName(v)),
		Zh:      fmt.Sprintf("设置项 %s 应为%s，已改用默认值", key, zhWant)})
}

func (d *decoder) unknown(key string) {
	d.ps = append(d.ps, Problem{Key: key,
		Message: "unknown key; ignored",
		Zh:      fmt.Sprintf("未知的设置项 %s，已忽略（请检查拼写）", key)})
}

func (d *decoder) str(key string, v any, dst *string) {
	if s, ok := v.(string); ok {
		*dst = s
		return
	}
	d.bad(key, "a string", "文字", v)
}

func (d *decoder) int(key string, v any, dst *int) {
	if n, ok := v.(int64); ok && n >= math.MinInt32 && n <= math.MaxInt32 {
		*dst = int(n)
		return
	}
	d.bad(key, "a whole number", "整数", v)
}

func (d *decoder) bool(key string, v any, dst *bool) {
	if b, ok := v.(bool); ok {
		*dst = b
		return
	}
	d.bad(key, "true or false", "true 或 false", v)
}

func (d *decoder) strs(key string, v any, dst *[]string) {
	arr, ok := v.([]any)
	if !ok {
		d.bad(key, "a list of strings", "文字列表", v)
		return
	}
	out := make([]string, 0, len(arr))
	for i, e := range arr {
		s, ok := e.(string)
		if !ok {
			d.bad(fmt.Sprintf("%s[%d]", key, i), "a string", "文字", e)
			continue
		}
		out = append(out, s)
	}
	*dst = out
}

// table visits the keys of a sub-table in a stable order.
func (d *decoder) table(key string, v any, fields map[string]func(string, any)) {
	m, ok := v.(map[string]any)
	if !ok {
		d.bad(key, "a table", "表（[...] 小节）", v)
		return
	}
	for _, k := range sortedKeys(m) {
		full := key + "." + k
		if f, ok := fields[k]; ok {
			f(full, m[k])
		} else {
			d.unknown(full)
		}
	}
}

func fromMap(raw map[string]any) (Settings, []Problem) {
	s := Defaults()
	d := &decoder{}
	for _, k := range sortedKeys(raw) {
		v := raw[k]
		switch k {
		case "platformUrl":
			d.str(k, v, &s.PlatformURL)
		case "hall":
			d.table(k, v, map[string]func(string, any){
				"divisionCode": func(k string, v any) { d.str(k, v, &s.Hall.DivisionCode) },
				"name":         func(k string, v any) { d.str(k, v, &s.Hall.Name) },
			})
		case "hotFolders":
			d.strs(k, v, &s.HotFolders)
		case "printers":
			d.table(k, v, map[string]func(string, any){
				"receipt":  func(k string, v any) { d.str(k, v, &s.Printers.Receipt) },
				"notice":   func(k string, v any) { d.str(k, v, &s.Printers.Notice) },
				"waybill":  func(k string, v any) { d.str(k, v, &s.Printers.Waybill) },
				"manifest": func(k string, v any) { d.str(k, v, &s.Printers.Manifest) },
			})
		case "papers":
			d.table(k, v, map[string]func(string, any){
				"receipt":  func(k string, v any) { d.str(k, v, &s.Papers.Receipt) },
				"notice":   func(k string, v any) { d.str(k, v, &s.Papers.Notice) },
				"waybill":  func(k string, v any) { d.str(k, v, &s.Papers.Waybill) },
				"manifest": func(k string, v any) { d.str(k, v, &s.Papers.Manifest) },
			})
		case "printing":
			d.table(k, v, map[string]func(string, any){
				"fontPath":    func(k string, v any) { d.str(k, v, &s.Printing.FontPath) },
				"reviewOrgan": func(k string, v any) { d.str(k, v, &s.Printing.ReviewOrgan) },
				"court":       func(k string, v any) { d.str(k, v, &s.Printing.Court) },
			})
		case "idleLockMinutes":
			d.int(k, v, &s.IdleLockMinutes)
		case "followUpWorkingDays":
			d.int(k, v, &s.FollowUpWorkingDays)
		case "backup":
			d.table(k, v, map[string]func(string, any){
				"intervalHours": func(k string, v any) { d.int(k, v, &s.Backup.IntervalHours) },
				"keep":          func(k string, v any) { d.int(k, v, &s.Backup.Keep) },
			})
		case "language":
			d.str(k, v, &s.Language)
		case "scan":
			d.table(k, v, map[string]func(string, any){
				"pollFolders":     func(k string, v any) { d.strs(k, v, &s.Scan.PollFolders) },
				"maxLongEdge":     func(k string, v any) { d.int(k, v, &s.Scan.MaxLongEdge) },
				"jpegQuality":     func(k string, v any) { d.int(k, v, &s.Scan.JPEGQuality) },
				"discardOriginal": func(k string, v any) { d.bool(k, v, &s.Scan.DiscardOriginal) },
			})
		case "mail":
			d.table(k, v, map[string]func(string, any){
				"stuckHours":        func(k string, v any) { d.int(k, v, &s.Mail.StuckHours) },
				"trackEveryMinutes": func(k string, v any) { d.int(k, v, &s.Mail.TrackEveryMinutes) },
				"courier":           func(k string, v any) { d.str(k, v, &s.Mail.Courier) },
				"senderName":        func(k string, v any) { d.str(k, v, &s.Mail.SenderName) },
				"senderPhone":       func(k string, v any) { d.str(k, v, &s.Mail.SenderPhone) },
				"senderAddress":     func(k string, v any) { d.str(k, v, &s.Mail.SenderAddress) },
			})
		default:
			d.unknown(k)
		}
	}
	return s, d.ps
}

// fixInvalid validates s and resets every bad key to its default, returning
// the problems found.
func fixInvalid(s *Settings) []Problem {
	ps := Validate(*s)
	def := Defaults()
	var dropFolders []int
	for i := range ps {
		ps[i].Message += "; using the default"
		ps[i].Zh += "，已改用默认值"
		switch key := ps[i].Key; {
		case key == "platformUrl":
			s.PlatformURL = def.PlatformURL
		case key == "hall.divisionCode":
			s.Hall.DivisionCode = def.Hall.DivisionCode
		case key == "hall.name":
			s.Hall.Name = def.Hall.Name
		case key == "hotFolders":
			s.HotFolders = s.HotFolders[:maxHotFolders]
			ps[i].Message = strings.TrimSuffix(ps[i].Message, "; using the default") + "; extra folders ignored"
			ps[i].Zh = strings.TrimSuffix(ps[i].Zh, "，已改用默认值") + "，多余的已忽略"
		case strings.HasPrefix(key, "hotFolders["):
			n, err := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(key, "hotFolders["), "]"))
			if err == nil {
				dropFolders = append(dropFolders, n)
			}
			ps[i].Message = strings.TrimSuffix(ps[i].Message, "; using the default") + "; folder ignored"
			ps[i].Zh = strings.TrimSuffix(ps[i].Zh, "，已改用默认值") + "，已忽略该文件夹"
		case key == "printers.receipt":
			s.Printers.Receipt = def.Printers.Receipt
		case key == "printers.notice":
			s.Printers.Notice = def.Printers.Notice
		case key == "printers.waybill":
			s.Printers.Waybill = def.Printers.Waybill
		case key == "printers.manifest":
			s.Printers.Manifest = def.Printers.Manifest
		case key == "papers.receipt":
			s.Papers.Receipt = def.Papers.Receipt
		case key == "papers.notice":
			s.Papers.Notice = def.Papers.Notice
		case key == "papers.waybill":
			s.Papers.Waybill = def.Papers.Waybill
		case key == "papers.manifest":
			s.Papers.Manifest = def.Papers.Manifest
		case key == "printing.fontPath":
			s.Printing.FontPath = def.Printing.FontPath
		case key == "printing.reviewOrgan":
			s.Printing.ReviewOrgan = def.Printing.ReviewOrgan
		case key == "printing.court":
			s.Printing.Court = def.Printing.Court
		case key == "idleLockMinutes":
			s.IdleLockMinutes = def.IdleLockMinutes
		case key == "followUpWorkingDays":
			s.FollowUpWorkingDays = def.FollowUpWorkingDays
		case strings.HasPrefix(key, "scan.pollFolders"):
			s.Scan.PollFolders = def.Scan.PollFolders
		case key == "scan.maxLongEdge":
			s.Scan.MaxLongEdge = def.Scan.MaxLongEdge
		case key == "scan.jpegQuality":
			s.Scan.JPEGQuality = def.Scan.JPEGQuality
		case key == "backup.intervalHours":
			s.Backup.IntervalHours = def.Backup.IntervalHours
		case key == "backup.keep":
			s.Backup.Keep = def.Backup.Keep
		case key == "language":
			s.Language = def.Language
		case key == "mail.stuckHours":
			s.Mail.StuckHours = def.Mail.StuckHours
		case key == "mail.trackEveryMinutes":
			s.Mail.TrackEveryMinutes = def.Mail.TrackEveryMinutes
		case key == "mail.courier":
			s.Mail.Courier = def.Mail.Courier
		case key == "mail.senderName":
			s.Mail.SenderName = def.Mail.SenderName
		case key == "mail.senderPhone":
			s.Mail.SenderPhone = def.Mail.SenderPhone
		case key == "mail.senderAddress":
			s.Mail.SenderAddress = def.Mail.SenderAddress
		}
	}
	if len(dropFolders) > 0 {
		kept := make([]string, 0, len(s.HotFolders))
		for i, f := range s.HotFolders {
			if !containsInt(dropFolders, i) {
				kept = append(kept, f)
			}
		}
		s.HotFolders = kept
	}
	return ps
}

func containsInt(xs []int, x int) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func typeName(v any) string {
	switch v.(type) {
	case string:
		return "a string"
	case int64:
		return "a number"
	case float64:
		return "a decimal number"
	case bool:
		return "a boolean"
	case []any, []map[string]any:
		return "a list"
	case map[string]any:
		return "a table"
	default:
		return fmt.Sprintf("%T", v)
	}
}
