package format

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"io"
)

// CheckPNG walks the chunks of a PNG stream, checking every chunk's CRC and
// the IHDR/IEND framing, without inflating the pixels.
func CheckPNG(r io.Reader) (ImageInfo, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	var info ImageInfo
	sig := make([]byte, 8)
	if _, err := io.ReadFull(br, sig); err != nil || !bytes.Equal(sig, []byte("\x89PNG\r\n\x1a\n")) {
		return info, bad(PNG, "missing PNG signature", "缺少PNG文件标识")
	}
	first, sawData := true, false
	crc := crc32.NewIEEE()
	var hdr [8]byte
	var small [32]byte
	for {
		if _, err := io.ReadFull(br, hdr[:]); err != nil {
			return info, truncated(PNG)
		}
		n := binary.BigEndian.Uint32(hdr[:4])
		typ := string(hdr[4:8])
		if n > 1<<31-1 {
			return info, bad(PNG, "corrupt PNG chunk length", "PNG数据块长度错误")
		}
		if first && typ != "IHDR" {
			return info, bad(PNG, "PNG does not start with IHDR", "PNG缺少文件头块")
		}
		crc.Reset()
		_, _ = crc.Write(hdr[4:8])
		var data []byte
		if typ == "IHDR" || typ == "pHYs" {
			if n > uint32(len(small)) {
				return info, bad(PNG, "corrupt PNG header chunk", "PNG头块损坏")
			}
			data = small[:n]
			if _, err := io.ReadFull(br, data); err != nil {
				return info, truncated(PNG)
			}
			_, _ = crc.Write(data)
		} else if _, err := io.CopyN(crc, br, int64(n)); err != nil {
			return info, truncated(PNG)
		}
		var sum [4]byte
		if _, err := io.ReadFull(br, sum[:]); err != nil {
			return info, truncated(PNG)
		}
		if binary.BigEndian.Uint32(sum[:]) != crc.Sum32() {
			return info, bad(PNG, "PNG chunk checksum mismatch (corrupt file)", "PNG数据块校验失败（文件损坏）")
		}
		switch typ {
		case "IHDR":
			if !first || n != 13 {
				return info, bad(PNG, "corrupt PNG header chunk", "PNG头块损坏")
			}
			info.Width = int(binary.BigEndian.Uint32(data[0:4]))
			info.Height = int(binary.BigEndian.Uint32(data[4:8]))
			if info.Width <= 0 || info.Height <= 0 {
				return info, bad(PNG, "PNG has zero size", "PNG图像尺寸为零")
			}
		case "pHYs":
			if n == 9 && data[8] == 1 {
				info.DPIX = float64(binary.BigEndian.Uint32(data[0:4])) * 0.0254
				info.DPIY = float64(binary.BigEndian.Uint32(data[4:8])) * 0.0254
			}
		case "IDAT":
			sawData = true
		case "IEND":
			if !sawData {
				return info, bad(PNG, "PNG has no image data", "PNG中没有图像数据")
			}
			return info, nil
		}
		first = false
	}
}
