package scans

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	_ "image/png" // decode PNG pages
	"io"
	"os"
	"path/filepath"

	"golang.org/x/image/draw"

	"tongban/scanner/blob"
	"tongban/scanner/format"
)

// Thumbnailer makes small JPEG previews of pages, cached on disk by hash.
type Thumbnailer struct {
	store     blob.Store
	dir       string
	maxEdge   int
	maxPixels int64
}

// NewThumbnailer returns a Thumbnailer reading pages from st and caching
// previews in cacheDir.
func NewThumbnailer(st blob.Store, cacheDir string) *Thumbnailer {
	return &Thumbnailer{store: st, dir: cacheDir, maxEdge: 320, maxPixels: 80_000_000}
}

// pdfPlaceholder stands for a PDF page (there is no PDF renderer here).
const pdfPlaceholder = `<svg xmlns="http://www.w3.org/2000/svg" width="240" height="320" viewBox="0 0 240 320">` +
	`<rect width="240" height="320" fill="#fff" stroke="#c0c4cc" stroke-width="4"/>` +
	`<rect x="40" y="120" width="160" height="70" rx="8" fill="#c45656"/>` +
	`<text x="120" y="168" font-family="sans-serif" font-size="40" font-weight="bold" fill="#fff" text-anchor="middle">PDF</text></svg>`

// DataURL returns a data: URL of the page's preview: a JPEG for image
// pages, a placeholder for PDF pages.
func (t *Thumbnailer) DataURL(ctx context.Context, h blob.Hash) (string, error) {
	b, mediaType, err := t.Thumbnail(ctx, h)
	if err != nil {
		return "", err
	}
	return "data:" + mediaType + ";base64," + base64.StdEncoding.EncodeToString(b), nil
}

// Thumbnail returns the preview's bytes and media type.
func (t *Thumbnailer) Thumbnail(ctx context.Context, h blob.Hash) ([]byte, string, error) {
	cache := filepath.Join(t.dir, fmt.Sprintf("%s-%d.jpg", h, t.maxEdge))
	if b, err := os.ReadFile(cache); err == nil && len(b) > 0 {
		return b, "image/jpeg", nil
	}
	r, err := t.store.Open(h)
	if err != nil {
		return nil, "", fmt.Errorf("thumbnail: %w", err)
	}
	defer r.Close()
	head := make([]byte, format.HeadSize)
	n, _ := r.ReadAt(head, 0)
	var img image.Image
	switch k := format.Detect(head[:n]); k {
	case format.PDF:
		return []byte(pdfPlaceholder), "image/svg+xml", nil
	case format.JPEG, format.PNG:
		cfg, _, err := image.DecodeConfig(io.NewSectionReader(r, 0, r.Size()))
		if err != nil {
			return nil, "", fmt.Errorf("thumbnail: %w", err)
		}
		if int64(cfg.Width)*int64(cfg.Height) > t.maxPixels {
			return nil, "", errors.New("thumbnail: image too large")
		}
		if img, _, err = image.Decode(io.NewSectionReader(r, 0, r.Size())); err != nil {
			return nil, "", fmt.Errorf("thumbnail: %w", err)
		}
	case format.TIFF:
		tf, err := format.ParseTIFF(r, r.Size())
		if err != nil {
			return nil, "", fmt.Errorf("thumbnail: %w", err)
		}
		if img, err = tf.Decode(0, t.maxPixels); err != nil {
			return nil, "", fmt.Errorf("thumbnail: %w", err)
		}
	default:
		return nil, "", fmt.Errorf("thumbnail: unsupported page type %q", k)
	}
	if err := ctx.Err(); err != nil {
		return nil, "", err
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, Scale(img, t.maxEdge), &jpeg.Options{Quality: 75}); err != nil {
		return nil, "", fmt.Errorf("thumbnail: %w", err)
	}
	t.save(cache, buf.Bytes())
	return buf.Bytes(), "image/jpeg", nil
}

// save caches a preview; failing to cache only costs time later.
func (t *Thumbnailer) save(path string, b []byte) {
	if err := os.MkdirAll(t.dir, 0o750); err != nil {
		return
	}
	tmp, err := os.CreateTemp(t.dir, ".thumb-*")
	if err != nil {
		return
	}
	_, werr := tmp.Write(b)
	cerr := tmp.Close()
	if werr != nil || cerr != nil || os.Rename(tmp.Name(), path) != nil {
		_ = os.Remove(tmp.Name())
	}
}

// Scale shrinks img so that its long edge is at most maxEdge pixels, on a
// white background (transparent PNG areas become white, as on paper).
func Scale(img image.Image, maxEdge int) image.Image {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	if w <= 0 || h <= 0 {
		return image.NewRGBA(image.Rect(0, 0, 1, 1))
	}
	nw, nh := w, h
	if w >= h && w > maxEdge {
		nw, nh = maxEdge, max(1, h*maxEdge/w)
	} else if h > w && h > maxEdge {
		nw, nh = max(1, w*maxEdge/h), maxEdge
	}
	dst := image.NewRGBA(image.Rect(0, 0, nw, nh))
	draw.Draw(dst, dst.Bounds(), image.White, image.Point{}, draw.Src)
	draw.BiLinear.Scale(dst, dst.Bounds(), img, b, draw.Over, nil)
	return dst
}
