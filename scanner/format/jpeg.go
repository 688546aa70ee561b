package format

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"io"
)

// CheckJPEG walks the marker structure of a JPEG stream up to its EOI
// marker without decoding pixels: it finds truncated files (the common
// result of a partial write), garbage and missing frame headers cheaply,
// with a fixed-size buffer whatever the file size.
func CheckJPEG(r io.Reader) (ImageInfo, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	var info ImageInfo
	soi := make([]byte, 2)
	if _, err := io.ReadFull(br, soi); err != nil || soi[0] != 0xFF || soi[1] != 0xD8 {
		return info, bad(JPEG, "missing JPEG start-of-image marker", "缺少JPEG起始标记")
	}
	sawFrame, sawScan := false, false
	var marker byte
	next := func() error { // reads the next marker into marker
		b, err := br.ReadByte()
		if err != nil {
			return truncated(JPEG)
		}
		if b != 0xFF {
			return bad(JPEG, "corrupt JPEG marker structure", "JPEG标记结构损坏")
		}
		for b == 0xFF { // fill bytes
			if b, err = br.ReadByte(); err != nil {
				return truncated(JPEG)
			}
		}
		marker = b
		return nil
	}
	if err := next(); err != nil {
		return info, err
	}
	for {
		switch {
		case marker == 0xD9: // EOI
			if !sawFrame || !sawScan {
				return info, bad(JPEG, "JPEG has no image data", "JPEG中没有图像数据")
			}
			return info, nil
		case marker >= 0xD0 && marker <= 0xD7, marker == 0x01:
			if err := next(); err != nil {
				return info, err
			}
			continue
		case marker == 0x00 || marker == 0xD8:
			return info, bad(JPEG, "corrupt JPEG marker structure", "JPEG标记结构损坏")
		}
		var lb [2]byte
		if _, err := io.ReadFull(br, lb[:]); err != nil {
			return info, truncated(JPEG)
		}
		n := int(binary.BigEndian.Uint16(lb[:])) - 2
		if n < 0 {
			return info, bad(JPEG, "corrupt JPEG segment length", "JPEG段长度错误")
		}
		isSOF := marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC
		if isSOF || marker == 0xE0 || marker == 0xDA {
			seg, err := br.Peek(n)
			if err != nil {
				if errors.Is(err, bufio.ErrBufferFull) {
					return info, bad(JPEG, "corrupt JPEG segment length", "JPEG段长度错误")
				}
				return info, truncated(JPEG)
			}
			switch {
			case isSOF:
				if n < 6 {
					return info, bad(JPEG, "corrupt JPEG frame header", "JPEG帧头损坏")
				}
				info.Height = int(binary.BigEndian.Uint16(seg[1:3]))
				info.Width = int(binary.BigEndian.Uint16(seg[3:5]))
				info.Components = int(seg[5])
				if info.Width == 0 || info.Height == 0 || info.Components == 0 {
					return info, bad(JPEG, "JPEG frame has zero size", "JPEG图像尺寸为零")
				}
				sawFrame = true
			case marker == 0xE0 && n >= 12 && bytes.HasPrefix(seg, []byte("JFIF\x00")):
				x, y := float64(binary.BigEndian.Uint16(seg[8:10])), float64(binary.BigEndian.Uint16(seg[10:12]))
				switch seg[7] {
				case 1:
					info.DPIX, info.DPIY = x, y
				case 2:
					info.DPIX, info.DPIY = x*2.54, y*2.54
				}
			case marker == 0xDA:
				if !sawFrame {
					return info, bad(JPEG, "JPEG scan before frame header", "JPEG扫描数据出现在帧头之前")
				}
				sawScan = true
			}
		}
		if _, err := br.Discard(n); err != nil {
			return info, truncated(JPEG)
		}
		if marker != 0xDA {
			if err := next(); err != nil {
				return info, err
			}
			continue
		}
		// Entropy-coded data: runs until a 0xFF not followed by 0x00,
		// a restart marker or a fill byte.
		m, err := skipEntropy(br)
		if err != nil {
			return info, err
		}
		marker = m
	}
}

func skipEntropy(br *bufio.Reader) (byte, error) {
	for {
		buf, err := br.Peek(br.Buffered())
		if len(buf) == 0 {
			if _, err = br.Peek(1); err != nil {
				return 0, truncated(JPEG)
			}
			continue
		}
		i := bytes.IndexByte(buf, 0xFF)
		if i < 0 {
			_, _ = br.Discard(len(buf))
			continue
		}
		_, _ = br.Discard(i + 1)
		for {
			b, err := br.ReadByte()
			if err != nil {
				return 0, truncated(JPEG)
			}
			switch {
			case b == 0xFF:
				continue
			case b == 0x00, b >= 0xD0 && b <= 0xD7:
			default:
				return b, nil
			}
			break
		}
	}
}
