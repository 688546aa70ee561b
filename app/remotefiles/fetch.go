package remotefiles

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"

	"tongban/app/errs"
	"tongban/scanner/blob"
)

// MaxFile bounds what a fetch reads, whatever the recorded size says.
const MaxFile = 64 << 20

// Source gives the bytes of a file from the platform
// (client.API.Blob: GET /v1/blobs/{sha256} with the device credential).
type Source interface {
	Blob(ctx context.Context, sha256 string) (io.ReadCloser, error)
}

// Verify checks that b is the file named by sha (and size, when ≥ 0).
func Verify(b []byte, sha string, size int64) error {
	if size >= 0 && int64(len(b)) != size {
		return errs.New(errs.ECORRUPT, fmt.Sprintf("file %s: got %d bytes, want %d", short(sha), len(b), size),
			"从平台获取的文件大小与记录不符，已丢弃，请稍后重试")
	}
	sum := sha256.Sum256(b)
	if hex.EncodeToString(sum[:]) != sha {
		return errs.New(errs.ECORRUPT, "file "+short(sha)+": sha-256 mismatch",
			"从平台获取的文件校验值不符（可能传输出错），已丢弃，请稍后重试")
	}
	return nil
}

// Fetch reads the file sha (of size bytes; -1 unknown) from src, verifies
// it and only then stores it in dst. It returns the bytes.
func Fetch(ctx context.Context, src Source, dst blob.Store, sha string, size int64) ([]byte, error) {
	if !validSHA256(sha) {
		return nil, errs.Invalid("sha256", "not a lowercase sha256", "文件标识无效")
	}
	if size > MaxFile {
		return nil, errs.New(errs.ETOOLARGE, fmt.Sprintf("file %s too large: %d bytes", short(sha), size), "文件过大，无法获取")
	}
	rc, err := src.Blob(ctx, sha)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	limit := int64(MaxFile)
	if size >= 0 {
		limit = size
	}
	var buf bytes.Buffer
	if _, err := io.Copy(&buf, io.LimitReader(rc, limit+1)); err != nil {
		return nil, fmt.Errorf("fetch %s: %w", short(sha), err)
	}
	b := buf.Bytes()
	if err := Verify(b, sha, size); err != nil {
		return nil, err
	}
	h, err := blob.PutBytes(ctx, dst, b)
	if err != nil {
		return nil, fmt.Errorf("store %s: %w", short(sha), err)
	}
	if h.String() != sha {
		return nil, fmt.Errorf("store %s: blob store computed %s", short(sha), short(h.String()))
	}
	return b, nil
}

func short(sha string) string {
	if len(sha) > 12 {
		return sha[:12]
	}
	return sha
}
