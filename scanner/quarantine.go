package scanner

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"tongban/scanner/blob"
	"tongban/scanner/internal/fsutil"
)

// ReasonSuffix is appended to a quarantined file's name for its note.
const ReasonSuffix = ".reason.txt"

// quarantine moves a file out of the hot folder into the quarantine folder,
// next to a note with the reason in English and Chinese. The note is
// written first: if the process dies before the move, the file is simply
// quarantined again (under the same name) at the next start.
func (w *Watcher) quarantine(f fileRef, src blob.Hash, reason *Reason, now time.Time) (string, error) {
	tag := "nohash"
	if !src.IsZero() {
		tag = src.String()[:12]
	}
	base := fmt.Sprintf("%s-%s-%s", now.Format("20060102"), tag, f.name)
	dst := filepath.Join(w.cfg.QuarantineDir, base)
	var note strings.Builder
	fmt.Fprintf(&note, "Reason: %s\n原因：%s\n\n", reason.EN, reason.ZH)
	fmt.Fprintf(&note, "code: %s\nfolder: %s (%s)\nfile: %s\nsize: %d\nmodified: %s\nquarantined: %s\n",
		reason.Code, f.folder.cfg.ID, f.folder.cfg.Path, f.name, f.size, f.modTime.Format(time.RFC3339Nano), now.Format(time.RFC3339))
	if !src.IsZero() {
		fmt.Fprintf(&note, "sha256: %s\n", src)
	}
	if err := writeFileSync(dst+ReasonSuffix, []byte(note.String())); err != nil {
		return "", fmt.Errorf("quarantine: %w", err)
	}
	if err := moveFile(f.path(), dst); err != nil {
		return "", fmt.Errorf("quarantine: %w", err)
	}
	if err := fsutil.SyncDir(w.cfg.QuarantineDir); err != nil {
		return "", fmt.Errorf("quarantine: %w", err)
	}
	if err := fsutil.SyncDir(f.folder.cfg.Path); err != nil {
		return "", fmt.Errorf("quarantine: %w", err)
	}
	return dst, nil
}

func writeFileSync(name string, data []byte) error {
	tmp := name + ".tmp"
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o640)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, name)
}

// moveFile renames, or copies and syncs then removes when the quarantine
// folder is on another filesystem.
func moveFile(from, to string) error {
	err := os.Rename(from, to)
	if err == nil || !errors.Is(err, syscall.EXDEV) {
		return err
	}
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to+".tmp", os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o640)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	if err := out.Close(); err != nil {
		return err
	}
	if err := os.Rename(to+".tmp", to); err != nil {
		return err
	}
	return os.Remove(from)
}
