package platform

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"time"
	"unicode/utf8"
)

// Progress is what the platform keeps of a case for the public 办件查询 page
// and the ledger, projected from the journal at push time. It holds no
// personal data: the applicant's name only masked, and of the ID number
// only a keyed hash of its last 4 characters bound to the case.
type Progress struct {
	CaseID            string
	Hall              string
	HandlingPlace     string
	MatterCode        string
	MatterName        string
	Mode              string
	ProvisionalNumber string
	OfficialNumber    string
	MaskedName        string
	Verifier          string // hex HMAC-SHA256(key, caseID 0x00 last4), "" when unknown
	ReceivedAt        time.Time
	AcceptedAt        time.Time
	RefusedAt         time.Time
	DispatchedAt      time.Time
	HandlerReceivedAt time.Time
	HandledAt         time.Time // 办结: the decision; 多地联办: the last task approved
	DeliveredAt       time.Time // 结果送达
	ClosedAt          time.Time
	WithdrawnAt       time.Time
	DueAt             time.Time // promised deadline (承诺办结时限), zero if unknown
	// Decision is the handling places' decision once made: DecisionApprove
	// or DecisionRefuse (不予办理; 多地联办: a refused task sends the case
	// back), "" while open.
	Decision         string
	SentBackAt       time.Time // 多地联办: last time a refused task sent the case back (退回收件地)
	ResultReceivedAt time.Time // the collecting hall signed for the mailed result (回寄结果签收)
	Tasks, TasksDone int       // handling places, and those that decided
	Scope            string    // ScopeLocal | ScopeHenan | ScopeCross
}

// Handling decisions as the journal records them.
const (
	DecisionApprove = "approve"
	DecisionRefuse  = "refuse"
)

// Routing scopes of a case: where it is collected against where it is
// handled.
const (
	ScopeLocal = "本地"   // handled where it is collected
	ScopeHenan = "全豫通办" // between places that are all in Henan
	ScopeCross = "跨省通办" // any handling place outside Henan (or of unknown province)
	Henan      = "河南省"
)

// scopeRank orders scopes from narrow to wide.
var scopeRank = map[string]int{"": 0, ScopeLocal: 1, ScopeHenan: 2, ScopeCross: 3}

// Scope is the routing scope of a case collected at hall and handled at
// place: the same place is 本地, two places both in 河南省 are 全豫通办,
// anything else 跨省通办.
func Scope(hall, place Place) string {
	switch {
	case hall.Code == place.Code:
		return ScopeLocal
	case hall.Province == Henan && place.Province == Henan:
		return ScopeHenan
	}
	return ScopeCross
}

// WiderScope returns the wider of two scopes (a 多地联办 case is as wide as
// its farthest handling place).
func WiderScope(a, b string) string {
	if scopeRank[b] > scopeRank[a] {
		return b
	}
	return a
}

// LedgerQuery selects the ledger: cases received in [From, To), optionally
// one hall. Now decides what is overdue.
type LedgerQuery struct {
	From, To time.Time
	Hall     string
	Now      time.Time
}

// LedgerRow is one line of the ledger (工作台账): one month, hall, matter,
// service mode and routing scope. Counts are of cases received in that
// month: InProgress = accepted and not yet 办结, refused, withdrawn or
// closed; Overdue = past the promised deadline, still open or 办结 late;
// AvgHandlingHours = mean of 办结 − 受理 over the completed ones.
// Satisfaction (好差评) counts the ratings of those cases, without the ones
// voided on appeal: Rated ratings, AvgSatisfaction their mean level (0
// when none), BadRatings those of level 1–2 (差评), BadFollowedUp the 差评
// whose follow-up was closed (差评整改办结).
type LedgerRow struct {
	Month            string  `json:"month"` // YYYY-MM, China Standard Time
	Hall             string  `json:"hall"`
	HallName         string  `json:"hallName"`
	MatterCode       string  `json:"matterCode"`
	MatterName       string  `json:"matterName"`
	Mode             string  `json:"mode"`
	Scope            string  `json:"scope"` // 本地 | 全豫通办 | 跨省通办
	Received         int64   `json:"received"`
	Accepted         int64   `json:"accepted"`
	Refused          int64   `json:"refused"`
	Completed        int64   `json:"completed"`
	InProgress       int64   `json:"inProgress"`
	Overdue          int64   `json:"overdue"`
	AvgHandlingHours float64 `json:"avgHandlingHours"`
	Rated            int64   `json:"rated"`
	AvgSatisfaction  float64 `json:"avgSatisfaction"`
	BadRatings       int64   `json:"badRatings"`
	BadFollowedUp    int64   `json:"badFollowedUp"`
}

// ThrottleLimit is a token bucket: Burst requests at once, refilled at one
// per Every.
type ThrottleLimit struct {
	Key   string
	Burst float64
	Every time.Duration
}

// LoopStore is what the public 办件查询 page and the ledger need.
type LoopStore interface {
	// LookupProgress returns the progress of the cases whose official or
	// provisional number is number (normally at most one).
	LookupProgress(ctx context.Context, number string) ([]Progress, error)
	// LookupKey returns the platform's secret key for verifiers (made once,
	// shared by every node through the database).
	LookupKey(ctx context.Context) ([]byte, error)
	// Admit takes one token from every bucket and checks the failure
	// slow-down; it returns how long the caller must wait when refused
	// (0: admitted). Buckets live in the database: every node shares them.
	Admit(ctx context.Context, limits []ThrottleLimit, now time.Time) (time.Duration, error)
	// Penalize records a failed attempt on keys: the next attempt is held
	// back exponentially longer (0.5 s, 1 s, 2 s ... up to 15 min).
	Penalize(ctx context.Context, keys []string, now time.Time) error
	// Ledger computes the ledger.
	Ledger(ctx context.Context, q LedgerQuery) ([]LedgerRow, error)
	// AccountByUsername returns an account (ErrNotFound if none).
	AccountByUsername(ctx context.Context, username string) (Account, error)
}

// CST is China Standard Time, the ledger's and the query page's calendar.
var CST = time.FixedZone("CST", 8*3600)

// Verifier is the keyed hash of an ID number's last 4 characters bound to
// a case: the platform can check a code without storing the ID number.
func Verifier(key []byte, caseID, last4 string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(caseID))
	m.Write([]byte{0})
	m.Write([]byte(NormalizeLast4(last4)))
	return hex.EncodeToString(m.Sum(nil))
}

// CheckVerifier compares in constant time.
func CheckVerifier(key []byte, caseID, last4, want string) bool {
	got := Verifier(key, caseID, last4)
	return hmac.Equal([]byte(got), []byte(want)) && want != ""
}

// NormalizeLast4 upper-cases (the check character x/X) and drops spaces.
func NormalizeLast4(s string) string {
	return strings.ToUpper(strings.Join(strings.Fields(s), ""))
}

// Last4 returns the last 4 characters of an ID number ("" if shorter).
func Last4(id string) string {
	id = NormalizeLast4(id)
	if utf8.RuneCountInString(id) < 4 {
		return ""
	}
	r := []rune(id)
	return string(r[len(r)-4:])
}

// MaskName keeps the first character of a Chinese name and hides the rest
// (张三 → 张*, 欧阳娜娜 → 欧***); a Latin name keeps its first letter.
func MaskName(name string) string {
	r := []rune(strings.TrimSpace(name))
	if len(r) == 0 {
		return ""
	}
	if len(r) == 1 {
		return "*"
	}
	n := len(r) - 1
	if n > 8 {
		n = 8
	}
	return string(r[0]) + strings.Repeat("*", n)
}
