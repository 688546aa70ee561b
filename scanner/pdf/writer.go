package pdf

import (
	"bufio"
	"compress/zlib"
	"errors"
	"fmt"
	"image"
	"image/color"
	"io"
	"sort"
	"strconv"
)

// Writer writes a new PDF page by page. Objects are written as they are
// produced and stream data is copied straight from the source, so memory
// use does not grow with the size of the pages. Output is deterministic:
// the same pages give the same bytes (and so the same blob hash).
type Writer struct {
	w       *bufio.Writer
	pos     int64
	offsets []int64 // by object number; 0 = not yet written
	kids    []int
	refs    map[*Document]map[Ref]int
	err     error
}

const (
	catalogNum = 1
	pagesNum   = 2
	a4Long     = 842.0 // A4 long edge in points
)

// NewWriter starts a PDF on w.
func NewWriter(w io.Writer) *Writer {
	pw := &Writer{w: bufio.NewWriterSize(w, 64<<10), offsets: make([]int64, 3), refs: map[*Document]map[Ref]int{}}
	pw.printf("%%PDF-1.7\n%%\xe2\xe3\xcf\xd3\n")
	return pw
}

func (w *Writer) printf(format string, args ...any) {
	if w.err != nil {
		return
	}
	n, err := fmt.Fprintf(w.w, format, args...)
	w.pos += int64(n)
	w.err = err
}

func (w *Writer) write(b []byte) {
	if w.err != nil {
		return
	}
	n, err := w.w.Write(b)
	w.pos += int64(n)
	w.err = err
}

func (w *Writer) alloc() int {
	w.offsets = append(w.offsets, 0)
	return len(w.offsets) - 1
}

func (w *Writer) begin(num int) {
	w.offsets[num] = w.pos
	w.printf("%d 0 obj\n", num)
}

func (w *Writer) object(num int, o Object) {
	w.begin(num)
	w.write(appendObject(nil, o))
	w.printf("\nendobj\n")
}

// NormalizeRotation maps any multiple of 90 to 0, 90, 180 or 270.
func NormalizeRotation(deg int) (int, error) {
	if deg%90 != 0 {
		return 0, fmt.Errorf("rotation %d is not a multiple of 90", deg)
	}
	return ((deg % 360) + 360) % 360, nil
}

// AddPDFPage copies page i (0-based) of d, turned by rotate degrees
// clockwise in addition to its own rotation. Objects shared between pages
// of the same document are written once.
func (w *Writer) AddPDFPage(d *Document, i int, rotate int) error {
	if w.err != nil {
		return w.err
	}
	if i < 0 || i >= len(d.pages) {
		return fmt.Errorf("add pdf page %d: out of range", i)
	}
	rot, err := NormalizeRotation(rotate)
	if err != nil {
		return err
	}
	p := d.pages[i]
	m := w.refs[d]
	if m == nil {
		m = map[Ref]int{}
		w.refs[d] = m
	}
	var queue []Ref
	var remap func(o Object) Object
	remap = func(o Object) Object {
		switch v := o.(type) {
		case Ref:
			n, ok := m[v]
			if !ok {
				n = w.alloc()
				m[v] = n
				queue = append(queue, v)
			}
			return Ref{Num: n}
		case Array:
			a := make(Array, len(v))
			for i, e := range v {
				a[i] = remap(e)
			}
			return a
		case Dict:
			nd := make(Dict, len(v))
			for _, k := range sortedKeys(v) { // sorted: object numbers are deterministic
				nd[k] = remap(v[k])
			}
			return nd
		}
		return o
	}
	pageNum, ok := m[p.ref]
	if !ok {
		pageNum = w.alloc()
		m[p.ref] = pageNum
	}
	pd := Dict{}
	for k, v := range p.dict {
		pd[k] = v
	}
	own := int64(0)
	if r, err := d.Resolve(pd["Rotate"]); err == nil {
		if v, ok := r.(int64); ok && v%90 == 0 {
			own = v
		}
	}
	total, _ := NormalizeRotation(int(own) + rot)
	delete(pd, "Parent")
	pd = remap(pd).(Dict)
	pd["Type"] = Name("Page")
	pd["Parent"] = Ref{Num: pagesNum}
	if total != 0 {
		pd["Rotate"] = int64(total)
	} else {
		delete(pd, "Rotate")
	}
	w.object(pageNum, pd)
	w.kids = append(w.kids, pageNum)
	for len(queue) > 0 && w.err == nil {
		r := queue[0]
		queue = queue[1:]
		num := m[r]
		o, err := d.Resolve(r)
		if err != nil {
			w.err = err
			return err
		}
		switch v := o.(type) {
		case Dict:
			if t := v["Type"]; t == Name("Page") || t == Name("Pages") {
				w.object(num, nil) // another page: not part of this one
				continue
			}
			w.object(num, remap(v))
		case *Stream:
			sd := Dict{}
			for k, e := range v.Dict {
				sd[k] = e
			}
			delete(sd, "Length")
			sd = remap(sd).(Dict)
			sd["Length"] = v.Length
			w.begin(num)
			w.write(appendObject(nil, sd))
			w.printf("\nstream\n")
			if w.err == nil {
				n, err := io.Copy(w.w, io.NewSectionReader(d.ra, v.Offset, v.Length))
				w.pos += n
				if err != nil {
					w.err = fmt.Errorf("copy pdf stream: %w", err)
				}
			}
			w.printf("\nendstream\nendobj\n")
		default:
			w.object(num, remap(v))
		}
	}
	return w.err
}

// JPEGInfo is what AddJPEG needs to know about a JPEG image.
type JPEGInfo struct {
	Width, Height, Components int
	DPI                       float64 // 0 if unknown: the page is scaled to A4
}

func pageSize(wpx, hpx int, dpi float64) (float64, float64) {
	if dpi < 50 || dpi > 4800 {
		dpi = float64(max(wpx, hpx)) / a4Long * 72
	}
	return float64(wpx) / dpi * 72, float64(hpx) / dpi * 72
}

func (w *Writer) imagePage(imgNum, wpx, hpx int, dpi float64, rotate int) error {
	rot, err := NormalizeRotation(rotate)
	if err != nil {
		return err
	}
	pw, ph := pageSize(wpx, hpx, dpi)
	content := fmt.Sprintf("q %s 0 0 %s 0 0 cm /Im0 Do Q", num(pw), num(ph))
	contentNum, pageNum := w.alloc(), w.alloc()
	w.begin(contentNum)
	w.printf("<</Length %d>>\nstream\n%s\nendstream\nendobj\n", len(content), content)
	pd := Dict{
		"Type":      Name("Page"),
		"Parent":    Ref{Num: pagesNum},
		"MediaBox":  Array{int64(0), int64(0), pw, ph},
		"Contents":  Ref{Num: contentNum},
		"Resources": Dict{"XObject": Dict{"Im0": Ref{Num: imgNum}}},
	}
	if rot != 0 {
		pd["Rotate"] = int64(rot)
	}
	w.object(pageNum, pd)
	w.kids = append(w.kids, pageNum)
	return w.err
}

// AddJPEG adds a page showing a JPEG image; the JPEG bytes are embedded
// unchanged.
func (w *Writer) AddJPEG(r io.Reader, info JPEGInfo, rotate int) error {
	if w.err != nil {
		return w.err
	}
	if info.Width <= 0 || info.Height <= 0 {
		return errors.New("add jpeg: no size")
	}
	imgNum, lenNum := w.alloc(), w.alloc()
	d := Dict{"Type": Name("XObject"), "Subtype": Name("Image"), "Width": int64(info.Width), "Height": int64(info.Height),
		"BitsPerComponent": int64(8), "Filter": Name("DCTDecode"), "Length": Ref{Num: lenNum}}
	switch info.Components {
	case 1:
		d["ColorSpace"] = Name("DeviceGray")
	case 4:
		d["ColorSpace"] = Name("DeviceCMYK")
		d["Decode"] = Array{int64(1), int64(0), int64(1), int64(0), int64(1), int64(0), int64(1), int64(0)}
	default:
		d["ColorSpace"] = Name("DeviceRGB")
	}
	w.begin(imgNum)
	w.write(appendObject(nil, d))
	w.printf("\nstream\n")
	var n int64
	if w.err == nil {
		n, w.err = io.Copy(w.w, r)
		w.pos += n
	}
	w.printf("\nendstream\nendobj\n")
	w.object(lenNum, n)
	return w.imagePage(imgNum, info.Width, info.Height, info.DPI, rotate)
}

// AddImage adds a page showing a decoded image, stored losslessly
// (Flate-compressed grey or RGB; transparency is composed on white).
func (w *Writer) AddImage(img image.Image, dpi float64, rotate int) error {
	if w.err != nil {
		return w.err
	}
	b := img.Bounds()
	if b.Empty() {
		return errors.New("add image: empty image")
	}
	gray := isGray(img)
	imgNum, lenNum := w.alloc(), w.alloc()
	d := Dict{"Type": Name("XObject"), "Subtype": Name("Image"), "Width": int64(b.Dx()), "Height": int64(b.Dy()),
		"BitsPerComponent": int64(8), "Filter": Name("FlateDecode"), "Length": Ref{Num: lenNum}, "ColorSpace": Name("DeviceRGB")}
	comps := 3
	if gray {
		d["ColorSpace"] = Name("DeviceGray")
		comps = 1
	}
	w.begin(imgNum)
	w.write(appendObject(nil, d))
	w.printf("\nstream\n")
	start := w.pos
	if w.err == nil {
		cw := &countingWriter{w: w.w}
		zw, _ := zlib.NewWriterLevel(cw, zlib.DefaultCompression)
		row := make([]byte, b.Dx()*comps)
		for y := b.Min.Y; y < b.Max.Y && w.err == nil; y++ {
			fillRow(row, img, y, gray)
			_, w.err = zw.Write(row)
		}
		if err := zw.Close(); w.err == nil {
			w.err = err
		}
		w.pos += cw.n
	}
	length := w.pos - start
	w.printf("\nendstream\nendobj\n")
	w.object(lenNum, length)
	return w.imagePage(imgNum, b.Dx(), b.Dy(), dpi, rotate)
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

func isGray(img image.Image) bool {
	switch m := img.(type) {
	case *image.Gray, *image.Gray16:
		return true
	case *image.Paletted:
		for _, c := range m.Palette {
			r, g, b, _ := c.RGBA()
			if r != g || g != b {
				return false
			}
		}
		return true
	}
	return false
}

func fillRow(row []byte, img image.Image, y int, gray bool) {
	b := img.Bounds()
	if g, ok := img.(*image.Gray); ok {
		copy(row, g.Pix[g.PixOffset(b.Min.X, y):])
		return
	}
	i := 0
	for x := b.Min.X; x < b.Max.X; x++ {
		r, g, bl, a := img.At(x, y).RGBA()
		// Compose premultiplied colour on white.
		r, g, bl = r+0xffff-a, g+0xffff-a, bl+0xffff-a
		if gray {
			row[i] = byte(color.GrayModel.Convert(color.RGBA64{uint16(r), uint16(g), uint16(bl), 0xffff}).(color.Gray).Y)
			i++
			continue
		}
		row[i], row[i+1], row[i+2] = byte(r>>8), byte(g>>8), byte(bl>>8)
		i += 3
	}
}

// Pages returns the number of pages added so far.
func (w *Writer) Pages() int { return len(w.kids) }

// Close writes the page tree, catalog and cross-reference table.
func (w *Writer) Close() error {
	if w.err != nil {
		return w.err
	}
	if len(w.kids) == 0 {
		return errNoPages
	}
	kids := make(Array, len(w.kids))
	for i, k := range w.kids {
		kids[i] = Ref{Num: k}
	}
	w.object(pagesNum, Dict{"Type": Name("Pages"), "Kids": kids, "Count": int64(len(kids))})
	w.object(catalogNum, Dict{"Type": Name("Catalog"), "Pages": Ref{Num: pagesNum}})
	for i := 1; i < len(w.offsets); i++ {
		if w.offsets[i] == 0 && w.err == nil {
			w.err = fmt.Errorf("write pdf: object %d was never written", i)
		}
	}
	xref := w.pos
	w.printf("xref\n0 %d\n0000000000 65535 f \n", len(w.offsets))
	for _, off := range w.offsets[1:] {
		w.printf("%010d 00000 n \n", off)
	}
	w.printf("trailer\n<</Size %d /Root %d 0 R>>\nstartxref\n%d\n%%%%EOF\n", len(w.offsets), catalogNum, xref)
	if w.err == nil {
		w.err = w.w.Flush()
	}
	return w.err
}

func num(f float64) string {
	s := strconv.FormatFloat(f, 'f', 3, 64)
	for len(s) > 1 && s[len(s)-1] == '0' {
		s = s[:len(s)-1]
	}
	if s[len(s)-1] == '.' {
		s = s[:len(s)-1]
	}
	return s
}

func appendObject(b []byte, o Object) []byte {
	switch v := o.(type) {
	case nil:
		return append(b, "null"...)
	case bool:
		return strconv.AppendBool(b, v)
	case int64:
		return strconv.AppendInt(b, v, 10)
	case int:
		return strconv.AppendInt(b, int64(v), 10)
	case float64:
		return append(b, num(v)...)
	case Name:
		b = append(b, '/')
		for i := 0; i < len(v); i++ {
			c := v[i]
			if c < 0x21 || c > 0x7e || c == '#' || isDelim(c) {
				b = append(b, '#', "0123456789ABCDEF"[c>>4], "0123456789ABCDEF"[c&15])
			} else {
				b = append(b, c)
			}
		}
		return b
	case String:
		b = append(b, '<')
		for _, c := range v {
			b = append(b, "0123456789ABCDEF"[c>>4], "0123456789ABCDEF"[c&15])
		}
		return append(b, '>')
	case Array:
		b = append(b, '[')
		for i, e := range v {
			if i > 0 {
				b = append(b, ' ')
			}
			b = appendObject(b, e)
		}
		return append(b, ']')
	case Dict:
		b = append(b, "<<"...)
		for _, k := range sortedKeys(v) {
			b = appendObject(b, k)
			b = append(b, ' ')
			b = appendObject(b, v[k])
		}
		return append(b, ">>"...)
	case Ref:
		return fmt.Appendf(b, "%d %d R", v.Num, v.Gen)
	}
	return append(b, "null"...)
}

// SplitPage writes page i of d as a PDF of its own.
func SplitPage(dst io.Writer, d *Document, i int) error {
	w := NewWriter(dst)
	if err := w.AddPDFPage(d, i, 0); err != nil {
		return err
	}
	return w.Close()
}

func sortedKeys(d Dict) []Name {
	keys := make([]Name, 0, len(d))
	for k := range d {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i] < keys[j] })
	return keys
}
