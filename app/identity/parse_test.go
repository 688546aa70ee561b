package identity

import (
	"strings"
	"testing"
	"time"

	"tongban/app/errs"
)

var now = time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)

// withCheck appends the correct check digit to a 17-digit body.
func withCheck(body string) string { return body + string(CheckDigit(body)) }

func TestCheckDigitKnownExamples(t *testing.T) {
	// The examples printed in GB 11643-1999.
	for _, id := range []string{"11010519491231002X", "440524188001010014"} {
		if got, want := CheckDigit(id), id[17]; got != want {
			t.Errorf("CheckDigit(%s) = %c, want %c", id, got, want)
		}
	}
}

func TestParseValid(t *testing.T) {
	henan := withCheck("41010519900307123")
	tests := []struct {
		name, raw string
		typ       DocType
		number    string
		birth     string
		sex       Sex
		region    string
		warnings  int
		country   string
	}{
		{"standard example", "11010519491231002X", DocResident, "11010519491231002X", "1949-12-31", Female, "北京市", 0, ""},
		{"lower-case x", "11010519491231002x", DocResident, "11010519491231002X", "1949-12-31", Female, "北京市", 0, ""},
		{"henan prefecture named", henan, DocResident, henan, "1990-03-07", Male, "河南省郑州市", 0, ""},
		{"full-width digits", full(henan), DocResident, henan, "1990-03-07", Male, "河南省郑州市", 0, ""},
		{"spaces and line breaks", " 410105 1990\r\n0307 " + henan[14:] + "\n", DocResident, henan, "1990-03-07", Male, "河南省郑州市", 0, ""},
		{"ideographic space and zero width", "410105\u30001990\u200b0307" + henan[14:], DocResident, henan, "1990-03-07", Male, "河南省郑州市", 0, ""},
		{"unknown address code warns", withCheck("00010519900307123"), DocResident, withCheck("00010519900307123"), "1990-03-07", Male, "", 1, ""},
		{"leap day", withCheck("41010520000229002"), DocResident, withCheck("41010520000229002"), "2000-02-29", Female, "河南省郑州市", 0, ""},
		{"hong kong permit", withCheck("81000019900101001"), DocHMTPermit, withCheck("81000019900101001"), "1990-01-01", Male, "香港居民", 0, ""},
		{"macao permit", withCheck("82000019851111002"), DocHMTPermit, withCheck("82000019851111002"), "1985-11-11", Female, "澳门居民", 0, ""},
		{"taiwan permit", withCheck("83000019700615003"), DocHMTPermit, withCheck("83000019700615003"), "1970-06-15", Male, "台湾居民", 0, ""},
		{"foreigner 2023", withCheck("94184019800101001"), DocForeignPermanent, withCheck("94184019800101001"), "1980-01-01", Male, "河南省", 0, "840"},
		{"foreigner old", "usa410080010112", DocForeignPermanentOld, "USA410080010112", "", "", "河南省", 0, "USA"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := Parse(tt.raw, now)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.raw, err)
			}
			if got, want := d.Type, tt.typ; got != want {
				t.Errorf("type = %s, want %s", got, want)
			}
			if got, want := d.Number, tt.number; got != want {
				t.Errorf("number = %s, want %s", got, want)
			}
			if tt.typ != DocForeignPermanentOld {
				if got, want := d.BirthDate, tt.birth; got != want {
					t.Errorf("birth = %s, want %s", got, want)
				}
				if got, want := d.Sex, tt.sex; got != want {
					t.Errorf("sex = %s, want %s", got, want)
				}
			}
			if got, want := d.RegionName, tt.region; got != want {
				t.Errorf("region = %q, want %q", got, want)
			}
			if got, want := len(d.Warnings), tt.warnings; got != want {
				t.Errorf("warnings = %v, want %d", d.Warnings, want)
			}
			if got, want := d.Country, tt.country; got != want {
				t.Errorf("country = %q, want %q", got, want)
			}
		})
	}
}

func TestParseOldForeignBirth(t *testing.T) {
	// YYMMDD at positions 8–13: 800101 → 1980 (2080 is in the future).
	d, err := Parse("KOR110080010152", now)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := d.BirthDate, "1980-01-01"; got != want {
		t.Errorf("birth = %s, want %s", got, want)
	}
	d, err = Parse("KOR110089999952", now)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(d.Warnings), 1; got != want {
		t.Errorf("warnings = %v, want 1 (unreadable birth date)", d.Warnings)
	}
}

func full(s string) string {
	var b strings.Builder
	for _, r := range s {
		b.WriteRune(r + 0xFEE0)
	}
	return b.String()
}

func TestParseRejects(t *testing.T) {
	good := withCheck("41010519900307123")
	wrongCheck := good[:17] + string("0123456789X"[(strings.IndexByte("0123456789X", good[17])+1)%11])
	swapped := good[:14] + string(good[15]) + string(good[14]) + good[16:] // adjacent digits of the sequence swapped
	tests := []struct {
		name, raw, wantZh string
	}{
		{"empty", "", "请输入证件号码"},
		{"only spaces", " \n\t", "请输入证件号码"},
		{"17 characters", good[:17], "少了 1 位"},
		{"19 characters", good + "1", "多了 1 位"},
		{"10 characters", good[:10], "少了 8 位"},
		{"wrong check digit", wrongCheck, "校验位不符"},
		{"swapped digits", swapped, "校验位不符"},
		{"30 February", withCheck("41010519900230123"), "不存在（1990年2月只有 28 天）"},
		{"29 February non-leap", withCheck("41010519000229123"), "只有 28 天"},
		{"month 13", withCheck("41010519901301123"), "没有 13 月"},
		{"day 00", withCheck("41010519900100123"), "不存在"},
		{"future birth date", withCheck("41010520270101123"), "晚于今天"},
		{"tomorrow", withCheck("41010520261205123"), "晚于今天"},
		{"absurdly old", withCheck("41010518500101123"), "超过 130 年"},
		{"letter inside", "4101051990O307" + good[14:], "第 11 位“O”不是数字"},
		{"bad last char", good[:17] + "Y", "最后一位“Y”无效"},
		{"chinese text", "身份证410105", "无法识别的字符"},
		{"first generation 15 digits", "410105900307123", "第一代"},
		{"old foreigner card with letter in digits", "USA41008001011A", "不是数字"},
		{"hk permit wrong check", withCheck("81000019900101001")[:17] + "Z", "最后一位"},
		{"foreigner 2023 17 chars", withCheck("94184019800101001")[:17], "少了 1 位"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(tt.raw, now)
			if err == nil {
				t.Fatalf("Parse(%q) succeeded, want error", tt.raw)
			}
			if got, want := errs.Code(err), errs.EINVALID; got != want {
				t.Errorf("code = %s, want %s", got, want)
			}
			if got := errs.Zh(err); !strings.Contains(got, tt.wantZh) {
				t.Errorf("zh = %q, want it to contain %q", got, tt.wantZh)
			}
		})
	}
}

func TestParseAsTypeMismatch(t *testing.T) {
	_, err := ParseAs(DocHMTPermit, "11010519491231002X", "", now)
	if got := errs.Zh(err); !strings.Contains(got, "不符") {
		t.Fatalf("zh = %q, want type mismatch", got)
	}
}

func TestParsePassport(t *testing.T) {
	d, err := ParsePassport(" e1234 5678 ", "usa")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := d.Number+"/"+d.Country, "E12345678/USA"; got != want {
		t.Errorf("passport = %s, want %s", got, want)
	}
	for _, tt := range []struct{ n, c, zh string }{
		{"", "USA", "请输入护照号码"},
		{"E12", "USA", "5–20 位"},
		{"E1234-5678", "USA", "只能包含字母和数字"},
		{"E12345678", "", "签发国家"},
		{"E12345678", "美国", "签发国家"},
	} {
		_, err := ParsePassport(tt.n, tt.c)
		if got := errs.Zh(err); !strings.Contains(got, tt.zh) {
			t.Errorf("ParsePassport(%q,%q) zh = %q, want %q", tt.n, tt.c, got, tt.zh)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"11010519491231002X", "11010519491231002x", "４１０１０５", "410105 1990\n0307", "USA410080010112",
		"81000019900101001", "9418401980010100", "", "\x00\xff", "身份证", "410105900307123"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		d, err := Parse(raw, now)
		if err != nil {
			if errs.Code(err) != errs.EINVALID || errs.Zh(err) == "" {
				t.Fatalf("Parse(%q) error without code/zh: %v", raw, err)
			}
			return
		}
		// A success is canonical and stable: parsing the canonical form again
		// gives the same document.
		again, err := Parse(d.Number, now)
		if err != nil || again.Number != d.Number || again.Type != d.Type {
			t.Fatalf("Parse(%q) = %+v, reparse = %+v, %v", raw, d, again, err)
		}
		if len(d.Number) == 18 && CheckDigit(d.Number) != d.Number[17] {
			t.Fatalf("accepted %q with wrong check digit", d.Number)
		}
		if m := MaskID(d.Number); strings.Contains(m, d.Number[6:len(d.Number)-4]) && len(d.Number) >= 14 {
			t.Fatalf("mask %q leaks the middle of %q", m, d.Number)
		}
	})
}
