package catalog

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
)

//go:embed data/guides.json
var guidesJSON []byte

// sampleGuide is one entry of data/guides.json: the matter's name (checked
// against the national list, for reviewers) and its guide.
type sampleGuide struct {
	Matter string `json:"matter"`
	Guide  *Guide `json:"guide"`
}

// SampleGuides returns the sample guides Tongban ships, by matter code.
// They are example content written for Tongban (Guide.Sample is true), not
// official guides: the seed gives no materials lists.
func SampleGuides() (map[string]*Guide, error) {
	raw, err := loadSampleGuides()
	if err != nil {
		return nil, err
	}
	out := make(map[string]*Guide, len(raw))
	for code, sg := range raw {
		out[code] = sg.Guide
	}
	return out, nil
}

func loadSampleGuides() (map[string]sampleGuide, error) {
	var raw map[string]sampleGuide
	dec := json.NewDecoder(bytes.NewReader(guidesJSON))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&raw); err != nil {
		return nil, fmt.Errorf("decode sample guides: %w", err)
	}
	for code, sg := range raw {
		if sg.Guide == nil {
			return nil, fmt.Errorf("sample guide %s: missing guide", code)
		}
	}
	return raw, nil
}

// Guide kinds.
const (
	KindImmediate = "即办件"
	KindPromised  = "承诺件"
)

var (
	fieldTypes    = map[string]bool{"text": true, "textarea": true, "date": true, "select": true, "phone": true, "idno": true}
	materialForms = map[string]bool{"原件": true, "复印件": true, "电子": true, "原件或复印件": true}
)

// validate checks that a guide has every standard element in a usable shape.
func (g *Guide) validate() error {
	switch {
	case len(g.Conditions) == 0:
		return fmt.Errorf("guide: no conditions")
	case len(g.Form) == 0:
		return fmt.Errorf("guide: no form fields")
	case len(g.Materials) == 0:
		return fmt.Errorf("guide: no materials")
	case len(g.Process) == 0:
		return fmt.Errorf("guide: no process")
	case g.Kind != KindImmediate && g.Kind != KindPromised:
		return fmt.Errorf("guide: kind %q", g.Kind)
	case g.LegalLimitDays < 0 || g.PromisedLimitDays < 0 || g.PromisedLimitDays > g.LegalLimitDays:
		return fmt.Errorf("guide: limits legal %d promised %d", g.LegalLimitDays, g.PromisedLimitDays)
	case g.Fee == "" || g.Result == "" || len(g.ResultDelivery) == 0 || len(g.Basis) == 0:
		return fmt.Errorf("guide: fee, result, delivery and basis are required")
	}
	keys := map[string]bool{}
	for _, f := range g.Form {
		if f.Key == "" || f.Label == "" || !fieldTypes[f.Type] || keys[f.Key] {
			return fmt.Errorf("guide: form field %q", f.Key)
		}
		if f.Type == "select" && len(f.Options) == 0 {
			return fmt.Errorf("guide: select %q without options", f.Key)
		}
		keys[f.Key] = true
	}
	ids := map[string]bool{}
	for _, m := range g.Materials {
		if m.ID == "" || m.Name == "" || !materialForms[m.Form] || m.Copies < 1 || ids[m.ID] {
			return fmt.Errorf("guide: material %q", m.ID)
		}
		ids[m.ID] = true
	}
	return nil
}
