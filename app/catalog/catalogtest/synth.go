// Package catalogtest helps tests and benchmarks of the matter catalog:
// synthetic provincial matters and Annex 2 workbooks written to disk.
package catalogtest

import (
	"fmt"
	"math/rand/v2"

	"tongban/app/catalog"
)

var (
	subjects = []string{"道路运输", "药品经营", "特种设备", "建筑施工企业", "旅行社", "食品生产", "水利工程", "林木种子",
		"农药经营", "兽药生产", "医师执业", "护士执业", "教师资格", "导游", "律师执业", "出版物零售", "燃气经营",
		"危险化学品经营", "人力资源服务", "劳务派遣", "民办学校", "养老机构", "社会团体", "职业培训", "排污",
		"取水", "采砂", "渔业捕捞", "拖拉机驾驶", "城镇供水", "房地产开发企业", "物业服务", "公积金贷款", "退役军人优待"}
	actions = []string{"许可", "变更登记", "延续", "注销", "补办", "备案", "资格认定", "证明开具", "信息查询", "年度报告"}
	depts   = []string{"省交通运输厅", "省药监局", "省市场监管局", "省住房城乡建设厅", "省文化和旅游厅", "省水利厅",
		"省林业局", "省农业农村厅", "省卫生健康委", "省教育厅", "省司法厅", "省人力资源社会保障厅", "省民政厅",
		"省生态环境厅", "省退役军人事务厅", "省公安厅", "省医保局"}
	types  = []string{"行政许可", "行政确认", "公共服务", "行政给付", "其他行政权力"}
	levels = []string{"省级", "市级", "县级", "省级、市级", "市级、县级"}
)

// Provincial returns n synthetic provincial matters with unique codes and
// names, the same for the same seed.
func Provincial(n int, seed uint64) []catalog.Matter {
	r := rand.New(rand.NewPCG(seed, 0x7B))
	out := make([]catalog.Matter, n)
	for i := range out {
		subj := subjects[r.IntN(len(subjects))]
		act := actions[r.IntN(len(actions))]
		main := subj + act
		sub := fmt.Sprintf("%s（%03d号）", main, i%997)
		name := fmt.Sprintf("%s-%s-第%d项", main, sub, i+1)
		modes := []catalog.ServiceMode{catalog.Modes[r.IntN(len(catalog.Modes))]}
		if r.IntN(3) == 0 {
			if m := catalog.Modes[r.IntN(len(catalog.Modes))]; m != modes[0] {
				modes = append(modes, m)
			}
		}
		ysb := r.IntN(2) == 0
		lead := depts[r.IntN(len(depts))]
		var coop []string
		if r.IntN(4) == 0 {
			coop = []string{depts[r.IntN(len(depts))]}
		}
		out[i] = catalog.Matter{
			MatterSummary: catalog.MatterSummary{
				Code:                   fmt.Sprintf("YU-SYN-%05d", i+1),
				Name:                   name,
				Scene:                  "申请人可异地申请办理" + main + "，由" + lead + "协同办理，不受地域限制。",
				LeadDepartment:         lead,
				CooperatingDepartments: coop,
				Batch:                  catalog.BatchProvincial,
				ServiceModes:           modes,
			},
			Seq:            i + 1,
			MainItem:       main,
			SubItem:        sub,
			HandlingItem:   fmt.Sprintf("第%d项", i+1),
			MatterType:     types[r.IntN(len(types))],
			Level:          levels[r.IntN(len(levels))],
			HandlingSystem: "河南省政务服务网审批系统",
			Yushiban:       &ysb,
		}
	}
	return out
}
