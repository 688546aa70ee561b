package catalog

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// allCols maps every Annex 2 column in the seed's order (A..K).
var allCols = columns{colSeq: 0, colMain: 1, colSub: 2, colHandling: 3, colType: 4, colLevel: 5,
	colModes: 6, colSystem: 7, colScene: 8, colYushiban: 9, colRemark: 10}

func TestParseRow(t *testing.T) {
	good := []string{"1", "事项甲", "子项", "", "公共服务", "省级", "全程网办、异地代收代办", "系统", "场景", "是", ""}
	with := func(j int, v string) []string {
		c := append([]string{}, good...)
		c[j] = v
		return c
	}
	tests := []struct {
		name   string
		cells  []string
		ok     bool
		column string // of the first problem
	}{
		{"good", good, true, ""},
		{"blank", []string{"7"}, false, ""},
		{"missing name", with(1, ""), false, "B（事项名称（主项））"},
		{"unknown mode", with(6, "全程网办、到家办"), false, "G（通办业务模式）"},
		{"empty mode", with(6, " 、 "), false, "G（通办业务模式）"},
		{"bad yes/no", with(9, "可以"), false, "J（是否可在“豫事办”办理）"},
		{"bad seq", with(0, "一"), false, "A（序号）"},
		{"no type", with(4, ""), false, "E（事项类型）"},
		{"no scene", with(8, ""), false, "I（应用场景）"},
		{"short row", good[:6], false, "G（通办业务模式）"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, probs, ok := parseRow(allCols, "S", 9, tt.cells)
			if got, want := ok, tt.ok; got != want {
				t.Fatalf("ok = %v, want %v (problems %v)", got, want, probs)
			}
			if tt.ok {
				if got, want := m.Name, "事项甲-子项"; got != want {
					t.Errorf("name = %q, want %q", got, want)
				}
				if got, want := len(m.ServiceModes), 2; got != want {
					t.Errorf("modes = %v", m.ServiceModes)
				}
				if m.Yushiban == nil || !*m.Yushiban {
					t.Errorf("yushiban = %v, want true", m.Yushiban)
				}
				return
			}
			if tt.column == "" {
				if len(probs) != 0 {
					t.Errorf("blank row gave problems %v", probs)
				}
				return
			}
			if len(probs) == 0 {
				t.Fatal("no problem reported")
			}
			if got, want := probs[0].Column, tt.column; got != want {
				t.Errorf("column = %q, want %q (%v)", got, want, probs)
			}
			if got, want := probs[0].Row, 9; got != want {
				t.Errorf("row = %d, want %d", got, want)
			}
		})
	}
}

func TestParseModes(t *testing.T) {
	tests := []struct {
		in   string
		want string
		ok   bool
	}{
		{"全程网办", "全程网办", true},
		{"全程网办、异地代收代办", "全程网办|异地代收代办", true},
		{"多地联办，自助通办,全程网办", "多地联办|自助通办|全程网办", true},
		{"“全程网办”", "全程网办", true},
		{"全程网办、全程网办", "全程网办", true},
		{"", "", false},
		{"网上办", "", false},
	}
	for _, tt := range tests {
		got, reason := ParseModes(tt.in)
		if (reason == "") != tt.ok {
			t.Errorf("ParseModes(%q) reason = %q", tt.in, reason)
		}
		if s := strings.Join(modeStrings(got), "|"); s != tt.want {
			t.Errorf("ParseModes(%q) = %q, want %q", tt.in, s, tt.want)
		}
	}
}

// FuzzParseRow: any row either parses into a valid matter or reports
// problems with Chinese reasons; it never panics.
func FuzzParseRow(f *testing.F) {
	f.Add("1", "事项甲", "子项", "公共服务", "省级", "全程网办、异地代收代办", "场景", "是")
	f.Add("", "", "", "", "", "", "", "")
	f.Add("2.0", "x", "", "t", "l", "多地联办，，", "s", "否")
	f.Add("-3", "\x00", "\u3000", "t", "l", "自助通办/全程网办", "s", "是 ")
	f.Fuzz(func(t *testing.T, seq, main, sub, typ, level, modes, scene, ysb string) {
		cells := []string{seq, main, sub, "", typ, level, modes, "", scene, ysb, ""}
		m, probs, ok := parseRow(allCols, "S", 6, cells)
		if ok {
			if len(probs) != 0 {
				t.Fatalf("ok with problems %v", probs)
			}
			if err := m.validate(); err != nil {
				t.Fatalf("parsed matter invalid: %v", err)
			}
			if m.Batch != BatchProvincial || m.Yushiban == nil {
				t.Fatalf("bad matter %+v", m)
			}
			return
		}
		for _, p := range probs {
			if p.Reason == "" || !utf8.ValidString(p.Reason) || p.Row != 6 {
				t.Fatalf("bad problem %+v", p)
			}
		}
	})
}
