package scans

import "path/filepath"

// Actor is who changes pages.
type Actor struct {
	Username string `json:"username"`
	Role     string `json:"role"`
}

// SystemActor is recorded for files taken while nobody had selected a
// target (they land in the unsorted tray).
var SystemActor = Actor{Username: "system:scanner", Role: "system"}

// Page is one stored page as the UI sees it. CaseID is empty for the
// unsorted tray; SlotID is the guide's material id, empty for pages of a
// case not yet sorted into a material.
type Page struct {
	ID          string  `json:"id"`
	CaseID      string  `json:"caseId"`
	SlotID      string  `json:"slotId"`
	Position    int     `json:"position"`
	Hash        string  `json:"hash"`
	MediaType   string  `json:"mediaType"`
	Size        int64   `json:"size"`
	Width       int     `json:"width,omitempty"`
	Height      int     `json:"height,omitempty"`
	DPI         float64 `json:"dpi,omitempty"`
	Rotate      int     `json:"rotate"` // clockwise degrees: 0, 90, 180, 270
	Source      string  `json:"source"`
	SourceIndex int     `json:"sourceIndex"`
	FileName    string  `json:"fileName"`
	AddedAt     string  `json:"addedAt"`
}

// Target is the scan target of a hot folder. FolderID "" is the default
// for every folder without its own target.
type Target struct {
	FolderID string `json:"folderId"`
	CaseID   string `json:"caseId"`
	SlotID   string `json:"slotId"`
	Actor    string `json:"actor,omitempty"`
	SetAt    string `json:"setAt,omitempty"`
}

// Where the workstation keeps scan files, below its data directory.
const (
	blobDirName       = "blobs"
	quarantineDirName = "quarantine"
	thumbDirName      = "thumbs"
	scansDirName      = "scans"
)

// BlobDir is the content-addressed page store of a data directory.
func BlobDir(dataDir string) string { return filepath.Join(dataDir, scansDirName, blobDirName) }

// QuarantineDir is where files that are not pages are moved, with a note.
func QuarantineDir(dataDir string) string {
	return filepath.Join(dataDir, scansDirName, quarantineDirName)
}

// ThumbDir caches thumbnails (derived data: safe to delete).
func ThumbDir(dataDir string) string { return filepath.Join(dataDir, scansDirName, thumbDirName) }
