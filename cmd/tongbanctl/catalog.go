package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

	"tongban/app/catalog"
	"tongban/app/errs"
)

func init() {
	commands["catalog"] = command{
		summary: "matter catalog: list, show, import, diff, versions, activate",
		run:     runCatalog,
	}
}

func catalogUsage(w io.Writer) {
	fmt.Fprintln(w, `usage:
  tongbanctl catalog list [--json] [--q TEXT] [--batch national_2021|national_later|provincial]
                          [--mode 全程网办|异地代收代办|多地联办|自助通办] [--dept DEPT] [--limit N] [--offset N]
  tongbanctl catalog show CODE [--json]
  tongbanctl catalog import FILE.xlsx
  tongbanctl catalog diff FROM_ID TO_ID [--json]
  tongbanctl catalog versions [--json]
  tongbanctl catalog activate ID`)
}

func runCatalog(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 {
		catalogUsage(e.stderr)
		return usageError("catalog: missing subcommand")
	}
	sub, rest := args[0], args[1:]
	fs := flag.NewFlagSet("catalog "+sub, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() { catalogUsage(e.stderr) }
	asJSON := fs.Bool("json", false, "print JSON")
	var q catalog.Query
	var batch, mode string
	if sub == "list" {
		fs.StringVar(&q.Text, "q", "", "search text")
		fs.StringVar(&batch, "batch", "", "batch")
		fs.StringVar(&mode, "mode", "", "service mode")
		fs.StringVar(&q.Department, "dept", "", "department")
		fs.IntVar(&q.Limit, "limit", catalog.MaxLimit, "page size")
		fs.IntVar(&q.Offset, "offset", 0, "page start")
	}
	pos, err := parseInterspersed(fs, rest)
	if err != nil {
		return usageError(err.Error())
	}
	q.Batch, q.Mode = catalog.Batch(batch), catalog.ServiceMode(mode)
	want := map[string]int{"list": 0, "show": 1, "import": 1, "diff": 2, "versions": 0, "activate": 1}
	n, ok := want[sub]
	if !ok {
		catalogUsage(e.stderr)
		return usageError("catalog: unknown subcommand " + strconv.Quote(sub))
	}
	if len(pos) != n {
		catalogUsage(e.stderr)
		return usageError(fmt.Sprintf("catalog %s: want %d argument(s), got %d", sub, n, len(pos)))
	}
	db, _, err := ctlOpenStore(ctx, e)
	if err != nil {
		return err
	}
	defer db.Close()
	c := catalog.New(db)
	if _, err := c.EnsureSeed(ctx); err != nil {
		return err
	}
	switch sub {
	case "list":
		return catalogList(ctx, e, c, q, *asJSON)
	case "show":
		return catalogShow(ctx, e, c, pos[0], *asJSON)
	case "import":
		return catalogImport(ctx, e, c, pos[0])
	case "diff":
		return catalogDiff(ctx, e, c, pos[0], pos[1], *asJSON)
	case "versions":
		return catalogVersions(ctx, e, c, *asJSON)
	default: // activate
		id, err := versionID(pos[0])
		if err != nil {
			return err
		}
		v, err := c.Activate(ctx, id)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "已启用版本 %d：%s（%d 项）\n", v.ID, v.Label, v.MatterCount)
		return nil
	}
}

// parseInterspersed parses flags that may come before or after positional
// arguments ("show CODE --json").
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

func usageError(msg string) error {
	return errs.New(errs.EINVALID, msg, "命令参数有误，见上方用法")
}

func versionID(s string) (int64, error) {
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id < 1 {
		return 0, errs.Invalid("id", "version id must be a positive number: "+strconv.Quote(s),
			"版本号应为正整数："+s)
	}
	return id, nil
}

func printJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

func batchZh(b catalog.Batch) string {
	switch b {
	case catalog.BatchNational2021:
		return "全国(2021)"
	case catalog.BatchNationalLater:
		return "全国(后续)"
	case catalog.BatchProvincial:
		return "本省特色"
	}
	return string(b)
}

func modesZh(ms []catalog.ServiceMode) string {
	s := make([]string, len(ms))
	for i, m := range ms {
		s[i] = string(m)
	}
	return strings.Join(s, "、")
}

func catalogList(ctx context.Context, e *env, c *catalog.Catalog, q catalog.Query, asJSON bool) error {
	p, err := c.Search(ctx, q)
	if err != nil {
		return err
	}
	if asJSON {
		return printJSON(e.stdout, p)
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "编码\t批次\t事项名称\t牵头单位\t通办业务模式\t指南")
	for _, m := range p.Items {
		guide := ""
		if m.HasGuide {
			guide = "有"
			if m.Sample {
				guide = "示例"
			}
		}
		lead := m.LeadDepartment
		if lead == "" {
			lead = "（未列）"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", m.Code, batchZh(m.Batch), m.Name, lead, modesZh(m.ServiceModes), guide)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "共 %d 项，显示 %d 项（目录版本 %d）\n", p.Total, len(p.Items), p.VersionID)
	return nil
}

func catalogShow(ctx context.Context, e *env, c *catalog.Catalog, code string, asJSON bool) error {
	m, err := c.Get(ctx, code)
	if err != nil {
		return err
	}
	if asJSON {
		return printJSON(e.stdout, m)
	}
	w := e.stdout
	line := func(k, v string) {
		if v != "" {
			fmt.Fprintf(w, "%s：%s\n", k, v)
		}
	}
	line("编码", m.Code)
	line("事项名称", m.Name)
	line("批次", batchZh(m.Batch))
	line("应用场景", m.Scene)
	lead := m.LeadDepartment
	if lead == "" {
		lead = "（清单未列）"
	}
	line("牵头单位", lead)
	line("配合单位", strings.Join(m.CooperatingDepartments, "、"))
	line("通办业务模式", modesZh(m.ServiceModes))
	line("完成时限", m.DeadlineNote)
	line("主项", m.MainItem)
	line("子项", m.SubItem)
	line("业务办理项", m.HandlingItem)
	line("事项类型", m.MatterType)
	line("行使层级", m.Level)
	line("办理系统", m.HandlingSystem)
	if m.Yushiban != nil {
		line("可在豫事办办理", map[bool]string{true: "是", false: "否"}[*m.Yushiban])
	}
	line("备注", m.Remark)
	g := m.Guide
	if g == nil {
		fmt.Fprintln(w, "办事指南：暂无")
		return nil
	}
	if g.Sample {
		fmt.Fprintln(w, "\n办事指南【示例内容，非官方】")
	} else {
		fmt.Fprintln(w, "\n办事指南")
	}
	list := func(title string, items []string) {
		fmt.Fprintf(w, "%s：\n", title)
		for i, s := range items {
			fmt.Fprintf(w, "  %d. %s\n", i+1, s)
		}
	}
	list("受理条件", g.Conditions)
	fmt.Fprintln(w, "申请表单：")
	for _, f := range g.Form {
		req := ""
		if f.Required {
			req = "（必填）"
		}
		fmt.Fprintf(w, "  - %s%s\n", f.Label, req)
	}
	fmt.Fprintln(w, "申请材料：")
	for _, mat := range g.Materials {
		req := "非必需"
		if mat.Required {
			req = "必需"
		}
		fmt.Fprintf(w, "  - %s｜%s %d 份｜%s", mat.Name, mat.Form, mat.Copies, req)
		if mat.Note != "" {
			fmt.Fprintf(w, "｜%s", mat.Note)
		}
		fmt.Fprintln(w)
	}
	list("办理流程", g.Process)
	fmt.Fprintf(w, "法定办结时限：%d 个工作日；承诺办结时限：%d 个工作日；%s\n", g.LegalLimitDays, g.PromisedLimitDays, g.Kind)
	line("收费标准", g.Fee)
	line("办理结果", g.Result)
	line("结果送达", strings.Join(g.ResultDelivery, "、"))
	list("设定依据", g.Basis)
	line("不予受理需审核人员批准", map[bool]string{true: "是", false: "否"}[g.RefusalNeedsApproval])
	line("说明", g.Notes)
	return nil
}

func catalogImport(ctx context.Context, e *env, c *catalog.Catalog, path string) error {
	res, err := c.ImportXLSX(ctx, path)
	var ie *catalog.ImportError
	if errors.As(err, &ie) {
		fmt.Fprintf(e.stderr, "导入失败，共 %d 处问题，未导入任何事项：\n", len(ie.Rows))
		for _, r := range ie.Rows {
			loc := "工作表“" + r.Sheet + "”"
			if r.Row > 0 {
				loc += fmt.Sprintf(" 第 %d 行", r.Row)
			}
			if r.Column != "" {
				loc += " " + r.Column
			}
			fmt.Fprintf(e.stderr, "  %s：%s\n", loc, r.Reason)
		}
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "已导入 %d 个特色事项，新版本 %d：%s（共 %d 项，已启用）\n",
		res.Imported, res.Version.ID, res.Version.Label, res.Version.MatterCount)
	return nil
}

func catalogDiff(ctx context.Context, e *env, c *catalog.Catalog, a, b string, asJSON bool) error {
	from, err := versionID(a)
	if err != nil {
		return err
	}
	to, err := versionID(b)
	if err != nil {
		return err
	}
	d, err := c.Diff(ctx, from, to)
	if err != nil {
		return err
	}
	if asJSON {
		return printJSON(e.stdout, d)
	}
	fmt.Fprintf(e.stdout, "版本 %d → %d：新增 %d，删除 %d，变更 %d\n", from, to, len(d.Added), len(d.Removed), len(d.Changed))
	for _, m := range d.Added {
		fmt.Fprintf(e.stdout, "+ %s %s\n", m.Code, m.Name)
	}
	for _, m := range d.Removed {
		fmt.Fprintf(e.stdout, "- %s %s\n", m.Code, m.Name)
	}
	for _, ch := range d.Changed {
		fmt.Fprintf(e.stdout, "~ %s %s：%s\n", ch.Code, ch.Name, strings.Join(ch.Fields, ", "))
	}
	return nil
}

func catalogVersions(ctx context.Context, e *env, c *catalog.Catalog, asJSON bool) error {
	vs, err := c.Versions(ctx)
	if err != nil {
		return err
	}
	if asJSON {
		return printJSON(e.stdout, vs)
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "版本\t启用\t事项数\t创建时间\t名称\t来源\t校验和")
	for _, v := range vs {
		act := ""
		if v.Active {
			act = "*"
		}
		fmt.Fprintf(tw, "%d\t%s\t%d\t%s\t%s\t%s\t%.12s\n", v.ID, act, v.MatterCount, v.CreatedAt, v.Label, v.Source, v.Checksum)
	}
	return tw.Flush()
}
