package printing

import (
	"errors"
	"strings"
	"testing"
)

func errorsAs(err error, target any) bool { return errors.As(err, target) }

func width1(r rune) float64 {
	if r < 0x80 {
		return 0.5
	}
	return 1
}

func TestWrapKeepsEveryRune(t *testing.T) {
	tests := []struct {
		text string
		w    float64
		want []string
	}{
		{"一二三四五六", 3, []string{"一二三", "四五六"}},
		{"一二，三四", 2, []string{"一", "二，", "三四"}},   // no line starts with ，
		{"一（二三", 2, []string{"一", "（二", "三"}},     // no line ends with （
		{"ab cdef", 2, []string{"ab ", "cdef"}},   // a word is kept whole
		{"abcdefgh", 2, []string{"abcd", "efgh"}}, // too long: hard break
		{"一\n\n二", 5, []string{"一", "", "二"}},
		{"", 3, []string{""}},
		{"𠮷𪚥䶮", 1, []string{"𠮷", "𪚥", "䶮"}},
	}
	for _, tt := range tests {
		lines := wrap([]rune(tt.text), width1, tt.w)
		var got []string
		for _, l := range lines {
			got = append(got, string(l))
		}
		if strings.Join(got, "|") != strings.Join(tt.want, "|") {
			t.Errorf("wrap(%q, %v) = %q, want %q", tt.text, tt.w, got, tt.want)
		}
	}
}

func FuzzWrap(f *testing.F) {
	f.Add("河南省郑州市，金水区（花园路）“跨省通办”、abc def", 3.0)
	f.Add(addr200, 7.5)
	f.Fuzz(func(t *testing.T, s string, w float64) {
		if w < 1 || w > 1000 {
			return
		}
		rs := []rune(s)
		lines := wrap(rs, width1, w)
		var b strings.Builder
		for _, l := range lines {
			b.WriteString(string(l))
			lw := 0.0
			for _, r := range l {
				lw += width1(r)
			}
			if lw > w && len(l) > 1 {
				t.Fatalf("line %q wider than %v", string(l), w)
			}
		}
		if got, want := b.String(), strings.ReplaceAll(string(rs), "\n", ""); got != want {
			t.Fatalf("runes lost or repeated:\n got %q\nwant %q", got, want)
		}
	})
}
