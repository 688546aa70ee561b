package fonts

import (
	"encoding/binary"
	"fmt"
	"sort"
)

// table is one sfnt table: its tag and its bytes.
type table struct {
	tag  string
	data []byte
}

const (
	magicTrueType = 0x00010000
	magicOTTO     = 0x4F54544F // 'OTTO': CFF outlines
	magicTTCF     = 0x74746366 // 'ttcf': TrueType collection
	magicTrue     = 0x74727565 // 'true': old Apple TrueType
)

// readTables reads the table directory at off (0 for a plain font, the face
// offset for a collection). Table offsets are absolute in data.
func readTables(data []byte, off int) ([]table, error) {
	if off < 0 || off+12 > len(data) {
		return nil, fmt.Errorf("table directory out of range")
	}
	n := int(binary.BigEndian.Uint16(data[off+4:]))
	if n == 0 || n > 200 {
		return nil, fmt.Errorf("bad table count %d", n)
	}
	if off+12+16*n > len(data) {
		return nil, fmt.Errorf("truncated table directory")
	}
	tables := make([]table, 0, n)
	for i := 0; i < n; i++ {
		rec := data[off+12+16*i:]
		tag := string(rec[0:4])
		o := int64(binary.BigEndian.Uint32(rec[8:]))
		l := int64(binary.BigEndian.Uint32(rec[12:]))
		if o+l > int64(len(data)) {
			return nil, fmt.Errorf("table %q out of range", tag)
		}
		tables = append(tables, table{tag: tag, data: data[o : o+l]})
	}
	return tables, nil
}

// faceOffsets returns the table directory offsets of every face in data:
// one for a plain font, several for a TrueType collection.
func faceOffsets(data []byte) ([]int, error) {
	if len(data) < 12 {
		return nil, fmt.Errorf("file too short (%d bytes)", len(data))
	}
	switch binary.BigEndian.Uint32(data) {
	case magicTrueType, magicTrue, magicOTTO:
		return []int{0}, nil
	case magicTTCF:
		n := int(binary.BigEndian.Uint32(data[8:]))
		if n <= 0 || n > 256 || 12+4*n > len(data) {
			return nil, fmt.Errorf("bad collection face count %d", n)
		}
		offs := make([]int, n)
		for i := range offs {
			offs[i] = int(binary.BigEndian.Uint32(data[12+4*i:]))
		}
		return offs, nil
	}
	return nil, fmt.Errorf("not a TrueType/OpenType font")
}

// buildFont writes tables as a standalone sfnt with a fresh directory and
// 4-byte aligned tables; with sums it also computes the checksums (fpdf does
// not read them, so per-document instances skip that 10 MB pass).
func buildFont(tables []table, sums bool) []byte {
	sorted := append([]table(nil), tables...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].tag < sorted[j].tag })
	n := len(sorted)
	size := 12 + 16*n
	for _, t := range sorted {
		size += (len(t.data) + 3) &^ 3
	}
	out := make([]byte, size)
	binary.BigEndian.PutUint32(out[0:], magicTrueType)
	binary.BigEndian.PutUint16(out[4:], uint16(n))
	es := 0
	for 1<<(es+1) <= n {
		es++
	}
	binary.BigEndian.PutUint16(out[6:], uint16(16<<es))
	binary.BigEndian.PutUint16(out[8:], uint16(es))
	binary.BigEndian.PutUint16(out[10:], uint16(16*n-(16<<es)))
	off := 12 + 16*n
	headOff := -1
	for i, t := range sorted {
		rec := out[12+16*i:]
		copy(rec[0:4], t.tag)
		copy(out[off:], t.data)
		if t.tag == "head" && len(t.data) >= 12 {
			headOff = off
			binary.BigEndian.PutUint32(out[off+8:], 0) // checkSumAdjustment
		}
		if sums {
			binary.BigEndian.PutUint32(rec[4:], checksum(out[off:off+((len(t.data)+3)&^3)]))
		}
		binary.BigEndian.PutUint32(rec[8:], uint32(off))
		binary.BigEndian.PutUint32(rec[12:], uint32(len(t.data)))
		off += (len(t.data) + 3) &^ 3
	}
	if sums && headOff >= 0 {
		binary.BigEndian.PutUint32(out[headOff+8:], 0xB1B0AFBA-checksum(out))
	}
	return out
}

func checksum(b []byte) uint32 {
	var sum uint32
	for i := 0; i+4 <= len(b); i += 4 {
		sum += binary.BigEndian.Uint32(b[i:])
	}
	if r := len(b) % 4; r != 0 {
		var last [4]byte
		copy(last[:], b[len(b)-r:])
		sum += binary.BigEndian.Uint32(last[:])
	}
	return sum
}

func findTable(tables []table, tag string) []byte {
	for _, t := range tables {
		if t.tag == tag {
			return t.data
		}
	}
	return nil
}
