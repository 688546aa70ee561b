package catalog_test

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"tongban/app/catalog"
	"tongban/app/catalog/catalogtest"
	"tongban/app/errs"
	"tongban/app/store"
)

// mustOpen opens a fresh store in t.TempDir() with the national list seeded.
func mustOpen(tb testing.TB) (*catalog.Catalog, *store.DB) {
	tb.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(tb.TempDir(), "tongban.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	c := catalog.New(db)
	if _, err := c.EnsureSeed(ctx); err != nil {
		tb.Fatal(err)
	}
	return c, db
}

func TestEnsureSeedIdempotent(t *testing.T) {
	ctx := context.Background()
	c, _ := mustOpen(t)
	v1, err := c.EnsureSeed(ctx)
	if err != nil {
		t.Fatal(err)
	}
	vs, err := c.Versions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(vs), 1; got != want {
		t.Fatalf("versions = %d, want %d", got, want)
	}
	if got, want := vs[0].MatterCount, 83; got != want {
		t.Errorf("matter count = %d, want %d", got, want)
	}
	if !vs[0].Active || vs[0].ID != v1.ID || v1.Checksum == "" {
		t.Errorf("version = %+v", vs[0])
	}
	ms, err := catalog.National()
	if err != nil {
		t.Fatal(err)
	}
	sum, _ := catalog.Checksum(ms)
	if got, want := v1.Checksum, sum; got != want {
		t.Errorf("checksum = %s, want %s", got, want)
	}
}

func TestGetRoundTrip(t *testing.T) {
	ctx := context.Background()
	c, _ := mustOpen(t)
	m, err := c.Get(ctx, "QG-2021-003")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := m.Name, "工作调动户口迁移"; got != want {
		t.Errorf("name = %q, want %q", got, want)
	}
	if m.Guide == nil || !m.Guide.Sample || !m.HasGuide || !m.Sample {
		t.Fatalf("guide not stored: %+v", m)
	}
	if got, want := len(m.Guide.Materials), 6; got != want {
		t.Errorf("materials = %d, want %d", got, want)
	}
	if got, want := strings.Join(m.CooperatingDepartments, "、"), "省教育厅、省人力资源社会保障厅"; got != want {
		t.Errorf("cooperating = %q, want %q", got, want)
	}
	_, err = c.Get(ctx, "NOPE")
	if got, want := errs.Code(err), errs.ENOTFOUND; got != want {
		t.Errorf("missing code: %v, want %s", err, want)
	}
}

func names(p catalog.Page) []string {
	var out []string
	for _, it := range p.Items {
		out = append(out, it.Name)
	}
	return out
}

func TestSearch(t *testing.T) {
	ctx := context.Background()
	c, _ := mustOpen(t)
	tests := []struct {
		name      string
		q         catalog.Query
		total     int    // -1: at least one
		first     string // expected first item, if set
		mustHave  string
		mustNotBe string
	}{
		{name: "all", q: catalog.Query{}, total: 83, first: "开具有无犯罪记录证明"},
		{name: "户口 (2 chars, LIKE)", q: catalog.Query{Text: "户口"}, total: -1, first: "工作调动户口迁移", mustHave: "夫妻投靠户口迁移"},
		{name: "社保卡 (alias)", q: catalog.Query{Text: "社保卡"}, total: 6, mustHave: "社会保障卡申领"},
		{name: "社保卡 names first", q: catalog.Query{Text: "社保卡", Limit: 4}, total: 6, mustNotBe: "门诊费用跨省直接结算"},
		{name: "婚姻 (scene)", q: catalog.Query{Text: "婚姻"}, total: 2, mustHave: "结婚登记"},
		{name: "trigram substring", q: catalog.Query{Text: "户口迁移"}, total: 5},
		{name: "name before scene", q: catalog.Query{Text: "犯罪记录"}, first: "开具有无犯罪记录证明", total: 1},
		{name: "department in text", q: catalog.Query{Text: "人行郑州"}, total: 1, first: "购房提取住房公积金"},
		{name: "code", q: catalog.Query{Text: "QG-LATER-003"}, total: 1, first: "离婚登记"},
		{name: "code lower case", q: catalog.Query{Text: "qg-later-003"}, total: 1, first: "离婚登记"},
		{name: "two terms", q: catalog.Query{Text: "残疾人证 注销"}, total: 1, first: "残疾人证注销"},
		{name: "one char", q: catalog.Query{Text: "婚"}, total: 3, mustHave: "新生儿入户"}, // scene: 婚内
		{name: "batch filter", q: catalog.Query{Batch: catalog.BatchNationalLater}, total: 8, first: "新生儿入户"},
		{name: "department filter lead", q: catalog.Query{Department: "省残联"}, total: 10, first: "孤儿救助资格认定"},
		{name: "department filter cooperating", q: catalog.Query{Department: "省税务局", Text: "公积金"}, total: 1, first: "购房提取住房公积金"},
		{name: "mode filter", q: catalog.Query{Mode: catalog.ModeMultiPlace, Text: "户口"}, total: 6, mustHave: "结婚登记", mustNotBe: "开具户籍类证明"},
		{name: "fts syntax taken literally", q: catalog.Query{Text: `"OR NEAR(`}, total: 0},
		{name: "like wildcard literal", q: catalog.Query{Text: "%"}, total: 0},
		{name: "no hit", q: catalog.Query{Text: "不存在的事项名"}, total: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := c.Search(ctx, tt.q)
			if err != nil {
				t.Fatal(err)
			}
			got := names(p)
			if tt.total >= 0 && p.Total != tt.total {
				t.Errorf("total = %d, want %d: %v", p.Total, tt.total, got)
			}
			if tt.total < 0 && p.Total == 0 {
				t.Errorf("no results")
			}
			if tt.first != "" && (len(got) == 0 || got[0] != tt.first) {
				t.Errorf("first = %v, want %q", got, tt.first)
			}
			if tt.mustHave != "" && !slices.Contains(got, tt.mustHave) {
				t.Errorf("results %v lack %q", got, tt.mustHave)
			}
			if tt.mustNotBe != "" && slices.Contains(got, tt.mustNotBe) {
				t.Errorf("results %v hold %q", got, tt.mustNotBe)
			}
			if p.VersionID == 0 {
				t.Error("versionId = 0")
			}
		})
	}
}

func TestSearchPaging(t *testing.T) {
	ctx := context.Background()
	c, _ := mustOpen(t)
	var all []string
	for off := 0; off < 100; off += 20 {
		p, err := c.Search(ctx, catalog.Query{Limit: 20, Offset: off})
		if err != nil {
			t.Fatal(err)
		}
		if got, want := p.Total, 83; got != want {
			t.Fatalf("offset %d: total = %d, want %d", off, got, want)
		}
		all = append(all, names(p)...)
	}
	if got, want := len(all), 83; got != want {
		t.Errorf("paged items = %d, want %d", got, want)
	}
	slices.Sort(all)
	if got := len(slices.Compact(all)); got != 83 {
		t.Errorf("distinct items = %d, want 83", got)
	}
	_, err := c.Search(ctx, catalog.Query{Mode: "上门办"})
	if got, want := errs.Code(err), errs.EINVALID; got != want {
		t.Errorf("bad mode: code %s, want %s", got, want)
	}
}

func TestFacets(t *testing.T) {
	ctx := context.Background()
	c, _ := mustOpen(t)
	f, err := c.Facets(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{"省公安厅", "省残联", "人行郑州中心支行", "省检察院", "郑州市政府"} {
		if !slices.Contains(f.Departments, d) {
			t.Errorf("departments lack %q: %v", d, f.Departments)
		}
	}
	if slices.Contains(f.Departments, "") {
		t.Error("empty department in facets")
	}
	if got, want := len(f.Modes), 4; got != want {
		t.Errorf("modes = %v", f.Modes)
	}
	if got, want := len(f.Batches), 2; got != want {
		t.Errorf("batches = %v", f.Batches)
	}
}

func TestVersionsActivateDiff(t *testing.T) {
	ctx := context.Background()
	c, _ := mustOpen(t)
	v1, err := c.Active(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ms, err := c.Matters(ctx, v1.ID)
	if err != nil {
		t.Fatal(err)
	}
	// v2: one removed, one changed, two added.
	next := slices.Clone(ms[1:])
	next[0].Scene = "修改后的应用场景"
	next[0].ServiceModes = []catalog.ServiceMode{catalog.ModeOnline}
	next = append(next, catalogtest.Provincial(2, 1)...)
	v2, err := c.CreateVersion(ctx, "测试版本", "test", next, false)
	if err != nil {
		t.Fatal(err)
	}
	if v2.Active {
		t.Error("new version active without activate")
	}
	if a, _ := c.Active(ctx); a.ID != v1.ID {
		t.Errorf("active = %d, want %d", a.ID, v1.ID)
	}
	d, err := c.Diff(ctx, v1.ID, v2.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(d.Added), 2; got != want {
		t.Errorf("added = %d, want %d", got, want)
	}
	if got, want := len(d.Removed), 1; got != want || d.Removed[0].Code != ms[0].Code {
		t.Errorf("removed = %+v", d.Removed)
	}
	if got, want := len(d.Changed), 1; got != want {
		t.Fatalf("changed = %+v", d.Changed)
	}
	if got, want := strings.Join(d.Changed[0].Fields, ","), "scene,serviceModes"; got != want {
		t.Errorf("changed fields = %q, want %q", got, want)
	}
	if _, err := c.Activate(ctx, v2.ID); err != nil {
		t.Fatal(err)
	}
	vs, _ := c.Versions(ctx)
	active := 0
	for _, v := range vs {
		if v.Active {
			active++
			if v.ID != v2.ID {
				t.Errorf("active = %d, want %d", v.ID, v2.ID)
			}
		}
	}
	if active != 1 {
		t.Errorf("active versions = %d, want 1", active)
	}
	p, _ := c.Search(ctx, catalog.Query{})
	if got, want := p.Total, 84; got != want {
		t.Errorf("total after activate = %d, want %d", got, want)
	}
	if _, err := c.Activate(ctx, 999); errs.Code(err) != errs.ENOTFOUND {
		t.Errorf("activate missing: %v", err)
	}
	if _, err := c.Diff(ctx, v1.ID, 999); errs.Code(err) != errs.ENOTFOUND {
		t.Errorf("diff missing: %v", err)
	}
	// Duplicate codes are refused and leave no version behind.
	_, err = c.CreateVersion(ctx, "dup", "test", append(slices.Clone(ms), ms[0]), true)
	if got, want := errs.Code(err), errs.ECONFLICT; got != want {
		t.Errorf("duplicate: %v", err)
	}
	if vs2, _ := c.Versions(ctx); len(vs2) != 2 {
		t.Errorf("versions after refused create = %d, want 2", len(vs2))
	}
}

func TestMattersImmutable(t *testing.T) {
	ctx := context.Background()
	_, db := mustOpen(t)
	_, err := db.Writer().ExecContext(ctx, "UPDATE catalog_matters SET name = 'x' WHERE code = 'QG-2021-001'")
	if err == nil || !strings.Contains(err.Error(), "immutable") {
		t.Errorf("update of a stored matter: err = %v, want immutable", err)
	}
}

func importErr(t *testing.T, err error) *catalog.ImportError {
	t.Helper()
	var ie *catalog.ImportError
	if !errors.As(err, &ie) {
		t.Fatalf("err = %v, want *ImportError", err)
	}
	if got, want := errs.Code(err), errs.EINVALID; got != want {
		t.Errorf("code = %s, want %s", got, want)
	}
	return ie
}
