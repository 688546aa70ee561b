package format

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"testing"
)

func testGray(w, h int, seed byte) *image.Gray {
	img := image.NewGray(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = byte(i*7) ^ seed
	}
	return img
}

func testJPEG(tb testing.TB, w, h int) []byte {
	tb.Helper()
	var buf bytes.Buffer
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.RGBA{byte(x), byte(y), byte(x ^ y), 255})
		}
	}
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 80}); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

func testPNG(tb testing.TB, w, h int) []byte {
	tb.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, testGray(w, h, 3)); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// makeTIFF writes an uncompressed 8-bit grey multi-page TIFF. If thumb is
// set, a reduced-resolution IFD is inserted after the first page.
func makeTIFF(pages []*image.Gray, order binary.ByteOrder, thumb bool) []byte {
	var out bytes.Buffer
	if order == binary.LittleEndian {
		out.WriteString("II*\x00")
	} else {
		out.WriteString("MM\x00*")
	}
	_ = binary.Write(&out, order, uint32(0)) // patched below
	type entry struct {
		tag, typ uint16
		val      uint32
	}
	var lastNext int64 = 4
	writeIFD := func(img *image.Gray, sub uint32) {
		dataOff := out.Len()
		out.Write(img.Pix)
		if out.Len()%2 == 1 {
			out.WriteByte(0)
		}
		ifdOff := out.Len()
		b := out.Bytes()
		order.PutUint32(b[lastNext:lastNext+4], uint32(ifdOff))
		w, h := img.Rect.Dx(), img.Rect.Dy()
		entries := []entry{
			{254, 4, sub}, {256, 4, uint32(w)}, {257, 4, uint32(h)}, {258, 3, 8}, {259, 3, 1},
			{262, 3, 1}, {273, 4, uint32(dataOff)}, {277, 3, 1}, {278, 4, uint32(h)}, {279, 4, uint32(w * h)},
		}
		_ = binary.Write(&out, order, uint16(len(entries)))
		for _, e := range entries {
			_ = binary.Write(&out, order, e.tag)
			_ = binary.Write(&out, order, e.typ)
			_ = binary.Write(&out, order, uint32(1))
			if e.typ == 3 {
				_ = binary.Write(&out, order, uint16(e.val))
				_ = binary.Write(&out, order, uint16(0))
			} else {
				_ = binary.Write(&out, order, e.val)
			}
		}
		lastNext = int64(out.Len())
		_ = binary.Write(&out, order, uint32(0))
	}
	for i, p := range pages {
		writeIFD(p, 0)
		if i == 0 && thumb {
			writeIFD(testGray(4, 4, 9), 1)
		}
	}
	return out.Bytes()
}
