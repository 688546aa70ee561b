package scanner

import (
	"context"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"io"
	"os"
	"time"

	xdraw "golang.org/x/image/draw"

	"tongban/scanner/blob"
	"tongban/scanner/format"
	"tongban/scanner/pdf"
)

// fileRef is a file as seen in a hot folder.
type fileRef struct {
	folder  *folderState
	name    string
	size    int64
	modTime time.Time
}

func (f fileRef) path() string { return f.folder.join(f.name) }

type outcome int

const (
	outAttached outcome = iota
	outDuplicate
	outQuarantined
	outChanged // the file changed while being read: wait for it again
	outRetry   // transient failure: retry later
	outNoSpace // disk full: stop intake
	outAborted // dropped to keep the order after an earlier failure
)

type job struct {
	epoch, seq uint64
	file       fileRef
	target     Target
	attempt    int
}

type result struct {
	job
	att    Attachment
	reason *Reason // quarantine with this reason
	out    outcome // outChanged, outRetry or outNoSpace when set; else ok or reason
	err    error
}

// ingest stores one file and its pages. It never removes or moves the
// source: that is the committer's job, in order.
func (w *Watcher) ingest(ctx context.Context, j job) (res result) {
	res.job = j
	fail := func(err error) result {
		switch {
		case IsNoSpace(err):
			res.out = outNoSpace
		case ctx.Err() != nil:
			res.out = outAborted
		default:
			if r := contentReason(err); r != nil {
				res.reason = r
				return res
			}
			res.out = outRetry
			if j.attempt+1 >= w.cfg.MaxAttempts {
				res.out, res.reason = 0, unreadableReason(err)
			}
		}
		res.err = err
		return res
	}
	f, err := os.Open(j.file.path())
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			res.out = outChanged
			return res
		}
		return fail(fmt.Errorf("open page file: %w", err))
	}
	defer f.Close()
	if !w.sameFile(f, j.file) {
		res.out = outChanged
		return res
	}
	head := make([]byte, format.HeadSize)
	n, err := f.ReadAt(head, 0)
	if err != nil && !errors.Is(err, io.EOF) {
		return fail(fmt.Errorf("read page file: %w", err))
	}
	kind := format.Detect(head[:n])
	if kind == format.Empty {
		res.reason = emptyReason
		return res
	}
	if !kind.Supported() {
		res.reason = unsupportedReason(kind)
		return res
	}
	src, size, err := w.store.Put(ctx, io.NewSectionReader(f, 0, j.file.size+1))
	if err != nil {
		return fail(fmt.Errorf("store page file: %w", err))
	}
	if size != j.file.size || !w.sameFile(f, j.file) {
		res.out = outChanged
		return res
	}
	res.att = Attachment{
		Target: j.target, FolderID: j.file.folder.cfg.ID, FileName: j.file.name,
		FileSize: size, FileModTime: j.file.modTime, Kind: kind, Source: src,
	}
	pages, usesOriginal, err := w.pages(ctx, kind, src)
	if err != nil {
		return fail(err)
	}
	res.att.Pages = pages
	if w.cfg.KeepOriginal && !usesOriginal {
		res.att.Original = src
	}
	return res
}

// sameFile reports whether the open file still has the size and mtime
// the watcher saw as stable.
func (w *Watcher) sameFile(f *os.File, ref fileRef) bool {
	info, err := f.Stat()
	return err == nil && info.Size() == ref.size && info.ModTime().Equal(ref.modTime)
}

// pages splits (or passes through) the stored file src into pages.
func (w *Watcher) pages(ctx context.Context, kind format.Kind, src blob.Hash) (pages []Page, usesOriginal bool, err error) {
	r, err := w.store.Open(src)
	if err != nil {
		return nil, false, err
	}
	defer r.Close()
	switch kind {
	case format.JPEG, format.PNG:
		check := format.CheckJPEG
		if kind == format.PNG {
			check = format.CheckPNG
		}
		info, err := check(io.NewSectionReader(r, 0, r.Size()))
		if err != nil {
			return nil, false, err
		}
		if int64(info.Width)*int64(info.Height) > w.cfg.MaxPixels {
			return nil, false, &format.Error{Kind: kind, EN: fmt.Sprintf("image too large (%dx%d pixels)", info.Width, info.Height),
				ZH: fmt.Sprintf("图像过大（%d×%d像素）", info.Width, info.Height)}
		}
		if w.cfg.Reencode == nil {
			return []Page{{Hash: src, Size: r.Size(), MediaType: kind.MediaType(), Width: info.Width, Height: info.Height, DPI: info.DPIX}}, true, nil
		}
		img, _, err := image.Decode(io.NewSectionReader(r, 0, r.Size()))
		if err != nil {
			return nil, false, &format.Error{Kind: kind, EN: "image does not decode: " + err.Error(), ZH: "图像无法解码"}
		}
		p, err := w.putImage(ctx, img, info.DPIX)
		if err != nil {
			return nil, false, err
		}
		return []Page{p}, false, nil
	case format.TIFF:
		tf, err := format.ParseTIFF(r, r.Size())
		if err != nil {
			return nil, false, err
		}
		for i, tp := range tf.Pages {
			img, err := tf.Decode(i, w.cfg.MaxPixels)
			if err != nil {
				return nil, false, err
			}
			p, err := w.putImage(ctx, img, tp.DPIX)
			if err != nil {
				return nil, false, err
			}
			p.Index = i
			pages = append(pages, p)
		}
		return pages, false, nil
	case format.PDF:
		doc, err := pdf.Open(r, r.Size())
		if err != nil {
			return nil, false, err
		}
		if doc.NumPages() == 1 {
			return []Page{{Hash: src, Size: r.Size(), MediaType: kind.MediaType()}}, true, nil
		}
		for i := 0; i < doc.NumPages(); i++ {
			h, n, err := putFrom(ctx, w.store, func(out io.Writer) error { return pdf.SplitPage(out, doc, i) })
			if err != nil {
				return nil, false, err
			}
			pages = append(pages, Page{Index: i, Hash: h, Size: n, MediaType: kind.MediaType()})
		}
		return pages, false, nil
	}
	return nil, false, fmt.Errorf("pages: unexpected kind %q", kind)
}

// putImage stores a decoded page: re-encoded as JPEG if configured,
// otherwise losslessly as PNG.
func (w *Watcher) putImage(ctx context.Context, img image.Image, dpi float64) (Page, error) {
	mediaType := "image/png"
	encode := func(out io.Writer) error {
		return (&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(out, img)
	}
	if re := w.cfg.Reencode; re != nil {
		img, dpi = scaleDown(img, re.MaxLongEdge, dpi)
		mediaType = "image/jpeg"
		encode = func(out io.Writer) error { return jpeg.Encode(out, img, &jpeg.Options{Quality: re.Quality}) }
	}
	h, n, err := putFrom(ctx, w.store, encode)
	if err != nil {
		return Page{}, err
	}
	b := img.Bounds()
	return Page{Hash: h, Size: n, MediaType: mediaType, Width: b.Dx(), Height: b.Dy(), DPI: dpi}, nil
}

func scaleDown(img image.Image, maxEdge int, dpi float64) (image.Image, float64) {
	b := img.Bounds()
	long := max(b.Dx(), b.Dy())
	if maxEdge <= 0 || long <= maxEdge {
		return img, dpi
	}
	f := float64(maxEdge) / float64(long)
	r := image.Rect(0, 0, max(1, int(float64(b.Dx())*f+0.5)), max(1, int(float64(b.Dy())*f+0.5)))
	var dst xdraw.Image
	switch img.(type) {
	case *image.Gray, *image.Gray16:
		dst = image.NewGray(r)
	default:
		dst = image.NewRGBA(r)
	}
	xdraw.ApproxBiLinear.Scale(dst, r, img, b, xdraw.Src, nil)
	return dst, dpi * f
}

// putFrom streams what write produces into the store.
func putFrom(ctx context.Context, s blob.Store, write func(io.Writer) error) (blob.Hash, int64, error) {
	pr, pw := io.Pipe()
	go func() { pw.CloseWithError(write(pw)) }()
	h, n, err := s.Put(ctx, pr)
	pr.CloseWithError(errors.New("put aborted")) // unblocks the writer if Put stopped early
	return h, n, err
}
