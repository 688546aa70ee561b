package catalog

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"time"

	"tongban/app/errs"
)

// Labels of the built-in national version.
const (
	NationalLabel  = "全国高频政务服务“跨省通办”事项清单（75+8项）"
	NationalSource = "seed:豫政办〔2021〕38号 附件1"
)

const versionCols = "id, label, source, created_at, active, matter_count, checksum"

func scanVersion(row interface{ Scan(...any) error }) (Version, error) {
	var v Version
	var active int
	err := row.Scan(&v.ID, &v.Label, &v.Source, &v.CreatedAt, &active, &v.MatterCount, &v.Checksum)
	v.Active = active == 1
	return v, err
}

// EnsureSeed loads the national list as the first, active version when the
// store has no catalog version yet. It is idempotent and returns the
// active version (or the newest one when none is active).
func (c *Catalog) EnsureSeed(ctx context.Context) (Version, error) {
	ms, err := National()
	if err != nil {
		return Version{}, err
	}
	var id int64
	err = c.db.WriteTx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM catalog_versions").Scan(&n); err != nil {
			return fmt.Errorf("count versions: %w", err)
		}
		if n > 0 {
			err := tx.QueryRowContext(ctx,
				"SELECT id FROM catalog_versions ORDER BY active DESC, id DESC LIMIT 1").Scan(&id)
			if err != nil {
				return fmt.Errorf("find version: %w", err)
			}
			return nil
		}
		id, err = c.insertVersion(ctx, tx, NationalLabel, NationalSource, ms, true)
		return err
	})
	if err != nil {
		return Version{}, fmt.Errorf("seed catalog: %w", err)
	}
	return c.Version(ctx, id)
}

// CreateVersion stores matters as a new immutable version, activating it
// when activate is true. Every matter is validated; codes must be unique.
func (c *Catalog) CreateVersion(ctx context.Context, label, source string, matters []Matter, activate bool) (Version, error) {
	var id int64
	err := c.db.WriteTx(ctx, func(tx *sql.Tx) error {
		var err error
		id, err = c.insertVersion(ctx, tx, label, source, matters, activate)
		return err
	})
	if err != nil {
		return Version{}, err
	}
	return c.Version(ctx, id)
}

func (c *Catalog) insertVersion(ctx context.Context, tx *sql.Tx, label, source string, matters []Matter, activate bool) (int64, error) {
	ms := make([]Matter, len(matters))
	copy(ms, matters)
	seen := make(map[string]bool, len(ms))
	for i := range ms {
		ms[i].normalize()
		if err := ms[i].validate(); err != nil {
			return 0, errs.Wrap(err, errs.EINVALID, "invalid matter", "事项数据不完整："+ms[i].Code)
		}
		if seen[ms[i].Code] {
			return 0, errs.New(errs.ECONFLICT, "duplicate matter code "+ms[i].Code, "事项编码重复："+ms[i].Code)
		}
		seen[ms[i].Code] = true
	}
	sum, err := Checksum(ms)
	if err != nil {
		return 0, err
	}
	if activate {
		if _, err := tx.ExecContext(ctx, "UPDATE catalog_versions SET active = 0 WHERE active = 1"); err != nil {
			return 0, fmt.Errorf("deactivate: %w", err)
		}
	}
	res, err := tx.ExecContext(ctx,
		"INSERT INTO catalog_versions(label, source, created_at, checksum, matter_count, active) VALUES (?, ?, ?, ?, ?, ?)",
		label, source, c.now().UTC().Format(time.RFC3339), sum, len(ms), boolInt(activate))
	if err != nil {
		return 0, fmt.Errorf("insert version: %w", err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return 0, fmt.Errorf("version id: %w", err)
	}
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO catalog_matters(version_id, code, seq, name, scene,
		lead_department, cooperating, departments, keywords, batch, service_modes, modes_text, deadline_note,
		main_item, sub_item, handling_item, matter_type, level, handling_system, yushiban, remark, guide,
		sample, search_text) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`)
	if err != nil {
		return 0, fmt.Errorf("prepare matter insert: %w", err)
	}
	defer stmt.Close()
	chars, err := tx.PrepareContext(ctx, "INSERT INTO catalog_chars(rowid, chars) VALUES (?, ?)")
	if err != nil {
		return 0, fmt.Errorf("prepare char index: %w", err)
	}
	defer chars.Close()
	for i := range ms {
		m := &ms[i]
		coop, _ := json.Marshal(m.CooperatingDepartments)
		modes, _ := json.Marshal(m.ServiceModes)
		var guide any
		if m.Guide != nil {
			b, err := json.Marshal(m.Guide)
			if err != nil {
				return 0, fmt.Errorf("encode guide %s: %w", m.Code, err)
			}
			guide = string(b)
		}
		var ysb any
		if m.Yushiban != nil {
			ysb = boolInt(*m.Yushiban)
		}
		kw := keywords(m)
		st := searchText(m, kw)
		res, err := stmt.ExecContext(ctx, id, m.Code, m.Seq, m.Name, m.Scene,
			m.LeadDepartment, string(coop), departments(m), kw, string(m.Batch), string(modes), modesText(m.ServiceModes),
			m.DeadlineNote, m.MainItem, m.SubItem, m.HandlingItem, m.MatterType, m.Level, m.HandlingSystem,
			ysb, m.Remark, guide, boolInt(m.Sample), st)
		if err != nil {
			return 0, fmt.Errorf("insert matter %s: %w", m.Code, err)
		}
		rowID, err := res.LastInsertId()
		if err != nil {
			return 0, fmt.Errorf("matter row id: %w", err)
		}
		if _, err := chars.ExecContext(ctx, rowID, charTokens(st)); err != nil {
			return 0, fmt.Errorf("index matter %s: %w", m.Code, err)
		}
	}
	return id, nil
}

// Checksum is the SHA-256 of the matters' canonical JSON, sorted by code.
func Checksum(matters []Matter) (string, error) {
	ms := make([]Matter, len(matters))
	copy(ms, matters)
	for i := range ms {
		ms[i].normalize()
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].Code < ms[j].Code })
	h := sha256.New()
	enc := json.NewEncoder(h)
	for i := range ms {
		if err := enc.Encode(&ms[i]); err != nil {
			return "", fmt.Errorf("checksum: %w", err)
		}
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// Version returns one version by id.
func (c *Catalog) Version(ctx context.Context, id int64) (Version, error) {
	v, err := scanVersion(c.db.Writer().QueryRowContext(ctx,
		"SELECT "+versionCols+" FROM catalog_versions WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return Version{}, errs.New(errs.ENOTFOUND, fmt.Sprintf("catalog version %d not found", id),
			fmt.Sprintf("事项目录版本 %d 不存在", id))
	}
	if err != nil {
		return Version{}, fmt.Errorf("read version %d: %w", id, err)
	}
	return v, nil
}

// Versions lists every version, newest first.
func (c *Catalog) Versions(ctx context.Context) ([]Version, error) {
	rows, err := c.db.Reader().QueryContext(ctx,
		"SELECT "+versionCols+" FROM catalog_versions ORDER BY id DESC")
	if err != nil {
		return nil, fmt.Errorf("list versions: %w", err)
	}
	defer rows.Close()
	out := []Version{}
	for rows.Next() {
		v, err := scanVersion(rows)
		if err != nil {
			return nil, fmt.Errorf("scan version: %w", err)
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// Active returns the active version, or ENOTFOUND when there is none.
func (c *Catalog) Active(ctx context.Context) (Version, error) {
	return c.active(ctx, c.db.Reader())
}

func (c *Catalog) active(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}) (Version, error) {
	v, err := scanVersion(q.QueryRowContext(ctx,
		"SELECT "+versionCols+" FROM catalog_versions WHERE active = 1"))
	if errors.Is(err, sql.ErrNoRows) {
		return Version{}, errs.New(errs.ENOTFOUND, "no active catalog version",
			"尚未启用事项目录版本，请管理员导入或启用一个版本")
	}
	if err != nil {
		return Version{}, fmt.Errorf("read active version: %w", err)
	}
	return v, nil
}

// Activate makes version id the only active one.
func (c *Catalog) Activate(ctx context.Context, id int64) (Version, error) {
	err := c.db.WriteTx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM catalog_versions WHERE id = ?", id).Scan(&n); err != nil {
			return fmt.Errorf("find version: %w", err)
		}
		if n == 0 {
			return errs.New(errs.ENOTFOUND, fmt.Sprintf("catalog version %d not found", id),
				fmt.Sprintf("事项目录版本 %d 不存在", id))
		}
		if _, err := tx.ExecContext(ctx, "UPDATE catalog_versions SET active = 0 WHERE active = 1 AND id <> ?", id); err != nil {
			return fmt.Errorf("deactivate: %w", err)
		}
		if _, err := tx.ExecContext(ctx, "UPDATE catalog_versions SET active = 1 WHERE id = ?", id); err != nil {
			return fmt.Errorf("activate: %w", err)
		}
		return nil
	})
	if err != nil {
		return Version{}, err
	}
	return c.Version(ctx, id)
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
