package format

import (
	"encoding/binary"
	"fmt"
	"image"
	"io"

	"golang.org/x/image/tiff"
)

const (
	tagNewSubfileType = 254
	tagImageWidth     = 256
	tagImageLength    = 257
	tagCompression    = 259
	tagXResolution    = 282
	tagYResolution    = 283
	tagResolutionUnit = 296

	maxTIFFPages = 5000
)

// TIFFPage is one full-resolution image of a TIFF file.
type TIFFPage struct {
	Offset      int64 // offset of the page's IFD
	Width       int
	Height      int
	Compression int
	DPIX, DPIY  float64
}

// TIFFFile is a parsed TIFF: the chain of image file directories walked
// without decoding pixels. golang.org/x/image/tiff decodes only the first
// IFD, so Decode presents it a view of the file whose header points at the
// wanted page instead.
type TIFFFile struct {
	ra    io.ReaderAt
	size  int64
	order binary.ByteOrder
	Pages []TIFFPage
}

// ParseTIFF walks the IFD chain of a classic TIFF. Reduced-resolution
// images (thumbnails, NewSubfileType bit 0) are not pages.
func ParseTIFF(ra io.ReaderAt, size int64) (*TIFFFile, error) {
	var hdr [8]byte
	if size < 8 {
		return nil, truncated(TIFF)
	}
	if _, err := ra.ReadAt(hdr[:], 0); err != nil {
		return nil, truncated(TIFF)
	}
	t := &TIFFFile{ra: ra, size: size}
	switch string(hdr[:4]) {
	case "II*\x00":
		t.order = binary.LittleEndian
	case "MM\x00*":
		t.order = binary.BigEndian
	default:
		return nil, bad(TIFF, "not a classic TIFF header", "不是有效的TIFF文件头")
	}
	off := int64(t.order.Uint32(hdr[4:8]))
	seen := map[int64]bool{}
	for off != 0 {
		if seen[off] {
			return nil, bad(TIFF, "TIFF directory chain loops", "TIFF目录链循环")
		}
		if len(seen) >= maxTIFFPages {
			return nil, bad(TIFF, "too many TIFF directories", "TIFF页数过多")
		}
		seen[off] = true
		page, next, thumb, err := t.readIFD(off)
		if err != nil {
			return nil, err
		}
		if !thumb {
			t.Pages = append(t.Pages, page)
		}
		off = next
	}
	if len(t.Pages) == 0 {
		return nil, bad(TIFF, "TIFF has no pages", "TIFF中没有页面")
	}
	return t, nil
}

func (t *TIFFFile) readIFD(off int64) (p TIFFPage, next int64, thumb bool, err error) {
	p.Offset = off
	var b2 [2]byte
	if off < 8 || off+2 > t.size {
		return p, 0, false, bad(TIFF, "TIFF directory offset out of range", "TIFF目录偏移越界")
	}
	if _, err := t.ra.ReadAt(b2[:], off); err != nil {
		return p, 0, false, truncated(TIFF)
	}
	n := int64(t.order.Uint16(b2[:]))
	end := off + 2 + n*12 + 4
	if n == 0 || end > t.size {
		return p, 0, false, truncated(TIFF)
	}
	buf := make([]byte, n*12+4)
	if _, err := t.ra.ReadAt(buf, off+2); err != nil {
		return p, 0, false, truncated(TIFF)
	}
	unit := 2 // inches, the TIFF default
	var xres, yres float64
	for i := int64(0); i < n; i++ {
		e := buf[i*12 : i*12+12]
		tag, typ, count := t.order.Uint16(e[0:2]), t.order.Uint16(e[2:4]), t.order.Uint32(e[4:8])
		val := func() int64 { // first SHORT or LONG value stored inline
			if count == 0 {
				return 0
			}
			switch typ {
			case 3:
				return int64(t.order.Uint16(e[8:10]))
			case 4:
				return int64(t.order.Uint32(e[8:12]))
			}
			return -1
		}
		switch tag {
		case tagNewSubfileType:
			thumb = val()&1 == 1
		case tagImageWidth:
			p.Width = int(val())
		case tagImageLength:
			p.Height = int(val())
		case tagCompression:
			p.Compression = int(val())
		case tagResolutionUnit:
			unit = int(val())
		case tagXResolution, tagYResolution:
			if typ == 5 && count == 1 {
				r := t.rational(int64(t.order.Uint32(e[8:12])))
				if tag == tagXResolution {
					xres = r
				} else {
					yres = r
				}
			}
		}
	}
	if p.Width <= 0 || p.Height <= 0 {
		return p, 0, false, bad(TIFF, "TIFF page without a valid size", "TIFF页面尺寸无效")
	}
	switch unit {
	case 2:
		p.DPIX, p.DPIY = xres, yres
	case 3:
		p.DPIX, p.DPIY = xres*2.54, yres*2.54
	}
	return p, int64(t.order.Uint32(buf[n*12:])), thumb, nil
}

func (t *TIFFFile) rational(off int64) float64 {
	var b [8]byte
	if off < 0 || off+8 > t.size {
		return 0
	}
	if _, err := t.ra.ReadAt(b[:], off); err != nil {
		return 0
	}
	num, den := t.order.Uint32(b[:4]), t.order.Uint32(b[4:])
	if den == 0 {
		return 0
	}
	return float64(num) / float64(den)
}

// Decode decodes page i. Pages larger than maxPixels are refused before any
// pixel memory is allocated.
func (t *TIFFFile) Decode(i int, maxPixels int64) (img image.Image, err error) {
	if i < 0 || i >= len(t.Pages) {
		return nil, fmt.Errorf("decode tiff page %d: out of range", i)
	}
	p := t.Pages[i]
	if maxPixels > 0 && int64(p.Width)*int64(p.Height) > maxPixels {
		return nil, bad(TIFF, fmt.Sprintf("TIFF page %d is too large (%dx%d pixels)", i+1, p.Width, p.Height),
			fmt.Sprintf("TIFF第%d页图像过大（%d×%d像素）", i+1, p.Width, p.Height))
	}
	switch p.Compression {
	case 0, 1, 2, 3, 4, 5, 8, 32773, 32946:
	default:
		return nil, bad(TIFF, fmt.Sprintf("TIFF compression %d is not supported (page %d)", p.Compression, i+1),
			fmt.Sprintf("不支持的TIFF压缩方式%d（第%d页）", p.Compression, i+1))
	}
	defer func() { // a decoder bug on hostile input must not stop the watcher
		if r := recover(); r != nil {
			img, err = nil, bad(TIFF, fmt.Sprintf("TIFF page %d does not decode", i+1), fmt.Sprintf("TIFF第%d页无法解码", i+1))
		}
	}()
	img, err = tiff.Decode(&ifdView{t: t, first: uint32(p.Offset)})
	if err != nil {
		return nil, bad(TIFF, fmt.Sprintf("TIFF page %d does not decode: %v", i+1, err), fmt.Sprintf("TIFF第%d页无法解码", i+1))
	}
	return img, nil
}

// ifdView is the TIFF file with the first-IFD offset in its header
// replaced, so that a decoder that reads only the first IFD reads another.
type ifdView struct {
	t     *TIFFFile
	first uint32
	pos   int64
}

func (v *ifdView) ReadAt(p []byte, off int64) (int, error) {
	n, err := v.t.ra.ReadAt(p, off)
	var patch [4]byte
	v.t.order.PutUint32(patch[:], v.first)
	for o := max(off, 4); o < 8 && o < off+int64(n); o++ {
		p[o-off] = patch[o-4]
	}
	return n, err
}

func (v *ifdView) Read(p []byte) (int, error) {
	if v.pos >= v.t.size {
		return 0, io.EOF
	}
	n, err := v.ReadAt(p, v.pos)
	v.pos += int64(n)
	if err == io.EOF && n > 0 {
		err = nil
	}
	return n, err
}
