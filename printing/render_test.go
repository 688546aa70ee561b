package printing

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"tongban/printing/perr"
)

func need(t *testing.T, bins ...string) {
	t.Helper()
	for _, b := range bins {
		if _, err := exec.LookPath(b); err != nil {
			if os.Getenv("CI") != "" {
				t.Fatalf("%s missing (apt-get install poppler-utils zbar-tools)", b)
			}
			t.Skipf("%s missing", b)
		}
	}
}

func strip(s string) string {
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '\n' || r == '\r' || r == '\f' || r == '\u3000' {
			return -1
		}
		return r
	}, s)
}

// textIn extracts the text inside rect (mm) of page with pdftotext.
func textIn(t *testing.T, pdf string, page int, x, y, w, h float64) string {
	t.Helper()
	k := 72 / 25.4
	args := []string{"-layout", "-f", fmt.Sprint(page), "-l", fmt.Sprint(page), "-x", fmt.Sprint(int(x*k - 1)), "-y", fmt.Sprint(int(y*k - 1)),
		"-W", fmt.Sprint(int(w*k + 3)), "-H", fmt.Sprint(int(h*k + 3)), pdf, "-"}
	out, err := exec.Command("pdftotext", args...).Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}

func renderAll(t *testing.T) map[string]*Output {
	t.Helper()
	r := NewRenderer(testFonts(t))
	outs := map[string]*Output{}
	for name, d := range fixtures() {
		out, err := r.Render(context.Background(), d, paperOf(name, d))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		outs[name] = out
	}
	return outs
}

// TestRoundTrip turns every document back into text, box by box, and
// compares it with what was laid out; and checks that every input value
// was laid out in full.
func TestRoundTrip(t *testing.T) {
	need(t, "pdftotext")
	dir := t.TempDir()
	for name, out := range renderAll(t) {
		t.Run(name, func(t *testing.T) {
			p := filepath.Join(dir, name+".pdf")
			if err := os.WriteFile(p, out.PDF, 0o644); err != nil {
				t.Fatal(err)
			}
			var all strings.Builder
			for _, pl := range out.Placed {
				if pl.Text == "" || pl.Kind == "qr" {
					continue
				}
				all.WriteString(pl.Text)
				y, h := pl.Y, pl.H
				got := strip(textIn(t, p, pl.Page, pl.X, y, pl.W, h))
				if want := strip(pl.Text); got != want {
					t.Errorf("page %d box %s:\n got %q\nwant %q", pl.Page, pl.Box, got, want)
				}
			}
			laid := strip(strings.ReplaceAll(all.String(), "\n", ""))
			ct, _ := fixtures()[name].Content()
			tpl, _ := LoadTemplate(fixtures()[name].Kind(), paperOf(name, fixtures()[name]))
			used := ""
			for _, b := range tpl.Boxes {
				used += b.Text
			}
			for k, v := range ct.Fields {
				if v != "" && strings.Contains(used, "{"+k+"}") && !strings.Contains(laid, strip(v)) {
					t.Errorf("field %s=%q not laid out in full", k, v)
				}
			}
			for _, rows := range ct.Tables {
				for _, row := range rows {
					for _, c := range row {
						if !strings.Contains(laid, strip(c)) {
							t.Errorf("cell %q not laid out", c)
						}
					}
				}
			}
		})
	}
}

// TestInk renders pages and checks no ink falls outside the boxes or
// within 2 mm of the page edge.
func TestInk(t *testing.T) {
	need(t, "pdftoppm")
	dir := t.TempDir()
	const dpi = 50.0
	for name, out := range renderAll(t) {
		p := filepath.Join(dir, name+".pdf")
		os.WriteFile(p, out.PDF, 0o644)
		if err := exec.Command("pdftoppm", "-r", fmt.Sprint(dpi), "-gray", "-png", p, filepath.Join(dir, name)).Run(); err != nil {
			t.Fatal(err)
		}
		for page := 1; page <= out.Pages; page++ {
			img := readPNG(t, pageFile(dir, name, page, out.Pages))
			px := dpi / 25.4
			b := img.Bounds()
			if got, want := b.Dx(), int(out.Width*px+0.5); got < want-1 || got > want+1 {
				t.Fatalf("%s page width %d px, want %d", name, got, want)
			}
			bad := 0
			for y := b.Min.Y; y < b.Max.Y; y++ {
				for x := b.Min.X; x < b.Max.X; x++ {
					if g, _, _, _ := img.At(x, y).RGBA(); g > 0xB000 {
						continue
					}
					mx, my := float64(x)/px, float64(y)/px
					if mx < 1.5 || my < 1.5 || mx > out.Width-1.5 || my > out.Height-1.5 {
						if !(name[:7] == "waybill" && my > 95 && my < 98) { // the cut line runs edge to edge
							bad++
							continue
						}
					}
					inside := false
					for _, pl := range out.Placed {
						if pl.Page == page && mx >= pl.X-0.6 && mx <= pl.X+pl.W+0.6 && my >= pl.Y-0.6 && my <= pl.Y+pl.H+0.6 {
							inside = true
							break
						}
					}
					if !inside {
						bad++
					}
				}
			}
			if bad > 0 {
				t.Errorf("%s page %d: %d dark pixels outside boxes", name, page, bad)
			}
		}
	}
}

func pageFile(dir, name string, page, pages int) string {
	width := len(fmt.Sprint(pages))
	return filepath.Join(dir, fmt.Sprintf("%s-%0*d.png", name, width, page))
}

func readPNG(t *testing.T, p string) image.Image {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// TestBarcodes decodes QR and Code128 with zbarimg.
func TestBarcodes(t *testing.T) {
	need(t, "pdftoppm", "zbarimg")
	dir := t.TempDir()
	for name, out := range renderAll(t) {
		p := filepath.Join(dir, name+".pdf")
		os.WriteFile(p, out.PDF, 0o644)
		if err := exec.Command("pdftoppm", "-r", "300", "-gray", "-png", "-f", "1", "-l", "1", p, filepath.Join(dir, name)).Run(); err != nil {
			t.Fatal(err)
		}
		res, _ := exec.Command("zbarimg", "-q", pageFile(dir, name, 1, out.Pages)).Output()
		got := string(res)
		ct, _ := fixtures()[name].Content()
		for _, want := range []string{"QR-Code:" + ct.QR, "CODE-128:" + ct.Barcode} {
			if !strings.Contains(got, want+"\n") {
				t.Errorf("%s: zbarimg did not find %q in %q", name, want, got)
			}
		}
	}
}

func TestRenderErrors(t *testing.T) {
	r := NewRenderer(testFonts(t))
	ctx := context.Background()
	tests := []struct {
		name string
		doc  Document
		code string
	}{
		{"no hall", Receipt{Case: CaseNo{Number: "A1"}, Matter: "m", VerifyCode: "v"}, perr.EINVALID},
		{"chinese case number", Receipt{Meta: meta(), Case: CaseNo{Number: "受理1"}, Matter: "m", VerifyCode: "v"}, perr.EINVALID},
		{"control char", Receipt{Meta: meta(), Case: CaseNo{Number: "A1"}, Matter: "m\x00", VerifyCode: "v"}, perr.EINVALID},
		{"no glyph", Receipt{Meta: meta(), Case: CaseNo{Number: "A1"}, Matter: "\U0001F600", VerifyCode: "v"}, perr.EINVALID},
		{"too long", Receipt{Meta: meta(), Case: CaseNo{Number: "A1"}, Matter: strings.Repeat(addr200, 10), VerifyCode: "v"}, perr.EINVALID},
		{"refusal without remedies", RefusalNotice{Meta: meta(), Case: CaseNo{Number: "A1"}, Reasons: []string{"x"}, VerifyCode: "v"}, perr.EINVALID},
		{"notice without date", SupplementNotice{Meta: Meta{Hall: "h"}, Case: CaseNo{Number: "A1"}, Items: []SupplementItem{{Material: "x"}}, VerifyCode: "v"}, perr.EINVALID},
	}
	for _, tt := range tests {
		_, err := r.Render(ctx, tt.doc, PaperA4)
		if got := perr.Code(err); got != tt.code {
			t.Errorf("%s: code %q (%v), want %q", tt.name, got, err, tt.code)
		}
		if err != nil && perr.Zh(err) == "打印模块内部错误，请联系管理员" {
			t.Errorf("%s: no Chinese message", tt.name)
		}
	}
	if _, err := r.Render(ctx, Receipt{}, PaperWaybill); perr.Code(err) != perr.ENOTFOUND {
		t.Errorf("receipt on waybill paper: %v", err)
	}
}

func TestRollReceiptAndBatch(t *testing.T) {
	r := NewRenderer(testFonts(t))
	d := fixtures()["receipt"]
	out, err := r.Render(context.Background(), d, PaperRoll80)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := out.Width, 80.0; got != want {
		t.Errorf("roll width %v, want %v", got, want)
	}
	w := fixtures()["waybill-100x150"]
	batch, err := r.RenderBatch(context.Background(), []Document{w, w, w}, PaperWaybill)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := batch.Pages, 3; got != want {
		t.Errorf("batch pages %d, want %d", got, want)
	}
}

func TestManifestPaginates(t *testing.T) {
	out, err := NewRenderer(testFonts(t)).Render(context.Background(), fixtures()["manifest"], PaperA4)
	if err != nil {
		t.Fatal(err)
	}
	rows := 0
	for _, pl := range out.Placed {
		if strings.HasPrefix(pl.Box, "items[") && strings.HasSuffix(pl.Box, "][1]") && !strings.HasPrefix(pl.Box, "items[h]") {
			rows++
		}
	}
	if got, want := rows, 45; got != want {
		t.Errorf("rows laid out %d, want %d", got, want)
	}
	if out.Pages < 2 {
		t.Errorf("45 rows on %d page(s), want a continuation page", out.Pages)
	}
}

func TestReceiptSize(t *testing.T) {
	out, err := NewRenderer(testFonts(t)).Render(context.Background(), fixtures()["receipt"], PaperA4)
	if err != nil {
		t.Fatal(err)
	}
	if got := len(out.PDF); got > 80*1024 {
		t.Errorf("receipt PDF is %d bytes, want <= 80 KB (font not subset?)", got)
	}
}

func FuzzReceipt(f *testing.F) {
	f.Add("张三", "41010519900307123X", "户口迁移", addr200, "原件", "TB1", "K7")
	f.Add(rare, "", "", "", "", "X", "")
	f.Add("a\nb", "1", "“”‘’、。", "\t", "𠮷", "A-1", "0")
	fs := testFonts(f)
	r := NewRenderer(fs)
	f.Fuzz(func(t *testing.T, name, id, matter, addr, material, caseNo, verify string) {
		d := Receipt{Meta: meta(), Case: CaseNo{Number: caseNo}, Matter: matter, VerifyCode: verify,
			Applicant: Person{Name: name, IDNumber: id, Address: addr}, Materials: []Material{{Name: material}}}
		out, err := r.Render(context.Background(), d, PaperA4)
		if err != nil {
			var pe *perr.Error
			if !errorsAs(err, &pe) || pe.Zh == "" {
				t.Fatalf("error without Chinese message: %v", err)
			}
			return
		}
		if len(out.PDF) < 1000 || !bytes.HasPrefix(out.PDF, []byte("%PDF")) {
			t.Fatalf("bad pdf (%d bytes)", len(out.PDF))
		}
		for _, pl := range out.Placed {
			if pl.X < 0 || pl.Y < 0 || pl.X+pl.W > out.Width || pl.Y+pl.H > out.Height {
				t.Fatalf("box %s outside the page", pl.Box)
			}
		}
	})
}
