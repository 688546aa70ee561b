package identity

import (
	"fmt"
	"time"

	"tongban/app/errs"
)

// Source says how identity data entered the workstation.
type Source string

// Sources. Manual entry is always recorded as such in the case journal.
const (
	SourceReader Source = "reader"
	SourceManual Source = "manual"
)

// Card is what a card reader returns, or what a clerk typed by hand.
type Card struct {
	DocType    DocType   `json:"docType"`
	Name       string    `json:"name"`
	Sex        string    `json:"sex,omitempty"` // 男 / 女 as printed
	Ethnicity  string    `json:"ethnicity,omitempty"`
	BirthDate  string    `json:"birthDate,omitempty"` // as printed; any ParseCardDate format
	Address    string    `json:"address,omitempty"`
	Number     string    `json:"number"`
	Country    string    `json:"country,omitempty"` // passports
	Authority  string    `json:"authority,omitempty"`
	ValidFrom  string    `json:"validFrom,omitempty"`
	ValidUntil string    `json:"validUntil,omitempty"` // date or 长期
	Photo      []byte    `json:"photo,omitempty"`
	Source     Source    `json:"source"`
	ReaderID   string    `json:"readerId,omitempty"`
	ReadAt     time.Time `json:"readAt"`
}

// Checked is a card whose number, printed data and validity agree.
type Checked struct {
	Card     Card      `json:"card"`
	Document Document  `json:"document"`
	Warnings []Warning `json:"warnings,omitempty"`
}

// Check validates the card at now: the number (Parse, or ParsePassport for
// passports), the printed birth date and sex against the number, the name
// being present, and the validity period.
func (c Card) Check(now time.Time) (Checked, error) {
	if c.Source != SourceReader && c.Source != SourceManual {
		return Checked{}, errs.Invalid("source", fmt.Sprintf("unknown source %q", c.Source), "证件信息来源不明（应为读卡器或手工录入）")
	}
	var doc Document
	var err error
	if c.DocType == "" || c.DocType == DocPassport {
		if c.DocType == DocPassport {
			doc, err = ParsePassport(c.Number, c.Country)
		} else {
			doc, err = Parse(c.Number, now)
		}
	} else {
		doc, err = ParseAs(c.DocType, c.Number, c.Country, now)
	}
	if err != nil {
		return Checked{}, err
	}
	c.Number = doc.Number
	c.DocType = doc.Type
	if c.Name == "" {
		return Checked{}, errs.Invalid("name", "missing name", "请填写证件上的姓名")
	}
	if c.BirthDate != "" && doc.BirthDate != "" {
		b, err := ParseCardDate(c.BirthDate)
		if err != nil {
			return Checked{}, errs.Invalid("birthDate", err.Error(), "出生日期格式不正确，应为 年.月.日")
		}
		if b.Format("2006-01-02") != doc.BirthDate {
			return Checked{}, errs.Invalid("birthDate", "birth date differs from number",
				fmt.Sprintf("证件上的出生日期 %s 与号码中的出生日期 %s 不一致，请核对", b.Format("2006-01-02"), doc.BirthDate))
		}
	}
	if c.Sex != "" && doc.Sex != "" && c.Sex != doc.Sex.Label() && c.Sex != string(doc.Sex) {
		return Checked{}, errs.Invalid("sex", "sex differs from number",
			fmt.Sprintf("证件上的性别“%s”与号码中的性别“%s”不一致，请核对", c.Sex, doc.Sex.Label()))
	}
	warns, err := CheckValidity(c.ValidFrom, c.ValidUntil, now)
	if err != nil {
		return Checked{}, err
	}
	all := append(append([]Warning(nil), doc.Warnings...), warns...)
	return Checked{Card: c, Document: doc, Warnings: all}, nil
}
