package scanner

import (
	"context"
	"fmt"
	"image"
	"io"

	"tongban/scanner/blob"
	"tongban/scanner/format"
	"tongban/scanner/pdf"
)

// PageRef is a stored page in a material, with the clerk's rotation
// (clockwise degrees, a multiple of 90).
type PageRef struct {
	Hash   blob.Hash
	Rotate int
}

// CombinePDF writes the pages of a material, in order, as one PDF for upload
// and printing. JPEG pages are embedded as they are, PNG and TIFF pages
// losslessly, PDF pages are copied without re-rendering. The output is
// deterministic for the same pages.
func CombinePDF(ctx context.Context, store blob.Store, pages []PageRef, dst io.Writer) error {
	if len(pages) == 0 {
		return fmt.Errorf("combine pdf: no pages")
	}
	w := pdf.NewWriter(dst)
	var open []io.Closer
	defer func() {
		for _, c := range open {
			_ = c.Close()
		}
	}()
	for i, p := range pages {
		if err := ctx.Err(); err != nil {
			return err
		}
		r, err := store.Open(p.Hash)
		if err != nil {
			return fmt.Errorf("combine pdf: page %d: %w", i+1, err)
		}
		open = append(open, r) // PDF pages share objects: keep sources open until Close
		if err := addPage(w, r, p.Rotate); err != nil {
			return fmt.Errorf("combine pdf: page %d: %w", i+1, err)
		}
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("combine pdf: %w", err)
	}
	return nil
}

func addPage(w *pdf.Writer, r blob.Reader, rotate int) error {
	head := make([]byte, format.HeadSize)
	n, _ := r.ReadAt(head, 0)
	whole := func() *io.SectionReader { return io.NewSectionReader(r, 0, r.Size()) }
	switch k := format.Detect(head[:n]); k {
	case format.JPEG:
		info, err := format.CheckJPEG(whole())
		if err != nil {
			return err
		}
		return w.AddJPEG(whole(), pdf.JPEGInfo{Width: info.Width, Height: info.Height, Components: info.Components, DPI: info.DPIX}, rotate)
	case format.PNG:
		info, err := format.CheckPNG(whole())
		if err != nil {
			return err
		}
		img, _, err := image.Decode(whole())
		if err != nil {
			return err
		}
		return w.AddImage(img, info.DPIX, rotate)
	case format.TIFF:
		tf, err := format.ParseTIFF(r, r.Size())
		if err != nil {
			return err
		}
		for i, tp := range tf.Pages {
			img, err := tf.Decode(i, 0)
			if err != nil {
				return err
			}
			if err := w.AddImage(img, tp.DPIX, rotate); err != nil {
				return err
			}
		}
		return nil
	case format.PDF:
		doc, err := pdf.Open(r, r.Size())
		if err != nil {
			return err
		}
		for i := 0; i < doc.NumPages(); i++ {
			if err := w.AddPDFPage(doc, i, rotate); err != nil {
				return err
			}
		}
		return nil
	default:
		return fmt.Errorf("unsupported page type %q", k)
	}
}
