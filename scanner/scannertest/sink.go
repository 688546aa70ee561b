// Package scannertest has Sink implementations for tests and tools: an
// in-memory one and a durable JSON-lines file (used by the crash test,
// where the watcher process is killed).
package scannertest

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"sync"

	"tongban/scanner"
	"tongban/scanner/blob"
)

// MemorySink records attachments in memory, idempotent on Source.
type MemorySink struct {
	mu   sync.Mutex
	list []scanner.Attachment
	by   map[blob.Hash]int
	// Fail, when set, is returned by Attach (to test retries).
	Fail error
}

// NewMemorySink returns an empty MemorySink.
func NewMemorySink() *MemorySink { return &MemorySink{by: map[blob.Hash]int{}} }

// Attach implements scanner.Sink.
func (s *MemorySink) Attach(_ context.Context, a scanner.Attachment) (scanner.AttachResult, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.Fail != nil {
		return scanner.AttachResult{}, s.Fail
	}
	if i, ok := s.by[a.Source]; ok {
		return scanner.AttachResult{Duplicate: true, Target: s.list[i].Target}, nil
	}
	s.by[a.Source] = len(s.list)
	s.list = append(s.list, a)
	return scanner.AttachResult{Target: a.Target}, nil
}

// SetFail sets or clears the error Attach returns.
func (s *MemorySink) SetFail(err error) {
	s.mu.Lock()
	s.Fail = err
	s.mu.Unlock()
}

// Attachments returns a copy of what was recorded, in order.
func (s *MemorySink) Attachments() []scanner.Attachment {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]scanner.Attachment(nil), s.list...)
}

// FileSink appends each attachment as a JSON line and fsyncs before
// returning. Opening it reads back what is already there.
type FileSink struct {
	mem  *MemorySink
	mu   sync.Mutex
	file *os.File
}

// OpenFileSink opens or creates the journal at path.
func OpenFileSink(path string) (*FileSink, error) {
	mem := NewMemorySink()
	list, err := ReadJournal(path)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	for _, a := range list {
		if _, err := mem.Attach(context.Background(), a); err != nil {
			return nil, err
		}
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o640)
	if err != nil {
		return nil, fmt.Errorf("open file sink: %w", err)
	}
	return &FileSink{mem: mem, file: f}, nil
}

// Attach implements scanner.Sink.
func (s *FileSink) Attach(ctx context.Context, a scanner.Attachment) (scanner.AttachResult, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	res, err := s.mem.Attach(ctx, a)
	if err != nil || res.Duplicate {
		return res, err
	}
	b, err := json.Marshal(a)
	if err != nil {
		return res, err
	}
	if _, err := s.file.Write(append(b, '\n')); err != nil {
		return res, fmt.Errorf("file sink: %w", err)
	}
	if err := s.file.Sync(); err != nil {
		return res, fmt.Errorf("file sink: %w", err)
	}
	return res, nil
}

// Close closes the journal.
func (s *FileSink) Close() error { return s.file.Close() }

// ReadJournal reads a FileSink journal. A torn last line (a crash in the
// middle of a write) is ignored.
func ReadJournal(path string) ([]scanner.Attachment, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var list []scanner.Attachment
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for sc.Scan() {
		var a scanner.Attachment
		if err := json.Unmarshal(sc.Bytes(), &a); err != nil {
			continue
		}
		list = append(list, a)
	}
	return list, sc.Err()
}
