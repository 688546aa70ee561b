package identity

import (
	"fmt"
	"time"

	"tongban/app/errs"
)

// DocType is the kind of identity document.
type DocType string

// Document types accepted at the counter.
const (
	DocResident            DocType = "resident_id"           // 居民身份证
	DocHMTPermit           DocType = "hmt_residence_permit"  // 港澳台居民居住证 (810000/820000/830000)
	DocForeignPermanent    DocType = "foreign_permanent"     // 外国人永久居留身份证 (2023 版, 18 位, 首位 9)
	DocForeignPermanentOld DocType = "foreign_permanent_old" // 外国人永久居留身份证 (旧版, 15 位)
	DocPassport            DocType = "passport"              // 护照
)

// Label is the Chinese name of the document type.
func (t DocType) Label() string {
	switch t {
	case DocResident:
		return "居民身份证"
	case DocHMTPermit:
		return "港澳台居民居住证"
	case DocForeignPermanent:
		return "外国人永久居留身份证"
	case DocForeignPermanentOld:
		return "外国人永久居留身份证（旧版）"
	case DocPassport:
		return "护照"
	}
	return "证件"
}

// Sex as encoded in the number (digit 17 of 18-character numbers).
type Sex string

// Sexes.
const (
	Male   Sex = "M"
	Female Sex = "F"
)

// Label is 男 or 女.
func (s Sex) Label() string {
	switch s {
	case Male:
		return "男"
	case Female:
		return "女"
	}
	return ""
}

// Warning is a finding that does not reject the document (an address code
// this workstation does not know, a card about to expire).
type Warning struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Zh      string `json:"zh"`
}

// Document is a parsed, valid identity document number.
type Document struct {
	Type       DocType   `json:"type"`
	Number     string    `json:"number"`              // canonical: ASCII, upper case, no spaces
	Country    string    `json:"country,omitempty"`   // ISO 3166 alpha-3 (passport, old foreigner card) or numeric (2023 card)
	BirthDate  string    `json:"birthDate,omitempty"` // YYYY-MM-DD
	Sex        Sex       `json:"sex,omitempty"`
	RegionCode string    `json:"regionCode,omitempty"` // address code (resident) or issuing province
	RegionName string    `json:"regionName,omitempty"`
	Warnings   []Warning `json:"warnings,omitempty"`
}

// Masked is the number with the middle hidden (first 6 + last 4 kept).
func (d Document) Masked() string { return MaskID(d.Number) }

// maxAge bounds a plausible birth date: older than this is a typo.
const maxAge = 130

// FieldNumber is the errs.Error field name for a document number.
const FieldNumber = "idNumber"

func invalid(msg, zh string, args ...any) error {
	return errs.Invalid(FieldNumber, fmt.Sprintf(msg, args...), zh)
}

// checkBirth validates an 8-digit YYYYMMDD birth date against now.
func checkBirth(ymd string, now time.Time) (string, error) {
	y, m, d := atoi(ymd[0:4]), atoi(ymd[4:6]), atoi(ymd[6:8])
	shown := fmt.Sprintf("%04d年%02d月%02d日", y, m, d)
	if m < 1 || m > 12 {
		return "", invalid("birth month %02d does not exist", fmt.Sprintf("号码中的出生日期 %s 不存在（没有 %d 月）", shown, m), m)
	}
	last := daysIn(y, time.Month(m))
	if d < 1 || d > last {
		return "", invalid("birth day %s does not exist", fmt.Sprintf("号码中的出生日期 %s 不存在（%d年%d月只有 %d 天）", shown, y, m, last), ymd)
	}
	birth := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	if birth.After(today) {
		return "", invalid("birth date %s is in the future", fmt.Sprintf("号码中的出生日期 %s 晚于今天，号码有误", shown), ymd)
	}
	if birth.Before(today.AddDate(-maxAge, 0, 0)) {
		return "", invalid("birth date %s is implausibly old", fmt.Sprintf("号码中的出生日期 %s 距今超过 %d 年，号码有误", shown, maxAge), ymd)
	}
	return birth.Format("2006-01-02"), nil
}

func daysIn(y int, m time.Month) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// atoi converts a string of ASCII digits (checked by the caller).
func atoi(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

func isDigit(c byte) bool  { return c >= '0' && c <= '9' }
func isLetter(c byte) bool { return c >= 'A' && c <= 'Z' }
