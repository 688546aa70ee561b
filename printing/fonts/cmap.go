package fonts

import (
	"encoding/binary"
	"fmt"
	"sort"
)

// parseCmap returns the rune → glyph id map of the best Unicode subtable
// (format 12 if present, else format 4).
func parseCmap(b []byte) (map[rune]uint16, error) {
	if len(b) < 4 {
		return nil, fmt.Errorf("cmap too short")
	}
	n := int(binary.BigEndian.Uint16(b[2:]))
	var off4, off12 int = -1, -1
	for i := 0; i < n; i++ {
		if 4+8*i+8 > len(b) {
			return nil, fmt.Errorf("cmap truncated")
		}
		rec := b[4+8*i:]
		pid, eid := binary.BigEndian.Uint16(rec), binary.BigEndian.Uint16(rec[2:])
		o := int(binary.BigEndian.Uint32(rec[4:]))
		if o+4 > len(b) || !(pid == 0 || (pid == 3 && (eid == 1 || eid == 10))) {
			continue
		}
		switch binary.BigEndian.Uint16(b[o:]) {
		case 4:
			if off4 < 0 {
				off4 = o
			}
		case 12:
			if off12 < 0 {
				off12 = o
			}
		}
	}
	m := make(map[rune]uint16)
	switch {
	case off12 >= 0:
		return m, parseCmap12(b[off12:], m)
	case off4 >= 0:
		return m, parseCmap4(b[off4:], m)
	}
	return nil, fmt.Errorf("no Unicode cmap")
}

func parseCmap4(b []byte, m map[rune]uint16) error {
	if len(b) < 14 {
		return fmt.Errorf("cmap4 truncated")
	}
	seg := int(binary.BigEndian.Uint16(b[6:])) / 2
	if 16+8*seg > len(b) {
		return fmt.Errorf("cmap4 truncated")
	}
	ends, starts := b[14:], b[16+2*seg:]
	deltas, ranges := b[16+4*seg:], b[16+6*seg:]
	for i := 0; i < seg; i++ {
		end := int(binary.BigEndian.Uint16(ends[2*i:]))
		start := int(binary.BigEndian.Uint16(starts[2*i:]))
		delta := int(binary.BigEndian.Uint16(deltas[2*i:]))
		ro := int(binary.BigEndian.Uint16(ranges[2*i:]))
		for c := start; c <= end && c != 0xFFFF; c++ {
			var g int
			if ro == 0 {
				g = (c + delta) & 0xFFFF
			} else {
				p := 16 + 6*seg + 2*i + ro + 2*(c-start)
				if p+2 > len(b) {
					return fmt.Errorf("cmap4 glyph index out of range")
				}
				g = int(binary.BigEndian.Uint16(b[p:]))
				if g != 0 {
					g = (g + delta) & 0xFFFF
				}
			}
			if g != 0 {
				m[rune(c)] = uint16(g)
			}
		}
	}
	return nil
}

func parseCmap12(b []byte, m map[rune]uint16) error {
	if len(b) < 16 {
		return fmt.Errorf("cmap12 truncated")
	}
	n := int(binary.BigEndian.Uint32(b[12:]))
	if n < 0 || 16+12*n > len(b) {
		return fmt.Errorf("cmap12 truncated")
	}
	for i := 0; i < n; i++ {
		g := b[16+12*i:]
		start, end := binary.BigEndian.Uint32(g), binary.BigEndian.Uint32(g[4:])
		gid := binary.BigEndian.Uint32(g[8:])
		if end < start || end > 0x10FFFF || end-start > 0x10FFFF {
			return fmt.Errorf("cmap12 bad group")
		}
		for c := start; c <= end; c++ {
			if id := gid + (c - start); id != 0 && id <= 0xFFFF {
				m[rune(c)] = uint16(id)
			}
		}
	}
	return nil
}

// buildCmap4 returns a cmap table with one format-4 subtable (3,1) holding
// exactly the pairs in m (all codes must be in the BMP).
func buildCmap4(m map[uint16]uint16) []byte {
	codes := make([]int, 0, len(m))
	for c := range m {
		if c != 0xFFFF {
			codes = append(codes, int(c))
		}
	}
	sort.Ints(codes)
	// one segment per run of consecutive codes with consecutive glyphs
	type segment struct{ start, end, delta int }
	var segs []segment
	for _, c := range codes {
		g := int(m[uint16(c)])
		if k := len(segs) - 1; k >= 0 && segs[k].end == c-1 && (c+segs[k].delta)&0xFFFF == g {
			segs[k].end = c
			continue
		}
		segs = append(segs, segment{c, c, (g - c) & 0xFFFF})
	}
	segs = append(segs, segment{0xFFFF, 0xFFFF, 1})
	n := len(segs)
	sub := make([]byte, 16+8*n)
	binary.BigEndian.PutUint16(sub[0:], 4)
	binary.BigEndian.PutUint16(sub[2:], uint16(len(sub)))
	binary.BigEndian.PutUint16(sub[6:], uint16(2*n))
	es := 0
	for 1<<(es+1) <= n {
		es++
	}
	binary.BigEndian.PutUint16(sub[8:], uint16(2<<es))
	binary.BigEndian.PutUint16(sub[10:], uint16(es))
	binary.BigEndian.PutUint16(sub[12:], uint16(2*n-(2<<es)))
	for i, s := range segs {
		binary.BigEndian.PutUint16(sub[14+2*i:], uint16(s.end))
		binary.BigEndian.PutUint16(sub[16+2*n+2*i:], uint16(s.start))
		binary.BigEndian.PutUint16(sub[16+4*n+2*i:], uint16(s.delta))
		// idRangeOffset stays 0
	}
	out := make([]byte, 12, 12+len(sub))
	binary.BigEndian.PutUint16(out[2:], 1)
	binary.BigEndian.PutUint16(out[4:], 3)
	binary.BigEndian.PutUint16(out[6:], 1)
	binary.BigEndian.PutUint32(out[8:], 12)
	return append(out, sub...)
}
