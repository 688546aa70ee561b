package config

import (
	"fmt"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// GB/T 2260 province-level codes (first two digits of a division code).
var provinces = map[string]bool{
	"11": true, "12": true, "13": true, "14": true, "15": true,
	"21": true, "22": true, "23": true,
	"31": true, "32": true, "33": true, "34": true, "35": true, "36": true, "37": true,
	"41": true, "42": true, "43": true, "44": true, "45": true, "46": true,
	"50": true, "51": true, "52": true, "53": true, "54": true,
	"61": true, "62": true, "63": true, "64": true, "65": true,
	"71": true, "81": true, "82": true,
}

// Validate reports every bad value in s; nil means s can be saved.
// Empty platformUrl, hall and printer names are allowed (not configured yet).
func Validate(s Settings) []Problem {
	var ps []Problem
	add := func(p *Problem) {
		if p != nil {
			ps = append(ps, *p)
		}
	}
	add(checkPlatformURL(s.PlatformURL))
	add(checkDivisionCode(s.Hall.DivisionCode))
	add(checkText("hall.name", s.Hall.Name))
	ps = append(ps, checkHotFolders(s.HotFolders)...)
	add(checkText("printers.receipt", s.Printers.Receipt))
	add(checkText("printers.notice", s.Printers.Notice))
	add(checkText("printers.waybill", s.Printers.Waybill))
	add(checkText("printers.manifest", s.Printers.Manifest))
	add(checkPaper("receipt", s.Papers.Receipt))
	add(checkPaper("notice", s.Papers.Notice))
	add(checkPaper("waybill", s.Papers.Waybill))
	add(checkPaper("manifest", s.Papers.Manifest))
	add(checkFontPath(s.Printing.FontPath))
	add(checkText("printing.reviewOrgan", s.Printing.ReviewOrgan))
	add(checkText("printing.court", s.Printing.Court))
	add(checkRange("idleLockMinutes", s.IdleLockMinutes, MinIdleLockMinutes, MaxIdleLockMinutes, "空闲锁屏分钟数"))
	add(checkRange("backup.intervalHours", s.Backup.IntervalHours, MinIntervalHours, MaxIntervalHours, "备份间隔小时数"))
	add(checkRange("backup.keep", s.Backup.Keep, MinKeep, MaxKeep, "备份保留份数"))
	add(checkLanguage(s.Language))
	add(checkRange("followUpWorkingDays", s.FollowUpWorkingDays, 0, 60, "差评整改期限（工作日）"))
	add(checkRange("scan.maxLongEdge", s.Scan.MaxLongEdge, 0, MaxLongEdgeLimit, "扫描页长边像素上限"))
	add(checkRange("scan.jpegQuality", s.Scan.JPEGQuality, 0, MaxJPEGQuality, "扫描页 JPEG 质量"))
	add(checkRange("mail.stuckHours", s.Mail.StuckHours, 0, MaxStuckHours, "邮件滞留告警小时数"))
	if m := s.Mail.TrackEveryMinutes; m != 0 {
		add(checkRange("mail.trackEveryMinutes", m, MinTrackEveryMinutes, MaxTrackEveryMinutes, "物流查询间隔分钟数"))
	}
	if c := s.Mail.Courier; c != "" && !slices.Contains(Couriers, c) {
		add(problem("mail.courier", fmt.Sprintf("must be one of %v, got %q", Couriers, c),
			fmt.Sprintf("快递服务应为 %s 之一（当前值 %q）", strings.Join(Couriers, "、"), c)))
	}
	add(checkText("mail.senderName", s.Mail.SenderName))
	add(checkText("mail.senderPhone", s.Mail.SenderPhone))
	add(checkText("mail.senderAddress", s.Mail.SenderAddress))
	for i, f := range s.Scan.PollFolders {
		if !slices.Contains(s.HotFolders, f) {
			add(problem(fmt.Sprintf("scan.pollFolders[%d]", i), fmt.Sprintf("%q is not one of hotFolders", f),
				fmt.Sprintf("轮询文件夹 %q 不在扫描热文件夹列表中", f)))
		}
	}
	return ps
}

func problem(key, msg, zh string) *Problem {
	return &Problem{Key: key, Message: msg, Zh: zh}
}

func checkPlatformURL(v string) *Problem {
	const key = "platformUrl"
	if v == "" {
		return nil
	}
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil {
		return problem(key, fmt.Sprintf("must be an http(s) URL such as https://platform.example.gov.cn, got %q", v),
			fmt.Sprintf("平台地址应为 http(s) 网址，例如 https://platform.example.gov.cn（当前值 %q）", v))
	}
	return nil
}

func checkDivisionCode(v string) *Problem {
	const key = "hall.divisionCode"
	if v == "" {
		return nil
	}
	ok := len(v) == 6
	for _, r := range v {
		if r < '0' || r > '9' {
			ok = false
		}
	}
	if !ok || !provinces[v[:min(2, len(v))]] {
		return problem(key, fmt.Sprintf("must be a 6-digit GB/T 2260 division code such as 410102, got %q", v),
			fmt.Sprintf("行政区划代码应为6位数字（GB/T 2260，如 410102），当前值 %q 无效", v))
	}
	return nil
}

func checkText(key, v string) *Problem {
	if utf8.RuneCountInString(v) > maxTextLen {
		return problem(key, fmt.Sprintf("is longer than %d characters", maxTextLen),
			fmt.Sprintf("内容超过 %d 个字符", maxTextLen))
	}
	if !utf8.ValidString(v) || strings.IndexFunc(v, unicode.IsControl) >= 0 {
		return problem(key, "contains control characters or invalid text", "包含控制字符或无效文字")
	}
	return nil
}

func checkHotFolders(v []string) []Problem {
	var ps []Problem
	if len(v) > maxHotFolders {
		ps = append(ps, *problem("hotFolders", fmt.Sprintf("at most %d folders", maxHotFolders),
			fmt.Sprintf("扫描热文件夹最多 %d 个", maxHotFolders)))
	}
	for i, f := range v {
		key := fmt.Sprintf("hotFolders[%d]", i)
		if p := checkText(key, f); p != nil {
			ps = append(ps, *p)
			continue
		}
		switch {
		case f == "":
			ps = append(ps, *problem(key, "is empty", "扫描热文件夹路径为空"))
		case !isAbs(f):
			ps = append(ps, *problem(key, fmt.Sprintf("must be an absolute path, got %q", f),
				fmt.Sprintf("扫描热文件夹应为绝对路径（当前值 %q）", f)))
		case slices.Index(v, f) < i:
			ps = append(ps, *problem(key, fmt.Sprintf("duplicate folder %q", f),
				fmt.Sprintf("扫描热文件夹 %q 重复", f)))
		}
	}
	return ps
}

// isAbs accepts absolute paths of both Linux and Windows, since a settings
// file may be prepared on one for the other.
func isAbs(p string) bool {
	if filepath.IsAbs(p) || strings.HasPrefix(p, "/") || strings.HasPrefix(p, `\\`) {
		return true
	}
	return len(p) >= 3 && unicode.IsLetter(rune(p[0])) && p[1] == ':' && (p[2] == '\\' || p[2] == '/')
}

func checkPaper(kind, v string) *Problem {
	if v == "" || slices.Contains(PaperChoices[kind], v) {
		return nil
	}
	key := "papers." + kind
	return problem(key, fmt.Sprintf("must be one of %v, got %q", PaperChoices[kind], v),
		fmt.Sprintf("纸张应为 %s 之一（当前值 %q）", strings.Join(PaperChoices[kind], "、"), v))
}

func checkFontPath(v string) *Problem {
	const key = "printing.fontPath"
	if p := checkText(key, v); p != nil || v == "" {
		return p
	}
	if !isAbs(v) {
		return problem(key, fmt.Sprintf("must be an absolute path to a .ttf or .ttc file, got %q", v),
			fmt.Sprintf("字体文件应为绝对路径，如 C:\\Windows\\Fonts\\simsun.ttc（当前值 %q）", v))
	}
	return nil
}

func checkRange(key string, v, lo, hi int, zhName string) *Problem {
	if v < lo || v > hi {
		return problem(key, fmt.Sprintf("must be between %d and %d, got %d", lo, hi, v),
			fmt.Sprintf("%s应在 %d 到 %d 之间（当前值 %d）", zhName, lo, hi, v))
	}
	return nil
}

func checkLanguage(v string) *Problem {
	if !slices.Contains(Languages, v) {
		return problem("language", fmt.Sprintf("must be one of %v, got %q", Languages, v),
			fmt.Sprintf("界面语言应为 zh-CN 或 en（当前值 %q）", v))
	}
	return nil
}
