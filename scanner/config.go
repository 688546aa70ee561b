package scanner

import (
	"errors"
	"fmt"
	"path/filepath"
	"runtime"
	"time"
)

// FolderConfig is one hot folder (one per scanner).
type FolderConfig struct {
	ID   string // given to the TargetSource and in events; defaults to Path
	Path string
	// Poll disables fsnotify for this folder and lists it every
	// PollInterval instead: events do not arrive from network shares.
	Poll bool
}

// Reencode makes image pages smaller (for field links): pages are decoded,
// scaled so that their long edge is at most MaxLongEdge pixels, and stored
// as JPEG at Quality. PDF pages are never re-encoded.
type Reencode struct {
	MaxLongEdge int // pixels; 0 keeps the size
	Quality     int // 1..100; 0 means 85
}

// Config configures a Watcher. Zero durations take the defaults shown.
type Config struct {
	Folders       []FolderConfig
	QuarantineDir string // must not be inside a hot folder

	// Debounce is how long a file must be unchanged before it is looked
	// at (default 150ms). When the OS can tell that no process has the file
	// open for writing (a read lease on Linux), that is enough.
	Debounce time.Duration
	// StableFor is how long size and mtime must be unchanged when the OS
	// cannot tell whether a writer is active (default 2s).
	StableFor time.Duration
	// DisableWriterCheck forces the StableFor rule everywhere.
	DisableWriterCheck bool
	// PollInterval is the listing interval for polled folders (default 2s).
	PollInterval time.Duration
	// RescanInterval lists every folder periodically even with fsnotify, in
	// case an event was lost (default 30s).
	RescanInterval time.Duration
	// Workers is how many files are stored and split at once (default
	// GOMAXPROCS, at most 4). Pages are still attached in order.
	Workers int

	// MinFreeBytes: below this much free space in the blob store, intake
	// stops until space returns (default 512 MiB). A file also needs twice
	// its size free.
	MinFreeBytes uint64
	// MaxPixels refuses pages larger than this before decoding (default
	// 80 million: A4 at 600 dpi is 35 million).
	MaxPixels int64
	// IgnorePatterns are file name globs left alone: partial files of the
	// scanner software (defaults: .*, ~*, *.tmp, *.part, *.partial,
	// *.crdownload, *.filepart, *~).
	IgnorePatterns []string
	// MaxAttempts is how often a file that cannot be read is retried before
	// it is quarantined (default 5).
	MaxAttempts int

	Reencode *Reencode
	// KeepOriginal keeps the original file as a blob (Attachment.Original)
	// when the pages are not the original itself (split or re-encoded).
	KeepOriginal bool
}

var defaultIgnore = []string{".*", "~*", "*.tmp", "*.TMP", "*.part", "*.partial", "*.crdownload", "*.filepart", "*~"}

func (c *Config) withDefaults() (Config, error) {
	cc := *c
	if len(cc.Folders) == 0 {
		return cc, errors.New("scanner config: no hot folder")
	}
	if cc.QuarantineDir == "" {
		return cc, errors.New("scanner config: no quarantine folder")
	}
	q, err := filepath.Abs(cc.QuarantineDir)
	if err != nil {
		return cc, fmt.Errorf("scanner config: %w", err)
	}
	cc.QuarantineDir = q
	cc.Folders = append([]FolderConfig(nil), c.Folders...)
	ids := map[string]bool{}
	for i := range cc.Folders {
		f := &cc.Folders[i]
		p, err := filepath.Abs(f.Path)
		if err != nil {
			return cc, fmt.Errorf("scanner config: %w", err)
		}
		f.Path = p
		if f.ID == "" {
			f.ID = p
		}
		if ids[f.ID] {
			return cc, fmt.Errorf("scanner config: folder %q listed twice", f.ID)
		}
		ids[f.ID] = true
		if rel, err := filepath.Rel(p, q); err == nil && rel != ".." && !filepath.IsAbs(rel) && (rel == "." || rel[0] != '.') {
			return cc, fmt.Errorf("scanner config: quarantine folder is inside hot folder %s", p)
		}
	}
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&cc.Debounce, 150*time.Millisecond)
	def(&cc.StableFor, 2*time.Second)
	def(&cc.PollInterval, 2*time.Second)
	def(&cc.RescanInterval, 30*time.Second)
	if cc.Workers <= 0 {
		cc.Workers = min(runtime.GOMAXPROCS(0), 4)
	}
	if cc.MinFreeBytes == 0 {
		cc.MinFreeBytes = 512 << 20
	}
	if cc.MaxPixels <= 0 {
		cc.MaxPixels = 80_000_000
	}
	if cc.IgnorePatterns == nil {
		cc.IgnorePatterns = defaultIgnore
	}
	if cc.MaxAttempts <= 0 {
		cc.MaxAttempts = 5
	}
	if cc.Reencode != nil {
		r := *cc.Reencode
		if r.Quality <= 0 || r.Quality > 100 {
			r.Quality = 85
		}
		cc.Reencode = &r
	}
	return cc, nil
}

func (c *Config) ignored(name string) bool {
	for _, p := range c.IgnorePatterns {
		if ok, _ := filepath.Match(p, name); ok {
			return true
		}
	}
	return false
}
