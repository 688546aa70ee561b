package cases

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"tongban/app/audit"
	"tongban/app/errs"
	"tongban/app/store"
)

// Config is the workstation's place in the world.
type Config struct {
	DeviceID  string           // this workstation's device id
	HallCode  string           // 6-digit division code of the hall
	DeviceTag string           // short device tag used in provisional numbers; default: derived from DeviceID
	Now       func() time.Time // clock; default time.Now
}

// Service keeps case journals in the workstation database. Every method
// that changes a case takes the version the actor saw (basedOn) and fails
// with ECONFLICT when the case changed meanwhile.
type Service struct {
	db    *store.DB
	audit *audit.Log
	cal   *Calendar
	cfg   Config
	key   []byte // HMAC key for the search hashes of ID numbers and phones
}

// metaSearchKey names the per-installation HMAC key in the meta table.
const metaSearchKey = "cases.search_key"

// New returns a Service. It creates the search-hash key on first use.
func New(ctx context.Context, db *store.DB, log *audit.Log, cal *Calendar, cfg Config) (*Service, error) {
	if cfg.DeviceID == "" || cfg.HallCode == "" {
		return nil, errs.New(errs.EINVALID, "cases: device id and hall code are required", "本机尚未登记设备编号或服务大厅区划代码，请先完成设置")
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.DeviceTag == "" {
		sum := sha256.Sum256([]byte(cfg.DeviceID))
		cfg.DeviceTag = strings.ToUpper(hex.EncodeToString(sum[:2]))
	}
	s := &Service{db: db, audit: log, cal: cal, cfg: cfg}
	fresh := make([]byte, 32)
	if _, err := rand.Read(fresh); err != nil {
		return nil, fmt.Errorf("search key: %w", err)
	}
	err := db.WriteTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "INSERT OR IGNORE INTO meta(key, value) VALUES (?, ?)", metaSearchKey, hex.EncodeToString(fresh)); err != nil {
			return err
		}
		var k string
		if err := tx.QueryRowContext(ctx, "SELECT value FROM meta WHERE key = ?", metaSearchKey).Scan(&k); err != nil {
			return err
		}
		b, err := hex.DecodeString(k)
		s.key = b
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("load search key: %w", err)
	}
	return s, nil
}

// Calendar is the working-day calendar the service uses.
func (s *Service) Calendar() *Calendar { return s.cal }

// HashID is the keyed hash stored for exact search by ID number (and, with
// the same key, by phone): HMAC-SHA256 of the canonical value. The raw
// value is never indexed.
func (s *Service) HashID(canonical string) string {
	m := hmac.New(sha256.New, s.key)
	m.Write([]byte(canonical))
	return hex.EncodeToString(m.Sum(nil))
}

func (s *Service) now() time.Time { return s.cfg.Now().UTC() }

// hallDay is the hall-time calendar day of t.
func hallDay(t time.Time) string { return t.In(hallZone).Format("2006-01-02") }

// tsLayout stores times in fixed width so text order is time order.
const tsLayout = "2006-01-02T15:04:05.000Z"

func ts(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(tsLayout)
}

func checkActor(a Actor) error {
	if a.Username == "" {
		return errs.New(errs.EUNAUTHORIZED, "no actor", "请先登录")
	}
	if _, ok := roleLabels[a.Role]; !ok {
		return errs.New(errs.EFORBIDDEN, "unknown role "+string(a.Role), "账号角色无效")
	}
	return nil
}

func parseTS(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	return time.Parse(time.RFC3339Nano, s)
}

// NoticeWorkingDays is the limit of 行政许可法 §32 for telling the applicant,
// once and completely, what is missing: five (working) days from receipt.
const NoticeWorkingDays = 5
