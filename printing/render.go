package printing

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf16"

	"codeberg.org/go-pdf/fpdf"

	"tongban/printing/fonts"
	"tongban/printing/perr"
)

// Renderer turns documents into PDF with one font set.
type Renderer struct {
	fonts *fonts.Set
	now   func() time.Time
}

// NewRenderer returns a Renderer using the faces of fs.
func NewRenderer(fs *fonts.Set) *Renderer {
	return &Renderer{fonts: fs, now: time.Now}
}

// Output is a rendered PDF and where everything went.
type Output struct {
	PDF    []byte
	Pages  int
	Width  float64 // page size, mm
	Height float64
	Placed []Placed
}

// Render renders doc on paper with the built-in template.
func (r *Renderer) Render(ctx context.Context, doc Document, paper Paper) (*Output, error) {
	return r.RenderBatch(ctx, []Document{doc}, paper)
}

// RenderBatch renders documents of one kind into one PDF (e.g. a day's
// waybills), each starting on a new page.
func (r *Renderer) RenderBatch(ctx context.Context, docs []Document, paper Paper) (*Output, error) {
	if len(docs) == 0 {
		return nil, perr.New(perr.EINVALID, "nothing to render", "没有要打印的文书")
	}
	t, err := LoadTemplate(docs[0].Kind(), paper)
	if err != nil {
		return nil, err
	}
	return r.RenderTemplate(ctx, t, docs)
}

// RenderTemplate renders documents with an explicit template.
func (r *Renderer) RenderTemplate(ctx context.Context, t *Template, docs []Document) (*Output, error) {
	m := &measurer{ctx: ctx, fonts: r.fonts, cache: map[rune]*fonts.Face{}, missing: map[rune]bool{}}
	var items []item
	pages := 0
	for _, d := range docs {
		if d.Kind() != t.Kind {
			return nil, perr.New(perr.EINVALID, "document kind does not match template", "文书类型与版式不一致")
		}
		ct, err := d.Content()
		if err != nil {
			return nil, err
		}
		its, n, err := m.layout(t, ct, pages+1)
		if err != nil {
			return nil, err
		}
		items = append(items, its...)
		pages += n
	}
	if len(m.missing) > 0 {
		return nil, missingError(m.missing)
	}
	pdfBytes, err := r.draw(t, items, pages, m)
	if err != nil {
		return nil, err
	}
	out := &Output{PDF: pdfBytes, Pages: pages, Width: t.Width, Height: t.Height}
	for _, it := range items {
		out.Placed = append(out.Placed, it.Placed)
	}
	return out, nil
}

type faceUse struct {
	alias string
	codes map[rune]rune
}

func (r *Renderer) draw(t *Template, items []item, pages int, m *measurer) ([]byte, error) {
	// one font instance per face, holding exactly the characters used
	runesOf := map[*fonts.Face][]rune{}
	seen := map[rune]bool{}
	for _, it := range items {
		for _, l := range it.lines {
			for _, c := range l {
				if !seen[c] {
					seen[c] = true
					f := m.face(c)
					runesOf[f] = append(runesOf[f], c)
				}
			}
		}
	}
	pdf := fpdf.NewCustom(&fpdf.InitType{UnitStr: "mm", Size: fpdf.SizeType{Wd: t.Width, Ht: t.Height}})
	pdf.SetAutoPageBreak(false, 0)
	pdf.SetMargins(0, 0, 0)
	pdf.SetCreator("Tongban", false)
	pdf.SetCreationDate(r.now())
	uses := map[*fonts.Face]*faceUse{}
	i := 0
	for f, rs := range runesOf {
		data, codes := f.Instance(rs)
		alias := fmt.Sprintf("f%d", i)
		i++
		pdf.AddUTF8FontFromBytes(alias, "", data)
		uses[f] = &faceUse{alias: alias, codes: codes}
	}
	if pdf.Err() {
		return nil, perr.Wrap(pdf.Error(), perr.EINTERNAL, "load fonts into pdf", "字体载入 PDF 失败")
	}
	page := 0
	for _, it := range items {
		for page < it.Page {
			pdf.AddPage()
			page++
		}
		pdf.SetDrawColor(0, 0, 0)
		pdf.SetLineWidth(0.2)
		switch it.Kind {
		case "text", "seal", "cell":
			r.drawText(pdf, it, m, uses)
		case "qr":
			if err := drawQR(pdf, it); err != nil {
				return nil, err
			}
		case "code128":
			textH := 0.0
			if len(it.lines) > 0 {
				textH = it.Size * ptMM * lineFactor
			}
			if err := drawCode128(pdf, it, textH); err != nil {
				return nil, err
			}
			if textH > 0 {
				ti := it
				ti.Y, ti.H, ti.align = it.Y+it.H-textH, textH, "C"
				r.drawText(pdf, ti, m, uses)
			}
		case "line":
			if it.dash {
				pdf.SetDashPattern([]float64{2, 1.5}, 0)
			}
			pdf.Line(it.X, it.Y, it.X+it.W, it.Y+it.H)
			pdf.SetDashPattern(nil, 0)
		case "rect":
			pdf.Rect(it.X, it.Y, it.W, it.H, "D")
		}
	}
	for page < pages {
		pdf.AddPage()
		page++
	}
	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		return nil, perr.Wrap(err, perr.EINTERNAL, "write pdf", "生成 PDF 失败")
	}
	return buf.Bytes(), nil
}

// drawText draws the laid-out lines of it, one font run at a time.
// Characters outside the BMP are written as private-use codes of their
// font instance, wrapped in /ActualText so text extraction gives the real
// characters back.
func (r *Renderer) drawText(pdf *fpdf.Fpdf, it item, m *measurer, uses map[*fonts.Face]*faceUse) {
	if it.border {
		pdf.Rect(it.X, it.Y, it.W, it.H, "D")
	}
	if it.red {
		pdf.SetTextColor(200, 0, 0)
		defer pdf.SetTextColor(0, 0, 0)
	}
	p := pad(it.border)
	size := it.Size
	lh := size * ptMM * lineFactor
	top := it.Y + p
	if it.valign == "M" || it.Kind == "cell" && len(it.lines) == 1 {
		top = it.Y + (it.H-float64(len(it.lines))*lh)/2
	}
	if it.bold {
		pdf.RawWriteStr("2 Tr " + fmt.Sprintf("%.2f", size*0.03) + " w")
	}
	for li, line := range it.lines {
		w := m.lineWidth(line, size)
		x := it.X + p
		switch it.align {
		case "C":
			x = it.X + (it.W-w)/2
		case "R":
			x = it.X + it.W - p - w
		}
		base := top + float64(li)*lh + (lh-size*ptMM)/2 + 0.86*size*ptMM
		for start := 0; start < len(line); {
			f := m.face(line[start])
			end := start
			for end < len(line) && m.face(line[end]) == f {
				end++
			}
			u := uses[f]
			var b strings.Builder
			rare := false
			for _, c := range line[start:end] {
				code := u.codes[c]
				if code != c {
					rare = true
				}
				b.WriteRune(code)
			}
			pdf.SetFont(u.alias, "", size)
			if rare {
				pdf.RawWriteStr("/Span <</ActualText <FEFF" + utf16Hex(line[start:end]) + ">>> BDC")
			}
			pdf.Text(x, base, b.String())
			if rare {
				pdf.RawWriteStr("EMC")
			}
			x += m.lineWidth(line[start:end], size)
			start = end
		}
	}
	if it.bold {
		pdf.RawWriteStr("0 Tr")
		pdf.SetLineWidth(0.2)
	}
}

func utf16Hex(rs []rune) string {
	var b strings.Builder
	for _, u := range utf16.Encode(rs) {
		fmt.Fprintf(&b, "%04X", u)
	}
	return b.String()
}
