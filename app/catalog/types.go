// Package catalog holds the matter catalog (事项目录): the national list of
// cross-provincial matters, provincial 特色事项 imported from the Annex 2
// spreadsheet, their service guides, immutable catalog versions, and search.
package catalog

// Batch says which list a matter comes from.
type Batch string

// Batches of the national list (seed Annex 1) and the provincial list (Annex 2).
const (
	BatchNational2021  Batch = "national_2021"
	BatchNationalLater Batch = "national_later"
	BatchProvincial    Batch = "provincial"
)

// Batches lists every batch in display order.
var Batches = []Batch{BatchNational2021, BatchNationalLater, BatchProvincial}

// Valid reports whether b is a known batch.
func (b Batch) Valid() bool {
	for _, x := range Batches {
		if b == x {
			return true
		}
	}
	return false
}

// ServiceMode is a 通办业务模式.
type ServiceMode string

// The four service modes named by the seed.
const (
	ModeOnline     ServiceMode = "全程网办"
	ModeProxy      ServiceMode = "异地代收代办"
	ModeMultiPlace ServiceMode = "多地联办"
	ModeSelf       ServiceMode = "自助通办"
)

// Modes lists every service mode in display order.
var Modes = []ServiceMode{ModeOnline, ModeProxy, ModeMultiPlace, ModeSelf}

// Valid reports whether m is a known service mode.
func (m ServiceMode) Valid() bool {
	for _, x := range Modes {
		if m == x {
			return true
		}
	}
	return false
}

// MatterSummary is one row of a catalog list.
type MatterSummary struct {
	Code                   string        `json:"code"`
	Name                   string        `json:"name"`
	Scene                  string        `json:"scene"`
	LeadDepartment         string        `json:"leadDepartment"`
	CooperatingDepartments []string      `json:"cooperatingDepartments"`
	Batch                  Batch         `json:"batch"`
	ServiceModes           []ServiceMode `json:"serviceModes"`
	DeadlineNote           string        `json:"deadlineNote,omitempty"`
	HasGuide               bool          `json:"hasGuide"`
	Sample                 bool          `json:"sample"`
}

// Matter is a matter with every element the catalog holds.
type Matter struct {
	MatterSummary
	Seq int `json:"seq"`
	// Annex 2 columns (provincial matters; empty for the national list).
	MainItem       string `json:"mainItem,omitempty"`
	SubItem        string `json:"subItem,omitempty"`
	HandlingItem   string `json:"handlingItem,omitempty"`
	MatterType     string `json:"matterType,omitempty"`
	Level          string `json:"level,omitempty"`
	HandlingSystem string `json:"handlingSystem,omitempty"`
	Yushiban       *bool  `json:"yushiban,omitempty"`
	// Remark is Annex 2's 备注; for national matters it carries data notes
	// (e.g. that the seed gives no lead department).
	Remark string `json:"remark,omitempty"`
	Guide  *Guide `json:"guide,omitempty"`
}

// Guide is a service guide (办事指南) with the standard elements of
// "无差别受理、同标准办理".
type Guide struct {
	Sample               bool        `json:"sample"` // written by Tongban as an example, not official
	Conditions           []string    `json:"conditions"`
	Form                 []FormField `json:"form"`
	Materials            []Material  `json:"materials"`
	Process              []string    `json:"process"`
	LegalLimitDays       int         `json:"legalLimitDays"`
	PromisedLimitDays    int         `json:"promisedLimitDays"`
	Kind                 string      `json:"kind"` // 即办件 | 承诺件
	Fee                  string      `json:"fee"`
	Result               string      `json:"result"`
	ResultDelivery       []string    `json:"resultDelivery"`
	Basis                []string    `json:"basis"`
	RefusalNeedsApproval bool        `json:"refusalNeedsApproval"`
	Notes                string      `json:"notes,omitempty"`
}

// FormField is one field of the application form.
type FormField struct {
	Key       string   `json:"key"`
	Label     string   `json:"label"`
	Type      string   `json:"type"` // text|textarea|date|select|phone|idno
	Required  bool     `json:"required"`
	MaxLength int      `json:"maxLength,omitempty"`
	Options   []string `json:"options,omitempty"`
}

// Material is one application material.
type Material struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Form     string `json:"form"` // 原件|复印件|电子|原件或复印件
	Copies   int    `json:"copies"`
	Required bool   `json:"required"`
	Note     string `json:"note,omitempty"`
}

// Query asks for a page of the active catalog.
type Query struct {
	Text       string      `json:"text,omitempty"`
	Department string      `json:"department,omitempty"`
	Mode       ServiceMode `json:"mode,omitempty"`
	Batch      Batch       `json:"batch,omitempty"`
	Limit      int         `json:"limit,omitempty"`
	Offset     int         `json:"offset,omitempty"`
}

// Page is one page of search results.
type Page struct {
	Items     []MatterSummary `json:"items"`
	Total     int             `json:"total"`
	VersionID int64           `json:"versionId"`
}

// Facets are the values the catalog filters offer for the active version.
type Facets struct {
	Departments []string      `json:"departments"`
	Modes       []ServiceMode `json:"modes"`
	Batches     []Batch       `json:"batches"`
}

// Version is one immutable catalog version.
type Version struct {
	ID          int64  `json:"id"`
	Label       string `json:"label"`
	Source      string `json:"source"`
	CreatedAt   string `json:"createdAt"`
	Active      bool   `json:"active"`
	MatterCount int    `json:"matterCount"`
	Checksum    string `json:"checksum"`
}

// Diff is what changed from one version to another.
type Diff struct {
	From    int64           `json:"from"`
	To      int64           `json:"to"`
	Added   []MatterSummary `json:"added"`
	Removed []MatterSummary `json:"removed"`
	Changed []Change        `json:"changed"`
}

// Change names the fields of one matter that differ between two versions.
type Change struct {
	Code   string   `json:"code"`
	Name   string   `json:"name"`
	Fields []string `json:"fields"`
}

// RowError is one problem found in an imported spreadsheet. Reason is Chinese.
type RowError struct {
	Sheet  string `json:"sheet"`
	Row    int    `json:"row"`
	Column string `json:"column,omitempty"`
	Reason string `json:"reason"`
}

// ImportResult is the version an import created and how many provincial
// matters it brought.
type ImportResult struct {
	Version  Version `json:"version"`
	Imported int     `json:"imported"`
}
