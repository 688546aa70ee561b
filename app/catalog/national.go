package catalog

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"strings"
)

//go:embed data/national.json
var nationalJSON []byte

// nationalRow is one row of data/national.json, close to the seed's Annex 1:
// the department cells are kept as the seed writes them.
type nationalRow struct {
	Code         string        `json:"code"`
	Seq          int           `json:"seq"`
	Batch        Batch         `json:"batch"`
	Name         string        `json:"name"`
	Scene        string        `json:"scene"`
	Lead         string        `json:"lead"`
	Cooperating  string        `json:"cooperating"`  // seed text, 、-separated
	ServiceModes []ServiceMode `json:"serviceModes"` // editorial (not in the seed)
	DeadlineNote string        `json:"deadlineNote"`
	SeedLeadCell string        `json:"seedLeadCell"` // the seed's cell when it also named cooperating units
	Note         string        `json:"note"`
}

// National returns the 83 matters of the national list (75 national_2021 +
// 8 national_later) with the sample guides attached, in list order.
func National() ([]Matter, error) {
	var rows []nationalRow
	dec := json.NewDecoder(bytes.NewReader(nationalJSON))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&rows); err != nil {
		return nil, fmt.Errorf("decode national list: %w", err)
	}
	guides, err := loadSampleGuides()
	if err != nil {
		return nil, err
	}
	out := make([]Matter, 0, len(rows))
	for _, r := range rows {
		m := Matter{
			MatterSummary: MatterSummary{
				Code:                   r.Code,
				Name:                   r.Name,
				Scene:                  r.Scene,
				LeadDepartment:         r.Lead,
				CooperatingDepartments: SplitDepartments(r.Cooperating),
				Batch:                  r.Batch,
				ServiceModes:           r.ServiceModes,
				DeadlineNote:           r.DeadlineNote,
			},
			Seq:    r.Seq,
			Remark: r.Note,
		}
		if g, ok := guides[r.Code]; ok {
			if g.Matter != r.Name {
				return nil, fmt.Errorf("sample guide %s is for %q, not %q", r.Code, g.Matter, r.Name)
			}
			m.Guide = g.Guide
			delete(guides, r.Code)
		}
		m.normalize()
		if err := m.validate(); err != nil {
			return nil, fmt.Errorf("national list: %w", err)
		}
		out = append(out, m)
	}
	for code := range guides {
		return nil, fmt.Errorf("sample guide %s: no such matter", code)
	}
	return out, nil
}

// SplitDepartments splits a 、-separated department cell of the seed into
// full names. The seed writes the province prefix once and lets it carry
// over ("省公安厅、民政厅" = 省公安厅 + 省民政厅); units that are not
// provincial departments (人行郑州中心支行, 郑州市政府) keep their own names.
func SplitDepartments(cell string) []string {
	out := []string{}
	prefix := ""
	for _, part := range strings.FieldsFunc(cell, func(r rune) bool {
		return r == '、' || r == '，' || r == ',' || r == '；' || r == ';'
	}) {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		if strings.HasPrefix(part, "省") {
			prefix = "省"
		} else if prefix != "" && !strings.Contains(part, "市") && !strings.HasPrefix(part, "人行") {
			part = prefix + part
		}
		out = append(out, part)
	}
	return out
}

// normalize fills nil slices and derived flags so that JSON and checksums
// are stable.
func (m *Matter) normalize() {
	if m.CooperatingDepartments == nil {
		m.CooperatingDepartments = []string{}
	}
	if m.ServiceModes == nil {
		m.ServiceModes = []ServiceMode{}
	}
	m.HasGuide = m.Guide != nil
	m.Sample = m.Guide != nil && m.Guide.Sample
}

// validate checks the invariants every stored matter keeps.
func (m *Matter) validate() error {
	switch {
	case m.Code == "":
		return fmt.Errorf("matter %q: empty code", m.Name)
	case strings.TrimSpace(m.Name) == "":
		return fmt.Errorf("matter %s: empty name", m.Code)
	case !m.Batch.Valid():
		return fmt.Errorf("matter %s: unknown batch %q", m.Code, m.Batch)
	case len(m.ServiceModes) == 0:
		return fmt.Errorf("matter %s: no service mode", m.Code)
	}
	for _, md := range m.ServiceModes {
		if !md.Valid() {
			return fmt.Errorf("matter %s: unknown service mode %q", m.Code, md)
		}
	}
	if m.Guide != nil {
		if err := m.Guide.validate(); err != nil {
			return fmt.Errorf("matter %s: %w", m.Code, err)
		}
	}
	return nil
}
