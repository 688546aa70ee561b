package identity

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"tongban/app/errs"
)

// Parse normalises raw (full-width characters, spaces and line breaks from
// a paste) and validates it as one of the numbered documents: 居民身份证,
// 港澳台居民居住证, or a foreigner permanent residence card (2023 or old
// format). The type is recognised from the number's shape. Passports have
// no checkable structure: use ParsePassport. now decides what "future"
// means for the birth date. Every rejection is an *errs.Error (EINVALID,
// field "idNumber") with a specific Chinese message.
func Parse(raw string, now time.Time) (Document, error) {
	n := Normalize(raw)
	if n == "" {
		return Document{}, invalid("empty number", "请输入证件号码")
	}
	for i, r := range n {
		if r >= utf8.RuneSelf {
			return Document{}, invalid("non-ASCII character %q at byte %d", fmt.Sprintf("证件号码中有无法识别的字符“%c”，只能包含数字和字母", r), r, i)
		}
	}
	switch {
	case len(n) == 15 && isLetter(n[0]) && isLetter(n[1]) && isLetter(n[2]):
		return parseForeignOld(n, now)
	case len(n) == 15 && allDigits(n):
		return Document{}, invalid("15-digit first-generation ID", "15 位的第一代居民身份证已停止使用，请出示 18 位第二代居民身份证")
	case len(n) == 18 && n[0] == '9':
		return parse18(DocForeignPermanent, n, now)
	case strings.HasPrefix(n, "810000"), strings.HasPrefix(n, "820000"), strings.HasPrefix(n, "830000"):
		return parse18(DocHMTPermit, n, now)
	default:
		return parse18(DocResident, n, now)
	}
}

// ParseAs validates raw as the given document type; for passports country
// (ISO 3166 alpha-3, e.g. "USA") is required and used.
func ParseAs(t DocType, raw, country string, now time.Time) (Document, error) {
	if t == DocPassport {
		return ParsePassport(raw, country)
	}
	d, err := Parse(raw, now)
	if err != nil {
		return d, err
	}
	if d.Type != t {
		return Document{}, invalid("number is a %s, not a %s", fmt.Sprintf("该号码是%s号码，与所选证件类型“%s”不符", d.Type.Label(), t.Label()), d.Type, t)
	}
	return d, nil
}

var weights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

// CheckDigit computes the GB 11643 MOD 11-2 check character of the first
// 17 digits of body (which must be ASCII digits).
func CheckDigit(body string) byte {
	sum := 0
	for i := 0; i < 17; i++ {
		sum += int(body[i]-'0') * weights[i]
	}
	return "10X98765432"[sum%11]
}

func parse18(t DocType, n string, now time.Time) (Document, error) {
	label := t.Label()
	switch l := len(n); {
	case l < 18:
		return Document{}, invalid("%d characters, want 18", fmt.Sprintf("%s号码少了 %d 位（应为 18 位，当前 %d 位）", label, 18-l, l), l)
	case l > 18:
		return Document{}, invalid("%d characters, want 18", fmt.Sprintf("%s号码多了 %d 位（应为 18 位，当前 %d 位）", label, l-18, l), l)
	}
	for i := 0; i < 17; i++ {
		if !isDigit(n[i]) {
			return Document{}, invalid("character %d is not a digit", fmt.Sprintf("%s号码第 %d 位“%c”不是数字（只有最后一位可以是 X）", label, i+1, n[i]), i+1)
		}
	}
	if !isDigit(n[17]) && n[17] != 'X' {
		return Document{}, invalid("last character is not a digit or X", fmt.Sprintf("%s号码最后一位“%c”无效，只能是数字或 X", label, n[17]))
	}
	if CheckDigit(n) != n[17] {
		return Document{}, invalid("wrong check digit", label+"号码校验位不符，请逐位核对（常见原因：某一位输错，或相邻两位颠倒）")
	}
	birth, err := checkBirth(n[6:14], now)
	if err != nil {
		return Document{}, err
	}
	d := Document{Type: t, Number: n, BirthDate: birth, Sex: Female}
	if (n[16]-'0')%2 == 1 {
		d.Sex = Male
	}
	switch t {
	case DocResident:
		d.RegionCode = n[:6]
		if name, ok := RegionName(d.RegionCode); ok {
			d.RegionName = name
		} else {
			d.Warnings = append(d.Warnings, Warning{Code: "unknown_region",
				Message: "address code " + d.RegionCode + " is not in the local table",
				Zh:      "号码前 6 位地址码 " + d.RegionCode + " 不在本机行政区划表中（旧地址码仍然有效），请与证件原件核对"})
		}
	case DocHMTPermit:
		d.RegionCode = n[:6]
		d.RegionName = map[string]string{"81": "香港居民", "82": "澳门居民", "83": "台湾居民"}[n[:2]]
	case DocForeignPermanent:
		d.RegionCode = n[1:3]
		d.Country = n[3:6]
		if name, ok := provinces[d.RegionCode]; ok {
			d.RegionName = name
		} else {
			d.Warnings = append(d.Warnings, Warning{Code: "unknown_region",
				Message: "issuing province code " + d.RegionCode + " is unknown",
				Zh:      "号码第 2–3 位受理地代码 " + d.RegionCode + " 不在本机行政区划表中，请与证件原件核对"})
		}
	}
	return d, nil
}

// parseForeignOld checks the 15-character card: 3-letter nationality,
// 4-digit issuing-place code, YYMMDD birth date, sequence and check digit.
// The birth date is only a warning: the century is ambiguous and the check
// digit scheme of the old card is not published, so the shape is what is
// enforced.
func parseForeignOld(n string, now time.Time) (Document, error) {
	for i := 3; i < 15; i++ {
		if !isDigit(n[i]) {
			return Document{}, invalid("character %d is not a digit", fmt.Sprintf("旧版外国人永久居留身份证号码应为 3 位字母加 12 位数字，第 %d 位“%c”不是数字", i+1, n[i]), i+1)
		}
	}
	d := Document{Type: DocForeignPermanentOld, Number: n, Country: n[:3], RegionCode: n[3:5]}
	if name, ok := provinces[d.RegionCode]; ok {
		d.RegionName = name
	}
	// YYMMDD sits at positions 8–13; the century is the latest one that is
	// not in the future.
	ymd := n[7:13]
	var birth string
	for _, century := range []string{"20", "19"} {
		if b, err := checkBirth(century+ymd, now); err == nil {
			birth = b
			break
		}
	}
	if birth == "" {
		d.Warnings = append(d.Warnings, Warning{Code: "birth_unreadable",
			Message: "birth date not readable from number", Zh: "无法从号码读出有效的出生日期，请与证件原件核对"})
	}
	d.BirthDate = birth
	return d, nil
}

// ParsePassport accepts a passport number (5–20 letters and digits after
// normalisation) and the issuing country as ISO 3166 alpha-3.
func ParsePassport(raw, country string) (Document, error) {
	n := Normalize(raw)
	c := Normalize(country)
	if n == "" {
		return Document{}, invalid("empty passport number", "请输入护照号码")
	}
	if len(n) < 5 || len(n) > 20 {
		return Document{}, invalid("passport number length %d", fmt.Sprintf("护照号码长度应为 5–20 位，当前 %d 位", utf8.RuneCountInString(n)), utf8.RuneCountInString(n))
	}
	for i := 0; i < len(n); i++ {
		if !isDigit(n[i]) && !isLetter(n[i]) {
			return Document{}, invalid("passport number has %q", "护照号码只能包含字母和数字", n[i])
		}
	}
	if len(c) != 3 || !isLetter(c[0]) || !isLetter(c[1]) || !isLetter(c[2]) {
		return Document{}, errs.Invalid("country", "country must be ISO 3166 alpha-3", "请选择护照签发国家（三位字母代码，如 USA、KOR）")
	}
	return Document{Type: DocPassport, Number: n, Country: c}, nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}
