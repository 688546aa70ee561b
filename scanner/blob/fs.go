package blob

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"tongban/scanner/internal/fsutil"
)

const (
	tmpDir         = ".tmp"
	copyBufferSize = 256 << 10
	staleTemp      = time.Hour
)

// FS is a Store on a local filesystem. Blobs live at root/ab/<hash>, where
// ab are the first two hex characters; temporary files live in root/.tmp.
type FS struct {
	root string
	bufs sync.Pool
	now  func() time.Time
}

var _ Store = (*FS)(nil)

// OpenFS opens (creating if needed) a store rooted at dir. Temporary files
// older than an hour, left by a crash, are removed.
func OpenFS(dir string) (*FS, error) {
	if err := os.MkdirAll(filepath.Join(dir, tmpDir), 0o750); err != nil {
		return nil, fmt.Errorf("open blob store: %w", err)
	}
	s := &FS{root: dir, now: time.Now}
	s.bufs.New = func() any { b := make([]byte, copyBufferSize); return &b }
	s.removeStaleTemps()
	return s, nil
}

// Root returns the store's directory.
func (s *FS) Root() string { return s.root }

// Path returns where the blob h is (or would be) stored.
func (s *FS) Path(h Hash) string {
	x := h.String()
	return filepath.Join(s.root, x[:2], x)
}

func (s *FS) removeStaleTemps() {
	entries, err := os.ReadDir(filepath.Join(s.root, tmpDir))
	if err != nil {
		return
	}
	for _, e := range entries {
		info, err := e.Info()
		if err == nil && s.now().Sub(info.ModTime()) > staleTemp {
			_ = os.Remove(filepath.Join(s.root, tmpDir, e.Name()))
		}
	}
}

// Put implements Store.
func (s *FS) Put(ctx context.Context, r io.Reader) (Hash, int64, error) {
	tmp, err := os.CreateTemp(filepath.Join(s.root, tmpDir), "put-*")
	if err != nil {
		return Hash{}, 0, fmt.Errorf("put blob: %w", err)
	}
	done := false
	defer func() {
		if !done {
			_ = tmp.Close()
			_ = os.Remove(tmp.Name())
		}
	}()
	hasher := sha256.New()
	bp := s.bufs.Get().(*[]byte)
	n, err := copyCtx(ctx, io.MultiWriter(tmp, hasher), r, *bp)
	s.bufs.Put(bp)
	if err != nil {
		return Hash{}, 0, fmt.Errorf("put blob: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		return Hash{}, 0, fmt.Errorf("put blob: sync: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return Hash{}, 0, fmt.Errorf("put blob: close: %w", err)
	}
	var h Hash
	hasher.Sum(h[:0])
	if err := s.install(tmp.Name(), h); err != nil {
		return Hash{}, 0, err
	}
	done = true
	return h, n, nil
}

// install moves a complete, synced temporary file to its final name.
func (s *FS) install(tmpName string, h Hash) error {
	final := s.Path(h)
	if _, err := os.Stat(final); err == nil {
		// Already stored: refresh its age so that Collect's grace period
		// covers the new reference being recorded.
		_ = os.Remove(tmpName)
		now := s.now()
		_ = os.Chtimes(final, now, now)
		return nil
	}
	dir := filepath.Dir(final)
	if _, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
		if err := os.Mkdir(dir, 0o750); err != nil && !errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("put blob: %w", err)
		}
		if err := fsutil.SyncDir(s.root); err != nil {
			return fmt.Errorf("put blob: %w", err)
		}
	}
	if err := os.Rename(tmpName, final); err != nil {
		return fmt.Errorf("put blob: %w", err)
	}
	if err := fsutil.SyncDir(dir); err != nil {
		return fmt.Errorf("put blob: %w", err)
	}
	return nil
}

func copyCtx(ctx context.Context, dst io.Writer, src io.Reader, buf []byte) (int64, error) {
	var n int64
	for {
		if err := ctx.Err(); err != nil {
			return n, err
		}
		nr, rerr := src.Read(buf)
		if nr > 0 {
			nw, werr := dst.Write(buf[:nr])
			n += int64(nw)
			if werr != nil {
				return n, werr
			}
		}
		if rerr == io.EOF {
			return n, nil
		}
		if rerr != nil {
			return n, rerr
		}
	}
}

type fileReader struct {
	*os.File
	size int64
}

func (f fileReader) Size() int64 { return f.size }

// Open implements Store.
func (s *FS) Open(h Hash) (Reader, error) {
	f, err := os.Open(s.Path(h))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("open blob %s: %w", h, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("open blob: %w", err)
	}
	info, err := f.Stat()
	if err != nil {
		_ = f.Close()
		return nil, fmt.Errorf("open blob: %w", err)
	}
	return fileReader{File: f, size: info.Size()}, nil
}

// Stat implements Store.
func (s *FS) Stat(h Hash) (int64, error) {
	info, err := os.Stat(s.Path(h))
	if errors.Is(err, fs.ErrNotExist) {
		return 0, fmt.Errorf("stat blob %s: %w", h, ErrNotFound)
	}
	if err != nil {
		return 0, fmt.Errorf("stat blob: %w", err)
	}
	return info.Size(), nil
}

// walk visits every file under the shard directories. fn gets the hash
// (ok=false for a file that is not a blob), the relative name and the info.
func (s *FS) walk(ctx context.Context, fn func(h Hash, ok bool, rel string, info fs.FileInfo) error) error {
	shards, err := os.ReadDir(s.root)
	if err != nil {
		return fmt.Errorf("walk blobs: %w", err)
	}
	for _, shard := range shards {
		if shard.Name() == tmpDir {
			continue
		}
		if !shard.IsDir() {
			if err := fn(Hash{}, false, shard.Name(), nil); err != nil {
				return err
			}
			continue
		}
		entries, err := os.ReadDir(filepath.Join(s.root, shard.Name()))
		if err != nil {
			return fmt.Errorf("walk blobs: %w", err)
		}
		for _, e := range entries {
			if err := ctx.Err(); err != nil {
				return err
			}
			rel := shard.Name() + "/" + e.Name()
			h, perr := ParseHash(e.Name())
			ok := perr == nil && e.Type().IsRegular() && strings.EqualFold(shard.Name(), e.Name()[:2])
			info, err := e.Info()
			if err != nil {
				if errors.Is(err, fs.ErrNotExist) {
					continue // removed meanwhile
				}
				return fmt.Errorf("walk blobs: %w", err)
			}
			if err := fn(h, ok, rel, info); err != nil {
				return err
			}
		}
	}
	return nil
}

// Walk implements Store.
func (s *FS) Walk(ctx context.Context, fn func(h Hash, size int64) error) error {
	return s.walk(ctx, func(h Hash, ok bool, _ string, info fs.FileInfo) error {
		if !ok {
			return nil
		}
		return fn(h, info.Size())
	})
}

// Verify implements Store.
func (s *FS) Verify(ctx context.Context) (VerifyReport, error) {
	var rep VerifyReport
	bp := s.bufs.Get().(*[]byte)
	defer s.bufs.Put(bp)
	err := s.walk(ctx, func(h Hash, ok bool, rel string, _ fs.FileInfo) error {
		if !ok {
			rep.Stray = append(rep.Stray, rel)
			return nil
		}
		got, n, err := s.hashFile(ctx, s.Path(h), *bp)
		rep.Checked++
		rep.Bytes += n
		switch {
		case err != nil && ctx.Err() != nil:
			return ctx.Err()
		case err != nil:
			rep.Errors = append(rep.Errors, VerifyError{Hash: h, Err: err})
		case got != h:
			rep.Corrupt = append(rep.Corrupt, h)
		}
		return nil
	})
	return rep, err
}

func (s *FS) hashFile(ctx context.Context, name string, buf []byte) (Hash, int64, error) {
	f, err := os.Open(name)
	if err != nil {
		return Hash{}, 0, err
	}
	defer f.Close()
	hasher := sha256.New()
	n, err := copyCtx(ctx, hasher, f, buf)
	if err != nil {
		return Hash{}, n, err
	}
	var h Hash
	hasher.Sum(h[:0])
	return h, n, nil
}

// Collect implements Store.
func (s *FS) Collect(ctx context.Context, referenced func(Hash) bool, minAge time.Duration) (CollectReport, error) {
	var rep CollectReport
	now := s.now()
	err := s.walk(ctx, func(h Hash, ok bool, _ string, info fs.FileInfo) error {
		if !ok {
			return nil
		}
		if referenced(h) {
			rep.Kept++
			return nil
		}
		if now.Sub(info.ModTime()) < minAge {
			rep.TooYoung++
			return nil
		}
		if err := os.Remove(s.Path(h)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("collect blob: %w", err)
		}
		rep.Removed = append(rep.Removed, h)
		rep.RemovedBytes += info.Size()
		return nil
	})
	return rep, err
}

// PutBytes is a convenience for small blobs.
func PutBytes(ctx context.Context, s Store, b []byte) (Hash, error) {
	h, _, err := s.Put(ctx, bytes.NewReader(b))
	return h, err
}
