package cases

import (
	"strings"
	"testing"

	"tongban/app/errs"
)

func TestCleanName(t *testing.T) {
	for _, tt := range []struct{ in, want, zh string }{
		{"䶮", "䶮", ""},
		{"张𠮷", "张𠮷", ""},
		{"王𪚥", "王𪚥", ""},
		{"  买买提•艾力 ", "买买提·艾力", ""},
		{"阿依古丽・买买提", "阿依古丽·买买提", ""},
		{"John  O'Neil-Smith", "John O'Neil-Smith", ""},
		{"", "", "请填写姓名"},
		{strings.Repeat("𠮷", MaxName+1), "", "姓名过长（51 个字"},
		{"张三😀", "", "不能含有“😀”"},
		{"张3", "", "不能含有“3”"},
		{"·张三", "", "间隔号"},
		{"张\x00三", "", "不能含有"},
		{"张\xff", "", "无法识别"},
	} {
		got, err := CleanName("name", tt.in)
		if tt.zh != "" {
			if err == nil || errs.Code(err) != errs.EINVALID || !strings.Contains(errs.Zh(err), tt.zh) {
				t.Errorf("CleanName(%q) = %q, %v; want error %q", tt.in, got, err, tt.zh)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("CleanName(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

func TestCleanText(t *testing.T) {
	got, err := CleanText("reason", "理由", " 材料不清晰 😅\r\n请重交\x07 ", MaxReason)
	if err != nil || got != "材料不清晰 😅\n请重交" {
		t.Fatalf("CleanText = %q, %v", got, err)
	}
	if _, err := CleanText("reason", "理由", strings.Repeat("😅", MaxReason+1), MaxReason); !strings.Contains(errs.Zh(err), "理由过长") {
		t.Fatalf("over-long: %v", err)
	}
}

func TestCleanPhone(t *testing.T) {
	for _, tt := range []struct{ in, want, zh string }{
		{"138 1234 5678", "13812345678", ""},
		{"１３８１２３４５６７８", "13812345678", ""},
		{"0371-63012345", "037163012345", ""},
		{"+852 9123 4567", "+85291234567", ""},
		{"", "", "请填写"},
		{"12812345678", "", "第二位"},
		{"123", "", "位数"},
		{"138abc", "", "只能包含数字"},
	} {
		got, err := CleanPhone("phone", tt.in)
		if tt.zh != "" {
			if !strings.Contains(errs.Zh(err), tt.zh) {
				t.Errorf("CleanPhone(%q) = %q, %v; want %q", tt.in, got, err, tt.zh)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("CleanPhone(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

func FuzzCleanName(f *testing.F) {
	for _, s := range []string{"䶮", "买买提·艾力", "John O'Neil", "😀", "\xff", "··", " a  b "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := CleanName("name", s)
		if err != nil {
			if errs.Zh(err) == "" || errs.Code(err) != errs.EINVALID {
				t.Fatalf("error without message: %v", err)
			}
			return
		}
		again, err := CleanName("name", got)
		if err != nil || again != got {
			t.Fatalf("not idempotent: %q → %q → %q, %v", s, got, again, err)
		}
	})
}

func FuzzCleanPhone(f *testing.F) {
	for _, s := range []string{"13812345678", "+852 9123 4567", "0371-63012345", "１３８", "", "+"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := CleanPhone("phone", s)
		if err != nil {
			return
		}
		again, err := CleanPhone("phone", got)
		if err != nil || again != got {
			t.Fatalf("not idempotent: %q → %q → %q, %v", s, got, again, err)
		}
	})
}
