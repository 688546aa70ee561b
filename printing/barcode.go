package printing

import (
	"codeberg.org/go-pdf/fpdf"
	"github.com/boombuler/barcode"
	"github.com/boombuler/barcode/code128"
	"github.com/boombuler/barcode/qr"

	"tongban/printing/perr"
)

func barcodeErr(err error, what string) error {
	return perr.Wrap(err, perr.EINVALID, "encode "+what, "无法生成"+what+"，请检查编号")
}

// drawQR draws a QR code as vector squares centred in the box, with a
// 4-module quiet zone.
func drawQR(pdf *fpdf.Fpdf, it item) error {
	code, err := qr.Encode(it.Payload, qr.M, qr.Unicode)
	if err != nil {
		return barcodeErr(err, "二维码")
	}
	n := code.Bounds().Dx()
	side := min(it.W, it.H)
	mod := side / float64(n+8)
	x0 := it.X + (it.W-side)/2 + 4*mod
	y0 := it.Y + (it.H-side)/2 + 4*mod
	pdf.SetFillColor(0, 0, 0)
	for y := 0; y < n; y++ {
		for x := 0; x < n; {
			if !dark(code, x, y) {
				x++
				continue
			}
			run := x
			for run < n && dark(code, run, y) {
				run++
			}
			pdf.Rect(x0+float64(x)*mod, y0+float64(y)*mod, float64(run-x)*mod, mod, "F")
			x = run
		}
	}
	return nil
}

func dark(c barcode.Barcode, x, y int) bool {
	r, _, _, _ := c.At(x, y).RGBA()
	return r < 0x8000
}

// drawCode128 draws bars across the box width with a 10-module quiet zone
// each side, leaving room below for the human-readable line.
func drawCode128(pdf *fpdf.Fpdf, it item, textH float64) error {
	code, err := code128.Encode(it.Payload)
	if err != nil {
		return barcodeErr(err, "条码")
	}
	n := code.Bounds().Dx()
	mod := it.W / float64(n+20)
	x0 := it.X + 10*mod
	h := it.H - textH
	pdf.SetFillColor(0, 0, 0)
	for x := 0; x < n; {
		if !dark(code, x, 0) {
			x++
			continue
		}
		run := x
		for run < n && dark(code, run, 0) {
			run++
		}
		pdf.Rect(x0+float64(x)*mod, it.Y, float64(run-x)*mod, h, "F")
		x = run
	}
	return nil
}
