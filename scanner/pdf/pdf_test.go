package pdf

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"codeberg.org/go-pdf/fpdf"
)

func testJPEG(tb testing.TB, w, h int) []byte {
	tb.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.RGBA{byte(x), byte(y), 128, 255})
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, nil); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// fpdfDoc makes an n-page PDF with classic xref, compressed content
// streams, a shared font and an image on page 2.
func fpdfDoc(tb testing.TB, n int) []byte {
	tb.Helper()
	f := fpdf.New("P", "mm", "A4", "")
	f.SetFont("Helvetica", "", 14)
	f.RegisterImageOptionsReader("img", fpdf.ImageOptions{ImageType: "JPG"}, bytes.NewReader(testJPEG(tb, 64, 48)))
	for i := 1; i <= n; i++ {
		f.AddPage()
		f.Cell(40, 10, fmt.Sprintf("Page number %d", i))
		if i == 2 {
			f.ImageOptions("img", 20, 40, 60, 0, false, fpdf.ImageOptions{ImageType: "JPG"}, 0, "")
		}
	}
	var buf bytes.Buffer
	if err := f.Output(&buf); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// xrefStreamDoc hand-builds a two-page PDF whose objects live in an
// object stream and whose cross-reference data is a predicted xref stream.
func xrefStreamDoc(tb testing.TB) []byte {
	tb.Helper()
	objs := []string{
		"<</Type/Catalog/Pages 2 0 R>>",
		"<</Type/Pages/Kids[3 0 R 4 0 R]/Count 2/MediaBox[0 0 200 300]/Rotate 90>>",
		"<</Type/Page/Parent 2 0 R/Contents 6 0 R>>",
		"<</Type/Page/Parent 2 0 R/Contents 6 0 R/Rotate 0/MediaBox[0 0 100 100]>>",
	}
	var hdr, body bytes.Buffer
	for i, o := range objs {
		fmt.Fprintf(&hdr, "%d %d ", i+1, body.Len())
		body.WriteString(o + "\n")
	}
	var stm bytes.Buffer
	zw := zlib.NewWriter(&stm)
	zw.Write(hdr.Bytes())
	zw.Write(body.Bytes())
	zw.Close()

	var out bytes.Buffer
	out.WriteString("%PDF-1.5\n")
	offsets := map[int]int{}
	offsets[5] = out.Len()
	fmt.Fprintf(&out, "5 0 obj\n<</Type/ObjStm/N %d/First %d/Filter/FlateDecode/Length %d>>\nstream\n", len(objs), hdr.Len(), stm.Len())
	out.Write(stm.Bytes())
	out.WriteString("\nendstream\nendobj\n")
	content := "BT /F1 12 Tf 10 10 Td (hi) Tj ET"
	offsets[6] = out.Len()
	// Deliberately wrong /Length: the reader must find endstream itself.
	fmt.Fprintf(&out, "6 0 obj\n<</Length 999>>\nstream\n%s\nendstream\nendobj\n", content)
	xrefOff := out.Len()
	// Rows: type(1) field2(2) field3(1), PNG Up predictor, Columns 4.
	var rows [][]byte
	rows = append(rows, []byte{0, 0, 0, 255})
	for i := 1; i <= 4; i++ {
		rows = append(rows, []byte{2, 0, 5, byte(i - 1)})
	}
	rows = append(rows, []byte{1, byte(offsets[5] >> 8), byte(offsets[5]), 0})
	rows = append(rows, []byte{1, byte(offsets[6] >> 8), byte(offsets[6]), 0})
	rows = append(rows, []byte{1, byte(xrefOff >> 8), byte(xrefOff), 0})
	var raw bytes.Buffer
	prev := make([]byte, 4)
	for _, r := range rows {
		raw.WriteByte(2)
		for j := range r {
			raw.WriteByte(r[j] - prev[j])
		}
		prev = r
	}
	var xs bytes.Buffer
	zw = zlib.NewWriter(&xs)
	zw.Write(raw.Bytes())
	zw.Close()
	fmt.Fprintf(&out, "7 0 obj\n<</Type/XRef/Size 8/W[1 2 1]/Root 1 0 R/Filter/FlateDecode/DecodeParms<</Predictor 12/Columns 4>>/Length %d>>\nstream\n", xs.Len())
	out.Write(xs.Bytes())
	fmt.Fprintf(&out, "\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n", xrefOff)
	return out.Bytes()
}

func mustOpen(tb testing.TB, b []byte) *Document {
	tb.Helper()
	d, err := Open(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		tb.Fatalf("open: %v", err)
	}
	return d
}

func split(tb testing.TB, d *Document, i int) []byte {
	tb.Helper()
	var buf bytes.Buffer
	if err := SplitPage(&buf, d, i); err != nil {
		tb.Fatalf("split page %d: %v", i, err)
	}
	return buf.Bytes()
}

func pdftotext(tb testing.TB, b []byte, page int) (string, bool) {
	tb.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		return "", false
	}
	name := filepath.Join(tb.TempDir(), "in.pdf")
	if err := os.WriteFile(name, b, 0o600); err != nil {
		tb.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-f", fmt.Sprint(page), "-l", fmt.Sprint(page), name, "-").CombinedOutput()
	if err != nil {
		tb.Fatalf("pdftotext: %v: %s", err, out)
	}
	return strings.TrimSpace(string(out)), true
}

func TestSplitFPDF(t *testing.T) {
	src := fpdfDoc(t, 3)
	d := mustOpen(t, src)
	if got, want := d.NumPages(), 3; got != want {
		t.Fatalf("pages = %d, want %d", got, want)
	}
	for i := 0; i < 3; i++ {
		one := split(t, d, i)
		sd := mustOpen(t, one)
		if got := sd.NumPages(); got != 1 {
			t.Fatalf("split page %d has %d pages", i, got)
		}
		if text, ok := pdftotext(t, one, 1); ok {
			if want := fmt.Sprintf("Page number %d", i+1); text != want {
				t.Fatalf("page %d text = %q, want %q", i, text, want)
			}
		}
		if again := split(t, mustOpen(t, src), i); !bytes.Equal(again, one) {
			t.Fatalf("page %d: split is not deterministic", i)
		}
	}
}

func TestXrefStreamAndObjectStream(t *testing.T) {
	src := xrefStreamDoc(t)
	d := mustOpen(t, src)
	if got, want := d.NumPages(), 2; got != want {
		t.Fatalf("pages = %d, want %d", got, want)
	}
	// Inherited attributes are made explicit on the split page.
	one := mustOpen(t, split(t, d, 0))
	p := one.pages[0].dict
	if got := p["Rotate"]; got != int64(90) {
		t.Fatalf("rotate = %v, want 90", got)
	}
	mb, _ := p["MediaBox"].(Array)
	if len(mb) != 4 || mb[3] != int64(300) {
		t.Fatalf("mediabox = %v", mb)
	}
	// The content stream with the wrong /Length is copied whole.
	c, err := one.Resolve(p["Contents"])
	if err != nil {
		t.Fatal(err)
	}
	if s, ok := c.(*Stream); !ok || s.Length != int64(len("BT /F1 12 Tf 10 10 Td (hi) Tj ET")) {
		t.Fatalf("contents = %#v", c)
	}
	two := mustOpen(t, split(t, d, 1))
	if _, ok := two.pages[0].dict["Rotate"]; ok {
		t.Fatal("page 2 overrides rotation with 0: want no /Rotate")
	}
}

func TestBrokenPDFs(t *testing.T) {
	good := fpdfDoc(t, 2)
	enc := bytes.Replace(good, []byte("trailer\n<<"), []byte("trailer\n<</Encrypt 99 0 R"), 1)
	tests := map[string][]byte{
		"truncated": good[:len(good)/2],
		"encrypted": enc,
		"not pdf":   []byte("hello world"),
		"empty":     nil,
		"no pages":  []byte("%PDF-1.4\n1 0 obj\n<</Type/Catalog/Pages 2 0 R>>\nendobj\n2 0 obj\n<</Type/Pages/Kids[]/Count 0>>\nendobj\nxref\n0 3\n0000000000 65535 f \n0000000009 00000 n \n0000000056 00000 n \ntrailer\n<</Root 1 0 R/Size 3>>\nstartxref\n100\n%%EOF\n"),
		"page loop": []byte("%PDF-1.4\n1 0 obj\n<</Type/Catalog/Pages 2 0 R>>\nendobj\n2 0 obj\n<</Type/Pages/Kids[2 0 R]/Count 1>>\nendobj\nxref\n0 3\n0000000000 65535 f \n0000000009 00000 n \n0000000056 00000 n \ntrailer\n<</Root 1 0 R/Size 3>>\nstartxref\n100\n%%EOF\n"),
	}
	for name, b := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := Open(bytes.NewReader(b), int64(len(b)))
			if !IsContentError(err) {
				t.Fatalf("err = %v, want content error", err)
			}
		})
	}
	if _, err := Open(bytes.NewReader(enc), int64(len(enc))); err != errEncrypted {
		t.Fatalf("encrypted: err = %v", err)
	}
}

func TestCombine(t *testing.T) {
	var buf bytes.Buffer
	w := NewWriter(&buf)
	jpg := testJPEG(t, 248, 351)
	if err := w.AddJPEG(bytes.NewReader(jpg), JPEGInfo{Width: 248, Height: 351, Components: 3, DPI: 30 * 2.54 * 10 / 10}, 0); err != nil {
		t.Fatal(err)
	}
	g := image.NewGray(image.Rect(0, 0, 100, 50))
	for i := range g.Pix {
		g.Pix[i] = byte(i)
	}
	if err := w.AddImage(g, 0, 90); err != nil {
		t.Fatal(err)
	}
	rgba := image.NewNRGBA(image.Rect(0, 0, 20, 20))
	if err := w.AddImage(rgba, 72, 0); err != nil {
		t.Fatal(err)
	}
	src := mustOpen(t, fpdfDoc(t, 2))
	if err := w.AddPDFPage(src, 1, 180); err != nil {
		t.Fatal(err)
	}
	if err := w.AddPDFPage(src, 0, -90); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	d := mustOpen(t, buf.Bytes())
	if got, want := d.NumPages(), 5; got != want {
		t.Fatalf("pages = %d, want %d", got, want)
	}
	wantRot := []any{nil, int64(90), nil, int64(180), int64(270)}
	for i, want := range wantRot {
		if got := d.pages[i].dict["Rotate"]; got != want {
			t.Errorf("page %d rotate = %v, want %v", i, got, want)
		}
	}
	if text, ok := pdftotext(t, buf.Bytes(), 4); ok && text != "Page number 2" {
		t.Fatalf("page 4 text = %q", text)
	}
	if _, err := exec.LookPath("pdftoppm"); err == nil {
		name := filepath.Join(t.TempDir(), "c.pdf")
		_ = os.WriteFile(name, buf.Bytes(), 0o600)
		if out, err := exec.Command("pdftoppm", "-r", "10", "-f", "1", "-l", "3", name, filepath.Join(t.TempDir(), "p")).CombinedOutput(); err != nil || len(out) > 0 {
			t.Fatalf("pdftoppm: %v %s", err, out)
		}
	}
}

func TestEmptyWriter(t *testing.T) {
	if err := NewWriter(&bytes.Buffer{}).Close(); err != errNoPages {
		t.Fatalf("err = %v", err)
	}
}

func FuzzSplit(f *testing.F) {
	f.Add(fpdfDoc(f, 2))
	f.Add(xrefStreamDoc(f))
	f.Add([]byte("%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Kids[3 0 R]>>endobj 3 0 obj<</Type/Page>>endobj\nxref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n0000000051 00000 n \n0000000078 00000 n \ntrailer<</Root 1 0 R>>\nstartxref\n110\n%%EOF"))
	f.Fuzz(func(t *testing.T, b []byte) {
		d, err := Open(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			return
		}
		if d.NumPages() == 0 {
			t.Fatal("opened a document without pages")
		}
		for i := 0; i < d.NumPages() && i < 3; i++ {
			var out bytes.Buffer
			if err := SplitPage(&out, d, i); err != nil {
				continue
			}
			sd, err := Open(bytes.NewReader(out.Bytes()), int64(out.Len()))
			if err != nil {
				t.Fatalf("split page %d does not reopen: %v", i, err)
			}
			if sd.NumPages() != 1 {
				t.Fatalf("split page %d has %d pages", i, sd.NumPages())
			}
		}
	})
}
