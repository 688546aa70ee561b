package scanner

import (
	"context"
	"time"

	"tongban/scanner/blob"
	"tongban/scanner/format"
)

// Target is where pages go: a case and a material slot. The zero Target is
// the unsorted tray.
type Target struct {
	CaseID string `json:"caseId,omitempty"`
	SlotID string `json:"slotId,omitempty"`
}

// Unsorted reports whether t is the unsorted tray.
func (t Target) Unsorted() bool { return t.CaseID == "" }

// TargetSource tells which target the clerk has selected for a hot folder
// (folders are told apart by FolderConfig.ID). It is asked when a file is
// first seen. An error leaves the file waiting in the folder.
type TargetSource interface {
	ScanTarget(folderID string) (Target, error)
}

// TargetFunc adapts a function to TargetSource.
type TargetFunc func(folderID string) (Target, error)

// ScanTarget implements TargetSource.
func (f TargetFunc) ScanTarget(folderID string) (Target, error) { return f(folderID) }

// Page is one page taken from a file, stored in the blob store.
type Page struct {
	Index     int       `json:"index"` // 0-based position within the source file
	Hash      blob.Hash `json:"hash"`
	Size      int64     `json:"size"`
	MediaType string    `json:"mediaType"` // image/jpeg, image/png or application/pdf
	Width     int       `json:"width,omitempty"`
	Height    int       `json:"height,omitempty"`
	DPI       float64   `json:"dpi,omitempty"`
}

// Attachment is what the watcher asks the Sink to record for one file.
type Attachment struct {
	Target      Target      `json:"target"`
	FolderID    string      `json:"folderId"`
	FileName    string      `json:"fileName"`
	FileSize    int64       `json:"fileSize"`
	FileModTime time.Time   `json:"fileModTime"`
	Kind        format.Kind `json:"kind"`
	// Source is the SHA-256 of the whole file: the idempotency key.
	Source blob.Hash `json:"source"`
	// Original is the stored original file when Config.KeepOriginal is set
	// and the original is not itself one of the pages; zero otherwise. The
	// app keeps it referenced until the case is synced.
	Original blob.Hash `json:"original,omitzero"`
	Pages    []Page    `json:"pages"`
	TakenAt  time.Time `json:"takenAt"`
}

// AttachResult is the Sink's answer.
type AttachResult struct {
	// Duplicate is true when a file with the same Source hash was attached
	// before; nothing new was recorded. Target is then where it went.
	Duplicate bool
	Target    Target
}

// Sink durably records attachments. Attach must be idempotent on
// Attachment.Source: a second call with the same Source records nothing and
// returns Duplicate. This is what makes a crash between recording and
// removing the file from the hot folder harmless. Attach must return only
// once the record is durable (committed and synced). Attach is called from
// one goroutine at a time, in the order the files were taken.
type Sink interface {
	Attach(ctx context.Context, a Attachment) (AttachResult, error)
}

// EventKind names an Event.
type EventKind string

// Event kinds.
const (
	EventAttached    EventKind = "attached"    // pages recorded on Target; thumbnails can be shown
	EventDuplicate   EventKind = "duplicate"   // same content already attached (to Target); file removed
	EventQuarantined EventKind = "quarantined" // file moved to quarantine; Reason says why
	EventDiskFull    EventKind = "disk_full"   // intake stopped: free space below the minimum
	EventDiskOK      EventKind = "disk_ok"     // intake resumed
	EventNoTarget    EventKind = "no_target"   // the TargetSource failed: files wait
	EventFolderError EventKind = "folder_error"
	EventRescan      EventKind = "rescan" // full rescan after an event overflow
)

// Reason explains a quarantine or an error to the clerk.
type Reason struct {
	Code string `json:"code"` // unsupported, corrupt, too_large, unreadable, empty
	EN   string `json:"en"`
	ZH   string `json:"zh"`
}

// Event is pushed to Config.Notify. Fields not relevant to a kind are zero.
type Event struct {
	Kind           EventKind `json:"kind"`
	Time           time.Time `json:"time"`
	FolderID       string    `json:"folderId,omitempty"`
	FileName       string    `json:"fileName,omitempty"`
	Target         Target    `json:"target"`
	Source         blob.Hash `json:"source,omitzero"`
	Pages          []Page    `json:"pages,omitempty"`
	Reason         *Reason   `json:"reason,omitempty"`
	QuarantinePath string    `json:"quarantinePath,omitempty"`
	FreeBytes      uint64    `json:"freeBytes,omitempty"`
	// LastWrite is the file's modification time, for latency figures.
	LastWrite time.Time `json:"lastWrite,omitzero"`
	Err       string    `json:"error,omitempty"`
}
