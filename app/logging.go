package app

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"tongban/app/paths"
)

// NewLogger logs text to stderr and JSON to a daily file in the data
// directory's logs folder. Log lines never carry personal data: services log
// codes and ids, not names or ID numbers. The returned closer closes the file.
func NewLogger(dataDir string, stderr io.Writer) (*slog.Logger, io.Closer, error) {
	if err := paths.Ensure(dataDir); err != nil {
		return nil, nil, fmt.Errorf("logs: %w", err)
	}
	name := filepath.Join(paths.LogDir(dataDir), "tongban-"+time.Now().Format("20060102")+".log")
	f, err := os.OpenFile(name, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return nil, nil, fmt.Errorf("open log file: %w", err)
	}
	h := slog.NewMultiHandler(
		slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo}),
		slog.NewJSONHandler(f, &slog.HandlerOptions{Level: slog.LevelInfo}),
	)
	return slog.New(h), f, nil
}
