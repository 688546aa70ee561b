package config_test

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"tongban/app/config"
	"tongban/app/errs"
)

func keys(ps []config.Problem) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.Key
	}
	return out
}

func TestLoadMissingFileGivesDefaults(t *testing.T) {
	s, ps := config.Load(filepath.Join(t.TempDir(), "nope.toml"))
	if len(ps) != 0 {
		t.Fatalf("problems = %v, want none", ps)
	}
	if got, want := s, config.Defaults(); !reflect.DeepEqual(got, want) {
		t.Fatalf("settings = %+v, want %+v", got, want)
	}
	if ps := config.Validate(config.Defaults()); len(ps) != 0 {
		t.Fatalf("defaults are invalid: %v", ps)
	}
}

func TestLoadGoodFile(t *testing.T) {
	const file = `
platformUrl = "https://tb.hnzwfw.gov.cn"
hotFolders = ['/srv/scan/in', 'D:\Scans']
idleLockMinutes = 5
language = "en"

[hall]
divisionCode = "410102"
name = "郑州市中原区政务服务中心"

[printers]
receipt = "EPSON-LQ"
waybill = "ZEBRA"

[backup]
intervalHours = 6
keep = 14
`
	s, ps := config.LoadBytes([]byte(file))
	require.Empty(t, ps)
	want := config.Settings{
		PlatformURL:     "https://tb.hnzwfw.gov.cn",
		Hall:            config.Hall{DivisionCode: "410102", Name: "郑州市中原区政务服务中心"},
		HotFolders:      []string{"/srv/scan/in", `D:\Scans`},
		Printers:        config.Printers{Receipt: "EPSON-LQ", Waybill: "ZEBRA"},
		IdleLockMinutes: 5,
		Backup:          config.Backup{IntervalHours: 6, Keep: 14},
		Language:        "en",
	}
	require.Equal(t, want, s)
}

func TestLoadBadValuesFallBackPerKey(t *testing.T) {
	tests := []struct {
		name     string
		file     string
		wantKeys []string
		check    func(t *testing.T, s config.Settings)
	}{
		{"bad division code", "[hall]\ndivisionCode = \"4101\"\nname = \"大厅\"\n", []string{"hall.divisionCode"},
			func(t *testing.T, s config.Settings) {
				if got, want := s.Hall.DivisionCode, ""; got != want {
					t.Fatalf("divisionCode = %q, want %q", got, want)
				}
				if got, want := s.Hall.Name, "大厅"; got != want {
					t.Fatalf("good sibling key lost: name = %q, want %q", got, want)
				}
			}},
		{"unknown province", "[hall]\ndivisionCode = \"990101\"\n", []string{"hall.divisionCode"}, nil},
		{"wrong type", "idleLockMinutes = \"ten\"\nlanguage = \"en\"\n", []string{"idleLockMinutes"},
			func(t *testing.T, s config.Settings) {
				if got, want := s.IdleLockMinutes, 10; got != want {
					t.Fatalf("idleLockMinutes = %d, want default %d", got, want)
				}
				if got, want := s.Language, "en"; got != want {
					t.Fatalf("language = %q, want %q", got, want)
				}
			}},
		{"out of range", "idleLockMinutes = 0\n[backup]\nintervalHours = 1000\nkeep = -1\n",
			[]string{"idleLockMinutes", "backup.intervalHours", "backup.keep"}, nil},
		{"huge number", "idleLockMinutes = 99999999999999\n", []string{"idleLockMinutes"}, nil},
		{"bad url", "platformUrl = \"ftp://x\"\n", []string{"platformUrl"}, nil},
		{"url with password", "platformUrl = \"https://u:p@x.cn\"\n", []string{"platformUrl"}, nil},
		{"bad language", "language = \"fr\"\n", []string{"language"}, nil},
		{"unknown key", "colour = \"red\"\n[hall]\nnmae = \"x\"\n", []string{"colour", "hall.nmae"}, nil},
		{"table expected", "hall = \"大厅\"\n", []string{"hall"}, nil},
		{"hot folders", "hotFolders = [\"/a\", \"rel/dir\", 3, \"/a\"]\n", []string{"hotFolders[2]", "hotFolders[1]", "hotFolders[2]"},
			func(t *testing.T, s config.Settings) {
				if got, want := s.HotFolders, []string{"/a"}; !reflect.DeepEqual(got, want) {
					t.Fatalf("hotFolders = %q, want %q", got, want)
				}
			}},
		{"control char", "[printers]\nreceipt = \"a\\u0007b\"\n", []string{"printers.receipt"}, nil},
		{"bad paper", "[papers]\nreceipt = \"roll80\"\nnotice = \"roll80\"\nwaybill = \"a5\"\n", []string{"papers.notice", "papers.waybill"},
			func(t *testing.T, s config.Settings) {
				if got, want := s.Papers, (config.Papers{Receipt: "roll80"}); got != want {
					t.Fatalf("papers = %+v, want %+v", got, want)
				}
			}},
		{"relative font path", "[printing]\nfontPath = \"fonts/simsun.ttc\"\ncourt = \"郑州市金水区人民法院\"\n", []string{"printing.fontPath"},
			func(t *testing.T, s config.Settings) {
				if got, want := s.Printing, (config.Printing{Court: "郑州市金水区人民法院"}); got != want {
					t.Fatalf("printing = %+v, want %+v", got, want)
				}
			}},
		{"unknown printing key", "[printing]\nfont = \"/x.ttf\"\n", []string{"printing.font"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, ps := config.LoadBytes([]byte(tt.file))
			if got := keys(ps); !reflect.DeepEqual(got, tt.wantKeys) {
				t.Fatalf("problem keys = %q, want %q (%v)", got, tt.wantKeys, ps)
			}
			for _, p := range ps {
				if p.Message == "" || p.Zh == "" {
					t.Fatalf("problem without message: %+v", p)
				}
			}
			if ps := config.Validate(s); len(ps) != 0 {
				t.Fatalf("Load returned invalid settings: %v", ps)
			}
			if tt.check != nil {
				tt.check(t, s)
			}
		})
	}
}

func TestLoadSyntaxErrorNamesLineAndKeepsGoodKeys(t *testing.T) {
	file := "language = \"en\"\nidleLockMinutes = = 3\n[backup]\nkeep = 3\n"
	s, ps := config.LoadBytes([]byte(file))
	require.Len(t, ps, 1)
	if got, want := ps[0].Line, 2; got != want {
		t.Fatalf("line = %d, want %d (%+v)", got, want, ps[0])
	}
	if !strings.Contains(ps[0].Zh, "第 2 行") {
		t.Fatalf("zh message does not name the line: %q", ps[0].Zh)
	}
	if got, want := s.Language, "en"; got != want {
		t.Fatalf("language = %q, want %q", got, want)
	}
	if got, want := s.Backup.Keep, 3; got != want {
		t.Fatalf("backup.keep = %d, want %d", got, want)
	}
	if got, want := s.IdleLockMinutes, 10; got != want {
		t.Fatalf("idleLockMinutes = %d, want default %d", got, want)
	}
}

func TestLoadSeveralSyntaxErrors(t *testing.T) {
	file := "language = \"en\"\nidleLockMinutes = = 3\n[backup\nkeep = 3\nplatformUrl = \"x"
	s, ps := config.LoadBytes([]byte(file))
	var lines []int
	for _, p := range ps {
		if p.Line > 0 {
			lines = append(lines, p.Line)
		}
	}
	require.Equal(t, []int{2, 3, 5}, lines, "%+v", ps)
	require.Equal(t, "en", s.Language)
	require.Contains(t, keys(ps), "keep", "key orphaned by the broken table header must be reported")
}

func TestLoadGarbageAndBOM(t *testing.T) {
	_, ps := config.LoadBytes([]byte("\x00\x01\x02PK garbage ]]] \"unterminated"))
	require.NotEmpty(t, ps)
	s, ps := config.LoadBytes([]byte("\xef\xbb\xbflanguage = \"en\"\n"))
	require.Empty(t, ps)
	if got, want := s.Language, "en"; got != want {
		t.Fatalf("language after BOM = %q, want %q", got, want)
	}
}

func TestLoadUnreadable(t *testing.T) {
	dir := t.TempDir()
	s, ps := config.Load(dir) // a directory, not a file
	require.Len(t, ps, 1)
	require.Equal(t, config.Defaults(), s)
}

func TestSaveRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "tongban.toml")
	want := config.Defaults()
	want.PlatformURL = "http://127.0.0.1:8443"
	want.Hall = config.Hall{DivisionCode: "411502", Name: "信阳市浉河区\"跨省通办\"窗口"}
	want.HotFolders = []string{`C:\Scan`, "/home/clerk/scan"}
	want.Printers.Notice = "HP LaserJet"
	want.Papers = config.Papers{Receipt: "roll80", Waybill: "76x130"}
	want.Printing = config.Printing{FontPath: `C:\Windows\Fonts\simsun.ttc`, ReviewOrgan: "郑州市金水区人民政府", Court: "郑州市金水区人民法院"}
	require.NoError(t, config.Save(path, want))
	got, ps := config.Load(path)
	require.Empty(t, ps)
	require.Equal(t, want, got)
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(string(b), "# 通办工作台设置文件"))
	ents, err := os.ReadDir(filepath.Dir(path))
	require.NoError(t, err)
	if got, want := len(ents), 1; got != want {
		t.Fatalf("files in dir = %d, want %d (temp file left behind?)", got, want)
	}
}

func TestSaveRefusesInvalid(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tongban.toml")
	good := config.Defaults()
	require.NoError(t, config.Save(path, good))
	before, _ := os.ReadFile(path)

	bad := good
	bad.Hall.DivisionCode = "12345X"
	bad.Backup.Keep = 0
	err := config.Save(path, bad)
	if got, want := errs.Code(err), errs.EINVALID; got != want {
		t.Fatalf("code = %q, want %q", got, want)
	}
	var e *errs.Error
	require.ErrorAs(t, err, &e)
	if got, want := e.Field, "hall.divisionCode"; got != want {
		t.Fatalf("field = %q, want %q", got, want)
	}
	require.Contains(t, e.Message, "backup.keep")
	require.Contains(t, e.Zh, "行政区划代码")
	after, _ := os.ReadFile(path)
	require.Equal(t, before, after, "file changed by a refused save")
}

func FuzzLoadBytes(f *testing.F) {
	seeds := []string{
		"",
		"language = \"en\"",
		"[hall]\ndivisionCode = \"410102\"\nname = \"大厅\"\n",
		"hotFolders = [\"/a\", 1, [2]]\n",
		"idleLockMinutes = 1e9\n[backup]\nkeep = true\n",
		"a = \"\"\"\nmulti\n",
		"[[hall]]\nname = 1\n",
		"platformUrl = 2021-01-01T00:00:00Z\n",
		"[printers\nreceipt = \"x\"\n",
		"\xef\xbb\xbf# comment only\n",
		"[papers]\nreceipt = \"roll80\"\nwaybill = 76\n[printing]\nfontPath = \"C:\\\\Windows\\\\Fonts\\\\simsun.ttc\"\ncourt = [1]\n",
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		s, ps := config.LoadBytes(b)
		if vps := config.Validate(s); len(vps) != 0 {
			t.Fatalf("LoadBytes returned invalid settings %+v: %v", s, vps)
		}
		for _, p := range ps {
			if p.Message == "" || p.Zh == "" {
				t.Fatalf("problem without message: %+v", p)
			}
		}
	})
}

func TestScanSettings(t *testing.T) {
	t.Run("good", func(t *testing.T) {
		s, ps := config.LoadBytes([]byte(`hotFolders = ["/srv/scan/a", "/mnt/share/scan"]
[scan]
pollFolders = ["/mnt/share/scan"]
maxLongEdge = 2000
jpegQuality = 80
discardOriginal = true
`))
		if len(ps) != 0 {
			t.Fatalf("problems: %+v", ps)
		}
		want := config.Scan{PollFolders: []string{"/mnt/share/scan"}, MaxLongEdge: 2000, JPEGQuality: 80, DiscardOriginal: true}
		if got := s.Scan; got.MaxLongEdge != want.MaxLongEdge || got.JPEGQuality != want.JPEGQuality ||
			got.DiscardOriginal != want.DiscardOriginal || len(got.PollFolders) != 1 || got.PollFolders[0] != want.PollFolders[0] {
			t.Fatalf("scan = %+v, want %+v", got, want)
		}
	})
	t.Run("bad values fall back and are named", func(t *testing.T) {
		s, ps := config.LoadBytes([]byte(`hotFolders = ["/srv/scan/a"]
[scan]
pollFolders = ["/not/a/hot/folder"]
maxLongEdge = -5
jpegQuality = 300
discardOriginal = "yes"
`))
		keys := map[string]bool{}
		for _, p := range ps {
			keys[p.Key] = true
			if p.Zh == "" {
				t.Errorf("problem %s has no Chinese message", p.Key)
			}
		}
		for _, k := range []string{"scan.pollFolders[0]", "scan.maxLongEdge", "scan.jpegQuality", "scan.discardOriginal"} {
			if !keys[k] {
				t.Errorf("no problem named %s; got %v", k, keys)
			}
		}
		if s.Scan.MaxLongEdge != 0 || s.Scan.JPEGQuality != 0 || s.Scan.DiscardOriginal || len(s.Scan.PollFolders) != 0 {
			t.Fatalf("bad scan values kept: %+v", s.Scan)
		}
	})
}
