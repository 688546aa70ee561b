package format

import (
	"bytes"
	"encoding/binary"
	"image"
	"testing"
)

func TestDetect(t *testing.T) {
	tests := []struct {
		name string
		head []byte
		want Kind
	}{
		{"jpeg", testJPEG(t, 8, 8), JPEG},
		{"png", testPNG(t, 8, 8), PNG},
		{"tiff le", makeTIFF([]*image.Gray{testGray(2, 2, 0)}, binary.LittleEndian, false), TIFF},
		{"tiff be", makeTIFF([]*image.Gray{testGray(2, 2, 0)}, binary.BigEndian, false), TIFF},
		{"pdf", []byte("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"), PDF},
		{"pdf after junk", append(bytes.Repeat([]byte{' '}, 100), "%PDF-1.7"...), PDF},
		{"bigtiff", []byte("II+\x00\x08\x00\x00\x00"), BigTIFF},
		{"bmp", append([]byte("BM"), make([]byte, 20)...), BMP},
		{"gif", []byte("GIF89a...."), GIF},
		{"webp", []byte("RIFF\x00\x00\x00\x00WEBPVP8 "), WebP},
		{"heic", []byte("\x00\x00\x00\x18ftypheic"), HEIF},
		{"zip", []byte("PK\x03\x04rest"), ZIP},
		{"text", []byte("hello, 你好"), Unknown},
		{"empty", nil, Empty},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Detect(tt.head); got != tt.want {
				t.Fatalf("Detect = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestCheckJPEG(t *testing.T) {
	good := testJPEG(t, 40, 30)
	info, err := CheckJPEG(bytes.NewReader(good))
	if err != nil {
		t.Fatal(err)
	}
	if info.Width != 40 || info.Height != 30 || info.Components != 3 {
		t.Fatalf("info = %+v", info)
	}
	bads := map[string][]byte{
		"truncated half":    good[:len(good)/2],
		"truncated no EOI":  good[:len(good)-2],
		"header only":       good[:20],
		"not jpeg":          []byte("hello"),
		"garbage after SOI": append([]byte{0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x02}, bytes.Repeat([]byte{0x41}, 50)...),
	}
	for name, b := range bads {
		t.Run(name, func(t *testing.T) {
			if _, err := CheckJPEG(bytes.NewReader(b)); !IsContentError(err) {
				t.Fatalf("err = %v, want content error", err)
			}
		})
	}
	// Trailing bytes after EOI are tolerated (some scanners pad files).
	if _, err := CheckJPEG(bytes.NewReader(append(append([]byte{}, good...), 0, 0, 0))); err != nil {
		t.Fatalf("padded: %v", err)
	}
}

func TestCheckPNG(t *testing.T) {
	good := testPNG(t, 33, 21)
	info, err := CheckPNG(bytes.NewReader(good))
	if err != nil {
		t.Fatal(err)
	}
	if info.Width != 33 || info.Height != 21 {
		t.Fatalf("info = %+v", info)
	}
	flipped := append([]byte{}, good...)
	flipped[len(flipped)/2] ^= 0x40
	for name, b := range map[string][]byte{
		"truncated": good[:len(good)-5],
		"bit flip":  flipped,
		"signature": good[4:],
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := CheckPNG(bytes.NewReader(b)); !IsContentError(err) {
				t.Fatalf("err = %v, want content error", err)
			}
		})
	}
}

func TestTIFFPages(t *testing.T) {
	pages := []*image.Gray{testGray(10, 20, 1), testGray(30, 5, 2), testGray(7, 7, 3)}
	for _, order := range []binary.ByteOrder{binary.LittleEndian, binary.BigEndian} {
		for _, thumb := range []bool{false, true} {
			data := makeTIFF(pages, order, thumb)
			tf, err := ParseTIFF(bytes.NewReader(data), int64(len(data)))
			if err != nil {
				t.Fatal(err)
			}
			if got, want := len(tf.Pages), len(pages); got != want {
				t.Fatalf("%v thumb=%v: pages = %d, want %d", order, thumb, got, want)
			}
			for i, want := range pages {
				img, err := tf.Decode(i, 0)
				if err != nil {
					t.Fatalf("page %d: %v", i, err)
				}
				g, ok := img.(*image.Gray)
				if !ok {
					t.Fatalf("page %d: %T", i, img)
				}
				if g.Rect != want.Rect || !bytes.Equal(g.Pix, want.Pix) {
					t.Fatalf("page %d: pixels differ", i)
				}
			}
			if _, err := tf.Decode(0, 50); !IsContentError(err) {
				t.Fatalf("pixel limit: err = %v", err)
			}
		}
	}
}

func TestTIFFBroken(t *testing.T) {
	data := makeTIFF([]*image.Gray{testGray(10, 10, 1), testGray(10, 10, 2)}, binary.LittleEndian, false)
	loop := append([]byte{}, data...)
	// Point the last IFD's next offset back at the first IFD.
	first := binary.LittleEndian.Uint32(loop[4:8])
	binary.LittleEndian.PutUint32(loop[len(loop)-4:], first)
	tests := map[string][]byte{
		"loop":      loop,
		"truncated": data[:len(data)-20],
		"short":     data[:6],
		"bad magic": append([]byte("II*\x01"), data[4:]...),
	}
	for name, b := range tests {
		t.Run(name, func(t *testing.T) {
			if _, err := ParseTIFF(bytes.NewReader(b), int64(len(b))); !IsContentError(err) {
				t.Fatalf("err = %v, want content error", err)
			}
		})
	}
}

func FuzzDetectAndCheck(f *testing.F) {
	f.Add(testJPEG(f, 8, 8))
	f.Add(testPNG(f, 8, 8))
	f.Add([]byte("%PDF-1.4"))
	f.Add([]byte("II*\x00\x08\x00\x00\x00"))
	f.Add([]byte{0xFF, 0xD8, 0xFF, 0xDA, 0x00, 0x02, 0xFF})
	f.Fuzz(func(t *testing.T, b []byte) {
		k := Detect(b)
		if k.Supported() && len(b) == 0 {
			t.Fatal("empty input detected as a page format")
		}
		switch k {
		case JPEG:
			info, err := CheckJPEG(bytes.NewReader(b))
			if err == nil && (info.Width == 0 || info.Height == 0) {
				t.Fatal("accepted JPEG without size")
			}
		case PNG:
			info, err := CheckPNG(bytes.NewReader(b))
			if err == nil && (info.Width == 0 || info.Height == 0) {
				t.Fatal("accepted PNG without size")
			}
		}
	})
}

func FuzzTIFF(f *testing.F) {
	f.Add(makeTIFF([]*image.Gray{testGray(3, 3, 1), testGray(2, 4, 2)}, binary.LittleEndian, true))
	f.Add(makeTIFF([]*image.Gray{testGray(5, 1, 1)}, binary.BigEndian, false))
	f.Fuzz(func(t *testing.T, b []byte) {
		tf, err := ParseTIFF(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			if !IsContentError(err) {
				t.Fatalf("non-content error %v", err)
			}
			return
		}
		if len(tf.Pages) == 0 {
			t.Fatal("parsed TIFF without pages")
		}
		for i := range tf.Pages {
			img, err := tf.Decode(i, 1<<16)
			if err == nil && img.Bounds().Empty() {
				t.Fatal("empty page decoded")
			}
		}
	})
}
