package printing

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"tongban/printing/fonts"
	"tongban/printing/perr"
)

const ptMM = 25.4 / 72 // one point in millimetres

// lineFactor is line height over font size.
const lineFactor = 1.3

// Placed is one box as laid out on a page: what tests and previews check.
type Placed struct {
	Page    int     // 1-based
	Box     string  // template box name (cells: name[row][col])
	Kind    string  // text, qr, code128, seal, line, rect, cell
	X, Y    float64 // box rectangle, mm
	W, H    float64
	Text    string  // the characters drawn, lines joined by "\n"
	Size    float64 // font size used, pt
	Payload string  // barcode / QR content
}

// item is something to draw.
type item struct {
	Placed
	lines  [][]rune
	align  string
	valign string
	bold   bool
	red    bool
	border bool
	dash   bool
}

type measurer struct {
	ctx     context.Context
	fonts   *fonts.Set
	cache   map[rune]*fonts.Face
	missing map[rune]bool
}

func (m *measurer) face(r rune) *fonts.Face {
	if f, ok := m.cache[r]; ok {
		return f
	}
	f := m.fonts.FaceFor(m.ctx, r)
	m.cache[r] = f
	if f == nil {
		m.missing[r] = true
	}
	return f
}

// width of r at size pt, in mm.
func (m *measurer) width(r rune, size float64) float64 {
	f := m.face(r)
	if f == nil {
		return size * ptMM // a missing glyph still takes room; rendering fails later
	}
	return f.Advance(r) / 1000 * size * ptMM
}

func (m *measurer) lineWidth(l []rune, size float64) float64 {
	w := 0.0
	for _, r := range l {
		w += m.width(r, size)
	}
	return w
}

func pad(border bool) float64 {
	if border {
		return 1.0
	}
	return 0.3
}

// fit finds the largest size from max down to min (0.5 pt steps) at which
// text wraps inside a w×h area.
func (m *measurer) fit(text []rune, w, h, max, min float64) (float64, [][]rune, bool) {
	if min <= 0 || min > max {
		min = max
	}
	for size := max; size >= min-1e-9; size -= 0.5 {
		lines := wrap(text, func(r rune) float64 { return m.width(r, size) }, w)
		if float64(len(lines))*size*ptMM*lineFactor > h+1e-6 {
			continue
		}
		ok := true
		for _, l := range lines {
			if m.lineWidth(l, size) > w+1e-6 {
				ok = false
				break
			}
		}
		if ok {
			return size, lines, true
		}
	}
	return 0, nil, false
}

func cleanText(s string) (string, error) {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\t", " ")
	for _, r := range s {
		if (r < 0x20 && r != '\n') || r == 0x7F || r == 0xFFFD || (r >= 0x80 && r < 0xA0) {
			return "", perr.New(perr.EINVALID, fmt.Sprintf("unprintable character U+%04X", r),
				fmt.Sprintf("内容含有不可打印的字符（U+%04X），请检查录入", r))
		}
	}
	return s, nil
}

func overflow(box, text string) error {
	return perr.New(perr.EINVALID, "text does not fit box "+box,
		fmt.Sprintf("「%s」栏内容过长，最小字号下仍放不下，请精简内容或改用更大的纸张", box))
}

// textItem lays out a text box.
func (m *measurer) textItem(b Box, page int, s string) (item, error) {
	s, err := cleanText(s)
	if err != nil {
		return item{}, err
	}
	p := pad(b.Border)
	size, lines, ok := m.fit([]rune(s), b.W-2*p, b.H-2*p, b.Size, b.Min)
	if !ok {
		return item{}, overflow(b.Name, s)
	}
	return item{Placed: Placed{Page: page, Box: b.Name, Kind: "text", X: b.X, Y: b.Y, W: b.W, H: b.H,
		Text: joinLines(lines), Size: size}, lines: lines, align: b.Align, valign: b.VAlign, bold: b.Bold,
		border: b.Border, red: b.Name == "reprint" || b.Name == "demo"}, nil
}

func joinLines(lines [][]rune) string {
	parts := make([]string, len(lines))
	for i, l := range lines {
		parts[i] = string(l)
	}
	return strings.Join(parts, "\n")
}

// layout places one document's content on pages starting at firstPage.
func (m *measurer) layout(t *Template, ct Content, firstPage int) ([]item, int, error) {
	// paginate tables first: rows per page
	type rowLayout struct {
		cells [][][]rune
		sizes []float64
		h     float64
	}
	var tableBox *Box
	var rows []rowLayout
	var header rowLayout
	for i := range t.Boxes {
		if t.Boxes[i].Kind == "table" {
			tableBox = &t.Boxes[i]
		}
	}
	pagesOf := [][]int{nil} // row indexes per page
	if tableBox != nil {
		b := *tableBox
		data := ct.Tables[b.Field]
		if len(data) == 0 {
			row := make([]string, len(b.Columns))
			row[min(1, len(row)-1)] = "（无）"
			data = [][]string{row}
		}
		layRow := func(cells []string) (rowLayout, error) {
			rl := rowLayout{}
			lines := 1
			for c, col := range b.Columns {
				s := ""
				if c < len(cells) {
					s = cells[c]
				}
				s, err := cleanText(s)
				if err != nil {
					return rl, err
				}
				size, ls, ok := m.fit([]rune(s), col.W-2, 1e6, b.Size, b.Size)
				if !ok {
					return rl, overflow(b.Name+"·"+col.Title, s)
				}
				rl.cells = append(rl.cells, ls)
				rl.sizes = append(rl.sizes, size)
				lines = max(lines, len(ls))
			}
			rl.h = float64(lines)*b.Size*ptMM*lineFactor + 2
			return rl, nil
		}
		var titles []string
		for _, c := range b.Columns {
			titles = append(titles, c.Title)
		}
		var err error
		if header, err = layRow(titles); err != nil {
			return nil, 0, err
		}
		y := header.h
		for i, cells := range data {
			rl, err := layRow(cells)
			if err != nil {
				return nil, 0, err
			}
			if header.h+rl.h > b.H {
				return nil, 0, overflow(b.Name, strings.Join(cells, " "))
			}
			if y+rl.h > b.H {
				pagesOf = append(pagesOf, nil)
				y = header.h
			}
			pagesOf[len(pagesOf)-1] = append(pagesOf[len(pagesOf)-1], i)
			rows = append(rows, rl)
			y += rl.h
		}
	}
	npages := len(pagesOf)
	var items []item
	fields := make(map[string]string, len(ct.Fields)+2)
	for k, v := range ct.Fields {
		fields[k] = v
	}
	fields["pages"] = fmt.Sprint(npages)
	for pi := 0; pi < npages; pi++ {
		page := firstPage + pi
		fields["page"] = fmt.Sprint(pi + 1)
		for _, b := range t.Boxes {
			switch b.Pages {
			case "", "first":
				if b.Kind == "table" { // a table continues on every page it has rows
					break
				}
				if pi != 0 {
					continue
				}
			case "last":
				if pi != npages-1 {
					continue
				}
			}
			if b.If != "" && strings.TrimSpace(fields[b.If]) == "" {
				continue
			}
			switch b.Kind {
			case "text", "seal":
				it, err := m.textItem(b, page, expand(b.Text, fields))
				if err != nil {
					return nil, 0, err
				}
				it.Kind = b.Kind
				items = append(items, it)
			case "qr", "code128":
				payload := ct.QR
				if b.Kind == "code128" {
					payload = ct.Barcode
				}
				it := item{Placed: Placed{Page: page, Box: b.Name, Kind: b.Kind, X: b.X, Y: b.Y, W: b.W, H: b.H, Payload: payload, Size: b.Size}}
				if b.Kind == "code128" && b.Size > 0 {
					it.lines = [][]rune{[]rune(payload)}
					it.Text = payload
				}
				items = append(items, it)
			case "line", "rect":
				items = append(items, item{Placed: Placed{Page: page, Box: b.Name, Kind: b.Kind, X: b.X, Y: b.Y, W: b.W, H: b.H}, dash: b.Dash})
			case "table":
				y := b.Y
				emit := func(rl rowLayout, name string, bold bool) {
					x := b.X
					for c, col := range b.Columns {
						items = append(items, item{Placed: Placed{Page: page, Box: name + fmt.Sprintf("[%d]", c), Kind: "cell",
							X: x, Y: y, W: col.W, H: rl.h, Text: joinLines(rl.cells[c]), Size: rl.sizes[c]},
							lines: rl.cells[c], align: col.Align, border: true, bold: bold})
						x += col.W
					}
					y += rl.h
				}
				emit(header, b.Name+"[h]", true)
				for _, ri := range pagesOf[pi] {
					emit(rows[ri], fmt.Sprintf("%s[%d]", b.Name, ri), false)
				}
			}
		}
	}
	return items, npages, nil
}

func missingError(missing map[rune]bool) error {
	rs := make([]rune, 0, len(missing))
	for r := range missing {
		rs = append(rs, r)
	}
	sort.Slice(rs, func(i, j int) bool { return rs[i] < rs[j] })
	var codes []string
	for _, r := range rs {
		codes = append(codes, fmt.Sprintf("U+%04X", r))
	}
	return perr.New(perr.EINVALID, "no font has characters "+strings.Join(codes, " "),
		"当前字体缺少以下字符，无法正确打印："+string(rs)+"（"+strings.Join(codes, " ")+
			"）。请在设置中添加包含这些字的字体（如 Windows 的 SimSun-ExtB：simsunb.ttf）")
}
