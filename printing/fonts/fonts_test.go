package fonts

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"tongban/printing/perr"
)

func TestBadFonts(t *testing.T) {
	dir := t.TempDir()
	notFont := filepath.Join(dir, "fake.ttf")
	os.WriteFile(notFont, []byte("this is not a font at all, just text"), 0o644)
	empty := filepath.Join(dir, "empty.ttf")
	os.WriteFile(empty, nil, 0o644)
	tests := []struct {
		name, path, code string
	}{
		{"missing", filepath.Join(dir, "nope.ttf"), perr.ENOTFOUND},
		{"not a font", notFont, perr.EINVALID},
		{"empty", empty, perr.EINVALID},
	}
	if _, err := os.Stat("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"); err == nil {
		tests = append(tests, struct{ name, path, code string }{"CFF collection", "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", perr.EINVALID})
	}
	for _, tt := range tests {
		_, err := Load(context.Background(), Config{Path: tt.path, NoSystem: true})
		if got := perr.Code(err); got != tt.code {
			t.Errorf("%s: code %q (%v), want %q", tt.name, got, err, tt.code)
		}
		if perr.Zh(err) == "打印模块内部错误，请联系管理员" {
			t.Errorf("%s: no Chinese message", tt.name)
		}
	}
	if _, err := Load(context.Background(), Config{NoSystem: true, DefaultDirs: []string{dir}}); perr.Code(err) != perr.ENOTFOUND {
		t.Errorf("no font anywhere: %v", err)
	}
}

func defaultFace(t *testing.T) (*Face, []byte) {
	t.Helper()
	b, err := os.ReadFile(DefaultFontFile)
	if err != nil {
		t.Skipf("default font missing (scripts/fetch-fonts.sh): %v", err)
	}
	f, err := Parse(b, DefaultFontFile, 0)
	if err != nil {
		t.Fatal(err)
	}
	return f, b
}

// TestCollectionExtract builds a two-face collection and extracts each face.
func TestCollectionExtract(t *testing.T) {
	f, b := defaultFace(t)
	ttc := makeTTC(t, b)
	for i := 0; i < 2; i++ {
		face, err := Parse(ttc, "test.ttc", i)
		if err != nil {
			t.Fatalf("face %d: %v", i, err)
		}
		if got, want := face.NumRunes(), f.NumRunes(); got != want {
			t.Errorf("face %d covers %d runes, want %d", i, got, want)
		}
		alone, err := ExtractFace(ttc, i)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Parse(alone, "alone", 0); err != nil {
			t.Fatalf("extracted face does not parse: %v", err)
		}
	}
	if _, err := Parse(ttc, "test.ttc", 2); perr.Code(err) != perr.EINVALID {
		t.Errorf("face 2 of 2: %v", err)
	}
}

// makeTTC wraps the same face twice in a TrueType collection.
func makeTTC(t *testing.T, font []byte) []byte {
	t.Helper()
	tables, err := readTables(font, 0)
	if err != nil {
		t.Fatal(err)
	}
	alone := buildFont(tables, true)
	hdr := make([]byte, 20)
	copy(hdr, "ttcf")
	hdr[5] = 1
	hdr[11] = 2
	out := append(hdr, alone...)
	// both faces share one directory; offsets inside it must be shifted
	dir := out[20:]
	n := int(dir[4])<<8 | int(dir[5])
	for i := 0; i < n; i++ {
		rec := dir[12+16*i:]
		off := uint32(rec[8])<<24 | uint32(rec[9])<<16 | uint32(rec[10])<<8 | uint32(rec[11])
		off += 20
		rec[8], rec[9], rec[10], rec[11] = byte(off>>24), byte(off>>16), byte(off>>8), byte(off)
	}
	out[15], out[19] = 20, 20
	return out
}

func TestInstanceMapsRareToPUA(t *testing.T) {
	f, _ := defaultFace(t)
	data, codes := f.Instance([]rune("受理䶮"))
	g, err := Parse(data, "inst", 0)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := g.NumRunes(), 3; got != want {
		t.Errorf("instance covers %d runes, want %d", got, want)
	}
	if codes['䶮'] != '䶮' {
		t.Errorf("BMP rune remapped")
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte("ttcf\x00\x01\x00\x00\x00\x00\x00\x01\x00\x00\x00\x10"))
	f.Add([]byte("\x00\x01\x00\x00\x00\x02\x00\x00\x00\x00\x00\x00cmap\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x10"))
	f.Add([]byte("OTTO"))
	f.Fuzz(func(t *testing.T, b []byte) {
		face, err := Parse(b, "fuzz", 0)
		if err == nil && face == nil {
			t.Fatal("nil face without error")
		}
	})
}
