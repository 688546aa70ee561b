package blob

import (
	"context"
	"errors"
	"io"
	"time"
)

// ErrNotFound is returned when a blob is not in the store.
var ErrNotFound = errors.New("blob not found")

// Store is a content-addressed blob store. Implementations must be safe for
// concurrent use. The scanner uses the filesystem implementation; the
// platform server can provide another one (for example on object storage).
type Store interface {
	// Put streams r into the store and returns its hash and size. Putting a
	// blob that already exists is cheap and refreshes its age so that a
	// concurrent Collect does not remove it before it is referenced.
	Put(ctx context.Context, r io.Reader) (Hash, int64, error)
	// Open returns the blob's content. The caller closes it.
	Open(h Hash) (Reader, error)
	// Stat returns the size of a blob, or ErrNotFound.
	Stat(h Hash) (int64, error)
	// Walk calls fn for every blob in the store, in no particular order.
	Walk(ctx context.Context, fn func(h Hash, size int64) error) error
	// Verify re-reads every blob and checks it against its hash.
	Verify(ctx context.Context) (VerifyReport, error)
	// Collect removes blobs that are not referenced and older than minAge.
	// minAge protects blobs just written whose reference is not yet
	// recorded (a page being attached while the collection runs).
	Collect(ctx context.Context, referenced func(Hash) bool, minAge time.Duration) (CollectReport, error)
}

// Reader is an open blob: sequential and random access, and its size.
type Reader interface {
	io.ReadSeekCloser
	io.ReaderAt
	Size() int64
}

// VerifyReport is the result of Store.Verify.
type VerifyReport struct {
	Checked int           // blobs read
	Bytes   int64         // bytes read
	Corrupt []Hash        // blobs whose content does not match their name
	Stray   []string      // files in the store that are not blobs (names relative to the root)
	Errors  []VerifyError // blobs that could not be read
}

// VerifyError is a blob that could not be read during Verify.
type VerifyError struct {
	Hash Hash
	Err  error
}

// OK reports whether nothing is wrong.
func (r VerifyReport) OK() bool { return len(r.Corrupt) == 0 && len(r.Errors) == 0 }

// CollectReport is the result of Store.Collect.
type CollectReport struct {
	Kept         int
	Removed      []Hash
	RemovedBytes int64
	TooYoung     int // unreferenced, but younger than minAge
}
