// Page files for tests and benchmarks: JPEG, PNG,
// multi-page TIFF and multi-page PDF, each with distinct content per seed.

package scannertest

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"

	"codeberg.org/go-pdf/fpdf"
)

// Image returns a w×h RGB test pattern that depends on seed.
func Image(w, h, seed int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.RGBA{byte(x + seed), byte(y * 3), byte(x ^ y ^ seed), 255})
		}
	}
	return img
}

// JPEG encodes Image(w, h, seed).
func JPEG(w, h, seed int) []byte {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, Image(w, h, seed), &jpeg.Options{Quality: 85}); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

// PNG encodes a grey pattern that depends on seed.
func PNG(w, h, seed int) []byte {
	g := image.NewGray(image.Rect(0, 0, w, h))
	for i := range g.Pix {
		g.Pix[i] = byte(i*7 + seed)
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, g); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

// WithComment inserts a JPEG COM segment after SOI: the same picture with
// different bytes (and so a different SHA-256), of about extra bytes more.
func WithComment(jpg []byte, text string, extra int) []byte {
	out := append([]byte{}, jpg[:2]...)
	for extra > 0 || text != "" {
		n := min(extra, 60000)
		extra -= n
		payload := append([]byte(text), bytes.Repeat([]byte{'x'}, n)...)
		text = ""
		out = append(out, 0xFF, 0xFE)
		out = binary.BigEndian.AppendUint16(out, uint16(len(payload)+2))
		out = append(out, payload...)
	}
	return append(out, jpg[2:]...)
}

// TIFF writes an uncompressed 8-bit grey TIFF with one page per seed.
func TIFF(w, h int, seeds ...int) []byte {
	var out bytes.Buffer
	order := binary.LittleEndian
	out.WriteString("II*\x00")
	_ = binary.Write(&out, order, uint32(0))
	next := 4
	for _, seed := range seeds {
		pix := make([]byte, w*h)
		for i := range pix {
			pix[i] = byte(i + seed*31)
		}
		dataOff := out.Len()
		out.Write(pix)
		if out.Len()%2 == 1 {
			out.WriteByte(0)
		}
		order.PutUint32(out.Bytes()[next:], uint32(out.Len()))
		type entry struct {
			tag, typ uint16
			val      uint32
		}
		entries := []entry{{256, 4, uint32(w)}, {257, 4, uint32(h)}, {258, 3, 8}, {259, 3, 1}, {262, 3, 1},
			{273, 4, uint32(dataOff)}, {277, 3, 1}, {278, 4, uint32(h)}, {279, 4, uint32(w * h)}}
		_ = binary.Write(&out, order, uint16(len(entries)))
		for _, e := range entries {
			_ = binary.Write(&out, order, e.tag)
			_ = binary.Write(&out, order, e.typ)
			_ = binary.Write(&out, order, uint32(1))
			if e.typ == 3 {
				_ = binary.Write(&out, order, [2]uint16{uint16(e.val), 0})
			} else {
				_ = binary.Write(&out, order, e.val)
			}
		}
		next = out.Len()
		_ = binary.Write(&out, order, uint32(0))
	}
	return out.Bytes()
}

// PDF makes an n-page PDF whose page i says "<label> page i".
func PDF(label string, n int) []byte {
	f := fpdf.New("P", "mm", "A4", "")
	f.SetFont("Helvetica", "", 14)
	for i := 1; i <= n; i++ {
		f.AddPage()
		f.Cell(40, 10, fmt.Sprintf("%s page %d", label, i))
	}
	var buf bytes.Buffer
	if err := f.Output(&buf); err != nil {
		panic(err)
	}
	return buf.Bytes()
}
