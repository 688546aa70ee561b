package catalog

import (
	"context"
	"encoding/json"
	"reflect"
	"slices"
)

// Diff compares version from with version to.
func (c *Catalog) Diff(ctx context.Context, from, to int64) (Diff, error) {
	a, err := c.Matters(ctx, from)
	if err != nil {
		return Diff{}, err
	}
	b, err := c.Matters(ctx, to)
	if err != nil {
		return Diff{}, err
	}
	d := DiffMatters(a, b)
	d.From, d.To = from, to
	return d, nil
}

// DiffMatters reports matters added in b, removed from a, and changed
// (same code) with the JSON names of the fields that differ.
func DiffMatters(a, b []Matter) Diff {
	d := Diff{Added: []MatterSummary{}, Removed: []MatterSummary{}, Changed: []Change{}}
	old := make(map[string]*Matter, len(a))
	for i := range a {
		old[a[i].Code] = &a[i]
	}
	seen := make(map[string]bool, len(b))
	for i := range b {
		nm := &b[i]
		seen[nm.Code] = true
		om, ok := old[nm.Code]
		if !ok {
			d.Added = append(d.Added, nm.MatterSummary)
			continue
		}
		if fields := changedFields(om, nm); len(fields) > 0 {
			d.Changed = append(d.Changed, Change{Code: nm.Code, Name: nm.Name, Fields: fields})
		}
	}
	for i := range a {
		if !seen[a[i].Code] {
			d.Removed = append(d.Removed, a[i].MatterSummary)
		}
	}
	return d
}

// changedFields lists the JSON field names whose values differ.
func changedFields(a, b *Matter) []string {
	fa, fb := fieldMap(a), fieldMap(b)
	var out []string
	for k, va := range fa {
		if !reflect.DeepEqual(va, fb[k]) {
			out = append(out, k)
		}
	}
	for k := range fb {
		if _, ok := fa[k]; !ok {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

// fieldMap is m's JSON object (derived flags like hasGuide excluded: a
// guide change is reported as "guide").
func fieldMap(m *Matter) map[string]any {
	c := *m
	c.normalize()
	b, _ := json.Marshal(&c)
	var out map[string]any
	_ = json.Unmarshal(b, &out)
	delete(out, "hasGuide")
	delete(out, "sample")
	delete(out, "code")
	return out
}
