package cases

// MatterRef is what the journal keeps of the matter's guide at intake, so
// a later catalog version cannot change the rules of a running case.
type MatterRef struct {
	Code                    string `json:"code"`
	Name                    string `json:"name"`
	Mode                    Mode   `json:"mode"`
	Kind                    string `json:"kind,omitempty"` // 即办件 | 承诺件
	LegalLimitDays          int    `json:"legalLimitDays,omitempty"`
	PromisedLimitDays       int    `json:"promisedLimitDays,omitempty"`
	RefusalNeedsApproval    bool   `json:"refusalNeedsApproval,omitempty"`
	AcceptanceNeedsApproval bool   `json:"acceptanceNeedsApproval,omitempty"`
	CatalogVersion          int64  `json:"catalogVersion,omitempty"`
}

// Person is an applicant or an agent (代办人).
type Person struct {
	Name     string `json:"name"`
	IDType   string `json:"idType"` // identity.DocType
	IDNumber string `json:"idNumber"`
	Country  string `json:"country,omitempty"`
	Phone    string `json:"phone,omitempty"`
	Address  string `json:"address,omitempty"`
}

// Intake is the payload of "received".
type Intake struct {
	Matter        MatterRef         `json:"matter"`
	Applicant     Person            `json:"applicant"`
	Agent         *Person           `json:"agent,omitempty"`
	Form          map[string]string `json:"form,omitempty"`
	ProvisionalNo string            `json:"provisionalNo"`
}

// IdentityCheck is the payload of "identity_checked". Numbers are masked:
// the full number is in the Intake.
type IdentityCheck struct {
	Who      string   `json:"who"`    // applicant | agent
	Source   string   `json:"source"` // reader | manual
	DocType  string   `json:"docType"`
	Masked   string   `json:"masked"`
	ReaderID string   `json:"readerId,omitempty"`
	Warnings []string `json:"warnings,omitempty"` // Chinese warning texts shown to the clerk
}

// MaterialItem is one line of the materials checklist.
type MaterialItem struct {
	ID              string `json:"id"` // the guide's material id
	Name            string `json:"name"`
	Status          string `json:"status"`         // received | missing | faulty | not_applicable
	Form            string `json:"form,omitempty"` // 原件 | 复印件 | 电子
	Pages           int    `json:"pages,omitempty"`
	CheckedOriginal bool   `json:"checkedOriginal,omitempty"`
	LicenceRef      string `json:"licenceRef,omitempty"` // electronic licence (电子证照) reference
	Required        bool   `json:"required,omitempty"`
	Problem         string `json:"problem,omitempty"` // reason when missing or faulty
}

// Materials is the payload of "material_received" and "supplement_received".
type Materials struct {
	Items []MaterialItem `json:"items"`
}

// Finding is one problem of the formal review.
type Finding struct {
	Item   string `json:"item"`   // material id or form field key
	Reason string `json:"reason"` // Chinese, shown on the notice
}

// Review is the payload of "formal_review".
type Review struct {
	Passed   bool      `json:"passed"`
	Findings []Finding `json:"findings,omitempty"`
}

// SupplementItem is one entry of the one-time supplement notice.
type SupplementItem struct {
	MaterialID string `json:"materialId,omitempty"`
	Name       string `json:"name"`
	Problem    string `json:"problem"` // missing | faulty
	Reason     string `json:"reason"`
}

// SupplementNotice is the payload of "supplement_requested": every missing
// or faulty item at once (一次性告知), dated, with the §32 clock.
type SupplementNotice struct {
	Items       []SupplementItem `json:"items"`
	NoticeDate  string           `json:"noticeDate"`  // YYYY-MM-DD (hall time)
	NoticeDue   string           `json:"noticeDue"`   // last day the law allows for this notice (received + 5 working days)
	WithinLimit bool             `json:"withinLimit"` // false: past the 5 days, the application counts as accepted by law
	Approximate bool             `json:"approximate,omitempty"`
}

// Refusal is the payload of "refused" (and of a refusal proposal).
type Refusal struct {
	Reasons    []string `json:"reasons"`
	Basis      []string `json:"basis,omitempty"`
	RightsText string   `json:"rightsText"`
}

// Proposal is the payload of "submitted_for_approval".
type Proposal struct {
	Decision string   `json:"decision"` // accept | refuse
	Refusal  *Refusal `json:"refusal,omitempty"`
}

// Receipt is the data of the acceptance receipt (受理凭证), filled when a
// case is accepted.
type Receipt struct {
	CaseID        string         `json:"caseId"`
	ProvisionalNo string         `json:"provisionalNo"`
	Provisional   bool           `json:"provisional"` // true until the official 受理编号 is assigned
	MatterCode    string         `json:"matterCode"`
	MatterName    string         `json:"matterName"`
	Mode          Mode           `json:"mode"`
	Applicant     string         `json:"applicant"`
	IDMasked      string         `json:"idMasked"`
	Agent         string         `json:"agent,omitempty"`
	Materials     []MaterialItem `json:"materials"`
	AcceptedAt    string         `json:"acceptedAt"` // RFC 3339
	DueDate       string         `json:"dueDate,omitempty"`
	Approximate   bool           `json:"approximate,omitempty"` // due date beyond the holiday calendar
	Clerk         string         `json:"clerk"`
	HallCode      string         `json:"hallCode"`
}

// Dispatch is the payload of "dispatched": the case goes to its handling
// places. When paper materials travel, Waybill is the courier's tracking
// number of the parcel and Batch the mailing batch (交接清单) it left in; a
// parcel goes to one place, so a waybill allows one place only (多地联办
// sends one dispatch per place).
type Dispatch struct {
	Places  []string `json:"places"` // handling places (多地联办: several)
	Waybill string   `json:"waybill,omitempty"`
	Batch   string   `json:"batch,omitempty"`
	Courier string   `json:"courier,omitempty"`
}

// Handling decisions.
const (
	DecisionApprove = "approve" // 准予 / 办结
	DecisionRefuse  = "refuse"  // 不予许可 (多地联办: the task sends the case back)
)

// Result delivery from the handling place to the collecting hall.
const (
	ResultElectronic = "electronic" // a result document synced back
	ResultMail       = "mail"       // the paper result mailed back with a return waybill
)

// FileRef names a file by its SHA-256 in the blob stores (the platform's and
// the workstations').
type FileRef struct {
	SHA256 string `json:"sha256"`
	Name   string `json:"name"`
	Size   int64  `json:"size"`
}

// Handling is the payload of "handler_received" (Place, and the Waybill
// scanned from the parcel) and of "handled" (the decision and the result).
type Handling struct {
	Place          string   `json:"place"`
	Waybill        string   `json:"waybill,omitempty"`        // handler_received: scanned barcode
	Decision       string   `json:"decision,omitempty"`       // handled: approve (default) | refuse
	Reasons        []string `json:"reasons,omitempty"`        // handled, refuse: why
	Result         string   `json:"result,omitempty"`         // handled: the result in words
	ResultDelivery string   `json:"resultDelivery,omitempty"` // handled: electronic | mail | "" (none to send)
	ResultFile     *FileRef `json:"resultFile,omitempty"`     // electronic: the result document
	ReturnWaybill  string   `json:"returnWaybill,omitempty"`  // mail: the parcel carrying the result back
}

// ResultArrival is the payload of "result_received": the collecting hall
// signs for the mailed result by scanning the return waybill.
type ResultArrival struct {
	Waybill string `json:"waybill"`
}

// Delivery methods.
const (
	DeliverCounter    = "counter"    // handed over at the counter (identity checked again)
	DeliverMail       = "mail"       // mailed to the applicant
	DeliverElectronic = "electronic" // sent electronically to the applicant
)

// Delivery is the payload of "result_delivered". At the counter the
// identity of whoever collects is checked again (IdentitySource).
type Delivery struct {
	Method         string `json:"method"` // counter | mail | electronic
	Ref            string `json:"ref,omitempty"`
	Recipient      string `json:"recipient,omitempty"`      // name of who collected
	IdentitySource string `json:"identitySource,omitempty"` // reader | manual
	IDMasked       string `json:"idMasked,omitempty"`       // the collector's ID number, masked
}

// OfficialNumber is the payload of "official_number_assigned".
type OfficialNumber struct {
	Number string `json:"number"`
}

// RightsText is the standard statement of the applicant's remedies printed
// on a refusal (行政复议法 §20: 60 days; 行政诉讼法 §46: 6 months).
const RightsText = "申请人如对本决定不服，可以自收到本决定书之日起六十日内依法申请行政复议，或者在六个月内依法向人民法院提起行政诉讼。"
