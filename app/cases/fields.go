package cases

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"tongban/app/errs"
)

// Field limits, in characters (runes: 𠮷 counts as one).
const (
	MaxName     = 50
	MaxAddress  = 200
	MaxReason   = 500
	MaxFormText = 2000
	MaxItems    = 100
)

// middleDots are the look-alikes typed for the middle dot of minority and
// foreign names (买买提·艾力); all become U+00B7.
var middleDots = strings.NewReplacer("•", "·", "・", "·", "･", "·", "‧", "·", "∙", "·", "．", "·", "⋅", "·")

// CleanName validates and normalises a person's name: Han characters of
// every CJK extension (䶮 𠮷 𪚥), letters of other scripts, the middle dot,
// and single spaces, hyphens and apostrophes inside foreign names.
func CleanName(field, s string) (string, error) {
	s = strings.TrimSpace(middleDots.Replace(s))
	s = strings.Join(strings.Fields(s), " ")
	if s == "" {
		return "", errs.Invalid(field, "empty name", "请填写姓名")
	}
	if !utf8.ValidString(s) {
		return "", errs.Invalid(field, "invalid UTF-8", "姓名中含有无法识别的字符")
	}
	if n := utf8.RuneCountInString(s); n > MaxName {
		return "", errs.Invalid(field, fmt.Sprintf("name has %d characters, max %d", n, MaxName),
			fmt.Sprintf("姓名过长（%d 个字，最多 %d 个字）", n, MaxName))
	}
	for _, r := range s {
		switch {
		case unicode.Is(unicode.Han, r), unicode.IsLetter(r), unicode.Is(unicode.Mn, r):
		case r == '·', r == ' ', r == '-', r == '\'', r == '.':
		default:
			return "", errs.Invalid(field, fmt.Sprintf("name contains %q", r), fmt.Sprintf("姓名中不能含有“%c”", r))
		}
	}
	if strings.HasPrefix(s, "·") || strings.HasSuffix(s, "·") || strings.Contains(s, "··") {
		return "", errs.Invalid(field, "misplaced middle dot", "姓名中的间隔号“·”位置不对")
	}
	return s, nil
}

// CleanText validates free text: valid UTF-8, at most max characters,
// control characters other than line breaks and tabs removed. Emoji and
// every script are kept as they are.
func CleanText(field, label, s string, max int) (string, error) {
	if !utf8.ValidString(s) {
		return "", errs.Invalid(field, "invalid UTF-8", label+"中含有无法识别的字符")
	}
	s = strings.Map(func(r rune) rune {
		if r == '\n' || r == '\t' || !unicode.IsControl(r) {
			return r
		}
		return -1
	}, s)
	s = strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n"))
	if n := utf8.RuneCountInString(s); n > max {
		return "", errs.Invalid(field, fmt.Sprintf("%s has %d characters, max %d", field, n, max),
			fmt.Sprintf("%s过长（%d 个字，最多 %d 个字）", label, n, max))
	}
	return s, nil
}

// CleanPhone keeps digits (and a leading +), checks the length, and checks
// the shape of mainland mobile numbers.
func CleanPhone(field, s string) (string, error) {
	var b strings.Builder
	for i, r := range strings.TrimSpace(s) {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r >= '０' && r <= '９':
			b.WriteRune(r - '０' + '0')
		case r == '+' && i == 0:
			b.WriteRune(r)
		case r == '-' || r == ' ' || r == '(' || r == ')':
		default:
			return "", errs.Invalid(field, fmt.Sprintf("phone contains %q", r), "电话号码只能包含数字")
		}
	}
	p := b.String()
	digits := strings.TrimPrefix(p, "+")
	switch {
	case p == "":
		return "", errs.Invalid(field, "empty phone", "请填写联系电话")
	case len(digits) < 7 || len(digits) > 15:
		return "", errs.Invalid(field, "phone length", fmt.Sprintf("电话号码位数不对（%d 位）", len(digits)))
	case len(digits) == 11 && digits[0] == '1' && (digits[1] < '3' || digits[1] > '9'):
		return "", errs.Invalid(field, "bad mobile prefix", "手机号码第二位应为 3–9")
	}
	return p, nil
}
