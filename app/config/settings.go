// Package config reads, checks and writes the workstation's settings file
// (TOML, tongban.toml in the data directory). A bad file never stops the
// workstation: every bad key falls back to a safe default and is reported as
// a Problem naming the key, in English and Chinese.
package config

// Settings is the whole settings file. TOML keys and JSON names are the
// same lowerCamelCase names as docs/api.md, so a Problem's key reads the
// same in the file, the UI and the logs.
type Settings struct {
	PlatformURL     string   `json:"platformUrl" toml:"platformUrl"`
	Hall            Hall     `json:"hall" toml:"hall"`
	HotFolders      []string `json:"hotFolders" toml:"hotFolders"`
	Printers        Printers `json:"printers" toml:"printers"`
	Papers          Papers   `json:"papers" toml:"papers"`
	Printing        Printing `json:"printing" toml:"printing"`
	IdleLockMinutes int      `json:"idleLockMinutes" toml:"idleLockMinutes"`
	Backup          Backup   `json:"backup" toml:"backup"`
	Language        string   `json:"language" toml:"language"`
	// FollowUpWorkingDays is the province's deadline, in working days, for
	// following up a 差评; 0 means the national default (15).
	FollowUpWorkingDays int `json:"followUpWorkingDays" toml:"followUpWorkingDays"`
	// Scan tunes the hot-folder watcher; the zero value is the safe default.
	Scan Scan `json:"scan" toml:"scan"`
	// Mail is the collecting hall's mailing (batches, courier, tracking).
	Mail Mail `json:"mail" toml:"mail"`
}

// Mail configures mailing to handling places. Zero values mean the
// defaults (DefaultStuckHours, DefaultTrackEveryMinutes, the demo courier),
// so a settings screen that does not know the section saves safely.
type Mail struct {
	// StuckHours: a parcel whose last tracking event is older is an alert.
	StuckHours int `json:"stuckHours" toml:"stuckHours"`
	// TrackEveryMinutes is how often the courier is polled.
	TrackEveryMinutes int `json:"trackEveryMinutes" toml:"trackEveryMinutes"`
	// Courier is the express service: "demo" (training, numbers marked 演示).
	Courier string `json:"courier" toml:"courier"`
	// The hall as the sender on waybills (name defaults to hall.name).
	SenderName    string `json:"senderName" toml:"senderName"`
	SenderPhone   string `json:"senderPhone" toml:"senderPhone"`
	SenderAddress string `json:"senderAddress" toml:"senderAddress"`
}

// Mail defaults and limits.
const (
	DefaultStuckHours        = 72
	MaxStuckHours            = 720
	DefaultTrackEveryMinutes = 30
	MinTrackEveryMinutes     = 5
	MaxTrackEveryMinutes     = 1440
)

// Couriers are the express services the workstation can order from.
var Couriers = []string{"demo"}

// StuckAfter is the configured stuck limit in hours (default when 0).
func (m Mail) StuckAfter() int {
	if m.StuckHours <= 0 {
		return DefaultStuckHours
	}
	return m.StuckHours
}

// TrackEvery is the configured polling interval in minutes (default when 0).
func (m Mail) TrackEvery() int {
	if m.TrackEveryMinutes <= 0 {
		return DefaultTrackEveryMinutes
	}
	return m.TrackEveryMinutes
}

// CourierName is the configured courier ("demo" when empty).
func (m Mail) CourierName() string {
	if m.Courier == "" {
		return "demo"
	}
	return m.Courier
}

// Hall is the service hall this workstation belongs to.
type Hall struct {
	DivisionCode string `json:"divisionCode" toml:"divisionCode"` // GB/T 2260, 6 digits
	Name         string `json:"name" toml:"name"`
}

// Printers names the OS printer queue for each kind of document; empty
// means the system default printer.
type Printers struct {
	Receipt  string `json:"receipt" toml:"receipt"`
	Notice   string `json:"notice" toml:"notice"`
	Waybill  string `json:"waybill" toml:"waybill"`
	Manifest string `json:"manifest" toml:"manifest"`
}

// Papers names the paper size for each kind of document (the same keys as
// Printers); empty means the first choice in PaperChoices.
type Papers struct {
	Receipt  string `json:"receipt" toml:"receipt"`
	Notice   string `json:"notice" toml:"notice"`
	Waybill  string `json:"waybill" toml:"waybill"`
	Manifest string `json:"manifest" toml:"manifest"`
}

// PaperChoices lists the paper sizes with a template, per Papers key, the
// default first (printing/templates; a test in app checks they match).
var PaperChoices = map[string][]string{
	"receipt":  {"a4", "roll80"},
	"notice":   {"a4"},
	"waybill":  {"100x150", "76x130"},
	"manifest": {"a4"},
}

// Printing holds what documents need beyond printer and paper.
type Printing struct {
	FontPath    string `json:"fontPath" toml:"fontPath"`       // .ttf/.ttc; empty: system font, else the bundled one
	ReviewOrgan string `json:"reviewOrgan" toml:"reviewOrgan"` // 行政复议机关 named on refusal notices
	Court       string `json:"court" toml:"court"`             // 人民法院 named on refusal notices
}

// Backup is the database backup schedule.
type Backup struct {
	IntervalHours int `json:"intervalHours" toml:"intervalHours"`
	Keep          int `json:"keep" toml:"keep"`
}

// Problem is one bad key in a settings file or a Settings value. Line is set
// for TOML syntax errors.
type Problem struct {
	Key     string `json:"key"`
	Line    int    `json:"line,omitempty"`
	Message string `json:"message"`
	Zh      string `json:"zh"`
}

// Limits of the numeric settings.
const (
	MinIdleLockMinutes = 1
	MaxIdleLockMinutes = 240
	MinIntervalHours   = 1
	MaxIntervalHours   = 168
	MinKeep            = 1
	MaxKeep            = 365
	maxTextLen         = 200
	maxHotFolders      = 16
)

// Languages the UI offers.
var Languages = []string{"zh-CN", "en"}

// Defaults are the safe settings used for a missing file and for every bad
// key: no platform (sync stays "not configured"), no hall yet, screen locks
// after 10 idle minutes, a daily backup keeping 7 copies, Chinese UI.
func Defaults() Settings {
	return Settings{
		HotFolders:      []string{},
		IdleLockMinutes: 10,
		Backup:          Backup{IntervalHours: 24, Keep: 7},
		Language:        "zh-CN",
	}
}

// Scan tunes how hot-folder pages are taken. Every zero value is the safe
// default: events (not polling), pages stored as scanned, originals kept
// until the case has synced.
type Scan struct {
	// PollFolders lists hot folders (also in HotFolders) that are polled
	// instead of watched: file events do not arrive from network shares.
	PollFolders []string `json:"pollFolders" toml:"pollFolders"`
	// MaxLongEdge re-encodes image pages so their long edge is at most this
	// many pixels (0 keeps the size); for slow field links.
	MaxLongEdge int `json:"maxLongEdge" toml:"maxLongEdge"`
	// JPEGQuality of re-encoded pages, 1–100 (0 means 85).
	JPEGQuality int `json:"jpegQuality" toml:"jpegQuality"`
	// DiscardOriginal drops a split or re-encoded file's original at once
	// instead of keeping it until the case has synced.
	DiscardOriginal bool `json:"discardOriginal" toml:"discardOriginal"`
}

// Limits of the scan settings.
const (
	MaxLongEdgeLimit = 20000
	MaxJPEGQuality   = 100
)
