package identity

import (
	"fmt"
	"strings"
	"time"

	"tongban/app/errs"
)

// LongTerm is how cards write an unlimited validity ("长期").
const LongTerm = "长期"

// soonDays is when an approaching expiry date starts to warn.
const soonDays = 30

// ParseCardDate reads a date as printed on cards or by readers:
// 2030.01.02, 2030-01-02, 20300102 or 2030年01月02日.
func ParseCardDate(s string) (time.Time, error) {
	s = Normalize(s)
	r := strings.NewReplacer(".", "", "-", "", "/", "", "年", "", "月", "", "日", "")
	d := r.Replace(s)
	if len(d) != 8 || !allDigits(d) {
		return time.Time{}, fmt.Errorf("date %q: want YYYYMMDD", s)
	}
	t, err := time.Parse("20060102", d)
	if err != nil {
		return time.Time{}, fmt.Errorf("date %q: %w", s, err)
	}
	return t, nil
}

// CheckValidity checks a card's validity period at now. validUntil may be
// "长期". An expired or not-yet-valid card is rejected; one expiring within
// 30 days gets a warning.
func CheckValidity(validFrom, validUntil string, now time.Time) ([]Warning, error) {
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	if strings.TrimSpace(validFrom) != "" {
		from, err := ParseCardDate(validFrom)
		if err != nil {
			return nil, errs.Invalid("validFrom", err.Error(), "有效期起始日期格式不正确，应为 年.月.日（如 2020.01.31）")
		}
		if from.After(today) {
			return nil, errs.Invalid("validFrom", "card not yet valid", fmt.Sprintf("证件有效期自 %s 开始，目前尚未生效", from.Format("2006年01月02日")))
		}
	}
	u := strings.TrimSpace(validUntil)
	if u == "" {
		return nil, errs.Invalid("validUntil", "missing expiry date", "请填写证件有效期截止日期（长期有效请填“长期”）")
	}
	if u == LongTerm {
		return nil, nil
	}
	until, err := ParseCardDate(u)
	if err != nil {
		return nil, errs.Invalid("validUntil", err.Error(), "有效期截止日期格式不正确，应为 年.月.日（如 2030.01.31）或“长期”")
	}
	if until.Before(today) {
		return nil, errs.Invalid("validUntil", "card expired", fmt.Sprintf("证件已于 %s 过期，请申请人出示有效证件（可用临时身份证）", until.Format("2006年01月02日")))
	}
	if until.Before(today.AddDate(0, 0, soonDays)) {
		return []Warning{{Code: "expires_soon", Message: "card expires within 30 days",
			Zh: fmt.Sprintf("证件将于 %s 到期，请提醒申请人及时换领", until.Format("2006年01月02日"))}}, nil
	}
	return nil, nil
}
