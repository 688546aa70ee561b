package identity

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"tongban/app/errs"
)

// FileReader is the simulator driver for demos and tests: "placing a card"
// is writing a JSON Card to Path. A missing directory means the reader is
// unplugged; a missing file means no card is on the reader yet. The file
// may also say {"simulate":"unplugged"} to play a device fault.
type FileReader struct {
	Path    string
	Poll    time.Duration    // how often to look for the file; default 100 ms
	Consume bool             // rename the file to Path+".read" once read (one placement, one read)
	Now     func() time.Time // default time.Now
}

type simCard struct {
	Card
	Simulate string `json:"simulate,omitempty"`
}

// Read implements Reader.
func (r FileReader) Read(ctx context.Context) (Card, error) {
	poll := r.Poll
	if poll <= 0 {
		poll = 100 * time.Millisecond
	}
	now := r.Now
	if now == nil {
		now = time.Now
	}
	var lastErr error
	for {
		c, err := r.try(now)
		if err == nil || !errors.Is(err, errNotYet) {
			return c, err
		}
		if err != errNotYet {
			lastErr = err
		}
		select {
		case <-ctx.Done():
			if lastErr != nil {
				return Card{}, errs.Wrap(lastErr, errs.EINVALID, "simulator file unreadable",
					"模拟读卡文件内容无法识别（应为证件信息 JSON），请检查模拟器配置")
			}
			return Card{}, TimedOut(ctx.Err())
		case <-time.After(poll):
		}
	}
}

var errNotYet = errors.New("no card yet")

func (r FileReader) try(now func() time.Time) (Card, error) {
	if st, err := os.Stat(filepath.Dir(r.Path)); err != nil || !st.IsDir() {
		return Card{}, Unplugged(fmt.Errorf("simulator folder %s: %w", filepath.Dir(r.Path), err))
	}
	b, err := os.ReadFile(r.Path)
	if errors.Is(err, fs.ErrNotExist) {
		return Card{}, errNotYet
	}
	if err != nil {
		return Card{}, fmt.Errorf("read simulator file: %w", err)
	}
	var sc simCard
	if err := json.Unmarshal(b, &sc); err != nil {
		// Possibly caught mid-write: try again on the next poll.
		return Card{}, fmt.Errorf("%w: %w", errNotYet, err)
	}
	switch sc.Simulate {
	case "":
	case "unplugged":
		return Card{}, Unplugged(nil)
	default:
		return Card{}, errs.Invalid("simulate", "unknown simulate value "+sc.Simulate, "模拟读卡文件中的 simulate 值无法识别（可用：unplugged）")
	}
	if r.Consume {
		if err := os.Rename(r.Path, r.Path+".read"); err != nil {
			return Card{}, fmt.Errorf("consume simulator file: %w", err)
		}
	}
	c := sc.Card
	c.Source = SourceReader
	c.ReaderID = "sim-file"
	c.ReadAt = now()
	return c, nil
}
