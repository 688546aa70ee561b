// Package fonts loads the TrueType faces that Tongban's documents are set in:
// plain .ttf files, one face of a TrueType collection (.ttc, as Windows ships
// SimSun and Microsoft YaHei), never CFF-outline OpenType (fpdf cannot embed
// it). It knows which characters a face covers and builds, per document, a
// small standalone font whose cmap holds only the characters used, with
// characters outside the BMP moved to private-use codes (fpdf only handles
// BMP code points).
package fonts

import (
	"encoding/binary"
	"fmt"

	"tongban/printing/perr"
)

// Face is one parsed TrueType face.
type Face struct {
	Name       string // file path (and #index for a collection face)
	tables     []table
	cmap       map[rune]uint16
	advances   []uint16 // per glyph, font units
	unitsPerEm int
	Ascent     float64 // in 1/1000 em
	Descent    float64 // in 1/1000 em, negative
}

// required tables for fpdf to embed the face.
var required = []string{"head", "hhea", "maxp", "hmtx", "cmap", "loca", "glyf", "name", "OS/2", "post"}

// kept tables in per-document instances.
var kept = map[string]bool{"head": true, "hhea": true, "maxp": true, "hmtx": true, "cmap": true,
	"loca": true, "glyf": true, "name": true, "OS/2": true, "post": true, "cvt ": true, "fpgm": true, "prep": true}

// Parse parses face index of data (index is ignored for a plain font).
func Parse(data []byte, name string, index int) (*Face, error) {
	offs, err := faceOffsets(data)
	if err != nil {
		return nil, perr.Wrap(err, perr.EINVALID, "font "+name+": not a font file",
			"字体文件不可用（"+name+"）：不是 TrueType 字体文件")
	}
	if index < 0 || index >= len(offs) {
		return nil, perr.New(perr.EINVALID, fmt.Sprintf("font %s: no face %d (collection has %d)", name, index, len(offs)),
			fmt.Sprintf("字体文件不可用（%s）：字体集中没有第 %d 个字体（共 %d 个）", name, index, len(offs)))
	}
	if len(offs) > 1 {
		name = fmt.Sprintf("%s#%d", name, index)
	}
	tables, err := readTables(data, offs[index])
	if err != nil {
		return nil, perr.Wrap(err, perr.EINVALID, "font "+name+": damaged table directory",
			"字体文件不可用（"+name+"）：文件已损坏")
	}
	if findTable(tables, "CFF ") != nil || findTable(tables, "CFF2") != nil {
		return nil, perr.New(perr.EINVALID, "font "+name+": CFF (PostScript) outlines are not supported, use a TrueType-outline font",
			"字体文件不可用（"+name+"）：这是 CFF/PostScript 轮廓的 OpenType 字体，无法嵌入 PDF，请改用 TrueType 轮廓字体（.ttf 或 .ttc，如宋体、微软雅黑、Noto Sans SC TTF）")
	}
	for _, tag := range required {
		if findTable(tables, tag) == nil {
			return nil, perr.New(perr.EINVALID, "font "+name+": missing table "+tag,
				"字体文件不可用（"+name+"）：缺少字体表 "+tag+"，文件不完整或不是 TrueType 字体")
		}
	}
	f := &Face{Name: name, tables: tables}
	if err := f.parseMetrics(); err != nil {
		return nil, perr.Wrap(err, perr.EINVALID, "font "+name+": bad metrics", "字体文件不可用（"+name+"）：度量信息损坏")
	}
	if f.cmap, err = parseCmap(findTable(tables, "cmap")); err != nil {
		return nil, perr.Wrap(err, perr.EINVALID, "font "+name+": bad cmap", "字体文件不可用（"+name+"）：没有 Unicode 字符映射")
	}
	for r, g := range f.cmap {
		if int(g) >= len(f.advances) {
			delete(f.cmap, r)
		}
	}
	return f, nil
}

func (f *Face) parseMetrics() error {
	head, hhea, maxp, hmtx := findTable(f.tables, "head"), findTable(f.tables, "hhea"), findTable(f.tables, "maxp"), findTable(f.tables, "hmtx")
	if len(head) < 54 || len(hhea) < 36 || len(maxp) < 6 {
		return fmt.Errorf("short head/hhea/maxp")
	}
	f.unitsPerEm = int(binary.BigEndian.Uint16(head[18:]))
	if f.unitsPerEm < 16 || f.unitsPerEm > 16384 {
		return fmt.Errorf("bad unitsPerEm %d", f.unitsPerEm)
	}
	f.Ascent = float64(int16(binary.BigEndian.Uint16(hhea[4:]))) * 1000 / float64(f.unitsPerEm)
	f.Descent = float64(int16(binary.BigEndian.Uint16(hhea[6:]))) * 1000 / float64(f.unitsPerEm)
	numH := int(binary.BigEndian.Uint16(hhea[34:]))
	numGlyphs := int(binary.BigEndian.Uint16(maxp[4:]))
	if numH == 0 || numH > numGlyphs || len(hmtx) < 4*numH {
		return fmt.Errorf("bad hmtx")
	}
	f.advances = make([]uint16, numGlyphs)
	for i := 0; i < numGlyphs; i++ {
		if i < numH {
			f.advances[i] = binary.BigEndian.Uint16(hmtx[4*i:])
		} else {
			f.advances[i] = f.advances[numH-1]
		}
	}
	return nil
}

// Has reports whether the face has a glyph for r.
func (f *Face) Has(r rune) bool { _, ok := f.cmap[r]; return ok }

// Advance returns the advance width of r in 1/1000 em (0 if missing).
func (f *Face) Advance(r rune) float64 {
	g, ok := f.cmap[r]
	if !ok {
		return 0
	}
	return float64(f.advances[g]) * 1000 / float64(f.unitsPerEm)
}

// NumRunes returns how many characters the face covers.
func (f *Face) NumRunes() int { return len(f.cmap) }

// PUABase is the first private-use code given to characters outside the BMP.
const PUABase = 0xE000

// Instance builds a standalone TrueType font for one document: only the
// tables fpdf needs, and a cmap holding exactly runes (those the face
// covers). BMP runes keep their code; others get private-use codes from
// PUABase on. It returns the font and the code to write for each rune.
func (f *Face) Instance(runes []rune) ([]byte, map[rune]rune) {
	m := make(map[uint16]uint16, len(runes))
	codes := make(map[rune]rune, len(runes))
	next := rune(PUABase)
	for _, r := range runes {
		g, ok := f.cmap[r]
		if !ok {
			continue
		}
		if _, done := codes[r]; done {
			continue
		}
		c := r
		if r > 0xFFFF || (r >= 0xE000 && r <= 0xF8FF) {
			if next > 0xF8FF {
				continue // more than 6400 rare characters in one document
			}
			c = next
			next++
		}
		codes[r] = c
		m[uint16(c)] = g
	}
	if len(m) == 0 { // fpdf needs at least one mapping
		if g, ok := f.cmap[' ']; ok {
			m[' '] = g
		}
	}
	tables := make([]table, 0, len(kept))
	for _, t := range f.tables {
		if !kept[t.tag] {
			continue
		}
		if t.tag == "cmap" {
			t = table{tag: "cmap", data: buildCmap4(m)}
		}
		tables = append(tables, t)
	}
	return buildFont(tables, false), codes
}

// ExtractFace returns face index of a font file (a TrueType collection or a
// plain font) as a standalone TrueType font with valid checksums.
func ExtractFace(data []byte, index int) ([]byte, error) {
	f, err := Parse(data, "font", index)
	if err != nil {
		return nil, err
	}
	return buildFont(f.tables, true), nil
}
