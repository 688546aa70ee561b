package scans

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"tongban/scanner"
)

// QuarantineItem is a file the watcher refused, with the reason shown to
// the clerk.
type QuarantineItem struct {
	Name          string `json:"name"`     // file name in the quarantine folder
	FileName      string `json:"fileName"` // name it had in the hot folder
	Folder        string `json:"folder,omitempty"`
	Code          string `json:"code"`
	Reason        string `json:"reason"`   // English
	ReasonZh      string `json:"reasonZh"` // Chinese, shown to the clerk
	Size          int64  `json:"size"`
	QuarantinedAt string `json:"quarantinedAt,omitempty"`
}

// maxNote bounds how much of a note is read.
const maxNote = 16 << 10

// ParseNote reads a quarantine note written by the scanner ("Reason: …",
// "原因：…", then "key: value" lines). Unknown lines are ignored; a note
// without any reason is an error.
func ParseNote(r io.Reader) (QuarantineItem, error) {
	var it QuarantineItem
	sc := bufio.NewScanner(io.LimitReader(r, maxNote))
	sc.Buffer(make([]byte, 0, 1024), maxNote)
	for sc.Scan() {
		line := strings.TrimRight(sc.Text(), "\r")
		if v, ok := strings.CutPrefix(line, "Reason: "); ok && it.Reason == "" {
			it.Reason = strings.TrimSpace(v)
			continue
		}
		if v, ok := strings.CutPrefix(line, "原因："); ok && it.ReasonZh == "" {
			it.ReasonZh = strings.TrimSpace(v)
			continue
		}
		k, v, ok := strings.Cut(line, ": ")
		if !ok {
			continue
		}
		v = strings.TrimSpace(v)
		switch k {
		case "code":
			it.Code = v
		case "folder":
			it.Folder = v
		case "file":
			it.FileName = v
		case "size":
			if n, err := strconv.ParseInt(v, 10, 64); err == nil && n >= 0 {
				it.Size = n
			}
		case "quarantined":
			if t, err := time.Parse(time.RFC3339, v); err == nil {
				it.QuarantinedAt = t.UTC().Format(time.RFC3339)
			}
		}
	}
	if err := sc.Err(); err != nil && !errors.Is(err, bufio.ErrTooLong) {
		return it, fmt.Errorf("parse quarantine note: %w", err)
	}
	if it.Reason == "" && it.ReasonZh == "" {
		return it, errors.New("parse quarantine note: no reason")
	}
	if it.ReasonZh == "" {
		it.ReasonZh = it.Reason
	}
	return it, nil
}

// ListQuarantine returns the quarantined files in dir that are still there,
// newest first, at most limit (0: 200). A note that cannot be read still
// lists its file, with a generic reason.
func ListQuarantine(dir string, limit int) ([]QuarantineItem, error) {
	if limit <= 0 {
		limit = 200
	}
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return []QuarantineItem{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("list quarantine: %w", err)
	}
	out := []QuarantineItem{}
	for _, e := range entries {
		name, ok := strings.CutSuffix(e.Name(), scanner.ReasonSuffix)
		if !ok || e.IsDir() {
			continue
		}
		info, err := os.Stat(filepath.Join(dir, name))
		if err != nil {
			continue // the file was removed by hand: nothing left to show
		}
		it := readNote(filepath.Join(dir, e.Name()))
		it.Name = name
		if it.Size == 0 {
			it.Size = info.Size()
		}
		if it.QuarantinedAt == "" {
			it.QuarantinedAt = info.ModTime().UTC().Format(time.RFC3339)
		}
		out = append(out, it)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].QuarantinedAt != out[j].QuarantinedAt {
			return out[i].QuarantinedAt > out[j].QuarantinedAt
		}
		return out[i].Name < out[j].Name
	})
	if len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

func readNote(path string) QuarantineItem {
	f, err := os.Open(path)
	if err == nil {
		defer f.Close()
		if it, err := ParseNote(f); err == nil {
			return it
		}
	}
	return QuarantineItem{Code: "unknown", Reason: "reason note unreadable", ReasonZh: "隔离原因记录无法读取，请查看隔离文件夹"}
}
