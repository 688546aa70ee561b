package app

import (
	"bytes"
	"encoding/base64"
	"testing"

	"tongban/app/errs"
)

// FuzzDecodeResultPDF: an uploaded result file is refused with a Chinese
// message unless it decodes to a PDF within the size limit.
func FuzzDecodeResultPDF(f *testing.F) {
	pdf := base64.StdEncoding.EncodeToString([]byte("%PDF-1.7\n%%EOF\n"))
	for _, s := range []string{pdf, "data:application/pdf;base64," + pdf, "", "not base64!", base64.StdEncoding.EncodeToString([]byte("<html>")),
		"data:;base64,", "data:text/html;base64," + pdf} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b, err := decodeResultPDF(s)
		if err != nil {
			if errs.Code(err) != errs.EINVALID || errs.Zh(err) == "" {
				t.Fatalf("refusal %v without code or Chinese message", err)
			}
			return
		}
		if !bytes.HasPrefix(b, []byte("%PDF-")) || len(b) > maxResultFile {
			t.Fatalf("accepted %d bytes starting %q", len(b), b[:min(len(b), 8)])
		}
	})
}
