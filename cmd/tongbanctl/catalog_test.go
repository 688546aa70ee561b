package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"tongban/app/catalog"
	"tongban/app/catalog/catalogtest"
)

func TestCatalogCommands(t *testing.T) {
	dir := t.TempDir()
	code, out, stderr := ctl(t, dir, "", "catalog", "list", "--q", "户口", "--json")
	if code != 0 {
		t.Fatalf("list: %d %s", code, stderr)
	}
	var p catalog.Page
	if err := json.Unmarshal([]byte(out), &p); err != nil {
		t.Fatal(err)
	}
	if len(p.Items) == 0 || p.Items[0].Name != "工作调动户口迁移" {
		t.Errorf("list 户口 = %+v", p.Items)
	}
	code, out, _ = ctl(t, dir, "", "catalog", "list", "--batch", "national_later")
	if code != 0 || !strings.Contains(out, "共 8 项") {
		t.Errorf("list later: %d %s", code, out)
	}
	code, out, _ = ctl(t, dir, "", "catalog", "show", "QG-2021-075", "--json")
	var m catalog.Matter
	if code != 0 || json.Unmarshal([]byte(out), &m) != nil || m.Guide == nil || !m.Guide.Sample {
		t.Errorf("show json: %d %s", code, out)
	}
	code, out, _ = ctl(t, dir, "", "catalog", "show", "QG-2021-075")
	if code != 0 || !strings.Contains(out, "示例内容") || !strings.Contains(out, "结婚证") {
		t.Errorf("show: %d %s", code, out)
	}
	if code, _, stderr = ctl(t, dir, "", "catalog", "show", "NOPE"); code != 1 || !strings.Contains(stderr, "ENOTFOUND") {
		t.Errorf("show missing: %d %s", code, stderr)
	}

	rows := catalogtest.GoodRows(3)
	rows[0].Modes = "到家办"
	rows[2].Yushiban = "也许"
	bad := filepath.Join(t.TempDir(), "bad.xlsx")
	if err := catalogtest.WriteAnnex2(bad, catalogtest.Workbook{Rows: rows}); err != nil {
		t.Fatal(err)
	}
	code, _, stderr = ctl(t, dir, "", "catalog", "import", bad)
	if code != 1 || !strings.Contains(stderr, "第 6 行") || !strings.Contains(stderr, "第 8 行") || !strings.Contains(stderr, "未导入任何事项") {
		t.Errorf("bad import: %d %s", code, stderr)
	}
	good := filepath.Join(t.TempDir(), "good.xlsx")
	if err := catalogtest.WriteAnnex2(good, catalogtest.Workbook{Unit: "省民政厅", Rows: catalogtest.GoodRows(2)}); err != nil {
		t.Fatal(err)
	}
	code, out, stderr = ctl(t, dir, "", "catalog", "import", good)
	if code != 0 || !strings.Contains(out, "已导入 2 个特色事项") {
		t.Errorf("import: %d %s %s", code, out, stderr)
	}
	code, out, _ = ctl(t, dir, "", "catalog", "diff", "1", "2", "--json")
	var d catalog.Diff
	if code != 0 || json.Unmarshal([]byte(out), &d) != nil || len(d.Added) != 2 {
		t.Errorf("diff: %d %s", code, out)
	}
	code, out, _ = ctl(t, dir, "", "catalog", "activate", "1")
	if code != 0 || !strings.Contains(out, "已启用版本 1") {
		t.Errorf("activate: %d %s", code, out)
	}
	code, out, _ = ctl(t, dir, "", "catalog", "versions", "--json")
	var vs []catalog.Version
	if code != 0 || json.Unmarshal([]byte(out), &vs) != nil || len(vs) != 2 || !vs[1].Active {
		t.Errorf("versions: %d %s", code, out)
	}
	if code, _, _ = ctl(t, dir, "", "catalog", "diff", "1"); code != 1 {
		t.Errorf("diff with one id: code %d, want 1", code)
	}
}
