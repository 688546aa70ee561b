package catalog

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"tongban/app/errs"
)

const summaryCols = `m.code, m.name, m.scene, m.lead_department, m.cooperating, m.batch, m.service_modes,
	m.deadline_note, m.guide IS NOT NULL, m.sample`

const matterCols = summaryCols + `, m.seq, m.main_item, m.sub_item, m.handling_item, m.matter_type, m.level,
	m.handling_system, m.yushiban, m.remark, m.guide`

// Batch names sort alphabetically in list order (national_2021,
// national_later, provincial), so ORDER BY m.batch can use the index.

type scanner interface{ Scan(...any) error }

func scanSummary(row scanner, extra ...any) (MatterSummary, error) {
	var s MatterSummary
	var coop, modes string
	var batch string
	dest := append([]any{&s.Code, &s.Name, &s.Scene, &s.LeadDepartment, &coop, &batch, &modes,
		&s.DeadlineNote, &s.HasGuide, &s.Sample}, extra...)
	if err := row.Scan(dest...); err != nil {
		return s, err
	}
	s.Batch = Batch(batch)
	if err := json.Unmarshal([]byte(coop), &s.CooperatingDepartments); err != nil {
		return s, fmt.Errorf("decode departments of %s: %w", s.Code, err)
	}
	if err := json.Unmarshal([]byte(modes), &s.ServiceModes); err != nil {
		return s, fmt.Errorf("decode modes of %s: %w", s.Code, err)
	}
	return s, nil
}

func scanMatter(row scanner) (Matter, error) {
	var m Matter
	var ysb sql.NullInt64
	var guide sql.NullString
	s, err := scanSummary(row, &m.Seq, &m.MainItem, &m.SubItem, &m.HandlingItem, &m.MatterType, &m.Level,
		&m.HandlingSystem, &ysb, &m.Remark, &guide)
	if err != nil {
		return m, err
	}
	m.MatterSummary = s
	if ysb.Valid {
		b := ysb.Int64 == 1
		m.Yushiban = &b
	}
	if guide.Valid {
		m.Guide = new(Guide)
		if err := json.Unmarshal([]byte(guide.String), m.Guide); err != nil {
			return m, fmt.Errorf("decode guide of %s: %w", m.Code, err)
		}
	}
	return m, nil
}

// Matters returns every matter of a version in list order.
func (c *Catalog) Matters(ctx context.Context, versionID int64) ([]Matter, error) {
	if _, err := c.Version(ctx, versionID); err != nil {
		return nil, err
	}
	rows, err := c.db.Reader().QueryContext(ctx, "SELECT "+matterCols+
		" FROM catalog_matters m WHERE m.version_id = ? ORDER BY m.batch, m.seq, m.code", versionID)
	if err != nil {
		return nil, fmt.Errorf("list matters: %w", err)
	}
	defer rows.Close()
	out := []Matter{}
	for rows.Next() {
		m, err := scanMatter(rows)
		if err != nil {
			return nil, fmt.Errorf("scan matter: %w", err)
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// Get returns the matter with code in the active version.
func (c *Catalog) Get(ctx context.Context, code string) (Matter, error) {
	v, err := c.Active(ctx)
	if err != nil {
		return Matter{}, err
	}
	m, err := scanMatter(c.db.Reader().QueryRowContext(ctx, "SELECT "+matterCols+
		" FROM catalog_matters m WHERE m.version_id = ? AND m.code = ?", v.ID, code))
	if errors.Is(err, sql.ErrNoRows) {
		return Matter{}, errs.New(errs.ENOTFOUND, "matter "+code+" not found",
			"当前事项目录中没有编码为“"+code+"”的事项")
	}
	if err != nil {
		return Matter{}, fmt.Errorf("get matter %s: %w", code, err)
	}
	return m, nil
}

// Facets returns the departments, service modes and batches present in the
// active version.
func (c *Catalog) Facets(ctx context.Context) (Facets, error) {
	f := Facets{Departments: []string{}, Modes: []ServiceMode{}, Batches: []Batch{}}
	v, err := c.Active(ctx)
	if err != nil {
		return f, err
	}
	rows, err := c.db.Reader().QueryContext(ctx, `
		SELECT d FROM (
			SELECT lead_department AS d FROM catalog_matters WHERE version_id = ?1 AND lead_department <> ''
			UNION
			SELECT j.value FROM catalog_matters m, json_each(m.cooperating) j WHERE m.version_id = ?1
		) ORDER BY d`, v.ID)
	if err != nil {
		return f, fmt.Errorf("facet departments: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var d string
		if err := rows.Scan(&d); err != nil {
			return f, fmt.Errorf("scan department: %w", err)
		}
		f.Departments = append(f.Departments, d)
	}
	if err := rows.Err(); err != nil {
		return f, err
	}
	var modes, batches string
	err = c.db.Reader().QueryRowContext(ctx, `SELECT
		COALESCE(group_concat(DISTINCT modes_text), ''), COALESCE(group_concat(DISTINCT batch), '')
		FROM catalog_matters WHERE version_id = ?`, v.ID).Scan(&modes, &batches)
	if err != nil {
		return f, fmt.Errorf("facet modes: %w", err)
	}
	for _, m := range Modes {
		if containsStr(modes, "|"+string(m)+"|") {
			f.Modes = append(f.Modes, m)
		}
	}
	for _, b := range Batches {
		if containsStr(","+batches+",", ","+string(b)+",") {
			f.Batches = append(f.Batches, b)
		}
	}
	return f, nil
}
