package client

import (
	"context"
	"io"
	"time"

	"tongban/sync/protocol"
)

// Credential is what enrollment gives a device. Token is its bearer secret.
type Credential struct {
	PlatformURL string
	DeviceID    string
	Token       string
	Hall        string
	HallName    string
	PlatformID  string
	EnrolledAt  time.Time
}

// Item is one outbox entry: an action and, for the first action of a case
// created here, the case record it needs on the platform first. Key is the
// store's handle for the entry (the action id).
type Item struct {
	Key    string
	Case   *protocol.Case
	Action protocol.Action
}

// Synced is the platform's receipt for an outbox item.
type Synced struct {
	Key         string
	Seq         int64
	CaseVersion int
	ReceivedAt  time.Time
}

// Upload is a scan the platform must receive. URL and Offset are what the
// last attempt left (empty: not created yet).
type Upload struct {
	SHA256 string
	Size   int64
	CaseID string
	URL    string
	Offset int64
}

// Counts are the true numbers the sync panel shows.
type Counts struct {
	Pending        int // outbox items not yet on the platform (held ones included)
	Failed         int // quarantined items
	UploadsPending int
	UploadsFailed  int
}

// Outbox is the device's FIFO of items to push.
type Outbox interface {
	// Pending returns up to limit items in push order: FIFO, a case record
	// before its actions, nothing of a case behind a quarantined item of it.
	Pending(ctx context.Context, limit int) ([]Item, error)
	// MarkSynced records the platform's receipts.
	MarkSynced(ctx context.Context, s []Synced) error
	// Quarantine sets an item aside with the platform's reason; it is no
	// longer returned by Pending until retried.
	Quarantine(ctx context.Context, key string, reason *protocol.Error) error
}

// Inbox applies what the platform sends.
type Inbox interface {
	// Cursor is the stored pull cursor ("" before the first pull).
	Cursor(ctx context.Context) (string, error)
	// ApplyPull applies one complete batch and stores its cursor in one
	// transaction. Rows pending or quarantined here are never overwritten.
	ApplyPull(ctx context.Context, b protocol.PullResponse) error
	// ResetCursor forgets the cursor (the platform cannot continue it): the
	// next pull is a full snapshot of the device's scope. The outbox stays.
	ResetCursor(ctx context.Context) error
}

// Uploads is the queue of scans to upload and their resumable state.
type Uploads interface {
	PendingUploads(ctx context.Context, limit int) ([]Upload, error)
	// OpenBlob opens a scan's bytes for reading from any offset.
	OpenBlob(ctx context.Context, sha256 string) (io.ReadSeekCloser, error)
	// SaveUpload persists an upload's URL and confirmed offset.
	SaveUpload(ctx context.Context, sha256, url string, offset int64) error
	// UploadDone records that the platform holds the verified scan.
	UploadDone(ctx context.Context, sha256 string) error
	// UploadFailed sets a scan aside (its bytes do not match its hash).
	UploadFailed(ctx context.Context, sha256 string, reason *protocol.Error) error
}

// LocalStore is everything the client keeps on the device.
type LocalStore interface {
	Outbox
	Inbox
	Uploads
	Credential(ctx context.Context) (Credential, bool, error)
	SaveCredential(ctx context.Context, c Credential) error
	Counts(ctx context.Context) (Counts, error)
	// LastSuccess is when a round last completed (zero: never).
	LastSuccess(ctx context.Context) (time.Time, error)
	SetLastSuccess(ctx context.Context, t time.Time) error
}
