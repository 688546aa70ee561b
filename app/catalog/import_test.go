package catalog_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"tongban/app/catalog"
	"tongban/app/catalog/catalogtest"
	"tongban/app/errs"
)

func writeBook(t *testing.T, wb catalogtest.Workbook) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "annex2.xlsx")
	if err := catalogtest.WriteAnnex2(p, wb); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestImportGood(t *testing.T) {
	ctx := context.Background()
	c, _ := mustOpen(t)
	v1, _ := c.Active(ctx)
	path := writeBook(t, catalogtest.Workbook{Unit: "省公安厅", Date: "2021年7月30日", Rows: catalogtest.GoodRows(3),
		ExtraSheets: []string{"填表说明"}})
	res, err := c.ImportXLSX(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := res.Imported, 3; got != want {
		t.Errorf("imported = %d, want %d", got, want)
	}
	if got, want := res.Version.MatterCount, 86; got != want {
		t.Errorf("matter count = %d, want %d", got, want)
	}
	if !res.Version.Active || !strings.Contains(res.Version.Label, "省公安厅") {
		t.Errorf("version = %+v", res.Version)
	}
	p, err := c.Search(ctx, catalog.Query{Text: "特色事项样例2"})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := p.Total, 1; got != want {
		t.Fatalf("search total = %d, want %d", got, want)
	}
	m, err := c.Get(ctx, p.Items[0].Code)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := m.LeadDepartment, "省公安厅"; got != want {
		t.Errorf("lead = %q, want %q", got, want)
	}
	if got, want := m.Name, "特色事项样例2-子项"; got != want {
		t.Errorf("name = %q, want %q", got, want)
	}
	if got, want := len(m.ServiceModes), 1; got != want {
		t.Errorf("modes = %v", m.ServiceModes) // GoodRows[1]: 异地代收代办
	}
	if m.Yushiban == nil || *m.Yushiban {
		t.Errorf("yushiban = %v, want false", m.Yushiban)
	}
	if got, want := m.MatterType, "公共服务"; got != want {
		t.Errorf("type = %q", got)
	}
	if pp, _ := c.Search(ctx, catalog.Query{Batch: catalog.BatchProvincial}); pp.Total != 3 {
		t.Errorf("provincial = %d, want 3", pp.Total)
	}
	d, err := c.Diff(ctx, v1.ID, res.Version.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Added) != 3 || len(d.Removed) != 0 || len(d.Changed) != 0 {
		t.Errorf("diff = %+v", d)
	}
	// Re-importing a changed list replaces the provincial part; codes are stable.
	rows := catalogtest.GoodRows(3)
	rows[0].Scene = "新的应用场景"
	res2, err := c.ImportXLSX(ctx, writeBook(t, catalogtest.Workbook{Unit: "省公安厅", Rows: rows[:2]}))
	if err != nil {
		t.Fatal(err)
	}
	d, err = c.Diff(ctx, res.Version.ID, res2.Version.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Added) != 0 || len(d.Removed) != 1 || len(d.Changed) != 1 || d.Changed[0].Fields[0] != "scene" {
		t.Errorf("re-import diff = %+v", d)
	}
}

func TestImportBadRows(t *testing.T) {
	ctx := context.Background()
	c, _ := mustOpen(t)
	rows := catalogtest.GoodRows(7)
	rows[0].Main = ""                      // row 6: missing name
	rows[1].Modes = "全程网办、上门办理"            // row 7: unknown mode
	rows[2].Main = rows[3].Main            // row 8 / 9: duplicate name (reported on 9)
	rows[4].Yushiban = "Y"                 // row 10: bad 是/否
	rows[5].Seq = rows[6].Seq              // row 11 / 12: duplicate 序号 (reported on 12)
	rows[6].Main = "开具有无犯罪记录证明"            // row 12: national name
	rows[6].Sub, rows[6].Handling = "", "" // (exact national name)
	path := writeBook(t, catalogtest.Workbook{Unit: "省民政厅", Rows: rows})
	_, err := c.ImportXLSX(ctx, path)
	ie := importErr(t, err)
	type key struct {
		row int
		col string
	}
	got := map[key]string{}
	for _, r := range ie.Rows {
		if r.Sheet != "特色事项清单" || r.Reason == "" {
			t.Errorf("bad row error %+v", r)
		}
		got[key{r.Row, r.Column}] = r.Reason
	}
	want := []struct {
		row  int
		col  string
		word string
	}{
		{6, "B（事项名称（主项））", "不能为空"},
		{7, "G（通办业务模式）", "上门办理"},
		{9, "事项名称", "重复"},
		{10, "J（是否可在“豫事办”办理）", "是"},
		{12, "序号", "重复"},
	}
	for _, w := range want {
		reason, ok := got[key{w.row, w.col}]
		if !ok {
			t.Errorf("no error for row %d column %s; got %+v", w.row, w.col, ie.Rows)
			continue
		}
		if !strings.Contains(reason, w.word) {
			t.Errorf("row %d reason %q lacks %q", w.row, reason, w.word)
		}
	}
	if vs, _ := c.Versions(ctx); len(vs) != 1 {
		t.Errorf("versions = %d, want 1 (nothing imported)", len(vs))
	}
	// The national-name clash is found once the rows themselves are good.
	rows = catalogtest.GoodRows(2)
	rows[1].Main, rows[1].Sub = "结婚登记", ""
	_, err = c.ImportXLSX(ctx, writeBook(t, catalogtest.Workbook{Rows: rows}))
	ie = importErr(t, err)
	if len(ie.Rows) != 1 || ie.Rows[0].Row != catalogtest.DataRow(1) || !strings.Contains(ie.Rows[0].Reason, "全国清单") {
		t.Errorf("clash rows = %+v", ie.Rows)
	}
	b, err := json.Marshal(ie)
	if err != nil {
		t.Fatal(err)
	}
	if s := string(b); !strings.Contains(s, `"code":"EINVALID"`) || !strings.Contains(s, `"rows":[{"sheet"`) {
		t.Errorf("json = %s", s)
	}
}

func TestImportBadFiles(t *testing.T) {
	ctx := context.Background()
	c, _ := mustOpen(t)
	notXLSX := filepath.Join(t.TempDir(), "list.xlsx")
	if err := os.WriteFile(notXLSX, []byte("序号,事项名称\n1,x\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		path   string
		code   string
		column string
		reason string
	}{
		{name: "missing column", path: writeBook(t, catalogtest.Workbook{Rows: catalogtest.GoodRows(2), OmitColumn: "通办业务模式"}),
			code: errs.EINVALID, column: "通办业务模式", reason: "缺少"},
		{name: "wrong sheet", path: writeBook(t, catalogtest.Workbook{Sheet: "Sheet1", Rows: catalogtest.GoodRows(2), NoHeader: true}),
			code: errs.EINVALID, reason: "不是附件2格式"},
		{name: "no rows", path: writeBook(t, catalogtest.Workbook{}), code: errs.EINVALID, reason: "没有任何事项"},
		{name: "not xlsx", path: notXLSX, code: errs.EINVALID},
		{name: "missing file", path: filepath.Join(t.TempDir(), "nope.xlsx"), code: errs.ENOTFOUND},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := c.ImportXLSX(ctx, tt.path)
			if got := errs.Code(err); got != tt.code {
				t.Fatalf("code = %s (%v), want %s", got, err, tt.code)
			}
			if tt.reason == "" {
				return
			}
			ie := importErr(t, err)
			if len(ie.Rows) == 0 || !strings.Contains(ie.Rows[0].Reason, tt.reason) || ie.Rows[0].Column != tt.column {
				t.Errorf("rows = %+v, want column %q reason with %q", ie.Rows, tt.column, tt.reason)
			}
		})
	}
	if vs, _ := c.Versions(ctx); len(vs) != 1 {
		t.Errorf("versions = %d, want 1", len(vs))
	}
}
