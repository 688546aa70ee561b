package pdf

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"io"
	"strconv"
)

const (
	maxObjects      = 1 << 22
	maxDecoded      = 64 << 20
	maxXrefSections = 256
	maxResolve      = 32
)

type xrefEntry struct {
	kind   byte  // 1: at offset; 2: in object stream
	offset int64 // kind 1: file offset; kind 2: object stream number
	index  int   // kind 2: index in the object stream
}

// Document is an open PDF file.
type Document struct {
	ra      io.ReaderAt
	size    int64
	xref    map[int]xrefEntry
	trailer Dict
	cache   map[int]Object
	loading map[int]bool
	pages   []page
	objStm  struct {
		num  int
		data []byte
	}
}

// Open reads the cross-reference data and the page tree of a PDF file.
// Only what is needed is read: stream contents stay in the file.
func Open(ra io.ReaderAt, size int64) (*Document, error) {
	d := &Document{ra: ra, size: size, xref: map[int]xrefEntry{}, cache: map[int]Object{}, loading: map[int]bool{}}
	start, err := d.startXref()
	if err != nil {
		return nil, err
	}
	if err := d.readXrefChain(start); err != nil {
		return nil, err
	}
	if _, ok := d.trailer["Encrypt"]; ok {
		return nil, errEncrypted
	}
	if err := d.loadPages(); err != nil {
		return nil, err
	}
	return d, nil
}

// NumPages returns the number of pages.
func (d *Document) NumPages() int { return len(d.pages) }

func (d *Document) startXref() (int64, error) {
	n := int64(1024)
	if n > d.size {
		n = d.size
	}
	tail := make([]byte, n)
	if _, err := d.ra.ReadAt(tail, d.size-n); err != nil && err != io.EOF {
		return 0, fmt.Errorf("read pdf: %w", err)
	}
	i := bytes.LastIndex(tail, []byte("startxref"))
	if i < 0 {
		return 0, &Error{EN: "file is truncated (no startxref)", ZH: "PDF文件不完整（可能未写完或已损坏）"}
	}
	fields := bytes.Fields(tail[i+len("startxref"):])
	if len(fields) == 0 {
		return 0, malformed("no startxref offset")
	}
	off, err := strconv.ParseInt(string(fields[0]), 10, 64)
	if err != nil || off < 0 || off >= d.size {
		return 0, malformed("bad startxref offset")
	}
	return off, nil
}

func (d *Document) lexAt(off int64) *lexer {
	return newLexer(io.NewSectionReader(d.ra, off, d.size-off), off)
}

// readXrefChain reads the newest cross-reference section and its /Prev
// predecessors; entries already seen (newer) win.
func (d *Document) readXrefChain(off int64) error {
	seen := map[int64]bool{}
	for first := true; ; first = false {
		if seen[off] || len(seen) >= maxXrefSections {
			return malformed("cross-reference chain loops")
		}
		seen[off] = true
		trailer, err := d.readXref(off)
		if err != nil {
			return err
		}
		if first {
			d.trailer = trailer
		}
		// A hybrid file's table points at an xref stream with more entries.
		if x, ok := trailer["XRefStm"].(int64); ok && x > 0 && x < d.size && !seen[x] {
			seen[x] = true
			if _, err := d.readXref(x); err != nil {
				return err
			}
		}
		prev, ok := trailer["Prev"].(int64)
		if !ok {
			return nil
		}
		if prev < 0 || prev >= d.size {
			return malformed("bad /Prev offset")
		}
		off = prev
	}
}

func (d *Document) addEntry(num int, e xrefEntry) error {
	if num < 0 || num >= maxObjects {
		return malformed("object number out of range")
	}
	if _, ok := d.xref[num]; !ok {
		d.xref[num] = e
	}
	return nil
}

func (d *Document) readXref(off int64) (Dict, error) {
	l := d.lexAt(off)
	t, err := l.next()
	if err != nil {
		return nil, err
	}
	if t.kind == tKeyword && t.s == "xref" {
		return d.readXrefTable(l)
	}
	l.unreadToken(t)
	_, obj, err := d.parseIndirect(l)
	if err != nil {
		return nil, err
	}
	s, ok := obj.(*Stream)
	if !ok || s.Dict["Type"] != Name("XRef") {
		return nil, malformed("startxref does not point at a cross-reference section")
	}
	return s.Dict, d.readXrefStream(s)
}

func (d *Document) readXrefTable(l *lexer) (Dict, error) {
	for {
		t, err := l.next()
		if err != nil {
			return nil, err
		}
		if t.kind == tKeyword && t.s == "trailer" {
			o, err := l.object(0)
			if err != nil {
				return nil, err
			}
			dict, ok := o.(Dict)
			if !ok {
				return nil, malformed("trailer is not a dictionary")
			}
			return dict, nil
		}
		t2, err := l.next()
		if err != nil {
			return nil, err
		}
		if t.kind != tInt || t2.kind != tInt || t.i < 0 || t2.i < 0 || t.i+t2.i > maxObjects {
			return nil, malformed("bad cross-reference subsection")
		}
		for i := int64(0); i < t2.i; i++ {
			a, err1 := l.next()
			b, err2 := l.next()
			c, err3 := l.next()
			if err1 != nil || err2 != nil || err3 != nil || a.kind != tInt || b.kind != tInt || c.kind != tKeyword {
				return nil, malformed("bad cross-reference entry")
			}
			num := int(t.i + i)
			switch c.s {
			case "n":
				if err := d.addEntry(num, xrefEntry{kind: 1, offset: a.i}); err != nil {
					return nil, err
				}
			case "f":
				if err := d.addEntry(num, xrefEntry{}); err != nil {
					return nil, err
				}
			default:
				return nil, malformed("bad cross-reference entry type")
			}
		}
	}
}

func (d *Document) readXrefStream(s *Stream) error {
	data, err := d.decode(s)
	if err != nil {
		return err
	}
	w, _ := s.Dict["W"].(Array)
	if len(w) != 3 {
		return malformed("bad /W in cross-reference stream")
	}
	var ws [3]int
	rowLen := 0
	for i, o := range w {
		v, ok := o.(int64)
		if !ok || v < 0 || v > 8 {
			return malformed("bad /W in cross-reference stream")
		}
		ws[i] = int(v)
		rowLen += int(v)
	}
	if rowLen == 0 {
		return malformed("bad /W in cross-reference stream")
	}
	size, _ := s.Dict["Size"].(int64)
	index := Array{int64(0), size}
	if idx, ok := s.Dict["Index"].(Array); ok {
		index = idx
	}
	if len(index)%2 != 0 {
		return malformed("bad /Index in cross-reference stream")
	}
	field := func(b []byte) int64 {
		var v int64
		for _, c := range b {
			v = v<<8 | int64(c)
		}
		return v
	}
	pos := 0
	for i := 0; i < len(index); i += 2 {
		start, ok1 := index[i].(int64)
		count, ok2 := index[i+1].(int64)
		if !ok1 || !ok2 || start < 0 || count < 0 || start+count > maxObjects {
			return malformed("bad /Index in cross-reference stream")
		}
		for j := int64(0); j < count; j++ {
			if pos+rowLen > len(data) {
				return malformed("cross-reference stream too short")
			}
			row := data[pos : pos+rowLen]
			pos += rowLen
			typ := int64(1)
			if ws[0] > 0 {
				typ = field(row[:ws[0]])
			}
			f2, f3 := field(row[ws[0]:ws[0]+ws[1]]), field(row[ws[0]+ws[1]:])
			var e xrefEntry
			switch typ {
			case 0:
			case 1:
				e = xrefEntry{kind: 1, offset: f2}
			case 2:
				e = xrefEntry{kind: 2, offset: f2, index: int(f3)}
			default:
				continue // reserved types are ignored, as the spec says
			}
			if err := d.addEntry(int(start+j), e); err != nil {
				return err
			}
		}
	}
	return nil
}

// parseIndirect parses "n g obj ... endobj" at the lexer's position.
func (d *Document) parseIndirect(l *lexer) (Ref, Object, error) {
	a, err1 := l.next()
	b, err2 := l.next()
	c, err3 := l.next()
	if err1 != nil || err2 != nil || err3 != nil || a.kind != tInt || b.kind != tInt || c.kind != tKeyword || c.s != "obj" {
		return Ref{}, nil, malformed("object header expected")
	}
	ref := Ref{Num: int(a.i), Gen: int(b.i)}
	obj, err := l.object(0)
	if err != nil {
		return ref, nil, err
	}
	t, err := l.next()
	if err != nil {
		return ref, nil, err
	}
	if t.kind != tKeyword || t.s != "stream" {
		return ref, obj, nil // endobj, or tolerated junk
	}
	dict, ok := obj.(Dict)
	if !ok {
		return ref, nil, malformed("stream without dictionary")
	}
	// The keyword is followed by CRLF or LF (a lone CR is tolerated).
	if c, ok := l.readByte(); ok {
		if c == '\r' {
			if c2, ok := l.readByte(); ok && c2 != '\n' {
				l.unread()
			}
		} else if c != '\n' {
			l.unread()
		}
	}
	s := &Stream{Dict: dict, Offset: l.pos, src: d}
	s.Length, err = d.streamLength(s, ref)
	if err != nil {
		return ref, nil, err
	}
	return ref, s, nil
}

// streamLength trusts /Length when "endstream" follows it, and otherwise
// searches for the keyword.
func (d *Document) streamLength(s *Stream, self Ref) (int64, error) {
	var n int64 = -1
	switch v := s.Dict["Length"].(type) {
	case int64:
		n = v
	case Ref:
		if v != self {
			if o, err := d.Resolve(v); err == nil {
				if i, ok := o.(int64); ok {
					n = i
				}
			}
		}
	}
	if n >= 0 && s.Offset+n <= d.size {
		buf := make([]byte, 32)
		k, _ := d.ra.ReadAt(buf, s.Offset+n)
		if bytes.HasPrefix(bytes.TrimLeft(buf[:k], "\r\n \t\x00"), []byte("endstream")) {
			return n, nil
		}
	}
	// Search forward for endstream.
	const chunk = 64 << 10
	buf := make([]byte, chunk+16)
	for off := s.Offset; off < d.size; off += chunk {
		k, _ := d.ra.ReadAt(buf, off)
		if k == 0 {
			break
		}
		if i := bytes.Index(buf[:k], []byte("endstream")); i >= 0 {
			end := off + int64(i)
			// Drop the end-of-line that precedes the keyword.
			var eol [2]byte
			if end-2 >= s.Offset {
				_, _ = d.ra.ReadAt(eol[:], end-2)
				switch {
				case eol[0] == '\r' && eol[1] == '\n':
					end -= 2
				case eol[1] == '\n' || eol[1] == '\r':
					end--
				}
			} else if end-1 >= s.Offset {
				_, _ = d.ra.ReadAt(eol[1:], end-1)
				if eol[1] == '\n' || eol[1] == '\r' {
					end--
				}
			}
			return end - s.Offset, nil
		}
	}
	return 0, malformed("stream without endstream")
}

// Resolve follows indirect references until a direct object is reached.
// A missing object is null, as the PDF specification says.
func (d *Document) Resolve(o Object) (Object, error) {
	for i := 0; i < maxResolve; i++ {
		r, ok := o.(Ref)
		if !ok {
			return o, nil
		}
		var err error
		if o, err = d.load(r.Num); err != nil {
			return nil, err
		}
	}
	return nil, malformed("reference chain too long")
}

func (d *Document) load(num int) (Object, error) {
	if o, ok := d.cache[num]; ok {
		return o, nil
	}
	if d.loading[num] {
		return nil, malformed("object %d refers to itself while loading", num)
	}
	if len(d.cache) >= maxObjects {
		return nil, malformed("too many objects")
	}
	d.loading[num] = true
	defer delete(d.loading, num)
	e, ok := d.xref[num]
	var obj Object
	switch {
	case !ok || e.kind == 0:
		obj = nil
	case e.kind == 1:
		if e.offset < 0 || e.offset >= d.size {
			return nil, malformed("object %d offset out of range", num)
		}
		ref, o, err := d.parseIndirect(d.lexAt(e.offset))
		if err != nil {
			return nil, err
		}
		if ref.Num != num {
			return nil, malformed("object %d not at its offset", num)
		}
		obj = o
	case e.kind == 2:
		o, err := d.fromObjectStream(int(e.offset), e.index, num)
		if err != nil {
			return nil, err
		}
		obj = o
	}
	d.cache[num] = obj
	return obj, nil
}

func (d *Document) fromObjectStream(stmNum, index, num int) (Object, error) {
	if stmNum == num {
		return nil, malformed("object stream contains itself")
	}
	o, err := d.load(stmNum)
	if err != nil {
		return nil, err
	}
	s, ok := o.(*Stream)
	if !ok {
		return nil, malformed("object stream %d is not a stream", stmNum)
	}
	data := d.objStm.data
	if d.objStm.num != stmNum || data == nil {
		if data, err = d.decode(s); err != nil {
			return nil, err
		}
		d.objStm.num, d.objStm.data = stmNum, data
	}
	n, _ := s.Dict["N"].(int64)
	first, _ := s.Dict["First"].(int64)
	if n <= 0 || n > maxObjects || first < 0 || first > int64(len(data)) || index < 0 || int64(index) >= n {
		return nil, malformed("bad object stream header")
	}
	l := newLexer(bytes.NewReader(data), 0)
	var off int64 = -1
	for i := 0; i <= index; i++ {
		a, err1 := l.next()
		b, err2 := l.next()
		if err1 != nil || err2 != nil || a.kind != tInt || b.kind != tInt {
			return nil, malformed("bad object stream header")
		}
		if i == index {
			if int(a.i) != num {
				return nil, malformed("object stream index mismatch")
			}
			off = b.i
		}
	}
	if off < 0 || first+off > int64(len(data)) {
		return nil, malformed("bad object stream offset")
	}
	return newLexer(bytes.NewReader(data[first+off:]), 0).object(0)
}

// decode returns a stream's decoded data. Only FlateDecode (with PNG or no
// predictor) is supported: it is what cross-reference and object streams use.
func (d *Document) decode(s *Stream) ([]byte, error) {
	raw := io.NewSectionReader(d.ra, s.Offset, s.Length)
	var filter Object
	if f, err := d.Resolve(s.Dict["Filter"]); err == nil {
		filter = f
	}
	if a, ok := filter.(Array); ok && len(a) == 1 {
		filter = a[0]
	}
	var r io.Reader = raw
	switch filter {
	case nil:
	case Name("FlateDecode"):
		zr, err := zlib.NewReader(raw)
		if err != nil {
			return nil, malformed("bad compressed stream")
		}
		defer zr.Close()
		r = zr
	default:
		return nil, malformed("unsupported filter for structural stream")
	}
	data, err := io.ReadAll(io.LimitReader(r, maxDecoded+1))
	if err != nil && len(data) == 0 {
		return nil, malformed("bad compressed stream")
	}
	if len(data) > maxDecoded {
		return nil, malformed("stream too large")
	}
	parms, _ := d.Resolve(s.Dict["DecodeParms"])
	if a, ok := parms.(Array); ok && len(a) == 1 {
		parms, _ = d.Resolve(a[0])
	}
	if p, ok := parms.(Dict); ok {
		pred, _ := p["Predictor"].(int64)
		if pred >= 10 {
			cols, ok := p["Columns"].(int64)
			if !ok {
				cols = 1
			}
			return unpredictPNG(data, cols)
		} else if pred > 1 {
			return nil, malformed("unsupported predictor")
		}
	}
	return data, nil
}

func unpredictPNG(data []byte, cols int64) ([]byte, error) {
	if cols <= 0 || cols > 1<<16 {
		return nil, malformed("bad predictor columns")
	}
	row := int(cols)
	stride := row + 1
	out := make([]byte, 0, len(data)/stride*row)
	prev := make([]byte, row)
	for i := 0; i+stride <= len(data); i += stride {
		kind, cur := data[i], data[i+1:i+stride]
		line := make([]byte, row)
		for j := 0; j < row; j++ {
			var left, up, ul byte
			if j > 0 {
				left, ul = line[j-1], prev[j-1]
			}
			up = prev[j]
			switch kind {
			case 0:
				line[j] = cur[j]
			case 1:
				line[j] = cur[j] + left
			case 2:
				line[j] = cur[j] + up
			case 3:
				line[j] = cur[j] + byte((int(left)+int(up))/2)
			case 4:
				line[j] = cur[j] + paeth(left, up, ul)
			default:
				return nil, malformed("bad predictor row")
			}
		}
		out = append(out, line...)
		prev = line
	}
	return out, nil
}

func paeth(a, b, c byte) byte {
	p := int(a) + int(b) - int(c)
	pa, pb, pc := abs(p-int(a)), abs(p-int(b)), abs(p-int(c))
	switch {
	case pa <= pb && pa <= pc:
		return a
	case pb <= pc:
		return b
	}
	return c
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
