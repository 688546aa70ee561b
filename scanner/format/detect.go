// Package format detects and checks the page file formats a scanner writes:
// JPEG, PNG, TIFF (multi-page) and PDF (see package pdf for PDF pages).
// Every function here reads untrusted input and must fail cleanly on it.
package format

import "bytes"

// Kind is a detected file type.
type Kind string

// Supported kinds, and a few recognised unsupported ones so that the
// quarantine reason can name them.
const (
	Unknown Kind = ""
	JPEG    Kind = "jpeg"
	PNG     Kind = "png"
	TIFF    Kind = "tiff"
	PDF     Kind = "pdf"

	BigTIFF Kind = "bigtiff"
	BMP     Kind = "bmp"
	GIF     Kind = "gif"
	WebP    Kind = "webp"
	HEIF    Kind = "heif"
	ZIP     Kind = "zip" // also OFD, DOCX and other zip containers
	JPEG2K  Kind = "jpeg2000"
	Empty   Kind = "empty"
)

// HeadSize is how many leading bytes Detect wants to see.
const HeadSize = 1024

// Supported reports whether pages can be taken from files of this kind.
func (k Kind) Supported() bool {
	switch k {
	case JPEG, PNG, TIFF, PDF:
		return true
	}
	return false
}

// MediaType is the MIME type of the kind, or application/octet-stream.
func (k Kind) MediaType() string {
	switch k {
	case JPEG:
		return "image/jpeg"
	case PNG:
		return "image/png"
	case TIFF, BigTIFF:
		return "image/tiff"
	case PDF:
		return "application/pdf"
	case BMP:
		return "image/bmp"
	case GIF:
		return "image/gif"
	case WebP:
		return "image/webp"
	case HEIF:
		return "image/heif"
	case ZIP:
		return "application/zip"
	case JPEG2K:
		return "image/jp2"
	}
	return "application/octet-stream"
}

// Detect identifies a file from its first bytes (up to HeadSize). It looks
// at content only, never at the file name.
func Detect(head []byte) Kind {
	switch {
	case len(head) == 0:
		return Empty
	case bytes.HasPrefix(head, []byte{0xFF, 0xD8, 0xFF}):
		return JPEG
	case bytes.HasPrefix(head, []byte("\x89PNG\r\n\x1a\n")):
		return PNG
	case bytes.HasPrefix(head, []byte("II*\x00")), bytes.HasPrefix(head, []byte("MM\x00*")):
		return TIFF
	case bytes.HasPrefix(head, []byte("II+\x00")), bytes.HasPrefix(head, []byte("MM\x00+")):
		return BigTIFF
	case bytes.HasPrefix(head, []byte("GIF87a")), bytes.HasPrefix(head, []byte("GIF89a")):
		return GIF
	case len(head) >= 12 && bytes.Equal(head[:4], []byte("RIFF")) && bytes.Equal(head[8:12], []byte("WEBP")):
		return WebP
	case len(head) >= 12 && bytes.Equal(head[4:8], []byte("ftyp")) && isHEIFBrand(head[8:12]):
		return HEIF
	case bytes.HasPrefix(head, []byte("PK\x03\x04")):
		return ZIP
	case bytes.HasPrefix(head, []byte("\x00\x00\x00\x0cjP  \r\n\x87\n")), bytes.HasPrefix(head, []byte{0xFF, 0x4F, 0xFF, 0x51}):
		return JPEG2K
	case len(head) >= 14 && bytes.HasPrefix(head, []byte("BM")):
		return BMP
	}
	// PDF readers accept the header anywhere in the first 1024 bytes.
	h := head
	if len(h) > HeadSize {
		h = h[:HeadSize]
	}
	if bytes.Contains(h, []byte("%PDF-")) {
		return PDF
	}
	return Unknown
}

func isHEIFBrand(b []byte) bool {
	switch string(b) {
	case "heic", "heix", "hevc", "heim", "heis", "mif1", "msf1", "avif":
		return true
	}
	return false
}
