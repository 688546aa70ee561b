package catalog

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestNational(t *testing.T) {
	ms, err := National()
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(ms), 83; got != want {
		t.Fatalf("matters = %d, want %d", got, want)
	}
	count := map[Batch]int{}
	codes := map[string]bool{}
	var noLead []string
	for _, m := range ms {
		count[m.Batch]++
		if codes[m.Code] {
			t.Errorf("duplicate code %s", m.Code)
		}
		codes[m.Code] = true
		if m.LeadDepartment == "" {
			noLead = append(noLead, m.Name)
			if m.Remark == "" {
				t.Errorf("%s: empty lead department without a data note", m.Code)
			}
		}
		if m.Scene == "" {
			t.Errorf("%s: empty scene", m.Code)
		}
		if m.Batch == BatchNationalLater && m.DeadlineNote == "" {
			t.Errorf("%s: later matter without 完成时限", m.Code)
		}
		if m.Batch == BatchNational2021 && m.DeadlineNote != "" {
			t.Errorf("%s: 2021 matter with deadline note", m.Code)
		}
	}
	if got, want := count[BatchNational2021], 75; got != want {
		t.Errorf("national_2021 = %d, want %d", got, want)
	}
	if got, want := count[BatchNationalLater], 8; got != want {
		t.Errorf("national_later = %d, want %d", got, want)
	}
	if got, want := strings.Join(noLead, "|"), "非《进出口野生动植物种商品目录》物种证明核发|申请停止使用邮资凭证审批"; got != want {
		t.Errorf("matters without lead = %q, want %q", got, want)
	}
	byCode := map[string]Matter{}
	for _, m := range ms {
		byCode[m.Code] = m
	}
	tests := []struct {
		code, name, lead, coop string
	}{
		{"QG-2021-001", "开具有无犯罪记录证明", "省公安厅", ""},
		{"QG-2021-003", "工作调动户口迁移", "省公安厅", "省教育厅|省人力资源社会保障厅"},
		{"QG-2021-045", "购房提取住房公积金", "省住房城乡建设厅", "省公安厅|省民政厅|省人力资源社会保障厅|省自然资源厅|省税务局|人行郑州中心支行"},
		{"QG-2021-075", "结婚登记", "省民政厅", ""},
		{"QG-LATER-006", "工伤职工异地就医结算", "省人力资源社会保障厅", "省医保局"},
		{"QG-LATER-008", "小型非营运二手车交易登记", "省商务厅", "省公安厅|省税务局|郑州市政府"},
	}
	for _, tt := range tests {
		m, ok := byCode[tt.code]
		if !ok {
			t.Errorf("%s missing", tt.code)
			continue
		}
		if got := m.Name; got != tt.name {
			t.Errorf("%s name = %q, want %q", tt.code, got, tt.name)
		}
		if got := m.LeadDepartment; got != tt.lead {
			t.Errorf("%s lead = %q, want %q", tt.code, got, tt.lead)
		}
		if got := strings.Join(m.CooperatingDepartments, "|"); got != tt.coop {
			t.Errorf("%s cooperating = %q, want %q", tt.code, got, tt.coop)
		}
	}
	if got := byCode["QG-LATER-001"].DeadlineNote; !strings.HasPrefix(got, "2021年在京津冀") {
		t.Errorf("新生儿入户 deadline = %q", got)
	}
}

func TestSampleGuides(t *testing.T) {
	ms, err := National()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{"开具有无犯罪记录证明": true, "社会保障卡申领": true, "异地就医结算备案": true,
		"结婚登记": true, "工作调动户口迁移": true}
	for _, m := range ms {
		if m.Guide == nil {
			if m.HasGuide || m.Sample {
				t.Errorf("%s: flags without guide", m.Code)
			}
			continue
		}
		if !want[m.Name] {
			t.Errorf("unexpected guide on %s", m.Name)
		}
		delete(want, m.Name)
		if !m.HasGuide || !m.Sample || !m.Guide.Sample {
			t.Errorf("%s: guide must be marked sample", m.Code)
		}
		required := 0
		for _, mat := range m.Guide.Materials {
			if mat.Required {
				required++
			}
		}
		if required == 0 {
			t.Errorf("%s: no required material", m.Code)
		}
	}
	if len(want) != 0 {
		t.Errorf("guides missing for %v", want)
	}
}

func TestSplitDepartments(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"省民政厅", "省民政厅"},
		{"省法院、检察院、公安厅", "省法院|省检察院|省公安厅"},
		{"省公安厅、税务局、郑州市政府", "省公安厅|省税务局|郑州市政府"},
		{"省税务局、人行郑州中心支行", "省税务局|人行郑州中心支行"},
		{" 省医保局 ，药监局", "省医保局|省药监局"},
	}
	for _, tt := range tests {
		if got := strings.Join(SplitDepartments(tt.in), "|"); got != tt.want {
			t.Errorf("SplitDepartments(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestMatterJSONShape(t *testing.T) {
	ms, err := National()
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(ms[82])
	if err != nil {
		t.Fatal(err)
	}
	var obj map[string]any
	if err := json.Unmarshal(b, &obj); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"code", "name", "scene", "leadDepartment", "cooperatingDepartments", "batch",
		"serviceModes", "deadlineNote", "hasGuide", "sample", "seq"} {
		if _, ok := obj[k]; !ok {
			t.Errorf("JSON lacks %q: %s", k, b)
		}
	}
	if _, ok := obj["mainItem"]; ok {
		t.Errorf("national matter has mainItem: %s", b)
	}
}

func TestKeywords(t *testing.T) {
	tests := []struct{ name, scene, want string }{
		{"社会保障卡申领", "申请人可异地申领社会保障卡", "社保卡"},
		{"门诊费用跨省直接结算", "凭社会保障卡直接结算", "|社保卡"},
		{"社保卡补办", "社会保障卡", ""},
		{"残疾人证新办", "基本医疗保险", "残疾证|医保"},
	}
	for _, tt := range tests {
		m := Matter{MatterSummary: MatterSummary{Name: tt.name, Scene: tt.scene}}
		if got := keywords(&m); got != tt.want {
			t.Errorf("keywords(%s) = %q, want %q", tt.name, got, tt.want)
		}
	}
}
